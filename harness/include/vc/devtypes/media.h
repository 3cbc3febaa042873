/* The media device (virtio type 48): sessions opened and closed on the
 * commandq, V4L2 ioctls with their 64-bit little-endian payloads, MMAP
 * buffers mapped into shared memory region 0, and the events the device
 * queues on the eventq (Device Types / Media Device). Only the V4L2
 * structures the checks use are laid out here, by their field offsets. */
#ifndef VC_DEVTYPES_MEDIA_H
#define VC_DEVTYPES_MEDIA_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_MEDIA 48
#define VIRTIO_MEDIA_COMMANDQ 0
#define VIRTIO_MEDIA_EVENTQ 1
#define VIRTIO_MEDIA_SHM_MMAP 0         /* the shared memory region MMAP buffers are mapped in */

/* struct virtio_media_config */
#define VIRTIO_MEDIA_CFG_DEVICE_CAPS 0  /* le32 */
#define VIRTIO_MEDIA_CFG_DEVICE_TYPE 4  /* le32 */
#define VIRTIO_MEDIA_CFG_CARD 8         /* 32 bytes */
#define VIRTIO_MEDIA_CFG_LEN 40

#define VIRTIO_MEDIA_CMD_OPEN 1
#define VIRTIO_MEDIA_CMD_CLOSE 2
#define VIRTIO_MEDIA_CMD_IOCTL 3
#define VIRTIO_MEDIA_CMD_MMAP 4
#define VIRTIO_MEDIA_CMD_MUNMAP 5
#define VIRTIO_MEDIA_MMAP_FLAG_RW 1u

#define VIRTIO_MEDIA_EVT_ERROR 0
#define VIRTIO_MEDIA_EVT_DQBUF 1
#define VIRTIO_MEDIA_EVT_EVENT 2

/* Linux error codes the device answers with */
#define VC_MEDIA_EINVAL 22
#define VC_MEDIA_ENOTTY 25
#define VC_MEDIA_EBUSY 16
#define VC_MEDIA_EIO 5

/* Sizes: a command or response header, the responses with fields, an
 * event buffer that holds the largest event (DQBUF: header, v4l2_buffer,
 * VIRTIO_MEDIA_MAX_PLANES planes). */
#define VC_MEDIA_HDR 8
#define VC_MEDIA_RESP_OPEN 16
#define VC_MEDIA_RESP_MMAP 24
#define VIRTIO_MEDIA_MAX_PLANES 8
#define VC_MEDIA_EVENT_LEN (8 + VC_V4L2_BUFFER + VIRTIO_MEDIA_MAX_PLANES * VC_V4L2_PLANE)

/* V4L2 ioctl codes (the second argument of their _IO* macro) */
#define VC_VIDIOC_QUERYCAP 0
#define VC_VIDIOC_G_FMT 4
#define VC_VIDIOC_S_FMT 5
#define VC_VIDIOC_REQBUFS 8
#define VC_VIDIOC_QUERYBUF 9
#define VC_VIDIOC_QBUF 15
#define VC_VIDIOC_EXPBUF 16
#define VC_VIDIOC_STREAMON 18
#define VC_VIDIOC_STREAMOFF 19
#define VC_VIDIOC_LOG_STATUS 70
#define VC_VIDIOC_G_EXT_CTRLS 71
#define VC_VIDIOC_S_EXT_CTRLS 72

#define VC_V4L2_BUF_TYPE_VIDEO_CAPTURE 1
#define VC_V4L2_MEMORY_MMAP 1
#define VC_V4L2_MEMORY_USERPTR 2        /* VIRTIO_MEDIA_SHARED_PAGES */
#define VC_V4L2_MEMORY_DMABUF 4         /* VIRTIO_MEDIA_OBJECT */
#define VC_V4L2_CAP_VIDEO_CAPTURE 0x00000001u
#define VC_V4L2_CAP_STREAMING 0x04000000u
#define VC_V4L2_PIX_FMT_GREY 0x59455247u   /* 'G' 'R' 'E' 'Y' */
#define VC_V4L2_FIELD_NONE 1
#define VC_V4L2_BUF_FLAG_DONE 0x4u
#define VC_V4L2_CID_BRIGHTNESS 0x00980900u
#define VC_VIRTIO_OBJECT_UUID 16

/* struct v4l2_format (64-bit: the union after 4 bytes of padding) with the
 * single-planar struct v4l2_pix_format in it */
#define VC_V4L2_FORMAT 208
#define VC_FMT_TYPE 0
#define VC_FMT_WIDTH 8
#define VC_FMT_HEIGHT 12
#define VC_FMT_PIXELFORMAT 16
#define VC_FMT_FIELD 20
#define VC_FMT_BYTESPERLINE 24
#define VC_FMT_SIZEIMAGE 28

/* struct v4l2_requestbuffers */
#define VC_V4L2_REQBUFS 20
#define VC_REQBUFS_COUNT 0
#define VC_REQBUFS_TYPE 4
#define VC_REQBUFS_MEMORY 8

/* struct v4l2_buffer (64-bit: timestamp at 24, the union m at 64) */
#define VC_V4L2_BUFFER 88
#define VC_BUF_INDEX 0
#define VC_BUF_TYPE 4
#define VC_BUF_BYTESUSED 8
#define VC_BUF_FLAGS 12
#define VC_BUF_FIELD 16
#define VC_BUF_SEQUENCE 56
#define VC_BUF_MEMORY 60
#define VC_BUF_M 64                     /* offset (le32), userptr (le64), fd (le32) */
#define VC_BUF_LENGTH 72
#define VC_V4L2_PLANE 64

/* struct v4l2_exportbuffer */
#define VC_V4L2_EXPBUF 64
#define VC_EXPBUF_TYPE 0
#define VC_EXPBUF_INDEX 4
#define VC_EXPBUF_FD 16

/* struct v4l2_ext_controls (64-bit: the controls pointer at 24) followed
 * by `count` struct v4l2_ext_control (packed: id, size, reserved, value) */
#define VC_V4L2_EXT_CTRLS 32
#define VC_EXT_CTRLS_COUNT 4
#define VC_EXT_CTRLS_ERROR_IDX 8
#define VC_EXT_CTRLS_CONTROLS 24
#define VC_V4L2_EXT_CTRL 20
#define VC_EXT_CTRL_ID 0
#define VC_EXT_CTRL_SIZE 4
#define VC_EXT_CTRL_VALUE 12

/* struct virtio_media_sg_entry */
#define VC_MEDIA_SG 16

/* The bytes a frame holds, as the sim's capture device makes them: byte k
 * of the frame with sequence number seq. The checks compare with it. */
static inline uint8_t vc_media_pattern(uint32_t seq, uint32_t k)
{
	return (uint8_t)(0x5a ^ (k * 7 + (k >> 8) * 13) ^ (seq * 31));
}

/* An ioctl on a session: payload_out (len_out bytes, 0 for none) follows
 * the command in the readable part, then `extra` readable bytes (SG
 * entries that only the device reads); the response header and len_in
 * bytes of payload come back writable into payload_in, which is
 * prefilled with 0xee. *status is the response's status, *used the used
 * length. 0 or a transport error (-ETIMEDOUT). */
struct vc_media_ioctl {
	uint32_t session, code;
	const void *payload_out;
	uint32_t len_out;
	const void *extra;
	uint32_t extra_len;
	void *payload_in;
	uint32_t len_in;
	uint32_t status, used;
};
int vc_media_ioctl(struct vc_dev *d, struct vc_media_ioctl *io, unsigned ms);

/* OPEN: *status and, on success, *session. */
int vc_media_open(struct vc_dev *d, uint32_t *status, uint32_t *session, unsigned ms);
/* CLOSE (no response is required: the request carries no writable part). */
int vc_media_close(struct vc_dev *d, uint32_t session, unsigned ms);
/* MMAP of the plane at mem_offset `offset`: status, driver_addr, len. */
int vc_media_mmap(struct vc_dev *d, uint32_t session, uint32_t flags, uint32_t offset, uint32_t *status,
		  uint64_t *addr, uint64_t *len, unsigned ms);
int vc_media_munmap(struct vc_dev *d, uint64_t addr, uint32_t *status, unsigned ms);

/* A v4l2_format for a single-planar capture queue (S_FMT's request). */
void vc_media_pix_format(uint8_t *fmt, uint32_t width, uint32_t height);
/* A v4l2_buffer of the capture queue: index, memory; m and length set by
 * the caller. */
void vc_media_buffer(uint8_t *buf, uint32_t index, uint32_t memory);

#endif
