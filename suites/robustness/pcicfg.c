/* The PCI configuration access window, hostile (probe.pcicfg.*): cap.length
 * 0, 1, 2, 3, 5, 8 and 0xffffffff over device_feature_select (1, 2 and 3
 * are allowed, and the device must then write no byte outside the window:
 * the Cloud Hypervisor class of a window that ignores cap.length), an
 * offset far past the BAR, wrapping 2^32 or unaligned, a BAR that is not
 * implemented, the MSI-X table (no virtio structure), the queue's doorbell
 * through the window, and a partial access to pci_cfg_data. probes.c has
 * BARs 6 and 255. Engine: probe.h. */
#include <string.h>
#include "probe.h"

enum { CAP_BAR = 4, CAP_OFFSET = 8, CAP_LENGTH = 12, CAP_DATA = 16 };
enum win { W_LEN0, W_LEN1, W_LEN2, W_LEN3, W_LEN5, W_LEN8, W_LEN_MAX, W_FAR, W_WRAP, W_UNALIGNED, W_NO_BAR, W_MSIX,
	   W_NOTIFY, W_PARTIAL };

#define PATTERN 0xa5a5a5a5u
#define N_OK " (" PROBE_ALLOWED ")"
/* X(id, kind, breaks, note, what) */
#define WINDOW_VARIANTS(X) \
	X("length-0", W_LEN0, "", N_OK, "a window of length 0 over device_feature_select, written and read") \
	X("length-1-honoured", W_LEN1, "", N_OK, "a window of length 1 over device_feature_select, written") \
	X("length-2-honoured", W_LEN2, "", N_OK, "a window of length 2 over device_feature_select, written") \
	X("length-3", W_LEN3, "", N_OK, "a window of length 3 over device_feature_select, written and read") \
	X("length-5", W_LEN5, "", N_OK, "a window of length 5 over device_feature_select, written and read") \
	X("length-8", W_LEN8, "", N_OK, "a window of length 8 over device_feature_select, written and read") \
	X("length-max", W_LEN_MAX, "PCI-CFGACC-DRV-3", "", "a window of length 0xffffffff, written and read") \
	X("offset-far-past-bar", W_FAR, "PCI-CFGACC-DRV-3", "", "a window at offset 0xfffffff0 of the BAR, written and read") \
	X("offset-wrap", W_WRAP, "PCI-CFGACC-DRV-3", "", "a 4-byte window at offset 0xfffffffe, wrapping 2^32") \
	X("offset-unaligned", W_UNALIGNED, "PCI-CFGACC-DRV-1 PCI-CFGACC-DRV-2", "", \
	  "a 4-byte window one byte into device_feature_select") \
	X("bar-not-implemented", W_NO_BAR, "PCI-CFGACC-DRV-3", "", "a window on a BAR the device does not implement") \
	X("over-msix-table", W_MSIX, "PCI-CFGACC-DRV-3", "", "a window on the MSI-X table, read and written back") \
	X("doorbell-through-window", W_NOTIFY, "", N_OK, "the request queue's doorbell written through the window") \
	X("data-partial-access", W_PARTIAL, "", N_OK, "1-byte accesses to the middle bytes of pci_cfg_data")

static const struct probe_variant variants[] = {
#define VARIANT_ROW(id, kind, breaks, note, what) { "probe.pcicfg." id, NULL, kind, what },
	WINDOW_VARIANTS(VARIANT_ROW)
#undef VARIANT_ROW
	{ NULL, NULL, 0, NULL },
};

static bool cfgw(struct probe *p, uint16_t off, unsigned width, uint32_t v, const char *what)
{
	return probe_answers(p, vc_cfg_write(p->c->dev, off, width, v), what);
}

static bool window(struct probe *p, uint8_t bar, uint32_t offset, uint32_t length, const char *what)
{
	uint16_t w = p->c->probe->pci_cfg->pos;

	return cfgw(p, w + CAP_BAR, 1, bar, what) && cfgw(p, w + CAP_OFFSET, 4, offset, what) &&
	       cfgw(p, w + CAP_LENGTH, 4, length, what);
}

/* A BAR index the device does not implement (6: none). */
static uint8_t missing_bar(const struct vc_device *d)
{
	for (uint8_t i = 0; i < VC_NUM_BARS; i++)
		if (!d->bar[i].size && !(i && d->bar[i - 1].is_64 && d->bar[i - 1].size))
			return i;
	return 6;
}

/* The window over device_feature_select (0 first): written with a
 * pattern, then the bytes past the window must still be 0. */
static bool select_window(struct probe *p, uint32_t length, const char *what)
{
	const struct vc_vcap *cc = p->c->probe->common;
	uint16_t data = (uint16_t)(p->c->probe->pci_cfg->pos + CAP_DATA);
	uint32_t v;
	uint64_t sel;

	if (!probe_common_write(p, COMMON_device_feature_select, 4, 0, what) ||
	    !window(p, cc->bar, (uint32_t)cc->offset + COMMON_device_feature_select, length, what) ||
	    !cfgw(p, data, 4, PATTERN, what) || !probe_answers(p, vc_cfg_read(p->c->dev, data, 4, &v), what) ||
	    !probe_common_read(p, COMMON_device_feature_select, 4, &sel, what))
		return false;
	uint32_t outside = length >= 4 ? 0 : (uint32_t)sel & ~((1u << 8 * length) - 1);
	if (outside) {
		probe_fail(p, "memory", "after %s, device_feature_select changed past the window's %u bytes "
			   "(cap.length not honoured)", what, length);
		vc_observed(p->c, "device_feature_select 0x%08x", (uint32_t)sel);
		vc_expected(p->c, "bytes %u..3 still 0", length);
		return false;
	}
	return probe_common_write(p, COMMON_device_feature_select, 4, 0, what);
}

/* The variant's window; false after a verdict or SKIP. */
static bool act(struct probe *p, enum win kind, const char *what)
{
	const struct vc_probe *pr = p->c->probe;
	uint16_t data = (uint16_t)(pr->pci_cfg->pos + CAP_DATA);
	uint32_t v, table;
	static const uint32_t lengths[] = { [W_LEN0] = 0, [W_LEN1] = 1, [W_LEN2] = 2, [W_LEN3] = 3, [W_LEN5] = 5,
					    [W_LEN8] = 8, [W_LEN_MAX] = 0xffffffffu };

	switch (kind) {
	case W_LEN0: case W_LEN1: case W_LEN2: case W_LEN3: case W_LEN5: case W_LEN8: case W_LEN_MAX:
		return select_window(p, lengths[kind], what);
	case W_FAR: case W_WRAP: case W_UNALIGNED: case W_NO_BAR:
		if (kind == W_NO_BAR && missing_bar(p->c->dev) == 6) {
			vc_skip(p->c, "the device implements every BAR");
			return false;
		}
		return window(p, kind == W_NO_BAR ? missing_bar(p->c->dev) : pr->common->bar,
			      kind == W_FAR ? 0xfffffff0u : kind == W_WRAP ? 0xfffffffeu
			      : kind == W_UNALIGNED ? (uint32_t)pr->common->offset + 1 : 0, 4, what) &&
		       probe_answers(p, vc_cfg_read(p->c->dev, data, 4, &v), what) && cfgw(p, data, 4, 0, what);
	case W_MSIX:
		if (!pr->msix_pos) {
			vc_skip(p->c, "the device has no MSI-X capability");
			return false;
		}
		table = vc_le32(pr->cfg + pr->msix_pos + 4);
		return window(p, table & 7, (table & ~7u) + 8, 4, what) &&      /* entry 0's data */
		       probe_answers(p, vc_cfg_read(p->c->dev, data, 4, &v), what) && cfgw(p, data, 4, v, what);
	case W_NOTIFY:
		return window(p, pr->notify->bar, (uint32_t)(pr->notify->offset + probe_notify_at(p, p->vq.notify_off)), 2,
			      what) && cfgw(p, data, 4, p->vq.index, what);
	case W_PARTIAL:
		if (!window(p, pr->common->bar, (uint32_t)pr->common->offset + COMMON_num_queues, 2, what))
			return false;
		for (uint16_t i = 1; i < 4; i++)
			if (!probe_answers(p, vc_cfg_read(p->c->dev, (uint16_t)(data + i), 1, &v), what) ||
			    !cfgw(p, (uint16_t)(data + i), 1, 0, what))
				return false;
		return true;
	}
	return true;
}

static void pcicfg(struct vc_ctx *c)
{
	bool packed;
	const struct probe_variant *v = probe_variant(c, variants, &packed);
	struct probe p;
	uint16_t id;

	if (!v)
		return;
	if (!c->probe->pci_cfg) {
		vc_skip(c, "the device has no PCI configuration access capability");
		return;
	}
	if (!probe_start(c, &p, 0, 0) ||
	    (v->kind == W_NOTIFY && !probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add")) ||
	    !act(&p, (enum win)v->kind, v->what))
		return;
	vc_cfg_write(c->dev, (uint16_t)(c->probe->pci_cfg->pos + CAP_LENGTH), 4, 0);    /* the window closed again */
	probe_after(&p, v->what);
}

#define ROW(id, kind, breaks, note, what) \
	PROBE_ROW("probe.pcicfg." id, "1.0", PROBE_RING | NEED_CFG_WRITE | NEED_BAR_SIZES, breaks, \
		  "With " what note ": the device stays sane, and writes no byte outside the window.", pcicfg, 0, 1),

static const struct vc_clause clauses[] = {
	WINDOW_VARIANTS(ROW)
};
VC_SUITE(suite_probe_pcicfg, clauses);
