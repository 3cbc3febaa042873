/* The crypto device's driver side (vc/devtypes/crypto.h). */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/crypto.h"

#define CTRL_FLF_LEGACY 56
#define DATA_FLF_LEGACY 48

bool vc_crypto_cipher_defined(unsigned algo)
{
	return algo >= 1 && algo <= VIRTIO_CRYPTO_CIPHER_MAX;
}

bool vc_crypto_mac_defined(unsigned algo)
{
	static const uint8_t defined[] = { 1, 2, 3, 4, 5, 6, 25, 26, 27, 28, 41, 42, 49, 50, 53, 54 };

	for (unsigned i = 0; i < sizeof(defined); i++)
		if (algo == defined[i])
			return true;
	return false;
}

int vc_crypto_config_read(struct vc_dev *d, struct vc_crypto_config *cfg)
{
	uint64_t v[14];
	int rc;

	for (unsigned i = 0; i < 13; i++)
		if ((rc = vc_dev_cfg_read(d, 4 * i, 4, &v[i])))
			return rc;
	if ((rc = vc_dev_cfg_read(d, 52, 4, &v[13])))      /* max_size: le64 at 48 (4-byte aligned) */
		return rc;
	*cfg = (struct vc_crypto_config){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2], v[3] | v[4] << 32,
					  v[6] | v[7] << 32, (uint32_t)v[5], (uint32_t)v[8], (uint32_t)v[9],
					  (uint32_t)v[10], (uint32_t)v[11], v[12] | v[13] << 32 };
	return 0;
}

/* The header and the fixed-length part, padded without REVISION_1. */
static uint32_t with_header(const struct vc_crypto *cr, uint8_t *buf, const uint8_t *hdr, uint32_t hdr_len,
			    const uint8_t *flf, uint32_t flf_len, uint32_t legacy)
{
	uint32_t len = cr->rev1 ? flf_len : legacy;

	memcpy(buf, hdr, hdr_len);
	memset(buf + hdr_len, 0, len);
	memcpy(buf + hdr_len, flf, flf_len < len ? flf_len : len);
	return hdr_len + len;
}

int vc_crypto_create(struct vc_crypto *cr, unsigned service, uint32_t algo, const uint8_t *flf, uint32_t flf_len,
		     const void *vlf, uint32_t vlf_len, uint64_t *session, uint32_t *status, unsigned ms)
{
	uint8_t hdr[16] = { 0 }, req[16 + CTRL_FLF_LEGACY + 64], out[16];
	struct vc_iov iov[3];
	unsigned n = 0;
	int rc;

	if (flf_len > CTRL_FLF_LEGACY)
		return -EINVAL;
	vc_put32(hdr, VIRTIO_CRYPTO_CREATE_SESSION(service));
	vc_put32(hdr + 4, algo);
	memset(out, 0xee, sizeof(out));
	iov[n++] = (struct vc_iov){ req, NULL, with_header(cr, req, hdr, 16, flf, flf_len, CTRL_FLF_LEGACY), false };
	if (vlf_len)
		iov[n++] = (struct vc_iov){ vlf, NULL, vlf_len, false };
	iov[n++] = (struct vc_iov){ out, out, sizeof(out), true };
	if ((rc = vc_dev_call(&cr->d, cr->ctrlq, iov, n, NULL, ms)))
		return rc;
	*session = vc_le64(out);
	*status = vc_le32(out + 8);
	return 0;
}

int vc_crypto_destroy(struct vc_crypto *cr, unsigned service, uint64_t session, uint8_t *status, unsigned ms)
{
	uint8_t hdr[16] = { 0 }, flf[8], req[16 + CTRL_FLF_LEGACY];
	struct vc_iov iov[2];

	vc_put32(hdr, VIRTIO_CRYPTO_DESTROY_SESSION(service));
	vc_put64(flf, session);
	*status = 0xee;
	iov[0] = (struct vc_iov){ req, NULL, with_header(cr, req, hdr, 16, flf, sizeof(flf), CTRL_FLF_LEGACY), false };
	iov[1] = (struct vc_iov){ status, status, 1, true };
	return vc_dev_call(&cr->d, cr->ctrlq, iov, 2, NULL, ms);
}

int vc_crypto_data(struct vc_crypto *cr, uint32_t opcode, uint32_t algo, uint64_t session, uint32_t flag,
		   const uint8_t *flf, uint32_t flf_len, const struct vc_iov *vlf, unsigned nvlf, uint8_t *status,
		   unsigned ms)
{
	uint8_t hdr[24] = { 0 }, req[24 + 128];
	struct vc_iov iov[VC_REQ_MAX_SEGS];
	unsigned n = 0;

	if (nvlf + 2 > VC_REQ_MAX_SEGS || flf_len > 128 - 24)
		return -EINVAL;
	vc_put32(hdr, opcode);
	vc_put32(hdr + 4, algo);
	vc_put64(hdr + 8, session);
	vc_put32(hdr + 16, flag);
	iov[n++] = (struct vc_iov){ req, NULL, with_header(cr, req, hdr, 24, flf, flf_len,
							   flf_len > DATA_FLF_LEGACY ? flf_len : DATA_FLF_LEGACY), false };
	for (unsigned i = 0; i < nvlf; i++)
		if (vlf[i].len)
			iov[n++] = vlf[i];
	*status = 0xee;
	iov[n++] = (struct vc_iov){ status, status, 1, true };
	return vc_dev_call(&cr->d, 0, iov, n, NULL, ms);
}

uint32_t vc_crypto_cipher_session(uint8_t *flf, uint32_t algo, uint32_t key_len, uint32_t op)
{
	memset(flf, 0, 56);
	vc_put32(flf, algo);                 /* struct virtio_crypto_cipher_session_flf */
	vc_put32(flf + 4, key_len);
	vc_put32(flf + 8, op);
	vc_put32(flf + 48, VIRTIO_CRYPTO_SYM_OP_CIPHER);
	return 56;
}

uint32_t vc_crypto_chain_session(uint8_t *flf, uint32_t cipher_algo, uint32_t key_len, uint32_t op, uint32_t mac_algo,
				 uint32_t result_len, uint32_t auth_key_len)
{
	memset(flf, 0, 56);
	vc_put32(flf, VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH);
	vc_put32(flf + 4, VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH);
	vc_put32(flf + 8, cipher_algo);      /* cipher_hdr */
	vc_put32(flf + 12, key_len);
	vc_put32(flf + 16, op);
	vc_put32(flf + 24, mac_algo);        /* algo_flf: struct virtio_crypto_mac_create_session_flf */
	vc_put32(flf + 28, result_len);
	vc_put32(flf + 32, auth_key_len);
	vc_put32(flf + 48, VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING);
	return 56;
}

uint32_t vc_crypto_hash_session(uint8_t *flf, uint32_t algo, uint32_t result_len)
{
	vc_put32(flf, algo);
	vc_put32(flf + 4, result_len);
	return 8;
}

uint32_t vc_crypto_mac_session(uint8_t *flf, uint32_t algo, uint32_t result_len, uint32_t key_len)
{
	vc_put32(flf, algo);
	vc_put32(flf + 4, result_len);
	vc_put32(flf + 8, key_len);
	vc_put32(flf + 12, 0);
	return 16;
}

uint32_t vc_crypto_aead_session(uint8_t *flf, uint32_t algo, uint32_t key_len, uint32_t tag_len, uint32_t aad_len,
				uint32_t op)
{
	vc_put32(flf, algo);
	vc_put32(flf + 4, key_len);
	vc_put32(flf + 8, tag_len);
	vc_put32(flf + 12, aad_len);
	vc_put32(flf + 16, op);
	vc_put32(flf + 20, 0);
	return 24;
}

uint32_t vc_crypto_rsa_session(uint8_t *flf, uint32_t key_type, uint32_t key_len, uint32_t padding, uint32_t hash)
{
	memset(flf, 0, 56);
	vc_put32(flf, VIRTIO_CRYPTO_AKCIPHER_RSA);
	vc_put32(flf + 4, key_type);
	vc_put32(flf + 8, key_len);
	vc_put32(flf + 12, padding);         /* algo_flf: struct virtio_crypto_rsa_session_para */
	vc_put32(flf + 16, hash);
	return 56;
}
