/* The network device's suites (suites/net/): labels, and a clause's
 * driver session on a NIC with its link partner: features negotiated,
 * queues set up, frames put on the wire and read back, packets received
 * until a sentinel frame shows everything sent before it was handled. */
#ifndef VC_SUITES_NET_H
#define VC_SUITES_NET_H

#include "vc/clause.h"
#include "vc/devtypes/admin.h"
#include "vc/devtypes/net.h"

#define L_NET "Device Types / Network Device"
#define L_NET_CFG L_NET " / Device configuration layout"
#define L_NET_OP L_NET " / Device Operation"
#define L_NET_TX L_NET_OP " / Packet Transmission"
#define L_NET_RXBUF L_NET_OP " / Setting Up Receive Buffers"
#define L_NET_RX L_NET_OP " / Processing of Incoming Packets"
#define L_NET_CTRL L_NET_OP " / Control Virtqueue"
#define L_NET_INNERHASH L_NET_CTRL " / Inner Header Hash"
#define L_NET_RXFILTER L_NET_CTRL " / Packet Receive Filtering"
#define L_NET_MAC L_NET_CTRL " / Setting MAC Address Filtering"
#define L_NET_VLAN L_NET_CTRL " / VLAN Filtering"
#define L_NET_ANNOUNCE L_NET_CTRL " / Gratuitous Packet Sending"
#define L_NET_MQ L_NET_CTRL " / Automatic receive steering in multiqueue mode"
#define L_NET_RSS L_NET_CTRL " / Receive-side scaling (RSS) / RSS processing"
#define L_NET_RSSCTX L_NET_CTRL " / RSS Context"
#define L_NET_OFFLOADS L_NET_CTRL " / Offloads State Configuration / Setting Offloads State"
#define L_NET_COAL L_NET_CTRL " / Notifications Coalescing"
#define L_NET_STATS L_NET_CTRL " / Device Statistics"

/* Feature lists: bit numbers, ended by NET_END. */
#define NET_END (~0u)
#define NET_BITS(...) ((const unsigned[]){ __VA_ARGS__, NET_END })
#define NET_NONE ((const unsigned[]){ NET_END })

/* What a driving clause needs from the backend. */
#define NET_NEEDS (NEED_BAR_WRITE | NEED_COMMON | NEED_DMA)
#define NET_PEER_NEEDS (NET_NEEDS | NEED_PEER)

/* Receive buffer sizes the spec asks of a driver without MRG_RXBUF. */
#define NET_RXBUF_SMALL 1526u         /* 12-byte header + 1514 */
#define NET_RXBUF_BIG 65609u          /* the 20-byte header + 65589: enough with any feature set */

struct net_session {
	struct vc_ctx *c;
	struct vc_driver drv;
	struct vc_net net;
	unsigned wait_ms;               /* how long a frame may take: the device timeout */
	bool rx_irq;                    /* receiveq1 alone routed to an interrupt */
	struct vc_admin admin;          /* with VIRTIO_F_ADMIN_VQ negotiated: the administration queue */
	bool has_admin;
};

/* Reset; negotiate VERSION_1, every bit of `need` (not offered: SKIP naming
 * it) and the bits of `opt` the device offers; set up `pairs` queue pairs
 * (and the control queue when negotiated); DRIVER_OK; the link partner's
 * captured frames forgotten. False when the clause is over (a verdict set). */
bool net_start(struct vc_ctx *c, struct net_session *ns, const unsigned *need, const unsigned *opt, unsigned pairs);
/* net_start with one pair whose receiveq1 alone has an interrupt routed
 * (MSI-X vector 0, or INTx without MSI-X) before DRIVER_OK. */
bool net_start_irq(struct vc_ctx *c, struct net_session *ns, const unsigned *need, const unsigned *opt);
/* Reset and start again with the same features (after a check changed state). */
bool net_restart(struct net_session *ns, unsigned pairs);
bool net_has(const struct net_session *ns, unsigned bit);
/* SKIP unless the device offers `bit` (a static check's precondition). */
bool net_offered(struct vc_ctx *c, unsigned bit);

/* Configuration fields (ERROR verdict when unreadable). */
bool net_cfg(struct vc_ctx *c, unsigned off, unsigned width, uint64_t *v);

/* Receive buffers on receive queue q (ERROR verdict on failure). */
bool net_fill(struct net_session *ns, unsigned q, unsigned count, uint32_t size, unsigned pieces);
/* Fill every set-up receive queue with `count` buffers of `size` bytes. */
bool net_fill_all(struct net_session *ns, unsigned count, uint32_t size);

/* A frame on the wire toward the device. */
bool net_inject(struct net_session *ns, const uint8_t *f, size_t len);
/* A frame for flow `f` with `payload` bytes and a fresh tag, on the wire. */
bool net_inject_flow(struct net_session *ns, const struct vc_net_flow *f, size_t payload, uint32_t *tag);
/* A small tagged frame every filter setting accepts: to the device's
 * address (broadcast when `bcast`), no IP. */
bool net_sentinel(struct net_session *ns, bool bcast, uint32_t *tag);

/* Take packets from every set-up receive queue until the one tagged
 * `until` has come and the queues are empty (it is handed over too), each
 * handed to `fn` (NULL: dropped)
 * (returning false ends the wait: the clause has its verdict). 0, or
 * -ETIMEDOUT after a FAIL naming `what`, or another error after an ERROR. */
typedef bool (*net_rx_fn)(struct net_session *ns, struct vc_net_rx *rx, void *arg);
int net_receive_until(struct net_session *ns, uint32_t until, net_rx_fn fn, void *arg, const char *what);

/* Transmit with header h (ERROR verdict on failure: not used in time). */
bool net_send(struct net_session *ns, unsigned q, const struct vc_net_hdr *h, const uint8_t *f, size_t len,
	      unsigned pieces);
/* The frame tagged `tag` from the link partner within the device timeout:
 * FAIL naming `what` when it never comes. */
bool net_capture(struct net_session *ns, uint32_t tag, uint8_t *buf, size_t max, size_t *len, const char *what);
/* Read the wire until the frame tagged `until` (FAIL naming `what` when
 * it never comes); *seen: the frame tagged `watch` came before it. */
bool net_capture_watch(struct net_session *ns, uint32_t until, uint32_t watch, bool *seen, const char *what);
/* Frames the link partner captures within the quiet time after the device
 * settled: *got with the first. 0, or an ERROR's errno. */
int net_capture_next(struct net_session *ns, uint8_t *buf, size_t max, size_t *len, unsigned ms);

/* A control command that must succeed: FAIL naming it on VIRTIO_NET_ERR
 * (or no answer), ERROR on a backend failure. */
bool net_ctrl_ok(struct net_session *ns, uint8_t cls, uint8_t cmd, const void *data, size_t len, const char *what);
/* An RX-class mode on or off. */
bool net_rx_mode(struct net_session *ns, uint8_t cmd, bool on);

/* The first byte where a and b differ, or -1. */
long net_diff(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* FAIL (`what`) with the first differing byte when the frame came changed. */
bool net_same_frame(struct vc_ctx *c, const uint8_t *sent, size_t slen, const uint8_t *got, size_t glen,
		    const char *what);

/* A scratch frame buffer for each of two uses in a clause. */
uint8_t *net_buf(unsigned which);

#endif
