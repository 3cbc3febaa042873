/* SCMI device: delayed responses and notifications on the eventq (Device
 * Types / SCMI Device / Device Operation / eventq Operation): a delayed
 * response due while the eventq was empty is sent once it has buffers; a
 * failed one carries the status alone; a trip point crossed is notified. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "scmi.h"
#include "vc/devtypes/host.h"

struct p2a_session {
	struct vc_dev d;
	struct ds_stream ev;
	struct scmi_sensor s[SCMI_SENSORS_MAX];
	int ns;
};

static bool p2a_open(struct vc_ctx *c, struct p2a_session *ps)
{
	memset(&ps->ev, 0, sizeof(ps->ev));
	ps->ev.q = VIRTIO_SCMI_EVENTQ;
	ps->ev.len = VC_SCMI_MSG_MAX;
	return scmi_open(c, &ps->d, SCMI_P2A, 0) && (ps->ns = scmi_sensors(c, &ps->d, ps->s)) >= 0;
}

/* SENSOR_READING_GET of a sensor: its status, the reading in *value. */
static bool read_sync(struct vc_ctx *c, struct p2a_session *ps, uint32_t id, int32_t *status, uint64_t *value)
{
	struct vc_scmi_cmd cmd;
	uint32_t p[2] = { id, 0 };

	if (!scmi_call(c, &ps->d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_READING_GET, p, 2, "SENSOR_READING_GET"))
		return false;
	*status = vc_scmi_status(&cmd);
	*value = vc_scmi_ret(&cmd, 0) | (uint64_t)vc_scmi_ret(&cmd, 1) << 32;
	return true;
}

/* The first sensor read asynchronously whose synchronous reading
 * succeeds (fails: `failing`): its index, -1 after a SKIP or a verdict. */
static int pick_sensor(struct vc_ctx *c, struct p2a_session *ps, bool failing)
{
	for (int i = 0; i < ps->ns; i++) {
		int32_t st;
		uint64_t v;
		if (!(ps->s[i].attributes_low & SCMI_SENSOR_ASYNC_READ_SUPPORT))
			continue;
		if (!read_sync(c, ps, ps->s[i].id, &st, &v))
			return -1;
		if ((st != SCMI_SUCCESS) == failing)
			return i;
	}
	vc_skip(c, "no sensor reads asynchronously%s", failing ? " with a reading that fails" : "");
	return -1;
}

/* An asynchronous reading accepted: its command's token; 0 after a SKIP
 * or a verdict. */
static unsigned read_async(struct vc_ctx *c, struct p2a_session *ps, uint32_t id)
{
	struct vc_scmi_cmd cmd;
	uint32_t p[2] = { id, SCMI_SENSOR_READ_ASYNC };

	if (!scmi_call(c, &ps->d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_READING_GET, p, 2,
		       "an asynchronous SENSOR_READING_GET"))
		return 0;
	if (vc_scmi_status(&cmd) != SCMI_SUCCESS) {
		vc_skip(c, "sensor %u's asynchronous reading was refused (%s): no delayed response to look at", id,
			vc_scmi_status_name(vc_scmi_status(&cmd)));
		return 0;
	}
	return SCMI_HDR_TOKEN(cmd.hdr);
}

static int delayed_response(struct vc_ctx *c, struct p2a_session *ps, unsigned token, uint32_t *w, unsigned *n)
{
	uint32_t hdr = vc_scmi_hdr(SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_READING_GET, SCMI_MSG_DELAYED_RESPONSE, token);
	int got = scmi_next_p2a(c, &ps->d, &ps->ev, hdr, c->dev->timeout_ms, w, 4, n);

	if (!got) {
		vc_fail(c, "the asynchronous reading's delayed response never came");
		vc_observed(c, "no eventq buffer used within %u ms, %u buffers available", c->dev->timeout_ms, ps->ev.posted);
		vc_expected(c, "SENSOR_READING_COMPLETE with token %u", token);
	}
	return got;
}

/* The host sets the sensor's reading (the value then known); an
 * asynchronous reading with the eventq empty; after a quiet spell,
 * buffers made available: the delayed response comes, SUCCESS, with the
 * sensor's id and the reading. */
static void delayed_response_sent(struct vc_ctx *c)
{
	struct p2a_session *ps = vc_clause_alloc(c, sizeof(*ps));
	uint32_t w[4];
	unsigned n, token;
	int i;

	if (!ps || !p2a_open(c, ps) || (i = pick_sensor(c, ps, false)) < 0)
		return;
	uint32_t id = ps->s[i].id;
	char arg[48];
	snprintf(arg, sizeof(arg), "%u 31337", id);
	int host = vc_host(c->dev, VC_HOST_SCMI_SENSOR, arg, NULL, 0);
	if (host && host != -ENOTSUP && !ds_host_done(c, VC_HOST_SCMI_SENSOR, host))
		return;
	if (!(token = read_async(c, ps, id)) || !ds_settle(&ps->d, scmi_quiet_ms(c)) ||
	    !ds_stream_post(c, &ps->d, &ps->ev, 2) || delayed_response(c, ps, token, w, &n) <= 0)
		return;
	if (n != 4 || w[0] != SCMI_SUCCESS || w[1] != id || (!host && (w[2] != 31337 || w[3]))) {
		vc_fail(c, "the delayed response is not sensor %u's reading", id);
		vc_observed(c, "%u payload words: status %d, sensor %u, value 0x%08x%08x", n, (int32_t)w[0], n > 1 ? w[1] : 0,
			    n > 3 ? w[3] : 0, n > 2 ? w[2] : 0);
		vc_expected(c, "4 words: status SUCCESS, sensor %u, %s", id, host ? "its reading" : "the value 31337 the host set");
	}
}

/* Buffers on the eventq; an asynchronous reading of a sensor whose
 * readings fail, accepted: its delayed response's payload is a failing
 * status alone. */
static void failed_delayed_status_only(struct vc_ctx *c)
{
	struct p2a_session *ps = vc_clause_alloc(c, sizeof(*ps));
	uint32_t w[4];
	unsigned n, token;
	int i;

	if (!ps || !p2a_open(c, ps) || (i = pick_sensor(c, ps, true)) < 0 || !ds_stream_post(c, &ps->d, &ps->ev, 2) ||
	    !(token = read_async(c, ps, ps->s[i].id)) || delayed_response(c, ps, token, w, &n) <= 0)
		return;
	if (w[0] == SCMI_SUCCESS && n) {
		vc_skip(c, "sensor %u's asynchronous reading succeeded: no failed delayed response to look at", ps->s[i].id);
		return;
	}
	if (n != 1) {
		vc_fail(c, "a failed delayed response's payload is not just the status");
		vc_observed(c, "%u payload words (used length %u), status %s", n, 4 + 4 * n,
			    n ? vc_scmi_status_name((int32_t)w[0]) : "missing");
		vc_expected(c, "1 word: the status (used length 8)");
	}
}

/* Not a spec rule: with eventq buffers, a trip point set on a sensor and
 * its notification enabled, the host raising the reading across it brings a
 * SENSOR_TRIP_POINT_EVENT naming the sensor. */
static void trip_point_event(struct vc_ctx *c)
{
	struct p2a_session *ps = vc_clause_alloc(c, sizeof(*ps));
	struct vc_scmi_cmd cmd;
	char arg[48];
	uint32_t w[4];
	unsigned n;
	int i;

	if (!ps || !p2a_open(c, ps))
		return;
	for (i = 0; i < ps->ns && !(ps->s[i].attributes_low & 0xff); i++)
		;
	if (i == ps->ns) {
		vc_skip(c, "no sensor has a trip point");
		return;
	}
	uint32_t id = ps->s[i].id;
	uint32_t cfg[4] = { id, SCMI_TRIP_POINT_EV_CTRL(0, SCMI_TRIP_POINT_UP), 50000, 0 }, on[2] = { id, 1 };
	snprintf(arg, sizeof(arg), "%u 40000", id);
	if (!ds_stream_post(c, &ps->d, &ps->ev, 2) || !ds_host(c, VC_HOST_SCMI_SENSOR, arg, NULL, 0) ||
	    !scmi_call(c, &ps->d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_TRIP_POINT_CONFIG, cfg, 4,
		       "SENSOR_TRIP_POINT_CONFIG") ||
	    !scmi_status_is(c, &cmd, SCMI_SUCCESS, "SENSOR_TRIP_POINT_CONFIG") ||
	    !scmi_call(c, &ps->d, &cmd, SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_TRIP_POINT_NOTIFY, on, 2,
		       "SENSOR_TRIP_POINT_NOTIFY") ||
	    !scmi_status_is(c, &cmd, SCMI_SUCCESS, "SENSOR_TRIP_POINT_NOTIFY"))
		return;
	snprintf(arg, sizeof(arg), "%u 60000", id);
	if (!ds_host(c, VC_HOST_SCMI_SENSOR, arg, NULL, 0))
		return;
	int got = scmi_next_p2a(c, &ps->d, &ps->ev,
				vc_scmi_hdr(SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_TRIP_POINT_EVENT, SCMI_MSG_NOTIFICATION, 0),
				c->dev->timeout_ms, w, 4, &n);
	if (!got) {
		vc_fail(c, "sensor %u's reading crossed its trip point upwards, but no notification came", id);
		vc_observed(c, "no eventq buffer used within %u ms", c->dev->timeout_ms);
		vc_expected(c, "SENSOR_TRIP_POINT_EVENT for sensor %u", id);
	} else if (got > 0 && (n < 3 || w[1] != id)) {
		vc_fail(c, "the trip point notification does not name the sensor that crossed it");
		vc_observed(c, "%u payload words, sensor %u", n, n > 1 ? w[1] : 0);
		vc_expected(c, "agent_id, sensor_id %u, trip_point_desc", id);
	}
}

static const struct vc_clause clauses[] = {
	{ "scmi.eventq.delayed-response-sent", L_SCMI_EVENTQ, VC_MUST, VC_DEVICE_RULE, "1.2", SCMI_NEEDS,
	  "SCMI-EVENTQ-DEV-5",
	  "An asynchronous SENSOR_READING_GET accepted while the eventq was empty gets its delayed response once "
	  "buffers are made available: token, sensor id and the reading the host set.", NULL, delayed_response_sent,
	  VC_REQ(VIRTIO_SCMI_F_P2A_CHANNELS), 2, NULL, SCMI_SIM },
	{ "scmi.eventq.failed-delayed-status-only", L_SCMI_EVENTQ, VC_MUST, VC_DEVICE_RULE, "1.2", SCMI_NEEDS,
	  "SCMI-EVENTQ-DEV-6",
	  "The delayed response to an asynchronous reading of a sensor whose readings fail carries the status alone "
	  "(used length 8).", NULL, failed_delayed_status_only, VC_REQ(VIRTIO_SCMI_F_P2A_CHANNELS), 2, NULL, SCMI_SIM },
	{ "scmi.sensor.trip-point-event", "Sanity: a sensor's trip point crossed is notified", VC_MAY, VC_SANITY, "1.2",
	  SCMI_NEEDS, "",
	  "Not a spec rule: with a trip point configured and its notification enabled, the host raising the reading "
	  "across it brings a SENSOR_TRIP_POINT_EVENT naming the sensor.", NULL, trip_point_event,
	  VC_REQ(VIRTIO_SCMI_F_P2A_CHANNELS), 2, NULL, SCMI_SIM },
};
VC_DEVICE_SUITE(suite_scmi_eventq, clauses, VIRTIO_ID_SCMI);
