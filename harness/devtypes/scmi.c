/* The SCMI device's driver side (vc/devtypes/scmi.h). */
#include <string.h>
#include "vc/devtypes/scmi.h"

void vc_scmi_cmd(struct vc_scmi_cmd *c, unsigned protocol, unsigned msg, unsigned token, const uint32_t *params,
		 unsigned nparams)
{
	memset(c, 0, sizeof(*c));
	if (nparams > VC_SCMI_MAX_PARAMS)
		nparams = VC_SCMI_MAX_PARAMS;
	c->hdr = vc_scmi_hdr(protocol, msg, SCMI_MSG_COMMAND, token);
	vc_put32(c->req, c->hdr);
	for (unsigned i = 0; i < nparams; i++)
		vc_put32(c->req + 4 + 4 * i, params[i]);
	c->req_len = 4 + 4 * nparams;
	memset(c->resp, 0xee, sizeof(c->resp));
}

int vc_scmi_send(struct vc_dev *d, struct vc_scmi_cmd *c, bool quiet)
{
	struct vc_iov iov[2] = { { c->req, NULL, c->req_len, false, 0 }, { c->resp, c->resp, sizeof(c->resp), true, 0 } };

	return vc_dev_send(d, VIRTIO_SCMI_CMDQ, iov, 2, &c->r, quiet);
}

int vc_scmi_call(struct vc_dev *d, struct vc_scmi_cmd *c, unsigned ms)
{
	int rc = vc_scmi_send(d, c, false);

	return rc ? rc : vc_dev_wait(d, &c->r, ms);
}

uint32_t vc_scmi_resp_hdr(const struct vc_scmi_cmd *c)
{
	return vc_le32(c->resp);
}

int32_t vc_scmi_status(const struct vc_scmi_cmd *c)
{
	return (int32_t)vc_le32(c->resp + 4);
}

uint32_t vc_scmi_ret(const struct vc_scmi_cmd *c, unsigned i)
{
	return 12 + 4 * i <= sizeof(c->resp) ? vc_le32(c->resp + 8 + 4 * i) : 0;
}

unsigned vc_scmi_nret(const struct vc_scmi_cmd *c)
{
	return c->r.used >= 8 ? (c->r.used - 8) / 4 : 0;
}

const char *vc_scmi_status_name(int32_t status)
{
	static const char *const names[] = { "SUCCESS", "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED",
					     "NOT_FOUND", "OUT_OF_RANGE", "BUSY", "COMMS_ERROR",
					     "GENERIC_ERROR", "HARDWARE_ERROR", "PROTOCOL_ERROR" };

	return status <= 0 && status >= -10 ? names[-status] : "unknown";
}
