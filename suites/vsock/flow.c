/* Socket device: packets and stream flows (Device Types / Socket Device /
 * Device Operation): unknown types, tx while rx is full, credit. The host
 * end is the host action vsock-listen/vsock-send. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "vsock.h"
#include "vc/devtypes/host.h"

#define L_VSOCK_FLOW "Device Types / Socket Device / Device Operation / Virtqueue Flow Control"
#define L_VSOCK_BUF "Device Types / Socket Device / Device Operation / Buffer Space Management"
#define L_VSOCK_RXTX "Device Types / Socket Device / Device Operation / Receive and Transmit"

static bool host_send(struct vc_ctx *c, unsigned n)
{
	char arg[32];

	snprintf(arg, sizeof(arg), "%u %u", VSOCK_GUEST_PORT, n);
	return ds_host(c, VC_HOST_VSOCK_SEND, arg, NULL, 0);
}

/* A stream flow to the host with buf_alloc: false (SKIP) when the host
 * refuses it. */
static bool flow(struct vc_ctx *c, struct vsock *v, unsigned rx, uint32_t buf_alloc)
{
	uint16_t op;

	if (!vsock_open(c, v, 0, DS_F(VIRTIO_VSOCK_F_STREAM), rx) ||
	    !vsock_connect(c, v, VIRTIO_VSOCK_TYPE_STREAM, buf_alloc, &op))
		return false;
	if (op != VIRTIO_VSOCK_OP_RESPONSE)
		vc_skip(c, "the host did not accept the stream connection (answer %s)", vc_vsock_op_name(op));
	return op == VIRTIO_VSOCK_OP_RESPONSE;
}

/* A packet of a type no spec defines is answered with RST. */
static void unknown_type_rst(struct vc_ctx *c)
{
	struct vc_vsock_hdr h;
	struct vsock v;
	char port[16];

	snprintf(port, sizeof(port), "%u", VSOCK_HOST_PORT);
	if (!vsock_open(c, &v, 0, DS_F(VIRTIO_VSOCK_F_STREAM), 4) || !ds_host(c, VC_HOST_VSOCK_LISTEN, port, NULL, 0) ||
	    !vsock_send(c, &v, 0x7f, VIRTIO_VSOCK_OP_REQUEST, 4096, 0))
		return;
	int got = vsock_recv(c, &v, c->dev->timeout_ms, &h);
	if (got < 0)
		return;
	if (!got || h.op != VIRTIO_VSOCK_OP_RST) {
		vc_fail(c, "a REQUEST of type 0x7f (undefined) was not answered with RST");
		vc_observed(c, "%s", got ? vc_vsock_op_name(h.op) : "no packet");
		vc_expected(c, "RST");
	}
}

/* Two rx buffers, the host sends eight packets' worth: with rx full, a
 * packet the driver sends on tx is still used. */
static void tx_while_rx_full(struct vc_ctx *c)
{
	struct vsock v;
	struct vc_req r;
	uint8_t pkt[VIRTIO_VSOCK_HDR_SIZE];

	if (!flow(c, &v, 1, 64 * 1024) || !host_send(c, 8 * VSOCK_PAYLOAD))
		return;
	ds_settle(&v.d, 100);
	vc_vsock_hdr_encode(pkt, &(struct vc_vsock_hdr){ v.cid, VIRTIO_VSOCK_HOST_CID, VSOCK_GUEST_PORT, VSOCK_HOST_PORT,
							 0, VIRTIO_VSOCK_TYPE_STREAM, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0,
							 64 * 1024, 0 });
	struct vc_iov iov = { pkt, NULL, sizeof(pkt), false };
	if (!ds_send(c, &v.d, VIRTIO_VSOCK_TX, &iov, 1, &r, "CREDIT_UPDATE"))
		return;
	if (vc_dev_wait(&v.d, &r, c->dev->timeout_ms) == -ETIMEDOUT) {
		vc_fail(c, "with the rx queue full and packets waiting for it, a packet on tx was not used");
		vc_observed(c, "no used element on tx within %u ms", c->dev->timeout_ms);
		vc_expected(c, "tx processed while rx is full");
	}
}

/* buf_alloc 128 and no credit update: the host's RW payload stays within
 * 128 bytes; after an update returning 128 bytes, within 256. */
static void within_credit(struct vc_ctx *c)
{
	struct vc_vsock_hdr h;
	struct vsock v;
	int got;

	if (!flow(c, &v, 16, 128) || !host_send(c, 1024))
		return;
	for (unsigned phase = 0; phase < 2; phase++) {
		uint32_t limit = 128 + (phase ? 128 : 0);
		while ((got = vsock_recv(c, &v, vc_quiet_ms(&v.d.drv, 200), &h)) == 1) {
			if (v.rx_cnt > limit) {
				vc_fail(c, "the device sent %u payload bytes on a flow whose receiver had %u of credit",
					v.rx_cnt, limit);
				vc_observed(c, "%u bytes received, buf_alloc 128, fwd_cnt %u", v.rx_cnt, phase ? 128 : 0);
				vc_expected(c, "at most %u", limit);
				return;
			}
		}
		if (got < 0)
			return;
		if (!phase) {                 /* the first 128 bytes consumed: credit for 128 more */
			uint32_t seen = v.rx_cnt;
			v.rx_cnt = 128;
			if (!vsock_send(c, &v, VIRTIO_VSOCK_TYPE_STREAM, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 128, 0))
				return;
			v.rx_cnt = seen;
		}
	}
	if (!v.rx_cnt)
		vc_note(c, "the host's data never arrived");
}

/* Once the host application has read n of the driver's bytes, the
 * CREDIT_UPDATE answering a CREDIT_REQUEST counts them: fwd_cnt, the
 * bytes received (or, as implementations read it, those taken by the
 * receiver), is at least n. */
static void fwd_cnt_counts_read(struct vc_ctx *c, struct vsock *v, uint32_t last)
{
	char arg[16], out[32];
	struct vc_vsock_hdr h;
	unsigned long n;
	int got, rc;

	snprintf(arg, sizeof(arg), "%u", VSOCK_GUEST_PORT);
	if ((rc = vc_host(c->dev, VC_HOST_VSOCK_RECV, arg, out, sizeof(out))) == -ENOTSUP) {
		vc_note(c, "the %s backend cannot tell what the host read: fwd_cnt is not compared with it",
			c->dev->backend);
		return;
	}
	if (!ds_ok(c, rc, "reading the host's end of the flow failed") ||
	    !vsock_send(c, v, VIRTIO_VSOCK_TYPE_STREAM, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 64 * 1024, 0))
		return;
	n = strtoul(out, NULL, 10);
	while ((got = vsock_recv(c, v, c->dev->timeout_ms, &h)) == 1 && h.op != VIRTIO_VSOCK_OP_CREDIT_UPDATE)
		;
	if (got < 0)
		return;
	if (!got) {
		vc_note(c, "no CREDIT_UPDATE answered the second CREDIT_REQUEST");
		return;
	}
	if (h.fwd_cnt < n) {
		vc_fail(c, "the host read %lu of the %u bytes the driver sent, yet the device's fwd_cnt says %u", n,
			v->tx_cnt, h.fwd_cnt);
		vc_observed(c, "CREDIT_UPDATE with fwd_cnt %u (before: %u)", h.fwd_cnt, last);
		vc_expected(c, "fwd_cnt at least %lu: the bytes received", n);
	}
}

/* Every packet of the flow from the device carries buf_alloc (nonzero)
 * and fwd_cnt (never past what the driver sent, never going back, and
 * counting what the host read). */
static void valid_credit(struct vc_ctx *c)
{
	struct vc_vsock_hdr h;
	struct vsock v;
	uint32_t last = 0;
	unsigned seen = 0;
	int got;

	if (!flow(c, &v, 8, 64 * 1024) || !vsock_send(c, &v, VIRTIO_VSOCK_TYPE_STREAM, VIRTIO_VSOCK_OP_RW, 64 * 1024, 100) ||
	    !vsock_send(c, &v, VIRTIO_VSOCK_TYPE_STREAM, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 64 * 1024, 0) ||
	    !host_send(c, 2 * VSOCK_PAYLOAD))
		return;
	while ((got = vsock_recv(c, &v, vc_quiet_ms(&v.d.drv, 200), &h)) == 1) {
		seen++;
		if (!h.buf_alloc || h.fwd_cnt > v.tx_cnt || h.fwd_cnt < last) {
			vc_fail(c, "a %s packet of the flow carries buf_alloc %u, fwd_cnt %u", vc_vsock_op_name(h.op),
				h.buf_alloc, h.fwd_cnt);
			vc_observed(c, "buf_alloc %u, fwd_cnt %u (before: %u); the driver sent %u bytes", h.buf_alloc,
				    h.fwd_cnt, last, v.tx_cnt);
			vc_expected(c, "buf_alloc > 0, fwd_cnt between %u and %u", last, v.tx_cnt);
			return;
		}
		last = h.fwd_cnt;
	}
	if (got == 0 && !seen)
		vc_skip(c, "the device sent no packet on the flow after the connection: nothing to check");
	else if (got == 0)
		fwd_cnt_counts_read(c, &v, last);
}

/* Is h addressed from the host's port to the driver's? Else a FAIL. */
static bool addressed(struct vc_ctx *c, const struct vsock *v, const struct vc_vsock_hdr *h)
{
	if (h->src_cid == VIRTIO_VSOCK_HOST_CID && h->dst_cid == v->cid && h->src_port == VSOCK_HOST_PORT &&
	    h->dst_port == VSOCK_GUEST_PORT)
		return true;
	vc_fail(c, "a %s packet of the flow from guest port %u to host port %u is addressed from %llu:%u to %llu:%u",
		vc_vsock_op_name(h->op), VSOCK_GUEST_PORT, VSOCK_HOST_PORT, (unsigned long long)h->src_cid, h->src_port,
		(unsigned long long)h->dst_cid, h->dst_port);
	vc_observed(c, "src %llu:%u, dst %llu:%u", (unsigned long long)h->src_cid, h->src_port,
		    (unsigned long long)h->dst_cid, h->dst_port);
	vc_expected(c, "src %u:%u, dst %llu:%u", VIRTIO_VSOCK_HOST_CID, VSOCK_HOST_PORT, (unsigned long long)v->cid,
		    VSOCK_GUEST_PORT);
	return false;
}

/* Not a spec rule: a stream flow works. The RESPONSE and the host's data
 * come from the host's port to the driver's; with buf_alloc 128, the host's
 * 512 bytes all arrive as the driver hands its credit back, 128 bytes at a
 * time. */
#define FLOW_BYTES 512u
static void flow_works(struct vc_ctx *c)
{
	struct vc_vsock_hdr h;
	struct vsock v;
	char port[16];
	int got;

	snprintf(port, sizeof(port), "%u", VSOCK_HOST_PORT);
	if (!vsock_open(c, &v, 0, DS_F(VIRTIO_VSOCK_F_STREAM), 16) || !ds_host(c, VC_HOST_VSOCK_LISTEN, port, NULL, 0) ||
	    !vsock_send(c, &v, VIRTIO_VSOCK_TYPE_STREAM, VIRTIO_VSOCK_OP_REQUEST, 128, 0) ||
	    (got = vsock_recv(c, &v, c->dev->timeout_ms, &h)) < 0)
		return;
	if (!got || h.op != VIRTIO_VSOCK_OP_RESPONSE) {
		vc_skip(c, "the host did not accept the stream connection (answer %s)",
			got ? vc_vsock_op_name(h.op) : "none");
		return;
	}
	if (!addressed(c, &v, &h) || !host_send(c, FLOW_BYTES))
		return;
	uint32_t credited = 0;
	while (v.rx_cnt < FLOW_BYTES) {
		if ((got = vsock_recv(c, &v, vc_quiet_ms(&v.d.drv, 200), &h)) < 0)
			return;
		if (got && !addressed(c, &v, &h))
			return;
		if (got)
			continue;
		if (v.rx_cnt == credited) {              /* nothing since the last credit given back */
			vc_fail(c, "the host's data stopped at %u of %u bytes though the driver handed its credit back "
				   "(fwd_cnt %u, buf_alloc 128)", v.rx_cnt, FLOW_BYTES, v.rx_cnt);
			vc_observed(c, "%u bytes received", v.rx_cnt);
			vc_expected(c, "%u: the free space is buf_alloc - (sent - fwd_cnt)", FLOW_BYTES);
			return;
		}
		credited = v.rx_cnt;                     /* all consumed: credit for 128 more */
		if (!vsock_send(c, &v, VIRTIO_VSOCK_TYPE_STREAM, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 128, 0))
			return;
	}
}

#define L_VSOCK_SANITY "Sanity: what a socket device is for (not a spec rule)"

static const struct vc_clause clauses[] = {
	{ "vsock.rxtx.unknown-type-rst", L_VSOCK_RXTX, VC_MUST, VC_DEVICE_RULE, "1.0", VSOCK_NEEDS,
	  "VSOCK-RXTX-DEV-2", "A packet of an unknown type is answered with RST.", NULL, unknown_type_rst, 0, 3 },
	{ "vsock.flow.tx-while-rx-full", L_VSOCK_FLOW, VC_MUST, VC_DEVICE_RULE, "1.0", VSOCK_NEEDS,
	  "VSOCK-FLOW-DEV-1", "With the rx queue full and packets waiting for it, the tx queue is still "
	  "processed.", NULL, tx_while_rx_full, 0, 3 },
	{ "vsock.credit.within-free-space", L_VSOCK_BUF, VC_MUST, VC_DEVICE_RULE, "1.0", VSOCK_NEEDS,
	  "VSOCK-BUFSPACE-DEV-1", "RW payload to the driver stays within buf_alloc - (sent - fwd_cnt): 128 bytes, "
	  "256 after a credit update.", NULL, within_credit, 0, 3 },
	{ "vsock.credit.valid-fields", L_VSOCK_BUF, VC_MUST, VC_DEVICE_RULE, "1.0", VSOCK_NEEDS,
	  "VSOCK-BUFSPACE-DEV-2", "Every packet of a stream flow from the device carries a nonzero buf_alloc and a "
	  "fwd_cnt within what the driver sent, never going back, and once the host has read the driver's bytes, "
	  "counting them.", NULL, valid_credit, 0, 3 },
	{ "vsock.sanity.flow", L_VSOCK_SANITY, VC_MAY, VC_SANITY, "1.0", VSOCK_NEEDS, "",
	  "Not a spec rule: a stream flow's RESPONSE and data come from the host's port to the driver's, and with "
	  "buf_alloc 128 the host's 512 bytes all arrive as the driver hands its credit back.", NULL, flow_works, 0,
	  3 },
};
VC_DEVICE_SUITE(suite_vsock_flow, clauses, VIRTIO_ID_VSOCK);
