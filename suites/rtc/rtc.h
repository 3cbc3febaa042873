/* RTC device clauses' shared labels and helpers (suites/rtc/common.c). */
#ifndef VC_SUITES_RTC_H
#define VC_SUITES_RTC_H

#include "../devsession.h"
#include "vc/devtypes/rtc.h"

#define L_RTC "Device Types / RTC Device"
#define L_RTC_FEAT L_RTC " / Feature bits"
#define L_RTC_OP L_RTC " / Device Operation"
#define L_RTC_CTRL L_RTC_OP " / Control Requests"
#define L_RTC_READ L_RTC_OP " / Read Requests"
#define L_RTC_ALARM L_RTC_OP " / Alarm Operation"
#define L_RTC_ALARMCTRL L_RTC_ALARM " / Alarm Control Requests"
#define L_RTC_ALARMNOTIFY L_RTC_ALARM " / Alarm Notifications"

#define RTC_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define RTC_MAX_CLOCKS 64
#define RTC_NS ((uint64_t)1000000000)
/* TAI - UTC, in force since 2017-01-01 (IERS Bulletin C: no leap second
 * announced since). */
#define RTC_TAI_UTC_NS (37 * RTC_NS)

struct rtc_clocks {
	unsigned n;                       /* CFG's num_clocks */
	unsigned listed;                  /* clocks kept (CLOCK_CAP OK), at most RTC_MAX_CLOCKS */
	uint16_t id[RTC_MAX_CLOCKS];
	uint8_t cap[RTC_MAX_CLOCKS][16];  /* the CLOCK_CAP response */
};

/* A session on the requestq (and the alarmq with VIRTIO_RTC_F_ALARM
 * negotiated, when `alarm`; a SKIP when it is not offered). */
bool rtc_open(struct vc_ctx *c, struct vc_dev *d, bool alarm);
/* One request of msg_type and its answer (resp of its response length,
 * prefilled 0xee); false after a FAIL (never used) or an ERROR. */
bool rtc_req(struct vc_ctx *c, struct vc_dev *d, uint16_t msg_type, uint16_t clock_id, uint8_t byte,
	     uint64_t alarm_time, uint8_t *resp);
/* rtc_req, then FAIL unless the status is OK. */
bool rtc_req_ok(struct vc_ctx *c, struct vc_dev *d, uint16_t msg_type, uint16_t clock_id, uint8_t byte,
		uint64_t alarm_time, uint8_t *resp);
const char *rtc_msg_name(uint16_t msg_type);
const char *rtc_status(uint8_t status);
/* CFG, then CLOCK_CAP of each clock (those answered OK kept). */
bool rtc_clocks(struct vc_ctx *c, struct vc_dev *d, struct rtc_clocks *cl);
/* The first clock of a type, or of any type with ALARM_CAP (type -1): its
 * index in cl, or -1. */
int rtc_find(const struct rtc_clocks *cl, int type);
/* READ of a clock, with the host's CLOCK_MONOTONIC just before the
 * request was made available and after it came back (either may be NULL). */
bool rtc_read(struct vc_ctx *c, struct vc_dev *d, uint16_t clock_id, uint64_t *reading, uint64_t *before,
	      uint64_t *after);
uint64_t rtc_host_ns(int clock);       /* CLOCK_REALTIME, CLOCK_MONOTONIC, ... in ns */
void rtc_sleep_ms(unsigned ms);
/* A clock's reading against the host's UTC (+ offset) within tol_ns:
 * FAIL naming the difference. */
bool rtc_near_utc(struct vc_ctx *c, struct vc_dev *d, uint16_t clock_id, const char *what, uint64_t offset,
		  uint64_t tol_ns);

#endif
