/* Split virtqueue device rules, checked end to end with the request each
 * device type really consumes (suites/ring.c): what the device writes and
 * does not write, descriptor arrangements, indirect tables, used buffer
 * notification suppression, used->flags, spurious doorbells, in-order use. */
#include <errno.h>
#include <string.h>
#include "vc/clause.h"
#include "labels.h"
#include "ring.h"

enum { AVAIL_F_NO_INTERRUPT = 1 };

#define SMALL_QUEUE 8              /* small enough to wrap the ring in a few requests */

/* The request on its queue, then on every other queue that carries one
 * (a block device's request queues, with VIRTIO_BLK_F_MQ). */
static void used_len_written(struct vc_ctx *c)
{
	struct session r;
	struct ring_io io;
	unsigned others = 0;
	int rc;

	if (!session_start(c, &r, 0, SESSION_POLLED, 0))
		return;
	uint16_t first = r.req.queue;
	ring_io_init(&io, r.req.bufs, r.req.n);
	if (!ring_send(&r, &io))
		return;
	ring_check_written(&r, &io);
	for (uint16_t q = 0; vc_request_queue_bits(c->probe) && q < c->probe->num_queues && c->r->status != VC_FAIL; q++) {
		if (q == first)
			continue;
		if ((rc = session_open_on(c, &r, 0, q, 0)) == -ENOTSUP)
			continue;
		if (rc || !session_enable(&r))
			return;
		ring_io_init(&io, r.req.bufs, r.req.n);
		if (!ring_send(&r, &io))
			return;
		ring_check_written(&r, &io);
		others++;
	}
	if (others)
		vc_note(c, "queue %u and %u other queue%s", first, others, others > 1 ? "s" : "");
}

/* More requests than ring entries, one at a time: each comes back in its
 * turn and used idx counts every one of them. */
static void used_ring_wraps(struct vc_ctx *c)
{
	struct session r;
	struct ring_io io;
	uint8_t idx[2];

	if (!session_start(c, &r, 0, SESSION_POLLED, SMALL_QUEUE))
		return;
	unsigned rounds = 2u * r.vq.size + 1;
	for (unsigned i = 0; i < rounds; i++) {
		ring_io_init(&io, r.req.bufs, r.req.n);
		if (!ring_send(&r, &io))
			return;
		ring_check_written(&r, &io);
		if (c->r->status == VC_FAIL)
			return;
		if (vc_dma_read(c->dev, r.vq.device + 2, idx, 2)) {
			vc_error(c, "DMA read of used idx failed");
			return;
		}
		uint16_t used_idx = (uint16_t)(idx[0] | idx[1] << 8);
		if (used_idx != (uint16_t)(i + 1)) {
			vc_fail(c, "used idx does not count the used buffers across ring wrap-around (queue size %u)",
				r.vq.size);
			vc_observed(c, "used idx %u after %u buffers", used_idx, i + 1);
			vc_expected(c, "%u", i + 1);
			return;
		}
	}
}

static void readable_untouched(struct vc_ctx *c) { ring_readable_untouched(c, false); }

static bool read_table(struct session *r, uint8_t *t)
{
	int rc = vc_dma_read(r->drv.dev, r->vq.desc, t, 16u * r->vq.size);
	if (rc)
		vc_error(r->c, "DMA read of the descriptor table failed");
	return rc == 0;
}

static void table_untouched(struct vc_ctx *c)
{
	static uint8_t before[16 * 1024], after[16 * 1024];
	struct session r;
	struct ring_io io;

	if (!session_start(c, &r, 0, SESSION_POLLED, 0))
		return;
	ring_io_init(&io, r.req.bufs, r.req.n);
	if (!ring_add(&r, &io) || !read_table(&r, before) || !ring_kick(&r) || !ring_used(&r, &io) ||
	    !read_table(&r, after))
		return;
	for (unsigned i = 0; i < 16u * r.vq.size; i++)
		if (before[i] != after[i]) {
			vc_fail(c, "the device wrote into the descriptor table");
			vc_observed(c, "descriptor %u byte %u is 0x%02x", i / 16, i % 16, after[i]);
			vc_expected(c, "0x%02x, as the driver wrote it", before[i]);
			return;
		}
}

static void any_arrangement(struct vc_ctx *c) { ring_any_arrangement(c, false); }

/* The request sent as usual, then again through an indirect table: all of
 * it, with WRITE set on the pointing descriptor, or its first buffer direct
 * and the rest indirect (a lone buffer split in two for that). The same
 * outcome is expected. */
static void indirect(struct vc_ctx *c, unsigned ndirect, bool write_flag)
{
	struct session r;
	struct ring_io whole, io;
	struct vc_buf split[RING_MAX_BUFS];

	if (!session_start(c, &r, SESSION_F(VIRTIO_F_INDIRECT_DESC), SESSION_POLLED, 0))
		return;
	struct ring_shape sh = { r.req.n <= ndirect, true, ndirect, write_flag };
	if (ring_blk_data(&r, &sh, ndirect ? "with its first buffer direct and the rest in an indirect table"
					   : "through an indirect table, WRITE set on the pointing descriptor"))
		return;
	ring_io_init(&whole, r.req.bufs, r.req.n);
	if (!ring_send(&r, &whole))
		return;
	if (r.req.n > ndirect)
		ring_io_init(&io, r.req.bufs, r.req.n);
	else
		ring_io_init(&io, split, ring_split_pieces(r.req.bufs, r.req.n, split));
	if (!ring_arm(&r, &io))
		return;
	if (vc_vq_add_indirect(&r.drv, &r.vq, io.bufs, io.n, ndirect, write_flag, true, &io.id)) {
		vc_error(c, "indirect add failed");
		return;
	}
	if (!ring_kick(&r) || !ring_used(&r, &io))
		return;
	ring_check_written(&r, &io);
	ring_check_readable(&r, &io);
	ring_check_same_len(&r, &whole, &io, ndirect ? "with its tail in an indirect table" : "through an indirect table");
}

static void indirect_write_flag_ignored(struct vc_ctx *c) { indirect(c, 0, true); }
static void indirect_after_direct(struct vc_ctx *c) { indirect(c, 1, false); }

/* Used buffer notifications: one request with the driver-area fields set,
 * then whether an interrupt came (must: within the device timeout; must
 * not: once the device settled, or within SESSION_QUIET_MS). */
static void notify_in(struct vc_ctx *c, enum session_irq irq, bool event_idx, uint16_t flags, uint16_t used_event,
		      unsigned before, bool must)
{
	struct session r;
	struct ring_io io;
	bool got;

	if (!session_start(c, &r, event_idx ? SESSION_F(VIRTIO_F_EVENT_IDX) : 0, irq, 0))
		return;
	if (vc_vq_set_avail_flags(&r.drv, &r.vq, flags) || vc_vq_set_used_event(&r.drv, &r.vq, used_event)) {
		vc_error(c, "DMA write of the driver area failed");
		return;
	}
	/* `before` requests first: for a "must", what they raise is let go;
	 * for a "must not", every request counts. What the set-up raised is no
	 * request's notification: a device that cannot settle (vhost-user,
	 * vfio) may deliver it late (a vector unmasked at DRIVER_OK with an
	 * event still pending from before the reset), so it is let go after
	 * the quiet window. */
	if (!must && !ring_irq(&r, vc_quiet_ms(&r.drv, SESSION_QUIET_MS), &got))
		return;
	if (!ring_irq_drain(&r))
		return;
	for (unsigned i = 0; i <= before; i++) {
		ring_io_init(&io, r.req.bufs, r.req.n);
		if (!ring_send(&r, &io))
			return;
		if (must && i < before && (!ring_irq(&r, SESSION_QUIET_MS, &got) || !ring_irq_drain(&r)))
			return;
	}
	unsigned watch = must ? r.drv.dev->timeout_ms : vc_quiet_ms(&r.drv, SESSION_QUIET_MS);
	if (!ring_irq(&r, watch, &got))
		return;
	if (got != must) {
		vc_fail(c, "%s used buffer notification for the entries up to used index %u (avail->flags %u, used_event "
			   "%u, VIRTIO_F_EVENT_IDX %s%s)", must ? "no" : "a", before, flags, used_event,
			event_idx ? "negotiated" : "not negotiated", irq == SESSION_INTX ? ", MSI-X off: INTx" : "");
		vc_observed(c, must ? "no interrupt within %u ms" : "an interrupt within %u ms of the device settling",
			    watch);
		vc_expected(c, must ? "an interrupt" : "none");
	}
}

/* With VIRTIO_F_EVENT_IDX, BATCH requests behind one doorbell on a queue of
 * BATCH_QUEUE entries (a smaller one than the device's, so used_event sits
 * elsewhere), used_event 1: the device writes several used entries at once,
 * and the one it placed at index 1 is notified. */
#define BATCH 3
#define BATCH_QUEUE 16

static void notify_batch(struct vc_ctx *c)
{
	struct session r;
	struct vc_request more[BATCH];
	struct ring_io io[BATCH];
	bool got;

	if (!session_open(c, &r, SESSION_F(VIRTIO_F_EVENT_IDX), 0))
		return;
	if (r.vq.size > BATCH_QUEUE && !session_rings(&r, BATCH_QUEUE))
		return;
	if (BATCH * r.req.n > r.vq.size) {
		vc_note(c, "%u requests of %u descriptors do not fit a queue of %u: no batch", BATCH, r.req.n, r.vq.size);
		return;
	}
	if (!session_route_irq(&r, SESSION_QUEUE_IRQ) || !session_enable(&r))
		return;
	if (vc_vq_set_used_event(&r.drv, &r.vq, 1)) {
		vc_error(c, "DMA write of the driver area failed");
		return;
	}
	if (!ring_irq_drain(&r))
		return;
	for (unsigned i = 0; i < BATCH; i++) {
		if (i && !session_another(&r, &more[i]))
			return;
		ring_io_init(&io[i], i ? more[i].bufs : r.req.bufs, r.req.n);
		if (!ring_add(&r, &io[i]))
			return;
	}
	if (!ring_kick(&r))
		return;
	/* used in any order (no VIRTIO_F_IN_ORDER) */
	for (unsigned i = 0; i < BATCH; i++) {
		uint16_t id;
		uint32_t len;
		int rc = vc_vq_wait_used(&r.drv, &r.vq, vc_done_ms(&r.drv, r.drv.dev->timeout_ms), &id, &len);
		if (rc == -ETIMEDOUT) {
			vc_note(c, "the device used %u of %u buffers made available behind one doorbell: no batch of used "
				   "entries to look for used_event in", i, BATCH);
			return;
		}
		if (rc) {
			vc_error(c, "reading the used ring failed: %s", strerror(-rc));
			return;
		}
	}
	if (!ring_irq(&r, r.drv.dev->timeout_ms, &got))
		return;
	if (!got) {
		vc_fail(c, "no used buffer notification for a batch of %u used entries (indexes 0..%u) with used_event 1 "
			   "inside it (queue of %u, one doorbell)", BATCH, BATCH - 1, r.vq.size);
		vc_observed(c, "no interrupt within %u ms", r.drv.dev->timeout_ms);
		vc_expected(c, "an interrupt: the entry at index 1 was written");
	}
}

/* With VIRTIO_F_EVENT_IDX and used_event left at 0: the entry at index 0 is
 * notified (let go), and the driver has not moved used_event since, so the
 * entries after it are not. */
static void notify_behind(struct vc_ctx *c)
{
	struct session r;
	struct ring_io io;
	bool got;

	if (!session_start(c, &r, SESSION_F(VIRTIO_F_EVENT_IDX), SESSION_QUEUE_IRQ, 0))
		return;
	if (vc_vq_set_used_event(&r.drv, &r.vq, 0)) {
		vc_error(c, "DMA write of the driver area failed");
		return;
	}
	if (!ring_irq_drain(&r))
		return;
	for (unsigned i = 0; i < 3; i++) {
		ring_io_init(&io, r.req.bufs, r.req.n);
		if (!ring_send(&r, &io))
			return;
		if (!ring_irq(&r, i ? vc_quiet_ms(&r.drv, SESSION_QUIET_MS) : SESSION_QUIET_MS, &got))
			return;
		if (i && got) {
			vc_fail(c, "a used buffer notification for used index %u while used_event stayed 0 (already notified)",
				i);
			vc_observed(c, "an interrupt for the entry at index %u", i);
			vc_expected(c, "none after the one for index 0");
			return;
		}
		if (!ring_irq_drain(&r))
			return;
	}
}

static void notify_case(struct vc_ctx *c, bool event_idx, uint16_t flags, uint16_t used_event, unsigned before,
			bool must)
{
	notify_in(c, SESSION_QUEUE_IRQ, event_idx, flags, used_event, before, must);
}

static void no_interrupt_flag(struct vc_ctx *c) { notify_case(c, false, AVAIL_F_NO_INTERRUPT, 0, 0, false); }

/* With MSI-X (the queue's vector), and again with MSI-X off (INTx). */
static void interrupt(struct vc_ctx *c)
{
	notify_case(c, false, 0, 0, 0, true);
	if (c->probe->msix_pos && c->r->status == VC_PASS)
		notify_in(c, SESSION_INTX, false, 0, 0, 0, true);
}
/* used_event far ahead: it would suppress the notification if honoured */
static void used_event_ignored(struct vc_ctx *c) { notify_case(c, false, 0, 0x8000, 0, true); }
static void event_idx_flags_ignored(struct vc_ctx *c) { notify_case(c, true, AVAIL_F_NO_INTERRUPT, 0, 0, true); }
static void event_idx_at_used_event(struct vc_ctx *c)
{
	notify_case(c, true, 0, 1, 1, true);
	if (c->r->status == VC_PASS)
		notify_batch(c);
}

static void event_idx_suppresses(struct vc_ctx *c)
{
	notify_case(c, true, 0, 0x8000, 1, false);
	if (c->r->status == VC_PASS)
		notify_behind(c);
}

/* used->flags sampled before and after traffic. */
static void used_flags(struct vc_ctx *c, bool event_idx)
{
	struct session r;
	struct ring_io io;
	uint8_t f[2];

	if (!session_start(c, &r, event_idx ? SESSION_F(VIRTIO_F_EVENT_IDX) : 0, SESSION_POLLED, 0))
		return;
	for (unsigned i = 0; i < 3; i++) {
		if (vc_dma_read(c->dev, r.vq.device, f, 2)) {
			vc_error(c, "DMA read of used->flags failed");
			return;
		}
		uint16_t flags = (uint16_t)(f[0] | f[1] << 8);
		if (event_idx ? flags != 0 : flags > 1) {
			vc_fail(c, "used->flags holds a value the device may not write %s VIRTIO_F_EVENT_IDX",
				event_idx ? "with" : "without");
			vc_observed(c, "used->flags 0x%04x after %u buffers", flags, i);
			vc_expected(c, event_idx ? "0" : "0 or 1");
			return;
		}
		ring_io_init(&io, r.req.bufs, r.req.n);
		if (i < 2 && !ring_send(&r, &io))
			return;
	}
}

static void used_flags_valid(struct vc_ctx *c) { used_flags(c, false); }
static void used_flags_event_idx(struct vc_ctx *c) { used_flags(c, true); }

/* Doorbells with nothing new: nothing is used, the device stays usable. */
static bool spurious_kick(struct session *r, const char *when)
{
	uint16_t id;
	uint32_t len;
	uint8_t status = 0;

	if (!ring_kick(r))
		return false;
	int rc = vc_vq_wait_used(&r->drv, &r->vq, vc_quiet_ms(&r->drv, SESSION_QUIET_MS), &id, &len);
	if (rc == 0) {
		vc_fail(r->c, "a doorbell with no new buffer made the device use a buffer (%s)", when);
		vc_observed(r->c, "used id %u, len %u", id, len);
		vc_expected(r->c, "no used entry");
		return false;
	}
	if (rc != -ETIMEDOUT || vc_status_read(&r->drv, &status)) {
		vc_error(r->c, "used ring or status read failed");
		return false;
	}
	if (status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
		vc_fail(r->c, "a doorbell with no new buffer set DEVICE_NEEDS_RESET (%s)", when);
		return false;
	}
	return true;
}

static void spurious(struct vc_ctx *c)
{
	struct session r;
	struct ring_io io;

	if (!session_start(c, &r, 0, SESSION_POLLED, 0) || !spurious_kick(&r, "before any buffer"))
		return;
	ring_io_init(&io, r.req.bufs, r.req.n);
	if (ring_send(&r, &io))
		spurious_kick(&r, "after a used buffer");
}

/* With VIRTIO_F_EVENT_IDX the harness notifies as a driver that follows
 * avail_event (SPLIT-AVAILSUP-DRV-6/7): only for a buffer placed at the
 * avail index avail_event names. 2 * size + 1 requests, one at a time, on a
 * small queue: each must still be used, so the device keeps avail_event
 * where the next buffer goes (or takes buffers it was not notified of).
 * avail_event is read after the avail index is published, as a driver must:
 * read before, it can predate the device's last look at the ring. */
static void avail_event(struct vc_ctx *c)
{
	struct session r;
	struct ring_io io;
	uint8_t ev[2];
	uint16_t id;

	if (!session_start(c, &r, SESSION_F(VIRTIO_F_EVENT_IDX), SESSION_POLLED, SMALL_QUEUE))
		return;
	for (unsigned i = 0; i < 2u * r.vq.size + 1; i++) {
		uint16_t at = r.vq.avail_idx;
		ring_io_init(&io, r.req.bufs, r.req.n);
		if (!ring_add(&r, &io))
			return;
		if (vc_dma_read(c->dev, r.vq.device + 4 + 8u * r.vq.size, ev, 2)) {
			vc_error(c, "DMA read of avail_event failed");
			return;
		}
		uint16_t want = (uint16_t)(ev[0] | ev[1] << 8);
		if (at == want && !ring_kick(&r))
			return;
		int rc = vc_vq_wait_used(&r.drv, &r.vq, vc_done_ms(&r.drv, r.drv.dev->timeout_ms), &id, &io.len);
		if (rc == -ETIMEDOUT) {
			vc_fail(c, "request %u, placed at avail index %u, was not used: avail_event read %u, so a driver "
				   "following it did not notify (queue of %u)", i + 1, at, want, r.vq.size);
			vc_observed(c, "avail_event %u, no used element", want);
			vc_expected(c, "avail_event %u (where the next buffer goes), or the buffer used unnotified", at);
			return;
		}
		if (rc || id != io.id) {
			if (rc)
				vc_error(c, "reading the used ring failed: %s", strerror(-rc));
			else
				vc_fail(c, "a buffer came back that was not the one in flight (id %u, not %u)", id, io.id);
			return;
		}
	}
}

/* Several buffers in flight, one doorbell: used in the order made
 * available. A batch may be reported by a single used element naming its
 * last buffer, the used index moving past the whole batch (the element in
 * the slot of the batch's first buffer): the driver then skips the
 * batch's other slots. Each look waits the device timeout, or no time once
 * the backend knows the device has done all it was asked. */
#define IN_FLIGHT 4
static const uint8_t UNUSED[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* The `skipped` slots after the element just read still hold the poison:
 * elements there would be for buffers used after the one it names, made
 * available before it (used last first). */
static bool batch_skipped(struct session *r, unsigned skipped)
{
	uint8_t e[8];

	for (unsigned i = 0; i < skipped; i++) {
		if (vc_dma_read(r->c->dev, r->vq.device + 4 + 8u * ((r->vq.used_idx + i) % r->vq.size), e, 8)) {
			vc_error(r->c, "DMA read of the used ring failed");
			return false;
		}
		if (memcmp(e, UNUSED, 8)) {
			vc_fail(r->c, "with VIRTIO_F_IN_ORDER, a used element names the last of %u buffers and the next "
				      "slots hold elements for the earlier ones: they were used after it", skipped + 1);
			vc_observed(r->c, "used id %u after the element for the batch", e[0] | e[1] << 8);
			vc_expected(r->c, "elements in the order the buffers were made available");
			return false;
		}
	}
	return true;
}

static void in_order(struct vc_ctx *c)
{
	struct session r;
	struct ring_io io[IN_FLIGHT];
	struct vc_request more;
	unsigned n = 0, done = 0;
	uint8_t idx[2];

	if (!session_start(c, &r, SESSION_F(VIRTIO_F_IN_ORDER), SESSION_POLLED, 0))
		return;
	/* the used elements' slots poisoned, before any buffer is available (a
	 * device may use one without a doorbell): a batch leaves the ones it
	 * skips alone */
	for (unsigned i = 0; i < IN_FLIGHT; i++)
		if (vc_dma_write(c->dev, r.vq.device + 4 + 8u * ((r.vq.used_idx + i) % r.vq.size), UNUSED, 8)) {
			vc_error(c, "DMA write of the used ring failed");
			return;
		}
	for (; n < IN_FLIGHT && (n + 1) * r.req.n <= r.vq.size; n++) {
		if (n && !session_another(&r, &more))
			return;
		ring_io_init(&io[n], n ? more.bufs : r.req.bufs, r.req.n);
		if (!ring_add(&r, &io[n]))
			return;
	}
	if (!ring_kick(&r))
		return;
	while (done < n) {
		unsigned at = done, ms = vc_done_ms(&r.drv, r.drv.dev->timeout_ms);
		uint16_t id;
		uint32_t len;
		if (vc_vq_wait_used(&r.drv, &r.vq, ms, &id, &len)) {
			vc_fail(c, "%u of %u buffers in flight were not used%s", n - done, n,
				ms ? " within the device timeout" : " once the device had done all it was asked");
			vc_observed(c, "no used element for id %u", io[done].id);
			vc_expected(c, "every buffer used, in order");
			return;
		}
		while (at < n && io[at].id != id)
			at++;
		if (at == n) {
			vc_fail(c, "with VIRTIO_F_IN_ORDER, a buffer was used before one made available earlier");
			vc_observed(c, "used id %u after %u of %u buffers", id, done, n);
			vc_expected(c, "id %u (or a later one ending a batch)", io[done].id);
			return;
		}
		if (!ring_check_len(&r, len, r.req.n) || !batch_skipped(&r, at - done))
			return;
		vc_vq_skip_used(&r.vq, (uint16_t)(at - done));
		if (vc_dma_read(c->dev, r.vq.device + 2, idx, 2)) {
			vc_error(c, "DMA read of used idx failed");
			return;
		}
		if ((uint16_t)((idx[0] | idx[1] << 8) - r.vq.used_idx) > r.vq.size) {
			vc_fail(c, "with VIRTIO_F_IN_ORDER, a used element names buffer %u of a batch of %u, and the used "
				   "index did not move past the batch", at - done + 1, at - done + 1);
			vc_observed(c, "used idx %u", idx[0] | idx[1] << 8);
			vc_expected(c, "used idx %u or more", r.vq.used_idx);
			return;
		}
		done = at + 1;
	}
	/* a batch named by its last buffer leaves no entry for the earlier ones */
	uint16_t id;
	uint32_t len;
	if (vc_vq_wait_used(&r.drv, &r.vq, vc_quiet_ms(&r.drv, SESSION_QUIET_MS), &id, &len) == 0) {
		vc_fail(c, "with VIRTIO_F_IN_ORDER, a buffer was used after one made available later");
		vc_observed(c, "used id %u after the entry for id %u", id, io[n - 1].id);
		vc_expected(c, "no further used entry");
	}
}

static const struct vc_clause clauses[] = {
	{ "virtqueue.split.used.len-written", L_USED_RING, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-USED-DEV-2",
	  "A used buffer's len is what the request makes the device write (a block read of 512 bytes: 513), those "
	  "bytes were written from the first writable one on and nothing outside the buffers, on every queue that "
	  "carries a request.", NULL, used_len_written },
	{ "virtqueue.split.used.ring-wraps", L_USED_RING, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-USED-DEV-2",
	  "Across used ring wrap-around (a queue of 8, 17 requests), every buffer comes back with its len written "
	  "and used idx counting each one.", NULL, used_ring_wraps },
	{ "virtqueue.split.desc.readable-untouched", L_DESC_TABLE, VC_MUST_NOT, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-DESC-DEV-1",
	  "The device does not write device-readable buffers.", NULL, readable_untouched },
	{ "virtqueue.split.desc.table-untouched", L_DESC_TABLE, VC_MUST_NOT, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-DESC-DEV-4",
	  "The device does not write descriptor table entries.", NULL, table_untouched },
	{ "virtqueue.split.framing.any-arrangement", L_FRAMING, VC_MUST_NOT, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-FRAME-DEV-1",
	  "The same request with every buffer split in two (a 1-byte piece first) completes as it does whole.",
	  NULL, any_arrangement },
	{ "virtqueue.split.indirect.write-flag-ignored", L_INDIRECT, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-INDIR-DEV-1",
	  "With VIRTIO_F_INDIRECT_DESC, the WRITE flag on a descriptor pointing at an indirect table is ignored.",
	  NULL, indirect_write_flag_ignored, VC_REQ(VIRTIO_F_INDIRECT_DESC) },
	{ "virtqueue.split.indirect.after-direct", L_INDIRECT, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-INDIR-DEV-2",
	  "With VIRTIO_F_INDIRECT_DESC, a chain of direct descriptors ending in an indirect one is handled.",
	  NULL, indirect_after_direct, VC_REQ(VIRTIO_F_INDIRECT_DESC) },
	{ "virtqueue.split.used-notify.no-interrupt-flag", L_USED_SUPPRESS, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA | NEED_IRQ, "SPLIT-USEDSUP-DEV-2",
	  "Without VIRTIO_F_EVENT_IDX, no used buffer notification while avail->flags is 1.", NULL,
	  no_interrupt_flag },
	{ "virtqueue.split.used-notify.interrupt", L_USED_SUPPRESS, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA | NEED_IRQ, "SPLIT-USEDSUP-DEV-3",
	  "Without VIRTIO_F_EVENT_IDX, a used buffer notification while avail->flags is 0 (MSI-X, and INTx with MSI-X "
	  "off).", NULL, interrupt },
	{ "virtqueue.split.used-notify.used-event-ignored", L_USED_SUPPRESS, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA | NEED_IRQ, "SPLIT-USEDSUP-DEV-1",
	  "Without VIRTIO_F_EVENT_IDX, used_event is ignored: a far-away value does not suppress the notification.",
	  NULL, used_event_ignored },
	{ "virtqueue.split.used-notify.event-idx-flags-ignored", L_USED_SUPPRESS, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA | NEED_IRQ, "SPLIT-USEDSUP-DEV-4",
	  "With VIRTIO_F_EVENT_IDX, bit 0 of avail->flags is ignored: the entry at used_event is notified anyway.",
	  NULL, event_idx_flags_ignored, VC_REQ(VIRTIO_F_EVENT_IDX) },
	{ "virtqueue.split.used-notify.event-idx-at-used-event", L_USED_SUPPRESS, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA | NEED_IRQ, "SPLIT-USEDSUP-DEV-5",
	  "With VIRTIO_F_EVENT_IDX, the used entry placed at index used_event (1) is notified, alone and inside a batch "
	  "of entries used together (a queue of 16).", NULL,
	  event_idx_at_used_event, VC_REQ(VIRTIO_F_EVENT_IDX) },
	{ "virtqueue.split.used-notify.event-idx-suppresses", L_USED_SUPPRESS, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA | NEED_IRQ, "SPLIT-USEDSUP-DEV-6",
	  "With VIRTIO_F_EVENT_IDX, used entries at indexes other than used_event are not notified: used_event far "
	  "ahead, or left behind at an entry already notified.", NULL,
	  event_idx_suppresses, VC_REQ(VIRTIO_F_EVENT_IDX) },
	{ "virtqueue.split.avail-notify.used-flags", L_AVAIL_SUPPRESS, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-AVAILSUP-DEV-1",
	  "Without VIRTIO_F_EVENT_IDX, used->flags stays 0 or 1.", NULL, used_flags_valid },
	{ "virtqueue.split.avail-notify.used-flags-event-idx", L_AVAIL_SUPPRESS, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-AVAILSUP-DEV-3",
	  "With VIRTIO_F_EVENT_IDX, used->flags stays 0.", NULL, used_flags_event_idx, VC_REQ(VIRTIO_F_EVENT_IDX) },
	{ "virtqueue.split.avail-notify.spurious", L_AVAIL_SUPPRESS, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "SPLIT-AVAILSUP-DEV-5",
	  "Doorbells with nothing new available use no buffer and leave the device working.", NULL, spurious },
	{ "virtqueue.split.avail-notify.avail-event", L_AVAIL_SUPPRESS, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "",
	  "With VIRTIO_F_EVENT_IDX, every buffer of a driver that notifies only as avail_event asks "
	  "(SPLIT-AVAILSUP-DRV-6/7) is used: the device keeps avail_event where the next buffer goes, or takes "
	  "buffers unnotified (implied by the protocol; no device row).", NULL, avail_event, VC_REQ(VIRTIO_F_EVENT_IDX) },
	{ "virtqueue.in-order.use-order", L_RFB, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "RFB-DEV-5",
	  "With VIRTIO_F_IN_ORDER, buffers are used in the order they were made available (split ring; a batch may "
	  "be reported by one used element naming its last buffer, the used index moving past it all).", NULL,
	  in_order, VC_REQ(VIRTIO_F_IN_ORDER) },
};

VC_SUITE(suite_virtqueue_split, clauses);
