/* Input device: events from the host (Device Types / Input Device /
 * Device Operation): an update injected on the host side (QMP
 * input-send-event on QEMU) arrives in the eventq buffers as evdev
 * events, whole and ended by EV_SYN. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/host.h"
#include "vc/devtypes/input.h"

#define L_INPUT_OP "Device Types / Input Device / Device Operation"
#define MAX_EVENTS DS_STREAM_MAX

/* One update the host injects and the events it must arrive as. */
struct update {
	char arg[48];
	struct vc_input_event ev[4];
	unsigned n;
};

/* Two updates of the kind the device reports (EV_BITS): absolute axes,
 * relative ones, or a key (pressed, then released). */
static bool pick_updates(struct vc_ctx *c, struct vc_dev *d, struct update up[2])
{
	uint8_t size, abs[128], rel[128], key[128];
	static const int xy[2][2] = { { 1234, 2345 }, { 4321, 5432 } }, dxy[2][2] = { { 5, -3 }, { -7, 2 } };

	if (!ds_ok(c, vc_input_query(d, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &size, abs), "querying EV_BITS failed"))
		return false;
	memset(up, 0, 2 * sizeof(*up));
	if (vc_input_bit(abs, size, ABS_X) && vc_input_bit(abs, size, ABS_Y)) {
		for (unsigned i = 0; i < 2; i++) {
			snprintf(up[i].arg, sizeof(up[i].arg), "abs %d %d", xy[i][0], xy[i][1]);
			up[i].ev[0] = (struct vc_input_event){ EV_ABS, ABS_X, (uint32_t)xy[i][0] };
			up[i].ev[1] = (struct vc_input_event){ EV_ABS, ABS_Y, (uint32_t)xy[i][1] };
			up[i].n = 3;
		}
		return true;
	}
	if (!ds_ok(c, vc_input_query(d, VIRTIO_INPUT_CFG_EV_BITS, EV_REL, &size, rel), "querying EV_BITS failed"))
		return false;
	if (vc_input_bit(rel, size, REL_X) && vc_input_bit(rel, size, REL_Y)) {
		for (unsigned i = 0; i < 2; i++) {
			snprintf(up[i].arg, sizeof(up[i].arg), "rel %d %d", dxy[i][0], dxy[i][1]);
			up[i].ev[0] = (struct vc_input_event){ EV_REL, REL_X, (uint32_t)dxy[i][0] };
			up[i].ev[1] = (struct vc_input_event){ EV_REL, REL_Y, (uint32_t)dxy[i][1] };
			up[i].n = 3;
		}
		return true;
	}
	if (!ds_ok(c, vc_input_query(d, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY, &size, key), "querying EV_BITS failed"))
		return false;
	if (!vc_input_bit(key, size, KEY_A)) {
		vc_skip(c, "the device reports neither absolute nor relative X/Y axes nor KEY_A (EV_BITS): the "
			   "harness has no update to inject");
		return false;
	}
	for (unsigned i = 0; i < 2; i++) {
		snprintf(up[i].arg, sizeof(up[i].arg), "key a %u", 1 - i);
		up[i].ev[0] = (struct vc_input_event){ EV_KEY, KEY_A, 1 - i };
		up[i].n = 2;
	}
	return true;
}

struct events {
	struct ds_stream s;
	struct vc_input_event got[MAX_EVENTS];
	unsigned ngot;
};

static bool post(struct vc_ctx *c, struct vc_dev *d, struct events *e, unsigned n)
{
	e->s.q = VIRTIO_INPUT_EVENTQ;
	e->s.len = VC_INPUT_EVENT_SIZE;
	return ds_stream_post(c, d, &e->s, n);
}

/* Every event delivered so far (used ring order), until none comes within ms. */
static bool collect(struct vc_ctx *c, struct vc_dev *d, struct events *e, unsigned ms)
{
	for (;;) {
		int k = ds_stream_next(c, d, &e->s, ms);
		if (k < 0)
			return k == -1;
		if (e->s.req[k].used < VC_INPUT_EVENT_SIZE) {
			vc_fail(c, "an event buffer came back with used length %u", e->s.req[k].used);
			vc_observed(c, "used length %u", e->s.req[k].used);
			vc_expected(c, "%u (struct virtio_input_event)", VC_INPUT_EVENT_SIZE);
			return false;
		}
		if (e->ngot < MAX_EVENTS)
			e->got[e->ngot++] = vc_input_event_decode(e->s.buf[k]);
	}
}

static bool same(const struct vc_input_event *a, const struct vc_input_event *b)
{
	return a->type == b->type && a->code == b->code && a->value == b->value;
}

static void describe(char *out, size_t len, const struct vc_input_event *ev, unsigned n)
{
	size_t at = 0;

	out[0] = 0;
	for (unsigned i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(out + at, len - at, "%s%u/%u/%d", i ? " " : "", ev[i].type, ev[i].code,
				       (int32_t)ev[i].value);
	if (!n)
		snprintf(out, len, "no event");
}

static bool open_events(struct vc_ctx *c, struct vc_dev *d, struct update up[2])
{
	return ds_open(c, d, 0, 0, DS_Q(VIRTIO_INPUT_EVENTQ), false) && pick_updates(c, d, up);
}

static bool inject(struct vc_ctx *c, const struct update *u)
{
	return ds_host(c, VC_HOST_INPUT_SEND, u->arg, NULL, 0);
}

/* With buffers to spare, an update arrives as the events injected, the
 * last an EV_SYN/SYN_REPORT. */
static void sequence_ends_syn(struct vc_ctx *c)
{
	static struct events e;
	struct update up[2];
	struct vc_dev d;
	char seen[256];

	memset(&e, 0, sizeof(e));
	if (!open_events(c, &d, up) || !post(c, &d, &e, 12) || !inject(c, &up[0]) ||
	    !collect(c, &d, &e, vc_quiet_ms(&d.drv, 500)))
		return;
	describe(seen, sizeof(seen), e.got, e.ngot);
	if (e.ngot == 0) {
		vc_fail(c, "the injected update (%s) never arrived, with 12 event buffers available", up[0].arg);
		vc_observed(c, "no event");
		vc_expected(c, "its events, then EV_SYN");
		return;
	}
	for (unsigned i = 0; i + 1 < up[0].n; i++) {
		if (i >= e.ngot || !same(&e.got[i], &up[0].ev[i])) {
			vc_fail(c, "the injected update (%s) arrived as other events", up[0].arg);
			vc_observed(c, "%s (type/code/value)", seen);
			describe(seen, sizeof(seen), up[0].ev, up[0].n);
			vc_expected(c, "%s", seen);
			return;
		}
	}
	const struct vc_input_event *last = &e.got[e.ngot - 1];
	if (e.ngot != up[0].n || last->type != EV_SYN || last->code != SYN_REPORT) {
		vc_fail(c, "the update's events are not ended by EV_SYN/SYN_REPORT");
		vc_observed(c, "%s (type/code/value)", seen);
		vc_expected(c, "the events, then 0/0/0");
	}
}

/* With one event buffer for an update of several events, the update is
 * buffered or dropped whole: what arrives, once buffers are plenty and a
 * second update follows, is whole updates only. */
static void sequence_whole(struct vc_ctx *c)
{
	static struct events e;
	struct update up[2];
	struct vc_dev d;
	char seen[256];

	memset(&e, 0, sizeof(e));
	if (!open_events(c, &d, up) || !post(c, &d, &e, 1) || !inject(c, &up[0]) ||
	    !collect(c, &d, &e, vc_quiet_ms(&d.drv, 300)) || !post(c, &d, &e, 12) || !inject(c, &up[1]) ||
	    !collect(c, &d, &e, vc_quiet_ms(&d.drv, 500)))
		return;
	describe(seen, sizeof(seen), e.got, e.ngot);
	unsigned at = 0, whole[2] = { 0, 0 };
	while (at < e.ngot) {
		unsigned k = 0;
		for (; k < 2; k++) {
			bool match = at + up[k].n <= e.ngot;
			for (unsigned i = 0; match && i < up[k].n; i++)
				match = same(&e.got[at + i], &up[k].ev[i]);
			if (match)
				break;
		}
		if (k == 2) {
			vc_fail(c, "with one event buffer for an update of %u events, part of an update arrived",
				up[0].n);
			vc_observed(c, "%s (type/code/value), event %u on", seen, at + 1);
			vc_expected(c, "whole updates (%s; %s), or the first dropped whole", up[0].arg, up[1].arg);
			return;
		}
		whole[k]++;
		at += up[k].n;
	}
	if (!whole[1])
		vc_note(c, "the second update (%s) never arrived: %s", up[1].arg, seen);
	else
		vc_note(c, "the first update was %s", whole[0] ? "buffered and delivered whole" : "dropped whole");
}

static const struct vc_clause clauses[] = {
	{ "input.events.sequence-ends-syn", L_INPUT_OP, VC_SHOULD, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "INPUT-OP-DEV-3",
	  "An update injected on the host side arrives in the eventq as its evdev events, ended by "
	  "EV_SYN/SYN_REPORT.", NULL, sequence_ends_syn },
	{ "input.events.sequence-whole", L_INPUT_OP, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "INPUT-OP-DEV-2 INPUT-OP-DEV-1",
	  "An update with too few event buffers is buffered or dropped whole, never delivered in part.", NULL,
	  sequence_whole },
};
VC_DEVICE_SUITE(suite_input_events, clauses, VIRTIO_ID_INPUT);
