/* virtio-net receive filtering through the control queue: the RX-class
 * commands answered, and their effect on what is delivered (promiscuous,
 * all-multicast, all-unicast, no-multicast, no-unicast, no-broadcast), the
 * MAC filter table and address, VLAN filtering. Each check puts frames of
 * each kind on the wire, then a sentinel every setting accepts: whatever
 * has not come before the sentinel was dropped. */
#include <string.h>
#include "net.h"

enum kind { OWN, FOREIGN, UNI_LISTED, MULTI_LISTED, MULTI_UNLISTED, BCAST, KINDS };

static const char *const kind_name[KINDS] = {
	"unicast to the device's address", "unicast to another address", "unicast to an address in the MAC table",
	"multicast in the MAC table", "multicast not in the MAC table", "broadcast",
};

static const uint8_t other_addr[KINDS][6] = {
	[FOREIGN] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x99 },
	[UNI_LISTED] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x77 },
	[MULTI_LISTED] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb },
	[MULTI_UNLISTED] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfc },
	[BCAST] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};

struct seen {
	uint32_t tag[KINDS + 4];
	bool got[KINDS + 4];
	unsigned n;
};

static bool on_packet(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct seen *w = arg;

	(void)ns;
	for (unsigned i = 0; i < w->n && rx->tagged; i++)
		w->got[i] |= rx->tag == w->tag[i];
	return true;
}

/* The MAC table: UNI_LISTED and MULTI_LISTED, each the last of three
 * entries (the other two addresses no frame here uses): a device that looks
 * at a list's first entry only shows. */
#define TABLE_EACH 3
static bool set_table(struct net_session *ns)
{
	uint8_t t[8 + 2 * 6 * TABLE_EACH] = { TABLE_EACH }, *uni = t + 4, *multi = t + 8 + 6 * TABLE_EACH;

	t[4 + 6 * TABLE_EACH] = TABLE_EACH;
	for (unsigned i = 0; i < TABLE_EACH; i++) {
		memcpy(uni + 6 * i, other_addr[UNI_LISTED], 6);
		memcpy(multi + 6 * i, other_addr[MULTI_LISTED], 6);
		if (i + 1 < TABLE_EACH)
			uni[6 * i + 4] = multi[6 * i + 4] = (uint8_t)(0x50 + i);
	}
	return net_ctrl_ok(ns, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, t, sizeof(t), "MAC_TABLE_SET");
}

/* One frame of each kind in `kinds` (VLAN-tagged with `vid` when not 0),
 * then the sentinel; got[i] for the i-th kind of the list. */
static bool deliveries(struct net_session *ns, const enum kind *kinds, unsigned n, uint16_t vid, bool bcast_sentinel,
		       struct seen *w)
{
	struct vc_net_flow f;

	memset(w, 0, sizeof(*w));
	for (unsigned i = 0; i < n; i++) {
		vc_net_flow_init(&f, kinds[i] == OWN ? ns->net.mac : other_addr[kinds[i]], 4, VC_NET_L4_UDP);
		f.vlan = vid;
		if (!net_inject_flow(ns, &f, 64, &w->tag[w->n++]))
			return false;
	}
	uint32_t sentinel;
	return net_sentinel(ns, bcast_sentinel, &sentinel) &&
	       net_receive_until(ns, sentinel, on_packet, w, "filtering") == 0;
}

/* A filter setting, and what it must do to each kind of frame. */
struct fcase {
	const unsigned *need;
	uint8_t on[4];          /* RX-class modes turned on, after PROMISC off */
	unsigned non;
	bool table;
	enum kind kinds[4];
	bool deliver[4];        /* each kind: delivered, or not */
	unsigned n;
	bool bcast_sentinel;
};

static void filter_case(struct vc_ctx *c, const struct fcase *k)
{
	static const char *const mode[] = { "PROMISC", "ALLMULTI", "ALLUNI", "NOMULTI", "NOUNI", "NOBCAST" };
	struct net_session ns;
	struct seen w;
	char modes[96] = "";

	if (!net_start(c, &ns, k->need, NET_NONE, 1) || !net_fill(&ns, 0, 16, NET_RXBUF_SMALL, 1) ||
	    !net_rx_mode(&ns, VIRTIO_NET_CTRL_RX_PROMISC, false) || (k->table && !set_table(&ns)))
		return;
	for (unsigned i = 0; i < k->non; i++) {
		if (!net_rx_mode(&ns, k->on[i], true))
			return;
		strcat(modes, i ? " + " : "");
		strcat(modes, mode[k->on[i]]);
	}
	if (!deliveries(&ns, k->kinds, k->n, 0, k->bcast_sentinel, &w))
		return;
	for (unsigned i = 0; i < k->n; i++)
		if (w.got[i] != k->deliver[i]) {
			vc_fail(c, "with %s%s, %s was %s", k->non ? modes : "PROMISC off",
				k->table ? " and a MAC table" : "", kind_name[k->kinds[i]], w.got[i] ? "delivered" : "dropped");
			vc_observed(c, "the frame %s", w.got[i] ? "on receiveq1" : "not on any receive queue");
			vc_expected(c, "%s", k->deliver[i] ? "delivered" : "dropped");
			return;
		}
}

static const unsigned RX[] = { VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_RX, NET_END };
static const unsigned RX_EXTRA[] = { VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_RX, VIRTIO_NET_F_CTRL_RX_EXTRA, NET_END };
#define CASE(name, ...) static void name(struct vc_ctx *c) { static const struct fcase k = { __VA_ARGS__ }; filter_case(c, &k); }
enum { P = VIRTIO_NET_CTRL_RX_PROMISC, AM = VIRTIO_NET_CTRL_RX_ALLMULTI, AU = VIRTIO_NET_CTRL_RX_ALLUNI,
       NM = VIRTIO_NET_CTRL_RX_NOMULTI, NU = VIRTIO_NET_CTRL_RX_NOUNI, NB = VIRTIO_NET_CTRL_RX_NOBCAST };

CASE(promisc, RX, { P }, 1, false, { FOREIGN, MULTI_UNLISTED }, { true, true }, 2, false)
CASE(promisc_overrides, RX_EXTRA, { P, NU, NM, NB }, 4, false, { OWN, FOREIGN, MULTI_UNLISTED, BCAST },
     { true, true, true, true }, 4, false)
CASE(allmulti, RX, { AM }, 1, false, { MULTI_UNLISTED }, { true }, 1, false)
CASE(alluni, RX_EXTRA, { AU }, 1, false, { FOREIGN }, { true }, 1, false)
CASE(nomulti, RX_EXTRA, { NM }, 1, true, { MULTI_LISTED }, { false }, 1, false)
CASE(nomulti_over_allmulti, RX_EXTRA, { AM, NM }, 2, true, { MULTI_LISTED, MULTI_UNLISTED }, { false, false }, 2,
     false)
CASE(nomulti_keeps_broadcast, RX_EXTRA, { NM }, 1, false, { BCAST }, { true }, 1, false)
CASE(nouni, RX_EXTRA, { NU }, 1, true, { OWN, UNI_LISTED }, { false, false }, 2, true)
CASE(nouni_over_alluni, RX_EXTRA, { AU, NU }, 2, false, { OWN, FOREIGN }, { false, false }, 2, true)
CASE(nobcast, RX_EXTRA, { NB }, 1, false, { BCAST }, { false }, 1, false)
CASE(nobcast_over_allmulti, RX_EXTRA, { AM, NB }, 2, false, { BCAST }, { false }, 1, false)
CASE(foreign_unicast, RX, { 0 }, 0, false, { FOREIGN, OWN }, { false, true }, 2, false)
CASE(table_applied, RX, { 0 }, 0, true, { UNI_LISTED, MULTI_LISTED }, { true, true }, 2, false)

/* Each command of a class answered VIRTIO_NET_OK, on then off. */
static void commands(struct vc_ctx *c, const unsigned *need, uint8_t from, uint8_t to)
{
	struct net_session ns;

	if (!net_start(c, &ns, need, NET_NONE, 1))
		return;
	for (uint8_t cmd = from; cmd <= to; cmd++)
		if (!net_rx_mode(&ns, cmd, true) || !net_rx_mode(&ns, cmd, false))
			return;
}

static void rx_commands(struct vc_ctx *c) { commands(c, RX, P, AM); }
static void rx_extra_commands(struct vc_ctx *c) { commands(c, RX_EXTRA, AU, NB); }

/* The MAC table set, the device reset: its entries filter nothing in. A
 * device that lets every unicast in with PROMISC off does not filter at
 * all (net.filter.foreign-unicast reports that): its table cannot be seen. */
static void table_reset(struct vc_ctx *c)
{
	static const enum kind kinds[] = { UNI_LISTED, MULTI_LISTED, FOREIGN };
	struct net_session ns;
	struct seen w;

	if (!net_start(c, &ns, RX, NET_NONE, 1) || !set_table(&ns) || !net_restart(&ns, 1) ||
	    !net_fill(&ns, 0, 16, NET_RXBUF_SMALL, 1) || !net_rx_mode(&ns, P, false) ||
	    !deliveries(&ns, kinds, 3, 0, false, &w))
		return;
	if (w.got[2]) {
		vc_skip(c, "with PROMISC off the device delivers unicast to any address: it does not filter, so what its "
			   "MAC table holds cannot be seen (net.filter.foreign-unicast reports it)");
		return;
	}
	for (unsigned i = 0; i < 2; i++)
		if (w.got[i]) {
			vc_fail(c, "after a reset, %s of the table set before it was still delivered", kind_name[kinds[i]]);
			vc_observed(c, "the frame on receiveq1");
			vc_expected(c, "an empty MAC table: dropped (PROMISC off)");
			return;
		}
}

/* MAC_ADDR_SET: the configuration mac holds the new address when the command is used. */
static void mac_addr_set(struct vc_ctx *c)
{
	static const uint8_t addr[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x42 };
	struct net_session ns;
	uint64_t v;

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_MAC_ADDR, VIRTIO_NET_F_MAC), NET_NONE,
		       1) ||
	    !net_ctrl_ok(&ns, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, addr, 6, "MAC_ADDR_SET"))
		return;
	for (unsigned i = 0; i < 6; i++) {
		if (!net_cfg(c, VIRTIO_NET_CFG_MAC + i, 1, &v))
			return;
		if (v != addr[i]) {
			vc_fail(c, "mac did not hold the address MAC_ADDR_SET gave when the command was used");
			vc_observed(c, "mac byte %u 0x%02llx", i, (unsigned long long)v);
			vc_expected(c, "02:76:63:00:00:42");
			return;
		}
	}
}

/* MAC_ADDR_SET with filtering on (PROMISC off, an empty MAC table): a frame
 * to the new address is delivered, one to the address mac held before (now
 * neither the device's nor in the table) dropped. The sentinel is broadcast. */
static void mac_addr_filter(struct vc_ctx *c)
{
	static const uint8_t addr[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x43 };
	struct net_session ns;
	struct vc_net_flow f;
	struct seen w;
	uint8_t old[6];
	uint32_t sentinel;

	memset(&w, 0, sizeof(w));
	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_RX, VIRTIO_NET_F_CTRL_MAC_ADDR,
					VIRTIO_NET_F_MAC), NET_NONE, 1) ||
	    !net_fill(&ns, 0, 16, NET_RXBUF_SMALL, 1) || !net_rx_mode(&ns, P, false) ||
	    !net_ctrl_ok(&ns, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, addr, 6, "MAC_ADDR_SET"))
		return;
	memcpy(old, ns.net.mac, 6);
	for (unsigned i = 0; i < 2; i++) {
		vc_net_flow_init(&f, i ? old : addr, 4, VC_NET_L4_UDP);
		if (!net_inject_flow(&ns, &f, 64, &w.tag[w.n++]))
			return;
	}
	if (!net_sentinel(&ns, true, &sentinel) || net_receive_until(&ns, sentinel, on_packet, &w, "filtering"))
		return;
	if (w.got[0] && !w.got[1])
		return;
	vc_fail(c, "after MAC_ADDR_SET, %s", !w.got[0] ? "a frame to the new address was dropped"
						      : "a frame to the address replaced was still delivered");
	vc_observed(c, "to 02:76:63:00:00:43 (set): %s; to %02x:%02x:%02x:%02x:%02x:%02x (mac before): %s",
		    w.got[0] ? "delivered" : "dropped", old[0], old[1], old[2], old[3], old[4], old[5],
		    w.got[1] ? "delivered" : "dropped");
	vc_expected(c, "the new address delivered, the old one dropped (PROMISC off, no MAC table)");
}

/* VLAN filtering: tagged frames to the device's address, PROMISC off
 * where the device lets the driver say it. */
static void vlan_case(struct vc_ctx *c, bool ctrl_vlan, const uint16_t *add, unsigned nadd, uint16_t del,
		      const uint16_t *vids, const bool *deliver, unsigned n)
{
	struct net_session ns;
	struct seen w;

	if (!net_start(c, &ns, ctrl_vlan ? NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_VLAN) : NET_NONE,
		       NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_RX), 1) ||
	    !net_fill(&ns, 0, 16, NET_RXBUF_SMALL, 1) ||
	    (net_has(&ns, VIRTIO_NET_F_CTRL_RX) && !net_rx_mode(&ns, P, false)))
		return;
	for (unsigned i = 0; i < nadd + (del ? 1 : 0); i++) {
		uint16_t vid = i < nadd ? add[i] : del;
		uint8_t arg[2] = { (uint8_t)vid, (uint8_t)(vid >> 8) };
		if (!net_ctrl_ok(&ns, VIRTIO_NET_CTRL_VLAN, i < nadd ? VIRTIO_NET_CTRL_VLAN_ADD : VIRTIO_NET_CTRL_VLAN_DEL,
				 arg, 2, i < nadd ? "VLAN_ADD" : "VLAN_DEL"))
			return;
	}
	for (unsigned i = 0; i < n; i++) {
		static const enum kind own[] = { OWN };
		if (!deliveries(&ns, own, 1, vids[i], false, &w))
			return;
		if (w.got[0] != deliver[i]) {
			vc_fail(c, "a frame tagged with VID %u was %s", vids[i], w.got[0] ? "delivered" : "dropped");
			vc_observed(c, "VIRTIO_NET_F_CTRL_VLAN %s; VLAN table %s", ctrl_vlan ? "negotiated" : "not negotiated",
				    nadd ? del ? "100 added, then deleted" : "holding 100" : "empty");
			vc_expected(c, "%s", deliver[i] ? "delivered" : "dropped");
			return;
		}
	}
}

static void vlan_without_ctrl_vlan(struct vc_ctx *c)
{
	static const uint16_t vids[] = { 5, 100, 4000 };
	static const bool yes[] = { true, true, true };
	vlan_case(c, false, NULL, 0, 0, vids, yes, 3);
}

static void vlan_listed(struct vc_ctx *c)
{
	static const uint16_t add[] = { 100, 4000 }, vids[] = { 100, 4000 };
	static const bool yes[] = { true, true };
	vlan_case(c, true, add, 2, 0, vids, yes, 2);
}

static void vlan_unlisted(struct vc_ctx *c)
{
	static const uint16_t add[] = { 100, 200 }, vids[] = { 300, 100 };
	static const bool no[] = { false, false };
	vlan_case(c, true, add, 2, 100, vids, no, 2);
}

#define F(id, label, kw, covers, summary, fn) \
	{ id, label, kw, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, covers, summary, NULL, fn, VC_REQ(VIRTIO_NET_F_CTRL_RX) }
#define FX(id, label, kw, covers, summary, fn) \
	{ id, label, kw, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, covers, summary, NULL, fn, \
	  VC_REQ(VIRTIO_NET_F_CTRL_RX) | VC_REQ(VIRTIO_NET_F_CTRL_RX_EXTRA) }

static const struct vc_clause clauses[] = {
	{ "net.ctrl.rx-commands", L_NET_RXFILTER, VC_MUST, VC_DEVICE_RULE, "1.0", NET_NEEDS, "NET-RXFILTER-DEV-1",
	  "With VIRTIO_NET_F_CTRL_RX, PROMISC and ALLMULTI on and off are answered VIRTIO_NET_OK.", NULL, rx_commands,
	  VC_REQ(VIRTIO_NET_F_CTRL_RX) },
	{ "net.ctrl.rx-extra-commands", L_NET_RXFILTER, VC_MUST, VC_DEVICE_RULE, "1.0", NET_NEEDS, "NET-RXFILTER-DEV-5",
	  "With VIRTIO_NET_F_CTRL_RX_EXTRA, ALLUNI, NOMULTI, NOUNI and NOBCAST on and off are answered VIRTIO_NET_OK.",
	  NULL, rx_extra_commands, VC_REQ(VIRTIO_NET_F_CTRL_RX_EXTRA) },
	F("net.filter.promisc", L_NET_RXFILTER, VC_SHOULD, "NET-RXFILTER-DEV-2",
	  "In promiscuous mode, unicast to another address and unlisted multicast are delivered.", promisc),
	FX("net.filter.promisc-overrides", L_NET_RXFILTER, VC_SHOULD, "NET-RXFILTER-DEV-3",
	   "Promiscuous mode delivers everything even with NOUNI, NOMULTI and NOBCAST on.", promisc_overrides),
	F("net.filter.allmulti", L_NET_RXFILTER, VC_SHOULD, "NET-RXFILTER-DEV-4",
	  "With ALLMULTI on (PROMISC off), multicast not in the MAC table is delivered.", allmulti),
	FX("net.filter.alluni", L_NET_RXFILTER, VC_SHOULD, "NET-RXFILTER-DEV-6",
	   "With ALLUNI on (PROMISC off), unicast to another address is delivered.", alluni),
	FX("net.filter.nomulti", L_NET_RXFILTER, VC_SHOULD_NOT, "NET-RXFILTER-DEV-7",
	   "With NOMULTI on, multicast in the MAC table is not delivered.", nomulti),
	FX("net.filter.nomulti-over-allmulti", L_NET_RXFILTER, VC_SHOULD, "NET-RXFILTER-DEV-8",
	   "NOMULTI holds with ALLMULTI on: no multicast delivered.", nomulti_over_allmulti),
	FX("net.filter.nomulti-keeps-broadcast", L_NET_RXFILTER, VC_SHOULD_NOT, "NET-RXFILTER-DEV-9",
	   "NOMULTI does not drop broadcast.", nomulti_keeps_broadcast),
	FX("net.filter.nouni", L_NET_RXFILTER, VC_SHOULD_NOT, "NET-RXFILTER-DEV-10",
	   "With NOUNI on, unicast (to the device's address, to one in the MAC table) is not delivered.", nouni),
	FX("net.filter.nouni-over-alluni", L_NET_RXFILTER, VC_SHOULD, "NET-RXFILTER-DEV-11",
	   "NOUNI holds with ALLUNI on: no unicast delivered.", nouni_over_alluni),
	FX("net.filter.nobcast", L_NET_RXFILTER, VC_SHOULD_NOT, "NET-RXFILTER-DEV-12",
	   "With NOBCAST on, broadcast is not delivered.", nobcast),
	FX("net.filter.nobcast-over-allmulti", L_NET_RXFILTER, VC_SHOULD, "NET-RXFILTER-DEV-13",
	   "NOBCAST holds with ALLMULTI on: broadcast not delivered.", nobcast_over_allmulti),
	F("net.filter.mac-table-reset", L_NET_MAC, VC_MUST, "NET-MAC-DEV-1",
	  "After a reset the MAC table is empty: the addresses it held before are dropped (PROMISC off).", table_reset),
	F("net.filter.mac-table-applied", L_NET_MAC, VC_MUST, "NET-MAC-DEV-2",
	  "Once MAC_TABLE_SET is used, frames to its unicast and multicast addresses are delivered (PROMISC off).",
	  table_applied),
	{ "net.filter.mac-addr-set", L_NET_MAC, VC_MUST, VC_DEVICE_RULE, "1.0", NET_NEEDS, "NET-MAC-DEV-3",
	  "With VIRTIO_NET_F_MAC, mac holds the address MAC_ADDR_SET gave by the time the command is used.", NULL,
	  mac_addr_set, VC_REQ(VIRTIO_NET_F_CTRL_MAC_ADDR) | VC_REQ(VIRTIO_NET_F_MAC) },
	F("net.filter.foreign-unicast", L_NET_MAC, VC_SHOULD, "NET-MAC-DEV-4",
	  "With filtering on (PROMISC off), unicast to an address neither the device's nor in the table is dropped, "
	  "the device's own delivered.", foreign_unicast),
	{ "net.filter.mac-addr-set-filter", L_NET_MAC, VC_SHOULD, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS,
	  "NET-MAC-DEV-4", "After MAC_ADDR_SET (PROMISC off), frames to the new address are delivered and frames to "
	  "the address mac held before are dropped.", NULL, mac_addr_filter,
	  VC_REQ(VIRTIO_NET_F_CTRL_RX) | VC_REQ(VIRTIO_NET_F_CTRL_MAC_ADDR) | VC_REQ(VIRTIO_NET_F_MAC) },
	{ "net.filter.vlan-without-ctrl-vlan", L_NET_VLAN, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS,
	  "NET-VLAN-DEV-1", "Without VIRTIO_NET_F_CTRL_VLAN, frames tagged VID 5, 100 and 4000 are all delivered "
	  "(PROMISC off when the device has CTRL_RX).", NULL, vlan_without_ctrl_vlan },
	{ "net.filter.vlan-listed", L_NET_VLAN, VC_MUST, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-VLAN-DEV-2",
	  "With VIRTIO_NET_F_CTRL_VLAN, frames tagged with a VID added by VLAN_ADD (100, 4000) are delivered.", NULL,
	  vlan_listed, VC_REQ(VIRTIO_NET_F_CTRL_VLAN) },
	{ "net.filter.vlan-unlisted", L_NET_VLAN, VC_SHOULD, VC_DEVICE_RULE, "1.0", NET_PEER_NEEDS, "NET-VLAN-DEV-3",
	  "With VIRTIO_NET_F_CTRL_VLAN, a VID never added (300) and one deleted by VLAN_DEL (100) are dropped "
	  "(PROMISC off when the device has CTRL_RX).", NULL, vlan_unlisted, VC_REQ(VIRTIO_NET_F_CTRL_VLAN) },
};

VC_DEVICE_SUITE(suite_net_filter, clauses, 1);
