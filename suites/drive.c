/* Helpers for clauses that make a device do work (see drive.h). */
#include <errno.h>
#include <string.h>
#include "drive.h"

static bool map_vectors(struct vc_ctx *c, uint16_t queue)
{
	uint64_t config, q;

	if (!vc_ctx_common_write(c, COMMON_config_msix_vector, 2, DRIVE_CONFIG_VECTOR) ||
	    !vc_ctx_common_read(c, COMMON_config_msix_vector, 2, &config) ||
	    !vc_ctx_common_write(c, COMMON_queue_select, 2, queue) ||
	    !vc_ctx_common_write(c, COMMON_queue_msix_vector, 2, DRIVE_QUEUE_VECTOR) ||
	    !vc_ctx_common_read(c, COMMON_queue_msix_vector, 2, &q))
		return false;
	if (config != DRIVE_CONFIG_VECTOR || q != DRIVE_QUEUE_VECTOR) {
		vc_skip(c, "the device did not map MSI-X vectors %u and %u (config_msix_vector 0x%llx, "
			   "queue_msix_vector 0x%llx): pci.msix.* report it", DRIVE_CONFIG_VECTOR, DRIVE_QUEUE_VECTOR,
			(unsigned long long)config, (unsigned long long)q);
		return false;
	}
	return true;
}

bool drive_msix(struct vc_ctx *c, struct vc_driver *drv, unsigned n)
{
	int rc = vc_irq_msix(drv, n);

	if (rc == -ENOTSUP || rc == -ERANGE)
		vc_skip(c, "MSI-X cannot be used here: %s", rc == -ENOTSUP ? "no MSI-X capability, or the backend "
			"cannot program it" : "its table is out of reach (pci.msix.* report it)");
	else if (rc)
		vc_error(c, "MSI-X set-up failed: %s", strerror(-rc));
	return rc == 0;
}

bool drive_request_ready(struct vc_ctx *c, struct vc_driver *drv, const uint32_t *want, enum drive_irq irq,
			 bool driver_ok, struct vc_vq *vq, struct vc_request *req, uint16_t *id)
{
	int rc;

	if (!c->probe->notify) {
		vc_skip(c, "no notification capability (pci.notify.present reports it)");
		return false;
	}
	if (!vc_ctx_start(c, drv, want))
		return false;
	if ((rc = vc_request_make(drv, req))) {
		if (rc == -ENOTSUP)
			vc_skip(c, "the harness has no request for %s devices", vc_virtio_type_name(c->probe->virtio_type));
		else
			vc_error(c, "could not build a request: %s", strerror(-rc));
		return false;
	}
	if (irq == DRIVE_MSIX ? !drive_msix(c, drv, 2) : (rc = vc_irq_intx(drv)) != 0) {
		if (irq == DRIVE_INTX)
			vc_error(c, "INTx set-up failed: %s", strerror(-rc));
		return false;
	}
	if ((rc = vc_vq_setup(drv, req->queue, 0, vq))) {
		vc_error(c, "could not set up interrupts or queue %u: %s", req->queue, strerror(-rc));
		return false;
	}
	if (irq == DRIVE_MSIX && !map_vectors(c, req->queue))
		return false;
	if ((rc = vc_vq_enable(drv, vq)) || (driver_ok && (rc = vc_status_add(drv, VIRTIO_STATUS_DRIVER_OK))) ||
	    (rc = vc_vq_add(drv, vq, req->bufs, req->n, id))) {
		vc_error(c, "could not make the %s available on queue %u: %s", req->what, req->queue, strerror(-rc));
		return false;
	}
	return true;
}

int drive_wait_irq(struct vc_ctx *c, struct vc_driver *drv, int vector, unsigned ms, uint8_t *isr)
{
	uint64_t deadline = vc_now_ms() + ms, v;

	for (;;) {
		uint64_t now = vc_now_ms();
		int got, rc = vc_irq_wait(drv, now < deadline ? (unsigned)(deadline - now) : 0, &got);
		if (rc == -ETIMEDOUT)
			return rc;
		if (rc) {
			vc_error(c, "waiting for an interrupt failed: %s", strerror(-rc));
			return rc;
		}
		if (got != vector)
			continue;
		if (vector < 0 && isr) {
			if (!c->probe->isr || !vc_ctx_struct_read(c, c->probe->isr, 0, 1, &v))
				return c->probe->isr ? -EIO : -ENOENT;
			*isr = (uint8_t)v;
		}
		return 0;
	}
}

void drive_drain_irqs(struct vc_ctx *c, struct vc_driver *drv)
{
	uint64_t v;
	int vector;

	while (vc_irq_wait(drv, 0, &vector) == 0)
		;
	if (c->probe->isr)
		vc_struct_read(c->dev, c->probe->isr, 0, 1, &v);
}

int drive_status_wait(struct vc_ctx *c, struct vc_driver *drv, uint8_t bits, unsigned ms, uint8_t *status)
{
	uint64_t deadline = vc_now_ms() + ms;

	for (unsigned i = 0;; i++) {
		int rc = vc_status_read(drv, status);
		if (rc) {
			vc_error(c, "device_status read failed: %s", strerror(-rc));
			return rc;
		}
		if ((*status & bits) == bits)
			return 0;
		if (vc_now_ms() > deadline)
			return -ETIMEDOUT;
		vc_poll_pause(i);
	}
}
