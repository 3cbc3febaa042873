/* Hostile ring addresses (probe.rings.split.* and .packed.*): the request
 * queue's descriptor table (packed: ring), driver area or device area at
 * address 0, past memory, in the device's own registers, wrapping 2^64,
 * over one another, or unaligned; then the type's request where the rings
 * still lie in the harness's memory, and a doorbell. The harness never
 * writes at a hostile ring address: the device finds there what there is.
 * Engine: probe.h. */
#include <string.h>
#include "probe.h"

enum ring { R_DESC_ZERO, R_DRIVER_ZERO, R_DEVICE_ZERO, R_DESC_PAST, R_DEVICE_PAST, R_DEVICE_BAR, R_DESC_BAR,
	    R_DEVICE_OVER_DESC, R_DRIVER_IS_DEVICE, R_UNALIGNED, R_DESC_WRAP };

#define N_OK " (" PROBE_ALLOWED ")"
/* X(id, kind, split breaks, packed breaks, note, what) */
#define RING_VARIANTS(X) \
	X("desc-zero", R_DESC_ZERO, "", "", N_OK, "the descriptor table (packed: ring) at bus address 0") \
	X("driver-zero", R_DRIVER_ZERO, "", "", N_OK, "the driver area at bus address 0") \
	X("device-zero", R_DEVICE_ZERO, "", "", N_OK, "the device area at bus address 0") \
	X("desc-past-ram", R_DESC_PAST, "", "", N_OK, "the descriptor table (packed: ring) at 64 GiB, past memory") \
	X("device-past-ram", R_DEVICE_PAST, "", "", N_OK, "the device area at 64 GiB, past memory") \
	X("device-in-bar", R_DEVICE_BAR, "", "", N_OK, \
	  "the device area over the device's own common configuration, its used elements over device_status") \
	X("desc-in-bar", R_DESC_BAR, "", "", N_OK, \
	  "the descriptor table (packed: ring) over the device's own common configuration") \
	X("device-over-desc", R_DEVICE_OVER_DESC, "", "", N_OK, "the device area at the descriptor table's address") \
	X("driver-is-device", R_DRIVER_IS_DEVICE, "", "", N_OK, "the driver and device areas at one address") \
	X("unaligned", R_UNALIGNED, "SPLIT-VQ-DRV-1", "PACKED-VQ-DRV-1", "", \
	  "every ring part misaligned (descriptors 8 bytes past 16, driver area odd, device area 2 past 4)") \
	X("desc-wrap", R_DESC_WRAP, "", "", N_OK, "a descriptor table (packed: ring) that wraps past 2^64")

static const struct probe_variant variants[] = {
#define VARIANT_ROW(id, kind, bs, bp, note, what) { "probe.rings.split." id, "probe.rings.packed." id, kind, what },
	RING_VARIANTS(VARIANT_ROW)
#undef VARIANT_ROW
	{ NULL, NULL, 0, NULL },
};

#define PAST_RAM 0x1000000000ull

/* Which ring parts the variant moves out of the harness's memory. */
enum { MOVED_DESC = 1, MOVED_DRIVER = 2, MOVED_DEVICE = 4 };

/* The variant's ring addresses in p->vq; what moved away, or -1 after a SKIP or ERROR. */
static int place(struct probe *p, enum ring kind)
{
	struct vc_vq *vq = &p->vq;
	uint64_t bar = 0, base;
	size_t desc = 16u * vq->size, driver = vq->packed ? 4 : 6u + 2u * vq->size;
	size_t device = vq->packed ? 4 : 6u + 8u * vq->size;

	if (kind == R_DEVICE_BAR || kind == R_DESC_BAR) {
		const struct vc_vcap *cc = p->c->probe->common;
		if (!(bar = probe_bar_address(p->c, cc->bar))) {
			vc_skip(p->c, "the common configuration's BAR has no memory address the harness can name");
			return -1;
		}
		bar += cc->offset;
	}
	switch (kind) {
	case R_DESC_ZERO: vq->desc = 0; return MOVED_DESC;
	case R_DRIVER_ZERO: vq->driver = 0; return MOVED_DRIVER;
	case R_DEVICE_ZERO: vq->device = 0; return MOVED_DEVICE;
	case R_DESC_PAST: vq->desc = PAST_RAM; return MOVED_DESC;
	case R_DEVICE_PAST: vq->device = PAST_RAM; return MOVED_DEVICE;
	case R_DEVICE_BAR:      /* split: used idx over num_queues, the first used element over device_status */
		vq->device = bar + COMMON_config_msix_vector;
		return MOVED_DEVICE;
	case R_DESC_BAR: vq->desc = bar; return MOVED_DESC;
	case R_DEVICE_OVER_DESC: vq->device = vq->desc; return 0;
	case R_DRIVER_IS_DEVICE: vq->driver = vq->device; return 0;
	case R_DESC_WRAP: vq->desc = 0 - (uint64_t)desc / 2; return MOVED_DESC;
	case R_UNALIGNED:
		if (!probe_ok(p->c, vc_dma_alloc(p->c->dev, desc + driver + device + 32, 16, &base), "DMA"))
			return -1;
		vq->desc = base + 8;
		vq->driver = vq->desc + desc + 1;
		vq->device = ((vq->driver + driver + 3) & ~3ull) + 2;
		return 0;
	}
	return 0;
}

static bool program(struct probe *p)
{
	static const unsigned field[] = { COMMON_queue_desc, COMMON_queue_driver, COMMON_queue_device };
	const uint64_t addr[] = { p->vq.desc, p->vq.driver, p->vq.device };

	static const char what[] = "hostile ring addresses";

	if (!probe_common_write(p, COMMON_queue_select, 2, p->vq.index, what))
		return false;
	for (unsigned i = 0; i < 3; i++)
		if (!probe_common_write(p, field[i], 4, (uint32_t)addr[i], what) ||
		    !probe_common_write(p, field[i] + 4, 4, addr[i] >> 32, what))
			return false;
	return probe_common_write(p, COMMON_queue_enable, 2, 1, what) &&
	       probe_ok(p->c, vc_status_add(&p->drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK");
}

static void rings(struct vc_ctx *c)
{
	bool packed;
	const struct probe_variant *v = probe_variant(c, variants, &packed);
	struct probe p;
	uint16_t id;
	int moved;

	if (!v || !probe_start(c, &p, (packed ? PROBE_PACKED : 0) | PROBE_NO_ENABLE, 0) ||
	    (moved = place(&p, (enum ring)v->kind)) < 0 || !program(&p))
		return;
	/* the request where the harness can write it: split needs the table
	 * and the avail ring, packed the ring; with the table moved, only the
	 * avail entry names descriptor 0 */
	if (!(moved & (MOVED_DESC | (packed ? 0 : MOVED_DRIVER)))) {
		if (!probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
			return;
	} else if (!packed && !(moved & MOVED_DRIVER) && !probe_publish(&p, 0)) {
		return;
	}
	probe_kick(&p, v->what);
}

#define SPLIT_ROW(id, kind, bs, bp, note, what) \
	PROBE_ROW("probe.rings.split." id, "1.0", PROBE_RING, bs, "With " what note ": the device stays sane.", rings, \
		  0, 1),
#define PACKED_ROW(id, kind, bs, bp, note, what) \
	PROBE_ROW("probe.rings.packed." id, "1.1", PROBE_RING, bp, "With " what " in a packed queue" note ": the " \
		  "device stays sane.", rings, VC_REQ(VIRTIO_F_RING_PACKED), 1),

static const struct vc_clause clauses[] = {
	RING_VARIANTS(SPLIT_ROW)
	RING_VARIANTS(PACKED_ROW)
};
VC_SUITE(suite_probe_rings, clauses);
