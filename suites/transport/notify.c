/* The notification capability: where doorbells live. The rules differ with
 * VIRTIO_F_NOTIFICATION_DATA (32-bit notifications) offered or not. */
#include "vc/clause.h"
#include "labels.h"

enum nd { ND_NO, ND_YES, ND_UNKNOWN };

static enum nd notification_data(const struct vc_probe *p)
{
	if (!p->have_common)
		return ND_UNKNOWN;
	return vc_offers(p, VIRTIO_F_NOTIFICATION_DATA) ? ND_YES : ND_NO;
}

static const struct vc_vcap *need_notify(struct vc_ctx *c)
{
	if (!c->probe->notify)
		vc_skip(c, "no notification capability");
	return c->probe->notify;
}

/* Without the feature bits (read-only backends) only what both cases
 * reject can fail; what only one case rejects is a SKIP that says why. */
static void unknown_features(struct vc_ctx *c, const char *what)
{
	vc_skip(c, "%s is valid only without VIRTIO_F_NOTIFICATION_DATA, and this backend cannot read the "
		   "offered features", what);
}

static void present(struct vc_ctx *c)
{
	if (!c->probe->notify) {
		vc_fail(c, "no VIRTIO_PCI_CAP_NOTIFY_CFG capability");
		vc_observed(c, "%u virtio capabilities, none of cfg_type 2", c->probe->nvcap);
	}
}

static void offset_aligned(struct vc_ctx *c)
{
	const struct vc_vcap *v = need_notify(c);
	enum nd nd = notification_data(c->probe);

	if (!v)
		return;
	if (v->offset % 2 || (nd == ND_YES && v->offset % 4)) {
		vc_fail(c, "notification structure offset is not %s-byte aligned%s", nd == ND_YES ? "4" : "2",
			nd == ND_YES ? " (VIRTIO_F_NOTIFICATION_DATA is offered)" : "");
		vc_observed(c, "offset 0x%llx", (unsigned long long)v->offset);
		vc_expected(c, "a multiple of %u", nd == ND_YES ? 4 : 2);
	} else if (nd == ND_UNKNOWN && v->offset % 4) {
		unknown_features(c, "an offset that is 2 mod 4");
	}
}

static bool power_of_2(uint32_t x) { return x && !(x & (x - 1)); }

/* "An even power of 2" reads two ways: 2^(2k) (1, 4, 16...) or an even
 * number that is a power of 2 (2, 4, 8...). Fail only what both reject;
 * say which reading a pass needed. */
static void multiplier(struct vc_ctx *c)
{
	const struct vc_vcap *v = need_notify(c);
	enum nd nd = notification_data(c->probe);

	if (!v)
		return;
	uint32_t m = v->notify_off_multiplier;
	bool even_exponent = power_of_2(m) && (m & 0x55555555u);   /* 1, 4, 16, ... */
	bool even_value = power_of_2(m) && m >= 2;

	if (m == 0)
		return;
	if (nd == ND_YES && !(power_of_2(m) && m % 4 == 0)) {
		vc_fail(c, "with VIRTIO_F_NOTIFICATION_DATA offered, notify_off_multiplier must be 0 or a power "
			   "of 2 that is a multiple of 4");
		vc_observed(c, "notify_off_multiplier %u", m);
		vc_expected(c, "0, 4, 8, 16, ...");
	} else if (!even_exponent && !even_value) {
		vc_fail(c, "notify_off_multiplier is neither 0 nor an even power of 2 under either reading "
			   "(2^(2k), or an even power of 2)");
		vc_observed(c, "notify_off_multiplier %u", m);
		vc_expected(c, "0, 1, 2, 4, 8, 16, ...");
	} else if (nd == ND_UNKNOWN && m % 4) {
		unknown_features(c, "a multiplier that is not a multiple of 4");
	} else if (nd != ND_YES && even_exponent != even_value) {
		vc_note(c, "%u passes only when \"even power of 2\" is read as %s", m,
			even_value ? "an even number that is a power of 2" : "2 to an even exponent");
	}
}

static void length_minimum(struct vc_ctx *c)
{
	const struct vc_vcap *v = need_notify(c);
	enum nd nd = notification_data(c->probe);
	unsigned min = nd == ND_YES ? 4 : 2;

	if (!v)
		return;
	if (v->length < min) {
		vc_fail(c, "notification structure too short for one %u-byte notification", min);
		vc_observed(c, "length %llu", (unsigned long long)v->length);
		vc_expected(c, ">= %u", min);
	} else if (nd == ND_UNKNOWN && v->length < 4) {
		unknown_features(c, "a length below 4");
	}
}

/* Every queue's doorbell, at queue_notify_off * notify_off_multiplier,
 * must fit with its full notification width. */
static void length_covers_queues(struct vc_ctx *c)
{
	const struct vc_vcap *v = need_notify(c);
	unsigned width = notification_data(c->probe) == ND_YES ? 4 : 2;
	uint64_t off, worst = 0;
	unsigned worst_q = 0, bad = 0;

	if (!v)
		return;
	for (uint16_t q = 0; q < c->probe->num_queues; q++) {
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, q) ||
		    !vc_ctx_common_read(c, COMMON_queue_notify_off, 2, &off))
			return;
		uint64_t end = off * v->notify_off_multiplier + width;
		if (end > v->length && bad++ == 0) {
			worst = end;
			worst_q = q;
		}
	}
	vc_ctx_common_write(c, COMMON_queue_select, 2, 0);
	if (bad) {
		vc_fail(c, "%u of %u queues have a doorbell past the end of the notification structure "
			   "(first: queue %u)", bad, c->probe->num_queues, worst_q);
		vc_observed(c, "length %llu", (unsigned long long)v->length);
		vc_expected(c, ">= queue_notify_off * %u + %u = %llu", v->notify_off_multiplier, width,
			    (unsigned long long)worst);
	}
}

static const struct vc_clause clauses[] = {
	{ "pci.notify.present", L_NOTIFY, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-NOTIFY-DEV-1",
	  "The device presents at least one notification capability.", NULL, present },
	{ "pci.notify.offset-aligned", L_NOTIFY, VC_MUST, VC_DEVICE_RULE, "1.0", 0,
	  "PCI-NOTIFY-DEV-2 PCI-NOTIFY-DEV-8",
	  "cap.offset is 2-byte aligned, or 4-byte aligned when VIRTIO_F_NOTIFICATION_DATA is offered.",
	  NULL, offset_aligned },
	{ "pci.notify.multiplier", L_NOTIFY, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-NOTIFY-DEV-3 PCI-NOTIFY-DEV-7",
	  "notify_off_multiplier is 0 or an even power of 2; with VIRTIO_F_NOTIFICATION_DATA, 0 or a power of 2 "
	  "that is a multiple of 4.", NULL, multiplier },
	{ "pci.notify.length-minimum", L_NOTIFY, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-NOTIFY-DEV-4 PCI-NOTIFY-DEV-9",
	  "cap.length is at least 2, or 4 with VIRTIO_F_NOTIFICATION_DATA.", NULL, length_minimum },
	{ "pci.notify.length-covers-queues", L_NOTIFY, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_COMMON,
	  "PCI-NOTIFY-DEV-5 PCI-NOTIFY-DEV-6 PCI-NOTIFY-DEV-10 PCI-NOTIFY-DEV-11",
	  "cap.length >= queue_notify_off * notify_off_multiplier + 2 (+ 4 with VIRTIO_F_NOTIFICATION_DATA) "
	  "for every queue.", NULL, length_covers_queues },
};
VC_SUITE(suite_notify, clauses);
