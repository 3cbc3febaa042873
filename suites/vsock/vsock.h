/* The socket device suites' shared session: rx, tx and event queues, the
 * guest's CID, packets sent and received, a stream flow to the host. */
#ifndef VC_SUITES_VSOCK_H
#define VC_SUITES_VSOCK_H

#include "../devsession.h"
#include "vc/devtypes/vsock.h"

#define VSOCK_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define VSOCK_HOST_PORT 5643
#define VSOCK_GUEST_PORT 40000
#define VSOCK_PAYLOAD 64            /* the largest payload a receive buffer takes */

struct vsock {
	struct vc_dev d;
	struct ds_stream rx;
	uint64_t cid;
	uint32_t tx_cnt;                /* payload bytes the driver sent on the flow */
	uint32_t rx_cnt;                /* payload bytes it received */
};

/* Start with `need`/`want` (ds_open's), the guest's CID read, `rx`
 * receive buffers posted. */
bool vsock_open(struct vc_ctx *c, struct vsock *v, uint64_t need, uint64_t want, unsigned rx);
/* One packet from the guest's port to the host's, of `type` and `op`, with
 * the flow's credit (buf_alloc, and rx_cnt as fwd_cnt) and len payload bytes. */
bool vsock_send(struct vc_ctx *c, struct vsock *v, uint16_t type, uint16_t op, uint32_t buf_alloc, uint32_t len);
/* The next packet within ms: 1 with *h, 0 when none came, -1 after a verdict. */
int vsock_recv(struct vc_ctx *c, struct vsock *v, unsigned ms, struct vc_vsock_hdr *h);
/* The host listens; REQUEST with buf_alloc; the answer (*op). False once the
 * clause is over. */
bool vsock_connect(struct vc_ctx *c, struct vsock *v, uint16_t type, uint32_t buf_alloc, uint16_t *op);

#endif
