/* Capability-list walking over a config space snapshot. Pure functions: the
 * walker never reads past the snapshot and stops at the first bad pointer,
 * so a malformed or hostile list can neither crash nor hang it. */
#include "vc/pci.h"

#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_STD_HEADER_END 0x40

const char *vc_caplist_error_str(enum vc_caplist_error e)
{
	switch (e) {
	case VC_CAPLIST_OK: return "well formed";
	case VC_CAPLIST_NONE: return "Status.Capabilities List is clear";
	case VC_CAPLIST_PTR_LOW: return "pointer into the standard header (below 0x40)";
	case VC_CAPLIST_PTR_UNALIGNED: return "pointer not dword aligned";
	case VC_CAPLIST_PTR_BEYOND: return "pointer beyond the readable config space";
	case VC_CAPLIST_LOOP: return "pointer back to a capability already seen (loop)";
	}
	return "?";
}

static void set_error(enum vc_caplist_error *err, uint16_t *from, uint16_t *ptr,
		      enum vc_caplist_error e, uint16_t f, uint16_t p)
{
	*err = e;
	*from = f;
	*ptr = p;
}

void vc_pci_walk_caps(const uint8_t *cfg, unsigned cfg_len, struct vc_caplist *out)
{
	uint8_t seen[PCI_CFG_SPACE / 8] = { 0 };
	uint16_t from = PCI_CAPABILITY_LIST;

	out->n = 0;
	out->error = VC_CAPLIST_OK;
	out->bad_from = out->bad_ptr = 0;
	if (cfg_len < PCI_STD_HEADER_END || !(vc_le16(cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
		out->error = VC_CAPLIST_NONE;
		return;
	}
	for (uint16_t ptr = cfg[PCI_CAPABILITY_LIST]; ptr; ptr = cfg[ptr + 1]) {
		enum vc_caplist_error e = VC_CAPLIST_OK;

		if (ptr < PCI_STD_HEADER_END)
			e = VC_CAPLIST_PTR_LOW;
		else if (ptr & 3)
			e = VC_CAPLIST_PTR_UNALIGNED;
		else if (ptr + 2u > cfg_len || ptr + 2u > PCI_CFG_SPACE)
			e = VC_CAPLIST_PTR_BEYOND;
		else if (seen[ptr / 8] & (1u << (ptr % 8)))
			e = VC_CAPLIST_LOOP;
		else if (out->n == VC_MAX_CAPS)
			e = VC_CAPLIST_LOOP;   /* more capabilities than fit: must be a cycle */
		if (e != VC_CAPLIST_OK) {
			set_error(&out->error, &out->bad_from, &out->bad_ptr, e, from, ptr);
			return;
		}
		seen[ptr / 8] |= (uint8_t)(1u << (ptr % 8));
		out->cap[out->n].pos = ptr;
		out->cap[out->n].id = cfg[ptr];
		out->n++;
		from = (uint16_t)(ptr + 1);
	}
}

/* Extended capabilities: a 32-bit header at 0x100: id[15:0], version[19:16],
 * next[31:20]. An all-zero or all-ones header at 0x100 means none. */
void vc_pci_walk_ext_caps(const uint8_t *cfg, unsigned cfg_len, struct vc_ext_caplist *out)
{
	uint8_t seen[PCI_EXT_CFG_SPACE / 32] = { 0 };
	uint16_t from = 0, ptr = PCI_CFG_SPACE;
	const unsigned max = sizeof(out->cap) / sizeof(out->cap[0]);

	out->n = 0;
	out->error = VC_CAPLIST_OK;
	out->bad_from = out->bad_ptr = 0;
	if (cfg_len < PCI_EXT_CFG_SPACE) {
		out->error = VC_CAPLIST_NONE;
		return;
	}
	while (ptr) {
		enum vc_caplist_error e = VC_CAPLIST_OK;
		uint32_t hdr;

		if (ptr < PCI_CFG_SPACE)
			e = VC_CAPLIST_PTR_LOW;
		else if (ptr & 3)
			e = VC_CAPLIST_PTR_UNALIGNED;
		else if (ptr + 4u > PCI_EXT_CFG_SPACE)
			e = VC_CAPLIST_PTR_BEYOND;
		else if ((seen[ptr / 32] & (1u << (ptr / 4 % 8))) || out->n == max)
			e = VC_CAPLIST_LOOP;
		if (e != VC_CAPLIST_OK) {
			set_error(&out->error, &out->bad_from, &out->bad_ptr, e, from, ptr);
			return;
		}
		seen[ptr / 32] |= (uint8_t)(1u << (ptr / 4 % 8));
		hdr = vc_le32(cfg + ptr);
		if (hdr == 0 || hdr == 0xffffffffu)
			return;
		out->cap[out->n].pos = ptr;
		out->cap[out->n].id = (uint16_t)(hdr & 0xffff);
		out->n++;
		from = ptr;
		ptr = (uint16_t)(hdr >> 20);
	}
}
