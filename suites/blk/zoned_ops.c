/* Zone requests on a host-managed or host-aware device, each provoked
 * within the driver rules and checked by its status and by the zone report
 * afterwards: transitions that cannot be made, resources running out,
 * ZONE_APPEND's append_sector, reads across zones, writes off the write
 * pointer, read-only and offline zones, unwritten sectors, SECURE_ERASE as
 * a zone reset. */
#include <string.h>
#include "zoned.h"

/* r completed with `want` (a FAIL naming `what` otherwise). */
static bool expect(struct zoned *zd, const struct vc_blk_req *r, uint8_t want, const char *what)
{
	return blk_status(&zd->b, r, want, what);
}

/* ZONE_OPEN, ZONE_CLOSE, ZONE_FINISH and ZONE_RESET on a conventional zone. */
static void conventional_zone_ops(struct vc_ctx *c)
{
	static const uint32_t ops[] = { VC_BLK_T_ZONE_OPEN, VC_BLK_T_ZONE_CLOSE, VC_BLK_T_ZONE_FINISH, VC_BLK_T_ZONE_RESET };
	struct zoned zd;
	struct vc_blk_req r;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	if ((i = zoned_find(&zd, ZT(VC_BLK_ZT_CONV), VC_BLK_ZS_NOT_WP, 0, "conventional zone")) >= 0)
		for (unsigned k = 0; k < 4; k++)
			if (!zoned_op(&zd, ops[k], zd.z[i].start, &r) ||
			    !expect(&zd, &r, VC_BLK_S_ZONE_INVALID_CMD, "a conventional zone"))
				break;
	zoned_end(&zd);
}

/* ZONE_APPEND (one write unit, within max_append_sectors) at the start of
 * a zone that is not sequential-write-required. */
static void append_swr_only(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i = -1;

	if (!zoned_start(c, &zd, 0))
		return;
	if (zd.max_append < zd.unit)
		vc_skip(c, "max_append_sectors %u: no ZONE_APPEND of a write unit (%u sectors) a driver may send",
			zd.max_append, zd.unit);
	else if ((i = zoned_find(&zd, ZT(VC_BLK_ZT_CONV) | ZT(VC_BLK_ZT_SWP), 0xff, 0,
				 "conventional or sequential-write-preferred zone")) >= 0 &&
		 zoned_out(&zd, VC_BLK_T_ZONE_APPEND, zd.z[i].start, zd.unit, 4, &r))
		expect(&zd, &r, VC_BLK_S_ZONE_INVALID_CMD, zd.z[i].type == VC_BLK_ZT_CONV ? "ZONE_APPEND to a conventional zone"
							   : "ZONE_APPEND to a sequential-write-preferred zone");
	zoned_end(&zd);
}

/* An empty sequential zone made full with ZONE_FINISH: its index, or -1. */
static int full_zone(struct zoned *zd)
{
	struct vc_blk_req r;
	int i = zoned_find(zd, ZT_SEQ, VC_BLK_ZS_EMPTY, 0, "empty sequential zone");

	if (i < 0 || !zoned_op(zd, VC_BLK_T_ZONE_FINISH, zd->z[i].start, &r) ||
	    !expect(zd, &r, VC_BLK_S_OK, "ZONE_FINISH of an empty zone") ||
	    !zoned_expect(zd, (unsigned)i, VC_BLK_ZS_FULL, UINT64_MAX, "after ZONE_FINISH"))
		return -1;
	zd->z[i].state = VC_BLK_ZS_FULL;
	return i;
}

/* A transition a full zone cannot make: refused, the zone still full. */
static void full_refuses(struct vc_ctx *c, uint32_t op, const char *what)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	if ((i = full_zone(&zd)) >= 0 && zoned_op(&zd, op, zd.z[i].start, &r) &&
	    expect(&zd, &r, VC_BLK_S_ZONE_INVALID_CMD, what))
		zoned_unchanged(&zd, (unsigned)i, &zd.z[i], what);
	zoned_end(&zd);
}

static void open_invalid(struct vc_ctx *c) { full_refuses(c, VC_BLK_T_ZONE_OPEN, "ZONE_OPEN of a full zone"); }
static void close_invalid(struct vc_ctx *c) { full_refuses(c, VC_BLK_T_ZONE_CLOSE, "ZONE_CLOSE of a full zone"); }

/* The open limit reached (zoned_open_limit), then one more: `op` on it
 * (ZONE_OPEN or a write) refused with a resource status, the zone still
 * empty. */
static void resources(struct vc_ctx *c, uint32_t op)
{
	struct zoned zd;
	struct vc_blk_req r;
	unsigned limit, next;

	if (!zoned_start(c, &zd, 0))
		return;
	if (!(limit = zoned_open_limit(&zd)))
		vc_skip(c, "max_open_zones and max_active_zones are 0: no resource to run out of");
	else if (zoned_open_many(&zd, limit, &next)) {
		int i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_EMPTY, limit, "empty sequential zone past those opened");
		bool sent = i >= 0 && (op == VC_BLK_T_ZONE_OPEN ? zoned_op(&zd, op, zd.z[i].start, &r)
								: zoned_out(&zd, op, zd.z[i].start, zd.w, 5, &r));
		if (sent && r.status != VC_BLK_S_ZONE_OPEN_RESOURCE && r.status != VC_BLK_S_ZONE_ACTIVE_RESOURCE) {
			vc_fail(c, "with %u zones explicitly open (max_open_zones %u, max_active_zones %u), %s of another "
				   "completed with %s", limit, zd.max_open, zd.max_active, vc_blk_type_name(op),
				vc_blk_status_name(r.status));
			vc_observed(c, "status %u (%s)", r.status, vc_blk_status_name(r.status));
			vc_expected(c, "ZONE_OPEN_RESOURCE or ZONE_ACTIVE_RESOURCE");
		} else if (sent) {
			zoned_expect(&zd, (unsigned)i, VC_BLK_ZS_EMPTY, zd.z[i].start, "after the refusal");
		}
	}
	zoned_end(&zd);
}

static void open_resources(struct vc_ctx *c) { resources(c, VC_BLK_T_ZONE_OPEN); }
static void implicit_open_resources(struct vc_ctx *c) { resources(c, VC_BLK_T_OUT); }

/* `op` on a read-only or offline zone: ZONE_INVALID_CMD, the zone as it was. */
static void broken_zone_refuses(struct vc_ctx *c, uint32_t op)
{
	struct zoned zd;
	struct vc_blk_req r;
	char what[80];
	int i = -1;

	if (!zoned_start(c, &zd, 0))
		return;
	for (unsigned k = 0; k < zd.n && i < 0; k++)
		if (zd.z[k].state == VC_BLK_ZS_RDONLY || zd.z[k].state == VC_BLK_ZS_OFFLINE)
			i = (int)k;
	if (i < 0)
		vc_skip(c, "no read-only or offline zone among the first %u zones", zd.n);
	else if (zoned_op(&zd, op, zd.z[i].start, &r)) {
		snprintf(what, sizeof(what), "%s of a %s zone", vc_blk_type_name(op),
			 zd.z[i].state == VC_BLK_ZS_RDONLY ? "read-only" : "offline");
		if (expect(&zd, &r, VC_BLK_S_ZONE_INVALID_CMD, what))
			zoned_unchanged(&zd, (unsigned)i, &zd.z[i], what);
	}
	zoned_end(&zd);
}

static void finish_invalid(struct vc_ctx *c) { broken_zone_refuses(c, VC_BLK_T_ZONE_FINISH); }
static void reset_invalid(struct vc_ctx *c) { broken_zone_refuses(c, VC_BLK_T_ZONE_RESET); }

/* Two appends of one write unit to an empty SWR zone: append_sector is
 * where each landed, the data reads back there, the write pointer follows. */
static void append_sector(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	uint8_t *buf = NULL;
	uint64_t at;
	int i = -1;

	if (!zoned_start(c, &zd, 0))
		return;
	if (zd.max_append < zd.w)
		vc_skip(c, "max_append_sectors %u: no ZONE_APPEND of two write units (%u sectors)", zd.max_append, zd.w);
	else
		i = zoned_find(&zd, ZT(VC_BLK_ZT_SWR), VC_BLK_ZS_EMPTY, 0, "empty sequential-write-required zone");
	if (i >= 0)
		buf = vc_clause_alloc(c, (size_t)zd.w * VC_BLK_SECTOR);
	for (unsigned k = 0; buf && k < 2; k++) {
		uint64_t want = zd.z[i].start + k * zd.w;
		if (!zoned_out(&zd, VC_BLK_T_ZONE_APPEND, zd.z[i].start, zd.w, 6 + k, &r) ||
		    !expect(&zd, &r, VC_BLK_S_OK, "a ZONE_APPEND of two write units") ||
		    vc_blk_append_sector(&zd.b.drv, &r, &at))
			break;
		if (at != want) {
			vc_fail(c, "ZONE_APPEND %u to the zone at %llu reports append_sector %llu", k + 1,
				(unsigned long long)zd.z[i].start, (unsigned long long)at);
			vc_observed(c, "append_sector %llu", (unsigned long long)at);
			vc_expected(c, "%llu, where the data went (the write pointer before it)", (unsigned long long)want);
			break;
		}
		/* the pattern was made for the zone's start; it is the data, wherever it landed */
		if (!blk_read(&zd.b, at, zd.w, buf) ||
		    !blk_same(&zd.b, buf, zd.z[i].start, zd.w * VC_BLK_SECTOR, (int)(6 + k), "the appended data"))
			break;
		if (k == 1)
			zoned_expect(&zd, (unsigned)i, VC_BLK_ZS_IOPEN, want + zd.w, "after two appends");
	}
	zoned_end(&zd);
}

/* A read of the last sector of an SWR zone and the first of the next. */
static void cross_zone(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i = -1;

	if (!zoned_start(c, &zd, 0))
		return;
	for (unsigned k = 0; k + 1 < zd.n && i < 0; k++)
		if (zd.z[k].type == VC_BLK_ZT_SWR && zd.z[k].state != VC_BLK_ZS_OFFLINE &&
		    zd.z[k + 1].state != VC_BLK_ZS_OFFLINE)
			i = (int)k;
	if (i < 0)
		vc_skip(c, "no sequential-write-required zone followed by a readable one among the first %u zones", zd.n);
	else {
		vc_blk_init(&r, VC_BLK_T_IN, zd.z[i + 1].start - 1, 2 * VC_BLK_SECTOR);
		if (blk_do(&zd.b, &r, NULL))
			expect(&zd, &r, VC_BLK_S_ZONE_INVALID_CMD, "a read across two zones, the first sequential-write-required");
	}
	zoned_end(&zd);
}

/* A write one unit past the write pointer of an empty SWR zone (aligned,
 * within the zone's capacity). */
static void unaligned_wp(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	if ((i = zoned_find(&zd, ZT(VC_BLK_ZT_SWR), VC_BLK_ZS_EMPTY, 0, "empty sequential-write-required zone")) >= 0 &&
	    zoned_out(&zd, VC_BLK_T_OUT, zd.z[i].start + zd.unit, zd.unit, 7, &r) &&
	    expect(&zd, &r, VC_BLK_S_ZONE_UNALIGNED_WP, "a write ahead of the write pointer"))
		zoned_expect(&zd, (unsigned)i, VC_BLK_ZS_EMPTY, zd.z[i].start, "after the refused write");
	zoned_end(&zd);
}

/* A write (and an append, where one is allowed) at the start of a
 * read-only zone: refused, its data unchanged. */
static void read_only_zone(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	uint8_t *was = NULL, *now = NULL;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_RDONLY, 0, "read-only zone");
	size_t len = (size_t)zd.unit * VC_BLK_SECTOR;
	if (i >= 0 && (was = vc_clause_alloc(c, len)) && (now = vc_clause_alloc(c, len)) &&
	    blk_read(&zd.b, zd.z[i].start, zd.unit, was) &&
	    zoned_out(&zd, VC_BLK_T_OUT, zd.z[i].start, zd.unit, 8, &r) &&
	    expect(&zd, &r, VC_BLK_S_ZONE_INVALID_CMD, "a write to a read-only zone") &&
	    (zd.max_append < zd.unit || zd.z[i].type != VC_BLK_ZT_SWR ||
	     (zoned_out(&zd, VC_BLK_T_ZONE_APPEND, zd.z[i].start, zd.unit, 8, &r) &&
	      expect(&zd, &r, VC_BLK_S_ZONE_INVALID_CMD, "a ZONE_APPEND to a read-only zone"))) &&
	    blk_read(&zd.b, zd.z[i].start, zd.unit, now) && memcmp(was, now, len)) {
		vc_fail(c, "the refused write changed the read-only zone's data");
		vc_observed(c, "%s", blk_bytes(now, len));
		vc_expected(c, "%s, as before", blk_bytes(was, len));
	}
	zoned_end(&zd);
}

/* A read and a ZONE_OPEN of an offline zone. */
static void offline_zone(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	if ((i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_OFFLINE, 0, "offline zone")) >= 0) {
		vc_blk_init(&r, VC_BLK_T_IN, zd.z[i].start, VC_BLK_SECTOR);
		if (blk_do(&zd.b, &r, NULL) && expect(&zd, &r, VC_BLK_S_ZONE_INVALID_CMD, "a read of an offline zone") &&
		    zoned_op(&zd, VC_BLK_T_ZONE_OPEN, zd.z[i].start, &r))
			expect(&zd, &r, VC_BLK_S_ZONE_INVALID_CMD, "ZONE_OPEN of an offline zone");
	}
	zoned_end(&zd);
}

/* A read of `n` sectors at `at` that must not return the pattern `seed`
 * written there before (a failed read is allowed). */
static bool not_stale(struct zoned *zd, uint64_t at, uint32_t n, unsigned seed, const char *when)
{
	struct vc_blk_req r;
	uint8_t *buf = vc_clause_alloc(zd->b.c, (size_t)n * VC_BLK_SECTOR);
	uint8_t *old = buf ? vc_clause_alloc(zd->b.c, (size_t)n * VC_BLK_SECTOR) : NULL;
	bool ok = buf && old;

	vc_blk_init(&r, VC_BLK_T_IN, at, n * VC_BLK_SECTOR);
	ok = ok && blk_do(&zd->b, &r, NULL) && !vc_blk_data(&zd->b.drv, &r, buf);
	if (ok && r.status == VC_BLK_S_OK) {
		vc_blk_pattern_fill(old, at, n * VC_BLK_SECTOR, seed);
		for (uint32_t s = 0; s < n && ok; s++)
			if (!memcmp(buf + s * VC_BLK_SECTOR, old + s * VC_BLK_SECTOR, VC_BLK_SECTOR)) {
				vc_fail(zd->b.c, "%s, sector %llu still reads the data written before", when,
					(unsigned long long)(at + s));
				vc_observed(zd->b.c, "%s", blk_bytes(buf + s * VC_BLK_SECTOR, VC_BLK_SECTOR));
				vc_expected(zd->b.c, "unwritten data: the device's fill pattern, or a failed read");
				ok = false;
			}
	}
	vc_clause_free(buf);
	vc_clause_free(old);
	return ok;
}

/* Written sectors, then ZONE_RESET: unwritten. Written again (one unit),
 * then ZONE_FINISH: what lies past that unit is unwritten too. */
static void unwritten(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	uint8_t *buf = NULL;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	if ((i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_EMPTY, 0, "empty sequential zone")) >= 0 &&
	    (buf = vc_clause_alloc(c, (size_t)2 * zd.w * VC_BLK_SECTOR))) {
		uint64_t at = zd.z[i].start;
		if (zoned_out(&zd, VC_BLK_T_OUT, at, 2 * zd.w, 9, &r) && expect(&zd, &r, VC_BLK_S_OK, "a write at the write pointer") &&
		    blk_read(&zd.b, at, 2 * zd.w, buf) && blk_same(&zd.b, buf, at, 2 * zd.w * VC_BLK_SECTOR, 9, "reading back") &&
		    zoned_op(&zd, VC_BLK_T_ZONE_RESET, at, &r) && expect(&zd, &r, VC_BLK_S_OK, "ZONE_RESET") &&
		    not_stale(&zd, at, 2 * zd.w, 9, "after ZONE_RESET") &&
		    zoned_out(&zd, VC_BLK_T_OUT, at, zd.w, 9, &r) && expect(&zd, &r, VC_BLK_S_OK, "a write after the reset") &&
		    zoned_op(&zd, VC_BLK_T_ZONE_FINISH, at, &r) && expect(&zd, &r, VC_BLK_S_OK, "ZONE_FINISH"))
			not_stale(&zd, at + zd.w, zd.w, 9, "past the write pointer of a zone ZONE_FINISH filled");
	}
	zoned_end(&zd);
}

/* A read of unwritten sectors either fails or fills the whole buffer (with
 * the device's pattern): no byte left as the driver put it. */
static void unwritten_read(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	uint8_t *buf = NULL;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	if ((i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_EMPTY, 0, "empty sequential zone")) >= 0 &&
	    (buf = vc_clause_alloc(c, (size_t)zd.unit * VC_BLK_SECTOR))) {
		uint32_t len = zd.unit * VC_BLK_SECTOR;
		vc_blk_init(&r, VC_BLK_T_IN, zd.z[i].start, len);
		if (blk_do(&zd.b, &r, NULL) && !vc_blk_data(&zd.b.drv, &r, buf) && r.status == VC_BLK_S_OK)
			for (uint32_t k = 0; k < len; k++)
				if (vc_blk_canary_run(buf, len, k) >= 4) {
					vc_fail(c, "a read of unwritten sectors completed OK, but left bytes %u.. of the "
						   "buffer as the driver put them", k);
					vc_observed(c, "%s", blk_bytes(buf + k, len - k));
					vc_expected(c, "the device's fill pattern in every byte, or a failed read");
					break;
				}
	}
	zoned_end(&zd);
}

/* A written zone, then SECURE_ERASE of it whole: empty again, as after a
 * ZONE_RESET. */
static void secure_erase_resets(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	uint64_t max;
	int i;

	if (!blk_offered(c, BLK_F(VC_BLK_F_SECURE_ERASE)) || !zoned_start(c, &zd, BLK_F(VC_BLK_F_SECURE_ERASE)))
		return;
	if (!blk_cfg(&zd.b, VC_BLK_CFG_MAX_SECURE_ERASE_SECTORS, 4, &max))
		goto out;
	if (max < zd.zone_sectors) {
		vc_skip(c, "max_secure_erase_sectors %llu is below zone_sectors %u", (unsigned long long)max, zd.zone_sectors);
		goto out;
	}
	if ((i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_EMPTY, 0, "empty sequential zone")) >= 0 &&
	    zoned_out(&zd, VC_BLK_T_OUT, zd.z[i].start, zd.w, 10, &r) && expect(&zd, &r, VC_BLK_S_OK, "a write") &&
	    blk_segment_do(&zd.b, VC_BLK_T_SECURE_ERASE, zd.z[i].start, zd.zone_sectors, 0, &r) &&
	    expect(&zd, &r, VC_BLK_S_OK, "SECURE_ERASE of a whole zone (as a ZONE_RESET of it would)"))
		zoned_expect(&zd, (unsigned)i, VC_BLK_ZS_EMPTY, zd.z[i].start, "after SECURE_ERASE of the zone");
out:
	zoned_end(&zd);
}

#define ZREQ VC_REQ(VC_BLK_F_ZONED)
#define ZONED_OP(id, kw, covers, summary, fn) \
	{ id, L_BLK_OP, kw, VC_DEVICE_RULE, "1.3", BLK_DRIVES, covers, summary, NULL, fn, ZREQ }

static const struct vc_clause clauses[] = {
	ZONED_OP("blk.zoned.conventional-zone-ops", VC_MUST, "BLK-OP-DEV-19",
		 "ZONE_OPEN, ZONE_CLOSE, ZONE_FINISH and ZONE_RESET of a conventional zone complete with ZONE_INVALID_CMD.",
		 conventional_zone_ops),
	ZONED_OP("blk.zoned.append-swr-only", VC_MUST, "BLK-OP-DEV-20",
		 "ZONE_APPEND to a zone that is not sequential-write-required completes with ZONE_INVALID_CMD.",
		 append_swr_only),
	ZONED_OP("blk.zoned.open-invalid", VC_MUST, "BLK-OP-DEV-21",
		 "ZONE_OPEN of a full zone completes with ZONE_INVALID_CMD; the zone stays full.", open_invalid),
	ZONED_OP("blk.zoned.open-resources", VC_MUST, "BLK-OP-DEV-22",
		 "ZONE_OPEN past the open (or active) limit completes with ZONE_OPEN_RESOURCE or ZONE_ACTIVE_RESOURCE; "
		 "the zone stays empty.", open_resources),
	ZONED_OP("blk.zoned.close-invalid", VC_MUST, "BLK-OP-DEV-23",
		 "ZONE_CLOSE of a full zone completes with ZONE_INVALID_CMD.", close_invalid),
	ZONED_OP("blk.zoned.finish-invalid", VC_MUST, "BLK-OP-DEV-24",
		 "ZONE_FINISH of a read-only or offline zone completes with ZONE_INVALID_CMD, the zone unchanged.",
		 finish_invalid),
	ZONED_OP("blk.zoned.reset-invalid", VC_MUST, "BLK-OP-DEV-25",
		 "ZONE_RESET of a read-only or offline zone completes with ZONE_INVALID_CMD, the zone unchanged.",
		 reset_invalid),
	ZONED_OP("blk.zoned.implicit-open-resources", VC_MUST, "BLK-OP-DEV-26",
		 "With the open limit taken by explicitly open zones, a write to another empty zone completes with "
		 "ZONE_OPEN_RESOURCE or ZONE_ACTIVE_RESOURCE.", implicit_open_resources),
	ZONED_OP("blk.zoned.append-sector", VC_MUST, "BLK-OP-DEV-29",
		 "A successful ZONE_APPEND reports in append_sector where its data went (it reads back there).",
		 append_sector),
	ZONED_OP("blk.zoned.cross-zone", VC_MUST, "BLK-OP-DEV-32",
		 "A read spanning a sequential-write-required zone and the next completes with ZONE_INVALID_CMD.",
		 cross_zone),
	ZONED_OP("blk.zoned.unaligned-wp", VC_MUST, "BLK-OP-DEV-33",
		 "A write ahead of the write pointer of a sequential-write-required zone completes with "
		 "ZONE_UNALIGNED_WP.", unaligned_wp),
	ZONED_OP("blk.zoned.read-only-zone", VC_MUST, "BLK-OP-DEV-35",
		 "Writes and appends to a read-only zone complete with ZONE_INVALID_CMD and change nothing.",
		 read_only_zone),
	ZONED_OP("blk.zoned.offline-zone", VC_MUST, "BLK-OP-DEV-36",
		 "A read and a ZONE_OPEN of an offline zone complete with ZONE_INVALID_CMD.", offline_zone),
	ZONED_OP("blk.zoned.unwritten", VC_MUST, "BLK-OP-DEV-37",
		 "Sectors past the write pointer (after ZONE_RESET, and past what ZONE_FINISH filled) do not read back "
		 "the data written there before.", unwritten),
	ZONED_OP("blk.zoned.unwritten-read", VC_MUST, "BLK-OP-DEV-38",
		 "A read of unwritten sectors fails or fills the whole buffer with the device's pattern.", unwritten_read),
	{ "blk.zoned.secure-erase-resets", L_BLK_OP, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES, "BLK-OP-DEV-41",
	  "SECURE_ERASE of a whole written zone leaves it empty, as ZONE_RESET would.", NULL, secure_erase_resets,
	  ZREQ | VC_REQ(VC_BLK_F_SECURE_ERASE) },
};

VC_DEVICE_SUITE(suite_blk_zoned_ops, clauses, 2);
