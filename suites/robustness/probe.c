/* The hostile-driver probes' engine: start, raw descriptors, the sanity
 * checks and the recovery every probe ends with (probe.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "probe.h"

const struct probe_variant *probe_variant(struct vc_ctx *c, const struct probe_variant *table, bool *packed)
{
	const char *id = c->r->clause->id;

	for (; table->split || table->packed; table++)
		if ((table->split && !strcmp(table->split, id)) || (table->packed && !strcmp(table->packed, id))) {
			*packed = table->packed && !strcmp(table->packed, id);
			return table;
		}
	vc_error(c, "no variant for %s in its family's table", id);   /* a harness bug */
	return NULL;
}

static void fail_ctx(struct vc_ctx *c, const char *severity, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	vc_severity(c, severity);
	vc_fail(c, "%s: %s", severity, msg);
}

void probe_fail(struct probe *p, const char *severity, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_ctx(p->c, severity, fmt, ap);
	va_end(ap);
}

/* A process that exited or was killed is a crash; a vhost-user backend
 * still running that dropped the device (libvhost-user's vu_panic) denies
 * it to the guest (dos); one still running that no longer answers (or a
 * device that does not) is a hang. The backends say which in the device's
 * gone line (qemu, vhost-user, sim). */
static const char *gone_severity(const struct vc_device *d)
{
	if (strstr(d->gone, "killed by signal") || strstr(d->gone, "exited with status"))
		return "crash";
	return strstr(d->gone, "disconnected from QEMU") ? "dos" : "hang";
}

static void gone_fail(struct vc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gone_fail(struct vc_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_ctx(c, gone_severity(c->dev), fmt, ap);
	va_end(ap);
}

/* A harness step that fails because the device went away is the device's
 * verdict, not the harness's error. */
bool probe_ok(struct vc_ctx *c, int rc, const char *what)
{
	if (rc && c->dev->gone[0] && rc != -ECANCELED)
		gone_fail(c, "during the probe (%s) the device is gone: %s", what, c->dev->gone);
	else if (rc)
		vc_error(c, "%s: %s", what, strerror(-rc));
	return rc == 0;
}

bool probe_answers(struct probe *p, int rc, const char *after)
{
	const struct vc_device *d = p->c->dev;

	if (!rc)
		return true;
	if (rc == -ECANCELED)         /* the watchdog's: the runner says so */
		return false;
	if (d->gone[0])
		gone_fail(p->c, "after %s the device is gone: %s", after, d->gone);
	else
		probe_fail(p, "hang", "the device stopped answering after %s: %s", after, strerror(-rc));
	return false;
}

bool probe_common_write(struct probe *p, unsigned field, unsigned width, uint64_t v, const char *what)
{
	return probe_answers(p, vc_common_write(p->c->dev, p->c->probe, field, width, v), what);
}

bool probe_common_read(struct probe *p, unsigned field, unsigned width, uint64_t *v, const char *what)
{
	return probe_answers(p, vc_common_read(p->c->dev, p->c->probe, field, width, v), what);
}

uint16_t probe_queue_max(struct probe *p, uint16_t index)
{
	uint64_t size = 0;

	if (vc_common_write(p->c->dev, p->c->probe, COMMON_queue_select, 2, index) ||
	    vc_common_read(p->c->dev, p->c->probe, COMMON_queue_size, 2, &size))
		return 0;
	return (uint16_t)size;
}

uint16_t probe_another_queue(struct probe *p)
{
	for (uint16_t i = 0; i < p->c->probe->num_queues; i++)
		if (i != p->req.queue && probe_queue_max(p, i))
			return i;
	return 0xffff;
}

uint64_t probe_bar_address(struct vc_ctx *c, unsigned bar)
{
	uint32_t lo = 0, hi = 0;

	if (bar >= VC_NUM_BARS || vc_cfg_read(c->dev, (uint16_t)(0x10 + 4 * bar), 4, &lo) || (lo & 1))
		return 0;
	if ((lo & 6) == 4 && bar < VC_NUM_BARS - 1 && vc_cfg_read(c->dev, (uint16_t)(0x14 + 4 * bar), 4, &hi))
		return 0;
	return ((uint64_t)((lo & 6) == 4 ? hi : 0) << 32) | (lo & ~0xfu);
}

static bool snapshot_other(struct probe *p, uint8_t *buf)
{
	return !p->other.size || probe_ok(p->c, vc_dma_read(p->c->dev, p->other.desc, buf, p->other_len), "DMA read");
}

static bool negotiate(struct vc_ctx *c, struct probe *p, unsigned flags)
{
	static const struct { unsigned flag, bit; } wanted[] = {
		{ PROBE_PACKED, VIRTIO_F_RING_PACKED }, { PROBE_INDIRECT, VIRTIO_F_INDIRECT_DESC },
		{ PROBE_EVENT_IDX, VIRTIO_F_EVENT_IDX }, { PROBE_IN_ORDER, VIRTIO_F_IN_ORDER },
		{ PROBE_RING_RESET, VIRTIO_F_RING_RESET },
	};

	vc_features_set(p->want, VIRTIO_F_VERSION_1);
	for (unsigned i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (flags & wanted[i].flag)
			vc_features_set(p->want, wanted[i].bit);
	if (!vc_ctx_start(c, &p->drv, p->want))
		return false;
	/* what the device took (a host-managed zoned disk needs VIRTIO_BLK_F_ZONED too): asked again after the reset */
	memcpy(p->want, p->drv.features, sizeof(p->want));
	for (unsigned i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if ((flags & wanted[i].flag) && !vc_negotiated(&p->drv, wanted[i].bit)) {
			vc_skip(c, "%s is not offered", vc_feature_name(wanted[i].bit));
			return false;
		}
	return true;
}

bool probe_start(struct vc_ctx *c, struct probe *p, unsigned flags, uint16_t size)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->c = c;
	if (!probe_ok(c, vc_dma_guard(c->dev), "DMA guards") || !negotiate(c, p, flags))
		return false;
	if ((rc = vc_request_make(&p->drv, &p->req)) == -ENOTSUP) {
		vc_skip(c, "the harness has no request for device type %u", c->probe->virtio_type);
		return false;
	}
	if (!probe_ok(c, rc, "request set-up") || !probe_ok(c, vc_dma_alloc(c->dev, 4096, 16, &p->scratch), "DMA"))
		return false;
	if ((flags & PROBE_ENABLE_FIRST) &&      /* the hostile order: enable, then the addresses */
	    (!vc_ctx_common_write(c, COMMON_queue_select, 2, p->req.queue) ||
	     !vc_ctx_common_write(c, COMMON_queue_enable, 2, 1)))
		return false;
	if (!probe_ok(c, vc_vq_setup(&p->drv, p->req.queue, size, &p->vq), "queue set-up") ||
	    (!(flags & (PROBE_ENABLE_FIRST | PROBE_NO_ENABLE)) && !probe_ok(c, vc_vq_enable(&p->drv, &p->vq), "queue enable")))
		return false;
	uint16_t o = flags & PROBE_ALONE ? 0xffff : probe_another_queue(p);
	if (o != 0xffff) {
		if (!probe_ok(c, vc_vq_setup(&p->drv, o, PROBE_OTHER_SIZE, &p->other), "queue set-up") ||
		    !probe_ok(c, vc_vq_enable(&p->drv, &p->other), "queue enable"))
			return false;
		p->other_len = (size_t)(p->other.device - p->other.desc) + (p->other.packed ? 4 : 6u + 8u * p->other.size);
		if (p->other_len > sizeof(p->other_rings))
			p->other.size = 0;
	}
	if (!(flags & (PROBE_NO_DRIVER_OK | PROBE_NO_ENABLE)) &&
	    !probe_ok(c, vc_status_add(&p->drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK"))
		return false;
	return snapshot_other(p, p->other_rings);
}

/* Raw descriptors */

void probe_desc_bytes(uint8_t *e, uint64_t addr, uint32_t len, uint16_t w12, uint16_t w14)
{
	for (unsigned i = 0; i < 8; i++)
		e[i] = (uint8_t)(addr >> 8 * i);
	for (unsigned i = 0; i < 4; i++)
		e[8 + i] = (uint8_t)(len >> 8 * i);
	e[12] = (uint8_t)w12, e[13] = (uint8_t)(w12 >> 8), e[14] = (uint8_t)w14, e[15] = (uint8_t)(w14 >> 8);
}

bool probe_put16(struct probe *p, uint64_t at, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	return probe_ok(p->c, vc_dma_write(p->c->dev, at, b, 2), "DMA write");
}

bool probe_put_desc(struct probe *p, uint16_t slot, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t e[16];

	probe_desc_bytes(e, addr, len, flags, next);
	return probe_ok(p->c, vc_dma_write(p->c->dev, p->vq.desc + 16u * slot, e, 16), "DMA write");
}

bool probe_publish(struct probe *p, uint16_t head)
{
	if (!probe_put16(p, p->vq.driver + 4 + 2u * (p->vq.avail_idx % p->vq.size), head))
		return false;
	p->vq.avail_idx++;
	return probe_put16(p, p->vq.driver + 2, p->vq.avail_idx);
}

static bool chain_split(struct probe *p, const struct probe_desc *d, unsigned n)
{
	uint16_t head = p->vq.next_desc;

	for (unsigned i = 0; i < n; i++) {
		uint16_t slot = (uint16_t)((head + i) % p->vq.size);
		uint16_t next = d[i].next == PROBE_NEXT_AUTO ? (uint16_t)((slot + 1) % p->vq.size) : d[i].next;
		if (!probe_put_desc(p, slot, d[i].addr, d[i].len, d[i].flags, next))
			return false;
	}
	p->vq.next_desc = (uint16_t)((head + n) % p->vq.size);
	return probe_publish(p, head);
}

static bool chain_packed(struct probe *p, const struct probe_desc *d, unsigned n, bool exact, uint16_t id)
{
	uint8_t head[16];
	uint64_t first = p->vq.desc + 16u * p->vq.next_avail;

	for (unsigned i = 0; i < n; i++) {
		uint16_t bits = exact ? 0 : p->vq.avail_wrap ? P_AVAIL : P_USED;
		uint8_t e[16];
		probe_desc_bytes(i ? e : head, d[i].addr, d[i].len, id, (uint16_t)(d[i].flags | bits));
		if (i && !probe_ok(p->c, vc_dma_write(p->c->dev, p->vq.desc + 16u * p->vq.next_avail, e, 16), "DMA write"))
			return false;
		if (++p->vq.next_avail == p->vq.size) {
			p->vq.next_avail = 0;
			p->vq.avail_wrap = !p->vq.avail_wrap;
		}
	}
	return probe_ok(p->c, vc_dma_write(p->c->dev, first, head, 16), "DMA write");
}

bool probe_chain(struct probe *p, const struct probe_desc *d, unsigned n, bool exact, uint16_t id)
{
	return p->vq.packed ? chain_packed(p, d, n, exact, id) : chain_split(p, d, n);
}

bool probe_table(struct probe *p, const struct probe_desc *d, unsigned n, uint64_t *at)
{
	uint8_t e[16];

	if (!probe_ok(p->c, vc_dma_alloc(p->c->dev, 16u * (n ? n : 1), 16, at), "DMA"))
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (p->vq.packed)
			probe_desc_bytes(e, d[i].addr, d[i].len, 0, d[i].flags);
		else
			probe_desc_bytes(e, d[i].addr, d[i].len, d[i].flags,
					 d[i].next == PROBE_NEXT_AUTO ? (uint16_t)(i + 1) : d[i].next);
		if (!probe_ok(p->c, vc_dma_write(p->c->dev, *at + 16u * i, e, 16), "DMA write"))
			return false;
	}
	return true;
}

unsigned probe_request_descs(const struct probe *p, struct probe_desc *d)
{
	for (unsigned i = 0; i < p->req.n; i++)
		d[i] = (struct probe_desc){ p->req.bufs[i].addr, p->req.bufs[i].len,
					    (uint16_t)((i + 1 < p->req.n ? F_NEXT : 0) | (p->req.bufs[i].writable ? F_WRITE : 0)),
					    PROBE_NEXT_AUTO };
	return p->req.n;
}

/* Sanity */

void probe_settle(struct probe *p)
{
	struct timespec ts = { 0, 1000000 };

	for (uint64_t end = vc_now_ms() + vc_quiet_ms(&p->drv, PROBE_SETTLE_MS); vc_now_ms() < end;)
		nanosleep(&ts, NULL);
}

bool probe_guards_intact(struct probe *p, const char *after)
{
	uint64_t where;
	uint8_t got;
	int rc = vc_dma_guard_check(p->c->dev, &where, &got);

	if (rc == -EFAULT) {
		probe_fail(p, "memory", "after %s the device wrote outside the buffers and rings it was given", after);
		vc_observed(p->c, "byte 0x%02x at bus address 0x%llx, between two allocations", got,
			    (unsigned long long)where);
		vc_expected(p->c, "the guard canary there untouched");
	}
	return rc == -EFAULT ? false : probe_answers(p, rc, after);
}

/* Byte i of the bystander queue's rings is in a notification suppression
 * field the device writes whenever it likes (split: used->flags and
 * avail_event; packed: the device event suppression structure) and the
 * structure still holds a defined value: not a write into the rings.
 * QEMU's virtio-crypto turns the data queue's notifications off and on
 * from a bottom half, whatever the probe did to the control queue. */
static bool suppression_write(const struct probe *p, size_t i, const uint8_t *now)
{
	size_t dev = (size_t)(p->other.device - p->other.desc);

	if (i < dev)
		return false;
	if (p->other.packed)      /* flags: 0 enable, 1 disable, 2 desc (with EVENT_IDX); the rest reserved */
		return i < dev + 4 && (now[dev + 2] | now[dev + 3] << 8) <= 2;
	if (i < dev + 2)          /* used->flags: VRING_USED_F_NO_NOTIFY is bit 0, the rest reserved */
		return (now[dev] | now[dev + 1] << 8) <= 1;
	return i >= dev + 4u + 8u * p->other.size && i < dev + 6u + 8u * p->other.size;
}

bool probe_sane(struct probe *p, const char *after)
{
	static const unsigned fields[][2] = { { COMMON_device_status, 1 }, { COMMON_config_generation, 1 },
					      { COMMON_num_queues, 2 }, { COMMON_device_feature, 4 } };
	static uint8_t now[sizeof(((struct probe *)0)->other_rings)];
	uint64_t v, status = 0;

	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!probe_common_read(p, fields[i][0], fields[i][1], &v, after))
			return false;
	vc_common_read(p->c->dev, p->c->probe, COMMON_device_status, 1, &status);
	if (status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		vc_note(p->c, "the device set DEVICE_NEEDS_RESET (allowed)");
	if (!probe_guards_intact(p, after) || !snapshot_other(p, now))
		return false;
	for (size_t i = 0; p->other.size && i < p->other_len; i++)
		if (now[i] != p->other_rings[i] && !suppression_write(p, i, now)) {
			probe_fail(p, "memory", "after %s the device wrote into queue %u's rings, which had no buffer "
				   "available", after, p->other.index);
			vc_observed(p->c, "byte %zu of its rings changed from 0x%02x to 0x%02x", i, p->other_rings[i], now[i]);
			vc_expected(p->c, "queue %u untouched", p->other.index);
			return false;
		}
	return true;
}

bool probe_request_used(struct probe *p, const struct vc_request *req, const char *when)
{
	uint16_t id, got;
	uint32_t len;
	int rc;

	if (!probe_ok(p->c, vc_vq_add(&p->drv, &p->vq, req->bufs, req->n, &id), "vq add") ||
	    !probe_answers(p, vc_vq_kick(&p->drv, &p->vq), when))
		return false;
	rc = vc_vq_wait_used(&p->drv, &p->vq, p->c->dev->timeout_ms, &got, &len);
	if (rc == -ETIMEDOUT || !probe_answers(p, rc, when))
		return false;
	/* its used len is the spec clauses' business (virtqueue.split.used.*) */
	if (got != id) {         /* a used element for a buffer not made available: written where it was not asked */
		probe_fail(p, "memory", "%s, another buffer came back than the %s", when, req->what);
		vc_observed(p->c, "used id %u, len %u", got, len);
		vc_expected(p->c, "id %u", id);
		return false;
	}
	return true;
}

bool probe_needs_reset(struct probe *p, const char *after)
{
	uint64_t status = 0;

	if (p->c->r->status != VC_PASS || !probe_common_read(p, COMMON_device_status, 1, &status, after))
		return false;
	if (status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return true;
	probe_fail(p, "dos", "after %s, queue %u no longer used a well-notified %s within %u ms, and the device did not "
		   "set DEVICE_NEEDS_RESET", after, p->vq.index, p->req.what, p->c->dev->timeout_ms);
	return false;
}

void probe_recovers(struct probe *p, const char *after)
{
	struct vc_request req;
	struct vc_vq with;
	int rc = vc_start(&p->drv, p->want);

	if (rc == -ETIMEDOUT) {
		probe_fail(p, "hang", "after %s, a reset did not complete within %u ms: the device no longer answers",
			   after, p->c->dev->timeout_ms);
		return;
	}
	if (!probe_answers(p, rc == -EPROTO ? 0 : rc, after))
		return;
	if (rc == -EPROTO) {
		probe_fail(p, "dos", "after %s and a reset, the device refused the features it accepted before", after);
		return;
	}
	if (!probe_ok(p->c, vc_request_make(&p->drv, &req), "request set-up") ||
	    !probe_ok(p->c, vc_vq_setup(&p->drv, req.queue, 0, &p->vq), "queue set-up") ||
	    !probe_ok(p->c, vc_vq_enable(&p->drv, &p->vq), "queue enable") ||
	    /* the queue a driver sets up beside it (a NIC's receiveq1: DPDK serves neither without both) */
	    (req.with_queue && (!probe_ok(p->c, vc_vq_setup(&p->drv, req.with_queue - 1, 0, &with), "queue set-up") ||
				!probe_ok(p->c, vc_vq_enable(&p->drv, &with), "queue enable"))) ||
	    !probe_ok(p->c, vc_status_add(&p->drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK"))
		return;
	if (!probe_request_used(p, &req, "after a reset")) {
		if (p->c->r->status == VC_PASS)
			probe_fail(p, "dos", "after %s and a reset, the device no longer used a %s within %u ms", after,
				   req.what, p->c->dev->timeout_ms);
		return;
	}
	if (!probe_guards_intact(p, after))
		return;
	/* and it resets again: a device wedged by what it saw may still have served once */
	if ((rc = vc_reset(&p->drv)) == -ETIMEDOUT)
		probe_fail(p, "hang", "after %s, the device served again, but the next reset did not complete within %u ms",
			   after, p->c->dev->timeout_ms);
	else
		probe_answers(p, rc, after);
}

void probe_after(struct probe *p, const char *what)
{
	probe_settle(p);
	if (probe_sane(p, what))
		probe_recovers(p, what);
}

void probe_kick(struct probe *p, const char *what)
{
	if (probe_answers(p, vc_vq_kick(&p->drv, &p->vq), what))
		probe_after(p, what);
}

/* Doorbells */

uint64_t probe_notify_at(const struct probe *p, uint16_t notify_off)
{
	return (uint64_t)notify_off * p->c->probe->notify->notify_off_multiplier;
}

bool probe_doorbell(struct probe *p, uint64_t off, unsigned width, uint64_t value, const char *what)
{
	const struct vc_vcap *n = p->c->probe->notify;

	return probe_answers(p, vc_bar_write(p->c->dev, n->bar, n->offset + off, width, value), what);
}
