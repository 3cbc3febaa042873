/* Crypto: HASH and MAC requests against known answers (Device Types /
 * Crypto Device / Device Operation / HASH and MAC Service Operation). */
#include <string.h>
#include "crypto.h"

/* src in, hash_result out (32 bytes): HASH and MAC share the layout. */
static bool digest(struct vc_ctx *c, struct vc_crypto *cr, uint32_t opcode, uint32_t algo, uint64_t session,
		   const struct vc_kat *k, const char *what)
{
	uint8_t flf[8], out[32], status;
	struct vc_iov vlf[2] = { { k->in, NULL, k->in_len, false }, { NULL, out, 32, true } };

	vc_put32(flf, k->in_len);
	vc_put32(flf + 4, 32);
	memset(out, 0xee, sizeof(out));
	return crypto_data(c, cr, opcode, algo, session, VIRTIO_CRYPTO_FLAG_SESSION_MODE, flf, 8, vlf, 2, &status, what) &&
	       crypto_status(c, status, VIRTIO_CRYPTO_OK, what) && crypto_same(c, out, k->out, 32, "hash_result");
}

/* SHA-256("abc") (FIPS 180-2): the request read, the digest in
 * hash_result, status OK. */
static void hash_known_answer(struct vc_ctx *c)
{
	struct vc_crypto cr;
	uint8_t flf[8];
	uint64_t session;

	if (crypto_open(c, &cr, 0, 0) &&
	    crypto_need(c, &cr, VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA_256, "SHA-256") &&
	    crypto_session(c, &cr, VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA_256, flf,
			   vc_crypto_hash_session(flf, VIRTIO_CRYPTO_HASH_SHA_256, 32), NULL, 0, &session,
			   "a SHA-256 session"))
		digest(c, &cr, VIRTIO_CRYPTO_HASH, VIRTIO_CRYPTO_HASH_SHA_256, session, &vc_kat_sha256, "SHA-256 request");
}

/* HMAC-SHA-256, RFC 4231 test case 2. */
static void mac_known_answer(struct vc_ctx *c)
{
	const struct vc_kat *k = &vc_kat_hmac_sha256;
	struct vc_crypto cr;
	uint8_t flf[16];
	uint64_t session;

	if (crypto_open(c, &cr, 0, 0) &&
	    crypto_need(c, &cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, "HMAC-SHA-256") &&
	    crypto_session(c, &cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, flf,
			   vc_crypto_mac_session(flf, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, k->key_len), k->key, k->key_len,
			   &session, "an HMAC-SHA-256 session"))
		digest(c, &cr, VIRTIO_CRYPTO_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, session, k, "HMAC-SHA-256 request");
}

static const struct vc_clause clauses[] = {
	{ "crypto.hash.known-answer", L_CRYPTO_HASH, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-HASH-DEV-1 CRYPTO-HASH-DEV-3 CRYPTO-HASH-DEV-4",
	  "A SHA-256 request on \"abc\" writes the FIPS 180-2 digest to hash_result, with status OK.", NULL,
	  hash_known_answer },
	{ "crypto.mac.known-answer", L_CRYPTO_MAC, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-MAC-DEV-2 CRYPTO-MAC-DEV-3",
	  "An HMAC-SHA-256 request (RFC 4231 test case 2) writes the known MAC to hash_result, with status OK.", NULL,
	  mac_known_answer },
};
VC_DEVICE_SUITE(suite_crypto_hash_mac, clauses, VIRTIO_ID_CRYPTO);
