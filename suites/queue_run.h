/* One queue carrying the device type's real request, for the per-queue
 * register and queue reset suites: set up with a chosen size, enabled,
 * requests sent one at a time, and a run that wraps the rings. Each helper
 * turns a failure into the clause's SKIP or ERROR and returns false then. */
#ifndef VC_SUITES_QUEUE_RUN_H
#define VC_SUITES_QUEUE_RUN_H

#include "vc/clause.h"
#include "vc/driver.h"

/* The smaller queue size the size checks use: small, so a run wraps fast. */
#define QRUN_SMALL_SIZE 4

struct qrun {
	struct vc_driver drv;
	struct vc_request req;
	struct vc_vq vq;
};

/* Reset, negotiate `want` (NULL: VERSION_1), make the type's request and
 * set up its queue with `size` entries (0: the device's), not enabled. */
bool qrun_setup(struct vc_ctx *c, struct qrun *r, const uint32_t *want, uint16_t size);
/* Fresh zeroed rings of `size` entries on the same queue, not enabled. */
bool qrun_rings(struct vc_ctx *c, struct qrun *r, uint16_t size);
/* queue_enable, then DRIVER_OK unless it is already set. */
bool qrun_enable(struct vc_ctx *c, struct qrun *r);
/* The request made available and notified; wait (device timeout) until it
 * is used. 0; -ETIMEDOUT with no verdict; -EPROTO after a FAIL (another
 * buffer came back); another error after an ERROR verdict. */
int qrun_request(struct vc_ctx *c, struct qrun *r);
/* QRUN_SMALL_SIZE when the queue (set up at its maximum) can take it and
 * the request fits, else 0 after a SKIP. */
uint16_t qrun_small_size(struct vc_ctx *c, const struct qrun *r);
/* size + 1 requests, one at a time, so the rings wrap: each used element
 * must land in the slot the queue's size puts it in (the slot is poisoned
 * first). FAIL names `what` when it does not. */
void qrun_wrap(struct vc_ctx *c, struct qrun *r, const char *what);

/* The interrupt suites' other event: the host changes the device's
 * configuration; each change undoes the one before, so a clause makes an
 * even number of them. SKIP when the backend or device type cannot, ERROR
 * when it fails; false then. */
bool qrun_config_change(struct vc_ctx *c);

#endif
