/* SCMI device: commands on the cmdq (Device Types / SCMI Device / Device
 * Operation / cmdq Operation): a burst all answered, each response its
 * command's; a failed command's return values just the status; requests
 * for P2A messages answered SUCCESS though the eventq is empty; without
 * P2A_CHANNELS, no notification command advertised. */
#include <stdio.h>
#include <string.h>
#include "scmi.h"

#define BURST_MAX 16

/* The base protocol's commands the burst repeats: every platform answers
 * them (the base protocol is mandatory), each differently. */
static const struct {
	unsigned msg;
	uint32_t param;
	unsigned nparams;
	const char *name;
} burst_cmds[] = {
	{ SCMI_PROTOCOL_VERSION, 0, 0, "PROTOCOL_VERSION" },
	{ SCMI_PROTOCOL_ATTRIBUTES, 0, 0, "PROTOCOL_ATTRIBUTES" },
	{ SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, SCMI_BASE_DISCOVER_VENDOR, 1, "PROTOCOL_MESSAGE_ATTRIBUTES" },
	{ SCMI_BASE_DISCOVER_VENDOR, 0, 0, "BASE_DISCOVER_VENDOR" },
};
#define NCMDS (sizeof(burst_cmds) / sizeof(burst_cmds[0]))

/* Each command answered alone first; then up to 16 of them made available
 * with one notification: every one is used (in any order: SCMI-CMDQ-DEV-1),
 * with its own header and token and the answer it got alone. */
static void burst(struct vc_ctx *c)
{
	struct vc_scmi_cmd *alone = vc_clause_alloc(c, (NCMDS + BURST_MAX) * sizeof(*alone)), *cmd = alone + NCMDS;
	struct vc_dev d;

	if (!alone || !scmi_open(c, &d, 0, 0))
		return;
	for (unsigned k = 0; k < NCMDS; k++)
		if (!scmi_call(c, &d, &alone[k], SCMI_PROTOCOL_BASE, burst_cmds[k].msg, &burst_cmds[k].param,
			       burst_cmds[k].nparams, burst_cmds[k].name) ||
		    !scmi_status_is(c, &alone[k], SCMI_SUCCESS, burst_cmds[k].name))
			return;
	unsigned n = d.vq[VIRTIO_SCMI_CMDQ].size / 2 < BURST_MAX ? d.vq[VIRTIO_SCMI_CMDQ].size / 2 : BURST_MAX;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = i % NCMDS;
		vc_scmi_cmd(&cmd[i], SCMI_PROTOCOL_BASE, burst_cmds[k].msg, scmi_token(), &burst_cmds[k].param,
			    burst_cmds[k].nparams);
		if (!ds_ok(c, vc_scmi_send(&d, &cmd[i], true), "making a command available failed"))
			return;
	}
	if (!ds_ok(c, vc_dev_kick(&d, VIRTIO_SCMI_CMDQ), "notifying the cmdq failed"))
		return;
	for (unsigned i = 0; i < n; i++) {
		const struct vc_scmi_cmd *a = &alone[i % NCMDS];
		char what[96];
		snprintf(what, sizeof(what), "%s (command %u of the %u made available together)", burst_cmds[i % NCMDS].name,
			 i + 1, n);
		if (!scmi_done(c, &d, &cmd[i], what))
			return;
		if (cmd[i].r.used == a->r.used && !memcmp(cmd[i].resp + 4, a->resp + 4, a->r.used - 4))
			continue;
		vc_fail(c, "command %u of the %u made available together (%s) was answered differently than alone", i + 1,
			n, burst_cmds[i % NCMDS].name);
		vc_observed(c, "used length %u, status %d, first value 0x%08x", cmd[i].r.used, vc_scmi_status(&cmd[i]),
			    vc_scmi_ret(&cmd[i], 0));
		vc_expected(c, "used length %u, status %d, first value 0x%08x", a->r.used, vc_scmi_status(a),
			    vc_scmi_ret(a, 0));
		return;
	}
}

/* A command that fails (a message the base protocol does not define, a
 * BASE_DISCOVER_LIST_PROTOCOLS skipping more protocols than there are):
 * the response is its header and the status alone, 8 bytes. */
static void error_status_only(struct vc_ctx *c)
{
	static const struct {
		unsigned msg;
		uint32_t param;
		const char *name;
	} failing[] = {
		{ 0xff, 0, "message 0xff of the base protocol" },
		{ SCMI_BASE_DISCOVER_LIST_PROTOCOLS, 0xffffffffu, "BASE_DISCOVER_LIST_PROTOCOLS skipping 2^32-1" },
	};
	struct vc_scmi_cmd cmd;
	struct vc_dev d;
	unsigned failed = 0;

	if (!scmi_open(c, &d, 0, 0))
		return;
	for (unsigned i = 0; i < sizeof(failing) / sizeof(failing[0]); i++) {
		if (!scmi_call(c, &d, &cmd, SCMI_PROTOCOL_BASE, failing[i].msg, &failing[i].param, 1, failing[i].name))
			return;
		if (vc_scmi_status(&cmd) == SCMI_SUCCESS) {
			vc_note(c, "%s succeeded", failing[i].name);
			continue;
		}
		failed++;
		if (cmd.r.used == 8)
			continue;
		vc_fail(c, "%s failed (%s), but its return values are not just the status", failing[i].name,
			vc_scmi_status_name(vc_scmi_status(&cmd)));
		vc_observed(c, "used length %u", cmd.r.used);
		vc_expected(c, "used length 8: the header and the status");
		return;
	}
	if (!failed)
		vc_skip(c, "no command the clause sends failed");
}

/* With the eventq set up but empty: BASE_NOTIFY_ERRORS (when implemented)
 * enabling error notifications, and an asynchronous reading of a sensor
 * that supports one (a delayed response), each answered SUCCESS. */
static void success_without_eventq_buffers(struct vc_ctx *c)
{
	struct scmi_sensor s[SCMI_SENSORS_MAX];
	struct vc_scmi_cmd cmd;
	struct vc_dev d;
	uint32_t p[2] = { SCMI_BASE_NOTIFY_ERRORS, 0 };
	unsigned asked = 0;
	int ns;

	if (!scmi_open(c, &d, SCMI_P2A, 0) ||
	    !scmi_call(c, &d, &cmd, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, p, 1, "PROTOCOL_MESSAGE_ATTRIBUTES"))
		return;
	if (vc_scmi_status(&cmd) == SCMI_SUCCESS) {
		p[0] = 1;
		if (!scmi_call(c, &d, &cmd, SCMI_PROTOCOL_BASE, SCMI_BASE_NOTIFY_ERRORS, p, 1,
			       "BASE_NOTIFY_ERRORS with the eventq empty") ||
		    !scmi_status_is(c, &cmd, SCMI_SUCCESS, "BASE_NOTIFY_ERRORS with the eventq empty"))
			return;
		asked++;
		p[0] = 0;
		if (!scmi_call(c, &d, &cmd, SCMI_PROTOCOL_BASE, SCMI_BASE_NOTIFY_ERRORS, p, 1, "BASE_NOTIFY_ERRORS off"))
			return;
	}
	if ((ns = scmi_sensors(c, &d, s)) < 0)
		return;
	for (int i = 0; i < ns; i++) {
		if (!(s[i].attributes_low & SCMI_SENSOR_ASYNC_READ_SUPPORT))
			continue;
		p[0] = s[i].id;
		p[1] = SCMI_SENSOR_READ_ASYNC;
		if (!scmi_call(c, &d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_READING_GET, p, 2,
			       "an asynchronous SENSOR_READING_GET with the eventq empty") ||
		    !scmi_status_is(c, &cmd, SCMI_SUCCESS, "an asynchronous SENSOR_READING_GET with the eventq empty"))
			return;
		asked++;
		break;
	}
	if (!asked)
		vc_skip(c, "the device implements neither BASE_NOTIFY_ERRORS nor an asynchronous sensor reading");
}

/* Without P2A_CHANNELS negotiated, PROTOCOL_MESSAGE_ATTRIBUTES says of no
 * notification command that it is implemented. */
static void no_p2a_attributes(struct vc_ctx *c)
{
	char found[256];
	struct vc_dev d;
	int n;

	if (!scmi_open(c, &d, 0, 0) || (n = scmi_notify_commands(c, &d, found, sizeof(found))) <= 0)
		return;
	vc_fail(c, "without P2A_CHANNELS negotiated, PROTOCOL_MESSAGE_ATTRIBUTES says notification commands are "
		   "implemented");
	vc_observed(c, "SUCCESS for %s", found);
	vc_expected(c, "NOT_FOUND: the platform answers as if it implemented no notification");
}

static const struct vc_clause clauses[] = {
	{ "scmi.cmdq.burst", L_SCMI_CMDQ, VC_MUST, VC_DEVICE_RULE, "1.2", SCMI_NEEDS, "SCMI-CMDQ-DEV-2",
	  "Up to 16 base-protocol commands made available with one notification are all used, in any order, each "
	  "response carrying its command's header and token and the answer the command got alone.", NULL, burst, 0, 0,
	  NULL, SCMI_SIM },
	{ "scmi.cmdq.error-status-only", L_SCMI_CMDQ, VC_MUST, VC_DEVICE_RULE, "1.2", SCMI_NEEDS, "SCMI-CMDQ-DEV-3",
	  "A failed command (an undefined base message, a protocol list skipping too many) is answered with its "
	  "header and the status alone: used length 8.", NULL, error_status_only, 0, 0, NULL, SCMI_SIM },
	{ "scmi.cmdq.success-without-eventq-buffers", L_SCMI_CMDQ, VC_SHOULD, VC_DEVICE_RULE, "1.2", SCMI_NEEDS,
	  "SCMI-CMDQ-DEV-4",
	  "With P2A_CHANNELS and the eventq empty, BASE_NOTIFY_ERRORS and an asynchronous SENSOR_READING_GET are "
	  "answered SUCCESS.", NULL, success_without_eventq_buffers, VC_REQ(VIRTIO_SCMI_F_P2A_CHANNELS), 2, NULL, SCMI_SIM },
	{ "scmi.cmdq.no-p2a-attributes", L_SCMI_CMDQ, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", SCMI_NEEDS, "SCMI-CMDQ-DEV-6",
	  "Without P2A_CHANNELS negotiated, PROTOCOL_MESSAGE_ATTRIBUTES answers NOT_FOUND for every notification "
	  "command of the protocols the platform lists.", NULL, no_p2a_attributes, 0, 0, NULL, SCMI_SIM },
};
VC_DEVICE_SUITE(suite_scmi_cmdq, clauses, VIRTIO_ID_SCMI);
