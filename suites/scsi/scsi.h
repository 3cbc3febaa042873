/* The SCSI host suites' shared session: the device started with its
 * queues, commands sent with their verdicts. */
#ifndef VC_SUITES_SCSI_H
#define VC_SUITES_SCSI_H

#include "../devsession.h"
#include "vc/devtypes/scsi.h"

#define SCSI_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define SCSI_QUEUES (DS_Q(VIRTIO_SCSI_CONTROLQ) | DS_Q(VIRTIO_SCSI_EVENTQ) | DS_Q(VIRTIO_SCSI_REQUESTQ))
#define L_SCSI_SANITY "Sanity: what a SCSI host is for (not a spec rule)"

/* The three queues (control, event, first request queue), features as
 * ds_open takes them. */
bool scsi_open(struct vc_ctx *c, struct vc_dev *d, uint64_t need, uint64_t want);
/* One command answered (FAIL when the device never uses it). */
bool scsi_cmd(struct vc_ctx *c, struct vc_dev *d, const struct vc_scsi_cmd *cmd, struct vc_scsi_resp *resp,
	      const char *what);
/* A command of `cdb_len` bytes to target 0, `lun`, with in_len bytes of data-in. */
struct vc_scsi_cmd scsi_simple(uint16_t lun, const uint8_t *cdb, unsigned cdb_len, uint32_t in_len);
/* INQUIRY to target 0, `lun`: false (SKIP) when no logical unit answers there. */
bool scsi_need_lun(struct vc_ctx *c, struct vc_dev *d, uint16_t lun, const char *what);

#endif
