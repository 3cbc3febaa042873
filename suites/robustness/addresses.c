/* Hostile addresses: one buffer of the device type's request placed where
 * no sane driver puts one (address 0, past memory, the top of the 64-bit
 * space, wrapping 2^64, inside the device's own registers, at the MSI
 * doorbell, over its own rings, odd), split and packed (probe.addr.*). No
 * written driver rule forbids any of them: each is "unusual but allowed
 * input", and the device must stay sane (probe.h). The ring addresses
 * themselves are in rings.c. */
#include <string.h>
#include "probe.h"

enum place { AT_ZERO, AT_PAST_RAM, AT_TOP, AT_WRAP, AT_HUGE, AT_HUGE_WRITABLE, AT_COMMON, AT_NOTIFY, AT_ISR, AT_MSI, AT_OVER_DEVICE,
	     AT_OVER_DESC, AT_OVER_DRIVER, AT_SAME, AT_ODD };

#define PAST_RAM 0x1000000000ull     /* 64 GiB: past the memory of any machine a probe runs on */
#define MSI_DOORBELL 0xfee00000ull   /* x86: where MSI messages are written */

/* X(split id, packed id, place, what) */
#define BUFFER_PLACES(X) \
	X("zero", "zero", AT_ZERO, "a device-writable buffer at bus address 0") \
	X("past-ram", "past-ram", AT_PAST_RAM, "a device-writable buffer at 64 GiB, past the end of memory") \
	X("top", "top", AT_TOP, "a device-writable buffer in the last page of the 64-bit bus address space") \
	X("wrap", "wrap", AT_WRAP, "a device-writable buffer whose address plus length wraps past 2^64") \
	X("readable-len-huge", "readable-len-huge", AT_HUGE, "a device-readable buffer 4 GiB - 1 bytes long") \
	X("writable-len-huge", "writable-len-huge", AT_HUGE_WRITABLE, \
	  "a device-writable buffer 4 GiB - 1 bytes long (memory ends long before)") \
	X("in-bar-common", "in-bar-common", AT_COMMON, \
	  "a device-writable buffer over the device's own device_status register (its BAR)") \
	X("in-bar-notify", "in-bar-notify", AT_NOTIFY, "a device-writable buffer over the queue's own doorbell") \
	X("readable-in-isr", "readable-in-isr", AT_ISR, "a device-readable buffer over the device's own ISR status") \
	X("in-msi", "in-msi", AT_MSI, "a device-writable buffer at 0xfee00000, where x86 MSI messages go") \
	X("over-used-ring", "over-device-area", AT_OVER_DEVICE, \
	  "a device-writable buffer over the queue's own used ring (packed: device event suppression area)") \
	X("over-desc-table", "over-desc-ring", AT_OVER_DESC, \
	  "a device-writable buffer over the queue's own descriptor table (packed: ring)") \
	X("over-avail-ring", "over-driver-area", AT_OVER_DRIVER, \
	  "a device-writable buffer over the queue's own available ring (packed: driver event suppression area)") \
	X("read-write-same", "read-write-same", AT_SAME, \
	  "a device-writable buffer at the same address as the request's device-readable one") \
	X("odd-address", "odd-address", AT_ODD, "a device-writable buffer at an odd address (0x7ff into a page)")

static const struct probe_variant places[] = {
#define PLACE_ROW(s, p, place, what) { "probe.addr.split." s, "probe.addr.packed." p, place, what },
	BUFFER_PLACES(PLACE_ROW)
#undef PLACE_ROW
	{ NULL, NULL, 0, NULL },
};

static uint32_t min32(uint32_t a, uint64_t b)
{
	return a < b ? a : (uint32_t)b;
}

/* The descriptor the place replaces: the request's last device-writable
 * one (a status byte, where the type has one), or its first readable one;
 * a request without one gets one (readable first, writable last). */
static unsigned target(struct probe *p, struct probe_desc *d, unsigned *n, bool readable)
{
	for (unsigned k = 0; k < *n; k++) {
		unsigned i = readable ? k : *n - 1 - k;
		if (!(d[i].flags & F_WRITE) == readable)
			return i;
	}
	if (readable) {
		memmove(d + 1, d, *n * sizeof(*d));
		d[0] = (struct probe_desc){ p->scratch + 2048, 16, 0, PROBE_NEXT_AUTO };
		return (*n)++, 0;
	}
	d[*n] = (struct probe_desc){ p->scratch + 1024, 64, F_WRITE, PROBE_NEXT_AUTO };
	return (*n)++;
}

/* Where the place is, on this device; false after a SKIP. */
static bool place_at(struct probe *p, enum place at, struct probe_desc *t, const struct probe_desc *first)
{
	const struct vc_probe *pr = p->c->probe;
	const struct vc_vcap *cap = at == AT_COMMON ? pr->common : at == AT_NOTIFY ? pr->notify : pr->isr;
	uint64_t bar = 0, ring_bytes = p->vq.packed ? 4 : 6u + 8u * p->vq.size;

	if (at == AT_COMMON || at == AT_NOTIFY || at == AT_ISR) {
		if (!cap || !(bar = probe_bar_address(p->c, cap->bar))) {
			vc_skip(p->c, "the structure's BAR has no memory address the harness can name");
			return false;
		}
		bar += cap->offset;
	}
	switch (at) {
	case AT_ZERO: t->addr = 0; break;
	case AT_PAST_RAM: t->addr = PAST_RAM; break;
	case AT_TOP: t->addr = ~0xfffull, t->len = min32(t->len, 4096); break;
	case AT_WRAP: t->addr = ~0xfull, t->len = 4096; break;
	case AT_HUGE:
	case AT_HUGE_WRITABLE: t->len = 0xffffffffu; break;
	case AT_COMMON:
		t->addr = bar + COMMON_device_status, t->len = min32(t->len, cap->length - COMMON_device_status);
		break;
	case AT_NOTIFY: {
		uint64_t off = probe_notify_at(p, p->vq.notify_off);
		t->addr = bar + off, t->len = min32(t->len, cap->length > off + 2 ? 2 : cap->length - off);
		break;
	}
	case AT_ISR: t->addr = bar, t->len = min32(t->len, cap->length); break;
	case AT_MSI: t->addr = MSI_DOORBELL, t->len = min32(t->len, 4); break;
	case AT_OVER_DEVICE: t->addr = p->vq.device, t->len = min32(t->len, ring_bytes); break;
	case AT_OVER_DESC: t->addr = p->vq.desc, t->len = min32(t->len, 16u * p->vq.size); break;
	case AT_OVER_DRIVER:
		t->addr = p->vq.driver, t->len = min32(t->len, p->vq.packed ? 4 : 6u + 2u * p->vq.size);
		break;
	case AT_SAME: t->addr = first->addr, t->len = min32(t->len, first->len); break;
	case AT_ODD:      /* the one address of the scratch page's 4 KiB that is 0x7ff into a page */
		t->addr = (p->scratch & ~0xfffull) + 0x7ff + (((p->scratch & 0xfff) > 0x7ff) << 12);
		t->len = min32(t->len, p->scratch + 4096 - t->addr);
		break;
	}
	return true;
}

static void buffer_at(struct vc_ctx *c)
{
	bool packed;
	const struct probe_variant *v = probe_variant(c, places, &packed);
	struct probe p;
	struct probe_desc d[8];

	if (!v || !probe_start(c, &p, packed ? PROBE_PACKED : 0, 0))
		return;
	enum place at = (enum place)v->kind;
	unsigned n = probe_request_descs(&p, d);
	if (at == AT_SAME && (d[0].flags & F_WRITE))
		target(&p, d, &n, true);
	unsigned t = target(&p, d, &n, at == AT_HUGE || at == AT_ISR);
	for (unsigned k = 0; k < n; k++)
		d[k].flags = (uint16_t)((d[k].flags & ~F_NEXT) | (k + 1 < n ? F_NEXT : 0));
	if (place_at(&p, at, &d[t], &d[0]) && probe_chain(&p, d, n, false, 0))
		probe_kick(&p, v->what);
}

#define SUMMARY(what) "With " what " (" PROBE_ALLOWED "), the device stays sane."
#define SPLIT_ROW(s, p, place, what) \
	PROBE_ROW("probe.addr.split." s, "1.0", PROBE_RING, "", SUMMARY(what), buffer_at, 0, 1),
#define PACKED_ROW(s, p, place, what) \
	PROBE_ROW("probe.addr.packed." p, "1.1", PROBE_RING, "", SUMMARY(what), buffer_at, \
		  VC_REQ(VIRTIO_F_RING_PACKED), 1),

static const struct vc_clause clauses[] = {
	BUFFER_PLACES(SPLIT_ROW)
	BUFFER_PLACES(PACKED_ROW)
};
VC_SUITE(suite_probe_addresses, clauses);
