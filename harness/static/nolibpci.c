/* Stand-ins for a build without libpci (-DVC_NO_LIBPCI=ON): Debian ships no
 * static libpci, and the static harness in the VFIO test guest needs neither
 * the sysfs: backend nor the `devices` listing. They say so instead. */
#include <errno.h>
#include <stdio.h>
#include "vc/device.h"

static int nolibpci_open(const char *arg, struct vc_device **out, char *err, size_t errlen)
{
	(void)arg;
	*out = NULL;
	snprintf(err, errlen, "sysfs: this virtio-conform was built without libpci (VC_NO_LIBPCI)");
	return -ENOTSUP;
}

const struct vc_backend vc_backend_sysfs = { "sysfs", "sysfs:BDF", nolibpci_open,
	"not in this build (it has no libpci): a device on this machine, read-only" };

int vc_devices_list(FILE *out, bool json)
{
	(void)out;
	(void)json;
	fprintf(stderr, "virtio-conform: devices: built without libpci (VC_NO_LIBPCI)\n");
	return -ENOTSUP;
}

void vc_pci_names(uint16_t vendor, uint16_t device, uint16_t sub_vendor, uint16_t sub_device,
		  char *name, size_t len, char *sub, size_t sublen)
{
	(void)vendor, (void)device, (void)sub_vendor, (void)sub_device, (void)len, (void)sublen;
	name[0] = sub[0] = 0;
}
