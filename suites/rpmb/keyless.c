/* RPMB device: the configuration and what a device without a key answers
 * (Device Types / RPMB Device / Device Initialization, Device Operation). */
#include <stdio.h>
#include <string.h>
#include "rpmb.h"

static void capacity(struct vc_ctx *c)
{
	struct rpmb_session s;

	if (!rpmb_open(c, &s))
		return;
	if (s.capacity > 0x80) {
		vc_fail(c, "capacity %u (x 128 KiB) is more than 16 MiB", s.capacity);
		vc_observed(c, "capacity 0x%02x", s.capacity);
		vc_expected(c, "0x00..0x80: a multiple of 128 KiB up to 16 MiB");
	}
}

/* Without a key: msg answered NO_AUTH_KEY. */
static void nokey(struct vc_ctx *c, uint16_t msg)
{
	struct rpmb_session s;
	uint8_t out[VC_RPMB_FRAME], nonce[16];

	if (!rpmb_open(c, &s) || !rpmb_unkeyed(c, &s))
		return;
	rpmb_nonce(nonce);
	if (msg == VIRTIO_RPMB_REQ_GET_WRITE_COUNTER) {
		if (rpmb_get_counter(c, &s, out, nonce))
			rpmb_want_result(c, out, VIRTIO_RPMB_RES_NO_AUTH_KEY, "GET_WRITE_COUNTER on a device without a key");
	} else if (msg == VIRTIO_RPMB_REQ_DATA_READ) {
		if (rpmb_read(c, &s, 0, 1, nonce, out, 1))
			rpmb_want_result(c, out, VIRTIO_RPMB_RES_NO_AUTH_KEY, "DATA_READ on a device without a key");
	} else if (rpmb_write(c, &s, 0, 1, NULL, 0, false, out)) {
		rpmb_want_result(c, out, VIRTIO_RPMB_RES_NO_AUTH_KEY, "DATA_WRITE on a device without a key");
	}
}

static void nokey_counter(struct vc_ctx *c) { nokey(c, VIRTIO_RPMB_REQ_GET_WRITE_COUNTER); }
static void nokey_read(struct vc_ctx *c) { nokey(c, VIRTIO_RPMB_REQ_DATA_READ); }
static void nokey_write(struct vc_ctx *c) { nokey(c, VIRTIO_RPMB_REQ_DATA_WRITE); }

/* A RESULT_READ of block_count 2 (and 0): GENERAL_FAILURE. */
static void result_block_count(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t in[VC_RPMB_FRAME], out[VC_RPMB_FRAME];
	char what[48];

	if (!rpmb_open(c, &s))
		return;
	for (uint16_t bc = 0; bc <= 2; bc += 2) {
		vc_rpmb_frame(in, VIRTIO_RPMB_REQ_RESULT_READ, bc, 0, 0);
		snprintf(what, sizeof(what), "RESULT_READ with block_count %u", bc);
		if (!rpmb_call(c, &s, in, 1, out, 1, what) || !rpmb_want_result(c, out, VIRTIO_RPMB_RES_GENERAL_FAILURE, what))
			return;
	}
}

static const struct vc_clause clauses[] = {
	{ "rpmb.config.capacity", L_RPMB_INIT, VC_MUST, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-INIT-DEV-1",
	  "capacity is at most 0x80: a multiple of 128 KiB up to 16 MiB.", NULL, capacity },
	{ "rpmb.nokey.counter", L_RPMB_WCOUNTER, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-WCOUNTER-DEV-1",
	  "On a device without a key, GET_WRITE_COUNTER is answered NO_AUTH_KEY.", NULL, nokey_counter },
	{ "rpmb.nokey.write", L_RPMB_WRITE, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-WRITE-DEV-2",
	  "On a device without a key, DATA_WRITE is answered NO_AUTH_KEY.", NULL, nokey_write },
	{ "rpmb.nokey.read", L_RPMB_READ, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-READ-DEV-1",
	  "On a device without a key, DATA_READ is answered NO_AUTH_KEY.", NULL, nokey_read },
	{ "rpmb.result.block-count", L_RPMB_RESULT, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-RESULT-DEV-1",
	  "A RESULT_READ with block_count 0 or 2 is answered GENERAL_FAILURE.", NULL, result_block_count },
};
VC_DEVICE_SUITE(suite_rpmb_keyless, clauses, VIRTIO_ID_RPMB);
