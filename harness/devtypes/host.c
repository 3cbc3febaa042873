/* Host-side actions: their names and what they do (vc/devtypes/host.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
	{ VC_HOST_VSOCK_RECV, "read what a vsock connection brought" },
	{ VC_HOST_SYSTEM_RESET, "reset the system" },
	{ VC_HOST_SUSPEND_RESUME, "suspend the system and wake it up" },
	{ VC_HOST_IOMMU_ENDPOINTS, "name the endpoints behind the IOMMU" },
	{ VC_HOST_IOMMU_ABSENT, "name an endpoint ID no device has" },
	{ VC_HOST_ENDPOINT_DMA, "make an endpoint do DMA" },
	{ VC_HOST_MEM_READ, "read the memory the device provides" },
	{ VC_HOST_MEM_WRITE, "write the memory the device provides" },
	{ VC_HOST_NET_ANNOUNCE, "make the device announce itself" },
	{ VC_HOST_FS_NOTIFY, "make the file system send a notify message" },
	{ VC_HOST_FS_HOLD_OPEN, "hold a shared file so that opening it waits" },
	{ VC_HOST_FS_RELEASE_OPEN, "let a held file's open go on" },
	{ VC_HOST_GPIO_INPUT, "drive the signal on a GPIO input line" },
	{ VC_HOST_SOUND_PLAYED, "tell what the host heard from a sound device" },
	{ VC_HOST_SOUND_CAPTURE, "set the signal a sound device captures" },
	{ VC_HOST_SOUND_CTL_CHANGE, "change a sound device's control element on the host" },
	{ VC_HOST_I2C_TARGETS, "name the I2C targets behind the adapter" },
	{ VC_HOST_SCMI_SENSOR, "set an SCMI sensor's reading" },
	{ VC_HOST_CAN_SEND, "make a node on the CAN bus send a frame" },
	{ VC_HOST_CAN_RECV, "read the frames a node on the CAN bus received" },
	{ VC_HOST_CAN_PARTNER, "take a node off the CAN bus and back" },
	{ VC_HOST_CAN_BUS_OFF, "make the CAN controller detect bus-off" },
	{ VC_HOST_MEDIA_SESSION_ERROR, "make a media session meet an unrecoverable error" },
	{ VC_HOST_RTC_LEAP, "move the host's time across a leap second" },
};

const char *vc_host_action_doing(const char *what)
{
	for (unsigned i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(actions[i].what, what))
			return actions[i].doing;
	return what;
}

static bool address(const char *w, uint64_t *v)
{
	char *end;

	*v = UINT64_MAX;
	if (!strcmp(w, "-"))
		return true;
	*v = strtoull(w, &end, 16);
	return *w && !*end;
}

int vc_host_dma_arg(const char *arg, unsigned *ep, uint64_t *from, uint64_t *to, uint32_t *len)
{
	char w[4][24], *end;

	if (sscanf(arg, "%23s %23s %23s %23s", w[0], w[1], w[2], w[3]) != 4 || !address(w[1], from) ||
	    !address(w[2], to))
		return -EINVAL;
	*ep = (unsigned)strtoul(w[0], &end, 10);
	*len = (uint32_t)strtoul(w[3], NULL, 16);
	return *end ? -EINVAL : (int)*len;
}

int vc_host_mem_arg(const char *arg, bool write, uint64_t *gpa, uint8_t *b, size_t max)
{
	char *end;
	size_t len = 0;

	*gpa = strtoull(arg, &end, 16);
	if (end == arg || *end != ' ')
		return -EINVAL;
	if (!write) {
		len = strtoull(end + 1, NULL, 16);
		return len && len <= max ? (int)len : -EINVAL;
	}
	for (const char *h = end + 1; h[0] && h[1]; h += 2) {
		char byte[3] = { h[0], h[1], 0 };
		if (len == max)
			return -EINVAL;
		b[len++] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return len ? (int)len : -EINVAL;
}

void vc_host_hex(const uint8_t *b, size_t n, char *out, size_t outlen)
{
	if (outlen)
		out[0] = 0;
	for (size_t i = 0; i < n && 2 * i + 3 <= outlen; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}
