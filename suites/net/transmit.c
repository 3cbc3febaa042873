/* virtio-net transmit: frames the driver posts, read back from the wire by
 * the link partner. Header fields the device must not act on (checksum
 * fields without NEEDS_CSUM, unknown flags, outer_nh_offset, the tunnel
 * offsets of a plain packet, resource_id without SECURITY), MTU-sized
 * frames whole, TSO whatever hdr_len says, tunnel packets a device must
 * refuse. */
#include <string.h>
#include "net.h"

static void frame_for(struct net_session *ns, struct vc_net_flow *f, unsigned ip, enum vc_net_l4 l4)
{
	static const uint8_t peer[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x09 };

	vc_net_flow_init(f, peer, ip, l4);
	memcpy(f->src, ns->net.mac, 6);
}

/* Send f (len bytes) with header h and find it on the wire, unchanged. */
static bool sent_unchanged(struct net_session *ns, const struct vc_net_hdr *h, const uint8_t *f, size_t len,
			   unsigned pieces, const char *what)
{
	uint8_t *got = net_buf(1);
	uint32_t tag;
	size_t glen;

	if (!vc_net_frame_tag(f, len, &tag)) {
		vc_error(ns->c, "the harness's frame has no tag");
		return false;
	}
	return net_send(ns, 0, h, f, len, pieces) && net_capture(ns, tag, got, VC_NET_MAX_FRAME, &glen, what) &&
	       net_same_frame(ns->c, f, len, got, glen, what);
}

/* Without NEEDS_CSUM, csum_start/csum_offset pointing at the transport
 * checksum (a device acting on them would rewrite it) are left alone. */
static void plain_unmodified(struct vc_ctx *c)
{
	struct net_session ns;
	struct vc_net_flow f;
	uint8_t *b = net_buf(0);

	if (!net_start(c, &ns, NET_NONE, NET_NONE, 1))
		return;
	for (unsigned ip = 4; ip <= 6; ip += 2)
		for (unsigned l4 = VC_NET_L4_UDP; l4 <= VC_NET_L4_TCP; l4++) {
			struct vc_net_parsed p;
			frame_for(&ns, &f, ip, l4);
			size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, 300, vc_net_tag(&ns.net));
			vc_net_parse(b, len, &p);
			struct vc_net_hdr h = { .csum_start = (uint16_t)p.l4,
						.csum_offset = (uint16_t)vc_net_csum_field(p.proto) };
			if (!sent_unchanged(&ns, &h, b, len, 2, "a frame sent without NEEDS_CSUM (csum_start and "
							       "csum_offset at its checksum) came out changed"))
				return;
		}
}

/* With VIRTIO_NET_F_CSUM, flag bit 7 (unknown to every version) is ignored. */
static void unknown_flags(struct vc_ctx *c)
{
	struct net_session ns;
	struct vc_net_flow f;
	uint8_t *b = net_buf(0);
	struct vc_net_hdr h = { .flags = 0x80 };

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_CSUM), NET_NONE, 1))
		return;
	frame_for(&ns, &f, 4, VC_NET_L4_UDP);
	size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, 200, vc_net_tag(&ns.net));
	sent_unchanged(&ns, &h, b, len, 1, "a frame whose header has flag bit 7 set was not sent as it was");
}

/* With VIRTIO_NET_F_MTU, a frame of mtu + 14 bytes goes out whole. */
static void mtu_sized(struct vc_ctx *c)
{
	struct net_session ns;
	struct vc_net_flow f;
	struct vc_net_hdr h = { 0 };
	uint8_t *b = net_buf(0);
	uint64_t mtu;

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_MTU), NET_NONE, 1) || !net_cfg(c, VIRTIO_NET_CFG_MTU, 2, &mtu))
		return;
	if (mtu < 68 || mtu > 65535 - 28) {
		vc_skip(c, "mtu %llu is outside what an IPv4/UDP frame can fill (net.config.mtu-range)",
			(unsigned long long)mtu);
		return;
	}
	frame_for(&ns, &f, 4, VC_NET_L4_UDP);
	size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, (size_t)mtu - 28, vc_net_tag(&ns.net));
	sent_unchanged(&ns, &h, b, len, 2, "an mtu-sized frame (mtu plus the Ethernet header) did not go out whole");
}

/* ---- segmentation ---- */

/* The segments of a GSO packet read back: each carries at most mss payload
 * bytes, the headers as sent but for lengths, IP id, TCP sequence and flags,
 * checksums correct, the payload in order. `io`: offset of the segmented
 * frame (VXLAN's inner one), 0 for a plain packet. */
static void check_segments(struct net_session *ns, const uint8_t *f, size_t len, size_t io, unsigned mss,
			   const char *what)
{
	struct vc_ctx *c = ns->c;
	struct vc_net_parsed p, q;
	uint8_t *seg = net_buf(1);
	size_t slen;
	uint32_t tag;

	vc_net_parse(f + io, len - io, &p);
	size_t hl = io + p.payload, data = len - hl, off = 0, want = (data + mss - 1) / mss;
	if (!vc_net_frame_tag(f, len, &tag) || !net_capture(ns, tag, seg, VC_NET_MAX_FRAME, &slen, what))
		return;
	for (size_t i = 0; i < want; i++) {
		if (i && net_capture_next(ns, seg, VC_NET_MAX_FRAME, &slen, ns->wait_ms)) {
			if (c->r->status != VC_ERROR) {
				vc_fail(c, "%s: segment %zu of %zu never reached the wire", what, i + 1, want);
				vc_observed(c, "%zu of the %zu payload bytes", off, data);
				vc_expected(c, "%zu segments of at most %u bytes", want, mss);
			}
			return;
		}
		size_t n = data - off < mss ? data - off : mss;
		bool ok = slen == hl + n && vc_net_parse(seg + io, slen - io, &q) && q.payload == p.payload &&
			  !memcmp(seg + hl, f + hl + off, n) && vc_net_l4_csum_ok(seg + io, slen - io) == 1 &&
			  vc_net_ip4_csum_ok(seg + io, &q);
		if (ok && p.proto == 6) {
			uint32_t s0 = (uint32_t)f[io + p.l4 + 4] << 24 | f[io + p.l4 + 5] << 16 | f[io + p.l4 + 6] << 8 |
				      f[io + p.l4 + 7];
			uint32_t si = (uint32_t)seg[io + q.l4 + 4] << 24 | seg[io + q.l4 + 5] << 16 |
				      seg[io + q.l4 + 6] << 8 | seg[io + q.l4 + 7];
			ok = si == s0 + (uint32_t)off;
		}
		if (ok && memcmp(seg, f, 12)) /* the addresses */
			ok = false;
		if (!ok) {
			vc_fail(c, "%s: segment %zu of %zu is not the packet's header and its next %zu payload bytes, "
				   "checksums complete", what, i + 1, want, n);
			vc_observed(c, "%zu bytes, transport checksum %s", slen,
				    vc_net_l4_csum_ok(seg + io, slen - io) == 1 ? "right" : "wrong");
			vc_expected(c, "%zu bytes (%zu of headers), payload from byte %zu", hl + n, hl, off);
			return;
		}
		off += n;
	}
}

/* A TCP packet of `payload` bytes, its checksum seeded with the
 * pseudo-header sum (NEEDS_CSUM), segmented at mss. */
static size_t tso_frame(struct net_session *ns, uint8_t *b, unsigned ip, size_t payload, struct vc_net_hdr *h,
			unsigned mss)
{
	struct vc_net_flow f;
	struct vc_net_parsed p;

	frame_for(ns, &f, ip, VC_NET_L4_TCP);
	f.csum = VC_NET_CSUM_PARTIAL;
	size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, payload, vc_net_tag(&ns->net));
	vc_net_parse(b, len, &p);
	*h = (struct vc_net_hdr){ .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				  .gso_type = ip == 4 ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_TCPV6,
				  .hdr_len = (uint16_t)p.payload, .gso_size = (uint16_t)mss,
				  .csum_start = (uint16_t)p.l4, .csum_offset = 16 };
	return len;
}

/* Without GUEST_HDRLEN, hdr_len is a hint: 100 bytes more than the headers
 * (what a driver may give: "not less than" them) must not change the
 * segments. IPv4 with HOST_TSO4, IPv6 with HOST_TSO6. */
static void tso_hdr_len(struct vc_ctx *c)
{
	struct net_session ns;
	struct vc_net_hdr h;
	uint8_t *b = net_buf(0);
	bool any = false;

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_CSUM), NET_BITS(VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6), 1))
		return;
	for (unsigned ip = 4; ip <= 6 && c->r->status == VC_PASS; ip += 2) {
		if (!net_has(&ns, ip == 4 ? VIRTIO_NET_F_HOST_TSO4 : VIRTIO_NET_F_HOST_TSO6))
			continue;
		any = true;
		size_t len = tso_frame(&ns, b, ip, 9000, &h, 1400);
		h.hdr_len = (uint16_t)(h.hdr_len + 100);
		if (net_send(&ns, 0, &h, b, len, 2))
			check_segments(&ns, b, len, 0, 1400, ip == 4 ? "TSO over IPv4 with hdr_len 100 bytes too long"
								      : "TSO over IPv6 with hdr_len 100 bytes too long");
	}
	if (!any)
		vc_skip(c, "neither VIRTIO_NET_F_HOST_TSO4 nor VIRTIO_NET_F_HOST_TSO6 is offered");
}

/* VXLAN carrying `inner_payload` TCP bytes: the outer UDP checksum 0. */
static size_t vxlan_frame(struct net_session *ns, uint8_t *b, size_t inner_payload, enum vc_net_csum inner_csum,
			  size_t *io)
{
	uint8_t *inner = net_buf(2);
	struct vc_net_flow in, out;
	struct vc_net_parsed p;

	frame_for(ns, &in, 4, VC_NET_L4_TCP);
	in.csum = inner_csum;
	size_t ilen = vc_net_frame(inner, VC_NET_MAX_FRAME, &in, inner_payload, vc_net_tag(&ns->net));
	frame_for(ns, &out, 4, VC_NET_L4_UDP);
	out.csum = VC_NET_CSUM_ZERO;
	out.sport = 49999;
	size_t len = vc_net_frame_vxlan(b, VC_NET_MAX_FRAME, &out, inner, ilen);
	vc_net_parse(b, len, &p);
	*io = p.payload + 8;
	return len;
}

/* With HOST_UDP_TUNNEL_GSO, a plain TSO packet whose outer_th_offset and
 * inner_nh_offset hold nonsense is segmented as a plain one. */
static void tunnel_offsets_ignored(struct vc_ctx *c)
{
	struct net_session ns;
	struct vc_net_hdr h;
	uint8_t *b = net_buf(0);

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_CSUM, VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6,
					VIRTIO_NET_F_HOST_USO, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO), NET_NONE, 1))
		return;
	size_t len = tso_frame(&ns, b, 4, 4000, &h, 1000);
	h.outer_th_offset = 22;
	h.inner_nh_offset = 40;
	if (net_send(&ns, 0, &h, b, len, 1))
		check_segments(&ns, b, len, 0, 1000, "TSO with outer_th_offset 22 and inner_nh_offset 40, no tunnel bit");
}

/* `bad` sent first must not reach the wire; `good` after it must. */
static void refused_then_sent(struct net_session *ns, const struct vc_net_hdr *bh, const uint8_t *bad, size_t blen,
			      const uint8_t *good, size_t glen, const char *what)
{
	struct vc_net_hdr plain = { 0 };
	uint32_t bt, gt;
	bool seen;

	vc_net_frame_tag(bad, blen, &bt);
	vc_net_frame_tag(good, glen, &gt);
	if (!net_send(ns, 0, bh, bad, blen, 1) || !net_send(ns, 0, &plain, good, glen, 1) ||
	    !net_capture_watch(ns, gt, bt, &seen, "the frame sent after it"))
		return;
	if (seen) {
		vc_fail(ns->c, "%s", what);
		vc_observed(ns->c, "the frame tagged %08x on the wire", bt);
		vc_expected(ns->c, "not accepted: nothing on the wire");
	}
}

/* With HOST_UDP_TUNNEL_GSO, a VXLAN packet with a tunnel bit and gso_type
 * NONE otherwise is not sent; a plain frame after it is. */
static void tunnel_none_refused(struct vc_ctx *c)
{
	struct net_session ns;
	struct vc_net_parsed in;
	struct vc_net_flow f;
	uint8_t *b = net_buf(0), *good = net_buf(1);
	size_t io;

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_CSUM, VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6,
					VIRTIO_NET_F_HOST_USO, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO), NET_NONE, 1))
		return;
	size_t len = vxlan_frame(&ns, b, 400, VC_NET_CSUM_PARTIAL, &io);
	vc_net_parse(b + io, len - io, &in);
	struct vc_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4,
				.hdr_len = (uint16_t)(io + in.payload), .gso_size = 1000,
				.csum_start = (uint16_t)(io + in.l4), .csum_offset = 16,
				.outer_th_offset = (uint16_t)(io - 16), .inner_nh_offset = (uint16_t)(io + in.l3) };
	frame_for(&ns, &f, 4, VC_NET_L4_UDP);
	size_t glen = vc_net_frame(good, VC_NET_MAX_FRAME, &f, 100, vc_net_tag(&ns.net));
	refused_then_sent(&ns, &h, b, len, good, glen,
			  "a packet with VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4 and gso_type NONE otherwise was sent");
}

/* With VIRTIO_NET_F_IPSEC (its 32-byte header) and no OUT_NET_HEADER, a
 * NEEDS_CSUM frame's outer_nh_offset is not used: the checksum lands where
 * csum_start and csum_offset say. */
static void outer_nh_ignored(struct vc_ctx *c)
{
	struct net_session ns;
	struct vc_net_flow f;
	struct vc_net_parsed p;
	uint8_t *b = net_buf(0), *want = net_buf(1), *got = net_buf(2);
	size_t glen;

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_CSUM, VIRTIO_NET_F_IPSEC), NET_NONE, 1))
		return;
	frame_for(&ns, &f, 4, VC_NET_L4_UDP);
	uint32_t tag = vc_net_tag(&ns.net);
	size_t wlen = vc_net_frame(want, VC_NET_MAX_FRAME, &f, 300, tag);
	f.csum = VC_NET_CSUM_PARTIAL;
	size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, 300, tag);
	vc_net_parse(b, len, &p);
	struct vc_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = (uint16_t)p.l4, .csum_offset = 6,
				.outer_nh_offset = 40 };
	if (net_send(&ns, 0, &h, b, len, 1) && net_capture(&ns, tag, got, VC_NET_MAX_FRAME, &glen, "the frame"))
		net_same_frame(c, want, wlen, got, glen, "with outer_nh_offset 40 and no VIRTIO_NET_F_OUT_NET_HEADER, "
			       "the checksum was not completed at csum_start + csum_offset alone");
}

/* With VIRTIO_NET_F_IPSEC, resource_id and resource_type without the
 * SECURITY flag mean nothing: the frame goes out as it was. */
static void resource_id_ignored(struct vc_ctx *c)
{
	struct net_session ns;
	struct vc_net_flow f;
	uint8_t *b = net_buf(0);
	struct vc_net_hdr h = { .resource_id = 0x7663a5a5, .resource_type = 3 };

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_IPSEC), NET_NONE, 1))
		return;
	frame_for(&ns, &f, 4, VC_NET_L4_UDP);
	size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, 200, vc_net_tag(&ns.net));
	sent_unchanged(&ns, &h, b, len, 1, "a frame with resource_id set and no SECURITY flag was not sent as it was");
}

static const struct vc_clause clauses[] = {
	{ "net.tx.plain-unmodified", L_NET_TX, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-TX-DEV-2",
	  "Without NEEDS_CSUM, csum_start and csum_offset (pointing at the TCP/UDP checksum) are not acted on: UDP "
	  "and TCP over IPv4 and IPv6 go out byte for byte.", NULL, plain_unmodified },
	{ "net.tx.unknown-flags", L_NET_TX, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-TX-DEV-1",
	  "With VIRTIO_NET_F_CSUM, a header with flag bit 7 (defined by no version) is sent as if it were clear.",
	  NULL, unknown_flags, VC_REQ(VIRTIO_NET_F_CSUM) },
	{ "net.tx.mtu-sized", L_NET_CFG, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-CFG-DEV-6",
	  "With VIRTIO_NET_F_MTU, a frame of mtu plus the Ethernet header goes out whole, unfragmented.", NULL,
	  mtu_sized, VC_REQ(VIRTIO_NET_F_MTU) },
	{ "net.tx.tso-hdr-len", L_NET_TX, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", NET_PEER_NEEDS, "NET-TX-DEV-7",
	  "Without VIRTIO_NET_F_GUEST_HDRLEN, TSO (IPv4, IPv6) with hdr_len 100 bytes past the headers comes out "
	  "as the right segments: headers copied, payload in order, checksums complete.", NULL, tso_hdr_len,
	  VC_REQ(VIRTIO_NET_F_CSUM) },
	{ "net.tx.tunnel-offsets-ignored", L_NET_TX, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS, "NET-TX-DEV-9",
	  "With VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO, a plain TSO packet's outer_th_offset and inner_nh_offset are not "
	  "used: its segments are right.", NULL, tunnel_offsets_ignored },
	{ "net.tx.tunnel-none-refused", L_NET_TX, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS, "NET-TX-DEV-10",
	  "With VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO, a packet with a UDP tunnel bit and gso_type NONE otherwise is not "
	  "sent.", NULL, tunnel_none_refused },
	{ "net.tx.outer-nh-offset-ignored", L_NET_TX, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS,
	  "NET-TX-DEV-4", "With VIRTIO_NET_F_IPSEC and without VIRTIO_NET_F_OUT_NET_HEADER, outer_nh_offset is not "
	  "used: NEEDS_CSUM completes the checksum where csum_start and csum_offset say.", NULL, outer_nh_ignored },
	{ "net.tx.resource-id-ignored", L_NET_TX, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS,
	  "NET-TX-DEV-13", "With VIRTIO_NET_F_IPSEC, resource_id and resource_type are not used without the SECURITY "
	  "flag: the frame goes out unchanged.", NULL, resource_id_ignored },
};

VC_DEVICE_SUITE(suite_net_transmit, clauses, 1);
