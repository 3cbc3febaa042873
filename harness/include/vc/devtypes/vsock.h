/* The socket device (virtio type 19): packets on rx and tx, the guest's
 * CID, stream flows with credit. */
#ifndef VC_DEVTYPES_VSOCK_H
#define VC_DEVTYPES_VSOCK_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_VSOCK 19
#define VIRTIO_VSOCK_F_STREAM 0
#define VIRTIO_VSOCK_F_SEQPACKET 1
#define VIRTIO_VSOCK_F_NO_IMPLIED_STREAM 2
#define VIRTIO_VSOCK_RX 0
#define VIRTIO_VSOCK_TX 1
#define VIRTIO_VSOCK_EVENT 2
#define VIRTIO_VSOCK_CFG_GUEST_CID 0
#define VIRTIO_VSOCK_HOST_CID 2
#define VIRTIO_VSOCK_TYPE_STREAM 1
#define VIRTIO_VSOCK_TYPE_SEQPACKET 2
enum {
	VIRTIO_VSOCK_OP_INVALID = 0, VIRTIO_VSOCK_OP_REQUEST, VIRTIO_VSOCK_OP_RESPONSE, VIRTIO_VSOCK_OP_RST,
	VIRTIO_VSOCK_OP_SHUTDOWN, VIRTIO_VSOCK_OP_RW, VIRTIO_VSOCK_OP_CREDIT_UPDATE, VIRTIO_VSOCK_OP_CREDIT_REQUEST,
};
#define VIRTIO_VSOCK_HDR_SIZE 44

struct vc_vsock_hdr {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port, len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
};
void vc_vsock_hdr_encode(uint8_t *b, const struct vc_vsock_hdr *h);
struct vc_vsock_hdr vc_vsock_hdr_decode(const uint8_t *b);
const char *vc_vsock_op_name(uint16_t op);

#endif
