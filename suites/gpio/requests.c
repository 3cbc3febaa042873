/* GPIO device: the configuration, the line names and the requestq messages
 * (Device Types / GPIO Device / requestq Operation), and the eventq
 * buffers a disabled interrupt returns (eventq Operation). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/gpio.h"

#define L_GPIO "Device Types / GPIO Device"
#define L_GPIO_REQ L_GPIO " / requestq Operation"
#define L_GPIO_EVENT L_GPIO " / eventq Operation"
#define GPIO_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define NAMES_MAX 4096
#define LINE 1                          /* the line the messages drive */

static bool open_gpio(struct vc_ctx *c, struct vc_dev *d, bool irq, uint16_t *ngpio)
{
	uint64_t v;

	if (!ds_open(c, d, irq ? DS_F(VIRTIO_GPIO_F_IRQ) : 0, 0,
		     DS_Q(VIRTIO_GPIO_REQUESTQ) | (irq ? DS_Q(VIRTIO_GPIO_EVENTQ) : 0), false) ||
	    !ds_cfg_read(c, d, VIRTIO_GPIO_CFG_NGPIO, 2, &v))
		return false;
	*ngpio = (uint16_t)v;
	if (*ngpio <= LINE)
		vc_skip(c, "ngpio is %u: no line %u to drive", *ngpio, LINE);
	return *ngpio > LINE;
}

/* One message; false after a FAIL (never used, status not OK) or an ERROR. */
static bool msg(struct vc_ctx *c, struct vc_dev *d, uint16_t type, uint16_t gpio, uint32_t value, uint8_t resp[2],
		const char *what)
{
	uint8_t req[8];
	struct vc_iov iov[2] = { { req, NULL, sizeof(req), false, 0 }, { resp, resp, 2, true, 0 } };

	vc_gpio_request(req, type, gpio, value);
	memset(resp, 0xee, 2);
	if (!ds_call(c, d, VIRTIO_GPIO_REQUESTQ, iov, 2, NULL, what))
		return false;
	if (resp[0] == VIRTIO_GPIO_STATUS_OK)
		return true;
	vc_fail(c, "%s (line %u) was answered status %u", what, gpio, resp[0]);
	vc_observed(c, "status %u", resp[0]);
	vc_expected(c, "VIRTIO_GPIO_STATUS_OK");
	return false;
}

static void padding(struct vc_ctx *c)
{
	struct vc_dev d;
	uint64_t pad;

	if (!ds_open(c, &d, 0, 0, 0, true) || !ds_cfg_read(c, &d, VIRTIO_GPIO_CFG_PADDING, 2, &pad))
		return;
	if (pad) {
		vc_fail(c, "the configuration's padding is not zero");
		vc_observed(c, "padding 0x%04x", (unsigned)pad);
		vc_expected(c, "0 (the device sets every field)");
	}
}

/* gpio_names_size 0, or GET_LINE_NAMES answers OK with that many bytes:
 * one NUL-terminated 7-bit ASCII string per line, the non-empty ones
 * unique. */
static void names(struct vc_ctx *c)
{
	static uint8_t resp[1 + NAMES_MAX];
	uint8_t req[8];
	uint64_t size;
	uint16_t ngpio;
	struct vc_dev d;

	if (!open_gpio(c, &d, false, &ngpio) || !ds_cfg_read(c, &d, VIRTIO_GPIO_CFG_NAMES_SIZE, 4, &size))
		return;
	if (!size) {
		vc_note(c, "gpio_names_size is 0: the device names no line");
		return;
	}
	if (size > NAMES_MAX) {
		vc_skip(c, "gpio_names_size %u is more than the harness reads (%u)", (unsigned)size, NAMES_MAX);
		return;
	}
	vc_gpio_request(req, VIRTIO_GPIO_MSG_GET_LINE_NAMES, 0, 0);
	memset(resp, 0xee, 1 + size);
	struct vc_iov iov[2] = { { req, NULL, sizeof(req), false, 0 }, { resp, resp, (uint32_t)(1 + size), true, 0 } };
	if (!ds_call(c, &d, VIRTIO_GPIO_REQUESTQ, iov, 2, NULL, "GET_LINE_NAMES"))
		return;
	if (resp[0] != VIRTIO_GPIO_STATUS_OK) {
		vc_fail(c, "gpio_names_size is %u, yet GET_LINE_NAMES was answered status %u", (unsigned)size, resp[0]);
		vc_observed(c, "status %u", resp[0]);
		vc_expected(c, "OK and the names block (or gpio_names_size 0)");
		return;
	}
	const char *seen[1024];
	unsigned lines = 0, at = 1;
	while (at < 1 + size) {
		const char *name = (const char *)resp + at;
		size_t len = strnlen(name, 1 + size - at);
		if (at + len >= 1 + size) {
			vc_fail(c, "the names block ends inside the name of line %u (no terminating zero)", lines);
			return;
		}
		for (size_t i = 0; i < len; i++)
			if ((uint8_t)name[i] > 0x7f) {
				vc_fail(c, "the name of line %u is not 7-bit ASCII (byte 0x%02x)", lines, (uint8_t)name[i]);
				return;
			}
		for (unsigned k = 0; len && k < lines && k < 1024; k++)
			if (seen[k] && !strcmp(seen[k], name)) {
				vc_fail(c, "lines %u and %u have the same name", k, lines);
				vc_observed(c, "\"%s\" twice", name);
				vc_expected(c, "names unique within the device");
				return;
			}
		if (lines < 1024)
			seen[lines] = len ? name : NULL;
		lines++;
		at += (unsigned)len + 1;
	}
	if (lines != ngpio) {
		vc_fail(c, "the names block (gpio_names_size %u) holds %u strings for %u lines", (unsigned)size, lines, ngpio);
		vc_observed(c, "%u zero-terminated strings", lines);
		vc_expected(c, "%u: one per line, an empty one for a line without a name", ngpio);
	}
}

/* Every message's response comes back whole: 2 bytes written over a 0xee
 * prefill, a status of OK or ERR, value 0 where the message returns none. */
static void filled(struct vc_ctx *c)
{
	static const struct { uint16_t type; uint32_t value; bool value_zero; } m[] = {
		{ VIRTIO_GPIO_MSG_SET_VALUE, 0, true }, { VIRTIO_GPIO_MSG_SET_DIRECTION, VIRTIO_GPIO_DIRECTION_OUT, true },
		{ VIRTIO_GPIO_MSG_GET_DIRECTION, 0, false }, { VIRTIO_GPIO_MSG_GET_VALUE, 0, false },
		{ VIRTIO_GPIO_MSG_SET_DIRECTION, VIRTIO_GPIO_DIRECTION_NONE, true },
	};
	uint8_t resp[2];
	uint32_t used;
	uint16_t ngpio;
	struct vc_dev d;

	if (!open_gpio(c, &d, false, &ngpio))
		return;
	for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		int rc = vc_gpio_call(&d, m[i].type, LINE, m[i].value, resp, &used, c->dev->timeout_ms);
		if (rc == -ETIMEDOUT) {
			vc_fail(c, "the device never used message type %u", m[i].type);
			return;
		}
		if (!ds_ok(c, rc, "a GPIO message failed"))
			return;
		bool bad = used != 2 || resp[0] > VIRTIO_GPIO_STATUS_ERR || resp[1] == 0xee || (m[i].value_zero && resp[1]);
		if (!bad)
			continue;
		vc_fail(c, "the response to message type %u (line %u) is not filled in", m[i].type, LINE);
		vc_observed(c, "used length %u, status 0x%02x, value 0x%02x", used, resp[0], resp[1]);
		vc_expected(c, "used length 2, status 0 or 1, value %s", m[i].value_zero ? "0" : "set by the device");
		return;
	}
}

/* Not a spec rule: an output line reads back the value set, before and
 * after the direction. */
static void output_read_back(struct vc_ctx *c)
{
	uint8_t resp[2];
	uint16_t ngpio;
	struct vc_dev d;

	if (!open_gpio(c, &d, false, &ngpio))
		return;
	if (!msg(c, &d, VIRTIO_GPIO_MSG_SET_VALUE, LINE, 1, resp, "SET_VALUE 1") ||
	    !msg(c, &d, VIRTIO_GPIO_MSG_SET_DIRECTION, LINE, VIRTIO_GPIO_DIRECTION_OUT, resp, "SET_DIRECTION OUT"))
		return;
	for (uint8_t v = 1, k = 0; k < 3; k++, v ^= 1) {
		if (k && !msg(c, &d, VIRTIO_GPIO_MSG_SET_VALUE, LINE, v, resp, "SET_VALUE"))
			return;
		if (!msg(c, &d, VIRTIO_GPIO_MSG_GET_VALUE, LINE, 0, resp, "GET_VALUE"))
			return;
		if (resp[1] != v) {
			vc_fail(c, "output line %u reads %u after SET_VALUE %u", LINE, resp[1], v);
			vc_observed(c, "value %u", resp[1]);
			vc_expected(c, "%u", v);
			return;
		}
	}
	msg(c, &d, VIRTIO_GPIO_MSG_SET_DIRECTION, LINE, VIRTIO_GPIO_DIRECTION_NONE, resp, "SET_DIRECTION NONE");
}

/* Six messages for one output line made available at once (set 1, get,
 * set 0, get, set 1, get): used in that order, each GET reading the SET
 * before it. */
static void sequential(struct vc_ctx *c)
{
	uint8_t req[6][8], resp[6][2];
	struct vc_req r[6], *rp[6];
	uint16_t ngpio;
	struct vc_dev d;

	if (!open_gpio(c, &d, false, &ngpio) ||
	    !msg(c, &d, VIRTIO_GPIO_MSG_SET_DIRECTION, LINE, VIRTIO_GPIO_DIRECTION_OUT, resp[0], "SET_DIRECTION OUT"))
		return;
	for (unsigned k = 0; k < 6; k++) {
		vc_gpio_request(req[k], k % 2 ? VIRTIO_GPIO_MSG_GET_VALUE : VIRTIO_GPIO_MSG_SET_VALUE, LINE,
				k % 2 ? 0 : (k / 2 + 1) % 2);
		memset(resp[k], 0xee, 2);
		struct vc_iov iov[2] = { { req[k], NULL, 8, false, 0 }, { resp[k], resp[k], 2, true, 0 } };
		if (!ds_ok(c, vc_dev_send(&d, VIRTIO_GPIO_REQUESTQ, iov, 2, &r[k], true), "making a message available failed"))
			return;
		rp[k] = &r[k];
	}
	if (!ds_ok(c, vc_dev_kick(&d, VIRTIO_GPIO_REQUESTQ), "notifying the requestq failed"))
		return;
	for (unsigned k = 0; k < 6; k++) {
		int got = vc_dev_next_used(&d, VIRTIO_GPIO_REQUESTQ, rp, 6, c->dev->timeout_ms);
		if (got == -ETIMEDOUT) {
			vc_fail(c, "the device used %u of 6 messages for line %u", k, LINE);
			return;
		}
		if (!ds_ok(c, got < 0 ? got : 0, "reading the used ring failed"))
			return;
		if ((unsigned)got != k) {
			vc_fail(c, "messages for line %u were answered out of the order they came in", LINE);
			vc_observed(c, "used element %u: message %d of 6", k + 1, got + 1);
			vc_expected(c, "message %u", k + 1);
			return;
		}
	}
	for (unsigned k = 1; k < 6; k += 2)
		if (resp[k][0] != VIRTIO_GPIO_STATUS_OK || resp[k][1] != (k / 2 + 1) % 2) {
			vc_fail(c, "GET_VALUE %u of line %u does not read the SET_VALUE made available just before it", k / 2 + 1,
				LINE);
			vc_observed(c, "status %u, value %u", resp[k][0], resp[k][1]);
			vc_expected(c, "status 0, value %u", (k / 2 + 1) % 2);
			return;
		}
}

/* SET_DIRECTION NONE drops the line's state: it reads back NONE. */
static void none_drops_state(struct vc_ctx *c)
{
	uint8_t resp[2];
	uint16_t ngpio;
	struct vc_dev d;

	if (!open_gpio(c, &d, false, &ngpio) || !msg(c, &d, VIRTIO_GPIO_MSG_SET_VALUE, LINE, 1, resp, "SET_VALUE 1") ||
	    !msg(c, &d, VIRTIO_GPIO_MSG_SET_DIRECTION, LINE, VIRTIO_GPIO_DIRECTION_OUT, resp, "SET_DIRECTION OUT") ||
	    !msg(c, &d, VIRTIO_GPIO_MSG_SET_DIRECTION, LINE, VIRTIO_GPIO_DIRECTION_NONE, resp, "SET_DIRECTION NONE") ||
	    !msg(c, &d, VIRTIO_GPIO_MSG_GET_DIRECTION, LINE, 0, resp, "GET_DIRECTION"))
		return;
	if (resp[1] != VIRTIO_GPIO_DIRECTION_NONE) {
		vc_fail(c, "after SET_DIRECTION NONE, line %u still reads direction %u", LINE, resp[1]);
		vc_observed(c, "direction %u", resp[1]);
		vc_expected(c, "0 (NONE): the line's state discarded");
	}
}

/* An interrupt enabled (input line, EDGE_RISING), its eventq pair made
 * available, then SET_IRQ_TYPE NONE: the pair comes back, status INVALID. */
static void disable_returns_buffers(struct vc_ctx *c)
{
	uint8_t resp[2], ev_req[2], ev_resp[1] = { 0xee };
	struct vc_req ev;
	uint16_t ngpio;
	struct vc_dev d;

	if (!open_gpio(c, &d, true, &ngpio) ||
	    !msg(c, &d, VIRTIO_GPIO_MSG_SET_DIRECTION, LINE, VIRTIO_GPIO_DIRECTION_IN, resp, "SET_DIRECTION IN") ||
	    !msg(c, &d, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, LINE, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, resp,
		 "SET_IRQ_TYPE EDGE_RISING"))
		return;
	vc_put16(ev_req, LINE);
	struct vc_iov iov[2] = { { ev_req, NULL, 2, false, 0 }, { ev_resp, ev_resp, 1, true, 0 } };
	if (!ds_send(c, &d, VIRTIO_GPIO_EVENTQ, iov, 2, &ev, "eventq buffer pair"))
		return;
	ds_settle(&d, 50);
	if (vc_dev_poll(&d, &ev) == 0) {
		vc_note(c, "the eventq pair came back before the interrupt was disabled (status %u)", ev_resp[0]);
		return;
	}
	if (!msg(c, &d, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, LINE, VIRTIO_GPIO_IRQ_TYPE_NONE, resp, "SET_IRQ_TYPE NONE"))
		return;
	int rc = vc_dev_wait(&d, &ev, c->dev->timeout_ms);
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "SET_IRQ_TYPE NONE did not return line %u's eventq buffers", LINE);
		vc_observed(c, "the eventq pair still held");
		vc_expected(c, "the pair used, status IRQ_STATUS_INVALID");
		return;
	}
	if (!ds_ok(c, rc, "waiting for the eventq failed"))
		return;
	if (ev.used != 1 || ev_resp[0] != VIRTIO_GPIO_IRQ_STATUS_INVALID) {
		vc_fail(c, "the eventq pair returned on SET_IRQ_TYPE NONE does not say IRQ_STATUS_INVALID");
		vc_observed(c, "used length %u, status %u", ev.used, ev_resp[0]);
		vc_expected(c, "used length 1, status 0 (IRQ_STATUS_INVALID)");
	}
}

static const struct vc_clause clauses[] = {
	{ "gpio.config.padding", L_GPIO_REQ, VC_MUST, VC_DEVICE_RULE, "1.2", NEED_BAR_READ | NEED_COMMON,
	  "GPIO-REQ-DEV-2", "The configuration's padding reads zero: the device sets every field.", NULL, padding },
	{ "gpio.names.block", L_GPIO_REQ, VC_MUST, VC_DEVICE_RULE, "1.2", GPIO_NEEDS,
	  "GPIO-REQ-DEV-3 GPIO-REQ-DEV-4 GPIO-REQ-DEV-5",
	  "With gpio_names_size not 0, GET_LINE_NAMES answers OK with that many bytes: a zero-terminated 7-bit ASCII "
	  "string per line, the non-empty ones unique.", NULL, names },
	{ "gpio.response.filled", L_GPIO_REQ, VC_MUST, VC_DEVICE_RULE, "1.2", GPIO_NEEDS, "GPIO-REQ-DEV-1",
	  "SET_VALUE, SET_DIRECTION, GET_DIRECTION and GET_VALUE responses come back whole over a 0xee prefill: used "
	  "length 2, status OK or ERR, value 0 where the message returns none.", NULL, filled },
	{ "gpio.line.output-read-back", "Sanity: an output line reads back the value set", VC_MAY, VC_SANITY, "1.2",
	  GPIO_NEEDS, "",
	  "Not a spec rule: an output line reads back 1, 0, 1 after SET_VALUE of each (the value set before the "
	  "direction included).", NULL, output_read_back },
	{ "gpio.line.sequential", L_GPIO_REQ, VC_MUST, VC_DEVICE_RULE, "1.2", GPIO_NEEDS, "GPIO-REQ-DEV-6",
	  "Six messages for one line made available at once are used in that order, each GET_VALUE reading the "
	  "SET_VALUE before it.", NULL, sequential },
	{ "gpio.line.none-drops-state", L_GPIO_REQ, VC_MUST, VC_DEVICE_RULE, "1.2", GPIO_NEEDS, "GPIO-REQ-DEV-9",
	  "After SET_DIRECTION NONE, an output line reads back direction NONE.", NULL, none_drops_state },
	{ "gpio.irq.disable-returns-buffers", L_GPIO_EVENT, VC_MUST, VC_DEVICE_RULE, "1.2", GPIO_NEEDS,
	  "GPIO-EVENT-DEV-2",
	  "SET_IRQ_TYPE NONE returns the line's eventq buffer pair with status IRQ_STATUS_INVALID.", NULL,
	  disable_returns_buffers, VC_REQ(VIRTIO_GPIO_F_IRQ), 2 },
};
VC_DEVICE_SUITE(suite_gpio_requests, clauses, VIRTIO_ID_GPIO);
