/* Crypto: sessions on the control queue (Device Types / Crypto Device /
 * Device Operation / Control Virtqueue / Session operation). */
#include <errno.h>
#include <string.h>
#include "crypto.h"

static int lowest_bit(uint64_t mask, unsigned from)
{
	for (unsigned b = from; b < 64; b++)
		if (mask >> b & 1)
			return (int)b;
	return -1;
}

/* A session for `service` with the first algorithm of its mask the harness
 * can set up: 0 with *status and *session, -ENOENT when it knows none. */
int crypto_try_session(struct vc_ctx *c, struct vc_crypto *cr, unsigned service, uint32_t *status, uint64_t *session,
		       uint32_t *algo_used)
{
	static const uint8_t hash_len[] = { 0, 16, 20, 28, 32, 48, 64 };       /* MD5 .. SHA-512 */
	static const uint8_t key[64] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88 };
	uint8_t flf[56];
	uint32_t len = 0, vlf_len = 0, algo;
	const void *vlf = key;
	int a;

	switch (service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		for (a = lowest_bit(cr->cfg.cipher_algo, 1); a >= 0; a = lowest_bit(cr->cfg.cipher_algo, (unsigned)a + 1)) {
			vlf_len = a >= VIRTIO_CRYPTO_CIPHER_AES_ECB && a <= VIRTIO_CRYPTO_CIPHER_AES_CTR ? 16
				  : a == VIRTIO_CRYPTO_CIPHER_AES_XTS ? 32
				  : a == VIRTIO_CRYPTO_CIPHER_DES_ECB || a == VIRTIO_CRYPTO_CIPHER_DES_CBC ? 8
				  : a >= VIRTIO_CRYPTO_CIPHER_3DES_ECB && a <= VIRTIO_CRYPTO_CIPHER_3DES_CTR ? 24 : 0;
			if (vlf_len)
				break;
		}
		if (a < 0)
			return -ENOENT;
		len = vc_crypto_cipher_session(flf, (uint32_t)a, vlf_len, VIRTIO_CRYPTO_OP_ENCRYPT);
		break;
	case VIRTIO_CRYPTO_SERVICE_HASH:
	case VIRTIO_CRYPTO_SERVICE_MAC:
		a = lowest_bit(service == VIRTIO_CRYPTO_SERVICE_HASH ? cr->cfg.hash_algo : cr->cfg.mac_algo, 1);
		if (a < 0 || a > 6)
			return -ENOENT;
		if (service == VIRTIO_CRYPTO_SERVICE_HASH) {
			len = vc_crypto_hash_session(flf, (uint32_t)a, hash_len[a]);
		} else {
			vlf_len = 16;
			len = vc_crypto_mac_session(flf, (uint32_t)a, hash_len[a], vlf_len);
		}
		break;
	case VIRTIO_CRYPTO_SERVICE_AEAD:
		if ((a = lowest_bit(cr->cfg.aead_algo, 1)) < 0)
			return -ENOENT;
		vlf_len = a == 3 ? 32 : 16;
		len = vc_crypto_aead_session(flf, (uint32_t)a, vlf_len, 16, 0, VIRTIO_CRYPTO_OP_ENCRYPT);
		break;
	case VIRTIO_CRYPTO_SERVICE_AKCIPHER:
		if (!(cr->cfg.akcipher_algo >> VIRTIO_CRYPTO_AKCIPHER_RSA & 1))
			return -ENOENT;
		a = VIRTIO_CRYPTO_AKCIPHER_RSA;
		vlf = vc_kat_rsa_raw.key;
		vlf_len = vc_kat_rsa_raw.key_len;
		len = vc_crypto_rsa_session(flf, VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC, vlf_len,
					    VIRTIO_CRYPTO_RSA_RAW_PADDING, 0);
		break;
	default:
		return -ENOENT;
	}
	algo = (uint32_t)a;
	if (algo_used)
		*algo_used = algo;
	int rc = vc_crypto_create(cr, service, algo, flf, len, vlf, vlf_len, session, status, c->dev->timeout_ms);
	return rc == -ETIMEDOUT ? -EIO : rc;
}

/* Every advertised service (with an algorithm the harness can set up)
 * is asked for a session; `refused` says which answers FAIL. */
bool crypto_each_service(struct vc_ctx *c, struct vc_crypto *cr, enum crypto_refusal refused, const char *why)
{
	static const char *const names[] = { "CIPHER", "HASH", "MAC", "AEAD", "AKCIPHER" };
	unsigned tried = 0;

	for (unsigned s = 0; s < 5; s++) {
		uint32_t status, algo;
		uint64_t session;
		if (!(cr->cfg.services >> s & 1))
			continue;
		int rc = crypto_try_session(c, cr, s, &status, &session, &algo);
		if (rc == -ENOENT) {
			vc_note(c, "%s: no algorithm in its mask the harness can set up a session for", names[s]);
			continue;
		}
		if (!ds_ok(c, rc, "creating a session failed"))
			return false;
		tried++;
		bool allowed = status == VIRTIO_CRYPTO_OK || status == VIRTIO_CRYPTO_ERR || status == VIRTIO_CRYPTO_NOTSUPP ||
			       (status == VIRTIO_CRYPTO_NOSPC && cr->rev1);
		bool bad = refused == CRYPTO_NEED_OK ? status != VIRTIO_CRYPTO_OK
			   : refused == CRYPTO_NEED_PARSED ? status != VIRTIO_CRYPTO_OK && status != VIRTIO_CRYPTO_NOTSUPP
			   : !allowed;
		if (status == VIRTIO_CRYPTO_NOTSUPP && !bad)
			vc_note(c, "%s (algorithm %u): NOTSUPP (crypto.config.services-provided judges that)", names[s], algo);
		if (bad) {
			vc_fail(c, "the %s service is advertised, but a %s session (algorithm %u) %s", names[s], names[s],
				algo, why);
			vc_observed(c, "status %u (%s)", status, crypto_status_name(status));
			vc_expected(c, "%s", refused == CRYPTO_NEED_OK ? "OK" : refused == CRYPTO_NEED_PARSED ? "OK (or NOTSUPP)"
				    : "OK, NOTSUPP, ERR (or NOSPC with REVISION_1)");
			return false;
		}
	}
	if (!tried)
		vc_skip(c, "no advertised service has an algorithm the harness can set up a session for");
	return tried > 0;
}

static void opcode_structs(struct vc_ctx *c)
{
	struct vc_crypto cr;

	if (crypto_open(c, &cr, 0, 0))
		crypto_each_service(c, &cr, CRYPTO_NEED_PARSED, "was refused as malformed: not read with its own structure");
}

/* The key and direction come from the session's structures: a request on
 * it gives the known answer (AES-128-CBC). */
static void parameters_used(struct vc_ctx *c)
{
	struct vc_crypto cr;

	if (crypto_open(c, &cr, 0, 0))
		crypto_cbc_known_answer(c, &cr, &vc_kat_aes128_cbc);
}

/* Each advertised service's session answers a defined status; a cipher
 * algorithm the mask leaves out: NOTSUPP. */
static void status_values(struct vc_ctx *c)
{
	struct vc_crypto cr;
	uint8_t flf[56], key[32] = { 0 };
	uint32_t status;
	uint64_t session;
	int missing = -1;

	if (!crypto_open(c, &cr, 0, 0) || !crypto_each_service(c, &cr, CRYPTO_NEED_DEFINED, "came back with an undefined status"))
		return;
	for (unsigned a = VIRTIO_CRYPTO_CIPHER_MAX; a >= 1 && missing < 0; a--)
		if (!(cr.cfg.cipher_algo >> a & 1))
			missing = (int)a;
	if (missing < 0 || !(cr.cfg.services >> VIRTIO_CRYPTO_SERVICE_CIPHER & 1)) {
		vc_note(c, "no cipher algorithm outside the mask to ask for");
		return;
	}
	uint32_t len = vc_crypto_cipher_session(flf, (uint32_t)missing, 16, VIRTIO_CRYPTO_OP_ENCRYPT);
	int rc = vc_crypto_create(&cr, VIRTIO_CRYPTO_SERVICE_CIPHER, (uint32_t)missing, flf, len, key, 16, &session,
				  &status, c->dev->timeout_ms);
	if (!ds_ok(c, rc == -ETIMEDOUT ? -EIO : rc, "creating a session failed"))
		return;
	if (status != VIRTIO_CRYPTO_NOTSUPP) {
		vc_fail(c, "a session for cipher algorithm %d, which the mask leaves out, came back %s", missing,
			crypto_status_name(status));
		vc_observed(c, "status %u", status);
		vc_expected(c, "NOTSUPP (%u)", VIRTIO_CRYPTO_NOTSUPP);
	}
}

/* Sessions created one after another have distinct ids; a refused one
 * names none of them. */
static void unique_id(struct vc_ctx *c)
{
	struct vc_crypto cr;
	uint64_t id[6];
	unsigned n = 0;

	if (!crypto_open(c, &cr, 0, 0))
		return;
	for (unsigned round = 0; round < 2; round++) {
		for (unsigned s = 0; s < 5 && n < 6; s++) {
			uint32_t status;
			if (!(cr.cfg.services >> s & 1))
				continue;
			int rc = crypto_try_session(c, &cr, s, &status, &id[n], NULL);
			if (rc == -ENOENT)
				continue;
			if (!ds_ok(c, rc, "creating a session failed"))
				return;
			if (status != VIRTIO_CRYPTO_OK)
				continue;
			for (unsigned k = 0; k < n; k++) {
				if (id[k] == id[n]) {
					vc_fail(c, "two sessions created one after another got the same id");
					vc_observed(c, "session_id 0x%llx twice", (unsigned long long)id[n]);
					vc_expected(c, "unique ids");
					return;
				}
			}
			n++;
		}
	}
	if (n < 2)
		vc_skip(c, "fewer than two sessions could be created: nothing to compare");
}

/* A HASH request on a session destroyed with OK: INVSESS (the session id
 * names no session any more). */
static void destroyed_refused(struct vc_ctx *c, struct vc_crypto *cr, uint64_t session)
{
	uint8_t flf[8], out[32], status;
	struct vc_iov vlf[2] = { { (const uint8_t *)"abc", NULL, 3, false }, { NULL, out, 32, true } };

	vc_put32(flf, 3);
	vc_put32(flf + 4, 32);
	if (!crypto_data(c, cr, VIRTIO_CRYPTO_HASH, VIRTIO_CRYPTO_HASH_SHA_256, session, VIRTIO_CRYPTO_FLAG_SESSION_MODE,
			 flf, 8, vlf, 2, &status, "a HASH request on the destroyed session"))
		return;
	if (status != VIRTIO_CRYPTO_INVSESS) {
		vc_fail(c, "a HASH request on a session destroyed with OK answered %u (%s): the session lives on", status,
			crypto_status_name(status));
		vc_observed(c, "status %u", status);
		vc_expected(c, "INVSESS (%u)", VIRTIO_CRYPTO_INVSESS);
	}
}

/* Destroying a live session answers OK (or ERR), nothing else; a session
 * destroyed with OK is gone (a SHA-256 session, tried first: a request on
 * it answers INVSESS). */
static void destroy_status(struct vc_ctx *c)
{
	struct vc_crypto cr;
	uint32_t status;
	uint64_t session;
	uint8_t done;

	if (!crypto_open(c, &cr, 0, 0))
		return;
	static const unsigned order[] = { VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_SERVICE_CIPHER,
					  VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_SERVICE_AEAD,
					  VIRTIO_CRYPTO_SERVICE_AKCIPHER };
	for (unsigned i = 0; i < 5; i++) {
		unsigned s = order[i];
		uint32_t algo = 0;
		if (!(cr.cfg.services >> s & 1))
			continue;
		int rc = crypto_try_session(c, &cr, s, &status, &session, &algo);
		if (rc == -ENOENT || (!rc && status != VIRTIO_CRYPTO_OK))
			continue;
		if (!ds_ok(c, rc, "creating a session failed") ||
		    !ds_ok(c, vc_crypto_destroy(&cr, s, session, &done, c->dev->timeout_ms), "destroying the session failed"))
			return;
		if (done != VIRTIO_CRYPTO_OK && done != VIRTIO_CRYPTO_ERR) {
			vc_fail(c, "destroying a live session answered %u (%s)", done, crypto_status_name(done));
			vc_observed(c, "status %u", done);
			vc_expected(c, "OK (0) or ERR (1)");
		} else if (done == VIRTIO_CRYPTO_ERR) {
			vc_note(c, "destroying a live session failed (ERR)");
		}
		if (done == VIRTIO_CRYPTO_OK && s == VIRTIO_CRYPTO_SERVICE_HASH && algo == VIRTIO_CRYPTO_HASH_SHA_256)
			destroyed_refused(c, &cr, session);
		return;
	}
	vc_skip(c, "no session could be created to destroy");
}

static const struct vc_clause clauses[] = {
	{ "crypto.session.opcode-structs", L_CRYPTO_CREATE, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-SESSCREATE-DEV-1", "A create-session request of each advertised service is read with that "
	  "service's structure: the session is created (or the algorithm refused as unsupported), not refused as "
	  "malformed.", NULL, opcode_structs },
	{ "crypto.session.parameters-used", L_CRYPTO_CREATE, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-SESSCREATE-DEV-2", "The session's key and direction are taken from its structures: requests on "
	  "it give known answers.", NULL, parameters_used },
	{ "crypto.session.status-values", L_CRYPTO_CREATE, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-SESSCREATE-DEV-3", "Creating a session answers OK, NOTSUPP, ERR (or NOSPC), and NOTSUPP for an "
	  "algorithm the mask leaves out.", NULL, status_values },
	{ "crypto.session.unique-id", L_CRYPTO_CREATE, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-SESSCREATE-DEV-4", "Sessions created one after another get distinct session ids.", NULL, unique_id },
	{ "crypto.session.destroy-status", L_CRYPTO_DESTROY, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-SESSDESTROY-DEV-1", "Destroying a live session answers OK or ERR, nothing else; after OK the session "
	  "is gone (a request on it answers INVSESS).", NULL, destroy_status },
};
VC_DEVICE_SUITE(suite_crypto_sessions, clauses, VIRTIO_ID_CRYPTO);
