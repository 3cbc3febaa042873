/* The crypto device (virtio type 20): its configuration, sessions on the
 * control queue and operations on the data queues, in the layout with or
 * without VIRTIO_CRYPTO_F_REVISION_1 (without it, the opcode-specific
 * fixed-length parts are padded to 56 bytes on the control queue and 48 on
 * the data queues). */
#ifndef VC_DEVTYPES_CRYPTO_H
#define VC_DEVTYPES_CRYPTO_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_CRYPTO 20
#define VIRTIO_CRYPTO_F_REVISION_1 0
#define VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE 1
#define VIRTIO_CRYPTO_F_HASH_STATELESS_MODE 2
#define VIRTIO_CRYPTO_F_MAC_STATELESS_MODE 3
#define VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE 4
#define VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE 5

enum { VIRTIO_CRYPTO_SERVICE_CIPHER = 0, VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_SERVICE_MAC,
       VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_SERVICE_AKCIPHER, VIRTIO_CRYPTO_SERVICE_IPSEC };
#define VIRTIO_CRYPTO_OPCODE(service, op) ((uint32_t)(service) << 8 | (op))
/* AKCIPHER's session opcodes are 0x04 and 0x05, the others' 0x02 and 0x03 */
#define VIRTIO_CRYPTO_CREATE_SESSION(service) \
	VIRTIO_CRYPTO_OPCODE(service, (service) == VIRTIO_CRYPTO_SERVICE_AKCIPHER ? 0x04 : 0x02)
#define VIRTIO_CRYPTO_DESTROY_SESSION(service) \
	VIRTIO_CRYPTO_OPCODE(service, (service) == VIRTIO_CRYPTO_SERVICE_AKCIPHER ? 0x05 : 0x03)
#define VIRTIO_CRYPTO_CIPHER_ENCRYPT VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_CIPHER, 0)
#define VIRTIO_CRYPTO_CIPHER_DECRYPT VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_CIPHER, 1)
#define VIRTIO_CRYPTO_HASH VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_HASH, 0)
#define VIRTIO_CRYPTO_MAC VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_MAC, 0)
#define VIRTIO_CRYPTO_AEAD_ENCRYPT VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AEAD, 0)
#define VIRTIO_CRYPTO_AEAD_DECRYPT VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AEAD, 1)
#define VIRTIO_CRYPTO_AKCIPHER_ENCRYPT VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 0)
#define VIRTIO_CRYPTO_AKCIPHER_DECRYPT VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 1)
#define VIRTIO_CRYPTO_AKCIPHER_SIGN VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 2)
#define VIRTIO_CRYPTO_AKCIPHER_VERIFY VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 3)

enum { VIRTIO_CRYPTO_OK = 0, VIRTIO_CRYPTO_ERR, VIRTIO_CRYPTO_BADMSG, VIRTIO_CRYPTO_NOTSUPP, VIRTIO_CRYPTO_INVSESS,
       VIRTIO_CRYPTO_NOSPC, VIRTIO_CRYPTO_KEY_REJECTED };

/* algorithms (the numbers the masks' bits stand for) */
#define VIRTIO_CRYPTO_CIPHER_AES_ECB 2
#define VIRTIO_CRYPTO_CIPHER_AES_CBC 3
#define VIRTIO_CRYPTO_CIPHER_AES_CTR 4
#define VIRTIO_CRYPTO_CIPHER_DES_ECB 5
#define VIRTIO_CRYPTO_CIPHER_DES_CBC 6
#define VIRTIO_CRYPTO_CIPHER_3DES_ECB 7
#define VIRTIO_CRYPTO_CIPHER_3DES_CBC 8
#define VIRTIO_CRYPTO_CIPHER_3DES_CTR 9
#define VIRTIO_CRYPTO_CIPHER_AES_XTS 13
#define VIRTIO_CRYPTO_CIPHER_MAX 14          /* ZUC_EEA3, the last defined */
#define VIRTIO_CRYPTO_HASH_SHA_256 4
#define VIRTIO_CRYPTO_HASH_MAX 12             /* SHA3_SHAKE256 */
#define VIRTIO_CRYPTO_MAC_HMAC_SHA_256 4
#define VIRTIO_CRYPTO_AEAD_GCM 1
#define VIRTIO_CRYPTO_AEAD_MAX 3              /* CHACHA20_POLY1305 */
#define VIRTIO_CRYPTO_AKCIPHER_RSA 1
#define VIRTIO_CRYPTO_AKCIPHER_MAX 2          /* ECDSA */
#define VIRTIO_CRYPTO_OP_ENCRYPT 1
#define VIRTIO_CRYPTO_OP_DECRYPT 2
#define VIRTIO_CRYPTO_SYM_OP_CIPHER 1
#define VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING 2
#define VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH 2
#define VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH 2
#define VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC 1
#define VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE 2
#define VIRTIO_CRYPTO_RSA_RAW_PADDING 0
#define VIRTIO_CRYPTO_RSA_PKCS1_PADDING 1
#define VIRTIO_CRYPTO_RSA_SHA256 6
#define VIRTIO_CRYPTO_FLAG_SESSION_MODE 1
#define VIRTIO_CRYPTO_S_HW_READY 1

/* The MAC mask covers algorithms up to ZUC_EIA3 (54); the defined ones: */
bool vc_crypto_mac_defined(unsigned algo);
bool vc_crypto_cipher_defined(unsigned algo);

/* struct virtio_crypto_config */
struct vc_crypto_config {
	uint32_t status, max_dataqueues, services;
	uint64_t cipher_algo, mac_algo;       /* _l | _h << 32 */
	uint32_t hash_algo, aead_algo;
	uint32_t max_cipher_key_len, max_auth_key_len, akcipher_algo;
	uint64_t max_size;
};
#define VC_CRYPTO_CFG_LEN 56
int vc_crypto_config_read(struct vc_dev *d, struct vc_crypto_config *cfg);

/* The control queue is the last: max_dataqueues (the data queues 0..N-1). */
struct vc_crypto {
	struct vc_dev d;
	struct vc_crypto_config cfg;
	bool rev1;
	unsigned ctrlq;
};

/* A session: the opcode-specific fixed-length part (flf, its exact
 * struct) and variable part (vlf); *session and *status from the device. */
int vc_crypto_create(struct vc_crypto *cr, unsigned service, uint32_t algo, const uint8_t *flf, uint32_t flf_len,
		     const void *vlf, uint32_t vlf_len, uint64_t *session, uint32_t *status, unsigned ms);
int vc_crypto_destroy(struct vc_crypto *cr, unsigned service, uint64_t session, uint8_t *status, unsigned ms);
/* A data request on queue 0: header (opcode, algo, session, flag), the
 * fixed-length part, then the variable pieces (readable ones first), then
 * the status byte. */
int vc_crypto_data(struct vc_crypto *cr, uint32_t opcode, uint32_t algo, uint64_t session, uint32_t flag,
		   const uint8_t *flf, uint32_t flf_len, const struct vc_iov *vlf, unsigned nvlf, uint8_t *status,
		   unsigned ms);

/* Session fixed-length parts (their exact structs, into flf; the length). */
uint32_t vc_crypto_cipher_session(uint8_t *flf, uint32_t algo, uint32_t key_len, uint32_t op);
uint32_t vc_crypto_chain_session(uint8_t *flf, uint32_t cipher_algo, uint32_t key_len, uint32_t op, uint32_t mac_algo,
				 uint32_t result_len, uint32_t auth_key_len);
uint32_t vc_crypto_hash_session(uint8_t *flf, uint32_t algo, uint32_t result_len);
uint32_t vc_crypto_mac_session(uint8_t *flf, uint32_t algo, uint32_t result_len, uint32_t key_len);
uint32_t vc_crypto_aead_session(uint8_t *flf, uint32_t algo, uint32_t key_len, uint32_t tag_len, uint32_t aad_len,
				uint32_t op);
uint32_t vc_crypto_rsa_session(uint8_t *flf, uint32_t key_type, uint32_t key_len, uint32_t padding, uint32_t hash);

/* Known answers (crypto_vectors.c). */
struct vc_kat {
	const uint8_t *key;
	unsigned key_len;
	const uint8_t *iv;
	unsigned iv_len;
	const uint8_t *aad;
	unsigned aad_len;
	const uint8_t *in;
	unsigned in_len;
	const uint8_t *out;
	unsigned out_len;
	const uint8_t *tag;
	unsigned tag_len;
};
extern const struct vc_kat vc_kat_aes128_cbc, vc_kat_aes256_cbc, vc_kat_sha256, vc_kat_hmac_sha256,
	vc_kat_aes128_gcm, vc_kat_rsa_raw, vc_kat_rsa_pkcs1_sha256, vc_kat_rsa_sign;
/* AES-128-CBC (vc_kat_aes128_cbc), then HMAC-SHA-256 keyed "Jefe" over the ciphertext */
extern const uint8_t vc_kat_chain_mac[32];

#endif
