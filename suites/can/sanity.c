/* CAN device: what a CAN controller is for, where the spec has no keyword
 * (Device Types / CAN Device / Device Operation): frames sent reach the bus
 * partner as they were sent, frames the partner sends fill the Rxq, and
 * bus-off sets VIRTIO_CAN_S_CTRL_BUSOFF and stops the controller. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "can.h"
#include "vc/devtypes/host.h"

#define L_CAN_SANITY "Sanity: what a CAN device is for (not a spec rule)"


/* A standard and an extended classic frame, an RTR and a 64-byte FD frame
 * where negotiated: OK, and the partner receives each as sent, in order. */
static void tx(struct vc_ctx *c)
{
	struct vc_can_frame f[4], got[CAN_MAX_FRAMES];
	uint8_t result[4];
	unsigned n = 0, k;
	struct can s;

	if (!can_open(c, &s, DS_F(VIRTIO_CAN_F_CAN_CLASSIC), DS_F(VIRTIO_CAN_F_CAN_FD) | DS_F(VIRTIO_CAN_F_RTR_FRAMES)) ||
	    !can_mode(c, &s, VIRTIO_CAN_SET_CTRL_MODE_START) || !can_captured(c, got, CAN_MAX_FRAMES, &k))
		return;
	f[n++] = can_frame(0x123, 0, 8, 0x01);
	f[n++] = can_frame(0x1abcdef0, VIRTIO_CAN_FLAGS_EXTENDED, 3, 0x02);
	if (vc_negotiated(&s.d.drv, VIRTIO_CAN_F_RTR_FRAMES))
		f[n++] = can_frame(0x124, VIRTIO_CAN_FLAGS_RTR, 0, 0);
	if (vc_negotiated(&s.d.drv, VIRTIO_CAN_F_CAN_FD))
		f[n++] = can_frame(0x125, VIRTIO_CAN_FLAGS_FD, 64, 0x03);
	if (!can_tx(c, &s, f, n, result))
		return;
	for (unsigned i = 0; i < n; i++)
		if (result[i] != VIRTIO_CAN_RESULT_OK) {
			vc_fail(c, "valid frame %u of %u (can_id 0x%x, flags 0x%x) was answered result %u", i + 1, n,
				f[i].can_id, f[i].flags, result[i]);
			vc_expected(c, "VIRTIO_CAN_RESULT_OK");
			return;
		}
	if (!can_captured_until(c, f[n - 1].can_id, got, CAN_MAX_FRAMES, &k))
		return;
	for (unsigned i = 0; i < n; i++)
		if (i >= k || !vc_can_same(&got[i], &f[i])) {
			char want[160], saw[160] = "nothing";
			vc_can_format(&f[i], want, sizeof(want));
			if (i < k)
				vc_can_format(&got[i], saw, sizeof(saw));
			vc_fail(c, "frame %u on the bus is not the frame sent", i + 1);
			vc_observed(c, "%s", saw);
			vc_expected(c, "%s (can_id flags sdu)", want);
			return;
		}
}

/* The partner sends an extended and a standard frame: two Rxq buffers
 * come back holding them as VIRTIO_CAN_RX messages, in order. */
static void rx(struct vc_ctx *c)
{
	const struct vc_can_frame sent[2] = { can_frame(0x1234567, VIRTIO_CAN_FLAGS_EXTENDED, 4, 0x0a),
					      can_frame(0x7ff, 0, 8, 0x0b) };
	struct can s;
	char text[160];

	if (!can_open(c, &s, DS_F(VIRTIO_CAN_F_CAN_CLASSIC), 0) || !can_mode(c, &s, VIRTIO_CAN_SET_CTRL_MODE_START))
		return;
	for (unsigned i = 0; i < 2; i++) {
		vc_can_format(&sent[i], text, sizeof(text));
		if (!ds_host(c, VC_HOST_CAN_SEND, text, NULL, 0))
			return;
	}
	for (unsigned i = 0; i < 2; i++) {
		struct vc_can_frame f;
		uint16_t type;
		int k = ds_stream_next(c, &s.d, &s.rx, c->dev->timeout_ms);
		if (k == -1) {
			vc_fail(c, "frame %u the bus partner sent never came in on the Rxq", i + 1);
			vc_expected(c, "an Rxq buffer used with it");
		}
		if (k < 0)
			return;
		int bad = vc_can_decode(s.rx.buf[k], s.rx.req[k].used, &type, &f);
		if (bad || type != VIRTIO_CAN_RX || !vc_can_same(&f, &sent[i])) {
			char saw[160] = "a message shorter than its header and length";
			if (!bad)
				vc_can_format(&f, saw, sizeof(saw));
			vc_can_format(&sent[i], text, sizeof(text));
			vc_fail(c, "Rxq buffer %u does not hold the frame the partner sent", i + 1);
			vc_observed(c, "msg_type 0x%04x, used length %u: %s", type, s.rx.req[k].used, saw);
			vc_expected(c, "msg_type VIRTIO_CAN_RX (0x0101): %s", text);
			return;
		}
	}
}

/* Bus-off while started: the status bit set, and a frame then NOT_OK. */
static void bus_off(struct vc_ctx *c)
{
	struct vc_can_frame f = can_frame(0x401, 0, 1, 0x5);
	uint64_t status = 0, until;
	uint8_t result;
	struct can s;

	if (!can_open(c, &s, DS_F(VIRTIO_CAN_F_CAN_CLASSIC), 0) || !can_mode(c, &s, VIRTIO_CAN_SET_CTRL_MODE_START) ||
	    !ds_host(c, VC_HOST_CAN_BUS_OFF, "", NULL, 0))
		return;
	until = vc_now_ms() + c->dev->timeout_ms;
	for (unsigned i = 0; !(status & VIRTIO_CAN_S_CTRL_BUSOFF); i++) {
		if (!ds_cfg_read(c, &s.d, VIRTIO_CAN_CFG_STATUS, 2, &status))
			return;
		if (vc_now_ms() >= until)
			break;
		vc_poll_pause(i);
	}
	if (!(status & VIRTIO_CAN_S_CTRL_BUSOFF)) {
		vc_fail(c, "after bus-off the configuration's status does not have VIRTIO_CAN_S_CTRL_BUSOFF");
		vc_observed(c, "status 0x%04x", (unsigned)status);
		vc_expected(c, "bit 0 set: the controller stopped by bus-off");
		return;
	}
	if (!can_tx(c, &s, &f, 1, &result))
		return;
	if (result != VIRTIO_CAN_RESULT_NOT_OK) {
		vc_fail(c, "a frame after bus-off (the controller STOPPED) was answered result %u", result);
		vc_expected(c, "VIRTIO_CAN_RESULT_NOT_OK");
	}
}

#define SANITY(id, fn, summary) \
	{ id, L_CAN_SANITY, VC_MAY, VC_SANITY, "1.4", CAN_NEEDS, "", summary, NULL, fn, \
	  VC_REQ(VIRTIO_CAN_F_CAN_CLASSIC), 3, NULL, CAN_TARGETS }

static const struct vc_clause clauses[] = {
	SANITY("can.sanity.tx", tx,
	       "Not a spec rule: standard, extended, RTR and 64-byte FD frames (as negotiated) are answered OK and the "
	       "bus partner receives each as sent, in order."),
	SANITY("can.sanity.rx", rx,
	       "Not a spec rule: an extended and a standard frame the bus partner sends come in on the Rxq as "
	       "VIRTIO_CAN_RX messages holding them, in order."),
	SANITY("can.sanity.bus-off", bus_off,
	       "Not a spec rule: bus-off while started sets VIRTIO_CAN_S_CTRL_BUSOFF, and a frame after it is "
	       "answered NOT_OK."),
};
VC_DEVICE_SUITE(suite_can_sanity, clauses, VIRTIO_ID_CAN);
