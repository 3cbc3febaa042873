/* The ring clauses' end-to-end data check on a block device (ring.h,
 * ring_blk_data): a used length says only how much a device claims to have
 * written; a block device shows what it made of the chain. The arrangement
 * under test carries a write, whose sector a plain read then fetches, and a
 * read of a sector a plain write filled: both must be the bytes sent. A
 * device that mangles the chain fails on the sector's bytes; one that does
 * not use it at all gets them as evidence after a reset. */
#include <errno.h>
#include <string.h>
#include "ring.h"
#include "vc/devtypes/blk.h"

#define SCRATCH 2048u         /* 1 MiB in, where the block suites write too */
#define SEED_SHAPED 70u
#define SEED_PLAIN 71u

struct blk_check {
	struct session *r;
	const struct ring_shape *sh;
	uint64_t sector;
	char how[96];
	uint64_t data_at;         /* the shaped request's data bytes */
};

static bool ok(struct vc_ctx *c, int rc, const char *what)
{
	if (rc)
		vc_error(c, "%s: %s", what, strerror(-rc));
	return rc == 0;
}

static const char *bytes8(const uint8_t *p)
{
	static char buf[2][32];
	static unsigned which;
	char *b = buf[which++ % 2];

	snprintf(b, 32, "%02x %02x %02x %02x %02x %02x %02x %02x", p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
	return b;
}

/* A plain request (one descriptor each for header, data, status). */
static bool plain(struct blk_check *k, uint32_t type, uint8_t *data, uint32_t *used_len)
{
	struct session *r = k->r;
	struct vc_blk_req req;
	int rc;

	vc_blk_init(&req, type, k->sector, VC_BLK_SECTOR);
	rc = vc_blk_run(&r->drv, &r->vq, &req, type == VC_BLK_T_OUT ? data : NULL, r->c->dev->timeout_ms);
	if (rc == -ETIMEDOUT || rc == -EPROTO || (!rc && req.status != VC_BLK_S_OK)) {
		vc_fail(r->c, "a plain %s of sector %llu (header, data, status in one descriptor each) %s",
			vc_blk_type_name(type), (unsigned long long)k->sector,
			rc ? "was not used" : vc_blk_status_name(req.status));
		return false;
	}
	if (!ok(r->c, rc, "block request") || (type == VC_BLK_T_IN && !ok(r->c, vc_blk_data(&r->drv, &req, data), "DMA read")))
		return false;
	if (used_len)
		*used_len = req.used_len;
	return true;
}

/* The request in the arrangement under test: made available, used, its
 * status OK. The ring checks apply to it as to the device type's request. */
static bool shaped(struct blk_check *k, uint32_t type, uint8_t *data, struct ring_io *io, const char *what)
{
	struct session *r = k->r;
	struct vc_blk_req req;

	k->data_at = 0;
	struct vc_buf split[RING_MAX_BUFS];
	uint8_t status;

	vc_blk_init(&req, type, k->sector, VC_BLK_SECTOR);
	if (!ok(r->c, vc_blk_build(&r->drv, &req, type == VC_BLK_T_OUT ? data : NULL), "building a block request"))
		return false;
	k->data_at = req.data_at;
	if (k->sh->pieces)
		ring_io_init(io, split, ring_split_pieces(req.bufs, req.n, split));
	else
		ring_io_init(io, req.bufs, req.n);
	r->req.what = what;
	if (!ring_send_shaped(r, io, k->sh) || !ok(r->c, vc_dma_read(r->drv.dev, req.status_at, &status, 1), "DMA read"))
		return false;
	if (status != VC_BLK_S_OK) {
		vc_fail(r->c, "the %s made available %s completed with %s", what, k->how, vc_blk_status_name(status));
		vc_observed(r->c, "status %u", status);
		vc_expected(r->c, "OK, as the same request gets in one descriptor per part");
		return false;
	}
	return type != VC_BLK_T_IN || ok(r->c, vc_blk_data(&r->drv, &req, data), "DMA read");
}

static bool same(struct blk_check *k, const uint8_t *got, const uint8_t *want, const char *what)
{
	for (unsigned i = 0; i < VC_BLK_SECTOR; i++)
		if (got[i] != want[i]) {
			unsigned at = i < VC_BLK_SECTOR - 8 ? i : VC_BLK_SECTOR - 8;
			vc_fail(k->r->c, "%s: sector %llu byte %u differs", what, (unsigned long long)k->sector, i);
			vc_observed(k->r->c, "bytes %u..%u: %s", at, at + 7, bytes8(got + at));
			vc_expected(k->r->c, "%s", bytes8(want + at));
			return false;
		}
	return true;
}

/* The shaped request failed: after a reset, what the sector holds, beside
 * what the write carried (or what the read's buffer holds). */
static void evidence(struct blk_check *k, uint32_t type, const uint8_t *sent)
{
	struct session again;
	struct blk_check k2 = *k;
	uint8_t now[VC_BLK_SECTOR], buf[VC_BLK_SECTOR];

	if (type == VC_BLK_T_IN && (!k->data_at || vc_dma_read(k->r->drv.dev, k->data_at, buf, sizeof(buf))))
		return;
	if (!session_start(k->r->c, &again, 0, SESSION_POLLED, 0))
		return;
	k2.r = &again;
	if (!plain(&k2, VC_BLK_T_IN, now, NULL))
		return;
	if (type == VC_BLK_T_OUT)
		vc_note(k->r->c, "after a reset, sector %llu reads %s...; the write carried %s...: %s",
			(unsigned long long)k->sector, bytes8(now), bytes8(sent),
			memcmp(now, sent, VC_BLK_SECTOR) ? "its data never reached the disk" : "it reached the disk");
	else
		vc_note(k->r->c, "the read's buffer holds %s...; after a reset, sector %llu reads %s...: %s", bytes8(buf),
			(unsigned long long)k->sector, bytes8(now),
			memcmp(now, buf, VC_BLK_SECTOR) ? "the sector's bytes never reached the buffer" : "they did");
}

bool ring_blk_data(struct session *r, const struct ring_shape *sh, const char *how)
{
	const struct vc_probe *p = r->c->probe;
	struct blk_check k = { r, sh, SCRATCH, "" };
	uint8_t a[VC_BLK_SECTOR], b[VC_BLK_SECTOR], got[VC_BLK_SECTOR];
	uint32_t plain_len, shaped_len;
	struct ring_io out, in;
	uint64_t cap;

	if (p->virtio_type != 2 || !vc_blk_cfg_reachable(r->drv.dev, p))   /* no configuration: the generic checks */
		return false;
	snprintf(k.how, sizeof(k.how), "%s", how);
	if (!ok(r->c, vc_blk_cfg_read(&r->drv, VC_BLK_CFG_CAPACITY, 8, &cap), "capacity read"))
		return true;
	if (cap <= SCRATCH)
		k.sector = cap / 2;
	/* a read-only medium, or a zoned one whose sector may need the write pointer: reads only */
	bool reads_only = vc_offers(p, VC_BLK_F_RO) || vc_negotiated(&r->drv, VC_BLK_F_ZONED);
	if (!reads_only) {
		vc_blk_pattern_fill(a, k.sector, sizeof(a), SEED_SHAPED);
		if (!shaped(&k, VC_BLK_T_OUT, a, &out, "block write")) {
			if (r->c->r->status == VC_FAIL)
				evidence(&k, VC_BLK_T_OUT, a);
			return true;
		}
		ring_check_readable(r, &out);
		if (!plain(&k, VC_BLK_T_IN, got, NULL) || !same(&k, got, a, "the write made available so did not reach the "
										"disk as sent"))
			return true;
		vc_blk_pattern_fill(b, k.sector, sizeof(b), SEED_PLAIN);
		if (!plain(&k, VC_BLK_T_OUT, b, NULL))
			return true;
	}
	if (!plain(&k, VC_BLK_T_IN, b, &plain_len))
		return true;
	if (!shaped(&k, VC_BLK_T_IN, got, &in, "block read")) {
		if (r->c->r->status == VC_FAIL)
			evidence(&k, VC_BLK_T_IN, NULL);
		return true;
	}
	shaped_len = in.len;
	ring_check_written(r, &in);
	if (!same(&k, got, b, "the read made available so did not return the sector's bytes"))
		return true;
	if (shaped_len != plain_len) {
		vc_fail(r->c, "the block read came back with a different used len when made available %s", how);
		vc_observed(r->c, "used len %u", shaped_len);
		vc_expected(r->c, "%u, as in one descriptor per part", plain_len);
	}
	return true;
}
