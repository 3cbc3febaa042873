/* What the block device does with requests, observed end to end: writes to
 * a read-only medium fail and change nothing, unknown segment flags are
 * refused, WRITE_ZEROES reads back zeroes, lifetime metrics hold no
 * reserved value, zone requests are refused without VIRTIO_BLK_F_ZONED,
 * and GET_ID's used length covers only what was written. */
#include <errno.h>
#include <string.h>
#include "blk.h"
#include "labels.h"

#define RO BLK_F(VC_BLK_F_RO)

/* OUT of one sector to a read-only medium. */
static bool ro_write(struct blk *b, uint64_t at, unsigned seed, struct vc_blk_req *r)
{
	uint8_t data[VC_BLK_SECTOR];

	vc_blk_pattern_fill(data, at, sizeof(data), seed);
	vc_blk_init(r, VC_BLK_T_OUT, at, sizeof(data));
	return blk_do(b, r, data);
}

static void ro_write_ioerr(struct vc_ctx *c)
{
	struct blk b;
	struct vc_blk_req r;
	uint64_t at;

	if (blk_start(c, &b, RO) && blk_scratch(&b, 1, &at) && ro_write(&b, at, 1, &r))
		blk_status(&b, &r, VC_BLK_S_IOERR, "VIRTIO_BLK_F_RO offered");
}

/* The sector as it was, a write refused, the sector as it is: the same. A
 * seed whose pattern differs from what the sector holds, so a write shows. */
static void ro_write_no_data(struct vc_ctx *c)
{
	struct blk b;
	struct vc_blk_req r;
	uint8_t was[VC_BLK_SECTOR], now[VC_BLK_SECTOR], pat[VC_BLK_SECTOR];
	uint64_t at;
	unsigned seed = 1;

	if (!blk_start(c, &b, RO) || !blk_scratch(&b, 1, &at) || !blk_read(&b, at, 1, was))
		return;
	vc_blk_pattern_fill(pat, at, sizeof(pat), seed);
	if (!memcmp(was, pat, sizeof(pat)))
		seed = 2;
	if (!ro_write(&b, at, seed, &r) || !blk_read(&b, at, 1, now))
		return;
	for (unsigned k = 0; k < sizeof(now); k++)
		if (now[k] != was[k]) {
			vc_fail(c, "a write to a read-only medium changed sector %llu (the write completed with %s)",
				(unsigned long long)at, vc_blk_status_name(r.status));
			vc_observed(c, "byte %u: %s", k, blk_bytes(now + k, sizeof(now) - k));
			vc_expected(c, "%s, as before the write", blk_bytes(was + k, sizeof(was) - k));
			return;
		}
}

/* Each of DISCARD, WRITE_ZEROES and SECURE_ERASE negotiated, with an
 * unknown flag (bit 1, then bit 31) in its one segment: UNSUPP. */
static void unknown_flags_unsupp(struct vc_ctx *c)
{
	static const struct { unsigned bit; uint32_t type; } kinds[] = {
		{ VC_BLK_F_DISCARD, VC_BLK_T_DISCARD }, { VC_BLK_F_WRITE_ZEROES, VC_BLK_T_WRITE_ZEROES },
		{ VC_BLK_F_SECURE_ERASE, VC_BLK_T_SECURE_ERASE },
	};
	struct blk b;
	struct vc_blk_req r;
	uint64_t want = 0, at;
	char what[64];

	for (unsigned i = 0; i < 3; i++)
		want |= vc_offers(c->probe, kinds[i].bit) ? BLK_F(kinds[i].bit) : 0;
	if (!want) {
		vc_skip(c, "none of VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES, VIRTIO_BLK_F_SECURE_ERASE is offered");
		return;
	}
	if (vc_offers(c->probe, VC_BLK_F_RO)) {
		vc_skip(c, "a read-only medium may fail these requests with IOERR before it looks at their flags");
		return;
	}
	if (!blk_start(c, &b, want) || !blk_scratch(&b, 8, &at))
		return;
	for (unsigned i = 0; i < 3; i++)
		for (unsigned flag = 1; (want & BLK_F(kinds[i].bit)) && flag < 32; flag += 30) {
			snprintf(what, sizeof(what), "flags bit %u set", flag);
			if (!blk_segment_do(&b, kinds[i].type, at, 8, 1u << flag, &r) ||
			    !blk_status(&b, &r, VC_BLK_S_UNSUPP, what))
				return;
		}
}

/* A patterned range, WRITE_ZEROES over its middle (unmap clear, then set),
 * and the middle reads back zeroes each time. */
static void write_zeroes_reads_zeroes(struct vc_ctx *c)
{
	struct blk b;
	struct vc_blk_req r;
	uint8_t buf[8 * VC_BLK_SECTOR];
	uint64_t at;

	if (vc_offers(c->probe, VC_BLK_F_RO)) {
		vc_skip(c, "a read-only medium: nothing to zero");
		return;
	}
	if (!blk_start(c, &b, BLK_F(VC_BLK_F_WRITE_ZEROES)) || !blk_scratch(&b, 8, &at))
		return;
	for (uint32_t unmap = 0; unmap <= 1; unmap++) {
		if (!blk_write(&b, at, 8, 3 + unmap) || !blk_segment_do(&b, VC_BLK_T_WRITE_ZEROES, at + 2, 4, unmap, &r))
			return;
		if (r.status != VC_BLK_S_OK) {
			vc_skip(c, "WRITE_ZEROES (unmap %u) completed with %s: the rule is about completed ones", unmap,
				vc_blk_status_name(r.status));
			return;
		}
		if (!blk_read(&b, at + 2, 4, buf) ||
		    !blk_same(&b, buf, at + 2, 4 * VC_BLK_SECTOR, -1,
			      unmap ? "after WRITE_ZEROES with unmap" : "after WRITE_ZEROES"))
			return;
	}
}

static void lifetime_no_reserved(struct vc_ctx *c)
{
	struct blk b;
	struct vc_blk_req r;
	uint8_t lt[VC_BLK_LIFETIME_LEN];
	int rc;

	if (!blk_start(c, &b, BLK_F(VC_BLK_F_LIFETIME)))
		return;
	vc_blk_init(&r, VC_BLK_T_GET_LIFETIME, 0, sizeof(lt));
	if (!blk_do(&b, &r, NULL))
		return;
	if (r.status != VC_BLK_S_OK) {
		vc_skip(c, "GET_LIFETIME completed with %s: no metrics reported", vc_blk_status_name(r.status));
		return;
	}
	if ((rc = vc_blk_data(&b.drv, &r, lt))) {
		vc_error(c, "DMA read failed: %s", strerror(-rc));
		return;
	}
	unsigned eol = lt[0] | lt[1] << 8, a = lt[2] | lt[3] << 8, bb = lt[4] | lt[5] << 8;
	if (eol > 3 || a > 11 || bb > 11) {
		vc_fail(c, "GET_LIFETIME reports a reserved value");
		vc_observed(c, "pre_eol_info %u, device_lifetime_est_typ_a %u, typ_b %u", eol, a, bb);
		vc_expected(c, "pre_eol_info 0..3, each estimate 0..11");
	}
}

/* Without VIRTIO_BLK_F_ZONED, every zone request type is UNSUPP. */
static void zone_requests_unsupp(struct vc_ctx *c)
{
	static const uint32_t types[] = { VC_BLK_T_ZONE_REPORT, VC_BLK_T_ZONE_OPEN, VC_BLK_T_ZONE_CLOSE,
					  VC_BLK_T_ZONE_FINISH, VC_BLK_T_ZONE_RESET, VC_BLK_T_ZONE_RESET_ALL,
					  VC_BLK_T_ZONE_APPEND };
	struct blk b;
	struct vc_blk_req r;
	bool accepted;

	if (!blk_negotiate(c, &b, 0, &accepted))
		return;
	if (!accepted) {
		vc_skip(c, "the device refuses FEATURES_OK without VIRTIO_BLK_F_ZONED (a host-managed device must)");
		return;
	}
	if (!blk_run(&b))
		return;
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		uint32_t len = types[i] == VC_BLK_T_ZONE_REPORT ? VC_BLK_ZONE_REPORT_HDR + VC_BLK_ZONE_DESC
			       : types[i] == VC_BLK_T_ZONE_APPEND ? VC_BLK_SECTOR : 0;
		vc_blk_init(&r, types[i], 0, len);
		if (!blk_do(&b, &r, NULL) || !blk_status(&b, &r, VC_BLK_S_UNSUPP, "VIRTIO_BLK_F_ZONED not negotiated"))
			return;
	}
}

/* GET_ID into 20 bytes: the used length covers no more than the bytes the
 * device wrote from the first writable one on (the status after the ID
 * counts only when the whole ID area was written). */
static void get_id_used_len(struct vc_ctx *c)
{
	struct blk b;
	struct vc_blk_req r;
	uint8_t id[VC_BLK_ID_BYTES];
	int rc;

	if (!blk_start(c, &b, 0))
		return;
	vc_blk_init(&r, VC_BLK_T_GET_ID, 0, sizeof(id));
	if (!blk_do(&b, &r, NULL))
		return;
	if ((rc = vc_blk_data(&b.drv, &r, id))) {
		vc_error(c, "DMA read failed: %s", strerror(-rc));
		return;
	}
	if (r.used_len > r.writable) {
		vc_fail(c, "GET_ID came back with a used length beyond its writable bytes");
		vc_observed(c, "used len %u", r.used_len);
		vc_expected(c, "<= %u", r.writable);
		return;
	}
	uint32_t upto = r.used_len < sizeof(id) ? r.used_len : (uint32_t)sizeof(id);
	for (uint32_t k = 0; k < upto; k++) {
		uint32_t run = vc_blk_canary_run(id, upto, k);
		if (run >= 4) {
			vc_fail(c, "GET_ID (status %s) reports %u bytes written, but ID bytes %u..%u still hold what the "
				   "driver put there", vc_blk_status_name(r.status), r.used_len, k, k + run - 1);
			vc_observed(c, "used len %u; ID bytes %s...", r.used_len, blk_bytes(id, sizeof(id)));
			vc_expected(c, "used len at most the bytes written (%u when only the ID string and its NUL were)",
				    k);
			return;
		}
	}
}

static const struct vc_clause clauses[] = {
	{ "blk.ro.write-ioerr", L_BLK_OP, VC_MUST, VC_DEVICE_RULE, "1.0", BLK_DRIVES, "BLK-OP-DEV-3",
	  "With VIRTIO_BLK_F_RO offered, a write completes with IOERR.", NULL, ro_write_ioerr, VC_REQ(VC_BLK_F_RO) },
	{ "blk.ro.write-no-data", L_BLK_OP, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", BLK_DRIVES, "BLK-OP-DEV-4",
	  "With VIRTIO_BLK_F_RO offered, a write changes nothing: the sector reads back as before.", NULL,
	  ro_write_no_data, VC_REQ(VC_BLK_F_RO) },
	{ "blk.segments.unknown-flags-unsupp", L_BLK_OP, VC_MUST, VC_DEVICE_RULE, "1.1", BLK_DRIVES, "BLK-OP-DEV-5",
	  "DISCARD, WRITE_ZEROES and SECURE_ERASE (those negotiated) with an unknown flag set complete with UNSUPP.",
	  NULL, unknown_flags_unsupp },
	{ "blk.write-zeroes.reads-zeroes", L_BLK_OP, VC_MUST, VC_DEVICE_RULE, "1.1", BLK_DRIVES, "BLK-OP-DEV-9",
	  "After WRITE_ZEROES, with unmap clear and with it set, the range reads back zeroes.", NULL,
	  write_zeroes_reads_zeroes, VC_REQ(VC_BLK_F_WRITE_ZEROES) },
	{ "blk.lifetime.no-reserved-values", L_BLK_OP, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", BLK_DRIVES,
	  "BLK-OP-DEV-17", "GET_LIFETIME reports no reserved value (pre_eol_info 0..3, estimates 0..11).", NULL,
	  lifetime_no_reserved, VC_REQ(VC_BLK_F_LIFETIME) },
	{ "blk.zoned.requests-unsupp-without-zoned", L_BLK_OP, VC_MUST, VC_DEVICE_RULE, "1.3", BLK_DRIVES,
	  "BLK-OP-DEV-18",
	  "Without VIRTIO_BLK_F_ZONED negotiated, each ZONE_* request (report, open, close, finish, reset, reset "
	  "all, append) completes with UNSUPP.", NULL, zone_requests_unsupp },
	{ "blk.get-id.used-len", L_USED_RING, VC_MUST, VC_DEVICE_RULE, "1.0", BLK_DRIVES, "SPLIT-USED-DEV-2",
	  "GET_ID's used length counts only bytes the device wrote from the start of the ID buffer.", NULL,
	  get_id_used_len },
};

VC_DEVICE_SUITE(suite_blk_requests, clauses, 2);
