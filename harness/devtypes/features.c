/* What every driver of a device type does or knows whatever it checks
 * (vc/devtypes/dev.h): the type's feature bits by name, for messages, the
 * bits it must accept, the configuration it may read, the queue it fills. */
#include <errno.h>
#include <stddef.h>
#include "vc/devtypes/can.h"
#include "vc/devtypes/dev.h"
#include "vc/devtypes/sound.h"

static const struct {
	unsigned type, bit;
	const char *name;
} names[] = {
	{ 27, 0, "VIRTIO_PMEM_F_SHMEM_REGION" },
	{ 3, 0, "VIRTIO_CONSOLE_F_SIZE" }, { 3, 1, "VIRTIO_CONSOLE_F_MULTIPORT" }, { 3, 2, "VIRTIO_CONSOLE_F_EMERG_WRITE" },
	{ 5, 0, "VIRTIO_BALLOON_F_MUST_TELL_HOST" }, { 5, 1, "VIRTIO_BALLOON_F_STATS_VQ" },
	{ 5, 2, "VIRTIO_BALLOON_F_DEFLATE_ON_OOM" }, { 5, 3, "VIRTIO_BALLOON_F_FREE_PAGE_HINT" },
	{ 5, 4, "VIRTIO_BALLOON_F_PAGE_POISON" }, { 5, 5, "VIRTIO_BALLOON_F_PAGE_REPORTING" },
	{ 8, 0, "VIRTIO_SCSI_F_INOUT" }, { 8, 1, "VIRTIO_SCSI_F_HOTPLUG" }, { 8, 2, "VIRTIO_SCSI_F_CHANGE" },
	{ 8, 3, "VIRTIO_SCSI_F_T10_PI" },
	{ 16, 0, "VIRTIO_GPU_F_VIRGL" }, { 16, 1, "VIRTIO_GPU_F_EDID" }, { 16, 2, "VIRTIO_GPU_F_RESOURCE_UUID" },
	{ 16, 3, "VIRTIO_GPU_F_RESOURCE_BLOB" }, { 16, 4, "VIRTIO_GPU_F_CONTEXT_INIT" },
	{ 19, 0, "VIRTIO_VSOCK_F_STREAM" }, { 19, 1, "VIRTIO_VSOCK_F_SEQPACKET" },
	{ 19, 2, "VIRTIO_VSOCK_F_NO_IMPLIED_STREAM" },
	{ 23, 0, "VIRTIO_IOMMU_F_INPUT_RANGE" }, { 23, 1, "VIRTIO_IOMMU_F_DOMAIN_RANGE" }, { 23, 2, "VIRTIO_IOMMU_F_MAP_UNMAP" },
	{ 23, 3, "VIRTIO_IOMMU_F_BYPASS" }, { 23, 4, "VIRTIO_IOMMU_F_PROBE" }, { 23, 5, "VIRTIO_IOMMU_F_MMIO" },
	{ 23, 6, "VIRTIO_IOMMU_F_BYPASS_CONFIG" },
	{ 24, 0, "VIRTIO_MEM_F_ACPI_PXM" }, { 24, 1, "VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE" },
	{ 24, 2, "VIRTIO_MEM_F_PERSISTENT_SUSPEND" },
	{ 2, 1, "VIRTIO_BLK_F_SIZE_MAX" }, { 2, 2, "VIRTIO_BLK_F_SEG_MAX" }, { 2, 4, "VIRTIO_BLK_F_GEOMETRY" },
	{ 2, 5, "VIRTIO_BLK_F_RO" }, { 2, 6, "VIRTIO_BLK_F_BLK_SIZE" }, { 2, 9, "VIRTIO_BLK_F_FLUSH" },
	{ 2, 10, "VIRTIO_BLK_F_TOPOLOGY" }, { 2, 11, "VIRTIO_BLK_F_CONFIG_WCE" }, { 2, 12, "VIRTIO_BLK_F_MQ" },
	{ 2, 13, "VIRTIO_BLK_F_DISCARD" }, { 2, 14, "VIRTIO_BLK_F_WRITE_ZEROES" }, { 2, 15, "VIRTIO_BLK_F_LIFETIME" },
	{ 2, 16, "VIRTIO_BLK_F_SECURE_ERASE" }, { 2, 17, "VIRTIO_BLK_F_ZONED" },
	{ 20, 0, "VIRTIO_CRYPTO_F_REVISION_1" }, { 20, 1, "VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE" },
	{ 20, 2, "VIRTIO_CRYPTO_F_HASH_STATELESS_MODE" }, { 20, 3, "VIRTIO_CRYPTO_F_MAC_STATELESS_MODE" },
	{ 20, 4, "VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE" }, { 20, 5, "VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE" },
	{ 26, 0, "VIRTIO_FS_F_NOTIFICATION" },
	{ 17, 0, "VIRTIO_RTC_F_ALARM" },
	{ 41, 0, "VIRTIO_GPIO_F_IRQ" },
	{ 25, 0, "VIRTIO_SND_F_CTLS" },
	{ 34, 0, "VIRTIO_I2C_F_ZERO_LENGTH_REQUEST" },
	{ 32, 0, "VIRTIO_SCMI_F_P2A_CHANNELS" }, { 32, 1, "VIRTIO_SCMI_F_SHARED_MEMORY" },
	{ 36, 0, "VIRTIO_CAN_F_CAN_CLASSIC" },
	{ 36, 1, "VIRTIO_CAN_F_CAN_FD" },
	{ 36, 2, "VIRTIO_CAN_F_RTR_FRAMES" },
	{ 36, 3, "VIRTIO_CAN_F_LATE_TX_ACK" },
};

void vc_devtype_must_accept(const struct vc_probe *p, uint32_t *bits)
{
	if (p->virtio_type == 34 && vc_offers(p, 0))     /* VIRTIO_I2C_F_ZERO_LENGTH_REQUEST: I2C-OP-DRV-1 */
		vc_features_set(bits, 0);
	/* a CAN driver negotiates CAN_CLASSIC or CAN_FD ("Feature bit requirements") */
	if (p->virtio_type == 36 && !(bits[0] & 3u))
		vc_features_set(bits, vc_offers(p, 0) || !vc_offers(p, 1) ? 0 : 1);
}

/* The queue each type's driver fills at initialization, and the size of
 * one of its buffers. */
static const struct {
	unsigned type;
	uint16_t queue;
	uint32_t len;
} init_fill[] = {
	{ 36, VIRTIO_CAN_RXQ, VC_CAN_RX_BUF },             /* at least virtio_can_rx */
	{ 25, VIRTIO_SND_EVENTQ, 8 },                      /* at least virtio_snd_event */
};
#define INIT_FILL_BUFFERS 4

int vc_devtype_init_fill(struct vc_driver *drv)
{
	for (size_t i = 0; i < sizeof(init_fill) / sizeof(init_fill[0]); i++) {
		uint16_t q = init_fill[i].queue, id;
		uint64_t selected;
		struct vc_vq vq;
		int rc;
		if (init_fill[i].type != drv->p->virtio_type || (drv->enabled >> q) & 1)
			continue;
		if ((rc = vc_common_read(drv->dev, drv->p, COMMON_queue_select, 2, &selected)))
			return rc;
		/* no such queue (size 0): nothing a driver can fill */
		if ((rc = vc_vq_setup(drv, q, 0, &vq)) != -ENOENT) {
			if (rc || (rc = vc_vq_enable(drv, &vq)))
				return rc;
			for (unsigned n = 0; n < INIT_FILL_BUFFERS && n < vq.size; n++) {
				struct vc_buf b = { .len = init_fill[i].len, .writable = true };
				if ((rc = vc_dma_alloc(drv->dev, b.len, 16, &b.addr)) ||
				    (rc = vc_vq_add(drv, &vq, &b, 1, &id)))
					return rc;
			}
		}
		if ((rc = vc_common_write(drv->dev, drv->p, COMMON_queue_select, 2, selected)))
			return rc;
	}
	return 0;
}

/* The spec's structure for each type, every field of every feature: bytes
 * past it are no field of any driver's (a device may map more). Sound's is
 * the rule above it; types with no structure keep the capability's length. */
static const struct { uint8_t type; uint8_t size; } cfg_size[] = {
	{ 1, 28 },   /* net */        { 2, 96 },   /* block */     { 3, 12 },  /* console */
	{ 5, 16 },   /* balloon */    { 8, 36 },   /* SCSI */      { 16, 20 }, /* GPU */
	{ 18, 136 }, /* input */      { 19, 8 },   /* vsock */     { 20, 56 }, /* crypto */
	{ 23, 40 },  /* IOMMU */      { 24, 56 },  /* memory */    { 26, 44 }, /* file system */
	{ 27, 16 },  /* pmem */       { 28, 3 },   /* RPMB */      { 36, 2 },  /* CAN */
	{ 41, 8 },   /* GPIO */       { 45, 32 },  /* SPI */       { 48, 40 }, /* media */
};

unsigned vc_devtype_cfg_readable(const struct vc_probe *p, unsigned len)
{
	if (p->virtio_type == 25 && len > 12)          /* sound: jacks, streams, chmaps; controls with CTLS */
		return 12;
	for (size_t i = 0; i < sizeof(cfg_size) / sizeof(cfg_size[0]); i++)
		if (cfg_size[i].type == p->virtio_type && len > cfg_size[i].size)
			return cfg_size[i].size;
	return len;
}

const char *vc_devtype_feature_name(unsigned type, unsigned bit)
{
	if (bit >= 24)
		return vc_feature_name(bit);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type && names[i].bit == bit)
			return names[i].name;
	return NULL;
}
