/* Every device type's request, malformed (probe.request.split.* and
 * .packed.*): built on the smallest request the type consumes
 * (vc_request_make), its header cut to half or to one byte or left out,
 * its header all ones, a readable part running 1 MiB past the header or
 * over 4 GiB in all, its status (the last device-writable buffer) made
 * read-only, zero-length or 4097 bytes long, or no writable part at all.
 * A variant the type's request cannot take is a SKIP that says why.
 * Engine: probe.h. */
#include <string.h>
#include "probe.h"

enum req { Q_HALF, Q_BYTE, Q_NO_READABLE, Q_ALL_ONES, Q_PAST_BUFFER, Q_OVER_4G, Q_READ_ONLY, Q_STATUS_ZERO,
	   Q_STATUS_LARGE, Q_NO_WRITABLE };

#define N_OK " (" PROBE_ALLOWED ")"
/* X(id, kind, split breaks, packed breaks, split note, packed note, what) */
#define REQUEST_VARIANTS(X) \
	X("header-half", Q_HALF, "", "", N_OK, N_OK, "the request's device-readable header cut to half its length") \
	X("header-one-byte", Q_BYTE, "", "", N_OK, N_OK, "the request's device-readable header cut to one byte") \
	X("no-readable-part", Q_NO_READABLE, "", "", N_OK, N_OK, "the request without its device-readable part") \
	X("header-all-ones", Q_ALL_ONES, "", "", N_OK, N_OK, "the request's header filled with 0xff bytes") \
	X("readable-past-buffer", Q_PAST_BUFFER, "", "", N_OK, N_OK, \
	  "the request's header descriptor 1 MiB long, running past its buffer") \
	X("readable-over-4gib", Q_OVER_4G, "SPLIT-DESC-DRV-1", "", "", N_OK, \
	  "two device-readable descriptors of 2 GiB + 1 before the request, over 4 GiB in all") \
	X("status-read-only", Q_READ_ONLY, "", "", N_OK, N_OK, \
	  "the request's device-writable buffers (its status) marked device-readable") \
	X("status-zero-length", Q_STATUS_ZERO, "", "", N_OK, N_OK, "the request's status buffer 0 bytes long") \
	X("status-4097-bytes", Q_STATUS_LARGE, "", "", N_OK, N_OK, "the request's status buffer 4097 bytes long") \
	X("no-writable-part", Q_NO_WRITABLE, "", "", N_OK, N_OK, "the request without its device-writable part")

static const struct probe_variant variants[] = {
#define VARIANT_ROW(id, kind, bs, bp, ns, np, what) \
	{ "probe.request.split." id, "probe.request.packed." id, kind, what },
	REQUEST_VARIANTS(VARIANT_ROW)
#undef VARIANT_ROW
	{ NULL, NULL, 0, NULL },
};

static unsigned count(const struct probe_desc *d, unsigned n, bool writable)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		k += !(d[i].flags & F_WRITE) == !writable;
	return k;
}

static unsigned drop(struct probe_desc *d, unsigned n, bool writable)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		if (!(d[i].flags & F_WRITE) != !writable)
			d[k++] = d[i];
	return k;
}

static bool need(struct probe *p, bool ok, const char *why)
{
	if (!ok)
		vc_skip(p->c, "the %s %s", p->req.what, why);
	return ok;
}

/* The variant's request in d (n descriptors); false after a SKIP or ERROR. */
static bool shape(struct probe *p, enum req kind, struct probe_desc *d, unsigned *n)
{
	unsigned r = count(d, *n, false), w = count(d, *n, true);
	uint8_t ones[256];
	uint64_t big;

	switch (kind) {
	case Q_HALF:
		return need(p, r && d[0].len >= 2, "has no device-readable header of 2 bytes or more") &&
		       (d[0].len /= 2, true);
	case Q_BYTE:
		return need(p, r && d[0].len >= 2, "has no device-readable header of 2 bytes or more") && (d[0].len = 1, true);
	case Q_NO_READABLE:
		return need(p, r && w, "has no device-readable part, or nothing but") && (*n = drop(d, *n, false), true);
	case Q_ALL_ONES:
		if (!need(p, r, "has no device-readable header"))
			return false;
		memset(ones, 0xff, sizeof(ones));
		return probe_ok(p->c, vc_dma_write(p->c->dev, d[0].addr, ones, d[0].len < 256 ? d[0].len : 256), "DMA");
	case Q_PAST_BUFFER:
		return need(p, r, "has no device-readable header") && (d[0].len = 1u << 20, true);
	case Q_OVER_4G:
		if (*n + 2 > 8)
			return need(p, false, "has too many descriptors");
		memmove(d + 2, d, *n * sizeof(*d));
		d[0] = d[1] = (struct probe_desc){ p->scratch, 0x80000001u, F_NEXT, PROBE_NEXT_AUTO };
		*n += 2;
		return true;
	case Q_READ_ONLY:
		if (!need(p, w, "has no device-writable part"))
			return false;
		for (unsigned i = 0; i < *n; i++)
			d[i].flags &= (uint16_t)~F_WRITE;
		return true;
	case Q_STATUS_ZERO:
		return need(p, w, "has no device-writable part") && (d[*n - 1].len = 0, true);
	case Q_STATUS_LARGE:
		if (!need(p, w, "has no device-writable part") ||
		    !probe_ok(p->c, vc_dma_alloc(p->c->dev, 8192, 16, &big), "DMA"))
			return false;
		d[*n - 1].addr = big, d[*n - 1].len = 4097;
		return true;
	case Q_NO_WRITABLE:
		return need(p, r && w, "has no device-writable part, or nothing but") && (*n = drop(d, *n, true), true);
	}
	return true;
}

static void request(struct vc_ctx *c)
{
	bool packed;
	const struct probe_variant *v = probe_variant(c, variants, &packed);
	struct probe p;
	struct probe_desc d[8];
	unsigned n;

	if (!v || !probe_start(c, &p, packed ? PROBE_PACKED : 0, 0))
		return;
	n = probe_request_descs(&p, d);
	if (!shape(&p, (enum req)v->kind, d, &n))
		return;
	if (n > p.vq.size) {
		vc_skip(c, "the queue has %u descriptors, the request %u", p.vq.size, n);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		d[i].flags = (uint16_t)((d[i].flags & ~F_NEXT) | (i + 1 < n ? F_NEXT : 0));
	if (probe_chain(&p, d, n, false, 0))
		probe_kick(&p, v->what);
}

#define SPLIT_ROW(id, kind, bs, bp, ns, np, what) \
	PROBE_ROW("probe.request.split." id, "1.0", PROBE_RING, bs, "With " what ns ": the device stays sane.", request, \
		  0, 1),
#define PACKED_ROW(id, kind, bs, bp, ns, np, what) \
	PROBE_ROW("probe.request.packed." id, "1.1", PROBE_RING, bp, "With " what " in a packed ring" np ": the device " \
		  "stays sane.", request, VC_REQ(VIRTIO_F_RING_PACKED), 1),

static const struct vc_clause clauses[] = {
	REQUEST_VARIANTS(SPLIT_ROW)
	REQUEST_VARIANTS(PACKED_ROW)
};
VC_SUITE(suite_probe_requests, clauses);
