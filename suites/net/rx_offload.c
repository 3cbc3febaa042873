/* Receive offloads shared by the GSO, checksum and tunnel checks
 * (rx_offload.h): frames larger than any MTU put on the wire (what a device
 * that coalesces may hand over as one GSO packet), each packet the device
 * delivers before a sentinel checked. */
#include <string.h>
#include "rx_offload.h"

static const uint8_t *dst_of(struct net_session *ns) { return ns->net.mac; }

size_t rxo_frame(struct net_session *ns, uint8_t *b, unsigned ip, enum vc_net_l4 l4, size_t payload, bool ecn,
		 enum vc_net_csum csum)
{
	struct vc_net_flow f;

	vc_net_flow_init(&f, dst_of(ns), ip, l4);
	f.ecn = ecn;
	f.csum = csum;
	return vc_net_frame(b, VC_NET_MAX_FRAME, &f, payload, vc_net_tag(&ns->net));
}

size_t rxo_vxlan(struct net_session *ns, uint8_t *b, size_t payload, enum vc_net_csum outer)
{
	uint8_t *inner = net_buf(1);
	struct vc_net_flow in, out;
	static const uint8_t peer[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x33 };

	vc_net_flow_init(&in, peer, 4, VC_NET_L4_TCP);
	in.sport = 41000;
	size_t ilen = vc_net_frame(inner, VC_NET_MAX_FRAME, &in, payload, vc_net_tag(&ns->net));
	vc_net_flow_init(&out, dst_of(ns), 4, VC_NET_L4_UDP);
	out.csum = outer;
	out.sport = 49152;
	return vc_net_frame_vxlan(b, VC_NET_MAX_FRAME, &out, inner, ilen);
}

bool rxo_start(struct vc_ctx *c, struct net_session *ns, const unsigned *need, const unsigned *opt)
{
	/* without MRG_RXBUF and with guest GSO, the buffers the spec asks of a driver: 65609 bytes */
	return net_start(c, ns, need, opt, 1) && net_fill(ns, 0, 12, NET_RXBUF_BIG, 1);
}

struct run {
	rxo_check_fn check;
	void *arg;
	unsigned packets;
};

static bool each(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct run *r = arg;

	r->packets++;
	return r->check(ns, rx, r->arg);
}

bool rxo_run(struct net_session *ns, const uint8_t *const *frames, const size_t *lens, unsigned n, rxo_check_fn check,
	     void *arg, const char *what)
{
	struct run r = { check, arg, 0 };
	uint32_t sentinel;

	for (unsigned i = 0; i < n; i++)
		if (!net_inject(ns, frames[i], lens[i]))
			return false;
	return net_sentinel(ns, false, &sentinel) && net_receive_until(ns, sentinel, each, &r, what) == 0 &&
	       ns->c->r->status != VC_FAIL;
}

bool rxo_one(struct net_session *ns, const uint8_t *frame, size_t len, rxo_check_fn check, void *arg,
	     const char *what)
{
	return rxo_run(ns, &frame, &len, 1, check, arg, what);
}

bool rxo_same_csum(uint16_t a, uint16_t b)
{
	return a == b || (a == 0 && b == 0xffff) || (a == 0xffff && b == 0);
}

/* The transport csum_start points at: the frame's own, or VXLAN's inner one. */
bool rxo_transport_at(const uint8_t *f, size_t len, unsigned csum_start, size_t *base, struct vc_net_parsed *p)
{
	struct vc_net_parsed o;

	if (!vc_net_parse(f, len, &o))
		return false;
	if (o.l4 && o.l4 == csum_start) {
		*base = 0;
		*p = o;
		return true;
	}
	if (!o.vxlan || o.payload + 8 >= o.end || !vc_net_parse(f + o.payload + 8, o.end - o.payload - 8, p) ||
	    !p->l4 || o.payload + 8 + p->l4 != csum_start)
		return false;
	*base = o.payload + 8;
	return true;
}
