/* virtio-net receive: frames put on the wire by the harness, read back from
 * the receive queues. num_buffers and the buffers a packet takes with and
 * without VIRTIO_NET_F_MRG_RXBUF, the MTU's limit, the header's flags
 * without VIRTIO_NET_F_GUEST_CSUM, and packets handed over fully
 * checksummed. */
#include <string.h>
#include "net.h"

#define MAX_SENT 8

/* What a clause sent, and each packet's check against it. */
struct rx_case {
	struct {
		uint32_t tag;
		size_t len;
		uint8_t frame[1600];
		bool seen;
	} sent[MAX_SENT];
	unsigned n;
	void (*check)(struct net_session *ns, struct rx_case *k, struct vc_net_rx *rx, unsigned i);
	unsigned packets;
	uint32_t sentinel;
	bool none_expected;     /* every frame sent is one the device must drop */
};

/* A frame for `f` with `payload` bytes, on the wire and remembered. */
static bool send_frame(struct net_session *ns, struct rx_case *k, const struct vc_net_flow *f, size_t payload)
{
	unsigned i = k->n++;

	k->sent[i].tag = vc_net_tag(&ns->net);
	k->sent[i].len = vc_net_frame(k->sent[i].frame, sizeof(k->sent[i].frame), f, payload, k->sent[i].tag);
	if (!k->sent[i].len) {
		vc_error(ns->c, "the harness could not build a %zu-byte frame", payload);
		return false;
	}
	return net_inject(ns, k->sent[i].frame, k->sent[i].len);
}

static bool on_packet(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct rx_case *k = arg;

	k->packets++;
	if (rx->tagged && rx->tag == k->sentinel)
		return true;
	for (unsigned i = 0; i < k->n; i++)
		if (rx->tagged && rx->tag == k->sent[i].tag) {
			k->sent[i].seen = true;
			k->check(ns, k, rx, i);
			return ns->c->r->status != VC_FAIL;
		}
	if (!rx->tagged) {
		vc_fail(ns->c, "a receive buffer came back holding no frame the link partner sent (a packet's piece?)");
		vc_observed(ns->c, "%zu bytes, num_buffers %u, used len %u", rx->len, rx->hdr.num_buffers, rx->used_len[0]);
		vc_expected(ns->c, "each frame whole in its packet");
		return false;
	}
	return true;          /* a frame from before this clause: not ours */
}

/* The clause's frames sent, then the sentinel; every packet up to it checked. */
static void run(struct net_session *ns, struct rx_case *k, const char *what)
{
	if (!net_sentinel(ns, false, &k->sentinel) ||
	    net_receive_until(ns, k->sentinel, on_packet, k, what) || ns->c->r->status == VC_FAIL || k->none_expected)
		return;
	for (unsigned i = 0; i < k->n; i++)
		if (!k->sent[i].seen) {
			vc_fail(ns->c, "%s: a %zu-byte frame sent before the last one never arrived", what, k->sent[i].len);
			vc_observed(ns->c, "frame tagged %08x missing", k->sent[i].tag);
			vc_expected(ns->c, "every frame delivered, in order");
			return;
		}
}

static bool same(struct net_session *ns, struct rx_case *k, struct vc_net_rx *rx, unsigned i, const char *what)
{
	return net_same_frame(ns->c, k->sent[i].frame, k->sent[i].len, rx->frame, rx->len, what);
}

/* Without MRG_RXBUF: one buffer, num_buffers 1, the frame whole after the header. */
static void check_single(struct net_session *ns, struct rx_case *k, struct vc_net_rx *rx, unsigned i)
{
	struct vc_ctx *c = ns->c;

	if (rx->hdr.num_buffers != 1) {
		vc_fail(c, "num_buffers is not 1 without VIRTIO_NET_F_MRG_RXBUF");
		vc_observed(c, "num_buffers %u for a %zu-byte frame", rx->hdr.num_buffers, k->sent[i].len);
		vc_expected(c, "1");
		return;
	}
	if (rx->used_len[0] != ns->net.hdr_size + k->sent[i].len) {
		vc_fail(c, "a frame was not placed whole in one receive buffer without VIRTIO_NET_F_MRG_RXBUF");
		vc_observed(c, "used len %u", rx->used_len[0]);
		vc_expected(c, "%zu (the %u-byte header and the %zu-byte frame)", ns->net.hdr_size + k->sent[i].len,
			    ns->net.hdr_size, k->sent[i].len);
		return;
	}
	same(ns, k, rx, i, "the frame came back changed");
}

static void single_buffer(struct vc_ctx *c)
{
	static struct rx_case k;
	struct net_session ns;
	struct vc_net_flow f;

	memset(&k, 0, sizeof(k));
	k.check = check_single;
	if (!net_start(c, &ns, NET_NONE, NET_NONE, 1) || !net_fill(&ns, 0, 8, NET_RXBUF_SMALL, 2))
		return;
	vc_net_flow_init(&f, ns.net.mac, 4, VC_NET_L4_UDP);
	if (!send_frame(&ns, &k, &f, 64) || !send_frame(&ns, &k, &f, 1472))    /* 106 and 1514 bytes */
		return;
	run(&ns, &k, "receive without VIRTIO_NET_F_MRG_RXBUF");
}

/* With MRG_RXBUF and 256-byte buffers (each in two descriptors): a frame of
 * 1514 bytes spans six of them. */
#define MRG_BUF 256

static void check_num_buffers(struct net_session *ns, struct rx_case *k, struct vc_net_rx *rx, unsigned i)
{
	struct vc_ctx *c = ns->c;
	uint32_t total = 0;

	for (unsigned b = 0; b < rx->nbufs && b < 64; b++)
		total += rx->used_len[b];
	if (rx->len != k->sent[i].len || total != ns->net.hdr_size + k->sent[i].len) {
		vc_fail(c, "num_buffers does not count the buffers the packet is spread over");
		vc_observed(c, "num_buffers %u: %u bytes in them, %zu of the frame", rx->hdr.num_buffers, total, rx->len);
		vc_expected(c, "the buffers holding the %u-byte header and the %zu-byte frame", ns->net.hdr_size,
			    k->sent[i].len);
		return;
	}
	same(ns, k, rx, i, "the frame came back changed");
}

static void check_fill(struct net_session *ns, struct rx_case *k, struct vc_net_rx *rx, unsigned i)
{
	(void)k;
	(void)i;
	for (unsigned b = 0; b + 1 < rx->nbufs && b < 64; b++)
		if (rx->used_len[b] != rx->buf_size[b]) {
			vc_fail(ns->c, "a packet spread over several buffers left one but the last not full");
			vc_observed(ns->c, "buffer %u of %u: used len %u of %u bytes", b + 1, rx->nbufs, rx->used_len[b],
				    rx->buf_size[b]);
			vc_expected(ns->c, "%u", rx->buf_size[b]);
			return;
		}
}

static void check_together(struct net_session *ns, struct rx_case *k, struct vc_net_rx *rx, unsigned i)
{
	if (!rx->together) {
		vc_fail(ns->c, "the buffers of one packet were not used together");
		vc_observed(ns->c, "the %u buffers of a %zu-byte frame used one after another", rx->nbufs,
			    k->sent[i].len);
		vc_expected(ns->c, "all %u used when the driver sees the first", rx->hdr.num_buffers);
	}
}

static void merged(struct vc_ctx *c, void (*check)(struct net_session *, struct rx_case *, struct vc_net_rx *, unsigned))
{
	static struct rx_case k;
	struct net_session ns;
	struct vc_net_flow f;

	memset(&k, 0, sizeof(k));
	k.check = check;
	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_MRG_RXBUF), NET_NONE, 1) || !net_fill(&ns, 0, 32, MRG_BUF, 2))
		return;
	vc_net_flow_init(&f, ns.net.mac, 4, VC_NET_L4_UDP);
	if (!send_frame(&ns, &k, &f, 1472) || !send_frame(&ns, &k, &f, 64) || !send_frame(&ns, &k, &f, 600))
		return;
	run(&ns, &k, "receive with VIRTIO_NET_F_MRG_RXBUF");
}

static void merged_num_buffers(struct vc_ctx *c) { merged(c, check_num_buffers); }
static void merged_fill(struct vc_ctx *c) { merged(c, check_fill); }
static void merged_together(struct vc_ctx *c) { merged(c, check_together); }

/* With VIRTIO_NET_F_MTU: a frame one byte over mtu + 14 is not delivered. */
static void check_none(struct net_session *ns, struct rx_case *k, struct vc_net_rx *rx, unsigned i)
{
	(void)rx;
	vc_fail(ns->c, "a frame longer than mtu plus the Ethernet header was delivered with VIRTIO_NET_F_MTU "
		       "negotiated");
	vc_observed(ns->c, "a %zu-byte frame, gso_type %u", k->sent[i].len, rx->hdr.gso_type);
	vc_expected(ns->c, "at most %zu bytes with gso_type NONE", k->sent[i].len - 1);
}

static void mtu_limit(struct vc_ctx *c)
{
	static struct rx_case k;
	struct net_session ns;
	struct vc_net_flow f;
	uint64_t mtu;

	memset(&k, 0, sizeof(k));
	k.check = check_none;
	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_MTU), NET_NONE, 1) || !net_cfg(c, VIRTIO_NET_CFG_MTU, 2, &mtu))
		return;
	if (mtu + 15 > sizeof(k.sent[0].frame)) {
		vc_skip(c, "mtu %llu: the check's frames stop at %zu bytes", (unsigned long long)mtu,
			sizeof(k.sent[0].frame));
		return;
	}
	if (!net_fill(&ns, 0, 4, (uint32_t)(ns.net.hdr_size + mtu + 64), 1))
		return;
	vc_net_flow_init(&f, ns.net.mac, 4, VC_NET_L4_UDP);
	k.none_expected = true;
	if (send_frame(&ns, &k, &f, (size_t)mtu + 1 - 28))      /* an IP datagram of mtu + 1 bytes */
		run(&ns, &k, "receive with VIRTIO_NET_F_MTU");
}

/* Without GUEST_CSUM: flags 0 on everything, and checksums left whole. */
static void check_flags(struct net_session *ns, struct rx_case *k, struct vc_net_rx *rx, unsigned i)
{
	if (rx->hdr.flags) {
		vc_fail(ns->c, "flags is not 0 without VIRTIO_NET_F_GUEST_CSUM");
		vc_observed(ns->c, "flags 0x%02x on a %zu-byte frame", rx->hdr.flags, k->sent[i].len);
		vc_expected(ns->c, "0");
	}
}

static void check_csum(struct net_session *ns, struct rx_case *k, struct vc_net_rx *rx, unsigned i)
{
	int ok = vc_net_l4_csum_ok(rx->frame, rx->len);

	if (ok == 0) {
		vc_fail(ns->c, "without VIRTIO_NET_F_GUEST_CSUM, a frame sent fully checksummed came with a wrong checksum");
		struct vc_net_parsed p;
		vc_net_parse(k->sent[i].frame, k->sent[i].len, &p);
		vc_observed(ns->c, "a %zu-byte %s over IPv%u frame whose checksum does not verify", rx->len,
			    p.proto == 6 ? "TCP" : "UDP", p.ip);
		vc_expected(ns->c, "the complete checksum");
		return;
	}
	same(ns, k, rx, i, "the frame came back changed");
}

static void without_guest_csum(struct vc_ctx *c, bool bad_too,
			       void (*check)(struct net_session *, struct rx_case *, struct vc_net_rx *, unsigned))
{
	static struct rx_case k;
	struct net_session ns;
	struct vc_net_flow f;

	memset(&k, 0, sizeof(k));
	k.check = check;
	if (!net_start(c, &ns, NET_NONE, NET_NONE, 1) || !net_fill(&ns, 0, 16, NET_RXBUF_SMALL, 1))
		return;
	for (unsigned v = 4; v <= 6; v += 2)
		for (unsigned l4 = VC_NET_L4_UDP; l4 <= VC_NET_L4_TCP; l4++) {
			vc_net_flow_init(&f, ns.net.mac, v, l4);
			if (!send_frame(&ns, &k, &f, 200))
				return;
			f.csum = VC_NET_CSUM_BAD;
			if (bad_too && !send_frame(&ns, &k, &f, 200))
				return;
		}
	run(&ns, &k, "receive without VIRTIO_NET_F_GUEST_CSUM");
}

static void flags_zero(struct vc_ctx *c) { without_guest_csum(c, true, check_flags); }
static void checksummed(struct vc_ctx *c) { without_guest_csum(c, false, check_csum); }

static const struct vc_clause clauses[] = {
	{ "net.rx.single-buffer", L_NET_RX, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS,
	  "NET-RX-DEV-1 NET-RXBUF-DEV-2",
	  "Without VIRTIO_NET_F_MRG_RXBUF, each frame (106 and 1514 bytes) fills one buffer (1526 bytes in two "
	  "descriptors) after the header, with num_buffers 1.", NULL, single_buffer },
	{ "net.rx.merged.num-buffers", L_NET_RX, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS,
	  "NET-RX-DEV-2 NET-RXBUF-DEV-1",
	  "With VIRTIO_NET_F_MRG_RXBUF and 256-byte buffers, num_buffers counts the buffers each frame and its "
	  "header take: the frame reassembles whole.", NULL, merged_num_buffers, VC_REQ(VIRTIO_NET_F_MRG_RXBUF) },
	{ "net.rx.merged.fill", L_NET_RX, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-RX-DEV-3",
	  "With VIRTIO_NET_F_MRG_RXBUF, every buffer of a packet but the last is used to its full length.", NULL,
	  merged_fill, VC_REQ(VIRTIO_NET_F_MRG_RXBUF) },
	{ "net.rx.merged.together", L_NET_RX, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-RX-DEV-4",
	  "With VIRTIO_NET_F_MRG_RXBUF, the buffers of one packet are all used by the time the driver sees the first.",
	  NULL, merged_together, VC_REQ(VIRTIO_NET_F_MRG_RXBUF) },
	{ "net.rx.mtu-limit", L_NET_CFG, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-CFG-DEV-5",
	  "With VIRTIO_NET_F_MTU, a frame one byte longer than mtu plus the Ethernet header is not delivered.", NULL,
	  mtu_limit, VC_REQ(VIRTIO_NET_F_MTU) },
	{ "net.rx.flags-zero", L_NET_RX, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-RX-DEV-5",
	  "Without VIRTIO_NET_F_GUEST_CSUM, flags is 0 on every packet (TCP and UDP, IPv4 and IPv6, checksums right "
	  "and wrong).", NULL, flags_zero },
	{ "net.rx.checksummed", L_NET_RX, VC_SHOULD, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-RX-DEV-6",
	  "Without VIRTIO_NET_F_GUEST_CSUM, frames sent fully checksummed come unchanged, their checksums complete.",
	  NULL, checksummed },
};

VC_DEVICE_SUITE(suite_net_receive, clauses, 1);
