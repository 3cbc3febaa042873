/* SCSI host: the eventq (Device Types / SCSI Host Device / Device
 * Operation / Device Operation: eventq): what the device reports when the
 * host plugs, unplugs or changes logical units (host actions scsi-plug,
 * scsi-unplug, scsi-medium-change). */
#include <stdio.h>
#include <string.h>
#include "scsi.h"
#include "vc/devtypes/host.h"

#define L_SCSI_EVENT "Device Types / SCSI Host Device / Device Operation / Device Operation: eventq"

struct scsi_event {
	uint32_t event, reason;
	uint8_t target;
	uint16_t lun;
};

struct events {
	struct vc_dev d;
	struct ds_stream s;
	struct scsi_event got[DS_STREAM_MAX];
	unsigned n;
	char log[256];
};

static bool events_open(struct vc_ctx *c, struct events *e, uint64_t need, uint64_t want)
{
	memset(e, 0, sizeof(*e));
	e->s.q = VIRTIO_SCSI_EVENTQ;
	e->s.len = VIRTIO_SCSI_EVENT_SIZE;
	return scsi_open(c, &e->d, need, want);
}

/* The events that arrive within ms. */
static bool collect(struct vc_ctx *c, struct events *e, unsigned ms)
{
	for (;;) {
		int k = ds_stream_next(c, &e->d, &e->s, ms);
		if (k < 0)
			return k == -1;
		const uint8_t *b = e->s.buf[k];
		struct scsi_event ev = { vc_le32(b), vc_le32(b + 12), b[5], (uint16_t)((b[6] << 8 | b[7]) & 0x3fff) };
		size_t at = strlen(e->log);
		snprintf(e->log + at, sizeof(e->log) - at, "%s0x%x/%u@%u:%u", at ? " " : "", ev.event, ev.reason,
			 ev.target, ev.lun);
		if (e->n < DS_STREAM_MAX)
			e->got[e->n++] = ev;
	}
}

static bool host(struct vc_ctx *c, const char *what, unsigned lun)
{
	char arg[8];

	snprintf(arg, sizeof(arg), "%u", lun);
	return ds_host(c, what, arg, NULL, 0);
}

/* With the eventq empty the host plugs a disk (the event is lost); once
 * buffers are there, the first event the device reports (at once, or when
 * the host unplugs the disk again) has bit 31 set. */
static void events_missed(struct vc_ctx *c)
{
	static struct events e;
	unsigned quiet;

	if (!events_open(c, &e, DS_F(VIRTIO_SCSI_F_HOTPLUG), 0))
		return;
	quiet = vc_quiet_ms(&e.d.drv, 300);
	if (!host(c, VC_HOST_SCSI_PLUG, VC_SCSI_LUN_SPARE) || !ds_stream_post(c, &e.d, &e.s, 8) ||
	    !collect(c, &e, quiet))
		return;
	bool unplugged = host(c, VC_HOST_SCSI_UNPLUG, VC_SCSI_LUN_SPARE);
	if (!unplugged || !collect(c, &e, quiet))
		return;
	if (!e.n) {
		vc_skip(c, "no event came, neither when buffers were made available nor when the host unplugged the "
			   "disk again: nothing shows whether the lost event is flagged");
		return;
	}
	if (!(e.got[0].event & VIRTIO_SCSI_T_EVENTS_MISSED)) {
		vc_fail(c, "the host plugged a disk while the eventq was empty; the first event after it lacks "
			   "VIRTIO_SCSI_T_EVENTS_MISSED");
		vc_observed(c, "events (event/reason@target:lun): %s", e.log);
		vc_expected(c, "bit 31 set in the first event's event field");
	}
}

/* Without VIRTIO_SCSI_F_HOTPLUG negotiated, a disk the host plugs and
 * unplugs brings no TRANSPORT_RESET with RESCAN or REMOVED. */
static void no_hotplug_events(struct vc_ctx *c)
{
	static struct events e;
	unsigned quiet;

	if (!events_open(c, &e, 0, 0) || !ds_stream_post(c, &e.d, &e.s, 8))
		return;
	quiet = vc_quiet_ms(&e.d.drv, 300);
	if (!host(c, VC_HOST_SCSI_PLUG, VC_SCSI_LUN_SPARE) || !collect(c, &e, quiet) ||
	    !host(c, VC_HOST_SCSI_UNPLUG, VC_SCSI_LUN_SPARE) || !collect(c, &e, quiet))
		return;
	for (unsigned i = 0; i < e.n; i++) {
		const struct scsi_event *ev = &e.got[i];
		if ((ev->event & ~VIRTIO_SCSI_T_EVENTS_MISSED) == VIRTIO_SCSI_T_TRANSPORT_RESET &&
		    (ev->reason == VIRTIO_SCSI_EVT_RESET_RESCAN || ev->reason == VIRTIO_SCSI_EVT_RESET_REMOVED)) {
			vc_fail(c, "VIRTIO_SCSI_F_HOTPLUG not negotiated, yet a hot-plugged disk brought TRANSPORT_RESET "
				   "with %s", ev->reason == VIRTIO_SCSI_EVT_RESET_RESCAN ? "RESCAN" : "REMOVED");
			vc_observed(c, "events (event/reason@target:lun): %s", e.log);
			vc_expected(c, "no RESCAN or REMOVED event");
			return;
		}
	}
}

/* With VIRTIO_SCSI_F_CHANGE negotiated, the CD's medium changing brings no
 * PARAM_CHANGE for it. */
static void no_param_change_mmc(struct vc_ctx *c)
{
	static struct events e;

	if (!events_open(c, &e, DS_F(VIRTIO_SCSI_F_CHANGE), 0) || !scsi_need_lun(c, &e.d, VC_SCSI_LUN_CD, "the CD") ||
	    !ds_stream_post(c, &e.d, &e.s, 8) || !ds_host(c, VC_HOST_SCSI_MEDIUM, "", NULL, 0) ||
	    !collect(c, &e, vc_quiet_ms(&e.d.drv, 300)))
		return;
	for (unsigned i = 0; i < e.n; i++) {
		const struct scsi_event *ev = &e.got[i];
		if ((ev->event & ~VIRTIO_SCSI_T_EVENTS_MISSED) == VIRTIO_SCSI_T_PARAM_CHANGE && ev->lun == VC_SCSI_LUN_CD) {
			vc_fail(c, "the CD's medium changed and the device reported PARAM_CHANGE for it (an MMC device)");
			vc_observed(c, "events (event/reason@target:lun): %s", e.log);
			vc_expected(c, "no PARAM_CHANGE for LUN %u", VC_SCSI_LUN_CD);
			return;
		}
	}
}

/* Not a spec rule: with VIRTIO_SCSI_F_HOTPLUG negotiated, a disk the host
 * plugs is reported as TRANSPORT_RESET with RESCAN for its target and LUN,
 * and with REMOVED when the host unplugs it again. */
static void hotplug_reported(struct vc_ctx *c)
{
	static const struct { const char *action, *did, *name; uint32_t reason; } step[] = {
		{ VC_HOST_SCSI_PLUG, "plugged", "RESCAN", VIRTIO_SCSI_EVT_RESET_RESCAN },
		{ VC_HOST_SCSI_UNPLUG, "unplugged", "REMOVED", VIRTIO_SCSI_EVT_RESET_REMOVED },
	};
	static struct events e;
	unsigned quiet;

	if (!events_open(c, &e, DS_F(VIRTIO_SCSI_F_HOTPLUG), 0) || !ds_stream_post(c, &e.d, &e.s, 8))
		return;
	quiet = vc_quiet_ms(&e.d.drv, 300);
	for (unsigned k = 0; k < 2; k++) {
		unsigned from = e.n;
		bool seen = false;
		if (!host(c, step[k].action, VC_SCSI_LUN_SPARE) || !collect(c, &e, quiet))
			return;
		for (unsigned i = from; i < e.n; i++)
			seen |= (e.got[i].event & ~VIRTIO_SCSI_T_EVENTS_MISSED) == VIRTIO_SCSI_T_TRANSPORT_RESET &&
				e.got[i].reason == step[k].reason && e.got[i].target == 0 && e.got[i].lun == VC_SCSI_LUN_SPARE;
		if (!seen) {
			vc_fail(c, "the host %s the disk at target 0 LUN %u and no TRANSPORT_RESET with %s for it came",
				step[k].did, VC_SCSI_LUN_SPARE, step[k].name);
			vc_observed(c, "events (event/reason@target:lun): %s", e.n ? e.log : "none");
			vc_expected(c, "0x%x/%u@0:%u", VIRTIO_SCSI_T_TRANSPORT_RESET, step[k].reason, VC_SCSI_LUN_SPARE);
			return;
		}
	}
}

static const struct vc_clause clauses[] = {
	{ "scsi.event.missed-flagged", L_SCSI_EVENT, VC_MUST, VC_DEVICE_RULE, "1.0", SCSI_NEEDS,
	  "SCSI-EVENT-DEV-1 SCSI-EVENT-DEV-2", "An event lost for want of eventq buffers (a disk plugged) is flagged "
	  "with bit 31 in the next event reported.", NULL, events_missed, VC_REQ(VIRTIO_SCSI_F_HOTPLUG), 3 },
	{ "scsi.event.no-hotplug-without-feature", L_SCSI_EVENT, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", SCSI_NEEDS,
	  "SCSI-EVENT-DEV-3", "Without VIRTIO_SCSI_F_HOTPLUG negotiated, disks plugged and unplugged bring no "
	  "TRANSPORT_RESET with RESCAN or REMOVED.", NULL, no_hotplug_events, 0, 3 },
	{ "scsi.event.no-param-change-mmc", L_SCSI_EVENT, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", SCSI_NEEDS,
	  "SCSI-EVENT-DEV-4", "With VIRTIO_SCSI_F_CHANGE negotiated, a CD's medium change brings no PARAM_CHANGE "
	  "for it.", NULL, no_param_change_mmc, VC_REQ(VIRTIO_SCSI_F_CHANGE), 3 },
	{ "scsi.sanity.hotplug-events", L_SCSI_SANITY, VC_MAY, VC_SANITY, "1.0", SCSI_NEEDS, "",
	  "Not a spec rule: with VIRTIO_SCSI_F_HOTPLUG negotiated, a disk the host plugs is reported as "
	  "TRANSPORT_RESET with RESCAN for its target and LUN, and with REMOVED once unplugged.", NULL,
	  hotplug_reported, VC_REQ(VIRTIO_SCSI_F_HOTPLUG), 3 },
};
VC_DEVICE_SUITE(suite_scsi_events, clauses, VIRTIO_ID_SCSI);
