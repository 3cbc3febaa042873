/* The GPU device (virtio type 16): 2D control commands, fences, blobs. */
#ifndef VC_DEVTYPES_GPU_H
#define VC_DEVTYPES_GPU_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_GPU 16
#define VIRTIO_GPU_F_VIRGL 0
#define VIRTIO_GPU_F_EDID 1
#define VIRTIO_GPU_F_RESOURCE_UUID 2
#define VIRTIO_GPU_F_RESOURCE_BLOB 3
#define VIRTIO_GPU_F_CONTEXT_INIT 4
#define VIRTIO_GPU_CONTROLQ 0
#define VIRTIO_GPU_CURSORQ 1

enum {
	VIRTIO_GPU_CMD_GET_DISPLAY_INFO = 0x0100, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, VIRTIO_GPU_CMD_RESOURCE_UNREF,
	VIRTIO_GPU_CMD_SET_SCANOUT, VIRTIO_GPU_CMD_RESOURCE_FLUSH, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
	VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
	VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB = 0x010c,
	VIRTIO_GPU_CMD_CTX_CREATE = 0x0200, VIRTIO_GPU_CMD_CTX_DESTROY,
	VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB = 0x0208, VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB,
	VIRTIO_GPU_RESP_OK_NODATA = 0x1100, VIRTIO_GPU_RESP_OK_DISPLAY_INFO, VIRTIO_GPU_RESP_OK_MAP_INFO = 0x1106,
	VIRTIO_GPU_RESP_ERR_UNSPEC = 0x1200,
};
#define VIRTIO_GPU_FLAG_FENCE 1u
#define VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM 2
#define VIRTIO_GPU_BLOB_MEM_HOST3D 2
#define VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE 1
#define VIRTIO_GPU_SHM_ID_HOST_VISIBLE 1
#define VIRTIO_GPU_HDR_SIZE 24

/* struct virtio_gpu_ctrl_hdr, in and out */
struct vc_gpu_hdr {
	uint32_t type, flags;
	uint64_t fence_id;
	uint32_t ctx_id;
};
void vc_gpu_hdr_encode(uint8_t *b, const struct vc_gpu_hdr *h);
struct vc_gpu_hdr vc_gpu_hdr_decode(const uint8_t *b);

/* One control command: `cmd` (len bytes, its header first, written by the
 * caller) and extra readable bytes (attach_backing's entries), answered
 * into resp (resp_len bytes). vc_dev_call's return codes. */
int vc_gpu_cmd(struct vc_dev *d, const uint8_t *cmd, uint32_t len, const void *extra, uint32_t extra_len,
	       uint8_t *resp, uint32_t resp_len, unsigned ms);

#endif
