/* RPMB device clauses' shared labels and helpers (suites/rpmb/common.c). */
#ifndef VC_SUITES_RPMB_H
#define VC_SUITES_RPMB_H

#include "../devsession.h"
#include "vc/devtypes/rpmb.h"

#define L_RPMB "Device Types / RPMB Device"
#define L_RPMB_INIT L_RPMB " / Device Initialization"
#define L_RPMB_OP L_RPMB " / Device Operation"
#define L_RPMB_PROGKEY L_RPMB_OP " / Device Operation: Program Key"
#define L_RPMB_WCOUNTER L_RPMB_OP " / Device Operation: Get Write Counter"
#define L_RPMB_WRITE L_RPMB_OP " / Device Operation: Data Write"
#define L_RPMB_READ L_RPMB_OP " / Device Operation: Data Read"
#define L_RPMB_RESULT L_RPMB_OP " / Device Operation: Result Read"

#define RPMB_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define RPMB_PROFILE "rpmb-program-key"

struct rpmb_session {
	struct vc_dev d;
	unsigned capacity, max_wr, max_rd;   /* from the configuration */
	uint32_t counter;                    /* the write counter, once rpmb_keyed said so */
};

bool rpmb_open(struct vc_ctx *c, struct rpmb_session *s);
/* One request, its answer in out; false after a FAIL or an ERROR. */
bool rpmb_call(struct vc_ctx *c, struct rpmb_session *s, const uint8_t *in, unsigned nin, uint8_t *out, unsigned nout,
	       const char *what);
/* GET_WRITE_COUNTER (block_count 1, a fresh nonce): its answer frame. */
bool rpmb_get_counter(struct vc_ctx *c, struct rpmb_session *s, uint8_t *out, uint8_t nonce[16]);
/* The device has the harness's test key: GET_WRITE_COUNTER is OK and
 * signed with it (s->counter set). Otherwise a SKIP naming why
 * (no key: profile rpmb-program-key programs it; another key). */
bool rpmb_keyed(struct vc_ctx *c, struct rpmb_session *s);
/* The device has no key yet (GET_WRITE_COUNTER or DATA_READ says
 * NO_AUTH_KEY): else a SKIP. */
bool rpmb_unkeyed(struct vc_ctx *c, struct rpmb_session *s);
/* A signed DATA_WRITE of n blocks at addr with the counter given, a
 * RESULT_READ after it: the result frame in out. */
bool rpmb_write(struct vc_ctx *c, struct rpmb_session *s, uint16_t addr, unsigned n, const uint8_t *data,
		uint32_t counter, bool bad_mac, uint8_t *out);
/* DATA_READ of n blocks at addr: n frames into out. */
bool rpmb_read(struct vc_ctx *c, struct rpmb_session *s, uint16_t addr, uint16_t n, const uint8_t nonce[16],
	       uint8_t *out, unsigned nout);
/* FAIL unless the frame's field is want (a be16 at off, named). */
bool rpmb_want16(struct vc_ctx *c, const uint8_t *f, unsigned off, uint16_t want, const char *field, const char *what);
bool rpmb_want_result(struct vc_ctx *c, const uint8_t *f, uint16_t want, const char *what);
void rpmb_nonce(uint8_t nonce[16]);

#endif
