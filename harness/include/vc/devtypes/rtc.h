/* The RTC device (virtio type 17): its messages on the requestq and the
 * alarmq (Device Types / RTC Device / Device Operation). */
#ifndef VC_DEVTYPES_RTC_H
#define VC_DEVTYPES_RTC_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_RTC 17
#define VIRTIO_RTC_F_ALARM 0
#define VIRTIO_RTC_REQUESTQ 0
#define VIRTIO_RTC_ALARMQ 1

#define VIRTIO_RTC_S_OK 0
#define VIRTIO_RTC_S_EOPNOTSUPP 2
#define VIRTIO_RTC_S_ENODEV 3
#define VIRTIO_RTC_S_EINVAL 4
#define VIRTIO_RTC_S_EIO 5

#define VIRTIO_RTC_REQ_READ 0x0001
#define VIRTIO_RTC_REQ_READ_CROSS 0x0002
#define VIRTIO_RTC_REQ_CFG 0x1000
#define VIRTIO_RTC_REQ_CLOCK_CAP 0x1001
#define VIRTIO_RTC_REQ_CROSS_CAP 0x1002
#define VIRTIO_RTC_REQ_READ_ALARM 0x1003
#define VIRTIO_RTC_REQ_SET_ALARM 0x1004
#define VIRTIO_RTC_REQ_SET_ALARM_ENABLED 0x1005
#define VIRTIO_RTC_NOTIF_ALARM 0x2000

#define VIRTIO_RTC_CLOCK_UTC 0
#define VIRTIO_RTC_CLOCK_TAI 1
#define VIRTIO_RTC_CLOCK_MONOTONIC 2
#define VIRTIO_RTC_CLOCK_UTC_SMEARED 3
#define VIRTIO_RTC_CLOCK_UTC_MAYBE_SMEARED 4

#define VIRTIO_RTC_SMEAR_UNSPECIFIED 0
#define VIRTIO_RTC_SMEAR_NOON_LINEAR 1
#define VIRTIO_RTC_SMEAR_UTC_SLS 2

#define VIRTIO_RTC_COUNTER_ARM_VCT 0
#define VIRTIO_RTC_COUNTER_X86_TSC 1
#define VIRTIO_RTC_COUNTER_INVALID 0xff

#define VIRTIO_RTC_FLAG_ALARM_CAP 1
#define VIRTIO_RTC_FLAG_CROSS_CAP 1
#define VIRTIO_RTC_FLAG_ALARM_ENABLED 1

/* The sizes of the messages (request, response) by msg_type; 0 for one
 * the spec does not define. The alarmq's notification is 16 bytes. */
#define VC_RTC_NOTIF_LEN 16
unsigned vc_rtc_req_len(uint16_t msg_type);
unsigned vc_rtc_resp_len(uint16_t msg_type);

/* Build a request into req (room for its length: 24 bytes for SET_ALARM,
 * 8 for CFG, 16 for the others and for a msg_type the spec does not
 * define): the header, then clock_id at 8 (at 16 for SET_ALARM, whose
 * alarm_time is at 8), the hw_counter or flags byte after it. Returns its
 * length. */
unsigned vc_rtc_build(uint8_t *req, uint16_t msg_type, uint16_t clock_id, uint8_t byte, uint64_t alarm_time);

/* One request answered on the requestq: `resp` (resp_len bytes, prefilled
 * with `fill` so untouched bytes show) is what the device wrote; *used its
 * used length. vc_dev_call's return codes. */
int vc_rtc_call(struct vc_dev *d, const uint8_t *req, unsigned req_len, uint8_t *resp, unsigned resp_len,
		uint8_t fill, uint32_t *used, unsigned ms);
/* The plain forms: the request built, the response of its own length
 * (prefilled 0xee). */
int vc_rtc_simple(struct vc_dev *d, uint16_t msg_type, uint16_t clock_id, uint8_t byte, uint64_t alarm_time,
		  uint8_t *resp, unsigned ms);

/* The hardware counter this process reads as a driver would (x86: the
 * TSC, Arm: CNTVCT_EL0): true with its id and value, false elsewhere. */
bool vc_rtc_counter(uint8_t *id, uint64_t *cycles);

/* A status's name ("OK", "EINVAL", ...; "status N" for others). */
const char *vc_rtc_status_name(uint8_t status, char *buf, size_t len);
const char *vc_rtc_clock_type_name(uint8_t type);

#endif
