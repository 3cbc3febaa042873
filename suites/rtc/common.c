/* RTC device clauses' shared helpers (rtc.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "rtc.h"

bool rtc_open(struct vc_ctx *c, struct vc_dev *d, bool alarm)
{
	return ds_open(c, d, alarm ? DS_F(VIRTIO_RTC_F_ALARM) : 0, 0,
		       DS_Q(VIRTIO_RTC_REQUESTQ) | (alarm ? DS_Q(VIRTIO_RTC_ALARMQ) : 0), false);
}

const char *rtc_msg_name(uint16_t msg_type)
{
	switch (msg_type) {
	case VIRTIO_RTC_REQ_READ: return "READ";
	case VIRTIO_RTC_REQ_READ_CROSS: return "READ_CROSS";
	case VIRTIO_RTC_REQ_CFG: return "CFG";
	case VIRTIO_RTC_REQ_CLOCK_CAP: return "CLOCK_CAP";
	case VIRTIO_RTC_REQ_CROSS_CAP: return "CROSS_CAP";
	case VIRTIO_RTC_REQ_READ_ALARM: return "READ_ALARM";
	case VIRTIO_RTC_REQ_SET_ALARM: return "SET_ALARM";
	case VIRTIO_RTC_REQ_SET_ALARM_ENABLED: return "SET_ALARM_ENABLED";
	}
	return "an undefined request";
}

const char *rtc_status(uint8_t status)
{
	static char buf[4][16];
	static unsigned k;

	return vc_rtc_status_name(status, buf[k++ % 4], sizeof(buf[0]));
}

bool rtc_req(struct vc_ctx *c, struct vc_dev *d, uint16_t msg_type, uint16_t clock_id, uint8_t byte,
	     uint64_t alarm_time, uint8_t *resp)
{
	uint8_t req[24];
	unsigned len = vc_rtc_build(req, msg_type, clock_id, byte, alarm_time), rlen = vc_rtc_resp_len(msg_type);
	struct vc_iov iov[2] = { { req, NULL, len, false }, { resp, resp, rlen ? rlen : 16, true } };

	memset(resp, 0xee, rlen ? rlen : 16);
	return ds_call(c, d, VIRTIO_RTC_REQUESTQ, iov, 2, NULL, rtc_msg_name(msg_type));
}

bool rtc_req_ok(struct vc_ctx *c, struct vc_dev *d, uint16_t msg_type, uint16_t clock_id, uint8_t byte,
		uint64_t alarm_time, uint8_t *resp)
{
	if (!rtc_req(c, d, msg_type, clock_id, byte, alarm_time, resp))
		return false;
	if (resp[0] == VIRTIO_RTC_S_OK)
		return true;
	vc_fail(c, "%s of clock %u failed", rtc_msg_name(msg_type), clock_id);
	vc_observed(c, "status %s", rtc_status(resp[0]));
	vc_expected(c, "OK");
	return false;
}

bool rtc_clocks(struct vc_ctx *c, struct vc_dev *d, struct rtc_clocks *cl)
{
	uint8_t resp[24];

	memset(cl, 0, sizeof(*cl));
	if (!rtc_req_ok(c, d, VIRTIO_RTC_REQ_CFG, 0, 0, 0, resp))
		return false;
	cl->n = vc_le16(resp + 8);
	for (unsigned k = 0; k < cl->n && cl->listed < RTC_MAX_CLOCKS; k++) {
		if (!rtc_req(c, d, VIRTIO_RTC_REQ_CLOCK_CAP, (uint16_t)k, 0, 0, resp))
			return false;
		if (resp[0] != VIRTIO_RTC_S_OK)
			continue;
		cl->id[cl->listed] = (uint16_t)k;
		memcpy(cl->cap[cl->listed++], resp, 16);
	}
	return true;
}

int rtc_find(const struct rtc_clocks *cl, int type)
{
	for (unsigned i = 0; i < cl->listed; i++)
		if (type < 0 ? (cl->cap[i][10] & VIRTIO_RTC_FLAG_ALARM_CAP) != 0 : cl->cap[i][8] == type)
			return (int)i;
	return -1;
}

uint64_t rtc_host_ns(int clock)
{
	struct timespec ts;

	clock_gettime((clockid_t)clock, &ts);
	return (uint64_t)ts.tv_sec * RTC_NS + (uint64_t)ts.tv_nsec;
}

void rtc_sleep_ms(unsigned ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000 }, NULL);
}

bool rtc_read(struct vc_ctx *c, struct vc_dev *d, uint16_t clock_id, uint64_t *reading, uint64_t *before,
	      uint64_t *after)
{
	uint8_t resp[16];
	uint64_t t0 = rtc_host_ns(CLOCK_MONOTONIC);

	if (!rtc_req_ok(c, d, VIRTIO_RTC_REQ_READ, clock_id, 0, 0, resp))
		return false;
	if (after)
		*after = rtc_host_ns(CLOCK_MONOTONIC);
	if (before)
		*before = t0;
	*reading = vc_le64(resp + 8);
	return true;
}

bool rtc_near_utc(struct vc_ctx *c, struct vc_dev *d, uint16_t clock_id, const char *what, uint64_t offset,
		  uint64_t tol_ns)
{
	uint64_t v, lo = rtc_host_ns(CLOCK_REALTIME) + offset, hi;

	if (!rtc_read(c, d, clock_id, &v, NULL, NULL))
		return false;
	hi = rtc_host_ns(CLOCK_REALTIME) + offset;
	if (v + tol_ns >= lo && v <= hi + tol_ns)
		return true;
	int64_t diff = v < lo ? -(int64_t)(lo - v) : (int64_t)(v - hi);
	vc_fail(c, "clock %u (%s) is %+.3f s off the host's %s", clock_id, what, (double)diff / 1e9,
		offset ? "UTC + 37 s (TAI)" : "UTC");
	vc_observed(c, "reading %" PRIu64 " ns", v);
	vc_expected(c, "%" PRIu64 "..%" PRIu64 " ns (within %.1f s)", lo, hi, (double)tol_ns / 1e9);
	return false;
}
