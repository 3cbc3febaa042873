/* vfio:BDF -- a real PCI device handed to vfio-pci, driven from user space
 * through <linux/vfio.h>: the harness is the device's only driver.
 *
 * Safety first: the device must already be bound to vfio-pci by the user
 * (tools/vfio-bind), and every other device in its IOMMU group must be
 * released too; otherwise the backend refuses before opening anything. It
 * never binds, unbinds or touches any device but the one named.
 *
 * Config space goes through the VFIO config region (the kernel virtualizes
 * parts of it); BARs are mmapped where the kernel allows, else read and
 * written at their region offsets; DMA memory is anonymous memory mapped at
 * IOVAs this file hands out (type1 IOMMU), or physically contiguous locked
 * memory at its physical address (no-IOMMU mode). Interrupts arrive on
 * eventfds: INTx until the driver sets MSI-X Enable in config space, then one
 * eventfd per MSI-X vector (the kernel owns the table, so the harness never
 * writes it). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/vfio.h>
#include "vc/device.h"

#define IOVA_BASE       0x100000000ull  /* above 4 GiB: clear of the MSI window and low holes */
#define IOVA_GAP        4096ull         /* unmapped page between allocations: overruns fault */
#define MAX_MAPS        8               /* mmapped areas per BAR (sparse mmap) */
#define MAX_RANGES      16
#define MAX_PENDING     64
#define PCI_CAP_ID_MSIX 0x11

struct bar_map {
	uint64_t off, size;             /* within the BAR */
	volatile uint8_t *ptr;
};

struct vfio_bar {
	uint64_t region_off;            /* offset of the region in the device fd */
	uint64_t size;
	unsigned nmaps;
	struct bar_map maps[MAX_MAPS];
};

struct dma_chunk {
	uint64_t bus;
	size_t len;                     /* bytes usable by the caller */
	size_t maplen;                  /* bytes mmapped (page or huge page multiple) */
	uint8_t *host;
	bool iommu_mapped;
};

struct vfio_priv {
	int container, group, device;
	int groupno;
	bool noiommu;
	uint64_t cfg_off;
	struct vfio_bar bar[VC_NUM_BARS];
	/* MSI-X as the config space describes it */
	uint16_t msix_cap;              /* 0: none */
	unsigned msix_n;
	unsigned msix_bar;
	uint64_t msix_table_off;
	/* interrupts */
	unsigned intx_count, msix_count;    /* what the kernel offers */
	unsigned msix_active;               /* vectors routed while MSI-X is on */
	int intx_fd;
	bool intx_on, intx_masked;
	bool intx_high;                     /* reported, and not yet seen low since */
	int *msix_fds;
	bool msix_on;
	struct pollfd *pfd;                 /* msix_count (at least 1) entries for irq_wait */
	int pending[MAX_PENDING];
	unsigned npending;
	/* DMA */
	struct dma_chunk *dma;
	unsigned ndma, dmacap;
	struct vfio_iova_range ranges[MAX_RANGES];
	unsigned nranges;
	uint64_t iova_next;
	int pagemap;                    /* no-IOMMU: /proc/self/pagemap */
};

static const struct vc_backend_ops vfio_ops;

/* ---- small helpers ---- */

static const char *sysfs_root(void)
{
	/* Tests point this at a fabricated tree to check the refusals without
	 * any real device; nothing else should set it. */
	const char *r = getenv("VC_VFIO_SYSFS");

	return r && *r ? r : "/sys";
}

/* The last component of a symlink's target ("" when there is no link). */
static void link_name(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	out[0] = 0;
	if (n <= 0)
		return;
	buf[n] = 0;
	const char *slash = strrchr(buf, '/');
	const char *name = slash ? slash + 1 : buf;
	size_t n2 = strlen(name);
	if (n2 >= len)
		return;     /* no driver or group name is that long */
	memcpy(out, name, n2 + 1);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "DDDD:BB:DD.F" or "BB:DD.F" (domain 0) -> canonical "dddd:bb:dd.f". */
static bool parse_bdf(const char *s, char *out, size_t len)
{
	unsigned long part[3];
	int digits[3], k = 0;
	const char *p = s;

	for (;;) {
		unsigned long v = 0;
		int n = 0;
		while (is_hex(*p) && n < 9) {
			v = v * 16 + (unsigned long)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
			p++, n++;
		}
		if (n == 0 || k == 3)
			return false;
		part[k] = v;
		digits[k++] = n;
		if (*p != ':')
			break;
		p++;
	}
	if (*p != '.' || p[1] < '0' || p[1] > '7' || p[2] || k < 2)
		return false;
	unsigned long dom = k == 3 ? part[0] : 0;
	if ((k == 3 && (digits[0] > 8 || dom > 0x7fffffffUL)) ||
	    digits[k - 2] != 2 || digits[k - 1] != 2 || part[k - 1] > 0x1f)
		return false;
	snprintf(out, len, "%04lx:%02lx:%02lx.%c", dom, part[k - 2], part[k - 1], p[1]);
	return true;
}

static int errno_or(int fallback)
{
	/* The runner reads -EINVAL as "malformed spec" (exit 2): an ioctl's
	 * EINVAL is a device problem, not a usage error. */
	int e = errno ? errno : fallback;

	return e == EINVAL ? -EIO : -e;
}

/* A pread/pwrite that moved fewer bytes than asked failed: why, as -errno. */
static int io_rc(ssize_t n, unsigned want)
{
	if (n == (ssize_t)want)
		return 0;
	return n < 0 ? errno_or(EIO) : -EIO;
}

/* ---- config space ---- */

static int cfg_pread(struct vfio_priv *p, uint16_t off, unsigned width, uint32_t *val)
{
	uint8_t b[4] = { 0 };

	int rc = io_rc(pread(p->device, b, width, (off_t)(p->cfg_off + off)), width);

	if (rc)
		return rc;
	*val = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

static int cfg_pwrite(struct vfio_priv *p, uint16_t off, unsigned width, uint32_t val)
{
	uint8_t b[4] = { (uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16), (uint8_t)(val >> 24) };

	return io_rc(pwrite(p->device, b, width, (off_t)(p->cfg_off + off)), width);
}

/* ---- interrupts ---- */

static int set_irqs(struct vfio_priv *p, unsigned index, uint32_t flags, unsigned count, const int *fds)
{
	/* on the stack: a watchdog jump out of here leaks nothing */
	union {
		struct vfio_irq_set set;
		uint8_t bytes[sizeof(struct vfio_irq_set) + sizeof(int) * 2048];
	} u;
	size_t sz = sizeof(struct vfio_irq_set) + sizeof(int) * count;
	struct vfio_irq_set *s = &u.set;
	int rc = 0;

	if (count > 2048)
		return -EINVAL;
	memset(&u, 0, sz);
	s->argsz = (uint32_t)sz;
	s->flags = flags;
	s->index = index;
	s->start = 0;
	s->count = count;
	if (count && fds)
		memcpy(s->data, fds, sizeof(int) * count);
	if (ioctl(p->device, VFIO_DEVICE_SET_IRQS, s))
		rc = errno_or(EIO);
	return rc;
}

static int intx_enable(struct vfio_priv *p)
{
	int rc;

	if (!p->intx_count || p->intx_fd < 0 || p->intx_on)
		return 0;
	rc = set_irqs(p, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      1, &p->intx_fd);
	if (rc == 0) {
		p->intx_on = true;
		p->intx_masked = p->intx_high = false;
	}
	return rc;
}

static void intx_disable(struct vfio_priv *p)
{
	uint64_t junk;

	if (!p->intx_on)
		return;
	set_irqs(p, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
	p->intx_on = false;
	p->intx_masked = p->intx_high = false;
	while (read(p->intx_fd, &junk, sizeof(junk)) == sizeof(junk))
		;
}

static void msix_disable(struct vfio_priv *p);

/* MSI-X with vectors 0..n-1: the kernel programs the table, one eventfd per
 * vector. INTx and MSI-X are exclusive in VFIO, as on the wire. */
static int msix_enable(struct vfio_priv *p, unsigned n)
{
	int rc;

	if (!p->msix_count || !p->msix_fds)
		return -ENOTSUP;
	if (n > p->msix_count)
		n = p->msix_count;  /* the table has no more entries to route */
	if (p->msix_on && p->msix_active == n)
		return 0;
	/* VFIO cannot grow or shrink an enabled vector block: start over */
	msix_disable(p);
	intx_disable(p);
	rc = set_irqs(p, VFIO_PCI_MSIX_IRQ_INDEX, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      n, p->msix_fds);
	if (rc) {
		intx_enable(p);
		return rc;
	}
	p->msix_on = true;
	p->msix_active = n;
	return 0;
}

static void msix_disable(struct vfio_priv *p)
{
	uint64_t junk;

	if (!p->msix_on)
		return;
	set_irqs(p, VFIO_PCI_MSIX_IRQ_INDEX, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
	p->msix_on = false;
	p->msix_active = 0;
	for (unsigned v = 0; v < p->msix_count; v++)
		while (read(p->msix_fds[v], &junk, sizeof(junk)) == sizeof(junk))
			;
	/* vectors seen before, not yet returned, stay pending: they happened */
	intx_enable(p);
}

/* INTx as edges, the way the qemu: backend reports it (and the way a
 * driver's "drain, then read ISR" loop expects): one interrupt per time the
 * line goes up. VFIO masks INTx when it fires; unmasking while the line is
 * still up would fire again at once, so the line stays masked until the
 * PCI Status register's Interrupt Status bit shows it low (the driver read
 * ISR, or reset the device), and is unmasked then. The bit is sampled after
 * each BAR access while it matters, so a low phase between two waits is seen. */
static int intx_line(struct vfio_priv *p)
{
	uint32_t status;

	return cfg_pread(p, 0x06, 2, &status) ? -1 : (status & 0x08) != 0;
}

static void intx_sample(struct vfio_priv *p)
{
	if (p->intx_on && p->intx_high && intx_line(p) == 0)
		p->intx_high = false;
}

/* ---- config space ops ---- */

static int vfio_cfg_read(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val)
{
	return cfg_pread(d->priv, off, width, val);
}

static int vfio_cfg_write(struct vc_device *d, uint16_t off, unsigned width, uint32_t val)
{
	struct vfio_priv *p = d->priv;
	int rc = cfg_pwrite(p, off, width, val);

	if (rc || !p->msix_cap)
		return rc;
	/* VFIO ignores writes to MSI-X Message Control (only its ioctl enables
	 * MSI-X), so do what the write asks through the ioctl. Enable is bit 7
	 * of the control register's high byte. */
	unsigned hi = p->msix_cap + 3u;
	if (off <= hi && off + width > hi) {
		bool enable = (val >> (8 * (hi - off))) & 0x80;
		if (enable && !p->msix_on)
			rc = msix_enable(p, p->msix_count);
		else if (!enable && p->msix_on)
			msix_disable(p);
	}
	return rc;
}

/* ---- BARs ---- */

static volatile uint8_t *bar_ptr(struct vfio_bar *b, uint64_t off, unsigned width)
{
	for (unsigned i = 0; i < b->nmaps; i++) {
		struct bar_map *m = &b->maps[i];
		if (off >= m->off && off - m->off <= m->size - width && m->size >= width)
			return m->ptr + (off - m->off);
	}
	return NULL;
}

static int bar_read(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t *val)
{
	struct vfio_priv *p = d->priv;
	struct vfio_bar *b = &p->bar[bar];
	volatile uint8_t *ptr;

	if (!b->size || off > b->size - width || (d->bar[bar].is_io && width > 4))
		return -ERANGE;
	if ((ptr = bar_ptr(b, off, width))) {
		switch (width) {
		case 1: *val = *ptr; break;
		case 2: *val = *(volatile uint16_t *)ptr; break;
		case 4: *val = *(volatile uint32_t *)ptr; break;
		default: *val = *(volatile uint64_t *)ptr; break;
		}
		return 0;
	}
	uint8_t buf[8] = { 0 };
	int rc = io_rc(pread(p->device, buf, width, (off_t)(b->region_off + off)), width);
	if (rc)
		return rc;
	*val = 0;
	for (unsigned i = 0; i < width; i++)
		*val |= (uint64_t)buf[i] << (8 * i);
	return 0;
}

static bool hits_msix_table(const struct vfio_priv *p, unsigned bar, uint64_t off, unsigned width)
{
	uint64_t start = p->msix_table_off, end = start + 16ull * p->msix_n;

	return p->msix_cap && bar == p->msix_bar && off < end && off + width > start;
}

static int bar_write(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t val)
{
	struct vfio_priv *p = d->priv;
	struct vfio_bar *b = &p->bar[bar];
	volatile uint8_t *ptr;

	if (!b->size || off > b->size - width || (d->bar[bar].is_io && width > 4))
		return -ERANGE;
	/* The kernel programmed the table for its own interrupt remapping; a
	 * write there would break interrupt delivery (or be silently dropped). */
	if (hits_msix_table(p, bar, off, width))
		return -EPERM;
	if ((ptr = bar_ptr(b, off, width))) {
		switch (width) {
		case 1: *ptr = (uint8_t)val; break;
		case 2: *(volatile uint16_t *)ptr = (uint16_t)val; break;
		case 4: *(volatile uint32_t *)ptr = (uint32_t)val; break;
		default: *(volatile uint64_t *)ptr = val; break;
		}
		return 0;
	}
	uint8_t buf[8];
	for (unsigned i = 0; i < width; i++)
		buf[i] = (uint8_t)(val >> (8 * i));
	return io_rc(pwrite(p->device, buf, width, (off_t)(b->region_off + off)), width);
}

static int vfio_bar_read(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t *val)
{
	int rc = bar_read(d, bar, off, width, val);

	intx_sample(d->priv);
	return rc;
}

static int vfio_bar_write(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t val)
{
	int rc = bar_write(d, bar, off, width, val);

	intx_sample(d->priv);
	return rc;
}

/* ---- DMA ---- */

/* no-IOMMU: the physical address of a locked page, from /proc/self/pagemap. */
static int phys_addr(struct vfio_priv *p, const void *va, uint64_t *pa)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t ent;
	off_t at = (off_t)((uintptr_t)va / (uintptr_t)psz * sizeof(ent));

	if (pread(p->pagemap, &ent, sizeof(ent), at) != sizeof(ent))
		return -EIO;
	if (!(ent & (1ull << 63)) || !(ent & ((1ull << 55) - 1)))
		return -EACCES;     /* not present, or PFNs hidden (needs CAP_SYS_ADMIN) */
	*pa = (ent & ((1ull << 55) - 1)) * (uint64_t)psz + (uintptr_t)va % (uintptr_t)psz;
	return 0;
}

/* no-IOMMU: the device sees physical addresses, so the buffer must be
 * physically contiguous: one page always is; larger ones come from luck or
 * from huge pages (when the admin reserved some), checked page by page. */
static int noiommu_alloc(struct vfio_priv *p, size_t size, uint8_t **host, size_t *maplen, uint64_t *bus)
{
	long psz = sysconf(_SC_PAGESIZE);
	size_t huge = 2u << 20;

	for (int attempt = 0; attempt < 2; attempt++) {
		size_t len = attempt ? (size + huge - 1) / huge * huge : size;
		int flags = MAP_SHARED | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE | (attempt ? MAP_HUGETLB : 0);
		uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
		if (m == MAP_FAILED)
			continue;
		uint64_t first, pa;
		bool ok = phys_addr(p, m, &first) == 0;
		for (size_t o = (size_t)psz; ok && o < size; o += (size_t)psz)
			ok = phys_addr(p, m + o, &pa) == 0 && pa == first + o;
		if (ok) {
			*host = m;
			*maplen = len;
			*bus = first;
			return 0;
		}
		munmap(m, len);
	}
	return -ENOMEM;
}

/* The next IOVA with room for size bytes inside the ranges the IOMMU takes. */
static int iova_take(struct vfio_priv *p, uint64_t size, uint64_t *iova)
{
	for (unsigned i = 0; i < p->nranges; i++) {
		struct vfio_iova_range *r = &p->ranges[i];
		uint64_t at = p->iova_next > r->start ? p->iova_next : (r->start + 4095) & ~4095ull;
		if (at > r->end || r->end - at < size - 1)
			continue;
		*iova = at;
		p->iova_next = at + size + IOVA_GAP;
		return 0;
	}
	return -ENOSPC;
}

static int vfio_dma_alloc(struct vc_device *d, size_t len, uint64_t *bus)
{
	struct vfio_priv *p = d->priv;
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = len ? (len + psz - 1) / psz * psz : psz;
	struct dma_chunk c = { .len = len ? len : 1 };
	int rc;

	if (len > (size_t)1 << 40)
		return -ENOMEM;
	if (p->ndma == p->dmacap) {
		unsigned cap = p->dmacap ? p->dmacap * 2 : 16;
		struct dma_chunk *n = realloc(p->dma, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->dma = n;
		p->dmacap = cap;
	}
	if (p->noiommu) {
		if ((rc = noiommu_alloc(p, size, &c.host, &c.maplen, &c.bus)))
			return rc;
	} else {
		/* shared, so a forked runner and this process see the same pages */
		c.host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (c.host == MAP_FAILED)
			return -ENOMEM;
		c.maplen = size;
		if ((rc = iova_take(p, size, &c.bus))) {
			munmap(c.host, size);
			return rc;
		}
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)c.host,
			.iova = c.bus,
			.size = size,
		};
		if (ioctl(p->container, VFIO_IOMMU_MAP_DMA, &m)) {
			rc = errno_or(EIO);
			munmap(c.host, size);
			return rc;
		}
		c.iommu_mapped = true;
	}
	memset(c.host, 0, size);
	p->dma[p->ndma++] = c;
	*bus = c.bus;
	return 0;
}

/* The host address of [bus, bus+len) when one allocation holds it all. */
static uint8_t *dma_host(struct vfio_priv *p, uint64_t bus, size_t len)
{
	for (unsigned i = 0; i < p->ndma; i++) {
		struct dma_chunk *c = &p->dma[i];
		if (bus >= c->bus && bus - c->bus <= c->maplen && len <= c->maplen - (bus - c->bus))
			return c->host + (bus - c->bus);
	}
	return NULL;
}

static int vfio_dma_read(struct vc_device *d, uint64_t bus, void *buf, size_t len)
{
	uint8_t *h;

	if (!len)
		return 0;
	if (!(h = dma_host(d->priv, bus, len)))
		return -ERANGE;
	/* the device wrote it; see its writes before copying */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	memcpy(buf, h, len);
	return 0;
}

static int vfio_dma_write(struct vc_device *d, uint64_t bus, const void *buf, size_t len)
{
	uint8_t *h;

	if (!len)
		return 0;
	if (!(h = dma_host(d->priv, bus, len)))
		return -ERANGE;
	memcpy(h, buf, len);
	/* visible to the device before any doorbell that follows */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

/* ---- interrupt waits ---- */

static void enqueue(struct vfio_priv *p, int vector)
{
	if (p->npending < MAX_PENDING)
		p->pending[p->npending++] = vector;
}

static int vfio_irq_wait(struct vc_device *d, int timeout_ms, int *vector)
{
	struct vfio_priv *p = d->priv;
	int64_t deadline = (int64_t)vc_now_ms() + (timeout_ms < 0 ? (int)d->timeout_ms : timeout_ms);
	unsigned nfds = p->msix_on ? p->msix_active : p->intx_on ? 1 : 0;
	struct pollfd *pfd = p->pfd;        /* not on the heap here: the watchdog may longjmp out */
	int rc = 0;

	if (p->npending) {
		*vector = p->pending[0];
		memmove(p->pending, p->pending + 1, --p->npending * sizeof(p->pending[0]));
		return 0;
	}
	if (!nfds)
		return -ENOTSUP;
	if (!pfd)
		return -ENOTSUP;
	for (unsigned i = 0; i < nfds; i++) {
		pfd[i].fd = p->msix_on ? p->msix_fds[i] : p->intx_fd;
		pfd[i].events = POLLIN;
	}
	for (;;) {
		int64_t left = deadline - (int64_t)vc_now_ms();
		bool waiting_low = false;
		/* INTx: unmask only once the last interrupt's level has gone (see intx_line) */
		if (!p->msix_on && p->intx_masked) {
			intx_sample(p);
			if (p->intx_high) {
				waiting_low = true;     /* the same level as last time: no new edge yet */
			} else {
				if ((rc = set_irqs(p, VFIO_PCI_INTX_IRQ_INDEX,
						   VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 1, NULL)))
					break;
				p->intx_masked = false;     /* up again already: fires now, a new edge */
			}
		}
		int slice = left > 0 ? (int)left : 0;
		if (waiting_low && slice > 2)
			slice = 2;                      /* look at the line again soon */
		int n = poll(pfd, nfds, slice);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0) {
			if (left > slice)
				continue;
			rc = -ETIMEDOUT;
			break;
		}
		for (unsigned i = 0; i < nfds; i++) {
			uint64_t count;
			if (!(pfd[i].revents & POLLIN) || read(pfd[i].fd, &count, sizeof(count)) != sizeof(count))
				continue;
			/* several messages on one vector before we looked: one
			 * interrupt, as an MSI-X mailbox would show it */
			enqueue(p, p->msix_on ? (int)i : -1);
			if (!p->msix_on)
				p->intx_masked = p->intx_high = true;
		}
		if (p->npending) {
			*vector = p->pending[0];
			memmove(p->pending, p->pending + 1, --p->npending * sizeof(p->pending[0]));
			rc = 0;
			break;
		}
	}
	return rc;
}

/* The driver layer's MSI-X switch: n vectors routed to irq_wait, or 0 for
 * INTx again. */
static int vfio_irq_setup(struct vc_device *d, unsigned nvectors)
{
	struct vfio_priv *p = d->priv;

	if (nvectors)
		return msix_enable(p, nvectors);
	msix_disable(p);
	return p->intx_on || !p->intx_count ? 0 : intx_enable(p);
}

/* ---- close ---- */

static void vfio_close(struct vc_device *d)
{
	struct vfio_priv *p = d->priv;

	if (!p)
		return;
	if (p->device >= 0) {
		msix_disable(p);
		intx_disable(p);
	}
	for (unsigned i = 0; i < VC_NUM_BARS; i++)
		for (unsigned m = 0; m < p->bar[i].nmaps; m++)
			munmap((void *)p->bar[i].maps[m].ptr, p->bar[i].maps[m].size);
	/* closing the device fd lets vfio-pci reset the device */
	if (p->device >= 0)
		close(p->device);
	for (unsigned i = 0; i < p->ndma; i++) {
		struct dma_chunk *c = &p->dma[i];
		if (c->iommu_mapped) {
			struct vfio_iommu_type1_dma_unmap u = {
				.argsz = sizeof(u), .iova = c->bus, .size = c->maplen,
			};
			ioctl(p->container, VFIO_IOMMU_UNMAP_DMA, &u);
		}
		munmap(c->host, c->maplen);
	}
	free(p->dma);
	if (p->group >= 0)
		close(p->group);
	if (p->container >= 0)
		close(p->container);
	if (p->intx_fd >= 0)
		close(p->intx_fd);
	for (unsigned v = 0; p->msix_fds && v < p->msix_count; v++)
		if (p->msix_fds[v] >= 0)
			close(p->msix_fds[v]);
	free(p->msix_fds);
	free(p->pfd);
	if (p->pagemap >= 0)
		close(p->pagemap);
	free(p);
	d->priv = NULL;
}

static const struct vc_backend_ops vfio_ops = {
	.cfg_read = vfio_cfg_read,
	.cfg_write = vfio_cfg_write,
	.bar_read = vfio_bar_read,
	.bar_write = vfio_bar_write,
	.dma_alloc = vfio_dma_alloc,
	.dma_read = vfio_dma_read,
	.dma_write = vfio_dma_write,
	.irq_wait = vfio_irq_wait,
	.irq_setup = vfio_irq_setup,
	.close = vfio_close,
};

/* ---- open: refusals first ---- */

static const char *const released_drivers[] = { "vfio-pci", "pci-stub", "" };

/* A bridge may keep its driver (pcieport, shpchp): VFIO allows any driver on
 * a device without a normal header. The sysfs class says which it is without
 * a config access to a device the user did not name. */
static bool is_bridge(const char *devdir)
{
	char path[PATH_MAX + 512], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/class", devdir);
	if (!(f = fopen(path, "r")))
		return false;
	bool got = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	unsigned long cls = got ? strtoul(buf, NULL, 16) : 0;
	/* PCI-to-PCI (0x0604), CardBus (0x0607), semi-transparent PCI-to-PCI (0x0609) */
	return (cls >> 8) == 0x0604 || (cls >> 8) == 0x0607 || (cls >> 8) == 0x0609;
}

/* The device must be vfio-pci's, and nothing else in its group may be held
 * by a host driver: VFIO would refuse the group, and the user should hear
 * why in terms of what to do. Reads sysfs only. */
static int check_binding(const char *bdf, int *groupno, char *err, size_t errlen)
{
	const char *root = sysfs_root();
	char path[PATH_MAX], drv[128], grp[32];
	struct stat st;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", root, bdf);
	if (stat(path, &st)) {
		snprintf(err, errlen, "vfio: there is no PCI device %s on this machine (see lspci -D)", bdf);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", root, bdf);
	link_name(path, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci") != 0) {
		if (drv[0])
			snprintf(err, errlen, "vfio: %s is bound to %s, not vfio-pci: the harness drives only "
				 "devices handed to vfio-pci; bind it with `tools/vfio-bind %s` "
				 "(give it back with `tools/vfio-bind --unbind %s`)", bdf, drv, bdf, bdf);
		else
			snprintf(err, errlen, "vfio: %s is not bound to vfio-pci (it has no driver): bind it with "
				 "`tools/vfio-bind %s`", bdf, bdf);
		return -EBUSY;
	}
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group", root, bdf);
	link_name(path, grp, sizeof(grp));
	char *end;
	long g = strtol(grp, &end, 10);
	if (!grp[0] || *end || g < 0 || g > INT_MAX) {
		snprintf(err, errlen, "vfio: %s has no IOMMU group: boot with the IOMMU on (intel_iommu=on or "
			 "amd_iommu=on), or load vfio with enable_unsafe_noiommu_mode=1", bdf);
		return -ENODEV;
	}
	*groupno = (int)g;

	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%ld/devices", root, g);
	DIR *dir = opendir(path);
	if (!dir) {
		snprintf(err, errlen, "vfio: cannot list IOMMU group %ld (%s): %s", g, path, strerror(errno));
		return -EIO;
	}
	int rc = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, bdf) == 0)
			continue;
		char other[PATH_MAX + 300];
		snprintf(other, sizeof(other), "%s/%s/driver", path, e->d_name);
		link_name(other, drv, sizeof(drv));
		bool released = false;
		for (const char *const *r = released_drivers; !released && (*r)[0]; r++)
			released = strcmp(drv, *r) == 0;
		snprintf(other, sizeof(other), "%s/%s", path, e->d_name);
		if (!drv[0] || released || is_bridge(other))
			continue;
		snprintf(err, errlen, "vfio: IOMMU group %ld of %s also holds %s, bound to %s: VFIO needs every "
			 "device of the group released; bind it too (`tools/vfio-bind %s`) if it may be taken "
			 "from its driver, or test a device with a group of its own", g, bdf, e->d_name, drv,
			 e->d_name);
		rc = -EBUSY;
		break;
	}
	closedir(dir);
	return rc;
}

/* Region info with its capability chain (caller frees). */
static struct vfio_region_info *region_info(int fd, unsigned index)
{
	struct vfio_region_info *ri = calloc(1, sizeof(*ri));

	if (!ri)
		return NULL;
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri)) {
		free(ri);
		return NULL;
	}
	if (ri->argsz > sizeof(*ri)) {
		uint32_t want = ri->argsz;
		struct vfio_region_info *big = realloc(ri, want);
		if (!big) {
			free(ri);
			return NULL;
		}
		ri = big;
		memset(ri, 0, want);
		ri->argsz = want;
		ri->index = index;
		if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri)) {
			free(ri);
			return NULL;
		}
	}
	return ri;
}

static const struct vfio_info_cap_header *find_cap(const void *info, uint32_t argsz, uint32_t first, uint16_t id)
{
	uint32_t off = first;

	for (int guard = 0; off && off + sizeof(struct vfio_info_cap_header) <= argsz && guard < 64; guard++) {
		const struct vfio_info_cap_header *h = (const void *)((const uint8_t *)info + off);
		if (h->id == id)
			return h;
		off = h->next;
	}
	return NULL;
}

static bool debug_on(void)
{
	const char *v = getenv("VC_VFIO_DEBUG");

	return v && *v && strcmp(v, "0") != 0;
}

static void map_bar(struct vc_device *d, unsigned i, const struct vfio_region_info *ri)
{
	struct vfio_priv *p = d->priv;
	struct vfio_bar *b = &p->bar[i];
	const char *no = getenv("VC_VFIO_NO_MMAP");
	const struct vfio_info_cap_header *h = NULL;
	struct bar_map want[MAX_MAPS];
	unsigned nwant = 0;

	if (!(ri->flags & VFIO_REGION_INFO_FLAG_MMAP) || d->bar[i].is_io || (no && *no && strcmp(no, "0")))
		return;
	if (ri->flags & VFIO_REGION_INFO_FLAG_CAPS)
		h = find_cap(ri, ri->argsz, ri->cap_offset, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (h) {
		const struct vfio_region_info_cap_sparse_mmap *s = (const void *)h;
		for (uint32_t a = 0; a < s->nr_areas && nwant < MAX_MAPS; a++) {
			if ((const uint8_t *)&s->areas[a + 1] > (const uint8_t *)ri + ri->argsz)
				break;
			if (s->areas[a].size)
				want[nwant++] = (struct bar_map){ s->areas[a].offset, s->areas[a].size, NULL };
		}
	} else {
		want[nwant++] = (struct bar_map){ 0, b->size, NULL };
	}
	for (unsigned w = 0; w < nwant; w++) {
		if (want[w].off > b->size || want[w].size > b->size - want[w].off)
			continue;
		void *m = mmap(NULL, want[w].size, PROT_READ | PROT_WRITE, MAP_SHARED, p->device,
			       (off_t)(b->region_off + want[w].off));
		if (m == MAP_FAILED)
			continue;       /* pread/pwrite cover the rest */
		want[w].ptr = m;
		b->maps[b->nmaps++] = want[w];
	}
}

/* VC_VFIO_DEBUG=1: what VFIO gave, on stderr (for bring-up on a new host). */
static void debug_dump(const struct vc_device *d)
{
	const struct vfio_priv *p = d->priv;

	fprintf(stderr, "vfio: %s group %d%s, config region %u bytes, INTx %u, MSI-X %u vectors",
		d->location, p->groupno, p->noiommu ? " (no-IOMMU)" : "", d->cfg_size, p->intx_count,
		p->msix_count);
	if (p->msix_cap)
		fprintf(stderr, " (table: BAR%u+0x%" PRIx64 ")", p->msix_bar, p->msix_table_off);
	fprintf(stderr, "\n");
	for (unsigned i = 0; i < VC_NUM_BARS; i++) {
		const struct vfio_bar *b = &p->bar[i];
		if (!b->size)
			continue;
		fprintf(stderr, "vfio:   BAR%u %s%s %" PRIu64 " bytes, %u mmapped area(s):", i,
			d->bar[i].is_io ? "I/O" : "memory", d->bar[i].is_64 ? " 64-bit" : "", b->size, b->nmaps);
		for (unsigned m = 0; m < b->nmaps; m++)
			fprintf(stderr, " [0x%" PRIx64 ", +0x%" PRIx64 ")", b->maps[m].off, b->maps[m].size);
		fprintf(stderr, "%s\n", b->nmaps ? "" : " none (pread/pwrite)");
	}
	for (unsigned r = 0; r < p->nranges; r++)
		fprintf(stderr, "vfio:   IOVA range [0x%" PRIx64 ", 0x%" PRIx64 "]\n", (uint64_t)p->ranges[r].start,
			(uint64_t)p->ranges[r].end);
}

/* Walk the standard capability list for MSI-X (table BAR, offset, size). */
static void find_msix(struct vfio_priv *p)
{
	uint32_t status, ptr, hdr, ctl, table;

	if (cfg_pread(p, 0x06, 2, &status) || !(status & 0x10) || cfg_pread(p, 0x34, 1, &ptr))
		return;
	for (int guard = 0; ptr >= 0x40 && ptr < 0x100 && guard < 48; guard++) {
		ptr &= 0xfc;
		if (cfg_pread(p, (uint16_t)ptr, 2, &hdr))
			return;
		if ((hdr & 0xff) == PCI_CAP_ID_MSIX) {
			if (cfg_pread(p, (uint16_t)(ptr + 2), 2, &ctl) || cfg_pread(p, (uint16_t)(ptr + 4), 4, &table))
				return;
			p->msix_cap = (uint16_t)ptr;
			p->msix_n = (ctl & 0x7ff) + 1;
			p->msix_bar = table & 7;
			p->msix_table_off = table & ~7u;
			return;
		}
		ptr = hdr >> 8;
	}
}

static int setup_iommu(struct vc_device *d, const char *bdf, char *err, size_t errlen)
{
	struct vfio_priv *p = d->priv;
	char path[64];
	int rc;

	p->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (p->container < 0) {
		rc = -errno;
		snprintf(err, errlen, "vfio: /dev/vfio/vfio: %s (is the vfio module loaded? modprobe vfio-pci)",
			 strerror(errno));
		return rc == -EINVAL ? -EIO : rc;
	}
	if (ioctl(p->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		snprintf(err, errlen, "vfio: the kernel speaks another VFIO API version");
		return -EPROTO;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", p->groupno);
	p->group = open(path, O_RDWR | O_CLOEXEC);
	if (p->group < 0 && errno == ENOENT) {
		snprintf(path, sizeof(path), "/dev/vfio/noiommu-%d", p->groupno);
		p->group = open(path, O_RDWR | O_CLOEXEC);
		p->noiommu = p->group >= 0;
	}
	if (p->group < 0) {
		rc = errno_or(EIO);
		snprintf(err, errlen, "vfio: cannot open the group of %s (/dev/vfio/%d): %s%s", bdf, p->groupno,
			 strerror(-rc), rc == -EBUSY ? " (another process has it open)" : "");
		return rc;
	}
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	if (ioctl(p->group, VFIO_GROUP_GET_STATUS, &gs)) {
		rc = errno_or(EIO);
		snprintf(err, errlen, "vfio: VFIO_GROUP_GET_STATUS: %s", strerror(-rc));
		return rc;
	}
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(err, errlen, "vfio: IOMMU group %d is not viable: every device in it must be bound to "
			 "vfio-pci (tools/vfio-bind BDF) or have no driver", p->groupno);
		return -EBUSY;
	}
	if (ioctl(p->group, VFIO_GROUP_SET_CONTAINER, &p->container)) {
		rc = errno_or(EIO);
		snprintf(err, errlen, "vfio: VFIO_GROUP_SET_CONTAINER: %s", strerror(-rc));
		return rc;
	}
	static const int types[] = { VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU, VFIO_NOIOMMU_IOMMU };
	int type = -1;
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]) && type < 0; i++) {
		if ((types[i] == VFIO_NOIOMMU_IOMMU) != p->noiommu)
			continue;
		if (ioctl(p->container, VFIO_CHECK_EXTENSION, types[i]) > 0)
			type = types[i];
	}
	if (type < 0 || ioctl(p->container, VFIO_SET_IOMMU, type)) {
		rc = type < 0 ? -ENOTSUP : errno_or(EIO);
		snprintf(err, errlen, "vfio: no usable IOMMU model for group %d (%s)", p->groupno,
			 type < 0 ? "neither type1 nor no-IOMMU offered" : strerror(-rc));
		return rc;
	}
	if (p->noiommu) {
		p->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
		return 0;
	}

	/* Where DMA may go: the kernel's valid IOVA ranges (reserved regions
	 * such as the MSI window excluded); everything below 2^48 otherwise. */
	p->ranges[0] = (struct vfio_iova_range){ 0, (1ull << 48) - 1 };
	p->nranges = 1;
	struct vfio_iommu_type1_info *ii = calloc(1, sizeof(*ii));
	if (ii) {
		ii->argsz = sizeof(*ii);
		if (ioctl(p->container, VFIO_IOMMU_GET_INFO, ii) == 0 && ii->argsz > sizeof(*ii)) {
			uint32_t want = ii->argsz;
			struct vfio_iommu_type1_info *big = realloc(ii, want);
			if (big) {
				ii = big;
				memset(ii, 0, want);
				ii->argsz = want;
				if (ioctl(p->container, VFIO_IOMMU_GET_INFO, ii) == 0 && (ii->flags & VFIO_IOMMU_INFO_CAPS)) {
					const struct vfio_info_cap_header *h =
						find_cap(ii, ii->argsz, ii->cap_offset, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
					if (h) {
						const struct vfio_iommu_type1_info_cap_iova_range *r = (const void *)h;
						unsigned n = 0;
						for (uint32_t k = 0; k < r->nr_iovas && n < MAX_RANGES; k++) {
							if ((const uint8_t *)&r->iova_ranges[k + 1] > (const uint8_t *)ii + ii->argsz)
								break;
							p->ranges[n++] = r->iova_ranges[k];
						}
						if (n)
							p->nranges = n;
					}
				}
			}
		}
		free(ii);
	}
	p->iova_next = IOVA_BASE;
	return 0;
}

static int setup_irqs(struct vc_device *d)
{
	struct vfio_priv *p = d->priv;
	struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = VFIO_PCI_INTX_IRQ_INDEX };

	if (ioctl(p->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) == 0 && (ii.flags & VFIO_IRQ_INFO_EVENTFD))
		p->intx_count = ii.count;
	ii = (struct vfio_irq_info){ .argsz = sizeof(ii), .index = VFIO_PCI_MSIX_IRQ_INDEX };
	if (ioctl(p->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) == 0 && (ii.flags & VFIO_IRQ_INFO_EVENTFD))
		p->msix_count = ii.count;
	if (p->msix_count) {
		p->msix_fds = calloc(p->msix_count, sizeof(int));
		if (!p->msix_fds)
			return -ENOMEM;
		for (unsigned v = 0; v < p->msix_count; v++)
			p->msix_fds[v] = -1;
		for (unsigned v = 0; v < p->msix_count; v++) {
			if ((p->msix_fds[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
				return -errno;
		}
	}
	if (!(p->pfd = calloc(p->msix_count ? p->msix_count : 1, sizeof(*p->pfd))))
		return -ENOMEM;
	if (p->intx_count) {
		if ((p->intx_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
			return -errno;
		/* A device with no interrupt pin reports INTx count 0; one with a
		 * pin starts with INTx, as after reset. */
		int rc = intx_enable(p);
		if (rc)
			p->intx_count = 0;
	}
	return 0;
}

static int vfio_open(const char *arg, struct vc_device **out, char *err, size_t errlen)
{
	char bdf[32];
	int groupno = -1, rc;

	*out = NULL;
	if (!parse_bdf(arg, bdf, sizeof(bdf))) {
		snprintf(err, errlen, "vfio: '%s' is not a PCI address: use vfio:DDDD:BB:DD.F, e.g. vfio:0000:01:00.0",
			 arg);
		return -EINVAL;
	}
	if ((rc = check_binding(bdf, &groupno, err, errlen)))
		return rc;

	struct vc_device *d = vc_device_new(&vfio_ops, "vfio", arg);
	struct vfio_priv *p = calloc(1, sizeof(*p));
	if (!d || !p) {
		free(d);
		free(p);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->priv = p;
	p->container = p->group = p->device = p->intx_fd = p->pagemap = -1;
	p->groupno = groupno;

	if ((rc = setup_iommu(d, bdf, err, errlen)))
		goto fail;
	p->device = ioctl(p->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (p->device < 0) {
		rc = errno_or(EIO);
		p->device = -1;
		snprintf(err, errlen, "vfio: cannot get %s from its group: %s", bdf, strerror(-rc));
		goto fail;
	}
	struct vfio_device_info di = { .argsz = sizeof(di) };
	if (ioctl(p->device, VFIO_DEVICE_GET_INFO, &di) || !(di.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    di.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		rc = -ENODEV;
		snprintf(err, errlen, "vfio: %s is not a PCI device as VFIO sees it", bdf);
		goto fail;
	}

	struct vfio_region_info *ri = region_info(p->device, VFIO_PCI_CONFIG_REGION_INDEX);
	if (!ri || ri->size < 64) {
		free(ri);
		rc = -EIO;
		snprintf(err, errlen, "vfio: %s has no readable config region", bdf);
		goto fail;
	}
	p->cfg_off = ri->offset;
	d->cfg_size = ri->size >= 4096 ? 4096 : ri->size >= 256 ? 256 : 64;
	free(ri);

	for (unsigned i = 0; i < VC_NUM_BARS; i++) {
		uint32_t reg = 0;
		if (!(ri = region_info(p->device, VFIO_PCI_BAR0_REGION_INDEX + i)))
			continue;
		if (ri->size && cfg_pread(p, (uint16_t)(0x10 + 4 * i), 4, &reg) == 0) {
			p->bar[i].region_off = ri->offset;
			p->bar[i].size = ri->size;
			d->bar[i].size = ri->size;
			d->bar[i].is_io = reg & 1;
			d->bar[i].is_64 = !(reg & 1) && (reg & 6) == 4;
			map_bar(d, i, ri);
		}
		free(ri);
	}
	find_msix(p);

	/* Like a BIOS and a driver: decode memory and I/O, master the bus (DMA
	 * and MSI-X writes need it). VFIO blocks BAR access until memory decoding
	 * is on in its view of COMMAND. */
	uint32_t cmd;
	if ((rc = cfg_pread(p, 0x04, 2, &cmd)) || (rc = cfg_pwrite(p, 0x04, 2, (cmd & ~7u) | 7u))) {
		snprintf(err, errlen, "vfio: cannot enable %s's decoding (%s)", bdf, strerror(-rc));
		goto fail;
	}
	if ((rc = setup_irqs(d))) {
		snprintf(err, errlen, "vfio: interrupt set-up failed (%s)", strerror(-rc));
		goto fail;
	}

	d->abilities = VC_CFG_WRITE | VC_BAR_READ | VC_BAR_WRITE | VC_BAR_SIZES;
	if (!p->noiommu || p->pagemap >= 0)
		d->abilities |= VC_DMA;
	if (p->intx_on || p->msix_count)
		d->abilities |= VC_IRQ;
	memcpy(d->location, bdf, strlen(bdf) + 1);     /* bdf: at most 20 characters */
	/* what a certificate must name: the device is the vendor's; the kernel
	 * whose vfio-pci the harness drove it through is this machine's */
	struct utsname u;
	if (uname(&u) == 0)
		snprintf(d->implementation, sizeof(d->implementation), "the device at %s, driven through vfio-pci "
			 "of Linux %.64s", bdf, u.release);
	if (debug_on())
		debug_dump(d);
	if (p->noiommu)
		snprintf(d->note, sizeof(d->note), "VFIO no-IOMMU mode: DMA uses physical addresses of locked "
			 "memory, and the device can reach all memory");
	*out = d;
	return 0;

fail:
	if (rc == -EINVAL)
		rc = -EIO;   /* the spec was fine; the device was not */
	vfio_close(d);
	free(d);
	return rc;
}

const struct vc_backend vc_backend_vfio = { "vfio", "vfio:BDF", vfio_open,
	"a real device bound to vfio-pci (virtio-conform-vfio-bind BDF; tools/vfio-bind in a clone): config, BARs, "
	"DMA through the IOMMU, interrupts" };
