/* virtio-iommu: the PROBE request and the properties it returns (the
 * RESV_MEM property, reserved regions and MAP over them). */
#include <string.h>
#include "iommu.h"

static uint8_t props[IOMMU_PROBE_SIZE_MAX], again[IOMMU_PROBE_SIZE_MAX];

/* PROBE of endpoint 0, properties pre-filled with `fill`, expected OK. */
static bool probe0(struct vc_ctx *c, struct vi *v, uint8_t fill)
{
	struct iommu_tail t;

	return vi_start(c, v, 0, VI_F(VIRTIO_IOMMU_F_PROBE)) && vi_need_endpoints(v, 1) &&
	       vi_probe(v, v->ep[0], fill, props, &t) &&
	       vi_expect(v, 0, &t, IOMMU_S_OK, "PROBE of a present endpoint");
}

static void reserved_ignored(struct vc_ctx *c)
{
	uint8_t req[IOMMU_PROBE_LEN];
	struct iommu_tail t;
	struct vi v;

	if (!probe0(c, &v, 0))
		return;
	iommu_build_probe(req, v.ep[0]);
	memset(req + 8, 0xa5, IOMMU_PROBE_LEN - 8);
	if (!vi_expect(&v, iommu_probe(&v.io, req, v.io.cfg.probe_size, 0, again, &t), &t, IOMMU_S_OK,
		       "PROBE with its 64 reserved bytes a5"))
		return;
	if (memcmp(props, again, v.io.cfg.probe_size)) {
		unsigned i = 0;
		while (props[i] == again[i])
			i++;
		vc_fail(c, "the properties differ when PROBE's reserved bytes are not zero");
		vc_observed(c, "byte %u of the properties 0x%02x", i, again[i]);
		vc_expected(c, "0x%02x, as with reserved zero", props[i]);
	}
}

/* PROBE sent to a device that does not offer it: 64 bytes of properties
 * and the tail, pre-filled 0xff. */
static bool unoffered_probe(struct vc_ctx *c, struct vi *v, uint8_t *out, uint32_t *used)
{
	uint8_t req[IOMMU_PROBE_LEN];
	struct iommu_tail t = { 0 };
	int rc;

	if (vc_offers(c->probe, VIRTIO_IOMMU_F_PROBE)) {
		vc_skip(c, "the device offers VIRTIO_IOMMU_F_PROBE");
		return false;
	}
	if (!vi_start(c, v, 0, 0) || !vi_need_endpoints(v, 1))
		return false;
	iommu_build_probe(req, v->ep[0]);
	rc = iommu_request(&v->io, req, sizeof(req), out, 64 + IOMMU_TAIL_LEN, 0xff, used);
	return !rc || vi_expect(v, rc, &t, IOMMU_S_OK, "PROBE");
}

static void unoffered_untouched(struct vc_ctx *c)
{
	uint8_t out[64 + IOMMU_TAIL_LEN];
	uint32_t used;
	struct vi v;

	if (!unoffered_probe(c, &v, out, &used))
		return;
	for (unsigned i = 0; i < sizeof(out); i++)
		if (out[i] != 0xff) {
			vc_fail(c, "a device that does not offer PROBE wrote into a PROBE request's buffer");
			vc_observed(c, "byte %u of the writable part 0x%02x", i, out[i]);
			vc_expected(c, "0xff, as the driver left it");
			return;
		}
}

static void unoffered_used_len(struct vc_ctx *c)
{
	uint8_t out[64 + IOMMU_TAIL_LEN];
	uint32_t used;
	struct vi v;

	if (unoffered_probe(c, &v, out, &used) && used) {
		vc_fail(c, "a device that does not offer PROBE used a PROBE request with length %u", used);
		vc_observed(c, "used length %u", used);
		vc_expected(c, "0");
	}
}

/* The properties of endpoint 0 walked: p[], n, *end. False when the list
 * runs past probe_size (a FAIL of iommu.probe.properties-walk's, SKIP for
 * the others). */
static bool walk(struct vc_ctx *c, struct vi *v, uint8_t fill, struct iommu_prop *p, int *n, uint32_t *end,
		 bool own)
{
	if (!probe0(c, v, fill))
		return false;
	*n = iommu_props_walk(props, v->io.cfg.probe_size, p, VI_PROPS_MAX, end);
	if (*n >= 0)
		return true;
	if (own) {
		vc_fail(c, "the property at offset %u runs past the %u bytes of properties", *end, v->io.cfg.probe_size);
		vc_observed(c, "type %u, length %u at offset %u", vc_le16(props + *end) & 0xfff, vc_le16(props + *end + 2),
			    *end);
		vc_expected(c, "every property within probe_size, each length + 4 bytes after the one before");
	} else {
		vc_skip(c, "the property list does not parse (iommu.probe.properties-walk reports it)");
	}
	return false;
}

static void property_reserved_zero(struct vc_ctx *c)
{
	struct iommu_prop p[VI_PROPS_MAX];
	uint32_t end;
	struct vi v;
	int n;

	if (!walk(c, &v, 0, p, &n, &end, false))
		return;
	for (int i = 0; i < n; i++)
		if (p[i].reserved) {
			vc_fail(c, "property %d (type %u) has reserved bits set", i, p[i].type);
			vc_observed(c, "header 0x%04x at offset %u", vc_le16(props + p[i].at), p[i].at);
			vc_expected(c, "the top 4 bits zero");
			return;
		}
}

static void property_length(struct vc_ctx *c)
{
	struct iommu_prop p[VI_PROPS_MAX];
	uint32_t end;
	struct vi v;
	int n, seen = 0;

	if (!walk(c, &v, 0, p, &n, &end, false))
		return;
	for (int i = 0; i < n; i++) {
		if (p[i].type != IOMMU_PROBE_T_RESV_MEM)
			continue;
		seen++;
		if (p[i].length != IOMMU_RESV_MEM_LEN) {
			vc_fail(c, "RESV_MEM property %d gives length %u", i, p[i].length);
			vc_observed(c, "length %u at offset %u", p[i].length, p[i].at);
			vc_expected(c, "%u: the property's size without its 4-byte header", IOMMU_RESV_MEM_LEN);
			return;
		}
	}
	if (!seen)
		vc_skip(c, "endpoint 0x%x has no property of a type whose size the spec defines", v.ep[0]);
}

static void properties_walk(struct vc_ctx *c)
{
	struct iommu_prop p[VI_PROPS_MAX];
	uint32_t end;
	struct vi v;
	int n;

	if (!walk(c, &v, 0, p, &n, &end, true))
		return;
	for (uint32_t i = end; i < v.io.cfg.probe_size; i++)
		if (props[i]) {
			vc_fail(c, "bytes follow the end of the property list, off its length + 4 chain");
			vc_observed(c, "the walk ends at offset %u (%d properties); byte %u is 0x%02x", end, n, i, props[i]);
			vc_expected(c, "each property exactly length + 4 bytes after the one before it");
			return;
		}
	vc_note(c, "%d properties, the list ends at offset %u of %u", n, end, v.io.cfg.probe_size);
}

static void zero_filled(struct vc_ctx *c)
{
	struct iommu_prop p[VI_PROPS_MAX];
	uint32_t end;
	struct vi v;
	int n;

	struct iommu_tail t;

	/* where the list ends, from a PROBE into zeroes; then one into 0xff */
	if (!walk(c, &v, 0, p, &n, &end, false) || !vi_probe(&v, v.ep[0], 0xff, props, &t) ||
	    !vi_expect(&v, 0, &t, IOMMU_S_OK, "PROBE of a present endpoint"))
		return;
	for (uint32_t i = end; i < v.io.cfg.probe_size; i++)
		if (props[i]) {
			vc_fail(c, "the bytes after the last property are not zeroed");
			vc_observed(c, "byte %u of %u is 0x%02x (the driver left 0xff)", i, v.io.cfg.probe_size, props[i]);
			vc_expected(c, "zero from offset %u to the end of probe_size", end);
			return;
		}
}

/* The RESV_MEM properties of every endpoint, each handed to `check`. */
static void each_resv_mem(struct vc_ctx *c, bool (*check)(struct vc_ctx *c, uint32_t ep, const struct iommu_resv_mem *r,
							     unsigned n))
{
	struct iommu_resv_mem r[VI_PROPS_MAX];
	unsigned n;
	struct vi v;

	if (!vi_start(c, &v, 0, VI_F(VIRTIO_IOMMU_F_PROBE)) || !vi_need_endpoints(&v, 1))
		return;
	for (unsigned e = 0; e < v.nep; e++)
		if (!vi_resv_mem(&v, v.ep[e], r, VI_PROPS_MAX, &n) || !check(c, v.ep[e], r, n))
			return;
}

static bool reserved_zero(struct vc_ctx *c, uint32_t ep, const struct iommu_resv_mem *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (r[i].reserved[0] || r[i].reserved[1] || r[i].reserved[2]) {
			vc_fail(c, "endpoint 0x%x: RESV_MEM property %u has reserved bytes set", ep, i);
			vc_observed(c, "reserved %02x %02x %02x", r[i].reserved[0], r[i].reserved[1], r[i].reserved[2]);
			vc_expected(c, "00 00 00");
			return false;
		}
	return true;
}

static bool one_msi(struct vc_ctx *c, uint32_t ep, const struct iommu_resv_mem *r, unsigned n)
{
	unsigned msi = 0;

	for (unsigned i = 0; i < n; i++)
		msi += r[i].subtype == IOMMU_RESV_MEM_T_MSI;
	if (msi > 1) {
		vc_fail(c, "endpoint 0x%x has %u MSI regions", ep, msi);
		vc_observed(c, "%u RESV_MEM properties of subtype MSI", msi);
		vc_expected(c, "at most one");
	}
	return msi <= 1;
}

static bool no_overlap(struct vc_ctx *c, uint32_t ep, const struct iommu_resv_mem *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (r[i].start <= r[j].end && r[j].start <= r[i].end) {
				vc_fail(c, "endpoint 0x%x: RESV_MEM regions %u and %u overlap", ep, i, j);
				vc_observed(c, "[0x%llx, 0x%llx] and [0x%llx, 0x%llx]", (unsigned long long)r[i].start,
					    (unsigned long long)r[i].end, (unsigned long long)r[j].start,
					    (unsigned long long)r[j].end);
				vc_expected(c, "disjoint regions");
				return false;
			}
	return true;
}

static void resv_reserved_zero(struct vc_ctx *c) { each_resv_mem(c, reserved_zero); }
static void resv_one_msi(struct vc_ctx *c) { each_resv_mem(c, one_msi); }
static void resv_no_overlap(struct vc_ctx *c) { each_resv_mem(c, no_overlap); }

/* A MAP of one granule at `at`, which overlaps region r: refused. False
 * once the clause is over. */
static bool map_refused(struct vi *v, uint32_t domain, uint32_t ep, const struct iommu_resv_mem *r, uint64_t at,
			const char *where)
{
	struct iommu_tail t;
	int rc = iommu_map(&v->io, domain, at, at + v->g - 1, vi_iova(v, 0), IOMMU_MAP_F_READ | IOMMU_MAP_F_WRITE, &t);

	if (!rc && t.used && t.status == IOMMU_S_OK) {
		vc_fail(v->c, "MAP over endpoint 0x%x's reserved region (its %s) succeeded", ep, where);
		vc_observed(v->c, "status OK for [0x%llx, 0x%llx], which overlaps %s region [0x%llx, 0x%llx]",
			    (unsigned long long)at, (unsigned long long)(at + v->g - 1),
			    r->subtype == IOMMU_RESV_MEM_T_MSI ? "the MSI" : "the reserved", (unsigned long long)r->start,
			    (unsigned long long)r->end);
		vc_expected(v->c, "the MAP rejected (the driver should not send it)");
		return false;
	}
	if (rc) {
		vi_expect(v, rc, &t, IOMMU_S_INVAL, "MAP over a reserved region");
		return false;
	}
	return true;
}

/* MAP of the granule holding each region's first byte, and of the one
 * holding its last (end is inclusive): each refused. */
static void resv_map_refused(struct vc_ctx *c)
{
	struct iommu_resv_mem r[VI_PROPS_MAX];
	uint32_t domain, ep;
	unsigned n;
	struct vi v;

	if (!vi_start(c, &v, 0, VI_F(VIRTIO_IOMMU_F_PROBE) | VI_F(VIRTIO_IOMMU_F_MAP_UNMAP)) ||
	    !vi_need_endpoints(&v, 1) || !vi_domain(&v, 0, &domain) ||
	    !vi_resv_mem(&v, ep = v.ep[0], r, VI_PROPS_MAX, &n) ||
	    !vi_attach(&v, domain, ep, 0))
		return;
	if (!n) {
		vc_skip(c, "endpoint 0x%x reports no reserved region", ep);
		return;
	}
	for (unsigned k = 0; k < n; k++) {
		uint64_t first = r[k].start & ~(v.g - 1), last = r[k].end & ~(v.g - 1);
		if (r[k].end < r[k].start)
			continue;               /* iommu.resv-mem.* look at the region itself */
		if (!map_refused(&v, domain, ep, &r[k], first, "first byte") ||
		    (last != first && !map_refused(&v, domain, ep, &r[k], last, "last byte, end being inclusive")))
			return;
	}
	vc_note(c, "MAPs over the %u reserved region(s) refused", n);
}

#define PROBES VI_F(VIRTIO_IOMMU_F_PROBE)

static void unknown_endpoint_noent(struct vc_ctx *c) { vi_absent_noent(c, IOMMU_T_PROBE); }

static const struct vc_clause clauses[] = {
	{ "iommu.probe.reserved-ignored", L_IOMMU_PROBE, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-PROBE-DEV-1",
	  "PROBE with its reserved bytes nonzero (the driver should zero them) answers as with them zero.", NULL,
	  reserved_ignored, PROBES, 2, NULL, VI_REACH },
	{ "iommu.probe.unknown-endpoint-noent", L_IOMMU_PROBE, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-PROBE-DEV-2", "PROBE of an endpoint ID no device has on the platform is rejected with NOENT.", NULL,
	  unknown_endpoint_noent, PROBES, 2, NULL, VI_REACH },
	{ "iommu.probe.not-offered-untouched", L_IOMMU_PROBE, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-PROBE-DEV-3", "A device that does not offer PROBE leaves a PROBE request's writable bytes untouched.",
	  NULL, unoffered_untouched, 0, 2, NULL, VI_SIM ",no-probe" },
	{ "iommu.probe.not-offered-used-len-0", L_IOMMU_PROBE, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-PROBE-DEV-4", "A device that does not offer PROBE uses a PROBE request with length 0.", NULL,
	  unoffered_used_len, 0, 2, NULL, VI_SIM ",no-probe" },
	{ "iommu.probe.property-reserved-zero", L_IOMMU_PROBE, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-PROBE-DEV-5", "Each property's reserved bits (the top 4 of its first word) are zero.", NULL,
	  property_reserved_zero, PROBES, 2, NULL, VI_REACH },
	{ "iommu.probe.property-length", L_IOMMU_PROBE, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-PROBE-DEV-6",
	  "A RESV_MEM property's length is its size without the header: 20.", NULL, property_length, PROBES, 2, NULL, VI_REACH },
	{ "iommu.probe.properties-walk", L_IOMMU_PROBE, VC_MUST, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-PROBE-DEV-7",
	  "Properties follow each other length + 4 bytes apart: the walk stays within probe_size and nothing lies "
	  "past its end.", NULL, properties_walk, PROBES, 2, NULL, VI_REACH },
	{ "iommu.probe.zero-filled", L_IOMMU_PROBE, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-PROBE-DEV-10",
	  "The bytes of probe_size after the last property are zeroed (pre-filled 0xff).", NULL, zero_filled, PROBES,
	  2, NULL, VI_REACH },
	{ "iommu.resv-mem.reserved-zero", L_IOMMU_RESVMEM, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-RESVMEM-DEV-1", "Each RESV_MEM property's reserved bytes are zero.", NULL, resv_reserved_zero, PROBES,
	  2, NULL, VI_REACH },
	{ "iommu.resv-mem.one-msi", L_IOMMU_RESVMEM, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-RESVMEM-DEV-2", "No endpoint has more than one MSI region.", NULL, resv_one_msi, PROBES, 2, NULL, VI_REACH },
	{ "iommu.resv-mem.no-overlap", L_IOMMU_RESVMEM, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-RESVMEM-DEV-3", "An endpoint's RESV_MEM regions do not overlap each other.", NULL, resv_no_overlap,
	  PROBES, 2, NULL, VI_REACH },
	{ "iommu.resv-mem.map-refused", L_IOMMU_RESVMEM, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-RESVMEM-DEV-4", "MAP over a reserved region of an attached endpoint (the driver should not send it) is "
	  "rejected: the granule of each region's first byte, and of its last (end is inclusive).", NULL, resv_map_refused, PROBES | VI_F(VIRTIO_IOMMU_F_MAP_UNMAP), 2, NULL, VI_REACH },
};
VC_DEVICE_SUITE(suite_iommu_probe, clauses, VIRTIO_ID_IOMMU);
