/* The PCI configuration access capability: a window onto the BARs through
 * config space, for drivers that cannot map them. */
#include "vc/clause.h"
#include "labels.h"

/* Offsets inside struct virtio_pci_cfg_cap */
enum { CFG_CAP_BAR = 4, CFG_CAP_OFFSET = 8, CFG_CAP_LENGTH = 12, CFG_CAP_DATA = 16 };

static void present(struct vc_ctx *c)
{
	if (!c->probe->pci_cfg) {
		vc_fail(c, "no VIRTIO_PCI_CAP_PCI_CFG capability");
		vc_observed(c, "%u virtio capabilities, none of cfg_type 5", c->probe->nvcap);
	}
}

/* Aim the window at common config registers whose values are known from
 * direct BAR reads, and compare. Only the window fields are written. */
static void read_window(struct vc_ctx *c)
{
	const struct vc_vcap *w = c->probe->pci_cfg, *common = c->probe->common;
	static const struct { unsigned field, width; } probes[] = {
		{ COMMON_num_queues, 2 }, { COMMON_device_feature_select, 4 }, { COMMON_num_queues, 1 },
	};
	uint64_t direct;
	uint32_t through;

	if (!w) {
		vc_skip(c, "no PCI configuration access capability");
		return;
	}
	/* A select value with a recognisable pattern makes a misdirected read show. */
	if (!vc_ctx_common_write(c, COMMON_device_feature_select, 4, 0x00a5005a))
		return;
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (!vc_ctx_common_read(c, probes[i].field, probes[i].width, &direct) ||
		    !vc_ctx_cfg_write(c, w->pos + CFG_CAP_BAR, 1, common->bar) ||
		    !vc_ctx_cfg_write(c, w->pos + CFG_CAP_OFFSET, 4, (uint32_t)(common->offset + probes[i].field)) ||
		    !vc_ctx_cfg_write(c, w->pos + CFG_CAP_LENGTH, 4, probes[i].width) ||
		    !vc_ctx_cfg_read(c, w->pos + CFG_CAP_DATA, 4, &through))
			break;
		uint32_t mask = probes[i].width == 4 ? 0xffffffffu : (1u << 8 * probes[i].width) - 1;
		if ((through & mask) != direct) {
			vc_fail(c, "pci_cfg_data differs from the BAR at common config offset 0x%x, %u bytes",
				probes[i].field, probes[i].width);
			vc_observed(c, "0x%x through the window", through & mask);
			vc_expected(c, "0x%llx as read from BAR %u", (unsigned long long)direct, common->bar);
		}
	}
	vc_ctx_common_write(c, COMMON_device_feature_select, 4, 0);
}

/* Write selectors through the window, read them back from the BAR: a
 * selector write changes nothing but what later reads show. */
static void write_window(struct vc_ctx *c)
{
	const struct vc_vcap *w = c->probe->pci_cfg, *common = c->probe->common;
	static const struct { unsigned field, width; uint32_t value; } probes[] = {
		{ COMMON_device_feature_select, 4, 1 }, { COMMON_queue_select, 2, 1 },
	};
	uint64_t direct;

	if (!w) {
		vc_skip(c, "no PCI configuration access capability");
		return;
	}
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (!vc_ctx_common_write(c, probes[i].field, probes[i].width, 0) ||
		    !vc_ctx_cfg_write(c, w->pos + CFG_CAP_BAR, 1, common->bar) ||
		    !vc_ctx_cfg_write(c, w->pos + CFG_CAP_OFFSET, 4, (uint32_t)(common->offset + probes[i].field)) ||
		    !vc_ctx_cfg_write(c, w->pos + CFG_CAP_LENGTH, 4, probes[i].width) ||
		    !vc_ctx_cfg_write(c, w->pos + CFG_CAP_DATA, 4, probes[i].value) ||
		    !vc_ctx_common_read(c, probes[i].field, probes[i].width, &direct))
			return;
		if (direct != probes[i].value) {
			vc_fail(c, "writing pci_cfg_data did not write common config offset 0x%x (%u bytes) in BAR %u",
				probes[i].field, probes[i].width, common->bar);
			vc_observed(c, "0x%llx read from the BAR", (unsigned long long)direct);
			vc_expected(c, "0x%x, as written through the window", probes[i].value);
		}
		vc_ctx_common_write(c, probes[i].field, probes[i].width, 0);
	}
}

static const struct vc_clause clauses[] = {
	{ "pci.cfg-access.present", L_CFGACC, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-CFGACC-DEV-1",
	  "The device presents at least one PCI configuration access capability.", NULL, present },
	{ "pci.cfg-access.read", L_CFGACC, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_CFG_WRITE | NEED_COMMON,
	  "PCI-CFGACC-DEV-3", "Reading pci_cfg_data returns cap.length bytes from cap.offset in BAR cap.bar.",
	  NULL, read_window },
	{ "pci.cfg-access.write", L_CFGACC, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_CFG_WRITE | NEED_BAR_WRITE | NEED_COMMON, "PCI-CFGACC-DEV-2",
	  "Writing pci_cfg_data writes cap.length bytes at cap.offset in BAR cap.bar.", NULL, write_window },
};
VC_SUITE(suite_pci_cfg_access, clauses);
