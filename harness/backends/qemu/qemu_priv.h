/* The qemu: backend's private parts, shared by its files (qemu.c explains
 * the backend as a whole). */
#ifndef VC_QEMU_PRIV_H
#define VC_QEMU_PRIV_H

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "vc/device.h"

/* Guest physical layout. RAM is 0..RAM_SIZE (-m 256M). */
#define RAM_SIZE        0x10000000ull
#define MBOX_BASE       0x90000ull          /* MSI-X mailboxes: 4 bytes per vector */
#define MBOX_VECTORS    2048u               /* the most MSI-X allows */
#define MBOX_DATA(v)    (0x76630000u | (v)) /* nonzero, so a write is visible */
#define DMA_BASE        0x100000ull
#define DMA_END         RAM_SIZE
#define ECAM_BASE       0xb0000000ull       /* q35 default PCIEXBAR, 256 MiB */
#define MEM32_BASE      0xe0000000ull       /* above ECAM (0xb0000000..0xc0000000) */
#define MEM32_END       0xfe000000ull       /* below IOAPIC/LAPIC/RCRB */
#define MEM64_BASE      0x8000000000ull     /* q35's PCI window reaches up here */
#define MEM64_END       0xc000000000ull
#define IO_BASE         0xc000u
#define IO_END          0x10000u
#define MCH_PCIEXBAR    0x60
#define DEFAULT_SLOT    4
#define START_TIMEOUT_MS 20000                /* QEMU connecting back: long, a loaded host is slow */
#define B64_CHUNK       (32u * 1024u)       /* QEMU rescans its input per 1 KiB read: keep lines short */
#define MAX_PENDING     64
#define SPIN_NS         50000               /* how long fill() polls awake before it sleeps */

#define QEMU_MAX_PARTS 4

struct qemu_part;

struct qemu_priv {
	pid_t pid;
	int sock;
	int errfd;                  /* QEMU's stderr file (unlinked once running) */
	int notify_fd;              /* its notify trace events (unlinked once running); -1: off */
	int awake_fd;               /* the CPU wake-up latency request held while it runs; -1: none */
	off_t notify_pos;           /* read up to here */
	bool dead;
	char dir[128];
	char *rbuf;                 /* bytes received, not yet consumed */
	size_t rlen, rcap;
	char *reply;                /* the last reply line, for the caller */
	char *sendbuf, *cmdbuf;     /* commands queued to go out, a b64write being built */
	size_t sendcap, sendlen;
	unsigned queued;            /* commands in sendbuf */
	unsigned posted;            /* posted writes whose replies are still to read (qt_post) */
	size_t replycap;
	bool opening;               /* errors go to the open message, not stderr */
	bool exited;                /* QEMU's exit status was collected */
	char last_words[200];       /* its stderr when it died */
	uint16_t bdf;
	bool ecam;
	uint64_t bar_addr[VC_NUM_BARS];
	uint64_t dma_next;
	int ramfd;                  /* guest RAM, mapped here too (guest_ram.c); -1: */
	uint8_t *ram;               /* NULL, reached through qtest only */
	unsigned mbox_n;            /* mailboxes handed out: vectors 0..mbox_n-1 */
	int pending[MAX_PENDING];   /* interrupts seen, not yet returned */
	unsigned npending;
	unsigned intx_level;        /* bit n: ioapic pin 16+n high */
	/* The parts serving this device line (parts.c), and their state. */
	const struct qemu_part *part[QEMU_MAX_PARTS];
	void *part_state[QEMU_MAX_PARTS];
	unsigned nparts;
	int qmp;                    /* QMP connection */
	char qmp_greeting[512];     /* QEMU's first QMP line, once read */
	bool qmp_ready;             /* capabilities negotiated */
	unsigned changes;           /* host-side changes made so far: each undoes the one before */
	bool out_of_process;        /* a part serves the device from another process (vhost-user):
				     * QEMU's main loop going idle says nothing of it (no settle) */
	int64_t alive_checked;      /* when the parts' alive hooks last ran (ms) */
	uint64_t pumped_ns;         /* when the parts last took in their peers' frames (vc_now_ns) */
	char qmp_buf[8192];
	size_t qmp_len;
};

struct qemu_cmdline {
	char *argv[96];
	int argc;
	char *split;     /* VC_QEMU_ARGS, owned */
	char *owned[48]; /* arguments the parts formatted (qemu_arg) */
	unsigned nowned;
};

/* What the harness owns on the far side of a device model, for the device
 * lines a part serves: the disk behind virtio-blk, the peer of a NIC, a
 * vhost-user daemon, a memory backend; and the host-side changes it can make
 * (QMP). qemu_open asks every part in qemu_parts[] (parts.c) in turn; one
 * file per part. */
struct qemu_launch {
	struct qemu_cmdline *cl;
	const char *model, *props;       /* the device spec as the user wrote it */
	char *devline;                   /* -device line: a part may append ",prop=value" */
	size_t devlen;
	const char *dir;                 /* the run's private directory (sockets, images) */
	void **state;                    /* the part's own state (freed by its close) */
};

struct qemu_part {
	const char *name;
	/* Does the part serve this device line? */
	bool (*serves)(const char *model, const char *props);
	/* Before QEMU starts: arguments (qemu_arg), device properties (qemu_devprop).
	 * 0, or -errno with err (-EINVAL: the spec is wrong, a usage error). */
	int (*setup)(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen);
	/* Once QEMU answers qtest: connect to what it made (NULL: nothing). */
	int (*started)(struct vc_device *d, void *state, char *err, size_t errlen);
	/* The host-side change this part makes (config_change in device.h);
	 * `undo` for every second call. NULL: none. */
	int (*config_change)(struct vc_device *d, void *state, bool undo);
	void (*close)(struct vc_device *d, void *state);
	/* A host-side action (vc_backend_ops.host, vc/devtypes/host.h): 0,
	 * -ENOTSUP for one the part does not make. NULL: none. */
	int (*host)(struct vc_device *d, void *state, const char *what, const char *arg, char *out, size_t outlen);
	/* Device properties that are the harness's, not QEMU's: left out of
	 * the -device line (NULL-terminated; NULL: none). */
	const char *const *keys;
	/* Is what the part serves still there (a backend process, its
	 * connection)? false with why: the device is dead from then on. Asked
	 * at most every QEMU_ALIVE_MS while the harness waits. NULL: always. */
	bool (*alive)(struct vc_device *d, void *state, char *why, size_t len);
	/* The device could not be opened: err has QEMU's reason; a part that
	 * knows better (the socket was not a vhost-user backend) rewrites it
	 * and returns the errno to report. 0: leave it. */
	int (*failed)(struct vc_device *d, void *state, char *err, size_t errlen);
	/* A network device's link partner (device.h, peer_send/peer_recv):
	 * the part that has them makes the device VC_PEER. pump takes in what
	 * is waiting without blocking; it runs whenever the harness polls the
	 * device, so QEMU never waits on the harness. NULL: none. */
	int (*peer_send)(struct vc_device *d, void *state, const void *frame, size_t len);
	int (*peer_recv)(struct vc_device *d, void *state, void *frame, size_t max, size_t *len, int timeout_ms);
	void (*pump)(struct vc_device *d, void *state);
	/* Has this device one (a part that serves several device types)? NULL: yes. */
	bool (*has_peer)(void *state);
};
#define QEMU_ALIVE_MS 200
/* Is key one of a part's harness-owned device properties? */
bool qemu_harness_key(const char *key, size_t len);
/* Ask the parts' alive hooks now (rate-limited unless force); a part gone
 * marks the device dead. 0 or -EIO. */
int qemu_parts_alive(struct vc_device *d, bool force);
/* What implements the device, for reports: appended to d->implementation. */
void qemu_implementation_add(struct vc_device *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern const struct qemu_part *const qemu_parts[];
extern const struct qemu_part qemu_part_netpeer;       /* netpeer.c */
/* netpeer.c, for every link partner: the frames the device transmitted,
 * taken in before the harness asks (the oldest dropped when full), and the
 * host-side changes a NIC's netdev makes (QMP set_link, announce-self). */
#define QEMU_PEER_RING 256
#define QEMU_PEER_FRAME_MAX (65536 + 4096)
struct qemu_frame_ring {
	struct { uint8_t *b; size_t len; } f[QEMU_PEER_RING];
	unsigned head, n;
	unsigned long dropped;
};
int qemu_ring_put(struct qemu_frame_ring *r, const void *frame, size_t len);
bool qemu_ring_get(struct qemu_frame_ring *r, void *frame, size_t max, size_t *len);
void qemu_ring_clear(struct qemu_frame_ring *r);
int qemu_net_set_link(struct vc_device *d, const char *netdev, bool up);
int qemu_net_host(struct vc_device *d, const char *what);

/* parts.c: the operations the parts serve (the first part that has one). */
bool qemu_has_peer(struct vc_device *d);
int qemu_peer_send(struct vc_device *d, const void *frame, size_t len);
int qemu_peer_recv(struct vc_device *d, void *frame, size_t max, size_t *len, int timeout_ms);
void qemu_parts_pump(struct vc_device *d);

/* One more QEMU argument, formatted, owned by the command line. */
int qemu_arg(struct qemu_launch *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append ",prop" to the -device line. */
int qemu_devprop(struct qemu_launch *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Is key=... among comma-separated properties (QEMU escapes ',' as ',,')? */
bool qemu_has_prop(const char *props, const char *key);
const char *qemu_prop_value(const char *props, const char *key, char *buf, size_t len);
bool qemu_model_is(const char *model, const char *name);

/* process.c: QEMU the process: found, started, never outliving the harness */
void qemu_remove_dir(const char *dir);
void qemu_live_add(pid_t pid, const char *dir);   /* killed at exit, on SIGINT/SIGTERM */
void qemu_live_forget_dir(pid_t pid);
void qemu_live_del(pid_t pid);
void qemu_kill(pid_t pid);
void qemu_install_hooks(void);
int qemu_hold_cpus_awake(void);
bool qemu_find_binary(const char *name, char *path, size_t len);
void qemu_stderr_line(int fd, bool at_exit, char *out, size_t len);
int qemu_refusal_rc(const char *line);
int qemu_start(const char *bin, char *const argv[], const char *dir, int errfd, int keepfd,
	       int lsock, pid_t *pidp, int *conn, char *err, size_t errlen);
int qemu_listen_at(const char *path, int *fd, char *err, size_t errlen);

/* guest_ram.c: guest RAM the harness maps too */
bool qemu_ram_wanted(void);
int qemu_ram_setup(struct qemu_priv *p, struct qemu_launch *l, char *err, size_t errlen);
void qemu_ram_close(struct qemu_priv *p);

/* qtest.c: the qtest line protocol: commands, replies, asynchronous IRQ lines */
int64_t qemu_now_ms(void);
size_t qemu_b64_encode(const uint8_t *in, size_t len, char *out);
int qemu_b64_decode(const char *in, uint8_t *out, size_t len);
void qemu_mark_dead(struct vc_device *d, const char *why);
/* QEMU still runs but what serves the device (a vhost-user backend) is
 * gone: dead as for a lost QEMU, with the part's one line as the note. */
void qemu_mark_backend_dead(struct vc_device *d, const char *line);
void qemu_enqueue_irq(struct qemu_priv *p, int vector);
int qemu_drain_async(struct vc_device *d, int wait_ms);
bool qt_width_valid(unsigned width, unsigned max);
int qt_mem_read(struct vc_device *d, uint64_t addr, unsigned width, uint64_t *val);
int qt_mem_write(struct vc_device *d, uint64_t addr, unsigned width, uint64_t val);
int qt_io_read(struct vc_device *d, uint64_t port, unsigned width, uint64_t *val);
int qt_io_write(struct vc_device *d, uint64_t port, unsigned width, uint64_t val);
int qt_cmd(struct vc_device *d, const char *cmd, const char **reply);
/* Pipelining (qtest.c): queue commands, send them together, read their
 * replies in order; writes are posted and their replies collected
 * (qt_collect) behind the next command that is waited for (qt_cmd, a
 * batch), or by qt_sync (waits, QMP commands and trace reads sync first). */
int qt_queue(struct vc_device *d, const char *cmd);
int qt_send(struct vc_device *d);      /* what is queued, sent: no wait */
int qt_flush(struct vc_device *d);     /* sent, and a wait for the replies follows */
int qt_reply(struct vc_device *d, const char **reply);
int qt_post(struct vc_device *d, const char *cmd);
int qt_postf(struct vc_device *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int qt_sync(struct vc_device *d);
int qt_collect(struct vc_device *d);
int qt_queue_access(struct vc_device *d, bool io, bool write, uint64_t addr, unsigned width, uint64_t val);
int qt_parse_hex(const char *s, uint64_t *val);
int qemu_batch(struct vc_device *d, struct vc_access *a, unsigned n);
int qt_cmdf(struct vc_device *d, const char **reply, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* access.c: the device interface over qtest: config space, BARs, DMA, interrupts */
int qemu_cf8_read(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t *val);
int qemu_cf8_write(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t val);
int qemu_cfg_rd(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t *val);
int qemu_cfg_wr(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t val);
int qemu_cfg_read(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val);
int qemu_cfg_write(struct vc_device *d, uint16_t off, unsigned width, uint32_t val);
int qemu_bar_read(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t *val);
int qemu_bar_write(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t val);
int qemu_dma_alloc(struct vc_device *d, size_t len, uint64_t *bus);
int qemu_dma_read(struct vc_device *d, uint64_t bus, void *buf, size_t len);
int qemu_dma_readv(struct vc_device *d, const struct vc_dma_piece *v, unsigned n);
int qemu_dma_write(struct vc_device *d, uint64_t bus, const void *buf, size_t len);
int qemu_msix_message(struct vc_device *d, unsigned vector, uint64_t *addr, uint32_t *data);
int qemu_irq_wait(struct vc_device *d, int timeout_ms, int *vector);
int qemu_irq_forget(struct vc_device *d);
int qemu_settle(struct vc_device *d);

/* topology.c: what a BIOS would do: ECAM, BARs */
int qemu_assign_bars(struct vc_device *d, char *err, size_t errlen);
void qemu_enable_ecam(struct vc_device *d);

/* qmp.c: QMP: host-side commands */
const char *qemu_qmp_greeting(struct vc_device *d);
int qemu_qmp_execute(struct vc_device *d, const char *json);
int qemu_qmp_query(struct vc_device *d, const char *json, char *ret, size_t retlen);
int qemu_config_change(struct vc_device *d);
/* The host action of the first part that makes it. */
int qemu_host(struct vc_device *d, const char *what, const char *arg, char *out, size_t outlen);

/* platform.c: a system reset, after which the backend does the BIOS's work
 * again (ECAM, BARs, every part's started) */
int qemu_system_reset(struct vc_device *d);

/* notify_trace.c: the device model's own record of doorbells */
int qemu_notify_seen(struct vc_device *d, struct vc_notify_seen *ev, unsigned max);

extern const struct vc_backend_ops qemu_ops;
int qemu_open_as(const char *backend, const char *arg, struct vc_device **out, char *err, size_t errlen);

#endif
