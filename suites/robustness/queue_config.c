/* Hostile queue configuration (probe.queue.*): queue_size 0 (split and
 * packed) or past the maximum, a queue past num_queues or at select 0xffff
 * enabled, addresses or size changed while the queue runs, queue_enable
 * written twice, with 0 or with 0xffff, queue_reset without the feature or
 * left before it completes, a queue set up after DRIVER_OK, and two queues
 * on one ring. probes.c has the size that is not a power of 2 and
 * queue_enable before the addresses. Engine: probe.h. */
#include <string.h>
#include "probe.h"

static bool queue_write(struct probe *p, uint16_t index, unsigned field, unsigned width, uint64_t v, const char *what)
{
	return probe_common_write(p, COMMON_queue_select, 2, index, what) && probe_common_write(p, field, width, v, what);
}

/* The request queue set up by hand with `size`, enabled, DRIVER_OK, the
 * request made available (as far as the queue holds it) and notified. */
static void sized(struct vc_ctx *c, unsigned flags, uint16_t size, const char *what)
{
	struct probe p;
	uint16_t id;

	if (!probe_start(c, &p, flags | PROBE_NO_ENABLE, 0) ||
	    !queue_write(&p, p.vq.index, COMMON_queue_size, 2, size, what) ||
	    !probe_common_write(&p, COMMON_queue_enable, 2, 1, what) ||
	    !probe_ok(c, vc_status_add(&p.drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK"))
		return;
	if (size && p.req.n <= size && !probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		return;
	probe_kick(&p, what);
}

static void size_zero(struct vc_ctx *c)
{
	bool packed = strstr(c->r->clause->id, ".packed") != NULL;
	sized(c, packed ? PROBE_PACKED : 0, 0, "queue_size 0 written, and the queue enabled");
}

static void size_too_big(struct vc_ctx *c)
{
	struct probe p = { .c = c };
	struct vc_driver drv;
	struct vc_request req;

	if (!vc_ctx_start(c, &drv, NULL) || !probe_ok(c, vc_request_make(&drv, &req), "request set-up"))
		return;
	uint16_t max = probe_queue_max(&p, req.queue);
	if (max == 0 || max >= 0x8000) {
		vc_skip(c, "queue %u's maximum size is %u: none twice as large to write", req.queue, max);
		return;
	}
	sized(c, 0, (uint16_t)(2 * max), "queue_size twice the device's maximum");
}

/* A queue the device does not have, set up and enabled. */
static void enable_missing(struct vc_ctx *c, uint16_t index, const char *what)
{
	struct probe p;

	if (!probe_start(c, &p, PROBE_NO_ENABLE, 0))
		return;
	static const unsigned fields[] = { COMMON_queue_desc, COMMON_queue_driver, COMMON_queue_device };
	const uint64_t addr[] = { p.scratch, p.scratch + 2048, p.scratch + 3072 };
	if (!queue_write(&p, index, COMMON_queue_size, 2, 16, what))
		return;
	for (unsigned i = 0; i < 3; i++)
		if (!probe_common_write(&p, fields[i], 4, (uint32_t)addr[i], what) ||
		    !probe_common_write(&p, fields[i] + 4, 4, addr[i] >> 32, what))
			return;
	if (probe_common_write(&p, COMMON_queue_enable, 2, 1, what) &&
	    probe_ok(c, vc_vq_enable(&p.drv, &p.vq), "queue enable") &&
	    probe_ok(c, vc_status_add(&p.drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK") &&
	    probe_doorbell(&p, probe_notify_at(&p, p.vq.notify_off), 2, index, what))
		probe_after(&p, what);
}

static void enable_past_num_queues(struct vc_ctx *c)
{
	enable_missing(c, c->probe->num_queues, "a queue past num_queues set up and enabled");
}

static void enable_select_ffff(struct vc_ctx *c)
{
	enable_missing(c, 0xffff, "queue_select 0xffff set up and enabled");
}

/* The queue running (one request used), then a register of it written. */
static void while_running(struct vc_ctx *c, unsigned field, unsigned width, uint64_t v, const char *what)
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
	if (field == COMMON_queue_desc)
		v = p.scratch;            /* a zeroed table elsewhere */
	else if (field == COMMON_queue_size)
		v = p.vq.size / 2 ? p.vq.size / 2 : 1;
	if (queue_write(&p, p.vq.index, field, width, v, what) &&
	    (field != COMMON_queue_desc || probe_common_write(&p, field + 4, 4, p.scratch >> 32, what)) &&
	    probe_ok(c, vc_request_make(&p.drv, &next), "request set-up") &&
	    probe_ok(c, vc_vq_add(&p.drv, &p.vq, next.bufs, next.n, &id), "vq add"))
		probe_kick(&p, what);
}

static void address_while_enabled(struct vc_ctx *c)
{
	while_running(c, COMMON_queue_desc, 4, 0, "queue_desc moved while the queue runs");
}

static void size_while_enabled(struct vc_ctx *c)
{
	while_running(c, COMMON_queue_size, 2, 0, "queue_size halved while the queue runs");
}

static void enable_twice(struct vc_ctx *c)
{
	while_running(c, COMMON_queue_enable, 2, 1, "queue_enable written again while the queue runs");
}

static void enable_zero(struct vc_ctx *c)
{
	while_running(c, COMMON_queue_enable, 2, 0, "queue_enable 0 written while the queue runs");
}

/* queue_enable 0xffff on a queue set up but not yet enabled. */
static void enable_odd_value(struct vc_ctx *c)
{
	static const char what[] = "queue_enable 0xffff on a queue set up";
	struct probe p;
	uint16_t id;

	if (probe_start(c, &p, PROBE_NO_ENABLE, 0) && queue_write(&p, p.vq.index, COMMON_queue_enable, 2, 0xffff, what) &&
	    probe_ok(c, vc_status_add(&p.drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK") &&
	    probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		probe_kick(&p, what);
}

/* queue_reset written: without VIRTIO_F_RING_RESET negotiated, or with it
 * and then queue_enable at once, not waiting for queue_reset to read 0. */
static void queue_reset(struct vc_ctx *c, bool negotiated, const char *what)
{
	struct probe p;

	if (!probe_start(c, &p, negotiated ? PROBE_RING_RESET : 0, 0))
		return;
	if (queue_write(&p, p.vq.index, COMMON_queue_reset, 2, 1, what) &&
	    (!negotiated || probe_common_write(&p, COMMON_queue_enable, 2, 1, what)))
		probe_kick(&p, what);
}

static void reset_without_feature(struct vc_ctx *c)
{
	queue_reset(c, false, "queue_reset written with VIRTIO_F_RING_RESET not negotiated");
}

static void reset_enable_early(struct vc_ctx *c)
{
	queue_reset(c, true, "queue_enable right after queue_reset, before it read 0");
}

/* A second queue set up and enabled after DRIVER_OK, and rung. */
static void setup_after_driver_ok(struct vc_ctx *c)
{
	static const char what[] = "a queue set up and enabled after DRIVER_OK";
	struct probe p;
	struct vc_vq late;

	if (!probe_start(c, &p, PROBE_ALONE, 0))
		return;
	uint16_t o = probe_another_queue(&p);
	if (o == 0xffff) {
		vc_skip(c, "the device has one queue");
		return;
	}
	if (probe_ok(c, vc_vq_setup(&p.drv, o, 16, &late), "queue set-up") &&
	    probe_ok(c, vc_vq_enable(&p.drv, &late), "queue enable") &&
	    probe_doorbell(&p, probe_notify_at(&p, late.notify_off), 2, o, what))
		probe_kick(&p, what);
}

/* Another queue given the request queue's very rings. */
static void two_queues_one_ring(struct vc_ctx *c)
{
	static const char what[] = "two queues set up on one ring";
	static const unsigned fields[] = { COMMON_queue_desc, COMMON_queue_driver, COMMON_queue_device };
	struct probe p;
	uint16_t id;

	if (!probe_start(c, &p, PROBE_ALONE | PROBE_NO_ENABLE, 0))
		return;
	uint16_t o = probe_another_queue(&p);
	if (o == 0xffff || probe_queue_max(&p, o) < p.vq.size) {
		vc_skip(c, o == 0xffff ? "the device has one queue" : "the other queue is smaller than the request's");
		return;
	}
	const uint64_t addr[] = { p.vq.desc, p.vq.driver, p.vq.device };
	if (!queue_write(&p, o, COMMON_queue_size, 2, p.vq.size, what))
		return;
	for (unsigned i = 0; i < 3; i++)
		if (!probe_common_write(&p, fields[i], 4, (uint32_t)addr[i], what) ||
		    !probe_common_write(&p, fields[i] + 4, 4, addr[i] >> 32, what))
			return;
	if (probe_common_write(&p, COMMON_queue_enable, 2, 1, what) &&
	    probe_ok(c, vc_vq_enable(&p.drv, &p.vq), "queue enable") &&
	    probe_ok(c, vc_status_add(&p.drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK") &&
	    probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		probe_kick(&p, what);
}

#define ROW(id, since, breaks, summary, fn, features, queues) \
	PROBE_ROW(id, since, PROBE_RING, breaks, summary, fn, features, queues),
#define ALLOWED " (" PROBE_ALLOWED ")"

static const struct vc_clause clauses[] = {
	ROW("probe.queue.split.size-zero", "1.0", "PCI-COMMON-DRV-3",
	    "queue_size 0 written and the split queue enabled: the device stays sane.", size_zero, 0, 1)
	ROW("probe.queue.packed.size-zero", "1.1", "PCI-COMMON-DRV-2",
	    "queue_size 0 written and the packed queue enabled: the device stays sane.", size_zero,
	    VC_REQ(VIRTIO_F_RING_PACKED), 1)
	ROW("probe.queue.size-past-max", "1.0", "",
	    "queue_size twice the device's maximum" ALLOWED ": the device stays sane.", size_too_big, 0, 1)
	ROW("probe.queue.enable-past-num-queues", "1.0", "",
	    "A queue past num_queues set up, enabled and rung" ALLOWED ": the device stays sane.",
	    enable_past_num_queues, 0, 1)
	ROW("probe.queue.enable-select-ffff", "1.0", "",
	    "queue_select 0xffff set up and enabled" ALLOWED ": the device stays sane.", enable_select_ffff, 0, 1)
	ROW("probe.queue.address-while-enabled", "1.0", "PCI-COMMON-DRV-4",
	    "queue_desc moved while the queue runs: the device stays sane.", address_while_enabled, 0, 1)
	ROW("probe.queue.size-while-enabled", "1.0", "PCI-COMMON-DRV-4",
	    "queue_size halved while the queue runs: the device stays sane.", size_while_enabled, 0, 1)
	ROW("probe.queue.enable-twice", "1.0", "",
	    "queue_enable written again while the queue runs" ALLOWED ": the device stays sane.", enable_twice, 0, 1)
	ROW("probe.queue.enable-zero", "1.0", "PCI-COMMON-DRV-6",
	    "queue_enable 0 written while the queue runs: the device stays sane.", enable_zero, 0, 1)
	ROW("probe.queue.enable-ffff", "1.0", "",
	    "queue_enable 0xffff on a queue set up" ALLOWED ": the device stays sane.", enable_odd_value, 0, 1)
	ROW("probe.queue.reset-without-feature", "1.2", "",
	    "queue_reset written with VIRTIO_F_RING_RESET not negotiated" ALLOWED ": the device stays sane.",
	    reset_without_feature, 0, 1)
	ROW("probe.queue.reset-enable-early", "1.2", "PCI-COMMON-DRV-7",
	    "queue_enable right after queue_reset, before it read 0: the device stays sane.", reset_enable_early,
	    VC_REQ(VIRTIO_F_RING_RESET), 1)
	ROW("probe.queue.setup-after-driver-ok", "1.0", "INIT-DRV-1",
	    "A queue set up, enabled and rung after DRIVER_OK: the device stays sane.", setup_after_driver_ok, 0, 2)
	ROW("probe.queue.two-queues-one-ring", "1.0", "",
	    "Two queues set up on one ring" ALLOWED ", then a request: the device stays sane.", two_queues_one_ring,
	    0, 2)
};
VC_SUITE(suite_probe_queue_config, clauses);
