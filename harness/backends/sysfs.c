/* sysfs:BDF -- a host PCI device read through libpci on Linux sysfs.
 * Strictly read-only: the devices it reaches may be the machine's own disk
 * and network, so there are no config writes, no BAR mappings, no BAR reads;
 * only config space reads and the BAR sizes sysfs already publishes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "vc/device.h"
#include "vc_libpci.h"

/* libpci's error callback must not return (its default calls exit()); while
 * we are inside libpci we longjmp back out instead. */
static jmp_buf *lp_jmp;
static char lp_err[256], lp_warn[256];

__attribute__((noreturn, format(printf, 1, 2)))
static void lp_on_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(lp_err, sizeof(lp_err), msg, ap);
	va_end(ap);
	if (lp_jmp)
		longjmp(*lp_jmp, 1);
	fprintf(stderr, "virtio-conform: libpci: %s\n", lp_err);
	exit(3);
}

__attribute__((format(printf, 1, 2)))
static void lp_on_warning(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(lp_warn, sizeof(lp_warn), msg, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2)))
static void lp_on_debug(char *msg, ...)
{
	(void)msg;
}

const char *vc_libpci_last_warning(void)
{
	return lp_warn;
}

struct pci_access *vc_libpci_scan(char *err, size_t errlen)
{
	struct pci_access *a = pci_alloc();
	jmp_buf jb;

	if (!a) {
		snprintf(err, errlen, "libpci: out of memory");
		return NULL;
	}
	a->error = lp_on_error;
	a->warning = lp_on_warning;
	a->debug = lp_on_debug;
	/* sysfs only: no raw port I/O fallback on a live machine, and never
	 * opened for writing. */
	a->method = PCI_ACCESS_SYS_BUS_PCI;
	a->writeable = 0;
	lp_jmp = &jb;
	if (setjmp(jb)) {
		/* a is left to leak: libpci's state is unknown after its error. */
		lp_jmp = NULL;
		snprintf(err, errlen, "libpci cannot read PCI devices through /sys/bus/pci: %s", lp_err);
		return NULL;
	}
	pci_init(a);
	pci_scan_bus(a);
	lp_jmp = NULL;
	return a;
}

struct pci_dev *vc_libpci_find(struct pci_access *a, int domain, int bus, int dev, int func)
{
	for (struct pci_dev *p = a->devices; p; p = p->next)
		if (p->domain == domain && p->bus == bus && p->dev == dev && p->func == func)
			return p;
	return NULL;
}

void vc_libpci_name(struct pci_access *a, struct pci_dev *p, char *buf, size_t len)
{
	char name[256];

	if (!pci_lookup_name(a, name, sizeof(name), PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
			     p->vendor_id, p->device_id))
		snprintf(name, sizeof(name), "device %04x:%04x", p->vendor_id, p->device_id);
	snprintf(buf, len, "%.*s", len ? (int)len - 1 : 0, name);   /* a long name is cut, knowingly */
}

/* One lookup: name is "" unless the database knows it. */
static void lookup(struct pci_access *a, char *name, size_t len, int flags, unsigned v, unsigned d,
		   unsigned sv, unsigned sd)
{
	jmp_buf jb;

	name[0] = 0;
	lp_jmp = &jb;
	if (setjmp(jb) || !pci_lookup_name(a, name, (int)len, flags | PCI_LOOKUP_NO_NUMBERS, v, d, sv, sd))
		name[0] = 0;
	lp_jmp = NULL;
}

void vc_pci_names(uint16_t vendor, uint16_t device, uint16_t sub_vendor, uint16_t sub_device,
		  char *name, size_t len, char *sub, size_t sublen)
{
	/* the ID database only: no bus scan, no DNS, loaded once */
	static struct pci_access *a;

	if (!a && (a = pci_alloc())) {
		a->error = lp_on_error;
		a->warning = lp_on_warning;
		a->debug = lp_on_debug;
	}
	name[0] = sub[0] = 0;
	if (!a)
		return;
	lookup(a, name, len, PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE, vendor, device, 0, 0);
	lookup(a, sub, sublen, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE, vendor, device,
	       sub_vendor, sub_device);
}

/* "0000:00:02.0" or "00:02.0"; the domain may be 1 to 8 hex digits. */
static bool parse_bdf(const char *s, int *dom, int *bus, int *dev, int *fn)
{
	const char *p = s;
	unsigned long v[3];
	int nd[3], k = 0;

	for (;;) {
		unsigned long x = 0;
		int d = 0;
		while (((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')) && d < 9) {
			x = x * 16 + (unsigned long)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
			p++, d++;
		}
		if (k == 3 || d == 0)
			return false;
		v[k] = x;
		nd[k++] = d;
		if (*p != ':')
			break;
		p++;
	}
	/* p now at '.', after the device number */
	if (*p != '.' || p[1] < '0' || p[1] > '7' || p[2])
		return false;
	if (k == 3) {
		if (nd[0] > 8 || v[0] > 0x7fffffffUL)
			return false;
		*dom = (int)v[0];
	} else if (k == 2) {
		*dom = 0;
	} else {
		return false;
	}
	if (nd[k - 2] != 2 || nd[k - 1] != 2 || v[k - 1] > 0x1f)
		return false;
	*bus = (int)v[k - 2];
	*dev = (int)v[k - 1];
	*fn = p[1] - '0';
	return true;
}

struct sysfs_priv {
	struct pci_access *a;
	struct pci_dev *dev;
};

static int sysfs_cfg_read(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val)
{
	struct sysfs_priv *s = d->priv;
	uint8_t b[4];
	uint32_t v = 0;

	/* Live reads, not a snapshot: what the device says now. */
	if (!pci_read_block(s->dev, off, b, (int)width))
		return -EIO;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)b[i] << (8 * i);
	*val = v;
	return 0;
}

static void sysfs_close(struct vc_device *d)
{
	struct sysfs_priv *s = d->priv;

	if (s) {
		pci_cleanup(s->a);
		free(s);
	}
	d->priv = NULL;
}

/* cfg_write, bar_read, bar_write, dma_*: deliberately absent. */
static const struct vc_backend_ops sysfs_ops = {
	.cfg_read = sysfs_cfg_read,
	.close = sysfs_close,
};

/* What implements the device, as far as this host can say: the device
 * itself and the Linux driver bound to it (read from sysfs). */
static void driver_of(const char *bdf, char *out, size_t len)
{
	char link[256], target[256];
	struct utsname u;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", bdf);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	const char *drv = "no driver";
	if (n > 0) {
		target[n] = 0;
		drv = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	}
	snprintf(out, len, "the device at %.20s (bound to %.32s on Linux %.64s)", bdf, drv,
		 uname(&u) == 0 ? u.release : "?");
}

static int sysfs_open(const char *arg, struct vc_device **out, char *err, size_t errlen)
{
	int dom, bus, dev, fn, known;
	struct pci_access *a;
	struct pci_dev *p;
	struct sysfs_priv *s;
	struct vc_device *d;
	char bdf[32], name[160], spec[64];
	uint8_t probe[4096];
	unsigned size;

	*out = NULL;
	if (!arg || !parse_bdf(arg, &dom, &bus, &dev, &fn)) {
		snprintf(err, errlen, "malformed PCI address '%s': use sysfs:DDDD:BB:DD.F or "
			 "sysfs:BB:DD.F, for example sysfs:0000:00:02.0 (see `virtio-conform devices`)",
			 arg ? arg : "");
		return -EINVAL;
	}
	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%d", (unsigned)dom, (unsigned)bus, (unsigned)dev, fn);
	if (!(a = vc_libpci_scan(err, errlen)))
		return -EIO;
	if (!(p = vc_libpci_find(a, dom, bus, dev, fn))) {
		pci_cleanup(a);
		snprintf(err, errlen, "no PCI device at %s, see `virtio-conform devices`", bdf);
		return -ENODEV;
	}
	/* The largest space this process can read: non-root sysfs readers get
	 * only the first 64 bytes, and conventional PCI devices have no
	 * extended space. */
	lp_warn[0] = 0;
	if (pci_read_block(p, 0, probe, 4096))
		size = 4096;
	else if (pci_read_block(p, 0, probe, 256))
		size = 256;
	else if (pci_read_block(p, 0, probe, 64))
		size = 64;
	else {
		snprintf(err, errlen, "cannot read the config space of %s%s%s: check "
			 "/sys/bus/pci/devices/%s/config", bdf, lp_warn[0] ? ": " : "", lp_warn, bdf);
		pci_cleanup(a);
		return -EIO;
	}
	known = pci_fill_info(p, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_BASES | PCI_FILL_SIZES);

	snprintf(spec, sizeof(spec), "sysfs:%s", bdf);
	if (!(s = calloc(1, sizeof(*s))) || !(d = vc_device_new(&sysfs_ops, "sysfs", spec))) {
		free(s);
		pci_cleanup(a);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->a = a;
	s->dev = p;
	d->priv = s;
	d->cfg_size = size;
	d->abilities = 0;
	if ((known & PCI_FILL_SIZES) && (known & PCI_FILL_BASES)) {
		for (int i = 0; i < VC_NUM_BARS; i++) {
			pciaddr_t base = p->base_addr[i];
			d->bar[i].size = p->size[i];
			d->bar[i].is_io = (base & PCI_BASE_ADDRESS_SPACE) == PCI_BASE_ADDRESS_SPACE_IO;
			d->bar[i].is_64 = !d->bar[i].is_io && (base & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
								PCI_BASE_ADDRESS_MEM_TYPE_64;
		}
		d->abilities |= VC_BAR_SIZES;
	}
	vc_libpci_name(a, p, name, sizeof(name));
	snprintf(d->location, sizeof(d->location), "%s %s", bdf, name);
	driver_of(bdf, d->implementation, sizeof(d->implementation));
	if (size == 64)
		snprintf(d->note, sizeof(d->note), "sysfs gave only the first 64 bytes of config space "
			 "(Linux shows the rest to root only): run as root to see the capabilities");
	*out = d;
	return 0;
}

const struct vc_backend vc_backend_sysfs = { "sysfs", "sysfs:BDF", sysfs_open,
	"a device on this machine, read-only through libpci: config space and BAR sizes, never a write" };
