/* RPMB device clauses' shared helpers (rpmb.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "rpmb.h"

bool rpmb_open(struct vc_ctx *c, struct rpmb_session *s)
{
	uint64_t v;

	memset(s, 0, sizeof(*s));
	if (!ds_open(c, &s->d, 0, 0, DS_Q(0), false))
		return false;
	if (!ds_cfg_read(c, &s->d, VIRTIO_RPMB_CFG_CAPACITY, 1, &v))
		return false;
	s->capacity = (unsigned)v;
	if (!ds_cfg_read(c, &s->d, VIRTIO_RPMB_CFG_MAX_WR_CNT, 1, &v))
		return false;
	s->max_wr = (unsigned)v;
	if (!ds_cfg_read(c, &s->d, VIRTIO_RPMB_CFG_MAX_RD_CNT, 1, &v))
		return false;
	s->max_rd = (unsigned)v;
	return true;
}

bool rpmb_call(struct vc_ctx *c, struct rpmb_session *s, const uint8_t *in, unsigned nin, uint8_t *out, unsigned nout,
	       const char *what)
{
	struct vc_iov iov[VC_REQ_MAX_SEGS];
	unsigned n = 0;

	for (unsigned i = 0; i < nin; i++)
		iov[n++] = (struct vc_iov){ in + i * VC_RPMB_FRAME, NULL, VC_RPMB_FRAME, false, 0 };
	memset(out, 0xee, (size_t)nout * VC_RPMB_FRAME);
	for (unsigned i = 0; i < nout; i++)
		iov[n++] = (struct vc_iov){ out + i * VC_RPMB_FRAME, out + i * VC_RPMB_FRAME, VC_RPMB_FRAME, true, 0 };
	return ds_call(c, &s->d, 0, iov, n, NULL, what);
}

void rpmb_nonce(uint8_t nonce[16])
{
	static uint32_t seq;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	vc_put64(nonce, (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30);
	vc_put32(nonce + 8, ++seq);
	vc_put32(nonce + 12, 0x76637262);    /* "vcrb" */
}

bool rpmb_get_counter(struct vc_ctx *c, struct rpmb_session *s, uint8_t *out, uint8_t nonce[16])
{
	uint8_t in[VC_RPMB_FRAME];

	vc_rpmb_frame(in, VIRTIO_RPMB_REQ_GET_WRITE_COUNTER, 1, 0, 0);
	rpmb_nonce(nonce);
	memcpy(in + VC_RPMB_NONCE, nonce, 16);
	return rpmb_call(c, s, in, 1, out, 1, "GET_WRITE_COUNTER");
}

bool rpmb_keyed(struct vc_ctx *c, struct rpmb_session *s)
{
	uint8_t out[VC_RPMB_FRAME], nonce[16];
	uint16_t result;

	if (!rpmb_get_counter(c, s, out, nonce))
		return false;
	result = vc_rpmb_get16(out, VC_RPMB_RESULT);
	if (result == VIRTIO_RPMB_RES_NO_AUTH_KEY) {
		vc_skip(c, "the device has no authentication key yet (profile " RPMB_PROFILE " programs the harness's test "
			   "key, for good)");
		return false;
	}
	if (result != VIRTIO_RPMB_RES_OK) {
		vc_skip(c, "GET_WRITE_COUNTER says %s: no write counter to work from", vc_rpmb_result_name(result));
		return false;
	}
	if (!vc_rpmb_mac_ok(vc_rpmb_test_key, out, 1)) {
		/* another key, or a MAC computed wrongly: a write signed with the
		 * test key tells (one keyed by someone else refuses it) */
		uint8_t block[256] = { 0 }, res[VC_RPMB_FRAME];
		if (!rpmb_write(c, s, 0, 1, block, vc_rpmb_get32(out, VC_RPMB_COUNTER), false, res))
			return false;
		if (vc_rpmb_get16(res, VC_RPMB_RESULT) == VIRTIO_RPMB_RES_OK) {
			vc_fail(c, "the device takes writes signed with the harness's test key, yet its GET_WRITE_COUNTER "
				   "answer is not signed with that key");
			vc_observed(c, "a MAC that is not HMAC-SHA256 under the key over bytes 228..511");
			vc_expected(c, "the MAC the harness computes");
			return false;
		}
		vc_skip(c, "the GET_WRITE_COUNTER answer is not signed with the harness's test key, and a write signed "
			   "with it is refused (%s): a device keyed by someone else",
			vc_rpmb_result_name(vc_rpmb_get16(res, VC_RPMB_RESULT)));
		return false;
	}
	s->counter = vc_rpmb_get32(out, VC_RPMB_COUNTER);
	return true;
}

bool rpmb_unkeyed(struct vc_ctx *c, struct rpmb_session *s)
{
	uint8_t out[VC_RPMB_FRAME], nonce[16];

	if (!rpmb_get_counter(c, s, out, nonce))
		return false;
	if (vc_rpmb_get16(out, VC_RPMB_RESULT) == VIRTIO_RPMB_RES_NO_AUTH_KEY)
		return true;
	rpmb_nonce(nonce);
	if (!rpmb_read(c, s, 0, 1, nonce, out, 1))
		return false;
	if (vc_rpmb_get16(out, VC_RPMB_RESULT) == VIRTIO_RPMB_RES_NO_AUTH_KEY)
		return true;
	vc_skip(c, "neither GET_WRITE_COUNTER nor DATA_READ says NO_AUTH_KEY: the device has an authentication key");
	return false;
}

bool rpmb_write(struct vc_ctx *c, struct rpmb_session *s, uint16_t addr, unsigned n, const uint8_t *data,
		uint32_t counter, bool bad_mac, uint8_t *out)
{
	uint8_t in[(VC_RPMB_MAX_FRAMES + 1) * VC_RPMB_FRAME];
	unsigned frames = n ? n : 1;

	for (unsigned i = 0; i < frames; i++) {
		uint8_t *f = in + i * VC_RPMB_FRAME;
		vc_rpmb_frame(f, VIRTIO_RPMB_REQ_DATA_WRITE, (uint16_t)n, addr, counter);
		if (data && i < n)
			memcpy(f + VC_RPMB_DATA, data + i * 256, 256);
	}
	vc_rpmb_sign(vc_rpmb_test_key, in, frames);
	if (bad_mac)
		in[(frames - 1) * VC_RPMB_FRAME + VC_RPMB_KEY_MAC + 7] ^= 0x40;
	vc_rpmb_frame(in + frames * VC_RPMB_FRAME, VIRTIO_RPMB_REQ_RESULT_READ, 1, 0, 0);
	return rpmb_call(c, s, in, frames + 1, out, 1, "DATA_WRITE with RESULT_READ");
}

bool rpmb_read(struct vc_ctx *c, struct rpmb_session *s, uint16_t addr, uint16_t n, const uint8_t nonce[16],
	       uint8_t *out, unsigned nout)
{
	uint8_t in[VC_RPMB_FRAME];

	vc_rpmb_frame(in, VIRTIO_RPMB_REQ_DATA_READ, n, addr, 0);
	memcpy(in + VC_RPMB_NONCE, nonce, 16);
	return rpmb_call(c, s, in, 1, out, nout, "DATA_READ");
}

bool rpmb_want16(struct vc_ctx *c, const uint8_t *f, unsigned off, uint16_t want, const char *field, const char *what)
{
	uint16_t got = vc_rpmb_get16(f, off);

	if (got == want)
		return true;
	vc_fail(c, "the answer to %s has %s 0x%04x", what, field, got);
	vc_observed(c, "%s 0x%04x", field, got);
	vc_expected(c, "%s 0x%04x", field, want);
	return false;
}

bool rpmb_want_result(struct vc_ctx *c, const uint8_t *f, uint16_t want, const char *what)
{
	uint16_t got = vc_rpmb_get16(f, VC_RPMB_RESULT);

	if (got == want)
		return true;
	vc_fail(c, "%s was answered %s", what, vc_rpmb_result_name(got));
	vc_observed(c, "result 0x%04x (%s)", got, vc_rpmb_result_name(got));
	vc_expected(c, "result 0x%04x (%s)", want, vc_rpmb_result_name(want));
	return false;
}
