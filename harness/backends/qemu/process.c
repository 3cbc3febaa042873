/* QEMU the process: found on PATH or VC_QEMU, started with its stderr in a
 * private file, connected to over qtest, and never left running: killed at
 * exit, on SIGINT/SIGTERM, and by PR_SET_PDEATHSIG if the harness dies. */
#include <sys/syscall.h>
#include "qemu_priv.h"

/* ---- process bookkeeping: QEMU must never outlive the harness ---- */

#define MAX_LIVE 16
static struct {
	volatile pid_t pid;         /* 0: free slot */
	char dir[128];
} live[MAX_LIVE];
static bool hooks_installed;
static struct sigaction old_int, old_term;

/* The run's private directory and whatever is in it (the firmware, the
 * sockets, the parts' files). Async-signal-safe: system calls only, as the
 * signal handler uses it. */
void qemu_remove_dir(const char *dir)
{
	char buf[4096];
	long n;

	if (!dir[0])
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
			for (long at = 0; at < n;) {
				struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; }
					*e = (void *)(buf + at);
				if (strcmp(e->name, ".") && strcmp(e->name, ".."))
					unlinkat(fd, e->name, 0);
				at += e->reclen;
			}
		}
		close(fd);
	}
	rmdir(dir);
}

void qemu_live_add(pid_t pid, const char *dir)
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

void qemu_live_forget_dir(pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++) {
		if (live[i].pid == pid)
			live[i].dir[0] = 0;
	}
}

void qemu_live_del(pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++) {
		if (live[i].pid == pid) {
			live[i].pid = 0;
			live[i].dir[0] = 0;
		}
	}
}

/* QEMU runs in a process group of its own (qemu_start): a VC_QEMU that is
 * a wrapper forking QEMU (time, a tracer) takes QEMU with it. */
static void signal_qemu(pid_t pid, int sig)
{
	if (kill(-pid, sig) < 0)
		kill(pid, sig);
}

/* SIGTERM first so QEMU exits cleanly; SIGKILL if it lingers (500 ms).
 * Always reaps. Its exit is waited for on a pidfd, so the harness goes on as
 * soon as QEMU is gone (a 5 ms sleep between looks cost 5 to 10 ms a close);
 * a kernel without pidfds gets the looks. */
void qemu_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	if (waitpid(pid, NULL, WNOHANG) == pid)
		return;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	signal_qemu(pid, SIGTERM);
	if (pidfd >= 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
		int64_t deadline = qemu_now_ms() + 500;
		for (int64_t left = 500; left > 0 && poll(&pfd, 1, (int)left) < 0 && errno == EINTR;)
			left = deadline - qemu_now_ms();
		close(pidfd);
	}
	for (int i = 0; i < 100; i++) {      /* up to 500 ms */
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		if (pidfd >= 0)
			break;
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	signal_qemu(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void cleanup_at_exit(void)
{
	for (int i = 0; i < MAX_LIVE; i++) {
		pid_t pid = live[i].pid;
		if (pid) {
			qemu_kill(pid);
			qemu_remove_dir(live[i].dir);
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
			signal_qemu(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			qemu_remove_dir(live[i].dir);
			live[i].pid = 0;
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void qemu_install_hooks(void)
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

/* While the device is driven, idle CPUs poll instead of halting: a PM QoS
 * request for a wake-up latency of 0 us, held as long as the file is open
 * (as cyclictest does). In a virtual machine a halted vCPU is slow to wake,
 * and QEMU's main loop sleeps between every two batches of qtest commands:
 * with it the default suite on qemu:virtio-net-pci took 7% less time, and
 * QEMU's start no less (docs/performance.md), so it is taken once QEMU is
 * up. The fd, or -1 when the request cannot be made (not root) or
 * VC_CPU_AWAKE=0 turns it off. */
int qemu_hold_cpus_awake(void)
{
	const char *env = getenv("VC_CPU_AWAKE");
	int32_t zero = 0;
	int fd;

	if (env && !strcmp(env, "0"))
		return -1;
	if ((fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	if (write(fd, &zero, sizeof(zero)) != (ssize_t)sizeof(zero)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- start-up ---- */

/* The binary to run: VC_QEMU, or qemu-system-x86_64 found on PATH. */
bool qemu_find_binary(const char *name, char *path, size_t len)
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

/* What QEMU said went wrong: at start-up its first line that is not a
 * warning (else the first line); when it died later, its last non-warning
 * line. fd: QEMU's stderr file, read with pread so QEMU's offset is untouched. */
/* Why QEMU would not start with this device line: a model or property it
 * does not know is the spec's mistake (-EINVAL, a usage error); a
 * combination the model refuses is the device's answer (-ENODEV). */
int qemu_refusal_rc(const char *line)
{
	return strstr(line, "is not a valid device model name") || strstr(line, "' not found") ? -EINVAL : -ENODEV;
}

void qemu_stderr_line(int fd, bool at_exit, char *out, size_t len)
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

/* keepfd (>= 0): left open in QEMU, at the same number. */
int qemu_start(const char *bin, char *const argv[], const char *dir, int errfd, int keepfd,
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
		setpgid(0, 0);
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
		if (keepfd >= 0)
			fcntl(keepfd, F_SETFD, 0);
		execv(bin, argv);
		fprintf(stderr, "%s: exec failed: %s\n", bin, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);       /* as the child does: whichever runs first */
	qemu_live_add(pid, dir);
	*pidp = pid;

	int64_t deadline = qemu_now_ms() + START_TIMEOUT_MS;
	for (;;) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			char line[400];
			qemu_live_del(pid);
			*pidp = 0;
			qemu_stderr_line(errfd, false, line, sizeof(line));
			if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
				snprintf(err, errlen, "%s", line[0] ? line : "cannot run QEMU");
				return -ENOENT;
			}
			snprintf(err, errlen, "QEMU exited at start-up: %s",
				 line[0] ? line : "(no message)");
			return qemu_refusal_rc(line);
		}
		struct pollfd pfd = { .fd = lsock, .events = POLLIN };
		int64_t left = deadline - qemu_now_ms();
		if (left <= 0) {
			qemu_kill(pid);
			qemu_live_del(pid);
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

/* A unix socket listening at path, for QEMU to connect to. */
int qemu_listen_at(const char *path, int *fd, char *err, size_t errlen)
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
