/* Hostile-driver probes of the SCMI device (profile robustness, side
 * robustness: not spec verdicts). Without P2A_CHANNELS negotiated a driver
 * must not ask for notifications or delayed responses (SCMI-CMDQ-DRV-3);
 * the device rule for such a request (SCMI-CMDQ-DEV-5: NOT_SUPPORTED) is
 * reached only by breaking it, so it is checked here. */
#include "scmi.h"

#define PROFILE "robustness"
#define LABEL "Robustness: a hostile driver (not a spec rule)"

/* Without P2A_CHANNELS: BASE_NOTIFY_ERRORS enabling, and for each sensor
 * SENSOR_TRIP_POINT_NOTIFY enabling and an asynchronous reading, each
 * answered NOT_SUPPORTED. */
static void notify_without_p2a(struct vc_ctx *c)
{
	struct scmi_sensor s[SCMI_SENSORS_MAX];
	struct vc_scmi_cmd cmd;
	struct vc_dev d;
	uint32_t on = 1;
	int ns;

	if (!scmi_open(c, &d, 0, 0) ||
	    !scmi_call(c, &d, &cmd, SCMI_PROTOCOL_BASE, SCMI_BASE_NOTIFY_ERRORS, &on, 1, "BASE_NOTIFY_ERRORS") ||
	    !scmi_status_is(c, &cmd, SCMI_NOT_SUPPORTED, "BASE_NOTIFY_ERRORS without P2A_CHANNELS") ||
	    (ns = scmi_sensors(c, &d, s)) < 0)
		return;
	for (int i = 0; i < ns; i++) {
		uint32_t notify[2] = { s[i].id, 1 }, async[2] = { s[i].id, SCMI_SENSOR_READ_ASYNC };
		if (!scmi_call(c, &d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_TRIP_POINT_NOTIFY, notify, 2,
			       "SENSOR_TRIP_POINT_NOTIFY") ||
		    !scmi_status_is(c, &cmd, SCMI_NOT_SUPPORTED, "SENSOR_TRIP_POINT_NOTIFY without P2A_CHANNELS") ||
		    !scmi_call(c, &d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_READING_GET, async, 2,
			       "an asynchronous SENSOR_READING_GET") ||
		    !scmi_status_is(c, &cmd, SCMI_NOT_SUPPORTED, "an asynchronous SENSOR_READING_GET without P2A_CHANNELS"))
			return;
	}
}

static const struct vc_clause clauses[] = {
	{ "probe.scmi.notify-without-p2a", LABEL, VC_MAY, VC_ROBUSTNESS, "1.2", SCMI_NEEDS, "",
	  "Without P2A_CHANNELS, BASE_NOTIFY_ERRORS, SENSOR_TRIP_POINT_NOTIFY and asynchronous sensor readings are "
	  "answered NOT_SUPPORTED, as the device rule SCMI-CMDQ-DEV-5 (reached only so) asks.", PROFILE,
	  notify_without_p2a, 0, 1, "SCMI-CMDQ-DRV-3", SCMI_SIM },
};
VC_DEVICE_SUITE(suite_scmi_probes, clauses, VIRTIO_ID_SCMI);
