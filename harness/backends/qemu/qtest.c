/* The qtest line protocol: one command line, one reply line, with "IRQ
 * raise/lower" lines in between whenever an intercepted ioapic pin moves.
 * QEMU aborts on a malformed command, so every command is built here from
 * validated integers; a lost connection or a timeout marks the backend dead
 * and every later operation fails fast instead of hanging. */
#include "qemu_priv.h"

/* ---- time ---- */

/* vc_now_ms, signed for deadline arithmetic */
int64_t qemu_now_ms(void)
{
	return (int64_t)vc_now_ms();
}

/* ---- base64 (RFC 4648, padded), as glib's g_base64_* in QEMU speak it ---- */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t qemu_b64_encode(const uint8_t *in, size_t len, char *out)
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
int qemu_b64_decode(const char *in, uint8_t *out, size_t len)
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

/* From now on every operation fails at once. Say why, with QEMU's own last
 * words when it died (a device model assertion is a finding). */
void qemu_mark_dead(struct vc_device *d, const char *why)
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
			qemu_live_del(p->pid);
			p->pid = 0;
			p->exited = true;
			qemu_stderr_line(p->errfd, true, p->last_words, sizeof(p->last_words));
			break;
		}
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	snprintf(d->note, sizeof(d->note), "QEMU connection lost (%s; QEMU %s%s%.120s): later operations fail",
		 why, how, p->last_words[0] ? ": " : "", p->last_words);
	snprintf(d->gone, sizeof(d->gone), "QEMU connection lost (%s; QEMU %s%s%.120s)", why, how,
		 p->last_words[0] ? ": " : "", p->last_words);
	if (!p->opening)
		fprintf(stderr, "virtio-conform: %s\n", d->note);
}

void qemu_mark_backend_dead(struct vc_device *d, const char *line)
{
	struct qemu_priv *p = d->priv;

	if (p->dead)
		return;
	p->dead = true;
	snprintf(d->note, sizeof(d->note), "%s: later operations fail", line);
	snprintf(d->gone, sizeof(d->gone), "%s", line);
	if (!p->opening)
		fprintf(stderr, "virtio-conform: %s\n", d->note);
}

void qemu_enqueue_irq(struct qemu_priv *p, int vector)
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
			qemu_enqueue_irq(p, -1);
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

/* How long fill() waits for a reply awake before it sleeps in poll():
 * VC_QTEST_SPIN_US if set (0: sleep at once), else SPIN_NS, however many
 * devices the run drives at once. The awake wait yields its core on every
 * look, so another device's QEMU still gets it: on 2 cores, with 1, 2 and 4
 * devices at once, awake was faster than asleep each time (tools/bench,
 * docs/performance.md), and so was it than sharing one core with QEMU's
 * main thread (each hand-over a context switch: 28 us a round trip against
 * 15 us awake on two cores). */
static long spin_ns(void)
{
	static long ns = -1;

	if (ns < 0) {
		const char *e = getenv("VC_QTEST_SPIN_US");
		char *end;
		long us = e && *e ? strtol(e, &end, 10) : -1;
		ns = us >= 0 && us <= 10000 && !*end ? us * 1000 : SPIN_NS;
	}
	return ns;
}

/* Whatever is in the socket into rbuf, without waiting: 1 if something
 * came, 0 if nothing is there, -EIO (EOF: QEMU is gone), -ENOMEM. */
static int take(struct qemu_priv *p)
{
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
		r = recv(p->sock, p->rbuf + p->rlen, p->rcap - p->rlen - 1, MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		p->rlen += (size_t)r;
		return 1;
	}
	return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -EIO;
}

/* Read whatever is available within wait_ms into rbuf: 0 (bytes came; after
 * a spurious wake-up, none: the caller looks again), -ETIMEDOUT, -EIO,
 * -ENOMEM. A look is a receive, not a poll() and then a receive. */
static int fill(struct qemu_priv *p, int wait_ms)
{
	struct pollfd pfd = { .fd = p->sock, .events = POLLIN };
	uint64_t t0 = vc_now_ns();
	long spin = wait_ms > 0 ? spin_ns() : 0;
	int rc, n;

	/* A qtest reply takes about 10 us; sleeping in poll() and being woken
	 * for it cost 60 us more on an idle virtual CPU (tools/bench, doorbell
	 * on qemu:), so wait for it awake a little first (50 us: as fast as longer, and
	 * less taken from other devices run in parallel). */
	for (;;) {
		if ((rc = take(p)))
			return rc > 0 ? 0 : rc;
		if (wait_ms <= 0)
			return -ETIMEDOUT;
		if (vc_now_ns() - t0 >= (uint64_t)spin)
			break;
		sched_yield();       /* a core shared with other devices' QEMUs is theirs meanwhile */
	}
	do
		n = poll(&pfd, 1, wait_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -EIO;
	if (n == 0)
		return -ETIMEDOUT;
	rc = take(p);
	return rc < 0 ? rc : 0;
}

/* Pipelining. QEMU reads every complete command line in its input, in
 * order, each with its own access width, and answers each with one line; so
 * commands that do not depend on each other's replies can go out together
 * and their replies be read afterwards, in order. Commands are queued in
 * p->sendbuf (qt_queue) and go out at qt_flush. A write's reply carries
 * nothing but OK: writes are posted (qt_post), their replies collected at
 * the next read or wait (qt_sync), like a PCI posted write; at most
 * QT_MAX_QUEUED lines are ever in flight. */
#define QT_MAX_QUEUED 64

/* How long QEMU may take to answer. With a vhost-user backend, QEMU answers
 * some accesses (a status write, a queue's enable) only once the backend has
 * answered its own messages, and a backend starved of CPU (dpdk-testpmd's
 * forwarding lcore polls one core) can take seconds: a slow answer there is
 * not a dead QEMU. A backend that is gone is seen sooner by the parts' alive
 * hooks; one that never answers at all is the open's to report. */
#define OUT_OF_PROCESS_REPLY_MS 10000

static int64_t deadline_of(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int64_t ms = d->timeout_ms ? d->timeout_ms : 2000;

	if (p->out_of_process && !p->opening && ms < OUT_OF_PROCESS_REPLY_MS)
		ms = OUT_OF_PROCESS_REPLY_MS;
	return qemu_now_ms() + ms;
}

/* Everything queued out to QEMU: sent at once, waited for only when the
 * socket is full (a system call fewer per wait). */
static int send_queued(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int64_t deadline = deadline_of(d);
	size_t sent = 0;

	while (sent < p->sendlen) {
		ssize_t w = send(p->sock, p->sendbuf + sent, p->sendlen - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			sent += (size_t)w;
			continue;
		}
		if (w == 0 || (errno != EINTR && errno != EAGAIN)) {
			qemu_mark_dead(d, "connection closed");
			return -EIO;
		}
		struct pollfd pfd = { .fd = p->sock, .events = POLLOUT };
		int64_t left = deadline - qemu_now_ms();
		int n = left > 0 ? poll(&pfd, 1, (int)left) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			qemu_mark_dead(d, n == 0 ? "timed out sending" : "poll failed");
			return n == 0 ? -ETIMEDOUT : -EIO;
		}
	}
	p->sendlen = 0;
	p->queued = 0;
	return 0;
}

int qt_queue(struct vc_device *d, const char *cmd)
{
	struct qemu_priv *p = d->priv;
	size_t len = strlen(cmd), need = p->sendlen + len + 1;
	int rc;

	/* a vhost-user daemon gone makes the device dead too (looked at
	 * every 200 ms at most) */
	if (p->dead || (p->out_of_process && qemu_parts_alive(d, false)))
		return -EIO;
	if (p->queued == QT_MAX_QUEUED && (rc = qt_send(d)))
		return rc;
	need = p->sendlen + len + 1;
	if (need > p->sendcap) {
		/* kept in the device, so a watchdog jump out of here leaks nothing */
		size_t cap = need > 2 * p->sendcap ? need : 2 * p->sendcap;
		char *b = realloc(p->sendbuf, cap);
		if (!b)
			return -ENOMEM;
		p->sendbuf = b;
		p->sendcap = cap;
	}
	memcpy(p->sendbuf + p->sendlen, cmd, len);
	p->sendbuf[p->sendlen + len] = '\n';
	p->sendlen += len + 1;
	p->queued++;
	d->round_trips++;
	d->activity++;
	return 0;
}

int qt_send(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;

	return p->sendlen ? send_queued(d) : 0;
}

int qt_flush(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;

	if (p->sendlen || p->posted)     /* the caller waits for their replies */
		d->batches++;
	return qt_send(d);
}

/* The next reply line, in order, recording asynchronous IRQ lines on the
 * way. On 0, *reply points at the text after "OK" (valid until the next
 * reply is read). FAIL/ERR -> -EIO (connection kept). */
static int next_reply(struct vc_device *d, const char **reply)
{
	struct qemu_priv *p = d->priv;
	static char okempty[] = "";
	int64_t deadline = deadline_of(d);

	if (reply)
		*reply = okempty;
	for (;;) {
		char *nl = p->rlen ? memchr(p->rbuf, '\n', p->rlen) : NULL;
		if (!nl) {
			int64_t left = deadline - qemu_now_ms();
			int rc = left > 0 ? fill(p, (int)left) : -ETIMEDOUT;
			if (rc) {
				qemu_mark_dead(d, rc == -ETIMEDOUT ? "reply timed out" :
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

/* The posted writes' replies, already sent: each must be OK. A refused
 * write (it cannot happen with the commands built here) fails the
 * operation that collects it. */
int qt_collect(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int rc, first = 0;

	while (p->posted) {
		p->posted--;
		if ((rc = next_reply(d, NULL)) && !first)
			first = rc;
		if (p->dead)
			return first ? first : -EIO;
	}
	return first;
}

/* Everything queued sent and the posted writes' replies read: one wait. */
int qt_sync(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int rc;

	if (p->dead)
		return -EIO;
	if ((rc = qt_flush(d)))
		return rc;
	return qt_collect(d);
}

int qt_reply(struct vc_device *d, const char **reply)
{
	struct qemu_priv *p = d->priv;

	if (p->dead)
		return -EIO;
	return next_reply(d, reply);
}

int qt_post(struct vc_device *d, const char *cmd)
{
	struct qemu_priv *p = d->priv;
	int rc;

	if (p->posted >= QT_MAX_QUEUED && (rc = qt_sync(d)))
		return rc;
	if ((rc = qt_queue(d, cmd)))
		return rc;
	p->posted++;
	return 0;
}

int qt_postf(struct vc_device *d, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -EINVAL;
	return qt_post(d, buf);
}

/* One command and its reply. It goes out behind the posted writes, in the
 * same wait: QEMU carries them out in order, so the device sees the same
 * accesses in the same order as if the writes' replies had been awaited
 * first (they are read first, and a refused write fails this command). */
int qt_cmd(struct vc_device *d, const char *cmd, const char **reply)
{
	struct qemu_priv *p = d->priv;
	int rc, first;

	if (p->dead)
		return -EIO;
	if ((rc = qt_queue(d, cmd)) || (rc = qt_flush(d)))
		return rc;
	first = qt_collect(d);
	if (p->dead)
		return first ? first : -EIO;
	rc = qt_reply(d, reply);
	return first ? first : rc;
}

int qt_cmdf(struct vc_device *d, const char **reply, const char *fmt, ...)
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

/* Take in any asynchronous lines that arrived between commands, waiting up
 * to wait_ms for the first bytes. A reply with no command outstanding means
 * the stream is out of step: dead. */
int qemu_drain_async(struct vc_device *d, int wait_ms)
{
	struct qemu_priv *p = d->priv;
	int rc;

	if ((rc = qt_sync(d)))
		return rc;
	/* lines that came in behind the last reply are taken first: waiting
	 * for more bytes would leave an INTx raised then unseen */
	if (!p->rlen || !memchr(p->rbuf, '\n', p->rlen)) {
		if ((rc = fill(p, wait_ms)) == -ETIMEDOUT)
			return 0;
		if (rc) {
			qemu_mark_dead(d, rc == -EIO ? "connection closed" : "out of memory");
			return -EIO;
		}
	}
	for (char *nl; (nl = memchr(p->rbuf, '\n', p->rlen));) {
		*nl = 0;
		if (!is_async(p->rbuf)) {
			qemu_mark_dead(d, "unexpected reply");
			return -EIO;
		}
		async_line(p, p->rbuf);
		consume(p, (size_t)(nl - p->rbuf) + 1);
	}
	return 0;
}

int qt_parse_hex(const char *s, uint64_t *val)
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

bool qt_width_valid(unsigned width, unsigned max)
{
	return (width == 1 || width == 2 || width == 4 || width == 8) && width <= max;
}

/* Guest-physical MMIO/RAM access through the CPU's address space. */
int qt_mem_read(struct vc_device *d, uint64_t addr, unsigned width, uint64_t *val)
{
	const char *r;
	int rc;

	if (!qt_width_valid(width, 8) || addr > UINT64_MAX - width)
		return -EINVAL;
	if ((rc = qt_cmdf(d, &r, "read%c 0x%" PRIx64, wchar[width], addr)))
		return rc;
	return qt_parse_hex(r, val);
}

int qt_mem_write(struct vc_device *d, uint64_t addr, unsigned width, uint64_t val)
{
	if (!qt_width_valid(width, 8) || addr > UINT64_MAX - width)
		return -EINVAL;
	if (width < 8)
		val &= (UINT64_C(1) << (8 * width)) - 1;
	return qt_postf(d, "write%c 0x%" PRIx64 " 0x%" PRIx64, wchar[width], addr, val);
}

int qt_io_read(struct vc_device *d, uint64_t port, unsigned width, uint64_t *val)
{
	const char *r;
	int rc;

	if (!qt_width_valid(width, 4) || port > 0x10000 - width)
		return -EINVAL;
	if ((rc = qt_cmdf(d, &r, "in%c 0x%" PRIx64, wchar[width], port)))
		return rc;
	return qt_parse_hex(r, val);
}

int qt_io_write(struct vc_device *d, uint64_t port, unsigned width, uint64_t val)
{
	if (!qt_width_valid(width, 4) || port > 0x10000 - width)
		return -EINVAL;
	val &= (UINT64_C(1) << (8 * width)) - 1;
	return qt_postf(d, "out%c 0x%" PRIx64 " 0x%" PRIx64, wchar[width], port, val);
}

/* A memory or port access queued, its reply to be read with qt_reply (a
 * read's value through qt_parse_hex). */
int qt_queue_access(struct vc_device *d, bool io, bool write, uint64_t addr, unsigned width, uint64_t val)
{
	char cmd[96];

	if (!qt_width_valid(width, io ? 4 : 8) || addr > (io ? 0x10000 - width : UINT64_MAX - width))
		return -EINVAL;
	if (write && width < 8)
		val &= (UINT64_C(1) << (8 * width)) - 1;
	if (write)
		snprintf(cmd, sizeof(cmd), "%s%c 0x%" PRIx64 " 0x%" PRIx64, io ? "out" : "write", wchar[width], addr, val);
	else
		snprintf(cmd, sizeof(cmd), "%s%c 0x%" PRIx64, io ? "in" : "read", wchar[width], addr);
	return qt_queue(d, cmd);
}
