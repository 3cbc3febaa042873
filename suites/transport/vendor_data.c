/* Vendor data capabilities. */
#include <string.h>
#include "vc/clause.h"
#include "labels.h"

#define FOR_EACH_VENDOR_DATA(p, v) \
	for (const struct vc_vcap *v = (p)->vcap; v < (p)->vcap + (p)->nvcap; v++) \
		if (v->cfg_type == VIRTIO_PCI_CAP_VENDOR_CFG)

static bool any(struct vc_ctx *c)
{
	FOR_EACH_VENDOR_DATA(c->probe, v)
		return true;
	vc_skip(c, "no vendor data capabilities");
	return false;
}

static void vendor_id(struct vc_ctx *c)
{
	if (!any(c))
		return;
	FOR_EACH_VENDOR_DATA(c->probe, v) {
		if (v->vendor_id == VIRTIO_PCI_VENDOR_ID) {
			vc_fail(c, "vendor data capability at 0x%02x uses the virtio vendor ID", v->pos);
			vc_observed(c, "vendor_id 0x%04x", v->vendor_id);
			vc_expected(c, "any PCI vendor ID but 0x1af4");
		}
	}
}

static void size(struct vc_ctx *c)
{
	if (!any(c))
		return;
	FOR_EACH_VENDOR_DATA(c->probe, v) {
		if (v->cap_len % 4) {
			vc_fail(c, "vendor data capability at 0x%02x is not a whole number of dwords", v->pos);
			vc_observed(c, "cap_len %u", v->cap_len);
			vc_expected(c, "a multiple of 4");
		}
	}
}

/* Side effects a driver could see: the capability reading differently the
 * second time, or device_status / config_generation moving. */
static bool read_cap(struct vc_ctx *c, const struct vc_vcap *v, uint8_t *buf)
{
	for (unsigned i = 0; i < v->cap_len && v->pos + i < c->probe->cfg_size; i++) {
		uint32_t b;
		if (!vc_ctx_cfg_read(c, (uint16_t)(v->pos + i), 1, &b))
			return false;
		buf[i] = (uint8_t)b;
	}
	return true;
}

static void no_side_effects(struct vc_ctx *c)
{
	uint64_t status0, gen0, status1, gen1;
	uint8_t a[256], b[256];

	if (!any(c))
		return;
	if (!vc_ctx_common_read(c, COMMON_device_status, 1, &status0) ||
	    !vc_ctx_common_read(c, COMMON_config_generation, 1, &gen0))
		return;
	FOR_EACH_VENDOR_DATA(c->probe, v) {
		if (!read_cap(c, v, a) || !read_cap(c, v, b))
			return;
		if (memcmp(a, b, v->cap_len)) {
			vc_fail(c, "vendor data capability at 0x%02x reads differently the second time", v->pos);
		}
	}
	if (!vc_ctx_common_read(c, COMMON_device_status, 1, &status1) ||
	    !vc_ctx_common_read(c, COMMON_config_generation, 1, &gen1))
		return;
	if (status0 != status1 || gen0 != gen1) {
		vc_fail(c, "reading the vendor data capability changed device state");
		vc_observed(c, "device_status 0x%llx->0x%llx, config_generation %llu->%llu",
			    (unsigned long long)status0, (unsigned long long)status1,
			    (unsigned long long)gen0, (unsigned long long)gen1);
		vc_expected(c, "both unchanged");
	}
}

static const struct vc_clause clauses[] = {
	{ "pci.vendor-data.vendor-id", L_VENDOR, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", 0, "PCI-VNDR-DEV-3",
	  "A vendor data capability's vendor_id is not 0x1AF4.", NULL, vendor_id },
	{ "pci.vendor-data.size", L_VENDOR, VC_MUST, VC_DEVICE_RULE, "1.2", 0, "PCI-VNDR-DEV-4",
	  "A vendor data capability's size is a multiple of 4 bytes.", NULL, size },
	{ "pci.vendor-data.no-side-effects", L_VENDOR, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", NEED_COMMON,
	  "PCI-VNDR-DEV-5 PCI-VNDR-TXT-DEV-1", "Reading a vendor data capability has no side effects.",
	  NULL, no_side_effects },
};
VC_SUITE(suite_vendor_data, clauses);
