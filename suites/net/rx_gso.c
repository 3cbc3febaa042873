/* virtio-net receive segmentation offload: the GSO types a device may use
 * only with the matching guest feature, and the fields of the GSO packets
 * it does deliver (NEEDS_CSUM, gso_size, hdr_len, ECN, RSC_INFO). Frames
 * larger than any MTU (20000 and 60000 payload bytes) stand for what a
 * device coalesces; it may also deliver them whole with gso_type NONE. */
#include <string.h>
#include "rx_offload.h"

enum big { TCP4, TCP6, UDP4, VXLAN, TCP4_ECN, BIGS };

static const char *const big_name[BIGS] = { "TCP over IPv4", "TCP over IPv6", "UDP over IPv4", "TCP in VXLAN",
					    "TCP over IPv4 with ECN (CE, CWR)" };

static size_t big_frame(struct net_session *ns, uint8_t *b, enum big k, size_t payload)
{
	switch (k) {
	case TCP4: return rxo_frame(ns, b, 4, VC_NET_L4_TCP, payload, false, VC_NET_CSUM_GOOD);
	case TCP6: return rxo_frame(ns, b, 6, VC_NET_L4_TCP, payload, false, VC_NET_CSUM_GOOD);
	case UDP4: return rxo_frame(ns, b, 4, VC_NET_L4_UDP, payload, false, VC_NET_CSUM_GOOD);
	case VXLAN: return rxo_vxlan(ns, b, payload, VC_NET_CSUM_ZERO);
	case TCP4_ECN: return rxo_frame(ns, b, 4, VC_NET_L4_TCP, payload, true, VC_NET_CSUM_GOOD);
	default: return 0;
	}
}

/* What a clause sends and judges. */
struct gso_case {
	const unsigned *need, *opt;
	enum big kinds[4];
	unsigned n;
	size_t payload;
	/* a packet that breaks the rule; NULL: judge GSO packets with `check` */
	bool (*bad)(const struct vc_net_rx *rx);
	const char *rule;
	bool (*check)(struct net_session *ns, const struct vc_net_rx *rx);
	unsigned gso_seen;
};

static bool is_vxlan(const struct vc_net_rx *rx)
{
	struct vc_net_parsed p;
	return vc_net_parse(rx->frame, rx->len, &p) && p.vxlan;
}

static bool on_packet(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct gso_case *k = arg;

	if (rx->hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		k->gso_seen++;
	if (k->bad && k->bad(rx)) {
		vc_fail(ns->c, "%s", k->rule);
		vc_observed(ns->c, "gso_type 0x%02x, flags 0x%02x, %zu bytes", rx->hdr.gso_type, rx->hdr.flags, rx->len);
		vc_expected(ns->c, "no such packet");
		return false;
	}
	if (k->check && rx->hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return k->check(ns, rx);
	return true;
}

static void gso_case(struct vc_ctx *c, struct gso_case *k)
{
	static uint8_t frames[4][VC_NET_MAX_FRAME];
	const uint8_t *f[4];
	size_t len[4];
	struct net_session ns;

	k->gso_seen = 0;
	if (!rxo_start(c, &ns, k->need, k->opt))
		return;
	for (unsigned i = 0; i < k->n; i++) {
		f[i] = frames[i];
		len[i] = big_frame(&ns, frames[i], k->kinds[i], k->payload ? k->payload : RXO_BIG);
		if (!len[i]) {
			vc_error(c, "the harness could not build a %s frame", big_name[k->kinds[i]]);
			return;
		}
	}
	if (!rxo_run(&ns, f, len, k->n, on_packet, k, "large frames"))
		return;
	if (k->check && !k->gso_seen)
		vc_skip(c, "the device delivered no GSO packet for the large frames (%s): nothing to check",
			big_name[k->kinds[0]]);
}

static const unsigned CSUM_TSO4[] = { VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_TSO4, NET_END };
static const unsigned CSUM_TSO6[] = { VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_TSO6, NET_END };
static const unsigned OPT_TSO6[] = { VIRTIO_NET_F_GUEST_TSO6, NET_END };
static const unsigned OPT_TSO6_MTU[] = { VIRTIO_NET_F_GUEST_TSO6, VIRTIO_NET_F_MTU, NET_END };
static const unsigned OPT_UDP_GSO[] = { VIRTIO_NET_F_GUEST_TSO6, VIRTIO_NET_F_GUEST_USO4, VIRTIO_NET_F_GUEST_USO6,
					NET_END };

static bool any_gso(const struct vc_net_rx *rx) { return rx->hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE; }
static uint8_t base(const struct vc_net_rx *rx) { return rx->hdr.gso_type & 0x1f; }
static bool tcpv4(const struct vc_net_rx *rx) { return base(rx) == VIRTIO_NET_HDR_GSO_TCPV4; }
static bool tcpv6(const struct vc_net_rx *rx) { return base(rx) == VIRTIO_NET_HDR_GSO_TCPV6; }
static bool udp(const struct vc_net_rx *rx) { return base(rx) == VIRTIO_NET_HDR_GSO_UDP; }
static bool udp_l4(const struct vc_net_rx *rx) { return base(rx) == VIRTIO_NET_HDR_GSO_UDP_L4; }
static bool tunnel(const struct vc_net_rx *rx)
{
	return (rx->hdr.gso_type & (VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4 | VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV6)) ||
	       (any_gso(rx) && is_vxlan(rx));
}
static bool rsc_info(const struct vc_net_rx *rx) { return rx->hdr.flags & VIRTIO_NET_HDR_F_RSC_INFO; }

#define CASE(fn, ...) static void fn(struct vc_ctx *c) { struct gso_case k = { __VA_ARGS__ }; gso_case(c, &k); }

CASE(none_without_guest_gso, NET_NONE, NET_BITS(VIRTIO_NET_F_GUEST_CSUM), { TCP4, TCP6, UDP4, VXLAN }, 4, 0, any_gso,
     "without any guest GSO feature, a packet came with a gso_type other than NONE")
CASE(tcpv4_needs_tso4, CSUM_TSO6, NET_NONE, { TCP4 }, 1, 0, tcpv4,
     "without VIRTIO_NET_F_GUEST_TSO4 (GUEST_TSO6 negotiated), a packet came with gso_type TCPV4")
CASE(tcpv6_needs_tso6, CSUM_TSO4, NET_NONE, { TCP6 }, 1, 0, tcpv6,
     "without VIRTIO_NET_F_GUEST_TSO6 (GUEST_TSO4 negotiated), a packet came with gso_type TCPV6")
CASE(udp_needs_ufo, CSUM_TSO4, OPT_UDP_GSO, { UDP4 }, 1, 0, udp,
     "without VIRTIO_NET_F_GUEST_UFO, a packet came with gso_type UDP")
CASE(udp_l4_needs_uso, CSUM_TSO4, OPT_TSO6, { UDP4 }, 1, 0, udp_l4,
     "without VIRTIO_NET_F_GUEST_USO4/USO6, a packet came with gso_type UDP_L4")
CASE(tunnel_needs_guest_tunnel, CSUM_TSO4, OPT_UDP_GSO, { VXLAN }, 1, 0, tunnel,
     "without VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO, a UDP tunnel (VXLAN) packet came as GSO")
CASE(ecn_without_guest_ecn, CSUM_TSO4, NET_NONE, { TCP4_ECN }, 1, 0, any_gso,
     "without VIRTIO_NET_F_GUEST_ECN, a TCP packet with ECN set came as GSO")
CASE(rsc_info_needs_rsc_ext, CSUM_TSO4, OPT_TSO6, { TCP4, TCP6 }, 2, 0, rsc_info,
     "without VIRTIO_NET_F_RSC_EXT, a packet came with VIRTIO_NET_HDR_F_RSC_INFO")

/* ---- the fields of the GSO packets delivered ---- */

static bool fail_field(struct net_session *ns, const struct vc_net_rx *rx, const char *what, const char *expected)
{
	vc_fail(ns->c, "a GSO packet (gso_type 0x%02x) %s", rx->hdr.gso_type, what);
	vc_observed(ns->c, "flags 0x%02x, hdr_len %u, gso_size %u, csum_start %u, csum_offset %u, %zu bytes",
		    rx->hdr.flags, rx->hdr.hdr_len, rx->hdr.gso_size, rx->hdr.csum_start, rx->hdr.csum_offset, rx->len);
	vc_expected(ns->c, "%s", expected);
	return false;
}

static bool check_needs_csum(struct net_session *ns, const struct vc_net_rx *rx)
{
	return (rx->hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	       fail_field(ns, rx, "came without NEEDS_CSUM", "VIRTIO_NET_HDR_F_NEEDS_CSUM set");
}

/* gso_size is the MSS: more than 0, less than the payload, and with
 * VIRTIO_NET_F_MTU (no packet over mtu passed, so none coalesced) a segment
 * of gso_size bytes with this packet's IP and TCP headers fits in mtu. */
static bool check_gso_size(struct net_session *ns, const struct vc_net_rx *rx)
{
	struct vc_net_parsed p;
	uint64_t mtu;

	if (!vc_net_parse(rx->frame, rx->len, &p) || !p.payload)
		return fail_field(ns, rx, "is not a TCP/UDP packet", "the headers of the frame sent");
	size_t data = p.end - p.payload, headers = p.payload - p.l3;
	if (!rx->hdr.gso_size || rx->hdr.gso_size >= data)
		return fail_field(ns, rx, "has no usable MSS in gso_size", "0 < gso_size < the payload");
	if (!net_has(ns, VIRTIO_NET_F_MTU))
		return true;
	if (!net_cfg(ns->c, VIRTIO_NET_CFG_MTU, 2, &mtu))
		return false;
	if (rx->hdr.gso_size + headers <= mtu)
		return true;
	vc_fail(ns->c, "a GSO packet's gso_size is larger than any segment within the mtu carries");
	vc_observed(ns->c, "gso_size %u, gso_type 0x%02x, %zu bytes of IP and TCP headers, mtu %llu", rx->hdr.gso_size,
		    rx->hdr.gso_type, headers, (unsigned long long)mtu);
	vc_expected(ns->c, "an MSS of at most %llu (mtu less the headers)", (unsigned long long)(mtu - headers));
	return false;
}

static bool check_hdr_len(struct net_session *ns, const struct vc_net_rx *rx)
{
	struct vc_net_parsed p;

	if (!vc_net_parse(rx->frame, rx->len, &p) || !p.payload)
		return fail_field(ns, rx, "is not a TCP/UDP packet", "the headers of the frame sent");
	return rx->hdr.hdr_len >= p.payload ||
	       fail_field(ns, rx, "has hdr_len shorter than its headers", "hdr_len >= the Ethernet, IP and TCP headers");
}

static bool check_ecn(struct net_session *ns, const struct vc_net_rx *rx)
{
	return (rx->hdr.gso_type & VIRTIO_NET_HDR_GSO_ECN) ||
	       fail_field(ns, rx, "of a TCP flow with ECN set lacks VIRTIO_NET_HDR_GSO_ECN", "gso_type with 0x80 set");
}

static bool check_rsc(struct net_session *ns, const struct vc_net_rx *rx)
{
	if (!(rx->hdr.flags & VIRTIO_NET_HDR_F_RSC_INFO))
		return fail_field(ns, rx, "lacks VIRTIO_NET_HDR_F_RSC_INFO with VIRTIO_NET_F_RSC_EXT",
				  "RSC_INFO set, csum_start the coalesced segments");
	return rx->hdr.csum_start >= 1 ||
	       fail_field(ns, rx, "says it coalesced no segment (csum_start 0)", "csum_start >= 1");
}

CASE(needs_csum, CSUM_TSO4, OPT_TSO6, { TCP4, TCP6 }, 2, 60000, NULL, NULL, check_needs_csum)
CASE(gso_size, CSUM_TSO4, OPT_TSO6_MTU, { TCP4, TCP6 }, 2, 60000, NULL, NULL, check_gso_size)
CASE(hdr_len, CSUM_TSO4, OPT_TSO6, { TCP4, TCP6 }, 2, 0, NULL, NULL, check_hdr_len)
CASE(ecn_flag, NET_BITS(VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_ECN), NET_NONE,
     { TCP4_ECN }, 1, 0, NULL, NULL, check_ecn)
CASE(rsc_info_set, NET_BITS(VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_HOST_TSO4,
			    VIRTIO_NET_F_CSUM, VIRTIO_NET_F_RSC_EXT), NET_NONE, { TCP4 }, 1, 0, NULL, NULL, check_rsc)

#define G(id, kw, covers, summary, fn, req) \
	{ id, L_NET_RX, kw, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, covers, summary, NULL, fn, req }

static const struct vc_clause clauses[] = {
	G("net.rx.gso.none-without-guest-gso", VC_MUST, "NET-RX-DEV-26",
	  "Without a guest GSO feature (GUEST_CSUM alone), frames of 20000 payload bytes (TCP/IPv4, TCP/IPv6, "
	  "UDP, VXLAN) come with gso_type NONE.", none_without_guest_gso, 0),
	G("net.rx.gso.tcpv4-needs-tso4", VC_MUST_NOT, "NET-RX-DEV-7",
	  "With GUEST_TSO6 but not GUEST_TSO4, a large TCP/IPv4 frame never comes as gso_type TCPV4.", tcpv4_needs_tso4,
	  VC_REQ(VIRTIO_NET_F_GUEST_TSO6)),
	G("net.rx.gso.tcpv6-needs-tso6", VC_MUST_NOT, "NET-RX-DEV-9",
	  "With GUEST_TSO4 but not GUEST_TSO6, a large TCP/IPv6 frame never comes as gso_type TCPV6.", tcpv6_needs_tso6,
	  VC_REQ(VIRTIO_NET_F_GUEST_TSO4)),
	G("net.rx.gso.udp-needs-ufo", VC_MUST_NOT, "NET-RX-DEV-8",
	  "Without GUEST_UFO (a TCP guest GSO feature negotiated), a large UDP frame never comes as gso_type UDP.",
	  udp_needs_ufo, VC_REQ(VIRTIO_NET_F_GUEST_TSO4)),
	G("net.rx.gso.udp-l4-needs-uso", VC_MUST_NOT, "NET-RX-DEV-10",
	  "Without GUEST_USO4/USO6 (a TCP guest GSO feature negotiated), a large UDP frame never comes as UDP_L4.",
	  udp_l4_needs_uso, VC_REQ(VIRTIO_NET_F_GUEST_TSO4)),
	G("net.rx.gso.tunnel-needs-guest-tunnel", VC_MUST_NOT, "NET-RX-DEV-11 NET-RX-DEV-21",
	  "Without GUEST_UDP_TUNNEL_GSO, a large VXLAN frame never comes as GSO, nor with a UDP tunnel bit.",
	  tunnel_needs_guest_tunnel, VC_REQ(VIRTIO_NET_F_GUEST_TSO4)),
	G("net.rx.gso.ecn", VC_SHOULD_NOT, "NET-RX-DEV-13",
	  "Without GUEST_ECN, a large TCP frame with ECN set (IP CE, TCP CWR) is not delivered as GSO.",
	  ecn_without_guest_ecn, VC_REQ(VIRTIO_NET_F_GUEST_TSO4)),
	G("net.rx.gso.ecn-flag", VC_MUST, "NET-RX-DEV-14",
	  "With GUEST_ECN, GSO packets of a TCP flow with ECN set carry VIRTIO_NET_HDR_GSO_ECN.", ecn_flag,
	  VC_REQ(VIRTIO_NET_F_GUEST_ECN)),
	G("net.rx.gso.needs-csum", VC_MUST, "NET-RX-DEV-27",
	  "GSO packets (from 60000-byte TCP frames, IPv4 and IPv6) carry NEEDS_CSUM.", needs_csum,
	  VC_REQ(VIRTIO_NET_F_GUEST_TSO4)),
	G("net.rx.gso.gso-size", VC_MUST, "NET-RX-DEV-28",
	  "GSO packets carry an MSS in gso_size: more than 0, less than their payload, and with VIRTIO_NET_F_MTU "
	  "no more than mtu less their IP and TCP headers.", gso_size,
	  VC_REQ(VIRTIO_NET_F_GUEST_TSO4)),
	G("net.rx.gso.hdr-len", VC_SHOULD, "NET-RX-DEV-31",
	  "GSO packets' hdr_len is at least the length of their headers, TCP's included.", hdr_len,
	  VC_REQ(VIRTIO_NET_F_GUEST_TSO4)),
	G("net.rx.gso.rsc-info", VC_MUST, "NET-RX-DEV-29",
	  "With VIRTIO_NET_F_RSC_EXT, coalesced GSO packets carry RSC_INFO and the segments coalesced in csum_start.",
	  rsc_info_set, VC_REQ(VIRTIO_NET_F_RSC_EXT)),
	G("net.rx.gso.rsc-info-needs-rsc-ext", VC_MUST_NOT, "NET-RX-DEV-30",
	  "Without VIRTIO_NET_F_RSC_EXT, no packet carries RSC_INFO.", rsc_info_needs_rsc_ext,
	  VC_REQ(VIRTIO_NET_F_GUEST_TSO4)),
};

VC_DEVICE_SUITE(suite_net_rx_gso, clauses, 1);
