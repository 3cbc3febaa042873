/* RPMB device: programming the authentication key (Device Types / RPMB
 * Device / Device Operation: Program Key). One-time and for good on real
 * hardware: profile rpmb-program-key only, and only on a device without a
 * key; the key is the harness's test key (vc_rpmb_test_key). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "rpmb.h"

static bool program(struct vc_ctx *c, struct rpmb_session *s, const uint8_t key[32], uint16_t bc, uint8_t *out)
{
	uint8_t in[2 * VC_RPMB_FRAME];

	vc_rpmb_frame(in, VIRTIO_RPMB_REQ_PROGRAM_KEY, bc, 0, 0);
	memcpy(in + VC_RPMB_KEY_MAC, key, 32);
	vc_rpmb_frame(in + VC_RPMB_FRAME, VIRTIO_RPMB_REQ_RESULT_READ, 1, 0, 0);
	return rpmb_call(c, s, in, 2, out, 1, "PROGRAM_KEY with RESULT_READ");
}

/* PROGRAM_KEY with block_count 2: GENERAL_FAILURE, and still no key. */
static void program_block_count(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t out[VC_RPMB_FRAME], nonce[16];

	if (!rpmb_open(c, &s) || !rpmb_unkeyed(c, &s) || !program(c, &s, vc_rpmb_test_key, 2, out) ||
	    !rpmb_want_result(c, out, VIRTIO_RPMB_RES_GENERAL_FAILURE, "PROGRAM_KEY with block_count 2"))
		return;
	if (rpmb_get_counter(c, &s, out, nonce))
		rpmb_want_result(c, out, VIRTIO_RPMB_RES_NO_AUTH_KEY,
				 "GET_WRITE_COUNTER after a PROGRAM_KEY refused for its block_count");
}

/* PROGRAM_KEY of the test key: answered PROGRAM_KEY / OK; GET_WRITE_COUNTER
 * then signed with it, counter 0; a second PROGRAM_KEY changes nothing. */
static void program_key(struct vc_ctx *c)
{
	static const uint8_t other[32] = "another key, never to be taken!";
	struct rpmb_session s;
	uint8_t out[VC_RPMB_FRAME];

	if (!rpmb_open(c, &s) || !rpmb_unkeyed(c, &s) || !program(c, &s, vc_rpmb_test_key, 1, out) ||
	    !rpmb_want_result(c, out, VIRTIO_RPMB_RES_OK, "PROGRAM_KEY") ||
	    !rpmb_want16(c, out, VC_RPMB_REQ_RESP, VIRTIO_RPMB_RESP_PROGRAM_KEY, "req_resp", "PROGRAM_KEY"))
		return;
	if (!rpmb_keyed(c, &s)) {
		vc_fail(c, "after PROGRAM_KEY answered OK, GET_WRITE_COUNTER is not signed with the key programmed");
		return;
	}
	if (s.counter) {
		vc_fail(c, "a device just keyed has write counter %" PRIu32, s.counter);
		vc_observed(c, "write_counter %" PRIu32, s.counter);
		vc_expected(c, "0");
		return;
	}
	if (!program(c, &s, other, 1, out))
		return;
	if (vc_rpmb_get16(out, VC_RPMB_RESULT) == VIRTIO_RPMB_RES_OK || !rpmb_keyed(c, &s)) {
		vc_fail(c, "a second PROGRAM_KEY %s", vc_rpmb_get16(out, VC_RPMB_RESULT) == VIRTIO_RPMB_RES_OK
							 ? "was answered OK" : "replaced the key");
		vc_observed(c, "result %s", vc_rpmb_result_name(vc_rpmb_get16(out, VC_RPMB_RESULT)));
		vc_expected(c, "a failure, and the first key kept (one-time programmable)");
	}
}

static const struct vc_clause clauses[] = {
	{ "rpmb.key.program-block-count", L_RPMB_PROGKEY, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS,
	  "RPMB-PROGKEY-DEV-2",
	  "PROGRAM_KEY with block_count 2 is answered GENERAL_FAILURE and programs nothing.", RPMB_PROFILE,
	  program_block_count },
	{ "rpmb.key.program", L_RPMB_OP, VC_MUST, VC_DEVICE_RULE, "1.2", RPMB_NEEDS,
	  "RPMB-OP-DEV-2 RPMB-PROGKEY-DEV-1 RPMB-PROGKEY-DEV-5",
	  "PROGRAM_KEY of the harness's test key is answered PROGRAM_KEY/OK; GET_WRITE_COUNTER is then signed with "
	  "it, counter 0; a second PROGRAM_KEY fails and leaves the key.", RPMB_PROFILE, program_key },
};
VC_DEVICE_SUITE(suite_rpmb_key, clauses, VIRTIO_ID_RPMB);
