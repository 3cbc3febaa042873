/* One queue carrying real requests (see queue_run.h). */
#include <errno.h>
#include <string.h>
#include "queue_run.h"

bool qrun_setup(struct vc_ctx *c, struct qrun *r, const uint32_t *want, uint16_t size)
{
	int rc;

	if (c->probe->common->length < COMMON_CFG_SIZE_BASE) {
		vc_skip(c, "the common configuration is too short to hold the queue registers (pci.common.length "
			   "reports it)");
		return false;
	}
	if (!vc_ctx_start(c, &r->drv, want))
		return false;
	if ((rc = vc_request_make(&r->drv, &r->req))) {
		if (rc == -ENOTSUP)
			vc_skip(c, "the harness has no request for %s devices", vc_virtio_type_name(c->probe->virtio_type));
		else
			vc_error(c, "could not build a request: %s", strerror(-rc));
		return false;
	}
	return qrun_rings(c, r, size);
}

bool qrun_rings(struct vc_ctx *c, struct qrun *r, uint16_t size)
{
	int rc = vc_vq_setup(&r->drv, r->req.queue, size, &r->vq);

	if (rc)
		vc_error(c, "could not set up queue %u: %s", r->req.queue, strerror(-rc));
	return rc == 0;
}

bool qrun_enable(struct vc_ctx *c, struct qrun *r)
{
	int rc = vc_vq_enable(&r->drv, &r->vq);

	if (!rc && !(r->drv.status & VIRTIO_STATUS_DRIVER_OK))
		rc = vc_status_add(&r->drv, VIRTIO_STATUS_DRIVER_OK);
	if (rc)
		vc_error(c, "could not enable queue %u: %s", r->vq.index, strerror(-rc));
	return rc == 0;
}

int qrun_request(struct vc_ctx *c, struct qrun *r)
{
	uint16_t id, used;
	uint32_t len;
	int rc;

	if ((rc = vc_vq_add(&r->drv, &r->vq, r->req.bufs, r->req.n, &id)) || (rc = vc_vq_kick(&r->drv, &r->vq))) {
		vc_error(c, "could not send the %s on queue %u: %s", r->req.what, r->vq.index, strerror(-rc));
		return rc;
	}
	rc = vc_vq_wait_used(&r->drv, &r->vq, c->dev->timeout_ms, &used, &len);
	if (rc && rc != -ETIMEDOUT)
		vc_error(c, "reading the used ring failed: %s", strerror(-rc));
	if (rc)
		return rc;
	if (used != id) {
		vc_fail(c, "queue %u (size %u): used element %u names buffer %u, not the %s made available",
			r->vq.index, r->vq.size, (unsigned)(uint16_t)(r->vq.used_idx - 1), used, r->req.what);
		vc_observed(c, "id %u", used);
		vc_expected(c, "id %u", id);
		return -EPROTO;
	}
	return 0;
}

uint16_t qrun_small_size(struct vc_ctx *c, const struct qrun *r)
{
	if (r->vq.size <= QRUN_SMALL_SIZE || r->req.n > QRUN_SMALL_SIZE) {
		vc_skip(c, "queue %u holds %u entries and the %s takes %u: no smaller size to try", r->vq.index,
			r->vq.size, r->req.what, r->req.n);
		return 0;
	}
	return QRUN_SMALL_SIZE;
}

void qrun_wrap(struct vc_ctx *c, struct qrun *r, const char *what)
{
	static const uint8_t poison[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	for (unsigned i = 0; i <= r->vq.size; i++) {
		/* a device still using a larger ring writes this element past the end */
		uint64_t slot = r->vq.device + 4 + 8u * (r->vq.used_idx % r->vq.size);
		int rc = vc_dma_write(c->dev, slot, poison, sizeof(poison));

		if (rc) {
			vc_error(c, "DMA write failed: %s", strerror(-rc));
			return;
		}
		rc = qrun_request(c, r);
		if (rc == -ETIMEDOUT) {
			vc_fail(c, "%s: request %u of %u on queue %u (size %u) was never used", what, i + 1,
				r->vq.size + 1, r->vq.index, r->vq.size);
			vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
			vc_expected(c, "used element %u in slot %u", i, i % r->vq.size);
		}
		if (rc == -EPROTO)
			vc_note(c, "%s: the used element is not where a ring of %u entries puts it", what, r->vq.size);
		if (rc)
			return;
	}
}

bool qrun_config_change(struct vc_ctx *c)
{
	int rc = c->dev->ops->config_change ? c->dev->ops->config_change(c->dev) : -ENOTSUP;

	if (rc == -ENOTSUP)
		vc_skip(c, "the %s backend cannot change a %s device's configuration from the host side",
			c->dev->backend, vc_virtio_type_name(c->probe->virtio_type));
	else if (rc)
		vc_error(c, "the host-side configuration change failed: %s", strerror(-rc));
	return rc == 0;
}
