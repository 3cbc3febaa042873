/* The PMEM device (virtio type 27): its configuration and flush request. */
#ifndef VC_DEVTYPES_PMEM_H
#define VC_DEVTYPES_PMEM_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_PMEM 27
#define VIRTIO_PMEM_F_SHMEM_REGION 0
#define VIRTIO_PMEM_CFG_START 0      /* le64 */
#define VIRTIO_PMEM_CFG_SIZE 8       /* le64 */
#define VIRTIO_PMEM_REQ_TYPE_FLUSH 0
#define VIRTIO_PMEM_QUEUE 0

/* One flush on req_vq: le32 type, then le32 ret written back (*ret).
 * *used: the used length. vc_dev_call's return codes. */
int vc_pmem_flush(struct vc_dev *d, uint32_t *ret, uint32_t *used, unsigned ms);

#endif
