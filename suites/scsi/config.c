/* SCSI host: the configuration's defaults (Device Types / SCSI Host Device
 * / Device configuration layout). */
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

static const struct vc_clause clauses[] = {
	{ "scsi.config.reset-defaults", L_SCSI_CFG, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "SCSI-CFG-DEV-1",
	  "A reset sets sense_size to 96 and cdb_size to 32, also after the driver changed them.", NULL,
	  reset_defaults },
};
VC_DEVICE_SUITE(suite_scsi_config, clauses, VIRTIO_ID_SCSI);
