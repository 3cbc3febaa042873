/* Crypto: stateless mode (the VIRTIO_CRYPTO_F_*_STATELESS_MODE features).
 * With a service's stateless mode negotiated its requests carry the
 * stateless structures, and the flag tells the device which kind each is:
 * a stateless request (flag 0, the session's parameters in the request)
 * and a session request (flag SESSION_MODE, session_id named, the
 * parameters zero) both give the known answer. */
#include <string.h>
#include "crypto.h"

#define SESSION VIRTIO_CRYPTO_FLAG_SESSION_MODE

/* The two requests: `build` fills the stateless flf (with the session's
 * parameters when `stateless`) and the vlf pieces, `check` compares. */
struct mode_test {
	unsigned service, feature;
	uint32_t opcode, algo;
	const char *what;
	bool (*session)(struct vc_ctx *c, struct vc_crypto *cr, uint64_t *session);
	uint32_t (*build)(uint8_t *flf, struct vc_iov *vlf, unsigned *n, bool stateless, uint8_t *out);
	const uint8_t *want;
	unsigned want_len;
};

static void run_modes(struct vc_ctx *c, const struct mode_test *t)
{
	uint8_t flf[80], out[160], status;
	struct vc_iov vlf[6];
	struct vc_crypto cr;
	uint64_t session;
	unsigned n;

	if (!crypto_open(c, &cr, DS_F(VIRTIO_CRYPTO_F_REVISION_1) | DS_F(t->feature), 0) ||
	    !crypto_need(c, &cr, t->service, t->algo, t->what))
		return;
	for (unsigned mode = 0; mode < 2; mode++) {
		bool stateless = mode == 0;
		if (!stateless && !t->session(c, &cr, &session))
			return;
		memset(flf, 0, sizeof(flf));
		memset(out, 0xee, sizeof(out));
		n = 0;
		uint32_t len = t->build(flf, vlf, &n, stateless, out);
		if (!crypto_data(c, &cr, t->opcode, t->algo, stateless ? 0 : session, stateless ? 0 : SESSION, flf, len, vlf,
				 n, &status, stateless ? "stateless request" : "session-mode request") ||
		    !crypto_status(c, status, VIRTIO_CRYPTO_OK, stateless ? "stateless request (flag 0)"
				   : "session-mode request (flag SESSION_MODE)") ||
		    !crypto_same(c, out, t->want, t->want_len, stateless ? "the stateless request's result"
				 : "the session-mode request's result"))
			return;
	}
}

/* ---- HASH: SHA-256("abc") ---- */

static bool hash_session(struct vc_ctx *c, struct vc_crypto *cr, uint64_t *session)
{
	uint8_t flf[8];

	return crypto_session(c, cr, VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA_256, flf,
			      vc_crypto_hash_session(flf, VIRTIO_CRYPTO_HASH_SHA_256, 32), NULL, 0, session,
			      "a SHA-256 session");
}

static uint32_t hash_build(uint8_t *flf, struct vc_iov *vlf, unsigned *n, bool stateless, uint8_t *out)
{
	const struct vc_kat *k = &vc_kat_sha256;

	vc_put32(flf, stateless ? VIRTIO_CRYPTO_HASH_SHA_256 : 0);
	vc_put32(flf + 4, k->in_len);
	vc_put32(flf + 8, 32);
	vlf[(*n)++] = (struct vc_iov){ k->in, NULL, k->in_len, false };
	vlf[(*n)++] = (struct vc_iov){ NULL, out, 32, true };
	return 16;
}

/* ---- MAC: HMAC-SHA-256, RFC 4231 test case 2 ---- */

static bool mac_session(struct vc_ctx *c, struct vc_crypto *cr, uint64_t *session)
{
	const struct vc_kat *k = &vc_kat_hmac_sha256;
	uint8_t flf[16];

	return crypto_session(c, cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, flf,
			      vc_crypto_mac_session(flf, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, k->key_len), k->key,
			      k->key_len, session, "an HMAC-SHA-256 session");
}

static uint32_t mac_build(uint8_t *flf, struct vc_iov *vlf, unsigned *n, bool stateless, uint8_t *out)
{
	const struct vc_kat *k = &vc_kat_hmac_sha256;

	vc_put32(flf, stateless ? VIRTIO_CRYPTO_MAC_HMAC_SHA_256 : 0);
	vc_put32(flf + 4, stateless ? k->key_len : 0);
	vc_put32(flf + 8, k->in_len);
	vc_put32(flf + 12, 32);
	if (stateless)
		vlf[(*n)++] = (struct vc_iov){ k->key, NULL, k->key_len, false };
	vlf[(*n)++] = (struct vc_iov){ k->in, NULL, k->in_len, false };
	vlf[(*n)++] = (struct vc_iov){ NULL, out, 32, true };
	return 16;
}

/* ---- CIPHER: AES-128-CBC encryption ---- */

static bool cipher_session(struct vc_ctx *c, struct vc_crypto *cr, uint64_t *session)
{
	uint8_t flf[56];

	return crypto_session(c, cr, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, flf,
			      vc_crypto_cipher_session(flf, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, VIRTIO_CRYPTO_OP_ENCRYPT),
			      vc_kat_aes128_cbc.key, 16, session, "an AES-CBC session");
}

static uint32_t cipher_build(uint8_t *flf, struct vc_iov *vlf, unsigned *n, bool stateless, uint8_t *out)
{
	const struct vc_kat *k = &vc_kat_aes128_cbc;

	vc_put32(flf, stateless ? VIRTIO_CRYPTO_CIPHER_AES_CBC : 0);   /* struct virtio_crypto_cipher_data_flf_stateless */
	vc_put32(flf + 4, stateless ? k->key_len : 0);
	vc_put32(flf + 8, stateless ? VIRTIO_CRYPTO_OP_ENCRYPT : 0);
	vc_put32(flf + 12, 16);
	vc_put32(flf + 16, k->in_len);
	vc_put32(flf + 20, k->in_len);
	vc_put32(flf + 72, VIRTIO_CRYPTO_SYM_OP_CIPHER);
	if (stateless)
		vlf[(*n)++] = (struct vc_iov){ k->key, NULL, k->key_len, false };
	vlf[(*n)++] = (struct vc_iov){ k->iv, NULL, 16, false };
	vlf[(*n)++] = (struct vc_iov){ k->in, NULL, k->in_len, false };
	vlf[(*n)++] = (struct vc_iov){ NULL, out, k->in_len, true };
	return 76;
}

/* ---- AEAD: AES-128-GCM encryption, the tag after the ciphertext ---- */

static uint8_t gcm_out[80];

static bool aead_session(struct vc_ctx *c, struct vc_crypto *cr, uint64_t *session)
{
	const struct vc_kat *k = &vc_kat_aes128_gcm;
	uint8_t flf[24];

	return crypto_session(c, cr, VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_GCM, flf,
			      vc_crypto_aead_session(flf, VIRTIO_CRYPTO_AEAD_GCM, k->key_len, 16, k->aad_len,
						     VIRTIO_CRYPTO_OP_ENCRYPT), k->key, k->key_len, session,
			      "an AES-GCM session");
}

static uint32_t aead_build(uint8_t *flf, struct vc_iov *vlf, unsigned *n, bool stateless, uint8_t *out)
{
	const struct vc_kat *k = &vc_kat_aes128_gcm;

	vc_put32(flf, stateless ? VIRTIO_CRYPTO_AEAD_GCM : 0);
	vc_put32(flf + 4, stateless ? k->key_len : 0);
	vc_put32(flf + 8, stateless ? VIRTIO_CRYPTO_OP_ENCRYPT : 0);
	vc_put32(flf + 12, k->iv_len);
	vc_put32(flf + 16, 16);
	vc_put32(flf + 20, k->aad_len);
	vc_put32(flf + 24, k->in_len);
	vc_put32(flf + 28, k->in_len + 16);
	if (stateless)
		vlf[(*n)++] = (struct vc_iov){ k->key, NULL, k->key_len, false };
	vlf[(*n)++] = (struct vc_iov){ k->iv, NULL, k->iv_len, false };
	vlf[(*n)++] = (struct vc_iov){ k->in, NULL, k->in_len, false };
	vlf[(*n)++] = (struct vc_iov){ k->aad, NULL, k->aad_len, false };
	vlf[(*n)++] = (struct vc_iov){ NULL, out, k->in_len + 16, true };
	return 32;
}

/* ---- AKCIPHER: RSA raw encryption ---- */

static bool rsa_session(struct vc_ctx *c, struct vc_crypto *cr, uint64_t *session)
{
	const struct vc_kat *k = &vc_kat_rsa_raw;
	uint8_t flf[56];

	return crypto_session(c, cr, VIRTIO_CRYPTO_SERVICE_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA, flf,
			      vc_crypto_rsa_session(flf, VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC, k->key_len,
						    VIRTIO_CRYPTO_RSA_RAW_PADDING, 0), k->key, k->key_len, session,
			      "an RSA session");
}

static uint32_t rsa_build(uint8_t *flf, struct vc_iov *vlf, unsigned *n, bool stateless, uint8_t *out)
{
	const struct vc_kat *k = &vc_kat_rsa_raw;

	vc_put32(flf, stateless ? VIRTIO_CRYPTO_AKCIPHER_RSA : 0);
	vc_put32(flf + 4, stateless ? VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC : 0);
	vc_put32(flf + 8, stateless ? k->key_len : 0);
	vc_put32(flf + 12, VIRTIO_CRYPTO_RSA_RAW_PADDING);
	vc_put32(flf + 20, k->in_len);
	vc_put32(flf + 24, k->out_len);
	if (stateless)
		vlf[(*n)++] = (struct vc_iov){ k->key, NULL, k->key_len, false };
	vlf[(*n)++] = (struct vc_iov){ k->in, NULL, k->in_len, false };
	vlf[(*n)++] = (struct vc_iov){ NULL, out, k->out_len, true };
	return 28;
}

#define MODE(svc, feat, op, alg, what, sess, build, want, len) \
	{ VIRTIO_CRYPTO_SERVICE_##svc, VIRTIO_CRYPTO_F_##feat, op, alg, what, sess, build, want, len }

static void hash_modes(struct vc_ctx *c)
{
	static const struct mode_test t = MODE(HASH, HASH_STATELESS_MODE, VIRTIO_CRYPTO_HASH, VIRTIO_CRYPTO_HASH_SHA_256,
					       "SHA-256", hash_session, hash_build, NULL, 32);
	struct mode_test m = t;

	m.want = vc_kat_sha256.out;
	run_modes(c, &m);
}

static void mac_modes(struct vc_ctx *c)
{
	struct mode_test m = MODE(MAC, MAC_STATELESS_MODE, VIRTIO_CRYPTO_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256,
				  "HMAC-SHA-256", mac_session, mac_build, vc_kat_hmac_sha256.out, 32);
	run_modes(c, &m);
}

static void cipher_modes(struct vc_ctx *c)
{
	struct mode_test m = MODE(CIPHER, CIPHER_STATELESS_MODE, VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_CIPHER_AES_CBC,
				  "AES-CBC", cipher_session, cipher_build, vc_kat_aes128_cbc.out, 32);
	run_modes(c, &m);
}

static void aead_modes(struct vc_ctx *c)
{
	const struct vc_kat *k = &vc_kat_aes128_gcm;
	struct mode_test m = MODE(AEAD, AEAD_STATELESS_MODE, VIRTIO_CRYPTO_AEAD_ENCRYPT, VIRTIO_CRYPTO_AEAD_GCM, "AES-GCM",
				  aead_session, aead_build, gcm_out, k->out_len + 16);
	memcpy(gcm_out, k->out, k->out_len);
	memcpy(gcm_out + k->out_len, k->tag, 16);
	run_modes(c, &m);
}

static void akcipher_modes(struct vc_ctx *c)
{
	struct mode_test m = MODE(AKCIPHER, AKCIPHER_STATELESS_MODE, VIRTIO_CRYPTO_AKCIPHER_ENCRYPT,
				  VIRTIO_CRYPTO_AKCIPHER_RSA, "RSA", rsa_session, rsa_build, vc_kat_rsa_raw.out,
				  vc_kat_rsa_raw.out_len);
	run_modes(c, &m);
}

static const struct vc_clause clauses[] = {
	{ "crypto.stateless.cipher-flag", L_CRYPTO_SYM, VC_MUST, VC_DEVICE_RULE, "1.1", CRYPTO_NEEDS, "CRYPTO-SYM-DEV-1",
	  "With CIPHER_STATELESS_MODE the flag tells stateless from session cipher requests: both give the known "
	  "answer.", NULL, cipher_modes, VC_REQ(VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE) },
	{ "crypto.stateless.hash-flag", L_CRYPTO_HASH, VC_MUST, VC_DEVICE_RULE, "1.1", CRYPTO_NEEDS, "CRYPTO-HASH-DEV-2",
	  "With HASH_STATELESS_MODE the flag tells stateless from session HASH requests: both give the known "
	  "answer.", NULL, hash_modes, VC_REQ(VIRTIO_CRYPTO_F_HASH_STATELESS_MODE) },
	{ "crypto.stateless.mac-flag", L_CRYPTO_MAC, VC_MUST, VC_DEVICE_RULE, "1.1", CRYPTO_NEEDS, "CRYPTO-MAC-DEV-1",
	  "With MAC_STATELESS_MODE the flag tells stateless from session MAC requests: both give the known answer.",
	  NULL, mac_modes, VC_REQ(VIRTIO_CRYPTO_F_MAC_STATELESS_MODE) },
	{ "crypto.stateless.aead-flag", L_CRYPTO_AEAD, VC_MUST, VC_DEVICE_RULE, "1.1", CRYPTO_NEEDS, "CRYPTO-AEAD-DEV-1",
	  "With AEAD_STATELESS_MODE stateless AEAD requests are parsed with their own structures (and session ones "
	  "by their flag): both give the known answer.", NULL, aead_modes, VC_REQ(VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE) },
	{ "crypto.stateless.akcipher-flag", L_CRYPTO_AK, VC_MUST, VC_DEVICE_RULE, "1.2", CRYPTO_NEEDS,
	  "CRYPTO-AKCIPHER-DEV-1", "With AKCIPHER_STATELESS_MODE stateless RSA requests are parsed with their own "
	  "structures (and session ones by their flag): both give the known answer.", NULL, akcipher_modes,
	  VC_REQ(VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE) },
};
VC_DEVICE_SUITE(suite_crypto_stateless, clauses, VIRTIO_ID_CRYPTO);
