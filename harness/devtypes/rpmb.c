/* The RPMB device's driver side (vc/devtypes/rpmb.h). The MAC is the
 * HMAC-SHA256 of the sim's crypto model (fixtures/sim/models/crypto_alg.c),
 * which the crypto suite holds to the RFC 4231 answers on every run. */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/rpmb.h"
#include "../../fixtures/sim/models/crypto_alg.h"

const uint8_t vc_rpmb_test_key[32] = "virtio-conform RPMB test key 01";

void vc_rpmb_frame(uint8_t *f, uint16_t req, uint16_t block_count, uint16_t address, uint32_t counter)
{
	memset(f, 0, VC_RPMB_FRAME);
	vc_rpmb_put16(f, VC_RPMB_REQ_RESP, req);
	vc_rpmb_put16(f, VC_RPMB_BLOCK_COUNT, block_count);
	vc_rpmb_put16(f, VC_RPMB_ADDRESS, address);
	vc_rpmb_put32(f, VC_RPMB_COUNTER, counter);
}

void vc_rpmb_mac(const uint8_t key[32], const uint8_t *frames, unsigned n, uint8_t mac[32])
{
	uint8_t msg[VC_RPMB_MAX_FRAMES * VC_RPMB_MAC_SPAN];

	if (n > VC_RPMB_MAX_FRAMES)
		n = VC_RPMB_MAX_FRAMES;
	for (unsigned i = 0; i < n; i++)
		memcpy(msg + i * VC_RPMB_MAC_SPAN, frames + i * VC_RPMB_FRAME + VC_RPMB_DATA, VC_RPMB_MAC_SPAN);
	hmac_sha256(key, 32, msg, n * VC_RPMB_MAC_SPAN, mac);
}

void vc_rpmb_sign(const uint8_t key[32], uint8_t *frames, unsigned n)
{
	vc_rpmb_mac(key, frames, n, frames + (n - 1) * VC_RPMB_FRAME + VC_RPMB_KEY_MAC);
}

bool vc_rpmb_mac_ok(const uint8_t key[32], const uint8_t *frames, unsigned n)
{
	uint8_t mac[32];

	vc_rpmb_mac(key, frames, n, mac);
	return !memcmp(mac, frames + (n - 1) * VC_RPMB_FRAME + VC_RPMB_KEY_MAC, 32);
}

int vc_rpmb_call(struct vc_dev *d, const uint8_t *in, unsigned nin, uint8_t *out, unsigned nout, unsigned ms)
{
	struct vc_iov iov[VC_REQ_MAX_SEGS];
	unsigned n = 0;

	if (nin + nout > VC_REQ_MAX_SEGS)
		return -EINVAL;
	for (unsigned i = 0; i < nin; i++)
		iov[n++] = (struct vc_iov){ in + i * VC_RPMB_FRAME, NULL, VC_RPMB_FRAME, false, 0 };
	memset(out, 0xee, (size_t)nout * VC_RPMB_FRAME);
	for (unsigned i = 0; i < nout; i++)
		iov[n++] = (struct vc_iov){ out + i * VC_RPMB_FRAME, out + i * VC_RPMB_FRAME, VC_RPMB_FRAME, true, 0 };
	return vc_dev_call(d, 0, iov, n, NULL, ms);
}

const char *vc_rpmb_result_name(uint16_t result)
{
	switch (result) {
	case VIRTIO_RPMB_RES_OK: return "OK";
	case VIRTIO_RPMB_RES_GENERAL_FAILURE: return "GENERAL_FAILURE";
	case VIRTIO_RPMB_RES_AUTH_FAILURE: return "AUTH_FAILURE";
	case VIRTIO_RPMB_RES_COUNT_FAILURE: return "COUNT_FAILURE";
	case VIRTIO_RPMB_RES_ADDR_FAILURE: return "ADDR_FAILURE";
	case VIRTIO_RPMB_RES_WRITE_FAILURE: return "WRITE_FAILURE";
	case VIRTIO_RPMB_RES_READ_FAILURE: return "READ_FAILURE";
	case VIRTIO_RPMB_RES_NO_AUTH_KEY: return "NO_AUTH_KEY";
	case VIRTIO_RPMB_RES_WRITE_COUNTER_EXPIRED: return "WRITE_COUNTER_EXPIRED";
	}
	return "an undefined result";
}
