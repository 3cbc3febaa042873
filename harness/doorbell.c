/* The one doorbell. Every available-buffer notification the harness makes
 * is formatted and written here, and recorded when a trace is on. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vc/driver.h"
#include "vc/trace.h"

/* Self-test hook: VC_SELFTEST_DOORBELL_FAULT makes the harness's own
 * doorbell wrong on purpose, so that tests can show every driver-side
 * notification clause failing. Never set it for a real run. */
enum selftest { ST_UNREAD = -1, ST_NONE, ST_WRONG_WIDTH, ST_WRONG_VQN, ST_WRONG_NEXT_OFF, ST_NO_WRAP };

static enum selftest selftest(void)
{
	static enum selftest st = ST_UNREAD;
	static const char *const names[] = { [ST_WRONG_WIDTH] = "wrong-width", [ST_WRONG_VQN] = "wrong-vqn",
					      [ST_WRONG_NEXT_OFF] = "wrong-next-off", [ST_NO_WRAP] = "no-wrap" };

	if (st == ST_UNREAD) {
		const char *e = getenv("VC_SELFTEST_DOORBELL_FAULT");
		st = ST_NONE;
		for (unsigned i = ST_WRONG_WIDTH; e && i <= ST_NO_WRAP; i++)
			if (!strcmp(e, names[i]))
				st = (enum selftest)i;
	}
	return st;
}

/* The notification value ("Available Buffer Notifications"):
 * without VIRTIO_F_NOTIFICATION_DATA a 16-bit vqn; with it 32 bits:
 * vqn | next_off << 16 | next_wrap << 31. vqn is the queue index, or
 * queue_notif_config_data with VIRTIO_F_NOTIF_CONFIG_DATA, or (draft
 * profile) the notify capability's notify_data. */
static uint16_t vqn(const struct vc_driver *drv, const struct vc_vq *vq, bool *draft)
{
	const struct vc_vcap *n = drv->p->notify;

	*draft = false;
	if (drv->draft_notify_data && n && n->has_draft_notify_data && n->notify_data_valid &&
	    vc_negotiated(drv, VIRTIO_F_NOTIFICATION_DATA)) {
		*draft = true;
		return n->notify_data;
	}
	return vc_negotiated(drv, VIRTIO_F_NOTIF_CONFIG_DATA) ? vq->notif_config_data : vq->index;
}

int vc_vq_kick(struct vc_driver *drv, struct vc_vq *vq)
{
	const struct vc_vcap *n = drv->p->notify;
	struct vc_doorbell db = { 0 };
	enum selftest st = drv->runner ? ST_NONE : selftest();
	int rc;

	if (!n)
		return -ENOENT;
	db.queue = vq->index;
	db.bar = n->bar;
	db.offset = n->offset + (uint64_t)vq->notify_off * n->notify_off_multiplier;
	db.notification_data = vc_negotiated(drv, VIRTIO_F_NOTIFICATION_DATA);
	db.notif_config_data = vc_negotiated(drv, VIRTIO_F_NOTIF_CONFIG_DATA);
	db.packed = vq->packed;
	db.value = (uint16_t)(vqn(drv, vq, &db.draft) + (st == ST_WRONG_VQN));
	db.width = (db.notification_data ? 4 : 2) ^ (st == ST_WRONG_WIDTH ? 6 : 0);
	if (db.notification_data) {
		/* split: the avail index, 15 bits plus bit 15 as next_wrap;
		 * packed: the next slot to fill and its wrap counter */
		uint32_t next_off = (vq->packed ? vq->next_avail : vq->avail_idx) & 0x7fffu;
		uint32_t next_wrap = vq->packed ? vq->avail_wrap : vq->avail_idx >> 15;
		if (st == ST_WRONG_NEXT_OFF)
			next_off = (next_off + 1) & 0x7fffu;
		if (st == ST_NO_WRAP)
			next_wrap = 0;
		db.value |= next_off << 16 | next_wrap << 31;
	}
	if (drv->trace) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		db.t_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		db.clause = drv->trace->clause;
	}
	if ((rc = vc_bar_write(drv->dev, db.bar, db.offset, db.width, db.value)))
		return rc;
	if (drv->trace)
		vc_trace_record(drv->trace, &db);
	return 0;
}

void vc_trace_record(struct vc_trace *t, const struct vc_doorbell *db)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		struct vc_doorbell *r = realloc(t->rec, cap * sizeof(*r));
		if (!r)
			return;      /* a trace that cannot grow loses records, never the run */
		t->rec = r;
		t->cap = cap;
	}
	t->rec[t->n++] = *db;
}

void vc_trace_free(struct vc_trace *t)
{
	free(t->rec);
	memset(t, 0, sizeof(*t));
}
