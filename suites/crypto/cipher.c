/* Crypto: symmetric cipher requests and algorithm chaining, against known
 * answers (Device Types / Crypto Device / Device Operation / Symmetric
 * algorithms Operation). */
#include <string.h>
#include "crypto.h"

/* A cipher session (op ENCRYPT or DECRYPT) on AES-CBC with the KAT's key. */
static bool cbc_session(struct vc_ctx *c, struct vc_crypto *cr, const struct vc_kat *k, uint32_t op, uint64_t *session)
{
	uint8_t flf[56];
	uint32_t len = vc_crypto_cipher_session(flf, VIRTIO_CRYPTO_CIPHER_AES_CBC, k->key_len, op);

	return crypto_session(c, cr, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, flf, len, k->key,
			      k->key_len, session, op == VIRTIO_CRYPTO_OP_ENCRYPT ? "an AES-CBC encryption session"
			      : "an AES-CBC decryption session");
}

/* One cipher request: iv and src in, dst out; its status. */
static bool cbc_request(struct vc_ctx *c, struct vc_crypto *cr, uint32_t opcode, uint64_t session, const uint8_t *iv,
			const uint8_t *src, uint8_t *dst, uint32_t len, uint8_t *status)
{
	uint8_t flf[48] = { 0 };
	struct vc_iov vlf[3] = { { iv, NULL, 16, false }, { src, NULL, len, false }, { NULL, dst, len, true } };

	vc_put32(flf, 16);                  /* struct virtio_crypto_cipher_data_flf */
	vc_put32(flf + 4, len);
	vc_put32(flf + 8, len);
	vc_put32(flf + 40, VIRTIO_CRYPTO_SYM_OP_CIPHER);
	return crypto_data(c, cr, opcode, VIRTIO_CRYPTO_CIPHER_AES_CBC, session, VIRTIO_CRYPTO_FLAG_SESSION_MODE, flf, 48,
			   vlf, 3, status, "cipher request");
}

/* Encrypt and decrypt under AES-128-CBC (SP 800-38A F.2.1): each opcode
 * read as such, the IV and data taken from their places, the output in
 * dst_data, status OK. */
bool crypto_cbc_known_answer(struct vc_ctx *c, struct vc_crypto *cr, const struct vc_kat *k)
{
	uint8_t out[64], status;
	uint64_t enc, dec;

	if (!crypto_need(c, cr, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, "AES-CBC") ||
	    !cbc_session(c, cr, k, VIRTIO_CRYPTO_OP_ENCRYPT, &enc) || !cbc_session(c, cr, k, VIRTIO_CRYPTO_OP_DECRYPT, &dec))
		return false;
	memset(out, 0xee, sizeof(out));
	if (!cbc_request(c, cr, VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc, k->iv, k->in, out, k->in_len, &status) ||
	    !crypto_status(c, status, VIRTIO_CRYPTO_OK, "AES-CBC encryption") ||
	    !crypto_same(c, out, k->out, k->out_len, "the AES-CBC ciphertext in dst_data"))
		return false;
	memset(out, 0xee, sizeof(out));
	return cbc_request(c, cr, VIRTIO_CRYPTO_CIPHER_DECRYPT, dec, k->iv, k->out, out, k->out_len, &status) &&
	       crypto_status(c, status, VIRTIO_CRYPTO_OK, "AES-CBC decryption") &&
	       crypto_same(c, out, k->in, k->in_len, "the AES-CBC plaintext in dst_data");
}

static void cbc_known_answer(struct vc_ctx *c)
{
	struct vc_crypto cr;

	if (crypto_open(c, &cr, 0, 0))
		crypto_cbc_known_answer(c, &cr, &vc_kat_aes128_cbc);
}

/* AES-128-CBC then HMAC-SHA-256 (cipher then hash, no AAD): the chain's
 * structures parsed, the ciphertext in dst_data and the MAC in
 * hash_result. */
static void chain_known_answer(struct vc_ctx *c)
{
	const struct vc_kat *k = &vc_kat_aes128_cbc;
	uint8_t flf[56], keys[16 + 4], data[48] = { 0 }, dst[32], mac[32], status;
	struct vc_crypto cr;
	uint64_t session;

	if (!crypto_open(c, &cr, 0, 0) ||
	    !crypto_need(c, &cr, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, "AES-CBC") ||
	    !crypto_need(c, &cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, "HMAC-SHA-256"))
		return;
	uint32_t len = vc_crypto_chain_session(flf, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, VIRTIO_CRYPTO_OP_ENCRYPT,
					       VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, 4);
	memcpy(keys, k->key, 16);
	memcpy(keys + 16, "Jefe", 4);
	if (!crypto_session(c, &cr, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, flf, len, keys,
			    sizeof(keys), &session, "an AES-CBC + HMAC-SHA-256 chaining session"))
		return;
	vc_put32(data, 16);                 /* struct virtio_crypto_alg_chain_data_flf */
	vc_put32(data + 4, 32);             /* src_data_len */
	vc_put32(data + 8, 32);             /* dst_data_len */
	vc_put32(data + 16, 32);            /* len_to_cipher (from 0) */
	vc_put32(data + 24, 32);            /* len_to_hash (from 0) */
	vc_put32(data + 32, 32);            /* hash_result_len; aad_len 0 */
	vc_put32(data + 40, VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING);
	memset(dst, 0xee, sizeof(dst));
	memset(mac, 0xee, sizeof(mac));
	struct vc_iov vlf[4] = { { k->iv, NULL, 16, false }, { k->in, NULL, 32, false }, { NULL, dst, 32, true },
				 { NULL, mac, 32, true } };
	if (crypto_data(c, &cr, VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_CIPHER_AES_CBC, session,
			VIRTIO_CRYPTO_FLAG_SESSION_MODE, data, 48, vlf, 4, &status, "chaining request") &&
	    crypto_status(c, status, VIRTIO_CRYPTO_OK, "chaining request") &&
	    crypto_same(c, dst, k->out, 32, "the chain's ciphertext in dst_data"))
		crypto_same(c, mac, vc_kat_chain_mac, 32, "the chain's HMAC in hash_result");
}

static const struct vc_clause clauses[] = {
	{ "crypto.cipher.known-answer", L_CRYPTO_SYM, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-SYM-DEV-2 CRYPTO-SYM-DEV-3 CRYPTO-SYM-DEV-5 CRYPTO-SYM-DEV-8",
	  "AES-128-CBC encryption and decryption give the SP 800-38A answers in dst_data, with status OK: each "
	  "opcode and the cipher structures (IV, source) read as such.", NULL, cbc_known_answer },
	{ "crypto.cipher.chain-known-answer", L_CRYPTO_SYM, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-SYM-DEV-4 CRYPTO-SYM-DEV-6 CRYPTO-SYM-DEV-7",
	  "An AES-CBC + HMAC-SHA-256 chain with aad_len 0 gives the known ciphertext in dst_data and the known MAC "
	  "in hash_result: the chain structures parsed, no AAD read.", NULL, chain_known_answer },
};
VC_DEVICE_SUITE(suite_crypto_cipher, clauses, VIRTIO_ID_CRYPTO);
