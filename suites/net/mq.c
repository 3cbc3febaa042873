/* virtio-net multiqueue: automatic steering delivers on receiveq1 only
 * until MQ_VQ_PAIRS_SET, then never past the pairs set; a receive queue
 * being reset is avoided (or, every one being reset, the packet dropped).
 * RSS: each flow on the queue its Toeplitz hash and the indirection table
 * name, unclassified packets on unclassified_queue, a packet for a queue
 * being reset dropped. RSS contexts: the capability and a reset clearing
 * them. */
#include <errno.h>
#include <string.h>
#include "net.h"

#define MQ_PAIRS 4

static void le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}
#define FLOWS 16

static bool start_pairs(struct vc_ctx *c, struct net_session *ns, const unsigned *need, const unsigned *opt,
			unsigned min_pairs)
{
	if (!net_start(c, ns, need, opt, MQ_PAIRS))
		return false;
	if (ns->net.pairs < min_pairs) {
		vc_skip(c, "the device has %u queue pair%s (max_virtqueue_pairs): steering needs %u", ns->net.pairs,
			ns->net.pairs == 1 ? "" : "s", min_pairs);
		return false;
	}
	return net_fill_all(ns, 2 * FLOWS + 4, NET_RXBUF_SMALL);
}

static bool pairs_set(struct net_session *ns, uint16_t pairs)
{
	uint8_t d[2] = { (uint8_t)pairs, (uint8_t)(pairs >> 8) };
	return net_ctrl_ok(ns, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, d, 2, "MQ_VQ_PAIRS_SET");
}

/* FLOWS TCP/IPv4 flows (source ports 40000..), one frame each. */
static bool flows(struct net_session *ns, uint32_t *tags)
{
	struct vc_net_flow f;

	for (unsigned i = 0; i < FLOWS; i++) {
		vc_net_flow_init(&f, ns->net.mac, 4, VC_NET_L4_TCP);
		f.sport = (uint16_t)(40000 + 97 * i);
		if (!net_inject_flow(ns, &f, 64, &tags[i]))
			return false;
	}
	return true;
}

struct spread {
	uint32_t tags[FLOWS];
	int queue[FLOWS];       /* where each came, -1: not (yet) */
};

static bool note(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct spread *w = arg;

	(void)ns;
	for (unsigned i = 0; i < FLOWS && rx->tagged; i++)
		if (rx->tag == w->tags[i])
			w->queue[i] = (int)rx->queue;
	return true;
}

static bool spread(struct net_session *ns, struct spread *w, const char *what)
{
	uint32_t sentinel;

	for (unsigned i = 0; i < FLOWS; i++)
		w->queue[i] = -1;
	return flows(ns, w->tags) && net_sentinel(ns, false, &sentinel) &&
	       net_receive_until(ns, sentinel, note, w, what) == 0;
}

static void receiveq1_only(struct vc_ctx *c)
{
	struct net_session ns;
	struct spread w;

	if (!start_pairs(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_MQ), NET_NONE, 2) ||
	    !spread(&ns, &w, "flows before MQ_VQ_PAIRS_SET"))
		return;
	for (unsigned i = 0; i < FLOWS; i++)
		if (w.queue[i] > 0) {
			vc_fail(c, "before MQ_VQ_PAIRS_SET a packet was delivered on receiveq%d", w.queue[i] + 1);
			vc_observed(c, "flow %u of %u (source port %u) on receiveq%d", i + 1, FLOWS, 40000 + 97 * i,
				    w.queue[i] + 1);
			vc_expected(c, "receiveq1 only (%u pairs set up, all with buffers)", ns.net.pairs);
			return;
		}
}

static void within_pairs(struct vc_ctx *c)
{
	struct net_session ns;
	struct spread w;

	if (!start_pairs(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_MQ), NET_NONE, 2))
		return;
	uint16_t pairs = (uint16_t)(ns.net.pairs - 1);
	if (!pairs_set(&ns, pairs) || !spread(&ns, &w, "flows after MQ_VQ_PAIRS_SET"))
		return;
	for (unsigned i = 0; i < FLOWS; i++)
		if (w.queue[i] >= pairs) {
			vc_fail(c, "after MQ_VQ_PAIRS_SET %u a packet was delivered on receiveq%d", pairs, w.queue[i] + 1);
			vc_observed(c, "flow %u of %u on receiveq%d", i + 1, FLOWS, w.queue[i] + 1);
			vc_expected(c, "receiveq1..receiveq%u", pairs);
			return;
		}
}

/* MQ_VQ_PAIRS_SET with every pair set up; from each transmitqX two TCP
 * flows of the driver's go out (each on the wire), then the link partner
 * answers each: "after the driver transmitted a packet of a flow on
 * transmitqX, the device SHOULD cause incoming packets for that flow to be
 * steered to receiveqX". */
#define TX_FLOWS 2

static void tx_flow_steering(struct vc_ctx *c)
{
	struct net_session ns;
	struct spread w;
	struct vc_net_flow in, out;
	uint8_t *b = net_buf(0), *got = net_buf(1);
	uint32_t tag, sentinel;
	size_t len;

	if (!start_pairs(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_MQ), NET_NONE, 2) ||
	    !pairs_set(&ns, (uint16_t)ns.net.pairs))
		return;
	unsigned n = ns.net.pairs * TX_FLOWS;          /* VC_NET_MAX_PAIRS * TX_FLOWS <= FLOWS */
	memset(&w, 0, sizeof(w));
	for (unsigned i = 0; i < FLOWS; i++)
		w.queue[i] = -1;
	for (unsigned round = 0; round < 2; round++)
		for (unsigned i = 0; i < n; i++) {
			vc_net_flow_init(&in, ns.net.mac, 4, VC_NET_L4_TCP);   /* the partner's packet of flow i */
			in.sport = 80;
			in.dport = (uint16_t)(50000 + 131 * i);
			if (round) {
				if (!net_inject_flow(&ns, &in, 64, &w.tags[i]))
					return;
				continue;
			}
			out = in;                                              /* the driver's, the other way */
			memcpy(out.dst, in.src, 6);
			memcpy(out.src, in.dst, 6);
			memcpy(out.saddr, in.daddr, 4);
			memcpy(out.daddr, in.saddr, 4);
			out.sport = in.dport;
			out.dport = in.sport;
			struct vc_net_hdr h = { 0 };
			tag = vc_net_tag(&ns.net);
			len = vc_net_frame(b, VC_NET_MAX_FRAME, &out, 64, tag);
			if (!net_send(&ns, i / TX_FLOWS, &h, b, len, 1) ||
			    !net_capture(&ns, tag, got, VC_NET_MAX_FRAME, &len, "a frame sent from a transmit queue"))
				return;
		}
	if (!net_sentinel(&ns, false, &sentinel) || net_receive_until(&ns, sentinel, note, &w, "the flows' answers"))
		return;
	for (unsigned i = 0; i < n; i++)
		if (w.queue[i] != (int)(i / TX_FLOWS)) {
			vc_fail(c, "a flow the driver sent on transmitq%u was answered on %s", i / TX_FLOWS + 1,
				w.queue[i] < 0 ? "no receive queue" : "another receive queue");
			vc_observed(c, "flow %u (TCP port %u), %u pairs set: %s%d", i + 1, 50000 + 131 * i, ns.net.pairs,
				    w.queue[i] < 0 ? "not delivered" : "receiveq", w.queue[i] < 0 ? 0 : w.queue[i] + 1);
			vc_expected(c, "on receiveq%u", i / TX_FLOWS + 1);
			return;
		}
}

static bool reset_rxq(struct net_session *ns, unsigned q)
{
	int rc = vc_net_queue_reset(&ns->net, (uint16_t)(2 * q));

	if (rc == -ETIMEDOUT)
		vc_skip(ns->c, "receiveq%u's reset did not complete (pci.queue-reset.* report it)", q + 1);
	else if (rc)
		vc_error(ns->c, "queue reset failed: %s", strerror(-rc));
	return rc == 0;
}

/* Pairs 2, receiveq2 being reset: every flow still delivered, on receiveq1. */
static void reset_queue_reselect(struct vc_ctx *c)
{
	struct net_session ns;
	struct spread w;

	if (!start_pairs(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_MQ, VIRTIO_F_RING_RESET), NET_NONE, 2) ||
	    !pairs_set(&ns, 2) || !reset_rxq(&ns, 1) || !spread(&ns, &w, "flows with receiveq2 being reset"))
		return;
	for (unsigned i = 0; i < FLOWS; i++)
		if (w.queue[i] != 0) {
			vc_fail(c, "with receiveq2 being reset, a flow was %s", w.queue[i] < 0 ? "dropped" : "not put on receiveq1");
			if (w.queue[i] < 0)
				vc_observed(c, "flow %u of %u never delivered", i + 1, FLOWS);
			else
				vc_observed(c, "flow %u of %u on receiveq%d", i + 1, FLOWS, w.queue[i] + 1);
			vc_expected(c, "on receiveq1, the other queue of the two pairs");
			return;
		}
}

/* Every receive queue in use being reset: frames sent then are dropped,
 * not held for when the queues come back. */
static bool none_of(struct net_session *ns, const uint32_t *tags, unsigned n, const char *when)
{
	struct spread w;
	uint32_t sentinel;

	memset(&w, 0, sizeof(w));
	memcpy(w.tags, tags, n * sizeof(tags[0]));
	for (unsigned i = 0; i < FLOWS; i++)
		w.queue[i] = -1;
	if (!net_sentinel(ns, false, &sentinel) || net_receive_until(ns, sentinel, note, &w, when))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (w.queue[i] >= 0) {
			vc_fail(ns->c, "a frame sent %s was delivered later", when);
			vc_observed(ns->c, "flow %u on receiveq%d once the queues were back", i + 1, w.queue[i] + 1);
			vc_expected(ns->c, "dropped");
			return false;
		}
	return true;
}

static void all_reset_drop(struct vc_ctx *c)
{
	struct net_session ns;
	uint32_t tags[FLOWS];

	if (!start_pairs(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_MQ, VIRTIO_F_RING_RESET), NET_NONE, 1))
		return;
	for (unsigned q = 0; q < ns.net.pairs; q++)
		if (!reset_rxq(&ns, q))
			return;
	if (!flows(&ns, tags))
		return;
	vc_quiet_ms(&ns.drv, 50);            /* the device has seen them (settled) before the queues come back */
	for (unsigned q = 0; q < ns.net.pairs; q++) {
		int rc = vc_net_queue_restart(&ns.net, (uint16_t)(2 * q));
		if (rc) {
			vc_error(c, "receiveq%u could not be enabled again: %s", q + 1, strerror(-rc));
			return;
		}
	}
	if (net_fill_all(&ns, 2 * FLOWS + 4, NET_RXBUF_SMALL))
		none_of(&ns, tags, FLOWS, "while every receive queue was being reset");
}

/* ---- RSS ---- */

static const uint8_t rss_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define RSS_TABLE 16

struct rss {
	uint32_t types;
	uint16_t table[RSS_TABLE];
	uint16_t unclassified;
	uint8_t keylen;
};

/* struct virtio_net_rss_config, sent. */
static bool rss_config(struct net_session *ns, const struct rss *r)
{
	uint8_t d[8 + 2 * RSS_TABLE + 3 + 40];
	size_t at = 8;

	memset(d, 0, sizeof(d));
	le32(d, r->types);
	d[4] = RSS_TABLE - 1;
	d[6] = (uint8_t)r->unclassified;
	for (unsigned i = 0; i < RSS_TABLE; i++, at += 2)
		d[at] = (uint8_t)r->table[i];
	d[at] = (uint8_t)ns->net.pairs;                          /* max_tx_vq */
	at += 2;
	d[at++] = r->keylen;
	memcpy(d + at, rss_key, r->keylen);
	return net_ctrl_ok(ns, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_RSS_CONFIG, d, at + r->keylen, "RSS_CONFIG");
}

static bool rss_setup(struct vc_ctx *c, struct net_session *ns, struct rss *r, const unsigned *need)
{
	uint64_t types, keymax;

	if (!start_pairs(c, ns, need, NET_BITS(VIRTIO_NET_F_MQ, VIRTIO_NET_F_HASH_REPORT), 2) ||
	    !net_cfg(c, VIRTIO_NET_CFG_HASH_TYPES, 4, &types) || !net_cfg(c, VIRTIO_NET_CFG_RSS_KEY, 1, &keymax))
		return false;
	r->types = (uint32_t)types & 0x3f;      /* IPv4/IPv6, TCP, UDP, no extension headers */
	r->keylen = keymax < sizeof(rss_key) ? (uint8_t)keymax : sizeof(rss_key);
	if (!r->types || r->keylen < 4) {
		vc_skip(c, "the device supports no hash type without extension headers (supported_hash_types 0x%llx) or "
			   "no key (rss_max_key_size %llu)", (unsigned long long)types, (unsigned long long)keymax);
		return false;
	}
	return true;
}

/* The queue RSS must pick for frame f, and the hash report it makes. */
static unsigned rss_queue(const struct rss *r, const uint8_t *f, size_t len, uint32_t *hash, unsigned *report)
{
	uint8_t in[36];
	size_t inlen;

	*report = vc_net_hash_input(f, len, r->types, in, &inlen);
	*hash = *report ? vc_net_toeplitz(rss_key, r->keylen, in, inlen) : 0;
	return *report ? r->table[*hash & (RSS_TABLE - 1)] : r->unclassified;
}

struct rss_sent {
	uint32_t tag[24], hash[24];
	unsigned queue[24], report[24], n;
	bool seen[24];
	bool hash_report;
};

static bool rss_note(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct rss_sent *w = arg;

	for (unsigned i = 0; i < w->n && rx->tagged; i++) {
		if (rx->tag != w->tag[i])
			continue;
		w->seen[i] = true;
		if (rx->queue != w->queue[i]) {
			vc_fail(ns->c, "RSS delivered a packet on another receive queue than its hash and the indirection "
				       "table name");
			vc_observed(ns->c, "packet %u on receiveq%u", i + 1, rx->queue + 1);
			vc_expected(ns->c, "receiveq%u (%s, hash 0x%08x, table entry %u)", w->queue[i] + 1,
				    w->report[i] ? "hash report type" : "unclassified", w->hash[i],
				    w->hash[i] & (RSS_TABLE - 1));
			return false;
		}
		if (w->hash_report && (rx->hdr.hash_report != w->report[i] || rx->hdr.hash_value != w->hash[i])) {
			vc_fail(ns->c, "the packet's hash report is not the hash RSS used");
			vc_observed(ns->c, "hash_report %u, hash_value 0x%08x", rx->hdr.hash_report, rx->hdr.hash_value);
			vc_expected(ns->c, "hash_report %u, hash_value 0x%08x", w->report[i], w->hash[i]);
			return false;
		}
	}
	return true;
}

/* Flows over IPv4 and IPv6, TCP and UDP, and frames with no IP (no hash). */
static bool rss_traffic(struct net_session *ns, const struct rss *r, struct rss_sent *w, const char *what)
{
	uint8_t *b = net_buf(0);
	struct vc_net_flow f;
	uint32_t sentinel;

	memset(w, 0, sizeof(*w));
	w->hash_report = net_has(ns, VIRTIO_NET_F_HASH_REPORT);
	for (unsigned i = 0; i < 20; i++) {
		unsigned ip = i < 18 ? (i % 3 == 2 ? 6 : 4) : 0;
		vc_net_flow_init(&f, ns->net.mac, ip, ip ? (i % 2 ? VC_NET_L4_UDP : VC_NET_L4_TCP) : VC_NET_L4_NONE);
		f.sport = (uint16_t)(1024 + 4099 * i);
		f.dport = (uint16_t)(80 + i);
		f.saddr[3] = (uint8_t)i;
		w->tag[i] = vc_net_tag(&ns->net);
		size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, 64, w->tag[i]);
		w->queue[i] = rss_queue(r, b, len, &w->hash[i], &w->report[i]);
		if (!net_inject(ns, b, len))
			return false;
		w->n++;
	}
	return net_sentinel(ns, false, &sentinel) && net_receive_until(ns, sentinel, rss_note, w, what) == 0 &&
	       ns->c->r->status != VC_FAIL;
}

static void rss_steering(struct vc_ctx *c)
{
	struct net_session ns;
	struct rss r;
	struct rss_sent w;

	if (!rss_setup(c, &ns, &r, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_RSS)))
		return;
	for (unsigned i = 0; i < RSS_TABLE; i++)
		r.table[i] = (uint16_t)((3 * i + 1 + i / 8) % ns.net.pairs);      /* no period of 8: the whole mask counts */
	r.unclassified = (uint16_t)(ns.net.pairs - 1);
	if (!rss_config(&ns, &r) || !rss_traffic(&ns, &r, &w, "RSS"))
		return;
	for (unsigned i = 0; i < w.n; i++)
		if (!w.seen[i]) {
			vc_fail(c, "RSS lost a packet");
			vc_observed(c, "packet %u never delivered", i + 1);
			vc_expected(c, "on receiveq%u", w.queue[i] + 1);
			return;
		}
}

/* Every hashed flow to receiveq2, unclassified to receiveq1; receiveq2
 * being reset: the flows are dropped, not put elsewhere. */
static void rss_reset_drop(struct vc_ctx *c)
{
	struct net_session ns;
	struct rss r;
	struct rss_sent w;

	if (!rss_setup(c, &ns, &r, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_RSS, VIRTIO_F_RING_RESET)))
		return;
	for (unsigned i = 0; i < RSS_TABLE; i++)
		r.table[i] = 1;
	r.unclassified = 0;
	if (!rss_config(&ns, &r) || !reset_rxq(&ns, 1) || !rss_traffic(&ns, &r, &w, "RSS with receiveq2 being reset"))
		return;
	for (unsigned i = 0; i < w.n; i++)
		if (w.report[i] && w.seen[i]) {
			vc_fail(c, "a packet RSS steers to receiveq2, which was being reset, was delivered");
			vc_observed(c, "packet %u delivered", i + 1);
			vc_expected(c, "dropped");
			return;
		}
}

/* RSS contexts: VIRTNET_RSS_CTX_CTRL_CAP_GET, and a device reset clearing them. */
static bool ctx_cap(struct net_session *ns, uint16_t *max)
{
	uint8_t ack = 0xff, res[2] = { 0xa5, 0xa5 };
	int rc = vc_net_ctrl(&ns->net, VIRTNET_RSS_CTX_CTRL, VIRTNET_RSS_CTX_CTRL_CAP_GET, NULL, 0, &ack, res, 2);

	if (rc) {
		vc_error(ns->c, "RSS_CTX_CTRL_CAP_GET failed: %s", strerror(-rc));
		return false;
	}
	if (ack != VIRTIO_NET_OK) {
		vc_fail(ns->c, "VIRTNET_RSS_CTX_CTRL_CAP_GET was refused");
		vc_observed(ns->c, "ack %u", ack);
		vc_expected(ns->c, "VIRTIO_NET_OK and max_rss_contexts");
		return false;
	}
	*max = (uint16_t)(res[0] | res[1] << 8);
	return true;
}

static const unsigned CTX[] = { VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_RSS, VIRTIO_NET_F_RSS_CONTEXT, NET_END };

static void ctx_capability(struct vc_ctx *c)
{
	struct net_session ns;
	uint16_t max;

	if (net_start(c, &ns, CTX, NET_NONE, 1) && ctx_cap(&ns, &max) && max < 1) {
		vc_fail(c, "max_rss_contexts is 0 with VIRTIO_NET_F_RSS_CONTEXT");
		vc_observed(c, "max_rss_contexts 0");
		vc_expected(c, ">= 1");
	}
}

static uint8_t ctx_cmd(struct net_session *ns, uint8_t cmd)
{
	uint8_t d[8 + 8 + 2 + 2 + 1 + 40] = { 1 }, ack = 0xff;
	size_t at = 8;

	le32(d + at, VIRTIO_NET_HASH_TYPE_IPv4);      /* hash types; one entry: receiveq1 */
	at += 8 + 2;                  /* mask 0, unclassified 0, table[0] 0 */
	d[at] = 1;                    /* max_tx_vq */
	at += 2;
	d[at++] = 40;
	memcpy(d + at, rss_key, 40);
	at += 40;
	if (vc_net_ctrl(&ns->net, VIRTNET_RSS_CTX_CTRL, cmd, d, at, &ack, NULL, 0))
		return 0xff;
	return ack;
}

static void ctx_reset(struct vc_ctx *c)
{
	struct net_session ns;
	uint16_t max;

	if (!net_start(c, &ns, CTX, NET_NONE, 1) || !ctx_cap(&ns, &max))
		return;
	if (max < 1) {
		vc_skip(c, "max_rss_contexts is 0 (net.rss.context-capability reports it)");
		return;
	}
	if (ctx_cmd(&ns, VIRTNET_RSS_CTX_CTRL_ADD) != VIRTIO_NET_OK) {
		vc_skip(c, "the device refused context 1 with a one-entry table (the driver's choice of parameters)");
		return;
	}
	if (!net_restart(&ns, 1))
		return;
	uint8_t mod = ctx_cmd(&ns, VIRTNET_RSS_CTX_CTRL_MOD), add = ctx_cmd(&ns, VIRTNET_RSS_CTX_CTRL_ADD);
	if (mod == VIRTIO_NET_OK || add != VIRTIO_NET_OK) {
		vc_fail(c, "RSS context 1 outlived a device reset");
		vc_observed(c, "after the reset: MOD of context 1 answered %u, ADD of it %u", mod, add);
		vc_expected(c, "MOD VIRTIO_NET_ERR (no such context), ADD VIRTIO_NET_OK");
	}
}

#define M(id, label, kw, covers, summary, fn, req) \
	{ id, label, kw, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, covers, summary, NULL, fn, req }

static const struct vc_clause clauses[] = {
	M("net.mq.receiveq1-only", L_NET_MQ, VC_MUST, "NET-MQ-DEV-1",
	  "With VIRTIO_NET_F_MQ, before MQ_VQ_PAIRS_SET 16 TCP flows all come on receiveq1, every pair set up and "
	  "given buffers.", receiveq1_only, VC_REQ(VIRTIO_NET_F_MQ)),
	M("net.mq.within-pairs", L_NET_MQ, VC_MUST_NOT, "NET-MQ-DEV-2",
	  "After MQ_VQ_PAIRS_SET n (one less than the pairs set up), no flow comes on a receive queue past n.",
	  within_pairs, VC_REQ(VIRTIO_NET_F_MQ)),
	M("net.mq.tx-flow-steering", L_NET_MQ, VC_SHOULD, "",
	  "After MQ_VQ_PAIRS_SET (every pair), the answers to TCP flows the driver sent on transmitqX come on "
	  "receiveqX (the steering paragraph's SHOULD, outside the normative block: no catalog row).",
	  tx_flow_steering, VC_REQ(VIRTIO_NET_F_MQ)),
	M("net.mq.reset-queue-reselect", L_NET_MQ, VC_SHOULD, "NET-MQ-DEV-3",
	  "With two pairs in use and receiveq2 being reset (VIRTIO_F_RING_RESET), every flow comes on receiveq1.",
	  reset_queue_reselect, VC_REQ(VIRTIO_NET_F_MQ) | VC_REQ(VIRTIO_F_RING_RESET)),
	M("net.mq.all-reset-drop", L_NET_MQ, VC_MUST, "NET-MQ-DEV-4",
	  "Frames that arrive while every receive queue is being reset are dropped: not delivered once the queues are "
	  "enabled again.", all_reset_drop, VC_REQ(VIRTIO_NET_F_MQ) | VC_REQ(VIRTIO_F_RING_RESET)),
	M("net.rss.steering", L_NET_RSS, VC_MUST, "NET-RSS-DEV-1",
	  "With RSS, each flow (TCP, UDP; IPv4, IPv6) comes on the queue indirection_table[Toeplitz hash & mask] "
	  "names, frames without IP on unclassified_queue; with HASH_REPORT, reporting that hash.", rss_steering,
	  VC_REQ(VIRTIO_NET_F_RSS)),
	M("net.rss.reset-queue-drop", L_NET_RSS, VC_MUST, "NET-RSS-DEV-2",
	  "With RSS steering every hashed flow to receiveq2 and receiveq2 being reset, those packets are dropped.",
	  rss_reset_drop, VC_REQ(VIRTIO_NET_F_RSS) | VC_REQ(VIRTIO_F_RING_RESET)),
	{ "net.rss.context-capability", L_NET_RSSCTX, VC_MUST, VC_DEVICE_RULE, "1.4", NET_NEEDS, "NET-RSSCTX-DEV-1",
	  "With VIRTIO_NET_F_RSS_CONTEXT, VIRTNET_RSS_CTX_CTRL_CAP_GET reports max_rss_contexts of at least 1.", NULL,
	  ctx_capability },
	{ "net.rss.contexts-reset", L_NET_RSSCTX, VC_MUST, VC_DEVICE_RULE, "1.4", NET_NEEDS, "NET-RSSCTX-DEV-2",
	  "An RSS context added before a device reset is gone after it: MOD fails, ADD of the same id succeeds.", NULL,
	  ctx_reset },
};

VC_DEVICE_SUITE(suite_net_mq, clauses, 1);
