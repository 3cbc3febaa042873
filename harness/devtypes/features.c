/* The device types' feature bits by name, for messages (vc/devtypes/dev.h). */
#include <stddef.h>
#include "vc/devtypes/dev.h"

static const struct {
	unsigned type, bit;
	const char *name;
} names[] = {
	{ 27, 0, "VIRTIO_PMEM_F_SHMEM_REGION" },
};

const char *vc_devtype_feature_name(unsigned type, unsigned bit)
{
	if (bit >= 24)
		return vc_feature_name(bit);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type && names[i].bit == bit)
			return names[i].name;
	return NULL;
}
