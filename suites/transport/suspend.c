/* Device Suspend (VIRTIO_F_SUSPEND): the SUSPEND bit of device_status,
 * what a suspended device must leave alone, and the resume. */
#include <errno.h>
#include <string.h>
#include "labels.h"
#include "session.h"
#include "vc/clause.h"
#include "vc/driver.h"

/* Reset and negotiate VERSION_1 and SUSPEND (no DRIVER_OK yet), or SKIP. */
static bool start(struct vc_ctx *c, struct vc_driver *drv)
{
	uint32_t want[VC_FEATURE_WORDS] = { 0 };

	if (!vc_offers(c->probe, VIRTIO_F_SUSPEND)) {
		vc_skip(c, "VIRTIO_F_SUSPEND is not offered");
		return false;
	}
	vc_features_set(want, VIRTIO_F_VERSION_1);
	vc_features_set(want, VIRTIO_F_SUSPEND);
	return vc_ctx_start(c, drv, want);
}

static bool status_add(struct vc_ctx *c, struct vc_driver *drv, uint8_t bits, const char *what)
{
	int rc = vc_status_add(drv, bits);

	if (rc)
		vc_error(c, "writing %s to device_status failed: %s", what, strerror(-rc));
	return rc == 0;
}

/* Poll device_status (bounded by the device timeout) until `set` reads 1 and
 * `clear` reads 0. 0; -ECANCELED when DEVICE_NEEDS_RESET shows instead;
 * -ETIMEDOUT; -EIO after an ERROR verdict. *st: the last value read. */
static int wait_status(struct vc_ctx *c, struct vc_driver *drv, uint8_t set, uint8_t clear, uint8_t *st)
{
	uint64_t deadline = 0;
	int rc;

	for (unsigned i = 0;; i++) {
		if ((rc = vc_status_read(drv, st))) {
			vc_error(c, "reading device_status failed: %s", strerror(-rc));
			return -EIO;
		}
		if ((*st & set) == set && !(*st & clear))
			return 0;
		if (*st & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
			return -ECANCELED;
		/* not there at the first look: a settled device will not get there */
		if (!deadline)
			deadline = vc_now_ms() + vc_done_ms(drv, c->dev->timeout_ms);
		else if (vc_now_ms() > deadline)
			return -ETIMEDOUT;
		vc_poll_pause(i);
	}
}

/* Set SUSPEND and wait for the device to read suspended (SUSPEND 1,
 * DRIVER_OK 0), as the driver must before relying on it. */
static int suspend(struct vc_ctx *c, struct vc_driver *drv, uint8_t *st)
{
	if (!status_add(c, drv, VIRTIO_STATUS_SUSPEND, "SUSPEND"))
		return -EIO;
	return wait_status(c, drv, VIRTIO_STATUS_SUSPEND, VIRTIO_STATUS_DRIVER_OK, st);
}

/* Write DRIVER_OK to the suspended device and wait for it to run again. */
static int resume(struct vc_ctx *c, struct vc_driver *drv, uint8_t *st)
{
	if (!status_add(c, drv, VIRTIO_STATUS_DRIVER_OK, "DRIVER_OK"))
		return -EIO;
	return wait_status(c, drv, VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_SUSPEND, st);
}

/* For the clauses about a suspended or resumed device: a device that does
 * not get there is another clause's verdict. */
static bool got_there(struct vc_ctx *c, int rc, const char *what, const char *clause)
{
	if (rc && rc != -EIO)
		vc_skip(c, "the device did not %s (%s reports it)", what, clause);
	return rc == 0;
}

static bool suspended(struct vc_ctx *c, struct vc_driver *drv)
{
	uint8_t st;
	return got_there(c, suspend(c, drv, &st), "suspend", "suspend.suspends-or-needs-reset");
}

static bool resumed(struct vc_ctx *c, struct vc_driver *drv)
{
	uint8_t st;
	return got_there(c, resume(c, drv, &st), "resume", "suspend.resumes-or-needs-reset");
}

/* A running device (DRIVER_OK) with INTx interrupts and, when `req`, the
 * queue of a request this device type consumes set up and enabled. */
static bool running(struct vc_ctx *c, struct vc_driver *drv, struct vc_vq *vq, struct vc_request *req)
{
	int rc;

	if (!start(c, drv))
		return false;
	if ((rc = vc_irq_intx(drv))) {
		vc_error(c, "INTx set-up failed: %s", strerror(-rc));
		return false;
	}
	if (req && !c->probe->notify) {
		vc_skip(c, "no notification capability (pci.notify.present reports it)");
		return false;
	}
	if (req && (rc = vc_request_make(drv, req))) {
		if (rc == -ENOTSUP)
			vc_skip(c, "the harness has no request for %s devices", vc_virtio_type_name(c->probe->virtio_type));
		else
			vc_error(c, "could not build a request: %s", strerror(-rc));
		return false;
	}
	if (req && ((rc = vc_vq_setup(drv, req->queue, 0, vq)) || (rc = vc_vq_enable(drv, vq)))) {
		vc_error(c, "could not set up queue %u: %s", req->queue, strerror(-rc));
		return false;
	}
	return status_add(c, drv, VIRTIO_STATUS_DRIVER_OK, "DRIVER_OK");
}

static bool add(struct vc_ctx *c, struct vc_driver *drv, struct vc_vq *vq, const struct vc_request *req, bool kick)
{
	uint16_t id;
	int rc = vc_vq_add(drv, vq, req->bufs, req->n, &id);

	if (!rc && kick)
		rc = vc_vq_kick(drv, vq);
	if (rc)
		vc_error(c, "could not make the %s available on queue %u: %s", req->what, req->queue, strerror(-rc));
	return rc == 0;
}

/* Drain the interrupts and used buffers there are now. */
static void drain(struct vc_driver *drv, struct vc_vq *vq)
{
	uint16_t id;
	uint32_t len;
	int vector;

	while (vc_irq_wait(drv, 0, &vector) == 0)
		;
	while (vq && vc_vq_get_used(drv, vq, &id, &len) == 0)
		;
}

/* The SUSPEND bit before DRIVER_OK (which a driver should not write, so
 * this is on purpose) is ignored: it reads 0 and the device still starts. */
static void ignored_before_driver_ok(struct vc_ctx *c)
{
	struct vc_driver drv;
	uint8_t st;
	int rc;

	if (!start(c, &drv) || !status_add(c, &drv, VIRTIO_STATUS_SUSPEND, "SUSPEND"))
		return;
	if ((rc = vc_status_read(&drv, &st))) {
		vc_error(c, "reading device_status failed: %s", strerror(-rc));
		return;
	}
	if (st & VIRTIO_STATUS_SUSPEND) {
		vc_fail(c, "SUSPEND written after FEATURES_OK, before DRIVER_OK, reads back set");
		vc_observed(c, "device_status 0x%02x", st);
		vc_expected(c, "SUSPEND (0x10) ignored: 0x%02x", (uint8_t)(drv.status & ~VIRTIO_STATUS_SUSPEND));
	}
}

/* SUSPEND written to a running device: it suspends (SUSPEND 1, DRIVER_OK 0)
 * or, failing that, sets DEVICE_NEEDS_RESET. */
static void suspends_or_needs_reset(struct vc_ctx *c)
{
	struct vc_driver drv;
	uint8_t st;
	int rc;

	if (!running(c, &drv, NULL, NULL))
		return;
	rc = suspend(c, &drv, &st);
	if (rc == -ECANCELED)
		vc_note(c, "the device failed to suspend and set DEVICE_NEEDS_RESET (status 0x%02x)", st);
	else if (rc == -ETIMEDOUT) {
		vc_fail(c, "within %u ms of SUSPEND the device neither suspended nor set DEVICE_NEEDS_RESET",
			c->dev->timeout_ms);
		vc_observed(c, "device_status 0x%02x", st);
		vc_expected(c, "SUSPEND set and DRIVER_OK clear, or DEVICE_NEEDS_RESET");
	}
}

/* One request made available, notified and used (id checked). */
static bool request_used(struct vc_ctx *c, struct vc_driver *drv, struct vc_vq *vq, const struct vc_request *req,
			 const char *when)
{
	uint16_t id, used;
	uint32_t len;
	int rc = vc_vq_add(drv, vq, req->bufs, req->n, &id);

	if (!rc)
		rc = vc_vq_kick(drv, vq);
	if (rc) {
		vc_error(c, "could not make the %s available on queue %u: %s", req->what, req->queue, strerror(-rc));
		return false;
	}
	if ((rc = vc_vq_wait_used(drv, vq, vc_done_ms(drv, c->dev->timeout_ms), &used, &len)) == -ETIMEDOUT) {
		vc_fail(c, "the %s device reads running but did not use the %s within %u ms", when, req->what,
			c->dev->timeout_ms);
		vc_observed(c, "no used buffer on queue %u", req->queue);
		vc_expected(c, "the %s used: normal operation", req->what);
		return false;
	}
	if (!rc && used != id) {
		vc_fail(c, "the %s device returned buffer %u for the %s made available as %u", when, used, req->what, id);
		vc_observed(c, "used id %u", used);
		vc_expected(c, "id %u, the buffer in flight", id);
		return false;
	}
	if (rc)
		vc_error(c, "reading the used ring failed: %s", strerror(-rc));
	return rc == 0;
}

/* DRIVER_OK written to a suspended device: it runs again (SUSPEND 0,
 * DRIVER_OK 1) where it stopped, or sets DEVICE_NEEDS_RESET. A request is
 * used before the suspension and another after the resume: the second is
 * the one used, and the first (its writable buffers poisoned once it was
 * used) is not used again, as it would be by a device that starts its rings
 * over. */
static void resumes_or_needs_reset(struct vc_ctx *c)
{
	struct vc_driver drv;
	struct vc_request req, next;
	struct vc_vq vq;
	uint8_t st;
	int rc;

	if (!running(c, &drv, &vq, &req) || !request_used(c, &drv, &vq, &req, "running") ||
	    session_poison(c, &req, false) || !suspended(c, &drv))
		return;
	rc = resume(c, &drv, &st);
	if (rc == -ECANCELED) {
		vc_note(c, "the device failed to resume and set DEVICE_NEEDS_RESET (status 0x%02x)", st);
		return;
	}
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "within %u ms of DRIVER_OK the suspended device neither resumed nor set DEVICE_NEEDS_RESET",
			c->dev->timeout_ms);
		vc_observed(c, "device_status 0x%02x", st);
		vc_expected(c, "DRIVER_OK set and SUSPEND clear, or DEVICE_NEEDS_RESET");
		return;
	}
	if (rc)
		return;
	if ((rc = vc_request_make(&drv, &next))) {
		vc_error(c, "could not build a request: %s", strerror(-rc));
		return;
	}
	if (!request_used(c, &drv, &vq, &next, "resumed") || c->r->status == VC_ERROR)
		return;
	if ((rc = session_poison(c, &req, true)) < 0)
		return;
	if (rc) {
		vc_fail(c, "after the resume the device used again the %s it had used before the suspension: it started "
			   "its ring over", req.what);
		vc_observed(c, "the first request's writable buffers written again");
		vc_expected(c, "the device going on where it was suspended");
	}
}

/* Suspended with a buffer available (made available before the suspension,
 * without a notification): no used buffer, no interrupt, no configuration
 * change may come until the resume. */
static void quiet_while_suspended(struct vc_ctx *c)
{
	struct vc_driver drv;
	struct vc_request req;
	struct vc_vq vq;
	uint64_t gen0, gen1;
	uint16_t id;
	uint32_t len;
	int vector;

	if (!running(c, &drv, &vq, &req) || !add(c, &drv, &vq, &req, false) || !suspended(c, &drv))
		return;
	/* what the device did before it read suspended is not this rule's business */
	drain(&drv, &vq);
	if (!vc_ctx_common_read(c, COMMON_config_generation, 1, &gen0))
		return;
	unsigned ms = vc_quiet_ms(&drv, 200);
	bool irq = vc_irq_wait(&drv, ms, &vector) == 0;
	bool used = vc_vq_get_used(&drv, &vq, &id, &len) == 0;
	if (!vc_ctx_common_read(c, COMMON_config_generation, 1, &gen1))
		return;
	if (used || irq || gen0 != gen1) {
		vc_fail(c, "while suspended the device %s", used ? "used a buffer" :
			irq ? "sent an interrupt" : "changed config_generation");
		vc_observed(c, "used buffer %s, interrupt %s, config_generation %llu -> %llu", used ? "yes" : "no",
			    irq ? "yes" : "no", (unsigned long long)gen0, (unsigned long long)gen1);
		vc_expected(c, "no used buffer, no interrupt, config_generation %llu", (unsigned long long)gen0);
	}
}

/* SUSPEND written right after a notification: before the device reads
 * suspended, the buffer in flight is used. */
static void in_flight_used_first(struct vc_ctx *c)
{
	struct vc_driver drv;
	struct vc_request req;
	struct vc_vq vq;
	uint16_t id;
	uint32_t len;

	if (!running(c, &drv, &vq, &req) || !add(c, &drv, &vq, &req, true) || !suspended(c, &drv))
		return;
	if (vc_vq_get_used(&drv, &vq, &id, &len) == -EAGAIN) {
		vc_fail(c, "the device reads suspended with the %s notified just before still not used", req.what);
		vc_observed(c, "no used buffer on queue %u", req.queue);
		vc_expected(c, "the %s used before SUSPEND reads 1", req.what);
	}
}

/* Device-configuration fields a driver may write, by device type. */
static const struct writable_field {
	unsigned type, feature, off, width;      /* feature 0: none needed */
	const char *name;
} writable_fields[] = {
	{ 2, 11, 0x20, 1, "block writeback (with VIRTIO_BLK_F_CONFIG_WCE)" },
	{ 5, 0, 0x04, 4, "balloon actual" },
};

static const struct writable_field *writable_field(const struct vc_probe *p)
{
	for (unsigned i = 0; i < sizeof(writable_fields) / sizeof(writable_fields[0]); i++)
		if (writable_fields[i].type == p->virtio_type &&
		    (!writable_fields[i].feature || vc_offers(p, writable_fields[i].feature)))
			return &writable_fields[i];
	return NULL;
}

/* A writable field written while suspended keeps its value: read after the
 * resume, it is what it was before. */
static void config_writes_ignored(struct vc_ctx *c)
{
	const struct writable_field *f = writable_field(c->probe);
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	struct vc_driver drv;
	uint64_t before, after;
	int rc;

	if (!vc_offers(c->probe, VIRTIO_F_SUSPEND)) {
		vc_skip(c, "VIRTIO_F_SUSPEND is not offered");
		return;
	}
	if (!f || !c->probe->device_cfg) {
		vc_skip(c, "no device-configuration field known to be writable for %s devices",
			vc_virtio_type_name(c->probe->virtio_type));
		return;
	}
	vc_features_set(want, VIRTIO_F_VERSION_1);
	vc_features_set(want, VIRTIO_F_SUSPEND);
	if (f->feature)
		vc_features_set(want, f->feature);
	if (!vc_ctx_start(c, &drv, want) || !status_add(c, &drv, VIRTIO_STATUS_DRIVER_OK, "DRIVER_OK") ||
	    !vc_ctx_struct_read(c, c->probe->device_cfg, f->off, f->width, &before) || !suspended(c, &drv))
		return;
	if ((rc = vc_struct_write(c->dev, c->probe->device_cfg, f->off, f->width, before ^ 1))) {
		vc_error(c, "writing the %s field failed: %s", f->name, strerror(-rc));
		return;
	}
	if (!resumed(c, &drv) || !vc_ctx_struct_read(c, c->probe->device_cfg, f->off, f->width, &after))
		return;
	if (after != before) {
		vc_fail(c, "the %s field took a write made while the device was suspended", f->name);
		vc_observed(c, "0x%llx before, 0x%llx after the resume", (unsigned long long)before,
			    (unsigned long long)after);
		vc_expected(c, "0x%llx: the write ignored", (unsigned long long)before);
	}
}

/* A host-side configuration change while suspended; false after a SKIP or
 * an ERROR. */
static bool change_while_suspended(struct vc_ctx *c, struct vc_driver *drv)
{
	int rc;

	if (!c->dev->ops->config_change) {
		vc_skip(c, "the %s backend cannot change a device's configuration from the host side", c->dev->backend);
		return false;
	}
	if (!running(c, drv, NULL, NULL) || !suspended(c, drv))
		return false;
	drain(drv, NULL);
	rc = c->dev->ops->config_change(c->dev);
	if (rc == -ENOTSUP)
		vc_skip(c, "no host-side configuration change is known for %s devices on this backend",
			vc_virtio_type_name(c->probe->virtio_type));
	else if (rc)
		vc_error(c, "the host-side configuration change failed: %s", strerror(-rc));
	return rc == 0;
}

static void config_change_not_notified(struct vc_ctx *c)
{
	struct vc_driver drv;
	int vector;

	if (!change_while_suspended(c, &drv))
		return;
	if (vc_irq_wait(&drv, vc_quiet_ms(&drv, 200), &vector) == 0) {
		vc_fail(c, "a configuration change while suspended was notified before the resume");
		vc_observed(c, "an interrupt while suspended");
		vc_expected(c, "none until DRIVER_OK is written back");
	}
}

/* The notification held over the suspension comes with the resume (INTx:
 * an interrupt with ISR bit 1, configuration change, set). */
static void config_change_notified_on_resume(struct vc_ctx *c)
{
	struct vc_driver drv;
	uint64_t isr = 0;
	int vector;

	if (!change_while_suspended(c, &drv))
		return;
	drain(&drv, NULL);
	if (!c->probe->isr) {
		vc_skip(c, "no ISR status capability to tell a configuration change notification by");
		return;
	}
	if (!vc_ctx_struct_read(c, c->probe->isr, 0, 1, &isr) || !resumed(c, &drv))
		return;
	if (vc_irq_wait(&drv, c->dev->timeout_ms, &vector) != 0 || !vc_ctx_struct_read(c, c->probe->isr, 0, 1, &isr) ||
	    !(isr & 2)) {
		if (c->r->status == VC_ERROR)
			return;
		vc_fail(c, "no configuration change notification came with the resume for a change made while suspended");
		vc_observed(c, "ISR status 0x%02llx after the resume", (unsigned long long)isr);
		vc_expected(c, "an interrupt with ISR bit 1 (configuration change) set");
	}
}

#define DRIVES (NEED_BAR_WRITE | NEED_COMMON)
#define SUSPEND VC_REQ(VIRTIO_F_SUSPEND)

static const struct vc_clause clauses[] = {
	{ "suspend.ignored-before-driver-ok", L_SUSPEND, VC_MUST, VC_DEVICE_RULE, "1.4", DRIVES, "SUSPEND-DEV-1",
	  "SUSPEND written before the device is initialized (FEATURES_OK, no DRIVER_OK) is ignored: it reads 0.",
	  NULL, ignored_before_driver_ok, SUSPEND, 0 },
	{ "suspend.config-writes-ignored", L_SUSPEND, VC_SHOULD, VC_DEVICE_RULE, "1.4", DRIVES, "SUSPEND-DEV-2",
	  "A writable device-configuration field (block writeback, balloon actual) written while suspended keeps "
	  "its value.", NULL, config_writes_ignored, SUSPEND, 0 },
	{ "suspend.suspends-or-needs-reset", L_SUSPEND, VC_MUST, VC_DEVICE_RULE, "1.4", DRIVES, "SUSPEND-DEV-6",
	  "SUSPEND written to a running device suspends it (SUSPEND 1, DRIVER_OK 0) or sets DEVICE_NEEDS_RESET.",
	  NULL, suspends_or_needs_reset, SUSPEND, 0 },
	{ "suspend.resumes-or-needs-reset", L_SUSPEND, VC_MUST, VC_DEVICE_RULE, "1.4", DRIVES | NEED_DMA,
	  "SUSPEND-DEV-7", "DRIVER_OK written to a suspended device resumes it (SUSPEND 0, DRIVER_OK 1, a request "
	  "completes where the ring stood: the one before the suspension is not used again) or sets "
	  "DEVICE_NEEDS_RESET.", NULL, resumes_or_needs_reset, SUSPEND, 1 },
	{ "suspend.quiet-while-suspended", L_SUSPEND, VC_MUST_NOT, VC_DEVICE_RULE, "1.4",
	  DRIVES | NEED_DMA | NEED_IRQ, "SUSPEND-DEV-3", "A suspended device with a buffer available uses no buffer, "
	  "sends no interrupt and leaves config_generation alone.", NULL, quiet_while_suspended, SUSPEND, 1 },
	{ "suspend.in-flight-used-first", L_SUSPEND, VC_SHOULD, VC_DEVICE_RULE, "1.4", DRIVES | NEED_DMA,
	  "SUSPEND-DEV-8", "A buffer notified just before SUSPEND is used before the device reads suspended.", NULL,
	  in_flight_used_first, SUSPEND, 1 },
	{ "suspend.config-change-not-notified", L_SUSPEND, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", DRIVES | NEED_IRQ,
	  "SUSPEND-DEV-4", "A host-side configuration change while suspended sends no configuration change "
	  "notification then.", NULL, config_change_not_notified, SUSPEND, 0 },
	{ "suspend.config-change-notified-on-resume", L_SUSPEND, VC_MUST, VC_DEVICE_RULE, "1.4", DRIVES | NEED_IRQ,
	  "SUSPEND-DEV-5", "A configuration change made while suspended is notified when the device resumes.", NULL,
	  config_change_notified_on_resume, SUSPEND, 0 },
};
VC_SUITE(suite_suspend, clauses);
