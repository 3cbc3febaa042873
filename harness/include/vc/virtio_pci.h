/* The virtio modern PCI transport as the harness sees it: the capabilities,
 * parsed once into a probe the suites read, and register access through them. */
#ifndef VC_VIRTIO_PCI_H
#define VC_VIRTIO_PCI_H

#include "device.h"
#include "pci.h"

#define VIRTIO_PCI_VENDOR_ID 0x1AF4

/* cfg_type values of struct virtio_pci_cap */
enum {
	VIRTIO_PCI_CAP_COMMON_CFG = 1,
	VIRTIO_PCI_CAP_NOTIFY_CFG = 2,
	VIRTIO_PCI_CAP_ISR_CFG = 3,
	VIRTIO_PCI_CAP_DEVICE_CFG = 4,
	VIRTIO_PCI_CAP_PCI_CFG = 5,
	VIRTIO_PCI_CAP_SHARED_MEMORY_CFG = 8,
	VIRTIO_PCI_CAP_VENDOR_CFG = 9,
};

/* Offsets in struct virtio_pci_common_cfg, named as the spec names the fields. */
enum vc_common_field {
	COMMON_device_feature_select = 0x00,
	COMMON_device_feature = 0x04,
	COMMON_driver_feature_select = 0x08,
	COMMON_driver_feature = 0x0c,
	COMMON_config_msix_vector = 0x10,
	COMMON_num_queues = 0x12,
	COMMON_device_status = 0x14,
	COMMON_config_generation = 0x15,
	COMMON_queue_select = 0x16,
	COMMON_queue_size = 0x18,
	COMMON_queue_msix_vector = 0x1a,
	COMMON_queue_enable = 0x1c,
	COMMON_queue_notify_off = 0x1e,
	COMMON_queue_desc = 0x20,
	COMMON_queue_driver = 0x28,
	COMMON_queue_device = 0x30,
	COMMON_queue_notif_config_data = 0x38,  /* 1.2 called it queue_notify_data */
	COMMON_queue_reset = 0x3a,
	COMMON_admin_queue_index = 0x3c,
	COMMON_admin_queue_num = 0x3e,
	COMMON_CFG_SIZE_BASE = 0x38,            /* 56 bytes: virtio 1.0 layout */
};

/* Device-independent feature bits (virtio 1.4, "Reserved Feature Bits"). */
enum {
	VIRTIO_F_NOTIFY_ON_EMPTY = 24,
	VIRTIO_F_ANY_LAYOUT = 27,
	VIRTIO_F_INDIRECT_DESC = 28,
	VIRTIO_F_EVENT_IDX = 29,
	VIRTIO_F_VERSION_1 = 32,
	VIRTIO_F_ACCESS_PLATFORM = 33,
	VIRTIO_F_RING_PACKED = 34,
	VIRTIO_F_IN_ORDER = 35,
	VIRTIO_F_ORDER_PLATFORM = 36,
	VIRTIO_F_SR_IOV = 37,
	VIRTIO_F_NOTIFICATION_DATA = 38,
	VIRTIO_F_NOTIF_CONFIG_DATA = 39,
	VIRTIO_F_RING_RESET = 40,
	VIRTIO_F_ADMIN_VQ = 41,
	VIRTIO_F_SUSPEND = 43,
};

/* Device status bits */
enum {
	VIRTIO_STATUS_ACKNOWLEDGE = 1,
	VIRTIO_STATUS_DRIVER = 2,
	VIRTIO_STATUS_DRIVER_OK = 4,
	VIRTIO_STATUS_FEATURES_OK = 8,
	VIRTIO_STATUS_SUSPEND = 16,
	VIRTIO_STATUS_DEVICE_NEEDS_RESET = 64,
	VIRTIO_STATUS_FAILED = 128,
};

#define VC_FEATURE_WORDS 4      /* bits 0..127: everything the spec allocates */
#define VC_MAX_VCAPS 32

/* One virtio vendor-specific capability, as found in config space. */
struct vc_vcap {
	uint16_t pos;            /* where it sits in config space */
	uint8_t cap_len;
	uint8_t cfg_type;
	uint8_t bar;
	uint8_t id;
	uint64_t offset;         /* offset_hi:offset for cap64 kinds */
	uint64_t length;         /* length_hi:length for cap64 kinds */
	uint32_t notify_off_multiplier;  /* notify cap, when cap_len >= 20 */
	uint16_t vendor_id;              /* vendor data cap, when cap_len >= 6 */
	/* The January 2020 "flexible driver notification" draft: appended to the
	 * notify capability when cap_len >= 24. Only the draft profile reads them. */
	bool has_draft_notify_data;
	uint16_t notify_data;
	uint8_t notify_data_valid;
};

struct vc_probe {
	uint8_t cfg[PCI_EXT_CFG_SPACE];
	unsigned cfg_size;
	uint16_t vendor_id, device_id, subsystem_vendor_id, subsystem_id, status, command;
	uint8_t revision, header_type;
	uint32_t class_code;
	uint32_t bar_reg[VC_NUM_BARS];   /* raw BAR registers */

	struct vc_caplist caps;
	struct vc_ext_caplist ext_caps;
	struct vc_vcap vcap[VC_MAX_VCAPS];
	unsigned nvcap;
	/* First capability of each structure type the harness uses (NULL: none).
	 * The spec asks drivers to use the first one they can support. */
	const struct vc_vcap *common, *notify, *isr, *device_cfg, *pci_cfg;
	uint16_t msix_pos;               /* 0: no MSI-X capability */

	bool transitional;               /* device ID in 0x1000..0x103f */
	unsigned virtio_type;            /* virtio device ID; 0 when unknown */

	/* From the common configuration (only when BAR reads work). */
	bool have_common;
	uint32_t device_feature[VC_FEATURE_WORDS];
	uint16_t num_queues;
};

/* Read config space and walk the capabilities. Returns 0, or a negative
 * errno with a message when the device cannot be read at all. */
int vc_probe_device(struct vc_device *d, struct vc_probe *p, char *err, size_t errlen);
/* Parse a config space snapshot already in p->cfg (p->cfg_size bytes). */
void vc_probe_parse(struct vc_probe *p);
/* Read the common-config facts (features, num_queues) when BAR access allows. */
int vc_probe_common(struct vc_device *d, struct vc_probe *p);

bool vc_offers(const struct vc_probe *p, unsigned bit);
const char *vc_cfg_type_name(unsigned cfg_type);
const char *vc_virtio_type_name(unsigned type);
/* Minimum cap_len for a structure type (0: unknown type). */
unsigned vc_cap_len_min(unsigned cfg_type);

/* Register access through a capability: off is relative to the structure. */
int vc_struct_read(struct vc_device *d, const struct vc_vcap *c, uint64_t off, unsigned width, uint64_t *val);
int vc_struct_write(struct vc_device *d, const struct vc_vcap *c, uint64_t off, unsigned width, uint64_t val);
int vc_common_read(struct vc_device *d, const struct vc_probe *p, unsigned field, unsigned width, uint64_t *val);
int vc_common_write(struct vc_device *d, const struct vc_probe *p, unsigned field, unsigned width, uint64_t val);
int vc_read_device_features(struct vc_device *d, const struct vc_probe *p, uint32_t words[VC_FEATURE_WORDS]);
/* driver_feature as the device shows it, every window. */
int vc_read_driver_features(struct vc_device *d, const struct vc_probe *p, uint32_t words[VC_FEATURE_WORDS]);

#endif
