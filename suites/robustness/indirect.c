/* Hostile indirect tables (probe.indirect.split.* and .packed.*): the
 * device type's request as an indirect table, then one thing wrong with
 * it: nested, zero or odd length, INDIRECT with NEXT (the packed form is
 * the QEMU CVE's), a zeroed table, a table in MMIO, over the ring, at 0,
 * past memory or wrapping, more entries than the queue, a loop or a next
 * out of the table (packed: flags a table may not carry), and INDIRECT
 * without the feature. Engine: probe.h. */
#include <string.h>
#include "probe.h"

enum ind { I_NESTED, I_LEN_ZERO, I_LEN_ODD, I_WITH_NEXT, I_ZEROED, I_MMIO, I_MORE, I_LOOP, I_NEXT_OOR, I_ADDR_ZERO,
	   I_PAST_RAM, I_WRAP, I_WITHOUT, I_OVER_RING, I_HUGE };

/* X(split id, packed id, kind, split breaks, packed breaks, split note,
 * packed note, what); a note says "unusual but allowed input" (N_OK) where
 * the format's breaks are empty. */
#define N_OK " (" PROBE_ALLOWED ")"
#define INDIRECT_VARIANTS(X) \
	X("nested", "nested", I_NESTED, "SPLIT-INDIR-DRV-2", "PACKED-INDIR-DRV-2", "", "", \
	  "an indirect table whose entry is itself INDIRECT") \
	X("len-zero", "len-zero", I_LEN_ZERO, "", "", N_OK, N_OK, \
	  "an indirect descriptor of length 0") \
	X("len-not-multiple", "len-not-multiple", I_LEN_ODD, "", "", N_OK, N_OK, \
	  "an indirect descriptor whose length is not a multiple of 16") \
	X("with-next", "with-next", I_WITH_NEXT, "SPLIT-INDIR-DRV-4", "PACKED-INDIR-DRV-4", "", "", \
	  "a descriptor with both INDIRECT and NEXT, followed by a direct one") \
	X("zeroed-table", "zeroed-table", I_ZEROED, "", "", N_OK, N_OK, \
	  "an indirect table of 4 KiB of zeros") \
	X("table-in-mmio", "table-in-mmio", I_MMIO, "", "", N_OK, N_OK, \
	  "an indirect table over the device's own common configuration (its BAR)") \
	X("more-entries-than-queue", "more-entries-than-queue", I_MORE, "SPLIT-INDIR-DRV-3", "PACKED-INDIR-DRV-3", "", "", \
	  "an indirect table with one entry more than the queue has descriptors") \
	X("table-loop", "table-entry-next", I_LOOP, "SPLIT-DESC-DRV-1", "PACKED-INDIR-DRV-2", "", "", \
	  "an indirect table whose last entry chains back to the first (packed: an entry with NEXT)") \
	X("table-next-out-of-range", "table-entry-avail-bits", I_NEXT_OOR, "", "PACKED-INDIR-DRV-2", N_OK, "", \
	  "an indirect table entry whose next is past the table (packed: entries with AVAIL and USED set)") \
	X("table-addr-zero", "table-addr-zero", I_ADDR_ZERO, "", "", N_OK, N_OK, \
	  "an indirect table at bus address 0") \
	X("table-past-ram", "table-past-ram", I_PAST_RAM, "", "", N_OK, N_OK, \
	  "an indirect table at 64 GiB, past memory") \
	X("table-wrap", "table-wrap", I_WRAP, "", "", N_OK, N_OK, \
	  "an indirect table whose address plus length wraps 2^64") \
	X("without-feature", "without-feature", I_WITHOUT, "SPLIT-INDIR-DRV-1", "PACKED-INDIR-DRV-1", "", "", \
	  "an indirect descriptor with VIRTIO_F_INDIRECT_DESC not negotiated") \
	X("table-over-ring", "table-over-ring", I_OVER_RING, "", "", N_OK, N_OK, \
	  "an indirect table over the queue's own descriptor table (packed: ring)") \
	X("len-huge", "len-huge", I_HUGE, "SPLIT-INDIR-DRV-3", "PACKED-INDIR-DRV-3", "", "", \
	  "an indirect descriptor 0xfffffff0 bytes long")

static const struct probe_variant variants[] = {
#define VARIANT_ROW(s, p, kind, bs, bp, ns, np, what) \
	{ "probe.indirect.split." s, "probe.indirect.packed." p, kind, what },
	INDIRECT_VARIANTS(VARIANT_ROW)
#undef VARIANT_ROW
	{ NULL, NULL, 0, NULL },
};

/* The request's descriptors as table entries: split ones chained with
 * NEXT, packed ones carrying WRITE only. */
static unsigned entries(struct probe *p, struct probe_desc *t)
{
	unsigned n = probe_request_descs(p, t);

	for (unsigned i = 0; p->vq.packed && i < n; i++)
		t[i].flags &= F_WRITE;
	return n;
}

/* The table of size + 1 entries: the request's, then 16-byte writable
 * pieces of the scratch page. */
static bool long_table(struct probe *p, uint64_t *at, uint32_t *len)
{
	static struct probe_desc t[1025];
	unsigned n = entries(p, t), want = p->vq.size + 1u;

	if (want > sizeof(t) / sizeof(t[0])) {
		vc_skip(p->c, "the queue has %u descriptors: the harness builds tables up to 1024 entries", p->vq.size);
		return false;
	}
	for (unsigned i = n; i < want; i++)
		t[i] = (struct probe_desc){ p->scratch + 16u * (i % 256), 16, F_WRITE, PROBE_NEXT_AUTO };
	for (unsigned i = 0; !p->vq.packed && i < want; i++)
		t[i].flags = (uint16_t)((t[i].flags & ~F_NEXT) | (i + 1 < want ? F_NEXT : 0));
	*len = 16u * want;
	return probe_table(p, t, want, at);
}

/* The table (with the variant's flaw) and the ring descriptors pointing at it. */
static bool build(struct probe *p, enum ind kind, struct probe_desc *ring, unsigned *nring)
{
	struct probe_desc t[8], outer;
	unsigned n = entries(p, t);
	uint64_t table = 0, bar;
	uint32_t len = 16u * n;

	*nring = 1;
	switch (kind) {
	case I_WITH_NEXT:       /* the last piece stays in the ring, after the INDIRECT one */
		ring[1] = t[n - 1];
		ring[1].flags = (uint16_t)(ring[1].flags & F_WRITE);
		*nring = 2;
		if (n > 1)
			n--, len -= 16;
		else
			t[0] = (struct probe_desc){ p->scratch, 64, F_WRITE, PROBE_NEXT_AUTO };
		if (!p->vq.packed)
			t[n - 1].flags &= (uint16_t)~F_NEXT;
		break;
	case I_LOOP:
		t[n - 1].flags |= F_NEXT;
		t[n - 1].next = 0;
		break;
	case I_NEXT_OOR:
		if (p->vq.packed)
			for (unsigned i = 0; i < n; i++)
				t[i].flags |= P_AVAIL | P_USED;
		else
			t[0].flags |= F_NEXT, t[0].next = (uint16_t)(n + 5);
		break;
	default:
		break;
	}
	switch (kind) {
	case I_ZEROED:
		len = p->vq.size < 256 ? 16u * p->vq.size : 4096;
		if (!probe_ok(p->c, vc_dma_alloc(p->c->dev, len, 16, &table), "DMA"))
			return false;
		break;
	case I_MORE:
		if (!long_table(p, &table, &len))
			return false;
		break;
	case I_MMIO:
		if (!(bar = probe_bar_address(p->c, p->c->probe->common->bar))) {
			vc_skip(p->c, "the common configuration's BAR has no memory address the harness can name");
			return false;
		}
		table = bar + p->c->probe->common->offset;
		break;
	case I_ADDR_ZERO: table = 0; break;
	case I_PAST_RAM: table = 0x1000000000ull; break;
	case I_WRAP: table = ~0x7ull; break;
	case I_OVER_RING: table = p->vq.desc; break;
	default:
		if (!probe_table(p, t, n, &table))
			return false;
	}
	if (kind == I_NESTED) {
		outer = (struct probe_desc){ table, len, F_INDIRECT, PROBE_NEXT_AUTO };
		if (!probe_table(p, &outer, 1, &table))
			return false;
		len = 16;
	}
	len = kind == I_LEN_ZERO ? 0 : kind == I_LEN_ODD ? len + 8 : kind == I_HUGE ? 0xfffffff0u : len;
	ring[0] = (struct probe_desc){ table, len, (uint16_t)(F_INDIRECT | (*nring > 1 ? F_NEXT : 0)), PROBE_NEXT_AUTO };
	return true;
}

static void indirect(struct vc_ctx *c)
{
	bool packed;
	const struct probe_variant *v = probe_variant(c, variants, &packed);
	struct probe p;
	struct probe_desc ring[2];
	unsigned nring;

	if (!v || !probe_start(c, &p, (packed ? PROBE_PACKED : 0) | (v->kind == I_WITHOUT ? 0 : PROBE_INDIRECT), 0))
		return;
	if (build(&p, (enum ind)v->kind, ring, &nring) && probe_chain(&p, ring, nring, false, 0))
		probe_kick(&p, v->what);
}

#define SPLIT_ROW(s, p, kind, bs, bp, ns, np, what) \
	PROBE_ROW("probe.indirect.split." s, "1.0", PROBE_RING, bs, "With " what ns ": the device stays sane.", \
		  indirect, kind == I_WITHOUT ? 0 : VC_REQ(VIRTIO_F_INDIRECT_DESC), 1),
#define PACKED_ROW(s, p, kind, bs, bp, ns, np, what) \
	PROBE_ROW("probe.indirect.packed." p, "1.1", PROBE_RING, bp, "With " what " in a packed ring" np ": the " \
		  "device stays sane.", indirect, VC_REQ(VIRTIO_F_RING_PACKED) | \
		  (kind == I_WITHOUT ? 0 : VC_REQ(VIRTIO_F_INDIRECT_DESC)), 1),

static const struct vc_clause clauses[] = {
	INDIRECT_VARIANTS(SPLIT_ROW)
	INDIRECT_VARIANTS(PACKED_ROW)
};
VC_SUITE(suite_probe_indirect, clauses);
