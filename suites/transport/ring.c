/* End-to-end virtqueue checks shared by the split and packed suites (ring.h). */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include "vc/devtypes/blk.h"
#include "vc/devtypes/net.h"
#include "ring.h"

static bool driver_ok(struct vc_ctx *c, int rc, const char *what)
{
	if (rc)
		vc_error(c, "%s: %s", what, strerror(-rc));
	return rc == 0;
}

unsigned ring_split_pieces(const struct vc_buf *in, unsigned n, struct vc_buf *out)
{
	unsigned m = 0;

	for (unsigned i = 0; i < n && m + 2 <= RING_MAX_BUFS; i++) {
		out[m] = in[i];
		if (in[i].len >= 2) {
			out[m].len = 1;
			out[++m] = (struct vc_buf){ in[i].addr + 1, in[i].len - 1, in[i].writable };
		}
		m++;
	}
	return m;
}

void ring_io_init(struct ring_io *io, const struct vc_buf *bufs, unsigned n)
{
	memset(io, 0, sizeof(*io));
	io->n = n < RING_MAX_BUFS ? n : RING_MAX_BUFS;
	memcpy(io->bufs, bufs, io->n * sizeof(*bufs));
}

/* Byte k of the writable bytes, counted in chain order. Its step (31) makes
 * four equal bytes in a row with zeros, random data or another linear
 * pattern practically impossible. */
static uint8_t canary(uint32_t k) { return (uint8_t)(0xc3 + 31 * k); }

/* Walk the buffers of one kind in chain order, at most RING_MAX_BYTES. */
static bool copy_bufs(struct session *r, struct ring_io *io, bool writable, uint8_t *bytes, uint32_t *total, bool put)
{
	*total = 0;
	for (unsigned i = 0; i < io->n; i++) {
		const struct vc_buf *b = &io->bufs[i];
		if (b->writable != writable)
			continue;
		if (*total + b->len > RING_MAX_BYTES) {
			vc_error(r->c, "request larger than the %u bytes the check keeps", RING_MAX_BYTES);
			return false;
		}
		int rc = put ? vc_dma_write(r->drv.dev, b->addr, bytes + *total, b->len)
			     : vc_dma_read(r->drv.dev, b->addr, bytes + *total, b->len);
		if (!driver_ok(r->c, rc, "DMA access"))
			return false;
		*total += b->len;
	}
	return true;
}

bool ring_arm(struct session *r, struct ring_io *io)
{
	uint8_t fill[RING_MAX_BYTES];
	uint32_t total;

	for (uint32_t k = 0; k < sizeof(fill); k++)
		fill[k] = canary(k);
	return copy_bufs(r, io, true, fill, &total, true) && copy_bufs(r, io, false, io->readable, &total, false);
}

bool ring_add(struct session *r, struct ring_io *io)
{
	return ring_arm(r, io) && driver_ok(r->c, vc_vq_add(&r->drv, &r->vq, io->bufs, io->n, &io->id), "vq add");
}

bool ring_kick(struct session *r)
{
	return driver_ok(r->c, vc_vq_kick(&r->drv, &r->vq), "doorbell");
}

static bool check_wire(struct session *r, const struct ring_io *io);

bool ring_used(struct session *r, struct ring_io *io)
{
	unsigned ms = r->drv.dev->timeout_ms;
	uint16_t id;
	uint8_t status = 0;

	io->used_slot = r->vq.next_used;
	int rc = vc_vq_wait_used(&r->drv, &r->vq, vc_done_ms(&r->drv, ms), &id, &io->len);
	if (rc == -ETIMEDOUT) {
		vc_status_read(&r->drv, &status);
		vc_fail(r->c, "the %s (%u descriptors) was not used within %u ms%s", r->req.what, io->n, ms,
			status & VIRTIO_STATUS_DEVICE_NEEDS_RESET ? "; the device set DEVICE_NEEDS_RESET" : "");
		return false;
	}
	if (!driver_ok(r->c, rc, "used ring read"))
		return false;
	if (id != io->id) {
		vc_fail(r->c, "a buffer came back that was not the one in flight");
		vc_observed(r->c, "used id %u", id);
		vc_expected(r->c, "id %u", io->id);
		return false;
	}
	return check_wire(r, io);
}

/* A NIC's request goes on the wire: the first frame its link partner
 * captures after the buffer is used must be the bytes posted after the
 * header, whatever the arrangement of descriptors (the frames of earlier
 * clauses were forgotten when the session opened). */
static bool check_wire(struct session *r, const struct ring_io *io)
{
	static uint8_t got[VC_NET_MAX_FRAME];
	uint32_t total = 0, tag = 0, want;
	size_t len;
	char head[3 * 16 + 1] = "";

	if (!r->req.wire_skip || !vc_has(r->drv.dev, VC_PEER))
		return true;
	for (unsigned i = 0; i < io->n; i++)
		total += io->bufs[i].writable ? 0 : io->bufs[i].len;
	const uint8_t *frame = io->readable + r->req.wire_skip;
	size_t flen = total > r->req.wire_skip ? total - r->req.wire_skip : 0;
	vc_net_frame_tag(frame, flen, &want);
	int rc = vc_peer_recv(r->drv.dev, got, sizeof(got), &len, (int)r->drv.dev->timeout_ms);
	if (rc == -ETIMEDOUT) {
		vc_fail(r->c, "the %zu-byte frame posted (%u descriptors) never reached the wire within %u ms", flen, io->n,
			r->drv.dev->timeout_ms);
		vc_observed(r->c, "nothing captured by the link partner");
		vc_expected(r->c, "the frame, unchanged");
		return false;
	}
	if (!driver_ok(r->c, rc, "the link partner could not be read"))
		return false;
	if (len <= sizeof(got) && len == flen && !memcmp(got, frame, flen))
		return true;
	for (size_t i = 0; i < len && i < 16 && i < sizeof(got); i++)
		snprintf(head + 3 * i, 4, "%02x ", got[i]);
	bool ours = vc_net_frame_tag(got, len < sizeof(got) ? len : sizeof(got), &tag) && tag == want;
	vc_fail(r->c, "the frame on the wire is not the %zu bytes the driver posted after the header (%u descriptors)%s",
		flen, io->n, ours ? "" : ": another frame came out instead");
	vc_observed(r->c, "%zu bytes: %s%s", len, head, len > 16 ? "..." : "");
	vc_expected(r->c, "%zu bytes, tagged %08x", flen, want);
	return false;
}

bool ring_send(struct session *r, struct ring_io *io)
{
	return ring_add(r, io) && ring_kick(r) && ring_used(r, io);
}

bool ring_send_shaped(struct session *r, struct ring_io *io, const struct ring_shape *sh)
{
	int rc;

	if (!sh->indirect && !sh->scattered)
		return ring_send(r, io);
	if (!ring_arm(r, io))
		return false;
	rc = sh->indirect ? vc_vq_add_indirect(&r->drv, &r->vq, io->bufs, io->n, sh->ndirect, sh->write_flag, true, &io->id)
			  : vc_vq_add_scattered(&r->drv, &r->vq, io->bufs, io->n, &io->id);
	return driver_ok(r->c, rc, "vq add") && ring_kick(r) && ring_used(r, io);
}

void ring_check_written(struct session *r, struct ring_io *io)
{
	uint8_t bytes[RING_MAX_BYTES];
	uint32_t total, run = 0, worst = 0, worst_end = 0;

	if (!copy_bufs(r, io, true, bytes, &total, false))
		return;
	if (io->len > total) {
		vc_fail(r->c, "used len is larger than the %s's device-writable bytes: the device cannot have "
			      "written that many", r->req.what);
		vc_observed(r->c, "used len %u", io->len);
		vc_expected(r->c, "<= %u (the chain's writable bytes)", total);
		return;
	}
	if (!ring_check_len(r, io->len, io->n))
		return;
	for (uint32_t k = 0; k < io->len; k++) {
		run = bytes[k] == canary(k) ? run + 1 : 0;
		if (run > worst)
			worst = run, worst_end = k;
	}
	if (worst >= 4) {
		vc_fail(r->c, "the first used-len bytes were not all written: %u bytes in a row still hold the "
			      "canary the driver put there", worst);
		vc_observed(r->c, "writable bytes %u..%u unchanged", worst_end + 1 - worst, worst_end);
		vc_expected(r->c, "bytes 0..%u written (used len %u)", io->len - 1, io->len);
		return;
	}
	ring_check_guards(r);
}

bool ring_check_len(struct session *r, uint32_t len, unsigned ndesc)
{
	const struct vc_request *q = &r->req;

	if (len >= q->len_min && len <= q->len_max)
		return true;
	if (len < q->len_min)
		vc_fail(r->c, "used len %u is short of what a %s makes the device write (%u descriptors): a chain cut "
			      "short, or bytes written and not counted", len, q->what, ndesc);
	else
		vc_fail(r->c, "used len %u is more than a %s makes the device write (%u descriptors)", len, q->what,
			ndesc);
	vc_observed(r->c, "used len %u", len);
	if (q->len_min == q->len_max)
		vc_expected(r->c, "%u", q->len_min);
	else
		vc_expected(r->c, "%u..%u", q->len_min, q->len_max);
	return false;
}

void ring_check_guards(struct session *r)
{
	uint64_t where;
	uint8_t got;
	int rc = vc_dma_guard_check(r->drv.dev, &where, &got);

	if (rc == -EFAULT) {
		vc_fail(r->c, "the device wrote outside the buffers and rings it was given (a guard byte next to them "
			      "changed)");
		vc_observed(r->c, "0x%02x at bus address 0x%llx", got, (unsigned long long)where);
		vc_expected(r->c, "the guard pattern: writes only inside the device-writable buffers and the rings");
	} else if (rc)
		vc_error(r->c, "reading the DMA guards failed: %s", strerror(-rc));
}

void ring_check_readable(struct session *r, struct ring_io *io)
{
	uint8_t now[RING_MAX_BYTES];
	uint32_t total;

	if (!copy_bufs(r, io, false, now, &total, false))
		return;
	for (uint32_t k = 0; k < total; k++)
		if (now[k] != io->readable[k]) {
			vc_fail(r->c, "the device wrote into a device-readable buffer of the %s", r->req.what);
			vc_observed(r->c, "readable byte %u is 0x%02x", k, now[k]);
			vc_expected(r->c, "0x%02x, as the driver wrote it", io->readable[k]);
			return;
		}
}

bool ring_irq(struct session *r, unsigned timeout_ms, bool *got)
{
	uint8_t isr;
	/* INTx is a level: reading the ISR lowers it, so the next one is seen */
	int rc = session_wait_irq(r->c, &r->drv, SESSION_ANY_VECTOR, timeout_ms, r->c->probe->isr ? &isr : NULL);

	*got = rc == 0;
	return rc == 0 || rc == -ETIMEDOUT;
}

bool ring_irq_drain(struct session *r)
{
	return driver_ok(r->c, vc_irq_drain(&r->drv), "interrupt drain");
}

/* A block device: a read of sector 0 has a zero header and often a zero
 * sector, so an answer written over the header would not show. GET_ID's
 * answer (the ID) is not zero: the header must come back as sent. */
static void readable_under_answer(struct session *r)
{
	struct vc_blk_req req;
	struct ring_io io;
	const char *what = r->req.what;

	vc_blk_init(&req, VC_BLK_T_GET_ID, 0, VC_BLK_ID_BYTES);
	if (!driver_ok(r->c, vc_blk_build(&r->drv, &req, NULL), "building a GET_ID request"))
		return;
	ring_io_init(&io, req.bufs, req.n);
	r->req.what = "GET_ID request";
	if (ring_send(r, &io))
		ring_check_readable(r, &io);
	r->req.what = what;
}

void ring_readable_untouched(struct vc_ctx *c, bool packed)
{
	struct session r;
	struct ring_io io;

	if (!session_start(c, &r, packed ? SESSION_F(VIRTIO_F_RING_PACKED) : 0, SESSION_POLLED, 0))
		return;
	ring_io_init(&io, r.req.bufs, r.req.n);
	bool any_readable = false;
	for (unsigned i = 0; i < io.n; i++)
		any_readable |= !io.bufs[i].writable;
	if (!any_readable) {
		vc_skip(c, "the %s has no device-readable buffer", r.req.what);
		return;
	}
	if (ring_send(&r, &io))
		ring_check_readable(&r, &io);
	if (r.c->r->status == VC_PASS && c->probe->virtio_type == 2)
		readable_under_answer(&r);
}

/* The request as the harness usually makes it, then with every buffer in
 * two pieces (a 1-byte one first), then those pieces scattered
 * (vc_vq_add_scattered: split, in table slots going down to slot 0;
 * packed, under a buffer id from the other end of the id space): same
 * outcome expected each time. */
void ring_any_arrangement(struct vc_ctx *c, bool packed)
{
	struct session r;
	struct ring_io whole, pieces, scattered;
	struct vc_buf split[RING_MAX_BUFS];

	const char *scattered_how = packed ? "in two pieces each, under a buffer id out of the order ids are handed out in"
					   : "in two pieces each, in descriptor table slots going down to slot 0";

	if (!session_start(c, &r, packed ? SESSION_F(VIRTIO_F_RING_PACKED) : 0, SESSION_POLLED, 0))
		return;
	if (ring_blk_data(&r, &(struct ring_shape){ .pieces = true }, "with every buffer in two pieces (a 1-byte one first)")) {
		if (c->r->status == VC_PASS)
			ring_blk_data(&r, &(struct ring_shape){ .pieces = true, .scattered = true }, scattered_how);
		return;
	}
	ring_io_init(&whole, r.req.bufs, r.req.n);
	unsigned m = ring_split_pieces(r.req.bufs, r.req.n, split);
	if (m > r.vq.size) {
		vc_skip(c, "%u descriptors do not fit a queue of %u", m, r.vq.size);
		return;
	}
	ring_io_init(&pieces, split, m);
	if (!ring_send(&r, &whole) || !ring_send(&r, &pieces))
		return;
	ring_check_written(&r, &pieces);
	ring_check_readable(&r, &pieces);
	ring_check_same_len(&r, &whole, &pieces, "split over more descriptors");
	if (c->r->status == VC_FAIL)
		return;
	/* fresh buffers: a device that walks the wrong descriptors finds the old
	 * ones in the table, and must not pass for right by writing them */
	struct vc_request fresh;
	if (!session_another(&r, &fresh))
		return;
	ring_io_init(&scattered, split, ring_split_pieces(fresh.bufs, fresh.n, split));
	if (!ring_arm(&r, &scattered) ||
	    !driver_ok(c, vc_vq_add_scattered(&r.drv, &r.vq, scattered.bufs, scattered.n, &scattered.id), "vq add") ||
	    !ring_kick(&r) || !ring_used(&r, &scattered))
		return;
	ring_check_written(&r, &scattered);
	ring_check_readable(&r, &scattered);
	ring_check_same_len(&r, &whole, &scattered, scattered_how);
}

void ring_check_same_len(struct session *r, const struct ring_io *whole, const struct ring_io *other, const char *how)
{
	if (other->len != whole->len) {
		vc_fail(r->c, "the %s came back with a different used len when made available %s (%u descriptors)",
			r->req.what, how, other->n);
		vc_observed(r->c, "used len %u", other->len);
		vc_expected(r->c, "%u, as made available in %u descriptors", whole->len, whole->n);
	}
}
