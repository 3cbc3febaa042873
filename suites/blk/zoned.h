/* Helpers of the zoned block device clauses (zoned_config.c, zoned_ops.c):
 * a session with VIRTIO_BLK_F_ZONED, the zoned characteristics, zones found
 * by type and state in a report, zone requests. Every zoned clause starts
 * and ends with ZONE_RESET_ALL: zones are the medium's state and outlive
 * device resets. */
#ifndef VC_SUITES_BLK_ZONED_H
#define VC_SUITES_BLK_ZONED_H

#include "blk.h"

#define ZONED_MAX 256             /* zones looked at, from sector 0 */
#define ZT(type) (1u << (type))
#define ZT_SEQ (ZT(VC_BLK_ZT_SWR) | ZT(VC_BLK_ZT_SWP))
#define ZT_ANY (ZT(VC_BLK_ZT_CONV) | ZT_SEQ)
#define ZONED BLK_F(VC_BLK_F_ZONED)

struct zoned {
	struct blk b;
	uint8_t model;
	uint32_t zone_sectors, max_open, max_active, max_append, gran;
	uint32_t unit;                    /* sectors of the smallest aligned write */
	/* sectors the clauses write at a time: two units, so that a device
	 * needing coarser alignment than it reports fails only
	 * blk.zoned.write-granularity */
	uint32_t w;
	struct vc_blk_zone z[ZONED_MAX];
	unsigned n;
};

/* VIRTIO_BLK_F_ZONED and `want` negotiated, a host-managed or host-aware
 * model (else SKIP), the characteristics read, every zone reset, the zones
 * reported. */
bool zoned_start(struct vc_ctx *c, struct zoned *zd, uint64_t want);
/* Report again (zd->z, zd->n). */
bool zoned_refresh(struct zoned *zd);
/* The index of the k-th zone (0: first) of one of `types` in `state`
 * (0xff: any state but read-only and offline), or -1 after a SKIP that
 * says what was missing. */
int zoned_find(struct zoned *zd, unsigned types, uint8_t state, unsigned k, const char *why);
/* How many zones of `types` are EMPTY. */
unsigned zoned_count_empty(const struct zoned *zd, unsigned types);
/* A zone request on the zone starting at `sector` (ZONE_OPEN, ZONE_CLOSE,
 * ZONE_FINISH, ZONE_RESET) or the whole device (ZONE_RESET_ALL). */
bool zoned_op(struct zoned *zd, uint32_t type, uint64_t sector, struct vc_blk_req *r);
/* An OUT (or ZONE_APPEND) of nsect sectors of pattern `seed` at sector. */
bool zoned_out(struct zoned *zd, uint32_t type, uint64_t sector, uint32_t nsect, unsigned seed, struct vc_blk_req *r);
/* The zone's state and write pointer now must be what they were (`was`),
 * else a FAIL starting with `what`. */
bool zoned_unchanged(struct zoned *zd, unsigned i, const struct vc_blk_zone *was, const char *what);
/* Zone i's state must be `state` (and, wp != UINT64_MAX, its write pointer). */
bool zoned_expect(struct zoned *zd, unsigned i, uint8_t state, uint64_t wp, const char *what);
/* ZONE_RESET_ALL, leaving the device as the next clause expects it. */
void zoned_end(struct zoned *zd);
/* ZONE_OPEN of `count` EMPTY sequential zones from the first; the index
 * after the last one opened into *next. False after a verdict. */
bool zoned_open_many(struct zoned *zd, unsigned count, unsigned *next);
/* The open and active limits as one: how many zones can be open at once
 * (0: no limit known). */
unsigned zoned_open_limit(const struct zoned *zd);
const char *zoned_desc(const struct vc_blk_zone *z);

#endif
