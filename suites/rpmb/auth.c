/* RPMB device: authenticated access on a device with the harness's test
 * key (Device Types / RPMB Device / Device Operation and its Get Write
 * Counter, Data Write and Data Read): MACs the harness computes itself,
 * the write counter, the data read back, and what a wrong request gets. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "rpmb.h"

#define ADDR 8                       /* half-sector the writes use */

static bool open_keyed(struct vc_ctx *c, struct rpmb_session *s)
{
	return rpmb_open(c, s) && rpmb_keyed(c, s);
}

/* 256 * n bytes no earlier write left there: the counter and a pattern. */
static void pattern(uint8_t *data, unsigned n, uint32_t counter)
{
	for (unsigned i = 0; i < 256 * n; i++)
		data[i] = (uint8_t)(i * 7 + counter * 13 + 1);
	vc_put32(data, counter);
}

/* A signed DATA_WRITE of n blocks of pattern at ADDR with the write
 * counter given, answered OK. */
static bool signed_write(struct vc_ctx *c, struct rpmb_session *s, unsigned n, uint32_t counter, uint8_t *data,
			 uint8_t *out)
{
	pattern(data, n, counter);
	return rpmb_write(c, s, ADDR, n, data, counter, false, out) &&
	       rpmb_want_result(c, out, VIRTIO_RPMB_RES_OK, "a signed DATA_WRITE");
}

static bool mac_ok(struct vc_ctx *c, const uint8_t *frames, unsigned n, const char *what)
{
	if (vc_rpmb_mac_ok(vc_rpmb_test_key, frames, n))
		return true;
	vc_fail(c, "the MAC of the answer to %s is not HMAC-SHA256 under the key over its frames", what);
	vc_observed(c, "key_mac %02x%02x%02x%02x...", frames[(n - 1) * VC_RPMB_FRAME + VC_RPMB_KEY_MAC],
		    frames[(n - 1) * VC_RPMB_FRAME + VC_RPMB_KEY_MAC + 1], frames[(n - 1) * VC_RPMB_FRAME + VC_RPMB_KEY_MAC + 2],
		    frames[(n - 1) * VC_RPMB_FRAME + VC_RPMB_KEY_MAC + 3]);
	vc_expected(c, "the MAC the harness computes over bytes 228..511 of %u frame(s)", n);
	return false;
}

static bool counter_is(struct vc_ctx *c, struct rpmb_session *s, uint32_t want, const char *after)
{
	uint8_t out[VC_RPMB_FRAME], nonce[16];

	if (!rpmb_get_counter(c, s, out, nonce) ||
	    !rpmb_want_result(c, out, VIRTIO_RPMB_RES_OK, "GET_WRITE_COUNTER") || !mac_ok(c, out, 1, "GET_WRITE_COUNTER"))
		return false;
	if (vc_rpmb_get32(out, VC_RPMB_COUNTER) == want)
		return true;
	vc_fail(c, "after %s, the write counter is %" PRIu32, after, vc_rpmb_get32(out, VC_RPMB_COUNTER));
	vc_observed(c, "write_counter %" PRIu32, vc_rpmb_get32(out, VC_RPMB_COUNTER));
	vc_expected(c, "%" PRIu32, want);
	return false;
}

/* GET_WRITE_COUNTER: req_resp GET_COUNTER, the nonce sent, signed. */
static void counter_response(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t out[VC_RPMB_FRAME], nonce[16];

	if (!open_keyed(c, &s) || !rpmb_get_counter(c, &s, out, nonce))
		return;
	if (!rpmb_want16(c, out, VC_RPMB_REQ_RESP, VIRTIO_RPMB_RESP_GET_COUNTER, "req_resp", "GET_WRITE_COUNTER") ||
	    !mac_ok(c, out, 1, "GET_WRITE_COUNTER"))
		return;
	if (memcmp(out + VC_RPMB_NONCE, nonce, 16)) {
		vc_fail(c, "the answer to GET_WRITE_COUNTER does not carry the nonce of the request");
		vc_observed(c, "nonce %02x%02x%02x%02x...", out[VC_RPMB_NONCE], out[VC_RPMB_NONCE + 1], out[VC_RPMB_NONCE + 2],
			    out[VC_RPMB_NONCE + 3]);
		vc_expected(c, "nonce %02x%02x%02x%02x... (the request's)", nonce[0], nonce[1], nonce[2], nonce[3]);
	}
}

static void counter_block_count(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t in[VC_RPMB_FRAME], out[VC_RPMB_FRAME];
	char what[48];

	if (!open_keyed(c, &s))
		return;
	for (uint16_t bc = 0; bc <= 2; bc += 2) {
		vc_rpmb_frame(in, VIRTIO_RPMB_REQ_GET_WRITE_COUNTER, bc, 0, 0);
		snprintf(what, sizeof(what), "GET_WRITE_COUNTER with block_count %u", bc);
		if (!rpmb_call(c, &s, in, 1, out, 1, what) || !rpmb_want_result(c, out, VIRTIO_RPMB_RES_GENERAL_FAILURE, what))
			return;
	}
}

/* A signed write's result frame: DATA_WRITE response, OK, the new counter,
 * the address, signed. */
static void write_response(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t data[256], out[VC_RPMB_FRAME];
	const char *what = "a signed DATA_WRITE";

	if (!open_keyed(c, &s))
		return;
	pattern(data, 1, s.counter);
	if (!rpmb_write(c, &s, ADDR, 1, data, s.counter, false, out) || !rpmb_want_result(c, out, VIRTIO_RPMB_RES_OK, what) ||
	    !rpmb_want16(c, out, VC_RPMB_REQ_RESP, VIRTIO_RPMB_RESP_DATA_WRITE, "req_resp", what) ||
	    !rpmb_want16(c, out, VC_RPMB_ADDRESS, ADDR, "address", what) || !mac_ok(c, out, 1, what))
		return;
	if (vc_rpmb_get32(out, VC_RPMB_COUNTER) != s.counter + 1) {
		vc_fail(c, "the answer to a signed DATA_WRITE does not carry the incremented write counter");
		vc_observed(c, "write_counter %" PRIu32, vc_rpmb_get32(out, VC_RPMB_COUNTER));
		vc_expected(c, "%" PRIu32, s.counter + 1);
	}
}

/* Two signed writes: the counter GET_WRITE_COUNTER shows goes up by one
 * each time. */
static void write_counter(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t data[256], out[VC_RPMB_FRAME];

	if (!open_keyed(c, &s))
		return;
	for (unsigned i = 0; i < 2; i++) {
		uint32_t before = s.counter + i;
		if (!signed_write(c, &s, 1, before, data, out) || !counter_is(c, &s, before + 1, "a signed DATA_WRITE"))
			return;
	}
}

/* Written blocks read back: DATA_READ frames with the data, the nonce,
 * the address, req_resp DATA_READ, the MAC over all of them. */
static void read_back(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t data[2 * 256], out[2 * VC_RPMB_FRAME], nonce[16];
	unsigned n;

	if (!open_keyed(c, &s))
		return;
	n = (s.max_wr == 1 || s.max_rd == 1) ? 1 : 2;
	if (!signed_write(c, &s, n, s.counter, data, out))
		return;
	rpmb_nonce(nonce);
	if (!rpmb_read(c, &s, ADDR, (uint16_t)n, nonce, out, n) || !rpmb_want_result(c, out, VIRTIO_RPMB_RES_OK, "DATA_READ"))
		return;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *f = out + i * VC_RPMB_FRAME;
		if (!rpmb_want16(c, f, VC_RPMB_REQ_RESP, VIRTIO_RPMB_RESP_DATA_READ, "req_resp", "DATA_READ"))
			return;
		if (memcmp(f + VC_RPMB_NONCE, nonce, 16) || memcmp(f + VC_RPMB_DATA, data + 256 * i, 256)) {
			vc_fail(c, "frame %u of %u read back does not hold the %s", i + 1, n,
				memcmp(f + VC_RPMB_NONCE, nonce, 16) ? "request's nonce" : "block written");
			vc_observed(c, "data %02x%02x%02x%02x..., nonce %02x%02x...", f[VC_RPMB_DATA], f[VC_RPMB_DATA + 1],
				    f[VC_RPMB_DATA + 2], f[VC_RPMB_DATA + 3], f[VC_RPMB_NONCE], f[VC_RPMB_NONCE + 1]);
			vc_expected(c, "data %02x%02x%02x%02x..., nonce %02x%02x...", data[256 * i], data[256 * i + 1],
				    data[256 * i + 2], data[256 * i + 3], nonce[0], nonce[1]);
			return;
		}
	}
	mac_ok(c, out, n, "DATA_READ");
}

/* A write the device must refuse (bad MAC, stale counter): its result,
 * then the counter and the data as they were. */
static void refused(struct vc_ctx *c, bool bad_mac)
{
	struct rpmb_session s;
	uint8_t good[256], bad[256], out[VC_RPMB_FRAME], nonce[16];
	uint16_t want = bad_mac ? VIRTIO_RPMB_RES_AUTH_FAILURE : VIRTIO_RPMB_RES_COUNT_FAILURE;
	const char *what = bad_mac ? "DATA_WRITE with a MAC one bit off" : "DATA_WRITE with the write counter + 1";

	if (!open_keyed(c, &s))
		return;
	if (!signed_write(c, &s, 1, s.counter, good, out))
		return;
	pattern(bad, 1, s.counter + 100);
	if (!rpmb_write(c, &s, ADDR, 1, bad, bad_mac ? s.counter + 1 : s.counter + 2, bad_mac, out) ||
	    !rpmb_want_result(c, out, want, what) || !counter_is(c, &s, s.counter + 1, what))
		return;
	rpmb_nonce(nonce);
	if (!rpmb_read(c, &s, ADDR, 1, nonce, out, 1) || !rpmb_want_result(c, out, VIRTIO_RPMB_RES_OK, "DATA_READ"))
		return;
	if (memcmp(out + VC_RPMB_DATA, good, 256)) {
		vc_fail(c, "the %s was refused, yet its data was written", what);
		vc_observed(c, "data %02x%02x%02x%02x...", out[VC_RPMB_DATA], out[VC_RPMB_DATA + 1], out[VC_RPMB_DATA + 2],
			    out[VC_RPMB_DATA + 3]);
		vc_expected(c, "data %02x%02x%02x%02x... (the last authenticated write)", good[0], good[1], good[2], good[3]);
	}
}

static void bad_mac(struct vc_ctx *c) { refused(c, true); }
static void bad_counter(struct vc_ctx *c) { refused(c, false); }

/* block_count 0 (and max_wr_cnt + 1 where that fits a chain): refused. */
static void write_bad_count(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t data[VC_RPMB_MAX_FRAMES * 256] = { 0 }, out[VC_RPMB_FRAME];
	char what[64];

	if (!open_keyed(c, &s))
		return;
	unsigned counts[2] = { 0, s.max_wr && s.max_wr < VC_RPMB_MAX_FRAMES ? s.max_wr + 1 : 0 };
	for (unsigned i = 0; i < 2; i++) {
		if (i && !counts[i])
			break;
		snprintf(what, sizeof(what), "DATA_WRITE of block_count %u (max_wr_cnt %u)", counts[i], s.max_wr);
		if (!rpmb_write(c, &s, ADDR, counts[i], data, s.counter, false, out) ||
		    !rpmb_want_result(c, out, VIRTIO_RPMB_RES_GENERAL_FAILURE, what) || !counter_is(c, &s, s.counter, what))
			return;
	}
}

static uint16_t past_end(const struct rpmb_session *s)
{
	unsigned end = s->capacity * 512;

	return end > 0xffff ? 0xffff : (uint16_t)end;
}

static void write_bad_address(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t data[256] = { 0 }, out[VC_RPMB_FRAME];
	char what[64];

	if (!open_keyed(c, &s))
		return;
	snprintf(what, sizeof(what), "DATA_WRITE at address %u (capacity %u x 128 KiB)", past_end(&s), s.capacity);
	if (rpmb_write(c, &s, past_end(&s), 1, data, s.counter, false, out) &&
	    rpmb_want_result(c, out, VIRTIO_RPMB_RES_ADDR_FAILURE, what))
		counter_is(c, &s, s.counter, what);
}

static void read_bad(struct vc_ctx *c, bool address)
{
	struct rpmb_session s;
	uint8_t out[VC_RPMB_FRAME], nonce[16];
	char what[64];

	if (!open_keyed(c, &s))
		return;
	rpmb_nonce(nonce);
	if (address)
		snprintf(what, sizeof(what), "DATA_READ at address %u (capacity %u x 128 KiB)", past_end(&s), s.capacity);
	else
		snprintf(what, sizeof(what), "DATA_READ of block_count 0");
	if (rpmb_read(c, &s, address ? past_end(&s) : 0, address ? 1 : 0, nonce, out, 1))
		rpmb_want_result(c, out, address ? VIRTIO_RPMB_RES_ADDR_FAILURE : VIRTIO_RPMB_RES_GENERAL_FAILURE, what);
}

static void read_bad_address(struct vc_ctx *c) { read_bad(c, true); }
static void read_bad_count(struct vc_ctx *c) { read_bad(c, false); }

/* The key and the write counter outlive a device reset. */
static void persists(struct vc_ctx *c)
{
	struct rpmb_session s;
	uint8_t data[256], out[VC_RPMB_FRAME];
	uint32_t after;

	if (!open_keyed(c, &s))
		return;
	if (!signed_write(c, &s, 1, s.counter, data, out))
		return;
	after = s.counter + 1;
	if (rpmb_open(c, &s))
		counter_is(c, &s, after, "a signed DATA_WRITE and a device reset");
}

static const struct vc_clause clauses[] = {
	{ "rpmb.counter.response", L_RPMB_WCOUNTER, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-WCOUNTER-DEV-3",
	  "GET_WRITE_COUNTER is answered with req_resp GET_COUNTER, the request's nonce and the MAC under the key.",
	  NULL, counter_response },
	{ "rpmb.counter.block-count", L_RPMB_WCOUNTER, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS,
	  "RPMB-WCOUNTER-DEV-2", "GET_WRITE_COUNTER with block_count 0 or 2 is answered GENERAL_FAILURE.", NULL,
	  counter_block_count },
	{ "rpmb.write.response", L_RPMB_WRITE, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS,
	  "RPMB-WRITE-DEV-1 RPMB-WRITE-DEV-14",
	  "A signed DATA_WRITE with RESULT_READ is answered OK, req_resp DATA_WRITE, the incremented counter, the "
	  "address and the MAC under the key.", NULL, write_response },
	{ "rpmb.write.counter", L_RPMB_OP, VC_MUST, VC_DEVICE_RULE, "1.2", RPMB_NEEDS,
	  "RPMB-OP-DEV-4 RPMB-OP-DEV-5 RPMB-WRITE-DEV-11",
	  "Each signed DATA_WRITE raises the write counter GET_WRITE_COUNTER shows by one.", NULL, write_counter },
	{ "rpmb.write.read-back", L_RPMB_OP, VC_MUST, VC_DEVICE_RULE, "1.2", RPMB_NEEDS,
	  "RPMB-OP-DEV-7 RPMB-WRITE-DEV-10 RPMB-READ-DEV-6",
	  "Two blocks written with a signed DATA_WRITE read back in two DATA_READ frames with the request's nonce and "
	  "a MAC over both.", NULL, read_back },
	{ "rpmb.write.bad-mac", L_RPMB_WRITE, VC_MUST, VC_DEVICE_RULE, "1.2", RPMB_NEEDS,
	  "RPMB-WRITE-DEV-7 RPMB-WRITE-DEV-8",
	  "A DATA_WRITE whose MAC is one bit off is answered AUTH_FAILURE; counter and data stay as they were.", NULL,
	  bad_mac },
	{ "rpmb.write.bad-counter", L_RPMB_WRITE, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-WRITE-DEV-9",
	  "A signed DATA_WRITE with another write counter is answered COUNT_FAILURE; counter and data stay.", NULL,
	  bad_counter },
	{ "rpmb.write.bad-count", L_RPMB_WRITE, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-WRITE-DEV-3",
	  "A signed DATA_WRITE of block_count 0 or max_wr_cnt + 1 is answered GENERAL_FAILURE.", NULL,
	  write_bad_count },
	{ "rpmb.write.bad-address", L_RPMB_WRITE, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-WRITE-DEV-6",
	  "A signed DATA_WRITE past the capacity is answered ADDR_FAILURE.", NULL, write_bad_address },
	{ "rpmb.read.bad-count", L_RPMB_READ, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-READ-DEV-2",
	  "DATA_READ of block_count 0 is answered GENERAL_FAILURE.", NULL, read_bad_count },
	{ "rpmb.read.bad-address", L_RPMB_READ, VC_SHOULD, VC_DEVICE_RULE, "1.2", RPMB_NEEDS, "RPMB-READ-DEV-3",
	  "DATA_READ past the capacity is answered ADDR_FAILURE.", NULL, read_bad_address },
	{ "rpmb.key.persists", L_RPMB_OP, VC_MUST, VC_DEVICE_RULE, "1.2", RPMB_NEEDS,
	  "RPMB-OP-DEV-3 RPMB-OP-DEV-6",
	  "After a device reset the key still signs GET_WRITE_COUNTER and the write counter is what it was.", NULL,
	  persists },
};
VC_DEVICE_SUITE(suite_rpmb_auth, clauses, VIRTIO_ID_RPMB);
