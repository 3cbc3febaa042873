/* virtio-iommu: requests in general (status, reserved fields, unknown
 * types, unattached endpoints) and the DETACH request. */
#include <string.h>
#include "iommu.h"

static void ok_status(struct vc_ctx *c)
{
	struct iommu_tail t;
	uint32_t domain, ep;
	uint64_t iova;
	struct vi v;

	if (!vi_open(c, &v, 0, VI_F(VIRTIO_IOMMU_F_MAP_UNMAP), 1, &domain))
		return;
	ep = v.ep[0];
	iova = vi_iova(&v, 0);
	if (!vi_expect(&v, iommu_attach(&v.io, domain, ep, 0, &t), &t, IOMMU_S_OK, "ATTACH of a present endpoint") ||
	    !vi_expect(&v, iommu_map(&v.io, domain, iova, iova + v.g - 1, iova, IOMMU_MAP_F_READ, &t), &t, IOMMU_S_OK,
		       "MAP of one free granule") ||
	    !vi_expect(&v, iommu_unmap(&v.io, domain, iova, iova + v.g - 1, &t), &t, IOMMU_S_OK,
		       "UNMAP of that mapping"))
		return;
	vi_expect(&v, iommu_detach(&v.io, domain, ep, &t), &t, IOMMU_S_OK, "DETACH of the attached endpoint");
}

/* A request of type 0x3f (no such type), 16 bytes after its head, and a
 * 4-byte writable part pre-filled 0xff. */
static bool unknown_type(struct vc_ctx *c, struct vi *v, uint8_t *tail, uint32_t *used)
{
	uint8_t req[20] = { 0x3f };
	int rc;

	if (!vi_start(c, v, 0, 0))
		return false;
	rc = iommu_request(&v->io, req, sizeof(req), tail, IOMMU_TAIL_LEN, 0xff, used);
	if (rc) {
		struct iommu_tail t = { 0 };
		vi_expect(v, rc, &t, IOMMU_S_OK, "request of type 0x3f");
		return false;
	}
	return true;
}

static void unknown_type_untouched(struct vc_ctx *c)
{
	uint8_t tail[IOMMU_TAIL_LEN];
	uint32_t used;
	struct vi v;

	if (!unknown_type(c, &v, tail, &used))
		return;
	for (unsigned i = 0; i < IOMMU_TAIL_LEN; i++)
		if (tail[i] != 0xff) {
			vc_fail(c, "the device wrote into the buffer of a request of unknown type 0x3f");
			vc_observed(c, "writable bytes %02x %02x %02x %02x (status %s)", tail[0], tail[1], tail[2], tail[3],
				    iommu_status_name(tail[0]));
			vc_expected(c, "ff ff ff ff, as the driver left them");
			return;
		}
}

static void unknown_type_used_len(struct vc_ctx *c)
{
	uint8_t tail[IOMMU_TAIL_LEN];
	uint32_t used;
	struct vi v;

	if (unknown_type(c, &v, tail, &used) && used != 0) {
		vc_fail(c, "a request of unknown type 0x3f came back with used length %u", used);
		vc_observed(c, "used length %u", used);
		vc_expected(c, "0");
	}
}

static void head_reserved_ignored(struct vc_ctx *c)
{
	uint8_t req[IOMMU_ATTACH_LEN];
	struct iommu_tail t;
	uint32_t domain;
	struct vi v;

	if (!vi_open(c, &v, 0, 0, 1, &domain))
		return;
	iommu_build_attach(req, domain, v.ep[0], 0);
	req[1] = 0xa5, req[2] = 0x5a, req[3] = 0xff;
	if (vi_expect(&v, iommu_send(&v.io, req, sizeof(req), &t), &t, IOMMU_S_OK,
		      "ATTACH with head.reserved a5 5a ff"))
		vi_expect(&v, iommu_detach(&v.io, domain, v.ep[0], &t), &t, IOMMU_S_OK,
			  "DETACH of the endpoint that ATTACH attached");
}

static bool tail_zero(struct vc_ctx *c, const struct iommu_tail *t, const char *what)
{
	if (t->used >= IOMMU_TAIL_LEN && (t->reserved[0] || t->reserved[1] || t->reserved[2])) {
		vc_fail(c, "%s: tail.reserved not zeroed", what);
		vc_observed(c, "tail %02x %02x %02x %02x (the driver left ff)", t->status, t->reserved[0], t->reserved[1],
			    t->reserved[2]);
		vc_expected(c, "reserved 00 00 00");
		return false;
	}
	return true;
}

static void tail_reserved_zero(struct vc_ctx *c)
{
	struct iommu_tail t;
	uint32_t domain, absent;
	struct vi v;

	if (!vi_open(c, &v, 0, 0, 1, &domain))
		return;
	if (!vi_expect(&v, iommu_attach(&v.io, domain, v.ep[0], 0, &t), &t, IOMMU_S_OK, "ATTACH") ||
	    !tail_zero(c, &t, "ATTACH (status OK)"))
		return;
	if (!vi_absent_endpoint(&v, 0, &absent) ||
	    !vi_expect(&v, iommu_detach(&v.io, domain, v.ep[0], &t), &t, IOMMU_S_OK, "DETACH"))
		return;
	int rc = iommu_detach(&v.io, domain, absent, &t);
	if (rc || !t.used || t.status == IOMMU_S_OK) {
		vi_expect(&v, rc, &t, IOMMU_S_NOENT, "DETACH of an absent endpoint");
		return;
	}
	tail_zero(c, &t, "DETACH of an absent endpoint (an error status)");
}

static void unattached_blocked(struct vc_ctx *c)
{
	uint64_t p, q;
	uint8_t was;
	bool wrote;
	struct vi v;

	if (!vi_start(c, &v, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 0) || !vi_need_endpoints(&v, 1) ||
	    !vi_bypass_off(&v, &was))
		return;
	if ((p = vi_page(&v, 0x11)) && (q = vi_page(&v, 0)) && vi_copy(&v, 0, p, q) && vi_holds(&v, q, 0x11, &wrote)) {
		bool untouched;
		if (!vi_holds(&v, q, 0, &untouched))
			return;
		if (!untouched) {
			vc_fail(c, "endpoint 0x%x, attached to no domain and not in bypass mode, wrote guest memory",
				v.ep[0]);
			vc_observed(c, "0x%llx %s", (unsigned long long)q, wrote ? "holds the bytes the endpoint read"
				    : "changed");
			vc_expected(c, "0x%llx untouched (bypass %u)", (unsigned long long)q, v.io.cfg.bypass);
		}
	}
	vi_bypass_restore(&v, was);
}

static void detach_reserved_ignored(struct vc_ctx *c)
{
	uint8_t req[IOMMU_DETACH_LEN];
	struct iommu_tail t;
	uint32_t domain;
	struct vi v;

	if (!vi_open(c, &v, 0, 0, 1, &domain) ||
	    !vi_attach(&v, domain, v.ep[0], 0))
		return;
	iommu_build_detach(req, domain, v.ep[0]);
	memset(req + 12, 0xa5, 8);
	vi_expect(&v, iommu_send(&v.io, req, sizeof(req), &t), &t, IOMMU_S_OK,
		  "DETACH of an attached endpoint with reserved bytes a5");
}

static void detach_mappings_unreachable(struct vc_ctx *c)
{
	uint64_t a, b, q;
	uint32_t domain;
	uint8_t was, zero[VI_DMA_LEN] = { 0 };
	bool copied, untouched;
	struct vi v;

	if (!vi_open(c, &v, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), VI_F(VIRTIO_IOMMU_F_MAP_UNMAP), 1, &domain) || !vi_bypass_off(&v, &was))
		return;
	if (!vi_attach(&v, domain, v.ep[0], 0) || !vi_mapped_copy(&v, domain, 0x21, &a, &b, &q, &copied))
		goto out;
	if (!copied) {
		vc_skip(c, "the endpoint's copy through the domain's mappings did not arrive (iommu.attach.attaches "
			   "reports it)");
		goto out;
	}
	if (vc_dma_write(c->dev, q, zero, sizeof(zero)) || !vi_detach(&v, domain, v.ep[0]) ||
	    !vi_copy(&v, 0, a, b) || !vi_holds(&v, q, 0, &untouched))
		goto out;
	if (!untouched) {
		vc_fail(c, "after DETACH, endpoint 0x%x still wrote through its old domain's mapping",
			v.ep[0]);
		vc_observed(c, "page 0x%llx (mapped at 0x%llx in domain %u) written after the DETACH",
			    (unsigned long long)q, (unsigned long long)b, domain);
		vc_expected(c, "untouched");
	}
out:
	vi_bypass_restore(&v, was);
}

static void detach_unknown_endpoint(struct vc_ctx *c) { vi_absent_noent(c, IOMMU_T_DETACH); }

static const struct vc_clause clauses[] = {
	{ "iommu.request.ok-status", L_IOMMU_OP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-OP-DEV-1",
	  "ATTACH, MAP, UNMAP and DETACH that succeed come back with status OK.", NULL, ok_status,
	  VI_F(VIRTIO_IOMMU_F_MAP_UNMAP), 2, NULL, VI_REACH },
	{ "iommu.request.unknown-type-untouched", L_IOMMU_OP, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-OP-DEV-2", "A request of a type the device does not know leaves its writable bytes untouched.", NULL,
	  unknown_type_untouched, 0, 2, NULL, VI_REACH },
	{ "iommu.request.unknown-type-used-len-0", L_IOMMU_OP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-OP-DEV-3", "A request of a type the device does not know comes back with used length 0.", NULL,
	  unknown_type_used_len, 0, 2, NULL, VI_REACH },
	{ "iommu.request.head-reserved-ignored", L_IOMMU_OP, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-OP-DEV-4", "ATTACH with nonzero head.reserved (the driver should zero it) still attaches: OK, and "
	  "DETACH then finds the endpoint attached.", NULL, head_reserved_ignored, 0, 2, NULL, VI_REACH },
	{ "iommu.request.tail-reserved-zero", L_IOMMU_OP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-OP-DEV-5", "The device zeroes tail.reserved (pre-filled ff), on success and on error.", NULL,
	  tail_reserved_zero, 0, 2, NULL, VI_REACH },
	{ "iommu.request.unattached-blocked", L_IOMMU_OP, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-OP-DEV-6", "An endpoint attached to no domain, with bypass off, cannot write guest memory (its DMA "
	  "copy does not arrive).", NULL, unattached_blocked, 0, 2, NULL, VI_REACH },
	{ "iommu.detach.reserved-ignored", L_IOMMU_DETACH, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-DETACH-DEV-1", "DETACH with nonzero reserved bytes (the driver should zero them) detaches: OK.", NULL,
	  detach_reserved_ignored, 0, 2, NULL, VI_REACH },
	{ "iommu.detach.unknown-endpoint-noent", L_IOMMU_DETACH, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-DETACH-DEV-2", "DETACH of an endpoint ID no device has on the platform is rejected with NOENT.", NULL,
	  detach_unknown_endpoint, 0, 2, NULL, VI_REACH },
	{ "iommu.detach.mappings-unreachable", L_IOMMU_DETACH, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-DETACH-DEV-4", "After DETACH, the endpoint's DMA through the domain's mappings no longer arrives "
	  "(bypass off).", NULL, detach_mappings_unreachable, VI_F(VIRTIO_IOMMU_F_MAP_UNMAP), 2, NULL, VI_REACH },
};
VC_DEVICE_SUITE(suite_iommu_requests, clauses, VIRTIO_ID_IOMMU);
