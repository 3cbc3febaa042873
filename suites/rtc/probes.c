/* Hostile-driver probes of the RTC device (profile robustness, side
 * robustness: not spec verdicts): the device rules only a request that
 * breaks a driver rule reaches. A reserved byte set breaks RTC-OP-DRV-2
 * (RTC-OP-DEV-7 asks for EINVAL); a device-writable part too short for the
 * response breaks RTC-OP-DRV-6 (RTC-OP-DEV-9: EINVAL when the status fits,
 * RTC-OP-DEV-10: nothing written when it does not). */
#include <stdio.h>
#include <string.h>
#include "rtc.h"

#define LABEL "Robustness: a hostile driver (not a spec rule)"

/* READ and CLOCK_CAP of clock 0 with one reserved byte set (the last of
 * the request, then the first after the clock id's byte): EINVAL. */
static void reserved_set(struct vc_ctx *c)
{
	static const uint16_t msgs[] = { VIRTIO_RTC_REQ_READ, VIRTIO_RTC_REQ_CLOCK_CAP };
	static const unsigned at[] = { 15, 11, 2 };
	uint8_t req[24], resp[24];
	char what[64];
	struct vc_dev d;

	if (!rtc_open(c, &d, false))
		return;
	for (unsigned m = 0; m < 2; m++)
		for (unsigned k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
			unsigned len = vc_rtc_build(req, msgs[m], 0, 0, 0);
			req[at[k]] = 0x01;
			struct vc_iov iov[2] = { { req, NULL, len, false, 0 }, { resp, resp, 16, true, 0 } };
			memset(resp, 0xee, sizeof(resp));
			snprintf(what, sizeof(what), "%s with reserved byte %u set", rtc_msg_name(msgs[m]), at[k]);
			if (!ds_call(c, &d, VIRTIO_RTC_REQUESTQ, iov, 2, NULL, what))
				return;
			if (resp[0] == VIRTIO_RTC_S_EINVAL)
				continue;
			vc_fail(c, "%s of clock 0 was answered %s", what, rtc_status(resp[0]));
			vc_observed(c, "status %s", rtc_status(resp[0]));
			vc_expected(c, "EINVAL, as RTC-OP-DEV-7 asks for a value the spec does not allow");
			return;
		}
}

/* READ of clock 0 with 8 device-writable bytes of its 16: EINVAL, the
 * status written (used length at least 1). */
static void short_response(struct vc_ctx *c)
{
	uint8_t req[24], resp[8];
	uint32_t used = 0;
	struct vc_dev d;

	if (!rtc_open(c, &d, false))
		return;
	unsigned len = vc_rtc_build(req, VIRTIO_RTC_REQ_READ, 0, 0, 0);
	struct vc_iov iov[2] = { { req, NULL, len, false, 0 }, { resp, resp, sizeof(resp), true, 0 } };
	memset(resp, 0xee, sizeof(resp));
	if (!ds_call(c, &d, VIRTIO_RTC_REQUESTQ, iov, 2, &used, "READ with 8 device-writable bytes"))
		return;
	if (resp[0] != VIRTIO_RTC_S_EINVAL || !used) {
		vc_fail(c, "READ of clock 0 with 8 device-writable bytes (its response has 16) was answered %s",
			resp[0] == 0xee ? "nothing" : rtc_status(resp[0]));
		vc_observed(c, "status byte 0x%02x, used length %u", resp[0], used);
		vc_expected(c, "EINVAL written (RTC-OP-DEV-9: the status fits)");
	}
}

/* READ of clock 0 with no device-writable byte at all: the status does not
 * fit, the device writes nothing (used length 0). */
static void no_room(struct vc_ctx *c)
{
	uint8_t req[24];
	uint32_t used = 0;
	struct vc_dev d;

	if (!rtc_open(c, &d, false))
		return;
	unsigned len = vc_rtc_build(req, VIRTIO_RTC_REQ_READ, 0, 0, 0);
	struct vc_iov iov[1] = { { req, NULL, len, false, 0 } };
	if (!ds_call(c, &d, VIRTIO_RTC_REQUESTQ, iov, 1, &used, "READ without device-writable bytes"))
		return;
	if (used) {
		vc_fail(c, "READ of clock 0 without device-writable bytes came back with used length %u", used);
		vc_observed(c, "used length %u", used);
		vc_expected(c, "0: the status does not fit, nothing is written (RTC-OP-DEV-10)");
	}
}

static const struct vc_clause clauses[] = {
	{ "probe.rtc.reserved-set", LABEL, VC_MAY, VC_ROBUSTNESS, "1.4", RTC_NEEDS, "",
	  "READ and CLOCK_CAP with a reserved byte set are answered EINVAL, as the device rule RTC-OP-DEV-7 (reached "
	  "only so) asks.", "robustness", reserved_set, 0, 1, "RTC-OP-DRV-2", NULL },
	{ "probe.rtc.short-response", LABEL, VC_MAY, VC_ROBUSTNESS, "1.4", RTC_NEEDS, "",
	  "READ with 8 device-writable bytes of its 16-byte response gets EINVAL written, as RTC-OP-DEV-9 (reached only "
	  "so) asks.", "robustness", short_response, 0, 1, "RTC-OP-DRV-6", NULL },
	{ "probe.rtc.no-status-room", LABEL, VC_MAY, VC_ROBUSTNESS, "1.4", RTC_NEEDS, "",
	  "READ without device-writable bytes comes back with nothing written (used length 0), as RTC-OP-DEV-10 "
	  "(reached only so) asks.", "robustness", no_room, 0, 1, "RTC-OP-DRV-6", NULL },
};
VC_DEVICE_SUITE(suite_rtc_probes, clauses, VIRTIO_ID_RTC);
