/* A clause's driver session on one queue (see session.h). */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/net.h"
#include "session.h"

static bool backend_ok(struct vc_ctx *c, int rc, const char *what)
{
	if (rc)
		vc_error(c, "%s: %s", what, strerror(-rc));
	return rc == 0;
}

/* session_open without its precondition on the common configuration's
 * length (session_ready has its own); queue -1: the request's own, else
 * that queue (with the type's queue bits negotiated when offered), or
 * -ENOTSUP with no verdict when the type has no request there. */
static int open_on(struct vc_ctx *c, struct session *s, uint64_t features, int queue, uint16_t size)
{
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	int rc;

	if (queue >= 0)
		features |= vc_request_queue_bits(c->probe);

	memset(s, 0, sizeof(*s));
	s->c = c;
	/* guards around every buffer and ring: a device that writes outside
	 * them is seen (ring_check_guards) */
	if ((rc = vc_dma_guard(c->dev))) {
		vc_error(c, "could not set up DMA guards: %s", strerror(-rc));
		return -EIO;
	}
	vc_features_set(want, VIRTIO_F_VERSION_1);
	for (unsigned bit = 0; bit < 64; bit++)
		if (features & SESSION_F(bit))
			vc_features_set(want, bit);
	if (!vc_ctx_start(c, &s->drv, want))
		return -EIO;
	for (unsigned bit = 0; bit < 64; bit++)
		if ((features & SESSION_F(bit)) && !vc_negotiated(&s->drv, bit)) {
			vc_skip(c, "%s is not offered", vc_feature_name(bit));
			return -EIO;
		}
	rc = queue < 0 ? vc_request_make(&s->drv, &s->req) : vc_request_make_on(&s->drv, (uint16_t)queue, &s->req);
	if (rc == -ENOTSUP && queue >= 0)
		return rc;
	if (rc == -ENOTSUP) {
		vc_skip(c, "the harness has no request for %s devices", vc_virtio_type_name(c->probe->virtio_type));
		return -EIO;
	}
	/* a NIC's link partner: what earlier clauses left on the wire is not this one's */
	if (!rc && vc_has(c->dev, VC_PEER) && (rc = vc_net_peer_flush(c->dev)))
		return backend_ok(c, rc, "the link partner could not be read") ? 0 : -EIO;
	return backend_ok(c, rc, "could not build a request") && session_rings(s, size) ? 0 : -EIO;
}

static bool open_queue(struct vc_ctx *c, struct session *s, uint64_t features, uint16_t size)
{
	return open_on(c, s, features, -1, size) == 0;
}

static bool queue_registers(struct vc_ctx *c)
{
	if (c->probe->common->length < COMMON_CFG_SIZE_BASE)
		vc_skip(c, "the common configuration is too short to hold the queue registers (pci.common.length "
			   "reports it)");
	return c->probe->common->length >= COMMON_CFG_SIZE_BASE;
}

bool session_open(struct vc_ctx *c, struct session *s, uint64_t features, uint16_t size)
{
	return queue_registers(c) && open_queue(c, s, features, size);
}

int session_open_on(struct vc_ctx *c, struct session *s, uint64_t features, uint16_t queue, uint16_t size)
{
	return queue_registers(c) ? open_on(c, s, features, queue, size) : -EIO;
}

bool session_rings(struct session *s, uint16_t size)
{
	int rc = vc_vq_setup(&s->drv, s->req.queue, size, &s->vq);

	if (rc)
		vc_error(s->c, "could not set up queue %u: %s", s->req.queue, strerror(-rc));
	return rc == 0;
}

/* Map the configuration vector and the queue's, and read both back: a
 * device that does not take them is reported by pci.msix.*. */
static bool map_vectors(struct session *s, uint16_t config, uint16_t queue)
{
	struct vc_ctx *c = s->c;
	uint64_t got_config, got_queue;

	if (!vc_ctx_common_write(c, COMMON_config_msix_vector, 2, config) ||
	    !vc_ctx_common_read(c, COMMON_config_msix_vector, 2, &got_config) ||
	    !vc_ctx_common_write(c, COMMON_queue_select, 2, s->vq.index) ||
	    !vc_ctx_common_write(c, COMMON_queue_msix_vector, 2, queue) ||
	    !vc_ctx_common_read(c, COMMON_queue_msix_vector, 2, &got_queue))
		return false;
	if (got_config != config || got_queue != queue) {
		vc_skip(c, "the device did not map MSI-X vectors 0x%x and 0x%x (config_msix_vector 0x%llx, "
			   "queue_msix_vector 0x%llx for queue %u): pci.msix.* report it", config, queue,
			(unsigned long long)got_config, (unsigned long long)got_queue, s->vq.index);
		return false;
	}
	return true;
}

bool session_route_irq(struct session *s, enum session_irq irq)
{
	struct vc_ctx *c = s->c;

	switch (irq) {
	case SESSION_POLLED:
		return true;
	case SESSION_INTX:
		return backend_ok(c, vc_irq_intx(&s->drv), "INTx set-up failed");
	case SESSION_MSIX:
		return session_msix(c, &s->drv, 2) && map_vectors(s, SESSION_CONFIG_VECTOR, SESSION_QUEUE_VECTOR);
	case SESSION_QUEUE_IRQ:
		/* one vector, so every message is the queue's */
		if (!c->probe->msix_pos)
			return backend_ok(c, vc_irq_intx(&s->drv), "INTx set-up failed");
		return backend_ok(c, vc_irq_msix(&s->drv, 1), "MSI-X set-up failed") &&
		       map_vectors(s, SESSION_NO_VECTOR, 0);
	}
	return false;
}

bool session_enable(struct session *s)
{
	int rc = vc_vq_enable(&s->drv, &s->vq);

	if (!rc && !(s->drv.status & VIRTIO_STATUS_DRIVER_OK))
		rc = vc_status_add(&s->drv, VIRTIO_STATUS_DRIVER_OK);
	if (rc)
		vc_error(s->c, "could not enable queue %u: %s", s->vq.index, strerror(-rc));
	return rc == 0;
}

bool session_start(struct vc_ctx *c, struct session *s, uint64_t features, enum session_irq irq, uint16_t size)
{
	return session_open(c, s, features, size) && session_route_irq(s, irq) && session_enable(s);
}

static bool ready(struct vc_ctx *c, struct session *s, enum session_irq irq, bool driver_ok, bool publish,
		  uint16_t *id)
{
	int rc;

	if (!c->probe->notify) {
		vc_skip(c, "no notification capability (pci.notify.present reports it)");
		return false;
	}
	if (!open_queue(c, s, 0, 0) || !session_route_irq(s, irq))
		return false;
	if ((rc = vc_vq_enable(&s->drv, &s->vq)) ||
	    (driver_ok && (rc = vc_status_add(&s->drv, VIRTIO_STATUS_DRIVER_OK))) ||
	    (rc = publish ? vc_vq_add(&s->drv, &s->vq, s->req.bufs, s->req.n, id)
			  : vc_vq_prepare(&s->drv, &s->vq, s->req.bufs, s->req.n, id))) {
		vc_error(c, "could not make the %s available on queue %u: %s", s->req.what, s->vq.index, strerror(-rc));
		return false;
	}
	return true;
}

bool session_ready(struct vc_ctx *c, struct session *s, enum session_irq irq, bool driver_ok, uint16_t *id)
{
	return ready(c, s, irq, driver_ok, true, id);
}

bool session_prepared(struct vc_ctx *c, struct session *s, enum session_irq irq, bool driver_ok, uint16_t *id)
{
	return ready(c, s, irq, driver_ok, false, id);
}

bool session_another(struct session *s, struct vc_request *req)
{
	return backend_ok(s->c, vc_request_make(&s->drv, req), "could not build a request");
}

int session_request(struct session *s)
{
	struct vc_ctx *c = s->c;
	uint16_t id, used;
	uint32_t len;
	int rc;

	if ((rc = vc_vq_add(&s->drv, &s->vq, s->req.bufs, s->req.n, &id)) || (rc = vc_vq_kick(&s->drv, &s->vq))) {
		vc_error(c, "could not send the %s on queue %u: %s", s->req.what, s->vq.index, strerror(-rc));
		return rc;
	}
	rc = vc_vq_wait_used(&s->drv, &s->vq, vc_done_ms(&s->drv, c->dev->timeout_ms), &used, &len);
	if (rc && rc != -ETIMEDOUT)
		vc_error(c, "reading the used ring failed: %s", strerror(-rc));
	if (rc)
		return rc;
	if (used != id) {
		vc_fail(c, "queue %u (size %u): used element %u names buffer %u, not the %s made available",
			s->vq.index, s->vq.size, (unsigned)(uint16_t)(s->vq.used_idx - 1), used, s->req.what);
		vc_observed(c, "id %u", used);
		vc_expected(c, "id %u", id);
		return -EPROTO;
	}
	return 0;
}

uint16_t session_small_size(struct session *s)
{
	if (s->vq.size <= SESSION_SMALL_SIZE || s->req.n > SESSION_SMALL_SIZE) {
		vc_skip(s->c, "queue %u holds %u entries and the %s takes %u: no smaller size to try", s->vq.index,
			s->vq.size, s->req.what, s->req.n);
		return 0;
	}
	return SESSION_SMALL_SIZE;
}

void session_wrap(struct session *s, const char *what)
{
	static const uint8_t poison[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct vc_ctx *c = s->c;

	for (unsigned i = 0; i <= s->vq.size; i++) {
		/* a device still using a larger ring writes this element past the end */
		uint64_t slot = s->vq.device + 4 + 8u * (s->vq.used_idx % s->vq.size);
		int rc = vc_dma_write(c->dev, slot, poison, sizeof(poison));

		if (!backend_ok(c, rc, "DMA write failed"))
			return;
		rc = session_request(s);
		if (rc == -ETIMEDOUT) {
			vc_fail(c, "%s: request %u of %u on queue %u (size %u) was never used", what, i + 1,
				s->vq.size + 1, s->vq.index, s->vq.size);
			vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
			vc_expected(c, "used element %u in slot %u", i, i % s->vq.size);
		}
		if (rc == -EPROTO)
			vc_note(c, "%s: the used element is not where a ring of %u entries puts it", what, s->vq.size);
		if (rc)
			return;
	}
}

bool session_msix(struct vc_ctx *c, struct vc_driver *drv, unsigned n)
{
	int rc = vc_irq_msix(drv, n);

	if (rc == -ENOTSUP || rc == -ERANGE)
		vc_skip(c, "MSI-X cannot be used here: %s", rc == -ENOTSUP ? "no MSI-X capability, or the backend "
			"cannot program it" : "its table is out of reach (pci.msix.* report it)");
	else if (rc)
		vc_error(c, "MSI-X set-up failed: %s", strerror(-rc));
	return rc == 0;
}

int session_wait_irq(struct vc_ctx *c, struct vc_driver *drv, int vector, unsigned ms, uint8_t *isr)
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
		if (vector != SESSION_ANY_VECTOR && got != vector)
			continue;
		if (got < 0 && isr) {
			if (!c->probe->isr || !vc_ctx_struct_read(c, c->probe->isr, 0, 1, &v))
				return c->probe->isr ? -EIO : -ENOENT;
			*isr = (uint8_t)v;
		}
		return 0;
	}
}

bool session_config_change(struct vc_ctx *c)
{
	int rc = c->dev->ops->config_change ? c->dev->ops->config_change(c->dev) : -ENOTSUP;

	if (rc == -ENOTSUP)
		vc_skip(c, "the %s backend cannot change a %s device's configuration from the host side",
			c->dev->backend, vc_virtio_type_name(c->probe->virtio_type));
	else if (rc)
		vc_error(c, "the host-side configuration change failed: %s", strerror(-rc));
	return rc == 0;
}

int session_poison(struct vc_ctx *c, const struct vc_request *req, bool check)
{
	uint8_t buf[512];

	for (unsigned i = 0; i < req->n; i++) {
		for (uint32_t off = 0; req->bufs[i].writable && off < req->bufs[i].len; off += sizeof(buf)) {
			uint32_t n = req->bufs[i].len - off < sizeof(buf) ? req->bufs[i].len - off : sizeof(buf);
			if (!check)
				memset(buf, 0xa5, n);
			int rc = check ? vc_dma_read(c->dev, req->bufs[i].addr + off, buf, n)
				       : vc_dma_write(c->dev, req->bufs[i].addr + off, buf, n);
			if (rc) {
				vc_error(c, "DMA access failed: %s", strerror(-rc));
				return rc;
			}
			for (uint32_t k = 0; check && k < n; k++)
				if (buf[k] != 0xa5)
					return 1;
		}
	}
	return 0;
}

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

bool session_untouched(struct session *s, bool irq, uint8_t isr, const char *when)
{
	struct vc_ctx *c = s->c;
	uint16_t used_id;
	uint32_t len;
	uint64_t v;
	bool zero;
	int rc;

	if (!irq && c->probe->isr) {
		if (!vc_ctx_struct_read(c, c->probe->isr, 0, 1, &v))
			return false;
		isr = (uint8_t)v;
	}
	rc = vc_vq_get_used(&s->drv, &s->vq, &used_id, &len);
	if ((rc && rc != -EAGAIN) || !writable_bytes_zero(c, &s->req, &zero)) {
		if (rc && rc != -EAGAIN)
			vc_error(c, "used ring read failed: %s", strerror(-rc));
		return false;
	}
	if (rc == 0 || !zero || (isr & 1) || (irq && !(isr & 2))) {
		vc_fail(c, "%s the device %s", when, rc == 0 ? "returned the buffer in the used ring"
			   : !zero ? "wrote into the request's device-writable buffers"
			   : "sent a used buffer notification");
		vc_observed(c, "used %s, writable bytes %s, %s, ISR 0x%x", rc == 0 ? "idx moved" : "idx unchanged",
			    zero ? "untouched" : "written", irq ? "INTx raised" : "no INTx", isr);
		vc_expected(c, "nothing until DRIVER_OK");
		return false;
	}
	return true;
}
