/* Device status: nothing is used before DRIVER_OK; a device that cannot go
 * on sets DEVICE_NEEDS_RESET and says so with a configuration change
 * notification. */
#include <errno.h>
#include <string.h>
#include "labels.h"
#include "session.h"

enum { DESC_F_NEXT = 1 };

static bool writable_bytes_zero(struct vc_ctx *c, const struct vc_request *req, bool *zero)
{
	uint8_t buf[512];

	*zero = true;
	for (unsigned i = 0; i < req->n; i++) {
		for (uint32_t off = 0; req->bufs[i].writable && off < req->bufs[i].len; off += sizeof(buf)) {
			uint32_t n = req->bufs[i].len - off < sizeof(buf) ? req->bufs[i].len - off : sizeof(buf);
			int rc = vc_dma_read(c->dev, req->bufs[i].addr + off, buf, n);
			if (rc) {
				vc_error(c, "DMA read failed: %s", strerror(-rc));
				return false;
			}
			for (uint32_t k = 0; k < n; k++)
				*zero &= buf[k] == 0;
		}
	}
	return true;
}

/* The request is made available and notified before DRIVER_OK. That early
 * doorbell breaks a driver rule on purpose: it is what would make a device
 * that ignores the rule act. Then DRIVER_OK and another doorbell show that
 * the device does use the request, so the quiet spell meant something. */
static void no_use_before_driver_ok(struct vc_ctx *c)
{
	struct session s;
	uint16_t id, used_id;
	uint32_t len;
	uint8_t isr = 0;
	uint64_t v;
	bool zero;
	int rc;

	if (!session_ready(c, &s, SESSION_INTX, false, &id))
		return;
	if ((rc = vc_vq_kick(&s.drv, &s.vq))) {
		vc_error(c, "doorbell write failed: %s", strerror(-rc));
		return;
	}
	rc = session_wait_irq(c, &s.drv, -1, vc_quiet_ms(&s.drv, SESSION_QUIET_MS), &isr);
	if (rc && rc != -ETIMEDOUT)
		return;
	bool irq = rc == 0;
	if (!irq && c->probe->isr) {
		if (!vc_ctx_struct_read(c, c->probe->isr, 0, 1, &v))
			return;
		isr = (uint8_t)v;
	}
	rc = vc_vq_get_used(&s.drv, &s.vq, &used_id, &len);
	if ((rc && rc != -EAGAIN) || !writable_bytes_zero(c, &s.req, &zero)) {
		if (rc && rc != -EAGAIN)
			vc_error(c, "used ring read failed: %s", strerror(-rc));
		return;
	}
	if (rc == 0 || !zero || (isr & 1) || (irq && !(isr & 2))) {
		vc_fail(c, "before DRIVER_OK the device %s", rc == 0 ? "returned the buffer in the used ring"
			   : !zero ? "wrote into the request's device-writable buffers"
			   : "sent a used buffer notification");
		vc_observed(c, "used %s, writable bytes %s, %s, ISR 0x%x", rc == 0 ? "idx moved" : "idx unchanged",
			    zero ? "untouched" : "written", irq ? "INTx raised" : "no INTx", isr);
		vc_expected(c, "nothing until DRIVER_OK");
		return;
	}
	if ((rc = vc_status_add(&s.drv, VIRTIO_STATUS_DRIVER_OK)) || (rc = vc_vq_kick(&s.drv, &s.vq))) {
		vc_error(c, "DRIVER_OK or the doorbell failed: %s", strerror(-rc));
		return;
	}
	rc = vc_vq_wait_used(&s.drv, &s.vq, c->dev->timeout_ms, &used_id, &len);
	if (rc == -ETIMEDOUT)
		vc_skip(c, "the device left the %s unused after DRIVER_OK too, so the quiet spell shows nothing "
			   "(the virtqueue clauses report it)", s.req.what);
	else if (rc)
		vc_error(c, "used ring read failed: %s", strerror(-rc));
}

/* A device error every device can see: the request's head descriptor says
 * NEXT with an index past the queue. Made available and notified with
 * DRIVER_OK set, as in normal operation; then device_status is polled
 * (device timeout) for DEVICE_NEEDS_RESET. 0; -ETIMEDOUT with *status the
 * last read and no verdict; -ECANCELED after a verdict. */
static int needs_reset_after_error(struct vc_ctx *c, struct session *s, enum session_irq irq, uint8_t *status)
{
	uint16_t id;
	uint8_t tail[4];
	int rc;

	if (!session_ready(c, s, irq, true, &id))
		return -ECANCELED;
	uint64_t at = s->vq.desc + 16u * id + 12;      /* split: flags, next */
	if ((rc = vc_dma_read(c->dev, at, tail, 4)) == 0) {
		tail[0] |= DESC_F_NEXT;
		tail[2] = (uint8_t)s->vq.size;
		tail[3] = (uint8_t)(s->vq.size >> 8);
		rc = vc_dma_write(c->dev, at, tail, 4);
	}
	if (rc || (rc = vc_vq_kick(&s->drv, &s->vq))) {
		vc_error(c, "could not send the malformed chain: %s", strerror(-rc));
		return -ECANCELED;
	}
	rc = vc_status_wait(&s->drv, VIRTIO_STATUS_DEVICE_NEEDS_RESET, VIRTIO_STATUS_DEVICE_NEEDS_RESET,
			    c->dev->timeout_ms, status);
	if (rc && rc != -ETIMEDOUT) {
		vc_error(c, "device_status read failed: %s", strerror(-rc));
		return -ECANCELED;
	}
	return rc;
}

static void needs_reset_on_error(struct vc_ctx *c)
{
	struct session s;
	uint8_t status;

	if (needs_reset_after_error(c, &s, SESSION_INTX, &status) == -ETIMEDOUT) {
		vc_fail(c, "a descriptor chain whose next index is past the queue did not make the device set "
			   "DEVICE_NEEDS_RESET within %u ms", c->dev->timeout_ms);
		vc_observed(c, "device_status 0x%02x", status);
		vc_expected(c, "bit 6 (DEVICE_NEEDS_RESET) set");
	}
}

/* Under INTx: an interrupt with ISR bit 1; under MSI-X: the configuration vector. */
static void needs_reset_notifies_in(struct vc_ctx *c, enum session_irq irq)
{
	const char *mode = irq == SESSION_MSIX ? "MSI-X" : "INTx";
	struct session s;
	uint8_t status, isr = 0;
	int rc;

	rc = needs_reset_after_error(c, &s, irq, &status);
	if (rc == -ETIMEDOUT)
		vc_skip(c, "%s: the device did not set DEVICE_NEEDS_RESET (pci.status.needs-reset-on-error reports it)",
			mode);
	if (rc)
		return;
	rc = session_wait_irq(c, &s.drv, irq == SESSION_MSIX ? SESSION_CONFIG_VECTOR : -1, c->dev->timeout_ms, &isr);
	if (rc && rc != -ETIMEDOUT)
		return;
	if (rc == -ETIMEDOUT || (irq == SESSION_INTX && !(isr & 2))) {
		vc_fail(c, "%s: DEVICE_NEEDS_RESET was set with DRIVER_OK but no configuration change notification "
			   "followed within %u ms", mode, c->dev->timeout_ms);
		vc_observed(c, "%s: %s", mode, rc ? "no interrupt" : "INTx without ISR bit 1");
		vc_expected(c, "%s: %s", mode, irq == SESSION_MSIX ? "an interrupt on the configuration vector"
			    : "INTx with ISR status bit 1");
	}
}

static void needs_reset_notifies(struct vc_ctx *c)
{
	needs_reset_notifies_in(c, SESSION_INTX);
	if (c->probe->msix_pos && c->r->status != VC_ERROR)
		needs_reset_notifies_in(c, SESSION_MSIX);
}

#define DRIVES (NEED_BAR_WRITE | NEED_COMMON | NEED_DMA | NEED_IRQ)

static const struct vc_clause clauses[] = {
	{ "pci.status.no-use-before-driver-ok", L_STATUS, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", DRIVES, "STATUS-DEV-1",
	  "The device neither uses buffers nor sends used buffer notifications before DRIVER_OK.", NULL,
	  no_use_before_driver_ok },
	{ "pci.status.needs-reset-on-error", L_STATUS, VC_SHOULD, VC_DEVICE_RULE, "1.0", DRIVES, "STATUS-DEV-2",
	  "A device error (a descriptor's next index past the queue) makes the device set DEVICE_NEEDS_RESET.",
	  NULL, needs_reset_on_error },
	{ "pci.status.needs-reset-notifies", L_STATUS, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES, "STATUS-DEV-3",
	  "Setting DEVICE_NEEDS_RESET while DRIVER_OK is set comes with a configuration change notification "
	  "(INTx with ISR bit 1, or the MSI-X configuration vector).", NULL, needs_reset_notifies },
};
VC_SUITE(suite_status, clauses);
