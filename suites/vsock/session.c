/* The socket device suites' shared session (vsock.h). */
#include <stdio.h>
#include <string.h>
#include "vsock.h"
#include "vc/devtypes/host.h"

bool vsock_open(struct vc_ctx *c, struct vsock *v, uint64_t need, uint64_t want, unsigned rx)
{
	memset(v, 0, sizeof(*v));
	v->rx.q = VIRTIO_VSOCK_RX;
	v->rx.len = VIRTIO_VSOCK_HDR_SIZE + VSOCK_PAYLOAD;
	return ds_open(c, &v->d, need, want, DS_Q(VIRTIO_VSOCK_RX) | DS_Q(VIRTIO_VSOCK_TX) | DS_Q(VIRTIO_VSOCK_EVENT),
		       false) &&
	       ds_cfg_read(c, &v->d, VIRTIO_VSOCK_CFG_GUEST_CID, 8, &v->cid) && (!rx || ds_stream_post(c, &v->d, &v->rx, rx));
}

bool vsock_send(struct vc_ctx *c, struct vsock *v, uint16_t type, uint16_t op, uint32_t buf_alloc, uint32_t len)
{
	uint8_t pkt[VIRTIO_VSOCK_HDR_SIZE + 256] = { 0 };
	struct vc_vsock_hdr h = { v->cid, VIRTIO_VSOCK_HOST_CID, VSOCK_GUEST_PORT, VSOCK_HOST_PORT, len, type, op, 0,
				  buf_alloc, v->rx_cnt };

	if (len > 256)
		len = 256;
	vc_vsock_hdr_encode(pkt, &h);
	memset(pkt + VIRTIO_VSOCK_HDR_SIZE, 'v', len);
	struct vc_iov iov = { pkt, NULL, VIRTIO_VSOCK_HDR_SIZE + len, false };
	if (!ds_call(c, &v->d, VIRTIO_VSOCK_TX, &iov, 1, NULL, "packet on tx"))
		return false;
	if (op == VIRTIO_VSOCK_OP_RW)
		v->tx_cnt += len;
	return true;
}

int vsock_recv(struct vc_ctx *c, struct vsock *v, unsigned ms, struct vc_vsock_hdr *h)
{
	int k = ds_stream_next(c, &v->d, &v->rx, ms);

	if (k < 0)
		return k == -1 ? 0 : -1;
	if (v->rx.req[k].used < VIRTIO_VSOCK_HDR_SIZE) {
		vc_fail(c, "an rx buffer came back with used length %u, shorter than a packet header", v->rx.req[k].used);
		vc_observed(c, "used length %u", v->rx.req[k].used);
		vc_expected(c, "at least %u", VIRTIO_VSOCK_HDR_SIZE);
		return -1;
	}
	*h = vc_vsock_hdr_decode(v->rx.buf[k]);
	if (h->op == VIRTIO_VSOCK_OP_RW)
		v->rx_cnt += h->len;
	/* keep the ring stocked: one buffer back for each used */
	return ds_stream_post(c, &v->d, &v->rx, 1) ? 1 : -1;
}

bool vsock_connect(struct vc_ctx *c, struct vsock *v, uint16_t type, uint32_t buf_alloc, uint16_t *op)
{
	char port[16];
	struct vc_vsock_hdr h;

	snprintf(port, sizeof(port), "%u", VSOCK_HOST_PORT);
	if (!ds_host(c, VC_HOST_VSOCK_LISTEN, port, NULL, 0) ||
	    !vsock_send(c, v, type, VIRTIO_VSOCK_OP_REQUEST, buf_alloc, 0))
		return false;
	int got = vsock_recv(c, v, c->dev->timeout_ms, &h);
	if (got < 0)
		return false;
	*op = got ? h.op : VIRTIO_VSOCK_OP_INVALID;
	return true;
}
