/* The modern virtio-pci transport: parse the virtio capabilities once into a
 * probe, and reach the structures they describe. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "vc/virtio_pci.h"

/* struct virtio_pci_cap: cap_vndr, cap_next, cap_len, cfg_type, bar, id,
 * padding[2], offset, length; cap64 adds offset_hi, length_hi. */
enum { CAP_LEN = 2, CAP_CFG_TYPE = 3, CAP_BAR = 4, CAP_ID = 5, CAP_OFFSET = 8,
       CAP_LENGTH = 12, CAP_NOTIFY_MULT = 16, CAP_OFFSET_HI = 16, CAP_LENGTH_HI = 20,
       CAP_VENDOR_ID = 4, CAP_DRAFT_NOTIFY_DATA = 20, CAP_DRAFT_NOTIFY_DATA_VALID = 22 };

unsigned vc_cap_len_min(unsigned cfg_type)
{
	switch (cfg_type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
	case VIRTIO_PCI_CAP_ISR_CFG:
	case VIRTIO_PCI_CAP_DEVICE_CFG:
		return 16;                  /* struct virtio_pci_cap */
	case VIRTIO_PCI_CAP_NOTIFY_CFG:     /* + notify_off_multiplier */
	case VIRTIO_PCI_CAP_PCI_CFG:        /* + pci_cfg_data[4] */
		return 20;
	case VIRTIO_PCI_CAP_SHARED_MEMORY_CFG:
		return 24;                  /* struct virtio_pci_cap64 */
	case VIRTIO_PCI_CAP_VENDOR_CFG:
		return 6;                   /* cap_vndr..vendor_id */
	}
	return 0;
}

const char *vc_cfg_type_name(unsigned cfg_type)
{
	static const char *const names[] = {
		[VIRTIO_PCI_CAP_COMMON_CFG] = "common", [VIRTIO_PCI_CAP_NOTIFY_CFG] = "notify",
		[VIRTIO_PCI_CAP_ISR_CFG] = "isr", [VIRTIO_PCI_CAP_DEVICE_CFG] = "device",
		[VIRTIO_PCI_CAP_PCI_CFG] = "pci_cfg", [VIRTIO_PCI_CAP_SHARED_MEMORY_CFG] = "shared_memory",
		[VIRTIO_PCI_CAP_VENDOR_CFG] = "vendor_data",
	};
	return cfg_type < sizeof(names) / sizeof(names[0]) && names[cfg_type] ? names[cfg_type] : "unknown";
}

const char *vc_virtio_type_name(unsigned type)
{
	static const char *const names[] = {
		[1] = "network", [2] = "block", [3] = "console", [4] = "entropy",
		[5] = "memory balloon", [8] = "SCSI host", [9] = "9P transport",
		[16] = "GPU", [17] = "RTC", [18] = "input", [19] = "socket", [20] = "crypto",
		[23] = "IOMMU", [24] = "memory", [25] = "sound", [26] = "file system",
		[27] = "pmem", [28] = "RPMB", [32] = "SCMI", [34] = "I2C adapter", [36] = "CAN", [41] = "GPIO",
		[45] = "SPI controller", [48] = "media",
	};
	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "unknown";
}

static void parse_vcap(const uint8_t *cfg, unsigned cfg_size, uint16_t pos, struct vc_vcap *v)
{
	const uint8_t *c = cfg + pos;
	unsigned avail = cfg_size - pos;   /* bytes of this capability we can see */

	memset(v, 0, sizeof(*v));
	v->pos = pos;
	v->cap_len = avail > CAP_LEN ? c[CAP_LEN] : 0;
	v->cfg_type = avail > CAP_CFG_TYPE ? c[CAP_CFG_TYPE] : 0;
	if (v->cfg_type == VIRTIO_PCI_CAP_VENDOR_CFG) {
		if (avail >= 6)
			v->vendor_id = vc_le16(c + CAP_VENDOR_ID);
		return;
	}
	if (avail < 16)
		return;
	v->bar = c[CAP_BAR];
	v->id = c[CAP_ID];
	v->offset = vc_le32(c + CAP_OFFSET);
	v->length = vc_le32(c + CAP_LENGTH);
	/* Fields beyond the 16-byte header are read from config space whatever
	 * cap_len says: the cap-len clause judges cap_len separately. */
	if (v->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG && avail >= 20)
		v->notify_off_multiplier = vc_le32(c + CAP_NOTIFY_MULT);
	if (v->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG && v->cap_len >= 24 && avail >= 24) {
		v->has_draft_notify_data = true;
		v->notify_data = vc_le16(c + CAP_DRAFT_NOTIFY_DATA);
		v->notify_data_valid = c[CAP_DRAFT_NOTIFY_DATA_VALID];
	}
	if (v->cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG && avail >= 24) {
		v->offset |= (uint64_t)vc_le32(c + CAP_OFFSET_HI) << 32;
		v->length |= (uint64_t)vc_le32(c + CAP_LENGTH_HI) << 32;
	}
}

static const struct vc_vcap **first_slot(struct vc_probe *p, unsigned cfg_type)
{
	switch (cfg_type) {
	case VIRTIO_PCI_CAP_COMMON_CFG: return &p->common;
	case VIRTIO_PCI_CAP_NOTIFY_CFG: return &p->notify;
	case VIRTIO_PCI_CAP_ISR_CFG: return &p->isr;
	case VIRTIO_PCI_CAP_DEVICE_CFG: return &p->device_cfg;
	case VIRTIO_PCI_CAP_PCI_CFG: return &p->pci_cfg;
	}
	return NULL;
}

void vc_probe_parse(struct vc_probe *p)
{
	const uint8_t *cfg = p->cfg;

	p->vendor_id = vc_le16(cfg + 0x00);
	p->device_id = vc_le16(cfg + 0x02);
	p->command = vc_le16(cfg + 0x04);
	p->status = vc_le16(cfg + 0x06);
	p->revision = cfg[0x08];
	p->class_code = vc_le32(cfg + 0x08) >> 8;
	p->header_type = cfg[0x0e];
	for (unsigned i = 0; i < VC_NUM_BARS; i++)
		p->bar_reg[i] = vc_le32(cfg + 0x10 + 4 * i);
	p->subsystem_vendor_id = vc_le16(cfg + 0x2c);
	p->subsystem_id = vc_le16(cfg + 0x2e);

	p->transitional = p->device_id >= 0x1000 && p->device_id <= 0x103f;
	if (p->device_id >= 0x1041 && p->device_id <= 0x107f)
		p->virtio_type = p->device_id - 0x1040u;
	else if (p->transitional)
		p->virtio_type = p->subsystem_id;   /* the legacy rule: subsystem ID = type */

	vc_pci_walk_caps(cfg, p->cfg_size, &p->caps);
	vc_pci_walk_ext_caps(cfg, p->cfg_size, &p->ext_caps);
	p->nvcap = 0;
	p->common = p->notify = p->isr = p->device_cfg = p->pci_cfg = NULL;
	p->msix_pos = 0;
	for (unsigned i = 0; i < p->caps.n; i++) {
		const struct vc_cap *cap = &p->caps.cap[i];

		if (cap->id == PCI_CAP_ID_MSIX && !p->msix_pos)
			p->msix_pos = cap->pos;
		if (cap->id != PCI_CAP_ID_VNDR || p->nvcap == VC_MAX_VCAPS)
			continue;
		struct vc_vcap *v = &p->vcap[p->nvcap++];
		parse_vcap(cfg, p->cfg_size, cap->pos, v);
		/* Unknown cfg_type and reserved bar values are ignored, as the
		 * driver rules of "Virtio Structure PCI Capabilities" require. */
		const struct vc_vcap **slot = first_slot(p, v->cfg_type);
		if (slot && !*slot && v->bar < VC_NUM_BARS)
			*slot = v;
	}
}

int vc_probe_device(struct vc_device *d, struct vc_probe *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	static struct vc_access a[PCI_EXT_CFG_SPACE / 4];     /* one batch: no read depends on another */

	p->cfg_size = d->cfg_size > PCI_EXT_CFG_SPACE ? PCI_EXT_CFG_SPACE : d->cfg_size;
	for (unsigned off = 0; off < p->cfg_size; off += 4)
		a[off / 4] = (struct vc_access){ .width = 4, .off = off, .cfg = true };
	if (vc_batch(d, a, p->cfg_size / 4)) {
		/* read again one by one to say where it fails */
		for (unsigned off = 0; off < p->cfg_size; off += 4) {
			uint32_t v;
			int rc = vc_cfg_read(d, (uint16_t)off, 4, &v);
			if (rc) {
				snprintf(err, errlen, "cannot read config space of %s at 0x%x: %s",
					 d->spec, off, strerror(-rc));
				return rc;
			}
			a[off / 4].val = v;
		}
	}
	for (unsigned off = 0; off < p->cfg_size; off += 4) {
		uint32_t v = (uint32_t)a[off / 4].val;
		memcpy(p->cfg + off, &(uint8_t[4]){ v, v >> 8, v >> 16, v >> 24 }, 4);
	}
	vc_probe_parse(p);
	if (p->vendor_id == 0xffff || p->vendor_id == 0x0000) {
		snprintf(err, errlen, "no device answers at %s (vendor ID 0x%04x)", d->spec, p->vendor_id);
		return -ENODEV;
	}
	if (p->vendor_id != VIRTIO_PCI_VENDOR_ID && p->nvcap == 0) {
		snprintf(err, errlen, "%s is not a virtio device: vendor 0x%04x device 0x%04x and no "
			 "virtio capabilities; see `virtio-conform devices`",
			 d->spec, p->vendor_id, p->device_id);
		return -ENODEV;
	}
	vc_probe_common(d, p);
	return 0;
}

int vc_probe_common(struct vc_device *d, struct vc_probe *p)
{
	uint64_t nq;
	int rc;

	p->have_common = false;
	if (!p->common || !vc_has(d, VC_BAR_READ | VC_BAR_WRITE))
		return -ENOTSUP;
	if ((rc = vc_read_device_features(d, p, p->device_feature)))
		return rc;
	if ((rc = vc_common_read(d, p, COMMON_num_queues, 2, &nq)))
		return rc;
	p->num_queues = (uint16_t)nq;
	p->have_common = true;
	return 0;
}

bool vc_offers(const struct vc_probe *p, unsigned bit)
{
	return p->have_common && bit < 32 * VC_FEATURE_WORDS &&
	       (p->device_feature[bit / 32] >> (bit % 32)) & 1;
}

int vc_struct_read(struct vc_device *d, const struct vc_vcap *c, uint64_t off, unsigned width, uint64_t *val)
{
	return vc_bar_read(d, c->bar, c->offset + off, width, val);
}

int vc_struct_write(struct vc_device *d, const struct vc_vcap *c, uint64_t off, unsigned width, uint64_t val)
{
	return vc_bar_write(d, c->bar, c->offset + off, width, val);
}

int vc_common_read(struct vc_device *d, const struct vc_probe *p, unsigned field, unsigned width, uint64_t *val)
{
	if (!p->common)
		return -ENOENT;
	return vc_struct_read(d, p->common, field, width, val);
}

int vc_common_write(struct vc_device *d, const struct vc_probe *p, unsigned field, unsigned width, uint64_t val)
{
	if (!p->common)
		return -ENOENT;
	return vc_struct_write(d, p->common, field, width, val);
}

/* A feature window pair (select, then the 32 bits it shows) per word, in one
 * batch: a write and the read after it are in order, and no access needs a
 * value read before it. */
static int read_feature_words(struct vc_device *d, const struct vc_probe *p, unsigned select, unsigned field,
			      uint32_t words[VC_FEATURE_WORDS])
{
	const struct vc_vcap *c = p->common;
	struct vc_access a[2 * VC_FEATURE_WORDS];
	int rc;

	if (!c)
		return -ENOENT;
	for (unsigned w = 0; w < VC_FEATURE_WORDS; w++) {
		a[2 * w] = (struct vc_access){ c->bar, 4, c->offset + select, w, true };
		a[2 * w + 1] = (struct vc_access){ c->bar, 4, c->offset + field, 0, false };
	}
	if ((rc = vc_batch(d, a, 2 * VC_FEATURE_WORDS)))
		return rc;
	for (unsigned w = 0; w < VC_FEATURE_WORDS; w++)
		words[w] = (uint32_t)a[2 * w + 1].val;
	return 0;
}

int vc_read_device_features(struct vc_device *d, const struct vc_probe *p, uint32_t words[VC_FEATURE_WORDS])
{
	return read_feature_words(d, p, COMMON_device_feature_select, COMMON_device_feature, words);
}

int vc_read_driver_features(struct vc_device *d, const struct vc_probe *p, uint32_t words[VC_FEATURE_WORDS])
{
	return read_feature_words(d, p, COMMON_driver_feature_select, COMMON_driver_feature, words);
}
