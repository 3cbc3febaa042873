/* Hostile-driver probes: ROBUSTNESS, not spec verdicts. Each probe breaks a
 * driver rule on purpose (the catalog ids in `breaks` are the driver rules
 * broken) and checks that the device stays sane, which the spec leaves to
 * the device: it MAY use or ignore the bad input, set DEVICE_NEEDS_RESET or
 * refuse FEATURES_OK, but it
 *   - keeps answering common config reads (no hang; a lost QEMU is a FAIL),
 *   - writes nothing outside the buffers and rings it was given (guard
 *     canaries around every DMA allocation: vc_dma_guard),
 *   - leaves another queue's rings alone,
 *   - completes a reset within the device timeout and then serves the
 *     device type's real request again.
 * Every wait is bounded by the device timeout; the runner resets the device
 * after each probe (NEED_BAR_WRITE). They run with --profile robustness and
 * under certify, so a default run stays spec-only. Hostile doorbells are
 * written here, not through the one doorbell (harness/doorbell.c), so the
 * trace and its driver-side checks hold only well-formed notifications. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "vc/clause.h"
#include "vc/driver.h"
#include "session.h"

#define PROFILE "robustness"
#define LABEL "Robustness: a hostile driver (not a spec rule)"
#define SETTLE_MS 100                /* how long a device gets to react to hostile input */
#define OTHER_SIZE 16                /* the bystander queue's size: its rings are compared whole */

enum { F_NEXT = 1, F_WRITE = 2, P_AVAIL = 1 << 7 };
enum { PROBE_PACKED = 1, PROBE_ALONE = 2, PROBE_ENABLE_FIRST = 4 };

struct probe {
	struct vc_ctx *c;
	struct vc_driver drv;
	uint32_t want[VC_FEATURE_WORDS];
	struct vc_request req;
	struct vc_vq vq;                 /* the request's queue: where the hostile input goes */
	struct vc_vq other;              /* another queue, enabled with nothing available (size 0: none) */
	uint8_t other_rings[16 * OTHER_SIZE + 6 + 2 * OTHER_SIZE + 6 + 8 * OTHER_SIZE + 16];
	size_t other_len;
	uint64_t scratch;                /* 4 KiB the hostile descriptors point at */
};

static bool ok(struct vc_ctx *c, int rc, const char *what)
{
	if (rc)
		vc_error(c, "%s: %s", what, strerror(-rc));
	return rc == 0;
}

/* The device stopped answering: the verdict, not an ERROR. */
static bool answers(struct vc_ctx *c, int rc, const char *after)
{
	if (rc)
		vc_fail(c, "the device stopped answering after %s: %s", after, strerror(-rc));
	return rc == 0;
}

static uint16_t queue_max(struct probe *p, uint16_t index)
{
	uint64_t size = 0;

	if (vc_common_write(p->c->dev, p->c->probe, COMMON_queue_select, 2, index) ||
	    vc_common_read(p->c->dev, p->c->probe, COMMON_queue_size, 2, &size))
		return 0;
	return (uint16_t)size;
}

/* A queue other than the request's that the device has (0xffff: none). */
static uint16_t another_queue(struct probe *p)
{
	for (uint16_t i = 0; i < p->c->probe->num_queues; i++)
		if (i != p->req.queue && queue_max(p, i))
			return i;
	return 0xffff;
}

static bool snapshot_other(struct probe *p, uint8_t *buf)
{
	return !p->other.size || ok(p->c, vc_dma_read(p->c->dev, p->other.desc, buf, p->other_len), "DMA read");
}

/* Guards on, reset, negotiate, the type's request and its queue (size 0:
 * the device's), another queue beside it unless PROBE_ALONE, DRIVER_OK. */
static bool probe_start(struct vc_ctx *c, struct probe *p, unsigned flags, uint16_t size)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->c = c;
	if (!ok(c, vc_dma_guard(c->dev), "DMA guards"))
		return false;
	vc_features_set(p->want, VIRTIO_F_VERSION_1);
	if (flags & PROBE_PACKED)
		vc_features_set(p->want, VIRTIO_F_RING_PACKED);
	if (!vc_ctx_start(c, &p->drv, p->want))
		return false;
	/* what the device took (a host-managed zoned disk needs VIRTIO_BLK_F_ZONED too): asked again after the reset */
	memcpy(p->want, p->drv.features, sizeof(p->want));
	if ((flags & PROBE_PACKED) && !vc_negotiated(&p->drv, VIRTIO_F_RING_PACKED)) {
		vc_skip(c, "VIRTIO_F_RING_PACKED is not offered");
		return false;
	}
	if ((rc = vc_request_make(&p->drv, &p->req)) == -ENOTSUP) {
		vc_skip(c, "the harness has no request for device type %u", c->probe->virtio_type);
		return false;
	}
	if (!ok(c, rc, "request set-up") || !ok(c, vc_dma_alloc(c->dev, 4096, 16, &p->scratch), "DMA"))
		return false;
	if ((flags & PROBE_ENABLE_FIRST) &&      /* the hostile order: enable, then the addresses */
	    (!vc_ctx_common_write(c, COMMON_queue_select, 2, p->req.queue) ||
	     !vc_ctx_common_write(c, COMMON_queue_enable, 2, 1)))
		return false;
	if (!ok(c, vc_vq_setup(&p->drv, p->req.queue, size, &p->vq), "queue set-up") ||
	    (!(flags & PROBE_ENABLE_FIRST) && !ok(c, vc_vq_enable(&p->drv, &p->vq), "queue enable")))
		return false;
	uint16_t o = flags & PROBE_ALONE ? 0xffff : another_queue(p);
	if (o != 0xffff) {
		if (!ok(c, vc_vq_setup(&p->drv, o, OTHER_SIZE, &p->other), "queue set-up") ||
		    !ok(c, vc_vq_enable(&p->drv, &p->other), "queue enable"))
			return false;
		p->other_len = (size_t)(p->other.device - p->other.desc) + (p->other.packed ? 4 : 6u + 8u * p->other.size);
		if (p->other_len > sizeof(p->other_rings))
			p->other.size = 0;
	}
	return ok(c, vc_status_add(&p->drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK") && snapshot_other(p, p->other_rings);
}

/* Raw descriptors: split addr, len, flags, next; packed addr, len, id, flags. */
static void desc_bytes(uint8_t *e, uint64_t addr, uint32_t len, uint16_t w12, uint16_t w14)
{
	for (unsigned i = 0; i < 8; i++)
		e[i] = (uint8_t)(addr >> 8 * i);
	for (unsigned i = 0; i < 4; i++)
		e[8 + i] = (uint8_t)(len >> 8 * i);
	e[12] = (uint8_t)w12, e[13] = (uint8_t)(w12 >> 8), e[14] = (uint8_t)w14, e[15] = (uint8_t)(w14 >> 8);
}

static bool put_desc(struct probe *p, uint16_t slot, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t e[16];

	desc_bytes(e, addr, len, flags, next);
	return ok(p->c, vc_dma_write(p->c->dev, p->vq.desc + 16u * slot, e, 16), "DMA write");
}

static bool put16(struct probe *p, uint64_t at, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	return ok(p->c, vc_dma_write(p->c->dev, at, b, 2), "DMA write");
}

/* Split: head into the available ring, then the index that publishes it. */
static bool publish(struct probe *p, uint16_t head)
{
	if (!put16(p, p->vq.driver + 4 + 2u * (p->vq.avail_idx % p->vq.size), head))
		return false;
	p->vq.avail_idx++;
	return put16(p, p->vq.driver + 2, p->vq.avail_idx);
}

static void settle(struct probe *p)
{
	struct timespec ts = { 0, 1000000 };

	for (uint64_t end = vc_now_ms() + vc_quiet_ms(&p->drv, SETTLE_MS); vc_now_ms() < end;)
		nanosleep(&ts, NULL);
}

static bool guards_intact(struct probe *p, const char *after)
{
	uint64_t where;
	uint8_t got;
	int rc = vc_dma_guard_check(p->c->dev, &where, &got);

	if (rc == -EFAULT) {
		vc_fail(p->c, "after %s the device wrote outside the buffers and rings it was given", after);
		vc_observed(p->c, "byte 0x%02x at bus address 0x%llx, between two allocations", got,
			    (unsigned long long)where);
		vc_expected(p->c, "the guard canary there untouched");
	}
	return rc == -EFAULT ? false : ok(p->c, rc, "DMA read");
}

/* Still answering, nothing written where it was not given, the other queue
 * left alone. What the device chose to do goes into the message. */
static bool sane(struct probe *p, const char *after)
{
	static const unsigned fields[][2] = { { COMMON_device_status, 1 }, { COMMON_config_generation, 1 },
					      { COMMON_num_queues, 2 }, { COMMON_device_feature, 4 } };
	static uint8_t now[sizeof(((struct probe *)0)->other_rings)];
	uint64_t v, status = 0;

	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!answers(p->c, vc_common_read(p->c->dev, p->c->probe, fields[i][0], fields[i][1], &v), after))
			return false;
	vc_common_read(p->c->dev, p->c->probe, COMMON_device_status, 1, &status);
	if (status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		vc_note(p->c, "the device set DEVICE_NEEDS_RESET (allowed)");
	if (!guards_intact(p, after) || !snapshot_other(p, now))
		return false;
	for (size_t i = 0; p->other.size && i < p->other_len; i++)
		if (now[i] != p->other_rings[i]) {
			vc_fail(p->c, "after %s the device wrote into queue %u's rings, which had no buffer available",
				after, p->other.index);
			vc_observed(p->c, "byte %zu of its rings changed from 0x%02x to 0x%02x", i, p->other_rings[i], now[i]);
			vc_expected(p->c, "queue %u untouched", p->other.index);
			return false;
		}
	return true;
}

/* The request made available and notified; false (no verdict) when it is
 * not used within the device timeout; FAIL when another buffer comes back. */
static bool request_used(struct probe *p, const struct vc_request *req, const char *when)
{
	uint16_t id, got;
	uint32_t len;
	int rc;

	if (!ok(p->c, vc_vq_add(&p->drv, &p->vq, req->bufs, req->n, &id), "vq add") ||
	    !answers(p->c, vc_vq_kick(&p->drv, &p->vq), when))
		return false;
	rc = vc_vq_wait_used(&p->drv, &p->vq, p->c->dev->timeout_ms, &got, &len);
	if (rc == -ETIMEDOUT || !answers(p->c, rc, when))
		return false;
	/* its used len is the spec clauses' business (virtqueue.split.used.*) */
	if (got != id) {
		vc_fail(p->c, "%s, another buffer came back than the %s", when, req->what);
		vc_observed(p->c, "used id %u, len %u", got, len);
		vc_expected(p->c, "id %u", id);
		return false;
	}
	return true;
}

/* A reset completes, and the device serves its real request again. */
static void recovers(struct probe *p, const char *after)
{
	struct vc_request req;
	int rc = vc_start(&p->drv, p->want);

	if (rc == -ETIMEDOUT) {
		vc_fail(p->c, "after %s, a reset did not complete within %u ms: the device no longer answers",
			after, p->c->dev->timeout_ms);
		return;
	}
	if (!answers(p->c, rc == -EPROTO ? 0 : rc, after))
		return;
	if (rc == -EPROTO) {
		vc_fail(p->c, "after %s and a reset, the device refused the features it accepted before", after);
		return;
	}
	if (!ok(p->c, vc_request_make(&p->drv, &req), "request set-up") ||
	    !ok(p->c, vc_vq_setup(&p->drv, req.queue, 0, &p->vq), "queue set-up") ||
	    !ok(p->c, vc_vq_enable(&p->drv, &p->vq), "queue enable") ||
	    !ok(p->c, vc_status_add(&p->drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK"))
		return;
	if (!request_used(p, &req, "after a reset") && p->c->r->status == VC_PASS)
		vc_fail(p->c, "after %s and a reset, the device no longer used a %s within %u ms", after, req.what,
			p->c->dev->timeout_ms);
	guards_intact(p, after);
}

/* The usual end: notify, let the device react, check it, reset it, use it. */
static void hostile_kick(struct probe *p, const char *what)
{
	if (!answers(p->c, vc_vq_kick(&p->drv, &p->vq), what))
		return;
	settle(p);
	if (sane(p, what))
		recovers(p, what);
}

/* Split chains */

static void desc_loop(struct vc_ctx *c)
{
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	uint16_t h = p.vq.next_desc;
	if (put_desc(&p, h, p.scratch, 64, F_NEXT | F_WRITE, h) && publish(&p, h))
		hostile_kick(&p, "a descriptor whose next names itself");
}

/* Every descriptor of the table, each naming the next, the last the first. */
static bool ring_of_descriptors(struct probe *p, bool packed)
{
	static uint8_t table[16 * 32768];

	for (uint16_t i = 0; i < p->vq.size; i++)
		desc_bytes(table + 16u * i, p->scratch, 16, packed ? 0 : F_NEXT | F_WRITE,
			   packed ? F_NEXT | F_WRITE | P_AVAIL : (uint16_t)((i + 1) % p->vq.size));
	/* packed: the head's flags last, so the chain appears whole */
	return ok(p->c, vc_dma_write(p->c->dev, p->vq.desc + 16, table + 16, 16u * (p->vq.size - 1u)), "DMA write") &&
	       ok(p->c, vc_dma_write(p->c->dev, p->vq.desc, table, 16), "DMA write");
}

static void split_chain_longer(struct vc_ctx *c)
{
	struct probe p;

	if (probe_start(c, &p, 0, 0) && ring_of_descriptors(&p, false) && publish(&p, 0))
		hostile_kick(&p, "a chain through every descriptor and round again");
}

static void packed_chain_longer(struct vc_ctx *c)
{
	struct probe p;

	if (probe_start(c, &p, PROBE_PACKED, 0) && ring_of_descriptors(&p, true))
		hostile_kick(&p, "a packed chain with NEXT on every descriptor of the ring");
}

static void head_out_of_range(struct vc_ctx *c)
{
	struct probe p;

	if (probe_start(c, &p, 0, 0) && publish(&p, (uint16_t)(p.vq.size + 7)))
		hostile_kick(&p, "an available ring entry naming a descriptor past the table");
}

static void next_out_of_range(struct vc_ctx *c)
{
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	uint16_t h = p.vq.next_desc;
	if (put_desc(&p, h, p.scratch, 16, F_NEXT | F_WRITE, (uint16_t)(p.vq.size + 3)) && publish(&p, h))
		hostile_kick(&p, "a descriptor whose next is past the table");
}

/* The request with every writable buffer zero bytes long, at an address
 * where the guard begins: a byte written there is outside any buffer. */
static void zero_length(struct vc_ctx *c)
{
	struct probe p;
	struct vc_buf bufs[5];
	uint64_t none;
	uint16_t id;

	if (!probe_start(c, &p, 0, 0) || !ok(c, vc_dma_alloc(c->dev, 0, 16, &none), "DMA"))
		return;
	unsigned n = p.req.n;
	memcpy(bufs, p.req.bufs, n * sizeof(bufs[0]));
	if (!p.req.writable)       /* a type whose request has no writable buffer gets one */
		bufs[n++] = (struct vc_buf){ none, 0, true };
	for (unsigned i = 0; i < n; i++)
		if (bufs[i].writable)
			bufs[i] = (struct vc_buf){ none, 0, true };
	if (ok(c, vc_vq_add(&p.drv, &p.vq, bufs, n, &id), "vq add"))
		hostile_kick(&p, "zero-length device-writable buffers");
}

/* Two writable buffers overlapping by half, appended to the request. */
static void overlapping(struct vc_ctx *c)
{
	struct probe p;
	struct vc_buf bufs[6];
	uint64_t a;
	uint16_t id;

	if (!probe_start(c, &p, 0, 0) || !ok(c, vc_dma_alloc(c->dev, 96, 16, &a), "DMA"))
		return;
	memcpy(bufs, p.req.bufs, p.req.n * sizeof(bufs[0]));
	bufs[p.req.n] = (struct vc_buf){ a, 64, true };
	bufs[p.req.n + 1] = (struct vc_buf){ a + 32, 64, true };
	if (ok(c, vc_vq_add(&p.drv, &p.vq, bufs, p.req.n + 2, &id), "vq add"))
		hostile_kick(&p, "two device-writable buffers that overlap");
}

static void avail_idx_jump(struct vc_ctx *c)
{
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	p.vq.avail_idx = (uint16_t)(p.vq.avail_idx + p.vq.size + 1);
	if (put16(&p, p.vq.driver + 2, p.vq.avail_idx))
		hostile_kick(&p, "avail idx moved a queue size and one ahead");
}

/* One request served, the device-owned used idx overwritten past the ring,
 * then another request. */
static void used_idx_scribbled(struct vc_ctx *c)
{
	struct probe p;
	struct vc_request next;
	uint16_t id;

	if (!probe_start(c, &p, 0, 0))
		return;
	if (!request_used(&p, &p.req, "before the probe")) {
		if (c->r->status == VC_PASS)
			vc_skip(c, "the device did not use the %s in the first place", p.req.what);
		return;
	}
	if (put16(&p, p.vq.device + 2, (uint16_t)(p.vq.used_idx + p.vq.size + 4)) &&
	    ok(c, vc_request_make(&p.drv, &next), "request set-up") &&
	    ok(c, vc_vq_add(&p.drv, &p.vq, next.bufs, next.n, &id), "vq add"))
		hostile_kick(&p, "the driver writing used idx");
}

/* Doorbells */

static uint64_t notify_at(const struct probe *p, uint16_t notify_off)
{
	return (uint64_t)notify_off * p->c->probe->notify->notify_off_multiplier;
}

static bool doorbell(struct probe *p, uint64_t off, uint16_t value, const char *what)
{
	const struct vc_vcap *n = p->c->probe->notify;

	return answers(p->c, vc_bar_write(p->c->dev, n->bar, n->offset + off, 2, value), what);
}

static void after_doorbells(struct probe *p, const char *what)
{
	settle(p);
	if (sane(p, what))
		recovers(p, what);
}

static void unknown_queue(struct vc_ctx *c)
{
	static const char what[] = "doorbells naming queues the device does not have";
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	uint16_t nq = c->probe->num_queues;
	uint64_t past = notify_at(&p, nq);   /* where a queue nq would ring, when inside the structure */
	if (!doorbell(&p, notify_at(&p, p.vq.notify_off), nq, what) ||
	    !doorbell(&p, notify_at(&p, p.vq.notify_off), 0xffff, what) ||
	    (past && past + 2 <= c->probe->notify->length && !doorbell(&p, past, nq, what)))
		return;
	after_doorbells(&p, what);
}

static void disabled_queue(struct vc_ctx *c)
{
	static const char what[] = "a doorbell for a queue never set up";
	struct probe p;
	uint64_t off;

	if (!probe_start(c, &p, PROBE_ALONE, 0))
		return;
	uint16_t o = another_queue(&p);
	if (o == 0xffff) {
		vc_skip(c, "the device has one queue");
		return;
	}
	if (vc_ctx_common_write(c, COMMON_queue_select, 2, o) &&
	    vc_ctx_common_read(c, COMMON_queue_notify_off, 2, &off) &&
	    doorbell(&p, notify_at(&p, (uint16_t)off), o, what))
		after_doorbells(&p, what);
}

/* At the request queue's address, a value naming the other queue; then the
 * request, notified properly, must still be served (or the device says it
 * needs a reset). */
static void value_names_other_queue(struct vc_ctx *c)
{
	static const char what[] = "a doorbell whose value names another queue";
	struct probe p;
	uint64_t status = 0;

	if (!probe_start(c, &p, 0, 0))
		return;
	if (!c->probe->notify->notify_off_multiplier || !p.other.size) {
		vc_skip(c, !p.other.size ? "the device has one queue"
			   : "notify_off_multiplier is 0: every queue shares one address and the value names the queue");
		return;
	}
	if (!doorbell(&p, notify_at(&p, p.vq.notify_off), p.other.index, what))
		return;
	settle(&p);
	if (!request_used(&p, &p.req, "after a doorbell naming another queue")) {
		if (c->r->status != VC_PASS || !answers(c, vc_common_read(c->dev, c->probe, COMMON_device_status, 1, &status), what))
			return;
		if (!(status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
			vc_fail(c, "after %s, queue %u no longer used a well-notified %s within %u ms, and the device did "
				   "not set DEVICE_NEEDS_RESET", what, p.vq.index, p.req.what, c->dev->timeout_ms);
			return;
		}
	}
	if (sane(&p, what))
		recovers(&p, what);
}

/* Common configuration */

static void read_only_fields(struct vc_ctx *c)
{
	static const struct { unsigned field, width; const char *name; } ro[] = {
		{ COMMON_num_queues, 2, "num_queues" }, { COMMON_device_feature, 4, "device_feature" },
		{ COMMON_config_generation, 1, "config_generation" }, { COMMON_queue_notify_off, 2, "queue_notify_off" },
	};
	static const char what[] = "writes to read-only common configuration fields";
	struct probe p;
	uint64_t before, after;

	if (!probe_start(c, &p, PROBE_ALONE, 0))
		return;
	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		uint64_t poke = 1;        /* a plausible value: one a careless device would take */
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, p.vq.index) ||
		    !vc_ctx_common_read(c, ro[i].field, ro[i].width, &before) ||
		    !answers(c, vc_common_write(c->dev, c->probe, ro[i].field, ro[i].width, before ^ poke), what) ||
		    !answers(c, vc_common_read(c->dev, c->probe, ro[i].field, ro[i].width, &after), what))
			return;
		if (after != before) {
			vc_fail(c, "%s took the driver's write", ro[i].name);
			vc_observed(c, "0x%llx after writing 0x%llx", (unsigned long long)after,
				    (unsigned long long)(before ^ poke));
			vc_expected(c, "0x%llx, unchanged", (unsigned long long)before);
			vc_common_write(c->dev, c->probe, ro[i].field, ro[i].width, before);
		}
	}
	settle(&p);
	if (sane(&p, what) && !request_used(&p, &p.req, "after writes to read-only fields") && c->r->status == VC_PASS)
		vc_note(c, "the device did not use the %s after them", p.req.what);
	recovers(&p, what);
}

/* Queue set-up out of order or out of range */

static void size_not_power_of_2(struct vc_ctx *c)
{
	static const char what[] = "a split queue whose size is not a power of 2";
	struct vc_driver drv;
	struct vc_request req;
	struct probe p;

	if (!vc_ctx_start(c, &drv, NULL) || !ok(c, vc_request_make(&drv, &req), "request set-up"))
		return;
	uint16_t max = queue_max(&(struct probe){ .c = c }, req.queue), size = (uint16_t)(max - 1);
	while (size > 2 && !(size & (size - 1)))
		size--;
	if (max < 4) {
		vc_skip(c, "queue %u is %u entries: no smaller size that is not a power of 2", req.queue, max);
		return;
	}
	if (!probe_start(c, &p, PROBE_ALONE, size))
		return;
	uint16_t id;
	if (ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		hostile_kick(&p, what);
}

static void enable_before_address(struct vc_ctx *c)
{
	struct probe p;
	uint16_t id;

	if (probe_start(c, &p, PROBE_ALONE | PROBE_ENABLE_FIRST, 0) &&
	    ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		hostile_kick(&p, "queue_enable written before the queue addresses");
}

/* Reset while the request is in flight: once the reset has completed the
 * device must not write the request's buffers any more. */
static void reset_in_flight(struct vc_ctx *c)
{
	static const char what[] = "a reset with a request in flight";
	static uint8_t canary[4096], back[4096];
	struct probe p;
	uint16_t id;
	int rc;

	if (!probe_start(c, &p, PROBE_ALONE, 0) || !ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add") ||
	    !answers(c, vc_vq_kick(&p.drv, &p.vq), what))
		return;
	if ((rc = vc_reset(&p.drv)) == -ETIMEDOUT) {
		vc_fail(c, "a reset with a request in flight did not complete within %u ms", c->dev->timeout_ms);
		return;
	}
	if (!answers(c, rc, what))
		return;
	memset(canary, 0xc5, sizeof(canary));
	for (unsigned i = 0; i < p.req.n; i++)
		if (p.req.bufs[i].writable && p.req.bufs[i].len <= sizeof(canary) &&
		    !ok(c, vc_dma_write(c->dev, p.req.bufs[i].addr, canary, p.req.bufs[i].len), "DMA write"))
			return;
	settle(&p);
	for (unsigned i = 0; i < p.req.n; i++) {
		const struct vc_buf *b = &p.req.bufs[i];
		if (!b->writable || b->len > sizeof(back))
			continue;
		if (!ok(c, vc_dma_read(c->dev, b->addr, back, b->len), "DMA read"))
			return;
		if (memcmp(back, canary, b->len)) {
			vc_fail(c, "the device wrote the %s's buffer after the reset had completed", p.req.what);
			vc_expected(c, "no write to a buffer once device_status reads 0");
			return;
		}
	}
	if (!p.req.writable)
		vc_note(c, "the %s has no device-writable buffer to watch", p.req.what);
	if (sane(&p, what))
		recovers(&p, what);
}

/* The PCI configuration access window aimed where no structure is: BARs 6
 * and 255, past the end of the common configuration's BAR, and 3 bytes. */
static void pci_cfg_outside(struct vc_ctx *c)
{
	static const char what[] = "PCI cfg access windows outside any structure";
	const struct vc_vcap *w = c->probe->pci_cfg, *cc = c->probe->common;
	struct probe p;
	uint32_t v;

	if (!w) {
		vc_skip(c, "the device has no PCI configuration access capability");
		return;
	}
	if (!probe_start(c, &p, PROBE_ALONE, 0))
		return;
	const struct { uint8_t bar; uint32_t offset, length; } win[] = {
		{ 6, 0, 4 }, { 255, 0, 4 }, { cc->bar, (uint32_t)c->dev->bar[cc->bar].size, 4 },
		{ cc->bar, (uint32_t)cc->offset, 3 },
	};
	for (unsigned i = 0; i < sizeof(win) / sizeof(win[0]); i++)
		if (!answers(c, vc_cfg_write(c->dev, w->pos + 4, 1, win[i].bar), what) ||
		    !answers(c, vc_cfg_write(c->dev, w->pos + 8, 4, win[i].offset), what) ||
		    !answers(c, vc_cfg_write(c->dev, w->pos + 12, 4, win[i].length), what) ||
		    !answers(c, vc_cfg_read(c->dev, w->pos + 16, 4, &v), what) ||
		    !answers(c, vc_cfg_write(c->dev, w->pos + 16, 4, 0), what))
			return;
	vc_cfg_write(c->dev, w->pos + 12, 4, 0);       /* the window closed again */
	settle(&p);
	if (sane(&p, what))
		recovers(&p, what);
}

/* The request made available and notified before DRIVER_OK: a doorbell the
 * driver may not send (INIT-DRV-7). The device still must not use the
 * buffer before DRIVER_OK (QEMU 7.2's block, SCSI, balloon, serial, input
 * and GPU models do: a robustness finding, since the spec verdict,
 * pci.status.no-use-before-driver-ok, never rings early). */
static void doorbell_before_driver_ok(struct vc_ctx *c)
{
	struct session s;
	uint16_t id;
	uint8_t isr = 0;
	int rc;

	if (!session_ready(c, &s, SESSION_INTX, false, &id))
		return;
	if ((rc = vc_vq_kick(&s.drv, &s.vq))) {
		vc_error(c, "doorbell write failed: %s", strerror(-rc));
		return;
	}
	rc = session_wait_irq(c, &s.drv, -1, vc_quiet_ms(&s.drv, SETTLE_MS), &isr);
	if (rc && rc != -ETIMEDOUT)
		return;
	session_untouched(&s, rc == 0, isr, "after a doorbell before DRIVER_OK,");
}

#define RING (NEED_BAR_WRITE | NEED_COMMON | NEED_DMA)
/* A probe checks no spec rule (covers nothing); `breaks` names the driver rules it breaks. */
#define PROBE_REQ(id, since, needs, breaks, summary, fn, features, queues) \
	{ id, LABEL, VC_MAY, VC_ROBUSTNESS, since, needs, "", summary, PROFILE, fn, features, queues, breaks }
#define PROBE(id, since, needs, breaks, summary, fn) PROBE_REQ(id, since, needs, breaks, summary, fn, 0, 1)

static const struct vc_clause clauses[] = {
	PROBE("probe.split.desc-loop", "1.0", RING, "SPLIT-DESC-DRV-1",
	      "A descriptor whose next names itself: the device stays sane (no hang, no stray write, works after a reset).",
	      desc_loop),
	PROBE("probe.split.chain-longer-than-queue", "1.0", RING, "SPLIT-INDIR-DRV-3 SPLIT-DESC-DRV-1",
	      "A chain through every descriptor and round again: the device stays sane.", split_chain_longer),
	PROBE_REQ("probe.packed.chain-longer-than-queue", "1.1", RING, "PACKED-SG-DRV-2",
		  "A packed chain with NEXT on every descriptor of the ring: the device stays sane (no livelock).",
		  packed_chain_longer, VC_REQ(VIRTIO_F_RING_PACKED), 1),
	PROBE("probe.split.head-out-of-range", "1.0", RING, "SPLIT-DESC-DRV-1",
	      "An available ring entry naming a descriptor past the table: the device stays sane.", head_out_of_range),
	PROBE("probe.split.next-out-of-range", "1.0", RING, "SPLIT-DESC-DRV-1",
	      "A descriptor whose next is past the table: the device stays sane.", next_out_of_range),
	PROBE("probe.split.zero-length-buffer", "1.0", RING, "",
	      "Zero-length device-writable buffers: the device writes nothing outside them and stays sane.", zero_length),
	PROBE("probe.split.overlapping-buffers", "1.0", RING, "",
	      "Two device-writable buffers that overlap: the device writes only inside them and stays sane.", overlapping),
	PROBE("probe.split.avail-idx-jump", "1.0", RING, "SPLIT-AVAIL-DRV-1",
	      "avail idx moved more than a queue size ahead: the device stays sane.", avail_idx_jump),
	PROBE("probe.split.used-idx-scribbled", "1.0", RING, "",
	      "The driver overwrites the device-owned used idx: the device writes no used element outside its ring.",
	      used_idx_scribbled),
	PROBE("probe.notify.unknown-queue", "1.0", RING, "PCI-AVAILNOTIF-DRV-3",
	      "Doorbells naming queues the device does not have: the device stays sane.", unknown_queue),
	PROBE_REQ("probe.notify.disabled-queue", "1.0", RING, "INIT-DRV-7 PCI-AVAILNOTIF-DRV-3",
		  "A doorbell for a queue never set up: the device stays sane.", disabled_queue, 0, 2),
	PROBE_REQ("probe.notify.value-names-other-queue", "1.0", RING, "PCI-AVAILNOTIF-DRV-3",
		  "A doorbell at one queue's address naming another: the notified queue still serves its requests "
		  "(or the device sets DEVICE_NEEDS_RESET).", value_names_other_queue, 0, 2),
	PROBE("probe.common.read-only-fields", "1.0", RING, "PCI-COMMON-DRV-1",
	      "Writes to num_queues, device_feature, config_generation, queue_notify_off: ignored, device sane.",
	      read_only_fields),
	PROBE("probe.queue.size-not-power-of-2", "1.0", RING, "PCI-COMMON-DRV-3",
	      "A split queue whose size is not a power of 2: the device stays sane.", size_not_power_of_2),
	PROBE("probe.queue.enable-before-address", "1.0", RING, "PCI-COMMON-DRV-4",
	      "queue_enable written before the queue addresses: the device stays sane.", enable_before_address),
	PROBE("probe.reset.in-flight", "1.0", RING, "CLEANUP-DRV-2",
	      "A reset with a request in flight completes, and the device no longer writes the request's buffers.",
	      reset_in_flight),
	PROBE_REQ("probe.status.doorbell-before-driver-ok", "1.0", RING | NEED_IRQ, "INIT-DRV-7",
		  "A buffer made available and notified before DRIVER_OK: the device still uses nothing before "
		  "DRIVER_OK.", doorbell_before_driver_ok, 0, 1),
	PROBE("probe.pcicfg.window-outside", "1.0", RING | NEED_CFG_WRITE | NEED_BAR_SIZES, "PCI-CFGACC-DRV-3",
	      "PCI cfg access windows at BAR 6 and 255, past the BAR, 3 bytes long: the device stays sane.",
	      pci_cfg_outside),
};
VC_SUITE(suite_probes, clauses);
