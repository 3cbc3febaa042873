/* The block suites' helpers (blk.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "blk.h"

#define SCRATCH 2048u           /* 1 MiB in */

bool blk_offered(struct vc_ctx *c, uint64_t bits)
{
	for (unsigned bit = 0; bit < 64; bit++)
		if ((bits & BLK_F(bit)) && !vc_offers(c->probe, bit)) {
			vc_skip(c, "%s is not offered", vc_blk_feature_name(bit));
			return false;
		}
	return true;
}

/* Every block clause reads the configuration: without one it has nothing to go on. */
static bool has_config(struct vc_ctx *c)
{
	if (!c->probe->device_cfg)
		vc_skip(c, "no device-specific configuration capability (pci.device-cfg.present reports it)");
	else if (!vc_blk_cfg_reachable(c->dev, c->probe))
		vc_skip(c, "the device-specific configuration lies outside its BAR (pci.caps.structure-in-bar reports it)");
	return c->probe->device_cfg && vc_blk_cfg_reachable(c->dev, c->probe);
}

bool blk_negotiate(struct vc_ctx *c, struct blk *b, uint64_t want, bool *accepted)
{
	uint32_t w[VC_FEATURE_WORDS] = { 0 };
	int rc;

	if (!has_config(c))
		return false;
	memset(b, 0, sizeof(*b));
	b->c = c;
	b->queue_vector = -1;
	vc_ctx_driver(c, &b->drv);
	vc_features_set(w, VIRTIO_F_VERSION_1);
	for (unsigned bit = 0; bit < 64; bit++)
		if (want & BLK_F(bit))
			vc_features_set(w, bit);
	rc = vc_reset(&b->drv);
	if (!rc)
		rc = vc_negotiate(&b->drv, w);
	*accepted = rc == 0;
	if (rc == -ETIMEDOUT)
		vc_skip(c, "the device did not complete a reset (pci.reset.status-reads-zero reports it)");
	else if (rc && rc != -EPROTO)
		vc_error(c, "negotiation failed: %s", strerror(-rc));
	return rc == 0 || rc == -EPROTO;
}

bool blk_run(struct blk *b)
{
	int rc;

	if (b->c->probe->common->length < COMMON_CFG_SIZE_BASE) {
		vc_skip(b->c, "the common configuration is too short to hold the queue registers (pci.common.length "
			      "reports it)");
		return false;
	}
	/* MSI-X where there is one, as a driver has it: requestq1 on vector 0
	 * (a device must cope with NO_VECTOR too; pci.usednotif.no-vector checks that) */
	if (b->queue_vector < 0 && b->c->probe->msix_pos && !vc_irq_msix(&b->drv, 1))
		b->queue_vector = 0;
	rc = vc_vq_setup(&b->drv, 0, 0, &b->vq);
	if (!rc && b->queue_vector >= 0)
		rc = vc_common_write(b->drv.dev, b->drv.p, COMMON_queue_msix_vector, 2, (uint64_t)b->queue_vector);
	if (!rc)
		rc = vc_vq_enable(&b->drv, &b->vq);
	if (!rc)
		rc = vc_status_add(&b->drv, VIRTIO_STATUS_DRIVER_OK);
	if (rc) {
		vc_error(b->c, "could not set up requestq1: %s", strerror(-rc));
		return false;
	}
	return blk_cfg(b, VC_BLK_CFG_CAPACITY, 8, &b->capacity);
}

bool blk_start(struct vc_ctx *c, struct blk *b, uint64_t want)
{
	uint32_t w[VC_FEATURE_WORDS] = { 0 };

	if (!blk_offered(c, want) || !has_config(c))
		return false;
	memset(b, 0, sizeof(*b));
	b->c = c;
	b->queue_vector = -1;
	vc_features_set(w, VIRTIO_F_VERSION_1);
	for (unsigned bit = 0; bit < 64; bit++)
		if (want & BLK_F(bit))
			vc_features_set(w, bit);
	if (!vc_ctx_start(c, &b->drv, w))
		return false;
	for (unsigned bit = 0; bit < 64; bit++)
		if ((want & BLK_F(bit)) && !vc_negotiated(&b->drv, bit)) {
			vc_skip(c, "%s was not accepted with FEATURES_OK", vc_blk_feature_name(bit));
			return false;
		}
	return blk_run(b);
}

bool blk_cfg_opt(struct blk *b, unsigned off, unsigned width, uint64_t *v, bool *present)
{
	int rc = vc_blk_cfg_read(&b->drv, off, width, v);

	*present = rc == 0;
	if (rc == -ENODATA || rc == -ENOENT) {
		*v = 0;
		return true;
	}
	if (rc)
		vc_error(b->c, "device configuration read at %u failed: %s", off, strerror(-rc));
	return rc == 0;
}

bool blk_cfg(struct blk *b, unsigned off, unsigned width, uint64_t *v)
{
	bool present;

	if (!blk_cfg_opt(b, off, width, v, &present))
		return false;
	if (!present)
		vc_fail(b->c, "the device configuration (%llu bytes) is too short to hold the field at offset %u",
			b->c->probe->device_cfg ? (unsigned long long)b->c->probe->device_cfg->length : 0ull, off);
	return present;
}

const char *blk_what(const struct vc_blk_req *r)
{
	static char buf[96];

	if (r->type == VC_BLK_T_IN || r->type == VC_BLK_T_OUT || r->type == VC_BLK_T_ZONE_APPEND)
		snprintf(buf, sizeof(buf), "%s of %u sectors at %llu", vc_blk_type_name(r->type), r->len / VC_BLK_SECTOR,
			 (unsigned long long)r->sector);
	else
		snprintf(buf, sizeof(buf), "%s (sector %llu, %u data bytes)", vc_blk_type_name(r->type),
			 (unsigned long long)r->sector, r->len);
	return buf;
}

bool blk_do(struct blk *b, struct vc_blk_req *r, const void *out)
{
	return blk_do_on(b, &b->vq, r, out);
}

bool blk_do_on(struct blk *b, struct vc_vq *vq, struct vc_blk_req *r, const void *out)
{
	struct vc_ctx *c = b->c;
	unsigned ms = c->dev->timeout_ms;
	uint8_t status = 0;
	int rc = vc_blk_build(&b->drv, r, out);

	if (!rc)
		rc = vc_blk_submit(&b->drv, vq, r);
	if (rc) {
		vc_error(c, "could not send the %s: %s", blk_what(r), strerror(-rc));
		return false;
	}
	rc = vc_blk_wait(&b->drv, vq, r, ms);
	if (rc == -ETIMEDOUT) {
		vc_status_read(&b->drv, &status);
		vc_fail(c, "the %s on queue %u was not used within %u ms%s", blk_what(r), vq->index, ms,
			status & VIRTIO_STATUS_DEVICE_NEEDS_RESET ? "; the device set DEVICE_NEEDS_RESET" : "");
		vc_observed(c, "no used element; device_status 0x%02x", status);
		vc_expected(c, "the request used with a status");
	} else if (rc == -EPROTO) {
		vc_fail(c, "a buffer came back that was not the %s in flight", blk_what(r));
		vc_observed(c, "used id %u", r->id);
	} else if (rc) {
		vc_error(c, "reading the used ring failed: %s", strerror(-rc));
	}
	return rc == 0;
}

bool blk_status(struct blk *b, const struct vc_blk_req *r, uint8_t want, const char *what)
{
	if (r->status == want)
		return true;
	vc_fail(b->c, "%s: the %s completed with %s", what, blk_what(r), vc_blk_status_name(r->status));
	vc_observed(b->c, "status %u (%s)", r->status, vc_blk_status_name(r->status));
	vc_expected(b->c, "status %u (%s)", want, vc_blk_status_name(want));
	return false;
}

bool blk_write(struct blk *b, uint64_t sector, uint32_t nsect, unsigned seed)
{
	struct vc_blk_req r;
	uint32_t len = nsect * VC_BLK_SECTOR;
	uint8_t *data = vc_clause_alloc(b->c, len);
	bool ok;

	if (!data)
		return false;
	vc_blk_pattern_fill(data, sector, len, seed);
	vc_blk_init(&r, VC_BLK_T_OUT, sector, len);
	ok = blk_do(b, &r, data) && blk_status(b, &r, VC_BLK_S_OK, "a write");
	vc_clause_free(data);
	return ok;
}

bool blk_read(struct blk *b, uint64_t sector, uint32_t nsect, uint8_t *buf)
{
	struct vc_blk_req r;
	int rc;

	vc_blk_init(&r, VC_BLK_T_IN, sector, nsect * VC_BLK_SECTOR);
	if (!blk_do(b, &r, NULL) || !blk_status(b, &r, VC_BLK_S_OK, "a read"))
		return false;
	if ((rc = vc_blk_data(&b->drv, &r, buf)))
		vc_error(b->c, "DMA read failed: %s", strerror(-rc));
	return rc == 0;
}

const char *blk_bytes(const uint8_t *p, size_t n)
{
	static char buf[48];
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && i < 8; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%02x", i ? " " : "", p[i]);
	return buf;
}

bool blk_same(struct blk *b, const uint8_t *buf, uint64_t sector, uint32_t len, int seed, const char *what)
{
	for (uint32_t k = 0; k < len; k++) {
		uint8_t want = seed < 0 ? 0 : vc_blk_pattern(sector, k, (unsigned)seed);
		if (buf[k] == want)
			continue;
		uint8_t exp[8];
		uint32_t n = len - k < 8 ? len - k : 8;
		for (uint32_t i = 0; i < n; i++)
			exp[i] = seed < 0 ? 0 : vc_blk_pattern(sector, k + i, (unsigned)seed);
		vc_fail(b->c, "%s: sector %llu byte %u differs", what, (unsigned long long)(sector + k / VC_BLK_SECTOR),
			k % VC_BLK_SECTOR);
		vc_observed(b->c, "%s", blk_bytes(buf + k, n));
		vc_expected(b->c, "%s", blk_bytes(exp, n));
		return false;
	}
	return true;
}

bool blk_report(struct blk *b, uint64_t sector, struct vc_blk_zone *z, unsigned max, unsigned *n)
{
	struct vc_blk_req r;
	uint64_t nr;
	uint8_t *buf = vc_clause_alloc(b->c, VC_BLK_ZONE_REPORT_HDR + (size_t)max * VC_BLK_ZONE_DESC);
	bool ok = buf != NULL;

	vc_blk_init(&r, VC_BLK_T_ZONE_REPORT, sector, VC_BLK_ZONE_REPORT_HDR + max * VC_BLK_ZONE_DESC);
	ok = ok && blk_do(b, &r, NULL) && blk_status(b, &r, VC_BLK_S_OK, "a zone report");
	if (ok && vc_blk_data(&b->drv, &r, buf)) {
		vc_error(b->c, "DMA read failed");
		ok = false;
	}
	if (ok)
		*n = vc_blk_zone_parse(buf, r.len, &nr, z, max);
	vc_clause_free(buf);
	return ok;
}

/* A zoned device takes ordinary writes in a conventional zone: the last of
 * the first ones the report shows that holds nsect sectors. */
static bool zoned_scratch(struct blk *b, uint32_t nsect, uint64_t *sector)
{
	static struct vc_blk_zone z[64];
	unsigned n;
	bool found = false;

	if (!blk_report(b, 0, z, 64, &n))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (z[i].type == VC_BLK_ZT_CONV && z[i].cap >= nsect) {
			*sector = z[i].start;
			found = true;
		}
	if (!found)
		vc_skip(b->c, "a zoned device without a conventional zone of %u sectors among its first 64 zones: "
			      "nowhere to write freely", nsect);
	return found;
}

bool blk_scratch(struct blk *b, uint32_t nsect, uint64_t *sector)
{
	if (b->capacity < nsect) {
		vc_skip(b->c, "the disk holds %llu sectors, fewer than the %u the check writes",
			(unsigned long long)b->capacity, nsect);
		return false;
	}
	if (vc_negotiated(&b->drv, VC_BLK_F_ZONED))
		return zoned_scratch(b, nsect, sector);
	*sector = b->capacity - nsect < SCRATCH ? b->capacity - nsect : SCRATCH;
	return true;
}

bool blk_segment_do(struct blk *b, uint32_t type, uint64_t sector, uint32_t num, uint32_t flags, struct vc_blk_req *r)
{
	uint8_t seg[VC_BLK_SEGMENT];

	vc_blk_segment(seg, sector, num, flags);
	vc_blk_init(r, type, 0, sizeof(seg));
	return blk_do(b, r, seg);
}
