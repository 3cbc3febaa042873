/* The harness as a virtio driver (see vc/driver.h). Every wait is bounded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vc/driver.h"
#include "vc/devtypes/dev.h"
#include "vc/trace.h"

void vc_driver_init(struct vc_driver *drv, struct vc_device *dev, const struct vc_probe *p)
{
	memset(drv, 0, sizeof(*drv));
	drv->dev = dev;
	drv->p = p;
}

bool vc_negotiated(const struct vc_driver *drv, unsigned bit)
{
	return bit < 32 * VC_FEATURE_WORDS && (drv->features[bit / 32] >> (bit % 32)) & 1;
}

void vc_features_set(uint32_t words[VC_FEATURE_WORDS], unsigned bit)
{
	words[bit / 32] |= 1u << (bit % 32);
}

const char *vc_feature_name(unsigned bit)
{
	static const char *const names[64] = {
		[VIRTIO_F_INDIRECT_DESC] = "VIRTIO_F_INDIRECT_DESC", [VIRTIO_F_EVENT_IDX] = "VIRTIO_F_EVENT_IDX",
		[VIRTIO_F_VERSION_1] = "VIRTIO_F_VERSION_1", [VIRTIO_F_ACCESS_PLATFORM] = "VIRTIO_F_ACCESS_PLATFORM",
		[VIRTIO_F_RING_PACKED] = "VIRTIO_F_RING_PACKED", [VIRTIO_F_IN_ORDER] = "VIRTIO_F_IN_ORDER",
		[VIRTIO_F_SR_IOV] = "VIRTIO_F_SR_IOV", [VIRTIO_F_NOTIFICATION_DATA] = "VIRTIO_F_NOTIFICATION_DATA",
		[VIRTIO_F_NOTIF_CONFIG_DATA] = "VIRTIO_F_NOTIF_CONFIG_DATA", [VIRTIO_F_RING_RESET] = "VIRTIO_F_RING_RESET",
		[VIRTIO_F_ADMIN_VQ] = "VIRTIO_F_ADMIN_VQ",
	};
	return bit < 64 ? names[bit] : NULL;
}

int vc_status_read(struct vc_driver *drv, uint8_t *status)
{
	uint64_t v;
	int rc = vc_common_read(drv->dev, drv->p, COMMON_device_status, 1, &v);

	*status = (uint8_t)v;
	return rc;
}

/* What the driver knows of a device it resets. */
static void forget_negotiation(struct vc_driver *drv)
{
	drv->status = 0;
	drv->enabled = 0;
	memset(drv->features, 0, sizeof(drv->features));
}

/* After device_status 0 was written: wait until it reads 0. */
static int reset_completes(struct vc_driver *drv)
{
	uint8_t status;
	int rc = vc_status_wait(drv, 0xff, 0, drv->dev->timeout_ms, &status);

	if (rc == -ETIMEDOUT) {
		/* the runner takes a reset that never completes for a device gone */
		drv->dev->resets_lost++;
		drv->dev->lost_status = status;
	}
	return rc;
}

int vc_reset(struct vc_driver *drv)
{
	int rc;

	forget_negotiation(drv);
	if ((rc = vc_common_write(drv->dev, drv->p, COMMON_device_status, 1, 0)))
		return rc;
	return reset_completes(drv);
}

int vc_status_wait(struct vc_driver *drv, uint8_t mask, uint8_t value, unsigned ms, uint8_t *status)
{
	uint64_t deadline = vc_now_ms() + ms;
	int rc;

	for (unsigned i = 0;; i++) {
		if ((rc = vc_status_read(drv, status)))
			return rc;
		if ((*status & mask) == value)
			return 0;
		if (vc_now_ms() > deadline)
			return -ETIMEDOUT;
		vc_poll_pause(i);
	}
}

int vc_status_add(struct vc_driver *drv, uint8_t bits)
{
	int rc;

	if ((bits & VIRTIO_STATUS_DRIVER_OK) && !(drv->status & VIRTIO_STATUS_DRIVER_OK) &&
	    (rc = vc_devtype_init_fill(drv)))
		return rc;
	drv->status |= bits;
	return vc_common_write(drv->dev, drv->p, COMMON_device_status, 1, drv->status);
}

int vc_negotiate(struct vc_driver *drv, const uint32_t want[VC_FEATURE_WORDS])
{
	uint8_t status;
	int rc;

	if ((rc = vc_status_add(drv, VIRTIO_STATUS_ACKNOWLEDGE)) || (rc = vc_status_add(drv, VIRTIO_STATUS_DRIVER)))
		return rc;
	uint32_t offered[VC_FEATURE_WORDS];
	if ((rc = vc_read_device_features(drv->dev, drv->p, offered)))
		return rc;
	for (unsigned w = 0; w < VC_FEATURE_WORDS; w++) {
		/* Platform features are always accepted when offered: the harness's
		 * DMA addresses are what the platform's bus sees (an IOMMU's IOVAs
		 * through VFIO), and QEMU refuses FEATURES_OK without
		 * ACCESS_PLATFORM on iommu_platform=on devices. */
		uint32_t platform = w == 1 ? 1u << (VIRTIO_F_ACCESS_PLATFORM - 32) | 1u << (VIRTIO_F_ORDER_PLATFORM - 32) : 0;
		drv->features[w] = (want[w] | platform) & offered[w];
		if ((rc = vc_common_write(drv->dev, drv->p, COMMON_driver_feature_select, 4, w)) ||
		    (rc = vc_common_write(drv->dev, drv->p, COMMON_driver_feature, 4, drv->features[w])))
			return rc;
	}
	if ((rc = vc_status_add(drv, VIRTIO_STATUS_FEATURES_OK)) || (rc = vc_status_read(drv, &status)))
		return rc;
	return status & VIRTIO_STATUS_FEATURES_OK ? 0 : -EPROTO;
}

int vc_start(struct vc_driver *drv, const uint32_t *want)
{
	uint32_t bits[VC_FEATURE_WORDS] = { 0 };
	int rc;

	if (want)
		memcpy(bits, want, sizeof(bits));
	else
		vc_features_set(bits, VIRTIO_F_VERSION_1);
	vc_devtype_must_accept(drv->p, bits);
	/* The runner's reset after the last clause is this start's when
	 * nothing reached the device since: it is as that reset left it. */
	if (vc_has(drv->dev, VC_ACTIVITY) && drv->dev->activity == drv->dev->activity_at_reset)
		forget_negotiation(drv);
	else if ((rc = vc_reset(drv)))
		return rc;
	return vc_negotiate(drv, bits);
}

/* DMA arena */

static int guard_fill(struct vc_device *d, size_t from, size_t to);

#define DMA_ARENA_SIZE (4u << 20)

int vc_dma_alloc(struct vc_device *d, size_t len, size_t align, uint64_t *bus)
{
	int rc;

	if (!d->ops->dma_alloc || !(d->abilities & VC_DMA))
		return -ENOTSUP;
	if (!d->dma_size) {
		if ((rc = d->ops->dma_alloc(d, DMA_ARENA_SIZE, &d->dma_base)))
			return rc;
		d->dma_size = DMA_ARENA_SIZE;
	}
	if (align < 16)
		align = 16;
	size_t guard = d->dma_guard ? VC_DMA_GUARD : 0, from = d->dma_used;
	size_t start = (d->dma_used + guard + align - 1) & ~(align - 1);
	if (len + guard > d->dma_size || start > d->dma_size - len - guard)
		return -ENOMEM;
	d->dma_used = start + len;
	*bus = d->dma_base + start;
	if (guard && ((rc = guard_fill(d, from, start)) || (rc = guard_fill(d, start + len, start + len + guard))))
		return rc;
	d->dma_used += guard;
	/* the arena is reused: hand out zeroed memory as a fresh allocation would be */
	static const uint8_t zero[4096];
	for (size_t off = 0; off < len; off += sizeof(zero)) {
		size_t n = len - off < sizeof(zero) ? len - off : sizeof(zero);
		if ((rc = d->ops->dma_write(d, *bus + off, zero, n)))
			return rc;
	}
	return 0;
}

void vc_dma_reclaim(struct vc_device *d)
{
	d->dma_used = 0;
	d->dma_guard = false;
}

int vc_dma_guard(struct vc_device *d)
{
	uint64_t bus;
	int rc = vc_dma_alloc(d, 0, 16, &bus);    /* the arena exists from here on */

	d->dma_guard = true;
	d->dma_nguards = 0;
	return rc;
}

/* A guard byte's value depends on its place, so a stray copy of another
 * guard does not pass for it. */
static uint8_t guard_byte(size_t off) { return (uint8_t)(0xa5 + 13 * off + (off >> 8)); }

static int guard_fill(struct vc_device *d, size_t from, size_t to)
{
	uint8_t buf[512];
	int rc;

	if (d->dma_nguards && d->dma_guards[d->dma_nguards - 1].to == from)
		d->dma_guards[d->dma_nguards - 1].to = to;
	else if (d->dma_nguards < sizeof(d->dma_guards) / sizeof(d->dma_guards[0])) {
		d->dma_guards[d->dma_nguards].from = from;
		d->dma_guards[d->dma_nguards++].to = to;
	} else
		return -ENOSPC;
	for (size_t off = from; off < to; off += sizeof(buf)) {
		size_t n = to - off < sizeof(buf) ? to - off : sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = guard_byte(off + i);
		if ((rc = vc_dma_write(d, d->dma_base + off, buf, n)))
			return rc;
	}
	return 0;
}

int vc_dma_guard_check(struct vc_device *d, uint64_t *where, uint8_t *got)
{
	struct vc_dma_piece v[sizeof(d->dma_guards) / sizeof(d->dma_guards[0])];
	size_t total = 0;
	uint8_t *buf;
	int rc;

	for (unsigned g = 0; g < d->dma_nguards; g++)
		total += d->dma_guards[g].to - d->dma_guards[g].from;
	if (!total)
		return 0;
	if (!(buf = malloc(total)))
		return -ENOMEM;
	/* every guard in one read: none depends on another */
	for (unsigned g = 0, at = 0; g < d->dma_nguards; at += v[g].len, g++)
		v[g] = (struct vc_dma_piece){ d->dma_base + d->dma_guards[g].from, buf + at,
					      d->dma_guards[g].to - d->dma_guards[g].from };
	rc = vc_dma_readv(d, v, d->dma_nguards);
	for (unsigned g = 0, at = 0; !rc && g < d->dma_nguards; at += v[g].len, g++)
		for (size_t i = 0; i < v[g].len; i++)
			if (buf[at + i] != guard_byte(d->dma_guards[g].from + i)) {
				*where = v[g].bus + i;
				*got = buf[at + i];
				rc = -EFAULT;
				break;
			}
	free(buf);
	return rc;
}

int vc_dma_read(struct vc_device *d, uint64_t bus, void *buf, size_t len)
{
	if (vc_cancelled())
		return -ECANCELED;
	return d->ops->dma_read ? d->ops->dma_read(d, bus, buf, len) : -ENOTSUP;
}

int vc_dma_readv(struct vc_device *d, const struct vc_dma_piece *v, unsigned n)
{
	int rc;

	if (vc_cancelled())
		return -ECANCELED;
	if (d->ops->dma_readv)
		return d->ops->dma_readv(d, v, n);
	for (unsigned i = 0; i < n; i++)
		if ((rc = vc_dma_read(d, v[i].bus, v[i].buf, v[i].len)))
			return rc;
	return 0;
}

int vc_dma_write(struct vc_device *d, uint64_t bus, const void *buf, size_t len)
{
	if (vc_cancelled())
		return -ECANCELED;
	return d->ops->dma_write ? d->ops->dma_write(d, bus, buf, len) : -ENOTSUP;
}

static int dma_put16(struct vc_device *d, uint64_t bus, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	return vc_dma_write(d, bus, b, 2);
}

/* Virtqueues. Split layout: descriptor table, then the available ring
 * (flags, idx, ring[size], used_event), then the used ring (flags, idx,
 * ring[size] of {id, len}, avail_event). Packed: the descriptor ring and
 * the driver and device event suppression structures. */

enum { DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4, PACKED_F_AVAIL = 1 << 7, PACKED_F_USED = 1 << 15 };

int vc_vq_setup(struct vc_driver *drv, uint16_t index, uint16_t size, struct vc_vq *vq)
{
	struct vc_device *d = drv->dev;
	const struct vc_vcap *c = drv->p->common;
	uint64_t max, base;
	int rc;

	memset(vq, 0, sizeof(*vq));
	vq->index = index;
	vq->packed = vc_negotiated(drv, VIRTIO_F_RING_PACKED);
	vq->avail_wrap = vq->used_wrap = true;
	if (!c)
		return -ENOENT;
	/* the selected queue's size, notification offset (and data): its
	 * read-only fields, read together, in one wait where the backend can */
	struct vc_access a[3] = {
		{ c->bar, 2, c->offset + COMMON_queue_size, 0, false },
		{ c->bar, 2, c->offset + COMMON_queue_notify_off, 0, false },
		{ c->bar, 2, c->offset + COMMON_queue_notif_config_data, 0, false },
	};
	if ((rc = vc_common_write(d, drv->p, COMMON_queue_select, 2, index)) ||
	    (rc = vc_batch(d, a, vc_negotiated(drv, VIRTIO_F_NOTIF_CONFIG_DATA) ? 3 : 2)))
		return rc;
	max = a[0].val;
	vq->notify_off = (uint16_t)a[1].val;
	vq->notif_config_data = (uint16_t)a[2].val;
	if (max == 0)
		return -ENOENT;
	vq->size = size && size < max ? size : (uint16_t)max;
	if (vq->size > sizeof(vq->chain_len) / sizeof(vq->chain_len[0]))
		vq->size = sizeof(vq->chain_len) / sizeof(vq->chain_len[0]);
	size_t desc_bytes = 16u * vq->size;
	size_t driver_bytes = vq->packed ? 4 : 6u + 2u * vq->size;
	size_t device_bytes = vq->packed ? 4 : 6u + 8u * vq->size;
	size_t driver_at = (desc_bytes + 3) & ~(size_t)3, device_at = (driver_at + driver_bytes + 3) & ~(size_t)3;
	if ((rc = vc_dma_alloc(d, device_at + device_bytes, 4096, &base)))
		return rc;
	vq->desc = base;
	vq->driver = base + driver_at;
	vq->device = base + device_at;
	if ((rc = vc_common_write(d, drv->p, COMMON_queue_size, 2, vq->size)) ||
	    (rc = vc_common_write(d, drv->p, COMMON_queue_desc, 4, (uint32_t)vq->desc)) ||
	    (rc = vc_common_write(d, drv->p, COMMON_queue_desc + 4, 4, vq->desc >> 32)) ||
	    (rc = vc_common_write(d, drv->p, COMMON_queue_driver, 4, (uint32_t)vq->driver)) ||
	    (rc = vc_common_write(d, drv->p, COMMON_queue_driver + 4, 4, vq->driver >> 32)) ||
	    (rc = vc_common_write(d, drv->p, COMMON_queue_device, 4, (uint32_t)vq->device)) ||
	    (rc = vc_common_write(d, drv->p, COMMON_queue_device + 4, 4, vq->device >> 32)))
		return rc;
	return 0;
}

int vc_vq_enable(struct vc_driver *drv, struct vc_vq *vq)
{
	int rc = vc_common_write(drv->dev, drv->p, COMMON_queue_select, 2, vq->index);

	if (rc || (rc = vc_common_write(drv->dev, drv->p, COMMON_queue_enable, 2, 1)))
		return rc;
	if (vq->index < 64)
		drv->enabled |= 1ull << vq->index;
	return 0;
}

/* struct virtq_desc (split): addr, len, flags, next.
 * struct pvirtq_desc (packed): addr, len, id, flags. */
static int put_desc(struct vc_device *d, uint64_t at, const struct vc_buf *b, uint16_t word12, uint16_t word14)
{
	uint8_t e[16];

	for (unsigned i = 0; i < 8; i++)
		e[i] = (uint8_t)(b->addr >> 8 * i);
	for (unsigned i = 0; i < 4; i++)
		e[8 + i] = (uint8_t)(b->len >> 8 * i);
	e[12] = (uint8_t)word12;
	e[13] = (uint8_t)(word12 >> 8);
	e[14] = (uint8_t)word14;
	e[15] = (uint8_t)(word14 >> 8);
	return vc_dma_write(d, at, e, sizeof(e));
}

/* last_flags: extra flags on the chain's last descriptor (an indirect one). */
/* Split: the descriptors of a chain from the next free slot, not yet
 * available; *id is its head. */
static int prepare_split(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n,
			 uint16_t last_flags, uint16_t *id)
{
	uint16_t head = vq->next_desc;
	int rc;

	for (unsigned i = 0; i < n; i++) {
		uint16_t slot = (uint16_t)((head + i) % vq->size), next = (uint16_t)((slot + 1) % vq->size);
		uint16_t flags = (uint16_t)((i + 1 < n ? DESC_F_NEXT : last_flags) | (bufs[i].writable ? DESC_F_WRITE : 0));
		if ((rc = put_desc(drv->dev, vq->desc + 16u * slot, &bufs[i], flags, i + 1 < n ? next : 0)))
			return rc;
	}
	vq->next_desc = (uint16_t)((head + n) % vq->size);
	*id = head;
	return 0;
}

int vc_vq_publish(struct vc_driver *drv, struct vc_vq *vq, uint16_t head)
{
	int rc;

	if (vq->packed)
		return -ENOTSUP;
	/* ring entry first, then the index that publishes it */
	if ((rc = dma_put16(drv->dev, vq->driver + 4 + 2u * (vq->avail_idx % vq->size), head)))
		return rc;
	vq->avail_idx++;
	return dma_put16(drv->dev, vq->driver + 2, vq->avail_idx);
}

int vc_vq_prepare(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n, uint16_t *id)
{
	if (vq->packed)
		return -ENOTSUP;
	if (n == 0 || n > vq->size)
		return -EINVAL;
	return prepare_split(drv, vq, bufs, n, 0, id);
}

static int add_split(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n,
		     uint16_t last_flags, uint16_t *id)
{
	int rc = prepare_split(drv, vq, bufs, n, last_flags, id);

	return rc ? rc : vc_vq_publish(drv, vq, *id);
}

/* Packed: every descriptor but the first is written first, and the first's
 * flags last, so the device never sees a half-made chain. Every descriptor
 * carries the buffer id: the next one, or (scattered) one from the other
 * end of the id space, which nothing else in flight has. head_xor is
 * flipped in the head's flags (AVAIL and USED: the head as it stands on the
 * ring's other lap, not available). */
static int add_packed(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n, bool scattered,
		      uint16_t head_xor, uint16_t *id)
{
	uint16_t first = vq->next_avail, first_flags = 0;
	uint16_t buf_id = scattered ? (uint16_t)(vq->size - 1 - vq->next_id) : vq->next_id;
	int rc;

	for (unsigned i = 0; i < n; i++) {
		uint16_t slot = vq->next_avail;
		uint16_t flags = (uint16_t)((i + 1 < n ? DESC_F_NEXT : 0) | (bufs[i].writable ? DESC_F_WRITE : 0) |
					    (vq->avail_wrap ? PACKED_F_AVAIL : PACKED_F_USED));
		if (i == 0)
			first_flags = flags ^ head_xor;
		else if ((rc = put_desc(drv->dev, vq->desc + 16u * slot, &bufs[i], buf_id, flags)))
			return rc;
		if (++vq->next_avail == vq->size) {
			vq->next_avail = 0;
			vq->avail_wrap = !vq->avail_wrap;
		}
	}
	vq->chain_len[buf_id] = (uint16_t)n;
	if (!scattered)
		vq->next_id = (uint16_t)((buf_id + 1) % vq->size);
	*id = buf_id;
	return put_desc(drv->dev, vq->desc + 16u * first, &bufs[0], buf_id, first_flags);
}

int vc_vq_add(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n, uint16_t *id)
{
	if (n == 0 || n > vq->size)
		return -EINVAL;
	return vq->packed ? add_packed(drv, vq, bufs, n, false, 0, id) : add_split(drv, vq, bufs, n, 0, id);
}

int vc_vq_add_other_lap(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n, uint16_t *id)
{
	if (n == 0 || n > vq->size)
		return -EINVAL;
	return vq->packed ? add_packed(drv, vq, bufs, n, false, PACKED_F_AVAIL | PACKED_F_USED, id) : -ENOTSUP;
}

int vc_vq_add_scattered(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n,
			uint16_t *id)
{
	int rc;

	if (n == 0 || n > vq->size)
		return -EINVAL;
	if (vq->packed)
		return add_packed(drv, vq, bufs, n, true, 0, id);
	for (unsigned i = 0; i < n; i++) {
		uint16_t slot = (uint16_t)(n - 1 - i);
		uint16_t flags = (uint16_t)((i + 1 < n ? DESC_F_NEXT : 0) | (bufs[i].writable ? DESC_F_WRITE : 0));
		if ((rc = put_desc(drv->dev, vq->desc + 16u * slot, &bufs[i], flags, i + 1 < n ? (uint16_t)(slot - 1) : 0)))
			return rc;
	}
	*id = (uint16_t)(n - 1);
	return vc_vq_publish(drv, vq, *id);
}

/* Where buffer i of m goes in an indirect table: in order, or (reversed)
 * the first at entry 0, where the device starts, and the rest from the
 * last entry down. */
static uint16_t table_entry(unsigned i, unsigned m, bool reversed)
{
	return (uint16_t)(!reversed || i == 0 ? i : m - i);
}

/* The table is chained with NEXT like a ring chain, indexes relative to it. */
int vc_vq_add_indirect(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n,
		       unsigned ndirect, bool write_flag, bool reversed, uint16_t *id)
{
	struct vc_buf ring[VC_VQ_MAX_DIRECT + 1];
	int rc;

	if (vq->packed)
		return -ENOTSUP;
	if (ndirect >= n || ndirect > VC_VQ_MAX_DIRECT || ndirect + 1 > vq->size)
		return -EINVAL;
	unsigned m = n - ndirect;
	uint64_t table;
	if ((rc = vc_dma_alloc(drv->dev, 16u * m, 16, &table)))
		return rc;
	for (unsigned i = 0; i < m; i++) {
		const struct vc_buf *b = &bufs[ndirect + i];
		uint16_t flags = (uint16_t)((i + 1 < m ? DESC_F_NEXT : 0) | (b->writable ? DESC_F_WRITE : 0));
		if ((rc = put_desc(drv->dev, table + 16u * table_entry(i, m, reversed), b, flags,
				   i + 1 < m ? table_entry(i + 1, m, reversed) : 0)))
			return rc;
	}
	memcpy(ring, bufs, ndirect * sizeof(*bufs));
	ring[ndirect] = (struct vc_buf){ table, 16u * m, write_flag };
	return add_split(drv, vq, ring, ndirect + 1, DESC_F_INDIRECT, id);
}

/* One look at the used ring. with_element: the split ring's element read
 * together with the index (a look that expects to find one); else only when
 * the index moved. `also` (the buffers the caller expects the entry to be
 * for) is read behind it, as a driver reads them once it sees the entry:
 * in the same wait on such a look, else after it. */
#define ALSO_MAX 4
static int get_used(struct vc_driver *drv, struct vc_vq *vq, uint16_t *id, uint32_t *len, bool with_element,
		    const struct vc_dma_piece *also, unsigned nalso)
{
	struct vc_dma_piece v[2 + ALSO_MAX];
	uint8_t e[16], ix[2];
	unsigned n = 0;
	int rc;

	if (nalso > ALSO_MAX)
		return -EINVAL;
	if (vq->packed) {
		v[n++] = (struct vc_dma_piece){ vq->desc + 16u * vq->next_used, e, 16 };
	} else {
		/* the index, then the element it publishes next: in that
		 * order, as a driver reads them */
		v[n++] = (struct vc_dma_piece){ vq->device + 2, ix, 2 };
		v[n++] = (struct vc_dma_piece){ vq->device + 4 + 8u * (vq->used_idx % vq->size), e, 8 };
	}
	bool ahead = with_element && nalso;
	if (ahead) {
		memcpy(v + n, also, nalso * sizeof(*also));
		n += nalso;
	}
	if ((rc = vc_dma_readv(drv->dev, v, ahead ? n : vq->packed || !with_element ? 1 : 2)))
		return rc;
	if (vq->packed) {
		uint16_t flags = (uint16_t)(e[14] | e[15] << 8);
		bool avail = flags & PACKED_F_AVAIL, used = flags & PACKED_F_USED;
		if (avail != used || used != vq->used_wrap)
			return -EAGAIN;
		*id = (uint16_t)(e[12] | e[13] << 8);
		*len = (uint32_t)e[8] | (uint32_t)e[9] << 8 | (uint32_t)e[10] << 16 | (uint32_t)e[11] << 24;
		uint16_t step = *id < vq->size && vq->chain_len[*id] ? vq->chain_len[*id] : 1;
		vq->next_used = (uint16_t)(vq->next_used + step);
		if (vq->next_used >= vq->size) {
			vq->next_used = (uint16_t)(vq->next_used - vq->size);
			vq->used_wrap = !vq->used_wrap;
		}
	} else {
		if ((uint16_t)(ix[0] | ix[1] << 8) == vq->used_idx)
			return -EAGAIN;
		if (!with_element && (rc = vc_dma_read(drv->dev, v[1].bus, e, 8)))
			return rc;
		*id = (uint16_t)(e[0] | e[1] << 8);
		*len = (uint32_t)e[4] | (uint32_t)e[5] << 8 | (uint32_t)e[6] << 16 | (uint32_t)e[7] << 24;
		vq->used_idx++;
	}
	return nalso && !ahead ? vc_dma_readv(drv->dev, also, nalso) : 0;
}

int vc_vq_get_used(struct vc_driver *drv, struct vc_vq *vq, uint16_t *id, uint32_t *len)
{
	return get_used(drv, vq, id, len, true, NULL, 0);
}

void vc_vq_skip_used(struct vc_vq *vq, uint16_t n)
{
	vq->used_idx = (uint16_t)(vq->used_idx + n);
}

int vc_vq_wait_used_read(struct vc_driver *drv, struct vc_vq *vq, unsigned timeout_ms, uint16_t *id, uint32_t *len,
			 const struct vc_dma_piece *also, unsigned nalso)
{
	uint64_t deadline = vc_now_ms() + timeout_ms;
	uint8_t status;

	for (unsigned i = 0;; i++) {
		/* the last look (timeout 0: the only one) sees every access
		 * before it done; a device slow to use the buffer (a disk's
		 * flush) is polled for the index alone after a few looks */
		bool last = vc_now_ms() >= deadline;
		drv->dev->looking = !last;
		int rc = get_used(drv, vq, id, len, i < 4, also, nalso);
		drv->dev->looking = false;
		if (rc != -EAGAIN)
			return rc;
		if (last)
			return -ETIMEDOUT;
		/* now and then: a device that gave up will use nothing */
		if (i % 16 == 15 && vc_status_read(drv, &status) == 0 && (status & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
			return -ETIMEDOUT;
		vc_poll_pause(i);
	}
}

int vc_vq_wait_used(struct vc_driver *drv, struct vc_vq *vq, unsigned timeout_ms, uint16_t *id, uint32_t *len)
{
	return vc_vq_wait_used_read(drv, vq, timeout_ms, id, len, NULL, 0);
}

unsigned vc_quiet_ms(struct vc_driver *drv, unsigned ms)
{
	struct vc_device *d = drv->dev;

	return d->ops->settle && d->ops->settle(d) == 0 ? 0 : ms;
}

unsigned vc_done_ms(struct vc_driver *drv, unsigned ms)
{
	return vc_has(drv->dev, VC_SYNC) ? vc_quiet_ms(drv, ms) : ms;
}

int vc_vq_set_avail_flags(struct vc_driver *drv, struct vc_vq *vq, uint16_t flags)
{
	return vq->packed ? -ENOTSUP : dma_put16(drv->dev, vq->driver, flags);
}

int vc_vq_set_used_event(struct vc_driver *drv, struct vc_vq *vq, uint16_t used_event)
{
	return vq->packed ? -ENOTSUP : dma_put16(drv->dev, vq->driver + 4 + 2u * vq->size, used_event);
}

/* Interrupts */

enum { MSIX_CONTROL = 2, MSIX_TABLE = 4, MSIX_ENABLE = 1u << 15, MSIX_FUNCTION_MASK = 1u << 14 };

static int msix_control(struct vc_driver *drv, bool enable)
{
	uint32_t ctl;
	int rc;

	if (!drv->p->msix_pos)
		return -ENOTSUP;
	if ((rc = vc_cfg_read(drv->dev, drv->p->msix_pos + MSIX_CONTROL, 2, &ctl)))
		return rc;
	ctl = enable ? (ctl | MSIX_ENABLE) & ~MSIX_FUNCTION_MASK : ctl & ~MSIX_ENABLE;
	return vc_cfg_write(drv->dev, drv->p->msix_pos + MSIX_CONTROL, 2, ctl);
}

int vc_irq_msix(struct vc_driver *drv, unsigned nvectors)
{
	struct vc_device *d = drv->dev;
	int rc;

	if (!drv->p->msix_pos)
		return -ENOTSUP;
	if (d->ops->irq_setup)
		return d->ops->irq_setup(d, nvectors);
	if (!d->ops->msix_message)
		return -ENOTSUP;
	uint32_t table = vc_le32(drv->p->cfg + drv->p->msix_pos + MSIX_TABLE);
	for (unsigned v = 0; v < nvectors; v++) {
		uint64_t addr, at = (table & ~7u) + 16ull * v;
		uint32_t data;
		if ((rc = d->ops->msix_message(d, v, &addr, &data)) ||
		    (rc = vc_bar_write(d, table & 7, at, 4, (uint32_t)addr)) ||
		    (rc = vc_bar_write(d, table & 7, at + 4, 4, addr >> 32)) ||
		    (rc = vc_bar_write(d, table & 7, at + 8, 4, data)) ||
		    (rc = vc_bar_write(d, table & 7, at + 12, 4, 0)))      /* unmasked */
			return rc;
	}
	return msix_control(drv, true);
}

int vc_irq_intx(struct vc_driver *drv)
{
	struct vc_device *d = drv->dev;

	if (d->ops->irq_setup)
		return d->ops->irq_setup(d, 0);
	return drv->p->msix_pos ? msix_control(drv, false) : 0;
}

int vc_irq_wait(struct vc_driver *drv, unsigned timeout_ms, int *vector)
{
	if (!drv->dev->ops->irq_wait || !(drv->dev->abilities & VC_IRQ))
		return -ENOTSUP;
	if (vc_cancelled())
		return -ECANCELED;
	return drv->dev->ops->irq_wait(drv->dev, (int)timeout_ms, vector);
}

int vc_irq_drain(struct vc_driver *drv)
{
	uint64_t isr;
	int vector, rc;

	/* bounded: a device that raises interrupts without end must not hold
	 * the driver here */
	for (unsigned n = 0; n < 4096 && (rc = vc_irq_wait(drv, 0, &vector)) == 0; n++)
		if (vector < 0 && drv->p->isr && (rc = vc_struct_read(drv->dev, drv->p->isr, 0, 1, &isr)))
			return rc;
	if (rc != -ETIMEDOUT && rc != -ENOTSUP)      /* ENOTSUP: no interrupts to forget */
		return rc;
	return drv->p->isr ? vc_struct_read(drv->dev, drv->p->isr, 0, 1, &isr) : 0;
}

int vc_quiesce(struct vc_driver *drv)
{
	struct vc_device *d = drv->dev;
	const struct vc_vcap *c = drv->p->common, *isr = drv->p->isr;
	struct vc_access a[4];
	unsigned n = 0, msix = 0;
	int rc, lost = 0;

	if (!c)
		return -ENOENT;
	forget_negotiation(drv);
	a[n++] = (struct vc_access){ c->bar, 1, c->offset + COMMON_device_status, 0, true, false };
	a[n++] = (struct vc_access){ c->bar, 1, c->offset + COMMON_device_status, 0, false, false };
	/* the ISR read that lowers an INTx line left up, where the backend
	 * can then forget the rest at once */
	bool forget = d->ops->irq_forget && isr;
	if (forget)
		a[n++] = (struct vc_access){ isr->bar, 1, isr->offset, 0, false, false };
	if (drv->p->msix_pos && !d->ops->irq_setup) {
		msix = n;
		a[n++] = (struct vc_access){ 0, 2, drv->p->msix_pos + MSIX_CONTROL, 0, false, true };
	}
	if ((rc = vc_batch(d, a, n)))
		return rc;
	if (a[1].val) {
		/* a reset still under way: what was read behind it is read again */
		if ((lost = reset_completes(drv)) && lost != -ETIMEDOUT)
			return lost;
		forget = false;
	}
	if ((rc = forget ? d->ops->irq_forget(d) : vc_irq_drain(drv)))
		return rc;
	/* back to INTx, as vc_irq_intx */
	if (d->ops->irq_setup)
		rc = d->ops->irq_setup(d, 0);
	else if (msix)
		rc = vc_cfg_write(d, drv->p->msix_pos + MSIX_CONTROL, 2, (uint32_t)a[msix].val & ~MSIX_ENABLE);
	return rc ? rc : lost;
}

