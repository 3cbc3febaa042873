/* SCSI host: the configuration's defaults (Device Types / SCSI Host Device
 * / Device configuration layout). */
#include <string.h>
#include "scsi.h"

#define L_SCSI_CFG "Device Types / SCSI Host Device / Device configuration layout"

static bool defaults(struct vc_ctx *c, struct vc_dev *d, const char *when)
{
	uint64_t sense, cdb;

	if (!ds_cfg_read(c, d, VIRTIO_SCSI_CFG_SENSE_SIZE, 4, &sense) || !ds_cfg_read(c, d, VIRTIO_SCSI_CFG_CDB_SIZE, 4, &cdb))
		return false;
	if (sense == VIRTIO_SCSI_SENSE_DEFAULT && cdb == VIRTIO_SCSI_CDB_DEFAULT)
		return true;
	vc_fail(c, "%s sense_size and cdb_size are not the defaults", when);
	vc_observed(c, "sense_size %llu, cdb_size %llu", (unsigned long long)sense, (unsigned long long)cdb);
	vc_expected(c, "sense_size 96, cdb_size 32");
	return false;
}

/* After a reset sense_size and cdb_size read 96 and 32, also when the
 * driver had changed them (to 64 and 16) before the reset. */
static void reset_defaults(struct vc_ctx *c)
{
	struct vc_dev d;
	uint64_t sense, cdb;

	if (!ds_open(c, &d, 0, 0, 0, true) || !defaults(c, &d, "after a reset") ||
	    !ds_cfg_write(c, &d, VIRTIO_SCSI_CFG_SENSE_SIZE, 4, 64) || !ds_cfg_write(c, &d, VIRTIO_SCSI_CFG_CDB_SIZE, 4, 16) ||
	    !ds_cfg_read(c, &d, VIRTIO_SCSI_CFG_SENSE_SIZE, 4, &sense) || !ds_cfg_read(c, &d, VIRTIO_SCSI_CFG_CDB_SIZE, 4, &cdb))
		return;
	if (sense != 64 || cdb != 16)
		vc_note(c, "the driver's sense_size 64 and cdb_size 16 read back as %llu and %llu",
			(unsigned long long)sense, (unsigned long long)cdb);
	if (!ds_ok(c, vc_reset(&d.drv), "the reset failed"))
		return;
	defaults(c, &d, "after the driver wrote sense_size 64 and cdb_size 16 and reset the device,");
}

/* Not a spec rule: the request layout the spec draws takes cdb_size and
 * sense_size from the configuration, which the driver may change. Written
 * before DRIVER_OK (18 and 16: fixed-format sense, a 16-byte CDB), they
 * read back as written, and an INQUIRY laid out by them answers with the
 * data-in it gives at the default sizes, right after the 18 bytes of sense. */
#define SENSE_SMALL 18
#define CDB_SMALL 16
static void driver_sizes(struct vc_ctx *c)
{
	static const uint8_t inquiry[6] = { 0x12, 0, 0, 0, 36, 0 };
	uint8_t hdr[VIRTIO_SCSI_REQ_HDR + CDB_SMALL] = { 0 }, rsp[VIRTIO_SCSI_RESP_HDR + SENSE_SMALL], datain[36];
	struct vc_scsi_cmd cmd = scsi_simple(VC_SCSI_LUN_DISK, inquiry, sizeof(inquiry), sizeof(datain));
	struct vc_iov iov[3] = { { hdr, NULL, sizeof(hdr), false }, { NULL, rsp, sizeof(rsp), true },
				 { NULL, datain, sizeof(datain), true } };
	struct vc_scsi_resp ref;
	uint64_t sense, cdb;
	struct vc_dev d;

	if (!scsi_open(c, &d, 0, 0) || !scsi_need_lun(c, &d, VC_SCSI_LUN_DISK, "a disk") ||
	    !scsi_cmd(c, &d, &cmd, &ref, "INQUIRY at the default sizes"))
		return;
	if (!ds_open(c, &d, 0, 0, SCSI_QUEUES, true) || !ds_cfg_write(c, &d, VIRTIO_SCSI_CFG_SENSE_SIZE, 4, SENSE_SMALL) ||
	    !ds_cfg_write(c, &d, VIRTIO_SCSI_CFG_CDB_SIZE, 4, CDB_SMALL) || !ds_driver_ok(c, &d) ||
	    !ds_cfg_read(c, &d, VIRTIO_SCSI_CFG_SENSE_SIZE, 4, &sense) || !ds_cfg_read(c, &d, VIRTIO_SCSI_CFG_CDB_SIZE, 4, &cdb))
		return;
	if (sense != SENSE_SMALL || cdb != CDB_SMALL) {
		vc_fail(c, "the %s the driver wrote did not take", sense != SENSE_SMALL ? "sense_size" : "cdb_size");
		vc_observed(c, "sense_size %llu, cdb_size %llu", (unsigned long long)sense, (unsigned long long)cdb);
		vc_expected(c, "sense_size %u, cdb_size %u, as written", SENSE_SMALL, CDB_SMALL);
		return;
	}
	vc_scsi_lun(hdr, 0, VC_SCSI_LUN_DISK);
	vc_put64(hdr + 8, 0x5644);
	memcpy(hdr + VIRTIO_SCSI_REQ_HDR, inquiry, sizeof(inquiry));
	memset(rsp, 0xee, sizeof(rsp));
	memset(datain, 0xee, sizeof(datain));
	if (!ds_call(c, &d, VIRTIO_SCSI_REQUESTQ, iov, 3, NULL, "INQUIRY laid out with sense_size 18 and cdb_size 16"))
		return;
	if (rsp[11] != VIRTIO_SCSI_S_OK || rsp[10] != SAM_GOOD) {
		vc_fail(c, "an INQUIRY laid out with the driver's sense_size %u and cdb_size %u came back with response "
			   "%s, status 0x%02x", SENSE_SMALL, CDB_SMALL, vc_scsi_response_name(rsp[11]), rsp[10]);
		vc_observed(c, "response %u, status 0x%02x", rsp[11], rsp[10]);
		vc_expected(c, "OK and GOOD, as at the default sizes");
		return;
	}
	for (unsigned i = 0; i < sizeof(datain); i++)
		if (datain[i] != ref.data[i]) {
			vc_fail(c, "with sense_size %u, an INQUIRY's data-in does not start right after the %u bytes of "
				   "sense", SENSE_SMALL, SENSE_SMALL);
			vc_observed(c, "data-in byte %u is 0x%02x (first bytes %02x %02x %02x %02x)", i, datain[i],
				    datain[0], datain[1], datain[2], datain[3]);
			vc_expected(c, "0x%02x, the INQUIRY data at the default sizes (%02x %02x %02x %02x)", ref.data[i],
				    ref.data[0], ref.data[1], ref.data[2], ref.data[3]);
			return;
		}
}

static const struct vc_clause clauses[] = {
	{ "scsi.config.reset-defaults", L_SCSI_CFG, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "SCSI-CFG-DEV-1",
	  "A reset sets sense_size to 96 and cdb_size to 32, also after the driver changed them.", NULL,
	  reset_defaults },
	{ "scsi.sanity.driver-sizes", L_SCSI_SANITY, VC_MAY, VC_SANITY, "1.0", SCSI_NEEDS, "",
	  "Not a spec rule: sense_size 18 and cdb_size 16, written before DRIVER_OK, read back as written, and an "
	  "INQUIRY laid out by them gets its data-in right after the 18 bytes of sense.", NULL, driver_sizes, 0, 3 },
};
VC_DEVICE_SUITE(suite_scsi_config, clauses, VIRTIO_ID_SCSI);
