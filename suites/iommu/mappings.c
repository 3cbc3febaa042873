/* virtio-iommu: the MAP and UNMAP requests (alignment, overlaps, flags,
 * absent and bypass domains, read-only mappings, unmapping over gaps). */
#include <string.h>
#include "iommu.h"

/* A domain with endpoint 0 attached (MAP needs a domain, ATTACH makes it). */
static bool domain_with_endpoint(struct vc_ctx *c, struct vi *v, uint64_t want, uint32_t *domain, uint32_t flags)
{
	return vi_start(c, v, want, VI_F(VIRTIO_IOMMU_F_MAP_UNMAP) | want) && vi_need_endpoints(v, 1) &&
	       vi_domain(v, 0, domain) && vi_attach(v, *domain, v->ep[0], flags);
}

static void misaligned_range(struct vc_ctx *c)
{
	struct iommu_tail t;
	uint32_t domain;
	struct vi v;

	if (!domain_with_endpoint(c, &v, 0, &domain, 0))
		return;
	if (v.g == 1) {
		vc_skip(c, "page_size_mask allows 1-byte pages: every address is aligned");
		return;
	}
	uint64_t h = v.g / 2, i0 = vi_iova(&v, 0), i1 = vi_iova(&v, 1), i2 = vi_iova(&v, 2);
	if (!vi_expect(&v, iommu_map(&v.io, domain, i0 + h, i0 + 2 * v.g - 1, i0, IOMMU_MAP_F_READ, &t), &t,
		       IOMMU_S_RANGE, "MAP with virt_start half a page in") ||
	    !vi_expect(&v, iommu_map(&v.io, domain, i1, i1 + v.g - 1, i1 + h, IOMMU_MAP_F_READ, &t), &t, IOMMU_S_RANGE,
		       "MAP with phys_start half a page in"))
		return;
	vi_expect(&v, iommu_map(&v.io, domain, i2, i2 + h - 1, i2, IOMMU_MAP_F_READ, &t), &t, IOMMU_S_RANGE,
		  "MAP with virt_end + 1 half a page in");
}

static void overlap_inval(struct vc_ctx *c)
{
	struct iommu_tail t;
	uint32_t domain;
	struct vi v;

	if (!domain_with_endpoint(c, &v, 0, &domain, 0))
		return;
	uint64_t i = vi_iova(&v, 0), g = v.g;
	if (!vi_map(&v, domain, i, i, 2 * g, IOMMU_MAP_F_READ) ||
	    !vi_expect(&v, iommu_map(&v.io, domain, i + g, i + 3 * g - 1, i, IOMMU_MAP_F_READ, &t), &t, IOMMU_S_INVAL,
		       "MAP of a range whose first page is mapped"))
		return;
	vi_expect(&v, iommu_map(&v.io, domain, i, i + 2 * g - 1, i, IOMMU_MAP_F_READ, &t), &t, IOMMU_S_INVAL,
		  "MAP of a range mapped already");
}

static void unknown_flag_inval(struct vc_ctx *c)
{
	static const uint32_t flags[] = { IOMMU_MAP_F_READ | 0x8, IOMMU_MAP_F_READ | 0x80000000u };
	struct iommu_tail t;
	uint32_t domain;
	char what[64];
	struct vi v;

	if (!domain_with_endpoint(c, &v, 0, &domain, 0))
		return;
	for (unsigned k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
		uint64_t i = vi_iova(&v, k);
		snprintf(what, sizeof(what), "MAP with flags 0x%x", flags[k]);
		if (!vi_expect(&v, iommu_map(&v.io, domain, i, i + v.g - 1, i, flags[k], &t), &t, IOMMU_S_INVAL, what))
			return;
	}
}

/* MAP or UNMAP of one granule in a domain never created, and in one that
 * ceased to exist when its last endpoint was detached (NOENT), or in a
 * bypass domain (INVAL; the driver should not send it). */
static void in_odd_domain(struct vc_ctx *c, bool map, bool bypass)
{
	struct iommu_tail t;
	uint32_t domain;
	char what[64];
	struct vi v;

	if (bypass ? !domain_with_endpoint(c, &v, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), &domain, IOMMU_ATTACH_F_BYPASS)
		   : !vi_start(c, &v, 0, VI_F(VIRTIO_IOMMU_F_MAP_UNMAP)) || !vi_domain(&v, 7, &domain))
		return;
	uint64_t i = vi_iova(&v, 0);
	int rc = map ? iommu_map(&v.io, domain, i, i + v.g - 1, i, IOMMU_MAP_F_READ, &t)
		     : iommu_unmap(&v.io, domain, i, i + v.g - 1, &t);
	snprintf(what, sizeof(what), "%s in %s", map ? "MAP" : "UNMAP",
		 bypass ? "a bypass domain" : "a domain that was never created");
	if (!vi_expect(&v, rc, &t, bypass ? IOMMU_S_INVAL : IOMMU_S_NOENT, what) || bypass || !v.nep)
		return;
	/* a domain that ceased to exist when its only endpoint was detached */
	uint32_t gone;
	if (!vi_domain(&v, 6, &gone) || !vi_attach(&v, gone, v.ep[0], 0) || !vi_detach(&v, gone, v.ep[0]))
		return;
	rc = map ? iommu_map(&v.io, gone, i, i + v.g - 1, i, IOMMU_MAP_F_READ, &t)
		 : iommu_unmap(&v.io, gone, i, i + v.g - 1, &t);
	snprintf(what, sizeof(what), "%s in a domain gone with its last endpoint's DETACH", map ? "MAP" : "UNMAP");
	vi_expect(&v, rc, &t, IOMMU_S_NOENT, what);
}

static void unknown_domain_noent(struct vc_ctx *c) { in_odd_domain(c, true, false); }
static void bypass_domain_inval(struct vc_ctx *c) { in_odd_domain(c, true, true); }
static void unmap_unknown_domain(struct vc_ctx *c) { in_odd_domain(c, false, false); }
static void unmap_bypass_domain(struct vc_ctx *c) { in_odd_domain(c, false, true); }

static void read_only_blocks_writes(struct vc_ctx *c)
{
	uint64_t a, b, q, ro, qro;
	uint32_t domain;
	uint8_t was = 0xff;
	bool copied, untouched;
	struct vi v;

	if (!vi_open(c, &v, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), VI_F(VIRTIO_IOMMU_F_MAP_UNMAP), 1, &domain) || !vi_bypass_off(&v, &was))
		return;
	if (!vi_attach(&v, domain, v.ep[0], 0) || !vi_mapped_copy(&v, domain, 0x51, &a, &b, &q, &copied))
		goto out;
	if (!copied) {
		vc_skip(c, "the endpoint's copy through a read-write mapping did not arrive (iommu.attach.attaches "
			   "reports it)");
		goto out;
	}
	if (!(ro = vi_page(&v, 0)) || !(qro = vi_page(&v, 0)) || !vi_map(&v, domain, ro, qro, v.g, IOMMU_MAP_F_READ) ||
	    !vi_copy(&v, 0, a, ro) || !vi_holds(&v, qro, 0, &untouched))
		goto out;
	if (!untouched) {
		vc_fail(c, "endpoint 0x%x wrote through a mapping made without MAP_F_WRITE", v.ep[0]);
		vc_observed(c, "page 0x%llx, mapped read-only at 0x%llx, written", (unsigned long long)qro,
			    (unsigned long long)ro);
		vc_expected(c, "untouched");
	}
out:
	vi_bypass_restore(&v, was);
}

/* The spec's UNMAP examples (1), (3), (6) and (7): a range that spills
 * over unmapped addresses removes every mapping it covers, with OK, and
 * leaves the page right after it mapped (an endpoint still reads through
 * it). */
static void unmap_wider_range(struct vc_ctx *c)
{
	static const struct { const char *what; unsigned n; uint64_t at[2], len[2], end; } ex[] = {
		{ "UNMAP of [0, 4] with nothing mapped (example 1)", 0, { 0 }, { 0 }, 5 },
		{ "UNMAP of [0, 9] over a = [0, 4] and b = [5, 9] (example 3)", 2, { 0, 5 }, { 5, 5 }, 10 },
		{ "UNMAP of [0, 9] over a = [0, 4] (example 6)", 1, { 0 }, { 5 }, 10 },
		{ "UNMAP of [0, 14] over a = [0, 4] and b = [10, 14] (example 7)", 2, { 0, 10 }, { 5, 5 }, 15 },
	};
	struct iommu_tail t;
	uint32_t domain;
	char what[160];
	struct vi v;

	if (!domain_with_endpoint(c, &v, 0, &domain, 0))
		return;
	/* the examples' units are pages here */
	for (unsigned k = 0; k < sizeof(ex) / sizeof(ex[0]); k++) {
		uint64_t base = vi_iova(&v, 16 * k), g = v.g;
		uint64_t p, q, next = base + ex[k].end * g, out = vi_iova(&v, 16 * 8 + k);
		bool kept;
		for (unsigned m = 0; m < ex[k].n; m++)
			if (!vi_map(&v, domain, base + ex[k].at[m] * g, base, ex[k].len[m] * g, IOMMU_MAP_F_READ))
				return;
		/* the page right after the range, mapped too: the UNMAP leaves it */
		if (!(p = vi_page(&v, (uint8_t)(0x31 + k))) || !(q = vi_page(&v, 0)) ||
		    !vi_map(&v, domain, next, p, g, IOMMU_MAP_F_READ) ||
		    !vi_map(&v, domain, out, q, g, IOMMU_MAP_F_READ | IOMMU_MAP_F_WRITE))
			return;
		if (!vi_expect(&v, iommu_unmap(&v.io, domain, base, base + ex[k].end * g - 1, &t), &t, IOMMU_S_OK,
			       ex[k].what))
			return;
		if (!vi_copy(&v, 0, next, out) || !vi_holds(&v, q, (uint8_t)(0x31 + k), &kept))
			return;
		if (!kept) {
			vc_fail(c, "the %s also removed the mapping of the page just past its range", ex[k].what);
			vc_observed(c, "endpoint 0x%x's read at 0x%llx (mapped, outside the UNMAP) did not reach memory",
				    v.ep[0], (unsigned long long)next);
			vc_expected(c, "the mapping kept: the UNMAP covers [0x%llx, 0x%llx]", (unsigned long long)base,
				    (unsigned long long)(next - 1));
			return;
		}
		for (unsigned m = 0; m < ex[k].n; m++) {
			uint64_t at = base + ex[k].at[m] * g;
			snprintf(what, sizeof(what), "MAP again of mapping %c after the %s", 'a' + m, ex[k].what);
			if (!vi_expect(&v, iommu_map(&v.io, domain, at, at + ex[k].len[m] * g - 1, base, IOMMU_MAP_F_READ,
						     &t), &t, IOMMU_S_OK, what)) {
				vc_note(c, "INVAL there means the UNMAP left the mapping in place");
				return;
			}
		}
	}
}

#define MAPS VI_F(VIRTIO_IOMMU_F_MAP_UNMAP)

static const struct vc_clause clauses[] = {
	{ "iommu.map.misaligned-range", L_IOMMU_MAP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-MAP-DEV-1",
	  "MAP whose virt_start, phys_start or virt_end + 1 is not page aligned is rejected with RANGE.", NULL,
	  misaligned_range, MAPS, 2, NULL, VI_REACH },
	{ "iommu.map.overlap-inval", L_IOMMU_MAP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-MAP-DEV-2",
	  "MAP over a range partly or wholly mapped already is rejected with INVAL.", NULL, overlap_inval, MAPS, 2, NULL, VI_REACH },
	{ "iommu.map.unknown-flag-inval", L_IOMMU_MAP, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-MAP-DEV-3",
	  "MAP with a flags bit the spec does not define (0x8, 0x80000000) is rejected with INVAL.", NULL,
	  unknown_flag_inval, MAPS, 2, NULL, VI_REACH },
	{ "iommu.map.unknown-domain-noent", L_IOMMU_MAP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-MAP-DEV-4", "MAP in a domain never created, or gone with its last endpoint's DETACH, is rejected "
	  "with NOENT.", NULL, unknown_domain_noent, MAPS,
	  2, NULL, VI_REACH },
	{ "iommu.map.bypass-domain-inval", L_IOMMU_MAP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-MAP-DEV-5", "MAP in a bypass domain is rejected with INVAL.", NULL, bypass_domain_inval,
	  MAPS | VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 2, NULL, VI_REACH },
	{ "iommu.map.read-only-blocks-writes", L_IOMMU_MAP, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-MAP-DEV-6", "An endpoint's DMA write through a mapping made without MAP_F_WRITE does not arrive.",
	  NULL, read_only_blocks_writes, MAPS, 2, NULL, VI_REACH },
	{ "iommu.unmap.unknown-domain-noent", L_IOMMU_UNMAP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-UNMAP-DEV-3", "UNMAP in a domain never created, or gone with its last endpoint's DETACH, gets NOENT.",
	  NULL, unmap_unknown_domain, MAPS, 2, NULL, VI_REACH },
	{ "iommu.unmap.bypass-domain-inval", L_IOMMU_UNMAP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-UNMAP-DEV-4", "UNMAP in a bypass domain is rejected with INVAL.", NULL, unmap_bypass_domain,
	  MAPS | VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 2, NULL, VI_REACH },
	{ "iommu.unmap.wider-range-ok", L_IOMMU_UNMAP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-UNMAP-DEV-7", "UNMAP of a range that spills over unmapped addresses removes every mapping it covers "
	  "and answers OK (the spec's examples 1, 3, 6, 7), leaving the page right after the range mapped.", NULL, unmap_wider_range, MAPS, 2, NULL, VI_REACH },
};
VC_DEVICE_SUITE(suite_iommu_mappings, clauses, VIRTIO_ID_IOMMU);
