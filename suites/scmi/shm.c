/* SCMI device: the statistics shared memory regions' shmids (Device Types
 * / SCMI Device / Device Operation / Shared Memory Operation). */
#include "scmi.h"

/* Every shared memory region has a shmid of the table: 1 power, 2
 * performance, 3 sensor values, 0x80-0xff vendor-specific. */
static void shmid(struct vc_ctx *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->probe->nvcap; i++) {
		const struct vc_vcap *v = &c->probe->vcap[i];
		if (v->cfg_type != VIRTIO_PCI_CAP_SHARED_MEMORY_CFG)
			continue;
		n++;
		if (scmi_statistics_shmid(v->id))
			continue;
		vc_fail(c, "a shared memory region has shmid %u, which the SCMI table reserves", v->id);
		vc_observed(c, "shared memory capability at 0x%02x: shmid %u", v->pos, v->id);
		vc_expected(c, "shmid 1, 2, 3 or 0x80-0xff");
		return;
	}
	if (!n)
		vc_skip(c, "the device has no shared memory region");
}

static const struct vc_clause clauses[] = {
	{ "scmi.shm.shmid", L_SCMI_SHM, VC_MUST, VC_DEVICE_RULE, "1.2", 0, "SCMI-SHM-DEV-2",
	  "Each shared memory region has a shmid of the SCMI table: 1, 2, 3 or 0x80-0xff.", NULL, shmid, 0, 0, NULL,
	  "sim:type=32,shm" },
};
VC_DEVICE_SUITE(suite_scmi_shm, clauses, VIRTIO_ID_SCMI);
