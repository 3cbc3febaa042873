/* virtio-net, the driver side: the header, receive buffers with and
 * without VIRTIO_NET_F_MRG_RXBUF, transmit with any header and descriptor
 * arrangement, the control virtqueue (harness/devtypes/net.c); and the
 * frames the harness puts on the wire and reads back through the device's
 * link partner (vc_peer_send/vc_peer_recv): Ethernet, 802.1Q, IPv4/IPv6,
 * UDP/TCP, VXLAN, checksums right, wrong or left partial, the Toeplitz hash
 * (harness/devtypes/net_frame.c). The simulated NIC uses the same frame
 * code to read what it is given. */
#ifndef VC_DEVTYPES_NET_H
#define VC_DEVTYPES_NET_H

#include "vc/driver.h"

/* Feature bits of the network device */
enum {
	VIRTIO_NET_F_CSUM = 0, VIRTIO_NET_F_GUEST_CSUM = 1, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS = 2,
	VIRTIO_NET_F_MTU = 3, VIRTIO_NET_F_MAC = 5, VIRTIO_NET_F_GUEST_TSO4 = 7, VIRTIO_NET_F_GUEST_TSO6 = 8,
	VIRTIO_NET_F_GUEST_ECN = 9, VIRTIO_NET_F_GUEST_UFO = 10, VIRTIO_NET_F_HOST_TSO4 = 11,
	VIRTIO_NET_F_HOST_TSO6 = 12, VIRTIO_NET_F_HOST_ECN = 13, VIRTIO_NET_F_HOST_UFO = 14,
	VIRTIO_NET_F_MRG_RXBUF = 15, VIRTIO_NET_F_STATUS = 16, VIRTIO_NET_F_CTRL_VQ = 17,
	VIRTIO_NET_F_CTRL_RX = 18, VIRTIO_NET_F_CTRL_VLAN = 19, VIRTIO_NET_F_CTRL_RX_EXTRA = 20,
	VIRTIO_NET_F_GUEST_ANNOUNCE = 21, VIRTIO_NET_F_MQ = 22, VIRTIO_NET_F_CTRL_MAC_ADDR = 23,
	VIRTIO_NET_F_DEVICE_STATS = 50, VIRTIO_NET_F_HASH_TUNNEL = 51, VIRTIO_NET_F_VQ_NOTF_COAL = 52,
	VIRTIO_NET_F_NOTF_COAL = 53, VIRTIO_NET_F_GUEST_USO4 = 54, VIRTIO_NET_F_GUEST_USO6 = 55,
	VIRTIO_NET_F_HOST_USO = 56, VIRTIO_NET_F_HASH_REPORT = 57, VIRTIO_NET_F_GUEST_HDRLEN = 59,
	VIRTIO_NET_F_RSS = 60, VIRTIO_NET_F_RSC_EXT = 61, VIRTIO_NET_F_STANDBY = 62,
	VIRTIO_NET_F_SPEED_DUPLEX = 63, VIRTIO_NET_F_RSS_CONTEXT = 64, VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO = 65,
	VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM = 66, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO = 67,
	VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM = 68, VIRTIO_NET_F_OUT_NET_HEADER = 69, VIRTIO_NET_F_IPSEC = 70,
};

/* "MRG_RXBUF" for VIRTIO_NET_F_MRG_RXBUF; NULL for a bit the chapter does not define. */
const char *vc_net_feature_name(unsigned bit);

/* struct virtio_net_config */
enum {
	VIRTIO_NET_CFG_MAC = 0, VIRTIO_NET_CFG_STATUS = 6, VIRTIO_NET_CFG_MAX_PAIRS = 8, VIRTIO_NET_CFG_MTU = 10,
	VIRTIO_NET_CFG_SPEED = 12, VIRTIO_NET_CFG_DUPLEX = 16, VIRTIO_NET_CFG_RSS_KEY = 17,
	VIRTIO_NET_CFG_RSS_TABLE = 18, VIRTIO_NET_CFG_HASH_TYPES = 20, VIRTIO_NET_CFG_TUNNEL_TYPES = 24,
	VIRTIO_NET_CFG_SIZE = 28,
	VIRTIO_NET_S_LINK_UP = 1, VIRTIO_NET_S_ANNOUNCE = 2,
};

/* struct virtio_net_hdr: flags, gso types */
enum {
	VIRTIO_NET_HDR_F_NEEDS_CSUM = 1, VIRTIO_NET_HDR_F_DATA_VALID = 2, VIRTIO_NET_HDR_F_RSC_INFO = 4,
	VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM = 8, VIRTIO_NET_HDR_F_SECURITY = 16, VIRTIO_NET_HDR_F_SECURITY_ERR = 32,
	VIRTIO_NET_HDR_F_SA_SOFT_EXPIRY_WARN = 64,
	VIRTIO_NET_HDR_GSO_NONE = 0, VIRTIO_NET_HDR_GSO_TCPV4 = 1, VIRTIO_NET_HDR_GSO_UDP = 3,
	VIRTIO_NET_HDR_GSO_TCPV6 = 4, VIRTIO_NET_HDR_GSO_UDP_L4 = 5, VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4 = 0x20,
	VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV6 = 0x40, VIRTIO_NET_HDR_GSO_ECN = 0x80,
};

/* The header, every field the 1.4 layout has; vc_net_hdr_size() says how
 * much of it the negotiated features put on the queues. */
struct vc_net_hdr {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
	uint32_t hash_value;
	uint16_t hash_report, padding_reserved;
	uint16_t outer_th_offset, inner_nh_offset, outer_nh_offset;
	uint32_t resource_id;
	uint16_t resource_type;
};
#define VC_NET_HDR_MAX 32
/* 32 with OUT_NET_HEADER or IPSEC, 24 with a UDP tunnel GSO feature, 20
 * with HASH_REPORT, else 12 (Setting Up Receive Buffers). */
unsigned vc_net_hdr_size(const uint32_t features[VC_FEATURE_WORDS]);
void vc_net_hdr_put(uint8_t *b, const struct vc_net_hdr *h);
void vc_net_hdr_get(const uint8_t *b, unsigned size, struct vc_net_hdr *h);

/* Control virtqueue classes and commands */
enum {
	VIRTIO_NET_CTRL_RX = 0, VIRTIO_NET_CTRL_RX_PROMISC = 0, VIRTIO_NET_CTRL_RX_ALLMULTI = 1,
	VIRTIO_NET_CTRL_RX_ALLUNI = 2, VIRTIO_NET_CTRL_RX_NOMULTI = 3, VIRTIO_NET_CTRL_RX_NOUNI = 4,
	VIRTIO_NET_CTRL_RX_NOBCAST = 5,
	VIRTIO_NET_CTRL_MAC = 1, VIRTIO_NET_CTRL_MAC_TABLE_SET = 0, VIRTIO_NET_CTRL_MAC_ADDR_SET = 1,
	VIRTIO_NET_CTRL_VLAN = 2, VIRTIO_NET_CTRL_VLAN_ADD = 0, VIRTIO_NET_CTRL_VLAN_DEL = 1,
	VIRTIO_NET_CTRL_ANNOUNCE = 3, VIRTIO_NET_CTRL_ANNOUNCE_ACK = 0,
	VIRTIO_NET_CTRL_MQ = 4, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET = 0, VIRTIO_NET_CTRL_MQ_RSS_CONFIG = 1,
	VIRTIO_NET_CTRL_MQ_HASH_CONFIG = 2,
	VIRTIO_NET_CTRL_GUEST_OFFLOADS = 5, VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET = 0,
	VIRTIO_NET_CTRL_NOTF_COAL = 6, VIRTIO_NET_CTRL_NOTF_COAL_TX_SET = 0, VIRTIO_NET_CTRL_NOTF_COAL_RX_SET = 1,
	VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET = 2, VIRTIO_NET_CTRL_NOTF_COAL_VQ_GET = 3,
	VIRTIO_NET_CTRL_HASH_TUNNEL = 7, VIRTIO_NET_CTRL_HASH_TUNNEL_SET = 0,
	VIRTIO_NET_CTRL_STATS = 8, VIRTIO_NET_CTRL_STATS_QUERY = 0, VIRTIO_NET_CTRL_STATS_GET = 1,
	VIRTNET_RSS_CTX_CTRL = 9, VIRTNET_RSS_CTX_CTRL_CAP_GET = 0, VIRTNET_RSS_CTX_CTRL_ADD = 1,
	VIRTNET_RSS_CTX_CTRL_MOD = 2, VIRTNET_RSS_CTX_CTRL_DEL = 3,
	VIRTIO_NET_OK = 0, VIRTIO_NET_ERR = 1,
};

/* Hash types (supported_hash_types, hash_types) and hash_report values */
enum {
	VIRTIO_NET_HASH_TYPE_IPv4 = 1 << 0, VIRTIO_NET_HASH_TYPE_TCPv4 = 1 << 1, VIRTIO_NET_HASH_TYPE_UDPv4 = 1 << 2,
	VIRTIO_NET_HASH_TYPE_IPv6 = 1 << 3, VIRTIO_NET_HASH_TYPE_TCPv6 = 1 << 4, VIRTIO_NET_HASH_TYPE_UDPv6 = 1 << 5,
	VIRTIO_NET_HASH_TYPE_IP_EX = 1 << 6, VIRTIO_NET_HASH_TYPE_TCP_EX = 1 << 7, VIRTIO_NET_HASH_TYPE_UDP_EX = 1 << 8,
	VIRTIO_NET_HASH_REPORT_NONE = 0,
	VIRTIO_NET_HASH_TUNNEL_TYPE_VXLAN = 1 << 4,
};

/* ---- frames (net_frame.c) ---- */

#define VC_NET_ETH_HLEN 14
#define VC_NET_MAX_FRAME (65535 + 54)      /* 14 + 40 + the largest IPv6 payload */
#define VC_NET_ETHERTYPE_TEST 0x88b5        /* IEEE local experimental: no IP */
#define VC_NET_VXLAN_PORT 4789

enum vc_net_l4 { VC_NET_L4_NONE, VC_NET_L4_UDP, VC_NET_L4_TCP };
/* The transport checksum as the frame carries it. */
enum vc_net_csum {
	VC_NET_CSUM_GOOD,        /* complete and correct */
	VC_NET_CSUM_BAD,         /* complete, wrong by one */
	VC_NET_CSUM_PARTIAL,     /* the pseudo-header sum, for the device to complete (NEEDS_CSUM) */
	VC_NET_CSUM_ZERO,        /* UDP: none */
};

struct vc_net_flow {
	uint8_t dst[6], src[6];
	uint16_t vlan;           /* 802.1Q VID 1..4094; 0: untagged */
	unsigned ip;             /* 4, 6, or 0: VC_NET_ETHERTYPE_TEST and the payload */
	bool ip6_ext;            /* IPv6: a destination-options extension header first */
	enum vc_net_l4 l4;
	uint8_t saddr[16], daddr[16];    /* IPv4 uses the first 4 */
	uint16_t sport, dport;
	uint32_t seq;            /* TCP */
	bool ecn;                /* IP ECN CE and TCP CWR */
	enum vc_net_csum csum;
	uint16_t ip_id;
};

/* The payload starts with the tag: 4 magic bytes and a 32-bit number, so a
 * frame read back is known for the one the harness made. */
#define VC_NET_TAG_LEN 8

/* A frame for flow `f` with `payload` bytes (at least VC_NET_TAG_LEN; a
 * pattern the tag determines after it). Returns its length, 0 when it does
 * not fit `max` or the flow is inconsistent. */
size_t vc_net_frame(uint8_t *buf, size_t max, const struct vc_net_flow *f, size_t payload, uint32_t tag);
/* `inner` carried in VXLAN over UDP port 4789 by the outer flow `f` (its
 * l4 is UDP; its csum applies to the outer UDP header). */
size_t vc_net_frame_vxlan(uint8_t *buf, size_t max, const struct vc_net_flow *f, const uint8_t *inner,
			  size_t inner_len);
/* A flow with the harness's defaults: its own locally administered source
 * MAC, IPv4 10.99.0.1 -> 10.99.0.2 or fd00:99::1 -> fd00:99::2, ports 40000
 * -> 9 (discard), destination `dst`. */
void vc_net_flow_init(struct vc_net_flow *f, const uint8_t dst[6], unsigned ip, enum vc_net_l4 l4);

/* What a frame holds, offsets from its first byte (0 where absent). */
struct vc_net_parsed {
	uint16_t vlan;                   /* VID, 0 untagged */
	uint16_t ethertype;              /* after any tag */
	unsigned ip;                     /* 4, 6, 0 */
	size_t l3, l4, payload, end;     /* end: the IP datagram's end (<= frame length) */
	uint8_t proto;                   /* IP protocol / IPv6 next header of the transport */
	bool ip6_ext;
	bool tagged;                     /* the payload starts with a harness tag */
	uint32_t tag;
	bool vxlan;                      /* UDP to port 4789: inner frame at payload + 8 */
};
bool vc_net_parse(const uint8_t *f, size_t len, struct vc_net_parsed *p);
/* The tag anywhere a harness frame puts it (also inside VXLAN). */
bool vc_net_frame_tag(const uint8_t *f, size_t len, uint32_t *tag);

/* Internet checksum helpers: the 16-bit ones' complement sum of b (folded,
 * not inverted), starting from `sum`. */
uint32_t vc_net_sum(uint32_t sum, const uint8_t *b, size_t len);
uint16_t vc_net_fold(uint32_t sum);
/* The TCP/UDP pseudo-header sum for the transport at p->l4, length l4len. */
uint32_t vc_net_pseudo_sum(const uint8_t *f, const struct vc_net_parsed *p, size_t l4len);
/* The transport checksum offset inside the transport header (TCP 16, UDP 6). */
unsigned vc_net_csum_field(uint8_t proto);
/* 1: correct, 0: wrong, -1: no TCP/UDP checksum to check (or UDP's 0). */
int vc_net_l4_csum_ok(const uint8_t *f, size_t len);
bool vc_net_ip4_csum_ok(const uint8_t *f, const struct vc_net_parsed *p);
/* Complete the checksum the way NEEDS_CSUM asks: the ones' complement sum
 * from csum_start to the end, stored at csum_start + csum_offset. false
 * when they point outside the frame. */
bool vc_net_csum_complete(uint8_t *f, size_t len, unsigned csum_start, unsigned csum_offset);

/* Toeplitz hash (RSS) of `in` with `key` (keylen >= inlen + 4). */
uint32_t vc_net_toeplitz(const uint8_t *key, size_t keylen, const uint8_t *in, size_t inlen);
/* The hash input RSS takes from a frame under `hash_types`, and the
 * hash_report value it makes (VIRTIO_NET_HASH_REPORT_*): 0 when the frame
 * gets no hash (unclassified). */
unsigned vc_net_hash_input(const uint8_t *f, size_t len, uint32_t hash_types, uint8_t in[36], size_t *inlen);

/* ---- the driver ---- */

#define VC_NET_MAX_PAIRS 4
#define VC_NET_MAX_RXBUF 256

struct vc_net_rxq {
	struct vc_vq vq;
	uint32_t buf_size;               /* each buffer's bytes (all its descriptors) */
	struct { uint64_t addr; uint32_t len; uint8_t pieces; } buf[1024];   /* by id */
	unsigned posted;                 /* in the device's hands */
};

struct vc_net {
	struct vc_driver *drv;
	unsigned hdr_size;               /* vc_net_hdr_size() of the negotiated features */
	unsigned pairs;                  /* queue pairs set up and enabled */
	unsigned max_pairs;              /* the device's (max_virtqueue_pairs with MQ or RSS, else 1) */
	struct vc_net_rxq rx[VC_NET_MAX_PAIRS];
	struct vc_vq tx[VC_NET_MAX_PAIRS];
	struct vc_vq ctrl;
	bool has_ctrl;
	uint8_t mac[6];                  /* the device's address (config mac with VIRTIO_NET_F_MAC) */
	uint32_t next_tag;
};

/* One received packet, reassembled from its buffers. */
struct vc_net_rx {
	unsigned queue;                  /* receive queue index (0 = receiveq1) */
	struct vc_net_hdr hdr;
	uint8_t *frame;                  /* the bytes after the header (caller's buffer) */
	size_t len, max;
	unsigned nbufs;                  /* used buffers taken for it */
	uint32_t used_len[64];           /* each one's used len (first 64) */
	uint32_t buf_size[64];           /* and its size */
	bool together;                   /* all nbufs were used when the first was seen */
	bool tagged;
	uint32_t tag;
};

/* Queues after negotiation: `pairs` receive/transmit pairs (the device's
 * max_virtqueue_pairs bounds it), the control queue when negotiated, each
 * of `size` entries (0: the device's), enabled. No DRIVER_OK, no buffers. */
int vc_net_setup(struct vc_net *n, struct vc_driver *drv, unsigned pairs, uint16_t size);
/* Post `count` receive buffers of `size` bytes on receive queue q, each in
 * `pieces` descriptors, and notify. */
int vc_net_rx_fill(struct vc_net *n, unsigned q, unsigned count, uint32_t size, unsigned pieces);
/* Take the next packet on receive queue q within timeout_ms: 0, -ETIMEDOUT,
 * -EPROTO (a malformed delivery: rx->nbufs/used_len tell), an errno. The
 * header's num_buffers says how many used buffers make the packet; each is
 * taken (waiting for any not yet used, rx->together false then). */
int vc_net_rx_get(struct vc_net *n, unsigned q, struct vc_net_rx *rx, unsigned timeout_ms);
/* Transmit header + frame on transmit queue q in `pieces` descriptors
 * (1: one buffer), notify, and wait for the buffer to be used. */
int vc_net_tx(struct vc_net *n, unsigned q, const struct vc_net_hdr *h, const uint8_t *frame, size_t len,
	      unsigned pieces);
/* A control command: class, command, data (len bytes), then the ack byte
 * and `rlen` bytes of command-specific result (they hold what `result`
 * held until the device writes them). Waits until it is used. */
int vc_net_ctrl(struct vc_net *n, uint8_t cls, uint8_t cmd, const void *data, size_t len, uint8_t *ack, void *result,
		size_t rlen);
/* A one-byte-argument command (RX class, ANNOUNCE with no data: len 0). */
int vc_net_ctrl_u8(struct vc_net *n, uint8_t cls, uint8_t cmd, uint8_t arg, uint8_t *ack);
/* VIRTIO_F_RING_RESET: queue `index` (one set up here) reset: queue_reset
 * written 1 and read until 0 (the device timeout bounds it); a receive
 * queue's buffers forgotten. Then its rings made again and enabled. */
int vc_net_queue_reset(struct vc_net *n, uint16_t index);
int vc_net_queue_restart(struct vc_net *n, uint16_t index);
/* A fresh tag for the next frame the harness makes. */
uint32_t vc_net_tag(struct vc_net *n);

/* The device's link partner: forget every frame it captured so far; wait
 * (timeout_ms) for the frame carrying `tag` (others are skipped; *skipped
 * counts them), copy it into buf. 0, -ETIMEDOUT, -ENOTSUP (no peer). */
int vc_net_peer_flush(struct vc_device *d);
int vc_net_peer_expect(struct vc_device *d, uint32_t tag, uint8_t *buf, size_t max, size_t *len,
		       unsigned timeout_ms, unsigned *skipped);

#endif
