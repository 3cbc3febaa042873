/* virtio-blk requests from the driver's side (vc/devtypes/blk.h): any type,
 * in any descriptor arrangement, with the status and data read back. */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/blk.h"
#include "vc/devtypes/dev.h"

const char *vc_blk_feature_name(unsigned bit)
{
	const char *name = vc_devtype_feature_name(2, bit);

	return name ? name : "an unknown feature bit";
}

const char *vc_blk_type_name(uint32_t type)
{
	switch (type) {
	case VC_BLK_T_IN: return "IN";
	case VC_BLK_T_OUT: return "OUT";
	case VC_BLK_T_FLUSH: return "FLUSH";
	case VC_BLK_T_GET_ID: return "GET_ID";
	case VC_BLK_T_GET_LIFETIME: return "GET_LIFETIME";
	case VC_BLK_T_DISCARD: return "DISCARD";
	case VC_BLK_T_WRITE_ZEROES: return "WRITE_ZEROES";
	case VC_BLK_T_SECURE_ERASE: return "SECURE_ERASE";
	case VC_BLK_T_ZONE_APPEND: return "ZONE_APPEND";
	case VC_BLK_T_ZONE_REPORT: return "ZONE_REPORT";
	case VC_BLK_T_ZONE_OPEN: return "ZONE_OPEN";
	case VC_BLK_T_ZONE_CLOSE: return "ZONE_CLOSE";
	case VC_BLK_T_ZONE_FINISH: return "ZONE_FINISH";
	case VC_BLK_T_ZONE_RESET: return "ZONE_RESET";
	case VC_BLK_T_ZONE_RESET_ALL: return "ZONE_RESET_ALL";
	}
	return "an unknown type";
}

const char *vc_blk_status_name(uint8_t status)
{
	static const char *const names[] = { "OK", "IOERR", "UNSUPP", "ZONE_INVALID_CMD", "ZONE_UNALIGNED_WP",
					     "ZONE_OPEN_RESOURCE", "ZONE_ACTIVE_RESOURCE" };
	if (status < sizeof(names) / sizeof(names[0]))
		return names[status];
	return status == VC_BLK_STATUS_UNSET ? "not written" : "undefined";
}

const char *vc_blk_zone_state_name(uint8_t state)
{
	switch (state) {
	case VC_BLK_ZS_NOT_WP: return "NOT_WP";
	case VC_BLK_ZS_EMPTY: return "EMPTY";
	case VC_BLK_ZS_IOPEN: return "IOPEN";
	case VC_BLK_ZS_EOPEN: return "EOPEN";
	case VC_BLK_ZS_CLOSED: return "CLOSED";
	case VC_BLK_ZS_RDONLY: return "RDONLY";
	case VC_BLK_ZS_FULL: return "FULL";
	case VC_BLK_ZS_OFFLINE: return "OFFLINE";
	}
	return "undefined";
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << 8 * i;
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

unsigned vc_blk_zone_parse(const uint8_t *buf, size_t len, uint64_t *nr, struct vc_blk_zone *z, unsigned max)
{
	unsigned n = 0;

	*nr = len >= 8 ? le(buf, 8) : 0;
	for (size_t at = VC_BLK_ZONE_REPORT_HDR; n < max && n < *nr && at + VC_BLK_ZONE_DESC <= len;
	     at += VC_BLK_ZONE_DESC, n++) {
		const uint8_t *d = buf + at;
		z[n] = (struct vc_blk_zone){ le(d, 8), le(d + 8, 8), le(d + 16, 8), d[24], d[25] };
	}
	return n;
}

void vc_blk_segment(uint8_t out[VC_BLK_SEGMENT], uint64_t sector, uint32_t num_sectors, uint32_t flags)
{
	put_le(out, sector, 8);
	put_le(out + 8, num_sectors, 4);
	put_le(out + 12, flags, 4);
}

uint8_t vc_blk_canary(uint32_t k) { return (uint8_t)(0x3c + 29 * k + (k >> 9)); }

uint8_t vc_blk_pattern(uint64_t sector, uint32_t k, unsigned seed)
{
	uint64_t s = sector + k / VC_BLK_SECTOR;

	return (uint8_t)(0x96 + 7 * (k % VC_BLK_SECTOR) + 53 * s + (s >> 8) + 101 * seed + (k % VC_BLK_SECTOR >> 8));
}

void vc_blk_pattern_fill(uint8_t *buf, uint64_t sector, uint32_t len, unsigned seed)
{
	for (uint32_t k = 0; k < len; k++)
		buf[k] = vc_blk_pattern(sector, k, seed);
}

uint32_t vc_blk_canary_run(const uint8_t *buf, uint32_t len, uint32_t k)
{
	uint32_t n = 0;

	while (k + n < len && buf[k + n] == vc_blk_canary(k + n))
		n++;
	return n;
}

void vc_blk_init(struct vc_blk_req *r, uint32_t type, uint64_t sector, uint32_t len)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->sector = sector;
	r->len = len;
	r->data_in = type == VC_BLK_T_IN || type == VC_BLK_T_GET_ID || type == VC_BLK_T_GET_LIFETIME ||
		     type == VC_BLK_T_ZONE_REPORT;
	r->append = type == VC_BLK_T_ZONE_APPEND;
	r->status = VC_BLK_STATUS_UNSET;
}

static bool put_buf(struct vc_blk_req *r, uint64_t addr, uint32_t len, bool writable)
{
	if (!len)
		return true;
	if (r->n == VC_BLK_MAX_BUFS)
		return false;
	r->bufs[r->n++] = (struct vc_buf){ addr, len, writable };
	r->writable += writable ? len : 0;
	return true;
}

/* The data in `pieces` descriptors of nearly equal size. */
static bool put_data(struct vc_blk_req *r)
{
	unsigned pieces = r->shape.pieces > 1 ? r->shape.pieces : 1;
	uint32_t done = 0;

	if (pieces > r->len)
		pieces = r->len ? r->len : 1;
	for (unsigned i = 0; i < pieces; i++) {
		uint32_t n = (r->len - done) / (pieces - i);
		if (!put_buf(r, r->data_at + done, n, r->data_in))
			return false;
		done += n;
	}
	return true;
}

static bool lay_out(struct vc_blk_req *r)
{
	uint32_t tail = (r->append ? 8 : 0) + 1;     /* append_sector, status */

	r->n = 0;
	r->writable = 0;
	if (r->shape.merged)
		return r->data_in ? put_buf(r, r->base, 16, false) && put_buf(r, r->data_at, r->len + tail, true)
				  : put_buf(r, r->base, 16 + r->len, false) && put_buf(r, r->append_at, tail, true);
	return put_buf(r, r->base, 16, false) && put_data(r) && (!r->append || put_buf(r, r->append_at, 8, true)) &&
	       put_buf(r, r->status_at, 1, true);
}

int vc_blk_build(struct vc_driver *drv, struct vc_blk_req *r, const void *out)
{
	uint32_t total = 16 + r->len + (r->append ? 8 : 0) + 1;
	uint8_t hdr[16], chunk[4096];
	int rc;

	if ((rc = vc_dma_alloc(drv->dev, total, 16, &r->base)))
		return rc;
	r->data_at = r->base + 16;
	r->append_at = r->data_at + r->len;
	r->status_at = r->append_at + (r->append ? 8 : 0);
	put_le(hdr, r->type, 4);
	put_le(hdr + 4, r->reserved, 4);
	put_le(hdr + 8, r->sector, 8);
	if ((rc = vc_dma_write(drv->dev, r->base, hdr, sizeof(hdr))))
		return rc;
	for (uint32_t off = 0; off < r->len; off += sizeof(chunk)) {
		uint32_t n = r->len - off < sizeof(chunk) ? r->len - off : (uint32_t)sizeof(chunk);
		if (r->data_in)
			for (uint32_t k = 0; k < n; k++)
				chunk[k] = vc_blk_canary(off + k);
		else if (out)
			memcpy(chunk, (const uint8_t *)out + off, n);
		else
			memset(chunk, 0, n);
		if ((rc = vc_dma_write(drv->dev, r->data_at + off, chunk, n)))
			return rc;
	}
	memset(chunk, 0xff, 9);
	if ((rc = vc_dma_write(drv->dev, r->append_at, chunk, r->append ? 9 : 1)))
		return rc;
	r->status = VC_BLK_STATUS_UNSET;
	return lay_out(r) ? 0 : -EINVAL;
}

int vc_blk_submit(struct vc_driver *drv, struct vc_vq *vq, struct vc_blk_req *r)
{
	int rc;

	if (r->shape.indirect) {
		if (vq->packed)
			return -ENOTSUP;
		rc = vc_vq_add_indirect(drv, vq, r->bufs, r->n, r->shape.ndirect, r->shape.table_write, false, &r->id);
	} else {
		rc = vc_vq_add(drv, vq, r->bufs, r->n, &r->id);
	}
	return rc ? rc : vc_vq_kick(drv, vq);
}

int vc_blk_wait(struct vc_driver *drv, struct vc_vq *vq, struct vc_blk_req *r, unsigned timeout_ms)
{
	uint16_t id;
	const struct vc_dma_piece status = { r->status_at, &r->status, 1 };
	int rc = vc_vq_wait_used_read(drv, vq, timeout_ms, &id, &r->used_len, &status, 1);

	if (rc)
		return rc;
	if (id != r->id) {
		r->id = id;
		return -EPROTO;
	}
	return 0;
}

int vc_blk_run(struct vc_driver *drv, struct vc_vq *vq, struct vc_blk_req *r, const void *out, unsigned timeout_ms)
{
	int rc = vc_blk_build(drv, r, out);

	if (!rc)
		rc = vc_blk_submit(drv, vq, r);
	return rc ? rc : vc_blk_wait(drv, vq, r, timeout_ms);
}

int vc_blk_data(struct vc_driver *drv, const struct vc_blk_req *r, void *buf)
{
	return r->len ? vc_dma_read(drv->dev, r->data_at, buf, r->len) : 0;
}

int vc_blk_append_sector(struct vc_driver *drv, const struct vc_blk_req *r, uint64_t *sector)
{
	uint8_t b[8];
	int rc = r->append ? vc_dma_read(drv->dev, r->append_at, b, 8) : -EINVAL;

	if (!rc)
		*sector = le(b, 8);
	return rc;
}

bool vc_blk_zoned_retry(const struct vc_probe *p, const uint32_t *want, uint32_t out[VC_FEATURE_WORDS])
{
	if (p->virtio_type != 2 || !vc_offers(p, VC_BLK_F_ZONED) || (want && ((want[0] >> VC_BLK_F_ZONED) & 1)))
		return false;
	memset(out, 0, VC_FEATURE_WORDS * sizeof(out[0]));
	if (want)
		memcpy(out, want, VC_FEATURE_WORDS * sizeof(out[0]));
	else
		vc_features_set(out, VIRTIO_F_VERSION_1);
	vc_features_set(out, VC_BLK_F_ZONED);
	return true;
}

bool vc_blk_cfg_reachable(const struct vc_device *d, const struct vc_probe *p)
{
	const struct vc_vcap *cfg = p->device_cfg;

	if (!cfg || cfg->bar >= VC_NUM_BARS)
		return false;
	if (!(d->abilities & VC_BAR_SIZES))
		return true;
	uint64_t size = d->bar[cfg->bar].size;
	return cfg->offset < size && cfg->length <= size - cfg->offset;
}

/* Device configuration accesses as the spec has drivers make them: the
 * field's own width, 64-bit fields as two 32-bit halves; nothing past the
 * structure's length (-ENODATA). */
int vc_blk_cfg_read(struct vc_driver *drv, unsigned off, unsigned width, uint64_t *v)
{
	const struct vc_vcap *cfg = drv->p->device_cfg;
	uint64_t lo, hi;
	int rc;

	if (!cfg)
		return -ENOENT;
	if (off + width > cfg->length)
		return -ENODATA;
	if (width != 8)
		return vc_struct_read(drv->dev, cfg, off, width, v);
	if ((rc = vc_struct_read(drv->dev, cfg, off, 4, &lo)) || (rc = vc_struct_read(drv->dev, cfg, off + 4, 4, &hi)))
		return rc;
	*v = (lo & 0xffffffffu) | hi << 32;
	return 0;
}

int vc_blk_cfg_write(struct vc_driver *drv, unsigned off, unsigned width, uint64_t v)
{
	const struct vc_vcap *cfg = drv->p->device_cfg;

	if (!cfg)
		return -ENOENT;
	if (off + width > cfg->length)
		return -ENODATA;
	return vc_struct_write(drv->dev, cfg, off, width, v);
}
