/* The zoned clauses' helpers (zoned.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "zoned.h"

static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

bool zoned_start(struct vc_ctx *c, struct zoned *zd, uint64_t want)
{
	static const unsigned off[] = { VC_BLK_CFG_ZONE_SECTORS, VC_BLK_CFG_MAX_OPEN_ZONES, VC_BLK_CFG_MAX_ACTIVE_ZONES,
					VC_BLK_CFG_MAX_APPEND_SECTORS, VC_BLK_CFG_WRITE_GRANULARITY };
	uint32_t *dst[] = { &zd->zone_sectors, &zd->max_open, &zd->max_active, &zd->max_append, &zd->gran };
	struct vc_blk_req r;
	uint64_t v;

	memset(zd, 0, sizeof(*zd));
	if (!blk_start(c, &zd->b, ZONED | want) || !blk_cfg(&zd->b, VC_BLK_CFG_MODEL, 1, &v))
		return false;
	zd->model = (uint8_t)v;
	if (zd->model != VC_BLK_Z_HM && zd->model != VC_BLK_Z_HA) {
		vc_skip(c, "zoned model %u: the rule is for host-managed and host-aware devices", zd->model);
		return false;
	}
	for (unsigned i = 0; i < 5; i++) {
		if (!blk_cfg(&zd->b, off[i], 4, &v))
			return false;
		*dst[i] = (uint32_t)v;
	}
	uint32_t g = zd->gran ? zd->gran : VC_BLK_SECTOR;
	zd->unit = g / gcd(g, VC_BLK_SECTOR);       /* lcm(granularity, 512) / 512 */
	zd->w = 2 * zd->unit;
	return zoned_op(zd, VC_BLK_T_ZONE_RESET_ALL, 0, &r) && blk_status(&zd->b, &r, VC_BLK_S_OK, "resetting every zone") &&
	       zoned_refresh(zd);
}

bool zoned_refresh(struct zoned *zd)
{
	return blk_report(&zd->b, 0, zd->z, ZONED_MAX, &zd->n);
}

int zoned_find(struct zoned *zd, unsigned types, uint8_t state, unsigned k, const char *why)
{
	for (unsigned i = 0; i < zd->n; i++) {
		const struct vc_blk_zone *z = &zd->z[i];
		bool st = state == 0xff ? z->state != VC_BLK_ZS_RDONLY && z->state != VC_BLK_ZS_OFFLINE : z->state == state;
		if ((types & ZT(z->type)) && st && k-- == 0)
			return (int)i;
	}
	vc_skip(zd->b.c, "no %s among the first %u zones", why, zd->n);
	return -1;
}

unsigned zoned_count_empty(const struct zoned *zd, unsigned types)
{
	unsigned n = 0;

	for (unsigned i = 0; i < zd->n; i++)
		n += (types & ZT(zd->z[i].type)) && zd->z[i].state == VC_BLK_ZS_EMPTY;
	return n;
}

bool zoned_op(struct zoned *zd, uint32_t type, uint64_t sector, struct vc_blk_req *r)
{
	vc_blk_init(r, type, sector, 0);
	return blk_do(&zd->b, r, NULL);
}

bool zoned_out(struct zoned *zd, uint32_t type, uint64_t sector, uint32_t nsect, unsigned seed, struct vc_blk_req *r)
{
	uint32_t len = nsect * VC_BLK_SECTOR;
	uint8_t *data = vc_clause_alloc(zd->b.c, len);
	bool ok;

	if (!data)
		return false;
	vc_blk_pattern_fill(data, sector, len, seed);
	vc_blk_init(r, type, sector, len);
	ok = blk_do(&zd->b, r, data);
	vc_clause_free(data);
	return ok;
}

const char *zoned_desc(const struct vc_blk_zone *z)
{
	static char buf[96];

	snprintf(buf, sizeof(buf), "zone at %llu: %s, wp %llu", (unsigned long long)z->start,
		 vc_blk_zone_state_name(z->state), (unsigned long long)z->wp);
	return buf;
}

static bool zone_now(struct zoned *zd, unsigned i, struct vc_blk_zone *now)
{
	unsigned n;

	if (!blk_report(&zd->b, zd->z[i].start, now, 1, &n))
		return false;
	if (n != 1 || now->start != zd->z[i].start) {
		vc_fail(zd->b.c, "a zone report from sector %llu did not describe the zone there",
			(unsigned long long)zd->z[i].start);
		vc_observed(zd->b.c, "%u descriptors, the first at %llu", n, n ? (unsigned long long)now->start : 0ull);
		vc_expected(zd->b.c, "the zone starting at %llu", (unsigned long long)zd->z[i].start);
		return false;
	}
	return true;
}

bool zoned_expect(struct zoned *zd, unsigned i, uint8_t state, uint64_t wp, const char *what)
{
	struct vc_blk_zone now;

	if (!zone_now(zd, i, &now))
		return false;
	if (now.state == state && (wp == UINT64_MAX || now.wp == wp))
		return true;
	vc_fail(zd->b.c, "%s: the zone at %llu is %s", what, (unsigned long long)now.start,
		vc_blk_zone_state_name(now.state));
	vc_observed(zd->b.c, "%s", zoned_desc(&now));
	if (wp == UINT64_MAX)
		vc_expected(zd->b.c, "%s", vc_blk_zone_state_name(state));
	else
		vc_expected(zd->b.c, "%s, wp %llu", vc_blk_zone_state_name(state), (unsigned long long)wp);
	return false;
}

bool zoned_unchanged(struct zoned *zd, unsigned i, const struct vc_blk_zone *was, const char *what)
{
	bool wp_defined = was->state >= VC_BLK_ZS_EMPTY && was->state <= VC_BLK_ZS_CLOSED;

	return zoned_expect(zd, i, was->state, wp_defined ? was->wp : UINT64_MAX, what);
}

void zoned_end(struct zoned *zd)
{
	struct vc_blk_req r;

	vc_blk_init(&r, VC_BLK_T_ZONE_RESET_ALL, 0, 0);
	if (vc_blk_run(&zd->b.drv, &zd->b.vq, &r, NULL, zd->b.c->dev->timeout_ms) || r.status != VC_BLK_S_OK)
		vc_note(zd->b.c, "the closing ZONE_RESET_ALL did not complete with OK");
}

bool zoned_open_many(struct zoned *zd, unsigned count, unsigned *next)
{
	struct vc_blk_req r;
	unsigned done = 0, i = 0;

	for (; i < zd->n && done < count; i++) {
		if (!(ZT_SEQ & ZT(zd->z[i].type)) || zd->z[i].state != VC_BLK_ZS_EMPTY)
			continue;
		if (!zoned_op(zd, VC_BLK_T_ZONE_OPEN, zd->z[i].start, &r))
			return false;
		if (r.status != VC_BLK_S_OK) {
			vc_fail(zd->b.c, "ZONE_OPEN of zone %u of %u to be opened failed with %s (max_open_zones %u, "
				   "max_active_zones %u)", done + 1, count, vc_blk_status_name(r.status), zd->max_open,
				zd->max_active);
			vc_observed(zd->b.c, "status %s after %u zones opened", vc_blk_status_name(r.status), done);
			vc_expected(zd->b.c, "OK: the limits allow %u", count);
			return false;
		}
		done++;
	}
	if (done < count) {
		vc_skip(zd->b.c, "only %u empty sequential zones among the first %u, %u needed", done, zd->n, count);
		return false;
	}
	*next = i;
	return true;
}

unsigned zoned_open_limit(const struct zoned *zd)
{
	if (!zd->max_open)
		return zd->max_active;
	return zd->max_active && zd->max_active < zd->max_open ? zd->max_active : zd->max_open;
}
