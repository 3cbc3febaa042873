/* The file system suites' shared session: the device started, FUSE_INIT
 * done, FUSE requests with verdicts. */
#ifndef VC_SUITES_FS_H
#define VC_SUITES_FS_H

#include "../devsession.h"
#include "vc/devtypes/fs.h"
#include "vc/devtypes/host.h"

#define FS_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define L_FS "Device Types / File System Device"
#define S_IFREG_ 0100000

struct fs {
	struct vc_dev d;
	struct vc_fuse f;
};

/* Started (VIRTIO_FS_F_NOTIFICATION when `notify`, else declined), hiprio,
 * the notification queue when negotiated and the first request queue set
 * up, FUSE_INIT answered without error. */
bool fs_open(struct vc_ctx *c, struct fs *s, bool notify);
/* A FUSE request answered: *error (0 or -errno); `what` names it. */
bool fs_call(struct vc_ctx *c, struct fs *s, uint32_t opcode, uint64_t nodeid, const void *arg, uint32_t arglen,
	     const char *name, void *out, uint32_t outlen, int32_t *error, const char *what);
/* The same, error 0 wanted: FAIL otherwise. */
bool fs_ok(struct vc_ctx *c, struct fs *s, uint32_t opcode, uint64_t nodeid, const void *arg, uint32_t arglen,
	   const char *name, void *out, uint32_t outlen, const char *what);
/* A regular file created in the root, open for reading and writing: its
 * node id and file handle. */
bool fs_create(struct vc_ctx *c, struct fs *s, const char *name, uint64_t *nodeid, uint64_t *fh);
/* FUSE_RELEASE of a file handle (no verdict). */
void fs_release(struct fs *s, uint64_t nodeid, uint64_t fh);
/* Close and remove what fs_create made (no verdict: the clause is over). */
void fs_remove(struct fs *s, const char *name, uint64_t nodeid, uint64_t fh);

#endif
