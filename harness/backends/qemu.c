/* The qemu: backend. The harness starts QEMU itself with one virtio device
 * model on a bare q35 machine and drives it over the qtest protocol: the
 * harness is the driver, QEMU's device model is the device under test.
 *
 * No firmware runs (the "BIOS" is 64 KiB of hlt), so this file does what a
 * BIOS would: enable ECAM, size and assign BARs, enable decoding and bus
 * mastering. Guest RAM below 256 MiB is the DMA pool; MSI-X messages are
 * steered into RAM mailboxes so interrupts can be observed without a CPU.
 *
 * QEMU aborts on a malformed qtest command, so every command is built here
 * from validated integers; a lost connection or a timeout marks the backend
 * dead and every later operation fails fast instead of hanging. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
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
#define START_TIMEOUT_MS 5000
#define B64_CHUNK       (32u * 1024u)       /* QEMU rescans its input per 1 KiB read: keep lines short */
#define MAX_PENDING     64
#define SPIN_NS         50000               /* how long fill() polls awake before it sleeps */

struct qemu_priv {
	pid_t pid;
	int sock;
	int errfd;                  /* QEMU's stderr file (unlinked once running) */
	int notify_fd;              /* its notify trace events (unlinked once running); -1: off */
	off_t notify_pos;           /* read up to here */
	bool dead;
	char dir[128];
	char *rbuf;                 /* bytes received, not yet consumed */
	size_t rlen, rcap;
	char *reply;                /* the last reply line, for the caller */
	size_t replycap;
	bool opening;               /* errors go to the open message, not stderr */
	bool exited;                /* QEMU's exit status was collected */
	char last_words[200];       /* its stderr when it died */
	uint16_t bdf;
	bool ecam;
	uint64_t bar_addr[VC_NUM_BARS];
	uint64_t dma_next;
	unsigned mbox_n;            /* mailboxes handed out: vectors 0..mbox_n-1 */
	int pending[MAX_PENDING];   /* interrupts seen, not yet returned */
	unsigned npending;
	unsigned intx_level;        /* bit n: ioapic pin 16+n high */
	/* Host-side configuration changes through QMP (see qemu_config_change). */
	enum config_trigger { TRIGGER_NONE, TRIGGER_BALLOON, TRIGGER_LINK } trigger;
	int qmp;                    /* QMP connection, -1 without a trigger */
	bool qmp_ready;             /* greeting read, capabilities negotiated */
	unsigned changes;           /* made so far: each one undoes the one before */
	char qmp_buf[8192];
	size_t qmp_len;
};

static const struct vc_backend_ops qemu_ops;

/* ---- process bookkeeping: QEMU must never outlive the harness ---- */

#define MAX_LIVE 16
static struct {
	volatile pid_t pid;         /* 0: free slot */
	char dir[128];
} live[MAX_LIVE];
static bool hooks_installed;
static struct sigaction old_int, old_term;

static void remove_dir(const char *dir)
{
	static const char *const files[] = { "hlt.bin", "qtest.sock", "qmp.sock", "stderr", "notify.log" };
	char path[192];

	if (!dir[0])
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		/* async-signal-safe: no snprintf */
		size_t n = strlen(dir), m = strlen(files[i]);
		if (n + 1 + m + 1 > sizeof(path))
			continue;
		memcpy(path, dir, n);
		path[n] = '/';
		memcpy(path + n + 1, files[i], m + 1);
		unlink(path);
	}
	rmdir(dir);
}

static void live_add(pid_t pid, const char *dir)
{
	for (int i = 0; i < MAX_LIVE; i++) {
		if (live[i].pid == 0) {
			snprintf(live[i].dir, sizeof(live[i].dir), "%s", dir);
			live[i].pid = pid;
			return;
		}
	}
	/* Full: PR_SET_PDEATHSIG still kills it when the harness dies. */
}

static void live_forget_dir(pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++) {
		if (live[i].pid == pid)
			live[i].dir[0] = 0;
	}
}

static void live_del(pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++) {
		if (live[i].pid == pid) {
			live[i].pid = 0;
			live[i].dir[0] = 0;
		}
	}
}

/* SIGTERM first so QEMU exits cleanly; SIGKILL if it lingers. Always reaps. */
static void kill_qemu(pid_t pid)
{
	if (pid <= 0)
		return;
	if (waitpid(pid, NULL, WNOHANG) == pid)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 100; i++) {      /* up to 500 ms */
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void cleanup_at_exit(void)
{
	for (int i = 0; i < MAX_LIVE; i++) {
		pid_t pid = live[i].pid;
		if (pid) {
			kill_qemu(pid);
			remove_dir(live[i].dir);
			live[i].pid = 0;
		}
	}
}

/* Only when the signal would kill the harness anyway: a harness that handles
 * SIGINT itself closes its devices, and atexit covers the rest. */
static void on_signal(int sig)
{
	const struct sigaction *old = sig == SIGINT ? &old_int : &old_term;

	if (old->sa_handler == SIG_IGN)
		return;
	if (old->sa_handler != SIG_DFL) {
		if (old->sa_flags & SA_SIGINFO)
			old->sa_sigaction(sig, NULL, NULL);
		else
			old->sa_handler(sig);
		return;
	}
	for (int i = 0; i < MAX_LIVE; i++) {
		pid_t pid = live[i].pid;
		if (pid) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			remove_dir(live[i].dir);
			live[i].pid = 0;
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_hooks(void)
{
	struct sigaction sa;

	if (hooks_installed)
		return;
	hooks_installed = true;
	atexit(cleanup_at_exit);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
}

/* ---- time ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- base64 (RFC 4648, padded), as glib's g_base64_* in QEMU speak it ---- */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64chars[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? b64chars[v & 63] : '=';
	}
	out[o] = 0;
	return o;
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64chars, c) : NULL;

	return p ? (int)(p - b64chars) : -1;
}

/* Decodes exactly len bytes or fails. */
static int b64_decode(const char *in, uint8_t *out, size_t len)
{
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (; *in && *in != '='; in++) {
		int v = b64_val(*in);
		if (v < 0)
			return -EIO;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == len)
				return -EIO;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o == len ? 0 : -EIO;
}

/* ---- qtest line protocol ---- */

static void stderr_line(int fd, bool at_exit, char *out, size_t len);

/* From now on every operation fails at once. Say why, with QEMU's own last
 * words when it died (a device model assertion is a finding). */
static void mark_dead(struct vc_device *d, const char *why)
{
	struct qemu_priv *p = d->priv;
	int status;
	char how[64] = "still running";

	if (p->dead)
		return;
	p->dead = true;
	/* The socket closes as QEMU dies; the exit status follows a moment later. */
	bool closed = strcmp(why, "connection closed") == 0;
	for (int i = 0; p->pid > 0 && i < (closed ? 100 : 1); i++) {
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			if (WIFSIGNALED(status))
				snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(status));
			else
				snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
			live_del(p->pid);
			p->pid = 0;
			p->exited = true;
			stderr_line(p->errfd, true, p->last_words, sizeof(p->last_words));
			break;
		}
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	snprintf(d->note, sizeof(d->note), "QEMU connection lost (%s; QEMU %s%s%.120s): later operations fail",
		 why, how, p->last_words[0] ? ": " : "", p->last_words);
	if (!p->opening)
		fprintf(stderr, "virtio-conform: %s\n", d->note);
}

static void enqueue_irq(struct qemu_priv *p, int vector)
{
	if (p->npending < MAX_PENDING)
		p->pending[p->npending++] = vector;
}

/* "IRQ raise N" / "IRQ lower N" come whenever an intercepted ioapic pin
 * changes. PCI INTx on q35 reaches ioapic pins 16..23 (PIRQA..H); others
 * (the PIT on pin 2 under TCG) are not the device's. */
static void async_line(struct qemu_priv *p, const char *line)
{
	int raise = strncmp(line, "IRQ raise ", 10) == 0;
	long n = strtol(line + 10, NULL, 10);

	if (n < 16 || n > 23)
		return;
	if (raise) {
		if (!(p->intx_level & 1u << (n - 16)))
			enqueue_irq(p, -1);
		p->intx_level |= 1u << (n - 16);
	} else {
		p->intx_level &= ~(1u << (n - 16));
	}
}

static bool is_async(const char *line)
{
	return strncmp(line, "IRQ raise ", 10) == 0 || strncmp(line, "IRQ lower ", 10) == 0;
}

/* Drop a consumed line (len bytes including '\n') from the front of rbuf. */
static void consume(struct qemu_priv *p, size_t len)
{
	memmove(p->rbuf, p->rbuf + len, p->rlen - len);
	p->rlen -= len;
}

/* Read whatever is available within wait_ms into rbuf. 0, -ETIMEDOUT, -EIO. */
static int fill(struct qemu_priv *p, int wait_ms)
{
	struct pollfd pfd = { .fd = p->sock, .events = POLLIN };
	int n = 0;

	/* A qtest reply takes about 10 us; sleeping in poll() and being woken
	 * for it cost 60 us more on an idle virtual CPU (tools/bench, doorbell
	 * on qemu:), so wait for it awake a little first (50 us: as fast as longer, and
	 * less taken from other devices run in parallel). */
	if (wait_ms > 0) {
		struct timespec t0, t;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			n = poll(&pfd, 1, 0);
			sched_yield();       /* a core shared with other devices' QEMUs is theirs meanwhile */
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while (n == 0 && (t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < SPIN_NS);
	}
	if (n <= 0) {
		do
			n = poll(&pfd, 1, wait_ms < 0 ? 0 : wait_ms);
		while (n < 0 && errno == EINTR);
	}
	if (n < 0)
		return -EIO;
	if (n == 0)
		return -ETIMEDOUT;
	if (p->rcap - p->rlen < 4096) {
		size_t cap = p->rcap ? p->rcap * 2 : 65536;
		char *b = realloc(p->rbuf, cap);
		if (!b)
			return -ENOMEM;
		p->rbuf = b;
		p->rcap = cap;
	}
	ssize_t r;
	do
		r = recv(p->sock, p->rbuf + p->rlen, p->rcap - p->rlen - 1, 0);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return -EIO;     /* EOF: QEMU is gone */
	p->rlen += (size_t)r;
	return 0;
}

/* Take in any asynchronous lines that arrived between commands, waiting up
 * to wait_ms for the first bytes. A reply with no command outstanding means
 * the stream is out of step: dead. */
static int drain_async(struct vc_device *d, int wait_ms)
{
	struct qemu_priv *p = d->priv;
	int rc = fill(p, wait_ms);

	if (rc == -ETIMEDOUT)
		return 0;
	if (rc) {
		mark_dead(d, rc == -EIO ? "connection closed" : "out of memory");
		return -EIO;
	}
	for (char *nl; (nl = memchr(p->rbuf, '\n', p->rlen));) {
		*nl = 0;
		if (!is_async(p->rbuf)) {
			mark_dead(d, "unexpected reply");
			return -EIO;
		}
		async_line(p, p->rbuf);
		consume(p, (size_t)(nl - p->rbuf) + 1);
	}
	return 0;
}

/* Send one command line (no newline) and wait for its reply, recording
 * asynchronous IRQ lines on the way. On 0, *reply points at the text after
 * "OK" (valid until the next command). FAIL/ERR -> -EIO (connection kept). */
static int qt_cmd(struct vc_device *d, const char *cmd, const char **reply)
{
	struct qemu_priv *p = d->priv;
	static char okempty[] = "";
	size_t len = strlen(cmd);
	int64_t deadline = now_ms() + (d->timeout_ms ? d->timeout_ms : 2000);

	if (p->dead)
		return -EIO;
	if (reply)
		*reply = okempty;
	d->round_trips++;
	/* command and newline in one send, so QEMU sees whole lines at once */
	char small[256], *big = NULL, *out = small;
	size_t outlen = len + 1;
	if (outlen > sizeof(small) && !(out = big = malloc(outlen)))
		return -ENOMEM;
	memcpy(out, cmd, len);
	out[len] = '\n';
	size_t sent = 0;
	while (sent < outlen) {
		struct pollfd pfd = { .fd = p->sock, .events = POLLOUT };
		int64_t left = deadline - now_ms();
		int n = left > 0 ? poll(&pfd, 1, (int)left) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(big);
			mark_dead(d, n == 0 ? "timed out sending" : "poll failed");
			return n == 0 ? -ETIMEDOUT : -EIO;
		}
		ssize_t w = send(p->sock, out + sent, outlen - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0) {
			free(big);
			mark_dead(d, "connection closed");
			return -EIO;
		}
		sent += (size_t)w;
	}
	free(big);

	for (;;) {
		char *nl = p->rlen ? memchr(p->rbuf, '\n', p->rlen) : NULL;
		if (!nl) {
			int64_t left = deadline - now_ms();
			int rc = left > 0 ? fill(p, (int)left) : -ETIMEDOUT;
			if (rc) {
				mark_dead(d, rc == -ETIMEDOUT ? "reply timed out" :
					     rc == -EIO ? "connection closed" : "out of memory");
				return rc == -ETIMEDOUT ? -ETIMEDOUT : -EIO;
			}
			continue;
		}
		*nl = 0;
		size_t linelen = (size_t)(nl - p->rbuf) + 1;
		if (is_async(p->rbuf)) {
			async_line(p, p->rbuf);
			consume(p, linelen);
			continue;
		}
		/* Keep the reply text in a buffer that outlives consume(). */
		if (linelen > p->replycap) {
			char *b = realloc(p->reply, linelen);
			if (!b) {
				consume(p, linelen);
				return -ENOMEM;
			}
			p->reply = b;
			p->replycap = linelen;
		}
		char *last = p->reply;
		memcpy(last, p->rbuf, linelen);
		consume(p, linelen);
		if (strncmp(last, "OK", 2) == 0 && (last[2] == 0 || last[2] == ' ')) {
			if (reply)
				*reply = last[2] ? last + 3 : last + 2;
			return 0;
		}
		return -EIO;     /* FAIL ... / ERR ...: QEMU refused, stream intact */
	}
}

static int qt_cmdf(struct vc_device *d, const char **reply, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int qt_cmdf(struct vc_device *d, const char **reply, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -EINVAL;
	return qt_cmd(d, buf, reply);
}

static int parse_hex(const char *s, uint64_t *val)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 16);
	if (errno || end == s)
		return -EIO;
	*val = v;
	return 0;
}

static const char wchar[9] = { 0, 'b', 'w', 0, 'l', 0, 0, 0, 'q' };

static bool width_valid(unsigned width, unsigned max)
{
	return (width == 1 || width == 2 || width == 4 || width == 8) && width <= max;
}

/* Guest-physical MMIO/RAM access through the CPU's address space. */
static int mem_read(struct vc_device *d, uint64_t addr, unsigned width, uint64_t *val)
{
	const char *r;
	int rc;

	if (!width_valid(width, 8) || addr > UINT64_MAX - width)
		return -EINVAL;
	if ((rc = qt_cmdf(d, &r, "read%c 0x%" PRIx64, wchar[width], addr)))
		return rc;
	return parse_hex(r, val);
}

static int mem_write(struct vc_device *d, uint64_t addr, unsigned width, uint64_t val)
{
	if (!width_valid(width, 8) || addr > UINT64_MAX - width)
		return -EINVAL;
	if (width < 8)
		val &= (UINT64_C(1) << (8 * width)) - 1;
	return qt_cmdf(d, NULL, "write%c 0x%" PRIx64 " 0x%" PRIx64, wchar[width], addr, val);
}

static int io_read(struct vc_device *d, uint64_t port, unsigned width, uint64_t *val)
{
	const char *r;
	int rc;

	if (!width_valid(width, 4) || port > 0x10000 - width)
		return -EINVAL;
	if ((rc = qt_cmdf(d, &r, "in%c 0x%" PRIx64, wchar[width], port)))
		return rc;
	return parse_hex(r, val);
}

static int io_write(struct vc_device *d, uint64_t port, unsigned width, uint64_t val)
{
	if (!width_valid(width, 4) || port > 0x10000 - width)
		return -EINVAL;
	val &= (UINT64_C(1) << (8 * width)) - 1;
	return qt_cmdf(d, NULL, "out%c 0x%" PRIx64 " 0x%" PRIx64, wchar[width], port, val);
}

/* ---- config space ---- */

/* Mechanism #1 (0xcf8/0xcfc); sub-dword data at 0xcfc + (off & 3). */
static int cf8_read(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t *val)
{
	uint64_t v;
	int rc;

	if (off >= 256 || off % width)
		return -EINVAL;
	if ((rc = io_write(d, 0xcf8, 4, 0x80000000u | (uint32_t)bdf << 8 | (off & 0xfc))))
		return rc;
	if ((rc = io_read(d, 0xcfc + (off & 3), width, &v)))
		return rc;
	*val = (uint32_t)v;
	return 0;
}

static int cf8_write(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t val)
{
	int rc;

	if (off >= 256 || off % width)
		return -EINVAL;
	if ((rc = io_write(d, 0xcf8, 4, 0x80000000u | (uint32_t)bdf << 8 | (off & 0xfc))))
		return rc;
	return io_write(d, 0xcfc + (off & 3), width, val);
}

static int cfg_rd(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t *val)
{
	struct qemu_priv *p = d->priv;
	uint64_t v;
	int rc;

	if (!width_valid(width, 4) || off % width || off + width > (p->ecam ? 4096u : 256u))
		return -EINVAL;
	if (!p->ecam)
		return cf8_read(d, bdf, off, width, val);
	if ((rc = mem_read(d, ECAM_BASE + ((uint64_t)bdf << 12) + off, width, &v)))
		return rc;
	*val = (uint32_t)v;
	return 0;
}

static int cfg_wr(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t val)
{
	struct qemu_priv *p = d->priv;

	if (!width_valid(width, 4) || off % width || off + width > (p->ecam ? 4096u : 256u))
		return -EINVAL;
	if (!p->ecam)
		return cf8_write(d, bdf, off, width, val);
	return mem_write(d, ECAM_BASE + ((uint64_t)bdf << 12) + off, width, val);
}

static int qemu_cfg_read(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val)
{
	struct qemu_priv *p = d->priv;

	if (off + width > d->cfg_size)
		return -ERANGE;
	return cfg_rd(d, p->bdf, off, width, val);
}

static int qemu_cfg_write(struct vc_device *d, uint16_t off, unsigned width, uint32_t val)
{
	struct qemu_priv *p = d->priv;

	if (off + width > d->cfg_size)
		return -ERANGE;
	return cfg_wr(d, p->bdf, off, width, val);
}

/* ---- BARs ---- */

static int bar_check(struct vc_device *d, unsigned bar, uint64_t off, unsigned width)
{
	if (bar >= VC_NUM_BARS || !d->bar[bar].size || !width_valid(width, 8) ||
	    d->bar[bar].size < width || off > d->bar[bar].size - width)
		return -ERANGE;
	if (d->bar[bar].is_io && width > 4)
		return -EINVAL;   /* there is no 8-byte port access */
	return 0;
}

static int qemu_bar_read(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t *val)
{
	struct qemu_priv *p = d->priv;
	int rc;

	if ((rc = bar_check(d, bar, off, width)))
		return rc;
	if (d->bar[bar].is_io)
		return io_read(d, p->bar_addr[bar] + off, width, val);
	return mem_read(d, p->bar_addr[bar] + off, width, val);
}

static int qemu_bar_write(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t val)
{
	struct qemu_priv *p = d->priv;
	int rc;

	if ((rc = bar_check(d, bar, off, width)))
		return rc;
	if (d->bar[bar].is_io)
		return io_write(d, p->bar_addr[bar] + off, width, val);
	return mem_write(d, p->bar_addr[bar] + off, width, val);
}

/* ---- DMA: guest RAM ---- */

static bool ram_range_ok(uint64_t bus, size_t len)
{
	return len && bus < RAM_SIZE && len <= RAM_SIZE - bus;
}

static int qemu_dma_alloc(struct vc_device *d, size_t len, uint64_t *bus)
{
	struct qemu_priv *p = d->priv;
	uint64_t size = len ? ((uint64_t)len + 4095) & ~UINT64_C(4095) : 4096;
	int rc;

	if ((uint64_t)len > DMA_END || size > DMA_END - p->dma_next)
		return -ENOMEM;
	if ((rc = qt_cmdf(d, NULL, "memset 0x%" PRIx64 " 0x%" PRIx64 " 0x0", p->dma_next, size)))
		return rc;
	*bus = p->dma_next;
	p->dma_next += size;
	return 0;
}

static int qemu_dma_read(struct vc_device *d, uint64_t bus, void *buf, size_t len)
{
	uint8_t *out = buf;

	if (!len)
		return 0;
	if (!ram_range_ok(bus, len))
		return -ERANGE;
	while (len) {
		size_t n = len < B64_CHUNK ? len : B64_CHUNK;
		const char *r;
		int rc = qt_cmdf(d, &r, "b64read 0x%" PRIx64 " 0x%zx", bus, n);
		if (rc)
			return rc;
		if ((rc = b64_decode(r, out, n)))
			return rc;
		bus += n;
		out += n;
		len -= n;
	}
	return 0;
}

static int qemu_dma_write(struct vc_device *d, uint64_t bus, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	char *cmd;

	if (!len)
		return 0;
	if (!ram_range_ok(bus, len))
		return -ERANGE;
	cmd = malloc(64 + (B64_CHUNK + 2) / 3 * 4 + 1);
	if (!cmd)
		return -ENOMEM;
	while (len) {
		size_t n = len < B64_CHUNK ? len : B64_CHUNK;
		int k = snprintf(cmd, 64, "b64write 0x%" PRIx64 " 0x%zx ", bus, n);
		b64_encode(in, n, cmd + k);
		/* n >= 1 always encodes to >= 4 characters, so QEMU's "ERR invalid
		 * argument size" (< 3) cannot happen */
		int rc = qt_cmd(d, cmd, NULL);
		if (rc) {
			free(cmd);
			return rc;
		}
		bus += n;
		in += n;
		len -= n;
	}
	free(cmd);
	return 0;
}

/* ---- interrupts ---- */

/* The device's MSI write goes through its bus-master address space, so a
 * guest-RAM address receives the data word: that is the mailbox. */
static int qemu_msix_message(struct vc_device *d, unsigned vector, uint64_t *addr, uint32_t *data)
{
	struct qemu_priv *p;

	if (vector >= MBOX_VECTORS)
		return -ERANGE;
	p = d->priv;
	*addr = MBOX_BASE + 4ull * vector;
	*data = MBOX_DATA(vector);
	if (vector >= p->mbox_n)
		p->mbox_n = vector + 1;
	return 0;
}

long vc_qemu_pid(const struct vc_device *d)
{
	if (!d || d->ops != &qemu_ops)
		return -1;
	const struct qemu_priv *p = d->priv;
	return p->pid > 0 ? (long)p->pid : -1;
}

/* One look at the mailboxes: queue each vector whose slot was written, then
 * clear those slots. A message landing between the read and the clear of
 * the same slot is lost; the device model runs in QEMU's main loop, as qtest
 * does, so that needs a timer or an iothread. */
static int poll_mailboxes(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	uint32_t slots[MBOX_VECTORS];
	int rc;

	if (!p->mbox_n)
		return 0;
	if ((rc = qemu_dma_read(d, MBOX_BASE, slots, 4u * p->mbox_n)))
		return rc;
	for (unsigned v = 0; v < p->mbox_n; v++) {
		if (!slots[v])
			continue;
		enqueue_irq(p, (int)v);
		if ((rc = mem_write(d, MBOX_BASE + 4ull * v, 4, 0)))
			return rc;
	}
	return 0;
}

static int qemu_irq_wait(struct vc_device *d, int timeout_ms, int *vector)
{
	struct qemu_priv *p = d->priv;
	int64_t deadline = now_ms() + (timeout_ms < 0 ? (int)d->timeout_ms : timeout_ms);
	int rc;

	for (;;) {
		if (p->npending) {
			*vector = p->pending[0];
			memmove(p->pending, p->pending + 1, --p->npending * sizeof(p->pending[0]));
			return 0;
		}
		if (p->dead)
			return -EIO;
		if ((rc = poll_mailboxes(d)))
			return rc;
		if (p->npending)
			continue;
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		/* MSI-X needs polling RAM; INTx lines arrive on the socket by themselves. */
		int slice = p->mbox_n ? 1 : (int)(left > 100 ? 100 : left);
		if ((rc = drain_async(d, slice)))
			return rc;
	}
}

/* ---- host-side configuration changes, over QMP ---- */

/* One line from QMP into line[], waiting until deadline. 0, -ETIMEDOUT, -EIO. */
static int qmp_line(struct qemu_priv *p, int64_t deadline, char *line, size_t len)
{
	for (;;) {
		char *nl = memchr(p->qmp_buf, '\n', p->qmp_len);
		if (nl) {
			size_t n = (size_t)(nl - p->qmp_buf) + 1;
			snprintf(line, len, "%.*s", (int)(n - 1), p->qmp_buf);
			memmove(p->qmp_buf, p->qmp_buf + n, p->qmp_len - n);
			p->qmp_len -= n;
			return 0;
		}
		if (p->qmp_len == sizeof(p->qmp_buf))
			p->qmp_len = 0;          /* a line longer than we care for: drop it */
		struct pollfd pfd = { .fd = p->qmp, .events = POLLIN };
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		int n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -EIO : -ETIMEDOUT;
		ssize_t r = recv(p->qmp, p->qmp_buf + p->qmp_len, sizeof(p->qmp_buf) - p->qmp_len, 0);
		if (r <= 0)
			return -EIO;
		p->qmp_len += (size_t)r;
	}
}

/* Send one command and wait for its answer, skipping events. */
static int qmp_execute(struct vc_device *d, const char *json)
{
	struct qemu_priv *p = d->priv;
	int64_t deadline = now_ms() + (d->timeout_ms ? d->timeout_ms : 2000);
	char line[1024];
	size_t len = strlen(json);
	int rc;

	if (send(p->qmp, json, len, MSG_NOSIGNAL) != (ssize_t)len || send(p->qmp, "\n", 1, MSG_NOSIGNAL) != 1)
		return -EIO;
	while ((rc = qmp_line(p, deadline, line, sizeof(line))) == 0) {
		if (strstr(line, "\"return\""))
			return 0;
		if (strstr(line, "\"error\"")) {
			snprintf(d->note, sizeof(d->note), "QMP: %.200s", line);
			return -EIO;
		}
	}
	return rc;
}

/* What the device's host side would do: a balloon target, a link going
 * down or up. Each call undoes the one before, so the device ends where it
 * started after an even number. (block_resize would change a disk's
 * capacity, but QEMU 7.2's null-co driver cannot be resized.) */
static int qemu_config_change(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int64_t deadline = now_ms() + (d->timeout_ms ? d->timeout_ms : 2000);
	bool odd = p->changes % 2;
	char cmd[200], line[1024];
	int rc;

	if (p->trigger == TRIGGER_NONE || p->qmp < 0)
		return -ENOTSUP;
	if (p->dead)
		return -EIO;
	if (!p->qmp_ready) {
		if ((rc = qmp_line(p, deadline, line, sizeof(line))) ||
		    (rc = qmp_execute(d, "{\"execute\": \"qmp_capabilities\"}")))
			return rc;
		p->qmp_ready = true;
	}
	if (p->trigger == TRIGGER_BALLOON)     /* a target below the RAM size: num_pages changes */
		snprintf(cmd, sizeof(cmd), "{\"execute\": \"balloon\", \"arguments\": {\"value\": %llu}}",
			 (unsigned long long)(odd ? RAM_SIZE : RAM_SIZE / 2));
	else                                   /* status: VIRTIO_NET_S_LINK_UP */
		snprintf(cmd, sizeof(cmd), "{\"execute\": \"set_link\", \"arguments\": {\"name\": \"vcnet\", "
			 "\"up\": %s}}", odd ? "true" : "false");
	if ((rc = qmp_execute(d, cmd)))
		return rc;
	p->changes++;
	return 0;
}

/* QEMU runs the device models, their bottom halves and the qtest socket in
 * one main loop, and answers one command per loop iteration when the
 * harness waits for each reply. A device model writes its used entries and
 * sends its interrupt (an MSI-X write into RAM, or an ioapic line reported
 * on the socket before the reply that follows it) in the handler of the
 * notification or in a bottom half it schedules. So a few iterations after
 * the last access, whatever the device was going to do about it is done and
 * visible: tools/bench's used-after figure is 1 iteration (split rings) or
 * 2 (packed) on every model of the matrix; this covers twice that. Work a
 * device puts off on a timer is not covered, as no fixed window covers it. */
#define SETTLE_ITERATIONS 4

static int qemu_settle(struct vc_device *d)
{
	int rc;

	for (unsigned i = 0; i < SETTLE_ITERATIONS; i++)
		if ((rc = qt_cmdf(d, NULL, "readb 0x%llx", MBOX_BASE)))
			return rc;
	return 0;
}

/* ---- close ---- */

static void qemu_close(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;

	if (!p)
		return;
	if (p->sock >= 0)
		close(p->sock);
	if (p->qmp >= 0)
		close(p->qmp);
	if (p->pid > 0) {
		kill_qemu(p->pid);
		live_del(p->pid);
	}
	remove_dir(p->dir);
	if (p->notify_fd >= 0)
		close(p->notify_fd);
	if (p->errfd >= 0)
		close(p->errfd);
	free(p->rbuf);
	free(p->reply);
	free(p);
	d->priv = NULL;
}

/* QEMU 7.2's lines: "virtio_pci_notify_write 0xADDR = 0xVAL (SIZE)", ADDR
 * in the notification structure, for a write the proxy handled, then
 * "virtio_queue_notify vdev P n N vq P" when it reaches queue N. With
 * ioeventfd the write bypasses the proxy: only the queue line comes (from
 * the event loop, coalesced, and once more when DRIVER_OK starts
 * ioeventfd); such a notification is reported with width 0. */
static int qemu_notify_seen(struct vc_device *d, struct vc_notify_seen *ev, unsigned max)
{
	struct qemu_priv *p = d->priv;
	char buf[8192];
	unsigned n = 0;
	bool write_open = false;      /* the last entry is a write awaiting its queue */
	ssize_t len;

	if (p->notify_fd < 0)
		return -ENOTSUP;
	if (p->dead)
		return -EIO;
	while ((len = pread(p->notify_fd, buf, sizeof(buf) - 1, p->notify_pos)) > 0) {
		buf[len] = 0;
		char *end = strrchr(buf, '\n');
		if (!end)
			break;                /* a partial line: next time */
		*end = 0;
		p->notify_pos += end + 1 - buf;
		for (char *save, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			unsigned long long addr, val;
			unsigned size;
			int q;
			char *w = strstr(line, "virtio_pci_notify_write "), *qn = strstr(line, "virtio_queue_notify ");
			if (w && sscanf(w, "virtio_pci_notify_write 0x%llx = 0x%llx (%u)", &addr, &val, &size) == 3) {
				if (n < max)
					ev[n++] = (struct vc_notify_seen){ addr, (uint32_t)val, (uint8_t)size, -1 };
				write_open = true;
			} else if (qn && (qn = strstr(qn, " n ")) && sscanf(qn, " n %d", &q) == 1) {
				if (write_open && n)
					ev[n - 1].queue = q;
				else if (n < max)
					ev[n++] = (struct vc_notify_seen){ 0, 0, 0, q };
				write_open = false;
			}
		}
	}
	return (int)n;
}

static const struct vc_backend_ops qemu_ops = {
	.cfg_read = qemu_cfg_read,
	.cfg_write = qemu_cfg_write,
	.bar_read = qemu_bar_read,
	.bar_write = qemu_bar_write,
	.dma_alloc = qemu_dma_alloc,
	.dma_read = qemu_dma_read,
	.dma_write = qemu_dma_write,
	.irq_wait = qemu_irq_wait,
	.msix_message = qemu_msix_message,
	.notify_seen = qemu_notify_seen,
	.config_change = qemu_config_change,
	.settle = qemu_settle,
	.close = qemu_close,
};

/* ---- start-up ---- */

/* The binary to run: VC_QEMU, or qemu-system-x86_64 found on PATH. */
static bool find_qemu(const char *name, char *path, size_t len)
{
	if (strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		return access(path, X_OK) == 0;
	}
	const char *env = getenv("PATH");
	char *dirs = strdup(env ? env : "/usr/bin:/bin");
	bool found = false;

	if (!dirs)
		return false;
	for (char *save, *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		int n = snprintf(path, len, "%s/%s", *dir ? dir : ".", name);
		if (n > 0 && (size_t)n < len && access(path, X_OK) == 0) {
			found = true;
			break;
		}
	}
	free(dirs);
	return found;
}

/* Is key=... among the comma-separated properties (QEMU escapes ',' as ',,')? */
static bool has_prop(const char *props, const char *key)
{
	size_t k = strlen(key);

	for (const char *s = props; s && *s;) {
		if (strncmp(s, key, k) == 0 && s[k] == '=')
			return true;
		const char *c = s;
		while ((c = strchr(c, ',')) && c[1] == ',')
			c += 2;
		s = c ? c + 1 : NULL;
	}
	return false;
}

static const char *prop_value(const char *props, const char *key, char *buf, size_t len)
{
	size_t k = strlen(key);

	for (const char *s = props; s && *s;) {
		const char *c = s;
		while ((c = strchr(c, ',')) && c[1] == ',')
			c += 2;
		if (strncmp(s, key, k) == 0 && s[k] == '=') {
			size_t n = (c ? (size_t)(c - s) : strlen(s)) - k - 1;
			snprintf(buf, len, "%.*s", (int)n, s + k + 1);
			return buf;
		}
		s = c ? c + 1 : NULL;
	}
	return NULL;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* What QEMU said went wrong: at start-up its first line that is not a
 * warning (else the first line); when it died later, its last non-warning
 * line. fd: QEMU's stderr file, read with pread so QEMU's offset is untouched. */
static void stderr_line(int fd, bool at_exit, char *out, size_t len)
{
	static char buf[16384];
	struct stat st;
	off_t from = 0;

	out[0] = 0;
	if (fd < 0 || fstat(fd, &st))
		return;
	if (at_exit && st.st_size > (off_t)sizeof(buf) - 1)
		from = st.st_size - (off_t)sizeof(buf) + 1;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, from);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (char *save, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool warning = strstr(line, "warning:") != NULL;
		if (at_exit && warning)
			continue;
		if (at_exit || !out[0] || strstr(out, "warning:"))
			snprintf(out, len, "%.*s", (int)len - 1, line);
		if (!at_exit && !warning)
			break;
	}
}

struct qemu_cmdline {
	char *argv[96];
	int argc;
	char *split;     /* VC_QEMU_ARGS, owned */
};

static int start_qemu(const char *bin, char *const argv[], const char *dir, int errfd,
		      int lsock, pid_t *pidp, int *conn, char *err, size_t errlen)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		/* QEMU must die with the harness, even on SIGKILL. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int in = open("/dev/null", O_RDONLY);
		if (in >= 0)
			dup2(in, 0);
		dup2(errfd, 1);
		dup2(errfd, 2);
		execv(bin, argv);
		fprintf(stderr, "%s: exec failed: %s\n", bin, strerror(errno));
		_exit(127);
	}
	live_add(pid, dir);
	*pidp = pid;

	int64_t deadline = now_ms() + START_TIMEOUT_MS;
	for (;;) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			char line[400];
			live_del(pid);
			*pidp = 0;
			stderr_line(errfd, false, line, sizeof(line));
			if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
				snprintf(err, errlen, "%s", line[0] ? line : "cannot run QEMU");
				return -ENOENT;
			}
			snprintf(err, errlen, "QEMU exited at start-up: %s",
				 line[0] ? line : "(no message)");
			return -EINVAL;
		}
		struct pollfd pfd = { .fd = lsock, .events = POLLIN };
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			kill_qemu(pid);
			live_del(pid);
			*pidp = 0;
			snprintf(err, errlen, "QEMU did not connect to the qtest socket within %d ms",
				 START_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
		if (poll(&pfd, 1, left < 20 ? (int)left : 20) > 0) {
			int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				*conn = c;
				return 0;
			}
		}
	}
}

/* Like a BIOS: size every BAR, place it, enable decoding and bus mastering. */
static int assign_bars(struct vc_device *d, char *err, size_t errlen)
{
	struct qemu_priv *p = d->priv;
	uint64_t mem32 = MEM32_BASE, mem64 = MEM64_BASE, io = IO_BASE;
	uint32_t cmd;
	int rc;

	if ((rc = cfg_rd(d, p->bdf, 0x04, 2, &cmd)))
		goto fail;
	/* No decoding while BARs hold all-ones. */
	if ((rc = cfg_wr(d, p->bdf, 0x04, 2, cmd & ~7u)))
		goto fail;
	for (unsigned i = 0; i < VC_NUM_BARS; i++) {
		uint16_t off = (uint16_t)(0x10 + 4 * i);
		uint32_t orig, lo, hi_orig = 0, hi = 0;
		bool is64 = false;

		if ((rc = cfg_rd(d, p->bdf, off, 4, &orig)) ||
		    (rc = cfg_wr(d, p->bdf, off, 4, 0xffffffffu)) ||
		    (rc = cfg_rd(d, p->bdf, off, 4, &lo)) ||
		    (rc = cfg_wr(d, p->bdf, off, 4, orig)))
			goto fail;
		bool is_io = orig & 1;
		if (!is_io && (orig & 6) == 4 && i + 1 < VC_NUM_BARS) {
			is64 = true;
			if ((rc = cfg_rd(d, p->bdf, off + 4, 4, &hi_orig)) ||
			    (rc = cfg_wr(d, p->bdf, off + 4, 4, 0xffffffffu)) ||
			    (rc = cfg_rd(d, p->bdf, off + 4, 4, &hi)) ||
			    (rc = cfg_wr(d, p->bdf, off + 4, 4, hi_orig)))
				goto fail;
		}
		/* size = two's complement of the writable address bits */
		uint64_t bits;
		bool implemented;
		if (is_io) {
			bits = 0xffffffffffff0000ull | (lo & 0xfffcu);
			implemented = lo & 0xfffcu;
		} else if (is64) {
			bits = (uint64_t)hi << 32 | (lo & ~15u);
			implemented = bits != 0;
		} else {
			bits = 0xffffffff00000000ull | (lo & ~15u);
			implemented = lo & ~15u;
		}
		uint64_t size = ~bits + 1;
		if (!implemented || !size || (size & (size - 1))) {
			if (is64)
				i++;
			continue;
		}

		uint64_t *next = is_io ? &io : is64 ? &mem64 : &mem32;
		uint64_t end = is_io ? IO_END : is64 ? MEM64_END : MEM32_END;
		uint64_t addr = (*next + size - 1) & ~(size - 1);
		if (addr < *next || addr + size > end || addr + size < addr) {
			snprintf(err, errlen, "BAR%u of %" PRIu64 " bytes does not fit the %s window",
				 i, size, is_io ? "I/O" : "memory");
			return -ENOSPC;
		}
		*next = addr + size;
		if ((rc = cfg_wr(d, p->bdf, off, 4, (uint32_t)addr | (orig & (is_io ? 3u : 15u)))))
			goto fail;
		if (is64 && (rc = cfg_wr(d, p->bdf, off + 4, 4, (uint32_t)(addr >> 32))))
			goto fail;
		p->bar_addr[i] = addr;
		d->bar[i].size = size;
		d->bar[i].is_io = is_io;
		d->bar[i].is_64 = is64;
		if (is64)
			i++;
	}
	/* memory + I/O decoding + bus master: DMA and MSI-X writes need it */
	if ((rc = cfg_wr(d, p->bdf, 0x04, 2, (cmd & ~7u) | 7u)))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "QEMU: configuring the device's BARs failed (%s)", strerror(-rc));
	return rc;
}

/* q35 ships with ECAM off; the MCH's PCIEXBAR turns it on (256 MiB at
 * 0xb0000000). Proof it works: the host bridge's ID reads the same both ways. */
static void enable_ecam(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	uint32_t id_cf8, id_ecam;
	uint64_t v;

	p->ecam = false;
	if (cf8_read(d, 0, 0, 4, &id_cf8) || id_cf8 == 0xffffffffu)
		return;
	if (cf8_write(d, 0, MCH_PCIEXBAR + 4, 4, (uint32_t)(ECAM_BASE >> 32)) ||
	    cf8_write(d, 0, MCH_PCIEXBAR, 4, (uint32_t)ECAM_BASE | 1u))  /* length 256 MiB, enable */
		return;
	if (mem_read(d, ECAM_BASE, 4, &v))
		return;
	id_ecam = (uint32_t)v;
	p->ecam = id_ecam == id_cf8;
}

/* A unix socket listening at path, for QEMU to connect to. */
static int listen_at(const char *path, int *fd, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "qemu: socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0 || bind(*fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(*fd, 1)) {
		int e = errno;
		snprintf(err, errlen, "qemu: socket %s: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

static int qemu_open(const char *arg, struct vc_device **out, char *err, size_t errlen)
{
	const char *qemu_name = getenv("VC_QEMU");
	char bin[PATH_MAX], devline[640], name[128], addrbuf[32], busbuf[64];
	char hltpath[192], sockpath[192], qmppath[192], qmp_arg[240];
	const char *props;
	struct qemu_cmdline cl = { .argc = 0 };
	struct vc_device *d = NULL;
	struct qemu_priv *p = NULL;
	int lsock = -1, qmp_lsock = -1, rc;

	*out = NULL;
	if (!qemu_name || !*qemu_name)
		qemu_name = "qemu-system-x86_64";
	size_t nlen = strcspn(arg, ",");
	if (nlen == 0 || nlen >= sizeof(name)) {
		snprintf(err, errlen, "qemu: give a device model, e.g. qemu:virtio-rng-pci or "
			 "qemu:virtio-net-pci,packed=on");
		return -EINVAL;
	}
	memcpy(name, arg, nlen);
	name[nlen] = 0;
	props = arg[nlen] ? arg + nlen + 1 : "";
	for (const char *c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.') {
			snprintf(err, errlen, "qemu: '%s' is not a device model name", name);
			return -EINVAL;
		}
	}
	if (!find_qemu(qemu_name, bin, sizeof(bin))) {
		snprintf(err, errlen, "%s not found: install qemu-system-x86 (tools/setup) or set VC_QEMU",
			 qemu_name);
		return -ENOENT;
	}

	/* Where the device sits: addr=SLOT[.FN] (hex) on pcie.0, 00:04.0 unless told. */
	unsigned slot = DEFAULT_SLOT, fn = 0;
	if (prop_value(props, "addr", addrbuf, sizeof(addrbuf))) {
		char *end;
		unsigned long s = strtoul(addrbuf, &end, 16), f = 0;
		if (*end == '.')
			f = strtoul(end + 1, &end, 16);
		if (*end || s > 31 || f > 7) {
			snprintf(err, errlen, "qemu: addr=%s: expected SLOT[.FN] in hex", addrbuf);
			return -EINVAL;
		}
		slot = (unsigned)s;
		fn = (unsigned)f;
	}
	if (prop_value(props, "bus", busbuf, sizeof(busbuf)) && strcmp(busbuf, "pcie.0") != 0) {
		snprintf(err, errlen, "qemu: bus=%s: the backend only reaches devices on pcie.0", busbuf);
		return -EINVAL;
	}
	/* virtio devices only, and not the (non-)transitional types, which lack it */
	bool legacy_prop = (strncmp(name, "virtio-", 7) == 0 || strncmp(name, "vhost-", 6) == 0) &&
			   !ends_with(name, "-transitional");
	bool is_blk = strncmp(name, "virtio-blk-pci", 14) == 0 && !has_prop(props, "drive");
	bool is_net = strncmp(name, "virtio-net-pci", 14) == 0 && !has_prop(props, "netdev");
	int n = snprintf(devline, sizeof(devline), "%s%s%s%s%s%s", name,
			 *props ? "," : "", props,
			 legacy_prop && !has_prop(props, "disable-legacy") ? ",disable-legacy=on" : "",
			 has_prop(props, "addr") ? "" : ",addr=0x4",
			 is_blk ? ",drive=vcdisk" : is_net ? ",netdev=vcnet" : "");
	if (n < 0 || (size_t)n >= sizeof(devline)) {
		snprintf(err, errlen, "qemu: device line too long");
		return -EINVAL;
	}

	install_hooks();
	d = vc_device_new(&qemu_ops, "qemu", arg);
	p = calloc(1, sizeof(*p));
	if (!d || !p) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	d->priv = p;
	p->sock = -1;
	p->qmp = -1;
	p->errfd = -1;
	p->notify_fd = -1;
	p->bdf = (uint16_t)(slot << 3 | fn);
	p->dma_next = DMA_BASE;

	/* Private directory: the firmware and the socket. */
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 60)
		tmp = "/tmp";   /* sun_path is short */
	snprintf(p->dir, sizeof(p->dir), "%s/vc-qemu-XXXXXX", tmp);
	if (!mkdtemp(p->dir)) {
		rc = -errno;
		snprintf(err, errlen, "qemu: mkdtemp %s: %s", p->dir, strerror(errno));
		p->dir[0] = 0;
		goto fail;
	}
	snprintf(hltpath, sizeof(hltpath), "%s/hlt.bin", p->dir);
	snprintf(sockpath, sizeof(sockpath), "%s/qtest.sock", p->dir);
	{
		/* 64 KiB of hlt: no BIOS touches the device and the CPU idles, while
		 * the VM runs (a stopped VM ignores queue notifications). */
		static uint8_t hlt[65536];
		memset(hlt, 0xf4, sizeof(hlt));
		FILE *f = fopen(hltpath, "wb");
		if (!f || fwrite(hlt, 1, sizeof(hlt), f) != sizeof(hlt) || fclose(f)) {
			rc = -EIO;
			snprintf(err, errlen, "qemu: cannot write %s", hltpath);
			goto fail;
		}
	}
	if ((rc = listen_at(sockpath, &lsock, err, errlen)))
		goto fail;
	/* A QMP connection for host-side configuration changes, where the model
	 * has one the harness knows (a network device on the netdev the harness
	 * named itself). QEMU connects to it as it does to the qtest socket. */
	p->trigger = strncmp(name, "virtio-balloon-pci", 18) == 0 ? TRIGGER_BALLOON
		     : is_net ? TRIGGER_LINK : TRIGGER_NONE;
	snprintf(qmppath, sizeof(qmppath), "%s/qmp.sock", p->dir);
	snprintf(qmp_arg, sizeof(qmp_arg), "socket,id=vcqmp,path=%s", qmppath);
	if (p->trigger != TRIGGER_NONE && (rc = listen_at(qmppath, &qmp_lsock, err, errlen)))
		goto fail;


	/* TCG by default: under KVM, QEMU hands MSI-X messages to KVM irqfds
	 * that go straight to the (halted) vCPU, so they never reach the RAM
	 * mailboxes irq_wait reads. The guest CPU only halts, so TCG costs
	 * nothing here. VC_QEMU_ACCEL=kvm (or another) pins one. */
	const char *accel = getenv("VC_QEMU_ACCEL");
	if (accel && (!*accel || strspn(accel, "abcdefghijklmnopqrstuvwxyz0123456789,=-_") != strlen(accel)))
		accel = NULL;
	if (!accel)
		accel = "tcg";
	char qtest_arg[220];
	snprintf(qtest_arg, sizeof(qtest_arg), "unix:%s", sockpath);
#define ARG(s) do { if (cl.argc < (int)(sizeof(cl.argv) / sizeof(cl.argv[0])) - 1) \
		cl.argv[cl.argc++] = (char *)(s); } while (0)
	ARG(bin);
	ARG("-machine"); ARG("q35");
	ARG("-accel"); ARG(accel);
	ARG("-m"); ARG("256M");
	ARG("-bios"); ARG(hltpath);
	ARG("-nodefaults"); ARG("-display"); ARG("none");
	ARG("-serial"); ARG("none"); ARG("-monitor"); ARG("none");
	ARG("-qtest"); ARG(qtest_arg); ARG("-qtest-log"); ARG("/dev/null");
	if (qmp_lsock >= 0) {
		ARG("-chardev"); ARG(qmp_arg); ARG("-mon"); ARG("chardev=vcqmp,mode=control");
	}
	if (is_blk) {
		/* read-zeroes: without it null-co leaves read buffers untouched,
		 * yet the device reports them written (the used-len rule) */
		ARG("-blockdev"); ARG("driver=null-co,node-name=vcdisk,size=1048576,read-zeroes=on");
	}
	if (is_net) {
		/* Two ports on a hub, no host network: the second port has no
		 * peer, so the hub always accepts (and drops) what the device
		 * transmits. With one port alone, transmits would queue forever. */
		ARG("-netdev"); ARG("hubport,id=vcnet,hubid=0");
		ARG("-netdev"); ARG("hubport,id=vcsink,hubid=0");
	}
	ARG("-device"); ARG(devline);
	const char *extra = getenv("VC_QEMU_ARGS");
	if (extra && *extra) {
		cl.split = strdup(extra);
		if (cl.split) {
			for (char *save, *w = strtok_r(cl.split, " \t", &save); w;
			     w = strtok_r(NULL, " \t", &save))
				ARG(w);
		}
	}
	/* The device model's own view of the doorbells (notify_seen): its two
	 * notify trace events into a private file, unless the user's arguments
	 * route QEMU's log elsewhere. */
	char notify_path[192], notify_file[200];
	if (!extra || (!strstr(extra, "-trace") && !strstr(extra, "-D"))) {
		snprintf(notify_path, sizeof(notify_path), "%s/notify.log", p->dir);
		snprintf(notify_file, sizeof(notify_file), "file=%s", notify_path);
		p->notify_fd = open(notify_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (p->notify_fd >= 0) {
			ARG("-trace"); ARG("enable=virtio_pci_notify_write");
			ARG("-trace"); ARG("enable=virtio_queue_notify");
			ARG("-trace"); ARG(notify_file);
		}
	}
	cl.argv[cl.argc] = NULL;
#undef ARG

	/* QEMU's stdout and stderr: read back for error messages, never a pipe
	 * QEMU could block on. */
	char errpath[192];
	snprintf(errpath, sizeof(errpath), "%s/stderr", p->dir);
	p->errfd = open(errpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (p->errfd < 0) {
		rc = -errno;
		snprintf(err, errlen, "qemu: %s: %s", errpath, strerror(errno));
		goto fail;
	}
	rc = start_qemu(bin, cl.argv, p->dir, p->errfd, lsock, &p->pid, &p->sock, err, errlen);
	close(lsock);
	lsock = -1;
	unlink(sockpath);
	if (rc)
		goto fail;
	if (qmp_lsock >= 0) {
		/* QEMU connected while it started, before the qtest socket */
		struct pollfd pfd = { .fd = qmp_lsock, .events = POLLIN };
		if (poll(&pfd, 1, START_TIMEOUT_MS) > 0)
			p->qmp = accept4(qmp_lsock, NULL, NULL, SOCK_CLOEXEC);
		close(qmp_lsock);
		qmp_lsock = -1;
		unlink(qmppath);
		if (p->qmp < 0) {
			rc = -EIO;
			snprintf(err, errlen, "qemu: QEMU did not connect to the QMP socket");
			goto fail;
		}
	}
	p->opening = true;

	/* INTx: have QEMU report ioapic input changes as "IRQ raise/lower N". */
	if ((rc = qt_cmd(d, "irq_intercept_in ioapic", NULL))) {
		snprintf(err, errlen, "qemu: irq_intercept_in ioapic failed (%s)", strerror(-rc));
		goto fail;
	}
	enable_ecam(d);
	if (p->dead) {
		rc = -EIO;
		snprintf(err, errlen, "qemu: %s", d->note);
		goto fail;
	}
	uint32_t id;
	if ((rc = cfg_rd(d, p->bdf, 0, 4, &id))) {
		snprintf(err, errlen, "qemu: config read failed (%s)", strerror(-rc));
		goto fail;
	}
	if ((id & 0xffff) != 0x1af4) {
		rc = -ENODEV;
		if (id == 0xffffffffu)
			snprintf(err, errlen, "qemu: no device answers at 00:%02x.%u for -device %s",
				 slot, fn, devline);
		else
			snprintf(err, errlen, "qemu: 00:%02x.%u is %04x:%04x, not a virtio device (vendor 1af4)",
				 slot, fn, id & 0xffff, id >> 16);
		goto fail;
	}
	if ((rc = assign_bars(d, err, errlen)))
		goto fail;

	d->cfg_size = p->ecam ? 4096 : 256;
	if (!p->ecam)
		snprintf(d->note, sizeof(d->note),
			 "ECAM could not be enabled: config space limited to 256 bytes (0xcf8/0xcfc)");
	d->abilities = VC_CFG_WRITE | VC_BAR_READ | VC_BAR_WRITE | VC_DMA | VC_IRQ | VC_BAR_SIZES;
	snprintf(d->location, sizeof(d->location), "0000:00:%02x.%u -device %.200s", slot, fn, devline);
	free(cl.split);
	/* QEMU has loaded the firmware and holds its stderr open: the directory
	 * can go now, so nothing is left behind even if the harness is SIGKILLed. */
	remove_dir(p->dir);
	live_forget_dir(p->pid);
	p->dir[0] = 0;
	p->opening = false;
	*out = d;
	return 0;

fail:
	/* QEMU may accept the qtest connection before it checks -device, then exit. */
	if (p && p->dead && p->exited) {
		char line[400];
		stderr_line(p->errfd, false, line, sizeof(line));
		rc = -EINVAL;
		snprintf(err, errlen, "QEMU exited at start-up: %s", line[0] ? line : "(no message)");
	}
	if (lsock >= 0)
		close(lsock);
	if (qmp_lsock >= 0)
		close(qmp_lsock);
	free(cl.split);
	if (d) {
		if (p)
			qemu_close(d);
		free(d);
	} else {
		free(p);
	}
	return rc;
}

const struct vc_backend vc_backend_qemu = { "qemu", "qemu:DEVICE[,props]", qemu_open };
