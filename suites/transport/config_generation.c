/* The device-specific configuration space as a driver uses it: readable
 * during initialization, and config_generation moving when the device
 * changes it. */
#include <errno.h>
#include <string.h>
#include "vc/clause.h"
#include "vc/driver.h"
#include "vc/devtypes/dev.h"
#include "labels.h"

#define CFG_VIEW_MAX 256      /* bytes compared: every device type's layout fits */

struct cfg_view {
	uint8_t b[CFG_VIEW_MAX];
	size_t len;
	uint8_t generation;
};

static size_t view_len(const struct vc_probe *p)
{
	unsigned len = vc_devtype_cfg_readable(p, p->device_cfg->length);

	return len < CFG_VIEW_MAX ? (size_t)len : CFG_VIEW_MAX;
}

/* The whole structure, byte by byte, inside one config_generation (the
 * driver's retry loop, bounded): generation, every byte, generation, in
 * one batch (none of the reads depends on another's value). */
static bool read_view(struct vc_ctx *c, struct cfg_view *v)
{
	const struct vc_vcap *cc = c->probe->common, *dc = c->probe->device_cfg;
	struct vc_access a[CFG_VIEW_MAX + 2];
	int rc;

	if (!vc_ctx_struct_reachable(c, dc) || !vc_ctx_struct_reachable(c, cc))
		return false;
	v->len = view_len(c->probe);
	a[0] = (struct vc_access){ cc->bar, 1, cc->offset + COMMON_config_generation, 0, false };
	for (size_t i = 0; i < v->len; i++)
		a[1 + i] = (struct vc_access){ dc->bar, 1, dc->offset + i, 0, false };
	a[v->len + 1] = a[0];
	for (unsigned tries = 0; tries < 8; tries++) {
		if ((rc = vc_batch(c->dev, a, (unsigned)v->len + 2))) {
			vc_error(c, "reading the device configuration failed: %s", strerror(-rc));
			return false;
		}
		if (a[0].val == a[v->len + 1].val) {
			for (size_t i = 0; i < v->len; i++)
				v->b[i] = (uint8_t)a[1 + i].val;
			v->generation = (uint8_t)a[0].val;
			return true;
		}
	}
	vc_error(c, "config_generation kept changing across 8 reads of the device configuration");
	return false;
}

static size_t first_difference(const struct cfg_view *a, const struct cfg_view *b)
{
	size_t i = 0;

	while (i < a->len && a->b[i] == b->b[i])
		i++;
	return i;
}

static bool need_device_cfg(struct vc_ctx *c)
{
	if (!c->probe->device_cfg)
		vc_skip(c, "no device-specific configuration capability");
	else if (!c->probe->device_cfg->length)
		vc_skip(c, "the device-specific configuration is empty");
	return c->probe->device_cfg && c->probe->device_cfg->length;
}

/* Read at every step of initialization; every read before FEATURES_OK must
 * show what the device shows after it (all offered features accepted, so
 * feature-dependent fields keep their meaning). */
static void readable_before_features_ok(struct vc_ctx *c)
{
	static const struct { uint8_t add; const char *name; } steps[] = {
		{ 0, "after reset" },
		{ VIRTIO_STATUS_ACKNOWLEDGE, "after ACKNOWLEDGE" },
		{ VIRTIO_STATUS_DRIVER, "after DRIVER" },
	};
	struct cfg_view early[3], settled;
	struct vc_driver drv;
	int rc;

	if (!need_device_cfg(c))
		return;
	vc_ctx_driver(c, &drv);
	if ((rc = vc_reset(&drv))) {
		vc_skip(c, "the reset did not complete (pci.reset.status-reads-zero reports it)");
		return;
	}
	for (unsigned i = 0; i < 3; i++)
		if ((steps[i].add && (rc = vc_status_add(&drv, steps[i].add))) || !read_view(c, &early[i])) {
			if (rc)
				vc_error(c, "device_status write failed: %s", strerror(-rc));
			return;
		}
	/* the status is ACKNOWLEDGE | DRIVER already: writing them again keeps it */
	if ((rc = vc_negotiate(&drv, c->probe->device_feature)) == -EPROTO) {
		vc_skip(c, "the device refused all offered features (pci.features.accept-valid-subsets reports it)");
		return;
	}
	if (rc || !read_view(c, &settled)) {
		if (rc)
			vc_error(c, "negotiation failed: %s", strerror(-rc));
		return;
	}
	for (unsigned i = 0; i < 3; i++) {
		if (early[i].generation != settled.generation || !memcmp(early[i].b, settled.b, settled.len))
			continue;
		size_t at = first_difference(&early[i], &settled);
		vc_fail(c, "the device configuration read %s differs from the one read after FEATURES_OK, with no "
			   "config_generation change between them", steps[i].name);
		vc_observed(c, "byte 0x%zx: 0x%02x %s", at, early[i].b[at], steps[i].name);
		vc_expected(c, "0x%02x (as after FEATURES_OK)", settled.b[at]);
		return;
	}
}

/* Have the host change the configuration (DRIVER_OK set or not), and read it
 * as a driver would: the new value must come with a new config_generation.
 * Twice: the second change undoes the first (later clauses find the device
 * as it was), and must move config_generation again. */
static void generation_across_change(struct vc_ctx *c, bool driver_ok)
{
	struct cfg_view before, after;
	struct vc_driver drv;
	int rc;

	if (!need_device_cfg(c))
		return;
	if (!c->dev->ops->config_change) {
		vc_skip(c, "the %s backend cannot change a device's configuration from the host side", c->dev->backend);
		return;
	}
	if (!vc_ctx_start(c, &drv, c->probe->device_feature))
		return;
	if (driver_ok && (rc = vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK))) {
		vc_error(c, "DRIVER_OK write failed: %s", strerror(-rc));
		return;
	}
	if (!read_view(c, &before))
		return;
	for (unsigned n = 1; n <= 2; n++, before = after) {
		rc = c->dev->ops->config_change(c->dev);
		if (rc == -ENOTSUP) {
			vc_skip(c, "no host-side configuration change is known for %s devices on this backend",
				vc_virtio_type_name(c->probe->virtio_type));
			return;
		}
		if (rc) {
			vc_error(c, "the host-side configuration change failed: %s", strerror(-rc));
			return;
		}
		if (!read_view(c, &after))
			return;
		if (!memcmp(before.b, after.b, before.len)) {
			if (n == 1)
				vc_skip(c, "the host-side change left the first %zu bytes of the device configuration as "
					   "they were", before.len);
			break;
		}
		if (after.generation == before.generation && c->r->status != VC_FAIL) {
			size_t at = first_difference(&before, &after);
			vc_fail(c, "the device configuration changed (byte 0x%zx: 0x%02x -> 0x%02x)%s but config_generation "
				   "did not%s", at, before.b[at], after.b[at], driver_ok ? "" : " before DRIVER_OK",
				n == 2 ? " the second time (the first change had moved it)" : "");
			vc_observed(c, "config_generation %u before and after", before.generation);
			vc_expected(c, "a config_generation other than %u", before.generation);
		}
	}
	vc_irq_drain(&drv);
}

static void generation_changes(struct vc_ctx *c)
{
	generation_across_change(c, true);
}

/* During initialization (FEATURES_OK, not yet DRIVER_OK) a driver reads
 * the configuration too, so the rule holds there as well. */
static void generation_changes_during_init(struct vc_ctx *c)
{
	generation_across_change(c, false);
}

#define DRIVES (NEED_BAR_WRITE | NEED_COMMON)

static const struct vc_clause clauses[] = {
	{ "pci.device-cfg.readable-before-features-ok", L_CFGSPACE, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES,
	  "CFG-DEV-1", "The device-specific configuration reads the same at every step of initialization before "
	  "FEATURES_OK as after it.", NULL, readable_before_features_ok },
	{ "pci.common.config-generation-changes", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES,
	  "PCI-COMMON-DEV-6", "A host-side change of the device configuration (DRIVER_OK set) comes with a new "
	  "config_generation, and a second change (undoing the first) with another.", NULL, generation_changes },
	{ "pci.common.config-generation-changes-during-init", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES,
	  "PCI-COMMON-DEV-6", "A host-side change of the device configuration during initialization (FEATURES_OK, "
	  "no DRIVER_OK) comes with a new config_generation.", NULL, generation_changes_during_init },
};
VC_SUITE(suite_config_generation, clauses);
