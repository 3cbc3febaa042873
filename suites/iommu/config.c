/* virtio-iommu: the feature bits a device offers and its configuration
 * (page_size_mask, bypass across device and system resets). */
#include <errno.h>
#include <string.h>
#include "iommu.h"
#include "vc/devtypes/host.h"

static void offers_map_unmap(struct vc_ctx *c)
{
	if (!vc_offers(c->probe, VIRTIO_IOMMU_F_MAP_UNMAP)) {
		vc_fail(c, "VIRTIO_IOMMU_F_MAP_UNMAP is not offered");
		vc_observed(c, "device features 0x%08x", c->probe->device_feature[0]);
		vc_expected(c, "bit 2 set");
	}
}

static void no_legacy_bypass(struct vc_ctx *c)
{
	if (vc_offers(c->probe, VIRTIO_IOMMU_F_BYPASS)) {
		vc_fail(c, "the superseded VIRTIO_IOMMU_F_BYPASS is offered");
		vc_observed(c, "device features 0x%08x", c->probe->device_feature[0]);
		vc_expected(c, "bit 3 clear (VIRTIO_IOMMU_F_BYPASS_CONFIG, bit 6, supersedes it)");
	}
}

static void bypass_not_both(struct vc_ctx *c)
{
	if (vc_offers(c->probe, VIRTIO_IOMMU_F_BYPASS) && vc_offers(c->probe, VIRTIO_IOMMU_F_BYPASS_CONFIG)) {
		vc_fail(c, "both VIRTIO_IOMMU_F_BYPASS and VIRTIO_IOMMU_F_BYPASS_CONFIG are offered");
		vc_observed(c, "device features 0x%08x", c->probe->device_feature[0]);
		vc_expected(c, "at most one of bits 3 and 6");
	}
}

/* The configuration as it reads now, without driving the device. */
static bool read_config(struct vc_ctx *c, struct iommu_config *cfg)
{
	static struct vc_dev d;
	int rc;

	vc_ctx_driver(c, &d.drv);
	if ((rc = iommu_config_read(&d, cfg)) == -ENOENT)
		vc_fail(c, "the device-specific configuration is missing or shorter than struct virtio_iommu_config "
			   "(%u bytes)", IOMMU_CFG_SIZE);
	else if (rc)
		vc_error(c, "reading the configuration: %s", strerror(-rc));
	return rc == 0;
}

static void page_size_mask(struct vc_ctx *c)
{
	struct iommu_config cfg;

	if (read_config(c, &cfg) && !cfg.page_size_mask) {
		vc_fail(c, "page_size_mask has no bit set");
		vc_observed(c, "page_size_mask 0x0");
		vc_expected(c, "at least one page size");
	}
}

static void bypass_values(struct vc_ctx *c)
{
	struct iommu_config cfg;

	if (!vc_offers(c->probe, VIRTIO_IOMMU_F_BYPASS_CONFIG)) {
		vc_skip(c, "VIRTIO_IOMMU_F_BYPASS_CONFIG is not offered: bypass has no meaning");
		return;
	}
	if (read_config(c, &cfg) && cfg.bypass > 1) {
		vc_fail(c, "bypass reads %u", cfg.bypass);
		vc_observed(c, "bypass 0x%02x", cfg.bypass);
		vc_expected(c, "0 or 1");
	}
}

/* bypass set to the other value than it has; *b0 the old one, *b1 the new. */
static bool flip_bypass(struct vi *v, uint8_t *b0, uint8_t *b1)
{
	int rc;

	*b0 = v->io.cfg.bypass;
	if ((rc = iommu_write_bypass(&v->io, !(*b0 & 1)))) {
		vc_error(v->c, "writing bypass: %s", strerror(-rc));
		return false;
	}
	*b1 = v->io.cfg.bypass;
	if ((*b1 & 1) == (*b0 & 1)) {
		vc_skip(v->c, "bypass stayed %u when %u was written", *b1, !(*b0 & 1));
		return false;
	}
	return true;
}

/* bypass back to `b`, in a new session (the device was reset). */
static void put_back(struct vc_ctx *c, uint8_t b)
{
	struct vi v;

	if (vi_start(c, &v, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG)))
		vi_bypass_restore(&v, b & 1);
}

static void bypass_kept_on_reset(struct vc_ctx *c)
{
	struct iommu_config after;
	uint8_t b0, b1;
	struct vi v;
	int rc;

	if (!vi_start(c, &v, 0, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG)) || !flip_bypass(&v, &b0, &b1))
		return;
	if ((rc = vc_reset(&v.io.dev.drv)) || (rc = iommu_config_read(&v.io.dev, &after))) {
		vc_error(c, "reset: %s", strerror(-rc));
		return;
	}
	if (after.bypass != b1) {
		vc_fail(c, "bypass changed with a device reset");
		vc_observed(c, "bypass %u before the reset, %u after", b1, after.bypass);
		vc_expected(c, "%u after the reset too", b1);
	}
	put_back(c, b0);
}

static bool system_reset(struct vc_ctx *c)
{
	char out[8];

	return ds_host(c, VC_HOST_SYSTEM_RESET, "", out, sizeof(out));
}

static void bypass_restored_on_system_reset(struct vc_ctx *c)
{
	struct iommu_config initial, after;
	uint8_t b0, b1;
	struct vi v;

	if (!vc_offers(c->probe, VIRTIO_IOMMU_F_BYPASS_CONFIG)) {
		vc_skip(c, "VIRTIO_IOMMU_F_BYPASS_CONFIG is not offered");
		return;
	}
	if (!system_reset(c) || !read_config(c, &initial))
		return;
	if (!vi_start(c, &v, 0, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG)) || !flip_bypass(&v, &b0, &b1) || !system_reset(c) ||
	    !read_config(c, &after))
		return;
	if (after.bypass != initial.bypass) {
		vc_fail(c, "bypass kept the driver's value over a system reset");
		vc_observed(c, "bypass %u after the system reset (%u written; %u after the one before)", after.bypass,
			    b1, initial.bypass);
		vc_expected(c, "%u, its initial value", initial.bypass);
	}
}

#define STATIC (NEED_BAR_READ | NEED_COMMON)

static const struct vc_clause clauses[] = {
	{ "iommu.features.map-unmap", L_IOMMU_FEAT, VC_SHOULD, VC_DEVICE_RULE, "1.2", STATIC, "IOMMU-FEAT-DEV-1",
	  "The device offers VIRTIO_IOMMU_F_MAP_UNMAP.", NULL, offers_map_unmap, 0, 0, NULL, VI_REACH },
	{ "iommu.features.no-legacy-bypass", L_IOMMU_FEAT, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", STATIC,
	  "IOMMU-FEAT-DEV-2", "The superseded VIRTIO_IOMMU_F_BYPASS is not offered.", NULL, no_legacy_bypass, 0, 0, NULL, VI_REACH },
	{ "iommu.features.bypass-not-both", L_IOMMU_FEAT, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", STATIC,
	  "IOMMU-FEAT-DEV-3", "VIRTIO_IOMMU_F_BYPASS and VIRTIO_IOMMU_F_BYPASS_CONFIG are not both offered.", NULL,
	  bypass_not_both, 0, 0, NULL, VI_REACH },
	{ "iommu.config.page-size-mask", L_IOMMU_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", STATIC, "IOMMU-CFG-DEV-1",
	  "page_size_mask has at least one bit set.", NULL, page_size_mask, 0, 0, NULL, VI_REACH },
	{ "iommu.config.bypass-values", L_IOMMU_CFG, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", STATIC, "IOMMU-CFG-DEV-6",
	  "bypass reads 0 or 1.", NULL, bypass_values, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 0, NULL, VI_REACH },
	{ "iommu.config.bypass-kept-on-reset", L_IOMMU_CFG, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-CFG-DEV-4", "bypass written by the driver keeps its value over a device reset.", NULL,
	  bypass_kept_on_reset, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 2, NULL, VI_REACH },
	{ "iommu.config.bypass-restored-on-system-reset", L_IOMMU_CFG, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES,
	  "IOMMU-CFG-DEV-5", "A system reset puts bypass back to its initial value after the driver changed it.",
	  NULL, bypass_restored_on_system_reset, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 2, NULL, VI_REACH },
};
VC_DEVICE_SUITE(suite_iommu_config, clauses, VIRTIO_ID_IOMMU);
