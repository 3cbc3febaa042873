/* Frames the harness puts on a network device's wire and reads back
 * (vc/devtypes/net.h): built field by field, never taken from a host
 * network; parsed, their checksums checked or completed, hashed the way RSS
 * does (Toeplitz). */
#include <string.h>
#include "vc/devtypes/net.h"

enum { ETH_P_8021Q = 0x8100, ETH_P_IP = 0x0800, ETH_P_IPV6 = 0x86dd, IPPROTO_TCP_ = 6, IPPROTO_UDP_ = 17,
       IP6_DSTOPTS = 60, IP6_HOPOPTS = 0, IP6_ROUTING = 43, VXLAN_HLEN = 8 };

static const uint8_t tag_magic[4] = { 'v', 'c', 'N', 'T' };

static void be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void be32(uint8_t *p, uint32_t v) { be16(p, (uint16_t)(v >> 16)); be16(p + 2, (uint16_t)v); }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) << 16 | rd16(p + 2); }

void vc_net_flow_init(struct vc_net_flow *f, const uint8_t dst[6], unsigned ip, enum vc_net_l4 l4)
{
	static const uint8_t src[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x01 };   /* locally administered */
	static const uint8_t s4[4] = { 10, 99, 0, 1 }, d4[4] = { 10, 99, 0, 2 };
	static const uint8_t s6[16] = { 0xfd, 0, 0, 0x99, [15] = 1 }, d6[16] = { 0xfd, 0, 0, 0x99, [15] = 2 };

	memset(f, 0, sizeof(*f));
	memcpy(f->dst, dst, 6);
	memcpy(f->src, src, 6);
	f->ip = ip;
	f->l4 = ip ? l4 : VC_NET_L4_NONE;
	memcpy(f->saddr, ip == 6 ? s6 : s4, ip == 6 ? 16 : 4);
	memcpy(f->daddr, ip == 6 ? d6 : d4, ip == 6 ? 16 : 4);
	f->sport = 40000;
	f->dport = 9;
	f->seq = 0x76630000;
	f->ip_id = 0x7663;
}

uint32_t vc_net_sum(uint32_t sum, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += rd16(b + i);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

uint16_t vc_net_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

unsigned vc_net_csum_field(uint8_t proto)
{
	return proto == IPPROTO_TCP_ ? 16 : 6;
}

uint32_t vc_net_pseudo_sum(const uint8_t *f, const struct vc_net_parsed *p, size_t l4len)
{
	uint32_t sum;

	if (p->ip == 4)
		sum = vc_net_sum(0, f + p->l3 + 12, 8);
	else
		sum = vc_net_sum(0, f + p->l3 + 8, 32);
	return sum + p->proto + (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
}

/* The payload: the tag, then bytes the tag determines. */
static void payload_fill(uint8_t *b, size_t len, uint32_t tag)
{
	memcpy(b, tag_magic, 4);
	be32(b + 4, tag);
	for (size_t i = VC_NET_TAG_LEN; i < len; i++)
		b[i] = (uint8_t)(tag * 31u + i * 7u + (i >> 8));
}

/* Ethernet header (and 802.1Q tag): its length. */
static size_t eth_put(uint8_t *b, const struct vc_net_flow *f, uint16_t type)
{
	size_t at = 12;

	memcpy(b, f->dst, 6);
	memcpy(b + 6, f->src, 6);
	if (f->vlan) {
		be16(b + 12, ETH_P_8021Q);
		be16(b + 14, f->vlan & 0xfff);
		at = 16;
	}
	be16(b + at, type);
	return at + 2;
}

static size_t ip_put(uint8_t *b, const struct vc_net_flow *f, uint8_t proto, size_t l4len)
{
	if (f->ip == 4) {
		memset(b, 0, 20);
		b[0] = 0x45;
		b[1] = f->ecn ? 0x03 : 0;                      /* ECN CE */
		be16(b + 2, (uint16_t)(20 + l4len));
		be16(b + 4, f->ip_id);
		be16(b + 6, 0x4000);                           /* DF */
		b[8] = 64;
		b[9] = proto;
		memcpy(b + 12, f->saddr, 4);
		memcpy(b + 16, f->daddr, 4);
		be16(b + 10, (uint16_t)~vc_net_fold(vc_net_sum(0, b, 20)));
		return 20;
	}
	size_t ext = f->ip6_ext ? 8 : 0;
	memset(b, 0, 40 + ext);
	be32(b, 0x60000000u | (f->ecn ? 0x3u << 20 : 0));
	be16(b + 4, (uint16_t)(ext + l4len));
	b[6] = f->ip6_ext ? IP6_DSTOPTS : proto;
	b[7] = 64;
	memcpy(b + 8, f->saddr, 16);
	memcpy(b + 24, f->daddr, 16);
	if (ext) {                        /* destination options: PadN over 6 bytes */
		b[40] = proto;
		b[42] = 1;
		b[43] = 4;
	}
	return 40 + ext;
}

static void l4_csum(uint8_t *frame, size_t len, const struct vc_net_flow *f)
{
	struct vc_net_parsed p;

	if (!vc_net_parse(frame, len, &p) || !p.l4)
		return;
	size_t l4len = p.end - p.l4;
	uint8_t *field = frame + p.l4 + vc_net_csum_field(p.proto);
	uint32_t pseudo = vc_net_pseudo_sum(frame, &p, l4len);
	be16(field, 0);
	if (f->csum == VC_NET_CSUM_ZERO && p.proto == IPPROTO_UDP_)
		return;
	if (f->csum == VC_NET_CSUM_PARTIAL) {
		be16(field, vc_net_fold(pseudo));
		return;
	}
	uint16_t c = (uint16_t)~vc_net_fold(vc_net_sum(pseudo, frame + p.l4, l4len));
	if (c == 0 && p.proto == IPPROTO_UDP_)
		c = 0xffff;
	if (f->csum == VC_NET_CSUM_BAD)
		c = c == 0x1234 ? 0x1235 : 0x1234;
	be16(field, c);
}

static size_t build(uint8_t *buf, size_t max, const struct vc_net_flow *f, const uint8_t *data, size_t dlen,
		    size_t payload, uint32_t tag)
{
	size_t l4h = f->l4 == VC_NET_L4_TCP ? 20 : f->l4 == VC_NET_L4_UDP ? 8 : 0;
	size_t l3h = f->ip == 4 ? 20 : f->ip == 6 ? 40 + (f->ip6_ext ? 8 : 0) : 0;
	size_t body = data ? dlen : payload;
	size_t total = (f->vlan ? 18u : 14u) + l3h + l4h + body;

	if ((f->ip && f->ip != 4 && f->ip != 6) || (!f->ip && f->l4) || (f->ip && !f->l4) || total > max ||
	    (!data && payload < VC_NET_TAG_LEN) || l4h + body > 0xffff)
		return 0;
	size_t at = eth_put(buf, f, f->ip == 4 ? ETH_P_IP : f->ip == 6 ? ETH_P_IPV6 : VC_NET_ETHERTYPE_TEST);
	uint8_t proto = f->l4 == VC_NET_L4_TCP ? IPPROTO_TCP_ : IPPROTO_UDP_;
	if (f->ip)
		at += ip_put(buf + at, f, proto, l4h + body);
	uint8_t *l4 = buf + at;
	if (f->l4 == VC_NET_L4_UDP) {
		be16(l4, f->sport);
		be16(l4 + 2, f->dport);
		be16(l4 + 4, (uint16_t)(8 + body));
		be16(l4 + 6, 0);
	} else if (f->l4 == VC_NET_L4_TCP) {
		memset(l4, 0, 20);
		be16(l4, f->sport);
		be16(l4 + 2, f->dport);
		be32(l4 + 4, f->seq);
		l4[12] = 5 << 4;
		l4[13] = (uint8_t)(0x18 | (f->ecn ? 0x80 : 0));      /* ACK PSH (CWR) */
		be16(l4 + 14, 0xffff);
	}
	at += l4h;
	if (data)
		memcpy(buf + at, data, dlen);
	else
		payload_fill(buf + at, body, tag);
	at += body;
	if (f->l4)
		l4_csum(buf, at, f);
	return at;
}

size_t vc_net_frame(uint8_t *buf, size_t max, const struct vc_net_flow *f, size_t payload, uint32_t tag)
{
	return build(buf, max, f, NULL, 0, payload, tag);
}

size_t vc_net_frame_vxlan(uint8_t *buf, size_t max, const struct vc_net_flow *f, const uint8_t *inner,
			  size_t inner_len)
{
	uint8_t data[VC_NET_MAX_FRAME];
	struct vc_net_flow outer = *f;

	if (f->l4 != VC_NET_L4_UDP || inner_len + VXLAN_HLEN > sizeof(data))
		return 0;
	memset(data, 0, VXLAN_HLEN);
	data[0] = 0x08;                                /* VNI present */
	be32(data + 4, 0x76 << 8);                     /* VNI 0x76 */
	memcpy(data + VXLAN_HLEN, inner, inner_len);
	outer.dport = VC_NET_VXLAN_PORT;
	return build(buf, max, &outer, data, inner_len + VXLAN_HLEN, 0, 0);
}

bool vc_net_parse(const uint8_t *f, size_t len, struct vc_net_parsed *p)
{
	size_t at = 12;

	memset(p, 0, sizeof(*p));
	if (len < VC_NET_ETH_HLEN)
		return false;
	p->ethertype = rd16(f + 12);
	if (p->ethertype == ETH_P_8021Q) {
		if (len < 18)
			return false;
		p->vlan = rd16(f + 14) & 0xfff;
		p->ethertype = rd16(f + 16);
		at = 16;
	}
	at += 2;
	p->end = len;
	if (p->ethertype == ETH_P_IP && len >= at + 20 && (f[at] >> 4) == 4) {
		size_t ihl = (size_t)(f[at] & 15) * 4, tot = rd16(f + at + 2);
		if (ihl < 20 || tot < ihl || at + tot > len)
			return false;
		p->ip = 4;
		p->l3 = at;
		p->end = at + tot;
		p->proto = f[at + 9];
		if (rd16(f + at + 6) & 0x3fff)        /* a fragment: no transport header here */
			return true;
		at += ihl;
	} else if (p->ethertype == ETH_P_IPV6 && len >= at + 40 && (f[at] >> 4) == 6) {
		size_t end = at + 40 + rd16(f + at + 4);
		if (end > len)
			return false;
		p->ip = 6;
		p->l3 = at;
		p->end = end;
		p->proto = f[at + 6];
		at += 40;
		while (p->proto == IP6_DSTOPTS || p->proto == IP6_HOPOPTS || p->proto == IP6_ROUTING) {
			if (at + 8 > end)
				return false;
			p->ip6_ext = true;
			p->proto = f[at];
			at += ((size_t)f[at + 1] + 1) * 8;
		}
	} else {
		p->payload = at;
	}
	if (p->ip && (p->proto == IPPROTO_TCP_ || p->proto == IPPROTO_UDP_)) {
		size_t hl = p->proto == IPPROTO_UDP_ ? 8 : at + 13 <= p->end ? (size_t)(f[at + 12] >> 4) * 4 : 0;
		if (hl < 8 || at + hl > p->end)
			return false;
		p->l4 = at;
		p->payload = at + hl;
		p->vxlan = p->proto == IPPROTO_UDP_ && rd16(f + at + 2) == VC_NET_VXLAN_PORT;
	}
	if (p->payload && p->payload + VC_NET_TAG_LEN <= p->end && !memcmp(f + p->payload, tag_magic, 4)) {
		p->tagged = true;
		p->tag = rd32(f + p->payload + 4);
	}
	return true;
}

bool vc_net_frame_tag(const uint8_t *f, size_t len, uint32_t *tag)
{
	struct vc_net_parsed p;

	if (!vc_net_parse(f, len, &p))
		return false;
	if (p.vxlan && p.payload + VXLAN_HLEN < p.end)
		return vc_net_frame_tag(f + p.payload + VXLAN_HLEN, p.end - p.payload - VXLAN_HLEN, tag);
	*tag = p.tag;
	return p.tagged;
}

int vc_net_l4_csum_ok(const uint8_t *f, size_t len)
{
	struct vc_net_parsed p;

	if (!vc_net_parse(f, len, &p) || !p.l4)
		return -1;
	size_t l4len = p.end - p.l4;
	if (p.proto == IPPROTO_UDP_ && p.ip == 4 && rd16(f + p.l4 + 6) == 0)
		return -1;
	return vc_net_fold(vc_net_sum(vc_net_pseudo_sum(f, &p, l4len), f + p.l4, l4len)) == 0xffff;
}

bool vc_net_ip4_csum_ok(const uint8_t *f, const struct vc_net_parsed *p)
{
	return p->ip != 4 || vc_net_fold(vc_net_sum(0, f + p->l3, (size_t)(f[p->l3] & 15) * 4)) == 0xffff;
}

bool vc_net_csum_complete(uint8_t *f, size_t len, unsigned csum_start, unsigned csum_offset)
{
	if ((size_t)csum_start + csum_offset + 2 > len)
		return false;
	be16(f + csum_start + csum_offset, (uint16_t)~vc_net_fold(vc_net_sum(0, f + csum_start, len - csum_start)));
	return true;
}

uint32_t vc_net_toeplitz(const uint8_t *key, size_t keylen, const uint8_t *in, size_t inlen)
{
	uint32_t hash = 0, window;

	if (keylen < 4)
		return 0;
	window = rd32(key);
	for (size_t i = 0; i < inlen; i++)
		for (int b = 7; b >= 0; b--) {
			if ((in[i] >> b) & 1)
				hash ^= window;
			size_t k = 32 + i * 8 + (size_t)(7 - b);       /* the key bit that shifts in */
			window = window << 1 | (k / 8 < keylen ? (key[k / 8] >> (7 - k % 8)) & 1u : 0u);
		}
	return hash;
}

unsigned vc_net_hash_input(const uint8_t *f, size_t len, uint32_t types, uint8_t in[36], size_t *inlen)
{
	struct vc_net_parsed p;
	bool tcp, udp;

	*inlen = 0;
	if (!vc_net_parse(f, len, &p) || !p.ip)
		return 0;
	tcp = p.l4 && p.proto == IPPROTO_TCP_;
	udp = p.l4 && p.proto == IPPROTO_UDP_;
	size_t alen = p.ip == 4 ? 4 : 16;
	memcpy(in, f + p.l3 + (p.ip == 4 ? 12 : 8), 2 * alen);
	*inlen = 2 * alen;
	unsigned report = 0;
	if (p.ip == 4)
		report = tcp && (types & VIRTIO_NET_HASH_TYPE_TCPv4) ? 2 : udp && (types & VIRTIO_NET_HASH_TYPE_UDPv4) ? 3
			 : (types & VIRTIO_NET_HASH_TYPE_IPv4) ? 1 : 0;
	else if (p.ip6_ext && (tcp ? (types & VIRTIO_NET_HASH_TYPE_TCP_EX) : udp && (types & VIRTIO_NET_HASH_TYPE_UDP_EX)))
		report = tcp ? 8 : 9;
	else if (p.ip6_ext && (types & VIRTIO_NET_HASH_TYPE_IP_EX))
		report = 7;
	else
		report = tcp && (types & VIRTIO_NET_HASH_TYPE_TCPv6) ? 5 : udp && (types & VIRTIO_NET_HASH_TYPE_UDPv6) ? 6
			 : (types & VIRTIO_NET_HASH_TYPE_IPv6) ? 4 : 0;
	bool ports = report == 2 || report == 3 || report == 5 || report == 6 || report == 8 || report == 9;
	if (ports) {
		memcpy(in + *inlen, f + p.l4, 4);
		*inlen += 4;
	}
	if (!report)
		*inlen = 0;
	return report;
}
