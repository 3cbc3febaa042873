/* libpci glue shared by the sysfs backend and `virtio-conform devices`:
 * read-only access through Linux sysfs, with libpci's fatal errors turned
 * into error returns instead of exit(). Private to the harness. */
#ifndef VC_LIBPCI_H
#define VC_LIBPCI_H

#include <stddef.h>
#include <pci/pci.h>

/* pci_alloc + pci_init (Linux sysfs, not writeable) + pci_scan_bus.
 * Returns NULL with a one-line message in err when libpci cannot start. */
struct pci_access *vc_libpci_scan(char *err, size_t errlen);
/* The device with this address, or NULL. */
struct pci_dev *vc_libpci_find(struct pci_access *a, int domain, int bus, int dev, int func);
/* "Red Hat, Inc. Virtio 1.0 block device" (needs PCI_FILL_IDENT). */
void vc_libpci_name(struct pci_access *a, struct pci_dev *p, char *buf, size_t len);
/* The last warning libpci printed (we keep them off stderr). */
const char *vc_libpci_last_warning(void);

#endif
