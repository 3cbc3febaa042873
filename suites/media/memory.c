/* Media device: buffer memory (Device Types / Media Device / Device
 * Operation: Mapping and Unmapping a MMAP buffer; Shared Pages; Virtio
 * Object). MMAP buffers are mapped into shared memory region 0 and read
 * there; SHARED_PAGES buffers are the driver's pages, given as SG entries
 * after the v4l2_buffer; VIRTIO_OBJECT buffers carry a UUID after it. */
#include <string.h>
#include "media.h"

#define L_MEDIA_MMAP L_MEDIA_OP " / Mapping a MMAP buffer"
#define L_MEDIA_MUNMAP L_MEDIA_OP " / Unmapping a MMAP buffer"
#define L_MEDIA_SHPAGES L_MEDIA_OP " / Shared Pages"
#define L_MEDIA_VOBJ L_MEDIA_OP " / Virtio Object"
#define USERPTR(i) (0x00007f5a00001000ull + 0x100000ull * (i))   /* the driver's "userspace" addresses */
#define OBJECT_FD 0x7fff0042u                                    /* the fd placeholders it passes */
#define EXPORT_FD 0x7fff0043u
#define MAX_FRAME 0x4000u

/* VIDIOC_QUERYBUF of buffer `index`: its v4l2_buffer. */
static bool querybuf(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t index, uint32_t memory, uint8_t *got)
{
	uint8_t buf[VC_V4L2_BUFFER];
	struct vc_media_ioctl io = { .session = id, .code = VC_VIDIOC_QUERYBUF, .payload_out = buf,
				     .len_out = sizeof(buf), .payload_in = got, .len_in = VC_V4L2_BUFFER };

	vc_media_buffer(buf, index, memory);
	return media_ioctl_ok(c, m, &io, "VIDIOC_QUERYBUF");
}

/* MMAP of buffer `index` (after QUERYBUF): driver_addr, len, and the
 * buffer's length. SKIP when refused. */
static bool map(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t index, uint32_t flags, uint64_t *addr,
		uint64_t *len, uint32_t *length)
{
	uint8_t got[VC_V4L2_BUFFER];
	uint32_t status;
	int rc;

	if (!querybuf(c, m, id, index, VC_V4L2_MEMORY_MMAP, got))
		return false;
	*length = vc_le32(got + VC_BUF_LENGTH);
	rc = vc_media_mmap(&m->d, id, flags, vc_le32(got + VC_BUF_M), &status, addr, len, c->dev->timeout_ms);
	if (!ds_ok(c, rc, "MMAP failed"))
		return false;
	if (status)
		vc_skip(c, "the device refused MMAP of buffer %u (mem_offset 0x%x): status %u", index,
			vc_le32(got + VC_BUF_M), status);
	return !status;
}

/* Two MMAP buffers of a 480-byte image (not a page multiple), mapped
 * read-only and read-write: each len is the buffer's length. */
static void mmap_len(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	uint32_t id, size, length;
	uint64_t addr, len;

	if (!m || !media_session(c, m, &id) || !media_format(c, m, id, 48, 10, &size) ||
	    !media_reqbufs(c, m, id, VC_V4L2_MEMORY_MMAP, 2))
		return;
	for (uint32_t i = 0; i < 2; i++) {
		if (!map(c, m, id, i, i ? VIRTIO_MEDIA_MMAP_FLAG_RW : 0, &addr, &len, &length))
			return;
		if (len != length) {
			vc_fail(c, "MMAP of buffer %u (%s) answered len %llu, the buffer being %u bytes", i,
				i ? "read-write" : "read-only", (unsigned long long)len, length);
			vc_observed(c, "driver_addr 0x%llx, len %llu; VIDIOC_QUERYBUF length %u, sizeimage %u",
				    (unsigned long long)addr, (unsigned long long)len, length, size);
			vc_expected(c, "len %u", length);
			return;
		}
	}
}

/* An MMAP buffer mapped, queued and captured: the frame's sequence and its
 * bytes as the mapping shows them (SKIP or FAIL when that fails). */
struct mapped {
	const struct vc_vcap *shm;
	uint32_t id, size, seq;
	uint64_t addr;
	uint8_t frame[MAX_FRAME];
};

static bool capture_mapped(struct vc_ctx *c, struct media *m, struct mapped *f)
{
	uint8_t buf[VC_V4L2_BUFFER], got[VC_V4L2_BUFFER];
	const uint8_t *done;
	uint32_t length, queued = 1;
	uint64_t len;

	if (!(f->shm = media_shm(c)) || !media_session(c, m, &f->id) ||
	    !media_format(c, m, f->id, 64, 16, &f->size) || !media_reqbufs(c, m, f->id, VC_V4L2_MEMORY_MMAP, 1) ||
	    !map(c, m, f->id, 0, 0, &f->addr, &len, &length))
		return false;
	if (f->addr > f->shm->length || f->size > f->shm->length - f->addr || f->size > MAX_FRAME) {
		vc_skip(c, "the mapping (driver_addr 0x%llx, %u bytes) is not inside region 0 (0x%llx bytes)",
			(unsigned long long)f->addr, f->size, (unsigned long long)f->shm->length);
		return false;
	}
	vc_media_buffer(buf, 0, VC_V4L2_MEMORY_MMAP);
	vc_put32(buf + VC_BUF_LENGTH, length);
	struct vc_media_ioctl io = { .session = f->id, .code = VC_VIDIOC_QBUF, .payload_out = buf,
				     .len_out = sizeof(buf), .payload_in = got, .len_in = sizeof(got) };
	if (!media_ioctl_ok(c, m, &io, "VIDIOC_QBUF") || !media_stream(c, m, f->id, VC_VIDIOC_STREAMON) ||
	    !(done = media_dqbuf(c, m, f->id, &queued)))
		return false;
	f->seq = vc_le32(done + VC_BUF_SEQUENCE);
	return media_shm_read(c, f->shm, f->addr, f->frame, f->size);
}

/* A successful WR ioctl returned its payload (else FAIL: the values the
 * clause checks never came back). */
static bool returned(struct vc_ctx *c, const struct vc_media_ioctl *io, const char *what)
{
	if (io->used >= VC_MEDIA_HDR + io->len_in)
		return true;
	vc_fail(c, "%s succeeded without returning its payload: the driver's values never came back", what);
	vc_observed(c, "used length %u", io->used);
	vc_expected(c, "%u: the header and the %u-byte payload", VC_MEDIA_HDR + io->len_in, io->len_in);
	return false;
}

static void frame_fail(struct vc_ctx *c, const uint8_t *buf, uint32_t size, uint32_t seq, long k, const char *where)
{
	vc_fail(c, "%s: byte %ld of the %u-byte frame (sequence %u) is 0x%02x", where, k, size, seq, buf[k]);
	vc_observed(c, "bytes %ld..: %02x %02x %02x %02x", k, buf[k], k + 1 < size ? buf[k + 1] : 0,
		    k + 2 < size ? buf[k + 2] : 0, k + 3 < size ? buf[k + 3] : 0);
	vc_expected(c, "0x%02x, the device's frame", vc_media_pattern(seq, (uint32_t)k));
}

/* Sanity: the frame captured into an MMAP buffer shows through its mapping. */
static void capture_mmap(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	struct mapped *f = m ? vc_clause_alloc(c, sizeof(*f)) : NULL;
	long k;

	if (f && capture_mapped(c, m, f) && (k = media_frame_differs(f->frame, f->size, f->seq)) >= 0)
		frame_fail(c, f->frame, f->size, f->seq, k, "the MMAP buffer's mapping");
}

/* The mapping of a captured buffer reads the same after STREAMOFF,
 * REQBUFS 0 and CLOSE of its session, and MUNMAP then takes it. */
static void mapping_outlives(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	struct mapped *f = m ? vc_clause_alloc(c, sizeof(*f)) : NULL;
	uint32_t status;
	long k;

	if (!f || !capture_mapped(c, m, f))
		return;
	if (media_frame_differs(f->frame, f->size, f->seq) >= 0) {
		vc_skip(c, "the frame never showed through the mapping (media.sanity.capture-mmap reports it)");
		return;
	}
	for (unsigned step = 0; step < 2; step++) {
		if (step ? !media_close(c, m, f->id)
			 : !media_stream(c, m, f->id, VC_VIDIOC_STREAMOFF) ||
				   !media_reqbufs(c, m, f->id, VC_V4L2_MEMORY_MMAP, 0))
			return;
		if (!media_shm_read(c, f->shm, f->addr, f->frame, f->size))
			return;
		if ((k = media_frame_differs(f->frame, f->size, f->seq)) >= 0) {
			frame_fail(c, f->frame, f->size, f->seq, k,
				   step ? "after its session was closed, the mapping no longer holds the buffer"
					: "after REQBUFS 0 released the buffers, the mapping no longer holds the buffer");
			return;
		}
	}
	if (!ds_ok(c, vc_media_munmap(&m->d, f->addr, &status, c->dev->timeout_ms), "MUNMAP failed"))
		return;
	if (status) {
		vc_fail(c, "MUNMAP of driver_addr 0x%llx was refused (status %u) after the session closed",
			(unsigned long long)f->addr, status);
		vc_expected(c, "status 0: the mapping valid until MUNMAP");
	}
}

/* Two SHARED_PAGES buffers, each in two pieces of the driver's memory. */
struct pages {
	uint32_t id, size;
	uint64_t piece[2][2];
};

static bool queue_pages(struct vc_ctx *c, struct media *m, struct pages *p, bool check)
{
	if (!media_session(c, m, &p->id) || !media_format(c, m, p->id, 64, 16, &p->size) ||
	    !media_reqbufs(c, m, p->id, VC_V4L2_MEMORY_USERPTR, 2))
		return false;
	uint32_t half = p->size / 2;
	for (uint32_t i = 0; i < 2; i++) {
		uint8_t buf[VC_V4L2_BUFFER], got[VC_V4L2_BUFFER], sg[2 * VC_MEDIA_SG] = { 0 }, fill[MAX_FRAME];
		memset(fill, 0xee, sizeof(fill));
		for (unsigned k = 0; k < 2; k++) {
			uint32_t len = k ? p->size - half : half;
			if (!ds_ok(c, vc_dma_alloc(c->dev, len, 64, &p->piece[i][k]), "DMA memory") ||
			    !ds_ok(c, vc_dma_write(c->dev, p->piece[i][k], fill, len), "DMA write"))
				return false;
			vc_put64(sg + k * VC_MEDIA_SG, p->piece[i][k]);
			vc_put32(sg + k * VC_MEDIA_SG + 8, len);
		}
		vc_media_buffer(buf, i, VC_V4L2_MEMORY_USERPTR);
		vc_put64(buf + VC_BUF_M, USERPTR(i));
		vc_put32(buf + VC_BUF_LENGTH, p->size);
		struct vc_media_ioctl io = { .session = p->id, .code = VC_VIDIOC_QBUF, .payload_out = buf,
					     .len_out = sizeof(buf), .extra = sg, .extra_len = sizeof(sg),
					     .payload_in = got, .len_in = sizeof(got) };
		if (!media_ioctl_ok(c, m, &io, "VIDIOC_QBUF") || (check && !returned(c, &io, "VIDIOC_QBUF")))
			return false;
		uint64_t back = vc_le64(got + VC_BUF_M);
		if (check && back != USERPTR(i)) {
			vc_fail(c, "VIDIOC_QBUF of SHARED_PAGES buffer %u returned m.userptr 0x%llx", i,
				(unsigned long long)back);
			vc_observed(c, "m.userptr 0x%llx (SG entries at 0x%llx, 0x%llx)", (unsigned long long)back,
				    (unsigned long long)p->piece[i][0], (unsigned long long)p->piece[i][1]);
			vc_expected(c, "0x%llx, the value the driver provided", (unsigned long long)USERPTR(i));
			return false;
		}
	}
	return true;
}

static void userptr_unchanged(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	struct pages p;

	if (m)
		queue_pages(c, m, &p, true);
}

/* Sanity: two frames captured into the driver's pages, each DQBUF event
 * naming its buffer with the image's size. */
static void capture_pages(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	uint8_t frame[MAX_FRAME];
	uint32_t queued = 3;
	struct pages p;

	if (!m || !queue_pages(c, m, &p, false) || !media_stream(c, m, p.id, VC_VIDIOC_STREAMON))
		return;
	while (queued) {
		const uint8_t *done = media_dqbuf(c, m, p.id, &queued);
		if (!done)
			return;
		uint32_t i = vc_le32(done + VC_BUF_INDEX), seq = vc_le32(done + VC_BUF_SEQUENCE), used = vc_le32(done + VC_BUF_BYTESUSED), half = p.size / 2;
		if (used != p.size) {
			vc_fail(c, "the DQBUF event of buffer %u says bytesused %u", i, used);
			vc_expected(c, "%u: the whole image", p.size);
			return;
		}
		if (!ds_ok(c, vc_dma_read(c->dev, p.piece[i][0], frame, half), "DMA read") ||
		    !ds_ok(c, vc_dma_read(c->dev, p.piece[i][1], frame + half, p.size - half), "DMA read"))
			return;
		long k = media_frame_differs(frame, p.size, seq);
		if (k >= 0) {
			frame_fail(c, frame, p.size, seq, k, "the driver's pages of a SHARED_PAGES buffer");
			return;
		}
	}
}

/* A VIRTIO_OBJECT buffer queued with an fd placeholder, and an MMAP buffer
 * exported (EXPBUF) with one: both come back as the driver passed them. */
static void fd_unchanged(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	uint8_t buf[VC_V4L2_BUFFER], got[VC_V4L2_BUFFER + VC_VIRTIO_OBJECT_UUID], uuid[VC_VIRTIO_OBJECT_UUID];
	uint8_t exp[VC_V4L2_EXPBUF + VC_VIRTIO_OBJECT_UUID] = { 0 }, egot[sizeof(exp)];
	uint32_t a, b, size;

	if (!m || !media_session(c, m, &a) || !media_format(c, m, a, 64, 16, &size) ||
	    !media_reqbufs(c, m, a, VC_V4L2_MEMORY_DMABUF, 1))
		return;
	for (unsigned i = 0; i < sizeof(uuid); i++)
		uuid[i] = (uint8_t)(0x10 + i);
	vc_media_buffer(buf, 0, VC_V4L2_MEMORY_DMABUF);
	vc_put32(buf + VC_BUF_M, OBJECT_FD);
	vc_put32(buf + VC_BUF_LENGTH, size);
	struct vc_media_ioctl io = { .session = a, .code = VC_VIDIOC_QBUF, .payload_out = buf, .len_out = sizeof(buf),
				     .extra = uuid, .extra_len = sizeof(uuid), .payload_in = got,
				     .len_in = sizeof(got) };
	if (!media_ioctl_ok(c, m, &io, "VIDIOC_QBUF") || !returned(c, &io, "VIDIOC_QBUF"))
		return;
	if (vc_le32(got + VC_BUF_M) != OBJECT_FD) {
		vc_fail(c, "VIDIOC_QBUF of a VIRTIO_OBJECT buffer returned m.fd 0x%x", vc_le32(got + VC_BUF_M));
		vc_expected(c, "0x%x, the placeholder the driver passed", OBJECT_FD);
		return;
	}
	if (!media_session(c, m, &b) || !media_reqbufs(c, m, b, VC_V4L2_MEMORY_MMAP, 1))
		return;
	vc_put32(exp + VC_EXPBUF_TYPE, VC_V4L2_BUF_TYPE_VIDEO_CAPTURE);
	vc_put32(exp + VC_EXPBUF_FD, EXPORT_FD);
	io = (struct vc_media_ioctl){ .session = b, .code = VC_VIDIOC_EXPBUF, .payload_out = exp,
				      .len_out = sizeof(exp), .payload_in = egot, .len_in = sizeof(egot) };
	if (!media_ioctl_ok(c, m, &io, "VIDIOC_EXPBUF") || !returned(c, &io, "VIDIOC_EXPBUF"))
		return;
	if (vc_le32(egot + VC_EXPBUF_FD) != EXPORT_FD) {
		vc_fail(c, "VIDIOC_EXPBUF of an MMAP buffer returned fd 0x%x", vc_le32(egot + VC_EXPBUF_FD));
		vc_expected(c, "0x%x, the placeholder the driver passed (the UUID follows the structure)", EXPORT_FD);
	}
}

#define CLAUSE(id_, label, kw, covers, fn, summary) \
	{ id_, label, kw, VC_DEVICE_RULE, "1.4", MEDIA_NEEDS, covers, summary, NULL, fn, 0, 2, NULL, MEDIA_TARGETS }
#define SANITY(id_, fn, summary) \
	{ id_, L_MEDIA_SANITY, VC_MAY, VC_SANITY, "1.4", MEDIA_NEEDS, "", summary, NULL, fn, 0, 2, NULL, MEDIA_TARGETS }

static const struct vc_clause clauses[] = {
	CLAUSE("media.mmap.len-is-buffer-length", L_MEDIA_MMAP, VC_MUST, "MEDIA-MMAP-DEV-1", mmap_len,
	       "MMAP of two buffers of a 480-byte image, read-only and read-write, answers len equal to the length "
	       "VIDIOC_QUERYBUF gives."),
	CLAUSE("media.munmap.mapping-outlives-session", L_MEDIA_MUNMAP, VC_MUST, "MEDIA-MUNMAP-DEV-1",
	       mapping_outlives,
	       "The mapping of a captured MMAP buffer still holds its frame after STREAMOFF and REQBUFS 0 release the "
	       "buffers, and after CLOSE of the session; MUNMAP of it then succeeds."),
	CLAUSE("media.shared-pages.userptr-unchanged", L_MEDIA_SHPAGES, VC_MUST_NOT,
	       "MEDIA-SHPAGES-DEV-1 MEDIA-SHPAGES-DEV-2", userptr_unchanged,
	       "VIDIOC_QBUF of two SHARED_PAGES buffers (SG entries after the v4l2_buffer) returns each m.userptr as "
	       "the driver provided it."),
	CLAUSE("media.object.fd-unchanged", L_MEDIA_VOBJ, VC_MUST, "MEDIA-VOBJ-DEV-1", fd_unchanged,
	       "VIDIOC_QBUF of a VIRTIO_OBJECT buffer and VIDIOC_EXPBUF of an MMAP buffer return the fd placeholder as "
	       "the driver passed it."),
	SANITY("media.sanity.capture-mmap", capture_mmap,
	       "Not a spec rule: a frame captured into an MMAP buffer reads, through its mapping in shared memory "
	       "region 0, as the device's frame."),
	SANITY("media.sanity.capture-shared-pages", capture_pages,
	       "Not a spec rule: two frames captured into SHARED_PAGES buffers land in the driver's pages across both "
	       "SG entries, each DQBUF event naming its buffer with bytesused the image's size."),
};
VC_DEVICE_SUITE(suite_media_memory, clauses, VIRTIO_ID_MEDIA);
