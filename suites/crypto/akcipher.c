/* Crypto: AKCIPHER requests (Device Types / Crypto Device / Device
 * Operation / AKCIPHER Service Operation) with an RSA key made for this
 * suite: a PKCS#1 v1.5 SHA-256 signature made (deterministic: a known
 * answer) and checked. */
#include <string.h>
#include "crypto.h"

static bool rsa_session(struct vc_ctx *c, struct vc_crypto *cr, const struct vc_kat *k, uint32_t key_type,
			uint64_t *session)
{
	uint8_t flf[56];

	return crypto_need(c, cr, VIRTIO_CRYPTO_SERVICE_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA, "RSA") &&
	       crypto_session(c, cr, VIRTIO_CRYPTO_SERVICE_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA, flf,
			      vc_crypto_rsa_session(flf, key_type, k->key_len, VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
						    VIRTIO_CRYPTO_RSA_SHA256), k->key, k->key_len, session,
			      key_type == VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE ? "an RSA private-key session"
			      : "an RSA public-key session");
}

/* src_len/dst_len, src (and for VERIFY the signed digest) in, dst out. */
static bool rsa_request(struct vc_ctx *c, struct vc_crypto *cr, uint32_t opcode, uint64_t session, const uint8_t *src,
			uint32_t src_len, const uint8_t *more, uint32_t more_len, uint8_t *dst, uint32_t dst_len,
			uint8_t *status)
{
	uint8_t flf[8];
	struct vc_iov vlf[3];
	unsigned n = 0;

	vc_put32(flf, src_len);
	vc_put32(flf + 4, dst_len ? dst_len : more_len);
	vlf[n++] = (struct vc_iov){ src, NULL, src_len, false };
	if (more_len)
		vlf[n++] = (struct vc_iov){ more, NULL, more_len, false };
	if (dst_len)
		vlf[n++] = (struct vc_iov){ NULL, dst, dst_len, true };
	return crypto_data(c, cr, opcode, VIRTIO_CRYPTO_AKCIPHER_RSA, session, VIRTIO_CRYPTO_FLAG_SESSION_MODE, flf, 8,
			   vlf, n, status, "RSA request");
}

/* PKCS#1 v1.5 SHA-256 signing of a digest with the private key (a
 * deterministic result): the known signature in dst_data. */
static void sign_known_answer(struct vc_ctx *c)
{
	const struct vc_kat *k = &vc_kat_rsa_sign;
	uint8_t dst[256], status;
	struct vc_crypto cr;
	uint64_t session;

	memset(dst, 0xee, sizeof(dst));
	if (crypto_open(c, &cr, 0, 0) && rsa_session(c, &cr, k, VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE, &session) &&
	    rsa_request(c, &cr, VIRTIO_CRYPTO_AKCIPHER_SIGN, session, k->in, k->in_len, NULL, 0, dst, k->out_len, &status) &&
	    crypto_status(c, status, VIRTIO_CRYPTO_OK, "RSA signing"))
		crypto_same(c, dst, k->out, k->out_len, "the RSA signature in dst_data");
}

/* VERIFY of the right signature: OK; of it against a digest one bit off, and
 * of a corrupted one: KEY_REJECTED. */
static void verify_rejects(struct vc_ctx *c)
{
	const struct vc_kat *k = &vc_kat_rsa_pkcs1_sha256;
	uint8_t sig[256], status;
	struct vc_crypto cr;
	uint64_t session;

	memcpy(sig, k->in, k->in_len);
	if (!crypto_open(c, &cr, 0, 0) ||
	    !rsa_session(c, &cr, k, VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC, &session) ||
	    !rsa_request(c, &cr, VIRTIO_CRYPTO_AKCIPHER_VERIFY, session, sig, k->in_len, k->aad, k->aad_len, NULL, 0, &status) ||
	    !crypto_status(c, status, VIRTIO_CRYPTO_OK, "verification of a good signature"))
		return;
	uint8_t digest[64];
	memcpy(digest, k->aad, k->aad_len);
	digest[k->aad_len - 1] ^= 0x01;
	if (!rsa_request(c, &cr, VIRTIO_CRYPTO_AKCIPHER_VERIFY, session, sig, k->in_len, digest, k->aad_len, NULL, 0,
			 &status) ||
	    !crypto_status(c, status, VIRTIO_CRYPTO_KEY_REJECTED, "verification of a good signature against another digest"))
		return;
	sig[k->in_len / 2] ^= 0x40;
	if (rsa_request(c, &cr, VIRTIO_CRYPTO_AKCIPHER_VERIFY, session, sig, k->in_len, k->aad, k->aad_len, NULL, 0, &status))
		crypto_status(c, status, VIRTIO_CRYPTO_KEY_REJECTED, "verification of a corrupted signature");
}

static const struct vc_clause clauses[] = {
	{ "crypto.akcipher.sign-known-answer", L_CRYPTO_AK, VC_MUST, VC_DEVICE_RULE, "1.2", CRYPTO_NEEDS,
	  "CRYPTO-AKCIPHER-DEV-2 CRYPTO-AKCIPHER-DEV-3",
	  "RSA PKCS#1 v1.5 SHA-256 signing with a private key writes the known signature to dst_data, with status "
	  "OK.", NULL, sign_known_answer },
	{ "crypto.akcipher.verify-rejects", L_CRYPTO_AK, VC_MUST, VC_DEVICE_RULE, "1.2", CRYPTO_NEEDS,
	  "CRYPTO-AKCIPHER-DEV-3", "RSA PKCS#1 v1.5 SHA-256 verification answers OK for a good signature and "
	  "KEY_REJECTED for a corrupted one.", NULL, verify_rejects },
};
VC_DEVICE_SUITE(suite_crypto_akcipher, clauses, VIRTIO_ID_CRYPTO);
