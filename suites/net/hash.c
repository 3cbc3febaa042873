/* virtio-net inner header hash (VIRTIO_NET_F_HASH_TUNNEL), seen through
 * the hash report: a VXLAN packet is hashed on its outer headers unless
 * VXLAN is enabled in enabled_tunnel_types; HASH_TUNNEL_SET 0 or a device
 * reset turns inner hashing off; unsupported types are refused. */
#include <string.h>
#include "net.h"

static const uint8_t key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static const unsigned NEED[] = { VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_HASH_REPORT, VIRTIO_NET_F_HASH_TUNNEL, NET_END };

struct hashing {
	uint32_t types;
	uint8_t keylen;
};

/* Hash reporting on for IPv4/TCP/UDP: RSS_CONFIG (one queue) with
 * VIRTIO_NET_F_RSS, else HASH_CONFIG. */
static bool hash_on(struct net_session *ns, struct hashing *h)
{
	uint8_t d[8 + 2 + 2 + 1 + 40] = { 0 };
	uint64_t types, keymax;
	size_t at;

	if (!net_cfg(ns->c, VIRTIO_NET_CFG_HASH_TYPES, 4, &types) || !net_cfg(ns->c, VIRTIO_NET_CFG_RSS_KEY, 1, &keymax))
		return false;
	h->types = (uint32_t)types & (VIRTIO_NET_HASH_TYPE_IPv4 | VIRTIO_NET_HASH_TYPE_TCPv4 | VIRTIO_NET_HASH_TYPE_UDPv4);
	h->keylen = keymax < sizeof(key) ? (uint8_t)keymax : sizeof(key);
	if (!h->types) {
		vc_skip(ns->c, "supported_hash_types 0x%llx has no IPv4 type", (unsigned long long)types);
		return false;
	}
	for (unsigned i = 0; i < 4; i++)
		d[i] = (uint8_t)(h->types >> 8 * i);
	bool rss = net_has(ns, VIRTIO_NET_F_RSS);
	at = rss ? 4 + 2 + 2 + 2 + 2 : 4 + 8;       /* RSS: mask 0, unclassified 0, table {0}, max_tx_vq */
	if (rss)
		d[10] = 1;
	d[at++] = h->keylen;
	memcpy(d + at, key, h->keylen);
	return net_ctrl_ok(ns, VIRTIO_NET_CTRL_MQ, rss ? VIRTIO_NET_CTRL_MQ_RSS_CONFIG : VIRTIO_NET_CTRL_MQ_HASH_CONFIG,
			   d, at + h->keylen, rss ? "RSS_CONFIG" : "HASH_CONFIG");
}

static bool tunnel_set(struct net_session *ns, uint32_t types, uint8_t *ack)
{
	uint8_t d[4] = { (uint8_t)types, (uint8_t)(types >> 8), (uint8_t)(types >> 16), (uint8_t)(types >> 24) };
	int rc = vc_net_ctrl(&ns->net, VIRTIO_NET_CTRL_HASH_TUNNEL, VIRTIO_NET_CTRL_HASH_TUNNEL_SET, d, 4, ack, NULL, 0);

	if (rc)
		vc_error(ns->c, "HASH_TUNNEL_SET failed: %s", strerror(-rc));
	return rc == 0;
}

struct outer_check {
	uint32_t tag, hash;
	unsigned report;
	bool seen;
	const char *when;
};

static bool on_packet(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct outer_check *k = arg;

	if (!rx->tagged || rx->tag != k->tag)
		return true;
	k->seen = true;
	if (rx->hdr.hash_report == k->report && rx->hdr.hash_value == k->hash)
		return true;
	vc_fail(ns->c, "a VXLAN packet was not hashed on its outer headers %s", k->when);
	vc_observed(ns->c, "hash_report %u, hash_value 0x%08x", rx->hdr.hash_report, rx->hdr.hash_value);
	vc_expected(ns->c, "hash_report %u, hash_value 0x%08x (outer UDP/IPv4)", k->report, k->hash);
	return false;
}

/* A VXLAN frame (its inner TCP flow tagged) hashed on the outer headers. */
static bool outer_hashed(struct net_session *ns, const struct hashing *h, const char *when)
{
	uint8_t *b = net_buf(0), *inner = net_buf(1), in[36];
	struct vc_net_flow fi, fo;
	struct outer_check k = { .when = when };
	size_t inlen;
	uint32_t sentinel;

	vc_net_flow_init(&fi, (const uint8_t[6]){ 2, 0x76, 0x63, 0, 0, 0x33 }, 4, VC_NET_L4_TCP);
	fi.saddr[3] = 77;
	k.tag = vc_net_tag(&ns->net);
	size_t ilen = vc_net_frame(inner, VC_NET_MAX_FRAME, &fi, 64, k.tag);
	vc_net_flow_init(&fo, ns->net.mac, 4, VC_NET_L4_UDP);
	fo.sport = 50001;
	size_t len = vc_net_frame_vxlan(b, VC_NET_MAX_FRAME, &fo, inner, ilen);
	k.report = vc_net_hash_input(b, len, h->types, in, &inlen);
	k.hash = vc_net_toeplitz(key, h->keylen, in, inlen);
	if (!net_inject(ns, b, len) || !net_sentinel(ns, false, &sentinel) ||
	    net_receive_until(ns, sentinel, on_packet, &k, "VXLAN") || ns->c->r->status == VC_FAIL)
		return false;
	if (!k.seen)
		vc_fail(ns->c, "the VXLAN frame was not delivered %s", when);
	return k.seen;
}

static bool start(struct vc_ctx *c, struct net_session *ns, struct hashing *h)
{
	return net_start(c, ns, NEED, NET_BITS(VIRTIO_NET_F_RSS), 1) && net_fill(ns, 0, 16, NET_RXBUF_SMALL + 8, 1) &&
	       hash_on(ns, h);
}

static void outer_unless_enabled(struct vc_ctx *c)
{
	struct net_session ns;
	struct hashing h;

	if (start(c, &ns, &h))
		outer_hashed(&ns, &h, "with no tunnel type enabled");
}

static bool vxlan_supported(struct vc_ctx *c)
{
	uint64_t types;

	if (!net_cfg(c, VIRTIO_NET_CFG_TUNNEL_TYPES, 4, &types))
		return false;
	if (!(types & VIRTIO_NET_HASH_TUNNEL_TYPE_VXLAN)) {
		vc_skip(c, "supported_tunnel_types 0x%llx has no VXLAN: the check's tunnel", (unsigned long long)types);
		return false;
	}
	return true;
}

/* VXLAN enabled then set back to 0; enabled again, then a device reset. */
static void inner_off(struct vc_ctx *c)
{
	struct net_session ns;
	struct hashing h;
	uint8_t ack;

	if (!vxlan_supported(c) || !start(c, &ns, &h) || !tunnel_set(&ns, VIRTIO_NET_HASH_TUNNEL_TYPE_VXLAN, &ack) ||
	    !net_ctrl_ok(&ns, VIRTIO_NET_CTRL_HASH_TUNNEL, VIRTIO_NET_CTRL_HASH_TUNNEL_SET, (uint8_t[4]){ 0 }, 4,
			 "HASH_TUNNEL_SET 0") ||
	    !outer_hashed(&ns, &h, "after HASH_TUNNEL_SET 0") ||
	    !tunnel_set(&ns, VIRTIO_NET_HASH_TUNNEL_TYPE_VXLAN, &ack) || !net_restart(&ns, 1) ||
	    !net_fill(&ns, 0, 16, NET_RXBUF_SMALL + 8, 1) || !hash_on(&ns, &h))
		return;
	outer_hashed(&ns, &h, "after a device reset (VXLAN was enabled before it)");
}

/* A type supported_tunnel_types does not list: VIRTIO_NET_ERR. */
static void tunnel_set_unsupported(struct vc_ctx *c)
{
	struct net_session ns;
	uint64_t types;
	uint8_t ack = 0xff;
	unsigned bit = 0;

	if (!net_start(c, &ns, NEED, NET_NONE, 1) || !net_cfg(c, VIRTIO_NET_CFG_TUNNEL_TYPES, 4, &types))
		return;
	while (bit < 31 && (types >> bit) & 1)
		bit++;
	if (!tunnel_set(&ns, 1u << bit, &ack) || ack == VIRTIO_NET_ERR)
		return;
	vc_fail(c, "HASH_TUNNEL_SET with a type supported_tunnel_types does not list was not refused");
	vc_observed(c, "enabled_tunnel_types 0x%x (supported 0x%llx): ack %u", 1u << bit, (unsigned long long)types, ack);
	vc_expected(c, "VIRTIO_NET_ERR (1)");
}

#define H(id, kw, covers, summary, fn) \
	{ id, L_NET_INNERHASH, kw, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS, covers, summary, NULL, fn, \
	  VC_REQ(VIRTIO_NET_F_HASH_REPORT) }

static const struct vc_clause clauses[] = {
	H("net.hash.outer-unless-enabled", VC_MUST, "NET-INNERHASH-DEV-1",
	  "With HASH_TUNNEL and no tunnel type enabled, a VXLAN packet's reported hash is its outer UDP/IPv4 "
	  "headers' (Toeplitz, the key given).", outer_unless_enabled),
	H("net.hash.inner-off", VC_MUST, "NET-INNERHASH-DEV-3",
	  "After HASH_TUNNEL_SET 0, and after a device reset, a VXLAN packet is hashed on its outer headers again.",
	  inner_off),
	{ "net.hash.tunnel-set-unsupported", L_NET_INNERHASH, VC_SHOULD, VC_DEVICE_RULE, "1.4", NET_NEEDS,
	  "NET-INNERHASH-DEV-2", "HASH_TUNNEL_SET with a type not in supported_tunnel_types is answered VIRTIO_NET_ERR.",
	  NULL, tunnel_set_unsupported },
};

VC_DEVICE_SUITE(suite_net_hash, clauses, 1);
