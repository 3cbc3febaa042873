/* The block device's feature rules: FLUSH offered (and with CONFIG_WCE),
 * VIRTIO_BLK_F_ZONED only from a zoned device, never through the legacy
 * interface, and what a zoned device does when the driver declines it. */
#include <errno.h>
#include <string.h>
#include "blk.h"

#define MAX_ZONES 16384u

static void flush_offered(struct vc_ctx *c)
{
	if (!vc_offers(c->probe, VC_BLK_F_FLUSH)) {
		vc_fail(c, "VIRTIO_BLK_F_FLUSH is not offered: a driver cannot make writes stable");
		vc_observed(c, "device_feature bit 9 clear");
		vc_expected(c, "bit 9 set");
	}
}

static void flush_with_config_wce(struct vc_ctx *c)
{
	if (!vc_offers(c->probe, VC_BLK_F_CONFIG_WCE))
		vc_skip(c, "VIRTIO_BLK_F_CONFIG_WCE is not offered");
	else if (!vc_offers(c->probe, VC_BLK_F_FLUSH)) {
		vc_fail(c, "VIRTIO_BLK_F_CONFIG_WCE is offered without VIRTIO_BLK_F_FLUSH");
		vc_observed(c, "device_feature bit 11 set, bit 9 clear");
		vc_expected(c, "bit 9 set with bit 11");
	}
}

/* The zoned model with VIRTIO_BLK_F_ZONED negotiated; false after a verdict. */
static bool zoned_model(struct vc_ctx *c, uint8_t *model)
{
	struct blk b;
	bool accepted;
	uint64_t v;

	if (!blk_offered(c, BLK_F(VC_BLK_F_ZONED)) || !blk_negotiate(c, &b, BLK_F(VC_BLK_F_ZONED), &accepted))
		return false;
	if (!accepted) {
		vc_skip(c, "the device refused VIRTIO_BLK_F_ZONED with FEATURES_OK (pci.features.* report it)");
		return false;
	}
	if (!blk_cfg(&b, VC_BLK_CFG_MODEL, 1, &v))
		return false;
	*model = (uint8_t)v;
	return true;
}

/* A device offering ZONED with model HM or HA must have a sequential zone
 * somewhere (else it is not zoned); model NONE cannot be told apart from a
 * drive-managed device, which may offer it. */
static void zoned_means_zones(struct vc_ctx *c)
{
	struct blk b;
	struct vc_blk_zone *z;
	uint64_t zs;
	unsigned n, seq = 0;
	uint8_t model;

	if (!zoned_model(c, &model))
		return;
	if (model == VC_BLK_Z_NONE) {
		vc_note(c, "model NONE: a drive-managed device (zoned inside) or not zoned at all; the two cannot be "
			   "told apart from the driver's side");
		return;
	}
	if (model != VC_BLK_Z_HM && model != VC_BLK_Z_HA) {
		vc_skip(c, "zoned model %u is neither HM nor HA (blk.zoned.model reports it)", model);
		return;
	}
	if (!blk_start(c, &b, BLK_F(VC_BLK_F_ZONED)) || !blk_cfg(&b, VC_BLK_CFG_ZONE_SECTORS, 4, &zs))
		return;
	uint64_t want = zs ? (b.capacity + zs - 1) / zs : 1;
	unsigned max = want < MAX_ZONES ? (unsigned)want : MAX_ZONES;
	if (!(z = vc_clause_alloc(c, max * sizeof(*z))))
		return;
	if (blk_report(&b, 0, z, max, &n)) {
		for (unsigned i = 0; i < n; i++)
			seq += z[i].type == VC_BLK_ZT_SWR || z[i].type == VC_BLK_ZT_SWP;
		if (!seq) {
			vc_fail(c, "VIRTIO_BLK_F_ZONED offered with model %s, yet none of the %u zones reported is "
				   "sequential: not a zoned device", model == VC_BLK_Z_HM ? "HM" : "HA", n);
			vc_observed(c, "%u zones, all conventional", n);
			vc_expected(c, "ZONED not offered, or sequential zones");
		}
	}
}

static void legacy_no_zoned(struct vc_ctx *c)
{
	uint64_t host_features;
	int rc;

	if (!c->probe->transitional) {
		vc_skip(c, "not a transitional device: no legacy interface");
		return;
	}
	if (!(c->probe->bar_reg[0] & 1)) {
		vc_skip(c, "BAR0 is not the legacy I/O BAR (pci.layout.transitional-legacy-bar0 reports it)");
		return;
	}
	if ((rc = vc_bar_read(c->dev, 0, 0, 4, &host_features))) {
		vc_error(c, "legacy host features read failed: %s", strerror(-rc));
		return;
	}
	if ((host_features >> VC_BLK_F_ZONED) & 1) {
		vc_fail(c, "the legacy interface offers VIRTIO_BLK_F_ZONED (bit 17)");
		vc_observed(c, "legacy host features 0x%08llx", (unsigned long long)host_features);
		vc_expected(c, "bit 17 clear");
	}
}

/* Decline ZONED: a host-aware device carries on with the zoned fields
 * zero; a host-managed one refuses FEATURES_OK. */
static void zoned_declined(struct vc_ctx *c, bool hm)
{
	struct blk b;
	bool accepted;
	uint8_t model;
	uint64_t v;

	if (!zoned_model(c, &model))
		return;
	if (hm ? model != VC_BLK_Z_HM : model != VC_BLK_Z_HA && model != VC_BLK_Z_NONE) {
		vc_skip(c, "the rule is for %s devices; this one reports model %u", hm ? "host-managed" : "host-aware or "
			"drive-managed", model);
		return;
	}
	if (!blk_negotiate(c, &b, 0, &accepted))
		return;
	if (hm) {
		if (accepted) {
			vc_fail(c, "a host-managed zoned device kept FEATURES_OK with VIRTIO_BLK_F_ZONED declined");
			vc_observed(c, "FEATURES_OK set");
			vc_expected(c, "FEATURES_OK clear");
		}
		return;
	}
	if (!accepted) {
		vc_fail(c, "a %s zoned device refused FEATURES_OK with VIRTIO_BLK_F_ZONED declined",
			model == VC_BLK_Z_HA ? "host-aware" : "drive-managed");
		vc_observed(c, "FEATURES_OK clear");
		vc_expected(c, "FEATURES_OK set, the zoned fields 0");
		return;
	}
	for (unsigned off = VC_BLK_CFG_ZONE_SECTORS; off < VC_BLK_CFG_LEN; off += 4) {
		bool present;
		if (!blk_cfg_opt(&b, off, 4, &v, &present))
			return;
		if (present && v) {
			vc_fail(c, "with VIRTIO_BLK_F_ZONED declined, the zoned characteristics are not all 0");
			vc_observed(c, "0x%08llx at offset %u", (unsigned long long)v, off);
			vc_expected(c, "0");
			return;
		}
	}
}

static void zoned_declined_ha(struct vc_ctx *c) { zoned_declined(c, false); }
static void zoned_declined_hm(struct vc_ctx *c) { zoned_declined(c, true); }

static const struct vc_clause clauses[] = {
	{ "blk.features.flush-offered", L_BLK_INIT, VC_SHOULD, VC_DEVICE_RULE, "1.0", NEED_COMMON, "BLK-INIT-DEV-1",
	  "VIRTIO_BLK_F_FLUSH is offered.", NULL, flush_offered },
	{ "blk.features.flush-with-config-wce", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_COMMON,
	  "BLK-INIT-DEV-2", "A device offering VIRTIO_BLK_F_CONFIG_WCE offers VIRTIO_BLK_F_FLUSH.", NULL,
	  flush_with_config_wce },
	{ "blk.features.zoned-means-zones", L_BLK_INIT, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.3", BLK_DRIVES,
	  "BLK-INIT-DEV-5",
	  "A device offering VIRTIO_BLK_F_ZONED with a host-managed or host-aware model has sequential zones (model "
	  "NONE passes with a note: drive-managed and non-zoned look alike).", NULL, zoned_means_zones,
	  VC_REQ(VC_BLK_F_ZONED) },
	{ "blk.features.legacy-no-zoned", L_BLK_INIT, VC_MUST_NOT, VC_DEVICE_RULE, "1.3", NEED_BAR_READ,
	  "BLK-INIT-DEV-6", "The legacy interface of a transitional device does not offer VIRTIO_BLK_F_ZONED.", NULL,
	  legacy_no_zoned },
	{ "blk.features.zoned-declined-ha", L_BLK_INIT, VC_SHOULD, VC_DEVICE_RULE, "1.3", NEED_BAR_WRITE | NEED_COMMON,
	  "BLK-INIT-DEV-7",
	  "A host-aware (or drive-managed) zoned device keeps FEATURES_OK with VIRTIO_BLK_F_ZONED declined, its zoned "
	  "fields reading 0.", NULL, zoned_declined_ha, VC_REQ(VC_BLK_F_ZONED) },
	{ "blk.features.zoned-declined-hm", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.3", NEED_BAR_WRITE | NEED_COMMON,
	  "BLK-INIT-DEV-8", "A host-managed zoned device refuses FEATURES_OK with VIRTIO_BLK_F_ZONED declined.", NULL,
	  zoned_declined_hm, VC_REQ(VC_BLK_F_ZONED) },
};

VC_DEVICE_SUITE(suite_blk_features, clauses, 2);
