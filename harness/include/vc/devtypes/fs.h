/* The file system device (virtio type 26): FUSE requests on the request
 * queues, FORGET/INTERRUPT on hiprio, notify messages, the DAX window. */
#ifndef VC_DEVTYPES_FS_H
#define VC_DEVTYPES_FS_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_FS 26
#define VIRTIO_FS_F_NOTIFICATION 0
#define VIRTIO_FS_HIPRIO 0
#define VIRTIO_FS_NOTIFYQ 1
/* struct virtio_fs_config */
#define VIRTIO_FS_CFG_TAG 0
#define VIRTIO_FS_CFG_NUM_REQUEST_QUEUES 36
#define VIRTIO_FS_CFG_NOTIFY_BUF_SIZE 40
#define VIRTIO_FS_CFG_LEN 44

/* FUSE (Linux's include/uapi/linux/fuse.h, protocol 7.31) */
enum {
	FUSE_LOOKUP = 1, FUSE_FORGET = 2, FUSE_GETATTR = 3, FUSE_MKNOD = 8, FUSE_UNLINK = 10, FUSE_OPEN = 14,
	FUSE_READ = 15, FUSE_WRITE = 16, FUSE_RELEASE = 18, FUSE_INIT = 26, FUSE_INTERRUPT = 36, FUSE_CREATE = 35,
	FUSE_SETUPMAPPING = 48, FUSE_REMOVEMAPPING = 49,
};
#define FUSE_IN_HEADER 40
#define FUSE_OUT_HEADER 16
#define FUSE_ROOT_ID 1
#define FUSE_ENTRY_OUT 128                  /* struct fuse_entry_out */
#define FUSE_OPEN_OUT 16
#define FUSE_INIT_IN 64
#define FUSE_INIT_OUT 64
#define FUSE_SETUPMAPPING_FLAG_WRITE 1
#define FUSE_SETUPMAPPING_FLAG_READ 2

/* The queue the requests go to: 1, or 2 with VIRTIO_FS_F_NOTIFICATION. */
struct vc_fuse {
	struct vc_dev *d;
	unsigned reqq;
	uint64_t unique;
};

/* One FUSE request: in header with opcode/nodeid, `arg` (and `arg2`, a
 * name say) readable; out header and `outlen` bytes writable. *error from
 * the out header (0 or -errno), *used the used length. vc_dev_call's codes. */
int vc_fuse_call(struct vc_fuse *f, unsigned q, uint32_t opcode, uint64_t nodeid, const void *arg, uint32_t arglen,
		 const void *arg2, uint32_t arg2len, void *out, uint32_t outlen, int32_t *error, uint32_t *used,
		 unsigned ms);
/* The same made available (and notified) only: the caller waits. */
int vc_fuse_send(struct vc_fuse *f, unsigned q, uint32_t opcode, uint64_t nodeid, const void *arg, uint32_t arglen,
		 const void *arg2, uint32_t arg2len, uint32_t outlen, struct vc_req *r, uint8_t *out_buf);
/* FUSE_INIT, protocol 7.31: 0 with *error. */
int vc_fuse_init(struct vc_fuse *f, int32_t *error, unsigned ms);

#endif
