/* RTC device: the requestq's common rules and the control requests
 * (Device Types / RTC Device / Device Operation, Control Requests): clock
 * ids, statuses, request and response sizes, reserved fields, answers that
 * stay the same. */
#include <stdio.h>
#include <string.h>
#include "rtc.h"

/* Clock ids are 0..num_clocks-1: each of them is a clock (CLOCK_CAP and
 * READ OK), num_clocks is not. */
static void clock_ids(struct vc_ctx *c)
{
	uint8_t resp[24];
	struct vc_dev d;
	uint16_t n;

	if (!rtc_open(c, &d, false) || !rtc_req_ok(c, &d, VIRTIO_RTC_REQ_CFG, 0, 0, 0, resp))
		return;
	n = vc_le16(resp + 8);
	for (unsigned k = 0; k < n && k < RTC_MAX_CLOCKS; k++) {
		if (!rtc_req(c, &d, VIRTIO_RTC_REQ_CLOCK_CAP, (uint16_t)k, 0, 0, resp))
			return;
		if (resp[0] != VIRTIO_RTC_S_OK) {
			vc_fail(c, "num_clocks is %u, yet clock %u is no clock (CLOCK_CAP %s)", n, k, rtc_status(resp[0]));
			vc_observed(c, "CLOCK_CAP of clock %u: %s", k, rtc_status(resp[0]));
			vc_expected(c, "OK for every clock id below num_clocks");
			return;
		}
	}
	if (!rtc_req(c, &d, VIRTIO_RTC_REQ_CLOCK_CAP, n, 0, 0, resp))
		return;
	if (resp[0] == VIRTIO_RTC_S_OK) {
		vc_fail(c, "num_clocks is %u, yet clock id %u names a clock too", n, n);
		vc_observed(c, "CLOCK_CAP of clock %u: OK", n);
		vc_expected(c, "clock ids 0..%d only", n - 1);
	}
}

static bool want_status(struct vc_ctx *c, const uint8_t *resp, uint8_t want, const char *what)
{
	if (resp[0] == want)
		return true;
	vc_fail(c, "%s was answered %s", what, rtc_status(resp[0]));
	vc_observed(c, "status %s", rtc_status(resp[0]));
	vc_expected(c, "%s", rtc_status(want));
	return false;
}

/* CLOCK_CAP and READ of clock num_clocks and of 0xffff: ENODEV. */
static void no_clock(struct vc_ctx *c)
{
	static const uint16_t msgs[] = { VIRTIO_RTC_REQ_CLOCK_CAP, VIRTIO_RTC_REQ_READ };
	uint8_t resp[24];
	char what[64];
	struct vc_dev d;

	if (!rtc_open(c, &d, false) || !rtc_req_ok(c, &d, VIRTIO_RTC_REQ_CFG, 0, 0, 0, resp))
		return;
	uint16_t ids[2] = { vc_le16(resp + 8), 0xffff };
	for (unsigned i = 0; i < 2; i++)
		for (unsigned m = 0; m < 2; m++) {
			snprintf(what, sizeof(what), "%s of clock %u (num_clocks %u)", rtc_msg_name(msgs[m]), ids[i], ids[0]);
			if (!rtc_req(c, &d, msgs[m], ids[i], 0, 0, resp) || !want_status(c, resp, VIRTIO_RTC_S_ENODEV, what))
				return;
		}
}

/* msg_type values the spec does not define: EOPNOTSUPP. */
static void unknown_msg(struct vc_ctx *c)
{
	static const uint16_t types[] = { 0x0000, 0x0003, 0x0fff, 0x1006, 0x7fff, 0xffff };
	uint8_t req[16] = { 0 }, resp[24];
	char what[48];
	struct vc_dev d;

	if (!rtc_open(c, &d, false))
		return;
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		vc_put16(req, types[i]);
		struct vc_iov iov[2] = { { req, NULL, sizeof(req), false }, { resp, resp, sizeof(resp), true } };
		memset(resp, 0xee, sizeof(resp));
		snprintf(what, sizeof(what), "a request of msg_type 0x%04x", types[i]);
		if (!ds_call(c, &d, VIRTIO_RTC_REQUESTQ, iov, 2, NULL, what) ||
		    !want_status(c, resp, VIRTIO_RTC_S_EOPNOTSUPP, what))
			return;
	}
}

/* The implementation-specific counter ids (0xF0..0xFE, the ones a driver
 * may send): EOPNOTSUPP unless the device knows the counter (then OK). */
static void unknown_counter(struct vc_ctx *c)
{
	static const uint16_t msgs[] = { VIRTIO_RTC_REQ_CROSS_CAP, VIRTIO_RTC_REQ_READ_CROSS };
	struct rtc_clocks cl;
	uint8_t resp[24];
	struct vc_dev d;

	if (!rtc_open(c, &d, false) || !rtc_clocks(c, &d, &cl))
		return;
	if (!cl.listed) {
		vc_skip(c, "the device has no clock to ask about a counter");
		return;
	}
	for (unsigned m = 0; m < 2; m++)
		for (unsigned hw = 0xf0; hw <= 0xfe; hw++) {
			if (!rtc_req(c, &d, msgs[m], cl.id[0], (uint8_t)hw, 0, resp))
				return;
			if (resp[0] != VIRTIO_RTC_S_OK && resp[0] != VIRTIO_RTC_S_EOPNOTSUPP) {
				vc_fail(c, "%s with hw_counter 0x%02x (implementation-specific) was answered %s",
					rtc_msg_name(msgs[m]), hw, rtc_status(resp[0]));
				vc_observed(c, "status %s", rtc_status(resp[0]));
				vc_expected(c, "EOPNOTSUPP for a counter the device does not know (OK for one it knows)");
				return;
			}
		}
}

/* The answers of CFG, CLOCK_CAP of every clock and CROSS_CAP of every
 * clock with the spec's counters, one after the other into out. */
#define SNAP_MAX (16 * (1 + 3 * RTC_MAX_CLOCKS))
static bool snapshot(struct vc_ctx *c, struct vc_dev *d, uint8_t *out, unsigned *len)
{
	uint8_t resp[24];
	unsigned n;

	if (!rtc_req_ok(c, d, VIRTIO_RTC_REQ_CFG, 0, 0, 0, resp))
		return false;
	memcpy(out, resp, 16);
	*len = 16;
	n = vc_le16(resp + 8);
	for (unsigned k = 0; k < n && k < RTC_MAX_CLOCKS; k++) {
		if (!rtc_req(c, d, VIRTIO_RTC_REQ_CLOCK_CAP, (uint16_t)k, 0, 0, out + *len))
			return false;
		*len += 16;
		for (uint8_t hw = VIRTIO_RTC_COUNTER_ARM_VCT; hw <= VIRTIO_RTC_COUNTER_X86_TSC; hw++, *len += 16)
			if (!rtc_req(c, d, VIRTIO_RTC_REQ_CROSS_CAP, (uint16_t)k, hw, 0, out + *len))
				return false;
	}
	return true;
}

static void describe(unsigned at, char *what, size_t len)
{
	unsigned k = at / 16;

	if (!k)
		snprintf(what, len, "CFG");
	else if ((k - 1) % 3 == 0)
		snprintf(what, len, "CLOCK_CAP of clock %u", (k - 1) / 3);
	else
		snprintf(what, len, "CROSS_CAP of clock %u, hw_counter %u", (k - 1) / 3, (k - 1) % 3 - 1);
}

static bool same_answers(struct vc_ctx *c, const uint8_t *a, const uint8_t *b, unsigned la, unsigned lb,
			 const char *when)
{
	char what[64];
	unsigned at = 0;

	while (at < la && at < lb && a[at] == b[at])
		at++;
	if (at == la && la == lb)
		return true;
	describe(at, what, sizeof(what));
	vc_fail(c, "%s answered differently %s", what, when);
	vc_observed(c, "byte %u of the answer: 0x%02x, then 0x%02x", at % 16, a[at], b[at]);
	vc_expected(c, "the same answer");
	return false;
}

static void repeatable(struct vc_ctx *c)
{
	static uint8_t a[SNAP_MAX], b[SNAP_MAX];
	unsigned la, lb;
	struct vc_dev d;

	if (rtc_open(c, &d, false) && snapshot(c, &d, a, &la) && snapshot(c, &d, b, &lb))
		same_answers(c, a, b, la, lb, "the second time, DRIVER_OK set all along");
}

static void same_after_reset(struct vc_ctx *c)
{
	static uint8_t a[SNAP_MAX], b[SNAP_MAX];
	unsigned la, lb;
	struct vc_dev d;

	if (rtc_open(c, &d, false) && snapshot(c, &d, a, &la) && rtc_open(c, &d, false) && snapshot(c, &d, b, &lb))
		same_answers(c, a, b, la, lb, "after a device reset with the same features");
}

/* leap_second_smearing: UNSPECIFIED but for UTC_SMEARED clocks, which say
 * UNSPECIFIED, NOON_LINEAR, UTC_SLS or an implementation's 0xF0 and up. */
static void smearing(struct vc_ctx *c)
{
	struct rtc_clocks cl;
	struct vc_dev d;

	if (!rtc_open(c, &d, false) || !rtc_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++) {
		uint8_t type = cl.cap[i][8], smear = cl.cap[i][9];
		bool smeared = type == VIRTIO_RTC_CLOCK_UTC_SMEARED;
		if (smeared ? smear <= VIRTIO_RTC_SMEAR_UTC_SLS || smear >= 0xf0 : smear == VIRTIO_RTC_SMEAR_UNSPECIFIED)
			continue;
		vc_fail(c, "CLOCK_CAP of clock %u (%s) says leap_second_smearing %u", cl.id[i],
			vc_rtc_clock_type_name(type), smear);
		vc_observed(c, "leap_second_smearing %u", smear);
		vc_expected(c, "%s", smeared ? "0 (UNSPECIFIED), 1 (NOON_LINEAR), 2 (UTC_SLS) or 0xF0 and up"
					     : "0 (UNSPECIFIED): only UTC_SMEARED clocks name a variant");
		return;
	}
}

/* A request whose device-readable part is shorter than its msg_type's
 * request: EINVAL. */
static void short_request(struct vc_ctx *c)
{
	static const struct { uint16_t msg; unsigned len; } cases[] = {
		{ VIRTIO_RTC_REQ_READ, 8 }, { VIRTIO_RTC_REQ_CLOCK_CAP, 10 }, { VIRTIO_RTC_REQ_READ, 15 },
	};
	uint8_t req[24], resp[24];
	char what[64];
	struct vc_dev d;

	if (!rtc_open(c, &d, false))
		return;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vc_rtc_build(req, cases[i].msg, 0, 0, 0);
		struct vc_iov iov[2] = { { req, NULL, cases[i].len, false }, { resp, resp, 16, true } };
		memset(resp, 0xee, sizeof(resp));
		snprintf(what, sizeof(what), "%s of %u bytes (of 16)", rtc_msg_name(cases[i].msg), cases[i].len);
		if (!ds_call(c, &d, VIRTIO_RTC_REQUESTQ, iov, 2, NULL, what) || !want_status(c, resp, VIRTIO_RTC_S_EINVAL, what))
			return;
	}
}

/* CLOCK_CAP of clock 0 the plain way, then with 48 more readable bytes
 * (0xa5) or 48 more writable bytes (0xee): the same answer, the extra
 * writable bytes untouched. */
static void long_buffer(struct vc_ctx *c, bool writable)
{
	uint8_t plain[24], req[64], resp[64];
	struct rtc_clocks cl;
	struct vc_dev d;

	if (!rtc_open(c, &d, false) || !rtc_clocks(c, &d, &cl))
		return;
	if (!cl.listed) {
		vc_skip(c, "the device has no clock");
		return;
	}
	if (!rtc_req_ok(c, &d, VIRTIO_RTC_REQ_CLOCK_CAP, cl.id[0], 0, 0, plain))
		return;
	memset(req, 0xa5, sizeof(req));
	vc_rtc_build(req, VIRTIO_RTC_REQ_CLOCK_CAP, cl.id[0], 0, 0);
	if (!writable)
		memset(req + 16, 0xa5, sizeof(req) - 16);
	struct vc_iov iov[2] = { { req, NULL, writable ? 16 : 64, false }, { resp, resp, writable ? 64 : 16, true } };
	memset(resp, 0xee, sizeof(resp));
	if (!ds_call(c, &d, VIRTIO_RTC_REQUESTQ, iov, 2, NULL, "CLOCK_CAP in a long buffer"))
		return;
	if (memcmp(resp, plain, 16)) {
		vc_fail(c, "CLOCK_CAP of clock %u with 64 device-%s bytes was answered differently", cl.id[0],
			writable ? "writable" : "readable (the last 48 of them 0xa5)");
		vc_observed(c, "status %s, type %u, flags 0x%02x", rtc_status(resp[0]), resp[8], resp[10]);
		vc_expected(c, "status %s, type %u, flags 0x%02x (the 16-byte request's answer)", rtc_status(plain[0]),
			    plain[8], plain[10]);
		return;
	}
	for (unsigned i = 16; writable && i < sizeof(resp); i++)
		if (resp[i] != 0xee) {
			vc_fail(c, "CLOCK_CAP wrote past its 16-byte response into the extra writable space");
			vc_observed(c, "byte %u: 0x%02x", i, resp[i]);
			vc_expected(c, "0xee, as the driver left it");
			return;
		}
}

static void long_readable(struct vc_ctx *c) { long_buffer(c, false); }
static void long_writable(struct vc_ctx *c) { long_buffer(c, true); }

static bool zero_from(struct vc_ctx *c, const uint8_t *resp, unsigned from, unsigned to, const char *what)
{
	for (unsigned i = from; i < to; i++)
		if (resp[i]) {
			vc_fail(c, "a reserved byte of the %s response is not zero", what);
			vc_observed(c, "byte %u: 0x%02x", i, resp[i]);
			vc_expected(c, "0 (reserved)");
			return false;
		}
	return true;
}

/* Responses prefilled 0xee: their reserved bytes come back zero (the
 * header's, CFG's, CLOCK_CAP's, CROSS_CAP's, READ_ALARM's). */
static void reserved_zero(struct vc_ctx *c)
{
	uint8_t resp[24];
	char what[64];
	struct rtc_clocks cl;
	struct vc_dev d;
	bool alarm = vc_offers(c->probe, VIRTIO_RTC_F_ALARM);

	if (!rtc_open(c, &d, alarm) || !rtc_clocks(c, &d, &cl))
		return;
	if (!rtc_req_ok(c, &d, VIRTIO_RTC_REQ_CFG, 0, 0, 0, resp) || !zero_from(c, resp, 1, 8, "CFG") ||
	    !zero_from(c, resp, 10, 16, "CFG"))
		return;
	for (unsigned i = 0; i < cl.listed; i++) {
		snprintf(what, sizeof(what), "CLOCK_CAP (clock %u)", cl.id[i]);
		if (!zero_from(c, cl.cap[i], 1, 8, what) || !zero_from(c, cl.cap[i], 11, 16, what))
			return;
		for (uint8_t hw = 0; hw <= VIRTIO_RTC_COUNTER_X86_TSC; hw++) {
			snprintf(what, sizeof(what), "CROSS_CAP (clock %u, hw_counter %u)", cl.id[i], hw);
			if (!rtc_req(c, &d, VIRTIO_RTC_REQ_CROSS_CAP, cl.id[i], hw, 0, resp) || !zero_from(c, resp, 1, 8, what))
				return;
			if (resp[0] == VIRTIO_RTC_S_OK && !zero_from(c, resp, 9, 16, what))
				return;
		}
		if (!(cl.cap[i][10] & VIRTIO_RTC_FLAG_ALARM_CAP))
			continue;
		snprintf(what, sizeof(what), "READ_ALARM (clock %u)", cl.id[i]);
		if (!rtc_req_ok(c, &d, VIRTIO_RTC_REQ_READ_ALARM, cl.id[i], 0, 0, resp) || !zero_from(c, resp, 1, 8, what) ||
		    !zero_from(c, resp, 17, 24, what))
			return;
	}
}

/* With VIRTIO_RTC_F_ALARM declined: no flag bit in CLOCK_CAP (ALARM_CAP
 * is the only one), only FLAG_CROSS_CAP in CROSS_CAP. */
static void declined_flags(struct vc_ctx *c)
{
	uint8_t resp[24];
	struct rtc_clocks cl;
	struct vc_dev d;

	if (!rtc_open(c, &d, false) || !rtc_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++) {
		if (cl.cap[i][10]) {
			vc_fail(c, "VIRTIO_RTC_F_ALARM declined, yet CLOCK_CAP of clock %u sets flags", cl.id[i]);
			vc_observed(c, "flags 0x%02x", cl.cap[i][10]);
			vc_expected(c, "0: ALARM_CAP needs VIRTIO_RTC_F_ALARM");
			return;
		}
		for (uint8_t hw = 0; hw <= VIRTIO_RTC_COUNTER_X86_TSC; hw++) {
			if (!rtc_req(c, &d, VIRTIO_RTC_REQ_CROSS_CAP, cl.id[i], hw, 0, resp))
				return;
			if (resp[0] == VIRTIO_RTC_S_OK && resp[8] & ~VIRTIO_RTC_FLAG_CROSS_CAP) {
				vc_fail(c, "CROSS_CAP of clock %u sets flags the spec does not define", cl.id[i]);
				vc_observed(c, "flags 0x%02x", resp[8]);
				vc_expected(c, "FLAG_CROSS_CAP (bit 0) at most");
				return;
			}
		}
	}
}

/* With VIRTIO_RTC_F_ALARM declined: READ_ALARM, SET_ALARM (time 0, flags
 * 0) and SET_ALARM_ENABLED (flags 0) of every clock get ENODEV. */
static void declined_enodev(struct vc_ctx *c)
{
	static const uint16_t msgs[] = { VIRTIO_RTC_REQ_READ_ALARM, VIRTIO_RTC_REQ_SET_ALARM,
					 VIRTIO_RTC_REQ_SET_ALARM_ENABLED };
	uint8_t resp[24];
	char what[80];
	struct rtc_clocks cl;
	struct vc_dev d;

	if (!rtc_open(c, &d, false) || !rtc_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++)
		for (unsigned m = 0; m < 3; m++) {
			snprintf(what, sizeof(what), "%s of clock %u with VIRTIO_RTC_F_ALARM declined", rtc_msg_name(msgs[m]),
				 cl.id[i]);
			if (!rtc_req(c, &d, msgs[m], cl.id[i], 0, 0, resp) || !want_status(c, resp, VIRTIO_RTC_S_ENODEV, what))
				return;
		}
}

/* VIRTIO_RTC_F_ALARM not offered: no clock shows it could have an alarm
 * (ALARM_CAP, or READ_ALARM answered OK); a device that can set one
 * offers the feature. */
static void alarm_offered(struct vc_ctx *c)
{
	uint8_t resp[24];
	struct rtc_clocks cl;
	struct vc_dev d;

	if (vc_offers(c->probe, VIRTIO_RTC_F_ALARM)) {
		vc_note(c, "VIRTIO_RTC_F_ALARM is offered");
		return;
	}
	if (!rtc_open(c, &d, false) || !rtc_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++) {
		if (!rtc_req(c, &d, VIRTIO_RTC_REQ_READ_ALARM, cl.id[i], 0, 0, resp))
			return;
		if (!(cl.cap[i][10] & VIRTIO_RTC_FLAG_ALARM_CAP) && resp[0] != VIRTIO_RTC_S_OK)
			continue;
		vc_fail(c, "clock %u can have an alarm, yet VIRTIO_RTC_F_ALARM is not offered", cl.id[i]);
		vc_observed(c, "CLOCK_CAP flags 0x%02x, READ_ALARM %s", cl.cap[i][10], rtc_status(resp[0]));
		vc_expected(c, "VIRTIO_RTC_F_ALARM offered by a device able to set an alarm");
		return;
	}
}

static const struct vc_clause clauses[] = {
	{ "rtc.clock.ids", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-18",
	  "Clock ids are 0..num_clocks-1: CLOCK_CAP answers OK for each, and num_clocks names no clock.", NULL,
	  clock_ids },
	{ "rtc.status.no-clock", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-6 RTC-OP-DEV-2",
	  "CLOCK_CAP and READ of clock num_clocks and of clock 0xffff get ENODEV.", NULL, no_clock },
	{ "rtc.status.unknown-msg", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-4",
	  "A request of a msg_type the spec does not define gets EOPNOTSUPP.", NULL, unknown_msg },
	{ "rtc.status.unknown-counter", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-5",
	  "CROSS_CAP and READ_CROSS with an implementation-specific hw_counter (0xF0..0xFE) get EOPNOTSUPP unless the "
	  "device knows the counter.", NULL, unknown_counter },
	{ "rtc.control.repeatable", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-16",
	  "CFG, CLOCK_CAP and CROSS_CAP asked twice while DRIVER_OK stays set get the same answers.", NULL, repeatable },
	{ "rtc.control.same-after-reset", L_RTC_OP, VC_SHOULD, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-17",
	  "CFG, CLOCK_CAP and CROSS_CAP get the same answers after a device reset with the same features.", NULL,
	  same_after_reset },
	{ "rtc.clock.smearing", L_RTC_CTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-CTRL-DEV-21 RTC-CTRL-DEV-22",
	  "CLOCK_CAP says leap_second_smearing UNSPECIFIED for every clock but UTC_SMEARED ones, which name a defined "
	  "variant or an implementation's (0xF0 and up).", NULL, smearing },
	{ "rtc.status.short-request", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-8",
	  "A request whose device-readable part is shorter than its msg_type's request gets EINVAL.", NULL,
	  short_request },
	{ "rtc.request.long-readable", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-12",
	  "Device-readable bytes past the request are ignored: CLOCK_CAP followed by 48 bytes of 0xa5 is answered as "
	  "the plain one.", NULL, long_readable },
	{ "rtc.request.long-writable", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-13",
	  "Device-writable space past the response is ignored: the same answer, the extra bytes untouched.", NULL,
	  long_writable },
	{ "rtc.response.reserved-zero", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-14",
	  "The reserved bytes of CFG, CLOCK_CAP, CROSS_CAP and READ_ALARM responses (and of every response header) "
	  "come back zero over a 0xee prefill.", NULL, reserved_zero },
	{ "rtc.alarm.declined-flags", L_RTC_OP, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-15",
	  "With VIRTIO_RTC_F_ALARM declined, CLOCK_CAP sets no flag (no ALARM_CAP) and CROSS_CAP no flag but "
	  "FLAG_CROSS_CAP.", NULL, declined_flags },
	{ "rtc.alarm.declined-enodev", L_RTC_ALARMCTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-ALARMCTRL-DEV-1 RTC-ALARM-DEV-5",
	  "With VIRTIO_RTC_F_ALARM declined, READ_ALARM, SET_ALARM and SET_ALARM_ENABLED of every clock get ENODEV.",
	  NULL, declined_enodev },
	{ "rtc.feature.alarm-offered", L_RTC_FEAT, VC_SHOULD, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-FEAT-DEV-1",
	  "A device that does not offer VIRTIO_RTC_F_ALARM shows no clock able to have an alarm (ALARM_CAP, READ_ALARM "
	  "answered OK).", NULL, alarm_offered },
};
VC_DEVICE_SUITE(suite_rtc_control, clauses, VIRTIO_ID_RTC);
