/* Robustness probes on a network device (profile robustness): transmit
 * headers a driver must never write, which the device must refuse (VIRTIO
 * 1.4 NET-TX-DEV-8, -10, -11 say it must not accept them): a UDP tunnel
 * packet with both tunnel bits, without NEEDS_CSUM, with DATA_VALID, and
 * the UDP_TUNNEL_CSUM flag without a tunnel bit. Each must not reach the
 * wire, and a good frame sent after it must: the device still works. These
 * break driver rules on purpose, so they are not spec verdicts. */
#include <string.h>
#include "net/net.h"

#define PROFILE "robustness"
#define LABEL "Robustness: a hostile driver (not a spec rule)"

static const unsigned TUNNEL[] = { VIRTIO_NET_F_CSUM, VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6,
				   VIRTIO_NET_F_HOST_USO, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO, NET_END };
static const unsigned TUNNEL_CSUM[] = { VIRTIO_NET_F_CSUM, VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6,
					VIRTIO_NET_F_HOST_USO, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO,
					VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM, NET_END };

/* TCP/IPv4 in VXLAN (outer UDP checksum 0), the inner checksum seeded for
 * NEEDS_CSUM, and the header a driver would give it for tunnel TSO. */
static size_t tunnel_packet(struct net_session *ns, uint8_t *b, struct vc_net_hdr *h)
{
	static const uint8_t peer[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x09 };
	uint8_t *inner = net_buf(1);
	struct vc_net_flow in, out;
	struct vc_net_parsed o, p;

	vc_net_flow_init(&in, peer, 4, VC_NET_L4_TCP);
	in.csum = VC_NET_CSUM_PARTIAL;
	size_t ilen = vc_net_frame(inner, VC_NET_MAX_FRAME, &in, 3000, vc_net_tag(&ns->net));
	vc_net_flow_init(&out, peer, 4, VC_NET_L4_UDP);
	memcpy(out.src, ns->net.mac, 6);
	out.csum = VC_NET_CSUM_ZERO;
	size_t len = vc_net_frame_vxlan(b, VC_NET_MAX_FRAME, &out, inner, ilen);
	vc_net_parse(b, len, &o);
	size_t io = o.payload + 8;
	vc_net_parse(b + io, len - io, &p);
	*h = (struct vc_net_hdr){ .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				  .gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4,
				  .hdr_len = (uint16_t)(io + p.payload), .gso_size = 1000,
				  .csum_start = (uint16_t)(io + p.l4), .csum_offset = 16,
				  .outer_th_offset = (uint16_t)o.l4, .inner_nh_offset = (uint16_t)(io + p.l3) };
	return len;
}

/* Plain TCP/IPv4 TSO: what the UDP_TUNNEL_CSUM probe spoils. */
static size_t tso_packet(struct net_session *ns, uint8_t *b, struct vc_net_hdr *h)
{
	struct vc_net_flow f;
	struct vc_net_parsed p;

	vc_net_flow_init(&f, (const uint8_t[6]){ 0x02, 0x76, 0x63, 0, 0, 9 }, 4, VC_NET_L4_TCP);
	memcpy(f.src, ns->net.mac, 6);
	f.csum = VC_NET_CSUM_PARTIAL;
	size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, 3000, vc_net_tag(&ns->net));
	vc_net_parse(b, len, &p);
	*h = (struct vc_net_hdr){ .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
				  .hdr_len = (uint16_t)p.payload, .gso_size = 1000, .csum_start = (uint16_t)p.l4,
				  .csum_offset = 16 };
	return len;
}

/* The malformed packet, then a plain frame: the first never on the wire,
 * the second on it. */
static void refused(struct vc_ctx *c, const unsigned *need, void (*spoil)(struct vc_net_hdr *h), const char *what)
{
	struct net_session ns;
	struct vc_net_hdr h, plain = { 0 };
	struct vc_net_flow f;
	uint8_t *bad = net_buf(0), *good = net_buf(2);
	uint32_t bt, gt;
	bool seen;

	if (!net_start(c, &ns, need, NET_NONE, 1))
		return;
	size_t blen = need == TUNNEL_CSUM ? tso_packet(&ns, bad, &h) : tunnel_packet(&ns, bad, &h);
	spoil(&h);
	vc_net_frame_tag(bad, blen, &bt);
	if (!net_send(&ns, 0, &h, bad, blen, 1))
		return;
	vc_net_flow_init(&f, (const uint8_t[6]){ 0x02, 0x76, 0x63, 0, 0, 9 }, 4, VC_NET_L4_UDP);
	gt = vc_net_tag(&ns.net);
	size_t glen = vc_net_frame(good, VC_NET_MAX_FRAME, &f, 100, gt);
	if (!net_send(&ns, 0, &plain, good, glen, 1) ||
	    !net_capture_watch(&ns, gt, bt, &seen, "a plain frame sent after the malformed one"))
		return;
	if (seen) {
		vc_fail(c, "the device accepted a transmit packet %s: (part of) it went out on the wire", what);
		vc_observed(c, "gso_type 0x%02x, flags 0x%02x: a frame of it captured", h.gso_type, h.flags);
		vc_expected(c, "not accepted (NET-TX-DEV-8/10/11)");
	}
}

static void both_bits(struct vc_net_hdr *h) { h->gso_type |= VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV6; }
static void no_needs_csum(struct vc_net_hdr *h) { h->flags &= (uint8_t)~VIRTIO_NET_HDR_F_NEEDS_CSUM; }
static void data_valid(struct vc_net_hdr *h) { h->flags |= VIRTIO_NET_HDR_F_DATA_VALID; }
static void csum_no_tunnel(struct vc_net_hdr *h) { h->flags |= VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM; }

static void tunnel_both_bits(struct vc_ctx *c) { refused(c, TUNNEL, both_bits, "with both UDP tunnel bits"); }
static void tunnel_no_needs_csum(struct vc_ctx *c) { refused(c, TUNNEL, no_needs_csum, "with a tunnel bit and no NEEDS_CSUM"); }
static void tunnel_data_valid(struct vc_ctx *c) { refused(c, TUNNEL, data_valid, "with a tunnel bit and DATA_VALID"); }
static void tunnel_csum_alone(struct vc_ctx *c)
{
	refused(c, TUNNEL_CSUM, csum_no_tunnel, "with UDP_TUNNEL_CSUM and no tunnel bit");
}

#define NET_PROBE(id, breaks, summary, fn) \
	{ id, LABEL, VC_MAY, VC_ROBUSTNESS, "1.4", NET_PEER_NEEDS, "", summary, PROFILE, fn, 0, 1, breaks }

static const struct vc_clause clauses[] = {
	NET_PROBE("probe.net.tx.tunnel-both-bits", "NET-TX-DRV-25",
		  "A transmit packet with both UDP_TUNNEL_IPV4 and _IPV6 (NET-TX-DEV-8: not accepted) never reaches the "
		  "wire; the next frame does.", tunnel_both_bits),
	NET_PROBE("probe.net.tx.tunnel-without-needs-csum", "NET-TX-DRV-32",
		  "A UDP tunnel TSO packet without NEEDS_CSUM (NET-TX-DEV-10: not accepted) never reaches the wire; the "
		  "next frame does.", tunnel_no_needs_csum),
	NET_PROBE("probe.net.tx.tunnel-data-valid", "NET-TX-DRV-45 NET-TX-DRV-46",
		  "A UDP tunnel TSO packet with DATA_VALID (NET-TX-DEV-10: not accepted) never reaches the wire; the next "
		  "frame does.", tunnel_data_valid),
	NET_PROBE("probe.net.tx.tunnel-csum-without-tunnel", "NET-TX-DRV-26",
		  "A TSO packet with UDP_TUNNEL_CSUM and no tunnel bit (NET-TX-DEV-11: not accepted) never reaches the "
		  "wire; the next frame does.", tunnel_csum_alone),
};

VC_DEVICE_SUITE(suite_net_probes, clauses, 1);
