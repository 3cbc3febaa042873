/* A clause's driver session on one queue that carries the request the
 * device type really consumes: start, queue set-up, interrupt routing,
 * requests sent and waited for, bounded waits on interrupts and status.
 * Each helper turns a failure into the clause's verdict (SKIP when a
 * precondition is missing, ERROR when the backend fails, FAIL where it
 * checks the device) and returns false, or an errno, then. */
#ifndef VC_SUITES_SESSION_H
#define VC_SUITES_SESSION_H

#include "vc/clause.h"
#include "vc/driver.h"

#define SESSION_F(bit) (1ull << (bit))
/* A quiet spell: how long "nothing must happen" is watched where the
 * backend cannot settle the device (vc_quiet_ms). */
#define SESSION_QUIET_MS 200
/* The smaller queue size the size checks use: small, so a run wraps fast. */
#define SESSION_SMALL_SIZE 4

enum session_irq {
	SESSION_POLLED,            /* no interrupts routed */
	SESSION_INTX,
	SESSION_MSIX,              /* configuration vector 0, queue vector 1 */
	SESSION_QUEUE_IRQ,         /* the queue's only: MSI-X vector 0 and no configuration vector, or
				    * INTx where the device has no MSI-X */
};
enum { SESSION_CONFIG_VECTOR = 0, SESSION_QUEUE_VECTOR = 1, SESSION_NO_VECTOR = 0xffff };
#define SESSION_ANY_VECTOR (-2)

struct session {
	struct vc_ctx *c;
	struct vc_driver drv;
	struct vc_request req;
	struct vc_vq vq;
};

/* Reset, negotiate VERSION_1 and `features` (each must be negotiated, else
 * SKIP), make the type's request and set up its queue with `size` entries
 * (0: the device's), not enabled. */
bool session_open(struct vc_ctx *c, struct session *s, uint64_t features, uint16_t size);
/* session_open on another of the type's queues (vc_request_make_on), with
 * the bits its queues need negotiated when offered: -ENOTSUP, and no
 * verdict, when the type has no request there. */
int session_open_on(struct vc_ctx *c, struct session *s, uint64_t features, uint16_t queue, uint16_t size);
/* Fresh zeroed rings of `size` entries on the same queue, not enabled. */
bool session_rings(struct session *s, uint16_t size);
/* Interrupts routed as `irq` asks (the queue set up, not enabled). */
bool session_route_irq(struct session *s, enum session_irq irq);
/* queue_enable, then DRIVER_OK unless it is already set. */
bool session_enable(struct session *s);
/* session_open + session_route_irq + session_enable. False: the clause is over. */
bool session_start(struct vc_ctx *c, struct session *s, uint64_t features, enum session_irq irq, uint16_t size);
/* A notification capability (else SKIP), the session opened on the
 * device's queue size and routed as `irq` asks, queue_enable, DRIVER_OK
 * when asked, and the request made available, not notified: *id. */
bool session_ready(struct vc_ctx *c, struct session *s, enum session_irq irq, bool driver_ok, uint16_t *id);
/* session_ready, but the request's descriptors only written (split ring),
 * not made available: the clause shapes them, then vc_vq_publish. */
bool session_prepared(struct vc_ctx *c, struct session *s, enum session_irq irq, bool driver_ok, uint16_t *id);
/* Another request of the same kind, in its own buffers. */
bool session_another(struct session *s, struct vc_request *req);

/* The request made available and notified; wait (device timeout) until it
 * is used. 0; -ETIMEDOUT with no verdict; -EPROTO after a FAIL (another
 * buffer came back); another error after an ERROR verdict. */
int session_request(struct session *s);
/* SESSION_SMALL_SIZE when the queue (set up at its maximum) can take it
 * and the request fits, else 0 after a SKIP. */
uint16_t session_small_size(struct session *s);
/* size + 1 requests, one at a time, so the rings wrap: each used element
 * must land in the slot the queue's size puts it in (the slot is poisoned
 * first). FAIL names `what` when it does not. */
void session_wrap(struct session *s, const char *what);

/* MSI-X with n vectors, or a SKIP (no MSI-X, a table the backend cannot
 * reach: the pci.msix.* clauses report that) or an ERROR. */
bool session_msix(struct vc_ctx *c, struct vc_driver *drv, unsigned n);
/* Wait up to ms for an interrupt on `vector` (-1: INTx; SESSION_ANY_VECTOR;
 * others are dropped). With INTx, *isr gets ISR status read after it. 0,
 * -ETIMEDOUT, or another error after an ERROR verdict. */
int session_wait_irq(struct vc_ctx *c, struct vc_driver *drv, int vector, unsigned ms, uint8_t *isr);
/* The interrupt suites' other event: the host changes the device's
 * configuration; each change undoes the one before, so a clause makes an
 * even number of them. SKIP when the backend or device type cannot, ERROR
 * when it fails; false then. */
bool session_config_change(struct vc_ctx *c);

/* The request's writable bytes filled with a poison (check false), or
 * looked at (check true): a device that uses again a buffer it returned
 * writes them. 0; 1 (check) when a byte changed; an errno after an ERROR. */
int session_poison(struct vc_ctx *c, const struct vc_request *req, bool check);

/* Nothing happened to the session's request: no used element, its
 * device-writable bytes still zero, no used buffer interrupt (irq: an INTx
 * came, with isr read after it; else ISR status is read here). A FAIL that
 * starts with `when` otherwise; false after a FAIL or ERROR. */
bool session_untouched(struct session *s, bool irq, uint8_t isr, const char *when);

#endif
