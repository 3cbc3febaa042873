/* virtio-net receive checksums with VIRTIO_NET_F_GUEST_CSUM: a packet with
 * NEEDS_CSUM carries the pseudo-header sum where csum_start and
 * csum_offset point, and completing it there makes the packet whole; no
 * frame with a wrong checksum comes with DATA_VALID. And the 1.4 header's
 * fields a device without their features leaves alone: outer_nh_offset,
 * the IPsec flags. */
#include <string.h>
#include "rx_offload.h"

struct csum_case {
	bool (*check)(struct net_session *ns, struct vc_net_rx *rx);
};

static bool on_packet(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	return ((struct csum_case *)arg)->check(ns, rx);
}

static bool usable_needs_csum(const struct vc_net_rx *rx)
{
	return (rx->hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !(rx->hdr.flags & VIRTIO_NET_HDR_F_RSC_INFO);
}

static bool bad_needs_csum(struct net_session *ns, const struct vc_net_rx *rx, const char *what, const char *expected)
{
	vc_fail(ns->c, "a NEEDS_CSUM packet %s", what);
	vc_observed(ns->c, "csum_start %u, csum_offset %u, gso_type 0x%02x, %zu bytes", rx->hdr.csum_start,
		    rx->hdr.csum_offset, rx->hdr.gso_type, rx->len);
	vc_expected(ns->c, "%s", expected);
	return false;
}

static unsigned judged;            /* packets the check applied to */

static bool check_pseudo(struct net_session *ns, struct vc_net_rx *rx)
{
	struct vc_net_parsed p;
	size_t base;

	if (!usable_needs_csum(rx))
		return true;
	judged++;
	if (!rxo_transport_at(rx->frame, rx->len, rx->hdr.csum_start, &base, &p) ||
	    rx->hdr.csum_offset != vc_net_csum_field(p.proto))
		return bad_needs_csum(ns, rx, "does not point csum_start and csum_offset at its TCP/UDP checksum",
				      "csum_start at the transport header, csum_offset 16 (TCP) or 6 (UDP)");
	const uint8_t *f = rx->frame + base, *field = rx->frame + rx->hdr.csum_start + rx->hdr.csum_offset;
	uint16_t got = (uint16_t)(field[0] << 8 | field[1]);
	uint16_t want = vc_net_fold(vc_net_pseudo_sum(f, &p, p.end - p.l4));
	if (!rxo_same_csum(got, want)) {
		vc_fail(ns->c, "a NEEDS_CSUM packet's checksum field does not hold the pseudo-header sum");
		vc_observed(ns->c, "0x%04x at byte %u", got, rx->hdr.csum_start + rx->hdr.csum_offset);
		vc_expected(ns->c, "0x%04x (addresses, protocol, length)", want);
		return false;
	}
	return true;
}

static bool check_complete(struct net_session *ns, struct vc_net_rx *rx)
{
	struct vc_net_parsed p;
	size_t base;

	if (!usable_needs_csum(rx))
		return true;
	judged++;
	if (!vc_net_csum_complete(rx->frame, rx->len, rx->hdr.csum_start, rx->hdr.csum_offset))
		return bad_needs_csum(ns, rx, "points csum_start/csum_offset outside the packet", "offsets inside it");
	if (!rxo_transport_at(rx->frame, rx->len, rx->hdr.csum_start, &base, &p) ||
	    vc_net_l4_csum_ok(rx->frame + base, rx->len - base) != 1)
		return bad_needs_csum(ns, rx, "is not fully checksummed once its checksum is completed at csum_start + "
					      "csum_offset", "a correct TCP/UDP checksum after completing it");
	return true;
}

/* Frames that make NEEDS_CSUM packets where a device makes them: large
 * TCP frames (GSO, with GUEST_TSO4/6), and small ones. */
static void needs_csum_case(struct vc_ctx *c, bool (*check)(struct net_session *, struct vc_net_rx *))
{
	static uint8_t frames[3][VC_NET_MAX_FRAME];
	const uint8_t *f[3] = { frames[0], frames[1], frames[2] };
	size_t len[3];
	struct net_session ns;
	struct csum_case k = { check };

	judged = 0;
	if (!rxo_start(c, &ns, NET_BITS(VIRTIO_NET_F_GUEST_CSUM),
		       NET_BITS(VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6)))
		return;
	len[0] = rxo_frame(&ns, frames[0], 4, VC_NET_L4_TCP, RXO_BIG, false, VC_NET_CSUM_GOOD);
	len[1] = rxo_frame(&ns, frames[1], 6, VC_NET_L4_TCP, RXO_BIG, false, VC_NET_CSUM_GOOD);
	len[2] = rxo_frame(&ns, frames[2], 4, VC_NET_L4_UDP, 400, false, VC_NET_CSUM_GOOD);
	if (rxo_run(&ns, f, len, 3, on_packet, &k, "checksum offload") && !judged)
		vc_skip(c, "no packet came with NEEDS_CSUM (it is the device's choice): nothing to check");
}

static void pseudo_header(struct vc_ctx *c) { needs_csum_case(c, check_pseudo); }
static void complete(struct vc_ctx *c) { needs_csum_case(c, check_complete); }

static bool ip4_fragment(const uint8_t *f, size_t len)
{
	struct vc_net_parsed p;
	return vc_net_parse(f, len, &p) && p.ip == 4 && ((f[p.l3 + 6] << 8 | f[p.l3 + 7]) & 0x3fff);
}

/* Frames with a wrong checksum never come with DATA_VALID, nor does a
 * fragment: the transport checksum it carries covers bytes it lacks. */
static bool check_data_valid(struct net_session *ns, struct vc_net_rx *rx)
{
	if (!(rx->hdr.flags & VIRTIO_NET_HDR_F_DATA_VALID))
		return true;
	if (ip4_fragment(rx->frame, rx->len)) {
		vc_fail(ns->c, "an IPv4 fragment came with DATA_VALID (validated)");
		vc_observed(ns->c, "flags 0x%02x, %zu bytes: the first fragment of a TCP segment, its checksum wrong even "
				   "over the bytes it holds", rx->hdr.flags, rx->len);
		vc_expected(ns->c, "DATA_VALID only on a checksum the device validated: none on a fragment");
		return false;
	}
	if (vc_net_l4_csum_ok(rx->frame, rx->len) != 0)
		return true;
	vc_fail(ns->c, "a frame with a wrong checksum came with DATA_VALID (validated)");
	vc_observed(ns->c, "flags 0x%02x, %zu bytes, its TCP/UDP checksum wrong", rx->hdr.flags, rx->len);
	vc_expected(ns->c, "DATA_VALID only on a checksum the device validated");
	return false;
}

/* A TCP/IPv4 frame made the first fragment of its datagram (more fragments). */
static void make_fragment(uint8_t *f, size_t len)
{
	struct vc_net_parsed p;

	if (!vc_net_parse(f, len, &p) || p.ip != 4)
		return;
	uint8_t *ip = f + p.l3;
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	ip[6] |= 0x20;
	ip[10] = ip[11] = 0;
	uint16_t sum = (uint16_t)~vc_net_fold(vc_net_sum(0, ip, ihl));
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
}

static void data_valid(struct vc_ctx *c)
{
	static uint8_t frames[5][1600];
	const uint8_t *f[5];
	size_t len[5];
	struct net_session ns;
	struct csum_case k = { check_data_valid };

	if (!rxo_start(c, &ns, NET_BITS(VIRTIO_NET_F_GUEST_CSUM), NET_NONE))
		return;
	for (unsigned i = 0; i < 5; i++) {
		f[i] = frames[i];
		len[i] = rxo_frame(&ns, frames[i], i & 2 ? 6 : 4, i & 1 ? VC_NET_L4_UDP : VC_NET_L4_TCP, 300, false,
				   VC_NET_CSUM_BAD);
	}
	make_fragment(frames[4], len[4]);
	rxo_run(&ns, f, len, 5, on_packet, &k, "frames with wrong checksums");
}

/* GUEST_OFFLOADS_SET applies what it names ("bits cleared - offloads to be
 * disabled"): with every offload turned off, packets come as without the
 * features: flags 0 (no DATA_VALID on a correct checksum, no NEEDS_CSUM),
 * gso_type NONE (a large TCP frame whole, if delivered at all). */
static bool check_offloads_off(struct net_session *ns, struct vc_net_rx *rx)
{
	if (!rx->hdr.flags && rx->hdr.gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return true;
	vc_fail(ns->c, "after GUEST_OFFLOADS_SET turned every offload off, a packet came with %s",
		rx->hdr.flags ? "checksum flags" : "a gso_type");
	vc_observed(ns->c, "flags 0x%02x, gso_type 0x%02x, %zu bytes", rx->hdr.flags, rx->hdr.gso_type, rx->len);
	vc_expected(ns->c, "flags 0, gso_type NONE (the offloads as if never negotiated)");
	return false;
}

static void offloads_off(struct vc_ctx *c)
{
	static uint8_t frames[3][VC_NET_MAX_FRAME];
	const uint8_t *f[3] = { frames[0], frames[1], frames[2] };
	static const uint8_t none[8];
	size_t len[3];
	struct net_session ns;
	struct csum_case k = { check_offloads_off };

	if (!rxo_start(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, VIRTIO_NET_F_GUEST_CSUM),
		       NET_BITS(VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6)) ||
	    !net_ctrl_ok(&ns, VIRTIO_NET_CTRL_GUEST_OFFLOADS, VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, none, 8,
			 "GUEST_OFFLOADS_SET 0"))
		return;
	len[0] = rxo_frame(&ns, frames[0], 4, VC_NET_L4_TCP, 300, false, VC_NET_CSUM_GOOD);
	len[1] = rxo_frame(&ns, frames[1], 6, VC_NET_L4_UDP, 300, false, VC_NET_CSUM_GOOD);
	len[2] = rxo_frame(&ns, frames[2], 4, VC_NET_L4_TCP, RXO_BIG, false, VC_NET_CSUM_GOOD);
	rxo_run(&ns, f, len, 3, on_packet, &k, "frames after GUEST_OFFLOADS_SET 0");
}

/* With VIRTIO_NET_F_IPSEC's 32-byte header: plain traffic, and the fields
 * no feature of this session gives a meaning. */
static bool check_outer_nh(struct net_session *ns, struct vc_net_rx *rx)
{
	if (!rx->hdr.outer_nh_offset)
		return true;
	vc_fail(ns->c, "outer_nh_offset is set without VIRTIO_NET_F_OUT_NET_HEADER");
	vc_observed(ns->c, "outer_nh_offset %u", rx->hdr.outer_nh_offset);
	vc_expected(ns->c, "0 (not used)");
	return false;
}

static bool check_ipsec_flags(struct net_session *ns, struct vc_net_rx *rx)
{
	uint8_t bits = rx->hdr.flags & (VIRTIO_NET_HDR_F_SECURITY | VIRTIO_NET_HDR_F_SECURITY_ERR);

	if (!bits)
		return true;
	vc_fail(ns->c, "a frame no IPsec processing saw came with %s set",
		bits & VIRTIO_NET_HDR_F_SECURITY ? "VIRTIO_NET_HDR_F_SECURITY" : "VIRTIO_NET_HDR_F_SECURITY_ERR");
	vc_observed(ns->c, "flags 0x%02x", rx->hdr.flags);
	vc_expected(ns->c, "SECURITY (16) and SECURITY_ERR (32) clear");
	return false;
}

static void ipsec_header(struct vc_ctx *c, bool (*check)(struct net_session *, struct vc_net_rx *))
{
	static uint8_t frames[3][1600];
	const uint8_t *f[3];
	size_t len[3];
	struct net_session ns;
	struct csum_case k = { check };

	if (!rxo_start(c, &ns, NET_BITS(VIRTIO_NET_F_IPSEC), NET_NONE))
		return;
	for (unsigned i = 0; i < 3; i++) {
		f[i] = frames[i];
		len[i] = rxo_frame(&ns, frames[i], i == 1 ? 6 : 4, i == 2 ? VC_NET_L4_UDP : VC_NET_L4_TCP, 300, false,
				   VC_NET_CSUM_GOOD);
	}
	rxo_run(&ns, f, len, 3, on_packet, &k, "plain traffic");
}

static void outer_nh_offset(struct vc_ctx *c) { ipsec_header(c, check_outer_nh); }
static void ipsec_flags(struct vc_ctx *c) { ipsec_header(c, check_ipsec_flags); }

static const struct vc_clause clauses[] = {
	{ "net.rx.csum.pseudo-header", L_NET_RX, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-RX-DEV-19",
	  "With GUEST_CSUM, a packet with NEEDS_CSUM holds the TCP/UDP pseudo-header sum at csum_start + csum_offset.",
	  NULL, pseudo_header, VC_REQ(VIRTIO_NET_F_GUEST_CSUM) },
	{ "net.rx.csum.complete", L_NET_RX, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-RX-DEV-20",
	  "With GUEST_CSUM, completing the checksum of a NEEDS_CSUM packet from csum_start into csum_offset makes a "
	  "correctly checksummed packet.", NULL, complete, VC_REQ(VIRTIO_NET_F_GUEST_CSUM) },
	{ "net.rx.csum.data-valid", L_NET_RX, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-RX-DEV-33",
	  "With GUEST_CSUM, frames whose TCP/UDP checksum is wrong (IPv4, IPv6) never come with DATA_VALID, nor does "
	  "the first fragment of a TCP/IPv4 datagram.", NULL,
	  data_valid, VC_REQ(VIRTIO_NET_F_GUEST_CSUM) },
	{ "net.ctrl.guest-offloads-off", L_NET_OFFLOADS, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "",
	  "After GUEST_OFFLOADS_SET 0, received packets (TCP/IPv4 and UDP/IPv6 with correct checksums, a 20000-byte "
	  "TCP frame) come with flags 0 and gso_type NONE (the command applies the offloads it names; no device row).",
	  NULL, offloads_off, VC_REQ(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) | VC_REQ(VIRTIO_NET_F_GUEST_CSUM) },
	{ "net.rx.outer-nh-offset", L_NET_RX, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS, "NET-RX-DEV-16",
	  "With VIRTIO_NET_F_IPSEC and without OUT_NET_HEADER, outer_nh_offset stays 0 on received packets.", NULL,
	  outer_nh_offset },
	{ "net.rx.ipsec-flags", L_NET_RX, VC_MUST, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS, "NET-RX-DEV-39 NET-RX-DEV-42",
	  "With VIRTIO_NET_F_IPSEC, plain traffic (no SA) comes with SECURITY and SECURITY_ERR clear.", NULL,
	  ipsec_flags },
};

VC_DEVICE_SUITE(suite_net_rx_csum, clauses, 1);
