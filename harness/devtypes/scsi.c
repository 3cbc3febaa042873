/* The SCSI host's driver side (vc/devtypes/scsi.h). */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/scsi.h"

void vc_scsi_lun(uint8_t lun[8], uint8_t target, uint16_t lun_id)
{
	memset(lun, 0, 8);
	lun[0] = 1;
	lun[1] = target;
	lun[2] = (uint8_t)(0x40 | (lun_id >> 8 & 0x3f));
	lun[3] = (uint8_t)lun_id;
}

bool vc_sam_status_valid(uint8_t status)
{
	static const uint8_t sam[] = { SAM_GOOD, SAM_CHECK_CONDITION, SAM_CONDITION_MET, SAM_BUSY,
				       SAM_RESERVATION_CONFLICT, SAM_TASK_SET_FULL, SAM_ACA_ACTIVE, SAM_TASK_ABORTED };

	for (unsigned i = 0; i < sizeof(sam); i++)
		if (status == sam[i])
			return true;
	return false;
}

const char *vc_scsi_response_name(uint8_t response)
{
	static const char *const names[] = { "OK", "OVERRUN", "ABORTED", "BAD_TARGET", "RESET", "BUSY",
					     "TRANSPORT_FAILURE", "TARGET_FAILURE", "NEXUS_FAILURE", "FAILURE" };

	return response < sizeof(names) / sizeof(names[0]) ? names[response] : "undefined";
}

int vc_scsi_sense_key(const uint8_t *sense, uint32_t len)
{
	uint8_t code = len ? sense[0] & 0x7f : 0;

	if ((code == 0x70 || code == 0x71) && len >= 3)
		return sense[2] & 0x0f;
	if ((code == 0x72 || code == 0x73) && len >= 2)
		return sense[1] & 0x0f;
	return -1;
}

unsigned vc_scsi_request(const struct vc_scsi_cmd *cmd, uint8_t hdr[VIRTIO_SCSI_REQ_HDR + 32],
			 uint8_t rsp[VIRTIO_SCSI_RESP_HDR + VIRTIO_SCSI_SENSE_DEFAULT], uint8_t *datain,
			 struct vc_iov iov[4])
{
	unsigned n = 0;

	memset(hdr, 0, VIRTIO_SCSI_REQ_HDR + 32);
	vc_scsi_lun(hdr, cmd->target, cmd->lun);
	vc_put64(hdr + 8, 0x5643);                            /* the tag */
	memcpy(hdr + VIRTIO_SCSI_REQ_HDR, cmd->cdb, cmd->cdb_len < 32 ? cmd->cdb_len : 32);
	memset(rsp, 0xee, VIRTIO_SCSI_RESP_HDR + VIRTIO_SCSI_SENSE_DEFAULT);
	iov[n++] = (struct vc_iov){ hdr, NULL, VIRTIO_SCSI_REQ_HDR + 32, false };
	if (cmd->out_len)
		iov[n++] = (struct vc_iov){ cmd->out, NULL, cmd->out_len, false };
	iov[n++] = (struct vc_iov){ rsp, rsp, VIRTIO_SCSI_RESP_HDR + VIRTIO_SCSI_SENSE_DEFAULT, true };
	if (cmd->in_len)
		iov[n++] = (struct vc_iov){ NULL, datain, cmd->in_len, true };
	return n;
}

void vc_scsi_resp_take(const uint8_t *rsp, const uint8_t *datain, uint32_t in_len, uint32_t used,
		       struct vc_scsi_resp *out)
{
	memset(out, 0, sizeof(*out));
	out->sense_len = vc_le32(rsp);
	out->residual = vc_le32(rsp + 4);
	out->status = rsp[10];
	out->response = rsp[11];
	memcpy(out->sense, rsp + VIRTIO_SCSI_RESP_HDR, VIRTIO_SCSI_SENSE_DEFAULT);
	if (datain)
		memcpy(out->data, datain, in_len < sizeof(out->data) ? in_len : sizeof(out->data));
	out->used = used;
}

int vc_scsi_call(struct vc_dev *d, const struct vc_scsi_cmd *cmd, struct vc_scsi_resp *resp, unsigned ms)
{
	uint8_t hdr[VIRTIO_SCSI_REQ_HDR + 32], rsp[VIRTIO_SCSI_RESP_HDR + VIRTIO_SCSI_SENSE_DEFAULT], datain[4096];
	struct vc_iov iov[4];
	uint32_t used;
	int rc;

	if (cmd->in_len > sizeof(datain))
		return -EINVAL;
	unsigned n = vc_scsi_request(cmd, hdr, rsp, datain, iov);
	if ((rc = vc_dev_call(d, VIRTIO_SCSI_REQUESTQ, iov, n, &used, ms)))
		return rc;
	vc_scsi_resp_take(rsp, datain, cmd->in_len, used, resp);
	return 0;
}
