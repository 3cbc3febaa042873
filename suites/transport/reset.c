/* Device reset: after 0 is written to device_status the device reads 0,
 * has every queue disabled and every MSI-X vector unmapped, and leaves the
 * old rings alone. */
#include <errno.h>
#include <string.h>
#include "labels.h"
#include "session.h"

#define MAX_CHECKED_QUEUES 64     /* queues set up per clause: enough to see a pattern, little DMA */

enum { PCI_STATUS = 0x06, PCI_STATUS_INTERRUPT = 1 << 3 };

static void status_string(uint8_t s, char *buf, size_t len)
{
	snprintf(buf, len, "0x%02x%s%s%s%s", s, s & VIRTIO_STATUS_ACKNOWLEDGE ? " ACKNOWLEDGE" : "",
		 s & VIRTIO_STATUS_DRIVER ? " DRIVER" : "", s & VIRTIO_STATUS_FEATURES_OK ? " FEATURES_OK" : "",
		 s & VIRTIO_STATUS_DRIVER_OK ? " DRIVER_OK" : "");
}

/* From a device that is initialized and running (DRIVER_OK), not only
 * from one already at 0. */
static void status_reads_zero(struct vc_ctx *c)
{
	uint32_t v1[VC_FEATURE_WORDS] = { 0 };
	struct vc_driver drv;
	uint8_t before = 0, after;
	char from[80];
	int rc;

	vc_features_set(v1, VIRTIO_F_VERSION_1);
	vc_ctx_driver(c, &drv);
	for (unsigned pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			rc = vc_negotiate(&drv, v1);
			if (rc == 0)
				rc = vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK);
			if ((rc && rc != -EPROTO) || (rc = vc_status_read(&drv, &before))) {
				vc_error(c, "could not initialize the device: %s", strerror(-rc));
				return;
			}
		}
		rc = vc_reset(&drv);
		if (rc == -ETIMEDOUT && vc_status_read(&drv, &after) == 0) {
			status_string(before, from, sizeof(from));
			vc_fail(c, "0 was written to device_status (which read %s) and it did not read 0 within %u ms",
				from, c->dev->timeout_ms);
			vc_observed(c, "device_status 0x%02x", after);
			vc_expected(c, "0");
			return;
		}
		if (rc) {
			vc_error(c, "device_status access failed: %s", strerror(-rc));
			return;
		}
	}
}

static bool reset_done(struct vc_ctx *c, struct vc_driver *drv)
{
	int rc = vc_reset(drv);

	if (rc == -ETIMEDOUT)
		vc_skip(c, "the reset did not complete (pci.reset.status-reads-zero reports it)");
	else if (rc)
		vc_error(c, "reset failed: %s", strerror(-rc));
	return rc == 0;
}

/* Queues that exist (queue_size not 0), up to MAX_CHECKED_QUEUES. */
static unsigned checked_queues(const struct vc_ctx *c)
{
	return c->probe->num_queues < MAX_CHECKED_QUEUES ? c->probe->num_queues : MAX_CHECKED_QUEUES;
}

/* Reset and negotiate VERSION_1, and VIRTIO_F_ADMIN_VQ when offered: the
 * administration queues are queues a reset resets too. */
static bool start_all(struct vc_ctx *c, struct vc_driver *drv)
{
	uint32_t want[VC_FEATURE_WORDS] = { 0 };

	vc_features_set(want, VIRTIO_F_VERSION_1);
	if (vc_offers(c->probe, VIRTIO_F_ADMIN_VQ))
		vc_features_set(want, VIRTIO_F_ADMIN_VQ);
	return vc_ctx_start(c, drv, want);
}

/* The queues a reset clause looks at: the ordinary ones (up to
 * MAX_CHECKED_QUEUES), then the administration queues when start_all
 * negotiated VIRTIO_F_ADMIN_VQ. The count, or 0 after an ERROR. */
static unsigned all_queues(struct vc_ctx *c, const struct vc_driver *drv, uint16_t *list)
{
	uint64_t index = 0, num = 0;
	unsigned n = 0;

	for (uint16_t q = 0; q < checked_queues(c); q++)
		list[n++] = q;
	if (vc_negotiated(drv, VIRTIO_F_ADMIN_VQ) && c->probe->common->length >= COMMON_admin_queue_num + 2 &&
	    (!vc_ctx_common_read(c, COMMON_admin_queue_index, 2, &index) ||
	     !vc_ctx_common_read(c, COMMON_admin_queue_num, 2, &num)))
		return 0;
	for (uint64_t q = index; q < index + num && q <= 0xffff && n < MAX_CHECKED_QUEUES + 8; q++)
		if (q >= checked_queues(c))           /* an index among the ordinary ones is theirs */
			list[n++] = (uint16_t)q;
	return n;
}

static void queue_enable_cleared(struct vc_ctx *c)
{
	struct vc_driver drv;
	struct vc_vq vq;
	uint16_t list[MAX_CHECKED_QUEUES + 8];
	unsigned enabled = 0, still = 0, first = 0, n;
	uint64_t v;
	int rc;

	if (!start_all(c, &drv) || !(n = all_queues(c, &drv, list)))
		return;
	for (unsigned i = 0; i < n; i++) {
		uint16_t q = list[i];
		rc = vc_vq_setup(&drv, q, 16, &vq);
		if (rc == -ENOENT)
			continue;
		if (rc || (rc = vc_vq_enable(&drv, &vq))) {
			vc_error(c, "could not enable queue %u: %s", q, strerror(-rc));
			return;
		}
		enabled++;
	}
	if (!enabled) {
		vc_skip(c, "no queue could be set up");
		return;
	}
	if ((rc = vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK))) {
		vc_error(c, "DRIVER_OK write failed: %s", strerror(-rc));
		return;
	}
	/* the administration queues are there again once VIRTIO_F_ADMIN_VQ is */
	if (!reset_done(c, &drv) || (n > checked_queues(c) && !start_all(c, &drv)))
		return;
	for (unsigned i = 0; i < n; i++) {
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, list[i]) ||
		    !vc_ctx_common_read(c, COMMON_queue_enable, 2, &v))
			return;
		if (v && still++ == 0)
			first = list[i];
	}
	if (still) {
		vc_fail(c, "%u of %u queues enabled before the reset still read queue_enable 1 after it (first: "
			   "queue %u)", still, enabled, first);
		vc_observed(c, "queue_enable 1");
		vc_expected(c, "0 on every queue");
	}
}

static void msix_vectors_unmapped(struct vc_ctx *c)
{
	struct vc_driver drv;
	uint16_t list[MAX_CHECKED_QUEUES + 8];
	unsigned mapped = 0, still = 0, n;
	uint64_t v, size;

	if (!c->probe->msix_pos) {
		vc_skip(c, "no MSI-X capability");
		return;
	}
	if (!start_all(c, &drv) || !(n = all_queues(c, &drv, list)))
		return;
	if (!session_msix(c, &drv, 2))
		return;
	if (!vc_ctx_common_write(c, COMMON_config_msix_vector, 2, SESSION_CONFIG_VECTOR) ||
	    !vc_ctx_common_read(c, COMMON_config_msix_vector, 2, &v))
		return;
	mapped += v != 0xffff;
	for (unsigned i = 0; i < n; i++) {
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, list[i]) ||
		    !vc_ctx_common_read(c, COMMON_queue_size, 2, &size))
			return;
		if (size && (!vc_ctx_common_write(c, COMMON_queue_msix_vector, 2, SESSION_QUEUE_VECTOR) ||
			     !vc_ctx_common_read(c, COMMON_queue_msix_vector, 2, &v)))
			return;
		mapped += size && v != 0xffff;
	}
	if (!mapped) {
		vc_skip(c, "the device mapped no vector, so a reset has nothing to unmap (pci.msix.* report it)");
		return;
	}
	if (!reset_done(c, &drv) || !vc_ctx_common_read(c, COMMON_config_msix_vector, 2, &v))
		return;
	if (v != 0xffff) {
		vc_fail(c, "config_msix_vector still maps vector %llu after the reset", (unsigned long long)v);
		vc_observed(c, "config_msix_vector 0x%04llx", (unsigned long long)v);
	}
	/* the administration queues are there again once VIRTIO_F_ADMIN_VQ is */
	if (n > checked_queues(c) && !start_all(c, &drv))
		return;
	for (unsigned i = 0; i < n; i++) {
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, list[i]) ||
		    !vc_ctx_common_read(c, COMMON_queue_msix_vector, 2, &v))
			return;
		if (v != 0xffff && still++ == 0) {
			vc_fail(c, "queue %u's queue_msix_vector still maps vector %llu after the reset", list[i],
				(unsigned long long)v);
			vc_observed(c, "queue %u: 0x%04llx", list[i], (unsigned long long)v);
		}
	}
	if (c->r->status == VC_FAIL)
		vc_expected(c, "NO_VECTOR (0xffff) everywhere after a reset");
}

/* queue_size reads the device's maximum after a reset ("On reset,
 * specifies the maximum queue size"): each queue's size as read after a
 * reset, a smaller one written, a reset, and the first value again. A
 * device that keeps what a driver wrote shows the smaller one (and if an
 * earlier clause's write survived, the first read was already short: the
 * second is shorter still). */
static void queue_size_maximum(struct vc_ctx *c)
{
	static uint64_t first[MAX_CHECKED_QUEUES + 8];
	struct vc_driver drv;
	uint16_t list[MAX_CHECKED_QUEUES + 8];
	unsigned written = 0, bad = 0, n;
	uint64_t size;

	if (!start_all(c, &drv) || !(n = all_queues(c, &drv, list)))
		return;
	for (unsigned i = 0; i < n; i++) {
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, list[i]) ||
		    !vc_ctx_common_read(c, COMMON_queue_size, 2, &first[i]))
			return;
		if (first[i] < 2)
			continue;
		if (!vc_ctx_common_write(c, COMMON_queue_size, 2, first[i] / 2))
			return;
		written++;
	}
	if (!written) {
		vc_skip(c, "no queue has a queue_size a smaller one can be written to");
		return;
	}
	if (!start_all(c, &drv))
		return;
	for (unsigned i = 0; i < n; i++) {
		if (first[i] < 2)
			continue;
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, list[i]) ||
		    !vc_ctx_common_read(c, COMMON_queue_size, 2, &size))
			return;
		if (size != first[i] && bad++ == 0) {
			vc_fail(c, "queue %u: queue_size does not read the maximum again after a reset%s", list[i],
				size == first[i] / 2 ? ": it keeps the smaller size the driver wrote before it" : "");
			vc_observed(c, "queue_size %llu after the reset (%llu written before it)", (unsigned long long)size,
				    (unsigned long long)first[i] / 2);
			vc_expected(c, "%llu, as after the previous reset", (unsigned long long)first[i]);
		}
	}
	if (bad > 1)
		vc_note(c, "%u of %u queues", bad, written);
}

/* After a reset the device's side of the rings starts over: two requests
 * used, a reset, the queue set up again on fresh rings, and the next
 * request is used at used index 1 (a device that kept its ring positions
 * looks past it, or puts it elsewhere). */
static void queues_start_over(struct vc_ctx *c)
{
	struct session s;
	uint8_t idx[2];
	int rc = 0;

	if (!session_start(c, &s, 0, SESSION_POLLED, 0))
		return;
	for (unsigned i = 0; i < 2 && !rc; i++)
		rc = session_request(&s);
	if (rc == -ETIMEDOUT)
		vc_skip(c, "the %s was never used even before the reset (the virtqueue clauses report it)", s.req.what);
	if (rc || !session_start(c, &s, 0, SESSION_POLLED, 0))
		return;
	if ((rc = session_request(&s)) == -ETIMEDOUT) {
		vc_fail(c, "queue %u: after a reset, the %s on fresh rings was never used: the device did not start its "
			   "ring over", s.vq.index, s.req.what);
		vc_observed(c, "no used element (two requests were used before the reset)");
		vc_expected(c, "the request used at used index 1");
	}
	if (rc)
		return;
	if ((rc = vc_dma_read(c->dev, s.vq.device + 2, idx, 2))) {
		vc_error(c, "DMA read failed: %s", strerror(-rc));
		return;
	}
	if ((idx[0] | idx[1] << 8) != 1) {
		vc_fail(c, "queue %u: after a reset and one request on fresh rings, the used index is not 1", s.vq.index);
		vc_observed(c, "used idx %u (two requests were used before the reset)", idx[0] | idx[1] << 8);
		vc_expected(c, "used idx 1");
	}
}

/* The used ring and the request's buffers, as the driver sees them. */
struct ring_view {
	uint8_t used[6 + 8 * 1024];
	uint8_t data[1024];
	size_t used_len, data_len;
};

static bool view_rings(struct vc_ctx *c, const struct vc_vq *vq, const struct vc_request *req, struct ring_view *v)
{
	int rc;

	v->used_len = 6u + 8u * vq->size;
	v->data_len = 0;
	rc = vc_dma_read(c->dev, vq->device, v->used, v->used_len);
	for (unsigned i = 0; !rc && i < req->n; i++) {
		size_t n = req->bufs[i].len;
		if (n > sizeof(v->data) - v->data_len)
			n = sizeof(v->data) - v->data_len;
		rc = vc_dma_read(c->dev, req->bufs[i].addr, v->data + v->data_len, n);
		v->data_len += n;
	}
	if (rc)
		vc_error(c, "DMA read failed: %s", strerror(-rc));
	return rc == 0;
}

/* With INTx, an interrupt left pending by a reset is one sent after it:
 * once device_status reads 0, ISR status reads 0 and the PCI Status
 * Interrupt Status bit (read first: reading ISR status clears it) is clear. */
static bool interrupt_cleared(struct vc_ctx *c)
{
	uint32_t pci_status;
	uint64_t isr;

	if (!c->probe->isr || !vc_ctx_cfg_read(c, PCI_STATUS, 2, &pci_status) ||
	    !vc_ctx_struct_read(c, c->probe->isr, 0, 1, &isr))
		return c->r->status != VC_ERROR;
	if ((pci_status & PCI_STATUS_INTERRUPT) || isr) {
		vc_fail(c, "the reset left an interrupt pending: %s after device_status read 0",
			isr ? "ISR status is not 0" : "INTx is still asserted");
		vc_observed(c, "ISR status 0x%02llx, PCI Status Interrupt Status %s", (unsigned long long)isr,
			    pci_status & PCI_STATUS_INTERRUPT ? "set" : "clear");
		vc_expected(c, "ISR status 0 and INTx deasserted: no notification after the reset");
		return false;
	}
	return true;
}

/* A request in flight when the reset starts (its INTx raised, ISR status
 * set); once device_status reads 0 no interrupt is pending any more, the old
 * ring and buffers stay as they are and no interrupt comes. */
static void queues_quiet_after_reset(struct vc_ctx *c)
{
	struct session s;
	static struct ring_view before, after;
	uint16_t id;
	int rc, vector;

	if (!session_ready(c, &s, SESSION_INTX, true, &id))
		return;
	if ((rc = vc_vq_kick(&s.drv, &s.vq))) {
		vc_error(c, "doorbell write failed: %s", strerror(-rc));
		return;
	}
	if (!reset_done(c, &s.drv) || !interrupt_cleared(c) || !view_rings(c, &s.vq, &s.req, &before))
		return;
	vc_irq_drain(&s.drv);       /* raised before the reset completed: allowed */
	rc = vc_irq_wait(&s.drv, vc_quiet_ms(&s.drv, SESSION_QUIET_MS), &vector);
	if (rc == 0) {
		vc_fail(c, "an interrupt arrived after the reset completed");
		vc_observed(c, "INTx");
		vc_expected(c, "no interrupt until the driver initializes the device again");
	} else if (rc != -ETIMEDOUT) {
		vc_error(c, "waiting for an interrupt failed: %s", strerror(-rc));
		return;
	}
	if (!view_rings(c, &s.vq, &s.req, &after))
		return;
	if (memcmp(before.used, after.used, before.used_len) || memcmp(before.data, after.data, before.data_len)) {
		uint16_t idx0 = (uint16_t)(before.used[2] | before.used[3] << 8);
		uint16_t idx1 = (uint16_t)(after.used[2] | after.used[3] << 8);
		vc_fail(c, "the device wrote to the old %s after the reset completed",
			memcmp(before.used, after.used, before.used_len) ? "used ring" : "request buffers");
		vc_observed(c, "used idx %u -> %u", idx0, idx1);
		vc_expected(c, "the old rings untouched");
	}
}

#define DRIVES (NEED_BAR_WRITE | NEED_COMMON)

static const struct vc_clause clauses[] = {
	{ "pci.reset.status-reads-zero", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES,
	  "PCI-COMMON-DEV-7 RESET-DEV-1",
	  "Writing 0 to device_status resets the device, and device_status reads 0 once the reset is done.", NULL,
	  status_reads_zero },
	{ "pci.reset.queue-enable-cleared", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES | NEED_DMA,
	  "PCI-COMMON-DEV-8", "After a reset every queue reads queue_enable 0.", NULL, queue_enable_cleared },
	{ "pci.reset.queue-size-maximum", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES, "",
	  "After a reset every queue's queue_size reads the device's maximum again, not a smaller size the driver "
	  "wrote before it (the field's description: on reset, the maximum queue size).", NULL, queue_size_maximum },
	{ "pci.reset.msix-vectors-unmapped", L_MSIX, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES | NEED_IRQ,
	  "PCI-MSIX-DEV-7", "After a reset config_msix_vector and every queue_msix_vector read NO_VECTOR.", NULL,
	  msix_vectors_unmapped },
	{ "pci.reset.queues-start-over", L_RESET, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES | NEED_DMA, "",
	  "After a reset the device's side of a queue starts over: set up again on fresh rings, its first request is "
	  "used at used index 1 (a reset returns the device to its initial state; no catalog row).", NULL,
	  queues_start_over },
	{ "pci.reset.queues-quiet-after-reset", L_RESET, VC_MUST_NOT, VC_DEVICE_RULE, "1.2",
	  DRIVES | NEED_DMA | NEED_IRQ, "RESET-DEV-2",
	  "Once device_status reads 0 after a reset, no interrupt is pending (ISR status 0, INTx deasserted), and the "
	  "device neither writes the old rings nor interrupts.", NULL,
	  queues_quiet_after_reset },
};
VC_SUITE(suite_reset, clauses);
