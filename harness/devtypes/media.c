/* The media device's driver side (vc/devtypes/media.h). Every command is
 * one request on the commandq: the command (and a payload the device
 * reads) readable, the response (and a payload it writes) writable. */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/media.h"

static void cmd_header(uint8_t *b, uint32_t cmd)
{
	memset(b, 0, VC_MEDIA_HDR);
	vc_put32(b, cmd);
}

int vc_media_ioctl(struct vc_dev *d, struct vc_media_ioctl *io, unsigned ms)
{
	uint8_t cmd[16], resp[VC_MEDIA_HDR], fill[1024];
	struct vc_iov iov[5];
	unsigned n = 0;
	int rc;

	if (io->len_in > sizeof(fill))
		return -EINVAL;
	memset(fill, 0xee, sizeof(fill));
	cmd_header(cmd, VIRTIO_MEDIA_CMD_IOCTL);
	vc_put32(cmd + 8, io->session);
	vc_put32(cmd + 12, io->code);
	iov[n++] = (struct vc_iov){ cmd, NULL, sizeof(cmd), false, 0 };
	if (io->len_out)
		iov[n++] = (struct vc_iov){ io->payload_out, NULL, io->len_out, false, 0 };
	if (io->extra_len)
		iov[n++] = (struct vc_iov){ io->extra, NULL, io->extra_len, false, 0 };
	memset(resp, 0xee, sizeof(resp));
	iov[n++] = (struct vc_iov){ resp, resp, sizeof(resp), true, 0 };
	if (io->len_in)
		iov[n++] = (struct vc_iov){ fill, io->payload_in, io->len_in, true, 0 };
	rc = vc_dev_call(d, VIRTIO_MEDIA_COMMANDQ, iov, n, &io->used, ms);
	io->status = vc_le32(resp);
	return rc;
}

/* A command of `len` bytes answered into a response of rlen bytes. */
static int call(struct vc_dev *d, const uint8_t *cmd, uint32_t len, uint8_t *resp, uint32_t rlen, unsigned ms)
{
	struct vc_iov iov[2] = { { cmd, NULL, len, false, 0 }, { resp, resp, rlen, true, 0 } };

	if (rlen)                       /* CLOSE has no response part (resp NULL) */
		memset(resp, 0xee, rlen);
	return vc_dev_call(d, VIRTIO_MEDIA_COMMANDQ, iov, rlen ? 2 : 1, NULL, ms);
}

int vc_media_open(struct vc_dev *d, uint32_t *status, uint32_t *session, unsigned ms)
{
	uint8_t cmd[VC_MEDIA_HDR], resp[VC_MEDIA_RESP_OPEN];
	int rc;

	cmd_header(cmd, VIRTIO_MEDIA_CMD_OPEN);
	if ((rc = call(d, cmd, sizeof(cmd), resp, sizeof(resp), ms)))
		return rc;
	*status = vc_le32(resp);
	*session = vc_le32(resp + 8);
	return 0;
}

int vc_media_close(struct vc_dev *d, uint32_t session, unsigned ms)
{
	uint8_t cmd[16];

	cmd_header(cmd, VIRTIO_MEDIA_CMD_CLOSE);
	vc_put32(cmd + 8, session);
	vc_put32(cmd + 12, 0);
	return call(d, cmd, sizeof(cmd), NULL, 0, ms);
}

int vc_media_mmap(struct vc_dev *d, uint32_t session, uint32_t flags, uint32_t offset, uint32_t *status,
		  uint64_t *addr, uint64_t *len, unsigned ms)
{
	uint8_t cmd[20], resp[VC_MEDIA_RESP_MMAP];
	int rc;

	cmd_header(cmd, VIRTIO_MEDIA_CMD_MMAP);
	vc_put32(cmd + 8, session);
	vc_put32(cmd + 12, flags);
	vc_put32(cmd + 16, offset);
	if ((rc = call(d, cmd, sizeof(cmd), resp, sizeof(resp), ms)))
		return rc;
	*status = vc_le32(resp);
	*addr = vc_le64(resp + 8);
	*len = vc_le64(resp + 16);
	return 0;
}

int vc_media_munmap(struct vc_dev *d, uint64_t addr, uint32_t *status, unsigned ms)
{
	uint8_t cmd[16], resp[VC_MEDIA_HDR];
	int rc;

	cmd_header(cmd, VIRTIO_MEDIA_CMD_MUNMAP);
	vc_put64(cmd + 8, addr);
	if ((rc = call(d, cmd, sizeof(cmd), resp, sizeof(resp), ms)))
		return rc;
	*status = vc_le32(resp);
	return 0;
}

void vc_media_pix_format(uint8_t *fmt, uint32_t width, uint32_t height)
{
	memset(fmt, 0, VC_V4L2_FORMAT);
	vc_put32(fmt + VC_FMT_TYPE, VC_V4L2_BUF_TYPE_VIDEO_CAPTURE);
	vc_put32(fmt + VC_FMT_WIDTH, width);
	vc_put32(fmt + VC_FMT_HEIGHT, height);
	vc_put32(fmt + VC_FMT_PIXELFORMAT, VC_V4L2_PIX_FMT_GREY);
	vc_put32(fmt + VC_FMT_FIELD, VC_V4L2_FIELD_NONE);
}

void vc_media_buffer(uint8_t *buf, uint32_t index, uint32_t memory)
{
	memset(buf, 0, VC_V4L2_BUFFER);
	vc_put32(buf + VC_BUF_INDEX, index);
	vc_put32(buf + VC_BUF_TYPE, VC_V4L2_BUF_TYPE_VIDEO_CAPTURE);
	vc_put32(buf + VC_BUF_MEMORY, memory);
}
