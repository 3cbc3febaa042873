/* RTC device: leap seconds (Device Types / RTC Device / Device Operation /
 * Control Requests). The host action rtc-leap (vc/devtypes/host.h) moves
 * the host's time near a leap second scheduled at the end of the day and
 * tells that time; a READ right after it is compared with what the spec
 * makes of the host's time for the clock's type: the UTC clocks step at
 * the leap second's start, the smearing clocks change their rate by their
 * variant's amount over their variant's window, and never step.
 *
 * Times here are nanoseconds from L, the midnight that ends the leap
 * second's day on the scale UTC had before it: a positive leap second
 * starts at L, a negative one (23:59:59 left out) at L - 1 s. A clock's
 * readings are taken relative to its own offset from the host's time two
 * days before (where no rule lets it deviate): an epoch or an offset wrong
 * all along is rtc.read.utc's verdict, not these. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "rtc.h"
#include "vc/devtypes/host.h"

#define SEC ((int64_t)RTC_NS)
#define DAY (86400 * SEC)
/* A reading's host time is known to lie between the action's start and the
 * READ's use; a reading whose range is wider than WIDE is taken again (the
 * sim answers in microseconds: only a descheduled harness is that slow). */
#define WIDE (SEC / 5000)
#define TRIES 50
/* Beyond that range a reading may be off by TOL: a clock that ticks in
 * 100 us steps passes; a NOON_LINEAR rate 1/86400 off over 10 minutes
 * (6.9 ms), a window 30 s off, or a UTC_SLS window 1 s off (1 ms) do not. */
#define TOL (SEC / 4000)

enum kind { STEP, NOON_LINEAR, UTC_SLS };

struct sample {
	int64_t lo, hi;         /* the host's time the reading was taken in */
	int64_t reading;        /* less the clock's offset two days before */
};

/* How far a clock of kind k is behind the host's time t (ahead: negative)
 * for a leap second of sign: the spec's requirements as a function. */
static int64_t spec_lag(enum kind k, int sign, int64_t t)
{
	int64_t from = -DAY / 2, span = DAY;    /* NOON_LINEAR: noon to noon at 1/86400 */

	if (k == STEP)
		return t >= (sign > 0 ? 0 : -SEC) ? sign * SEC : 0;
	if (k == UTC_SLS) {                     /* the day's last 1000 s at 0.1 %; it ends at L +- 1 s */
		span = 1000 * SEC;
		from = sign * SEC - span;
	}
	if (t <= from)
		return 0;
	return t - from >= span ? sign * SEC : sign * ((t - from) / (span / SEC));
}

/* The host's time moved to t, then a READ of clock id; against the
 * clock's offset two days before unless `raw`. */
static bool sample_at(struct vc_ctx *c, struct vc_dev *d, uint16_t id, int sign, int64_t t, struct sample *s, bool raw)
{
	struct sample ref = { 0, 0, 0 };

	if (!raw && !sample_at(c, d, id, sign, -2 * DAY, &ref, true))
		return false;
	char arg[40], out[32];
	uint64_t v, before, after;

	for (unsigned k = 0; k < TRIES; k++) {
		snprintf(arg, sizeof(arg), "%c%" PRId64, sign > 0 ? '+' : '-', t + (sign > 0 ? 0 : SEC));
		uint64_t h0 = rtc_host_ns(CLOCK_MONOTONIC);
		if (!ds_host(c, VC_HOST_RTC_LEAP, arg, out, sizeof(out)))
			return false;
		uint64_t h1 = rtc_host_ns(CLOCK_MONOTONIC), host = strtoull(out, NULL, 10);
		if (!rtc_read(c, d, id, &v, &before, &after))
			return false;
		s->lo = t + (int64_t)(before - h1);
		s->hi = t + (int64_t)(after - h0);
		s->reading = (int64_t)(v - (host - (uint64_t)t));
		if (s->hi - s->lo > WIDE)
			continue;
		s->reading -= ref.reading - (ref.lo + ref.hi) / 2;
		s->lo -= (ref.hi - ref.lo) / 2;
		s->hi += (ref.hi - ref.lo) / 2;
		return true;
	}
	vc_skip(c, "the host's time of a READ could not be pinned within 0.2 ms in %d tries (a loaded machine)", TRIES);
	return false;
}

static bool sample(struct vc_ctx *c, struct vc_dev *d, uint16_t id, int sign, int64_t t, struct sample *s)
{
	return sample_at(c, d, id, sign, t, s, false);
}

static const char *variant(uint8_t smear)
{
	return smear == VIRTIO_RTC_SMEAR_NOON_LINEAR ? "NOON_LINEAR"
	       : smear == VIRTIO_RTC_SMEAR_UTC_SLS ? "UTC_SLS"
	       : smear ? "implementation-specific smearing" : "UNSPECIFIED smearing";
}

static void when(char *buf, size_t len, int sign, int64_t t)
{
	snprintf(buf, len, "%.3f s %s the midnight ending a %s leap second's day", (double)(t < 0 ? -t : t) / 1e9,
		 t < 0 ? "before" : "after", sign > 0 ? "positive" : "negative");
}

/* Clock id at host time t: its reading as kind k makes it. */
static bool expect(struct vc_ctx *c, struct vc_dev *d, uint16_t id, const uint8_t *cap, enum kind k, int sign, int64_t t)
{
	struct sample s;
	char at[96];

	if (!sample(c, d, id, sign, t, &s))
		return false;
	int64_t a = s.lo - spec_lag(k, sign, s.lo), b = s.hi - spec_lag(k, sign, s.hi);
	int64_t lo = (a < b ? a : b) - TOL, hi = (a < b ? b : a) + TOL;
	if (s.reading >= lo && s.reading <= hi)
		return true;
	when(at, sizeof(at), sign, t);
	vc_fail(c, "clock %u (%s%s%s) is %+.4f s off at %s", id, vc_rtc_clock_type_name(cap[8]), k == STEP ? "" : ", ",
		k == STEP ? "" : variant(cap[9]), (double)(s.reading < lo ? s.reading - lo : s.reading - hi) / 1e9, at);
	vc_observed(c, "reading midnight %+.6f s, the host's time midnight %+.6f..%+.6f s", (double)s.reading / 1e9,
		    (double)s.lo / 1e9, (double)s.hi / 1e9);
	vc_expected(c, "midnight %+.6f..%+.6f s (%s)", (double)lo / 1e9, (double)hi / 1e9,
		    k == STEP ? (sign > 0 ? "1 s back from the leap second's start at midnight"
				       : "1 s forward from the leap second's start at 23:59:59")
		    : k == NOON_LINEAR ? "the frequency 1/86400 off from the noon before to the noon after"
				       : "the frequency 0.1 % off over the day's last 1000 s");
	return false;
}

/* The device's clocks; the indexes of those of type (and smearing variant,
 * unless -1) into idx: how many, 0 after a SKIP naming `what`. */
static unsigned pick(struct vc_ctx *c, struct vc_dev *d, struct rtc_clocks *cl, uint8_t type, int smear,
		     unsigned *idx, const char *what)
{
	unsigned n = 0;

	if (!rtc_open(c, d, false) || !rtc_clocks(c, d, cl))
		return 0;
	for (unsigned i = 0; i < cl->listed; i++)
		if (cl->cap[i][8] == type && (smear < 0 || cl->cap[i][9] == smear))
			idx[n++] = i;
	if (!n)
		vc_skip(c, "the device has no %s clock", what);
	return n;
}

/* Each UTC clock, 500 ms and 10 ms before and after the start of a
 * positive and a negative leap second: 1 s back, or forward, at its start. */
static void utc_step(struct vc_ctx *c)
{
	static const int64_t at[] = { -SEC / 2, -SEC / 100, SEC / 100, SEC / 2 };
	struct rtc_clocks cl;
	unsigned idx[RTC_MAX_CLOCKS], n;
	struct vc_dev d;

	n = pick(c, &d, &cl, VIRTIO_RTC_CLOCK_UTC, -1, idx, "UTC");
	for (unsigned i = 0; i < n; i++)
		for (int sign = 1; sign >= -1; sign -= 2)
			for (unsigned k = 0; k < sizeof(at) / sizeof(at[0]); k++)
				if (!expect(c, &d, cl.id[idx[i]], cl.cap[idx[i]], STEP, sign,
					    at[k] + (sign > 0 ? 0 : -SEC)))
					return;
}

/* Each UTC_SMEARED clock read 10 ms before and after the leap second's
 * start and the midnight: it moved as far as the host's time did, within
 * 0.2 % and TOL (a smear's rate is 0.1 % off at most, any step is 1 s). */
static void smear_no_step(struct vc_ctx *c)
{
	struct rtc_clocks cl;
	unsigned idx[RTC_MAX_CLOCKS], n;
	struct vc_dev d;
	struct sample a, b;
	char at[96];

	n = pick(c, &d, &cl, VIRTIO_RTC_CLOCK_UTC_SMEARED, -1, idx, "UTC_SMEARED");
	for (unsigned i = 0; i < n; i++)
		for (int sign = 1; sign >= -1; sign -= 2)
			for (int64_t mid = sign > 0 ? 0 : -SEC; mid <= 0; mid += SEC) {
				uint16_t id = cl.id[idx[i]];
				if (!sample(c, &d, id, sign, mid - SEC / 100, &a) || !sample(c, &d, id, sign, mid + SEC / 100, &b))
					return;
				int64_t moved = b.reading - a.reading, lo = (b.lo - a.hi) * 998 / 1000 - TOL,
					hi = (b.hi - a.lo) * 1002 / 1000 + TOL;
				if (moved >= lo && moved <= hi)
					continue;
				when(at, sizeof(at), sign, mid);
				vc_fail(c, "clock %u (UTC_SMEARED, %s) stepped by %+.4f s at %s", id, variant(cl.cap[idx[i]][9]),
					(double)(moved - (b.lo + b.hi - a.lo - a.hi) / 2) / 1e9, at);
				vc_observed(c, "readings midnight %+.6f s and %+.6f s, 20 ms apart in the host's time",
					    (double)a.reading / 1e9, (double)b.reading / 1e9);
				vc_expected(c, "%.6f..%.6f s apart: a smearing clock never steps", (double)lo / 1e9,
					    (double)hi / 1e9);
				return;
			}
}

/* Each UTC_SMEARED clock from the day before the leap second's day to the
 * day after the next: how far it lags behind the host's time grows from 0
 * to 1 s (positive leap second: the clock slowed down) or shrinks from 0
 * to -1 s (negative: it sped up), never going back. */
static void smear_direction(struct vc_ctx *c)
{
	static const int64_t at[] = { -DAY - 60 * SEC, -DAY + 60 * SEC, -DAY / 2 + 3600 * SEC, -SEC - SEC / 100,
				      SEC / 100, DAY / 2 - 3600 * SEC, DAY - 60 * SEC, DAY + 60 * SEC };
	struct rtc_clocks cl;
	unsigned idx[RTC_MAX_CLOCKS], n, last = sizeof(at) / sizeof(at[0]) - 1;
	struct vc_dev d;
	struct sample s;
	char when_s[96];

	n = pick(c, &d, &cl, VIRTIO_RTC_CLOCK_UTC_SMEARED, -1, idx, "UTC_SMEARED");
	for (unsigned i = 0; i < n; i++)
		for (int sign = 1; sign >= -1; sign -= 2) {
			int64_t prev = -TOL;    /* the least lag (times sign) the next sample may show */
			for (unsigned k = 0; k <= last; k++) {
				if (!sample(c, &d, cl.id[idx[i]], sign, at[k], &s))
					return;
				int64_t lo = sign * (sign > 0 ? s.lo - s.reading : s.hi - s.reading),
					hi = sign * (sign > 0 ? s.hi - s.reading : s.lo - s.reading);
				int64_t want_lo = k == last ? SEC - TOL : prev, want_hi = k == 0 ? TOL : SEC + TOL;
				if (hi >= want_lo && lo <= want_hi) {
					if (lo - TOL > prev)
						prev = lo - TOL;
					continue;
				}
				when(when_s, sizeof(when_s), sign, at[k]);
				const char *way = sign > 0 ? "behind" : "ahead of";
				vc_fail(c, "clock %u (UTC_SMEARED, %s) is %.4f s %s the host's time at %s", cl.id[idx[i]],
					variant(cl.cap[idx[i]][9]), (double)(lo + hi) / 2e9, way, when_s);
				vc_observed(c, "%.6f..%.6f s %s it", (double)lo / 1e9, (double)hi / 1e9, way);
				vc_expected(c, "%.6f..%.6f s %s it (0 before the leap second's day, 1 s after the day after it, "
					    "%s in between, never back)", (double)want_lo / 1e9, (double)want_hi / 1e9, way,
					    sign > 0 ? "slowing down" : "speeding up");
				return;
			}
		}
}

static void smear_samples(struct vc_ctx *c, uint8_t smear, enum kind k, const int64_t *at, unsigned nat)
{
	struct rtc_clocks cl;
	unsigned idx[RTC_MAX_CLOCKS], n;
	struct vc_dev d;

	n = pick(c, &d, &cl, VIRTIO_RTC_CLOCK_UTC_SMEARED, smear, idx,
		 smear == VIRTIO_RTC_SMEAR_NOON_LINEAR ? "NOON_LINEAR smearing" : "UTC_SLS smearing");
	for (unsigned i = 0; i < n; i++)
		for (int sign = 1; sign >= -1; sign -= 2)
			for (unsigned j = 0; j < nat; j++)
				if (!expect(c, &d, cl.id[idx[i]], cl.cap[idx[i]], k, sign,
					    at[j] + (k == UTC_SLS ? sign * SEC : 0)))
					return;
}

/* NOON_LINEAR: 10 minutes either side of the noon before and the noon
 * after, and at the midnight: 0, 6.9 ms, 0.5 s, 0.993 s, 1 s behind (ahead
 * for a negative leap second). The spec's window (86401 or 86399 s from
 * noon to noon) and rate (1/86400) disagree by 11.6 us: within TOL. */
static void noon_linear(struct vc_ctx *c)
{
	static const int64_t at[] = { -DAY / 2 - 600 * SEC, -DAY / 2 + 600 * SEC, 0, DAY / 2 - 600 * SEC,
				      DAY / 2 + 600 * SEC };

	smear_samples(c, VIRTIO_RTC_SMEAR_NOON_LINEAR, NOON_LINEAR, at, sizeof(at) / sizeof(at[0]));
}

/* UTC_SLS: around the start of the day's last 1000 s (its end is 1 s after
 * the midnight for a positive leap second, 1 s before it for a negative
 * one), its middle and its end: 0, 10 ms, 0.5 s, 0.99 s, 1 s behind. */
static void utc_sls(struct vc_ctx *c)
{
	static const int64_t at[] = { -1060 * SEC, -990 * SEC, -500 * SEC, -10 * SEC, 60 * SEC };

	smear_samples(c, VIRTIO_RTC_SMEAR_UTC_SLS, UTC_SLS, at, sizeof(at) / sizeof(at[0]));
}

static const struct vc_clause clauses[] = {
	{ "rtc.leap.utc-step", L_RTC_CTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-CTRL-DEV-5 RTC-CTRL-DEV-6",
	  "A UTC clock steps 1 s back at the start of a positive leap second and 1 s forward at the start of a negative "
	  "one (the host's time moved across it, rtc-leap).", NULL, utc_step },
	{ "rtc.leap.smear-no-step", L_RTC_CTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS, "RTC-CTRL-DEV-7",
	  "A UTC_SMEARED clock read 10 ms either side of a leap second's start and of the midnight moves as far as "
	  "the host's time did: no step.", NULL, smear_no_step },
	{ "rtc.leap.smear-direction", L_RTC_CTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-CTRL-DEV-8 RTC-CTRL-DEV-9",
	  "From the day before a leap second's day to the day after the next, a UTC_SMEARED clock falls behind the "
	  "host's time from 0 to 1 s for a positive leap second (ahead for a negative one), never back.", NULL,
	  smear_direction },
	{ "rtc.leap.noon-linear", L_RTC_CTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-CTRL-DEV-10 RTC-CTRL-DEV-11 RTC-CTRL-DEV-12",
	  "A NOON_LINEAR clock runs 1/86400 slow (fast for a negative leap second) exactly from the noon before to the "
	  "noon after: read around both noons and at the midnight.", NULL, noon_linear },
	{ "rtc.leap.utc-sls", L_RTC_CTRL, VC_MUST, VC_DEVICE_RULE, "1.4", RTC_NEEDS,
	  "RTC-CTRL-DEV-13 RTC-CTRL-DEV-14 RTC-CTRL-DEV-15",
	  "A UTC_SLS clock runs 0.1 % slow (fast for a negative leap second) exactly over the last 1000 s of the leap "
	  "second's day: read around the window's start, middle and end.", NULL, utc_sls },
};
VC_DEVICE_SUITE(suite_rtc_leap, clauses, VIRTIO_ID_RTC);
