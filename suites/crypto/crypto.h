/* The crypto suites' shared session: the device started (REVISION_1 when
 * offered), its configuration, sessions and data requests with verdicts. */
#ifndef VC_SUITES_CRYPTO_H
#define VC_SUITES_CRYPTO_H

#include "../devsession.h"
#include "vc/devtypes/crypto.h"

#define CRYPTO_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define L_CRYPTO "Device Types / Crypto Device"
#define L_CRYPTO_CFG L_CRYPTO " / Device configuration layout"
#define L_CRYPTO_CREATE L_CRYPTO " / Device Operation / Control Virtqueue / Session operation / Session operation: create session"
#define L_CRYPTO_DESTROY L_CRYPTO " / Device Operation / Control Virtqueue / Session operation / Session operation: destroy session"
#define L_CRYPTO_HASH L_CRYPTO " / Device Operation / HASH Service Operation"
#define L_CRYPTO_MAC L_CRYPTO " / Device Operation / MAC Service Operation"
#define L_CRYPTO_SYM L_CRYPTO " / Device Operation / Symmetric algorithms Operation"
#define L_CRYPTO_AEAD L_CRYPTO " / Device Operation / AEAD Service Operation"
#define L_CRYPTO_AK L_CRYPTO " / Device Operation / AKCIPHER Service Operation"

/* Started with `want` (REVISION_1 always wanted), its data queue 0 and
 * its control queue, the configuration read. */
bool crypto_open(struct vc_ctx *c, struct vc_crypto *cr, uint64_t need, uint64_t want);
/* crypto_open with the administration queue (VIRTIO_F_ADMIN_VQ needed) set
 * up in *admin before DRIVER_OK. */
struct vc_admin;
bool crypto_open_admin(struct vc_ctx *c, struct vc_crypto *cr, uint64_t need, uint64_t want, struct vc_admin *admin);
/* The service is advertised and the algorithm is in its mask: else SKIP. */
bool crypto_need(struct vc_ctx *c, const struct vc_crypto *cr, unsigned service, unsigned algo, const char *what);
/* A session: OK wanted (FAIL with the status otherwise); *session. */
bool crypto_session(struct vc_ctx *c, struct vc_crypto *cr, unsigned service, uint32_t algo, const uint8_t *flf,
		    uint32_t flf_len, const void *vlf, uint32_t vlf_len, uint64_t *session, const char *what);
/* A data request answered: *status (FAIL when never used). */
bool crypto_data(struct vc_ctx *c, struct vc_crypto *cr, uint32_t opcode, uint32_t algo, uint64_t session,
		 uint32_t flag, const uint8_t *flf, uint32_t flf_len, const struct vc_iov *vlf, unsigned nvlf,
		 uint8_t *status, const char *what);
/* status must be `want`; with a FAIL naming `what` otherwise. */
bool crypto_status(struct vc_ctx *c, uint8_t status, uint8_t want, const char *what);
/* got[0..len) must be want: FAIL showing the first difference. */
bool crypto_same(struct vc_ctx *c, const uint8_t *got, const uint8_t *want, unsigned len, const char *what);
const char *crypto_status_name(unsigned status);
/* AES-CBC encryption and decryption of the KAT (cipher.c): false after a
 * verdict other than PASS. */
bool crypto_cbc_known_answer(struct vc_ctx *c, struct vc_crypto *cr, const struct vc_kat *k);
/* A session of `service` with the first algorithm of its mask the harness
 * can set up (sessions.c): 0 with *status, -ENOENT when it knows none. */
int crypto_try_session(struct vc_ctx *c, struct vc_crypto *cr, unsigned service, uint32_t *status, uint64_t *session,
		       uint32_t *algo_used);
/* Every advertised service is asked for a session: FAIL saying `why` when
 * the answer is not OK (NEED_OK), neither OK nor NOTSUPP (NEED_PARSED), or
 * no status the spec defines (NEED_DEFINED). */
enum crypto_refusal { CRYPTO_NEED_OK, CRYPTO_NEED_PARSED, CRYPTO_NEED_DEFINED };
bool crypto_each_service(struct vc_ctx *c, struct vc_crypto *cr, enum crypto_refusal refused, const char *why);

#endif
