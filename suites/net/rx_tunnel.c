/* virtio-net receive of UDP tunnel GSO packets (VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO):
 * a large VXLAN frame (TCP/IPv4 over UDP/IPv4) the device may hand over as
 * one GSO packet; then its gso_type's tunnel bit, the tunnel offsets, no
 * DATA_VALID, and the outer UDP checksum: never left for the driver to
 * finish unless VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM says it may, and then
 * seeded with the outer pseudo-header sum. */
#include <string.h>
#include "rx_offload.h"

struct tunnel_case {
	bool with_csum;              /* GUEST_UDP_TUNNEL_GSO_CSUM negotiated */
	enum vc_net_csum outer;      /* the outer UDP checksum of the frames sent */
	bool (*check)(struct net_session *ns, const struct vc_net_rx *rx, const struct vc_net_parsed *o);
	bool any_packet;             /* check every packet, not only tunnel GSO ones */
	unsigned judged;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static bool tunnel_gso(const struct vc_net_rx *rx, const struct vc_net_parsed *o)
{
	return rx->hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE && o->vxlan;
}

static bool on_packet(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct tunnel_case *k = arg;
	struct vc_net_parsed o;

	if (!vc_net_parse(rx->frame, rx->len, &o))
		memset(&o, 0, sizeof(o));
	if (!k->any_packet && !tunnel_gso(rx, &o))
		return true;
	k->judged++;
	return k->check(ns, rx, &o);
}

static bool bad(struct net_session *ns, const struct vc_net_rx *rx, const char *what, const char *expected)
{
	vc_fail(ns->c, "a UDP tunnel GSO packet %s", what);
	vc_observed(ns->c, "gso_type 0x%02x, flags 0x%02x, outer_th_offset %u, inner_nh_offset %u, csum_start %u",
		    rx->hdr.gso_type, rx->hdr.flags, rx->hdr.outer_th_offset, rx->hdr.inner_nh_offset,
		    rx->hdr.csum_start);
	vc_expected(ns->c, "%s", expected);
	return false;
}

static bool check_type(struct net_session *ns, const struct vc_net_rx *rx, const struct vc_net_parsed *o)
{
	(void)o;
	return (rx->hdr.gso_type & 0x60) == VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4 ||
	       bad(ns, rx, "of TCP over IPv4 in VXLAN does not carry VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4 alone",
		   "gso_type with 0x20 set and 0x40 clear");
}

static bool check_offsets(struct net_session *ns, const struct vc_net_rx *rx, const struct vc_net_parsed *o)
{
	return (rx->hdr.outer_th_offset == o->l4 && rx->hdr.inner_nh_offset == o->payload + 8 + VC_NET_ETH_HLEN) ||
	       bad(ns, rx, "does not point outer_th_offset at the outer UDP header and inner_nh_offset at the inner IP "
			   "header", "outer_th_offset 34, inner_nh_offset 64");
}

static bool check_no_data_valid(struct net_session *ns, const struct vc_net_rx *rx, const struct vc_net_parsed *o)
{
	(void)o;
	return !(rx->hdr.flags & VIRTIO_NET_HDR_F_DATA_VALID) || bad(ns, rx, "came with DATA_VALID", "DATA_VALID clear");
}

/* The outer UDP checksum: 0, or complete and right. */
static bool outer_done(const struct vc_net_rx *rx, const struct vc_net_parsed *o)
{
	return rd16(rx->frame + o->l4 + 6) == 0 || vc_net_l4_csum_ok(rx->frame, rx->len) == 1;
}

static bool check_no_offload(struct net_session *ns, const struct vc_net_rx *rx, const struct vc_net_parsed *o)
{
	return outer_done(rx, o) ||
	       bad(ns, rx, "needs outer UDP checksum offload without VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM",
		   "the outer UDP checksum 0 or complete");
}

static bool check_no_csum_flag(struct net_session *ns, const struct vc_net_rx *rx, const struct vc_net_parsed *o)
{
	(void)o;
	if (!(rx->hdr.flags & VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM))
		return true;
	vc_fail(ns->c, "a packet came with VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM without "
		       "VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM");
	vc_observed(ns->c, "flags 0x%02x, gso_type 0x%02x", rx->hdr.flags, rx->hdr.gso_type);
	vc_expected(ns->c, "flag 8 clear");
	return false;
}

static bool check_outer_pseudo(struct net_session *ns, const struct vc_net_rx *rx, const struct vc_net_parsed *o)
{
	if (!(rx->hdr.flags & VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM))
		return true;
	uint16_t got = rd16(rx->frame + o->l4 + 6), want = vc_net_fold(vc_net_pseudo_sum(rx->frame, o, o->end - o->l4));
	if (rxo_same_csum(got, want))
		return true;
	vc_fail(ns->c, "a packet with UDP_TUNNEL_CSUM does not hold the outer UDP pseudo-header sum");
	vc_observed(ns->c, "outer UDP checksum 0x%04x", got);
	vc_expected(ns->c, "0x%04x", want);
	return false;
}

static bool check_outer_unflagged(struct net_session *ns, const struct vc_net_rx *rx, const struct vc_net_parsed *o)
{
	return (rx->hdr.flags & VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM) || outer_done(rx, o) ||
	       bad(ns, rx, "without UDP_TUNNEL_CSUM has an outer UDP checksum neither 0 nor complete",
		   "0 or the complete checksum");
}

static void tunnel_case(struct vc_ctx *c, struct tunnel_case *k)
{
	static uint8_t frame[VC_NET_MAX_FRAME];
	struct net_session ns;
	const unsigned *need = k->with_csum
		? NET_BITS(VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6,
			   VIRTIO_NET_F_GUEST_USO4, VIRTIO_NET_F_GUEST_USO6, VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO,
			   VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM)
		: NET_BITS(VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6,
			   VIRTIO_NET_F_GUEST_USO4, VIRTIO_NET_F_GUEST_USO6, VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO);

	if (!rxo_start(c, &ns, need, NET_NONE))
		return;
	size_t len = rxo_vxlan(&ns, frame, RXO_BIG, k->outer);
	if (rxo_one(&ns, frame, len, on_packet, k, "a large VXLAN frame") && !k->judged)
		vc_skip(c, "the large VXLAN frame came as no UDP tunnel GSO packet (the device's choice): nothing to check");
}

#define CASE(fn, ...) static void fn(struct vc_ctx *c) { struct tunnel_case k = { __VA_ARGS__ }; tunnel_case(c, &k); }
CASE(gso_type, false, VC_NET_CSUM_ZERO, check_type, false, 0)
CASE(offsets, false, VC_NET_CSUM_ZERO, check_offsets, false, 0)
CASE(no_data_valid, false, VC_NET_CSUM_GOOD, check_no_data_valid, false, 0)
CASE(no_outer_offload, false, VC_NET_CSUM_GOOD, check_no_offload, false, 0)
CASE(csum_flag, false, VC_NET_CSUM_GOOD, check_no_csum_flag, true, 0)
CASE(outer_pseudo, true, VC_NET_CSUM_GOOD, check_outer_pseudo, false, 0)
CASE(outer_csum, true, VC_NET_CSUM_ZERO, check_outer_unflagged, false, 0)

#define T(id, kw, covers, summary, fn) \
	{ id, L_NET_RX, kw, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS, covers, summary, NULL, fn }

static const struct vc_clause clauses[] = {
	T("net.rx.tunnel.gso-type", VC_MUST, "NET-RX-DEV-22",
	  "A UDP tunnel GSO packet of TCP/IPv4 in VXLAN carries VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4 (the inner network "
	  "header's) and not _IPV6.", gso_type),
	T("net.rx.tunnel.offsets", VC_MUST, "NET-RX-DEV-23",
	  "A UDP tunnel GSO packet's outer_th_offset points at the outer UDP header, inner_nh_offset at the inner IP "
	  "header.", offsets),
	T("net.rx.tunnel.no-data-valid", VC_MUST_NOT, "NET-RX-DEV-34",
	  "A UDP tunnel GSO packet never carries DATA_VALID.", no_data_valid),
	T("net.rx.tunnel.no-outer-offload", VC_MUST_NOT, "NET-RX-DEV-24 NET-RX-DEV-25",
	  "Without GUEST_UDP_TUNNEL_GSO_CSUM, a UDP tunnel GSO packet (its outer UDP checksummed when sent) comes "
	  "with the outer checksum 0 or complete.", no_outer_offload),
	T("net.rx.tunnel.csum-flag", VC_MUST_NOT, "NET-RX-DEV-12",
	  "Without GUEST_UDP_TUNNEL_GSO_CSUM, no packet carries VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM.", csum_flag),
	T("net.rx.tunnel.outer-pseudo", VC_MUST, "NET-RX-DEV-36",
	  "With GUEST_UDP_TUNNEL_GSO_CSUM, a packet with UDP_TUNNEL_CSUM holds the outer UDP pseudo-header sum.",
	  outer_pseudo),
	T("net.rx.tunnel.outer-csum", VC_MUST, "NET-RX-DEV-37",
	  "With GUEST_UDP_TUNNEL_GSO_CSUM, a UDP tunnel GSO packet without UDP_TUNNEL_CSUM has its outer checksum 0 "
	  "or complete.", outer_csum),
};

VC_DEVICE_SUITE(suite_net_rx_tunnel, clauses, 1);
