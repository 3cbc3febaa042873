/* File system: the request and hiprio queues (Device Types / File System
 * Device / Device Operation). */
#include <errno.h>
#include <string.h>
#include "fs.h"

#define L_FS_CFG L_FS " / Device configuration layout"
#define L_FS_HIPRIO L_FS " / Device Operation / Device Operation: High Priority Queue"
#define L_FS_DAX L_FS " / Device Operation / Device Operation: DAX Window"

static void request_queues(struct vc_ctx *c)
{
	struct vc_dev d;
	uint64_t n;

	if (!ds_open(c, &d, 0, 0, 0, true) || !ds_cfg_read(c, &d, VIRTIO_FS_CFG_NUM_REQUEST_QUEUES, 4, &n))
		return;
	if (n < 1) {
		vc_fail(c, "num_request_queues is 0");
		vc_observed(c, "0");
		vc_expected(c, "1 or more");
	}
}

/* The host holds a file (a write lease on it, for virtiofsd) so that the
 * device's FUSE_OPEN of it waits on the request queue; meanwhile a
 * FUSE_FORGET on hiprio is used. Then the host lets go and the open ends. */
static void hiprio_not_stalled(struct vc_ctx *c)
{
	static const char held[] = "vc-hiprio-held", other[] = "vc-hiprio-forget";
	uint8_t open_in[8] = { 0 }, forget[8], opened[FUSE_OUT_HEADER + FUSE_OPEN_OUT];
	char handle[32] = "";
	uint64_t node, fh, other_node, other_fh;
	struct vc_req op, fg;
	struct fs s;
	int32_t error;

	if (!fs_open(c, &s, false) || !fs_create(c, &s, held, &node, &fh))
		return;
	fs_release(&s, node, fh);            /* nothing of the device's keeps the file open */
	if (!fs_create(c, &s, other, &other_node, &other_fh))
		goto out;
	fs_release(&s, other_node, other_fh);
	if (!ds_host(c, VC_HOST_FS_HOLD_OPEN, held, handle, sizeof(handle)) ||
	    !ds_ok(c, vc_fuse_send(&s.f, s.f.reqq, FUSE_OPEN, node, open_in, sizeof(open_in), NULL, 0, FUSE_OPEN_OUT, &op,
				   opened), "sending FUSE_OPEN failed"))
		goto out;
	ds_settle(&s.d, 200);
	int rc = vc_dev_poll(&s.d, &op);
	if (rc != -EAGAIN) {
		if (ds_ok(c, rc, "reading the request queue failed"))
			vc_skip(c, "the FUSE_OPEN of the file the host holds did not wait (error %d): nothing kept the "
				   "request queue busy", (int32_t)vc_le32(opened + 4));
		goto release;
	}
	vc_put64(forget, 1);
	if (!ds_ok(c, vc_fuse_send(&s.f, VIRTIO_FS_HIPRIO, FUSE_FORGET, other_node, forget, sizeof(forget), NULL, 0, 0,
				   &fg, NULL), "sending FUSE_FORGET failed"))
		goto release;
	rc = vc_dev_wait(&s.d, &fg, c->dev->timeout_ms);
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "with a FUSE_OPEN waiting on the request queue, a FUSE_FORGET on hiprio was not used");
		vc_observed(c, "no used element on hiprio within %u ms", c->dev->timeout_ms);
		vc_expected(c, "hiprio served whatever the request queue is doing");
	} else {
		ds_ok(c, rc, "reading hiprio failed");
	}
release:
	if (ds_host(c, VC_HOST_FS_RELEASE_OPEN, handle, NULL, 0) && vc_dev_wait(&s.d, &op, c->dev->timeout_ms) == 0 &&
	    vc_le32(opened + 4) == 0)
		fs_release(&s, node, vc_le64(opened + FUSE_OUT_HEADER));
out:
	vc_fuse_call(&s.f, s.f.reqq, FUSE_UNLINK, FUSE_ROOT_ID, NULL, 0, other, sizeof(other), NULL, 0, &error, NULL, 2000);
	vc_fuse_call(&s.f, s.f.reqq, FUSE_UNLINK, FUSE_ROOT_ID, NULL, 0, held, sizeof(held), NULL, 0, &error, NULL, 2000);
}

/* FUSE_WRITE then FUSE_READ of a file give back what was written (the
 * whole and from an offset), and do so again with the file mapped in the
 * DAX window when there is one. */
static void read_write(struct vc_ctx *c)
{
	static const char name[] = "vc-read-write";
	uint8_t w[40 + 512] = { 0 }, back[512], r[40] = { 0 }, wo[8], map[40] = { 0 }, *data = w + 40;
	uint64_t node, fh;
	struct fs s;

	if (!fs_open(c, &s, false) || !fs_create(c, &s, name, &node, &fh))
		return;
	bool dax = false;
	for (unsigned i = 0; i < c->probe->nvcap; i++)
		dax |= c->probe->vcap[i].cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG && c->probe->vcap[i].id == 0;
	for (unsigned round = 0; round < (dax ? 2u : 1u); round++) {
		for (unsigned i = 0; i < 512; i++)
			data[i] = (uint8_t)(i * 7 + 0x21 + round);
		if (round) {               /* the file mapped in the DAX window from here on */
			vc_put64(map, fh);
			vc_put64(map + 16, 4096);
			vc_put64(map + 24, FUSE_SETUPMAPPING_FLAG_READ | FUSE_SETUPMAPPING_FLAG_WRITE);
			if (!fs_ok(c, &s, FUSE_SETUPMAPPING, node, map, sizeof(map), NULL, NULL, 0, "FUSE_SETUPMAPPING"))
				break;
		}
		vc_put64(w, fh);
		vc_put32(w + 16, 512);             /* struct fuse_write_in, then the data */
		vc_put64(r, fh);
		vc_put64(r + 8, 0);
		vc_put32(r + 16, sizeof(back));
		memset(back, 0xee, sizeof(back));
		if (!fs_ok(c, &s, FUSE_WRITE, node, w, sizeof(w), NULL, wo, sizeof(wo), "FUSE_WRITE") ||
		    !fs_ok(c, &s, FUSE_READ, node, r, sizeof(r), NULL, back, sizeof(back), "FUSE_READ"))
			break;
		if (memcmp(back, data, 512)) {
			vc_fail(c, "FUSE_READ did not give back what FUSE_WRITE wrote%s", round ? " with the file mapped in the "
				"DAX window" : "");
			vc_observed(c, "first bytes %02x %02x %02x %02x", back[0], back[1], back[2], back[3]);
			vc_expected(c, "%02x %02x %02x %02x", data[0], data[1], data[2], data[3]);
			break;
		}
		/* 64 bytes from offset 128: those bytes, not the file's first ones */
		vc_put64(r + 8, 128);
		vc_put32(r + 16, 64);
		memset(back, 0xee, sizeof(back));
		if (!fs_ok(c, &s, FUSE_READ, node, r, sizeof(r), NULL, back, 64, "FUSE_READ at offset 128"))
			break;
		if (memcmp(back, data + 128, 64)) {
			vc_fail(c, "FUSE_READ of 64 bytes at offset 128 did not give back the bytes written there%s",
				!memcmp(back, data, 64) ? ": it gave the file's first 64 bytes" : "");
			vc_observed(c, "first bytes %02x %02x %02x %02x", back[0], back[1], back[2], back[3]);
			vc_expected(c, "%02x %02x %02x %02x", data[128], data[129], data[130], data[131]);
			break;
		}
	}
	fs_remove(&s, name, node, fh);
}

static const struct vc_clause clauses[] = {
	{ "fs.config.request-queues", L_FS_CFG, VC_MUST, VC_DEVICE_RULE, "1.2",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "FS-CFG-DEV-1", "num_request_queues is 1 or more.", NULL,
	  request_queues },
	{ "fs.hiprio.not-stalled", L_FS_HIPRIO, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", FS_NEEDS,
	  "FS-HIPRIO-DEV-1 FS-HIPRIO-DEV-2", "With a FUSE_OPEN waiting on the request queue (the host holds the file), "
	  "a FUSE_FORGET on hiprio is still used.", NULL, hiprio_not_stalled },
	{ "fs.request.read-write", L_FS_DAX, VC_MUST, VC_DEVICE_RULE, "1.2", FS_NEEDS, "FS-DAX-DEV-3",
	  "FUSE_WRITE and FUSE_READ of a file (the whole, and from an offset) give back what was written, also "
	  "with the file mapped in the DAX "
	  "window when there is one.", NULL, read_write },
};
VC_DEVICE_SUITE(suite_fs_requests, clauses, VIRTIO_ID_FS);
