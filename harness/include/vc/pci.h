/* PCI configuration space: the capability list, pure functions over a snapshot. */
#ifndef VC_PCI_H
#define VC_PCI_H

#include <stdint.h>
#include <stdbool.h>

#define PCI_CFG_SPACE 256
#define PCI_EXT_CFG_SPACE 4096
#define VC_MAX_CAPS 48          /* (256 - 64) / 4: more means a loop */
#define VC_MAX_EXT_CAPS 960     /* (4096 - 256) / 4 */

#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_ID_VNDR 0x09
#define PCI_EXT_CAP_ID_SRIOV 0x0010

enum vc_caplist_error {
	VC_CAPLIST_OK = 0,
	VC_CAPLIST_NONE,          /* Status.Capabilities List is clear */
	VC_CAPLIST_PTR_LOW,       /* a pointer into the standard header (< 0x40) */
	VC_CAPLIST_PTR_UNALIGNED, /* a pointer with its low two bits set */
	VC_CAPLIST_PTR_BEYOND,    /* a pointer past what could be read */
	VC_CAPLIST_LOOP,          /* a pointer back to a capability already seen */
};

struct vc_cap {
	uint16_t pos;
	uint16_t id;
};

struct vc_caplist {
	struct vc_cap cap[VC_MAX_CAPS];
	unsigned n;
	enum vc_caplist_error error;
	uint16_t bad_from;        /* where the offending pointer lives */
	uint16_t bad_ptr;         /* its value */
};

struct vc_ext_caplist {
	struct vc_cap cap[64];
	unsigned n;
	enum vc_caplist_error error;
	uint16_t bad_from, bad_ptr;
};

/* Walk the standard capability list of cfg (cfg_len readable bytes). Never
 * reads outside cfg, never loops: stops at the first bad pointer. */
void vc_pci_walk_caps(const uint8_t *cfg, unsigned cfg_len, struct vc_caplist *out);
/* Walk the extended capability list (needs cfg_len 4096). */
void vc_pci_walk_ext_caps(const uint8_t *cfg, unsigned cfg_len, struct vc_ext_caplist *out);
const char *vc_caplist_error_str(enum vc_caplist_error e);

static inline uint16_t vc_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t vc_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
