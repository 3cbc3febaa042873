/* RTC device: read requests and what the clocks read (Device Types / RTC
 * Device / Device Operation / Read Requests, Control Requests): every
 * clock readable, UTC and TAI against the host's clock, nanoseconds at the
 * rate of the host's clock, readings taken after the request, in order. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "rtc.h"

#define RATE_GAP_MS 25
#define RATE_TOL 0.01              /* 1 %: slewing is allowed, units are not */
#define RATE_SLACK_NS 200000.0
#define UTC_TOL_NS (RTC_NS / 2)
#define BATCH 6

static bool open_clocks(struct vc_ctx *c, struct vc_dev *d, struct rtc_clocks *cl)
{
	if (!rtc_open(c, d, false) || !rtc_clocks(c, d, cl))
		return false;
	if (!cl->listed)
		vc_skip(c, "the device has no clock (num_clocks %u)", cl->n);
	return cl->listed > 0;
}

static void every_clock(struct vc_ctx *c)
{
	struct rtc_clocks cl;
	struct vc_dev d;
	uint64_t v;

	if (!open_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++)
		if (!rtc_read(c, &d, cl.id[i], &v, NULL, NULL))
			return;
}

/* READ of every clock in 8 rounds 10 ms apart after DRIVER_OK: each OK,
 * the device keeps every clock readable. */
#define ROUNDS 8
static void continuous(struct vc_ctx *c)
{
	struct rtc_clocks cl;
	struct vc_dev d;
	uint8_t resp[16];

	if (!open_clocks(c, &d, &cl))
		return;
	for (unsigned r = 0; r < ROUNDS; r++) {
		if (r)
			rtc_sleep_ms(10);
		for (unsigned i = 0; i < cl.listed; i++) {
			if (!rtc_req(c, &d, VIRTIO_RTC_REQ_READ, cl.id[i], 0, 0, resp))
				return;
			if (resp[0] == VIRTIO_RTC_S_OK)
				continue;
			vc_fail(c, "clock %u stopped being readable: its READ of round %u of %u was answered %s", cl.id[i],
				r + 1, ROUNDS, rtc_status(resp[0]));
			vc_observed(c, "status %s (round %u, 10 ms between rounds)", rtc_status(resp[0]), r + 1);
			vc_expected(c, "OK in every round: every clock readable as long as DRIVER_OK is set");
			return;
		}
	}
}

static bool utc_like(uint8_t type)
{
	return type == VIRTIO_RTC_CLOCK_UTC || type == VIRTIO_RTC_CLOCK_UTC_SMEARED ||
	       type == VIRTIO_RTC_CLOCK_UTC_MAYBE_SMEARED;
}

/* Each clock of `type` (utc: every UTC-like one) within half a second of
 * the host's UTC (+ offset). */
static void near_host(struct vc_ctx *c, bool utc, uint64_t offset)
{
	struct rtc_clocks cl;
	struct vc_dev d;
	unsigned seen = 0;

	if (!open_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++) {
		uint8_t type = cl.cap[i][8];
		if (utc ? !utc_like(type) : type != VIRTIO_RTC_CLOCK_TAI)
			continue;
		seen++;
		if (!rtc_near_utc(c, &d, cl.id[i], vc_rtc_clock_type_name(type), offset, UTC_TOL_NS))
			return;
	}
	if (!seen)
		vc_skip(c, "the device has no %s clock", utc ? "UTC-like" : "TAI");
	else
		vc_note(c, "%u clock(s) within %.1f s of the host's clock%s", seen, UTC_TOL_NS / 1e9,
			utc ? "" : " + 37 s");
}

static void utc(struct vc_ctx *c) { near_host(c, true, 0); }
static void tai(struct vc_ctx *c) { near_host(c, false, RTC_TAI_UTC_NS); }

/* Two READs of each clock RATE_GAP_MS apart: the readings moved as far as
 * the host's CLOCK_MONOTONIC between the requests, within 1 %. */
static void rate(struct vc_ctx *c)
{
	struct rtc_clocks cl;
	struct vc_dev d;
	uint64_t r1, r2, b1, a1, b2, a2;

	if (!open_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++) {
		if (!rtc_read(c, &d, cl.id[i], &r1, &b1, &a1))
			return;
		rtc_sleep_ms(RATE_GAP_MS);
		if (!rtc_read(c, &d, cl.id[i], &r2, &b2, &a2))
			return;
		double lo = (double)(b2 - a1) * (1 - RATE_TOL) - RATE_SLACK_NS;
		double hi = (double)(a2 - b1) * (1 + RATE_TOL) + RATE_SLACK_NS;
		double got = (double)(int64_t)(r2 - r1);
		if (got >= lo && got <= hi)
			continue;
		vc_fail(c, "clock %u (%s) moved %.3f ms while the host's clock moved %.3f..%.3f ms", cl.id[i],
			vc_rtc_clock_type_name(cl.cap[i][8]), got / 1e6, (double)(b2 - a1) / 1e6, (double)(a2 - b1) / 1e6);
		vc_observed(c, "readings %" PRIu64 " then %" PRIu64, r1, r2);
		vc_expected(c, "nanoseconds at the rate of SI seconds (within 1 %%)");
		return;
	}
}

/* A READ reads the clock once it is made available: READs of each clock
 * RATE_GAP_MS apart differ by at least the time between the first coming
 * back and the second being made available. */
static void after_available(struct vc_ctx *c)
{
	struct rtc_clocks cl;
	struct vc_dev d;
	uint64_t r1, r2, a1, b2;

	if (!open_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++) {
		if (!rtc_read(c, &d, cl.id[i], &r1, NULL, &a1))
			return;
		rtc_sleep_ms(RATE_GAP_MS / 2);
		if (!rtc_read(c, &d, cl.id[i], &r2, &b2, NULL))
			return;
		double gap = (double)(b2 - a1) * (1 - RATE_TOL) - RATE_SLACK_NS, got = (double)(int64_t)(r2 - r1);
		if (got >= gap)
			continue;
		vc_fail(c, "the second READ of clock %u (%s) was made available %.3f ms after the first came back, "
			   "yet reads only %.3f ms later", cl.id[i], vc_rtc_clock_type_name(cl.cap[i][8]),
			(double)(b2 - a1) / 1e6, got / 1e6);
		vc_observed(c, "readings %" PRIu64 " then %" PRIu64, r1, r2);
		vc_expected(c, "a reading taken after the request was made available");
		return;
	}
}

/* BATCH READs of each clock made available at once: used in that order,
 * readings never going back. */
static void order(struct vc_ctx *c)
{
	struct rtc_clocks cl;
	struct vc_dev d;
	uint8_t req[BATCH][16], resp[BATCH][16];
	struct vc_req r[BATCH];
	struct vc_req *rp[BATCH];

	if (!open_clocks(c, &d, &cl))
		return;
	for (unsigned i = 0; i < cl.listed; i++) {
		for (unsigned k = 0; k < BATCH; k++) {
			vc_rtc_build(req[k], VIRTIO_RTC_REQ_READ, cl.id[i], 0, 0);
			memset(resp[k], 0xee, 16);
			struct vc_iov iov[2] = { { req[k], NULL, 16, false }, { resp[k], resp[k], 16, true } };
			if (!ds_ok(c, vc_dev_send(&d, VIRTIO_RTC_REQUESTQ, iov, 2, &r[k], true), "making a READ available failed"))
				return;
			rp[k] = &r[k];
		}
		if (!ds_ok(c, vc_dev_kick(&d, VIRTIO_RTC_REQUESTQ), "notifying the requestq failed"))
			return;
		for (unsigned k = 0; k < BATCH; k++) {
			int got = vc_dev_next_used(&d, VIRTIO_RTC_REQUESTQ, rp, BATCH, c->dev->timeout_ms);
			if (got == -ETIMEDOUT) {
				vc_fail(c, "the device used %u of %u READs of clock %u", k, BATCH, cl.id[i]);
				return;
			}
			if (!ds_ok(c, got < 0 ? got : 0, "reading the used ring failed"))
				return;
			if ((unsigned)got != k) {
				vc_fail(c, "READs of clock %u were used out of the order they were made available", cl.id[i]);
				vc_observed(c, "used element %u: READ %d of %u", k + 1, got + 1, BATCH);
				vc_expected(c, "READ %u", k + 1);
				return;
			}
		}
		for (unsigned k = 0; k < BATCH; k++)
			if (resp[k][0] != VIRTIO_RTC_S_OK) {
				vc_fail(c, "READ %u of clock %u was answered %s", k + 1, cl.id[i], rtc_status(resp[k][0]));
				return;
			}
		for (unsigned k = 1; k < BATCH; k++)
			if (vc_le64(resp[k] + 8) < vc_le64(resp[k - 1] + 8)) {
				vc_fail(c, "READ %u of clock %u (%s) reads earlier than READ %u, made available before it", k + 1,
					cl.id[i], vc_rtc_clock_type_name(cl.cap[i][8]), k);
				vc_observed(c, "%" PRIu64 " after %" PRIu64, vc_le64(resp[k] + 8), vc_le64(resp[k - 1] + 8));
				vc_expected(c, "readings in the order the requests were made available (or equal ones)");
				return;
			}
	}
}

/* A MONOTONIC clock's epoch is no later than the device reset: a reading
 * taken a while after the reset is at least that while. */
static void monotonic_epoch(struct vc_ctx *c)
{
	struct rtc_clocks cl;
	struct vc_dev d;
	uint64_t opened, v, before;
	int k;

	if (!open_clocks(c, &d, &cl))
		return;
	if ((k = rtc_find(&cl, VIRTIO_RTC_CLOCK_MONOTONIC)) < 0) {
		vc_skip(c, "the device has no MONOTONIC clock");
		return;
	}
	if (!rtc_open(c, &d, false))        /* the reset, with nothing read since */
		return;
	opened = rtc_host_ns(CLOCK_MONOTONIC);
	rtc_sleep_ms(RATE_GAP_MS / 2);
	if (!rtc_read(c, &d, cl.id[k], &v, &before, NULL))
		return;
	double since = (double)(before - opened) * (1 - RATE_TOL) - RATE_SLACK_NS;
	if ((double)v < since) {
		vc_fail(c, "MONOTONIC clock %u reads %.3f ms, though the device was reset at least %.3f ms before",
			cl.id[k], (double)v / 1e6, (double)(before - opened) / 1e6);
		vc_observed(c, "reading %" PRIu64 " ns", v);
		vc_expected(c, "an epoch no later than the device reset: at least %.0f ns", since);
	}
}

static const struct vc_clause clauses[] = {
	{ "rtc.read.every-clock", L_RTC_READ, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-READ-DEV-6 RTC-OP-DEV-1",
	  "READ of every clock gets OK.", NULL, every_clock },
	{ "rtc.read.continuous", L_RTC_READ, VC_SHOULD, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-READ-DEV-1",
	  "READ of every clock in 8 rounds 10 ms apart after DRIVER_OK gets OK each time: every clock stays readable.",
	  NULL, continuous },
	{ "rtc.read.utc", L_RTC_CTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-CTRL-DEV-1 RTC-CTRL-DEV-2 RTC-CTRL-DEV-3 RTC-CTRL-DEV-4",
	  "UTC, UTC_SMEARED and UTC_MAYBE_SMEARED clocks read UTC nanoseconds since 1970-01-01 (POSIX seconds), "
	  "within half a second of the host's clock.", NULL, utc },
	{ "rtc.read.tai", L_RTC_CTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-CTRL-DEV-17 RTC-CTRL-DEV-18",
	  "TAI clocks read TAI nanoseconds since 1970-01-01 TAI: the host's UTC + 37 s, within half a second.", NULL,
	  tai },
	{ "rtc.read.rate", L_RTC_READ, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-READ-DEV-7 RTC-CTRL-DEV-19",
	  "Two READs of each clock 25 ms apart differ by the host's elapsed time within 1 %: nanoseconds, SI seconds.",
	  NULL, rate },
	{ "rtc.read.after-available", L_RTC_READ, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-READ-DEV-8",
	  "A READ's reading is taken after it was made available: at least the host's time since the previous READ "
	  "came back later than that READ's.", NULL, after_available },
	{ "rtc.read.order", L_RTC_READ, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-READ-DEV-2 RTC-READ-DEV-3 RTC-READ-DEV-4 RTC-READ-DEV-5",
	  "Six READs of one clock made available at once are used in that order, each reading no earlier than the "
	  "one before (MONOTONIC clocks included).", NULL, order },
	{ "rtc.monotonic.epoch", L_RTC_CTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-CTRL-DEV-20",
	  "A MONOTONIC clock read 12 ms after a device reset reads at least that long: its epoch is no later than the "
	  "reset.", NULL, monotonic_epoch },
};
VC_DEVICE_SUITE(suite_rtc_read, clauses, VIRTIO_ID_RTC);
