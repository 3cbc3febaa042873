/* vhost-user: the device's virtqueues are served by another process (the
 * user's SPDK, DPDK, virtiofsd, rust-vmm's vhost-device-*, or one the
 * harness starts), and QEMU is only the frontend that owns the PCI
 * function. The harness still drives QEMU's virtio-pci transport over
 * qtest; the backend sees the guest RAM (shared memory, guest_ram.c) and
 * the doorbells (eventfds QEMU hands it).
 *
 *   vhost-user:TYPE:SOCKET[,props]   the user's backend, listening at SOCKET
 *   vhost-user:TYPE[,props]          a backend the harness starts (blk, net, fs)
 *
 * TYPE is blk, net, fs, scsi, input, gpu, rng, vsock, i2c or gpio; props go
 * to QEMU's device (packed=on, num-queues=2, ...). Internally this is the
 * qemu: backend with the device line `MODEL,vhost-user=SOCKET` (or
 * vhost-user-daemon=NAME), whose part below adds the chardev. */
#include "vhost_user.h"

struct vu_type {
	const char *type;
	const char *model;       /* QEMU's frontend device */
	const char *daemon;      /* the backend the harness starts when no socket is given */
	const char *extra;       /* properties the frontend needs */
};

static const struct vu_type types[] = {
	{ "blk", "vhost-user-blk-pci", "qemu-storage-daemon", NULL },
	{ "net", "virtio-net-pci", "dpdk-testpmd", "netdev=vcvu" },
	{ "fs", "vhost-user-fs-pci", "virtiofsd", "tag=vcfs" },
	{ "scsi", "vhost-user-scsi-pci", NULL, NULL },
	{ "input", "vhost-user-input-pci", NULL, NULL },
	{ "gpu", "vhost-user-gpu-pci", NULL, NULL },
	{ "rng", "vhost-user-rng-pci", NULL, NULL },
	{ "vsock", "vhost-user-vsock-pci", NULL, NULL },
	{ "i2c", "vhost-user-i2c-pci", NULL, NULL },
	{ "gpio", "vhost-user-gpio-pci", NULL, NULL },
};

#define CHARDEV_ID "vcvuchr"

struct vu_state {
	char path[108];                /* the backend's socket */
	bool net;
	struct vhost_daemon *daemon;   /* one the harness started, or NULL */
	char owner[200];               /* the process listening at path, when it can be told */
};

/* ---- the spec ---- */

static int vhost_user_open(const char *arg, struct vc_device **out, char *err, size_t errlen)
{
	size_t tlen = strcspn(arg, ":,");
	const struct vu_type *t = NULL;
	char line[700], sock[128] = "";
	const char *props;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].type) == tlen && strncmp(types[i].type, arg, tlen) == 0)
			t = &types[i];
	if (!t) {
		snprintf(err, errlen, "vhost-user: give a device type and the backend's socket, e.g. "
			 "vhost-user:blk:/run/spdk.sock (types: blk net fs scsi input gpu rng vsock i2c gpio)");
		return -EINVAL;
	}
	props = arg + tlen;
	if (*props == ':') {
		size_t slen = strcspn(props + 1, ",");
		if (slen == 0 || slen >= sizeof(sock)) {
			snprintf(err, errlen, "vhost-user:%s: the socket path is %s", t->type,
				 slen ? "too long (at most 107 bytes)" : "empty");
			return -EINVAL;
		}
		memcpy(sock, props + 1, slen);
		sock[slen] = 0;
		props += 1 + slen;
	}
	if (*props == ',')
		props++;
	if (!sock[0] && !t->daemon) {
		snprintf(err, errlen, "vhost-user:%s: give the backend's socket (vhost-user:%s:/path/to/socket): the "
			 "harness starts backends for blk, net and fs only", t->type, t->type);
		return -EINVAL;
	}
	if (qemu_has_prop(props, VU_KEY_SOCKET) || qemu_has_prop(props, VU_KEY_DAEMON) ||
	    qemu_has_prop(props, "chardev") || (t->extra && qemu_has_prop(props, "netdev"))) {
		snprintf(err, errlen, "vhost-user:%s: the harness connects the backend itself: leave out "
			 "chardev=, netdev=, vhost-user=", t->type);
		return -EINVAL;
	}
	bool extra = t->extra && !qemu_has_prop(props, "tag");
	int n = snprintf(line, sizeof(line), "%s,%s=%s%s%s%s%s", t->model, sock[0] ? VU_KEY_SOCKET : VU_KEY_DAEMON,
			 sock[0] ? sock : t->daemon, extra ? "," : "", extra ? t->extra : "", *props ? "," : "", props);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		snprintf(err, errlen, "vhost-user: device spec too long");
		return -EINVAL;
	}
	return qemu_open_as("vhost-user", line, out, err, errlen);
}

const struct vc_backend vc_backend_vhost_user = { "vhost-user", "vhost-user:TYPE[:SOCKET][,props]", vhost_user_open,
	"a vhost-user backend (blk, net, fs, ...) behind QEMU's vhost-user device: at SOCKET, or started by the harness" };

/* ---- who listens at a socket: /proc/net/unix gives the socket's inode,
 * a process's fd links name it ---- */

static unsigned long listening_inode(const char *path)
{
	char line[512];
	unsigned long inode = 0;
	FILE *f = fopen("/proc/net/unix", "r");

	if (!f)
		return 0;
	while (!inode && fgets(line, sizeof(line), f)) {
		unsigned flags = 0;
		unsigned long ino = 0;
		char name[256] = "";
		if (sscanf(line, "%*s %*s %*s %x %*s %*s %lu %255s", &flags, &ino, name) == 3 && flags & 0x10000 &&
		    strcmp(name, path) == 0)
			inode = ino;
	}
	fclose(f);
	return inode;
}

static void socket_owner(const char *path, char *out, size_t len)
{
	unsigned long inode = listening_inode(path);
	char want[48], link[64], target[PATH_MAX];
	DIR *proc;
	struct dirent *e;

	out[0] = 0;
	if (!inode || !(proc = opendir("/proc")))
		return;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while (!out[0] && (e = readdir(proc))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char fddir[300];
		snprintf(fddir, sizeof(fddir), "/proc/%.32s/fd", e->d_name);
		DIR *fds = opendir(fddir);
		struct dirent *f;
		while (fds && (f = readdir(fds))) {
			char lp[600];
			snprintf(lp, sizeof(lp), "%s/%.255s", fddir, f->d_name);
			ssize_t n = readlink(lp, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = 0;
			if (strcmp(link, want))
				continue;
			snprintf(lp, sizeof(lp), "/proc/%.32s/exe", e->d_name);
			n = readlink(lp, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = 0;
			snprintf(out, len, "%.150s (pid %.20s)", n > 0 ? target : "?", e->d_name);
			break;
		}
		if (fds)
			closedir(fds);
	}
	closedir(proc);
}

/* ---- the part: the chardev (and netdev) that connect QEMU's device to
 * the backend ---- */

static bool vu_serves(const char *model, const char *props)
{
	(void)model;
	return qemu_has_prop(props, VU_KEY_SOCKET) || qemu_has_prop(props, VU_KEY_DAEMON);
}

static const char *file_kind(mode_t m)
{
	return S_ISREG(m) ? "a regular file" : S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" :
	       S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" : S_ISLNK(m) ? "a symbolic link" :
	       "not a socket";
}

static int vu_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	struct qemu_priv *p = d->priv;
	struct vu_state *s = calloc(1, sizeof(*s));
	char name[64];
	struct stat st;
	int rc;

	if (!s)
		return -ENOMEM;
	*l->state = s;
	p->out_of_process = true;
	s->net = qemu_model_is(l->model, "virtio-net-pci");
	if (qemu_prop_value(l->props, VU_KEY_DAEMON, name, sizeof(name))) {
		if ((rc = vhost_daemon_start(name, l->props, &s->daemon, err, errlen)))
			return rc;
		snprintf(s->path, sizeof(s->path), "%s", vhost_daemon_socket(s->daemon));
	} else {
		qemu_prop_value(l->props, VU_KEY_SOCKET, s->path, sizeof(s->path));
		if (stat(s->path, &st)) {
			int e = errno;
			snprintf(err, errlen, "vhost-user: %s: %s (start the backend first, or give its socket)", s->path,
				 e == ENOENT ? "no such file" : strerror(e));
			return e == ENOENT ? -ENOENT : -e;
		}
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "vhost-user: %s is %s, not a unix socket", s->path, file_kind(st.st_mode));
			return -ENOTSOCK;
		}
		socket_owner(s->path, s->owner, sizeof(s->owner));
	}
	if ((rc = qemu_arg(l, "-chardev")) || (rc = qemu_arg(l, "socket,id=" CHARDEV_ID ",path=%s", s->path)))
		return rc;
	if (s->net)
		return qemu_arg(l, "-netdev") ?: qemu_arg(l, "vhost-user,id=vcvu,chardev=" CHARDEV_ID);
	return qemu_devprop(l, "chardev=" CHARDEV_ID);
}

static int vu_started(struct vc_device *d, void *state, char *err, size_t errlen)
{
	struct vu_state *s = state;

	(void)err;
	(void)errlen;
	if (s->daemon)
		qemu_implementation_add(d, "vhost-user backend %s, started by the harness", vhost_daemon_version(s->daemon));
	else if (s->owner[0])
		qemu_implementation_add(d, "vhost-user backend %s at %s", s->owner, s->path);
	else
		qemu_implementation_add(d, "vhost-user backend at %s (its process is not visible here)", s->path);
	return 0;
}

/* Is QEMU's end of the socket still connected? query-chardev names a
 * socket chardev "disconnected:unix:PATH" once the peer went away. */
static bool chardev_connected(struct vc_device *d)
{
	char ret[4096];

	if (qemu_qmp_query(d, "{\"execute\": \"query-chardev\"}", ret, sizeof(ret)))
		return true;       /* cannot tell: QMP trouble is not the backend's */
	for (char *o = strchr(ret, '{'); o; o = strchr(o + 1, '{')) {
		char *end = strchr(o, '}');
		if (!end)
			break;
		*end = 0;
		bool ours = strstr(o, "\"label\": \"" CHARDEV_ID "\"") != NULL;
		bool gone = strstr(o, "\"filename\": \"disconnected:") != NULL;
		*end = '}';
		if (ours)
			return !gone;
	}
	return true;
}

static bool vu_alive(struct vc_device *d, void *state, char *why, size_t len)
{
	struct vu_state *s = state;
	char words[200] = "";

	if (s->daemon && !vhost_daemon_alive(s->daemon, words, sizeof(words))) {
		snprintf(why, len, "vhost-user backend %s", words);
		return false;
	}
	if (chardev_connected(d))
		return true;
	if (s->daemon)
		vhost_daemon_last_words(s->daemon, words, sizeof(words));
	snprintf(why, len, "vhost-user backend %s disconnected from QEMU%s%.150s",
		 s->daemon ? vhost_daemon_version(s->daemon) : s->owner[0] ? s->owner : s->path,
		 words[0] ? ", its last words: " : "", words);
	return false;
}

/* QEMU could not start with this backend: say what is at the socket. */
static int vu_failed(struct vc_device *d, void *state, char *err, size_t errlen)
{
	struct vu_state *s = state;
	char qemu_said[300], words[200];

	if (!s || !s->path[0] || strncmp(err, "vhost-user: ", 12) == 0)
		return 0;
	snprintf(qemu_said, sizeof(qemu_said), "%s", err);
	if (s->daemon && !vhost_daemon_alive(s->daemon, words, sizeof(words))) {
		snprintf(err, errlen, "vhost-user: %s", words);
		return -EIO;
	}
	if (strstr(qemu_said, "Connection refused")) {
		snprintf(err, errlen, "vhost-user: %s: a socket nothing listens on (connection refused): is the "
			 "backend running?", s->path);
		return -ECONNREFUSED;
	}
	/* QEMU's realize waits for the backend's answers with no time limit:
	 * the harness's first qtest command is what times out. */
	bool silent = strstr(qemu_said, "timed out") != NULL;
	char who[240];
	snprintf(who, sizeof(who), "the process listening there%s%s", s->owner[0] ? ", " : "", s->owner);
	if (silent)
		snprintf(err, errlen, "vhost-user: %s: %s accepted QEMU's connection but gave no vhost-user answer "
			 "within %u ms: not a vhost-user backend?", s->path, who, d->timeout_ms ? d->timeout_ms : 2000);
	else
		snprintf(err, errlen, "vhost-user: %s: %s is not a vhost-user backend QEMU can use (%.160s)", s->path,
			 who, qemu_said);
	return -EPROTO;
}

static void vu_close(struct vc_device *d, void *state)
{
	struct vu_state *s = state;

	(void)d;
	if (!s)
		return;
	vhost_daemon_stop(s->daemon);
	free(s);
}

/* ---- a NIC: the link partner testpmd's second port is (pcap_peer.c), and
 * the netdev's host-side changes (netpeer.c) ---- */

static struct pcap_peer *vu_peer(void *state)
{
	struct vu_state *s = state;

	return s && s->net && s->daemon ? vhost_daemon_peer(s->daemon) : NULL;
}

static bool vu_has_peer(void *state)
{
	return vu_peer(state) != NULL;
}

#define VU_ATTACH_MS 1000

static int vu_peer_send(struct vc_device *d, void *state, const void *frame, size_t len)
{
	struct vu_state *s = state;
	int rc = qt_sync(d);         /* the buffers and the doorbell are posted first, as on a bus */

	/* DRIVER_OK reaches the backend as a message it acts on after its
	 * answer: wait (boundedly) until its port passes frames on */
	for (int64_t until = qemu_now_ms() + VU_ATTACH_MS; !rc && !vhost_daemon_net_attached(s->daemon) &&
	     qemu_now_ms() < until;) {
		struct timespec ts = { 0, 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return rc ?: pcap_peer_send(vu_peer(state), frame, len, (int)(d->timeout_ms ? d->timeout_ms : 2000));
}

static int vu_peer_recv(struct vc_device *d, void *state, void *frame, size_t max, size_t *len, int timeout_ms)
{
	int rc = qt_sync(d);

	return rc ?: pcap_peer_recv(vu_peer(state), frame, max, len, timeout_ms);
}

static void vu_pump(struct vc_device *d, void *state)
{
	(void)d;
	if (vu_peer(state))
		pcap_peer_pump(vu_peer(state));
}

static int vu_link(struct vc_device *d, void *state, bool undo)
{
	struct vu_state *s = state;

	return s->net ? qemu_net_set_link(d, "vcvu", undo) : -ENOTSUP;
}

/* A NIC's host-side changes go to its netdev; a backend the harness
 * started shares a directory the harness can reach (virtiofsd). */
static int vu_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out, size_t outlen)
{
	struct vu_state *s = state;
	char shared[192];

	if (s && s->net)
		return qemu_net_host(d, what);
	if (!s || !s->daemon || !vhost_daemon_shared(s->daemon, shared, sizeof(shared)))
		return -ENOTSUP;
	return vhost_fs_host(shared, what, arg, out, outlen);
}

static const char *const vu_keys[] = { VU_KEY_SOCKET, VU_KEY_DAEMON, NULL };

const struct qemu_part qemu_part_vhost_user = {
	.name = "vhost-user backend",
	.serves = vu_serves,
	.setup = vu_setup,
	.started = vu_started,
	.close = vu_close,
	.host = vu_host,
	.keys = vu_keys,
	.alive = vu_alive,
	.failed = vu_failed,
	.config_change = vu_link,
	.peer_send = vu_peer_send,
	.peer_recv = vu_peer_recv,
	.pump = vu_pump,
	.has_peer = vu_has_peer,
};
