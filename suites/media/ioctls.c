/* Media device: V4L2 ioctls (Device Types / Media Device / Device
 * Operation: V4L2 ioctls; Pointers in V4l2 ioctls; Unsupported ioctls).
 * Every writable part is prefilled with 0xee, so what the device did not
 * write shows. */
#include <string.h>
#include "media.h"

#define L_MEDIA_IOCTL L_MEDIA_OP " / V4L2 ioctls"
#define L_MEDIA_POINTERS L_MEDIA_OP " / Pointers in V4l2 ioctls"
#define L_MEDIA_UNSUPPORTED L_MEDIA_OP " / Unsupported ioctls"
#define CONTROLS_PTR 0x00007ffd4a5b6000ull    /* the driver's address of its controls array */
#define BRIGHTNESS 77

/* The payload of a successful WR ioctl: used covers it, and `field` (at
 * off) holds `want`. */
static bool payload(struct vc_ctx *c, const struct vc_media_ioctl *io, const char *what, uint32_t off,
		    const char *field, uint32_t got, uint32_t want)
{
	if (io->used < VC_MEDIA_HDR + io->len_in) {
		vc_fail(c, "%s succeeded, but the device wrote %u bytes: the response header without the payload", what,
			io->used);
		vc_observed(c, "used length %u", io->used);
		vc_expected(c, "%u: the header and the %u-byte payload", VC_MEDIA_HDR + io->len_in, io->len_in);
		return false;
	}
	if (got != want) {
		vc_fail(c, "%s succeeded, but its payload's %s (offset %u) is 0x%x", what, field, off, got);
		vc_expected(c, "0x%x%s", want, got == 0xeeeeeeee ? " (0xeeeeeeee: the prefill, never written)" : "");
		return false;
	}
	return true;
}

/* S_FMT 80x20, then G_FMT: its v4l2_format holds the format S_FMT set;
 * REQBUFS: its v4l2_requestbuffers holds the type asked. */
static void payload_written(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	uint8_t fmt[VC_V4L2_FORMAT], got[VC_V4L2_FORMAT], req[VC_V4L2_REQBUFS] = { 0 }, rgot[VC_V4L2_REQBUFS];
	uint32_t id, size;

	if (!m || !media_session(c, m, &id) || !media_format(c, m, id, 80, 20, &size))
		return;
	vc_media_pix_format(fmt, 0, 0);
	struct vc_media_ioctl io = { .session = id, .code = VC_VIDIOC_G_FMT, .payload_out = fmt,
				     .len_out = sizeof(fmt), .payload_in = got, .len_in = sizeof(got) };
	if (!media_ioctl_ok(c, m, &io, "VIDIOC_G_FMT"))
		return;
	static const struct {
		uint32_t off;
		const char *name;
	} f[] = { { VC_FMT_TYPE, "type" }, { VC_FMT_WIDTH, "pix.width" }, { VC_FMT_HEIGHT, "pix.height" },
		  { VC_FMT_PIXELFORMAT, "pix.pixelformat" }, { VC_FMT_SIZEIMAGE, "pix.sizeimage" } };
	const uint32_t want[] = { VC_V4L2_BUF_TYPE_VIDEO_CAPTURE, 80, 20, VC_V4L2_PIX_FMT_GREY, size };
	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!payload(c, &io, "VIDIOC_G_FMT", f[i].off, f[i].name, vc_le32(got + f[i].off), want[i]))
			return;
	vc_put32(req + VC_REQBUFS_COUNT, 2);
	vc_put32(req + VC_REQBUFS_TYPE, VC_V4L2_BUF_TYPE_VIDEO_CAPTURE);
	vc_put32(req + VC_REQBUFS_MEMORY, VC_V4L2_MEMORY_MMAP);
	io = (struct vc_media_ioctl){ .session = id, .code = VC_VIDIOC_REQBUFS, .payload_out = req,
				      .len_out = sizeof(req), .payload_in = rgot, .len_in = sizeof(rgot) };
	if (media_ioctl_ok(c, m, &io, "VIDIOC_REQBUFS"))
		payload(c, &io, "VIDIOC_REQBUFS", VC_REQBUFS_TYPE, "type", vc_le32(rgot + VC_REQBUFS_TYPE),
			VC_V4L2_BUF_TYPE_VIDEO_CAPTURE);
}

/* S_EXT_CTRLS then G_EXT_CTRLS of one control (brightness): the controls
 * pointer of struct v4l2_ext_controls comes back as the driver gave it,
 * the array after it holding the value set. */
static void pointer_returned(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	uint8_t out[VC_V4L2_EXT_CTRLS + VC_V4L2_EXT_CTRL] = { 0 }, got[sizeof(out)];
	uint8_t *ctrl = out + VC_V4L2_EXT_CTRLS;
	uint32_t id;

	if (!m || !media_session(c, m, &id))
		return;
	vc_put32(out + VC_EXT_CTRLS_COUNT, 1);
	vc_put64(out + VC_EXT_CTRLS_CONTROLS, CONTROLS_PTR);
	vc_put32(ctrl + VC_EXT_CTRL_ID, VC_V4L2_CID_BRIGHTNESS);
	for (unsigned pass = 0; pass < 2; pass++) {
		const char *what = pass ? "VIDIOC_G_EXT_CTRLS" : "VIDIOC_S_EXT_CTRLS";
		struct vc_media_ioctl io = { .session = id, .code = pass ? VC_VIDIOC_G_EXT_CTRLS : VC_VIDIOC_S_EXT_CTRLS,
					     .payload_out = out, .len_out = sizeof(out), .payload_in = got,
					     .len_in = sizeof(got) };
		vc_put32(ctrl + VC_EXT_CTRL_VALUE, pass ? 0 : BRIGHTNESS);
		if (!media_ioctl_ok(c, m, &io, what))
			return;
		uint64_t ptr = io.used >= VC_MEDIA_HDR + VC_V4L2_EXT_CTRLS ? vc_le64(got + VC_EXT_CTRLS_CONTROLS) : 0;
		if (ptr != CONTROLS_PTR) {
			vc_fail(c, "%s returned the controls pointer as 0x%llx", what, (unsigned long long)ptr);
			vc_observed(c, "controls 0x%llx, used length %u", (unsigned long long)ptr, io.used);
			vc_expected(c, "0x%llx, the value the driver passed (count 1: a non-zero area)",
				    (unsigned long long)CONTROLS_PTR);
			return;
		}
		uint32_t value = vc_le32(got + VC_V4L2_EXT_CTRLS + VC_EXT_CTRL_VALUE);
		if (pass && value != BRIGHTNESS) {
			vc_skip(c, "brightness set to %u reads %u: the controls array after the structure is not "
				   "handled as the spec lays it out", BRIGHTNESS, value);
			return;
		}
	}
}

/* VIDIOC_LOG_STATUS (the driver's own, never the device's) and an ioctl
 * code V4L2 does not define: ENOTTY. */
static void unsupported(struct vc_ctx *c)
{
	static const struct {
		uint32_t code;
		const char *name;
	} q[] = { { VC_VIDIOC_LOG_STATUS, "VIDIOC_LOG_STATUS (70)" }, { 200, "ioctl code 200 (none in V4L2)" } };
	struct media *m = media_open(c);
	uint32_t id;

	if (!m || !media_session(c, m, &id))
		return;
	for (unsigned i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		struct vc_media_ioctl io = { .session = id, .code = q[i].code };
		if (!media_ioctl(c, m, &io, q[i].name))
			return;
		if (io.status != VC_MEDIA_ENOTTY) {
			vc_fail(c, "%s was answered status %u", q[i].name, io.status);
			vc_observed(c, "status %u", io.status);
			vc_expected(c, "ENOTTY (%u)", VC_MEDIA_ENOTTY);
			return;
		}
	}
}

static const struct vc_clause clauses[] = {
	{ "media.ioctl.payload-written", L_MEDIA_IOCTL, VC_MUST, VC_DEVICE_RULE, "1.4", MEDIA_NEEDS,
	  "MEDIA-IOCTL-DEV-1",
	  "A successful VIDIOC_G_FMT writes the whole v4l2_format, holding the format VIDIOC_S_FMT set, and a "
	  "successful VIDIOC_REQBUFS its v4l2_requestbuffers.", NULL, payload_written, 0, 2, NULL, MEDIA_TARGETS },
	{ "media.ioctl.pointer-returned", L_MEDIA_POINTERS, VC_MUST, VC_DEVICE_RULE, "1.4", MEDIA_NEEDS,
	  "MEDIA-IOCTLPTR-DEV-1",
	  "VIDIOC_S_EXT_CTRLS and VIDIOC_G_EXT_CTRLS of one control return the controls pointer the driver passed.",
	  NULL, pointer_returned, 0, 2, NULL, MEDIA_TARGETS },
	{ "media.ioctl.unsupported-enotty", L_MEDIA_UNSUPPORTED, VC_MUST, VC_DEVICE_RULE, "1.4", MEDIA_NEEDS,
	  "MEDIA-UNSUPP-DEV-1",
	  "VIDIOC_LOG_STATUS and an ioctl code V4L2 does not define are answered ENOTTY.", NULL, unsupported, 0, 2,
	  NULL, MEDIA_TARGETS },
};
VC_DEVICE_SUITE(suite_media_ioctls, clauses, VIRTIO_ID_MEDIA);
