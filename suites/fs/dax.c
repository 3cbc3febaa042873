/* File system: the DAX window and notify messages (Device Types / File
 * System Device / Device Operation: DAX Window; Device configuration
 * layout). Neither is in QEMU 7.2's virtiofsd: these run on the sim. */
#include <string.h>
#include "fs.h"
#include "vc/devtypes/host.h"

#define L_FS_CFG L_FS " / Device configuration layout"
#define L_FS_DAX L_FS " / Device Operation / Device Operation: DAX Window"

/* The DAX window's size, 0 when the device has none (any shm region). */
static uint64_t window(const struct vc_probe *p, bool *any, unsigned *id)
{
	*any = false;
	for (unsigned i = 0; i < p->nvcap; i++) {
		if (p->vcap[i].cfg_type != VIRTIO_PCI_CAP_SHARED_MEMORY_CFG)
			continue;
		*any = true;
		*id = p->vcap[i].id;
		if (p->vcap[i].id == 0)
			return p->vcap[i].length;
	}
	return 0;
}

static void window_id(struct vc_ctx *c)
{
	unsigned id = 0;
	bool any;

	if (window(c->probe, &any, &id) || !any) {
		if (!any)
			vc_skip(c, "the device has no shared memory region (no DAX window)");
		return;
	}
	vc_fail(c, "the device has a shared memory region, but none with id 0");
	vc_observed(c, "region id %u", id);
	vc_expected(c, "the DAX window as shared memory region 0");
}

/* A file, and a mapping request of it at moffset for len bytes: *error. */
static bool map(struct vc_ctx *c, struct fs *s, uint64_t node, uint64_t fh, uint64_t moffset, uint64_t len,
		int32_t *error)
{
	uint8_t in[40] = { 0 };

	vc_put64(in, fh);
	vc_put64(in + 16, len);
	vc_put64(in + 24, FUSE_SETUPMAPPING_FLAG_READ | FUSE_SETUPMAPPING_FLAG_WRITE);
	vc_put64(in + 32, moffset);
	return fs_call(c, s, FUSE_SETUPMAPPING, node, in, sizeof(in), NULL, NULL, 0, error, "FUSE_SETUPMAPPING");
}

static bool dax_file(struct vc_ctx *c, struct fs *s, const char *name, uint64_t *size, uint64_t *node, uint64_t *fh)
{
	unsigned id;
	bool any;

	if (!(*size = window(c->probe, &any, &id))) {
		vc_skip(c, "the device has no DAX window (shared memory region 0)");
		return false;
	}
	return fs_open(c, s, false) && fs_create(c, s, name, node, fh);
}

/* A mapping of 8 KiB, one overlapping its second half, one the same: all
 * accepted. */
static void overlapping(struct vc_ctx *c)
{
	static const char name[] = "vc-dax-overlap";
	static const uint64_t at[3][2] = { { 0, 8192 }, { 4096, 8192 }, { 0, 8192 } };
	uint64_t size, node, fh;
	int32_t error;
	struct fs s;

	if (!dax_file(c, &s, name, &size, &node, &fh))
		return;
	for (unsigned i = 0; i < 3; i++) {
		if (!map(c, &s, node, fh, at[i][0], at[i][1], &error))
			return;
		if (error) {
			vc_fail(c, "a mapping at 0x%llx+0x%llx in the DAX window, overlapping one made before, was refused",
				(unsigned long long)at[i][0], (unsigned long long)at[i][1]);
			vc_observed(c, "error %d", error);
			vc_expected(c, "0: overlapping mappings are allowed");
			break;
		}
	}
	fs_remove(&s, name, node, fh);
}

/* Mappings that run past the end of the window (by a page, and one at
 * its very end): refused; one ending at the end: accepted. */
static void past_end(struct vc_ctx *c)
{
	static const char name[] = "vc-dax-end";
	uint64_t size, node, fh;
	int32_t error;
	struct fs s;

	if (!dax_file(c, &s, name, &size, &node, &fh))
		return;
	const uint64_t at[3][3] = { { size - 4096, 4096, 0 }, { size - 4096, 8192, 1 }, { size, 4096, 1 } };
	for (unsigned i = 0; i < 3; i++) {
		if (!map(c, &s, node, fh, at[i][0], at[i][1], &error))
			return;
		if ((error != 0) == (at[i][2] != 0))
			continue;
		vc_fail(c, "a mapping at 0x%llx+0x%llx in a DAX window of 0x%llx bytes was %s",
			(unsigned long long)at[i][0], (unsigned long long)at[i][1], (unsigned long long)size,
			error ? "refused" : "accepted");
		vc_observed(c, "error %d", error);
		vc_expected(c, "%s", at[i][2] ? "an error: it runs past the window" : "0: it fits");
		break;
	}
	fs_remove(&s, name, node, fh);
}

/* With VIRTIO_FS_F_NOTIFICATION, notify messages fit notify_buf_size:
 * buffers of exactly that size posted, the device made to send one. */
static void notify_fits(struct vc_ctx *c)
{
	static struct ds_stream st;
	uint64_t size;
	struct fs s;

	if (!fs_open(c, &s, true) || !ds_cfg_read(c, &s.d, VIRTIO_FS_CFG_NOTIFY_BUF_SIZE, 4, &size))
		return;
	if (size < FUSE_OUT_HEADER || size > DS_STREAM_BUF) {
		vc_fail(c, "notify_buf_size is %llu", (unsigned long long)size);
		vc_observed(c, "%llu", (unsigned long long)size);
		vc_expected(c, "room for a notify message (at least the %u-byte header)", FUSE_OUT_HEADER);
		return;
	}
	memset(&st, 0, sizeof(st));
	st.q = VIRTIO_FS_NOTIFYQ;
	st.len = (uint32_t)size;
	if (!ds_stream_post(c, &s.d, &st, 4) || !ds_host(c, VC_HOST_FS_NOTIFY, "", NULL, 0))
		return;
	int k = ds_stream_next(c, &s.d, &st, c->dev->timeout_ms);
	if (k == -1)
		vc_skip(c, "no notify message came after the host asked for one");
	if (k < 0)
		return;
	uint32_t len = vc_le32(st.buf[k]);
	if (len > size || st.req[k].used != len) {
		vc_fail(c, "a notify message does not fit a buffer of notify_buf_size (%llu) bytes", (unsigned long long)size);
		vc_observed(c, "message length %u, used length %u", len, st.req[k].used);
		vc_expected(c, "at most %llu bytes, all of it in the buffer", (unsigned long long)size);
	}
}

static const struct vc_clause clauses[] = {
	{ "fs.dax.window-id", L_FS_DAX, VC_MUST, VC_DEVICE_RULE, "1.2", 0, "FS-DAX-DEV-2 FS-DAX-DEV-1",
	  "A DAX window is shared memory region 0.", NULL, window_id },
	{ "fs.dax.overlapping-mappings", L_FS_DAX, VC_MUST, VC_DEVICE_RULE, "1.2", FS_NEEDS, "FS-DAX-DEV-4",
	  "FUSE_SETUPMAPPING accepts mappings that overlap existing ones in the DAX window, partly or wholly.",
	  NULL, overlapping },
	{ "fs.dax.past-end-rejected", L_FS_DAX, VC_MUST, VC_DEVICE_RULE, "1.2", FS_NEEDS, "FS-DAX-DEV-5",
	  "FUSE_SETUPMAPPING refuses mappings that run past the end of the DAX window.", NULL, past_end },
	{ "fs.notify.buf-size", L_FS_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", FS_NEEDS, "FS-CFG-DEV-2",
	  "With VIRTIO_FS_F_NOTIFICATION, a notify message the device sends fits a buffer of notify_buf_size "
	  "bytes.", NULL, notify_fits, VC_REQ(VIRTIO_FS_F_NOTIFICATION) },
};
VC_DEVICE_SUITE(suite_fs_dax, clauses, VIRTIO_ID_FS);
