/* `virtio-conform devices`: the virtio-pci devices on this host, their
 * driver, and which backends may reach them. Reads only: libpci's scan of
 * /sys/bus/pci and two symlinks per device. Never touches a device. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vc/device.h"
#include "backends/vc_libpci.h"

struct host_dev {
	int domain, bus, dev, func;
	unsigned vendor, device;
	char bdf[32];
	char name[160];
	char driver[64];        /* "" when unbound */
	char iommu_group[32];   /* "" when none */
};

/* The last component of a sysfs symlink, or "" when there is none. */
static void link_base(const char *bdf, const char *what, char *out, size_t outlen)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	out[0] = 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, what);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = 0;
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	size_t l = strlen(base);
	if (l >= outlen)
		l = outlen - 1;   /* driver and group names are short; never overflow */
	memcpy(out, base, l);
	out[l] = 0;
}

static int by_address(const void *x, const void *y)
{
	const struct host_dev *a = x, *b = y;

	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	return a->func - b->func;
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* sysfs reads config space of any device; vfio needs it bound to vfio-pci. */
static bool vfio_usable(const struct host_dev *h)
{
	return strcmp(h->driver, "vfio-pci") == 0;
}

int vc_devices_list(FILE *out, bool json)
{
	char err[300];
	struct pci_access *a = vc_libpci_scan(err, sizeof(err));
	struct host_dev *list = NULL;
	unsigned n = 0, cap = 0;

	if (!a) {
		fprintf(stderr, "virtio-conform: %s\n", err);
		return -EIO;
	}
	for (struct pci_dev *p = a->devices; p; p = p->next) {
		pci_fill_info(p, PCI_FILL_IDENT | PCI_FILL_CLASS);
		/* 1af4 also makes non-virtio devices (ivshmem is 1af4:1110): virtio
		 * device IDs are 0x1000-0x103f transitional, 0x1040-0x107f modern. */
		if (p->vendor_id != 0x1af4 || p->device_id < 0x1000 || p->device_id > 0x107f)
			continue;
		if (n == cap) {
			struct host_dev *nl = realloc(list, (cap ? cap * 2 : 8) * sizeof(*list));
			if (!nl) {
				free(list);
				pci_cleanup(a);
				fprintf(stderr, "virtio-conform: out of memory\n");
				return -ENOMEM;
			}
			list = nl;
			cap = cap ? cap * 2 : 8;
		}
		struct host_dev *h = &list[n++];
		memset(h, 0, sizeof(*h));
		h->domain = p->domain;
		h->bus = p->bus;
		h->dev = p->dev;
		h->func = p->func;
		h->vendor = p->vendor_id;
		h->device = p->device_id;
		snprintf(h->bdf, sizeof(h->bdf), "%04x:%02x:%02x.%d", (unsigned)p->domain,
			 (unsigned)p->bus, (unsigned)p->dev, p->func);
		vc_libpci_name(a, p, h->name, sizeof(h->name));
		link_base(h->bdf, "driver", h->driver, sizeof(h->driver));
		link_base(h->bdf, "iommu_group", h->iommu_group, sizeof(h->iommu_group));
	}
	pci_cleanup(a);
	if (n)
		qsort(list, n, sizeof(*list), by_address);

	if (json) {
		fputs("[", out);
		for (unsigned i = 0; i < n; i++) {
			const struct host_dev *h = &list[i];
			fprintf(out, "%s\n  {\"bdf\": \"%s\", \"vendor_id\": \"%04x\", \"device_id\": \"%04x\", "
				"\"name\": ", i ? "," : "", h->bdf, h->vendor, h->device);
			json_str(out, h->name);
			fputs(", \"driver\": ", out);
			if (h->driver[0])
				json_str(out, h->driver);
			else
				fputs("null", out);
			fputs(", \"iommu_group\": ", out);
			if (h->iommu_group[0])
				json_str(out, h->iommu_group);
			else
				fputs("null", out);
			fprintf(out, ", \"backends\": [\"sysfs\"%s]}", vfio_usable(h) ? ", \"vfio\"" : "");
		}
		fputs(n ? "\n]\n" : "]\n", out);
	} else if (!n) {
		fprintf(out, "no virtio-pci devices (vendor 1af4, device 1000-107f) found\n");
	} else {
		fprintf(out, "%-13s %-9s %-12s %-6s %-11s %s\n",
			"BDF", "IDS", "DRIVER", "IOMMU", "BACKENDS", "NAME");
		for (unsigned i = 0; i < n; i++) {
			const struct host_dev *h = &list[i];
			char ids[16];
			snprintf(ids, sizeof(ids), "%04x:%04x", h->vendor, h->device);
			fprintf(out, "%-13s %-9s %-12s %-6s %-11s %s\n", h->bdf, ids,
				h->driver[0] ? h->driver : "none",
				h->iommu_group[0] ? h->iommu_group : "-",
				vfio_usable(h) ? "sysfs,vfio" : "sysfs", h->name);
		}
	}
	free(list);
	return ferror(out) ? -EIO : 0;
}
