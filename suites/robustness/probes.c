/* The first hostile-driver probes: descriptor loops and over-long chains,
 * out-of-range indexes, zero-length and overlapping buffers, avail and used
 * indexes, doorbells for queues that are not there, read-only fields, the
 * queue set-up out of order, a reset with a request in flight, the PCI cfg
 * window outside any structure, and a doorbell before DRIVER_OK (the
 * engine and what "sane" means: probe.h). */
#include <errno.h>
#include <string.h>
#include "probe.h"
#include "session.h"

/* Split chains */

static void desc_loop(struct vc_ctx *c)
{
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	uint16_t h = p.vq.next_desc;
	if (probe_put_desc(&p, h, p.scratch, 64, F_NEXT | F_WRITE, h) && probe_publish(&p, h))
		probe_kick(&p, "a descriptor whose next names itself");
}

/* Every descriptor of the table, each naming the next, the last the first. */
static bool ring_of_descriptors(struct probe *p, bool packed)
{
	static uint8_t table[16 * 32768];

	for (uint16_t i = 0; i < p->vq.size; i++)
		probe_desc_bytes(table + 16u * i, p->scratch, 16, packed ? 0 : F_NEXT | F_WRITE,
			   packed ? F_NEXT | F_WRITE | P_AVAIL : (uint16_t)((i + 1) % p->vq.size));
	/* packed: the head's flags last, so the chain appears whole */
	return probe_ok(p->c, vc_dma_write(p->c->dev, p->vq.desc + 16, table + 16, 16u * (p->vq.size - 1u)), "DMA write") &&
	       probe_ok(p->c, vc_dma_write(p->c->dev, p->vq.desc, table, 16), "DMA write");
}

static void split_chain_longer(struct vc_ctx *c)
{
	struct probe p;

	if (probe_start(c, &p, 0, 0) && ring_of_descriptors(&p, false) && probe_publish(&p, 0))
		probe_kick(&p, "a chain through every descriptor and round again");
}

static void packed_chain_longer(struct vc_ctx *c)
{
	struct probe p;

	if (probe_start(c, &p, PROBE_PACKED, 0) && ring_of_descriptors(&p, true))
		probe_kick(&p, "a packed chain with NEXT on every descriptor of the ring");
}

static void head_out_of_range(struct vc_ctx *c)
{
	struct probe p;

	if (probe_start(c, &p, 0, 0) && probe_publish(&p, (uint16_t)(p.vq.size + 7)))
		probe_kick(&p, "an available ring entry naming a descriptor past the table");
}

static void next_out_of_range(struct vc_ctx *c)
{
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	uint16_t h = p.vq.next_desc;
	if (probe_put_desc(&p, h, p.scratch, 16, F_NEXT | F_WRITE, (uint16_t)(p.vq.size + 3)) && probe_publish(&p, h))
		probe_kick(&p, "a descriptor whose next is past the table");
}

/* The request with every writable buffer zero bytes long, at an address
 * where the guard begins: a byte written there is outside any buffer. */
static void zero_length(struct vc_ctx *c)
{
	struct probe p;
	struct vc_buf bufs[5];
	uint64_t none;
	uint16_t id;

	if (!probe_start(c, &p, 0, 0) || !probe_ok(c, vc_dma_alloc(c->dev, 0, 16, &none), "DMA"))
		return;
	unsigned n = p.req.n;
	memcpy(bufs, p.req.bufs, n * sizeof(bufs[0]));
	if (!p.req.writable)       /* a type whose request has no writable buffer gets one */
		bufs[n++] = (struct vc_buf){ none, 0, true };
	for (unsigned i = 0; i < n; i++)
		if (bufs[i].writable)
			bufs[i] = (struct vc_buf){ none, 0, true };
	if (probe_ok(c, vc_vq_add(&p.drv, &p.vq, bufs, n, &id), "vq add"))
		probe_kick(&p, "zero-length device-writable buffers");
}

/* Two writable buffers overlapping by half, appended to the request. */
static void overlapping(struct vc_ctx *c)
{
	struct probe p;
	struct vc_buf bufs[6];
	uint64_t a;
	uint16_t id;

	if (!probe_start(c, &p, 0, 0) || !probe_ok(c, vc_dma_alloc(c->dev, 96, 16, &a), "DMA"))
		return;
	memcpy(bufs, p.req.bufs, p.req.n * sizeof(bufs[0]));
	bufs[p.req.n] = (struct vc_buf){ a, 64, true };
	bufs[p.req.n + 1] = (struct vc_buf){ a + 32, 64, true };
	if (probe_ok(c, vc_vq_add(&p.drv, &p.vq, bufs, p.req.n + 2, &id), "vq add"))
		probe_kick(&p, "two device-writable buffers that overlap");
}

static void avail_idx_jump(struct vc_ctx *c)
{
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	p.vq.avail_idx = (uint16_t)(p.vq.avail_idx + p.vq.size + 1);
	if (probe_put16(&p, p.vq.driver + 2, p.vq.avail_idx))
		probe_kick(&p, "avail idx moved a queue size and one ahead");
}

/* One request served, the device-owned used idx overwritten past the ring,
 * then another request. */
static void used_idx_scribbled(struct vc_ctx *c)
{
	struct probe p;
	struct vc_request next;
	uint16_t id;

	if (!probe_start(c, &p, 0, 0))
		return;
	if (!probe_request_used(&p, &p.req, "before the probe")) {
		if (c->r->status == VC_PASS)
			vc_skip(c, "the device did not use the %s in the first place", p.req.what);
		return;
	}
	if (probe_put16(&p, p.vq.device + 2, (uint16_t)(p.vq.used_idx + p.vq.size + 4)) &&
	    probe_ok(c, vc_request_make(&p.drv, &next), "request set-up") &&
	    probe_ok(c, vc_vq_add(&p.drv, &p.vq, next.bufs, next.n, &id), "vq add"))
		probe_kick(&p, "the driver writing used idx");
}

/* Doorbells */

static bool doorbell(struct probe *p, uint64_t off, uint16_t value, const char *what)
{
	return probe_doorbell(p, off, 2, value, what);
}

static void unknown_queue(struct vc_ctx *c)
{
	static const char what[] = "doorbells naming queues the device does not have";
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	uint16_t nq = c->probe->num_queues;
	uint64_t past = probe_notify_at(&p, nq);   /* where a queue nq would ring, when inside the structure */
	if (!doorbell(&p, probe_notify_at(&p, p.vq.notify_off), nq, what) ||
	    !doorbell(&p, probe_notify_at(&p, p.vq.notify_off), 0xffff, what) ||
	    (past && past + 2 <= c->probe->notify->length && !doorbell(&p, past, nq, what)))
		return;
	probe_after(&p, what);
}

static void disabled_queue(struct vc_ctx *c)
{
	static const char what[] = "a doorbell for a queue never set up";
	struct probe p;
	uint64_t off;

	if (!probe_start(c, &p, PROBE_ALONE, 0))
		return;
	uint16_t o = probe_another_queue(&p);
	if (o == 0xffff) {
		vc_skip(c, "the device has one queue");
		return;
	}
	if (vc_ctx_common_write(c, COMMON_queue_select, 2, o) &&
	    vc_ctx_common_read(c, COMMON_queue_notify_off, 2, &off) &&
	    doorbell(&p, probe_notify_at(&p, (uint16_t)off), o, what))
		probe_after(&p, what);
}

/* At the request queue's address, a value naming the other queue; then the
 * request, notified properly, must still be served (or the device says it
 * needs a reset). */
static void value_names_other_queue(struct vc_ctx *c)
{
	static const char what[] = "a doorbell whose value names another queue";
	struct probe p;

	if (!probe_start(c, &p, 0, 0))
		return;
	if (!c->probe->notify->notify_off_multiplier || !p.other.size) {
		vc_skip(c, !p.other.size ? "the device has one queue"
			   : "notify_off_multiplier is 0: every queue shares one address and the value names the queue");
		return;
	}
	if (!doorbell(&p, probe_notify_at(&p, p.vq.notify_off), p.other.index, what))
		return;
	probe_settle(&p);
	if (!probe_request_used(&p, &p.req, "after a doorbell naming another queue") && !probe_needs_reset(&p, what))
		return;
	if (probe_sane(&p, what))
		probe_recovers(&p, what);
}

/* Common configuration */

static void read_only_fields(struct vc_ctx *c)
{
	static const struct { unsigned field, width; const char *name; } ro[] = {
		{ COMMON_num_queues, 2, "num_queues" }, { COMMON_device_feature, 4, "device_feature" },
		{ COMMON_config_generation, 1, "config_generation" }, { COMMON_queue_notify_off, 2, "queue_notify_off" },
	};
	static const char what[] = "writes to read-only common configuration fields";
	struct probe p;
	uint64_t before, after;

	if (!probe_start(c, &p, PROBE_ALONE, 0))
		return;
	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		uint64_t poke = 1;        /* a plausible value: one a careless device would take */
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, p.vq.index) ||
		    !vc_ctx_common_read(c, ro[i].field, ro[i].width, &before) ||
		    !probe_common_write(&p, ro[i].field, ro[i].width, before ^ poke, what) ||
		    !probe_common_read(&p, ro[i].field, ro[i].width, &after, what))
			return;
		if (after != before) {
			probe_fail(&p, "minor", "%s took the driver's write", ro[i].name);
			vc_observed(c, "0x%llx after writing 0x%llx", (unsigned long long)after,
				    (unsigned long long)(before ^ poke));
			vc_expected(c, "0x%llx, unchanged", (unsigned long long)before);
			vc_common_write(c->dev, c->probe, ro[i].field, ro[i].width, before);
		}
	}
	probe_settle(&p);
	if (probe_sane(&p, what) && !probe_request_used(&p, &p.req, "after writes to read-only fields") &&
	    c->r->status == VC_PASS)
		vc_note(c, "the device did not use the %s after them", p.req.what);
	probe_recovers(&p, what);
}

/* Queue set-up out of order or out of range */

static void size_not_power_of_2(struct vc_ctx *c)
{
	static const char what[] = "a split queue whose size is not a power of 2";
	struct vc_driver drv;
	struct vc_request req;
	struct probe p;

	if (!vc_ctx_start(c, &drv, NULL) || !probe_ok(c, vc_request_make(&drv, &req), "request set-up"))
		return;
	uint16_t max = probe_queue_max(&(struct probe){ .c = c }, req.queue), size = (uint16_t)(max - 1);
	while (size > 2 && !(size & (size - 1)))
		size--;
	if (max < 4) {
		vc_skip(c, "queue %u is %u entries: no smaller size that is not a power of 2", req.queue, max);
		return;
	}
	if (!probe_start(c, &p, PROBE_ALONE, size))
		return;
	uint16_t id;
	if (probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		probe_kick(&p, what);
}

static void enable_before_address(struct vc_ctx *c)
{
	struct probe p;
	uint16_t id;

	if (probe_start(c, &p, PROBE_ALONE | PROBE_ENABLE_FIRST, 0) &&
	    probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		probe_kick(&p, "queue_enable written before the queue addresses");
}

/* Reset while the request is in flight: once the reset has completed the
 * device must not write the request's buffers any more. */
static void reset_in_flight(struct vc_ctx *c)
{
	static const char what[] = "a reset with a request in flight";
	static uint8_t canary[4096], back[4096];
	struct probe p;
	uint16_t id;
	int rc;

	if (!probe_start(c, &p, PROBE_ALONE, 0) ||
	    !probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add") ||
	    !probe_answers(&p, vc_vq_kick(&p.drv, &p.vq), what))
		return;
	if ((rc = vc_reset(&p.drv)) == -ETIMEDOUT) {
		probe_fail(&p, "hang", "a reset with a request in flight did not complete within %u ms", c->dev->timeout_ms);
		return;
	}
	if (!probe_answers(&p, rc, what))
		return;
	memset(canary, 0xc5, sizeof(canary));
	for (unsigned i = 0; i < p.req.n; i++)
		if (p.req.bufs[i].writable && p.req.bufs[i].len <= sizeof(canary) &&
		    !probe_ok(c, vc_dma_write(c->dev, p.req.bufs[i].addr, canary, p.req.bufs[i].len), "DMA write"))
			return;
	probe_settle(&p);
	for (unsigned i = 0; i < p.req.n; i++) {
		const struct vc_buf *b = &p.req.bufs[i];
		if (!b->writable || b->len > sizeof(back))
			continue;
		if (!probe_ok(c, vc_dma_read(c->dev, b->addr, back, b->len), "DMA read"))
			return;
		if (memcmp(back, canary, b->len)) {
			probe_fail(&p, "memory", "the device wrote the %s's buffer after the reset had completed", p.req.what);
			vc_expected(c, "no write to a buffer once device_status reads 0");
			return;
		}
	}
	if (!p.req.writable)
		vc_note(c, "the %s has no device-writable buffer to watch", p.req.what);
	if (probe_sane(&p, what))
		probe_recovers(&p, what);
}

/* The PCI configuration access window aimed where no structure is: BARs 6
 * and 255, past the end of the common configuration's BAR, and 3 bytes. */
static void pci_cfg_outside(struct vc_ctx *c)
{
	static const char what[] = "PCI cfg access windows outside any structure";
	const struct vc_vcap *w = c->probe->pci_cfg, *cc = c->probe->common;
	struct probe p;
	uint32_t v;

	if (!w) {
		vc_skip(c, "the device has no PCI configuration access capability");
		return;
	}
	if (!probe_start(c, &p, PROBE_ALONE, 0))
		return;
	const struct { uint8_t bar; uint32_t offset, length; } win[] = {
		{ 6, 0, 4 }, { 255, 0, 4 }, { cc->bar, (uint32_t)c->dev->bar[cc->bar].size, 4 },
		{ cc->bar, (uint32_t)cc->offset, 3 },
	};
	for (unsigned i = 0; i < sizeof(win) / sizeof(win[0]); i++)
		if (!probe_answers(&p, vc_cfg_write(c->dev, w->pos + 4, 1, win[i].bar), what) ||
		    !probe_answers(&p, vc_cfg_write(c->dev, w->pos + 8, 4, win[i].offset), what) ||
		    !probe_answers(&p, vc_cfg_write(c->dev, w->pos + 12, 4, win[i].length), what) ||
		    !probe_answers(&p, vc_cfg_read(c->dev, w->pos + 16, 4, &v), what) ||
		    !probe_answers(&p, vc_cfg_write(c->dev, w->pos + 16, 4, 0), what))
			return;
	vc_cfg_write(c->dev, w->pos + 12, 4, 0);       /* the window closed again */
	probe_settle(&p);
	if (probe_sane(&p, what))
		probe_recovers(&p, what);
}

/* The request made available and notified before DRIVER_OK: a doorbell the
 * driver may not send (INIT-DRV-7). The device still must not use the
 * buffer before DRIVER_OK (QEMU 7.2's block, SCSI, balloon, serial, input
 * and GPU models do: a robustness finding, since the spec verdict,
 * pci.status.no-use-before-driver-ok, never rings early). */
static void doorbell_before_driver_ok(struct vc_ctx *c)
{
	struct session s;
	uint16_t id;
	uint8_t isr = 0;
	int rc;

	if (!session_ready(c, &s, SESSION_INTX, false, &id))
		return;
	if ((rc = vc_vq_kick(&s.drv, &s.vq))) {
		vc_error(c, "doorbell write failed: %s", strerror(-rc));
		return;
	}
	rc = session_wait_irq(c, &s.drv, -1, vc_quiet_ms(&s.drv, PROBE_SETTLE_MS), &isr);
	if (rc && rc != -ETIMEDOUT)
		return;
	if (!session_untouched(&s, rc == 0, isr, "minor: after a doorbell before DRIVER_OK,") && c->r->status == VC_FAIL)
		vc_severity(c, "minor");
}

#define RING PROBE_RING
#define PROBE_REQ PROBE_ROW
#define PROBE(id, since, needs, breaks, summary, fn) PROBE_ROW(id, since, needs, breaks, summary, fn, 0, 1)

static const struct vc_clause clauses[] = {
	PROBE("probe.split.desc-loop", "1.0", RING, "SPLIT-DESC-DRV-1",
	      "A descriptor whose next names itself: the device stays sane (no hang, no stray write, works after a reset).",
	      desc_loop),
	PROBE("probe.split.chain-longer-than-queue", "1.0", RING, "SPLIT-INDIR-DRV-3 SPLIT-DESC-DRV-1",
	      "A chain through every descriptor and round again: the device stays sane.", split_chain_longer),
	PROBE_REQ("probe.packed.chain-longer-than-queue", "1.1", RING, "PACKED-SG-DRV-2",
		  "A packed chain with NEXT on every descriptor of the ring: the device stays sane (no livelock).",
		  packed_chain_longer, VC_REQ(VIRTIO_F_RING_PACKED), 1),
	PROBE("probe.split.head-out-of-range", "1.0", RING, "SPLIT-DESC-DRV-1",
	      "An available ring entry naming a descriptor past the table: the device stays sane.", head_out_of_range),
	PROBE("probe.split.next-out-of-range", "1.0", RING, "SPLIT-DESC-DRV-1",
	      "A descriptor whose next is past the table: the device stays sane.", next_out_of_range),
	PROBE("probe.split.zero-length-buffer", "1.0", RING, "",
	      "Zero-length device-writable buffers (" PROBE_ALLOWED "): the device writes nothing outside them and stays "
	      "sane.", zero_length),
	PROBE("probe.split.overlapping-buffers", "1.0", RING, "",
	      "Two device-writable buffers that overlap (" PROBE_ALLOWED "): the device writes only inside them and "
	      "stays sane.", overlapping),
	PROBE("probe.split.avail-idx-jump", "1.0", RING, "SPLIT-AVAIL-DRV-1",
	      "avail idx moved more than a queue size ahead: the device stays sane.", avail_idx_jump),
	PROBE("probe.split.used-idx-scribbled", "1.0", RING, "",
	      "The driver overwrites the device-owned used idx (" PROBE_ALLOWED "): the device writes no used element "
	      "outside its ring.",
	      used_idx_scribbled),
	PROBE("probe.notify.unknown-queue", "1.0", RING, "PCI-AVAILNOTIF-DRV-3",
	      "Doorbells naming queues the device does not have: the device stays sane.", unknown_queue),
	PROBE_REQ("probe.notify.disabled-queue", "1.0", RING, "INIT-DRV-7 PCI-AVAILNOTIF-DRV-3",
		  "A doorbell for a queue never set up: the device stays sane.", disabled_queue, 0, 2),
	PROBE_REQ("probe.notify.value-names-other-queue", "1.0", RING, "PCI-AVAILNOTIF-DRV-3",
		  "A doorbell at one queue's address naming another: the notified queue still serves its requests "
		  "(or the device sets DEVICE_NEEDS_RESET).", value_names_other_queue, 0, 2),
	PROBE("probe.common.read-only-fields", "1.0", RING, "PCI-COMMON-DRV-1",
	      "Writes to num_queues, device_feature, config_generation, queue_notify_off: ignored, device sane.",
	      read_only_fields),
	PROBE("probe.queue.size-not-power-of-2", "1.0", RING, "PCI-COMMON-DRV-3",
	      "A split queue whose size is not a power of 2: the device stays sane.", size_not_power_of_2),
	PROBE("probe.queue.enable-before-address", "1.0", RING, "PCI-COMMON-DRV-4",
	      "queue_enable written before the queue addresses: the device stays sane.", enable_before_address),
	PROBE("probe.reset.in-flight", "1.0", RING, "CLEANUP-DRV-2",
	      "A reset with a request in flight completes, and the device no longer writes the request's buffers.",
	      reset_in_flight),
	PROBE_REQ("probe.status.doorbell-before-driver-ok", "1.0", RING | NEED_IRQ, "INIT-DRV-7",
		  "A buffer made available and notified before DRIVER_OK: the device still uses nothing before "
		  "DRIVER_OK.", doorbell_before_driver_ok, 0, 1),
	PROBE("probe.pcicfg.window-outside", "1.0", RING | NEED_CFG_WRITE | NEED_BAR_SIZES, "PCI-CFGACC-DRV-3",
	      "PCI cfg access windows at BAR 6 and 255, past the BAR, 3 bytes long: the device stays sane.",
	      pci_cfg_outside),
};
VC_SUITE(suite_probes, clauses);
