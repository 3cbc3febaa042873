/* A device-type clause's driver session (vc/devtypes/dev.h) with each
 * failure turned into the clause's verdict: SKIP when a precondition is
 * missing (a feature not offered, a backend that cannot act on the host
 * side), FAIL where the device did not do what it must, ERROR when the
 * backend failed. Each helper returns false once the clause is over. */
#ifndef VC_SUITES_DEVSESSION_H
#define VC_SUITES_DEVSESSION_H

#include "vc/clause.h"
#include "vc/devtypes/dev.h"

#define DS_F(bit) (1ull << (bit))
#define DS_Q(q) (1ull << (q))

/* Reset and negotiate VERSION_1, every bit of `need` (SKIP naming the
 * first one the device does not offer) and those of `want` it offers; set
 * up and enable `queues`, then DRIVER_OK unless `hold`. */
bool ds_open(struct vc_ctx *c, struct vc_dev *d, uint64_t need, uint64_t want, uint64_t queues, bool hold);
bool ds_driver_ok(struct vc_ctx *c, struct vc_dev *d);
/* Send (and notify) a request; `what` names it in messages. */
bool ds_send(struct vc_ctx *c, struct vc_dev *d, unsigned q, const struct vc_iov *iov, unsigned n,
	     struct vc_req *r, const char *what);
/* Wait for it (the device's timeout): FAIL "the device never used the
 * <what>" when it does not come back. */
bool ds_wait(struct vc_ctx *c, struct vc_dev *d, struct vc_req *r, const char *what);
/* send + wait. */
bool ds_call(struct vc_ctx *c, struct vc_dev *d, unsigned q, const struct vc_iov *iov, unsigned n,
	     uint32_t *used, const char *what);
bool ds_cfg_read(struct vc_ctx *c, struct vc_dev *d, unsigned off, unsigned width, uint64_t *val);
bool ds_cfg_write(struct vc_ctx *c, struct vc_dev *d, unsigned off, unsigned width, uint64_t val);
/* A host-side action (vc/devtypes/host.h): SKIP when the backend cannot. */
bool ds_host(struct vc_ctx *c, const char *what, const char *arg, char *out, size_t outlen);
/* The verdict on a host action's result rc (vc_host's), as ds_host gives it. */
bool ds_host_done(struct vc_ctx *c, const char *what, int rc);
/* Buffers the device fills in its own time (events, control messages,
 * received data), read back in the order it used them. */
#define DS_STREAM_MAX 32
#define DS_STREAM_BUF 128
struct ds_stream {
	unsigned q, posted;
	uint32_t len;                /* each buffer's size, at most DS_STREAM_BUF */
	struct vc_req req[DS_STREAM_MAX];
	uint8_t buf[DS_STREAM_MAX][DS_STREAM_BUF];
};
/* Make n more buffers of s->len bytes available on s->q (filled with 0xee)
 * and notify. */
bool ds_stream_post(struct vc_ctx *c, struct vc_dev *d, struct ds_stream *s, unsigned n);
/* The same without the notification: buffers a driver gives before
 * DRIVER_OK, when it may not notify yet (a CAN device's Rxq). */
bool ds_stream_fill(struct vc_ctx *c, struct vc_dev *d, struct ds_stream *s, unsigned n);
/* The next buffer the device used, within ms: its index (s->buf[k],
 * s->req[k].used); -1 when none came; -2 after an ERROR. */
int ds_stream_next(struct vc_ctx *c, struct vc_dev *d, struct ds_stream *s, unsigned ms);
/* Give the device time to do what it was asked: its backend's settle, or
 * ms of waiting where the backend cannot tell. Always true. */
bool ds_settle(struct vc_dev *d, unsigned ms);
/* An administration command's completion (vc/devtypes/admin.h): FAIL when
 * it never came back, ERROR when the backend failed. */
bool ds_admin_done(struct vc_ctx *c, int rc, const char *what);
/* Configuration change interrupts routed, between ds_open (hold) and
 * ds_driver_ok: MSI-X vector 0 for the configuration (the queues keep
 * NO_VECTOR), else INTx. SKIP or ERROR: false. */
bool ds_config_irq_setup(struct vc_ctx *c, struct vc_dev *d);
/* A configuration change interrupt within ms (queue interrupts let by): 0,
 * -ETIMEDOUT, or another error after an ERROR verdict. */
int ds_config_irq(struct vc_ctx *c, struct vc_dev *d, unsigned ms);
/* An access error is an ERROR: false after it. */
bool ds_ok(struct vc_ctx *c, int rc, const char *what);

#endif
