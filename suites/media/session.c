/* The media clauses' session (media.h). */
#include <errno.h>
#include <string.h>
#include "media.h"

struct media *media_open(struct vc_ctx *c)
{
	struct media *m = vc_clause_alloc(c, sizeof(*m));

	if (!m || !ds_open(c, &m->d, 0, 0, DS_Q(VIRTIO_MEDIA_COMMANDQ) | DS_Q(VIRTIO_MEDIA_EVENTQ), false))
		return NULL;
	for (; m->posted < MEDIA_EVENTS; m->posted++) {
		struct vc_iov iov = { NULL, m->evbuf[m->posted], VC_MEDIA_EVENT_LEN, true, 0 };
		if (!ds_ok(c, vc_dev_send(&m->d, VIRTIO_MEDIA_EVENTQ, &iov, 1, &m->ev[m->posted], true),
			   "making an event buffer available failed"))
			return NULL;
	}
	return ds_ok(c, vc_dev_kick(&m->d, VIRTIO_MEDIA_EVENTQ), "notifying the eventq failed") ? m : NULL;
}

/* A command the device never used is a FAIL; a transport error an ERROR. */
static bool answered(struct vc_ctx *c, int rc, const char *what)
{
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never used the %s command", what);
		vc_observed(c, "no used element on the commandq within %u ms", c->dev->timeout_ms);
		vc_expected(c, "the %s answered", what);
		return false;
	}
	return ds_ok(c, rc, "a command failed");
}

bool media_session(struct vc_ctx *c, struct media *m, uint32_t *id)
{
	uint32_t status;

	if (!answered(c, vc_media_open(&m->d, &status, id, c->dev->timeout_ms), "OPEN"))
		return false;
	if (status)
		vc_skip(c, "the device refused OPEN (status %u)", status);
	return !status;
}

bool media_close(struct vc_ctx *c, struct media *m, uint32_t id)
{
	return answered(c, vc_media_close(&m->d, id, c->dev->timeout_ms), "CLOSE");
}

bool media_ioctl(struct vc_ctx *c, struct media *m, struct vc_media_ioctl *io, const char *what)
{
	return answered(c, vc_media_ioctl(&m->d, io, c->dev->timeout_ms), what);
}

bool media_ioctl_ok(struct vc_ctx *c, struct media *m, struct vc_media_ioctl *io, const char *what)
{
	if (!media_ioctl(c, m, io, what))
		return false;
	if (io->status)
		vc_skip(c, "the device answered %s with status %u", what, io->status);
	return !io->status;
}

bool media_format(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t width, uint32_t height,
		  uint32_t *size)
{
	uint8_t fmt[VC_V4L2_FORMAT], got[VC_V4L2_FORMAT];
	struct vc_media_ioctl io = { .session = id, .code = VC_VIDIOC_S_FMT, .payload_out = fmt,
				     .len_out = sizeof(fmt), .payload_in = got, .len_in = sizeof(got) };

	vc_media_pix_format(fmt, width, height);
	if (!media_ioctl_ok(c, m, &io, "VIDIOC_S_FMT"))
		return false;
	*size = vc_le32(got + VC_FMT_SIZEIMAGE);
	if (vc_le32(got + VC_FMT_PIXELFORMAT) != VC_V4L2_PIX_FMT_GREY || !*size || *size > 0x10000) {
		vc_skip(c, "the device set another format than 8-bit greyscale (pixelformat 0x%08x, sizeimage %u)",
			vc_le32(got + VC_FMT_PIXELFORMAT), *size);
		return false;
	}
	return true;
}

bool media_reqbufs(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t memory, uint32_t count)
{
	uint8_t req[VC_V4L2_REQBUFS] = { 0 }, got[VC_V4L2_REQBUFS];
	struct vc_media_ioctl io = { .session = id, .code = VC_VIDIOC_REQBUFS, .payload_out = req,
				     .len_out = sizeof(req), .payload_in = got, .len_in = sizeof(got) };

	vc_put32(req + VC_REQBUFS_COUNT, count);
	vc_put32(req + VC_REQBUFS_TYPE, VC_V4L2_BUF_TYPE_VIDEO_CAPTURE);
	vc_put32(req + VC_REQBUFS_MEMORY, memory);
	if (!media_ioctl_ok(c, m, &io, "VIDIOC_REQBUFS"))
		return false;
	if (vc_le32(got + VC_REQBUFS_COUNT) < count) {
		vc_skip(c, "VIDIOC_REQBUFS gave %u buffers of memory type %u, not %u", vc_le32(got + VC_REQBUFS_COUNT),
			memory, count);
		return false;
	}
	return true;
}

bool media_stream(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t code)
{
	uint8_t type[4];
	struct vc_media_ioctl io = { .session = id, .code = code, .payload_out = type, .len_out = sizeof(type) };

	vc_put32(type, VC_V4L2_BUF_TYPE_VIDEO_CAPTURE);
	return media_ioctl_ok(c, m, &io, code == VC_VIDIOC_STREAMON ? "VIDIOC_STREAMON" : "VIDIOC_STREAMOFF");
}

const uint8_t *media_event(struct vc_ctx *c, struct media *m, uint32_t *len)
{
	struct vc_req *r[MEDIA_EVENTS];

	for (unsigned i = 0; i < m->posted; i++)
		r[i] = &m->ev[i];
	int k = vc_dev_next_used(&m->d, VIRTIO_MEDIA_EVENTQ, r, m->posted, c->dev->timeout_ms);
	if (k == -ENOENT)
		vc_error(c, "the eventq used a buffer id (%u) the driver never made available there", m->d.stray_id);
	else if (k < 0 && k != -ETIMEDOUT)
		ds_ok(c, k, "reading the eventq failed");
	if (k < 0)
		return NULL;
	*len = m->ev[k].used;
	return m->evbuf[k];
}

const uint8_t *media_dqbuf(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t *queued)
{
	const uint8_t *e;
	uint32_t len;

	while ((e = media_event(c, m, &len))) {
		if (len < 8 + VC_V4L2_BUFFER || vc_le32(e) != VIRTIO_MEDIA_EVT_DQBUF || vc_le32(e + 4) != id)
			continue;
		uint32_t index = vc_le32(e + 8 + VC_BUF_INDEX);
		if (index < 32 && (*queued >> index & 1)) {
			*queued &= ~(1u << index);
			return e + 8;
		}
		vc_fail(c, "a DQBUF event of session %u returned buffer %u, which was not queued", id, index);
		vc_observed(c, "buffers still queued: mask 0x%x", *queued);
		vc_expected(c, "each queued buffer returned once");
		return NULL;
	}
	if (c->r->status == VC_PASS) {
		vc_fail(c, "no DQBUF event came for session %u once streaming (buffers queued: mask 0x%x)", id, *queued);
		vc_expected(c, "the queued buffers filled and returned within %u ms", c->dev->timeout_ms);
	}
	return NULL;
}

const struct vc_vcap *media_shm(struct vc_ctx *c)
{
	for (unsigned i = 0; i < c->probe->nvcap; i++)
		if (c->probe->vcap[i].cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG &&
		    c->probe->vcap[i].id == VIRTIO_MEDIA_SHM_MMAP)
			return vc_ctx_struct_reachable(c, &c->probe->vcap[i]) ? &c->probe->vcap[i] : NULL;
	vc_skip(c, "the device has no shared memory region 0 (where MMAP buffers are mapped)");
	return NULL;
}

bool media_shm_read(struct vc_ctx *c, const struct vc_vcap *shm, uint64_t at, uint8_t *buf, uint32_t len)
{
	for (uint32_t i = 0; i < len; i += 4) {
		uint64_t v;
		if (!vc_ctx_struct_read(c, shm, at + i, 4, &v))
			return false;
		for (uint32_t k = 0; k < 4 && i + k < len; k++)
			buf[i + k] = (uint8_t)(v >> 8 * k);
	}
	return true;
}

long media_frame_differs(const uint8_t *buf, uint32_t len, uint32_t seq)
{
	for (uint32_t k = 0; k < len; k++)
		if (buf[k] != vc_media_pattern(seq, k))
			return k;
	return -1;
}
