/* Hostile-driver probes of virtio-iommu: ROBUSTNESS, not spec verdicts
 * (see probes.c). The spec says what a device should answer to these
 * requests (UNMAP that would split a mapping: RANGE, nothing removed;
 * PROBE with too small a properties area: INVAL, no property written), but
 * a driver must never send them, so the answers are notes; the verdict is
 * whether the device stays sane: it answers, writes nothing outside the
 * buffers it was given, and serves requests again after a reset. */
#include <errno.h>
#include <string.h>
#include "vc/clause.h"
#include "iommu/iommu.h"

#define PROFILE "robustness"
#define LABEL "Robustness: a hostile driver (not a spec rule)"

/* After the provocation: guards intact, a reset, and a DETACH answered. */
static void stays_sane(struct vc_ctx *c, struct vi *v, const char *after)
{
	uint64_t where;
	uint8_t got;
	struct iommu_tail t;
	int rc = vc_dma_guard_check(c->dev, &where, &got);

	if (rc == -EFAULT) {
		vc_fail(c, "after %s, the device wrote outside the buffers it was given", after);
		vc_observed(c, "byte at 0x%llx changed to 0x%02x", (unsigned long long)where, got);
		vc_expected(c, "guard bytes untouched");
		return;
	}
	if (rc || (rc = vc_dev_open(&v->io.dev, c->dev, c->probe, NULL, IOMMU_QUEUES, false)) ||
	    (rc = iommu_detach(&v->io, 1, v->nep ? v->ep[0] : 0, &t)) || !t.used) {
		vc_fail(c, "after %s, the device no longer answers: %s", after, rc ? strerror(-rc) : "DETACH unwritten");
		vc_observed(c, "%s", c->dev->note[0] ? c->dev->note : "no answer");
		vc_expected(c, "a device that survives a driver's bad request");
	}
}

static bool begin(struct vc_ctx *c, struct vi *v, uint64_t need)
{
	int rc;

	if (!vi_start(c, v, 0, need))
		return false;
	if ((rc = vc_dma_guard(c->dev)))
		vc_error(c, "guard canaries: %s", strerror(-rc));
	return rc == 0;
}

/* MAP again of [at, at + len - 1]: OK means the UNMAP removed it. */
static const char *kept(struct vi *v, uint32_t domain, uint64_t at, uint64_t len)
{
	struct iommu_tail t;

	if (iommu_map(&v->io, domain, at, at + len - 1, at, IOMMU_MAP_F_READ, &t) || !t.used)
		return "unknown";
	return t.status == IOMMU_S_OK ? "removed" : "kept";
}

static void unmap_splits_mapping(struct vc_ctx *c)
{
	struct iommu_tail t;
	uint32_t domain;
	struct vi v;
	int rc;

	if (!begin(c, &v, VI_F(VIRTIO_IOMMU_F_MAP_UNMAP)) || !vi_need_endpoints(&v, 1) ||
	    !vi_domain(&v, 0, &domain) || !vi_attach(&v, domain, v.ep[0], 0))
		return;
	uint64_t g = v.g, i = vi_iova(&v, 0), j = vi_iova(&v, 8);
	/* the spec's example (4): a = map(0, 9); unmap(0, 4) */
	if (!vi_map(&v, domain, i, i, 2 * g, IOMMU_MAP_F_READ))
		return;
	if ((rc = iommu_unmap(&v.io, domain, i, i + g - 1, &t))) {
		vc_fail(c, "UNMAP of half a mapping was never answered: %s", strerror(-rc));
		return;
	}
	vc_note(c, "UNMAP of the first half of a 2-page mapping: %s, the mapping %s (the spec: RANGE, kept)",
		iommu_status_name(t.status), kept(&v, domain, i, 2 * g));
	/* a = map(0, 4), b = map(5, 14); unmap(0, 9): a covered, b split */
	if (!vi_map(&v, domain, j, j, g, IOMMU_MAP_F_READ) || !vi_map(&v, domain, j + g, j + g, 2 * g, IOMMU_MAP_F_READ))
		return;
	if ((rc = iommu_unmap(&v.io, domain, j, j + 2 * g - 1, &t))) {
		vc_fail(c, "UNMAP over a whole mapping and half the next was never answered: %s", strerror(-rc));
		return;
	}
	vc_note(c, "UNMAP over mapping a and half of b: %s, a %s, b %s (the spec: RANGE, both kept)",
		iommu_status_name(t.status), kept(&v, domain, j, g), kept(&v, domain, j + g, 2 * g));
	stays_sane(c, &v, "UNMAP requests that split a mapping");
}

static void probe_short_properties(struct vc_ctx *c)
{
	static uint8_t props[IOMMU_PROBE_SIZE_MAX];
	uint8_t req[IOMMU_PROBE_LEN];
	struct iommu_tail t;
	struct vi v;
	int rc;

	if (!begin(c, &v, VI_F(VIRTIO_IOMMU_F_PROBE)) || !vi_need_endpoints(&v, 1))
		return;
	if (v.io.cfg.probe_size < 8 || v.io.cfg.probe_size > IOMMU_PROBE_SIZE_MAX) {
		vc_skip(c, "probe_size %u leaves no shorter area to try", v.io.cfg.probe_size);
		return;
	}
	iommu_build_probe(req, v.ep[0]);
	rc = iommu_probe(&v.io, req, v.io.cfg.probe_size / 2, 0xff, props, &t);
	if (rc) {
		vc_fail(c, "a PROBE with %u bytes of properties (probe_size %u) was never answered: %s",
			v.io.cfg.probe_size / 2, v.io.cfg.probe_size, strerror(-rc));
		vc_observed(c, "%s", c->dev->note[0] ? c->dev->note : "no used buffer");
		vc_expected(c, "an answer (the spec: INVAL, no property written)");
		return;
	}
	bool written = false;
	for (uint32_t k = 0; k < v.io.cfg.probe_size / 2; k++)
		written |= props[k] != 0xff;
	vc_note(c, "PROBE with half of probe_size: status %s, used length %u, properties %s (the spec: INVAL, none "
		   "written)", iommu_status_name(t.status), t.used, written ? "written" : "untouched");
	stays_sane(c, &v, "a PROBE with too few bytes for its properties");
}

#define PROBE_IOMMU(id, breaks, summary, fn, features) \
	{ id, LABEL, VC_MAY, VC_ROBUSTNESS, "1.2", VI_DRIVES, "", summary, PROFILE, fn, features, 2, breaks, VI_REACH }

static const struct vc_clause clauses[] = {
	PROBE_IOMMU("probe.iommu.unmap-splits-mapping", "IOMMU-UNMAP-DRV-4 IOMMU-UNMAP-DRV-5",
		    "UNMAP ranges that start or end inside a mapping: the device stays sane (the answers, RANGE with "
		    "nothing removed in the spec's words, are noted).", unmap_splits_mapping,
		    VI_F(VIRTIO_IOMMU_F_MAP_UNMAP)),
	PROBE_IOMMU("probe.iommu.probe-short-properties", "IOMMU-PROBE-DRV-1",
		    "PROBE with half of probe_size for its properties: the device stays sane (its answer, INVAL "
		    "without properties in the spec's words, is noted).", probe_short_properties,
		    VI_F(VIRTIO_IOMMU_F_PROBE)),
};
VC_DEVICE_SUITE(suite_iommu_probes, clauses, VIRTIO_ID_IOMMU);
