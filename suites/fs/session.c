/* The file system suites' shared session (fs.h). */
#include <errno.h>
#include <string.h>
#include "fs.h"

bool fs_open(struct vc_ctx *c, struct fs *s, bool notify)
{
	int32_t error;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!ds_open(c, &s->d, notify ? DS_F(VIRTIO_FS_F_NOTIFICATION) : 0, 0, 0, true))
		return false;
	s->f.d = &s->d;
	s->f.reqq = vc_negotiated(&s->d.drv, VIRTIO_FS_F_NOTIFICATION) ? 2 : 1;
	uint64_t queues = DS_Q(VIRTIO_FS_HIPRIO) | DS_Q(s->f.reqq) | (s->f.reqq == 2 ? DS_Q(VIRTIO_FS_NOTIFYQ) : 0);
	if (!ds_ok(c, vc_dev_queues(&s->d, queues, false), "setting up the queues failed"))
		return false;
	rc = vc_fuse_init(&s->f, &error, c->dev->timeout_ms);
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "FUSE_INIT was never answered");
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "the FUSE session started");
		return false;
	}
	if (!ds_ok(c, rc, "sending FUSE_INIT failed"))
		return false;
	if (error)
		vc_skip(c, "FUSE_INIT (protocol 7.31) was refused with error %d", error);
	return !error;
}

bool fs_call(struct vc_ctx *c, struct fs *s, uint32_t opcode, uint64_t nodeid, const void *arg, uint32_t arglen,
	     const char *name, void *out, uint32_t outlen, int32_t *error, const char *what)
{
	int rc = vc_fuse_call(&s->f, s->f.reqq, opcode, nodeid, arg, arglen, name, name ? (uint32_t)strlen(name) + 1 : 0,
			      out, outlen, error, NULL, c->dev->timeout_ms);

	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never answered %s", what);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "an answer");
		return false;
	}
	return ds_ok(c, rc, "sending a FUSE request failed");
}

bool fs_ok(struct vc_ctx *c, struct fs *s, uint32_t opcode, uint64_t nodeid, const void *arg, uint32_t arglen,
	   const char *name, void *out, uint32_t outlen, const char *what)
{
	int32_t error;

	if (!fs_call(c, s, opcode, nodeid, arg, arglen, name, out, outlen, &error, what))
		return false;
	if (error) {
		vc_skip(c, "%s failed with error %d: the file system would not do what the check needs", what, error);
		return false;
	}
	return true;
}

bool fs_create(struct vc_ctx *c, struct fs *s, const char *name, uint64_t *nodeid, uint64_t *fh)
{
	uint8_t in[16] = { 0 }, out[FUSE_ENTRY_OUT + FUSE_OPEN_OUT];
	int32_t error;

	vc_put32(in, 02 | 01000);            /* O_RDWR | O_TRUNC */
	vc_put32(in + 4, S_IFREG_ | 0600);
	if (!fs_call(c, s, FUSE_CREATE, FUSE_ROOT_ID, in, sizeof(in), name, out, sizeof(out), &error, "FUSE_CREATE"))
		return false;
	if (error) {
		vc_skip(c, "FUSE_CREATE of a file failed with error %d (a read-only share?)", error);
		return false;
	}
	*nodeid = vc_le64(out);
	*fh = vc_le64(out + FUSE_ENTRY_OUT);
	return true;
}

void fs_release(struct fs *s, uint64_t nodeid, uint64_t fh)
{
	uint8_t rel[24] = { 0 };
	int32_t error;

	vc_put64(rel, fh);
	vc_fuse_call(&s->f, s->f.reqq, FUSE_RELEASE, nodeid, rel, sizeof(rel), NULL, 0, NULL, 0, &error, NULL, 2000);
}

void fs_remove(struct fs *s, const char *name, uint64_t nodeid, uint64_t fh)
{
	int32_t error;

	fs_release(s, nodeid, fh);
	vc_fuse_call(&s->f, s->f.reqq, FUSE_UNLINK, FUSE_ROOT_ID, NULL, 0, name, (uint32_t)strlen(name) + 1, NULL, 0,
		     &error, NULL, 2000);
}
