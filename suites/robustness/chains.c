/* Hostile chains and ring indexes beyond probes.c's: a loop of two
 * descriptors (the busy loop OpenVMM had), one head made available twice,
 * avail idx moved back, an available entry of 0xffff, writable before
 * readable (split and packed), reserved avail->flags, a scribbled
 * used->flags, an IN_ORDER chain that skips a slot, and a storm of empty
 * doorbells (engine: probe.h). */
#include <string.h>
#include "probe.h"

static bool two_descs(struct probe *p)
{
	if (p->vq.size >= 2)
		return true;
	vc_skip(p->c, "the queue has one descriptor");
	return false;
}

static void two_cycle(struct vc_ctx *c)
{
	struct probe p;

	if (!probe_start(c, &p, 0, 0) || !two_descs(&p))
		return;
	uint16_t a = p.vq.next_desc, b = (uint16_t)((a + 1) % p.vq.size);
	if (probe_put_desc(&p, a, p.scratch, 64, F_NEXT | F_WRITE, b) &&
	    probe_put_desc(&p, b, p.scratch + 64, 64, F_NEXT | F_WRITE, a) && probe_publish(&p, a))
		probe_kick(&p, "two descriptors whose next fields name each other");
}

static void duplicate_head(struct vc_ctx *c)
{
	struct probe p;
	uint16_t id;

	if (probe_start(c, &p, 0, 0) && probe_ok(c, vc_vq_prepare(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq prepare") &&
	    probe_ok(c, vc_vq_publish(&p.drv, &p.vq, id), "vq publish") &&
	    probe_ok(c, vc_vq_publish(&p.drv, &p.vq, id), "vq publish"))
		probe_kick(&p, "one chain made available twice in a row");
}

/* One request served first, so the index has somewhere to go back from. */
static void avail_backwards(struct vc_ctx *c)
{
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	if (!probe_request_used(&p, &p.req, "before the probe")) {
		if (c->r->status == VC_PASS)
			vc_skip(c, "the device did not use the %s in the first place", p.req.what);
		return;
	}
	if (probe_put16(&p, p.vq.driver + 2, (uint16_t)(p.vq.avail_idx - 1)))
		probe_kick(&p, "avail idx moved back by one");
}

static void entry_ffff(struct vc_ctx *c)
{
	struct probe p;

	if (probe_start(c, &p, 0, 0) && probe_publish(&p, 0xffff))
		probe_kick(&p, "an available ring entry of 0xffff");
}

static void writable_first(struct vc_ctx *c)
{
	struct probe p;
	bool packed = strstr(c->r->clause->id, ".packed.") != NULL;

	if (!probe_start(c, &p, packed ? PROBE_PACKED : 0, 0) || !two_descs(&p))
		return;
	const struct probe_desc d[] = { { p.scratch, 64, F_NEXT | F_WRITE, PROBE_NEXT_AUTO },
					{ p.scratch + 512, 16, 0, PROBE_NEXT_AUTO } };
	if (probe_chain(&p, d, 2, false, 0))
		probe_kick(&p, "a device-readable descriptor after a device-writable one");
}

/* A ring field set to a value the rules do not allow, then the request. */
static void ring_field_then_request(struct vc_ctx *c, bool avail_flags, const char *what)
{
	struct probe p;
	uint16_t id;

	if (probe_start(c, &p, 0, 0) && probe_put16(&p, avail_flags ? p.vq.driver : p.vq.device, 0xfffe) &&
	    probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		probe_kick(&p, what);
}

static void avail_flags(struct vc_ctx *c)
{
	ring_field_then_request(c, true, "avail->flags 0xfffe (reserved bits)");
}

static void used_flags(struct vc_ctx *c)
{
	ring_field_then_request(c, false, "used->flags 0xfffe written by the driver");
}

/* With VIRTIO_F_IN_ORDER, the request's descriptors every other slot. */
static void in_order_skips(struct vc_ctx *c)
{
	struct probe p;
	struct probe_desc d[8];

	if (!probe_start(c, &p, PROBE_IN_ORDER, 0))
		return;
	unsigned n = probe_request_descs(&p, d);
	if (n == 1) {     /* one buffer in two pieces, so there is a next */
		d[1] = d[0];
		d[0].len /= 2, d[0].flags |= F_NEXT;
		d[1].addr += d[0].len, d[1].len -= d[0].len;
		n = 2;
	}
	if (2u * n > p.vq.size) {
		vc_skip(c, "the queue is too small for the request every other slot");
		return;
	}
	uint16_t h = p.vq.next_desc;
	for (unsigned i = 0; i < n; i++)
		if (!probe_put_desc(&p, (uint16_t)((h + 2 * i) % p.vq.size), d[i].addr, d[i].len, d[i].flags,
				    (uint16_t)((h + 2 * i + 2) % p.vq.size)))
			return;
	if (probe_publish(&p, h))
		probe_kick(&p, "an IN_ORDER chain whose next skips a slot");
}

/* 150 doorbells with nothing available, then the request: still used. */
static void notify_storm(struct vc_ctx *c)
{
	static const char what[] = "150 doorbells in a row with nothing new available";
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	for (unsigned i = 0; i < 150; i++)
		if (!probe_doorbell(&p, probe_notify_at(&p, p.vq.notify_off), 2, p.vq.index, what))
			return;
	if (!probe_request_used(&p, &p.req, "after 150 empty doorbells") && !probe_needs_reset(&p, what))
		return;
	probe_after(&p, what);
}

#define ROW(id, since, breaks, summary, fn, features) \
	PROBE_ROW(id, since, PROBE_RING, breaks, summary, fn, features, 1),
#define ALLOWED " (" PROBE_ALLOWED ")"

static const struct vc_clause clauses[] = {
	ROW("probe.split.desc-two-cycle", "1.0", "SPLIT-DESC-DRV-1",
	    "Two descriptors whose next fields name each other (the busy loop class): the device stays sane.",
	    two_cycle, 0)
	ROW("probe.split.duplicate-head", "1.0", "",
	    "One chain made available twice in a row" ALLOWED ": the device stays sane.", duplicate_head, 0)
	ROW("probe.split.avail-idx-backwards", "1.0", "SPLIT-AVAIL-DRV-1",
	    "avail idx moved back by one after a request was used: the device stays sane.", avail_backwards, 0)
	ROW("probe.split.avail-entry-ffff", "1.0", "",
	    "An available ring entry of 0xffff" ALLOWED ": the device stays sane.", entry_ffff, 0)
	ROW("probe.split.writable-before-readable", "1.0", "SPLIT-FRAME-DRV-1",
	    "A device-readable descriptor after a device-writable one: the device stays sane.", writable_first, 0)
	ROW("probe.packed.writable-before-readable", "1.1", "PACKED-SG-DRV-3",
	    "A packed device-readable descriptor after a device-writable one: the device stays sane.", writable_first,
	    VC_REQ(VIRTIO_F_RING_PACKED))
	ROW("probe.split.avail-flags-reserved", "1.0", "SPLIT-USEDSUP-DRV-1",
	    "avail->flags with its reserved bits set, then a request: the device stays sane.", avail_flags, 0)
	ROW("probe.split.used-flags-scribbled", "1.0", "",
	    "The driver writes the device-owned used->flags" ALLOWED ", then a request: the device stays sane.",
	    used_flags, 0)
	ROW("probe.split.in-order-next-skips", "1.1", "SPLIT-DESC-DRV-2",
	    "With VIRTIO_F_IN_ORDER, a chain whose next skips a slot: the device stays sane.", in_order_skips,
	    VC_REQ(VIRTIO_F_IN_ORDER))
	ROW("probe.split.notify-storm", "1.0", "",
	    "150 doorbells with nothing new" ALLOWED ", then a request: it is still used and the device stays sane.",
	    notify_storm, 0)
};
VC_SUITE(suite_probe_chains, clauses);
