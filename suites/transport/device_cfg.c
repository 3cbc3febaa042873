/* The device-specific configuration capability. */
#include "vc/clause.h"
#include "labels.h"

static void offset_aligned(struct vc_ctx *c)
{
	const struct vc_vcap *v = c->probe->device_cfg;

	if (!v)
		vc_skip(c, "no device-specific configuration capability");
	else if (v->offset % 4) {
		vc_fail(c, "device-specific configuration offset is not 4-byte aligned");
		vc_observed(c, "offset 0x%llx", (unsigned long long)v->offset);
		vc_expected(c, "a multiple of 4");
	}
}

/* Device types whose chapter defines a device configuration layout (the
 * entropy, I2C, RTC and SCMI chapters define none). */
static bool type_has_config(unsigned type)
{
	static const unsigned with[] = { 1, 2, 3, 5, 8, 9, 16, 18, 19, 20, 23, 24, 25, 26, 27, 28, 36, 41, 45, 48 };
	for (unsigned i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		if (with[i] == type)
			return true;
	return false;
}

static void present(struct vc_ctx *c)
{
	unsigned type = c->probe->virtio_type;

	if (type == 4) {
		vc_skip(c, "entropy devices have no device-specific configuration");
	} else if (!type_has_config(type)) {
		vc_skip(c, "device type %u: not known to have a device-specific configuration", type);
	} else if (!c->probe->device_cfg) {
		vc_fail(c, "%s device without a VIRTIO_PCI_CAP_DEVICE_CFG capability", vc_virtio_type_name(type));
		vc_observed(c, "no capability of cfg_type 4");
		vc_expected(c, "one, for device type %u", type);
	}
}

static const struct vc_clause clauses[] = {
	{ "pci.device-cfg.offset-aligned", L_DEVCFG, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-DEVCFG-DEV-1",
	  "The device-specific configuration offset is 4-byte aligned.", NULL, offset_aligned },
	{ "pci.device-cfg.present", L_DEVCFG, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-DEVCFG-TXT-DEV-1",
	  "A device type with a device-specific configuration presents a capability for it.", NULL, present },
};
VC_SUITE(suite_device_cfg, clauses);
