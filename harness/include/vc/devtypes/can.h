/* The CAN device (virtio type 36): the control queue's START and STOP, CAN
 * frames sent on the Txq with their result, frames received on the Rxq,
 * and the configuration's status (Device Types / CAN Device). */
#ifndef VC_DEVTYPES_CAN_H
#define VC_DEVTYPES_CAN_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_CAN 36
#define VIRTIO_CAN_F_CAN_CLASSIC 0
#define VIRTIO_CAN_F_CAN_FD 1
#define VIRTIO_CAN_F_RTR_FRAMES 2
#define VIRTIO_CAN_F_LATE_TX_ACK 3

#define VIRTIO_CAN_TXQ 0
#define VIRTIO_CAN_RXQ 1
#define VIRTIO_CAN_CONTROLQ 2

#define VIRTIO_CAN_CFG_STATUS 0            /* le16 */
#define VIRTIO_CAN_CFG_LEN 2
#define VIRTIO_CAN_S_CTRL_BUSOFF (1u << 0)

#define VIRTIO_CAN_RESULT_OK 0
#define VIRTIO_CAN_RESULT_NOT_OK 1
#define VIRTIO_CAN_SET_CTRL_MODE_START 0x0201
#define VIRTIO_CAN_SET_CTRL_MODE_STOP 0x0202
#define VIRTIO_CAN_TX 0x0001
#define VIRTIO_CAN_RX 0x0101

#define VIRTIO_CAN_FLAGS_RTR 0x2000u
#define VIRTIO_CAN_FLAGS_FD 0x4000u
#define VIRTIO_CAN_FLAGS_EXTENDED 0x8000u
#define VC_CAN_FLAGS_DEFINED (VIRTIO_CAN_FLAGS_RTR | VIRTIO_CAN_FLAGS_FD | VIRTIO_CAN_FLAGS_EXTENDED)

/* msg_type, length, reserved_classic_dlc, padding, reserved_xl_priority,
 * flags, can_id: then the sdu */
#define VC_CAN_HDR 16
#define VC_CAN_SDU_MAX 64
/* A receive buffer: the header and the largest sdu (CAN-INIT-DRV-1 asks
 * for at least struct virtio_can_rx). */
#define VC_CAN_RX_BUF (VC_CAN_HDR + VC_CAN_SDU_MAX)

struct vc_can_frame {
	uint32_t can_id, flags;
	uint16_t length;
	uint8_t sdu[VC_CAN_SDU_MAX];
};

/* struct virtio_can_tx_out / virtio_can_rx into out (room for
 * VC_CAN_HDR + length, at most 64 bytes of sdu): its size. */
uint32_t vc_can_encode(uint8_t *out, uint16_t msg_type, const struct vc_can_frame *f);
/* A received message (len bytes): its msg_type and frame; -EINVAL when
 * shorter than its header and length say. */
int vc_can_decode(const uint8_t *b, uint32_t len, uint16_t *msg_type, struct vc_can_frame *f);
/* A frame as text for the host actions (vc/devtypes/host.h): "ID FLAGS
 * DATA", hex, DATA "-" when empty; vc_can_parse takes it back (0, -EINVAL). */
void vc_can_format(const struct vc_can_frame *f, char *out, size_t outlen);
int vc_can_parse(const char *text, struct vc_can_frame *f);
bool vc_can_same(const struct vc_can_frame *a, const struct vc_can_frame *b);

/* A control message (START or STOP) answered: its result byte. */
int vc_can_control(struct vc_dev *d, uint16_t msg_type, uint8_t *result, unsigned ms);

/* A transmission request: its result once used (prefilled 0xee). */
struct vc_can_tx {
	uint8_t out[VC_CAN_HDR + VC_CAN_SDU_MAX];
	uint8_t result;
	struct vc_req r;
};
/* Make a frame available on the Txq (notified), header and sdu readable,
 * the result byte writable. */
int vc_can_send(struct vc_dev *d, const struct vc_can_frame *f, struct vc_can_tx *t);

#endif
