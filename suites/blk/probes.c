/* Hostile-driver probes of the block device (profile robustness, side
 * robustness: not spec verdicts). Each breaks the driver rule named in
 * `breaks` on purpose; where the spec then tells the device what to answer
 * (a device rule only such a request reaches), the probe checks that
 * answer, and always that the disk is left as it was. */
#include <string.h>
#include "blk.h"
#include "zoned.h"

#define PROFILE "robustness"
#define LABEL "Robustness: a hostile driver (not a spec rule)"

static bool not_ok(struct blk *b, const struct vc_blk_req *r, const char *what)
{
	if (r->status != VC_BLK_S_OK)
		return true;
	vc_fail(b->c, "%s: the %s completed with OK", what, blk_what(r));
	vc_observed(b->c, "status OK");
	vc_expected(b->c, "an error status");
	return false;
}

static bool same_sector(struct blk *b, uint64_t at, const uint8_t *was, const char *what)
{
	uint8_t now[VC_BLK_SECTOR];

	if (!blk_read(b, at, 1, now))
		return false;
	if (!memcmp(now, was, sizeof(now)))
		return true;
	vc_fail(b->c, "%s changed sector %llu", what, (unsigned long long)at);
	vc_observed(b->c, "%s", blk_bytes(now, sizeof(now)));
	vc_expected(b->c, "%s, as before", blk_bytes(was, VC_BLK_SECTOR));
	return false;
}

/* Reads and writes running past capacity, and at a sector whose byte
 * offset wraps round 2^64 to 0: refused, sector 0 and the last sector as
 * they were. */
static void past_capacity(struct vc_ctx *c)
{
	static const uint64_t wrap = 1ull << 55;       /* * 512 = 2^64 */
	uint8_t first[VC_BLK_SECTOR], last[VC_BLK_SECTOR], data[2 * VC_BLK_SECTOR];
	uint64_t want = 0;
	struct vc_blk_req r;
	struct blk b;

	want |= vc_offers(c->probe, VC_BLK_F_RO) ? BLK_F(VC_BLK_F_RO) : 0;
	want |= vc_offers(c->probe, VC_BLK_F_ZONED) ? BLK_F(VC_BLK_F_ZONED) : 0;
	if (!blk_start(c, &b, want) || !blk_read(&b, 0, 1, first) || !blk_read(&b, b.capacity - 1, 1, last))
		return;
	uint64_t at[2] = { b.capacity - 1, wrap };
	for (unsigned i = 0; i < 2; i++) {
		vc_blk_init(&r, VC_BLK_T_IN, at[i], sizeof(data));
		if (!blk_do(&b, &r, NULL) || !not_ok(&b, &r, "a read past capacity"))
			return;
	}
	bool ro = vc_negotiated(&b.drv, VC_BLK_F_RO), zoned = vc_negotiated(&b.drv, VC_BLK_F_ZONED);
	for (unsigned i = 0; i < 2 && !ro && !zoned; i++) {
		vc_blk_pattern_fill(data, at[i], sizeof(data), 60);
		vc_blk_init(&r, VC_BLK_T_OUT, at[i], sizeof(data));
		if (!blk_do(&b, &r, data) || !not_ok(&b, &r, "a write past capacity") ||
		    !same_sector(&b, 0, first, "a write past capacity") ||
		    !same_sector(&b, b.capacity - 1, last, "a write past capacity"))
			return;
	}
}

static void discard_unmap(struct vc_ctx *c)
{
	struct vc_blk_req r;
	struct blk b;
	uint64_t at;

	if (vc_offers(c->probe, VC_BLK_F_RO)) {
		vc_skip(c, "a read-only medium may fail DISCARD with IOERR first");
		return;
	}
	if (blk_start(c, &b, BLK_F(VC_BLK_F_DISCARD)) && blk_scratch(&b, 8, &at) &&
	    blk_segment_do(&b, VC_BLK_T_DISCARD, at, 8, VC_BLK_SEG_F_UNMAP, &r))
		blk_status(&b, &r, VC_BLK_S_UNSUPP, "DISCARD with unmap set (BLK-OP-DEV-6)");
}

/* ZONE_APPEND naming a sector inside an empty SWR zone, not its start. */
static void append_mid_zone(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i = -1;

	if (!zoned_start(c, &zd, 0))
		return;
	if (zd.max_append < zd.w)
		vc_skip(c, "max_append_sectors %u: no ZONE_APPEND of %u sectors", zd.max_append, zd.w);
	else
		i = zoned_find(&zd, ZT(VC_BLK_ZT_SWR), VC_BLK_ZS_EMPTY, 0, "empty sequential-write-required zone");
	if (i >= 0 && zoned_out(&zd, VC_BLK_T_ZONE_APPEND, zd.z[i].start + zd.w, zd.w, 61, &r) &&
	    blk_status(&zd.b, &r, VC_BLK_S_ZONE_INVALID_CMD, "ZONE_APPEND inside a zone (BLK-OP-DEV-27)"))
		zoned_expect(&zd, (unsigned)i, VC_BLK_ZS_EMPTY, zd.z[i].start, "after the refused append");
	zoned_end(&zd);
}

/* A write at the start of an empty sequential zone, one unit longer than
 * the zone's writable capacity (zones of up to 1 MiB). */
static void write_past_zone(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	if ((i = zoned_find(&zd, ZT_SEQ, VC_BLK_ZS_EMPTY, 0, "empty sequential zone")) >= 0) {
		uint64_t n = zd.z[i].cap + zd.unit;
		if (n > 2048)
			vc_skip(c, "the zone's capacity (%llu sectors) is too large for one write", (unsigned long long)zd.z[i].cap);
		else if (zoned_out(&zd, VC_BLK_T_OUT, zd.z[i].start, (uint32_t)n, 62, &r) &&
			 blk_status(&zd.b, &r, VC_BLK_S_ZONE_INVALID_CMD,
				    "a write past the zone's writable capacity (BLK-OP-DEV-28)"))
			zoned_expect(&zd, (unsigned)i, VC_BLK_ZS_EMPTY, zd.z[i].start, "after the refused write");
	}
	zoned_end(&zd);
}

/* ZONE_APPEND one unit larger than max_append_sectors: ZONE_INVALID_CMD,
 * or UNSUPP when max_append_sectors is 0. */
static void append_over_limit(struct vc_ctx *c)
{
	struct zoned zd;
	struct vc_blk_req r;
	int i;

	if (!zoned_start(c, &zd, 0))
		return;
	uint32_t n = (zd.max_append + zd.unit - 1) / zd.unit * zd.unit + zd.unit;
	if ((i = zoned_find(&zd, ZT(VC_BLK_ZT_SWR), VC_BLK_ZS_EMPTY, 0, "empty sequential-write-required zone")) >= 0) {
		if (n > zd.z[i].cap || n > 2048)
			vc_skip(c, "an append past max_append_sectors (%u) would not fit the zone", zd.max_append);
		else if (zoned_out(&zd, VC_BLK_T_ZONE_APPEND, zd.z[i].start, n, 63, &r))
			blk_status(&zd.b, &r, zd.max_append ? VC_BLK_S_ZONE_INVALID_CMD : VC_BLK_S_UNSUPP,
				   "ZONE_APPEND larger than max_append_sectors (BLK-OP-DEV-30/31)");
	}
	zoned_end(&zd);
}

#define PROBE(id, breaks, summary, fn, features) \
	{ id, LABEL, VC_MAY, VC_ROBUSTNESS, "1.0", BLK_DRIVES, "", summary, PROFILE, fn, features, 1, breaks }

static const struct vc_clause clauses[] = {
	PROBE("probe.blk.past-capacity", "BLK-OP-DRV-2",
	      "Reads and writes past capacity (and at a sector whose byte offset wraps to 0) fail, and sector 0 and "
	      "the last sector keep their data.", past_capacity, 0),
	PROBE("probe.blk.discard-unmap", "BLK-OP-DRV-14",
	      "DISCARD with unmap set completes with UNSUPP, as the device rule BLK-OP-DEV-6 (reached only so) asks.",
	      discard_unmap, VC_REQ(VC_BLK_F_DISCARD)),
	PROBE("probe.blk.zone-append-mid-zone", "BLK-OP-DRV-22",
	      "ZONE_APPEND naming a sector inside a zone completes with ZONE_INVALID_CMD (BLK-OP-DEV-27); the zone "
	      "stays empty.", append_mid_zone, VC_REQ(VC_BLK_F_ZONED)),
	PROBE("probe.blk.zone-write-past-capacity", "BLK-OP-DRV-26",
	      "A write past a zone's writable capacity completes with ZONE_INVALID_CMD (BLK-OP-DEV-28); the zone stays "
	      "empty.", write_past_zone, VC_REQ(VC_BLK_F_ZONED)),
	PROBE("probe.blk.zone-append-over-limit", "BLK-OP-DRV-24",
	      "ZONE_APPEND larger than max_append_sectors completes with ZONE_INVALID_CMD (UNSUPP when it is 0), as "
	      "BLK-OP-DEV-30/31 ask.", append_over_limit, VC_REQ(VC_BLK_F_ZONED)),
};

VC_DEVICE_SUITE(suite_blk_probes, clauses, 2);
