/* GPU: command lifecycle and fencing (Device Types / GPU Device / Device
 * Operation / Device Operation: Command lifecycle and fencing): a fenced
 * transfer and flush come back only once done, which the host's view of
 * the display (host action gpu-pixel) shows. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/gpu.h"
#include "vc/devtypes/host.h"

#define L_GPU_FENCE "Device Types / GPU Device / Device Operation / Device Operation: Command lifecycle and fencing"
#define W 64
#define H 32                   /* not square: a device that swaps width and height shows */
#define RESOURCE 0x4321
#define CORNER "60 28"               /* a pixel near (W-1, H-1) */
#define CORNER_TEXT "60,28"

struct gpu {
	struct vc_dev d;
	uint64_t backing;
	uint64_t fence;
};

/* One command, its answer checked: the type wanted and, for a fenced one,
 * the fence flag and id returned. */
static bool command(struct vc_ctx *c, struct gpu *g, uint8_t *cmd, uint32_t len, const void *extra, uint32_t extra_len,
		    bool fenced, const char *what)
{
	uint8_t resp[VIRTIO_GPU_HDR_SIZE];
	struct vc_gpu_hdr h = vc_gpu_hdr_decode(cmd);
	int rc;

	h.flags = fenced ? VIRTIO_GPU_FLAG_FENCE : 0;
	h.fence_id = fenced ? ++g->fence : 0;
	vc_gpu_hdr_encode(cmd, &h);
	rc = vc_gpu_cmd(&g->d, cmd, len, extra, extra_len, resp, sizeof(resp), c->dev->timeout_ms);
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never answered %s", what);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "a response");
		return false;
	}
	if (!ds_ok(c, rc, "sending a control command failed"))
		return false;
	struct vc_gpu_hdr r = vc_gpu_hdr_decode(resp);
	if (r.type != VIRTIO_GPU_RESP_OK_NODATA) {
		vc_skip(c, "%s was refused (response 0x%04x): the display cannot be set up here", what, r.type);
		return false;
	}
	if (fenced && (!(r.flags & VIRTIO_GPU_FLAG_FENCE) || r.fence_id != h.fence_id)) {
		vc_fail(c, "the response to the fenced %s does not carry the fence", what);
		vc_observed(c, "flags 0x%x, fence_id 0x%llx", r.flags, (unsigned long long)r.fence_id);
		vc_expected(c, "VIRTIO_GPU_FLAG_FENCE and fence_id 0x%llx", (unsigned long long)h.fence_id);
		return false;
	}
	return true;
}

static void rect(uint8_t *p) { vc_put32(p, 0); vc_put32(p + 4, 0); vc_put32(p + 8, W); vc_put32(p + 12, H); }

/* A 64x64 B8G8R8X8 resource with backing in DMA memory, on scanout 0. */
static bool scanout(struct vc_ctx *c, struct gpu *g)
{
	uint8_t create[40] = { 0 }, attach[32] = { 0 }, entry[16] = { 0 }, set[48] = { 0 };

	if (!ds_open(c, &g->d, 0, 0, DS_Q(VIRTIO_GPU_CONTROLQ) | DS_Q(VIRTIO_GPU_CURSORQ), false) ||
	    !ds_ok(c, vc_dma_alloc(c->dev, W * H * 4, 4096, &g->backing), "DMA allocation failed"))
		return false;
	vc_put32(create, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
	vc_put32(create + 24, RESOURCE);
	vc_put32(create + 28, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM);
	vc_put32(create + 32, W);
	vc_put32(create + 36, H);
	vc_put32(attach, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
	vc_put32(attach + 24, RESOURCE);
	vc_put32(attach + 28, 1);
	vc_put64(entry, g->backing);
	vc_put32(entry + 8, W * H * 4);
	vc_put32(set, VIRTIO_GPU_CMD_SET_SCANOUT);
	rect(set + 24);
	vc_put32(set + 40, 0);
	vc_put32(set + 44, RESOURCE);
	return command(c, g, create, sizeof(create), NULL, 0, false, "RESOURCE_CREATE_2D") &&
	       command(c, g, attach, sizeof(attach), entry, sizeof(entry), false, "RESOURCE_ATTACH_BACKING") &&
	       command(c, g, set, sizeof(set), NULL, 0, false, "SET_SCANOUT");
}

/* The frame filled with one colour, then a fenced TRANSFER_TO_HOST_2D and
 * RESOURCE_FLUSH. */
static bool frame(struct vc_ctx *c, struct gpu *g, uint8_t r, uint8_t gr, uint8_t b)
{
	static uint8_t pixels[W * H * 4];
	uint8_t transfer[56] = { 0 }, flush[48] = { 0 };

	for (unsigned i = 0; i < W * H; i++) {
		pixels[4 * i] = b;
		pixels[4 * i + 1] = gr;
		pixels[4 * i + 2] = r;
		pixels[4 * i + 3] = 0xff;
	}
	vc_put32(transfer, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
	rect(transfer + 24);
	vc_put32(transfer + 48, RESOURCE);
	vc_put32(flush, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
	rect(flush + 24);
	vc_put32(flush + 40, RESOURCE);
	return ds_ok(c, vc_dma_write(c->dev, g->backing, pixels, sizeof(pixels)), "DMA write failed") &&
	       command(c, g, transfer, sizeof(transfer), NULL, 0, true, "TRANSFER_TO_HOST_2D") &&
	       command(c, g, flush, sizeof(flush), NULL, 0, true, "RESOURCE_FLUSH");
}

/* Two frames, each fenced: as each flush comes back, the host shows it. */
static void fence_done(struct vc_ctx *c)
{
	static const uint8_t colour[2][3] = { { 0x33, 0x22, 0x11 }, { 0xcc, 0x88, 0x44 } };
	struct gpu g = { .fence = 0xfe0c00001000ull };     /* past 32 bits: a fence_id cut to 32 shows */
	char want[8], got[16];

	if (!scanout(c, &g))
		return;
	for (unsigned i = 0; i < 2; i++) {
		if (!frame(c, &g, colour[i][0], colour[i][1], colour[i][2]))
			return;
		int rc = vc_host(c->dev, VC_HOST_GPU_PIXEL, "10 10", got, sizeof(got));
		if (rc == -ENOTSUP) {
			vc_note(c, "the %s backend cannot read the host's display: only the fences in the responses are "
				   "checked", c->dev->backend);
			continue;
		}
		if (!ds_ok(c, rc, "reading the host's display failed"))
			return;
		snprintf(want, sizeof(want), "%02x%02x%02x", colour[i][0], colour[i][1], colour[i][2]);
		if (strcmp(got, want)) {
			vc_fail(c, "frame %u's fenced flush came back before the host showed it", i + 1);
			vc_observed(c, "pixel (10,10) %s on the host", got);
			vc_expected(c, "%s, the frame just transferred and flushed", want);
			return;
		}
		/* the far corner of the WxH resource: shown too */
		if (!ds_ok(c, vc_host(c->dev, VC_HOST_GPU_PIXEL, CORNER, got, sizeof(got)), "reading the host's display failed"))
			return;
		if (strcmp(got, want)) {
			vc_fail(c, "frame %u's flush shows pixel (10,10) but not (" CORNER_TEXT ") of the %ux%u resource", i + 1,
				W, H);
			vc_observed(c, "pixel (" CORNER_TEXT ") %s on the host", got);
			vc_expected(c, "%s: the resource shown whole, %u wide and %u high", want, W, H);
			return;
		}
	}
}

static const struct vc_clause clauses[] = {
	{ "gpu.fence.processing-done", L_GPU_FENCE, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "GPU-FENCE-DEV-2 GPU-FENCE-DEV-1",
	  "A TRANSFER_TO_HOST_2D and RESOURCE_FLUSH with VIRTIO_GPU_FLAG_FENCE come back with the fence once "
	  "done: the host shows the frame by then.", NULL, fence_done },
};
VC_DEVICE_SUITE(suite_gpu_fence, clauses, VIRTIO_ID_GPU);
