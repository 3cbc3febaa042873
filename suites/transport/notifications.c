/* Available-buffer notifications in depth (the static notify-capability
 * rules are in notify.c):
 *  - driver rules: the harness's own doorbells, recorded in the trace, each
 *    compared with what the ring and the common configuration say it must
 *    be, computed here independently of the doorbell code;
 *  - device rules: a device offering VIRTIO_F_NOTIFICATION_DATA or
 *    VIRTIO_F_NOTIF_CONFIG_DATA consumes buffers notified that way;
 *  - the trace against the device's own record of what it received;
 *  - the 2020 draft (notify_data in the notify capability), opt-in profile. */
#include <errno.h>
#include <string.h>
#include "vc/clause.h"
#include "vc/driver.h"
#include "vc/trace.h"
#include "labels.h"

#define DRIVE_NEEDS (NEED_BAR_WRITE | NEED_BAR_READ | NEED_COMMON | NEED_DMA)

/* What a driver clause judges in each doorbell (the address always). */
enum check { CHECK_NONE = 0, CHECK_WIDTH = 1, CHECK_VQN = 2, CHECK_NEXT = 4 };

/* A queue driven with batches of requests, one notification per batch. */
struct drive {
	struct vc_ctx *c;
	struct vc_driver drv;
	struct vc_vq vq;
	struct vc_request req;
	struct vc_trace local, *t;
	unsigned check;
	/* expectations, read from the device by this file */
	uint16_t vqn;
	uint64_t offset;
	uint16_t pos;                /* packed: descriptors made available, counted here */
	bool wrap;
	unsigned cap;                /* requests the ring holds at once */
	unsigned kicks, requests, bad;
	uint32_t last_value;
	bool stalled;
};

/* SKIP unless the device offers every bit (0-terminated). */
static bool offered(struct vc_ctx *c, const unsigned *bits)
{
	if (!c->probe->have_common) {
		vc_skip(c, "the offered features cannot be read");
		return false;
	}
	for (; *bits; bits++)
		if (!vc_offers(c->probe, *bits)) {
			vc_skip(c, "the device does not offer %s", vc_feature_name(*bits));
			return false;
		}
	return true;
}

static bool draft_in_use(const struct vc_driver *drv)
{
	const struct vc_vcap *n = drv->p->notify;
	return drv->draft_notify_data && n->has_draft_notify_data && n->notify_data_valid &&
	       vc_negotiated(drv, VIRTIO_F_NOTIFICATION_DATA);
}

/* Reset, negotiate VERSION_1 + bits, set up the request queue and go
 * DRIVER_OK. The expected vqn and doorbell address are read here, before
 * the queue is enabled, as a driver reads them. */
static bool drive_start(struct drive *d, struct vc_ctx *c, const unsigned *bits, unsigned check)
{
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	uint64_t notify_off, ncd = 0, max;
	int rc;

	vc_trace_free(&d->local);
	memset(d, 0, sizeof(*d));
	d->c = c;
	d->check = check;
	if (!c->probe->notify) {
		vc_skip(c, "no notification capability");
		return false;
	}
	vc_features_set(want, VIRTIO_F_VERSION_1);
	for (const unsigned *b = bits; *b; b++)
		vc_features_set(want, *b);
	if (!vc_ctx_start(c, &d->drv, want))
		return false;
	for (const unsigned *b = bits; *b; b++)
		if (!vc_negotiated(&d->drv, *b)) {
			vc_skip(c, "%s was not negotiated", vc_feature_name(*b));
			return false;
		}
	if (vc_negotiated(&d->drv, VIRTIO_F_NOTIF_CONFIG_DATA) &&
	    c->probe->common->length < COMMON_queue_notif_config_data + 2) {
		vc_skip(c, "queue_notif_config_data lies outside the common configuration "
			   "(pci.notify.config-data.per-queue reports it)");
		return false;
	}
	if ((rc = vc_request_make(&d->drv, &d->req))) {
		if (rc == -ENOTSUP)
			vc_skip(c, "the harness has no request for device type %u", c->probe->virtio_type);
		else
			vc_error(c, "cannot build a request: %s", strerror(-rc));
		return false;
	}
	if (!vc_ctx_common_write(c, COMMON_queue_select, 2, d->req.queue) ||
	    !vc_ctx_common_read(c, COMMON_queue_size, 2, &max) ||
	    !vc_ctx_common_read(c, COMMON_queue_notify_off, 2, &notify_off) ||
	    (vc_negotiated(&d->drv, VIRTIO_F_NOTIF_CONFIG_DATA) &&
	     !vc_ctx_common_read(c, COMMON_queue_notif_config_data, 2, &ncd)))
		return false;
	/* packed: a ring of whole requests, so one batch can fill it exactly */
	uint16_t size = vc_negotiated(&d->drv, VIRTIO_F_RING_PACKED) && max > d->req.n
				? (uint16_t)(max / d->req.n * d->req.n) : 0;
	if ((rc = vc_vq_setup(&d->drv, d->req.queue, size, &d->vq)) || (rc = vc_vq_enable(&d->drv, &d->vq)) ||
	    (rc = vc_status_add(&d->drv, VIRTIO_STATUS_DRIVER_OK))) {
		vc_error(c, "cannot set up queue %u: %s", d->req.queue, strerror(-rc));
		return false;
	}
	d->cap = d->vq.size / d->req.n;
	d->offset = c->probe->notify->offset + notify_off * c->probe->notify->notify_off_multiplier;
	d->vqn = draft_in_use(&d->drv) ? c->probe->notify->notify_data
		 : vc_negotiated(&d->drv, VIRTIO_F_NOTIF_CONFIG_DATA) ? (uint16_t)ncd : d->req.queue;
	d->wrap = true;
	d->t = c->trace ? c->trace : &d->local;
	d->local.clause = c->r->clause->id;
	d->drv.trace = d->t;
	return true;
}

static void drive_end(struct drive *d)
{
	vc_trace_free(&d->local);
}

static void mismatch(struct drive *d, const char *field, unsigned long seen, unsigned long want)
{
	if (d->bad++)
		return;
	vc_fail(d->c, "doorbell %u on queue %u: %s is 0x%lx, the %s says 0x%lx", d->kicks, d->vq.index, field, seen,
		!strcmp(field, "next_off") || !strcmp(field, "next_wrap") ? "ring state" : "negotiation", want);
	vc_observed(d->c, "%s 0x%lx", field, seen);
	vc_expected(d->c, "%s 0x%lx", field, want);
}

/* The doorbell just rung, against an independent computation: the width
 * from the negotiated features, vqn as read from the device, next_off and
 * next_wrap from the avail index in ring memory (split) or the descriptors
 * counted here (packed). */
static bool check_doorbell(struct drive *d, size_t before)
{
	bool nd = vc_negotiated(&d->drv, VIRTIO_F_NOTIFICATION_DATA);

	if (d->t->n != before + 1) {
		vc_error(d->c, "doorbell %u was not recorded in the trace", d->kicks);
		return false;
	}
	const struct vc_doorbell *db = &d->t->rec[d->t->n - 1];
	struct vc_notif_fields f = vc_doorbell_decode(db);
	d->last_value = db->value;
	if (db->bar != d->c->probe->notify->bar || db->offset != d->offset)
		mismatch(d, "doorbell offset", (unsigned long)db->offset, (unsigned long)d->offset);
	if ((d->check & CHECK_WIDTH) && db->width != (nd ? 4 : 2))
		mismatch(d, "write width", db->width, nd ? 4 : 2);
	if ((d->check & CHECK_VQN) && f.vqn != d->vqn)
		mismatch(d, vc_doorbell_vqn_name(db), f.vqn, d->vqn);
	if ((d->check & CHECK_NEXT) && nd) {
		uint16_t off = d->pos;
		bool wrap = d->wrap;
		uint8_t idx[2];
		if (!d->vq.packed) {
			if (vc_dma_read(d->drv.dev, d->vq.driver + 2, idx, 2)) {
				vc_error(d->c, "cannot read the avail index");
				return false;
			}
			uint16_t avail = (uint16_t)(idx[0] | idx[1] << 8);
			off = avail & 0x7fff;
			wrap = avail >> 15;
		}
		if (f.next_off != off)
			mismatch(d, "next_off", f.next_off, off);
		if (f.next_wrap != wrap)
			mismatch(d, "next_wrap", f.next_wrap, wrap);
	}
	return true;
}

static bool kick(struct drive *d)
{
	size_t before = d->t->n;
	int rc = vc_vq_kick(&d->drv, &d->vq);

	if (rc) {
		vc_error(d->c, "doorbell write failed: %s", strerror(-rc));
		return false;
	}
	d->kicks++;
	return check_doorbell(d, before);
}

/* k requests made available, one notification, k used buffers awaited.
 * False when the device stops (d->stalled) or on an error verdict. */
static bool batch(struct drive *d, unsigned k)
{
	uint16_t id;
	uint32_t len;
	int rc;

	for (unsigned i = 0; i < k; i++) {
		if ((rc = vc_vq_add(&d->drv, &d->vq, d->req.bufs, d->req.n, &id))) {
			vc_error(d->c, "cannot make a buffer available: %s", strerror(-rc));
			return false;
		}
		unsigned pos = d->pos + d->req.n;
		d->wrap ^= pos >= d->vq.size;
		d->pos = (uint16_t)(pos % d->vq.size);
	}
	if (!kick(d))
		return false;
	for (unsigned i = 0; i < k; i++) {
		if ((rc = vc_vq_wait_used(&d->drv, &d->vq, vc_done_ms(&d->drv, d->drv.dev->timeout_ms), &id, &len))) {
			if (rc != -ETIMEDOUT)
				vc_error(d->c, "reading the used ring failed: %s", strerror(-rc));
			d->stalled = rc == -ETIMEDOUT;
			return false;
		}
		d->requests++;
	}
	return true;
}

/* `total` requests in batches of varied sizes (1, a full ring, 2, a ring
 * less one, 3, ...), so notifications land everywhere and wrap. */
static bool drive_requests(struct drive *d, unsigned total)
{
	const unsigned cap = d->cap ? d->cap : 1;
	const unsigned sizes[] = { 1, cap, 2, cap > 1 ? cap - 1 : 1, 3 };

	for (unsigned i = 0, done = 0; done < total; i++) {
		unsigned k = sizes[i % 5] < cap ? sizes[i % 5] : cap;
		if (k > total - done)
			k = total - done;
		if (!batch(d, k))
			return false;
		done += k;
	}
	return true;
}

/* A stalled device is the device clauses' verdict, not a driver rule's. */
static void driver_stall(struct drive *d, bool needed_more, const char *what)
{
	if (d->stalled && needed_more)
		vc_skip(d->c, "the device stopped using buffers after %u requests, before %s (device clauses "
			      "pci.notify.data.* report it)", d->requests, what);
}

static void device_stall(struct drive *d, const char *how)
{
	if (!d->stalled)
		return;
	vc_fail(d->c, "buffers made available and notified %s were not used within %u ms (after %u used)", how,
		d->drv.dev->timeout_ms, d->requests);
	vc_observed(d->c, "no used buffer after notification 0x%08lx", (unsigned long)d->last_value);
	vc_expected(d->c, "every buffer used");
}

static const unsigned V1[] = { 0 }, ND[] = { VIRTIO_F_NOTIFICATION_DATA, 0 },
	NCD[] = { VIRTIO_F_NOTIF_CONFIG_DATA, 0 },
	ND_NCD[] = { VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_NOTIF_CONFIG_DATA, 0 },
	ND_PACKED[] = { VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_RING_PACKED, 0 };

/* A driver rule over a short run: every doorbell judged on `check`. */
static void driver_rule(struct vc_ctx *c, const unsigned *bits, unsigned check)
{
	struct drive d = { 0 };

	if (drive_start(&d, c, bits, check)) {
		drive_requests(&d, 8);
		driver_stall(&d, d.kicks == 0, "the first notification");
		if (!d.bad && d.kicks)
			vc_note(c, "%u doorbells on queue %u checked", d.kicks, d.vq.index);
	}
	drive_end(&d);
}

/* PCI-AVAILNOTIF-DRV-1: 16-bit writes without NOTIFICATION_DATA. */
static void driver_width_16(struct vc_ctx *c)
{
	driver_rule(c, V1, CHECK_WIDTH);
}

/* PCI-AVAILNOTIF-DRV-2: 32-bit writes with it. */
static void driver_width_32(struct vc_ctx *c)
{
	if (offered(c, ND))
		driver_rule(c, ND, CHECK_WIDTH);
}

/* PCI-AVAILNOTIF-DRV-3/4: the queue index, in both formats. */
static void driver_vq_index(struct vc_ctx *c)
{
	driver_rule(c, V1, CHECK_VQN);
	if (c->probe->have_common && vc_offers(c->probe, VIRTIO_F_NOTIFICATION_DATA))
		driver_rule(c, ND, CHECK_VQN);
}

/* PCI-AVAILNOTIF-DRV-5/6: queue_notif_config_data, in both formats. */
static void driver_config_data(struct vc_ctx *c)
{
	if (!offered(c, NCD))
		return;
	driver_rule(c, NCD, CHECK_VQN);
	if (vc_offers(c->probe, VIRTIO_F_NOTIFICATION_DATA))
		driver_rule(c, ND_NCD, CHECK_VQN);
}

/* next_off/next_wrap for a split ring: the avail index, through bit 15. */
static void driver_next_split(struct vc_ctx *c)
{
	struct drive d = { 0 };

	if (offered(c, ND) && drive_start(&d, c, ND, CHECK_NEXT)) {
		drive_requests(&d, 0x8000u + 2 * d.cap);
		driver_stall(&d, d.requests < 0x8000u + d.cap, "the avail index passed 0x8000 (next_wrap 1)");
		if (!d.bad && !d.stalled)
			vc_note(c, "%u doorbells, avail index 0 to 0x%x", d.kicks, d.vq.avail_idx);
	}
	drive_end(&d);
}

/* PACKED-DESC-DRV-3: next_off/next_wrap for a packed ring, over three laps. */
static void driver_next_packed(struct vc_ctx *c)
{
	struct drive d = { 0 };

	if (offered(c, ND_PACKED) && drive_start(&d, c, ND_PACKED, CHECK_NEXT)) {
		drive_requests(&d, 3 * d.cap + 3);
		driver_stall(&d, d.requests < 2 * d.cap, "the ring wrapped twice");
		if (!d.bad && !d.stalled)
			vc_note(c, "%u doorbells over %u ring laps", d.kicks, (d.requests * d.req.n) / d.vq.size);
	}
	drive_end(&d);
}

/* Device: buffers notified with 32-bit notifications are used. */
static void data_consumed(struct vc_ctx *c, const unsigned *bits, unsigned laps_or_wrap)
{
	struct drive d = { 0 };

	if (offered(c, bits) && drive_start(&d, c, bits, CHECK_NONE)) {
		drive_requests(&d, laps_or_wrap ? laps_or_wrap + 2 * d.cap : 3 * d.cap + 3);
		device_stall(&d, "with 32-bit notifications");
	}
	drive_end(&d);
}

/* Split: past avail index 0x8000 (next_wrap 1) and 0x10000 (the index wraps
 * to 0), where a next_off or next_wrap read with the wrong bits, or index
 * arithmetic that is not 16-bit, shows. */
static void data_split(struct vc_ctx *c)
{
	data_consumed(c, ND, 0x10000u);
}

/* Packed: three laps of the ring. */
static void data_packed(struct vc_ctx *c)
{
	data_consumed(c, ND_PACKED, 0);
}

/* queue_notif_config_data is there for every queue and stays what the
 * driver read while it set the queue up. */
static void config_data_per_queue(struct vc_ctx *c)
{
	struct vc_driver drv;
	struct vc_vq vq;
	char values[160] = "";
	size_t used = 0;
	int rc;

	if (!offered(c, NCD))
		return;
	if (c->probe->common->length < COMMON_queue_notif_config_data + 2) {
		vc_fail(c, "VIRTIO_F_NOTIF_CONFIG_DATA is offered but the common configuration ends before "
			   "queue_notif_config_data");
		vc_observed(c, "length 0x%llx", (unsigned long long)c->probe->common->length);
		vc_expected(c, ">= 0x%x", COMMON_queue_notif_config_data + 2);
		return;
	}
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	vc_features_set(want, VIRTIO_F_VERSION_1);
	vc_features_set(want, VIRTIO_F_NOTIF_CONFIG_DATA);
	if (!vc_ctx_start(c, &drv, want))
		return;
	for (uint16_t q = 0; q < c->probe->num_queues; q++) {
		uint64_t at_setup, enabled;
		if ((rc = vc_vq_setup(&drv, q, 0, &vq)) == -ENOENT)
			continue;                         /* queue not available */
		if (rc || (rc = vc_vq_enable(&drv, &vq))) {
			vc_error(c, "cannot set up queue %u: %s", q, strerror(-rc));
			return;
		}
		at_setup = vq.notif_config_data;
		if (!vc_ctx_common_read(c, COMMON_queue_notif_config_data, 2, &enabled))
			return;
		if (enabled != at_setup) {
			vc_fail(c, "queue %u: queue_notif_config_data changed when the queue was enabled: a driver "
				   "notifies with the value it read during setup", q);
			vc_observed(c, "0x%llx after queue_enable", (unsigned long long)enabled);
			vc_expected(c, "0x%llx, as read before", (unsigned long long)at_setup);
			return;
		}
		if (used < sizeof(values))
			used += (size_t)snprintf(values + used, sizeof(values) - used, " %u:0x%llx", q,
						 (unsigned long long)at_setup);
	}
	vc_note(c, "queue:queue_notif_config_data%s", values);
}

/* Device: buffers notified with queue_notif_config_data are used (16- and
 * 32-bit); notifying with the plain index where it differs is information. */
/* queue_select left on another queue than the one notified, as a driver
 * that set up several queues leaves it: the notification names its queue. */
static bool select_another(struct drive *d)
{
	uint16_t n = d->c->probe->num_queues;

	return n < 2 || vc_ctx_common_write(d->c, COMMON_queue_select, 2, (uint16_t)((d->vq.index + 1) % n));
}

static void config_data_consumed(struct vc_ctx *c)
{
	struct drive d = { 0 };

	if (!offered(c, NCD) || !drive_start(&d, c, NCD, CHECK_NONE) || !select_another(&d))
		goto out;
	drive_requests(&d, 8);
	device_stall(&d, "with queue_notif_config_data");
	if (!d.stalled && vc_offers(c->probe, VIRTIO_F_NOTIFICATION_DATA)) {
		if (!drive_start(&d, c, ND_NCD, CHECK_NONE) || !select_another(&d))
			goto out;
		drive_requests(&d, 8);
		device_stall(&d, "with 32-bit notifications carrying queue_notif_config_data");
	}
	if (d.stalled || !drive_start(&d, c, NCD, CHECK_NONE))
		goto out;
	if (d.vqn == d.vq.index) {
		vc_note(c, "queue_notif_config_data of queue %u is its index", d.vq.index);
		goto out;
	}
	/* information only: the spec binds the driver, not the device, here */
	uint16_t id;
	uint32_t len;
	d.vq.notif_config_data = d.vq.index;
	if (vc_vq_add(&d.drv, &d.vq, d.req.bufs, d.req.n, &id) || vc_vq_kick(&d.drv, &d.vq))
		goto out;
	bool used = vc_vq_wait_used(&d.drv, &d.vq, vc_quiet_ms(&d.drv, 200), &id, &len) == 0;
	vc_note(c, "notified with the plain index %u instead of queue_notif_config_data 0x%x, the device %s",
		d.vq.index, d.vqn, used ? "used the buffer anyway" : "did not use the buffer");
out:
	drive_end(&d);
}

/* The harness's trace against what the device says it received. */
static void trace_matches_device(struct vc_ctx *c)
{
	struct vc_device *dev = c->dev;
	struct vc_notify_seen seen[64];
	struct drive d = { 0 };
	bool nd = c->probe->have_common && vc_offers(c->probe, VIRTIO_F_NOTIFICATION_DATA);
	int n;

	if (!dev->ops->notify_seen) {
		vc_skip(c, "the %s backend cannot show what the device received", dev->backend);
		return;
	}
	if (!drive_start(&d, c, nd ? ND : V1, CHECK_NONE))
		goto out;
	size_t first = d.t->n;
	if ((n = dev->ops->notify_seen(dev, seen, 64)) == -ENOTSUP) {
		vc_skip(c, "the %s backend's record of notifications is off", dev->backend);
		goto out;
	}
	if (n < 0) {                            /* else: what came before is dropped */
		vc_error(c, "cannot read the device's notifications: %s", strerror(-n));
		goto out;
	}
	drive_requests(&d, 6);
	if (!kick(&d))                          /* and a notification with nothing new */
		goto out;
	if ((n = dev->ops->notify_seen(dev, seen, 64)) < 0) {
		vc_error(c, "cannot read the device's notifications: %s", strerror(-n));
		goto out;
	}
	size_t rung = d.t->n - first;
	for (int i = 0; i < n; i++)
		if (!seen[i].width) {
			vc_skip(c, "the device took the doorbells through ioeventfd: its own record shows coalesced "
				   "queue notifications (and one more when DRIVER_OK starts ioeventfd), not the writes; "
				   "with QEMU, ioeventfd=off gives a write-by-write comparison");
			goto out;
		}
	if ((size_t)n != rung) {
		vc_fail(c, "the harness rang %zu doorbells, the device received %d", rung, n);
		vc_observed(c, "%d notifications", n);
		vc_expected(c, "%zu", rung);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const struct vc_doorbell *db = &d.t->rec[first + (size_t)i];
		uint64_t rel = db->offset - c->probe->notify->offset;
		uint32_t mask = db->width == 4 ? 0xffffffffu : 0xffffu;
		if ((seen[i].queue >= 0 && seen[i].queue != db->queue) || seen[i].offset != rel ||
		    seen[i].width != db->width || seen[i].value != (db->value & mask)) {
			vc_fail(c, "doorbell %d: the device received something else than the harness wrote", i + 1);
			vc_observed(c, "queue %d +0x%llx %u bytes 0x%lx", seen[i].queue,
				    (unsigned long long)seen[i].offset, seen[i].width, (unsigned long)seen[i].value);
			vc_expected(c, "queue %u +0x%llx %u bytes 0x%lx", db->queue, (unsigned long long)rel, db->width,
				    (unsigned long)(db->value & mask));
			goto out;
		}
	}
	vc_note(c, "%d doorbells agree (%s notifications)", n, nd ? "32-bit" : "16-bit");
out:
	drive_end(&d);
}

/* The 2020 draft profile. */

static const struct vc_vcap *draft_cap(struct vc_ctx *c)
{
	const struct vc_vcap *n = c->probe->notify;

	if (!n)
		vc_skip(c, "no notification capability");
	else if (!n->has_draft_notify_data)
		vc_skip(c, "the notification capability has no notify_data (cap_len %u, the draft needs 24)",
			n->cap_len);
	return n && n->has_draft_notify_data ? n : NULL;
}

/* notify_data_valid asks the driver to use notify_data, which it can do
 * only with VIRTIO_F_NOTIFICATION_DATA: without that feature offered the
 * device is in normal operation and the flag must be zero. */
static void draft_normal_operation(struct vc_ctx *c)
{
	const struct vc_vcap *n = draft_cap(c);

	if (!n || !n->notify_data_valid)
		return;
	if (!c->probe->have_common) {
		vc_skip(c, "notify_data_valid is set and the offered features cannot be read");
	} else if (!vc_offers(c->probe, VIRTIO_F_NOTIFICATION_DATA)) {
		vc_fail(c, "notify_data_valid is set although VIRTIO_F_NOTIFICATION_DATA, the only way a driver "
			   "can use notify_data, is not offered");
		vc_observed(c, "notify_data_valid %u", n->notify_data_valid);
		vc_expected(c, "0 for normal operation");
	} else {
		vc_note(c, "the device asks for notify_data 0x%x in the vqn field (the draft allows it)", n->notify_data);
	}
}

/* A valid notify_data is one the device acts on: notified with it, it
 * uses the buffers. */
static void draft_notify_data_accepted(struct vc_ctx *c)
{
	const struct vc_vcap *n = draft_cap(c);
	struct drive d = { 0 };

	if (!n)
		return;
	if (!n->notify_data_valid) {
		vc_skip(c, "notify_data_valid is 0: notify_data is not in use");
		return;
	}
	if (offered(c, ND) && drive_start(&d, c, ND, CHECK_NONE)) {
		drive_requests(&d, 8);
		device_stall(&d, "with notify_data in the vqn field");
	}
	drive_end(&d);
}

/* Driver: with the flag set and NOTIFICATION_DATA negotiated, vqn carries
 * notify_data. */
static void driver_draft_notify_data(struct vc_ctx *c)
{
	const struct vc_vcap *n = draft_cap(c);

	if (!n)
		return;
	if (!n->notify_data_valid)
		vc_skip(c, "notify_data_valid is 0: notify_data is not in use");
	else if (offered(c, ND))
		driver_rule(c, ND, CHECK_VQN);
}

#define P VC_PROFILE_DRAFT_NOTIFY
static const struct vc_clause clauses[] = {
	{ "pci.notify.driver.width-16", L_AVAILNOTIF, VC_MUST, VC_DRIVER_RULE, "1.2", DRIVE_NEEDS,
	  "PCI-AVAILNOTIF-DRV-1",
	  "Harness self-check: without VIRTIO_F_NOTIFICATION_DATA every doorbell is a 16-bit write.", NULL,
	  driver_width_16 },
	{ "pci.notify.driver.width-32", L_AVAILNOTIF, VC_MUST, VC_DRIVER_RULE, "1.2", DRIVE_NEEDS,
	  "PCI-AVAILNOTIF-DRV-2",
	  "Harness self-check: with VIRTIO_F_NOTIFICATION_DATA every doorbell is a 32-bit write.", NULL,
	  driver_width_32, VC_REQ(VIRTIO_F_NOTIFICATION_DATA) },
	{ "pci.notify.driver.vq-index", L_AVAILNOTIF, VC_MUST, VC_DRIVER_RULE, "1.2", DRIVE_NEEDS,
	  "PCI-AVAILNOTIF-DRV-3 PCI-AVAILNOTIF-DRV-4",
	  "Harness self-check: without VIRTIO_F_NOTIF_CONFIG_DATA the notification (or its vq_index) is the "
	  "queue index.", NULL, driver_vq_index },
	{ "pci.notify.driver.config-data", L_AVAILNOTIF, VC_MUST, VC_DRIVER_RULE, "1.2", DRIVE_NEEDS,
	  "PCI-AVAILNOTIF-DRV-5 PCI-AVAILNOTIF-DRV-6",
	  "Harness self-check: with VIRTIO_F_NOTIF_CONFIG_DATA the notification (or its bits 0-15) is the "
	  "queue's queue_notif_config_data.", NULL, driver_config_data, VC_REQ(VIRTIO_F_NOTIF_CONFIG_DATA) },
	{ "pci.notify.driver.next-split", L_DRIVER_NOTIF, VC_MUST, VC_DRIVER_RULE, "1.1", DRIVE_NEEDS, "",
	  "Harness self-check: split ring, 32-bit notifications carry the avail index (next_off its 15 low "
	  "bits, next_wrap bit 15), past 0x8000 (the spec defines the fields; no catalog row).", NULL,
	  driver_next_split, VC_REQ(VIRTIO_F_NOTIFICATION_DATA) },
	{ "pci.notify.driver.next-packed", L_PACKED_DESC_DRV, VC_MUST, VC_DRIVER_RULE, "1.1", DRIVE_NEEDS,
	  "PACKED-DESC-DRV-3",
	  "Harness self-check: packed ring, next_off/next_wrap name the next descriptor not yet made "
	  "available, over several ring wraps.", NULL, driver_next_packed, VC_REQ(VIRTIO_F_NOTIFICATION_DATA) | VC_REQ(VIRTIO_F_RING_PACKED) },
	{ "pci.notify.data.split", L_DRIVER_NOTIF, VC_MUST, VC_DEVICE_RULE, "1.1", DRIVE_NEEDS, "",
	  "A device offering VIRTIO_F_NOTIFICATION_DATA uses split-ring buffers notified with 32-bit "
	  "notifications, past avail index 0x8000 and 0x10000 (implied by the feature; the spec has no device row).",
	  NULL, data_split, VC_REQ(VIRTIO_F_NOTIFICATION_DATA) },
	{ "pci.notify.data.packed", L_DRIVER_NOTIF, VC_MUST, VC_DEVICE_RULE, "1.1", DRIVE_NEEDS, "",
	  "A device offering VIRTIO_F_NOTIFICATION_DATA and packed rings uses buffers notified with 32-bit "
	  "notifications, a full ring included (implied by the feature; no device row).", NULL, data_packed, VC_REQ(VIRTIO_F_NOTIFICATION_DATA) | VC_REQ(VIRTIO_F_RING_PACKED) },
	{ "pci.notify.config-data.per-queue", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.2", DRIVE_NEEDS, "",
	  "With VIRTIO_F_NOTIF_CONFIG_DATA offered, every queue has a queue_notif_config_data inside the "
	  "common configuration, unchanged from setup to enabled (no catalog row).", NULL, config_data_per_queue, VC_REQ(VIRTIO_F_NOTIF_CONFIG_DATA) },
	{ "pci.notify.config-data.consumed", L_AVAILNOTIF, VC_MUST, VC_DEVICE_RULE, "1.2", DRIVE_NEEDS, "",
	  "A device offering VIRTIO_F_NOTIF_CONFIG_DATA uses buffers notified with queue_notif_config_data "
	  "(16- and 32-bit, queue_select on another queue); the plain index is reported as information (no device "
	  "row).", NULL,
	  config_data_consumed, VC_REQ(VIRTIO_F_NOTIF_CONFIG_DATA) },
	{ "pci.notify.trace-matches-device", L_AVAILNOTIF, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVE_NEEDS, "",
	  "The device received exactly the doorbells the harness's trace records: count, offset, width, "
	  "value, queue (needs a backend that shows the device's view: qemu, sim).", NULL,
	  trace_matches_device },
	{ "pci.notify.draft.normal-operation", L_NOTIFY_DRAFT, VC_MUST, VC_DEVICE_RULE, "draft-2020", 0, "",
	  "2020 draft: notify_data_valid is 0 unless VIRTIO_F_NOTIFICATION_DATA is offered (normal operation).",
	  P, draft_normal_operation },
	{ "pci.notify.draft.notify-data-accepted", L_NOTIFY_DRAFT, VC_MUST, VC_DEVICE_RULE, "draft-2020",
	  DRIVE_NEEDS, "",
	  "2020 draft: with notify_data_valid set, notify_data is valid: notifications carrying it are acted on.",
	  P, draft_notify_data_accepted, VC_REQ(VIRTIO_F_NOTIFICATION_DATA) },
	{ "pci.notify.driver.draft-notify-data", L_NOTIFY_DRAFT, VC_MUST, VC_DRIVER_RULE, "draft-2020",
	  DRIVE_NEEDS, "",
	  "Harness self-check, 2020 draft: with VIRTIO_F_NOTIFICATION_DATA and notify_data_valid, vqn carries "
	  "notify_data.", P, driver_draft_notify_data, VC_REQ(VIRTIO_F_NOTIFICATION_DATA) },
};
VC_SUITE(suite_notifications, clauses);
