/* SCSI host: command requests (Device Types / SCSI Host Device / Device
 * Operation / Device Operation: Request Queues): the status byte, the
 * response byte, and commands outstanding when a logical unit goes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "scsi.h"

#define L_SCSI_REQ "Device Types / SCSI Host Device / Device Operation / Device Operation: Request Queues"

static bool expect_status(struct vc_ctx *c, const char *what, const struct vc_scsi_resp *r, bool check_condition)
{
	if (r->response != VIRTIO_SCSI_S_OK) {
		vc_fail(c, "%s to a present logical unit came back with response %s", what,
			vc_scsi_response_name(r->response));
		vc_observed(c, "response %u, status 0x%02x", r->response, r->status);
		vc_expected(c, "VIRTIO_SCSI_S_OK and a SAM status");
		return false;
	}
	if (!vc_sam_status_valid(r->status) || (check_condition && r->status != SAM_CHECK_CONDITION)) {
		vc_fail(c, "%s came back with status 0x%02x", what, r->status);
		vc_observed(c, "status 0x%02x, sense_len %u", r->status, r->sense_len);
		vc_expected(c, "%s", check_condition ? "CHECK CONDITION (0x02)" : "a SAM status code");
		return false;
	}
	return true;
}

/* TEST UNIT READY, INQUIRY (its data a disk's) and an opcode no device
 * has: SAM status codes, the last CHECK CONDITION with ILLEGAL REQUEST. */
static void status_sam(struct vc_ctx *c)
{
	static const uint8_t tur[6] = { 0x00 }, inquiry[6] = { 0x12, 0, 0, 0, 36, 0 }, bogus[6] = { 0xff };
	struct vc_scsi_resp r;
	struct vc_dev d;

	if (!scsi_open(c, &d, 0, 0) || !scsi_need_lun(c, &d, VC_SCSI_LUN_DISK, "a disk"))
		return;
	struct vc_scsi_cmd cmd = scsi_simple(VC_SCSI_LUN_DISK, tur, sizeof(tur), 0);
	if (!scsi_cmd(c, &d, &cmd, &r, "TEST UNIT READY") || !expect_status(c, "TEST UNIT READY", &r, false))
		return;
	cmd = scsi_simple(VC_SCSI_LUN_DISK, inquiry, sizeof(inquiry), 36);
	if (!scsi_cmd(c, &d, &cmd, &r, "INQUIRY") || !expect_status(c, "INQUIRY", &r, false))
		return;
	if (r.status == SAM_GOOD && (r.data[0] & 0x1f) != 0x00)
		vc_note(c, "the logical unit at LUN 0 is of peripheral device type 0x%02x, not a disk", r.data[0] & 0x1f);
	cmd = scsi_simple(VC_SCSI_LUN_DISK, bogus, sizeof(bogus), 0);
	if (!scsi_cmd(c, &d, &cmd, &r, "command with opcode 0xff") ||
	    !expect_status(c, "A command with opcode 0xff (none defined)", &r, true))
		return;
	int key = vc_scsi_sense_key(r.sense, r.sense_len < sizeof(r.sense) ? r.sense_len : sizeof(r.sense));
	if (key != 0x5) {
		vc_fail(c, "CHECK CONDITION for opcode 0xff without ILLEGAL REQUEST sense");
		vc_observed(c, "sense_len %u, sense key %d", r.sense_len, key);
		vc_expected(c, "sense key 0x5 (ILLEGAL REQUEST)");
	}
}

static bool expect_response(struct vc_ctx *c, struct vc_dev *d, const struct vc_scsi_cmd *cmd, uint8_t want,
			    const char *what)
{
	struct vc_scsi_resp r;

	if (!scsi_cmd(c, d, cmd, &r, what))
		return false;
	if (r.response == want)
		return true;
	vc_fail(c, "%s came back with response %s", what, vc_scsi_response_name(r.response));
	vc_observed(c, "response %u (%s), status 0x%02x", r.response, vc_scsi_response_name(r.response), r.status);
	vc_expected(c, "%s (%u)", vc_scsi_response_name(want), want);
	return false;
}

/* The response byte as the spec defines it: OK for a command completed,
 * BAD_TARGET for a target that does not exist, OVERRUN when the CDB asks
 * for more data-in than the buffers hold, FAILURE for data both ways
 * without VIRTIO_SCSI_F_INOUT. */
static void response_codes(struct vc_ctx *c)
{
	static const uint8_t inquiry[6] = { 0x12, 0, 0, 0, 96, 0 }, read10[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const uint8_t tur[6] = { 0x00 };
	uint8_t block[512] = { 0 };
	struct vc_dev d;

	if (!scsi_open(c, &d, 0, 0) || !scsi_need_lun(c, &d, VC_SCSI_LUN_DISK, "a disk"))
		return;
	struct vc_scsi_cmd ok = scsi_simple(VC_SCSI_LUN_DISK, inquiry, sizeof(inquiry), 96);
	struct vc_scsi_cmd missing = scsi_simple(VC_SCSI_LUN_DISK, tur, sizeof(tur), 0);
	missing.target = 200;
	struct vc_scsi_cmd overrun = scsi_simple(VC_SCSI_LUN_DISK, inquiry, sizeof(inquiry), 8);
	struct vc_scsi_cmd bidi = scsi_simple(VC_SCSI_LUN_DISK, read10, sizeof(read10), sizeof(block));
	bidi.out = block;
	bidi.out_len = sizeof(block);
	if (!expect_response(c, &d, &ok, VIRTIO_SCSI_S_OK, "INQUIRY with room for its 96 bytes") ||
	    !expect_response(c, &d, &missing, VIRTIO_SCSI_S_BAD_TARGET, "TEST UNIT READY to target 200 (none there)") ||
	    !expect_response(c, &d, &overrun, VIRTIO_SCSI_S_OVERRUN, "INQUIRY for 96 bytes with 8 bytes of data-in"))
		return;
	if (vc_negotiated(&d.drv, VIRTIO_SCSI_F_INOUT))
		return;
	expect_response(c, &d, &bidi, VIRTIO_SCSI_S_FAILURE,
			"READ(10) with data-out and data-in, VIRTIO_SCSI_F_INOUT not negotiated");
}

/* READs to the slow disk (LUN 1), still outstanding when the driver
 * resets the device, are completed before the reset is: once
 * device_status reads 0 the used ring holds each of them, aborted
 * (ABORTED, RESET) or with FAILURE. */
static void outstanding_at_reset(struct vc_ctx *c)
{
	static const uint8_t read10[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	enum { N = 4 };
	uint8_t hdr[N][VIRTIO_SCSI_REQ_HDR + 32], rsp[N][VIRTIO_SCSI_RESP_HDR + VIRTIO_SCSI_SENSE_DEFAULT];
	uint8_t datain[N][512];
	struct vc_req req[N];
	struct vc_iov iov[4];
	struct vc_scsi_resp r;
	bool outstanding[N];
	unsigned pending = 0;
	struct vc_dev d;

	if (!scsi_open(c, &d, 0, 0) || !scsi_need_lun(c, &d, VC_SCSI_LUN_SLOW, "the slow disk"))
		return;
	struct vc_scsi_cmd cmd = scsi_simple(VC_SCSI_LUN_SLOW, read10, sizeof(read10), 512);
	for (unsigned i = 0; i < N; i++) {
		unsigned n = vc_scsi_request(&cmd, hdr[i], rsp[i], datain[i], iov);
		if (!ds_send(c, &d, VIRTIO_SCSI_REQUESTQ, iov, n, &req[i], "READ(10)"))
			return;
	}
	ds_settle(&d, 100);
	for (unsigned i = 0; i < N; i++) {
		int rc = vc_dev_poll(&d, &req[i]);
		if (rc && rc != -EAGAIN && !ds_ok(c, rc, "reading the used ring failed"))
			return;
		outstanding[i] = rc == -EAGAIN;
		pending += outstanding[i];
	}
	if (!pending) {
		vc_skip(c, "all %u READs to the slow disk completed at once: none was outstanding at the reset", N);
		return;
	}
	if (!ds_ok(c, vc_reset(&d.drv), "the reset did not complete"))
		return;
	for (unsigned i = 0; i < N; i++) {
		if (!outstanding[i])
			continue;
		int rc = vc_dev_poll(&d, &req[i]);      /* the ring as the device left it */
		if (rc == -EAGAIN) {
			vc_fail(c, "a READ(10) outstanding at the reset was not completed before the reset was");
			vc_observed(c, "%u of %u outstanding READs missing from the used ring once device_status read 0",
				    pending, N);
			vc_expected(c, "each completed (aborted, or FAILURE) first");
			return;
		}
		if (!ds_ok(c, rc, "reading the used ring failed"))
			return;
		vc_scsi_resp_take(rsp[i], datain[i], 512, req[i].used, &r);
		if (r.response != VIRTIO_SCSI_S_ABORTED && r.response != VIRTIO_SCSI_S_RESET &&
		    r.response != VIRTIO_SCSI_S_FAILURE) {
			vc_fail(c, "a READ(10) outstanding at the reset came back with response %s%s",
				vc_scsi_response_name(r.response), r.response == VIRTIO_SCSI_S_OK ?
				" (run to completion as the reset began, neither aborted nor failed)" : "");
			vc_observed(c, "response %u, status 0x%02x (%u of %u READs outstanding at the reset)", r.response,
				    r.status, pending, N);
			vc_expected(c, "ABORTED or RESET (aborted), else FAILURE");
			return;
		}
	}
	vc_note(c, "%u of %u READs were outstanding at the reset", pending, N);
}

static const struct vc_clause clauses[] = {
	{ "scsi.request.status-sam", L_SCSI_REQ, VC_MUST, VC_DEVICE_RULE, "1.0", SCSI_NEEDS, "SCSI-REQ-DEV-1",
	  "The status byte is a SAM status code: TEST UNIT READY and INQUIRY to the disk, and CHECK CONDITION with "
	  "ILLEGAL REQUEST sense for an opcode no device has.", NULL, status_sam, 0, 3 },
	{ "scsi.request.response-codes", L_SCSI_REQ, VC_MUST, VC_DEVICE_RULE, "1.0", SCSI_NEEDS, "SCSI-REQ-DEV-2",
	  "The response byte: OK for a completed command, BAD_TARGET for a missing target, OVERRUN when the CDB "
	  "wants more data-in than the buffers hold, FAILURE for data both ways without VIRTIO_SCSI_F_INOUT.", NULL,
	  response_codes, 0, 3 },
	{ "scsi.request.outstanding-at-reset", L_SCSI_REQ, VC_MUST, VC_DEVICE_RULE, "1.0", SCSI_NEEDS,
	  "SCSI-REQ-DEV-4 SCSI-REQ-DEV-3", "Commands outstanding when the driver resets the device are completed "
	  "before the reset is: aborted (ABORTED, RESET) or with FAILURE.", NULL, outstanding_at_reset, 0, 3 },
};
VC_DEVICE_SUITE(suite_scsi_requests, clauses, VIRTIO_ID_SCSI);
