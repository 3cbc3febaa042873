/* CAN device: transmission (Device Types / CAN Device / Device Operation /
 * CAN Message Transmission). Frames of a type not negotiated or with an
 * undefined flag, frames whose can_id or length is out of range and frames
 * while the controller is STOPPED are answered NOT_OK and never reach the
 * bus: the bus partner (host action can-recv) receives the valid frames
 * sent around them and none of these. With LATE_TX_ACK a frame is used
 * only once a node acknowledged it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "can.h"
#include "vc/devtypes/host.h"

#define RUN_MAX 8

/* Frames sent in order: the valid ones must be answered OK (else the
 * rejections tell nothing), the others NOT_OK; `stopped`: the controller
 * is STOPPED for that frame (it starts so; START and STOP go between). */
struct run {
	struct vc_can_frame f[RUN_MAX];
	const char *what[RUN_MAX];
	bool stopped[RUN_MAX], valid[RUN_MAX];
	uint8_t result[RUN_MAX];
	unsigned n;
};

static void add(struct run *r, struct vc_can_frame f, bool valid, bool stopped, const char *what)
{
	r->f[r->n] = f;
	r->what[r->n] = what;
	r->valid[r->n] = valid;
	r->stopped[r->n++] = stopped;
}

static bool send_run(struct vc_ctx *c, struct can *s, struct run *r, bool on_bus)
{
	struct vc_can_frame old[CAN_MAX_FRAMES];
	bool started = false;
	unsigned n;

	if (on_bus && !can_captured(c, old, CAN_MAX_FRAMES, &n))    /* what earlier clauses left */
		return false;
	for (unsigned i = 0; i < r->n; i++) {
		if (r->stopped[i] == started &&
		    !can_mode(c, s, started ? VIRTIO_CAN_SET_CTRL_MODE_STOP : VIRTIO_CAN_SET_CTRL_MODE_START))
			return false;
		started = !r->stopped[i];
		if (!can_tx(c, s, &r->f[i], 1, &r->result[i]))
			return false;
	}
	for (unsigned i = 0; i < r->n; i++)
		if (r->valid[i] && r->result[i] != VIRTIO_CAN_RESULT_OK) {
			vc_skip(c, "a valid frame (%s, can_id 0x%x) was answered result %u: the rejections tell nothing",
				r->what[i], r->f[i].can_id, r->result[i]);
			return false;
		}
	return true;
}

static void rejected(struct vc_ctx *c, const struct run *r)
{
	for (unsigned i = 0; i < r->n; i++)
		if (!r->valid[i] && r->result[i] != VIRTIO_CAN_RESULT_NOT_OK) {
			vc_fail(c, "%s was answered result %u", r->what[i], r->result[i]);
			vc_observed(c, "result %u", r->result[i]);
			vc_expected(c, "VIRTIO_CAN_RESULT_NOT_OK (1): the frame rejected");
			return;
		}
}

/* The partner's capture up to the last valid frame holds no other. */
static void not_sent(struct vc_ctx *c, const struct run *r)
{
	struct vc_can_frame got[CAN_MAX_FRAMES];
	unsigned n, last = r->n;

	while (last-- > 0 && !r->valid[last])
		;
	if (!can_captured_until(c, r->f[last].can_id, got, CAN_MAX_FRAMES, &n))
		return;
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i < r->n; i++)
			if (!r->valid[i] && got[k].can_id == r->f[i].can_id) {
				vc_fail(c, "%s reached the bus (the partner received can_id 0x%x)", r->what[i], got[k].can_id);
				vc_observed(c, "frame %u of %u on the bus: can_id 0x%x, flags 0x%x, length %u", k + 1, n,
					    got[k].can_id, got[k].flags, got[k].length);
				vc_expected(c, "only the frames answered OK on the bus");
				return;
			}
}

static void judge(struct vc_ctx *c, struct can *s, struct run *r, bool on_bus)
{
	if (!send_run(c, s, r, on_bus))
		return;
	if (on_bus)
		not_sent(c, r);
	else
		rejected(c, r);
}

/* CAN_CLASSIC alone negotiated: an FD frame, an RTR frame and one with an
 * undefined flag bit between valid classic frames. */
static void unnegotiated(struct vc_ctx *c, bool on_bus)
{
	struct run r = { .n = 0 };
	struct can s;

	if (!can_open(c, &s, DS_F(VIRTIO_CAN_F_CAN_CLASSIC), 0))
		return;
	add(&r, can_frame(0x101, 0, 2, 0x10), true, false, "a classic frame");
	add(&r, can_frame(0x102, VIRTIO_CAN_FLAGS_FD, 12, 0x20), false, false,
	    "a CAN FD frame without VIRTIO_CAN_F_CAN_FD");
	add(&r, can_frame(0x103, VIRTIO_CAN_FLAGS_RTR, 0, 0), false, false,
	    "an RTR frame without VIRTIO_CAN_F_RTR_FRAMES");
	add(&r, can_frame(0x104, 0x1000, 1, 0x30), false, false, "a frame with the undefined flags bit 0x1000");
	add(&r, can_frame(0x105, 0, 1, 0x40), true, false, "a classic frame");
	judge(c, &s, &r, on_bus);
}

/* A frame before the first START and one after a STOP (the controller
 * STOPPED), can_id 0x800 standard and 0x20000000 extended, and a classic
 * frame of 9 bytes, between valid ones. */
static void invalid(struct vc_ctx *c, bool on_bus)
{
	struct run r = { .n = 0 };
	struct can s;

	if (!can_open(c, &s, DS_F(VIRTIO_CAN_F_CAN_CLASSIC), 0))
		return;
	add(&r, can_frame(0x201, 0, 2, 0x11), false, true, "a frame before the first START (the controller STOPPED)");
	add(&r, can_frame(0x202, 0, 2, 0x21), true, false, "a classic frame");
	add(&r, can_frame(0x800, 0, 2, 0x31), false, false, "a frame with the standard can_id 0x800");
	add(&r, can_frame(0x20000000, VIRTIO_CAN_FLAGS_EXTENDED, 2, 0x41), false, false,
	    "a frame with the extended can_id 0x20000000");
	add(&r, can_frame(0x203, 0, 9, 0x51), false, false, "a classic frame of 9 bytes");
	add(&r, can_frame(0x204, 0, 2, 0x61), false, true, "a frame after STOP (the controller STOPPED)");
	add(&r, can_frame(0x205, 0, 2, 0x71), true, false, "a classic frame after START again");
	judge(c, &s, &r, on_bus);
}

static void unnegotiated_rejected(struct vc_ctx *c) { unnegotiated(c, false); }
static void unnegotiated_not_sent(struct vc_ctx *c) { unnegotiated(c, true); }
static void invalid_rejected(struct vc_ctx *c) { invalid(c, false); }
static void invalid_not_sent(struct vc_ctx *c) { invalid(c, true); }

static bool partner(struct vc_ctx *c, bool on)
{
	return ds_host(c, VC_HOST_CAN_PARTNER, on ? "on" : "off", NULL, 0);
}

/* The frame made available while no node can acknowledge it: true when
 * it is still held after a while, as LATE_TX_ACK asks. */
static bool held(struct vc_ctx *c, struct can *s, const struct vc_can_frame *f, struct vc_can_tx *t)
{
	if (!ds_ok(c, vc_can_send(&s->d, f, t), "making a frame available on the Txq failed"))
		return false;
	int rc = vc_dev_wait(&s->d, &t->r, vc_has(c->dev, VC_SYNC) ? 20 : 500);
	if (rc == -ETIMEDOUT)
		return true;
	if (!ds_ok(c, rc, "waiting on the Txq failed"))
		return false;
	if (t->result == VIRTIO_CAN_RESULT_OK) {
		vc_fail(c, "with VIRTIO_CAN_F_LATE_TX_ACK a frame was used OK while no node on the bus could acknowledge it");
		vc_observed(c, "result OK, the bus partner off the bus");
		vc_expected(c, "the request used only after the transmission was acknowledged");
	} else {
		vc_skip(c, "the frame nobody acknowledged was answered result %u before the partner was back", t->result);
	}
	return false;
}

/* With LATE_TX_ACK and no other node on the bus a frame is not used OK;
 * once the partner is back it is, and the partner has it. */
static void late_ack(struct vc_ctx *c)
{
	struct vc_can_frame f = can_frame(0x301, 0, 4, 0x77), got[CAN_MAX_FRAMES];
	struct vc_can_tx t;
	struct can s;
	unsigned n;

	if (!can_open(c, &s, DS_F(VIRTIO_CAN_F_CAN_CLASSIC) | DS_F(VIRTIO_CAN_F_LATE_TX_ACK), 0) ||
	    !can_mode(c, &s, VIRTIO_CAN_SET_CTRL_MODE_START) || !can_captured(c, got, CAN_MAX_FRAMES, &n) ||
	    !partner(c, false))
		return;
	bool go_on = held(c, &s, &f, &t);
	if (!partner(c, true) || !go_on || !ds_wait(c, &s.d, &t.r, "frame acknowledged by the partner"))
		return;
	if (t.result != VIRTIO_CAN_RESULT_OK) {
		vc_fail(c, "the frame the partner acknowledged was answered result %u", t.result);
		vc_expected(c, "VIRTIO_CAN_RESULT_OK once acknowledged");
		return;
	}
	can_captured_until(c, f.can_id, got, CAN_MAX_FRAMES, &n);
}

static const struct vc_clause clauses[] = {
	{ "can.tx.unnegotiated-rejected", L_CAN_TX, VC_MUST, VC_DEVICE_RULE, "1.4", CAN_NEEDS, "CAN-TX-DEV-1",
	  "With CAN_CLASSIC alone negotiated, a CAN FD frame, an RTR frame and a frame with an undefined flags bit are "
	  "answered NOT_OK (the classic frames around them OK).", NULL, unnegotiated_rejected,
	  VC_REQ(VIRTIO_CAN_F_CAN_CLASSIC), 3, NULL, CAN_TARGETS },
	{ "can.tx.unnegotiated-not-sent", L_CAN_TX, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", CAN_NEEDS, "CAN-TX-DEV-2",
	  "Those frames never reach the bus: the bus partner receives the classic frames around them and none of "
	  "them.", NULL, unnegotiated_not_sent, VC_REQ(VIRTIO_CAN_F_CAN_CLASSIC), 3, NULL, CAN_TARGETS },
	{ "can.tx.invalid-rejected", L_CAN_TX, VC_MUST, VC_DEVICE_RULE, "1.4", CAN_NEEDS, "CAN-TX-DEV-3",
	  "Frames with can_id 0x800 (standard) or 0x20000000 (extended), a classic frame of 9 bytes, and frames while "
	  "the controller is STOPPED (before START, after STOP) are answered NOT_OK.", NULL, invalid_rejected,
	  VC_REQ(VIRTIO_CAN_F_CAN_CLASSIC), 3, NULL, CAN_TARGETS },
	{ "can.tx.invalid-not-sent", L_CAN_TX, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", CAN_NEEDS, "CAN-TX-DEV-4",
	  "Those frames never reach the bus: the bus partner receives the valid frames around them and none of them.",
	  NULL, invalid_not_sent, VC_REQ(VIRTIO_CAN_F_CAN_CLASSIC), 3, NULL, CAN_TARGETS },
	{ "can.tx.late-ack", L_CAN_TX, VC_MUST, VC_DEVICE_RULE, "1.4", CAN_NEEDS, "CAN-TX-DEV-5",
	  "With LATE_TX_ACK, a frame sent while the bus partner is off the bus is not used OK; once the partner is "
	  "back it is used OK and the partner has it.", NULL, late_ack,
	  VC_REQ(VIRTIO_CAN_F_CAN_CLASSIC) | VC_REQ(VIRTIO_CAN_F_LATE_TX_ACK), 3, NULL, CAN_TARGETS },
};
VC_DEVICE_SUITE(suite_can_transmit, clauses, VIRTIO_ID_CAN);
