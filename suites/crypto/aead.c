/* Crypto: AEAD requests (Device Types / Crypto Device / Device Operation /
 * AEAD Service Operation), AES-128-GCM against the GCM spec's test case 4. */
#include <string.h>
#include "crypto.h"

static bool gcm_session(struct vc_ctx *c, struct vc_crypto *cr, uint32_t op, uint64_t *session)
{
	const struct vc_kat *k = &vc_kat_aes128_gcm;
	uint8_t flf[24];

	return crypto_need(c, cr, VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_GCM, "AES-GCM") &&
	       crypto_session(c, cr, VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_GCM, flf,
			      vc_crypto_aead_session(flf, VIRTIO_CRYPTO_AEAD_GCM, k->key_len, 16, k->aad_len, op), k->key,
			      k->key_len, session, "an AES-GCM session");
}

/* iv, src, aad in; dst out; the status. */
static bool gcm_request(struct vc_ctx *c, struct vc_crypto *cr, uint32_t opcode, uint64_t session, const uint8_t *src,
			uint32_t src_len, uint8_t *dst, uint32_t dst_len, uint8_t *status)
{
	const struct vc_kat *k = &vc_kat_aes128_gcm;
	uint8_t flf[24];
	struct vc_iov vlf[4] = { { k->iv, NULL, k->iv_len, false }, { src, NULL, src_len, false },
				 { k->aad, NULL, k->aad_len, false }, { NULL, dst, dst_len, true } };

	vc_put32(flf, k->iv_len);
	vc_put32(flf + 4, k->aad_len);
	vc_put32(flf + 8, src_len);
	vc_put32(flf + 12, dst_len);
	vc_put32(flf + 16, 16);
	vc_put32(flf + 20, 0);
	memset(dst, 0xee, dst_len);
	return crypto_data(c, cr, opcode, VIRTIO_CRYPTO_AEAD_GCM, session, VIRTIO_CRYPTO_FLAG_SESSION_MODE, flf, 24, vlf,
			   4, status, "AEAD request");
}

/* Encryption: the ciphertext in dst_data, the tag right after it. */
static void encrypt_known_answer(struct vc_ctx *c)
{
	const struct vc_kat *k = &vc_kat_aes128_gcm;
	uint8_t dst[128], status;
	struct vc_crypto cr;
	uint64_t session;

	if (!crypto_open(c, &cr, 0, 0) || !gcm_session(c, &cr, VIRTIO_CRYPTO_OP_ENCRYPT, &session) ||
	    !gcm_request(c, &cr, VIRTIO_CRYPTO_AEAD_ENCRYPT, session, k->in, k->in_len, dst, k->in_len + 16, &status) ||
	    !crypto_status(c, status, VIRTIO_CRYPTO_OK, "AES-GCM encryption") ||
	    !crypto_same(c, dst, k->out, k->out_len, "the AES-GCM ciphertext in dst_data"))
		return;
	crypto_same(c, dst + k->out_len, k->tag, 16, "the tag after the ciphertext");
}

/* Decryption of ciphertext and tag: OK with the plaintext; with one bit of
 * the tag flipped: BADMSG. */
static void decrypt_verifies(struct vc_ctx *c)
{
	const struct vc_kat *k = &vc_kat_aes128_gcm;
	uint8_t src[128], dst[128], status;
	struct vc_crypto cr;
	uint64_t session;

	memcpy(src, k->out, k->out_len);
	memcpy(src + k->out_len, k->tag, 16);
	if (!crypto_open(c, &cr, 0, 0) || !gcm_session(c, &cr, VIRTIO_CRYPTO_OP_DECRYPT, &session) ||
	    !gcm_request(c, &cr, VIRTIO_CRYPTO_AEAD_DECRYPT, session, src, k->out_len + 16, dst, k->in_len, &status) ||
	    !crypto_status(c, status, VIRTIO_CRYPTO_OK, "AES-GCM decryption with the right tag") ||
	    !crypto_same(c, dst, k->in, k->in_len, "the AES-GCM plaintext in dst_data"))
		return;
	src[k->out_len + 15] ^= 0x01;
	if (gcm_request(c, &cr, VIRTIO_CRYPTO_AEAD_DECRYPT, session, src, k->out_len + 16, dst, k->in_len, &status))
		crypto_status(c, status, VIRTIO_CRYPTO_BADMSG, "AES-GCM decryption with a corrupted tag");
}

static const struct vc_clause clauses[] = {
	{ "crypto.aead.encrypt-known-answer", L_CRYPTO_AEAD, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-AEAD-DEV-2 CRYPTO-AEAD-DEV-3 CRYPTO-AEAD-DEV-4",
	  "AES-128-GCM encryption writes the known ciphertext to dst_data with the tag right after it, status OK.",
	  NULL, encrypt_known_answer },
	{ "crypto.aead.decrypt-verifies", L_CRYPTO_AEAD, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-AEAD-DEV-5 CRYPTO-AEAD-DEV-4",
	  "AES-128-GCM decryption checks the tag: OK and the plaintext with the right one, BADMSG with a wrong one.",
	  NULL, decrypt_verifies },
};
VC_DEVICE_SUITE(suite_crypto_aead, clauses, VIRTIO_ID_CRYPTO);
