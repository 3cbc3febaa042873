/* Packed virtqueue device rules (VIRTIO_F_RING_PACKED), checked end to end
 * with the request each device type really consumes (suites/ring.c): used
 * descriptors in completion order across wrap-around, readable buffers and
 * used descriptors left alone, the AVAIL bit honoured, chains used in order. */
#include <string.h>
#include "vc/clause.h"
#include "labels.h"
#include "ring.h"

#define PACKED SESSION_F(VIRTIO_F_RING_PACKED)
#define SMALL_QUEUE 8              /* wraps in a few batches */
#define MAX_BATCH 8

/* Batches of requests, one doorbell each, until the descriptors used pass
 * twice the ring size: each used descriptor must appear where the driver
 * polls next (the slot after the previous buffer's chain) with both flag
 * bits equal to the device's wrap counter, and name a buffer in flight. */
static void used_order(struct vc_ctx *c)
{
	struct session r;
	struct vc_request req[MAX_BATCH];
	struct ring_io io[MAX_BATCH];
	unsigned batch = 0, used = 0;

	if (!session_start(c, &r, PACKED, SESSION_POLLED, SMALL_QUEUE))
		return;
	for (; batch < MAX_BATCH && (batch + 1) * r.req.n <= r.vq.size; batch++)
		if (batch ? !session_another(&r, &req[batch]) : (req[0] = r.req, false))
			return;
	while (used <= 2u * r.vq.size) {
		for (unsigned i = 0; i < batch; i++) {
			ring_io_init(&io[i], req[i].bufs, req[i].n);
			if (!ring_add(&r, &io[i]))
				return;
		}
		if (!ring_kick(&r))
			return;
		bool done[MAX_BATCH] = { false };
		for (unsigned k = 0; k < batch; k++) {
			uint16_t slot = r.vq.next_used, id;
			uint32_t len;
			bool wrap = r.vq.used_wrap;
			if (vc_vq_wait_used(&r.drv, &r.vq, vc_done_ms(&r.drv, r.drv.dev->timeout_ms), &id, &len)) {
				vc_fail(c, "no used descriptor at slot %u with the used wrap counter %u within %u ms "
					   "(%u descriptors used so far, queue size %u)", slot, wrap, r.drv.dev->timeout_ms,
					used, r.vq.size);
				return;
			}
			unsigned i = 0;
			while (i < batch && (io[i].id != id || done[i]))
				i++;
			if (i == batch) {
				vc_fail(c, "the used descriptor at slot %u names no buffer in flight", slot);
				vc_observed(c, "buffer id %u", id);
				return;
			}
			done[i] = true;
			used += io[i].n;
			if (!ring_check_len(&r, len, io[i].n))
				return;
		}
	}
}

static void readable_untouched(struct vc_ctx *c) { ring_readable_untouched(c, true); }

static bool read_desc(struct session *r, uint16_t slot, uint8_t d[16])
{
	int rc = vc_dma_read(r->drv.dev, r->vq.desc + 16u * slot, d, 16);
	if (rc)
		vc_error(r->c, "DMA read of the descriptor ring failed");
	return rc == 0;
}

static bool write_flags(struct session *r, uint16_t slot, uint16_t flags)
{
	uint8_t f[2] = { (uint8_t)flags, (uint8_t)(flags >> 8) };
	int rc = vc_dma_write(r->drv.dev, r->vq.desc + 16u * slot + 14, f, 2);
	if (rc)
		vc_error(r->c, "DMA write of the descriptor ring failed");
	return rc == 0;
}

/* A whole request whose first descriptor has AVAIL and USED swapped (what
 * it would look like on the other lap of the ring): not available, so not
 * used; then the right flags, and it is. Written so from the start: a
 * descriptor available even for a moment may be used without a doorbell
 * (QEMU's NIC runs its transmit at DRIVER_OK). */
static void avail_bit(struct vc_ctx *c)
{
	struct session r;
	struct ring_io io;
	uint8_t d[16], after[16];
	uint16_t id;
	uint32_t len;
	int rc;

	if (!session_start(c, &r, PACKED, SESSION_POLLED, 0))
		return;
	uint16_t slot = r.vq.next_avail;
	ring_io_init(&io, r.req.bufs, r.req.n);
	if (!ring_arm(&r, &io))
		return;
	if ((rc = vc_vq_add_other_lap(&r.drv, &r.vq, io.bufs, io.n, &io.id))) {
		vc_error(c, "vq add: %s", strerror(-rc));
		return;
	}
	if (!read_desc(&r, slot, d))
		return;
	uint16_t wrong = (uint16_t)(d[14] | d[15] << 8);
	uint16_t flags = (uint16_t)(wrong ^ (RING_PACKED_AVAIL | RING_PACKED_USED));
	if (!ring_kick(&r))
		return;
	rc = vc_vq_wait_used(&r.drv, &r.vq, vc_quiet_ms(&r.drv, SESSION_QUIET_MS), &id, &len);
	if (!read_desc(&r, slot, after))
		return;
	if (rc == 0 || memcmp(after + 8, d + 8, 6) || (after[14] | after[15] << 8) != wrong) {
		vc_fail(c, "the device used a descriptor whose AVAIL bit does not match its wrap counter");
		vc_observed(c, "slot %u flags 0x%04x, len %u after the doorbell", slot, after[14] | after[15] << 8,
			    after[8] | after[9] << 8 | after[10] << 16 | (uint32_t)after[11] << 24);
		vc_expected(c, "flags 0x%04x and the descriptor unchanged", wrong);
		return;
	}
	if (write_flags(&r, slot, flags) && ring_kick(&r))
		ring_used(&r, &io);
}

/* A used descriptor, once marked used, keeps its contents while the device
 * goes on using the next buffers. */
static void used_unchanged(struct vc_ctx *c)
{
	struct session r;
	struct ring_io first, next;
	struct vc_request req;
	uint8_t was[16], now[16];

	if (!session_start(c, &r, PACKED, SESSION_POLLED, 0))
		return;
	if (2 * r.req.n > r.vq.size) {
		vc_skip(c, "two %u-descriptor requests do not fit a queue of %u", r.req.n, r.vq.size);
		return;
	}
	ring_io_init(&first, r.req.bufs, r.req.n);
	if (!ring_send(&r, &first) || !read_desc(&r, first.used_slot, was) || !session_another(&r, &req))
		return;
	ring_io_init(&next, req.bufs, req.n);
	if (!ring_send(&r, &next) || !read_desc(&r, first.used_slot, now))
		return;
	for (unsigned i = 0; i < 16; i++)
		if (was[i] != now[i]) {
			vc_fail(c, "the device changed a descriptor after marking it used");
			vc_observed(c, "used descriptor at slot %u, byte %u: 0x%02x", first.used_slot, i, now[i]);
			vc_expected(c, "0x%02x, as when it was marked used", was[i]);
			return;
		}
}

static void chain_order(struct vc_ctx *c) { ring_any_arrangement(c, true); }

#define NEEDS (NEED_BAR_WRITE | NEED_COMMON | NEED_DMA)

static const struct vc_clause clauses[] = {
	{ "virtqueue.packed.used-order", L_PACKED, VC_MUST, VC_DEVICE_RULE, "1.1", NEEDS, "PACKED-VQ-DEV-2",
	  "Used descriptors are written one after another where the driver polls next, with the device's wrap "
	  "counter, across ring wrap-around (a queue of 8, batches of requests).", NULL, used_order, VC_REQ(VIRTIO_F_RING_PACKED) },
	{ "virtqueue.packed.desc.readable-untouched", L_PACKED_DESC, VC_MUST_NOT, VC_DEVICE_RULE, "1.1", NEEDS,
	  "PACKED-DESC-DEV-1", "The device does not write device-readable buffers (packed ring).", NULL,
	  readable_untouched, VC_REQ(VIRTIO_F_RING_PACKED) },
	{ "virtqueue.packed.desc.avail-bit", L_PACKED_DESC, VC_MUST_NOT, VC_DEVICE_RULE, "1.1", NEEDS,
	  "PACKED-DESC-DEV-3",
	  "A descriptor whose AVAIL bit does not match the driver's wrap counter is not used.", NULL, avail_bit, VC_REQ(VIRTIO_F_RING_PACKED) },
	{ "virtqueue.packed.desc.used-unchanged", L_PACKED_DESC, VC_MUST_NOT, VC_DEVICE_RULE, "1.1", NEEDS,
	  "PACKED-DESC-DEV-4", "A descriptor marked used is not changed afterwards by the device.", NULL,
	  used_unchanged, VC_REQ(VIRTIO_F_RING_PACKED) },
	{ "virtqueue.packed.sg.chain-order", L_PACKED_SG, VC_MUST, VC_DEVICE_RULE, "1.1", NEEDS, "PACKED-SG-DEV-1",
	  "A NEXT-chained request with every buffer in two pieces (a 1-byte one first) completes as it does whole, "
	  "its first used-len writable bytes written in list order.", NULL, chain_order, VC_REQ(VIRTIO_F_RING_PACKED) },
};

VC_SUITE(suite_virtqueue_packed, clauses);
