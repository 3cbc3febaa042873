/* Device status: nothing is used before DRIVER_OK; a device that cannot go
 * on sets DEVICE_NEEDS_RESET and says so with a configuration change
 * notification. */
#include <errno.h>
#include <string.h>
#include "labels.h"
#include "session.h"

enum { DESC_F_NEXT = 1 };

/* The request made available before DRIVER_OK, without a doorbell (the
 * driver may not notify before DRIVER_OK: INIT-DRV-7): once the device
 * settled, nothing is used, written or interrupted. A device that polls its
 * rings would act here. Then DRIVER_OK and the doorbell: the request is
 * used, so the quiet spell meant something. (The early doorbell is a
 * robustness probe: probe.status.doorbell-before-driver-ok.) */
static void no_use_before_driver_ok(struct vc_ctx *c)
{
	struct session s;
	uint16_t id, used_id;
	uint32_t len;
	uint8_t isr = 0;
	int rc;

	if (!session_ready(c, &s, SESSION_INTX, false, &id))
		return;
	rc = session_wait_irq(c, &s.drv, -1, vc_quiet_ms(&s.drv, SESSION_QUIET_MS), &isr);
	if (rc && rc != -ETIMEDOUT)
		return;
	if (!session_untouched(&s, rc == 0, isr, "before DRIVER_OK, with the buffer available and no doorbell,"))
		return;
	if ((rc = vc_status_add(&s.drv, VIRTIO_STATUS_DRIVER_OK)) || (rc = vc_vq_kick(&s.drv, &s.vq))) {
		vc_error(c, "DRIVER_OK or the doorbell failed: %s", strerror(-rc));
		return;
	}
	rc = vc_vq_wait_used(&s.drv, &s.vq, vc_done_ms(&s.drv, c->dev->timeout_ms), &used_id, &len);
	if (rc == -ETIMEDOUT)
		vc_skip(c, "the device left the %s unused after DRIVER_OK too, so the quiet spell shows nothing "
			   "(the virtqueue clauses report it)", s.req.what);
	else if (rc)
		vc_error(c, "used ring read failed: %s", strerror(-rc));
}

/* A device error every device can see: the request's head descriptor says
 * NEXT with an index past the queue. Shaped before it is made available (a
 * device may take available buffers without waiting for the doorbell, and
 * QEMU's NIC does when a transmit was pending at the last reset), then
 * notified with DRIVER_OK set, as in normal operation; device_status is
 * polled (device timeout) for DEVICE_NEEDS_RESET. 0; -ETIMEDOUT with
 * *status the last read and no verdict; -ECANCELED after a verdict. */
static int needs_reset_after_error(struct vc_ctx *c, struct session *s, enum session_irq irq, uint8_t *status)
{
	uint16_t id;
	uint8_t tail[4];
	int rc;

	if (!session_prepared(c, s, irq, true, &id))
		return -ECANCELED;
	uint64_t at = s->vq.desc + 16u * id + 12;      /* split: flags, next */
	if ((rc = vc_dma_read(c->dev, at, tail, 4)) == 0) {
		tail[0] |= DESC_F_NEXT;
		tail[2] = (uint8_t)s->vq.size;
		tail[3] = (uint8_t)(s->vq.size >> 8);
		rc = vc_dma_write(c->dev, at, tail, 4);
	}
	if (rc || (rc = vc_vq_publish(&s->drv, &s->vq, id)) || (rc = vc_vq_kick(&s->drv, &s->vq))) {
		vc_error(c, "could not send the malformed chain: %s", strerror(-rc));
		return -ECANCELED;
	}
	rc = vc_status_wait(&s->drv, VIRTIO_STATUS_DEVICE_NEEDS_RESET, VIRTIO_STATUS_DEVICE_NEEDS_RESET,
			    vc_done_ms(&s->drv, c->dev->timeout_ms), status);
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
