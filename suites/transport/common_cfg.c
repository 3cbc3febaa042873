/* The common configuration structure: presence, placement, size, and the
 * registers that can be read with selector writes only. */
#include "vc/clause.h"
#include "vc/driver.h"
#include "labels.h"

static void present(struct vc_ctx *c)
{
	if (!c->probe->common) {
		vc_fail(c, "no VIRTIO_PCI_CAP_COMMON_CFG capability");
		vc_observed(c, "%u virtio capabilities, none of cfg_type 1", c->probe->nvcap);
	}
}

static const struct vc_vcap *need_common(struct vc_ctx *c)
{
	if (!c->probe->common)
		vc_skip(c, "no common configuration capability");
	return c->probe->common;
}

static void offset_aligned(struct vc_ctx *c)
{
	const struct vc_vcap *v = need_common(c);

	if (v && v->offset % 4) {
		vc_fail(c, "common configuration offset is not 4-byte aligned");
		vc_observed(c, "offset 0x%llx", (unsigned long long)v->offset);
		vc_expected(c, "a multiple of 4");
	}
}

static void length(struct vc_ctx *c)
{
	const struct vc_vcap *v = need_common(c);

	if (v && v->length < COMMON_CFG_SIZE_BASE) {
		vc_fail(c, "common configuration shorter than the fields every device has");
		vc_observed(c, "length 0x%llx", (unsigned long long)v->length);
		vc_expected(c, ">= 0x%x (device_feature_select..queue_device)", COMMON_CFG_SIZE_BASE);
	}
}

/* Fields after queue_device exist only with the features that define them. */
static void length_for_features(struct vc_ctx *c)
{
	static const struct { unsigned bit; unsigned end; const char *field; } needs[] = {
		{ VIRTIO_F_NOTIF_CONFIG_DATA, COMMON_queue_notif_config_data + 2, "queue_notif_config_data" },
		{ VIRTIO_F_RING_RESET, COMMON_queue_reset + 2, "queue_reset" },
		{ VIRTIO_F_ADMIN_VQ, COMMON_admin_queue_num + 2, "admin_queue_index/admin_queue_num" },
	};
	const struct vc_vcap *v = c->probe->common;
	unsigned want = COMMON_CFG_SIZE_BASE;

	for (unsigned i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		if (!vc_offers(c->probe, needs[i].bit) || v->length >= needs[i].end)
			continue;
		vc_fail(c, "offers feature bit %u but the common configuration has no room for %s",
			needs[i].bit, needs[i].field);
		want = needs[i].end;
	}
	if (want > COMMON_CFG_SIZE_BASE) {
		vc_observed(c, "length 0x%llx", (unsigned long long)v->length);
		vc_expected(c, ">= 0x%x", want);
	}
}

static bool read_window(struct vc_ctx *c, uint32_t sel, uint32_t *word)
{
	uint64_t v;

	if (!vc_ctx_common_write(c, COMMON_device_feature_select, 4, sel) ||
	    !vc_ctx_common_read(c, COMMON_device_feature, 4, &v))
		return false;
	*word = (uint32_t)v;
	return true;
}

/* device_feature shows bits select*32.. for the select written: read the
 * windows in two orders (a device that ignores the select shows the same
 * word in all), and windows past bit 127, which the spec does not allocate. */
static void device_feature_windows(struct vc_ctx *c)
{
	uint32_t up[8], down[8];
	uint64_t sel;

	for (unsigned w = 0; w < 8; w++)
		if (!read_window(c, w, &up[w]) || !read_window(c, 7 - w, &down[7 - w]))
			return;
	if (!vc_ctx_common_write(c, COMMON_device_feature_select, 4, 1) ||
	    !vc_ctx_common_read(c, COMMON_device_feature_select, 4, &sel))
		return;
	if (sel != 1) {
		vc_fail(c, "device_feature_select does not read back what was written");
		vc_observed(c, "select 0x%llx", (unsigned long long)sel);
		vc_expected(c, "select 1");
	}
	for (unsigned w = 0; w < 8; w++) {
		if (up[w] != down[w]) {
			vc_fail(c, "window %u depends on the previous select", w);
			vc_observed(c, "window %u: 0x%08x then 0x%08x", w, up[w], down[w]);
		}
		if (w >= VC_FEATURE_WORDS && up[w]) {
			vc_fail(c, "window %u (bits %u..%u, not allocated by virtio 1.4) is not zero; "
				   "a device that ignores device_feature_select shows this", w, 32 * w, 32 * w + 31);
			vc_observed(c, "window %u: 0x%08x", w, up[w]);
			vc_expected(c, "0x00000000");
		}
	}
	if (up[0] == up[1] && up[1] == up[2] && up[0]) {
		vc_fail(c, "windows 0, 1 and 2 are identical: the select is ignored");
		vc_observed(c, "0x%08x in each", up[0]);
	}
}

/* Queues the device does not have read queue_size 0. The admin queue range
 * is skipped: admin queues are available when ADMIN_VQ is offered. */
static void queue_size_unavailable(struct vc_ctx *c)
{
	uint16_t n = c->probe->num_queues;
	const uint16_t probes[] = { n, (uint16_t)(n + 1), 0x7fff, 0xffff };
	uint64_t admin_index = 0xffff, admin_num = 0, size;

	if (vc_offers(c->probe, VIRTIO_F_ADMIN_VQ) && c->probe->common->length >= COMMON_admin_queue_num + 2 &&
	    (!vc_ctx_common_read(c, COMMON_admin_queue_index, 2, &admin_index) ||
	     !vc_ctx_common_read(c, COMMON_admin_queue_num, 2, &admin_num)))
		return;
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		uint16_t q = probes[i];
		if (q < n || (q >= admin_index && q < admin_index + admin_num))
			continue;
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, q) ||
		    !vc_ctx_common_read(c, COMMON_queue_size, 2, &size))
			return;
		if (size != 0) {
			vc_fail(c, "queue %u does not exist (num_queues %u) but queue_size is not 0", q, n);
			vc_observed(c, "queue_size %llu for queue %u", (unsigned long long)size, q);
			vc_expected(c, "0");
		}
	}
	vc_ctx_common_write(c, COMMON_queue_select, 2, 0);
}

static void queue_sizes_power_of_2(struct vc_ctx *c, const char *when)
{
	uint64_t size;

	for (uint16_t q = 0; q < c->probe->num_queues; q++) {
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, q) ||
		    !vc_ctx_common_read(c, COMMON_queue_size, 2, &size))
			return;
		if (size & (size - 1)) {
			vc_fail(c, "queue %u: queue_size is neither 0 nor a power of 2 %s", q, when);
			vc_observed(c, "queue_size %llu", (unsigned long long)size);
			vc_expected(c, "0 or a power of 2");
		}
	}
	vc_ctx_common_write(c, COMMON_queue_select, 2, 0);
}

static void queue_size_power_of_2(struct vc_ctx *c)
{
	if (vc_offers(c->probe, VIRTIO_F_RING_PACKED)) {
		vc_skip(c, "VIRTIO_F_RING_PACKED is offered: the rule applies once negotiated without it "
			   "(pci.common.queue-size-power-of-2-negotiated checks that)");
		return;
	}
	queue_sizes_power_of_2(c, "on a split-only device");
}

/* A device offering RING_PACKED may show any size until the driver has
 * settled on split rings; after FEATURES_OK without it, the rule holds. */
static void queue_size_power_of_2_negotiated(struct vc_ctx *c)
{
	struct vc_driver drv;

	if (!vc_offers(c->probe, VIRTIO_F_RING_PACKED)) {
		vc_skip(c, "VIRTIO_F_RING_PACKED is not offered: pci.common.queue-size-power-of-2 checks queue_size "
			   "without negotiating");
		return;
	}
	if (vc_ctx_start(c, &drv, NULL))      /* VERSION_1 only: split rings */
		queue_sizes_power_of_2(c, "after negotiating without VIRTIO_F_RING_PACKED");
}

static const struct vc_clause clauses[] = {
	{ "pci.common.present", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-COMMON-DEV-2",
	  "The device presents at least one common configuration capability.", NULL, present },
	{ "pci.common.offset-aligned", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-COMMON-DEV-1",
	  "The common configuration offset is 4-byte aligned.", NULL, offset_aligned },
	{ "pci.common.length", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "",
	  "The common configuration holds at least the 56 bytes of fields every device has "
	  "(implied by the layout; Linux refuses a shorter one).", NULL, length },
	{ "pci.common.length-for-features", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.2", NEED_COMMON, "",
	  "The common configuration is long enough for the fields of the features offered: "
	  "queue_notif_config_data (NOTIF_CONFIG_DATA), queue_reset (RING_RESET), admin queue fields (ADMIN_VQ).",
	  NULL, length_for_features },
	{ "pci.common.device-feature-windows", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_COMMON,
	  "PCI-COMMON-DEV-3", "device_feature presents the offered bits of the window device_feature_select names.",
	  NULL, device_feature_windows },
	{ "pci.common.queue-size-unavailable", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_COMMON,
	  "PCI-COMMON-DEV-14", "queue_size reads 0 for a queue the device does not have.", NULL,
	  queue_size_unavailable },
	{ "pci.common.queue-size-power-of-2", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_COMMON,
	  "PCI-COMMON-DEV-15", "Without VIRTIO_F_RING_PACKED, queue_size is 0 or a power of 2.", NULL,
	  queue_size_power_of_2 },
	{ "pci.common.queue-size-power-of-2-negotiated", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.1",
	  NEED_BAR_WRITE | NEED_COMMON, "PCI-COMMON-DEV-15",
	  "On a device offering VIRTIO_F_RING_PACKED, once negotiated without it, queue_size is 0 or a power of 2.",
	  NULL, queue_size_power_of_2_negotiated, VC_REQ(VIRTIO_F_RING_PACKED) },
};
VC_SUITE(suite_common_cfg, clauses);
