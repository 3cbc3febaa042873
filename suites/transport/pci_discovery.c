/* PCI Device Discovery: IDs, revision and subsystem, for modern and
 * transitional devices. Everything here comes from config space. */
#include "vc/clause.h"
#include "labels.h"

static void vendor_id(struct vc_ctx *c)
{
	if (c->probe->vendor_id != VIRTIO_PCI_VENDOR_ID) {
		vc_fail(c, "PCI Vendor ID is not the virtio one");
		vc_observed(c, "0x%04x", c->probe->vendor_id);
		vc_expected(c, "0x1af4");
	}
}

/* The transitional IDs the spec lists, with the device type each is for. */
static const struct { uint16_t id; uint8_t type; } transitional_ids[] = {
	{ 0x1000, 1 }, { 0x1001, 2 }, { 0x1002, 5 }, { 0x1003, 3 },
	{ 0x1004, 8 }, { 0x1005, 4 }, { 0x1009, 9 },
};

static void device_id(struct vc_ctx *c)
{
	uint16_t id = c->probe->device_id;

	if (id > 0x1040 && id <= 0x107f)
		return;
	for (unsigned i = 0; i < sizeof(transitional_ids) / sizeof(transitional_ids[0]); i++)
		if (transitional_ids[i].id == id)
			return;
	vc_fail(c, id == 0x1040 ? "Device ID 0x1040 names virtio device type 0, which is reserved"
				: "Device ID is neither 0x1040 + a virtio device type nor a listed transitional ID");
	vc_observed(c, "0x%04x", id);
	vc_expected(c, "0x1041..0x107f, or 0x1000-0x1005, 0x1009");
}

static void modern_device_id(struct vc_ctx *c)
{
	uint16_t id = c->probe->device_id;

	if (c->probe->transitional) {
		vc_skip(c, "transitional device (Device ID 0x%04x)", id);
		return;
	}
	if (id < 0x1040 || id > 0x107f) {
		vc_fail(c, "non-transitional device outside the modern Device ID range");
		vc_observed(c, "0x%04x", id);
		vc_expected(c, "0x1040..0x107f");
	}
}

static void modern_revision(struct vc_ctx *c)
{
	if (c->probe->transitional) {
		vc_skip(c, "transitional device");
		return;
	}
	if (c->probe->revision < 1) {
		vc_fail(c, "non-transitional device with Revision ID 0");
		vc_observed(c, "%u", c->probe->revision);
		vc_expected(c, ">= 1");
	}
}

static void modern_subsystem_id(struct vc_ctx *c)
{
	if (c->probe->transitional) {
		vc_skip(c, "transitional device");
		return;
	}
	if (c->probe->subsystem_id < 0x40) {
		vc_fail(c, "non-transitional device with a Subsystem Device ID below 0x40");
		vc_observed(c, "0x%04x", c->probe->subsystem_id);
		vc_expected(c, ">= 0x0040");
	}
}

static bool require_transitional(struct vc_ctx *c)
{
	if (!c->probe->transitional)
		vc_skip(c, "not a transitional device (Device ID 0x%04x)", c->probe->device_id);
	return c->probe->transitional;
}

static void transitional_revision(struct vc_ctx *c)
{
	if (require_transitional(c) && c->probe->revision != 0) {
		vc_fail(c, "transitional device with a non-zero Revision ID");
		vc_observed(c, "%u", c->probe->revision);
		vc_expected(c, "0");
	}
}

static void transitional_subsystem_id(struct vc_ctx *c)
{
	uint16_t id = c->probe->device_id;

	if (!require_transitional(c))
		return;
	for (unsigned i = 0; i < sizeof(transitional_ids) / sizeof(transitional_ids[0]); i++) {
		if (transitional_ids[i].id == id && transitional_ids[i].type != c->probe->subsystem_id) {
			vc_fail(c, "Subsystem Device ID is not the virtio device type of Device ID 0x%04x", id);
			vc_observed(c, "0x%04x", c->probe->subsystem_id);
			vc_expected(c, "0x%04x", transitional_ids[i].type);
		}
	}
}

static void transitional_legacy_bar0(struct vc_ctx *c)
{
	if (require_transitional(c) && !(c->probe->bar_reg[0] & 1)) {
		vc_fail(c, "transitional device whose BAR0 is not an I/O BAR for the legacy interface");
		vc_observed(c, "BAR0 register 0x%08x (memory)", c->probe->bar_reg[0]);
		vc_expected(c, "I/O space (bit 0 set)");
	}
}

static const struct vc_clause clauses[] = {
	{ "pci.discovery.vendor-id", L_DISCOVERY, VC_MUST, VC_DEVICE_RULE, "1.0", 0,
	  "PCI-DISC-DEV-1", "The PCI Vendor ID is 0x1AF4.", NULL, vendor_id },
	{ "pci.discovery.device-id", L_DISCOVERY, VC_MUST, VC_DEVICE_RULE, "1.0", 0,
	  "PCI-DISC-DEV-2", "The PCI Device ID is 0x1040 plus the virtio device type, or a listed transitional ID.",
	  NULL, device_id },
	{ "pci.discovery.modern-device-id", L_DISCOVERY, VC_SHOULD, VC_DEVICE_RULE, "1.0", 0,
	  "PCI-DISC-DEV-4", "A non-transitional device has a Device ID in 0x1040..0x107f.", NULL, modern_device_id },
	{ "pci.discovery.modern-revision", L_DISCOVERY, VC_SHOULD, VC_DEVICE_RULE, "1.0", 0,
	  "PCI-DISC-DEV-5", "A non-transitional device has Revision ID 1 or higher.", NULL, modern_revision },
	{ "pci.discovery.modern-subsystem-id", L_DISCOVERY, VC_SHOULD, VC_DEVICE_RULE, "1.0", 0,
	  "PCI-DISC-DEV-6", "A non-transitional device has a Subsystem Device ID of 0x40 or higher.",
	  NULL, modern_subsystem_id },
	{ "pci.discovery.transitional-revision", L_DISCOVERY_LEGACY, VC_MUST, VC_DEVICE_RULE, "1.0", 0,
	  "PCI-DISC-LEG-DEV-1", "A transitional device has Revision ID 0.", NULL, transitional_revision },
	{ "pci.discovery.transitional-subsystem-id", L_DISCOVERY_LEGACY, VC_MUST, VC_DEVICE_RULE, "1.0", 0,
	  "PCI-DISC-LEG-DEV-2", "A transitional device's Subsystem Device ID is its virtio device type.",
	  NULL, transitional_subsystem_id },
	{ "pci.layout.transitional-legacy-bar0", L_LAYOUT_LEGACY, VC_MUST, VC_DEVICE_RULE, "1.0", 0,
	  "PCI-LAYOUT-LEG-DEV-1 PCI-DETECT-LEG-DEV-1",
	  "A transitional device presents its legacy interface in BAR0, an I/O BAR.", NULL, transitional_legacy_bar0 },
};
VC_SUITE(suite_pci_discovery, clauses);
