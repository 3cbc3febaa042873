/* The zoned characteristics (VIRTIO_BLK_F_ZONED): each field in the
 * configuration checked against what the device then does: the model, the
 * zone size against the zone report, the open and active limits reached
 * and not passed, the largest append and the write granularity accepted,
 * the bounds and padding. */
#include <string.h>
#include "zoned.h"

static void model(struct vc_ctx *c)
{
	struct blk b;
	uint64_t v;

	if (!blk_start(c, &b, ZONED) || !blk_cfg(&b, VC_BLK_CFG_MODEL, 1, &v))
		return;
	if (v > VC_BLK_Z_HA) {
		vc_fail(c, "with VIRTIO_BLK_F_ZONED negotiated, model is %llu", (unsigned long long)v);
		vc_observed(c, "model %llu", (unsigned long long)v);
		vc_expected(c, "0 (NONE), 1 (HM) or 2 (HA)");
	}
}

static void padding_zero(struct vc_ctx *c)
{
	struct zoned zd;
	uint64_t v;

	if (!zoned_start(c, &zd, 0))
		return;
	for (unsigned off = VC_BLK_CFG_UNUSED2; off < VC_BLK_CFG_LEN; off++) {
		if (!blk_cfg(&zd.b, off, 1, &v))
			break;
		if (v) {
			vc_fail(c, "padding byte unused2[%u] (offset %u) is not 0", off - VC_BLK_CFG_UNUSED2, off);
			vc_observed(c, "0x%02llx", (unsigned long long)v);
			vc_expected(c, "0x00");
			break;
		}
	}
	zoned_end(&zd);
}

/* Every zone starts zone_sectors after the one before, and the zones
 * cover the capacity: as many as (capacity + zone_sectors - 1) / zone_sectors. */
static void zone_sectors(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_zone *z;
	unsigned n;

	if (!zoned_start(c, &zd, 0))
		return;
	if (!zd.zone_sectors) {
		vc_fail(c, "zone_sectors is 0");
		vc_observed(c, "zone_sectors 0");
		vc_expected(c, "the size of a zone");
		return;
	}
	uint64_t want = (zd.b.capacity + zd.zone_sectors - 1) / zd.zone_sectors;
	unsigned max = want < 16384 ? (unsigned)want : 16384;
	if (!(z = vc_clause_alloc(c, (max + 1) * sizeof(*z))))
		return;
	if (blk_report(&zd.b, 0, z, max + 1, &n)) {
		bool bad = false;
		for (unsigned i = 0; i < n && !bad; i++)
			if (z[i].start != (uint64_t)i * zd.zone_sectors || z[i].cap > zd.zone_sectors) {
				bad = true;
				vc_fail(c, "zone %u does not match zone_sectors %u", i, zd.zone_sectors);
				vc_observed(c, "z_start %llu, z_cap %llu", (unsigned long long)z[i].start,
					    (unsigned long long)z[i].cap);
				vc_expected(c, "z_start %llu, z_cap <= %u", (unsigned long long)i * zd.zone_sectors,
					    zd.zone_sectors);
			}
		if (!bad && n != (unsigned)want && max == want) {
			vc_fail(c, "the zone report lists %u zones for %llu sectors of %u-sector zones", n,
				(unsigned long long)zd.b.capacity, zd.zone_sectors);
			vc_observed(c, "%u zones", n);
			vc_expected(c, "%llu zones", (unsigned long long)want);
		}
	}
	zoned_end(&zd);
}

/* The limit reached with ZONE_OPEN, then one zone more refused with a
 * resource status. */
static void max_open(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	unsigned next;

	if (!zoned_start(c, &zd, 0))
		return;
	if (!zd.max_open) {
		vc_note(c, "max_open_zones 0: no limit to reach; 4 zones opened");
		if (zoned_open_many(&zd, 4, &next))
			zoned_end(&zd);
		return;
	}
	if (zd.max_active && zd.max_active < zd.max_open) {
		vc_skip(c, "max_active_zones %u is below max_open_zones %u: the open limit cannot be reached",
			zd.max_active, zd.max_open);
		return;
	}
	if (zoned_open_many(&zd, zd.max_open, &next)) {
		int i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_EMPTY, zd.max_open, "empty sequential zone past those opened");
		if (i >= 0 && zoned_op(&zd, VC_BLK_T_ZONE_OPEN, zd.z[i].start, &r) &&
		    r.status != VC_BLK_S_ZONE_OPEN_RESOURCE && r.status != VC_BLK_S_ZONE_ACTIVE_RESOURCE) {
			vc_fail(c, "with max_open_zones (%u) zones open, one more ZONE_OPEN completed with %s", zd.max_open,
				vc_blk_status_name(r.status));
			vc_observed(c, "status %u (%s)", r.status, vc_blk_status_name(r.status));
			vc_expected(c, "ZONE_OPEN_RESOURCE (or ZONE_ACTIVE_RESOURCE)");
		}
	}
	zoned_end(&zd);
}

/* max_active_zones zones made closed (written, then ZONE_CLOSE), then one
 * zone more opened: ZONE_ACTIVE_RESOURCE. */
static void max_active(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	unsigned done = 0, limit;

	if (!zoned_start(c, &zd, 0))
		return;
	limit = zd.max_active ? zd.max_active : 4;
	for (unsigned i = 0; i < zd.n && done < limit; i++) {
		if (!(ZT_SEQ & ZT(zd.z[i].type)) || zd.z[i].state != VC_BLK_ZS_EMPTY)
			continue;
		if (!zoned_out(&zd, VC_BLK_T_OUT, zd.z[i].start, zd.w, 1, &r) ||
		    !blk_status(&zd.b, &r, VC_BLK_S_OK, "activating zones by writes") ||
		    !zoned_op(&zd, VC_BLK_T_ZONE_CLOSE, zd.z[i].start, &r) ||
		    !blk_status(&zd.b, &r, VC_BLK_S_OK, "closing a written zone"))
			goto out;
		zd.z[i].state = VC_BLK_ZS_CLOSED;
		done++;
	}
	if (done < limit) {
		vc_skip(c, "only %u empty sequential zones among the first %u, %u needed", done, zd.n, limit + 1);
		goto out;
	}
	if (!zd.max_active) {
		vc_note(c, "max_active_zones 0: no limit to reach; %u zones made active", done);
		goto out;
	}
	int i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_EMPTY, 0, "empty sequential zone past those made active");
	if (i >= 0 && zoned_op(&zd, VC_BLK_T_ZONE_OPEN, zd.z[i].start, &r) && r.status != VC_BLK_S_ZONE_ACTIVE_RESOURCE) {
		vc_fail(c, "with max_active_zones (%u) zones closed, ZONE_OPEN of one more completed with %s",
			zd.max_active, vc_blk_status_name(r.status));
		vc_observed(c, "status %u (%s)", r.status, vc_blk_status_name(r.status));
		vc_expected(c, "ZONE_ACTIVE_RESOURCE");
	}
out:
	zoned_end(&zd);
}

/* A ZONE_APPEND of max_append_sectors (or the zone's capacity, if less,
 * in whole write units) to an empty SWR zone succeeds. */
static void max_append(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	if (!zd.max_append)
		vc_skip(c, "max_append_sectors 0: no ZONE_APPEND");
	else if ((i = zoned_find(&zd, ZT(VC_BLK_ZT_SWR), VC_BLK_ZS_EMPTY, 0, "empty sequential-write-required zone")) >= 0) {
		uint64_t n = zd.max_append < zd.z[i].cap ? zd.max_append : zd.z[i].cap;
		n -= n % zd.unit;
		if (!n)
			vc_skip(c, "max_append_sectors %u is below the %u-sector write unit", zd.max_append, zd.unit);
		else if (zoned_out(&zd, VC_BLK_T_ZONE_APPEND, zd.z[i].start, (uint32_t)n, 2, &r) && r.status != VC_BLK_S_OK) {
			vc_fail(c, "a ZONE_APPEND of %llu sectors (max_append_sectors %u) completed with %s",
				(unsigned long long)n, zd.max_append, vc_blk_status_name(r.status));
			vc_observed(c, "status %u (%s)", r.status, vc_blk_status_name(r.status));
			vc_expected(c, "OK");
		}
	}
	zoned_end(&zd);
}

static void max_append_within_segments(struct vc_ctx *c)
{
	struct zoned zd;
	uint64_t seg_max, size_max;

	if (!blk_offered(c, BLK_F(VC_BLK_F_SEG_MAX) | BLK_F(VC_BLK_F_SIZE_MAX)) ||
	    !zoned_start(c, &zd, BLK_F(VC_BLK_F_SEG_MAX) | BLK_F(VC_BLK_F_SIZE_MAX)))
		return;
	if (blk_cfg(&zd.b, VC_BLK_CFG_SEG_MAX, 4, &seg_max) && blk_cfg(&zd.b, VC_BLK_CFG_SIZE_MAX, 4, &size_max) &&
	    (uint64_t)zd.max_append * VC_BLK_SECTOR > seg_max * size_max) {
		vc_fail(c, "max_append_sectors exceeds seg_max * size_max");
		vc_observed(c, "max_append_sectors %u (%llu bytes), seg_max %llu, size_max %llu", zd.max_append,
			    (unsigned long long)zd.max_append * VC_BLK_SECTOR, (unsigned long long)seg_max,
			    (unsigned long long)size_max);
		vc_expected(c, "at most %llu bytes", (unsigned long long)(seg_max * size_max));
	}
	zoned_end(&zd);
}

/* Writes of one write unit at the write pointer, twice: both succeed and
 * the write pointer moves by a unit each time. */
static void write_granularity(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	if (!zd.gran) {
		vc_fail(c, "write_granularity is 0");
		vc_observed(c, "write_granularity 0");
		vc_expected(c, "the alignment writes to sequential zones need, in bytes");
	} else if ((i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_EMPTY, 0, "empty sequential zone")) >= 0) {
		uint64_t at = zd.z[i].start;
		bool ok = true;
		for (unsigned k = 0; k < 2 && ok; k++, at += zd.unit) {
			ok = zoned_out(&zd, VC_BLK_T_OUT, at, zd.unit, 3, &r);
			if (ok && r.status != VC_BLK_S_OK) {
				ok = false;
				vc_fail(c, "a write of %u sectors (write_granularity %u bytes) at the write pointer %llu "
					   "completed with %s", zd.unit, zd.gran, (unsigned long long)at,
					vc_blk_status_name(r.status));
				vc_observed(c, "status %u (%s)", r.status, vc_blk_status_name(r.status));
				vc_expected(c, "OK");
			}
		}
		if (ok)
			zoned_expect(&zd, (unsigned)i, VC_BLK_ZS_IOPEN, zd.z[i].start + 2 * zd.unit,
				     "after two writes of one write unit");
	}
	zoned_end(&zd);
}

static void secure_erase_alignment(struct vc_ctx *c)
{
	struct zoned zd;
	uint64_t align;

	if (!blk_offered(c, BLK_F(VC_BLK_F_SECURE_ERASE)) || !zoned_start(c, &zd, BLK_F(VC_BLK_F_SECURE_ERASE)))
		return;
	if (blk_cfg(&zd.b, VC_BLK_CFG_SECURE_ERASE_ALIGNMENT, 4, &align) &&
	    (!zd.zone_sectors || align % zd.zone_sectors || !align)) {
		vc_fail(c, "secure_erase_sector_alignment is not a multiple of zone_sectors");
		vc_observed(c, "secure_erase_sector_alignment %llu, zone_sectors %u", (unsigned long long)align,
			    zd.zone_sectors);
		vc_expected(c, "a nonzero multiple of %u", zd.zone_sectors);
	}
	zoned_end(&zd);
}

#define ZREQ VC_REQ(VC_BLK_F_ZONED)

static const struct vc_clause clauses[] = {
	{ "blk.zoned.model", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES, "BLK-INIT-DEV-9",
	  "With VIRTIO_BLK_F_ZONED negotiated, model is NONE, HM or HA.", NULL, model, ZREQ },
	{ "blk.zoned.padding-zero", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES, "BLK-INIT-DEV-18",
	  "A host-managed or host-aware device's padding unused2 reads 0.", NULL, padding_zero, ZREQ },
	{ "blk.zoned.zone-sectors", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES, "BLK-INIT-DEV-10",
	  "The zone report's zones start zone_sectors apart, none holds more, and they cover the capacity.", NULL,
	  zone_sectors, ZREQ },
	{ "blk.zoned.max-open-zones", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES, "BLK-INIT-DEV-12",
	  "max_open_zones zones can be opened with ZONE_OPEN, and one more is refused with a resource status.", NULL,
	  max_open, ZREQ },
	{ "blk.zoned.max-active-zones", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES, "BLK-INIT-DEV-13",
	  "max_active_zones zones can be made active (written, closed), and opening one more is refused with "
	  "ZONE_ACTIVE_RESOURCE.", NULL, max_active, ZREQ },
	{ "blk.zoned.max-append-sectors", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES, "BLK-INIT-DEV-14",
	  "A ZONE_APPEND of max_append_sectors (or the zone's capacity if less) to an empty zone succeeds.", NULL,
	  max_append, ZREQ },
	{ "blk.zoned.max-append-within-segments", L_BLK_INIT, VC_MUST_NOT, VC_DEVICE_RULE, "1.3", BLK_DRIVES,
	  "BLK-INIT-DEV-15", "max_append_sectors (in bytes) is no more than seg_max * size_max.", NULL,
	  max_append_within_segments, ZREQ },
	{ "blk.zoned.write-granularity", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES, "BLK-INIT-DEV-17",
	  "Writes of write_granularity (in whole sectors) at the write pointer of an empty zone succeed and move it.",
	  NULL, write_granularity, ZREQ },
	{ "blk.zoned.secure-erase-alignment", L_BLK_OP, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES, "BLK-OP-DEV-39",
	  "With VIRTIO_BLK_F_ZONED and VIRTIO_BLK_F_SECURE_ERASE, secure_erase_sector_alignment is a multiple of "
	  "zone_sectors.", NULL, secure_erase_alignment, ZREQ | VC_REQ(VC_BLK_F_SECURE_ERASE) },
};

VC_DEVICE_SUITE(suite_blk_zoned_config, clauses, 2);
