/* The RTC device's driver side (vc/devtypes/rtc.h). */
#include <stdio.h>
#include <string.h>
#include "vc/devtypes/rtc.h"
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

unsigned vc_rtc_req_len(uint16_t msg_type)
{
	switch (msg_type) {
	case VIRTIO_RTC_REQ_CFG:
		return 8;
	case VIRTIO_RTC_REQ_SET_ALARM:
		return 24;
	case VIRTIO_RTC_REQ_READ: case VIRTIO_RTC_REQ_READ_CROSS: case VIRTIO_RTC_REQ_CLOCK_CAP:
	case VIRTIO_RTC_REQ_CROSS_CAP: case VIRTIO_RTC_REQ_READ_ALARM: case VIRTIO_RTC_REQ_SET_ALARM_ENABLED:
		return 16;
	}
	return 0;
}

unsigned vc_rtc_resp_len(uint16_t msg_type)
{
	switch (msg_type) {
	case VIRTIO_RTC_REQ_SET_ALARM: case VIRTIO_RTC_REQ_SET_ALARM_ENABLED:
		return 8;
	case VIRTIO_RTC_REQ_READ: case VIRTIO_RTC_REQ_CFG: case VIRTIO_RTC_REQ_CLOCK_CAP:
	case VIRTIO_RTC_REQ_CROSS_CAP:
		return 16;
	case VIRTIO_RTC_REQ_READ_CROSS: case VIRTIO_RTC_REQ_READ_ALARM:
		return 24;
	}
	return 0;
}

unsigned vc_rtc_build(uint8_t *req, uint16_t msg_type, uint16_t clock_id, uint8_t byte, uint64_t alarm_time)
{
	unsigned len = vc_rtc_req_len(msg_type) ? vc_rtc_req_len(msg_type) : 16;

	memset(req, 0, len);
	vc_put16(req, msg_type);
	if (msg_type == VIRTIO_RTC_REQ_SET_ALARM) {
		vc_put64(req + 8, alarm_time);
		vc_put16(req + 16, clock_id);
		req[18] = byte;
	} else if (msg_type != VIRTIO_RTC_REQ_CFG) {
		vc_put16(req + 8, clock_id);
		req[10] = byte;
	}
	return len;
}

int vc_rtc_call(struct vc_dev *d, const uint8_t *req, unsigned req_len, uint8_t *resp, unsigned resp_len,
		uint8_t fill, uint32_t *used, unsigned ms)
{
	struct vc_iov iov[2] = { { req, NULL, req_len, false }, { resp, resp, resp_len, true } };

	memset(resp, fill, resp_len);
	return vc_dev_call(d, VIRTIO_RTC_REQUESTQ, iov, 2, used, ms);
}

int vc_rtc_simple(struct vc_dev *d, uint16_t msg_type, uint16_t clock_id, uint8_t byte, uint64_t alarm_time,
		  uint8_t *resp, unsigned ms)
{
	uint8_t req[24];
	unsigned len = vc_rtc_build(req, msg_type, clock_id, byte, alarm_time), rlen = vc_rtc_resp_len(msg_type);

	return vc_rtc_call(d, req, len, resp, rlen ? rlen : 16, 0xee, NULL, ms);
}

const char *vc_rtc_status_name(uint8_t status, char *buf, size_t len)
{
	static const char *const names[] = { [0] = "OK", [2] = "EOPNOTSUPP", [3] = "ENODEV", [4] = "EINVAL",
					     [5] = "EIO" };

	if (status < sizeof(names) / sizeof(names[0]) && names[status])
		return names[status];
	snprintf(buf, len, "status %u", status);
	return buf;
}

const char *vc_rtc_clock_type_name(uint8_t type)
{
	static const char *const names[] = { "UTC", "TAI", "MONOTONIC", "UTC_SMEARED", "UTC_MAYBE_SMEARED" };

	return type < 5 ? names[type] : "an unknown type";
}

bool vc_rtc_counter(uint8_t *id, uint64_t *cycles)
{
#if defined(__x86_64__) || defined(__i386__)
	*id = VIRTIO_RTC_COUNTER_X86_TSC;
	*cycles = __rdtsc();
	return true;
#elif defined(__aarch64__)
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	*id = VIRTIO_RTC_COUNTER_ARM_VCT;
	*cycles = v;
	return true;
#else
	(void)id;
	(void)cycles;
	return false;
#endif
}
