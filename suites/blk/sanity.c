/* What a block device exists for, where the spec has no rule to cite
 * (side "sanity", not spec verdicts): writes read back, FLUSH works, the ID
 * is a NUL-padded string, an unknown request type is refused, the size and
 * segment limits it advertises are limits it honours, its configuration
 * values make sense, DISCARD and WRITE_ZEROES stay inside their range, and
 * writeback takes what the driver writes. */
#include <string.h>
#include "blk.h"

#define BIG 64u                   /* sectors: the largest write these checks make */

static bool writable(struct vc_ctx *c)
{
	if (vc_offers(c->probe, VC_BLK_F_RO))
		vc_skip(c, "a read-only medium: nothing to write");
	return !vc_offers(c->probe, VC_BLK_F_RO);
}

/* Writes of 1, 8 and 64 sectors (the 8 in four pieces), each read back;
 * then the disk's last sector. */
static void read_back(struct vc_ctx *c)
{
	static uint8_t buf[BIG * VC_BLK_SECTOR];
	static const uint32_t sizes[] = { 1, 8, BIG };
	struct blk b;
	struct vc_blk_req r;
	uint64_t at;

	if (!writable(c) || !blk_start(c, &b, 0) || !blk_scratch(&b, BIG, &at))
		return;
	for (unsigned i = 0; i < 3; i++) {
		uint32_t len = sizes[i] * VC_BLK_SECTOR;
		vc_blk_pattern_fill(buf, at, len, 20 + i);
		vc_blk_init(&r, VC_BLK_T_OUT, at, len);
		r.shape.pieces = sizes[i] == 8 ? 4 : 1;
		if (!blk_do(&b, &r, buf) || !blk_status(&b, &r, VC_BLK_S_OK, "a write") ||
		    !blk_read(&b, at, sizes[i], buf) || !blk_same(&b, buf, at, len, (int)(20 + i), "reading back a write"))
			return;
	}
	if (vc_negotiated(&b.drv, VC_BLK_F_ZONED))
		return;                   /* the last sector lies in a sequential zone */
	at = b.capacity - 1;
	if (blk_write(&b, at, 1, 23) && blk_read(&b, at, 1, buf))
		blk_same(&b, buf, at, VC_BLK_SECTOR, 23, "reading back the last sector");
}

static void flush(struct vc_ctx *c)
{
	struct blk b;
	struct vc_blk_req r;

	if (!blk_start(c, &b, BLK_F(VC_BLK_F_FLUSH)))
		return;
	vc_blk_init(&r, VC_BLK_T_FLUSH, 0, 0);
	if (blk_do(&b, &r, NULL))
		blk_status(&b, &r, VC_BLK_S_OK, "FLUSH with VIRTIO_BLK_F_FLUSH negotiated");
}

/* GET_ID: OK, printable ASCII up to the first NUL, NULs after it. */
static void get_id(struct vc_ctx *c)
{
	struct blk b;
	struct vc_blk_req r;
	uint8_t id[VC_BLK_ID_BYTES];
	unsigned k = 0;

	if (!blk_start(c, &b, 0))
		return;
	vc_blk_init(&r, VC_BLK_T_GET_ID, 0, sizeof(id));
	if (!blk_do(&b, &r, NULL) || !blk_status(&b, &r, VC_BLK_S_OK, "GET_ID") || vc_blk_data(&b.drv, &r, id))
		return;
	while (k < sizeof(id) && id[k] >= 0x20 && id[k] < 0x7f)
		k++;
	for (unsigned n = k; n < sizeof(id); n++)
		if (id[n]) {
			vc_fail(c, "the device ID is not an ASCII string NUL-padded to 20 bytes (byte %u)", n);
			vc_observed(c, "%s... (from byte %u)", blk_bytes(id + n, sizeof(id) - n), n);
			vc_expected(c, "00 from byte %u on", k);
			return;
		}
	vc_note(c, "device ID \"%.*s\"", (int)k, (const char *)id);
}

static void unknown_type(struct vc_ctx *c)
{
	struct blk b;
	struct vc_blk_req r;

	if (!blk_start(c, &b, 0))
		return;
	vc_blk_init(&r, 0x1000, 0, 0);           /* type 4096: defined nowhere */
	if (blk_do(&b, &r, NULL))
		blk_status(&b, &r, VC_BLK_S_UNSUPP, "a request of type 4096, defined nowhere");
}

/* seg_max data descriptors (as many as the queue can chain), and one data
 * descriptor of size_max bytes: each write reads back. */
static void limits(struct vc_ctx *c)
{
	static uint8_t buf[BIG * VC_BLK_SECTOR * 4];
	uint64_t want = 0, seg_max = 0, size_max = 0, at;
	struct blk b;
	struct vc_blk_req r;

	want |= vc_offers(c->probe, VC_BLK_F_SEG_MAX) ? BLK_F(VC_BLK_F_SEG_MAX) : 0;
	want |= vc_offers(c->probe, VC_BLK_F_SIZE_MAX) ? BLK_F(VC_BLK_F_SIZE_MAX) : 0;
	if (!want) {
		vc_skip(c, "neither VIRTIO_BLK_F_SEG_MAX nor VIRTIO_BLK_F_SIZE_MAX is offered");
		return;
	}
	if (!writable(c) || !blk_start(c, &b, want) || !blk_scratch(&b, sizeof(buf) / VC_BLK_SECTOR, &at))
		return;
	if ((want & BLK_F(VC_BLK_F_SEG_MAX)) && !blk_cfg(&b, VC_BLK_CFG_SEG_MAX, 4, &seg_max))
		return;
	if ((want & BLK_F(VC_BLK_F_SIZE_MAX)) && !blk_cfg(&b, VC_BLK_CFG_SIZE_MAX, 4, &size_max))
		return;
	uint64_t segs = seg_max + 2 > b.vq.size ? b.vq.size - 2u : seg_max;
	segs = segs > sizeof(buf) / VC_BLK_SECTOR ? sizeof(buf) / VC_BLK_SECTOR : segs;
	uint64_t one = size_max > sizeof(buf) ? sizeof(buf) : size_max - size_max % VC_BLK_SECTOR;
	for (unsigned pass = 0; pass < 2; pass++) {
		uint32_t len = (uint32_t)(pass ? one : segs * VC_BLK_SECTOR);
		if (!len)
			continue;
		vc_blk_pattern_fill(buf, at, len, 30 + pass);
		vc_blk_init(&r, VC_BLK_T_OUT, at, len);
		r.shape.pieces = pass ? 1 : (unsigned)segs;
		if (!blk_do(&b, &r, buf) ||
		    !blk_status(&b, &r, VC_BLK_S_OK, pass ? "one data descriptor of size_max bytes"
							   : "as many data descriptors as seg_max") ||
		    !blk_read(&b, at, len / VC_BLK_SECTOR, buf) ||
		    !blk_same(&b, buf, at, len, (int)(30 + pass), pass ? "reading back a size_max descriptor"
								      : "reading back a write in seg_max descriptors"))
			return;
	}
}

struct range_check {
	unsigned off, width, feature;
	uint64_t min, max;
	const char *name;
};

/* Each field present must lie in a range that makes sense. */
static void config_values(struct vc_ctx *c)
{
	static const struct range_check checks[] = {
		{ VC_BLK_CFG_CAPACITY, 8, 0, 1, UINT64_MAX, "capacity" },
		{ VC_BLK_CFG_SIZE_MAX, 4, VC_BLK_F_SIZE_MAX, VC_BLK_SECTOR, UINT32_MAX, "size_max" },
		{ VC_BLK_CFG_SEG_MAX, 4, VC_BLK_F_SEG_MAX, 1, UINT32_MAX, "seg_max" },
		{ VC_BLK_CFG_PHYS_BLOCK_EXP, 1, VC_BLK_F_TOPOLOGY, 0, 15, "physical_block_exp" },
		{ VC_BLK_CFG_NUM_QUEUES, 2, VC_BLK_F_MQ, 1, 0xffff, "num_queues" },
		{ VC_BLK_CFG_MAX_DISCARD_SECTORS, 4, VC_BLK_F_DISCARD, 1, UINT32_MAX, "max_discard_sectors" },
		{ VC_BLK_CFG_MAX_DISCARD_SEG, 4, VC_BLK_F_DISCARD, 1, UINT32_MAX, "max_discard_seg" },
		{ VC_BLK_CFG_MAX_WRITE_ZEROES_SECTORS, 4, VC_BLK_F_WRITE_ZEROES, 1, UINT32_MAX, "max_write_zeroes_sectors" },
		{ VC_BLK_CFG_MAX_WRITE_ZEROES_SEG, 4, VC_BLK_F_WRITE_ZEROES, 1, UINT32_MAX, "max_write_zeroes_seg" },
		{ VC_BLK_CFG_WRITE_ZEROES_MAY_UNMAP, 1, VC_BLK_F_WRITE_ZEROES, 0, 1, "write_zeroes_may_unmap" },
		{ VC_BLK_CFG_MAX_SECURE_ERASE_SECTORS, 4, VC_BLK_F_SECURE_ERASE, 1, UINT32_MAX, "max_secure_erase_sectors" },
		{ VC_BLK_CFG_MAX_SECURE_ERASE_SEG, 4, VC_BLK_F_SECURE_ERASE, 1, UINT32_MAX, "max_secure_erase_seg" },
	};
	struct blk b;
	uint64_t want = 0, v, min_io = 0, opt_io = 0;
	bool accepted;

	for (unsigned bit = 1; bit < VC_BLK_F_ZONED; bit++)
		want |= vc_offers(c->probe, bit) ? BLK_F(bit) : 0;
	want |= vc_offers(c->probe, VC_BLK_F_ZONED) ? BLK_F(VC_BLK_F_ZONED) : 0;
	if (!blk_negotiate(c, &b, want, &accepted))
		return;
	if (!accepted) {
		vc_skip(c, "the device refused every feature it offers together (pci.features.* report it)");
		return;
	}
	for (unsigned i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const struct range_check *k = &checks[i];
		bool present;
		if ((k->feature && !vc_negotiated(&b.drv, k->feature)) || !blk_cfg_opt(&b, k->off, k->width, &v, &present))
			continue;
		if (!present) {         /* a structure shorter than its fields: pci.caps.* and pci.device-cfg.* say so */
			vc_note(c, "%s lies past the end of the device configuration", k->name);
			continue;
		}
		if (v < k->min || v > k->max) {
			vc_fail(c, "%s reads %llu", k->name, (unsigned long long)v);
			vc_observed(c, "%s %llu", k->name, (unsigned long long)v);
			vc_expected(c, "%llu..%llu", (unsigned long long)k->min, (unsigned long long)k->max);
			return;
		}
	}
	bool present;
	if (vc_negotiated(&b.drv, VC_BLK_F_BLK_SIZE) && blk_cfg_opt(&b, VC_BLK_CFG_BLK_SIZE, 4, &v, &present) && present &&
	    (v < VC_BLK_SECTOR || (v & (v - 1)))) {
		vc_fail(c, "blk_size %llu is not a power of two of at least 512", (unsigned long long)v);
		vc_observed(c, "blk_size %llu", (unsigned long long)v);
		vc_expected(c, "512, 1024, 2048, 4096, ...");
		return;
	}
	if (vc_negotiated(&b.drv, VC_BLK_F_MQ) && blk_cfg_opt(&b, VC_BLK_CFG_NUM_QUEUES, 2, &v, &present) && present &&
	    v > c->probe->num_queues) {
		vc_fail(c, "num_queues (%llu) names more request queues than the device has (%u)", (unsigned long long)v,
			c->probe->num_queues);
		vc_observed(c, "num_queues %llu, common num_queues %u", (unsigned long long)v, c->probe->num_queues);
		vc_expected(c, "at most %u", c->probe->num_queues);
		return;
	}
	if (vc_negotiated(&b.drv, VC_BLK_F_TOPOLOGY) && blk_cfg_opt(&b, VC_BLK_CFG_MIN_IO_SIZE, 2, &min_io, &present) &&
	    blk_cfg_opt(&b, VC_BLK_CFG_OPT_IO_SIZE, 4, &opt_io, &present) && present && opt_io && min_io > opt_io) {
		vc_fail(c, "min_io_size (%llu blocks) is larger than opt_io_size (%llu)", (unsigned long long)min_io,
			(unsigned long long)opt_io);
		vc_observed(c, "min_io_size %llu, opt_io_size %llu", (unsigned long long)min_io, (unsigned long long)opt_io);
		vc_expected(c, "min_io_size <= opt_io_size");
	}
}

/* As many segments as the device takes (max_*_seg, up to 8), one sector
 * each with a sector left alone between them: OK, the gaps keep their data
 * (and WRITE_ZEROES' sectors read zeroes). */
static bool most_segments(struct blk *b, uint32_t type, unsigned seg_off, uint64_t at, unsigned seed)
{
	uint8_t seg[8 * VC_BLK_SEGMENT], buf[16 * VC_BLK_SECTOR];
	struct vc_blk_req r;
	uint64_t max;

	if (!blk_cfg(b, seg_off, 4, &max))
		return false;
	unsigned n = max > 8 ? 8 : (unsigned)max;
	for (unsigned k = 0; k < n; k++)
		vc_blk_segment(seg + k * VC_BLK_SEGMENT, at + 2 * k, 1, 0);
	vc_blk_init(&r, type, 0, n * VC_BLK_SEGMENT);
	if (!n || !blk_write(b, at, 16, seed) || !blk_do(b, &r, seg) ||
	    !blk_status(b, &r, VC_BLK_S_OK, type == VC_BLK_T_DISCARD ? "max_discard_seg segments"
									: "max_write_zeroes_seg segments") ||
	    !blk_read(b, at, 16, buf))
		return false;
	for (unsigned k = 0; k < 16; k++) {
		bool gap = (k & 1) || k >= 2 * n;
		if (gap ? !blk_same(b, buf + k * VC_BLK_SECTOR, at + k, VC_BLK_SECTOR, (int)seed, "a sector between segments")
			: type == VC_BLK_T_WRITE_ZEROES &&
			  !blk_same(b, buf + k * VC_BLK_SECTOR, at + k, VC_BLK_SECTOR, -1, "a segment of WRITE_ZEROES"))
			return false;
	}
	return true;
}

/* One segment of max_*_sectors sectors (when that is at most LONGEST and
 * the disk has room): OK, and the sector after it keeps its data. */
#define LONGEST 8192u
static bool longest_segment(struct blk *b, uint32_t type, unsigned sectors_off)
{
	uint8_t buf[VC_BLK_SECTOR];
	struct vc_blk_req r;
	uint64_t max, at;

	if (!blk_cfg(b, sectors_off, 4, &max))
		return false;
	if (!max || max > LONGEST || max + 1 > b->capacity / 2) {
		vc_note(b->c, "%s is %llu: no segment that long tried",
			type == VC_BLK_T_DISCARD ? "max_discard_sectors" : "max_write_zeroes_sectors", (unsigned long long)max);
		return true;
	}
	if (!blk_scratch(b, (uint32_t)max + 1, &at) || !blk_write(b, at + max - 1, 2, 44) ||
	    !blk_segment_do(b, type, at, (uint32_t)max, 0, &r) ||
	    !blk_status(b, &r, VC_BLK_S_OK, type == VC_BLK_T_DISCARD ? "one segment of max_discard_sectors sectors"
								     : "one segment of max_write_zeroes_sectors sectors") ||
	    !blk_read(b, at + max, 1, buf))
		return false;
	return blk_same(b, buf, at + max, VC_BLK_SECTOR, 44, "the sector after a segment of the largest size");
}

/* DISCARD and WRITE_ZEROES over the middle of a patterned range: the
 * sectors on either side keep their data; then as many segments as the
 * device says it takes, and one segment as long as it says it takes. */
static void segment_range(struct vc_ctx *c)
{
	static const struct { unsigned bit; uint32_t type; unsigned seg_off, sectors_off; } kinds[] = {
		{ VC_BLK_F_DISCARD, VC_BLK_T_DISCARD, VC_BLK_CFG_MAX_DISCARD_SEG, VC_BLK_CFG_MAX_DISCARD_SECTORS },
		{ VC_BLK_F_WRITE_ZEROES, VC_BLK_T_WRITE_ZEROES, VC_BLK_CFG_MAX_WRITE_ZEROES_SEG,
		  VC_BLK_CFG_MAX_WRITE_ZEROES_SECTORS },
	};
	uint8_t buf[8 * VC_BLK_SECTOR];
	uint64_t want = 0, at;
	struct blk b;
	struct vc_blk_req r;

	for (unsigned i = 0; i < 2; i++)
		want |= vc_offers(c->probe, kinds[i].bit) ? BLK_F(kinds[i].bit) : 0;
	if (!want) {
		vc_skip(c, "neither VIRTIO_BLK_F_DISCARD nor VIRTIO_BLK_F_WRITE_ZEROES is offered");
		return;
	}
	if (!writable(c) || !blk_start(c, &b, want) || !blk_scratch(&b, 16, &at))
		return;
	for (unsigned i = 0; i < 2; i++) {
		if (!(want & BLK_F(kinds[i].bit)))
			continue;
		if (!blk_write(&b, at, 8, 40 + i) || !blk_segment_do(&b, kinds[i].type, at + 2, 4, 0, &r) ||
		    !blk_status(&b, &r, VC_BLK_S_OK, "four sectors, one segment") || !blk_read(&b, at, 8, buf) ||
		    !blk_same(&b, buf, at, 2 * VC_BLK_SECTOR, (int)(40 + i), "the sectors before the range") ||
		    !blk_same(&b, buf + 6 * VC_BLK_SECTOR, at + 6, 2 * VC_BLK_SECTOR, (int)(40 + i),
			      "the sectors after the range") ||
		    !most_segments(&b, kinds[i].type, kinds[i].seg_off, at, 42 + i) ||
		    !longest_segment(&b, kinds[i].type, kinds[i].sectors_off))
			return;
	}
}

static void writeback(struct vc_ctx *c)
{
	uint64_t want = BLK_F(VC_BLK_F_CONFIG_WCE), was, v;
	struct blk b;
	bool accepted;
	int rc;

	want |= vc_offers(c->probe, VC_BLK_F_FLUSH) ? BLK_F(VC_BLK_F_FLUSH) : 0;
	if (!blk_offered(c, want) || !blk_negotiate(c, &b, want, &accepted))
		return;
	if (!accepted) {
		vc_skip(c, "the device refused VIRTIO_BLK_F_CONFIG_WCE (pci.features.* report it)");
		return;
	}
	if (!blk_cfg(&b, VC_BLK_CFG_WRITEBACK, 1, &was))
		return;
	for (unsigned k = 0; k < 2; k++) {
		uint64_t put = k ? was : !was;
		if ((rc = vc_blk_cfg_write(&b.drv, VC_BLK_CFG_WRITEBACK, 1, put))) {
			vc_error(c, "writing writeback failed: %s", strerror(-rc));
			return;
		}
		if (!blk_cfg(&b, VC_BLK_CFG_WRITEBACK, 1, &v))
			return;
		if (v != put) {
			vc_fail(c, "writeback does not take what the driver writes (VIRTIO_BLK_F_CONFIG_WCE negotiated)");
			vc_observed(c, "%llu after writing %llu", (unsigned long long)v, (unsigned long long)put);
			vc_expected(c, "%llu", (unsigned long long)put);
			return;
		}
	}
}

#define SANITY(id, needs, summary, fn) \
	{ id, L_BLK_SANITY, VC_MAY, VC_SANITY, "1.0", needs, "", summary, NULL, fn }

static const struct vc_clause clauses[] = {
	SANITY("blk.sanity.read-back", BLK_DRIVES,
	       "Not a spec rule: writes of 1, 8 (in four pieces) and 64 sectors, and of the last sector, read back as "
	       "written.", read_back),
	SANITY("blk.sanity.flush", BLK_DRIVES,
	       "Not a spec rule: with VIRTIO_BLK_F_FLUSH negotiated, FLUSH completes with OK.", flush),
	SANITY("blk.sanity.get-id", BLK_DRIVES,
	       "Not a spec rule: GET_ID completes with OK, an ASCII string NUL-padded to 20 bytes.", get_id),
	SANITY("blk.sanity.unknown-type", BLK_DRIVES,
	       "Not a spec rule: a request of a type defined nowhere completes with UNSUPP.", unknown_type),
	SANITY("blk.sanity.limits", BLK_DRIVES,
	       "Not a spec rule: a write in seg_max data descriptors, and one in a size_max descriptor, succeed and "
	       "read back.", limits),
	SANITY("blk.sanity.config-values", NEED_BAR_WRITE | NEED_COMMON,
	       "Not a spec rule: the configuration's sizes, limits and counts make sense (capacity and limits "
	       "nonzero, blk_size a power of two, num_queues within the device's queues, min_io_size <= opt_io_size).",
	       config_values),
	SANITY("blk.sanity.discard", BLK_DRIVES,
	       "Not a spec rule: DISCARD and WRITE_ZEROES leave the sectors around their range as they were, and take "
	       "as many segments as max_discard_seg and max_write_zeroes_seg say, and a segment as long as "
	       "max_discard_sectors and max_write_zeroes_sectors say.", segment_range),
	SANITY("blk.sanity.writeback", NEED_BAR_WRITE | NEED_COMMON,
	       "Not a spec rule: with VIRTIO_BLK_F_CONFIG_WCE, writeback reads back 0 and 1 as the driver writes them.",
	       writeback),
};

VC_DEVICE_SUITE(suite_blk_sanity, clauses, 2);
