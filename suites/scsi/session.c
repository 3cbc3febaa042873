/* The SCSI host suites' shared session (scsi.h). */
#include <errno.h>
#include <string.h>
#include "scsi.h"

bool scsi_open(struct vc_ctx *c, struct vc_dev *d, uint64_t need, uint64_t want)
{
	return ds_open(c, d, need, want, SCSI_QUEUES, false);
}

bool scsi_cmd(struct vc_ctx *c, struct vc_dev *d, const struct vc_scsi_cmd *cmd, struct vc_scsi_resp *resp,
	      const char *what)
{
	int rc = vc_scsi_call(d, cmd, resp, c->dev->timeout_ms);

	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never used the %s", what);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "the command answered");
		return false;
	}
	return ds_ok(c, rc, "sending a SCSI command failed");
}

struct vc_scsi_cmd scsi_simple(uint16_t lun, const uint8_t *cdb, unsigned cdb_len, uint32_t in_len)
{
	struct vc_scsi_cmd cmd = { .target = 0, .lun = lun, .cdb_len = cdb_len, .in_len = in_len };

	memcpy(cmd.cdb, cdb, cdb_len);
	return cmd;
}

bool scsi_need_lun(struct vc_ctx *c, struct vc_dev *d, uint16_t lun, const char *what)
{
	static const uint8_t inquiry[6] = { 0x12, 0, 0, 0, 36, 0 };
	struct vc_scsi_cmd cmd = scsi_simple(lun, inquiry, sizeof(inquiry), 36);
	struct vc_scsi_resp r;

	if (!scsi_cmd(c, d, &cmd, &r, "INQUIRY"))
		return false;
	if (r.response == VIRTIO_SCSI_S_OK && r.status == SAM_GOOD)
		return true;
	vc_skip(c, "no logical unit answers at target 0, LUN %u (INQUIRY: response %s, status 0x%02x): the "
		   "harness needs %s there", lun, vc_scsi_response_name(r.response), r.status, what);
	return false;
}
