/* CAN device clauses' shared session (suites/can/). */
#ifndef VC_SUITES_CAN_H
#define VC_SUITES_CAN_H

#include "../devsession.h"
#include "vc/devtypes/can.h"

#define L_CAN_TX "Device Types / CAN Device / Device Operation / CAN Message Transmission"
#define CAN_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define CAN_QUEUES (DS_Q(VIRTIO_CAN_TXQ) | DS_Q(VIRTIO_CAN_RXQ) | DS_Q(VIRTIO_CAN_CONTROLQ))
#define CAN_MAX_FRAMES 16
/* No QEMU has a virtio-can model: the sim is what reaches the clauses. */
#define CAN_TARGETS "sim:type=36"

struct can {
	struct vc_dev d;
	struct ds_stream rx;
};

/* Negotiate `need` (SKIP without) and what of `want` is offered, set up the
 * three queues and fill the Rxq before DRIVER_OK (CAN-INIT-DRV-1). */
bool can_open(struct vc_ctx *c, struct can *s, uint64_t need, uint64_t want);
/* START or STOP answered OK; SKIP when the controller refuses. */
bool can_mode(struct vc_ctx *c, struct can *s, uint16_t msg_type);
/* Each frame sent and its result read (one at a time, in order). */
bool can_tx(struct vc_ctx *c, struct can *s, const struct vc_can_frame *f, unsigned n, uint8_t *result);
/* What the bus partner received since the last look (host action can-recv;
 * SKIP when the backend has none). */
bool can_captured(struct vc_ctx *c, struct vc_can_frame *out, unsigned max, unsigned *n);
/* The partner's capture until a frame with can_id `last` shows (frames
 * follow each other on the bus), within the device's timeout. */
bool can_captured_until(struct vc_ctx *c, uint32_t last, struct vc_can_frame *out, unsigned max, unsigned *n);
/* A frame with its sdu filled from `seed`. */
struct vc_can_frame can_frame(uint32_t can_id, uint32_t flags, uint16_t length, uint8_t seed);

#endif
