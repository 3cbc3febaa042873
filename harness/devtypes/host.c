/* Host-side actions: their names and what they do (vc/devtypes/host.h). */
#include <string.h>
#include "vc/devtypes/host.h"

static const struct {
	const char *what, *doing;
} actions[] = {
	{ VC_HOST_PMEM_REGION, "tell where the memory behind the device is" },
	{ VC_HOST_INPUT_SEND, "inject input events" },
	{ VC_HOST_CONSOLE_READ, "read what a console port wrote" },
	{ VC_HOST_CONSOLE_PORTS, "list the console ports" },
	{ VC_HOST_CONSOLE_UNPLUG, "unplug a console port" },
	{ VC_HOST_CONSOLE_PLUG, "plug a console port" },
	{ VC_HOST_BALLOON_STATS, "read the statistics the balloon received" },
	{ VC_HOST_BALLOON_HINT_START, "start free page hinting (a migration)" },
	{ VC_HOST_BALLOON_HINT_END, "end free page hinting" },
	{ VC_HOST_SCSI_PLUG, "plug a SCSI disk" },
	{ VC_HOST_SCSI_UNPLUG, "unplug a SCSI disk" },
	{ VC_HOST_SCSI_MEDIUM, "change a CD's medium" },
	{ VC_HOST_GPU_PIXEL, "read the host's view of the display" },
	{ VC_HOST_VSOCK_LISTEN, "listen on a vsock port" },
	{ VC_HOST_VSOCK_SEND, "send on a vsock connection" },
	{ VC_HOST_SYSTEM_RESET, "reset the system" },
	{ VC_HOST_SUSPEND_RESUME, "suspend the system and wake it up" },
	{ VC_HOST_IOMMU_ENDPOINTS, "name the endpoints behind the IOMMU" },
	{ VC_HOST_IOMMU_ABSENT, "name an endpoint ID no device has" },
	{ VC_HOST_ENDPOINT_DMA, "make an endpoint do DMA" },
	{ VC_HOST_MEM_READ, "read the memory the device provides" },
	{ VC_HOST_MEM_WRITE, "write the memory the device provides" },
};

const char *vc_host_action_doing(const char *what)
{
	for (unsigned i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(actions[i].what, what))
			return actions[i].doing;
	return what;
}
