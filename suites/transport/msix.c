/* The MSI-X capability as virtio asks for it, and the vector mapping
 * through config_msix_vector and queue_msix_vector: what reads back, and
 * which interrupts a mapping lets through. */
#include <errno.h>
#include <string.h>
#include "labels.h"
#include "session.h"

#define NO_VECTOR 0xffff

static bool need_msix(struct vc_ctx *c)
{
	if (!c->probe->msix_pos)
		vc_skip(c, "no MSI-X capability");
	return c->probe->msix_pos != 0;
}

#define DRIVES (NEED_BAR_WRITE | NEED_COMMON | NEED_DMA)

static unsigned table_size(const struct vc_probe *p)
{
	return (vc_le16(p->cfg + p->msix_pos + 2) & 0x7ff) + 1u;
}

static void vector_count(struct vc_ctx *c)
{
	if (!need_msix(c))
		return;
	unsigned n = table_size(c->probe);
	if (n < 2) {
		vc_fail(c, "MSI-X with a single vector: configuration changes and queues cannot be told apart");
		vc_observed(c, "%u vector", n);
		vc_expected(c, "2..2048");
	}
}

/* Table (16 bytes a vector) and PBA (a bit a vector, in qwords) must fit
 * in the BARs their BIR fields name. */
static void table_in_bar(struct vc_ctx *c)
{
	if (!need_msix(c))
		return;
	const uint8_t *cap = c->probe->cfg + c->probe->msix_pos;
	unsigned n = table_size(c->probe);
	const struct { const char *what; uint32_t reg; uint64_t len; } parts[] = {
		{ "vector table", vc_le32(cap + 4), 16ull * n },
		{ "PBA", vc_le32(cap + 8), 8ull * ((n + 63) / 64) },
	};

	for (unsigned i = 0; i < 2; i++) {
		unsigned bir = parts[i].reg & 7;
		uint64_t off = parts[i].reg & ~7u;
		uint64_t size = bir < VC_NUM_BARS ? c->dev->bar[bir].size : 0;

		if (size == 0 || off > size || parts[i].len > size - off) {
			vc_fail(c, "MSI-X %s for %u vectors does not fit in BAR %u", parts[i].what, n, bir);
			vc_observed(c, "%s at 0x%llx, 0x%llx bytes", parts[i].what, (unsigned long long)off,
				    (unsigned long long)parts[i].len);
			vc_expected(c, "inside BAR %u of 0x%llx bytes", bir, (unsigned long long)size);
		}
	}
}

/* One vector field: config_msix_vector (queue < 0) or a queue's
 * queue_msix_vector. */
static unsigned vector_field(struct vc_ctx *c, int queue)
{
	if (queue >= 0 && !vc_ctx_common_write(c, COMMON_queue_select, 2, (uint16_t)queue))
		return 0;
	return queue < 0 ? COMMON_config_msix_vector : COMMON_queue_msix_vector;
}

/* Write v to the field and read it back into *got. */
static bool map(struct vc_ctx *c, int queue, uint16_t v, uint64_t *got)
{
	unsigned f = vector_field(c, queue);

	return f && vc_ctx_common_write(c, f, 2, v) && vc_ctx_common_read(c, f, 2, got);
}

static void field_name(int queue, char *buf, size_t len)
{
	if (queue < 0)
		snprintf(buf, len, "config_msix_vector");
	else
		snprintf(buf, len, "queue %d's queue_msix_vector", queue);
}

/* Every field (configuration, then each queue) written v and read back:
 * FAIL when it does not read `want`, counting the misses. False: stop. */
static bool map_all(struct vc_ctx *c, uint16_t v, uint16_t want, unsigned *bad)
{
	uint64_t got;
	char name[48];

	for (int q = -1; q < (int)c->probe->num_queues; q++) {
		if (!map(c, q, v, &got))
			return false;
		if (got == want || (*bad)++)
			continue;
		field_name(q, name, sizeof(name));
		vc_fail(c, "%s written 0x%04x reads back 0x%04llx (first of the misses)", name, v,
			(unsigned long long)got);
		vc_observed(c, "0x%04llx", (unsigned long long)got);
		vc_expected(c, "0x%04x", want);
	}
	return true;
}

/* Reset and negotiate, the request's queue set up (not enabled). */
static bool msix_start(struct vc_ctx *c, struct session *r)
{
	return need_msix(c) && session_open(c, r, 0, 0);
}

/* The request used, interrupts raised before it forgotten first. */
static bool request_used(struct vc_ctx *c, struct session *r)
{
	int rc;

	if (!session_enable(r))
		return false;
	vc_irq_drain(&r->drv);
	rc = session_request(r);
	if (rc == -ETIMEDOUT)
		vc_skip(c, "the %s on queue %u was never used (the virtqueue suites report it)", r->req.what,
			r->vq.index);
	return rc == 0;
}

/* The other queues that carry a request (a block device's, with
 * VIRTIO_BLK_F_MQ), set up and enabled, each mapped to a vector of its own
 * counted down from Table Size - 2 (vector 0 has the other events). */
#define MAX_OTHERS 8
struct other_queue {
	struct vc_request req;
	struct vc_vq vq;
	uint16_t vector;
};

static unsigned other_queues(struct vc_ctx *c, struct session *r, unsigned n, struct other_queue *o)
{
	unsigned k = 0;
	int rc;

	for (uint16_t q = 0; vc_request_queue_bits(c->probe) && q < c->probe->num_queues && k < MAX_OTHERS && n > 2 + k;
	     q++) {
		if (q == r->req.queue || vc_request_make_on(&r->drv, q, &o[k].req))
			continue;
		o[k].vector = (uint16_t)(n - 2 - k);
		if ((rc = vc_vq_setup(&r->drv, q, 0, &o[k].vq)) || (rc = vc_vq_enable(&r->drv, &o[k].vq))) {
			vc_error(c, "could not set up queue %u: %s", q, strerror(-rc));
			return 0;
		}
		if (!vc_ctx_common_write(c, COMMON_queue_msix_vector, 2, o[k].vector))
			return 0;
		k++;
	}
	return k;
}

/* A used buffer on each of them interrupts on its queue's vector. */
static void others_interrupt(struct vc_ctx *c, struct session *r, struct other_queue *o, unsigned k)
{
	uint16_t id, used;
	uint32_t len;
	int rc;

	for (unsigned i = 0; i < k && c->r->status == VC_PASS; i++) {
		vc_irq_drain(&r->drv);
		if ((rc = vc_vq_add(&r->drv, &o[i].vq, o[i].req.bufs, o[i].req.n, &id)) ||
		    (rc = vc_vq_kick(&r->drv, &o[i].vq))) {
			vc_error(c, "could not send the %s on queue %u: %s", o[i].req.what, o[i].vq.index, strerror(-rc));
			return;
		}
		if (vc_vq_wait_used(&r->drv, &o[i].vq, vc_done_ms(&r->drv, c->dev->timeout_ms), &used, &len)) {
			vc_note(c, "the %s on queue %u was not used (the virtqueue clauses report it)", o[i].req.what,
				o[i].vq.index);
			continue;
		}
		rc = session_wait_irq(c, &r->drv, o[i].vector, c->dev->timeout_ms, NULL);
		if (rc == -ETIMEDOUT) {
			vc_fail(c, "queue %u is mapped to vector %u, and a used buffer did not interrupt on it",
				o[i].vq.index, o[i].vector);
			vc_observed(c, "no interrupt on vector %u within %u ms", o[i].vector, c->dev->timeout_ms);
			vc_expected(c, "an interrupt on vector %u", o[i].vector);
		}
	}
}

/* Each field written its own vector first (configuration 0, queue q q + 1,
 * modulo the table), then every one read back: a field that shows another's
 * mapping is seen. False after an ERROR. */
static bool distinct_vectors(struct vc_ctx *c, unsigned n)
{
	uint64_t got;
	char name[48];

	for (int q = -1; q < (int)c->probe->num_queues; q++) {
		unsigned f = vector_field(c, q);
		if (!f || !vc_ctx_common_write(c, f, 2, (uint16_t)((q + 1) % n)))
			return false;
	}
	for (int q = -1; q < (int)c->probe->num_queues; q++) {
		unsigned f = vector_field(c, q);
		if (!f || !vc_ctx_common_read(c, f, 2, &got))
			return false;
		if (got != (uint64_t)((q + 1) % n)) {
			field_name(q, name, sizeof(name));
			vc_fail(c, "%s reads back 0x%04llx once every field was mapped to a vector of its own", name,
				(unsigned long long)got);
			vc_observed(c, "0x%04llx", (unsigned long long)got);
			vc_expected(c, "0x%04x, as written to it", (q + 1) % n);
			return true;
		}
	}
	return true;
}

/* Every vector 0..Table Size-1 maps to every event and reads back, and each
 * field written a vector of its own reads back its own; then a used buffer
 * on a queue mapped to the last vector interrupts on it, and on every other
 * queue that carries a request, on that queue's own vector. */
static void map_any_vector(struct vc_ctx *c)
{
	struct session r;
	struct other_queue others[MAX_OTHERS];
	unsigned bad = 0, n, k;
	int rc;

	if (!need_msix(c) || !session_open(c, &r, vc_request_queue_bits(c->probe), 0))
		return;
	n = table_size(c->probe);
	for (unsigned v = 0; v < n; v++)
		if (!map_all(c, (uint16_t)v, (uint16_t)v, &bad))
			return;
	if (bad > 1)
		vc_note(c, "%u of %u mappings were refused", bad, n * (c->probe->num_queues + 1u));
	if (!bad && !distinct_vectors(c, n))
		return;
	/* the other events on vector 0, so only the queue's buffer can use the last */
	if (bad || !session_msix(c, &r.drv, table_size(c->probe)) || !map_all(c, 0, 0, &bad))
		return;
	k = other_queues(c, &r, n, others);
	if (c->r->status == VC_ERROR || !vc_ctx_common_write(c, COMMON_queue_select, 2, r.req.queue) ||
	    !vc_ctx_common_write(c, COMMON_queue_msix_vector, 2, n - 1) || !request_used(c, &r))
		return;
	rc = session_wait_irq(c, &r.drv, (int)n - 1, c->dev->timeout_ms, NULL);
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "queue %u is mapped to vector %u, and a used buffer did not interrupt on it", r.req.queue,
			n - 1);
		vc_observed(c, "no interrupt on vector %u within %u ms", n - 1, c->dev->timeout_ms);
		vc_expected(c, "an interrupt on vector %u", n - 1);
	}
	others_interrupt(c, &r, others, k);
}

/* NO_VECTOR written over a mapping reads back NO_VECTOR. */
static void unmap(struct vc_ctx *c)
{
	struct vc_driver drv;
	unsigned bad = 0;

	if (need_msix(c) && vc_ctx_start(c, &drv, NULL) && map_all(c, 0, 0, &bad))
		map_all(c, NO_VECTOR, NO_VECTOR, &bad);
}

/* A vector past the table cannot be mapped: the field reads NO_VECTOR. The
 * harness breaks a driver rule (vectors within the table) on purpose here. */
static void mapping_failure(struct vc_ctx *c)
{
	struct vc_driver drv;
	unsigned bad = 0;

	if (need_msix(c) && vc_ctx_start(c, &drv, NULL))
		map_all(c, (uint16_t)table_size(c->probe), NO_VECTOR, &bad);
}

/* Any interrupt within the quiet spell fails the clause. */
static void no_interrupt(struct vc_ctx *c, struct vc_driver *drv, const char *why)
{
	int vector;
	unsigned quiet = vc_quiet_ms(drv, SESSION_QUIET_MS);

	if (vc_irq_wait(drv, quiet, &vector) == 0) {
		vc_fail(c, "an interrupt arrived %s", why);
		vc_observed(c, "interrupt on vector %d", vector);
		vc_expected(c, "no interrupt once the device settled, nor %u ms after", quiet);
	}
}

/* With MSI-X on, a queue whose mapping was replaced by NO_VECTOR uses a
 * buffer without interrupting. */
static void used_no_vector(struct vc_ctx *c)
{
	struct session r;
	uint64_t got;

	if (!msix_start(c, &r) || !session_msix(c, &r.drv, table_size(c->probe)) || !map(c, -1, NO_VECTOR, &got) || !map(c, r.req.queue, 0, &got) ||
	    !map(c, r.req.queue, NO_VECTOR, &got) || !request_used(c, &r))
		return;
	no_interrupt(c, &r.drv, "for a used buffer on a queue mapped to NO_VECTOR (MSI-X enabled)");
}

/* With MSI-X on and config_msix_vector NO_VECTOR, a configuration change
 * does not interrupt. Then, mapped, it must: else the silence proved nothing. */
static void config_no_vector(struct vc_ctx *c)
{
	struct vc_driver drv;
	uint64_t got;
	int rc;

	if (!need_msix(c) || !vc_ctx_start(c, &drv, NULL) || !session_msix(c, &drv, table_size(c->probe)) || !map(c, -1, NO_VECTOR, &got))
		return;
	if ((rc = vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK))) {
		vc_error(c, "DRIVER_OK write failed: %s", strerror(-rc));
		return;
	}
	vc_irq_drain(&drv);
	if (!session_config_change(c))
		return;
	no_interrupt(c, &drv, "for a configuration change with config_msix_vector NO_VECTOR (MSI-X enabled)");
	if (!map(c, -1, 0, &got))
		return;
	vc_irq_drain(&drv);
	if (!session_config_change(c))
		return;
	rc = session_wait_irq(c, &drv, 0, c->dev->timeout_ms, NULL);
	if (rc == -ETIMEDOUT)
		vc_skip(c, "the configuration change did not interrupt even on a mapped vector, so no interrupt "
			   "with NO_VECTOR shows nothing");
}

static const struct vc_clause clauses[] = {
	{ "pci.msix.table-size", L_MSIX, VC_SHOULD, VC_DEVICE_RULE, "1.0", 0, "PCI-MSIX-DEV-1",
	  "A device with MSI-X supports at least 2 and at most 0x800 vectors.", NULL, vector_count },
	{ "pci.msix.table-in-bar", L_MSIX, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_BAR_SIZES, "PCI-MSIX-DEV-2",
	  "The MSI-X Table Size, table and PBA describe storage that exists in the named BARs.",
	  NULL, table_in_bar },
	{ "pci.msix.map-any-vector", L_MSIX, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES | NEED_IRQ,
	  "PCI-MSIX-DEV-4 PCI-MSIX-DEV-6 PCI-MSIX-DEV-8",
	  "Each vector 0..Table Size-1 written to config_msix_vector and to every queue_msix_vector reads back, "
	  "and a used buffer interrupts on the vector its queue is mapped to, on every queue that carries a "
	  "request.", NULL, map_any_vector },
	{ "pci.msix.unmap", L_MSIX, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_BAR_WRITE | NEED_COMMON,
	  "PCI-MSIX-DEV-5 PCI-MSIX-DEV-6",
	  "NO_VECTOR written over a mapping, in config_msix_vector or a queue_msix_vector, reads back NO_VECTOR.",
	  NULL, unmap },
	{ "pci.msix.mapping-failure-reads-no-vector", L_MSIX, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_WRITE | NEED_COMMON, "PCI-MSIX-DEV-9",
	  "A vector the device cannot map (one past the table) reads back NO_VECTOR.", NULL, mapping_failure },
	{ "pci.usednotif.no-vector", L_USEDNOTIF, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", DRIVES | NEED_IRQ,
	  "PCI-USEDNOTIF-DEV-1", "With MSI-X enabled, a used buffer on a queue mapped to NO_VECTOR raises no interrupt.",
	  NULL, used_no_vector },
	{ "pci.cfgchg.no-vector", L_CFGCHG, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", NEED_BAR_WRITE | NEED_COMMON | NEED_IRQ,
	  "PCI-CFGCHG-DEV-1", "With MSI-X enabled and config_msix_vector NO_VECTOR, a configuration change raises "
	  "no interrupt.", NULL, config_no_vector },
};
VC_SUITE(suite_msix, clauses);
