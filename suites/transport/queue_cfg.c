/* Per-queue common configuration registers, driven: the 64-bit ring
 * addresses written a half at a time, queue_enable, and a smaller
 * queue_size the device must then use. */
#include <errno.h>
#include <string.h>
#include "labels.h"
#include "session.h"

static const struct { unsigned field; const char *name; } ring_fields[] = {
	{ COMMON_queue_desc, "queue_desc" },
	{ COMMON_queue_driver, "queue_driver" },
	{ COMMON_queue_device, "queue_device" },
};
#define NRING_FIELDS (sizeof(ring_fields) / sizeof(ring_fields[0]))

static bool write_halves(struct vc_ctx *c, unsigned field, uint64_t v, bool high_first)
{
	unsigned first = high_first ? 4 : 0;

	return vc_ctx_common_write(c, field + first, 4, (uint32_t)(v >> 8 * first)) &&
	       vc_ctx_common_write(c, field + (4 - first), 4, (uint32_t)(v >> 8 * (4 - first)));
}

/* Distinct 16-byte-aligned values in each half, each field and each round,
 * so a lost, swapped or aliased half shows. */
static uint64_t pattern(unsigned round, unsigned i)
{
	return (0x13579bd0ull + 0x11111110ull * (2 * i + round)) << 32 | (0x2468ace0u + 0x01010100u * (2 * i + round));
}

/* Every field written a half at a time in one order, then read back a half
 * at a time. */
static bool halves_round(struct vc_ctx *c, unsigned round, bool high_first)
{
	uint64_t lo, hi;

	for (unsigned i = 0; i < NRING_FIELDS; i++)
		if (!write_halves(c, ring_fields[i].field, pattern(round, i), high_first))
			return false;
	for (unsigned i = 0; i < NRING_FIELDS; i++) {
		uint64_t want = pattern(round, i);
		if (!vc_ctx_common_read(c, ring_fields[i].field, 4, &lo) ||
		    !vc_ctx_common_read(c, ring_fields[i].field + 4, 4, &hi))
			return false;
		if ((hi << 32 | lo) != want) {
			vc_fail(c, "%s does not read back what its 32-bit halves were written (%s half first)",
				ring_fields[i].name, high_first ? "high" : "low");
			vc_observed(c, "%s 0x%08llx_%08llx", ring_fields[i].name, (unsigned long long)hi,
				    (unsigned long long)lo);
			vc_expected(c, "0x%08llx_%08llx", (unsigned long long)(want >> 32),
				    (unsigned long long)(want & 0xffffffffu));
		}
	}
	return true;
}

/* The halves read back in both orders; then the real ring addresses,
 * written high half first over the patterns, must be what the device uses. */
static void halves_64bit(struct vc_ctx *c)
{
	const uint64_t *ring[NRING_FIELDS];
	struct session r;

	if (!session_open(c, &r, 0, 0) || !halves_round(c, 0, false) || !halves_round(c, 1, true))
		return;
	ring[0] = &r.vq.desc, ring[1] = &r.vq.driver, ring[2] = &r.vq.device;
	for (unsigned i = 0; i < NRING_FIELDS; i++)
		if (!write_halves(c, ring_fields[i].field, *ring[i], true))
			return;
	if (!session_enable(&r))
		return;
	if (session_request(&r) == -ETIMEDOUT) {
		vc_fail(c, "the %s on queue %u was never used after its ring addresses were written a half at a "
			   "time, high half first", r.req.what, r.vq.index);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "the request used through queue_desc 0x%llx", (unsigned long long)r.vq.desc);
	}
}

/* queue_enable reads 0 until the driver enables the queue, then 1; and a
 * queue that reads enabled works: its request is used once DRIVER_OK is set. */
static void queue_enable_reads_back(struct vc_ctx *c)
{
	struct session r;
	uint64_t before, after;
	int rc;

	if (!session_open(c, &r, 0, 0))
		return;
	if (!vc_ctx_common_read(c, COMMON_queue_enable, 2, &before) || !vc_ctx_common_write(c, COMMON_queue_enable, 2, 1) ||
	    !vc_ctx_common_read(c, COMMON_queue_enable, 2, &after))
		return;
	if (before != 0 || after != 1) {
		vc_fail(c, "queue %u: queue_enable does not show whether the driver enabled the queue", r.vq.index);
		vc_observed(c, "%llu before the driver wrote 1, %llu after", (unsigned long long)before,
			    (unsigned long long)after);
		vc_expected(c, "0 before, 1 after");
		return;
	}
	if (!session_enable(&r))
		return;
	if ((rc = session_request(&r)) == -ETIMEDOUT) {
		vc_fail(c, "queue %u reads queue_enable 1, yet the %s on it was not used once DRIVER_OK was set",
			r.vq.index, r.req.what);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "the %s used: an enabled queue works", r.req.what);
	}
}

/* A smaller queue_size written before queue_enable is the size the device
 * uses: the rings wrap at it. */
static void queue_size_honoured(struct vc_ctx *c)
{
	struct session r;
	uint16_t small;

	if (!session_open(c, &r, 0, 0) || !(small = session_small_size(&r)) || !session_rings(&r, small) ||
	    !session_enable(&r))
		return;
	session_wrap(&r, "queue_size set to a smaller value before queue_enable");
}

static const struct vc_clause clauses[] = {
	{ "pci.layout.64-bit-halves", L_LAYOUT, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "PCI-LAYOUT-DEV-1",
	  "queue_desc, queue_driver and queue_device take their 32-bit halves independently, in either order, "
	  "and the device uses the address both halves make.", NULL, halves_64bit },
	{ "pci.common.queue-enable-reads-back", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA,
	  "", "queue_enable reads 0 before the driver enables the queue and 1 after (the field's description; "
	  "the driver needs it to tell enabled queues), and the queue then works: its request is used.", NULL,
	  queue_enable_reads_back },
	{ "pci.common.queue-size-honoured", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON | NEED_DMA, "",
	  "A smaller queue_size the driver writes before enabling the queue is the ring size the device uses "
	  "(the field's description: the driver may reduce it).", NULL, queue_size_honoured },
};
VC_SUITE(suite_queue_cfg, clauses);
