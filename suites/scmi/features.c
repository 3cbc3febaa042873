/* SCMI device: the feature bits a device that can send notifications or
 * delayed responses, or has statistics shared memory regions, offers
 * (Device Types / SCMI Device / Feature bits). */
#include <stdio.h>
#include <string.h>
#include "scmi.h"

/* Without P2A_CHANNELS offered, the platform shows nothing that would send
 * a P2A message: no notification command implemented, no sensor read
 * asynchronously (a delayed response). */
static void p2a_offered(struct vc_ctx *c)
{
	struct scmi_sensor s[SCMI_SENSORS_MAX];
	char found[256];
	struct vc_dev d;
	int n, ns, async = 0;

	if (vc_offers(c->probe, VIRTIO_SCMI_F_P2A_CHANNELS)) {
		vc_note(c, "VIRTIO_SCMI_F_P2A_CHANNELS is offered");
		return;
	}
	if (!scmi_open(c, &d, 0, 0) || (n = scmi_notify_commands(c, &d, found, sizeof(found))) < 0 ||
	    (ns = scmi_sensors(c, &d, s)) < 0)
		return;
	for (int i = 0; i < ns; i++)
		async += !!(s[i].attributes_low & SCMI_SENSOR_ASYNC_READ_SUPPORT);
	if (n || async) {
		vc_fail(c, "the device can send notifications or delayed responses but does not offer "
			   "VIRTIO_SCMI_F_P2A_CHANNELS");
		vc_observed(c, "implemented: %s; %d sensor(s) read asynchronously", n ? found : "no notification command",
			    async);
		vc_expected(c, "VIRTIO_SCMI_F_P2A_CHANNELS offered");
	}
}

/* Without SHARED_MEMORY offered, no shared memory region with a
 * statistics region's shmid. */
static void shared_memory_offered(struct vc_ctx *c)
{
	char ids[128] = "";
	unsigned n = 0;

	if (vc_offers(c->probe, VIRTIO_SCMI_F_SHARED_MEMORY)) {
		vc_note(c, "VIRTIO_SCMI_F_SHARED_MEMORY is offered");
		return;
	}
	for (unsigned i = 0; i < c->probe->nvcap; i++) {
		const struct vc_vcap *v = &c->probe->vcap[i];
		if (v->cfg_type != VIRTIO_PCI_CAP_SHARED_MEMORY_CFG || !scmi_statistics_shmid(v->id))
			continue;
		size_t at = strlen(ids);
		snprintf(ids + at, sizeof(ids) - at, "%s%u", n++ ? ", " : "", v->id);
	}
	if (n) {
		vc_fail(c, "the device has statistics shared memory regions but does not offer VIRTIO_SCMI_F_SHARED_MEMORY");
		vc_observed(c, "shared memory regions with shmid %s", ids);
		vc_expected(c, "VIRTIO_SCMI_F_SHARED_MEMORY offered");
	}
}

static const struct vc_clause clauses[] = {
	{ "scmi.features.p2a-offered", L_SCMI_FEAT, VC_MUST, VC_DEVICE_RULE, "1.2", SCMI_NEEDS, "SCMI-FEAT-DEV-1",
	  "A device that does not offer P2A_CHANNELS implements no notification command (PROTOCOL_MESSAGE_ATTRIBUTES) "
	  "and reads no sensor asynchronously.", NULL, p2a_offered, 0, 0, NULL,
	  SCMI_SIM },
	{ "scmi.features.shared-memory-offered", L_SCMI_FEAT, VC_MUST, VC_DEVICE_RULE, "1.2", 0, "SCMI-FEAT-DEV-2",
	  "A device that does not offer SHARED_MEMORY has no shared memory region with a statistics region's shmid.",
	  NULL, shared_memory_offered, 0, 0, NULL, "sim:type=32,shm" },
};
VC_DEVICE_SUITE(suite_scmi_features, clauses, VIRTIO_ID_SCMI);
