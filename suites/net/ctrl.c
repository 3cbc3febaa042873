/* virtio-net control commands that change no traffic: notification
 * coalescing (reserved ignored, only enabled data queues, a queue reset
 * going back to the TX_SET/RX_SET values, a device reset to 0, no
 * notification while the driver suppresses them) and device statistics
 * (the capabilities listed, bad requests refused whole, reply headers
 * right, nothing written past the replies). */
#include <errno.h>
#include <string.h>
#include "net.h"

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

/* ---- notification coalescing ---- */

static const unsigned VQ_COAL[] = { VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_VQ_NOTF_COAL, NET_END };
static const unsigned BOTH_COAL[] = { VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_NOTF_COAL, VIRTIO_NET_F_VQ_NOTF_COAL,
				      VIRTIO_F_RING_RESET, NET_END };

static bool coal_set(struct net_session *ns, uint8_t cmd, uint32_t packets, uint32_t usecs, const char *what)
{
	uint8_t d[8];

	put32(d, packets);
	put32(d + 4, usecs);
	return net_ctrl_ok(ns, VIRTIO_NET_CTRL_NOTF_COAL, cmd, d, 8, what);
}

static int vq_cmd(struct net_session *ns, uint8_t cmd, uint16_t vq, uint16_t reserved, uint32_t packets,
		  uint32_t usecs, uint8_t *ack, uint32_t *got_packets, uint32_t *got_usecs)
{
	uint8_t d[12], res[8];
	int rc;

	put16(d, vq);
	put16(d + 2, reserved);
	put32(d + 4, packets);
	put32(d + 8, usecs);
	memset(res, 0xa5, sizeof(res));
	bool get = cmd == VIRTIO_NET_CTRL_NOTF_COAL_VQ_GET;
	if ((rc = vc_net_ctrl(&ns->net, VIRTIO_NET_CTRL_NOTF_COAL, cmd, d, get ? 4 : 12, ack, get ? res : NULL,
			      get ? 8 : 0)))
		vc_error(ns->c, "NOTF_COAL command failed: %s", strerror(-rc));
	if (!rc && get) {
		*got_packets = get32(res);
		*got_usecs = get32(res + 4);
	}
	return rc;
}

/* VQ_GET must answer OK with (packets, usecs). */
static bool vq_get_is(struct net_session *ns, uint16_t vq, uint32_t packets, uint32_t usecs, const char *when)
{
	uint32_t p = 0, u = 0;
	uint8_t ack;

	if (vq_cmd(ns, VIRTIO_NET_CTRL_NOTF_COAL_VQ_GET, vq, 0, 0, 0, &ack, &p, &u))
		return false;
	if (ack == VIRTIO_NET_OK && p == packets && u == usecs)
		return true;
	vc_fail(ns->c, "queue %u's coalescing parameters %s are not the expected ones", vq, when);
	vc_observed(ns->c, "VQ_GET: ack %u, max_packets %u, max_usecs %u", ack, p, u);
	vc_expected(ns->c, "VIRTIO_NET_OK, max_packets %u, max_usecs %u", packets, usecs);
	return false;
}

static void reserved_ignored(struct vc_ctx *c)
{
	struct net_session ns;
	uint8_t ack;

	if (!net_start(c, &ns, VQ_COAL, NET_NONE, 1) ||
	    vq_cmd(&ns, VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET, 1, 0xffff, 7, 90, &ack, NULL, NULL))
		return;
	if (ack != VIRTIO_NET_OK) {
		vc_fail(c, "NOTF_COAL_VQ_SET with reserved 0xffff was refused: the device did not ignore reserved");
		vc_observed(c, "ack %u", ack);
		vc_expected(c, "VIRTIO_NET_OK");
		return;
	}
	vq_get_is(&ns, 1, 7, 90, "after VQ_SET with reserved set");
}

/* The control queue, a queue the device does not have, and (with more
 * than one pair) a receive queue not enabled: VIRTIO_NET_ERR for VQ_SET and VQ_GET. */
static void vq_index(struct vc_ctx *c)
{
	struct net_session ns;
	uint16_t bad[3];
	unsigned n = 0;
	uint32_t p, u;
	uint8_t ack;

	if (!net_start(c, &ns, VQ_COAL, NET_BITS(VIRTIO_NET_F_MQ), 1))
		return;
	bad[n++] = ns.net.ctrl.index;
	bad[n++] = 0x7ffe;                           /* past any device's queues */
	if (ns.net.max_pairs > 1)
		bad[n++] = 2;                        /* receiveq2: never set up */
	for (unsigned i = 0; i < n; i++)
		for (uint8_t cmd = VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET; cmd <= VIRTIO_NET_CTRL_NOTF_COAL_VQ_GET; cmd++) {
			if (vq_cmd(&ns, cmd, bad[i], 0, 4, 40, &ack, &p, &u))
				return;
			if (ack != VIRTIO_NET_ERR) {
				vc_fail(c, "NOTF_COAL_VQ_%s for queue %u, %s, was not refused", cmd == 2 ? "SET" : "GET",
					bad[i], i == 0 ? "the control queue" : i == 1 ? "which the device does not have"
								 : "never enabled");
				vc_observed(c, "ack %u", ack);
				vc_expected(c, "VIRTIO_NET_ERR (1)");
				return;
			}
		}
}

/* TX_SET/RX_SET, then VQ_SET on the queue, then a queue reset and
 * re-enable: the queue is back to the TX_SET/RX_SET values. */
static void reenable(struct vc_ctx *c, bool tx)
{
	struct net_session ns;
	uint16_t vq = tx ? 1 : 0;
	uint8_t ack;
	int rc;

	if (!net_start(c, &ns, BOTH_COAL, NET_NONE, 1) ||
	    !coal_set(&ns, tx ? VIRTIO_NET_CTRL_NOTF_COAL_TX_SET : VIRTIO_NET_CTRL_NOTF_COAL_RX_SET, 5, 50,
		      tx ? "NOTF_COAL_TX_SET" : "NOTF_COAL_RX_SET") ||
	    vq_cmd(&ns, VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET, vq, 0, 9, 99, &ack, NULL, NULL))
		return;
	if (ack != VIRTIO_NET_OK) {
		vc_skip(c, "NOTF_COAL_VQ_SET was refused (ack %u): nothing to undo", ack);
		return;
	}
	if ((rc = vc_net_queue_reset(&ns.net, vq)) || (rc = vc_net_queue_restart(&ns.net, vq))) {
		if (rc == -ETIMEDOUT)
			vc_skip(c, "queue %u's reset did not complete (pci.queue-reset.* report it)", vq);
		else
			vc_error(c, "queue reset failed: %s", strerror(-rc));
		return;
	}
	vq_get_is(&ns, vq, 5, 50, tx ? "after the transmit queue was reset and enabled again (TX_SET gave 5, 50)"
				      : "after the receive queue was reset and enabled again (RX_SET gave 5, 50)");
}

static void tx_reenable(struct vc_ctx *c) { reenable(c, true); }
static void rx_reenable(struct vc_ctx *c) { reenable(c, false); }

static void coal_reset(struct vc_ctx *c)
{
	struct net_session ns;
	uint8_t ack;

	if (!net_start(c, &ns, VQ_COAL, NET_NONE, 1) ||
	    vq_cmd(&ns, VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET, 1, 0, 3, 30, &ack, NULL, NULL) || !net_restart(&ns, 1))
		return;
	vq_get_is(&ns, 1, 0, 0, "after a device reset");
}

/* RX_SET 1 packet (notify on every one), the receive queue's notifications
 * suppressed (avail->flags, no EVENT_IDX): frames come, no interrupt. */
static void suppressed(struct vc_ctx *c)
{
	struct net_session ns;
	uint32_t sentinel;
	int vector, rc;

	if (!net_start_irq(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_NOTF_COAL), NET_NONE) ||
	    !coal_set(&ns, VIRTIO_NET_CTRL_NOTF_COAL_RX_SET, 1, 1, "NOTF_COAL_RX_SET") ||
	    !net_fill(&ns, 0, 16, NET_RXBUF_SMALL, 1))
		return;
	if ((rc = vc_vq_set_avail_flags(&ns.drv, &ns.net.rx[0].vq, 1)) || (rc = vc_irq_drain(&ns.drv))) {
		vc_error(c, "could not suppress the notifications: %s", strerror(-rc));
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		if (!net_sentinel(&ns, false, &sentinel))
			return;
	if (net_receive_until(&ns, sentinel, NULL, NULL, "frames with notifications suppressed"))
		return;
	rc = vc_irq_wait(&ns.drv, vc_quiet_ms(&ns.drv, 200), &vector);
	if (rc == 0) {
		vc_fail(c, "a used buffer notification came for receiveq1 while the driver suppressed them "
			   "(coalescing: max_packets 1)");
		vc_observed(c, "an interrupt (vector %d) after 4 frames", vector);
		vc_expected(c, "none: avail->flags has VIRTQ_AVAIL_F_NO_INTERRUPT");
	} else if (rc != -ETIMEDOUT) {
		vc_error(c, "waiting for an interrupt failed: %s", strerror(-rc));
	}
}

/* ---- device statistics ---- */

enum { ST_RX_BASIC = 0, ST_RX_CSUM = 1, ST_RX_GSO = 2, ST_RX_SPEED = 3, ST_TX_BASIC = 16, ST_TX_CSUM = 17,
       ST_TX_GSO = 18, ST_TX_SPEED = 19, ST_CVQ = 32 };

/* The reply sizes the spec's structures give, each with its 8-byte header. */
static unsigned reply_size(unsigned type)
{
	switch (type) {
	case ST_RX_BASIC: case ST_TX_BASIC: return 8 + 6 * 8;
	case ST_RX_CSUM: case ST_RX_GSO: return 8 + 4 * 8;
	case ST_TX_GSO: return 8 + 6 * 8;
	case ST_RX_SPEED: case ST_TX_SPEED: case ST_TX_CSUM: case ST_CVQ: return 8 + 2 * 8;
	}
	return 0;
}

static const unsigned STATS[] = { VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_DEVICE_STATS, NET_END };
/* features that make more statistics valid */
static const unsigned STATS_OPT[] = { VIRTIO_NET_F_CSUM, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_SPEED_DUPLEX, NET_END };

static bool query(struct net_session *ns, uint64_t *types)
{
	uint8_t ack = 0xff, res[8];
	int rc;

	memset(res, 0xa5, sizeof(res));
	if ((rc = vc_net_ctrl(&ns->net, VIRTIO_NET_CTRL_STATS, VIRTIO_NET_CTRL_STATS_QUERY, NULL, 0, &ack, res, 8))) {
		vc_error(ns->c, "STATS_QUERY failed: %s", strerror(-rc));
		return false;
	}
	if (ack != VIRTIO_NET_OK) {
		vc_fail(ns->c, "STATS_QUERY was refused with VIRTIO_NET_F_DEVICE_STATS negotiated");
		vc_observed(ns->c, "ack %u", ack);
		vc_expected(ns->c, "VIRTIO_NET_OK and virtio_net_stats_capabilities");
		return false;
	}
	*types = get64(res);
	return true;
}

/* STATS_GET with `n` entries of (vq, types); the result in res (rlen
 * bytes, prefilled with 0xa5). */
static bool get(struct net_session *ns, const uint16_t *vq, const uint64_t *types, unsigned n, uint8_t *ack,
		uint8_t *res, size_t rlen)
{
	uint8_t d[16 * 4];
	int rc;

	memset(d, 0, sizeof(d));
	for (unsigned i = 0; i < n; i++) {
		put16(d + 16 * i, vq[i]);
		put64(d + 16 * i + 8, types[i]);
	}
	memset(res, 0xa5, rlen);
	if ((rc = vc_net_ctrl(&ns->net, VIRTIO_NET_CTRL_STATS, VIRTIO_NET_CTRL_STATS_GET, d, 16 * n, ack, res, rlen)))
		vc_error(ns->c, "STATS_GET failed: %s", strerror(-rc));
	return rc == 0;
}

/* The queue a type is asked for: receiveq1, transmitq1 or the control queue. */
static uint16_t queue_for(const struct net_session *ns, unsigned type)
{
	return type == ST_CVQ ? ns->net.ctrl.index : type >= 16 ? 1 : 0;
}

static void stats_query(struct vc_ctx *c)
{
	static const unsigned all[] = { ST_RX_BASIC, ST_RX_CSUM, ST_RX_GSO, ST_RX_SPEED, ST_TX_BASIC, ST_TX_CSUM,
					ST_TX_GSO, ST_TX_SPEED, ST_CVQ };
	struct net_session ns;
	uint8_t ack, res[128];
	uint64_t caps;

	if (!net_start(c, &ns, STATS, STATS_OPT, 1) || !query(&ns, &caps))
		return;
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		uint16_t vq = queue_for(&ns, all[i]);
		uint64_t t = 1ull << all[i];
		if ((caps & t) || !get(&ns, &vq, &t, 1, &ack, res, sizeof(res)))
			continue;
		if (ack == VIRTIO_NET_OK) {
			vc_fail(c, "STATS_GET answers statistics type %u, which STATS_QUERY did not list", all[i]);
			vc_observed(c, "supported_stats_types 0x%016llx; type %u for queue %u: VIRTIO_NET_OK",
				    (unsigned long long)caps, all[i], vq);
			vc_expected(c, "every type the device supports in supported_stats_types");
			return;
		}
	}
}

/* A request the spec says to refuse: ERR, and nothing written. */
static bool refused(struct net_session *ns, const uint16_t *vq, const uint64_t *types, unsigned n, const char *what)
{
	uint8_t ack, res[128];

	if (!get(ns, vq, types, n, &ack, res, sizeof(res)))
		return false;
	if (ack == VIRTIO_NET_ERR)
		return true;
	vc_fail(ns->c, "STATS_GET %s was not refused", what);
	vc_observed(ns->c, "ack %u", ack);
	vc_expected(ns->c, "VIRTIO_NET_ERR for the whole command");
	return false;
}

static void stats_bad_request(struct vc_ctx *c)
{
	struct net_session ns;
	uint64_t caps;

	if (!net_start(c, &ns, STATS, NET_NONE, 1) || !query(&ns, &caps))
		return;
	uint16_t out_of_range = 0x7ffe, rxq = 0, txq = 1;
	uint64_t rx_basic = 1ull << ST_RX_BASIC, unknown = 1ull << 60, rx_csum = 1ull << ST_RX_CSUM;
	if (!refused(&ns, &out_of_range, &rx_basic, 1, "for a queue past the device's") ||
	    !refused(&ns, &rxq, &unknown, 1, "with an unknown type (bit 60)") ||
	    !refused(&ns, &txq, &rx_basic, 1, "asking a transmit queue for receive statistics"))
		return;
	if (caps & rx_csum)          /* GUEST_CSUM was not negotiated */
		refused(&ns, &rxq, &rx_csum, 1, "for RX_CSUM without VIRTIO_NET_F_GUEST_CSUM");
}

static void stats_all_or_nothing(struct vc_ctx *c)
{
	struct net_session ns;
	uint64_t caps;

	if (!net_start(c, &ns, STATS, NET_NONE, 1) || !query(&ns, &caps))
		return;
	uint16_t vq[2] = { 0, 0 };
	uint64_t types[2] = { 1ull << ST_RX_BASIC, 1ull << 60 };
	refused(&ns, vq, types, 2, "with one good entry (RX_BASIC of receiveq1) and one with an unknown type (bit 60)");
}

/* STATS_GET for types STATS_QUERY listed: FAIL when refused. */
static bool get_listed(struct net_session *ns, const uint16_t *vq, const uint64_t *types, unsigned n, uint8_t *res,
		       size_t rlen)
{
	uint8_t ack;

	if (!get(ns, vq, types, n, &ack, res, rlen))
		return false;
	if (ack == VIRTIO_NET_OK)
		return true;
	vc_fail(ns->c, "STATS_GET for types STATS_QUERY listed was refused");
	vc_observed(ns->c, "ack %u", ack);
	vc_expected(ns->c, "VIRTIO_NET_OK");
	return false;
}

/* RX_BASIC, TX_BASIC and CVQ as listed: the replies' headers. */
struct replies {
	uint16_t vq[3];
	uint64_t types[3];
	unsigned n;
	uint8_t res[256];
};

static bool three_replies(struct vc_ctx *c, struct net_session *ns, struct replies *r)
{
	static const unsigned want[] = { ST_RX_BASIC, ST_TX_BASIC, ST_CVQ };
	uint64_t caps;

	memset(r, 0, sizeof(*r));
	if (!net_start(c, ns, STATS, NET_NONE, 1) || !query(ns, &caps))
		return false;
	for (unsigned i = 0; i < 3; i++)
		if (caps & (1ull << want[i])) {
			r->vq[r->n] = queue_for(ns, want[i]);
			r->types[r->n++] = 1ull << want[i];
		}
	if (!r->n) {
		vc_skip(c, "the device lists none of RX_BASIC, TX_BASIC, CVQ");
		return false;
	}
	return get_listed(ns, r->vq, r->types, r->n, r->res, sizeof(r->res));
}

/* Each reply of RX_BASIC, TX_BASIC and CVQ walked: false from `check` stops. */
static void each_reply(struct vc_ctx *c, bool (*check)(struct vc_ctx *c, const uint8_t *reply, unsigned i,
						   unsigned type, uint16_t vq))
{
	struct net_session ns;
	struct replies r;
	size_t at = 0;

	if (!three_replies(c, &ns, &r))
		return;
	for (unsigned i = 0; i < r.n; i++) {
		unsigned type = (unsigned)__builtin_ctzll(r.types[i]);
		if (!check(c, r.res + at, i, type, r.vq[i]))
			return;
		at += reply_size(type);
	}
}

static bool size_right(struct vc_ctx *c, const uint8_t *reply, unsigned i, unsigned type, uint16_t vq)
{
	uint16_t size = get16(reply + 6);

	(void)vq;
	if (size == reply_size(type))
		return true;
	vc_fail(c, "a statistics reply's size is not the bytes it takes");
	vc_observed(c, "reply %u (type %u): size %u", i + 1, type, size);
	vc_expected(c, "%u (header and counters)", reply_size(type));
	return false;
}

static bool header_right(struct vc_ctx *c, const uint8_t *reply, unsigned i, unsigned type, uint16_t vq)
{
	if (reply[0] == type && get16(reply + 2) == vq)
		return true;
	vc_fail(c, "a statistics reply's header does not name its type and queue");
	vc_observed(c, "reply %u: type %u, vq_index %u", i + 1, reply[0], get16(reply + 2));
	vc_expected(c, "type %u, vq_index %u", type, vq);
	return false;
}

static void stats_reply_size(struct vc_ctx *c) { each_reply(c, size_right); }
static void stats_reply_header(struct vc_ctx *c) { each_reply(c, header_right); }

static void stats_result_bounds(struct vc_ctx *c)
{
	struct net_session ns;
	struct replies r;
	size_t end = 0;

	if (!three_replies(c, &ns, &r))
		return;
	for (unsigned i = 0; i < r.n; i++)
		end += reply_size((unsigned)__builtin_ctzll(r.types[i]));
	for (size_t k = end; k < sizeof(r.res); k++)
		if (r.res[k] != 0xa5) {
			vc_fail(c, "STATS_GET wrote past its replies in the result buffer");
			vc_observed(c, "byte %zu of the %zu-byte result buffer is 0x%02x", k, sizeof(r.res), r.res[k]);
			vc_expected(c, "the %zu bytes of replies only, the rest as the driver left it (0xa5)", end);
			return;
		}
}

/* The basic counters count what happened (rx_packets: "the number of
 * packets passed to the driver"; tx_packets: "the number of packets sent by
 * the device"): between two STATS_GET, the packets taken from receiveq1
 * (with MRG_RXBUF in 512-byte buffers, each frame over several) and the
 * frames sent from transmitq1 move them by as many. */
#define COUNTED_RX 5
#define COUNTED_TX 3

struct counters {
	uint64_t rx, tx;
	bool has_rx, has_tx;
};

static bool counters(struct net_session *ns, uint64_t caps, struct counters *k)
{
	uint16_t vq[2];
	uint64_t types[2];
	uint8_t res[128];
	unsigned n = 0;

	memset(k, 0, sizeof(*k));
	if (caps & (1ull << ST_RX_BASIC)) {
		vq[n] = 0;
		types[n++] = 1ull << ST_RX_BASIC;
	}
	if (caps & (1ull << ST_TX_BASIC)) {
		vq[n] = 1;
		types[n++] = 1ull << ST_TX_BASIC;
	}
	if (!get_listed(ns, vq, types, n, res, sizeof(res)))
		return false;
	for (size_t at = 0; at + 24 <= sizeof(res) && get16(res + at + 6) >= 24; at += get16(res + at + 6)) {
		if (res[at] == ST_RX_BASIC && get16(res + at + 2) == 0 && !k->has_rx) {
			k->rx = get64(res + at + 16);
			k->has_rx = true;
		} else if (res[at] == ST_TX_BASIC && get16(res + at + 2) == 1 && !k->has_tx) {
			k->tx = get64(res + at + 16);
			k->has_tx = true;
		}
	}
	return true;
}

static bool count_packet(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	(void)ns;
	(void)rx;
	(*(unsigned *)arg)++;
	return true;
}

static bool counted(struct vc_ctx *c, const char *what, const char *packets, uint64_t before, uint64_t after,
		    unsigned want)
{
	if (after - before == want)
		return true;
	vc_fail(c, "%s did not count the packets", what);
	vc_observed(c, "%s %llu before, %llu after", what, (unsigned long long)before, (unsigned long long)after);
	vc_expected(c, "%u more (the packets %s in between)", want, packets);
	return false;
}

static void stats_counted(struct vc_ctx *c)
{
	struct net_session ns;
	struct vc_net_flow f;
	struct counters k0, k1;
	uint64_t caps;
	uint32_t tag, sentinel;
	unsigned got = 0;
	size_t len;

	if (!net_start(c, &ns, STATS, NET_BITS(VIRTIO_NET_F_MRG_RXBUF), 1) || !query(&ns, &caps))
		return;
	if (!(caps & (1ull << ST_RX_BASIC | 1ull << ST_TX_BASIC))) {
		vc_skip(c, "the device lists neither RX_BASIC nor TX_BASIC");
		return;
	}
	bool mrg = net_has(&ns, VIRTIO_NET_F_MRG_RXBUF);
	if (!net_fill(&ns, 0, mrg ? 32 : 8, mrg ? 512 : NET_RXBUF_SMALL, 1) || !counters(&ns, caps, &k0))
		return;
	for (unsigned i = 0; i < COUNTED_RX; i++) {
		vc_net_flow_init(&f, ns.net.mac, 4, VC_NET_L4_UDP);
		f.sport = (uint16_t)(41000 + i);
		if (!net_inject_flow(&ns, &f, 1000, NULL))
			return;
	}
	if (!net_sentinel(&ns, false, &sentinel) || net_receive_until(&ns, sentinel, count_packet, &got, "statistics"))
		return;
	for (unsigned i = 0; i < COUNTED_TX; i++) {
		uint8_t *b = net_buf(0), *cap = net_buf(1);
		static const uint8_t peer[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x09 };
		struct vc_net_hdr h = { 0 };
		vc_net_flow_init(&f, peer, 4, VC_NET_L4_UDP);
		tag = vc_net_tag(&ns.net);
		len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, 200, tag);
		if (!net_send(&ns, 0, &h, b, len, 1) || !net_capture(&ns, tag, cap, VC_NET_MAX_FRAME, &len, "a frame sent"))
			return;
	}
	if (!counters(&ns, caps, &k1))
		return;
	if (k0.has_rx && k1.has_rx && !counted(c, "rx_packets of receiveq1", "passed to the driver", k0.rx, k1.rx, got))
		return;
	if (k0.has_tx && k1.has_tx)
		counted(c, "tx_packets of transmitq1", "sent", k0.tx, k1.tx, COUNTED_TX);
}

#define CO(id, kw, covers, summary, fn, req) \
	{ id, L_NET_COAL, kw, VC_DEVICE_RULE, "1.3", NET_NEEDS, covers, summary, NULL, fn, req }
#define ST(id, covers, summary, fn) \
	{ id, L_NET_STATS, VC_MUST, VC_DEVICE_RULE, "1.4", NET_NEEDS, covers, summary, NULL, fn, \
	  VC_REQ(VIRTIO_NET_F_DEVICE_STATS) }

static const struct vc_clause clauses[] = {
	CO("net.coal.reserved-ignored", VC_MUST, "NET-COAL-DEV-1",
	   "NOTF_COAL_VQ_SET with reserved 0xffff is carried out: VQ_GET gives back the values set.", reserved_ignored,
	   VC_REQ(VIRTIO_NET_F_VQ_NOTF_COAL)),
	CO("net.coal.vq-index", VC_MUST, "NET-COAL-DEV-4",
	   "NOTF_COAL_VQ_SET and VQ_GET for the control queue, a queue the device lacks or one not enabled are "
	   "answered VIRTIO_NET_ERR.", vq_index, VC_REQ(VIRTIO_NET_F_VQ_NOTF_COAL)),
	CO("net.coal.tx-reenable", VC_MUST, "NET-COAL-DEV-5",
	   "A transmit queue reset and enabled again has the TX_SET parameters, not the VQ_SET ones.", tx_reenable,
	   VC_REQ(VIRTIO_NET_F_VQ_NOTF_COAL) | VC_REQ(VIRTIO_NET_F_NOTF_COAL) | VC_REQ(VIRTIO_F_RING_RESET)),
	CO("net.coal.rx-reenable", VC_MUST, "NET-COAL-DEV-6",
	   "A receive queue reset and enabled again has the RX_SET parameters, not the VQ_SET ones.", rx_reenable,
	   VC_REQ(VIRTIO_NET_F_VQ_NOTF_COAL) | VC_REQ(VIRTIO_NET_F_NOTF_COAL) | VC_REQ(VIRTIO_F_RING_RESET)),
	{ "net.coal.suppressed", L_NET_COAL, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.3", NET_PEER_NEEDS | NEED_IRQ,
	  "NET-COAL-DEV-8", "With RX_SET max_packets 1 and receiveq1's notifications suppressed, frames arriving raise "
	  "no interrupt.", NULL, suppressed, VC_REQ(VIRTIO_NET_F_NOTF_COAL) },
	CO("net.coal.reset", VC_MUST, "NET-COAL-DEV-9",
	   "After a device reset, VQ_GET gives 0 for the parameters VQ_SET gave before it.", coal_reset,
	   VC_REQ(VIRTIO_NET_F_VQ_NOTF_COAL)),
	ST("net.stats.query", "NET-STATS-DEV-1",
	   "STATS_QUERY lists every statistics type STATS_GET answers (each defined type asked of a queue it fits).",
	   stats_query),
	ST("net.stats.bad-request", "NET-STATS-DEV-2",
	   "STATS_GET for a queue the device lacks, an unknown type, receive statistics of a transmit queue, or RX_CSUM "
	   "without GUEST_CSUM is answered VIRTIO_NET_ERR.", stats_bad_request),
	ST("net.stats.all-or-nothing", "NET-STATS-DEV-3",
	   "STATS_GET with one good entry and one bad (an unknown type) is refused whole.", stats_all_or_nothing),
	ST("net.stats.reply-size", "NET-STATS-DEV-4",
	   "Each statistics reply's size is the bytes it takes (RX_BASIC, TX_BASIC 56, CVQ 24).", stats_reply_size),
	ST("net.stats.reply-header", "NET-STATS-DEV-5",
	   "Each statistics reply names its type and vq_index.", stats_reply_header),
	{ "net.stats.counted", L_NET_STATS, VC_MUST, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS, "",
	  "Between two STATS_GET, rx_packets of receiveq1 and tx_packets of transmitq1 move by the packets received "
	  "(with MRG_RXBUF each over several buffers) and sent (the counters' definitions; no device row).", NULL,
	  stats_counted, VC_REQ(VIRTIO_NET_F_DEVICE_STATS) },
	ST("net.stats.result-bounds", "NET-STATS-DEV-6",
	   "A result buffer larger than the replies: nothing written past them.", stats_result_bounds),
};

VC_DEVICE_SUITE(suite_net_ctrl, clauses, 1);
