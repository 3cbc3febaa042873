/* Crypto: the device configuration (Device Types / Crypto Device / Device
 * configuration layout). */
#include <string.h>
#include "crypto.h"

static bool read_cfg(struct vc_ctx *c, struct vc_crypto *cr)
{
	memset(cr, 0, sizeof(*cr));
	return ds_open(c, &cr->d, 0, 0, 0, true) &&
	       ds_ok(c, vc_crypto_config_read(&cr->d, &cr->cfg), "reading the configuration failed");
}

static void max_dataqueues(struct vc_ctx *c)
{
	struct vc_crypto cr;

	if (!read_cfg(c, &cr))
		return;
	if (cr.cfg.max_dataqueues < 1 || cr.cfg.max_dataqueues > 65535) {
		vc_fail(c, "max_dataqueues is %u", cr.cfg.max_dataqueues);
		vc_observed(c, "%u", cr.cfg.max_dataqueues);
		vc_expected(c, "1..65535");
	}
}

static void status_defined(struct vc_ctx *c)
{
	struct vc_crypto cr;

	if (!read_cfg(c, &cr))
		return;
	if (cr.cfg.status & ~(uint32_t)VIRTIO_CRYPTO_S_HW_READY) {
		vc_fail(c, "status has bits the spec does not define");
		vc_observed(c, "status 0x%08x", cr.cfg.status);
		vc_expected(c, "only VIRTIO_CRYPTO_S_HW_READY (bit 0)");
	}
}

/* With HW_READY set the device takes requests: a session and a request
 * on it (AES-CBC when offered, else any advertised service's session). */
static void hw_ready_serves(struct vc_ctx *c)
{
	struct vc_crypto cr;

	if (!crypto_open(c, &cr, 0, 0))
		return;
	if (cr.cfg.services >> VIRTIO_CRYPTO_SERVICE_CIPHER & 1 && cr.cfg.cipher_algo >> VIRTIO_CRYPTO_CIPHER_AES_CBC & 1)
		crypto_cbc_known_answer(c, &cr, &vc_kat_aes128_cbc);
	else
		crypto_each_service(c, &cr, CRYPTO_NEED_OK, "was refused although HW_READY is set");
}

static void services_provided(struct vc_ctx *c)
{
	struct vc_crypto cr;

	if (crypto_open(c, &cr, 0, 0))
		crypto_each_service(c, &cr, CRYPTO_NEED_OK, "cannot be created: crypto_services claims a service the "
				    "device does not provide");
}

static uint64_t service_mask(const struct vc_crypto_config *cfg, unsigned s)
{
	switch (s) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER: return cfg->cipher_algo;
	case VIRTIO_CRYPTO_SERVICE_HASH: return cfg->hash_algo;
	case VIRTIO_CRYPTO_SERVICE_MAC: return cfg->mac_algo;
	case VIRTIO_CRYPTO_SERVICE_AEAD: return cfg->aead_algo;
	}
	return cfg->akcipher_algo;
}

static const char *const service_names[] = { "CIPHER", "HASH", "MAC", "AEAD", "AKCIPHER" };

static void masks_filled(struct vc_ctx *c)
{
	struct vc_crypto cr;

	if (!read_cfg(c, &cr))
		return;
	for (unsigned s = 0; s < 5; s++) {
		if ((cr.cfg.services >> s & 1) && !(service_mask(&cr.cfg, s) & ~1ull)) {
			vc_fail(c, "the %s service is advertised with no algorithm in its mask", service_names[s]);
			vc_observed(c, "crypto_services 0x%x, %s mask 0x%llx", cr.cfg.services, service_names[s],
				    (unsigned long long)service_mask(&cr.cfg, s));
			vc_expected(c, "a bit for each algorithm the service supports");
			return;
		}
	}
}

static bool defined(unsigned s, unsigned algo)
{
	switch (s) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER: return vc_crypto_cipher_defined(algo);
	case VIRTIO_CRYPTO_SERVICE_HASH: return algo >= 1 && algo <= VIRTIO_CRYPTO_HASH_MAX;
	case VIRTIO_CRYPTO_SERVICE_MAC: return vc_crypto_mac_defined(algo);
	case VIRTIO_CRYPTO_SERVICE_AEAD: return algo >= 1 && algo <= VIRTIO_CRYPTO_AEAD_MAX;
	}
	return algo >= 1 && algo <= VIRTIO_CRYPTO_AKCIPHER_MAX;
}

/* No mask has a bit for an algorithm the spec does not define (bit 0 is
 * the NO_... value, no algorithm either). */
static void masks_defined(struct vc_ctx *c)
{
	struct vc_crypto cr;

	if (!read_cfg(c, &cr))
		return;
	for (unsigned s = 0; s < 5; s++) {
		uint64_t mask = service_mask(&cr.cfg, s);
		for (unsigned b = 0; b < 64; b++) {
			if (!(mask >> b & 1) || defined(s, b))
				continue;
			vc_fail(c, "the %s mask has bit %u, which names no algorithm the spec defines", service_names[s], b);
			vc_observed(c, "%s mask 0x%llx", service_names[s], (unsigned long long)mask);
			vc_expected(c, "bits of defined algorithms only");
			return;
		}
	}
}

/* A request whose variable-length content is max_size bytes (at most
 * 4096: AES-CBC of (max_size - 16) / 2 bytes there and back) works. */
static void max_size(struct vc_ctx *c)
{
	static uint8_t plain[2048], cipher[2048], back[2048];
	uint8_t flf[56], data[48] = { 0 }, status, iv[16] = { 1 };
	struct vc_crypto cr;
	uint64_t enc, dec;

	if (!crypto_open(c, &cr, 0, 0) ||
	    !crypto_need(c, &cr, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, "AES-CBC"))
		return;
	uint64_t room = cr.cfg.max_size < 4096 ? cr.cfg.max_size : 4096;
	uint32_t len = (uint32_t)((room - 16) / 2) & ~15u;
	if (room <= 48) {
		vc_fail(c, "max_size %llu leaves no room for a cipher request", (unsigned long long)cr.cfg.max_size);
		vc_observed(c, "max_size %llu", (unsigned long long)cr.cfg.max_size);
		vc_expected(c, "the largest request the device takes");
		return;
	}
	for (uint32_t i = 0; i < len; i++)
		plain[i] = (uint8_t)(i * 13 + 7);
	if (!crypto_session(c, &cr, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, flf,
			    vc_crypto_cipher_session(flf, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, VIRTIO_CRYPTO_OP_ENCRYPT),
			    vc_kat_aes128_cbc.key, 16, &enc, "an AES-CBC encryption session") ||
	    !crypto_session(c, &cr, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, flf,
			    vc_crypto_cipher_session(flf, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, VIRTIO_CRYPTO_OP_DECRYPT),
			    vc_kat_aes128_cbc.key, 16, &dec, "an AES-CBC decryption session"))
		return;
	vc_put32(data, 16);
	vc_put32(data + 4, len);
	vc_put32(data + 8, len);
	vc_put32(data + 40, VIRTIO_CRYPTO_SYM_OP_CIPHER);
	struct vc_iov there[3] = { { iv, NULL, 16, false }, { plain, NULL, len, false }, { NULL, cipher, len, true } };
	struct vc_iov again[3] = { { iv, NULL, 16, false }, { cipher, NULL, len, false }, { NULL, back, len, true } };
	if (!crypto_data(c, &cr, VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_CIPHER_AES_CBC, enc,
			 VIRTIO_CRYPTO_FLAG_SESSION_MODE, data, 48, there, 3, &status, "cipher request of max_size") ||
	    !crypto_status(c, status, VIRTIO_CRYPTO_OK, "request whose content is max_size bytes") ||
	    !crypto_data(c, &cr, VIRTIO_CRYPTO_CIPHER_DECRYPT, VIRTIO_CRYPTO_CIPHER_AES_CBC, dec,
			 VIRTIO_CRYPTO_FLAG_SESSION_MODE, data, 48, again, 3, &status, "cipher request of max_size") ||
	    !crypto_status(c, status, VIRTIO_CRYPTO_OK, "request whose content is max_size bytes"))
		return;
	crypto_same(c, back, plain, len, "the data encrypted and decrypted back");
}

/* The longest key the advertised cipher algorithms take (for the ones the
 * harness knows; 0 when it knows none). */
static unsigned longest_key(uint64_t mask, bool *all_known)
{
	static const uint8_t longest[VIRTIO_CRYPTO_CIPHER_MAX + 1] = {
		[VIRTIO_CRYPTO_CIPHER_AES_ECB] = 32, [VIRTIO_CRYPTO_CIPHER_AES_CBC] = 32,
		[VIRTIO_CRYPTO_CIPHER_AES_CTR] = 32, [VIRTIO_CRYPTO_CIPHER_DES_ECB] = 8, [VIRTIO_CRYPTO_CIPHER_DES_CBC] = 8,
		[VIRTIO_CRYPTO_CIPHER_3DES_ECB] = 24, [VIRTIO_CRYPTO_CIPHER_3DES_CBC] = 24,
		[VIRTIO_CRYPTO_CIPHER_3DES_CTR] = 24, [VIRTIO_CRYPTO_CIPHER_AES_XTS] = 64,
	};
	unsigned best = 0;

	*all_known = true;
	for (unsigned a = 1; a <= VIRTIO_CRYPTO_CIPHER_MAX; a++) {
		if (!(mask >> a & 1))
			continue;
		*all_known &= longest[a] != 0;
		best = longest[a] > best ? longest[a] : best;
	}
	return best;
}

/* max_cipher_key_len is the longest key the advertised cipher algorithms
 * take, and AES-CBC takes a key that long (AES-256-CBC, SP 800-38A F.2.5). */
static void max_cipher_key_len(struct vc_ctx *c)
{
	struct vc_crypto cr;
	bool all_known;

	if (!crypto_open(c, &cr, 0, 0))
		return;
	if (!(cr.cfg.services >> VIRTIO_CRYPTO_SERVICE_CIPHER & 1)) {
		vc_skip(c, "the device does not offer the CIPHER service");
		return;
	}
	unsigned longest = longest_key(cr.cfg.cipher_algo, &all_known);
	if (all_known && longest && cr.cfg.max_cipher_key_len != longest) {
		vc_fail(c, "max_cipher_key_len is %u, but the longest key of the advertised cipher algorithms is %u bytes",
			cr.cfg.max_cipher_key_len, longest);
		vc_observed(c, "max_cipher_key_len %u, cipher mask 0x%llx", cr.cfg.max_cipher_key_len,
			    (unsigned long long)cr.cfg.cipher_algo);
		vc_expected(c, "%u", longest);
		return;
	}
	if (cr.cfg.max_cipher_key_len >= 32 && cr.cfg.cipher_algo >> VIRTIO_CRYPTO_CIPHER_AES_CBC & 1)
		crypto_cbc_known_answer(c, &cr, &vc_kat_aes256_cbc);
}

/* A MAC session with an HMAC key of max_auth_key_len bytes is created. */
static void max_auth_key_len(struct vc_ctx *c)
{
	static uint8_t key[4096];
	struct vc_crypto cr;
	uint8_t flf[16];
	uint64_t session;

	if (!crypto_open(c, &cr, 0, 0) ||
	    !crypto_need(c, &cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, "HMAC-SHA-256"))
		return;
	uint32_t len = cr.cfg.max_auth_key_len < sizeof(key) ? cr.cfg.max_auth_key_len : sizeof(key);
	if (!len) {
		vc_fail(c, "max_auth_key_len is 0 with the MAC service advertised");
		vc_observed(c, "0");
		vc_expected(c, "the longest authentication key supported");
		return;
	}
	memset(key, 0x0b, len);
	crypto_session(c, &cr, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, flf,
		       vc_crypto_mac_session(flf, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, len), key, len, &session,
		       "an HMAC-SHA-256 session with a key of max_auth_key_len bytes");
}

static const struct vc_clause clauses[] = {
	{ "crypto.config.max-dataqueues", L_CRYPTO_CFG, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "CRYPTO-CFG-DEV-1", "max_dataqueues is 1..65535.", NULL,
	  max_dataqueues },
	{ "crypto.config.status-defined", L_CRYPTO_CFG, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "CRYPTO-CFG-DEV-2 CRYPTO-CFG-DEV-3",
	  "status has no bit but VIRTIO_CRYPTO_S_HW_READY.", NULL, status_defined },
	{ "crypto.config.hw-ready-serves", L_CRYPTO_CFG, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-CFG-DEV-4", "With HW_READY set, a session is created and a request on it answered.", NULL,
	  hw_ready_serves },
	{ "crypto.config.services-provided", L_CRYPTO_CFG, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-CFG-DEV-5", "Each service crypto_services advertises creates sessions.", NULL, services_provided },
	{ "crypto.config.masks-filled", L_CRYPTO_CFG, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "CRYPTO-CFG-DEV-6",
	  "Each advertised service has algorithms in its mask.", NULL, masks_filled },
	{ "crypto.config.masks-defined", L_CRYPTO_CFG, VC_MUST_NOT, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "CRYPTO-CFG-DEV-7",
	  "No algorithm mask has a bit for an algorithm the spec does not define.", NULL, masks_defined },
	{ "crypto.config.max-size", L_CRYPTO_CFG, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS, "CRYPTO-CFG-DEV-8",
	  "A request whose variable-length content is max_size bytes (up to 4096) is served.", NULL, max_size },
	{ "crypto.config.max-cipher-key-len", L_CRYPTO_CFG, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-CFG-DEV-9", "max_cipher_key_len is the longest key the advertised cipher algorithms take, and "
	  "such a key works.", NULL, max_cipher_key_len },
	{ "crypto.config.max-auth-key-len", L_CRYPTO_CFG, VC_MUST, VC_DEVICE_RULE, "1.0", CRYPTO_NEEDS,
	  "CRYPTO-CFG-DEV-10", "An HMAC session with a key of max_auth_key_len bytes is created.", NULL,
	  max_auth_key_len },
};
VC_DEVICE_SUITE(suite_crypto_config, clauses, VIRTIO_ID_CRYPTO);
