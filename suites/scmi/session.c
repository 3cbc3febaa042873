/* The SCMI clauses' shared driver session (scmi.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "scmi.h"

bool scmi_open(struct vc_ctx *c, struct vc_dev *d, uint64_t need, uint64_t want)
{
	bool p2a = ((need | want) & SCMI_P2A) && vc_offers(c->probe, VIRTIO_SCMI_F_P2A_CHANNELS);

	return ds_open(c, d, need, want, DS_Q(VIRTIO_SCMI_CMDQ) | (p2a ? DS_Q(VIRTIO_SCMI_EVENTQ) : 0), false);
}

bool scmi_done(struct vc_ctx *c, struct vc_dev *d, struct vc_scmi_cmd *cmd, const char *what)
{
	if (!ds_wait(c, d, &cmd->r, what))
		return false;
	if (cmd->r.used >= 8 && vc_scmi_resp_hdr(cmd) == cmd->hdr)
		return true;
	vc_fail(c, "the response to %s is not that command's", what);
	if (cmd->r.used < 8)
		vc_observed(c, "used length %u", cmd->r.used);
	else
		vc_observed(c, "header 0x%08x (token %u), used length %u", vc_scmi_resp_hdr(cmd),
			    SCMI_HDR_TOKEN(vc_scmi_resp_hdr(cmd)), cmd->r.used);
	vc_expected(c, "the command's header 0x%08x (token %u), then at least a status", cmd->hdr,
		    SCMI_HDR_TOKEN(cmd->hdr));
	return false;
}

unsigned scmi_token(void)
{
	static unsigned token;

	token = token % SCMI_TOKEN_MAX + 1;
	return token;
}

bool scmi_call(struct vc_ctx *c, struct vc_dev *d, struct vc_scmi_cmd *cmd, unsigned protocol, unsigned msg,
	       const uint32_t *params, unsigned nparams, const char *what)
{
	vc_scmi_cmd(cmd, protocol, msg, scmi_token(), params, nparams);
	return ds_ok(c, vc_scmi_send(d, cmd, false), "sending a command on the cmdq failed") &&
	       scmi_done(c, d, cmd, what);
}

bool scmi_status_is(struct vc_ctx *c, const struct vc_scmi_cmd *cmd, int32_t want, const char *what)
{
	int32_t st = vc_scmi_status(cmd);

	if (st == want)
		return true;
	vc_fail(c, "%s was answered %s", what, vc_scmi_status_name(st));
	vc_observed(c, "status %d (%s)", st, vc_scmi_status_name(st));
	vc_expected(c, "status %d (%s)", want, vc_scmi_status_name(want));
	return false;
}

/* The notification commands of SCMI's protocols (DEN0056). */
static const struct {
	unsigned protocol, msg;
	const char *name;
} notify_commands[] = {
	{ SCMI_PROTOCOL_BASE, SCMI_BASE_NOTIFY_ERRORS, "BASE_NOTIFY_ERRORS" },
	{ 0x13, 0x9, "PERFORMANCE_NOTIFY_LIMITS" },
	{ 0x13, 0xa, "PERFORMANCE_NOTIFY_LEVEL" },
	{ SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_TRIP_POINT_NOTIFY, "SENSOR_TRIP_POINT_NOTIFY" },
	{ SCMI_PROTOCOL_SENSOR, 0xb, "SENSOR_CONTINUOUS_UPDATE_NOTIFY" },
};

/* The protocols BASE_DISCOVER_LIST_PROTOCOLS lists, as a set; false after a
 * verdict. */
static bool listed_protocols(struct vc_ctx *c, struct vc_dev *d, bool listed[256])
{
	struct vc_scmi_cmd cmd;
	uint32_t skip = 0;

	memset(listed, 0, 256 * sizeof(listed[0]));
	listed[SCMI_PROTOCOL_BASE] = true;
	for (unsigned round = 0; round < 16; round++) {
		if (!scmi_call(c, d, &cmd, SCMI_PROTOCOL_BASE, SCMI_BASE_DISCOVER_LIST_PROTOCOLS, &skip, 1,
			       "BASE_DISCOVER_LIST_PROTOCOLS") ||
		    !scmi_status_is(c, &cmd, SCMI_SUCCESS, "BASE_DISCOVER_LIST_PROTOCOLS"))
			return false;
		unsigned words = vc_scmi_nret(&cmd);
		uint32_t n = vc_scmi_ret(&cmd, 0);
		if (words && !n)
			return true;
		if (!words || n > 4 * (words - 1) || n > 255) {
			vc_fail(c, "BASE_DISCOVER_LIST_PROTOCOLS's response does not hold the protocols it says");
			vc_observed(c, "used length %u%s", cmd.r.used, words ? "" : ": no num_protocols");
			vc_expected(c, "num_protocols, then that many protocol bytes");
			return false;
		}
		for (uint32_t i = 0; i < n; i++)
			listed[cmd.resp[12 + i]] = true;
		skip += n;
	}
	return true;
}

int scmi_notify_commands(struct vc_ctx *c, struct vc_dev *d, char *found, size_t len)
{
	struct vc_scmi_cmd cmd;
	bool listed[256];
	int n = 0;

	found[0] = 0;
	if (!listed_protocols(c, d, listed))
		return -1;
	for (unsigned i = 0; i < sizeof(notify_commands) / sizeof(notify_commands[0]); i++) {
		uint32_t msg = notify_commands[i].msg;
		if (!listed[notify_commands[i].protocol])
			continue;
		if (!scmi_call(c, d, &cmd, notify_commands[i].protocol, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, &msg, 1,
			       "PROTOCOL_MESSAGE_ATTRIBUTES"))
			return -1;
		if (vc_scmi_status(&cmd) != SCMI_SUCCESS)
			continue;
		size_t at = strlen(found);
		snprintf(found + at, len - at, "%s%s", n++ ? ", " : "", notify_commands[i].name);
	}
	return n;
}

int scmi_sensors(struct vc_ctx *c, struct vc_dev *d, struct scmi_sensor *s)
{
	struct vc_scmi_cmd cmd;
	int n = 0;

	if (!scmi_call(c, d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_PROTOCOL_VERSION, NULL, 0,
		       "the sensor protocol's PROTOCOL_VERSION"))
		return -1;
	if (vc_scmi_status(&cmd) != SCMI_SUCCESS)
		return 0;
	if (!scmi_call(c, d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0,
		       "the sensor protocol's PROTOCOL_ATTRIBUTES") ||
	    !scmi_status_is(c, &cmd, SCMI_SUCCESS, "the sensor protocol's PROTOCOL_ATTRIBUTES"))
		return -1;
	uint32_t count = vc_scmi_ret(&cmd, 0) & 0xffff;
	for (uint32_t i = 0; i < count && n < SCMI_SENSORS_MAX; i++) {
		if (!scmi_call(c, d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_DESCRIPTION_GET, &i, 1, "SENSOR_DESCRIPTION_GET") ||
		    !scmi_status_is(c, &cmd, SCMI_SUCCESS, "SENSOR_DESCRIPTION_GET"))
			return -1;
		if (!(vc_scmi_ret(&cmd, 0) & 0xfff) || vc_scmi_nret(&cmd) < 3)
			break;
		s[n].id = vc_scmi_ret(&cmd, 1);
		s[n++].attributes_low = vc_scmi_ret(&cmd, 2);
	}
	return n;
}

int scmi_next_p2a(struct vc_ctx *c, struct vc_dev *d, struct ds_stream *s, uint32_t hdr, unsigned ms, uint32_t *w,
		  unsigned nw, unsigned *n)
{
	int k = ds_stream_next(c, d, s, ms);

	if (k < 0)
		return k == -1 ? 0 : -1;
	const uint8_t *b = s->buf[k];
	uint32_t used = s->req[k].used, got = used >= 4 ? vc_le32(b) : 0;
	uint32_t mask = SCMI_HDR_TYPE(hdr) == SCMI_MSG_NOTIFICATION ? ~(SCMI_TOKEN_MAX << 18) : ~0u;
	if (used < 4 || (got & mask) != (hdr & mask)) {
		vc_fail(c, "the eventq message is not the one due");
		vc_observed(c, "used length %u, header 0x%08x (type %u, protocol 0x%x, message 0x%x, token %u)", used, got,
			    SCMI_HDR_TYPE(got), SCMI_HDR_PROTOCOL(got), SCMI_HDR_MSG(got), SCMI_HDR_TOKEN(got));
		vc_expected(c, "header 0x%08x (type %u, protocol 0x%x, message 0x%x, token %u)", hdr, SCMI_HDR_TYPE(hdr),
			    SCMI_HDR_PROTOCOL(hdr), SCMI_HDR_MSG(hdr), SCMI_HDR_TOKEN(hdr));
		return -1;
	}
	*n = (used - 4) / 4;
	for (unsigned i = 0; i < *n && i < nw; i++)
		w[i] = vc_le32(b + 4 + 4 * i);
	return 1;
}

unsigned scmi_quiet_ms(struct vc_ctx *c)
{
	return vc_has(c->dev, VC_SYNC) ? 20 : 500;
}
