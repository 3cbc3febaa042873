/* RTC device: the alarm (Device Types / RTC Device / Device Operation /
 * Alarm Operation and its Alarm Control Requests and Alarm Notifications):
 * which clocks have one, what READ_ALARM says after SET_ALARM and
 * SET_ALARM_ENABLED and after a reset, and the NOTIF_ALARM that each
 * expiration brings on the alarmq. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "rtc.h"

#define AHEAD_NS ((uint64_t)30 * 1000000)   /* an alarm set this far ahead expires while the clause waits */
#define FAR_NS ((uint64_t)3600 * RTC_NS)

/* The sim expires alarms as the driver looks; other devices get two
 * seconds of slack for an alarm's resolution. */
static unsigned grace_ms(struct vc_ctx *c)
{
	return vc_has(c->dev, VC_SYNC) ? 150 : 2000;
}

/* How long "no further notification" is watched: the sim does at once
 * what it does at all. */
static unsigned quiet_ms(struct vc_ctx *c)
{
	return vc_has(c->dev, VC_SYNC) ? 20 : 500;
}

struct alarm_session {
	struct vc_dev d;
	struct rtc_clocks cl;
	int k;                           /* the index in cl of the clock with an alarm used */
	uint16_t clk;
	struct ds_stream s;
};

static bool open_alarm(struct vc_ctx *c, struct alarm_session *a)
{
	if (!rtc_open(c, &a->d, true) || !rtc_clocks(c, &a->d, &a->cl))
		return false;
	if ((a->k = rtc_find(&a->cl, -1)) < 0) {
		vc_skip(c, "no clock has ALARM_CAP (rtc.alarm.cap says whether that is right)");
		return false;
	}
	a->clk = a->cl.id[a->k];
	memset(&a->s, 0, sizeof(a->s));
	a->s.q = VIRTIO_RTC_ALARMQ;
	a->s.len = VC_RTC_NOTIF_LEN;
	return true;
}

static bool post(struct vc_ctx *c, struct alarm_session *a)
{
	return ds_stream_post(c, &a->d, &a->s, 4);
}

static bool read_alarm(struct vc_ctx *c, struct alarm_session *a, uint64_t *time, bool *enabled)
{
	uint8_t resp[24];

	if (!rtc_req_ok(c, &a->d, VIRTIO_RTC_REQ_READ_ALARM, a->clk, 0, 0, resp))
		return false;
	*time = vc_le64(resp + 8);
	*enabled = resp[16] & VIRTIO_RTC_FLAG_ALARM_ENABLED;
	return true;
}

static bool set_alarm(struct vc_ctx *c, struct alarm_session *a, uint64_t time, bool enable)
{
	uint8_t resp[8];

	return rtc_req_ok(c, &a->d, VIRTIO_RTC_REQ_SET_ALARM, a->clk, enable ? VIRTIO_RTC_FLAG_ALARM_ENABLED : 0, time,
			  resp);
}

static bool set_enabled(struct vc_ctx *c, struct alarm_session *a, bool enable)
{
	uint8_t resp[8];

	return rtc_req_ok(c, &a->d, VIRTIO_RTC_REQ_SET_ALARM_ENABLED, a->clk,
			  enable ? VIRTIO_RTC_FLAG_ALARM_ENABLED : 0, 0, resp);
}

/* Leave no alarm behind for a device that keeps them across resets. */
static void disarm(struct vc_ctx *c, struct alarm_session *a)
{
	uint8_t resp[8];

	rtc_req(c, &a->d, VIRTIO_RTC_REQ_SET_ALARM, a->clk, 0, 0, resp);
}

static bool now(struct vc_ctx *c, struct alarm_session *a, uint64_t *v)
{
	return rtc_read(c, &a->d, a->clk, v, NULL, NULL);
}

/* A session with alarmq buffers waiting and an alarm set from_now ns
 * from the clock's reading, enabled or not; *at: the alarm time. */
static bool armed(struct vc_ctx *c, struct alarm_session *a, int64_t from_now, bool enable, uint64_t *at)
{
	uint64_t v;

	if (!open_alarm(c, a) || !post(c, a) || !now(c, a, &v))
		return false;
	*at = v + (uint64_t)from_now;
	return set_alarm(c, a, *at, enable);
}

static bool want_alarm(struct vc_ctx *c, struct alarm_session *a, uint64_t time, bool enabled, const char *after)
{
	uint64_t t;
	bool on;

	if (!read_alarm(c, a, &t, &on))
		return false;
	if (t == time && on == enabled)
		return true;
	vc_fail(c, "after %s, READ_ALARM of clock %u does not show that alarm", after, a->clk);
	vc_observed(c, "alarm_time %" PRIu64 ", ALARM_ENABLED %s", t, on ? "set" : "clear");
	vc_expected(c, "alarm_time %" PRIu64 ", ALARM_ENABLED %s", time, enabled ? "set" : "clear");
	return false;
}

/* The next notification within ms: 1 (checked to be a whole NOTIF_ALARM;
 * its clock in *clk), 0 when none came, -1 after a verdict. */
static int next_notif(struct vc_ctx *c, struct alarm_session *a, unsigned ms, uint16_t *clk)
{
	int k = ds_stream_next(c, &a->d, &a->s, ms);
	if (k == -1)
		return 0;
	if (k < 0)
		return -1;
	const uint8_t *n = a->s.buf[k];
	bool reserved = false;
	for (unsigned i = 2; i < 16; i++)
		reserved |= i != 8 && i != 9 && n[i];
	if (a->s.req[k].used != VC_RTC_NOTIF_LEN || vc_le16(n) != VIRTIO_RTC_NOTIF_ALARM || reserved) {
		vc_fail(c, "the alarmq's buffer does not hold a VIRTIO_RTC_NOTIF_ALARM notification");
		vc_observed(c, "used length %u, msg_type 0x%04x, reserved %s", a->s.req[k].used, vc_le16(n),
			    reserved ? "not zero" : "zero");
		vc_expected(c, "used length 16, msg_type 0x2000, reserved zero");
		return -1;
	}
	*clk = vc_le16(n + 8);
	return 1;
}

/* One notification for the alarm's clock within the grace: true. */
static bool expect_notif(struct vc_ctx *c, struct alarm_session *a, const char *after)
{
	uint16_t clk;
	int got = next_notif(c, a, grace_ms(c), &clk);

	if (got < 0)
		return false;
	if (!got) {
		vc_fail(c, "no NOTIF_ALARM came within %u ms after %s", grace_ms(c), after);
		vc_observed(c, "no alarmq buffer used (4 were available)");
		vc_expected(c, "an alarm expiration, told in a NOTIF_ALARM for clock %u", a->clk);
		return false;
	}
	if (clk != a->clk) {
		vc_fail(c, "after %s, the NOTIF_ALARM names another clock", after);
		vc_observed(c, "clock_id %u", clk);
		vc_expected(c, "clock_id %u", a->clk);
		return false;
	}
	return true;
}

/* ALARM_CAP on at least one clock; the alarm requests OK exactly on the
 * clocks that have it, ENODEV on the others. */
static void cap(struct vc_ctx *c)
{
	static const uint16_t msgs[] = { VIRTIO_RTC_REQ_READ_ALARM, VIRTIO_RTC_REQ_SET_ALARM,
					 VIRTIO_RTC_REQ_SET_ALARM_ENABLED };
	struct rtc_clocks cl;
	struct vc_dev d;
	uint8_t resp[24];

	if (!rtc_open(c, &d, true) || !rtc_clocks(c, &d, &cl))
		return;
	if (rtc_find(&cl, -1) < 0) {
		vc_fail(c, "VIRTIO_RTC_F_ALARM negotiated, yet no clock has ALARM_CAP");
		vc_observed(c, "%u clocks, none with ALARM_CAP", cl.listed);
		vc_expected(c, "an alarm on one clock or more");
		return;
	}
	for (unsigned i = 0; i < cl.listed; i++) {
		bool has = cl.cap[i][10] & VIRTIO_RTC_FLAG_ALARM_CAP;
		for (unsigned m = 0; m < 3; m++) {
			if (!rtc_req(c, &d, msgs[m], cl.id[i], 0, 0, resp))
				return;
			if ((resp[0] == VIRTIO_RTC_S_OK && has) || (resp[0] == VIRTIO_RTC_S_ENODEV && !has))
				continue;
			vc_fail(c, "clock %u %s ALARM_CAP, yet %s (time 0, flags 0) is answered %s", cl.id[i],
				has ? "has" : "lacks", rtc_msg_name(msgs[m]), rtc_status(resp[0]));
			vc_observed(c, "status %s", rtc_status(resp[0]));
			vc_expected(c, "%s", has ? "OK" : "ENODEV");
			return;
		}
	}
}

/* An alarm set and enabled, then a device reset: READ_ALARM shows it
 * kept whole, or time 0 and disabled. */
static void after_reset(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t v, t;
	bool on;

	if (!open_alarm(c, &a) || !now(c, &a, &v) || !set_alarm(c, &a, v + FAR_NS, true))
		return;
	if (!rtc_open(c, &a.d, true) || !read_alarm(c, &a, &t, &on))
		return;
	if (t == v + FAR_NS && on)
		vc_note(c, "the device keeps the alarm across a reset (it may)");
	else if (t || on) {
		vc_fail(c, "after a device reset, clock %u's alarm is neither kept nor reset", a.clk);
		vc_observed(c, "alarm_time %" PRIu64 ", ALARM_ENABLED %s", t, on ? "set" : "clear");
		vc_expected(c, "alarm_time 0 and disabled (or %" PRIu64 " and enabled, kept)", v + FAR_NS);
	}
	disarm(c, &a);
}

/* An alarm enabled at a time passed 1 s ago (an expiration while no
 * alarmq buffer waits), then a device reset: a device that kept the alarm
 * whole counts the reset as an expiration, told once buffers come. */
static void reset_expires(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t v, t;
	bool on;

	if (!open_alarm(c, &a) || !now(c, &a, &v) || !set_alarm(c, &a, v - RTC_NS, true))
		return;
	if (!rtc_open(c, &a.d, true) || !read_alarm(c, &a, &t, &on))
		return;
	if (t != v - RTC_NS || !on)
		vc_skip(c, "the device does not keep the alarm across a reset (it may not, RTC-ALARM-DEV-1)");
	else if (post(c, &a))
		expect_notif(c, &a, "a device reset that kept an enabled alarm whose time had passed");
	disarm(c, &a);
}

/* SET_ALARM of times far ahead (with sub-microsecond digits), 0, 1, 2^63
 * and 2^64-1, disabled: each OK and read back exactly. */
static void set(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t v;
	char what[64];

	if (!open_alarm(c, &a) || !now(c, &a, &v))
		return;
	const uint64_t times[] = { v + FAR_NS + 123, 0, 1, 1ull << 63, UINT64_MAX, v + 2 * FAR_NS + 999 };
	for (unsigned i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		snprintf(what, sizeof(what), "SET_ALARM to %" PRIu64 " ns (disabled)", times[i]);
		if (!set_alarm(c, &a, times[i], false) || !want_alarm(c, &a, times[i], false, what))
			break;
	}
	disarm(c, &a);
}

/* SET_ALARM with ALARM_ENABLED enables the alarm, without it disables it. */
static void set_flag(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t v;

	if (!open_alarm(c, &a) || !now(c, &a, &v))
		return;
	if (set_alarm(c, &a, v + FAR_NS, true) && want_alarm(c, &a, v + FAR_NS, true, "SET_ALARM with ALARM_ENABLED") &&
	    set_alarm(c, &a, v + 2 * FAR_NS, false))
		want_alarm(c, &a, v + 2 * FAR_NS, false, "SET_ALARM without ALARM_ENABLED");
	disarm(c, &a);
}

/* SET_ALARM_ENABLED turns the alarm on and off and keeps its time. */
static void enable(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t v;

	if (!open_alarm(c, &a) || !now(c, &a, &v))
		return;
	if (set_alarm(c, &a, v + FAR_NS + 7, false) && set_enabled(c, &a, true) &&
	    want_alarm(c, &a, v + FAR_NS + 7, true, "SET_ALARM_ENABLED with ALARM_ENABLED") && set_enabled(c, &a, false))
		want_alarm(c, &a, v + FAR_NS + 7, false, "SET_ALARM_ENABLED without ALARM_ENABLED");
	disarm(c, &a);
}

/* An alarm 30 ms ahead, alarmq buffers waiting: the clock reaching it
 * brings a NOTIF_ALARM for the clock. */
static void expires(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t at;

	if (!armed(c, &a, (int64_t)AHEAD_NS, true, &at))
		return;
	expect_notif(c, &a, "the clock reached the alarm time");
	disarm(c, &a);
}

/* NOTIF_ALARM comes for an alarm that expired while no alarmq buffer was
 * there, once one is, and only once. */
static void single_notification(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t v;
	uint16_t clk;

	if (!open_alarm(c, &a) || !now(c, &a, &v) || !set_alarm(c, &a, v - RTC_NS, true))
		return;
	rtc_sleep_ms(10);
	ds_settle(&a.d, 10);
	if (!post(c, &a) || !expect_notif(c, &a, "an alarm set 1 s in the past (enabled), alarmq buffers made "
						 "available after"))
		goto out;
	int more = next_notif(c, &a, quiet_ms(c), &clk);
	if (more > 0) {
		vc_fail(c, "one alarm expiration was told twice");
		vc_observed(c, "a second NOTIF_ALARM (clock %u)", clk);
		vc_expected(c, "a single NOTIF_ALARM for the expiration");
	}
out:
	disarm(c, &a);
}

/* After NOTIF_ALARM for an alarm at time A, the clock reads A or later. */
static void read_after_notification(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t at, after;

	if (!armed(c, &a, (int64_t)AHEAD_NS, true, &at))
		return;
	if (expect_notif(c, &a, "the clock reached the alarm time") && now(c, &a, &after) && after < at) {
		vc_fail(c, "after NOTIF_ALARM, clock %u reads before the alarm time", a.clk);
		vc_observed(c, "reading %" PRIu64 ", %.3f ms early", after, (double)(at - after) / 1e6);
		vc_expected(c, "%" PRIu64 " or later", at);
	}
	disarm(c, &a);
}

/* SET_ALARM, enabled, to a time already passed: an expiration. */
static void set_past(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t at;

	if (!armed(c, &a, -(int64_t)RTC_NS, true, &at))
		return;
	expect_notif(c, &a, "SET_ALARM to 1 s in the past, enabled");
	disarm(c, &a);
}

/* SET_ALARM_ENABLED on an alarm whose time has passed: an expiration. */
static void enable_past(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t at;

	if (!armed(c, &a, -(int64_t)RTC_NS, false, &at) || !set_enabled(c, &a, true))
		return;
	expect_notif(c, &a, "SET_ALARM_ENABLED on an alarm 1 s in the past");
	disarm(c, &a);
}

/* An expiration not yet told (no alarmq buffer), then the alarm disabled
 * (SET_ALARM_ENABLED, then SET_ALARM without the flag): once buffers come,
 * no NOTIF_ALARM. */
static void disable_stops(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t v;
	uint16_t clk;

	for (unsigned how = 0; how < 2; how++) {
		if (!open_alarm(c, &a) || !now(c, &a, &v) || !set_alarm(c, &a, v - RTC_NS, true))
			return;
		if (!(how ? set_alarm(c, &a, v + FAR_NS, false) : set_enabled(c, &a, false)) || !post(c, &a))
			return;
		int got = next_notif(c, &a, quiet_ms(c), &clk);
		if (got < 0)
			return;
		if (got) {
			vc_fail(c, "an expiration was told after the driver disabled the alarm with %s",
				how ? "SET_ALARM (flags 0)" : "SET_ALARM_ENABLED (flags 0)");
			vc_observed(c, "NOTIF_ALARM for clock %u", clk);
			vc_expected(c, "no NOTIF_ALARM: the device stops serving the expiration before answering");
			disarm(c, &a);
			return;
		}
	}
	disarm(c, &a);
}

/* Every clock with an alarm expired once: each NOTIF_ALARM names one of
 * them, never a clock without ALARM_CAP. */
static void notify_clock(struct vc_ctx *c)
{
	struct alarm_session a;
	uint64_t v;
	uint16_t clk;
	unsigned set_n = 0;

	if (!open_alarm(c, &a) || !post(c, &a))
		return;
	for (unsigned i = 0; i < a.cl.listed; i++) {
		if (!(a.cl.cap[i][10] & VIRTIO_RTC_FLAG_ALARM_CAP))
			continue;
		a.clk = a.cl.id[i];
		if (!now(c, &a, &v) || !set_alarm(c, &a, v - RTC_NS, true))
			return;
		set_n++;
	}
	for (unsigned n = 0; n < set_n; n++) {
		int got = next_notif(c, &a, grace_ms(c), &clk);
		if (got <= 0) {
			if (!got)
				vc_note(c, "%u of %u alarms told", n, set_n);
			break;
		}
		int k = -1;
		for (unsigned i = 0; i < a.cl.listed; i++)
			if (a.cl.id[i] == clk)
				k = (int)i;
		if (k < 0 || !(a.cl.cap[k][10] & VIRTIO_RTC_FLAG_ALARM_CAP)) {
			vc_fail(c, "NOTIF_ALARM names clock %u, which has no alarm", clk);
			vc_observed(c, "clock_id %u (%s)", clk, k < 0 ? "no such clock" : "no ALARM_CAP");
			vc_expected(c, "a clock with ALARM_CAP");
			break;
		}
	}
	for (unsigned i = 0; i < a.cl.listed; i++)
		if (a.cl.cap[i][10] & VIRTIO_RTC_FLAG_ALARM_CAP) {
			a.clk = a.cl.id[i];
			disarm(c, &a);
		}
}

#define F_ALARM VC_REQ(VIRTIO_RTC_F_ALARM)
static const struct vc_clause clauses[] = {
	{ "rtc.alarm.cap", L_RTC_ALARM, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-ALARM-DEV-4 RTC-ALARM-DEV-6 RTC-ALARMCTRL-DEV-2",
	  "With VIRTIO_RTC_F_ALARM, one clock or more has ALARM_CAP; READ_ALARM, SET_ALARM and SET_ALARM_ENABLED get "
	  "OK exactly on those, ENODEV on the others.", NULL, cap, F_ALARM },
	{ "rtc.alarm.after-reset", L_RTC_ALARM, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-ALARM-DEV-2 RTC-ALARM-DEV-3",
	  "After a device reset, an alarm set and enabled before reads back kept whole, or with time 0 and disabled.",
	  NULL, after_reset, F_ALARM },
	{ "rtc.alarm.reset-expires", L_RTC_ALARM, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-ALARM-DEV-10",
	  "A device that keeps an enabled alarm across a reset, its time passed, counts the reset as an expiration: a "
	  "NOTIF_ALARM once alarmq buffers come.", NULL, reset_expires, F_ALARM },
	{ "rtc.alarm.set", L_RTC_ALARMCTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-ALARMCTRL-DEV-6 RTC-ALARMCTRL-DEV-7 RTC-ALARMCTRL-DEV-3 RTC-ALARMCTRL-DEV-5",
	  "SET_ALARM accepts any alarm_time (0, 1, 2^63, 2^64-1, an hour ahead to the nanosecond) and READ_ALARM "
	  "reads each back exactly.", NULL, set, F_ALARM },
	{ "rtc.alarm.set-flag", L_RTC_ALARMCTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-ALARMCTRL-DEV-8 RTC-ALARMCTRL-DEV-9 RTC-ALARMCTRL-DEV-4",
	  "SET_ALARM with ALARM_ENABLED enables the alarm and without it disables it, as READ_ALARM's flag shows.",
	  NULL, set_flag, F_ALARM },
	{ "rtc.alarm.enable", L_RTC_ALARMCTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-ALARMCTRL-DEV-10 RTC-ALARMCTRL-DEV-11 RTC-ALARMCTRL-DEV-12",
	  "SET_ALARM_ENABLED with and without ALARM_ENABLED enables and disables the alarm, keeping its time.", NULL,
	  enable, F_ALARM },
	{ "rtc.alarm.expires", L_RTC_ALARM, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-ALARM-DEV-7 RTC-ALARM-DEV-11",
	  "An enabled alarm 30 ms ahead expires as the clock reaches it: a NOTIF_ALARM for the clock on the alarmq.",
	  NULL, expires, F_ALARM, 2 },
	{ "rtc.alarm.single-notification", L_RTC_ALARM, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-ALARM-DEV-12",
	  "An expiration while no alarmq buffer is available is told once buffers come, in a single NOTIF_ALARM.",
	  NULL, single_notification, F_ALARM, 2 },
	{ "rtc.alarm.read-after-notification", L_RTC_READ, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-READ-DEV-14",
	  "After the NOTIF_ALARM of an alarm at time A, a READ of its clock reads A or later.", NULL,
	  read_after_notification, F_ALARM, 2 },
	{ "rtc.alarm.set-past", L_RTC_ALARM, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-ALARM-DEV-8",
	  "SET_ALARM enabling a time the clock has passed is an expiration: a NOTIF_ALARM.", NULL, set_past, F_ALARM,
	  2 },
	{ "rtc.alarm.enable-past", L_RTC_ALARM, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-ALARM-DEV-9",
	  "SET_ALARM_ENABLED on an alarm whose time has passed is an expiration: a NOTIF_ALARM.", NULL, enable_past,
	  F_ALARM, 2 },
	{ "rtc.alarm.disable-stops", L_RTC_ALARM, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-ALARM-DEV-16",
	  "An expiration not yet told is dropped when the driver disables the alarm (SET_ALARM_ENABLED or SET_ALARM "
	  "without the flag): no NOTIF_ALARM once buffers come.", NULL, disable_stops, F_ALARM, 2 },
	{ "rtc.alarm.notify-clock", L_RTC_ALARMNOTIFY, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-ALARMNOTIFY-DEV-1",
	  "Every clock's alarm expired at once: each NOTIF_ALARM names a clock with ALARM_CAP.", NULL, notify_clock,
	  F_ALARM, 2 },
};
VC_DEVICE_SUITE(suite_rtc_alarm, clauses, VIRTIO_ID_RTC);
