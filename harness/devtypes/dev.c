/* A device type's driver session (vc/devtypes/dev.h): several queues,
 * requests of readable then writable pieces, used elements matched by id. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vc/devtypes/dev.h"

int vc_dev_queues(struct vc_dev *d, uint64_t queues, bool hold)
{
	int rc;

	d->queues = 0;
	d->strays = 0;
	memset(d->seen, 0, sizeof(d->seen));
	for (unsigned q = 0; q < VC_DEV_MAX_QUEUES; q++) {
		if (!(queues >> q & 1))
			continue;
		if ((rc = vc_vq_setup(&d->drv, (uint16_t)q, VC_DEV_QUEUE_SIZE, &d->vq[q])) ||
		    (rc = vc_vq_enable(&d->drv, &d->vq[q])))
			return rc;
		d->queues |= 1ull << q;
	}
	return hold ? 0 : vc_dev_driver_ok(d);
}

int vc_dev_open(struct vc_dev *d, struct vc_device *dev, const struct vc_probe *p, const uint32_t *want,
		uint64_t queues, bool hold)
{
	uint32_t bits[VC_FEATURE_WORDS] = { 0 };
	int rc;

	vc_driver_init(&d->drv, dev, p);
	for (unsigned w = 0; w < VC_FEATURE_WORDS; w++)
		bits[w] = (want ? want[w] : 0) & p->device_feature[w];
	vc_features_set(bits, VIRTIO_F_VERSION_1);
	if ((rc = vc_start(&d->drv, bits)))
		return rc;
	return vc_dev_queues(d, queues, hold);
}

int vc_dev_driver_ok(struct vc_dev *d)
{
	return vc_status_add(&d->drv, VIRTIO_STATUS_DRIVER_OK);
}

int vc_dev_kick(struct vc_dev *d, unsigned q)
{
	if (q >= VC_DEV_MAX_QUEUES || !(d->queues >> q & 1))
		return -ENOENT;
	return vc_vq_kick(&d->drv, &d->vq[q]);
}

int vc_dev_send(struct vc_dev *d, unsigned q, const struct vc_iov *iov, unsigned n, struct vc_req *r, bool quiet)
{
	struct vc_device *dev = d->drv.dev;
	int rc;

	memset(r, 0, sizeof(*r));
	if (q >= VC_DEV_MAX_QUEUES || !(d->queues >> q & 1))
		return -ENOENT;
	if (n == 0 || n > VC_REQ_MAX_SEGS)
		return -EINVAL;
	r->q = q;
	r->n = n;
	for (unsigned i = 0; i < n; i++) {
		struct vc_buf *b = &r->buf[i];
		b->len = iov[i].len;
		b->writable = iov[i].writable;
		r->back[i] = iov[i].writable ? iov[i].in : NULL;
		if (iov[i].bus) {
			b->addr = iov[i].bus;
			continue;
		}
		if ((rc = vc_dma_alloc(dev, iov[i].len ? iov[i].len : 1, 16, &b->addr)))
			return rc;
		if (iov[i].out && iov[i].len && (rc = vc_dma_write(dev, b->addr, iov[i].out, iov[i].len)))
			return rc;
	}
	if ((rc = vc_vq_add(&d->drv, &d->vq[q], r->buf, n, &r->id)))
		return rc;
	if (r->id < VC_DEV_QUEUE_SIZE)
		d->seen[q][r->id / 8] &= (uint8_t)~(1u << r->id % 8);
	return quiet ? 0 : vc_vq_kick(&d->drv, &d->vq[q]);
}

/* Every used element the queue has now, into the seen table. */
static int collect(struct vc_dev *d, unsigned q)
{
	uint16_t id;
	uint32_t len;
	int rc;

	while ((rc = vc_vq_get_used(&d->drv, &d->vq[q], &id, &len)) == 0) {
		if (id >= VC_DEV_QUEUE_SIZE) {
			d->stray_q = (uint16_t)q;
			d->stray_id = id;
			d->strays++;
			continue;
		}
		d->seen[q][id / 8] |= (uint8_t)(1u << id % 8);
		d->seen_len[q][id] = len;
	}
	return rc == -EAGAIN ? 0 : rc;
}

static int claim(struct vc_dev *d, struct vc_req *r)
{
	struct vc_dma_piece v[VC_REQ_MAX_SEGS];
	unsigned nv = 0;

	if (r->done)
		return 0;
	if (r->id >= VC_DEV_QUEUE_SIZE || !(d->seen[r->q][r->id / 8] >> r->id % 8 & 1))
		return -EAGAIN;
	d->seen[r->q][r->id / 8] &= (uint8_t)~(1u << r->id % 8);
	r->used = d->seen_len[r->q][r->id];
	r->done = true;
	/* what the device wrote, read back in one go */
	for (unsigned i = 0; i < r->n; i++)
		if (r->back[i] && r->buf[i].len)
			v[nv++] = (struct vc_dma_piece){ r->buf[i].addr, r->back[i], r->buf[i].len };
	return nv ? vc_dma_readv(d->drv.dev, v, nv) : 0;
}

int vc_dev_poll(struct vc_dev *d, struct vc_req *r)
{
	int rc = collect(d, r->q);

	return rc ? rc : claim(d, r);
}

int vc_dev_wait_any(struct vc_dev *d, struct vc_req *const *r, unsigned n, unsigned ms)
{
	uint64_t deadline = vc_now_ms() + ms;

	for (unsigned it = 0;; it++) {
		for (unsigned i = 0; i < n; i++) {
			int rc = vc_dev_poll(d, r[i]);
			if (rc == 0)
				return (int)i;
			if (rc != -EAGAIN)
				return rc;
		}
		if (vc_now_ms() >= deadline)
			return -ETIMEDOUT;
		vc_poll_pause(it);
	}
}

int vc_dev_wait(struct vc_dev *d, struct vc_req *r, unsigned ms)
{
	int rc = vc_dev_wait_any(d, &r, 1, ms);

	return rc > 0 ? 0 : rc;
}

int vc_dev_next_used(struct vc_dev *d, unsigned q, struct vc_req *const *reqs, unsigned n, unsigned ms)
{
	uint16_t id;
	uint32_t len;
	int rc;

	if (q >= VC_DEV_MAX_QUEUES || !(d->queues >> q & 1))
		return -ENOENT;
	if ((rc = vc_vq_wait_used(&d->drv, &d->vq[q], ms, &id, &len)))
		return rc;
	for (unsigned i = 0; i < n; i++) {
		if (reqs[i]->q != q || reqs[i]->id != id || reqs[i]->done)
			continue;
		if (id < VC_DEV_QUEUE_SIZE) {
			d->seen[q][id / 8] |= (uint8_t)(1u << id % 8);
			d->seen_len[q][id] = len;
		}
		return (rc = claim(d, reqs[i])) ? rc : (int)i;
	}
	d->stray_q = (uint16_t)q;
	d->stray_id = id;
	d->strays++;
	return -ENOENT;
}

int vc_dev_call(struct vc_dev *d, unsigned q, const struct vc_iov *iov, unsigned n, uint32_t *used, unsigned ms)
{
	struct vc_req r;
	int rc = vc_dev_send(d, q, iov, n, &r, false);

	if (!rc)
		rc = vc_dev_wait(d, &r, ms);
	if (!rc && used)
		*used = r.used;
	return rc;
}

int vc_dev_cfg_read(struct vc_dev *d, unsigned off, unsigned width, uint64_t *val)
{
	const struct vc_vcap *cap = d->drv.p->device_cfg;
	uint64_t lo, hi;
	int rc;

	if (!cap)
		return -ENOENT;
	if (width != 8)
		return vc_struct_read(d->drv.dev, cap, off, width, val);
	if ((rc = vc_struct_read(d->drv.dev, cap, off, 4, &lo)) || (rc = vc_struct_read(d->drv.dev, cap, off + 4, 4, &hi)))
		return rc;
	*val = lo | hi << 32;
	return 0;
}

int vc_dev_cfg_write(struct vc_dev *d, unsigned off, unsigned width, uint64_t val)
{
	const struct vc_vcap *cap = d->drv.p->device_cfg;
	int rc;

	if (!cap)
		return -ENOENT;
	if (width != 8)
		return vc_struct_write(d->drv.dev, cap, off, width, val);
	if ((rc = vc_struct_write(d->drv.dev, cap, off, 4, (uint32_t)val)))
		return rc;
	return vc_struct_write(d->drv.dev, cap, off + 4, 4, val >> 32);
}

int vc_dev_cfg_snapshot(struct vc_dev *d, uint8_t *b, unsigned len)
{
	const struct vc_vcap *dc = d->drv.p->device_cfg;
	uint64_t g0, g1, v;
	int rc;

	if (!dc || dc->length < len)
		return -ENOENT;
	for (unsigned tries = 0; tries < 8; tries++) {
		if ((rc = vc_common_read(d->drv.dev, d->drv.p, COMMON_config_generation, 1, &g0)))
			return rc;
		for (unsigned i = 0; i < len; i += 4) {
			if ((rc = vc_dev_cfg_read(d, i, 4, &v)))
				return rc;
			vc_put32(b + i, (uint32_t)v);
		}
		if ((rc = vc_common_read(d->drv.dev, d->drv.p, COMMON_config_generation, 1, &g1)))
			return rc;
		if (g0 == g1)
			break;
	}
	return 0;
}
