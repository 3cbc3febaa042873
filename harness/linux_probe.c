/* "Would Linux accept this device?" (vc/linux_probe.h). Paraphrases Linux
 * 6.x's checks; each message names the check and its numbers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "vc/linux_probe.h"

#define REFUSES "Linux 6.x would refuse to bind: "

struct notes {
	struct vc_linux_note *n;
	unsigned count, max;
};

static void refuse(struct notes *ns, const char *clause, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void refuse(struct notes *ns, const char *clause, const char *fmt, ...)
{
	va_list ap;

	if (ns->count == ns->max)
		return;
	struct vc_linux_note *n = &ns->n[ns->count++];
	n->clause = clause;
	int used = snprintf(n->text, sizeof(n->text), REFUSES);
	va_start(ap, fmt);
	vsnprintf(n->text + used, sizeof(n->text) - (size_t)used, fmt, ap);
	va_end(ap);
}

/* Linux takes the first capability of a type whose BAR is 0..5 and
 * implemented; others are skipped as if absent. */
static const struct vc_vcap *linux_cap(const struct vc_device *d, const struct vc_probe *p, unsigned type)
{
	for (unsigned i = 0; i < p->nvcap; i++) {
		const struct vc_vcap *c = &p->vcap[i];
		if (c->bar > 5 || c->cfg_type != type)
			continue;
		if (!vc_has(d, VC_BAR_SIZES) || d->bar[c->bar].size)
			return c;
	}
	return NULL;
}

/* vp_modern_map_capability(minlen, align): length > 0, length >= minlen,
 * offset aligned, offset + minlen inside the BAR. */
static void map_capability(struct notes *ns, const struct vc_device *d, const struct vc_vcap *c, const char *name,
			   uint64_t minlen, unsigned align, const char *len_clause, const char *align_clause)
{
	if (c->length == 0 || c->length < minlen) {
		refuse(ns, len_clause, "%s capability length %llu (it wants at least %llu)", name,
		       (unsigned long long)c->length, (unsigned long long)(minlen ? minlen : 1));
		return;
	}
	if (c->offset & (align - 1)) {
		refuse(ns, align_clause, "%s offset 0x%llx is not aligned to %u", name, (unsigned long long)c->offset, align);
		return;
	}
	if (vc_has(d, VC_BAR_SIZES) && c->offset + minlen > d->bar[c->bar].size)
		refuse(ns, "pci.caps.structure-in-bar", "%s: %llu bytes at 0x%llx are out of range of BAR %u (%llu bytes)",
		       name, (unsigned long long)minlen, (unsigned long long)c->offset, c->bar,
		       (unsigned long long)d->bar[c->bar].size);
}

/* vp_modern_map_vq_notify: every queue's doorbell plus 2 bytes inside the
 * structure, even where VIRTIO_F_NOTIFICATION_DATA makes it 4. */
static void notify_bound(struct notes *ns, struct vc_device *d, const struct vc_probe *p, const struct vc_vcap *n)
{
	uint64_t off;

	if (!p->have_common || !vc_has(d, VC_BAR_READ | VC_BAR_WRITE))
		return;
	for (uint16_t q = 0; q < p->num_queues; q++) {
		if (vc_common_write(d, p, COMMON_queue_select, 2, q) || vc_common_read(d, p, COMMON_queue_notify_off, 2, &off))
			return;
		if (off * n->notify_off_multiplier + 2 > n->length) {
			refuse(ns, "pci.notify.length-covers-queues",
			       "notify cap length 0x%llx < queue %u offset %llu x %u + 2 (bad notification offset)",
			       (unsigned long long)n->length, q, (unsigned long long)off, n->notify_off_multiplier);
			break;
		}
	}
	vc_common_write(d, p, COMMON_queue_select, 2, 0);
}

/* vp_check_common_size: the common configuration must reach the field each
 * offered feature needs (Linux negotiates these when offered). */
static void common_for_features(struct notes *ns, const struct vc_probe *p, const struct vc_vcap *c)
{
	static const struct { unsigned bit; uint64_t end; const char *name; } need[] = {
		{ VIRTIO_F_NOTIF_CONFIG_DATA, 0x3a, "VIRTIO_F_NOTIF_CONFIG_DATA" },
		{ VIRTIO_F_RING_RESET, 0x3c, "VIRTIO_F_RING_RESET" },
		{ VIRTIO_F_ADMIN_VQ, 0x40, "VIRTIO_F_ADMIN_VQ" },
	};
	for (unsigned i = 0; p->have_common && i < sizeof(need) / sizeof(need[0]); i++)
		if (vc_offers(p, need[i].bit) && c->length < need[i].end) {
			refuse(ns, "pci.common.length-for-features", "common cfg size %llu does not match the feature %s "
			       "(needs %llu)", (unsigned long long)c->length, need[i].name, (unsigned long long)need[i].end);
			return;
		}
}

unsigned vc_linux_probe(struct vc_device *d, const struct vc_probe *p, struct vc_linux_note *notes, unsigned max)
{
	struct notes ns = { notes, 0, max };
	const struct vc_vcap *common, *isr, *notify, *device;

	if (p->vendor_id != VIRTIO_PCI_VENDOR_ID || p->device_id < 0x1000 || p->device_id > 0x107f) {
		refuse(&ns, "pci.discovery.device-id", "device 0x%04x:0x%04x is not in 1af4:1000..107f", p->vendor_id,
		       p->device_id);
		return ns.count;
	}
	if (!(common = linux_cap(d, p, VIRTIO_PCI_CAP_COMMON_CFG))) {
		refuse(&ns, "pci.common.present", "no common configuration capability in BAR 0..5 (left to the legacy driver)");
		return ns.count;
	}
	isr = linux_cap(d, p, VIRTIO_PCI_CAP_ISR_CFG);
	notify = linux_cap(d, p, VIRTIO_PCI_CAP_NOTIFY_CFG);
	if (!isr || !notify) {
		refuse(&ns, !isr ? "pci.isr.present" : "pci.notify.present", "missing capabilities (%s)",
		       !isr ? "no ISR capability in BAR 0..5" : "no notification capability in BAR 0..5");
		return ns.count;
	}
	map_capability(&ns, d, common, "common cfg", COMMON_CFG_SIZE_BASE, 4, "pci.common.length", "pci.common.offset-aligned");
	map_capability(&ns, d, isr, "ISR", 1, 1, "pci.isr.present", "pci.isr.present");
	/* a notify area within one page is mapped whole; a larger one per queue */
	if (notify->length + (notify->offset % 4096) <= 4096)
		map_capability(&ns, d, notify, "notify", 2, 2, "pci.notify.length-minimum", "pci.notify.offset-aligned");
	notify_bound(&ns, d, p, notify);
	if ((device = linux_cap(d, p, VIRTIO_PCI_CAP_DEVICE_CFG)))
		map_capability(&ns, d, device, "device cfg", 0, 4, "pci.device-cfg.present", "pci.device-cfg.offset-aligned");
	common_for_features(&ns, p, common);
	if (p->have_common && !vc_offers(p, VIRTIO_F_VERSION_1))
		refuse(&ns, "pci.features.version-1", "the device uses the modern interface without VIRTIO_F_VERSION_1");
	return ns.count;
}

/* The spec clauses whose structures Linux's probe also looks at. */
static bool linux_looks_at(const char *id)
{
	static const char *const ids[] = { "pci.discovery.device-id", "pci.common.present", "pci.common.length",
		"pci.common.offset-aligned", "pci.common.length-for-features", "pci.isr.present", "pci.notify.present",
		"pci.notify.offset-aligned", "pci.notify.multiplier", "pci.notify.length-minimum",
		"pci.notify.length-covers-queues", "pci.device-cfg.present", "pci.device-cfg.offset-aligned",
		"pci.caps.structure-in-bar", "pci.caps.cap-len", "pci.features.version-1" };
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strcmp(ids[i], id))
			return true;
	return false;
}

void vc_linux_attach(struct vc_device *d, const struct vc_probe *p, struct vc_result *r, unsigned n)
{
	struct vc_linux_note notes[VC_LINUX_MAX_NOTES];
	unsigned nn = vc_linux_probe(d, p, notes, VC_LINUX_MAX_NOTES);

	for (unsigned i = 0; i < n; i++) {
		char *dst = r[i].linux_note;
		for (unsigned k = 0; k < nn; k++) {
			if (strcmp(notes[k].clause, r[i].clause->id))
				continue;
			size_t used = strlen(dst);
			snprintf(dst + used, sizeof(r[i].linux_note) - used, "%s%s", used ? "; " : "", notes[k].text);
		}
		if (!dst[0] && (r[i].status == VC_FAIL || r[i].status == VC_WARN) && linux_looks_at(r[i].clause->id))
			snprintf(dst, sizeof(r[i].linux_note), "Linux 6.x would still bind: its probe does not check this%s",
				 nn ? " (it refuses for another reason, see the other Linux notes)" : "");
	}
}
