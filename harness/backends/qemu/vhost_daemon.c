/* vhost-user backends the harness starts itself, for CI and demos
 * (`vhost-user:TYPE` without a socket): qemu-storage-daemon for block
 * (libvhost-user), dpdk-testpmd for network (DPDK's vhost library), QEMU's
 * virtiofsd for a file system on a temporary directory. Each is started in
 * a private directory, waited for until its socket listens, asked its
 * version for the report, watched while the run goes on, and stopped
 * (SIGTERM, then SIGKILL) when the device closes; like QEMU, it dies with
 * the harness (PR_SET_PDEATHSIG). */
#include "vhost_user.h"

#define DAEMON_START_MS 10000   /* testpmd maps its memory first: about 1 s here */

struct vhost_daemon {
	const struct daemon_kind *kind;
	pid_t pid;
	int logfd;                  /* its stdout and stderr */
	char dir[128];              /* private: socket, log, what it serves */
	char sock[192];
	char version[128];
	char *argv[24];
	char owned[23][256];
	unsigned argc, nowned;
	int status;                 /* wait status once reaped */
	bool reaped;
	struct pcap_peer *peer;     /* testpmd's second port, the harness's end */
	off_t scanned;              /* the log read so far, for the vhost port's state */
	bool attached;
};

struct daemon_kind {
	const char *name;
	const char *binary;         /* on PATH, or absolute */
	const char *env;            /* environment variable naming another binary */
	int (*args)(struct vhost_daemon *v, const char *props);
	void (*version)(struct vhost_daemon *v, const char *bin);
};

static int arg(struct vhost_daemon *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int arg(struct vhost_daemon *v, const char *fmt, ...)
{
	va_list ap;

	if (v->nowned == sizeof(v->owned) / sizeof(v->owned[0]) || v->argc + 1 >= sizeof(v->argv) / sizeof(v->argv[0]))
		return -E2BIG;
	char *a = v->owned[v->nowned++];
	va_start(ap, fmt);
	int n = vsnprintf(a, sizeof(v->owned[0]), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(v->owned[0]))
		return -E2BIG;
	v->argv[v->argc++] = a;
	v->argv[v->argc] = NULL;
	return 0;
}

/* The first line `bin --version` prints (stdout or stderr), within 2 s. */
static void version_line(const char *bin, char *out, size_t len)
{
	int fds[2];
	size_t got = 0;

	out[0] = 0;
	if (pipe2(fds, O_CLOEXEC))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execl(bin, bin, "--version", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (int64_t deadline = qemu_now_ms() + 2000; pid > 0 && got + 1 < len;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		int64_t left = deadline - qemu_now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		ssize_t n = read(fds[0], out + got, len - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	out[got] = 0;
	out[strcspn(out, "\n")] = 0;
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* ---- qemu-storage-daemon: an 8 MiB raw image (sparse, in its private
 * directory) exported over vhost-user-blk: the disk the qemu: backend puts
 * behind virtio-blk-pci (part_blk.c), so writes read back ---- */

static int qsd_args(struct vhost_daemon *v, const char *props)
{
	char image[160], escaped[330];
	size_t w = 0;
	int fd;

	(void)props;
	snprintf(image, sizeof(image), "%s/disk.img", v->dir);
	if ((fd = open(image, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return -errno;
	int rc = ftruncate(fd, 8 << 20) ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	for (const char *p = image; *p && w + 2 < sizeof(escaped); p++) {
		if (*p == ',')
			escaped[w++] = ',';
		escaped[w++] = *p;
	}
	escaped[w] = 0;
	return arg(v, "--blockdev") ?: arg(v, "driver=raw,node-name=vcdisk,file.driver=file,file.filename=%s", escaped)
	       ?: arg(v, "--export")
	       ?: arg(v, "type=vhost-user-blk,id=vcexp,node-name=vcdisk,addr.type=unix,addr.path=%s,writable=on",
		      v->sock);
}

static void qsd_version(struct vhost_daemon *v, const char *bin)
{
	char line[128];

	version_line(bin, line, sizeof(line));
	/* "qemu-storage-daemon version 7.2.22 (Debian ...)" */
	snprintf(v->version, sizeof(v->version), "%.100s (libvhost-user)", line[0] ? line : "qemu-storage-daemon");
}

/* ---- dpdk-testpmd: DPDK's vhost library as one port, forwarded (io) to and
 * from a second one, the pcap PMD on the harness's FIFOs (pcap_peer.c) ----
 * --no-huge needs --total-num-mbufs (its default pool does not fit);
 * --stats-period keeps it running without a terminal (otherwise it waits
 * for Enter on stdin and quits at EOF); -v prints DPDK's version. The pcap
 * port's receive blocks in read() until the harness writes a frame, so
 * each direction has a forwarding lcore of its own (lcores 1 and 2, on
 * CPUs 1 and 0), --burst=1 makes it return after each frame, and
 * --no-flush-rx keeps testpmd from draining it (blocked) before it forwards.
 * The vhost PMD's INFO lines say when it starts and stops passing frames
 * to the device (vhost_daemon_net_attached). */
static int testpmd_args(struct vhost_daemon *v, const char *props)
{
	char qbuf[16], err[200];
	const char *queues = qemu_prop_value(props, "vhost-queues", qbuf, sizeof(qbuf));
	int rc = pcap_peer_open(v->dir, &v->peer, err, sizeof(err));

	if (rc)
		return rc;
	return arg(v, "-v") ?: arg(v, "--no-huge") ?: arg(v, "-m1024") ?: arg(v, "--no-pci")
	       ?: arg(v, "--lcores=0@0,1@1,2@0") ?: arg(v, "--log-level=pmd.net.vhost:info")
	       ?: arg(v, "--vdev=net_vhost0,iface=%s,queues=%s", v->sock, queues ? queues : "1")
	       ?: arg(v, "--vdev=net_pcap0,rx_pcap=%s,tx_pcap=%s", pcap_peer_path(v->peer, true),
		      pcap_peer_path(v->peer, false))
	       ?: arg(v, "--file-prefix=vc%ld", (long)getpid())
	       ?: arg(v, "--") ?: arg(v, "--forward-mode=io") ?: arg(v, "--nb-cores=2") ?: arg(v, "--burst=1")
	       ?: arg(v, "--no-flush-rx") ?: arg(v, "--total-num-mbufs=4096") ?: arg(v, "--stats-period=3600");
}

/* "EAL: RTE Version: 'DPDK 22.11.11'" in its log (the -v option). */
static void testpmd_version(struct vhost_daemon *v, const char *bin)
{
	char buf[4096];
	ssize_t n = pread(v->logfd, buf, sizeof(buf) - 1, 0);
	const char *at;

	(void)bin;
	buf[n > 0 ? n : 0] = 0;
	if ((at = strstr(buf, "RTE Version: '")))
		snprintf(v->version, sizeof(v->version), "dpdk-testpmd, %.*s (vhost library)",
			 (int)strcspn(at + 14, "'"), at + 14);
	else
		snprintf(v->version, sizeof(v->version), "dpdk-testpmd (DPDK version not printed)");
}

/* ---- virtiofsd: a fresh temporary directory, chroot sandbox (works in a
 * container, where the namespace sandbox may not) ---- */
static int virtiofsd_args(struct vhost_daemon *v, const char *props)
{
	(void)props;
	char shared[160];
	snprintf(shared, sizeof(shared), "%s/shared", v->dir);
	if (mkdir(shared, 0700))
		return -errno;
	return arg(v, "--socket-path=%s", v->sock) ?: arg(v, "-o") ?: arg(v, "source=%s", shared) ?: arg(v, "-o")
	       ?: arg(v, "sandbox=chroot") ?: arg(v, "-o") ?: arg(v, "cache=none") ?: arg(v, "-f");
}

static void virtiofsd_version(struct vhost_daemon *v, const char *bin)
{
	char line[128];

	version_line(bin, line, sizeof(line));
	snprintf(v->version, sizeof(v->version), "%s", line[0] ? line : "virtiofsd");
}

static const struct daemon_kind kinds[] = {
	{ "qemu-storage-daemon", "qemu-storage-daemon", "VC_QSD", qsd_args, qsd_version },
	{ "dpdk-testpmd", "dpdk-testpmd", "VC_TESTPMD", testpmd_args, testpmd_version },
	{ "virtiofsd", "/usr/lib/qemu/virtiofsd", "VC_VIRTIOFSD", virtiofsd_args, virtiofsd_version },
};

static const struct daemon_kind *kind_named(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

bool vhost_daemon_known(const char *name)
{
	return kind_named(name) != NULL;
}

/* Does a unix socket listen at path? (/proc/net/unix: flags 00010000 is
 * __SO_ACCEPTCON, a listening socket.) */
bool vhost_socket_listening(const char *path)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/net/unix", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned flags = 0;
		char name[256] = "";
		if (sscanf(line, "%*s %*s %*s %x %*s %*s %*s %255s", &flags, name) == 2 && flags & 0x10000 &&
		    strcmp(name, path) == 0)
			found = true;
	}
	fclose(f);
	return found;
}

static void daemon_last_words(struct vhost_daemon *v, char *out, size_t len)
{
	char buf[8192];
	struct stat st;
	off_t from = 0;

	out[0] = 0;
	if (v->logfd < 0 || fstat(v->logfd, &st))
		return;
	if (st.st_size > (off_t)sizeof(buf) - 1)
		from = st.st_size - (off_t)sizeof(buf) + 1;
	ssize_t n = pread(v->logfd, buf, sizeof(buf) - 1, from);
	if (n <= 0)
		return;
	buf[n] = 0;
	/* the last line that says something went wrong, else the last line */
	for (char *save, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		bool bad = strstr(l, "panic") || strstr(l, "rror") || strstr(l, "fail") || strstr(l, "Fail");
		if (bad || !out[0] || !(strstr(out, "panic") || strstr(out, "rror") || strstr(out, "fail") ||
					strstr(out, "Fail")))
			snprintf(out, len, "%s", l);
	}
}

static bool reap(struct vhost_daemon *v)
{
	if (v->reaped)
		return true;
	if (v->pid > 0 && waitpid(v->pid, &v->status, WNOHANG) == v->pid) {
		v->reaped = true;
		qemu_live_del(v->pid);
	}
	return v->reaped;
}

static void exit_words(struct vhost_daemon *v, char *out, size_t len)
{
	char words[200];

	daemon_last_words(v, words, sizeof(words));
	if (WIFSIGNALED(v->status))
		snprintf(out, len, "%s (pid %ld) was killed by signal %d%s%.160s", v->kind->name, (long)v->pid,
			 WTERMSIG(v->status), words[0] ? ": " : "", words);
	else
		snprintf(out, len, "%s (pid %ld) exited with status %d%s%.160s", v->kind->name, (long)v->pid,
			 WEXITSTATUS(v->status), words[0] ? ": " : "", words);
}

void vhost_daemon_stop(struct vhost_daemon *v)
{
	if (!v)
		return;
	pcap_peer_close(v->peer);        /* its end of file: testpmd's reading lcore returns */
	v->peer = NULL;
	if (v->pid > 0 && !v->reaped) {
		kill(v->pid, SIGTERM);
		for (int i = 0; i < 200 && !reap(v); i++) {      /* up to 1 s */
			struct timespec ts = { 0, 5 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		if (!v->reaped) {
			kill(v->pid, SIGKILL);
			while (waitpid(v->pid, NULL, 0) < 0 && errno == EINTR)
				;
			qemu_live_del(v->pid);
		}
	}
	if (v->logfd >= 0)
		close(v->logfd);
	if (v->dir[0]) {
		char shared[160];
		snprintf(shared, sizeof(shared), "%s/shared", v->dir);
		qemu_remove_dir(shared);
		qemu_remove_dir(v->dir);
	}
	free(v);
}

int vhost_daemon_start(const char *name, const char *props, struct vhost_daemon **out, char *err, size_t errlen)
{
	const struct daemon_kind *k = kind_named(name);
	char bin[PATH_MAX], logpath[192];
	int rc;

	*out = NULL;
	if (!k) {
		snprintf(err, errlen, "vhost-user: no backend the harness can start is called '%s'", name);
		return -EINVAL;
	}
	const char *want = getenv(k->env);
	if (!want || !*want)
		want = k->binary;
	if (!qemu_find_binary(want, bin, sizeof(bin))) {
		snprintf(err, errlen, "vhost-user: %s not found: install it (tools/setup) or set %s, or give the "
			 "socket of a backend you started", want, k->env);
		return -ENOENT;
	}
	struct vhost_daemon *v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	v->kind = k;
	v->logfd = -1;
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 60)
		tmp = "/tmp";   /* sun_path is short */
	snprintf(v->dir, sizeof(v->dir), "%s/vc-vhost-XXXXXX", tmp);
	if (!mkdtemp(v->dir)) {
		rc = -errno;
		snprintf(err, errlen, "vhost-user: mkdtemp %s: %s", v->dir, strerror(errno));
		v->dir[0] = 0;
		goto fail;
	}
	snprintf(v->sock, sizeof(v->sock), "%s/%s.sock", v->dir, k->name);
	snprintf(logpath, sizeof(logpath), "%s/log", v->dir);
	v->logfd = open(logpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (v->logfd < 0) {
		rc = -errno;
		snprintf(err, errlen, "vhost-user: %s: %s", logpath, strerror(errno));
		goto fail;
	}
	v->argv[v->argc++] = bin;
	if ((rc = k->args(v, props))) {
		snprintf(err, errlen, "vhost-user: %s: cannot build its command line (%s)", k->name, strerror(-rc));
		goto fail;
	}
	qemu_install_hooks();
	pid_t parent = getpid();
	v->pid = fork();
	if (v->pid < 0) {
		rc = -errno;
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto fail;
	}
	if (v->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int in = open("/dev/null", O_RDONLY);
		if (in >= 0)
			dup2(in, 0);
		dup2(v->logfd, 1);
		dup2(v->logfd, 2);
		execv(bin, v->argv);
		fprintf(stderr, "%s: exec failed: %s\n", bin, strerror(errno));
		_exit(127);
	}
	qemu_live_add(v->pid, v->dir);
	/* Ready when its socket listens. */
	for (int64_t deadline = qemu_now_ms() + DAEMON_START_MS; !vhost_socket_listening(v->sock);) {
		if (reap(v)) {
			char why[240];
			exit_words(v, why, sizeof(why));
			snprintf(err, errlen, "vhost-user: %s at start-up", why);
			rc = -EIO;
			goto fail;
		}
		if (qemu_now_ms() > deadline) {
			snprintf(err, errlen, "vhost-user: %s did not listen on %s within %d ms", k->name, v->sock,
				 DAEMON_START_MS);
			rc = -ETIMEDOUT;
			goto fail;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	k->version(v, bin);
	*out = v;
	return 0;
fail:
	vhost_daemon_stop(v);
	return rc;
}

const char *vhost_daemon_socket(const struct vhost_daemon *v)
{
	return v->sock;
}

const char *vhost_daemon_version(const struct vhost_daemon *v)
{
	return v->version;
}

/* testpmd's vhost port: has the vhost PMD attached the device (it passes
 * frames to it) since it last detached it? "Vhost device N created" /
 * "destroyed" in the log, read on from where the last call stopped. Only
 * after the attach do frames reach the device: before it, the port drops
 * them, so the harness waits for it after DRIVER_OK as a driver waits for
 * a link. */
bool vhost_daemon_net_attached(struct vhost_daemon *v)
{
	char buf[4096];
	ssize_t n;

	while (v->logfd >= 0 && (n = pread(v->logfd, buf, sizeof(buf) - 1, v->scanned)) > 0) {
		buf[n] = 0;
		char *end = strrchr(buf, '\n');
		if (!end) {                  /* a line longer than buf, or one not yet whole */
			if (n == (ssize_t)sizeof(buf) - 1)
				v->scanned += n;
			break;
		}
		*end = 0;
		for (char *save, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			if (strstr(l, "Vhost device "))
				v->attached = strstr(l, " created") != NULL;
		v->scanned += end - buf + 1;
	}
	return v->attached;
}

struct pcap_peer *vhost_daemon_peer(const struct vhost_daemon *v)
{
	return v->peer;
}

bool vhost_daemon_shared(const struct vhost_daemon *v, char *out, size_t len)
{
	return !strcmp(v->kind->name, "virtiofsd") && snprintf(out, len, "%s/shared", v->dir) < (int)len;
}

long vhost_daemon_pid(const struct vhost_daemon *v)
{
	return (long)v->pid;
}

bool vhost_daemon_alive(struct vhost_daemon *v, char *why, size_t len)
{
	if (!reap(v))
		return true;
	exit_words(v, why, len);
	return false;
}

void vhost_daemon_last_words(struct vhost_daemon *v, char *out, size_t len)
{
	daemon_last_words(v, out, len);
}
