/* The CAN clauses' session (can.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "can.h"
#include "vc/devtypes/host.h"

#define RX_BUFFERS 8

bool can_open(struct vc_ctx *c, struct can *s, uint64_t need, uint64_t want)
{
	memset(s, 0, sizeof(*s));
	s->rx.q = VIRTIO_CAN_RXQ;
	s->rx.len = VC_CAN_RX_BUF;
	return ds_open(c, &s->d, need, want, CAN_QUEUES, true) && ds_stream_fill(c, &s->d, &s->rx, RX_BUFFERS) &&
	       ds_driver_ok(c, &s->d) && ds_ok(c, vc_dev_kick(&s->d, VIRTIO_CAN_RXQ), "notifying the Rxq failed");
}

bool can_mode(struct vc_ctx *c, struct can *s, uint16_t msg_type)
{
	const char *name = msg_type == VIRTIO_CAN_SET_CTRL_MODE_START ? "START" : "STOP";
	uint8_t result;
	int rc = vc_can_control(&s->d, msg_type, &result, c->dev->timeout_ms);

	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never used the SET_CTRL_MODE_%s control message", name);
		return false;
	}
	if (!ds_ok(c, rc, "a control message failed"))
		return false;
	if (result != VIRTIO_CAN_RESULT_OK) {
		vc_skip(c, "the controller refused SET_CTRL_MODE_%s (result %u)", name, result);
		return false;
	}
	return true;
}

bool can_tx(struct vc_ctx *c, struct can *s, const struct vc_can_frame *f, unsigned n, uint8_t *result)
{
	struct vc_can_tx t;

	for (unsigned i = 0; i < n; i++) {
		if (!ds_ok(c, vc_can_send(&s->d, &f[i], &t), "making a frame available on the Txq failed") ||
		    !ds_wait(c, &s->d, &t.r, "Txq frame"))
			return false;
		result[i] = t.result;
	}
	return true;
}

bool can_captured(struct vc_ctx *c, struct vc_can_frame *out, unsigned max, unsigned *n)
{
	char text[CAN_MAX_FRAMES * 160];

	*n = 0;
	if (!ds_host(c, VC_HOST_CAN_RECV, "", text, sizeof(text)))
		return false;
	for (char *save = NULL, *one = strtok_r(text, ";", &save); one; one = strtok_r(NULL, ";", &save)) {
		if (*n == max)
			break;
		if (vc_can_parse(one, &out[*n])) {
			vc_error(c, "the backend's frame '%s' is not \"ID FLAGS DATA\"", one);
			return false;
		}
		(*n)++;
	}
	return true;
}

bool can_captured_until(struct vc_ctx *c, uint32_t last, struct vc_can_frame *out, unsigned max, unsigned *n)
{
	uint64_t until = vc_now_ms() + c->dev->timeout_ms;
	unsigned got;

	*n = 0;
	for (unsigned i = 0;; i++) {
		if (!can_captured(c, out + *n, max - *n, &got))
			return false;
		*n += got;
		for (unsigned k = 0; k < *n; k++)
			if (out[k].can_id == last)
				return true;
		if (*n == max || vc_now_ms() >= until)
			break;
		vc_poll_pause(i);
	}
	vc_fail(c, "the bus partner never received the frame with can_id 0x%x the device answered OK", last);
	vc_observed(c, "%u other frames received", *n);
	vc_expected(c, "the frame on the bus within %u ms", c->dev->timeout_ms);
	return false;
}

struct vc_can_frame can_frame(uint32_t can_id, uint32_t flags, uint16_t length, uint8_t seed)
{
	struct vc_can_frame f = { .can_id = can_id, .flags = flags, .length = length };

	for (unsigned i = 0; i < length && i < VC_CAN_SDU_MAX; i++)
		f.sdu[i] = (uint8_t)(seed + 29 * i);
	return f;
}
