/* Virtqueue reset (VIRTIO_F_RING_RESET) through queue_reset: what the
 * register reads, and what a reset queue does and becomes. */
#include <errno.h>
#include <string.h>
#include "labels.h"
#include "session.h"

/* RING_RESET offered and queue_reset in reach, or false after a SKIP. */
static bool ring_reset_usable(struct vc_ctx *c)
{
	if (!vc_offers(c->probe, VIRTIO_F_RING_RESET)) {
		vc_skip(c, "VIRTIO_F_RING_RESET is not offered");
		return false;
	}
	if (c->probe->common->length < COMMON_queue_reset + 2) {
		vc_skip(c, "the common configuration has no room for queue_reset (pci.common.length-for-features "
			   "reports it)");
		return false;
	}
	return true;
}

/* VERSION_1 and RING_RESET into want, or NULL after a SKIP. */
static const uint32_t *ring_reset_features(struct vc_ctx *c, uint32_t want[VC_FEATURE_WORDS])
{
	if (!ring_reset_usable(c))
		return NULL;
	memset(want, 0, VC_FEATURE_WORDS * sizeof(want[0]));
	vc_features_set(want, VIRTIO_F_VERSION_1);
	vc_features_set(want, VIRTIO_F_RING_RESET);
	return want;
}

/* Reset, negotiate RING_RESET, queue 0 set up and enabled. */
static bool queue_0_enabled(struct vc_ctx *c, struct vc_driver *drv)
{
	uint32_t want[VC_FEATURE_WORDS];
	struct vc_vq vq;
	int rc;

	if (!ring_reset_features(c, want) || !vc_ctx_start(c, drv, want))
		return false;
	if ((rc = vc_vq_setup(drv, 0, 0, &vq)) || (rc = vc_vq_enable(drv, &vq)))
		vc_error(c, "could not set up queue 0: %s", strerror(-rc));
	return rc == 0;
}

/* Write 1 to queue_reset of queue q and poll until it reads 0; while the
 * reset is in progress it reads 1. 0; -ETIMEDOUT; -EPROTO with *stray the
 * other value read; -EIO after an ERROR verdict. */
static int queue_reset(struct vc_ctx *c, uint16_t q, uint64_t *stray)
{
	uint64_t deadline = vc_now_ms() + c->dev->timeout_ms, v;

	if (!vc_ctx_common_write(c, COMMON_queue_select, 2, q) || !vc_ctx_common_write(c, COMMON_queue_reset, 2, 1))
		return -EIO;
	for (unsigned i = 0;; i++) {
		if (!vc_ctx_common_read(c, COMMON_queue_reset, 2, &v))
			return -EIO;
		if (v == 0)
			return 0;
		if (v != 1) {
			*stray = v;
			return -EPROTO;
		}
		if (vc_now_ms() > deadline)
			return -ETIMEDOUT;
		vc_poll_pause(i);
	}
}

/* For the clauses about a queue after its reset: one that does not
 * complete is pci.common.queue-reset-completes's verdict. */
static bool queue_reset_done(struct vc_ctx *c, uint16_t q)
{
	uint64_t stray;
	int rc = queue_reset(c, q, &stray);

	if (rc && rc != -EIO)
		vc_skip(c, "the reset of queue %u did not complete (pci.common.queue-reset-completes reports it)", q);
	return rc == 0;
}

/* A request used before the queue reset: without it there is nothing to
 * compare the reset queue with. */
static bool used_before_reset(struct vc_ctx *c, struct session *r)
{
	int rc = session_request(r);

	if (rc == -ETIMEDOUT)
		vc_skip(c, "the %s on queue %u was never used even before a queue reset (the virtqueue suites "
			   "report it)", r->req.what, r->vq.index);
	return rc == 0;
}

static void zero_on_reset(struct vc_ctx *c)
{
	uint32_t want[VC_FEATURE_WORDS];
	struct vc_driver drv;
	unsigned bad = 0;
	uint64_t v;

	if (!ring_reset_features(c, want) || !vc_ctx_start(c, &drv, want))
		return;
	for (uint16_t q = 0; q < c->probe->num_queues; q++) {
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, q) || !vc_ctx_common_read(c, COMMON_queue_reset, 2, &v))
			return;
		if (v != 0 && bad++ == 0) {
			vc_fail(c, "queue_reset is not 0 after a device reset (first: queue %u)", q);
			vc_observed(c, "queue_reset %llu", (unsigned long long)v);
			vc_expected(c, "0");
		}
	}
	if (bad > 1)
		vc_note(c, "%u of %u queues", bad, c->probe->num_queues);
}

static void zero_after_enable(struct vc_ctx *c)
{
	struct vc_driver drv;
	uint64_t v;

	if (!queue_0_enabled(c, &drv) || !vc_ctx_common_read(c, COMMON_queue_reset, 2, &v))
		return;
	if (v != 0) {
		vc_fail(c, "queue 0: queue_reset is not 0 after the queue was enabled");
		vc_observed(c, "queue_reset %llu", (unsigned long long)v);
		vc_expected(c, "0");
	}
}

/* queue_reset reads 1 until the reset is done, then 0 with queue_enable 0. */
static void completes(struct vc_ctx *c)
{
	struct vc_driver drv;
	uint64_t stray = 0, reset, enable;
	int rc;

	if (!queue_0_enabled(c, &drv))
		return;
	rc = queue_reset(c, 0, &stray);
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "queue 0: queue_reset still reads 1 %u ms after the driver wrote 1", c->dev->timeout_ms);
		vc_observed(c, "queue_reset 1");
		vc_expected(c, "0 once the reset completes");
	} else if (rc == -EPROTO) {
		vc_fail(c, "queue 0: queue_reset read neither 1 (in progress) nor 0 (done)");
		vc_observed(c, "queue_reset 0x%llx", (unsigned long long)stray);
		vc_expected(c, "1, then 0");
	}
	if (rc || !vc_ctx_common_read(c, COMMON_queue_reset, 2, &reset) ||
	    !vc_ctx_common_read(c, COMMON_queue_enable, 2, &enable))
		return;
	if (reset != 0 || enable != 0) {
		vc_fail(c, "queue 0: after the queue reset completed, queue_reset and queue_enable are not both 0");
		vc_observed(c, "queue_reset %llu, queue_enable %llu", (unsigned long long)reset,
			    (unsigned long long)enable);
		vc_expected(c, "0 and 0");
	}
}

/* A reset queue is dead until re-enabled: a buffer put in its old rings
 * after the reset, and a doorbell, get neither a used element nor an
 * interrupt (INTx, so no vector mapping hides one). The buffer goes in only
 * once the reset is done: one made available before it may rightly be used
 * before it. The request used before the reset has its interrupt awaited
 * first, so a late one is not taken for the reset queue's. */
static void stops_queue(struct vc_ctx *c)
{
	struct session r;
	uint16_t id;
	uint32_t len;
	int rc, vector;

	if (!ring_reset_usable(c) || !session_open(c, &r, SESSION_F(VIRTIO_F_RING_RESET), 0))
		return;
	if (!session_route_irq(&r, SESSION_INTX) || !session_enable(&r) || !used_before_reset(c, &r))
		return;
	rc = session_wait_irq(c, &r.drv, -1, c->dev->timeout_ms, NULL);
	if (rc && rc != -ETIMEDOUT)
		return;
	if ((rc = vc_irq_drain(&r.drv))) {
		vc_error(c, "interrupt drain failed: %s", strerror(-rc));
		return;
	}
	if (!queue_reset_done(c, r.vq.index))
		return;
	if ((rc = vc_vq_add(&r.drv, &r.vq, r.req.bufs, r.req.n, &id))) {
		vc_error(c, "could not make a buffer available: %s", strerror(-rc));
		return;
	}
	if ((rc = vc_vq_kick(&r.drv, &r.vq))) {
		vc_error(c, "doorbell failed: %s", strerror(-rc));
		return;
	}
	unsigned quiet = vc_quiet_ms(&r.drv, SESSION_QUIET_MS);
	rc = vc_vq_wait_used(&r.drv, &r.vq, quiet, &id, &len);
	if (rc == 0) {
		vc_fail(c, "queue %u: the device used a buffer from the queue's old rings after the queue was reset",
			r.vq.index);
		vc_observed(c, "used element for buffer %u, len %u", id, len);
		vc_expected(c, "nothing used once the device settled, nor %u ms after", quiet);
	} else if (rc != -ETIMEDOUT) {
		vc_error(c, "reading the used ring failed: %s", strerror(-rc));
		return;
	}
	if (vc_irq_wait(&r.drv, 0, &vector) == 0) {
		vc_fail(c, "queue %u: an interrupt came after the queue was reset and notified", r.vq.index);
		vc_observed(c, "INTx");
		vc_expected(c, "no interrupt once the device settled, nor %u ms after", quiet);
	}
}

/* A queue's registers, as queue_select shows them. */
struct queue_regs {
	uint64_t v[9];
};
static const struct { unsigned field, width; const char *name; } queue_fields[] = {
	{ COMMON_queue_size, 2, "queue_size" }, { COMMON_queue_msix_vector, 2, "queue_msix_vector" },
	{ COMMON_queue_enable, 2, "queue_enable" }, { COMMON_queue_desc, 4, "queue_desc (low)" },
	{ COMMON_queue_desc + 4, 4, "queue_desc (high)" }, { COMMON_queue_driver, 4, "queue_driver (low)" },
	{ COMMON_queue_driver + 4, 4, "queue_driver (high)" }, { COMMON_queue_device, 4, "queue_device (low)" },
	{ COMMON_queue_device + 4, 4, "queue_device (high)" },
};

static bool read_regs(struct vc_ctx *c, uint16_t q, struct queue_regs *r)
{
	if (!vc_ctx_common_write(c, COMMON_queue_select, 2, q))
		return false;
	for (unsigned i = 0; i < sizeof(queue_fields) / sizeof(queue_fields[0]); i++)
		if (!vc_ctx_common_read(c, queue_fields[i].field, queue_fields[i].width, &r->v[i]))
			return false;
	return true;
}

/* A queue set up smaller than its maximum, with an MSI-X vector where the
 * device has MSI-X, used and reset: its registers then read what a device
 * reset leaves (queue_size the maximum, NO_VECTOR, not enabled, the
 * addresses of a fresh device), the default state. */
static void registers_default(struct vc_ctx *c)
{
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	struct session r;
	struct queue_regs after, def;
	char seen[160] = "", dflt[160] = "";
	size_t n = 0, m = 0;

	if (!ring_reset_usable(c) || !session_open(c, &r, SESSION_F(VIRTIO_F_RING_RESET), 0))
		return;
	if (r.vq.size > SESSION_SMALL_SIZE && r.req.n <= SESSION_SMALL_SIZE && !session_rings(&r, SESSION_SMALL_SIZE))
		return;
	if (c->probe->msix_pos && vc_irq_msix(&r.drv, 2) == 0 &&
	    !vc_ctx_common_write(c, COMMON_queue_msix_vector, 2, SESSION_QUEUE_VECTOR))
		return;
	if (!session_enable(&r) || !used_before_reset(c, &r) || !queue_reset_done(c, r.vq.index) ||
	    !read_regs(c, r.vq.index, &after))
		return;
	vc_features_set(want, VIRTIO_F_VERSION_1);
	vc_features_set(want, VIRTIO_F_RING_RESET);
	if (!vc_ctx_start(c, &r.drv, want) || !read_regs(c, r.vq.index, &def))
		return;
	for (unsigned i = 0; i < sizeof(queue_fields) / sizeof(queue_fields[0]); i++) {
		if (after.v[i] == def.v[i])
			continue;
		if (n < sizeof(seen))
			n += (size_t)snprintf(seen + n, sizeof(seen) - n, "%s%s 0x%llx", n ? ", " : "", queue_fields[i].name,
					      (unsigned long long)after.v[i]);
		if (m < sizeof(dflt))
			m += (size_t)snprintf(dflt + m, sizeof(dflt) - m, "%s%s 0x%llx", m ? ", " : "", queue_fields[i].name,
					      (unsigned long long)def.v[i]);
	}
	if (n) {
		vc_fail(c, "queue %u: after its reset the queue's registers are not back at their default state (what a "
			   "device reset shows)", r.vq.index);
		vc_observed(c, "%s", seen);
		vc_expected(c, "%s", dflt);
	}
}

/* After a reset the queue starts over: fresh rings, one request, and the
 * used index reads 1 (the device's available and used state is back at 0). */
static void state_default(struct vc_ctx *c)
{
	struct session r;
	uint8_t idx[2];
	int rc;

	if (!ring_reset_usable(c) || !session_open(c, &r, SESSION_F(VIRTIO_F_RING_RESET), 0) || !session_enable(&r) ||
	    !used_before_reset(c, &r) || !used_before_reset(c, &r) || !queue_reset_done(c, r.vq.index) ||
	    !session_rings(&r, 0) || !session_enable(&r))
		return;
	rc = session_request(&r);
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "queue %u: after the queue reset, the %s on fresh rings was never used", r.vq.index,
			r.req.what);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "the device starting over at available index 0");
	}
	if (rc)
		return;
	if ((rc = vc_dma_read(c->dev, r.vq.device + 2, idx, 2))) {
		vc_error(c, "DMA read failed: %s", strerror(-rc));
		return;
	}
	if ((idx[0] | idx[1] << 8) != 1) {
		vc_fail(c, "queue %u: after the queue reset and one request on fresh rings, the used index is not 1",
			r.vq.index);
		vc_observed(c, "used idx %u (two requests were used before the reset)", idx[0] | idx[1] << 8);
		vc_expected(c, "used idx 1");
	}
}

/* Another queue that carries the type's request, set up and enabled next
 * to the session's: false after a verdict (SKIP when there is none). */
static bool second_queue(struct vc_ctx *c, struct session *r, struct vc_request *req, struct vc_vq *vq)
{
	int rc = -ENOTSUP;

	for (uint16_t q = 0; vc_request_queue_bits(c->probe) && q < c->probe->num_queues && rc == -ENOTSUP; q++)
		if (q != r->vq.index)
			rc = vc_request_make_on(&r->drv, q, req);
	if (rc == -ENOTSUP) {
		vc_skip(c, "the harness knows requests for one queue of %s devices only", r->req.what);
		return false;
	}
	if (rc || (rc = vc_vq_setup(&r->drv, req->queue, 0, vq)) || (rc = vc_vq_enable(&r->drv, vq)))
		vc_error(c, "could not set up queue %u: %s", req->queue, strerror(-rc));
	return rc == 0;
}

/* One request on the second queue, used with its id; false after a verdict. */
static bool second_used(struct vc_ctx *c, struct session *r, const struct vc_request *req, struct vc_vq *vq,
			const char *when)
{
	uint16_t id, used;
	uint32_t len;
	int rc;

	if ((rc = vc_vq_add(&r->drv, vq, req->bufs, req->n, &id)) || (rc = vc_vq_kick(&r->drv, vq))) {
		vc_error(c, "could not send the %s on queue %u: %s", req->what, vq->index, strerror(-rc));
		return false;
	}
	rc = vc_vq_wait_used(&r->drv, vq, vc_done_ms(&r->drv, c->dev->timeout_ms), &used, &len);
	if (rc == -ETIMEDOUT || (!rc && used != id)) {
		vc_fail(c, "queue %u: %s, the %s on it was %s", vq->index, when, req->what,
			rc ? "never used" : "not the buffer returned");
		vc_observed(c, rc ? "no used element within %u ms" : "used id %u", rc ? c->dev->timeout_ms : used);
		vc_expected(c, "the %s used (id %u)", req->what, id);
		return false;
	}
	if (rc)
		vc_error(c, "reading the used ring failed: %s", strerror(-rc));
	return rc == 0;
}

/* A queue reset is the reset queue's alone: a second queue that carries
 * requests (a block device's, with VIRTIO_BLK_F_MQ) is used once, the
 * session's queue is reset, and the second goes on where it was: its next
 * request is used, and the first one's writable buffers, poisoned once it
 * was used, are not written again (as they are by a device that started
 * that queue over too). */
static void other_queues_kept(struct vc_ctx *c)
{
	struct session r;
	struct vc_request req, again;
	struct vc_vq vq;
	int rc;

	if (!ring_reset_usable(c) ||
	    !session_open(c, &r, SESSION_F(VIRTIO_F_RING_RESET) | vc_request_queue_bits(c->probe), 0) ||
	    !second_queue(c, &r, &req, &vq) || !session_enable(&r) || !used_before_reset(c, &r) ||
	    !second_used(c, &r, &req, &vq, "before another queue's reset") || session_poison(c, &req, false) ||
	    !queue_reset_done(c, r.vq.index) || !session_another(&r, &again))
		return;
	again.queue = req.queue;
	if (!second_used(c, &r, &again, &vq, "after another queue was reset") || (rc = session_poison(c, &req, true)) < 0)
		return;
	if (rc) {
		vc_fail(c, "queue %u: after queue %u was reset, the device used again the %s it had returned on queue %u: "
			   "it started that queue over too", vq.index, r.vq.index, req.what, vq.index);
		vc_observed(c, "the first request's writable buffers written again");
		vc_expected(c, "queue %u going on where it was", vq.index);
	}
}

/* A smaller queue_size written before re-enabling a reset queue is the
 * size the device then uses. */
static void reenable_honours_size(struct vc_ctx *c)
{
	struct session r;
	uint16_t small;

	if (!ring_reset_usable(c) || !session_open(c, &r, SESSION_F(VIRTIO_F_RING_RESET), 0) || !(small = session_small_size(&r)) ||
	    !session_enable(&r) || !used_before_reset(c, &r) || !queue_reset_done(c, r.vq.index) ||
	    !session_rings(&r, small) || !session_enable(&r))
		return;
	session_wrap(&r, "queue_size set smaller before re-enabling the reset queue");
}

#define DRIVES (NEED_BAR_WRITE | NEED_COMMON)
/* Every rule here is about VIRTIO_F_RING_RESET negotiated. */
#define RING_RESET VC_REQ(VIRTIO_F_RING_RESET)

static const struct vc_clause clauses[] = {
	{ "pci.common.queue-reset-zero-on-reset", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.2", DRIVES,
	  "PCI-COMMON-DEV-9", "With VIRTIO_F_RING_RESET negotiated, every queue's queue_reset reads 0 after a "
	  "device reset.", NULL, zero_on_reset, RING_RESET },
	{ "pci.common.queue-reset-zero-after-enable", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.2", DRIVES | NEED_DMA,
	  "PCI-COMMON-DEV-10", "queue_reset reads 0 once the queue is enabled.", NULL, zero_after_enable, RING_RESET },
	{ "pci.common.queue-reset-completes", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.2", DRIVES | NEED_DMA,
	  "PCI-COMMON-DEV-12 PCI-COMMON-DEV-13", "After 1 is written to queue_reset it reads 1 while the reset is "
	  "in progress, then 0, and queue_enable reads 0.", NULL, completes, RING_RESET },
	{ "virtqueue.reset.stops-queue", L_VQRESET, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", DRIVES | NEED_DMA | NEED_IRQ,
	  "VQRESET-DEV-1", "A reset queue neither uses the buffers in its old rings nor interrupts for them when "
	  "notified.", NULL, stops_queue, RING_RESET },
	{ "virtqueue.reset.state-default", L_VQRESET, VC_MUST, VC_DEVICE_RULE, "1.2", DRIVES | NEED_DMA,
	  "VQRESET-DEV-2 PCI-COMMON-DEV-11", "Writing 1 to queue_reset returns the queue to its default state: "
	  "re-enabled on fresh rings it starts over at index 0.", NULL, state_default, RING_RESET },
	{ "virtqueue.reset.registers-default", L_VQRESET, VC_MUST, VC_DEVICE_RULE, "1.2", DRIVES | NEED_DMA,
	  "VQRESET-DEV-2", "After a queue reset the queue's registers read what a device reset leaves: queue_size "
	  "the maximum (it was set smaller), queue_msix_vector NO_VECTOR (it was mapped), queue_enable 0, and the "
	  "ring addresses.", NULL, registers_default, RING_RESET },
	{ "virtqueue.reset.other-queues-kept", L_VQRESET, VC_MUST, VC_DEVICE_RULE, "1.2", DRIVES | NEED_DMA,
	  "", "A queue reset resets that queue alone (VIRTIO_F_RING_RESET resets a virtqueue individually; no catalog "
	  "row): another queue in use goes on where it was (its next request used, the one before not used again).",
	  NULL, other_queues_kept, RING_RESET },
	{ "virtqueue.reenable.honours-size", L_VQREEN, VC_MUST, VC_DEVICE_RULE, "1.2", DRIVES | NEED_DMA,
	  "VQREEN-DEV-1", "A smaller queue_size written before re-enabling a reset queue is the ring size the device "
	  "uses.", NULL, reenable_honours_size, RING_RESET },
};
VC_SUITE(suite_queue_reset, clauses);
