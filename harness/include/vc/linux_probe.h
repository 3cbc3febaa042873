/* "Would Linux accept this device?": the checks Linux's virtio_pci_modern
 * driver makes when it binds (drivers/virtio/virtio_pci_modern_dev.c,
 * vp_modern_probe / vp_modern_map_capability / vp_modern_map_vq_notify, and
 * vp_finalize_features' VERSION_1 and common-length checks in
 * virtio_pci_modern.c), run beside the spec clauses. Each verdict is a note
 * on the result of the spec clause about the same structure, so a vendor
 * sees "the spec says" and "Linux would refuse to bind" side by side. */
#ifndef VC_LINUX_PROBE_H
#define VC_LINUX_PROBE_H

#include "clause.h"

#define VC_LINUX_MAX_NOTES 16

struct vc_linux_note {
	const char *clause;        /* the related spec clause's id */
	char text[256];
};

/* Linux's refusals for this device (0: it would bind). Reads queue_notify_off
 * for each queue where the backend can read BARs. */
unsigned vc_linux_probe(struct vc_device *d, const struct vc_probe *p, struct vc_linux_note *notes, unsigned max);
/* Attach them to the results: a refusal to its clause's result; a failed
 * clause Linux's probe also looks at, with no refusal of its own, gets
 * "Linux would still bind". */
void vc_linux_attach(struct vc_device *d, const struct vc_probe *p, struct vc_result *r, unsigned n);

#endif
