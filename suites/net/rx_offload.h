/* Shared by the receive offload checks (rx_gso.c, rx_csum.c, rx_tunnel.c):
 * large frames built and put on the wire, the packets delivered before a
 * sentinel handed to a check. */
#ifndef VC_SUITES_NET_RX_OFFLOAD_H
#define VC_SUITES_NET_RX_OFFLOAD_H

#include "net.h"

#define RXO_BIG 20000          /* a payload no MTU carries: what coalescing makes */

/* A frame to the device's address: `payload` bytes over `l4`/IPv`ip`,
 * ECN marked (IP CE, TCP CWR) when asked, the transport checksum `csum`. */
size_t rxo_frame(struct net_session *ns, uint8_t *b, unsigned ip, enum vc_net_l4 l4, size_t payload, bool ecn,
		 enum vc_net_csum csum);
/* VXLAN over UDP/IPv4 to the device, carrying TCP/IPv4 of `payload` bytes;
 * the outer UDP checksum `outer` (GOOD or ZERO). */
size_t rxo_vxlan(struct net_session *ns, uint8_t *b, size_t payload, enum vc_net_csum outer);

/* net_start with 12 receive buffers of 65609 bytes on receiveq1. */
bool rxo_start(struct vc_ctx *c, struct net_session *ns, const unsigned *need, const unsigned *opt);

/* A check on one delivered packet: false ends the clause (a verdict set). */
typedef bool (*rxo_check_fn)(struct net_session *ns, struct vc_net_rx *rx, void *arg);
/* Put the frames on the wire, then a sentinel; each packet delivered up to
 * it goes to check. False when the clause is over. */
bool rxo_run(struct net_session *ns, const uint8_t *const *frames, const size_t *lens, unsigned n, rxo_check_fn check,
	     void *arg, const char *what);
bool rxo_one(struct net_session *ns, const uint8_t *frame, size_t len, rxo_check_fn check, void *arg,
	     const char *what);

/* Two transport checksums the same in ones' complement (0 and 0xffff). */
bool rxo_same_csum(uint16_t a, uint16_t b);
/* The TCP/UDP header csum_start points at, plain or inside VXLAN: *p
 * parsed from f + *base. False when it points at neither. */
bool rxo_transport_at(const uint8_t *f, size_t len, unsigned csum_start, size_t *base, struct vc_net_parsed *p);

#endif
