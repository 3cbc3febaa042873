/* Labels and helpers shared by the block device's suites (suites/blk/, one file per area):
 * a driver session on requestq 0, requests sent and their status checked,
 * sectors written with a pattern and read back, the zone report. Each helper
 * turns a failure into the clause's verdict (SKIP for a missing
 * precondition, ERROR when the backend fails, FAIL where it checks the
 * device) and returns false then. */
#ifndef VC_SUITES_BLK_H
#define VC_SUITES_BLK_H

#include "vc/clause.h"
#include "vc/devtypes/blk.h"

#define L_BLK "Device Types / Block Device"
#define L_BLK_INIT L_BLK " / Device Initialization"
#define L_BLK_OP L_BLK " / Device Operation"
/* Where the spec says nothing, what a block device is for (side "sanity"). */
#define L_BLK_SANITY "Sanity: what a block device is for (not a spec rule)"

#define BLK_F(bit) (1ull << (bit))
/* What every clause that drives the device needs. */
#define BLK_DRIVES (NEED_BAR_WRITE | NEED_COMMON | NEED_DMA)

struct blk {
	struct vc_ctx *c;
	struct vc_driver drv;
	struct vc_vq vq;          /* requestq1 (queue 0) */
	uint64_t capacity;
	int queue_vector;         /* MSI-X vector blk_run maps to queue 0 (-1: none) */
};

/* SKIP, without touching the device, unless it offers every bit. */
bool blk_offered(struct vc_ctx *c, uint64_t bits);
/* Reset; negotiate VERSION_1 and `want` (every bit offered, else SKIP),
 * plus VIRTIO_BLK_F_ZONED when a host-managed device refuses the set
 * without it; queue 0 set up and enabled; DRIVER_OK; capacity read. */
bool blk_start(struct vc_ctx *c, struct blk *b, uint64_t want);
/* Just the reset and the negotiation of exactly `want` (VERSION_1 added):
 * *accepted tells whether FEATURES_OK stayed set. False after an ERROR. */
bool blk_negotiate(struct vc_ctx *c, struct blk *b, uint64_t want, bool *accepted);
/* The rest of blk_start once features are negotiated. */
bool blk_run(struct blk *b);

bool blk_cfg(struct blk *b, unsigned off, unsigned width, uint64_t *v);
/* A field the structure may be too short to hold: *present false then. */
bool blk_cfg_opt(struct blk *b, unsigned off, unsigned width, uint64_t *v, bool *present);

/* Build r (its shape as set), send it on queue 0 and wait for it. A
 * request never used, or another buffer coming back, is a FAIL. */
bool blk_do(struct blk *b, struct vc_blk_req *r, const void *out);
/* The same on another queue the session set up. */
bool blk_do_on(struct blk *b, struct vc_vq *vq, struct vc_blk_req *r, const void *out);
/* r completed with status `want`, else a FAIL saying `what`. */
bool blk_status(struct blk *b, const struct vc_blk_req *r, uint8_t want, const char *what);
/* The request's own description, for messages: "OUT of 8 sectors at 2048". */
const char *blk_what(const struct vc_blk_req *r);

/* Sectors written with vc_blk_pattern(seed) and read back; FAIL unless
 * the device says OK. */
bool blk_write(struct blk *b, uint64_t sector, uint32_t nsect, unsigned seed);
bool blk_read(struct blk *b, uint64_t sector, uint32_t nsect, uint8_t *buf);
/* buf (len bytes from `sector`) holds the pattern of `seed`, or zeroes
 * with seed < 0; else a FAIL starting with `what`, showing the bytes. */
bool blk_same(struct blk *b, const uint8_t *buf, uint64_t sector, uint32_t len, int seed, const char *what);
/* Where the suites write: nsect sectors 1 MiB in (or as far in as the
 * disk allows; on a zoned device, a conventional zone); SKIP when there is
 * no such place. */
bool blk_scratch(struct blk *b, uint32_t nsect, uint64_t *sector);
/* A zone report from `sector`: up to max descriptors into z, *n of them. */
bool blk_report(struct blk *b, uint64_t sector, struct vc_blk_zone *z, unsigned max, unsigned *n);
/* A segment of DISCARD, WRITE_ZEROES or SECURE_ERASE sent alone. */
bool blk_segment_do(struct blk *b, uint32_t type, uint64_t sector, uint32_t num, uint32_t flags, struct vc_blk_req *r);

/* "0x01 0x02 ..." of up to 8 bytes, for observed values. */
const char *blk_bytes(const uint8_t *p, size_t n);

#endif
