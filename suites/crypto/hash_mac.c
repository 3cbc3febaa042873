/* Crypto: HASH and MAC requests against known answers (Device Types /
 * Crypto Device / Device Operation / HASH and MAC Service Operation). */
#include <stdio.h>
#include <string.h>
#include "crypto.h"

/* src in, hash_result out (32 bytes): HASH and MAC share the layout. */
static bool digest(struct vc_ctx *c, struct vc_crypto *cr, uint32_t opcode, uint32_t algo, uint64_t session,
		   const struct vc_kat *k, const char *what)
{
	uint8_t flf[8], out[32], status;
	struct vc_iov vlf[2] = { { k->in, NULL, k->in_len, false }, { NULL, out, 32, true } };
	char label[160];

	vc_put32(flf, k->in_len);
	vc_put32(flf + 4, 32);
	memset(out, 0xee, sizeof(out));
	snprintf(label, sizeof(label), "the hash_result of %s", what);
	return crypto_data(c, cr, opcode, algo, session, VIRTIO_CRYPTO_FLAG_SESSION_MODE, flf, 8, vlf, 2, &status, what) &&
	       crypto_status(c, status, VIRTIO_CRYPTO_OK, what) && crypto_same(c, out, k->out, 32, label);
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

/* HMAC-SHA-256 with a 100-byte key of 0xaa over RFC 4231 test case 6's
 * data: a key longer than SHA-256's 64-byte block is hashed first (RFC 2104
 * section 2). RFC 4231's own long key has 131 bytes, more than many devices'
 * max_auth_key_len; this MAC was computed with Python's hmac module. */
static const uint8_t long_key_mac[32] = {
	0xae, 0x77, 0x84, 0xe2, 0x45, 0x97, 0x7b, 0x78, 0xcd, 0x7a, 0x94, 0x14, 0xf4, 0x96, 0xdd, 0xbb,
	0xa3, 0x1e, 0xa4, 0x48, 0xbd, 0xd6, 0x1e, 0x91, 0xc3, 0x7f, 0x00, 0x2c, 0x72, 0xf5, 0x24, 0x42,
};
#define LONG_KEY_LEN 100
#define LONG_KEY_DATA "Test Using Larger Than Block-Size Key - Hash Key First"

static bool mac_with(struct vc_ctx *c, struct vc_crypto *cr, const struct vc_kat *k, const char *what)
{
	uint8_t flf[16];
	uint64_t session;

	return crypto_session(c, cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, flf,
			      vc_crypto_mac_session(flf, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, k->key_len), k->key,
			      k->key_len, &session, what) &&
	       digest(c, cr, VIRTIO_CRYPTO_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, session, k, what);
}

/* HMAC-SHA-256, RFC 4231 test case 2; then a key over the block size. */
static void mac_known_answer(struct vc_ctx *c)
{
	uint8_t key[LONG_KEY_LEN];
	struct vc_crypto cr;
	struct vc_kat k = { 0 };

	if (!crypto_open(c, &cr, 0, 0) ||
	    !crypto_need(c, &cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, "HMAC-SHA-256") ||
	    !mac_with(c, &cr, &vc_kat_hmac_sha256, "an HMAC-SHA-256 request (RFC 4231 test case 2)"))
		return;
	if (cr.cfg.max_auth_key_len < LONG_KEY_LEN) {
		vc_note(c, "max_auth_key_len %u: no key over the 64-byte block tried", cr.cfg.max_auth_key_len);
		return;
	}
	memset(key, 0xaa, sizeof(key));
	k.key = key;
	k.key_len = sizeof(key);
	k.in = (const uint8_t *)LONG_KEY_DATA;
	k.in_len = sizeof(LONG_KEY_DATA) - 1;
	k.out = long_key_mac;
	k.out_len = sizeof(long_key_mac);
	mac_with(c, &cr, &k, "an HMAC-SHA-256 request with a 100-byte key (hashed first, as RFC 2104 has it)");
}

/* A request of `opcode` on `session`, a session of another service: not
 * carried out. False once the clause is over. */
static bool refused(struct vc_ctx *c, struct vc_crypto *cr, uint32_t opcode, uint32_t algo, uint64_t session,
		    const char *what)
{
	uint8_t flf[8], out[32], status;
	struct vc_iov vlf[2] = { { vc_kat_sha256.in, NULL, vc_kat_sha256.in_len, false }, { NULL, out, 32, true } };

	vc_put32(flf, vc_kat_sha256.in_len);
	vc_put32(flf + 4, 32);
	memset(out, 0xee, sizeof(out));
	if (!crypto_data(c, cr, opcode, algo, session, VIRTIO_CRYPTO_FLAG_SESSION_MODE, flf, 8, vlf, 2, &status, what))
		return false;
	if (status == VIRTIO_CRYPTO_INVSESS || status == VIRTIO_CRYPTO_ERR || status == VIRTIO_CRYPTO_NOTSUPP)
		return true;
	vc_fail(c, "%s was %s", what, status == VIRTIO_CRYPTO_OK ? "carried out (status OK)" : "answered");
	vc_observed(c, "status %u (%s); hash_result %02x %02x %02x %02x ...", status, crypto_status_name(status), out[0],
		    out[1], out[2], out[3]);
	vc_expected(c, "INVSESS: the session is no session of that service (else ERR or NOTSUPP)");
	return false;
}

/* Robustness: a HASH request on a MAC session and a MAC request on a HASH
 * session (the driver uses another service's session_id) are refused. */
static void other_service(struct vc_ctx *c)
{
	uint8_t hflf[8], mflf[16];
	struct vc_crypto cr;
	uint64_t hs, ms;
	const struct vc_kat *k = &vc_kat_hmac_sha256;

	if (!crypto_open(c, &cr, 0, 0) ||
	    !crypto_need(c, &cr, VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA_256, "SHA-256") ||
	    !crypto_need(c, &cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, "HMAC-SHA-256") ||
	    !crypto_session(c, &cr, VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA_256, hflf,
			    vc_crypto_hash_session(hflf, VIRTIO_CRYPTO_HASH_SHA_256, 32), NULL, 0, &hs, "a SHA-256 session") ||
	    !crypto_session(c, &cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, mflf,
			    vc_crypto_mac_session(mflf, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, k->key_len), k->key,
			    k->key_len, &ms, "an HMAC-SHA-256 session"))
		return;
	if (refused(c, &cr, VIRTIO_CRYPTO_HASH, VIRTIO_CRYPTO_HASH_SHA_256, ms,
		    "a HASH request on the session_id of an HMAC-SHA-256 (MAC) session"))
		refused(c, &cr, VIRTIO_CRYPTO_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, hs,
			"a MAC request on the session_id of a SHA-256 (HASH) session");
}

static const struct vc_clause clauses[] = {
	{ "crypto.hash.known-answer", L_CRYPTO_HASH, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-HASH-DEV-1 CRYPTO-HASH-DEV-3 CRYPTO-HASH-DEV-4",
	  "A SHA-256 request on \"abc\" writes the FIPS 180-2 digest to hash_result, with status OK.", NULL,
	  hash_known_answer },
	{ "crypto.mac.known-answer", L_CRYPTO_MAC, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-MAC-DEV-2 CRYPTO-MAC-DEV-3",
	  "An HMAC-SHA-256 request (RFC 4231 test case 2, and with a 100-byte key, which HMAC hashes first) writes "
	  "the known MAC to hash_result, with status OK.", NULL,
	  mac_known_answer },
	/* robustness: the driver's MUST broken on purpose; CRYPTO-HASH-DEV-4 and CRYPTO-MAC-DEV-3 seen, not covered */
	{ "probe.crypto.session-of-other-service", "Robustness: a hostile driver (not a spec rule)", VC_MAY,
	  VC_ROBUSTNESS, "1.0", CRYPTO_NEEDS, "", "A HASH request on a MAC session's id and a MAC request on a HASH "
	  "session's id (a session_id not from that service's session creation) are refused: INVSESS, else ERR or "
	  "NOTSUPP, never carried out.", "robustness", other_service, 0, 2, "CRYPTO-HASH-DRV-1 CRYPTO-MAC-DRV-1" },
};
VC_DEVICE_SUITE(suite_crypto_hash_mac, clauses, VIRTIO_ID_CRYPTO);
