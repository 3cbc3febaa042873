/* RTC device: cross-timestamps (Device Types / RTC Device / Device
 * Operation / Read Requests, Control Requests): CROSS_CAP against what
 * READ_CROSS does, its clock_reading between READs, its counter_cycles in
 * order and, where this process reads the counter as the driver would, the
 * counter's value at the reading. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "rtc.h"

#define COUNTERS 2                  /* the spec's: ARM_VCT, X86_TSC */
#define BATCH 4

struct pairs {
	struct rtc_clocks cl;
	uint8_t flag[RTC_MAX_CLOCKS][COUNTERS];   /* CROSS_CAP's flags (0 when not OK) */
	unsigned supported;
};

static bool open_pairs(struct vc_ctx *c, struct vc_dev *d, struct pairs *p, bool need_supported)
{
	uint8_t resp[24];

	memset(p, 0, sizeof(*p));
	if (!rtc_open(c, d, false) || !rtc_clocks(c, d, &p->cl))
		return false;
	for (unsigned i = 0; i < p->cl.listed; i++)
		for (uint8_t hw = 0; hw < COUNTERS; hw++) {
			if (!rtc_req(c, d, VIRTIO_RTC_REQ_CROSS_CAP, p->cl.id[i], hw, 0, resp))
				return false;
			p->flag[i][hw] = resp[0] == VIRTIO_RTC_S_OK && (resp[8] & VIRTIO_RTC_FLAG_CROSS_CAP);
			p->supported += p->flag[i][hw];
		}
	if (need_supported && !p->supported)
		vc_skip(c, "CROSS_CAP says no clock supports cross-timestamps with ARM_VCT or X86_TSC");
	return !need_supported || p->supported;
}

static bool read_cross(struct vc_ctx *c, struct vc_dev *d, uint16_t clk, uint8_t hw, uint64_t *reading,
		       uint64_t *cycles)
{
	uint8_t resp[24];

	if (!rtc_req_ok(c, d, VIRTIO_RTC_REQ_READ_CROSS, clk, hw, 0, resp))
		return false;
	*reading = vc_le64(resp + 8);
	*cycles = vc_le64(resp + 16);
	return true;
}

/* FLAG_CROSS_CAP exactly when READ_CROSS of that clock and counter is OK. */
static void cap_matches(struct vc_ctx *c)
{
	struct pairs p;
	struct vc_dev d;
	uint8_t resp[24];

	if (!open_pairs(c, &d, &p, false))
		return;
	for (unsigned i = 0; i < p.cl.listed; i++)
		for (uint8_t hw = 0; hw < COUNTERS; hw++) {
			if (!rtc_req(c, &d, VIRTIO_RTC_REQ_READ_CROSS, p.cl.id[i], hw, 0, resp))
				return;
			if ((resp[0] == VIRTIO_RTC_S_OK) == p.flag[i][hw])
				continue;
			vc_fail(c, "CROSS_CAP of clock %u, hw_counter %u %s FLAG_CROSS_CAP, yet READ_CROSS is answered %s",
				p.cl.id[i], hw, p.flag[i][hw] ? "sets" : "clears", rtc_status(resp[0]));
			vc_observed(c, "FLAG_CROSS_CAP %u, READ_CROSS %s", p.flag[i][hw], rtc_status(resp[0]));
			vc_expected(c, "FLAG_CROSS_CAP set exactly when READ_CROSS gets OK");
			return;
		}
}

/* A READ_CROSS the device cannot do (no FLAG_CROSS_CAP) gets EOPNOTSUPP
 * (or OK: then CROSS_CAP was wrong, rtc.cross.cap-matches's verdict). */
static void unsupported(struct vc_ctx *c)
{
	struct pairs p;
	struct vc_dev d;
	uint8_t resp[24];
	unsigned tried = 0;

	if (!open_pairs(c, &d, &p, false))
		return;
	for (unsigned i = 0; i < p.cl.listed; i++)
		for (uint8_t hw = 0; hw < COUNTERS; hw++) {
			if (p.flag[i][hw])
				continue;
			tried++;
			if (!rtc_req(c, &d, VIRTIO_RTC_REQ_READ_CROSS, p.cl.id[i], hw, 0, resp))
				return;
			if (resp[0] == VIRTIO_RTC_S_OK || resp[0] == VIRTIO_RTC_S_EOPNOTSUPP)
				continue;
			vc_fail(c, "READ_CROSS of clock %u with hw_counter %u, which CROSS_CAP says it cannot do, was "
				   "answered %s", p.cl.id[i], hw, rtc_status(resp[0]));
			vc_observed(c, "status %s", rtc_status(resp[0]));
			vc_expected(c, "EOPNOTSUPP (an implementation limitation)");
			return;
		}
	if (!tried)
		vc_skip(c, "every clock supports cross-timestamps with both counters");
}

/* READ, READ_CROSS, READ of the same clock: the cross-timestamp's reading
 * lies between the two READs' (the same unit, nanoseconds). */
static void reading(struct vc_ctx *c)
{
	struct pairs p;
	struct vc_dev d;
	uint64_t r1, r2, x, cycles;

	if (!open_pairs(c, &d, &p, true))
		return;
	for (unsigned i = 0; i < p.cl.listed; i++)
		for (uint8_t hw = 0; hw < COUNTERS; hw++) {
			if (!p.flag[i][hw])
				continue;
			if (!rtc_read(c, &d, p.cl.id[i], &r1, NULL, NULL) || !read_cross(c, &d, p.cl.id[i], hw, &x, &cycles) ||
			    !rtc_read(c, &d, p.cl.id[i], &r2, NULL, NULL))
				return;
			if (r1 <= x && x <= r2)
				continue;
			vc_fail(c, "READ_CROSS of clock %u (hw_counter %u) reads outside the READs just before and after it",
				p.cl.id[i], hw);
			vc_observed(c, "READ %" PRIu64 ", READ_CROSS %" PRIu64 ", READ %" PRIu64, r1, x, r2);
			vc_expected(c, "a READ_CROSS reading between them, in nanoseconds");
			return;
		}
}

/* BATCH READ_CROSS of one clock and counter made available at once:
 * counter_cycles never going back in the order they were made available. */
static void counter_order(struct vc_ctx *c)
{
	struct pairs p;
	struct vc_dev d;
	uint8_t req[BATCH][16], resp[BATCH][24];
	struct vc_req r[BATCH];

	if (!open_pairs(c, &d, &p, true))
		return;
	for (unsigned i = 0; i < p.cl.listed; i++)
		for (uint8_t hw = 0; hw < COUNTERS; hw++) {
			if (!p.flag[i][hw])
				continue;
			for (unsigned k = 0; k < BATCH; k++) {
				vc_rtc_build(req[k], VIRTIO_RTC_REQ_READ_CROSS, p.cl.id[i], hw, 0);
				memset(resp[k], 0xee, 24);
				struct vc_iov iov[2] = { { req[k], NULL, 16, false }, { resp[k], resp[k], 24, true } };
				if (!ds_ok(c, vc_dev_send(&d, VIRTIO_RTC_REQUESTQ, iov, 2, &r[k], true),
					   "making a READ_CROSS available failed"))
					return;
			}
			if (!ds_ok(c, vc_dev_kick(&d, VIRTIO_RTC_REQUESTQ), "notifying the requestq failed"))
				return;
			for (unsigned k = 0; k < BATCH; k++)
				if (!ds_wait(c, &d, &r[k], "READ_CROSS"))
					return;
			for (unsigned k = 0; k < BATCH; k++)
				if (resp[k][0] != VIRTIO_RTC_S_OK) {
					vc_fail(c, "READ_CROSS %u of clock %u (hw_counter %u) was answered %s", k + 1, p.cl.id[i], hw,
						rtc_status(resp[k][0]));
					return;
				}
			for (unsigned k = 1; k < BATCH; k++) {
				uint64_t a = vc_le64(resp[k - 1] + 16), b = vc_le64(resp[k] + 16);
				if (b >= a)
					continue;
				vc_fail(c, "READ_CROSS %u of clock %u (hw_counter %u) has counter_cycles before those of READ_CROSS "
					   "%u, made available before it", k + 1, p.cl.id[i], hw, k);
				vc_observed(c, "counter_cycles %" PRIu64 " after %" PRIu64, b, a);
				vc_expected(c, "counter_cycles later than or equal to the earlier request's");
				return;
			}
		}
}

/* Where this process reads the counter as the driver would (not through
 * QEMU's qtest, whose guest has a counter of its own): counter_cycles lies
 * between the counter read just before and just after READ_CROSS, give or
 * take 1 ms of counting. */
static void counter_value(struct vc_ctx *c)
{
	struct pairs p;
	struct vc_dev d;
	uint8_t mine;
	uint64_t t0, t1, m0, m1, x, cycles, before, after;
	unsigned checked = 0;

	if (!vc_rtc_counter(&mine, &t0)) {
		vc_skip(c, "this harness reads neither X86_TSC nor ARM_VCT on its architecture");
		return;
	}
	if (!strcmp(c->dev->backend, "qemu")) {
		vc_skip(c, "the qemu backend drives the device through qtest: the guest's counter is not this process's");
		return;
	}
	if (!open_pairs(c, &d, &p, true))
		return;
	m0 = rtc_host_ns(CLOCK_MONOTONIC);
	vc_rtc_counter(&mine, &t0);
	rtc_sleep_ms(10);
	vc_rtc_counter(&mine, &t1);
	m1 = rtc_host_ns(CLOCK_MONOTONIC);
	double per_ms = (double)(t1 - t0) / ((double)(m1 - m0) / 1e6);
	uint64_t slack = (uint64_t)per_ms;
	for (unsigned i = 0; i < p.cl.listed; i++) {
		if (!p.flag[i][mine])
			continue;
		checked++;
		vc_rtc_counter(&mine, &before);
		if (!read_cross(c, &d, p.cl.id[i], mine, &x, &cycles))
			return;
		vc_rtc_counter(&mine, &after);
		if (cycles + slack >= before && cycles <= after + slack)
			continue;
		vc_fail(c, "READ_CROSS of clock %u says counter_cycles %" PRIu64 ", %.3f ms off the counter this driver "
			   "read around the request", p.cl.id[i], cycles,
			(cycles < before ? -(double)(before - cycles) : (double)(cycles - after)) / per_ms);
		vc_observed(c, "counter_cycles %" PRIu64, cycles);
		vc_expected(c, "%" PRIu64 "..%" PRIu64 " (hw_counter %u as the driver reads it, +-1 ms)", before, after, mine);
		return;
	}
	if (!checked)
		vc_skip(c, "no clock supports cross-timestamps with hw_counter %u, the counter this harness reads", mine);
}

/* READ_CROSS of every clock with the spec's other counter, the one the
 * driver's CPU does not have (Arm's CNTVCT_EL0 under x86, the TSC under
 * Arm): no value the driver would read exists, so the device cannot
 * determine counter_cycles and answers a status other than OK. */
static void foreign_counter(struct vc_ctx *c)
{
	struct rtc_clocks cl;
	struct vc_dev d;
	uint8_t mine, resp[24];
	uint64_t cycles;

	if (!vc_rtc_counter(&mine, &cycles)) {
		vc_skip(c, "this harness's CPU has neither of the spec's counters: which one is foreign is unknown");
		return;
	}
	uint8_t other = mine == VIRTIO_RTC_COUNTER_X86_TSC ? VIRTIO_RTC_COUNTER_ARM_VCT : VIRTIO_RTC_COUNTER_X86_TSC;
	if (!rtc_open(c, &d, false) || !rtc_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++) {
		if (!rtc_req(c, &d, VIRTIO_RTC_REQ_READ_CROSS, cl.id[i], other, 0, resp))
			return;
		if (resp[0] != VIRTIO_RTC_S_OK)
			continue;
		vc_fail(c, "READ_CROSS of clock %u with hw_counter %u (%s), a counter the driver's CPU does not have, "
			   "was answered OK", cl.id[i], other, other ? "X86_TSC" : "ARM_VCT");
		vc_observed(c, "status OK, counter_cycles %" PRIu64, vc_le64(resp + 16));
		vc_expected(c, "a status other than OK: the device cannot determine that counter's value");
		return;
	}
	if (!cl.listed)
		vc_skip(c, "the device has no clock");
}

static const struct vc_clause clauses[] = {
	{ "rtc.cross.cap-matches", L_RTC_CTRL, VC_SHOULD, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-CTRL-DEV-23",
	  "CROSS_CAP sets FLAG_CROSS_CAP for a clock and counter exactly when READ_CROSS of them gets OK.", NULL,
	  cap_matches },
	{ "rtc.cross.unsupported", L_RTC_OP, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-OP-DEV-3",
	  "READ_CROSS of a clock and counter CROSS_CAP says the device cannot do gets EOPNOTSUPP.", NULL, unsupported },
	{ "rtc.cross.reading", L_RTC_READ, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-READ-DEV-13",
	  "A READ_CROSS's clock_reading lies between the READs of the clock just before and after it: nanoseconds.",
	  NULL, reading },
	{ "rtc.cross.counter-order", L_RTC_READ, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-READ-DEV-12",
	  "Four READ_CROSS of one clock and counter made available at once have counter_cycles that never go back.",
	  NULL, counter_order },
	{ "rtc.cross.counter-value", L_RTC_READ, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-READ-DEV-9",
	  "READ_CROSS's counter_cycles is the counter the driver reads (x86 TSC, Arm CNTVCT_EL0) around the request, "
	  "within 1 ms.", NULL, counter_value },
	{ "rtc.cross.foreign-counter", L_RTC_READ, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-READ-DEV-11",
	  "READ_CROSS with the spec's counter the driver's CPU does not have (ARM_VCT under x86) gets a status other than "
	  "OK: the device cannot determine counter_cycles.", NULL, foreign_counter },
};
VC_DEVICE_SUITE(suite_rtc_cross, clauses, VIRTIO_ID_RTC);
