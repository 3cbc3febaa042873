/* The administration virtqueue as a device type's driver uses it
 * (VIRTIO_F_ADMIN_VQ, self group): struct virtio_admin_cmd on the queue
 * admin_queue_index names, the capability commands (CAP_ID_LIST_QUERY,
 * DEVICE_CAP_GET, DRIVER_CAP_SET) and the device resource object commands
 * (RESOURCE_OBJ_CREATE/MODIFY/QUERY/DESTROY). Shared by the network
 * device's flow filters and IPsec SAs and the crypto device's IPsec SAs.
 *
 * The opcodes of MODIFY and QUERY: admin.tex's opcode table lists
 * 0x000c MODIFY and 0x000b QUERY, while the commands' own paragraphs
 * (admin-cmds-resource-objects.tex) say MODIFY is 0xb and QUERY 0xc; the
 * paragraphs, which define the commands, are taken here. */
#ifndef VC_DEVTYPES_ADMIN_H
#define VC_DEVTYPES_ADMIN_H

#include "vc/driver.h"

enum {
	VC_ADMIN_GROUP_SELF = 0,
	VC_ADMIN_CMD_LIST_QUERY = 0x0, VC_ADMIN_CMD_CAP_ID_LIST_QUERY = 0x7, VC_ADMIN_CMD_DEVICE_CAP_GET = 0x8,
	VC_ADMIN_CMD_DRIVER_CAP_SET = 0x9, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE = 0xa,
	VC_ADMIN_CMD_RESOURCE_OBJ_MODIFY = 0xb, VC_ADMIN_CMD_RESOURCE_OBJ_QUERY = 0xc,
	VC_ADMIN_CMD_RESOURCE_OBJ_DESTROY = 0xd,
	VC_ADMIN_STATUS_OK = 0, VC_ADMIN_STATUS_ENXIO = 6, VC_ADMIN_STATUS_EAGAIN = 11, VC_ADMIN_STATUS_ENOMEM = 12,
	VC_ADMIN_STATUS_EBUSY = 16, VC_ADMIN_STATUS_EEXIST = 17, VC_ADMIN_STATUS_EINVAL = 22,
	VC_ADMIN_STATUS_ENOSPC = 28,
	VC_ADMIN_Q_INVALID_OPCODE = 2,
};

#define VC_ADMIN_DATA_MAX 512      /* command_specific_data this driver sends at most */
#define VC_ADMIN_RESULT_MAX 512    /* command_specific_result it takes at most */

struct vc_admin {
	struct vc_driver *drv;
	struct vc_vq vq;
	unsigned timeout_ms;
};

/* One command's completion. */
struct vc_admin_done {
	uint16_t status, qualifier;
	uint32_t used;                   /* the used length: 8 + the result's bytes */
};

/* After FEATURES_OK with VIRTIO_F_ADMIN_VQ, before DRIVER_OK: the first
 * administration queue set up and enabled. -ENOENT: the device names no
 * usable one (admin_queue_num 0, or an index among the ordinary queues). */
int vc_admin_setup(struct vc_admin *a, struct vc_driver *drv);
/* One command of the self group: `data` (len bytes) after the header, a
 * writable part of 8 + rlen bytes (each part padded with zeros to a
 * multiple of 64 bits); the result copied into res. 0, or
 * -ETIMEDOUT when it is not used in time, or an access error. */
int vc_admin_cmd(struct vc_admin *a, uint16_t opcode, const void *data, size_t len, void *res, size_t rlen,
		 struct vc_admin_done *d);
/* DEVICE_CAP_GET / DRIVER_CAP_SET of capability `id`. */
int vc_admin_cap_get(struct vc_admin *a, uint16_t id, void *res, size_t rlen, struct vc_admin_done *d);
int vc_admin_cap_set(struct vc_admin *a, uint16_t id, const void *cap, size_t len, struct vc_admin_done *d);
/* A resource object command: the header (type, id), flags (not for
 * DESTROY), the object's data (CREATE, MODIFY), its result (QUERY). */
int vc_admin_obj(struct vc_admin *a, uint16_t opcode, uint16_t type, uint32_t id, uint64_t flags, const void *obj,
		 size_t len, void *res, size_t rlen, struct vc_admin_done *d);

#endif
