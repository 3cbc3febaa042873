/* virtio-iommu: the ATTACH request (reserved bytes, flags, absent
 * endpoints, domains shared and changed, compatibility of endpoints). */
#include <string.h>
#include "iommu.h"

static void reserved_inval(struct vc_ctx *c)
{
	uint8_t req[IOMMU_ATTACH_LEN];
	struct iommu_tail t;
	uint32_t domain;
	struct vi v;

	if (!vi_open(c, &v, 0, 0, 1, &domain))
		return;
	iommu_build_attach(req, domain, v.ep[0], 0);
	memset(req + 16, 0xa5, 4);
	vi_expect(&v, iommu_send(&v.io, req, sizeof(req), &t), &t, IOMMU_S_INVAL,
		  "ATTACH with reserved bytes a5 a5 a5 a5");
}

static void unknown_flag_inval(struct vc_ctx *c)
{
	static const uint32_t flags[] = { 0x2, 0x80000000u };
	struct iommu_tail t;
	uint32_t domain;
	char what[64];
	struct vi v;

	if (!vi_open(c, &v, 0, 0, 1, &domain))
		return;
	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		snprintf(what, sizeof(what), "ATTACH with flags 0x%x", flags[i]);
		if (!vi_expect(&v, iommu_attach(&v.io, domain, v.ep[0], flags[i], &t), &t, IOMMU_S_INVAL,
			       what))
			return;
	}
}

/* OK or UNSUPP: anything else fails `what`. */
static bool ok_or_unsupp(struct vi *v, int rc, const struct iommu_tail *t, const char *what)
{
	if (!rc && t->used && (t->status == IOMMU_S_OK || t->status == IOMMU_S_UNSUPP))
		return true;
	return vi_expect(v, rc, t, IOMMU_S_UNSUPP, what);   /* its FAIL names both */
}

static void shared_domain(struct vc_ctx *c)
{
	struct iommu_tail t;
	uint32_t domain;
	struct vi v;

	if (!vi_open(c, &v, 0, 0, 2, &domain) ||
	    !vi_attach(&v, domain, v.ep[0], 0))
		return;
	if (ok_or_unsupp(&v, iommu_attach(&v.io, domain, v.ep[1], 0, &t), &t,
			 "ATTACH of a second endpoint to a domain that has one (OK or UNSUPP)"))
		vc_note(c, "the second endpoint's ATTACH: %s", iommu_status_name(t.status));
}

static void bypass_flag_mismatch(struct vc_ctx *c)
{
	uint32_t d1, d2, e0, e1;
	struct iommu_tail t;
	struct vi v;

	if (!vi_start(c, &v, 0, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG)) || !vi_need_endpoints(&v, 2) ||
	    !vi_domain(&v, 0, &d1) || !vi_domain(&v, 1, &d2) || !vi_attach(&v, d1, e0 = v.ep[0], 0))
		return;
	e1 = v.ep[1];
	if (!vi_expect(&v, iommu_attach(&v.io, d1, e1, IOMMU_ATTACH_F_BYPASS, &t), &t, IOMMU_S_INVAL,
		       "ATTACH with ATTACH_F_BYPASS to a domain that is not a bypass domain") ||
	    !vi_attach(&v, d2, e1, IOMMU_ATTACH_F_BYPASS))
		return;
	vi_expect(&v, iommu_attach(&v.io, d2, e0, 0, &t), &t, IOMMU_S_INVAL,
		  "ATTACH without ATTACH_F_BYPASS to a bypass domain");
}

static void reattach_ok_or_unsupp(struct vc_ctx *c)
{
	struct iommu_tail t;
	uint32_t d1, d2;
	struct vi v;

	if (!vi_start(c, &v, 0, 0) || !vi_need_endpoints(&v, 1) || !vi_domain(&v, 0, &d1) ||
	    !vi_domain(&v, 1, &d2) || !vi_attach(&v, d1, v.ep[0], 0))
		return;
	ok_or_unsupp(&v, iommu_attach(&v.io, d2, v.ep[0], 0, &t), &t,
		     "ATTACH of an endpoint attached to another domain (OK or UNSUPP)");
}

static void reattach_moves(struct vc_ctx *c)
{
	uint64_t a1, b1, q1, a2, b2, q2, p2;
	uint32_t d1, d2, ep;
	struct iommu_tail t;
	bool copied, old_used;
	uint8_t was;
	struct vi v;

	if (!vi_start(c, &v, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), VI_F(VIRTIO_IOMMU_F_MAP_UNMAP)) ||
	    !vi_need_endpoints(&v, 1) || !vi_domain(&v, 0, &d1) || !vi_domain(&v, 1, &d2) ||
	    !vi_bypass_off(&v, &was))
		return;
	ep = v.ep[0];
	if (!vi_attach(&v, d1, ep, 0) || !vi_mapped_copy(&v, d1, 0x31, &a1, &b1, &q1, &copied))
		goto out;
	if (!copied) {
		vc_skip(c, "the endpoint's copy through its first domain did not arrive (iommu.attach.attaches reports "
			   "it)");
		goto out;
	}
	uint8_t zero[VI_DMA_LEN] = { 0 };
	if (vc_dma_write(c->dev, q1, zero, sizeof(zero)) || !ok_or_unsupp(&v, iommu_attach(&v.io, d2, ep, 0, &t), &t,
									"ATTACH to a second domain"))
		goto out;
	if (t.status == IOMMU_S_UNSUPP) {
		vc_skip(c, "the device does not move an attached endpoint to another domain (UNSUPP, which it may)");
		goto out;
	}
	/* the same input addresses in the new domain, to other pages */
	if (!(p2 = vi_page(&v, 0x32)) || !(q2 = vi_page(&v, 0)))
		goto out;
	a2 = a1, b2 = b1;
	if (!vi_map(&v, d2, a2, p2, v.g, IOMMU_MAP_F_READ) ||
	    !vi_map(&v, d2, b2, q2, v.g, IOMMU_MAP_F_READ | IOMMU_MAP_F_WRITE) || !vi_copy(&v, 0, a2, b2) ||
	    !vi_holds(&v, q2, 0x32, &copied) || !vi_holds(&v, q1, 0, &old_used))
		goto out;
	if (!old_used || !copied) {
		if (!old_used)
			vc_fail(c, "after its ATTACH to domain %u, endpoint 0x%x's DMA still went through the mappings of "
				   "domain %u", d2, ep, d1);
		else
			vc_fail(c, "after its ATTACH to domain %u, endpoint 0x%x's DMA did not go through that domain's "
				   "mappings", d2, ep);
		vc_observed(c, "page of domain %u %s, page of domain %u %s", d1, old_used ? "untouched" : "written", d2,
			    copied ? "written" : "untouched");
		vc_expected(c, "as after DETACH from %u and ATTACH to %u: only the new domain's page written", d1, d2);
	}
out:
	vi_bypass_restore(&v, was);
}

/* Two endpoints whose PROBE properties are alike (compat) or where b
 * reserves an input range a does not (!compat): *a, *b indexes; false
 * (SKIP) when no such pair. */
static bool endpoint_pair(struct vi *v, bool compat, unsigned *a, unsigned *b, struct iommu_resv_mem *only_b)
{
	struct iommu_resv_mem r[VI_MAX_ENDPOINTS][8];
	unsigned n[VI_MAX_ENDPOINTS];

	for (unsigned i = 0; i < v->nep; i++)
		if (!vi_resv_mem(v, v->ep[i], r[i], 8, &n[i]))
			return false;
	for (unsigned i = 0; i < v->nep; i++)
		for (unsigned j = 0; j < v->nep; j++) {
			if (i == j)
				continue;
			bool same = n[i] == n[j];
			for (unsigned k = 0; same && k < n[i]; k++)
				same = r[i][k].subtype == r[j][k].subtype && r[i][k].start == r[j][k].start &&
				       r[i][k].end == r[j][k].end;
			if (compat && same) {
				*a = i, *b = j;
				return true;
			}
			for (unsigned k = 0; !compat && k < n[j]; k++) {
				bool covered = false;
				for (unsigned m = 0; m < n[i]; m++)
					covered |= r[i][m].start <= r[j][k].end && r[j][k].start <= r[i][m].end;
				if (!covered && r[j][k].end - r[j][k].start + 1 >= v->g) {
					*a = i, *b = j, *only_b = r[j][k];
					return true;
				}
			}
		}
	vc_skip(v->c, "no two endpoints behind the IOMMU have %s", compat ? "the same properties"
		: "different reserved regions (one endpoint's region free in the other's)");
	return false;
}

static void compatible_endpoints(struct vc_ctx *c)
{
	struct iommu_resv_mem unused;
	struct iommu_tail t;
	uint32_t domain;
	unsigned a, b;
	struct vi v;

	if (!vi_open(c, &v, 0, VI_F(VIRTIO_IOMMU_F_PROBE), 2, &domain) || !endpoint_pair(&v, true, &a, &b, &unused) ||
	    !vi_attach(&v, domain, v.ep[a], 0))
		return;
	vi_expect(&v, iommu_attach(&v.io, domain, v.ep[b], 0, &t), &t, IOMMU_S_OK,
		  "ATTACH of an endpoint whose properties are those of the one in the domain");
}

static void incompatible_endpoints(struct vc_ctx *c)
{
	struct iommu_resv_mem only_b;
	struct iommu_tail t;
	uint32_t domain;
	unsigned a, b;
	struct vi v;

	if (!vi_start(c, &v, 0, VI_F(VIRTIO_IOMMU_F_PROBE) | VI_F(VIRTIO_IOMMU_F_MAP_UNMAP)) ||
	    !vi_need_endpoints(&v, 2) || !vi_domain(&v, 0, &domain) ||
	    !endpoint_pair(&v, false, &a, &b, &only_b) || !vi_attach(&v, domain, v.ep[a], 0))
		return;
	uint64_t iova = (only_b.start + v.g - 1) & ~(v.g - 1);
	if (iova < only_b.start || iova + v.g - 1 > only_b.end) {
		vc_skip(c, "endpoint 0x%x's reserved region [0x%llx, 0x%llx] holds no whole granule", v.ep[b],
			(unsigned long long)only_b.start, (unsigned long long)only_b.end);
		return;
	}
	if (!vi_map(&v, domain, iova, vi_iova(&v, 0), v.g, IOMMU_MAP_F_READ))
		return;
	vi_expect(&v, iommu_attach(&v.io, domain, v.ep[b], 0, &t), &t, IOMMU_S_UNSUPP,
		  "ATTACH of an endpoint that reserves an input range the domain maps");
	vc_note(c, "endpoint 0x%x reserves [0x%llx, 0x%llx]; domain %u maps 0x%llx for endpoint 0x%x",
		v.ep[b], (unsigned long long)only_b.start, (unsigned long long)only_b.end, domain,
		(unsigned long long)iova, v.ep[a]);
}

/* Two pages of memory, each with its own pattern at offset `off` (seed,
 * seed + 1); 0 after ERROR. */
static uint64_t two_pages(struct vi *v, uint8_t seed, uint64_t off)
{
	uint8_t b[VI_DMA_LEN];
	uint64_t addr;
	int rc;

	if ((rc = vc_dma_alloc(v->c->dev, 2 * v->g, v->g, &addr))) {
		vc_error(v->c, "DMA memory for the endpoint's buffers: %s", strerror(-rc));
		return 0;
	}
	for (unsigned k = 0; k < 2; k++) {
		for (unsigned i = 0; i < VI_DMA_LEN; i++)
			b[i] = (uint8_t)(seed + k + 37 * i);
		if ((rc = vc_dma_write(v->c->dev, addr + k * v->g + off, b, sizeof(b)))) {
			vc_error(v->c, "DMA write at 0x%llx: %s", (unsigned long long)(addr + k * v->g + off), strerror(-rc));
			return 0;
		}
	}
	return addr;
}

/* A mapping of two pages translates each address by its offset from
 * virt_start (PA = VA - virt_start + phys_start): the endpoint copies from
 * inside the second page of one to inside the second page of another. */
static void second_page(struct vc_ctx *c, struct vi *v, uint32_t domain)
{
	uint64_t from = v->g / 2 + 8, to = v->g / 4 + 16;   /* offsets inside the page */
	uint64_t p, q, a = vi_iova(v, 8), b = vi_iova(v, 12);
	uint8_t got[VI_DMA_LEN];
	int rc;

	if (v->g < 4 * VI_DMA_LEN) {
		vc_note(c, "a granule of %llu bytes: no copy inside a page tried", (unsigned long long)v->g);
		return;
	}
	if (!(p = two_pages(v, 0x61, from)) || !(q = two_pages(v, 0, to)) ||
	    !vi_map(v, domain, a, p, 2 * v->g, IOMMU_MAP_F_READ) ||
	    !vi_map(v, domain, b, q, 2 * v->g, IOMMU_MAP_F_READ | IOMMU_MAP_F_WRITE) ||
	    !vi_copy(v, 0, a + v->g + from, b + v->g + to))
		return;
	if ((rc = vc_dma_read(c->dev, q + v->g + to, got, sizeof(got)))) {
		vc_error(c, "DMA read at 0x%llx: %s", (unsigned long long)(q + v->g + to), strerror(-rc));
		return;
	}
	for (unsigned i = 0; i < VI_DMA_LEN; i++)
		if (got[i] != (uint8_t)(0x61 + 1 + 37 * i)) {
			vc_fail(c, "endpoint 0x%x's copy inside the second page of two-page mappings did not go to and from "
				   "PA = VA - virt_start + phys_start", v->ep[0]);
			vc_observed(c, "at 0x%llx (mapped at 0x%llx + 0x%llx): byte %u is 0x%02x; the copy read 0x%llx",
				    (unsigned long long)(q + v->g + to), (unsigned long long)b,
				    (unsigned long long)(v->g + to), i, got[i], (unsigned long long)(a + v->g + from));
			vc_expected(c, "the bytes at 0x%llx (0x%02x...), the second page's, at the same offsets",
				    (unsigned long long)(p + v->g + from), (uint8_t)(0x61 + 1));
			return;
		}
}

static void attaches(struct vc_ctx *c)
{
	struct iommu_tail t;
	uint64_t a, b, q;
	uint32_t domain;
	uint8_t was = 0xff;
	bool copied;
	struct vi v;

	if (!vi_open(c, &v, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 0, 1, &domain))
		return;
	if (!vi_expect(&v, iommu_attach(&v.io, domain, v.ep[0], 0, &t), &t, IOMMU_S_OK, "ATTACH") ||
	    !vi_expect(&v, iommu_detach(&v.io, domain, v.ep[0], &t), &t, IOMMU_S_OK,
		       "DETACH from the domain ATTACH returned OK for"))
		return;
	if (!vi_negotiated(&v, VIRTIO_IOMMU_F_MAP_UNMAP)) {
		vc_note(c, "attachment seen through DETACH only: MAP_UNMAP is not negotiated");
		return;
	}
	if (!vi_bypass_off(&v, &was) || !vi_attach(&v, domain, v.ep[0], 0) ||
	    !vi_mapped_copy(&v, domain, 0x41, &a, &b, &q, &copied))
		goto out;
	if (!copied) {
		vc_fail(c, "endpoint 0x%x, attached to domain %u (OK), did not reach memory through the domain's mappings",
			v.ep[0], domain);
		vc_observed(c, "page 0x%llx (mapped read-write at 0x%llx) untouched after the endpoint's copy",
			    (unsigned long long)q, (unsigned long long)b);
		vc_expected(c, "the bytes the endpoint read through 0x%llx", (unsigned long long)a);
		goto out;
	}
	second_page(c, &v, domain);
out:
	vi_bypass_restore(&v, was);
}

static void unknown_endpoint_noent(struct vc_ctx *c) { vi_absent_noent(c, IOMMU_T_ATTACH); }

static const struct vc_clause clauses[] = {
	{ "iommu.attach.reserved-inval", L_IOMMU_ATTACH, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-ATTACH-DEV-1", "ATTACH with nonzero reserved bytes is rejected with INVAL.", NULL, reserved_inval, 0,
	  2, NULL, VI_REACH },
	{ "iommu.attach.unknown-flag-inval", L_IOMMU_ATTACH, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-ATTACH-DEV-2", "ATTACH with a flags bit the spec does not define (0x2, 0x80000000) is rejected with "
	  "INVAL.", NULL, unknown_flag_inval, 0, 2, NULL, VI_REACH },
	{ "iommu.attach.unknown-endpoint-noent", L_IOMMU_ATTACH, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-ATTACH-DEV-3", "ATTACH of an endpoint ID no device has on the platform is rejected with NOENT.", NULL,
	  unknown_endpoint_noent, 0, 2, NULL, VI_REACH },
	{ "iommu.attach.shared-domain", L_IOMMU_ATTACH, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-ATTACH-DEV-5", "A second endpoint attached to a domain that has one is attached (OK) or rejected with "
	  "UNSUPP, nothing else.", NULL, shared_domain, 0, 2, NULL, VI_REACH },
	{ "iommu.attach.bypass-flag-mismatch", L_IOMMU_ATTACH, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-ATTACH-DEV-6", "ATTACH whose ATTACH_F_BYPASS disagrees with the existing domain is rejected with "
	  "INVAL, both ways (the driver should not send it).", NULL, bypass_flag_mismatch,
	  VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 2, NULL, VI_REACH },
	{ "iommu.attach.reattach-moves", L_IOMMU_ATTACH, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-ATTACH-DEV-7 IOMMU-ATTACH-DEV-8", "An endpoint attached to another domain moves: its DMA then goes "
	  "through the new domain's mappings, not the old one's.", NULL, reattach_moves,
	  VI_F(VIRTIO_IOMMU_F_MAP_UNMAP), 2, NULL, VI_REACH },
	{ "iommu.attach.reattach-ok-or-unsupp", L_IOMMU_ATTACH, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-ATTACH-DEV-9", "ATTACH of an endpoint attached to another domain is done (OK) or rejected with "
	  "UNSUPP.", NULL, reattach_ok_or_unsupp, 0, 2, NULL, VI_REACH },
	{ "iommu.attach.compatible-endpoints", L_IOMMU_ATTACH, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-ATTACH-DEV-10", "An endpoint whose probed properties equal those of the domain's endpoint is attached "
	  "to that domain.", NULL, compatible_endpoints, VI_F(VIRTIO_IOMMU_F_PROBE), 2, NULL, VI_REACH },
	{ "iommu.attach.incompatible-endpoints", L_IOMMU_ATTACH, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-ATTACH-DEV-11", "An endpoint that reserves an input range the domain maps for its other endpoint is "
	  "rejected with UNSUPP.", NULL, incompatible_endpoints,
	  VI_F(VIRTIO_IOMMU_F_PROBE) | VI_F(VIRTIO_IOMMU_F_MAP_UNMAP), 2, NULL, VI_SIM },
	{ "iommu.attach.attaches", L_IOMMU_ATTACH, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-ATTACH-DEV-12",
	  "An endpoint ATTACH returned OK for is attached: DETACH finds it, and its DMA goes through the domain's "
	  "mappings, also inside the second page of two-page mappings (PA = VA - virt_start + phys_start).", NULL, attaches, 0, 2, NULL, VI_REACH },
};
VC_DEVICE_SUITE(suite_iommu_attach, clauses, VIRTIO_ID_IOMMU);
