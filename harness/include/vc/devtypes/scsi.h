/* The SCSI host device (virtio type 8): its configuration, command
 * requests on the request queues and events on the eventq. */
#ifndef VC_DEVTYPES_SCSI_H
#define VC_DEVTYPES_SCSI_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_SCSI 8
#define VIRTIO_SCSI_F_INOUT 0
#define VIRTIO_SCSI_F_HOTPLUG 1
#define VIRTIO_SCSI_F_CHANGE 2
#define VIRTIO_SCSI_F_T10_PI 3

#define VIRTIO_SCSI_CONTROLQ 0
#define VIRTIO_SCSI_EVENTQ 1
#define VIRTIO_SCSI_REQUESTQ 2

/* struct virtio_scsi_config */
#define VIRTIO_SCSI_CFG_NUM_QUEUES 0
#define VIRTIO_SCSI_CFG_EVENT_INFO_SIZE 16
#define VIRTIO_SCSI_CFG_SENSE_SIZE 20
#define VIRTIO_SCSI_CFG_CDB_SIZE 24
#define VIRTIO_SCSI_CFG_LEN 36
#define VIRTIO_SCSI_SENSE_DEFAULT 96
#define VIRTIO_SCSI_CDB_DEFAULT 32

/* struct virtio_scsi_req_cmd: lun[8], le64 id, task_attr, prio, crn, cdb[] */
#define VIRTIO_SCSI_REQ_HDR 19
/* struct virtio_scsi_resp_cmd: le32 sense_len, le32 residual, le16
 * status_qualifier, u8 status, u8 response, sense[] */
#define VIRTIO_SCSI_RESP_HDR 12

enum {
	VIRTIO_SCSI_S_OK = 0, VIRTIO_SCSI_S_OVERRUN = 1, VIRTIO_SCSI_S_ABORTED = 2, VIRTIO_SCSI_S_BAD_TARGET = 3,
	VIRTIO_SCSI_S_RESET = 4, VIRTIO_SCSI_S_BUSY = 5, VIRTIO_SCSI_S_TRANSPORT_FAILURE = 6,
	VIRTIO_SCSI_S_TARGET_FAILURE = 7, VIRTIO_SCSI_S_NEXUS_FAILURE = 8, VIRTIO_SCSI_S_FAILURE = 9,
};

/* struct virtio_scsi_event: le32 event, lun[8], le32 reason */
#define VIRTIO_SCSI_EVENT_SIZE 16
#define VIRTIO_SCSI_T_EVENTS_MISSED 0x80000000u
enum { VIRTIO_SCSI_T_NO_EVENT = 0, VIRTIO_SCSI_T_TRANSPORT_RESET = 1, VIRTIO_SCSI_T_ASYNC_NOTIFY = 2,
       VIRTIO_SCSI_T_PARAM_CHANGE = 3 };
enum { VIRTIO_SCSI_EVT_RESET_HARD = 0, VIRTIO_SCSI_EVT_RESET_RESCAN = 1, VIRTIO_SCSI_EVT_RESET_REMOVED = 2 };

/* The logical units a backend's host side puts on target 0 (host actions
 * scsi-plug, scsi-unplug and scsi-medium-change act on them). */
enum { VC_SCSI_LUN_DISK = 0, VC_SCSI_LUN_SLOW = 1, VC_SCSI_LUN_CD = 2, VC_SCSI_LUN_SPARE = 3 };

/* SAM status codes */
enum { SAM_GOOD = 0x00, SAM_CHECK_CONDITION = 0x02, SAM_CONDITION_MET = 0x04, SAM_BUSY = 0x08,
       SAM_RESERVATION_CONFLICT = 0x18, SAM_TASK_SET_FULL = 0x28, SAM_ACA_ACTIVE = 0x30, SAM_TASK_ABORTED = 0x40 };

/* A command to target/lun with `cdb` (up to 32 bytes), `out` bytes of
 * data-out and room for `in_len` bytes of data-in (header and response in
 * one descriptor each, the data in one more each). */
struct vc_scsi_cmd {
	uint8_t target;
	uint16_t lun;
	uint8_t cdb[32];
	unsigned cdb_len;
	const void *out;
	uint32_t out_len;
	uint32_t in_len;
};
struct vc_scsi_resp {
	uint32_t sense_len, residual;
	uint8_t status, response;
	uint8_t sense[VIRTIO_SCSI_SENSE_DEFAULT];
	uint8_t data[512];          /* the first bytes of data-in */
	uint32_t used;
};

void vc_scsi_lun(uint8_t lun[8], uint8_t target, uint16_t lun_id);
bool vc_sam_status_valid(uint8_t status);
const char *vc_scsi_response_name(uint8_t response);
/* The sense key of fixed (0x70/0x71) or descriptor (0x72/0x73) sense
 * data, or -1. */
int vc_scsi_sense_key(const uint8_t *sense, uint32_t len);

/* Build the request's pieces (iov[4]); resp receives the answer once used
 * (vc_scsi_resp_take). Returns the number of pieces. */
unsigned vc_scsi_request(const struct vc_scsi_cmd *cmd, uint8_t hdr[VIRTIO_SCSI_REQ_HDR + 32],
			 uint8_t rsp[VIRTIO_SCSI_RESP_HDR + VIRTIO_SCSI_SENSE_DEFAULT], uint8_t *datain,
			 struct vc_iov iov[4]);
void vc_scsi_resp_take(const uint8_t *rsp, const uint8_t *datain, uint32_t in_len, uint32_t used,
		       struct vc_scsi_resp *out);
/* One command sent and waited for (the device's timeout). */
int vc_scsi_call(struct vc_dev *d, const struct vc_scsi_cmd *cmd, struct vc_scsi_resp *resp, unsigned ms);

#endif
