/* The one device-access interface every backend implements.
 * Suites and the transport layer only ever talk to a device through these. */
#ifndef VC_DEVICE_H
#define VC_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a backend can do; clauses declare what they need from this set. */
enum vc_ability {
	VC_CFG_WRITE = 1u << 0,  /* config space writes (selectors, PCI cfg window) */
	VC_BAR_READ  = 1u << 1,  /* read BAR memory (common config, ISR...) */
	VC_BAR_WRITE = 1u << 2,  /* write BAR memory (selectors, status, doorbells) */
	VC_DMA       = 1u << 3,  /* memory the device can reach by bus address */
	VC_IRQ       = 1u << 4,  /* interrupts can be observed */
	VC_BAR_SIZES = 1u << 5,  /* BAR sizes are known */
	VC_PEER      = 1u << 6,  /* a network device's link partner the harness owns (peer_send/peer_recv) */
	VC_SYNC      = 1u << 7,  /* the device does all it is asked within the access that asks it (the sim):
				  * once settled, what it has not done it will not do */
	VC_ACTIVITY  = 1u << 8,  /* the backend counts in `activity` every operation that reaches the device
				  * or its host side (qemu: qtest and QMP commands, frames, host actions) */
};

#define VC_NUM_BARS 6

struct vc_bar_info {
	uint64_t size;   /* 0: not implemented */
	bool is_io;
	bool is_64;
};

struct vc_device;

/* An available-buffer notification as the device itself saw it. */
struct vc_notify_seen {
	uint64_t offset;         /* in the notification structure */
	uint32_t value;
	uint8_t width;           /* bytes; 0: the device was notified without seeing the write */
	int queue;               /* the queue it went to; -1: not told */
};

/* One piece of a DMA read in several pieces (vc_dma_readv). */
struct vc_dma_piece {
	uint64_t bus;
	void *buf;
	size_t len;
};

/* One access of a batch (vc_batch): config space (cfg) or a BAR register. */
struct vc_access {
	unsigned bar, width;
	uint64_t off;
	uint64_t val;              /* written, or read back */
	bool write;
	bool cfg;                  /* config space (bar ignored) */
};

struct vc_backend_ops {
	/* config space: width 1, 2 or 4; offsets aligned to width */
	int (*cfg_read)(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val);
	int (*cfg_write)(struct vc_device *d, uint16_t off, unsigned width, uint32_t val);
	/* BAR memory: width 1, 2, 4 or 8 */
	int (*bar_read)(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t *val);
	int (*bar_write)(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t val);
	/* Independent accesses, carried out in order with the waiting
	 * shared (qemu: sent back to back, replies read in order); checked
	 * by the core first. NULL: the core does them one by one. */
	int (*batch)(struct vc_device *d, struct vc_access *a, unsigned n);
	/* DMA memory: allocate len bytes (zeroed), reachable by the device at *bus */
	int (*dma_alloc)(struct vc_device *d, size_t len, uint64_t *bus);
	int (*dma_read)(struct vc_device *d, uint64_t bus, void *buf, size_t len);
	int (*dma_write)(struct vc_device *d, uint64_t bus, const void *buf, size_t len);
	/* DMA reads made in order, their waiting shared (qemu: sent back to
	 * back, one wait). NULL: the core makes them one by one. */
	int (*dma_readv)(struct vc_device *d, const struct vc_dma_piece *v, unsigned n);
	/* wait up to timeout_ms for an interrupt; *vector gets the MSI-X vector
	 * or -1 for INTx. Returns 0, -ETIMEDOUT or another negative errno. */
	int (*irq_wait)(struct vc_device *d, int timeout_ms, int *vector);
	/* MSI-X, where the driver programs the table itself (qemu, sim): the
	 * message address/data for table entry `vector` that irq_wait will see. */
	int (*msix_message)(struct vc_device *d, unsigned vector, uint64_t *addr, uint32_t *data);
	/* MSI-X, where the platform owns the table (vfio): route `nvectors`
	 * vectors to irq_wait; 0 returns to INTx. */
	int (*irq_setup)(struct vc_device *d, unsigned nvectors);
	/* Forget every interrupt the device sent that irq_wait has not
	 * returned yet, right after a reset (none can follow it) and an ISR
	 * read. NULL: vc_quiesce takes them with irq_wait, one by one. */
	int (*irq_forget)(struct vc_device *d);
	/* Make the device change its device-specific configuration, as its
	 * host side would (a balloon target, a link going down, a resize), so
	 * configuration-change rules can be checked. NULL: not possible. */
	int (*config_change)(struct vc_device *d);
	/* A host-side action a device type's rules need beyond that (a key
	 * pressed on a virtual keyboard, what a console port wrote, the
	 * statistics a balloon received, a port unplugged), named by `what`
	 * (vc/devtypes/host.h lists them) with a text argument; a text answer
	 * goes to out. 0, -ENOTSUP when this backend or device cannot, another
	 * negative errno when it failed. NULL: none at all. */
	int (*host)(struct vc_device *d, const char *what, const char *arg, char *out, size_t outlen);
	/* The notifications the device received since the last call, from its
	 * own view (qemu: its notify trace events), into ev (at most max).
	 * Returns how many, or a negative errno. NULL: not observable. */
	int (*notify_seen)(struct vc_device *d, struct vc_notify_seen *ev, unsigned max);
	/* A network device's link partner, owned by the harness (VC_PEER): the
	 * sim's in-process loopback, QEMU's -netdev on a socket. peer_send puts
	 * one Ethernet frame on the wire toward the device (it arrives on the
	 * device's receive path); peer_recv takes the next frame the device
	 * transmitted, waiting up to timeout_ms: 0 with *len its length (a
	 * longer frame is cut to max), or -ETIMEDOUT. Frames come from the
	 * harness only: a peer never touches a host network. */
	int (*peer_send)(struct vc_device *d, const void *frame, size_t len);
	int (*peer_recv)(struct vc_device *d, void *frame, size_t max, size_t *len, int timeout_ms);
	/* Return once the device has carried out everything asked of it so
	 * far (accesses, notifications and the work they start), with every
	 * effect the harness can see (used entries, interrupts) in place.
	 * NULL: the backend cannot know that; watch for a while instead. */
	int (*settle)(struct vc_device *d);
	void (*close)(struct vc_device *d);
};

struct vc_device {
	const struct vc_backend_ops *ops;
	void *priv;
	unsigned abilities;         /* enum vc_ability bits */
	unsigned cfg_size;          /* readable config space: 64, 256 or 4096 */
	struct vc_bar_info bar[VC_NUM_BARS];
	char backend[16];           /* "sim", "dump", "sysfs", "qemu", "vfio" */
	char spec[512];             /* the --device argument */
	char location[256];         /* BDF, file, or QEMU device line */
	char note[512];             /* what the backend wants the user to know (e.g. truncated config) */
	/* The device stopped working (set once, by the backend when it knows:
	 * QEMU or a daemon gone; or by the runner: a reset that never completes,
	 * a request never used again): what was seen, and during which clause.
	 * Later clauses that need the device are BLOCKED with it. */
	char gone[320];
	char gone_during[96];
	unsigned resets_lost;       /* resets that did not complete (vc_reset), and the */
	uint8_t lost_status;        /* device_status the last one left */
	char implementation[256];   /* what implements the device and its version, as far as known
				     * ("QEMU 7.2.22 (Debian ...); vhost-user backend ...") */
	unsigned timeout_ms;        /* bound for any single backend wait */
	/* The DMA reads that follow are looks in a wait with time left, which
	 * looks again: a backend may answer them from memory without waiting
	 * for the accesses it has on their way to the device (qemu: the posted
	 * doorbell), which a later look sees done. */
	bool looking;
	uint64_t round_trips;       /* qemu: qtest commands sent (for benchmarks) */
	uint64_t batches;           /* qemu: times the harness sent commands and then waited */
	/* VC_ACTIVITY: operations that reached the device, and their count when
	 * the runner's last reset after a clause was done (a clause that adds
	 * none finds the device as that reset left it, and needs no other). */
	uint64_t activity, activity_at_reset;
	/* The driver's DMA arena (see driver.h): allocated once, reused per clause. */
	uint64_t dma_base;
	size_t dma_size, dma_used;
	/* Guard canaries (vc_dma_guard): arena ranges [from, to) between
	 * allocations, holding a known pattern (adjacent ones merged). */
	bool dma_guard;
	unsigned dma_nguards;
	struct { size_t from, to; } dma_guards[64];
};

/* Open "backend:arg". On failure returns a negative errno and writes a
 * one-line message into err: -EINVAL when the spec itself is malformed (a
 * usage error), anything else when the device cannot be opened or read. */
int vc_device_open(const char *spec, struct vc_device **out, char *err, size_t errlen);
void vc_device_close(struct vc_device *d);

/* Between two looks at what a device does on its own time (iteration: 0
 * for a wait's first): yields the core for the wait's first 200 us, then naps. */
void vc_poll_pause(unsigned iteration);
uint64_t vc_now_ms(void);
uint64_t vc_now_ns(void);      /* CLOCK_MONOTONIC, as vc_now_ms */
bool vc_has(const struct vc_device *d, unsigned abilities);

/* The runner's watchdog asked the running clause to stop: from then on
 * every device access fails with -ECANCELED, so the clause unwinds on its
 * own (freeing what it holds) before the watchdog's last resort jumps out. */
bool vc_cancelled(void);
void vc_cancel(bool on);

int vc_cfg_read(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val);
int vc_cfg_write(struct vc_device *d, uint16_t off, unsigned width, uint32_t val);
int vc_bar_read(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t *val);
int vc_bar_write(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t val);
/* Accesses that do not depend on each other's results (a register sweep,
 * a structure read byte by byte, config space dword by dword), in order:
 * the reads' values land in a[i].val. 0, or the first error (the accesses
 * after a failed one may not have been made). */
int vc_batch(struct vc_device *d, struct vc_access *a, unsigned n);
/* The link partner (VC_PEER); -ENOTSUP without one. */
int vc_peer_send(struct vc_device *d, const void *frame, size_t len);
int vc_peer_recv(struct vc_device *d, void *frame, size_t max, size_t *len, int timeout_ms);

/* A backend: a prefix of the device spec and how to open it. */
struct vc_backend {
	const char *prefix;     /* "sim", "dump", ... */
	const char *usage;      /* "sim[:FAULT,...]" */
	int (*open)(const char *arg, struct vc_device **out, char *err, size_t errlen);
	const char *what;       /* one line for --help: what it reaches and can do */
};
extern const struct vc_backend vc_backend_sim, vc_backend_dump, vc_backend_sysfs, vc_backend_qemu,
	vc_backend_vfio, vc_backend_vhost_user;
extern const struct vc_backend *const vc_backends[];

/* The backend's host action (see vc_backend_ops.host); out gets "" first. */
int vc_host(struct vc_device *d, const char *what, const char *arg, char *out, size_t outlen);

/* The QEMU process id behind a qemu: device, -1 otherwise or once it is gone. */
long vc_qemu_pid(const struct vc_device *d);

/* Helpers for backends. */
struct vc_device *vc_device_new(const struct vc_backend_ops *ops, const char *backend,
				const char *spec);

/* `virtio-conform devices`: list the host's virtio-pci devices (vendor 1af4,
 * device 0x1000-0x107f) with their driver, IOMMU group and usable backends,
 * as text or a JSON array. Reads only (libpci on sysfs, no config writes).
 * Returns 0 (also when there are none) or a negative errno after printing
 * why to stderr. */
int vc_devices_list(FILE *out, bool json);

/* Names from the PCI ID database through libpci, for reports: the device
 * ("Red Hat, Inc. Virtio 1.0 network device") and its subsystem. Each is ""
 * when the database does not know it or the harness has no libpci. */
void vc_pci_names(uint16_t vendor, uint16_t device, uint16_t sub_vendor, uint16_t sub_device,
		  char *name, size_t len, char *sub, size_t sublen);

#endif
