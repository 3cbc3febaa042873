/* The file system device's driver side (vc/devtypes/fs.h). */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/fs.h"

static void in_header(uint8_t *h, uint32_t len, uint32_t opcode, uint64_t unique, uint64_t nodeid)
{
	memset(h, 0, FUSE_IN_HEADER);
	vc_put32(h, len);
	vc_put32(h + 4, opcode);
	vc_put64(h + 8, unique);
	vc_put64(h + 16, nodeid);
}

int vc_fuse_send(struct vc_fuse *f, unsigned q, uint32_t opcode, uint64_t nodeid, const void *arg, uint32_t arglen,
		 const void *arg2, uint32_t arg2len, uint32_t outlen, struct vc_req *r, uint8_t *out_buf)
{
	uint8_t hdr[FUSE_IN_HEADER];
	struct vc_iov iov[4];
	unsigned n = 0;

	in_header(hdr, FUSE_IN_HEADER + arglen + arg2len, opcode, ++f->unique, nodeid);
	iov[n++] = (struct vc_iov){ hdr, NULL, FUSE_IN_HEADER, false };
	if (arglen)
		iov[n++] = (struct vc_iov){ arg, NULL, arglen, false };
	if (arg2len)
		iov[n++] = (struct vc_iov){ arg2, NULL, arg2len, false };
	if (out_buf)                    /* FORGET has no reply: nothing writable */
		iov[n++] = (struct vc_iov){ NULL, out_buf, FUSE_OUT_HEADER + outlen, true };
	return vc_dev_send(f->d, q, iov, n, r, false);
}

int vc_fuse_call(struct vc_fuse *f, unsigned q, uint32_t opcode, uint64_t nodeid, const void *arg, uint32_t arglen,
		 const void *arg2, uint32_t arg2len, void *out, uint32_t outlen, int32_t *error, uint32_t *used,
		 unsigned ms)
{
	uint8_t buf[FUSE_OUT_HEADER + 4096];
	struct vc_req r;
	int rc;

	if (outlen > sizeof(buf) - FUSE_OUT_HEADER)
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	if ((rc = vc_fuse_send(f, q, opcode, nodeid, arg, arglen, arg2, arg2len, outlen, &r, buf)) ||
	    (rc = vc_dev_wait(f->d, &r, ms)))
		return rc;
	*error = (int32_t)vc_le32(buf + 4);
	if (used)
		*used = r.used;
	if (out)
		memcpy(out, buf + FUSE_OUT_HEADER, outlen);
	return 0;
}

int vc_fuse_init(struct vc_fuse *f, int32_t *error, unsigned ms)
{
	uint8_t in[FUSE_INIT_IN] = { 0 }, out[FUSE_INIT_OUT];

	vc_put32(in, 7);               /* major */
	vc_put32(in + 4, 31);          /* minor */
	vc_put32(in + 8, 0x20000);     /* max_readahead */
	return vc_fuse_call(f, f->reqq, FUSE_INIT, 0, in, sizeof(in), NULL, 0, out, sizeof(out), error, NULL, ms);
}
