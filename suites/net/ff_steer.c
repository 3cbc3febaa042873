/* Flow filters, the traffic: UDP flows from the link partner that a rule
 * matches (by destination port) come on the receive queue it names, once,
 * whatever the automatic steering would have chosen; a DROP rule's never
 * come; the MAC filters drop first; groups by group_priority, rules by
 * rule_priority, the next group when none of a group's rules match; a
 * rule's receive queue being reset drops its packets. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "ff.h"

#define FLOWS 8
#define PORT_A 7001
#define PORT_B 7002

struct traffic {
	uint32_t tag[4 * FLOWS];
	int queue[4 * FLOWS];            /* receive queue number (0 = receiveq1), -1: never */
	unsigned times[4 * FLOWS];
	unsigned n;
};

/* A session with every pair in use (MQ_VQ_PAIRS_SET), buffers on each
 * receive queue, the harness's classifier as object 0. */
static bool steer_start(struct vc_ctx *c, struct ff *f, const unsigned *need, unsigned min_pairs)
{
	if (!ff_start(c, f, need, VC_NET_MAX_PAIRS, true, NULL))
		return false;
	if (f->ns.net.pairs < min_pairs) {
		vc_skip(c, "the device has %u queue pair%s: the check needs %u", f->ns.net.pairs,
			f->ns.net.pairs == 1 ? "" : "s", min_pairs);
		return false;
	}
	if (!ff_action_listed(f, FF_ACTION_DIRECT)) {
		vc_skip(c, "VIRTIO_NET_FF_ACTION_CAP does not list DIRECT_RX_VQ");
		return false;
	}
	uint8_t d[2] = { (uint8_t)f->ns.net.pairs, 0 };
	return net_ctrl_ok(&f->ns, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, d, 2, "MQ_VQ_PAIRS_SET") &&
	       net_fill_all(&f->ns, 4 * FLOWS + 4, NET_RXBUF_SMALL) && ff_classifier(f, 0);
}
#define STEER_NEED NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_MQ)

static bool send(struct ff *f, struct traffic *t, uint16_t dport, unsigned count, const uint8_t *dst)
{
	struct vc_net_flow fl;

	for (unsigned i = 0; i < count && t->n < 4 * FLOWS; i++) {
		vc_net_flow_init(&fl, dst ? dst : f->ns.net.mac, 4, VC_NET_L4_UDP);
		fl.dport = dport;
		fl.sport = (uint16_t)(40000 + 97 * t->n);
		t->queue[t->n] = -1;
		t->times[t->n] = 0;
		if (!net_inject_flow(&f->ns, &fl, 64, &t->tag[t->n++]))
			return false;
	}
	return true;
}

static bool note(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct traffic *t = arg;

	(void)ns;
	for (unsigned i = 0; i < t->n && rx->tagged; i++)
		if (rx->tag == t->tag[i]) {
			t->queue[i] = (int)rx->queue;
			t->times[i]++;
		}
	return true;
}

static bool collect(struct ff *f, struct traffic *t, const char *what)
{
	uint32_t sentinel;

	return net_sentinel(&f->ns, false, &sentinel) && net_receive_until(&f->ns, sentinel, note, t, what) == 0;
}

/* Flows [from, from + n) each came once on receive queue q: FAIL otherwise. */
static bool all_on(struct vc_ctx *c, const struct traffic *t, unsigned from, unsigned n, int q, const char *rule)
{
	for (unsigned i = from; i < from + n; i++) {
		if (t->times[i] == 1 && t->queue[i] == q)
			continue;
		vc_fail(c, "a packet %s was not delivered on receiveq%d alone", rule, q + 1);
		if (!t->times[i])
			vc_observed(c, "UDP flow %u (source port %u) never delivered", i + 1, 40000 + 97 * i);
		else if (t->times[i] > 1)
			vc_observed(c, "UDP flow %u (source port %u) delivered %u times, the last on receiveq%d", i + 1,
				    40000 + 97 * i, t->times[i], t->queue[i] + 1);
		else
			vc_observed(c, "UDP flow %u (source port %u) on receiveq%d", i + 1, 40000 + 97 * i, t->queue[i] + 1);
		vc_expected(c, "once, on receiveq%d", q + 1);
		return false;
	}
	return true;
}

static bool none(struct vc_ctx *c, const struct traffic *t, unsigned from, unsigned n, const char *why)
{
	for (unsigned i = from; i < from + n; i++)
		if (t->times[i]) {
			vc_fail(c, "a packet %s was delivered", why);
			vc_observed(c, "UDP flow %u (source port %u) on receiveq%d", i + 1, 40000 + 97 * i, t->queue[i] + 1);
			vc_expected(c, "dropped");
			return false;
		}
	return true;
}

static void direct(struct vc_ctx *c)
{
	struct ff f;
	struct traffic t = { .n = 0 };

	if (steer_start(c, &f, STEER_NEED, 2) && ff_group(&f, 0, 1) && ff_rule(&f, 0, 0, 1, FF_ACTION_DIRECT, 2, PORT_A) &&
	    send(&f, &t, PORT_A, FLOWS, NULL) && send(&f, &t, PORT_B, FLOWS, NULL) &&
	    collect(&f, &t, "UDP flows with a DIRECT_RX_VQ rule"))
		all_on(c, &t, 0, FLOWS, 1, "a DIRECT_RX_VQ rule (vq_index 2) matches");
}

static void drop(struct vc_ctx *c)
{
	struct ff f;
	struct traffic t = { .n = 0 };

	if (!ff_start(c, &f, NET_NONE, 1, true, NULL))
		return;
	if (!ff_action_listed(&f, FF_ACTION_DROP)) {
		vc_skip(c, "VIRTIO_NET_FF_ACTION_CAP does not list DROP");
		return;
	}
	if (net_fill_all(&f.ns, 4 * FLOWS + 4, NET_RXBUF_SMALL) && ff_classifier(&f, 0) && ff_group(&f, 0, 1) &&
	    ff_rule(&f, 0, 0, 1, FF_ACTION_DROP, 0, PORT_A) && send(&f, &t, PORT_A, FLOWS, NULL) &&
	    send(&f, &t, PORT_B, FLOWS, NULL) && collect(&f, &t, "UDP flows with a DROP rule") &&
	    none(c, &t, 0, FLOWS, "a DROP rule matches"))
		all_on(c, &t, FLOWS, 1, 0, "no rule matches (one pair)");
}

/* The rule names receiveq1; the automatic steering, all pairs in use, would
 * spread the flows. */
static void before_steering(struct vc_ctx *c)
{
	struct ff f;
	struct traffic t = { .n = 0 };

	if (!steer_start(c, &f, STEER_NEED, 2) || !ff_group(&f, 0, 1) ||
	    !ff_rule(&f, 0, 0, 1, FF_ACTION_DIRECT, 0, PORT_A) || !send(&f, &t, PORT_A, FLOWS, NULL) ||
	    !send(&f, &t, PORT_B, FLOWS, NULL) || !collect(&f, &t, "UDP flows with a rule to receiveq1") ||
	    !all_on(c, &t, 0, FLOWS, 0, "a DIRECT_RX_VQ rule (vq_index 0) matches"))
		return;
	bool spread = false;
	for (unsigned i = FLOWS; i < 2 * FLOWS; i++)
		spread |= t.queue[i] > 0;
	if (!spread)
		vc_note(c, "the automatic steering put every flow no rule matched on receiveq1 too: the order was not "
			   "put to the test");
}

static void after_mac_filter(struct vc_ctx *c)
{
	static const uint8_t foreign[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x99 };
	struct ff f;
	struct traffic t = { .n = 0 };

	if (!steer_start(c, &f, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_MQ, VIRTIO_NET_F_CTRL_RX), 2) ||
	    !net_rx_mode(&f.ns, VIRTIO_NET_CTRL_RX_PROMISC, false) || !ff_group(&f, 0, 1) ||
	    !ff_rule(&f, 0, 0, 1, FF_ACTION_DIRECT, 2, PORT_A) || !send(&f, &t, PORT_B, 2, foreign) ||
	    !send(&f, &t, PORT_A, FLOWS, foreign) || !send(&f, &t, PORT_A, 2, NULL) ||
	    !collect(&f, &t, "UDP flows to another address, PROMISC off"))
		return;
	if (t.times[0] || t.times[1]) {
		vc_skip(c, "with PROMISC off the device delivers unicast to any address: it does not filter "
			   "(net.filter.foreign-unicast reports it)");
		return;
	}
	if (none(c, &t, 2, FLOWS, "to another unicast address (PROMISC off) that a rule matches"))
		all_on(c, &t, 2 + FLOWS, 2, 1, "to the device's address that a rule (vq_index 2) matches");
}

/* Two groups, both with a rule for the flows: the higher group_priority's applies. */
static void group_order(struct vc_ctx *c)
{
	struct ff f;
	struct traffic t = { .n = 0 };

	if (steer_start(c, &f, STEER_NEED, 3) && ff_group(&f, 0, 4) && ff_rule(&f, 0, 0, 1, FF_ACTION_DIRECT, 2, PORT_A) &&
	    ff_group(&f, 1, 5) && ff_rule(&f, 1, 1, 1, FF_ACTION_DIRECT, 4, PORT_A) && send(&f, &t, PORT_A, FLOWS, NULL) &&
	    collect(&f, &t, "UDP flows two groups match"))
		all_on(c, &t, 0, FLOWS, 2, "rules of groups 4 (to receiveq2) and 5 (to receiveq3) match");
}

/* The higher group has no rule for the flows: the lower one's applies. */
static void group_fallthrough(struct vc_ctx *c)
{
	struct ff f;
	struct traffic t = { .n = 0 };

	if (steer_start(c, &f, STEER_NEED, 3) && ff_group(&f, 0, 5) && ff_rule(&f, 0, 0, 1, FF_ACTION_DIRECT, 4, PORT_B) &&
	    ff_group(&f, 1, 4) && ff_rule(&f, 1, 1, 1, FF_ACTION_DIRECT, 2, PORT_A) && send(&f, &t, PORT_A, FLOWS, NULL) &&
	    collect(&f, &t, "UDP flows only the lower group matches"))
		all_on(c, &t, 0, FLOWS, 1, "only a rule of the lower-priority group (to receiveq2) matches");
}

/* One group, two rules for the flows, the lower priority created first. */
static void rule_order(struct vc_ctx *c)
{
	struct ff f;
	struct traffic t = { .n = 0 };

	if (!steer_start(c, &f, STEER_NEED, 3) || !ff_group(&f, 0, 1))
		return;
	uint8_t last = ff_last_priority(&f), hi = last > 10 ? 9 : (uint8_t)(last - 1);
	if (last < 3) {
		vc_skip(c, "last_rule_priority %u leaves no two priorities to compare", last);
		return;
	}
	char what[96];
	snprintf(what, sizeof(what), "rules of priority 1 (to receiveq2) and %u (to receiveq3) match", hi);
	if (ff_rule(&f, 0, 0, 1, FF_ACTION_DIRECT, 2, PORT_A) && ff_rule(&f, 1, 0, hi, FF_ACTION_DIRECT, 4, PORT_A) &&
	    send(&f, &t, PORT_A, FLOWS, NULL) && collect(&f, &t, "UDP flows two rules of a group match"))
		all_on(c, &t, 0, FLOWS, 2, what);
}

static void reset_queue_drop(struct vc_ctx *c)
{
	struct ff f;
	struct traffic t = { .n = 0 };
	int rc;

	if (!steer_start(c, &f, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_MQ, VIRTIO_F_RING_RESET), 2) ||
	    !ff_group(&f, 0, 1) || !ff_rule(&f, 0, 0, 1, FF_ACTION_DIRECT, 2, PORT_A))
		return;
	if ((rc = vc_net_queue_reset(&f.ns.net, 2)) == -ETIMEDOUT) {
		vc_skip(c, "receiveq2's reset did not complete (pci.queue-reset.* report it)");
		return;
	}
	if (rc || !send(&f, &t, PORT_A, FLOWS, NULL)) {
		if (rc)
			vc_error(c, "queue reset failed: %s", strerror(-rc));
		return;
	}
	vc_quiet_ms(&f.ns.drv, 50);          /* the device has seen them before the queue comes back */
	if ((rc = vc_net_queue_restart(&f.ns.net, 2))) {
		vc_error(c, "receiveq2 could not be enabled again: %s", strerror(-rc));
		return;
	}
	if (net_fill(&f.ns, 1, 4 * FLOWS, NET_RXBUF_SMALL, 1) && collect(&f, &t, "UDP flows a rule sent to a queue being reset"))
		none(c, &t, 0, FLOWS, "a rule directs to receiveq2 while it was being reset");
}

#define S(id, kw, covers, summary, fn, req) \
	{ id, L_NET_FF, kw, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS, covers, summary, NULL, fn, \
	  VC_REQ(VIRTIO_F_ADMIN_VQ) | (req) }
#define MQ_REQ (VC_REQ(VIRTIO_NET_F_CTRL_VQ) | VC_REQ(VIRTIO_NET_F_MQ))

static const struct vc_clause clauses[] = {
	S("net.ff.direct", VC_MUST, "NET-FF-DEV-16 NET-FF-DEV-17",
	  "UDP flows a DIRECT_RX_VQ rule matches come on the receive queue its vq_index names, each once, every pair "
	  "in use.", direct, MQ_REQ),
	S("net.ff.drop", VC_MUST, "NET-FF-DEV-20 NET-FF-DEV-16",
	  "UDP flows a DROP rule matches are never delivered (no steering takes them); others are.", drop, 0),
	S("net.ff.before-steering", VC_MUST, "NET-FF-DEV-11 NET-FF-DEV-19",
	  "A rule to receiveq1 takes every flow it matches there, once, though the automatic steering over all pairs "
	  "would spread them.", before_steering, MQ_REQ),
	S("net.ff.after-mac-filter", VC_MUST, "NET-FF-DEV-21 NET-FF-DEV-19",
	  "With PROMISC off, flows to another unicast address that a rule matches are dropped; to the device's "
	  "address they come on the rule's queue.", after_mac_filter, MQ_REQ | VC_REQ(VIRTIO_NET_F_CTRL_RX)),
	S("net.ff.group-order", VC_MUST, "NET-FF-DEV-12 NET-FF-DEV-13",
	  "With rules for the same flows in groups of priority 4 (to receiveq2) and 5 (to receiveq3), they come on "
	  "receiveq3 only.", group_order, MQ_REQ),
	S("net.ff.group-fallthrough", VC_MUST, "NET-FF-DEV-14",
	  "Flows no rule of the priority-5 group matches take the priority-4 group's rule (to receiveq2).",
	  group_fallthrough, MQ_REQ),
	S("net.ff.rule-order", VC_MUST, "NET-FF-DEV-15",
	  "With two rules of one group for the same flows, the higher rule_priority's applies though it was created "
	  "second.", rule_order, MQ_REQ),
	S("net.ff.reset-queue-drop", VC_MUST, "NET-FF-DEV-10",
	  "Flows a rule directs to receiveq2 while it is being reset (VIRTIO_F_RING_RESET) are dropped, not delivered "
	  "elsewhere nor later.", reset_queue_drop, MQ_REQ | VC_REQ(VIRTIO_F_RING_RESET)),
};

VC_DEVICE_SUITE(suite_net_ff_steer, clauses, 1);
