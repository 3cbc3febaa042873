/* virtio-serial: ports behind the device, and their host sides. Port 0 is
 * a console (virtconsole) and port 1 a generic port (virtserialport), each
 * on a socket chardev the part connects to, so what the device passes to
 * them (transmitq data, emergency writes) can be read back; ports 2 and 3
 * have null chardevs for the host to plug. The ports are plugged over QMP
 * once QEMU runs (a -device naming the bus would come before the bus).
 * Host actions: console-read, console-plug, console-unplug. */
#include "qemu_priv.h"
#include "vc/devtypes/host.h"

#define CONSOLE_PORTS 4
#define SOCKET_PORTS 2

struct console_part {
	char bus[80];
	char path[SOCKET_PORTS][200];
	int fd[SOCKET_PORTS];
};

static bool console_serves(const char *model, const char *props)
{
	(void)props;
	return qemu_model_is(model, "virtio-serial-pci");
}

static int console_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	struct console_part *cp = calloc(1, sizeof(*cp));
	char id[64];
	int rc;

	(void)d;
	(void)err;
	(void)errlen;
	if (!cp)
		return -ENOMEM;
	*l->state = cp;
	cp->fd[0] = cp->fd[1] = -1;
	if (!qemu_prop_value(l->props, "id", id, sizeof(id))) {
		snprintf(id, sizeof(id), "vcserial");
		if ((rc = qemu_devprop(l, "id=vcserial")))
			return rc;
	}
	snprintf(cp->bus, sizeof(cp->bus), "%s.0", id);
	for (unsigned i = 0; i < CONSOLE_PORTS; i++) {
		if (i < SOCKET_PORTS) {
			snprintf(cp->path[i], sizeof(cp->path[i]), "%s/con%u.sock", l->dir, i);
			rc = qemu_arg(l, "-chardev") ?:
			     qemu_arg(l, "socket,id=vccon%u,path=%s,server=on,wait=off", i, cp->path[i]);
		} else {
			rc = qemu_arg(l, "-chardev") ?: qemu_arg(l, "null,id=vccon%u", i);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* A port unplugged a moment ago holds its chardev until QEMU finalizes it
 * (after the QMP command returns): plugging it again waits for that. */
static int plug(struct vc_device *d, struct console_part *cp, unsigned port)
{
	char cmd[400], note[sizeof(d->note)];
	int rc;

	snprintf(cmd, sizeof(cmd), "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"%s\", \"id\": "
		 "\"vcport%u\", \"bus\": \"%s\", \"chardev\": \"vccon%u\", \"nr\": %u%s}}",
		 port ? "virtserialport" : "virtconsole", port, cp->bus, port, port,
		 port == 1 ? ", \"name\": \"org.virtio-conform.1\"" : "");
	memcpy(note, d->note, sizeof(note));
	for (unsigned i = 0;; i++) {
		rc = qemu_qmp_execute(d, cmd);
		if (rc != -EIO || !strstr(d->note, "is in use") || i == 100)
			break;
		usleep(10000);
	}
	if (!rc)              /* the refusals while it waited are no news */
		memcpy(d->note, note, sizeof(note));
	return rc;
}

static int unplug(struct vc_device *d, unsigned port)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"vcport%u\"}}", port);
	return qemu_qmp_execute(d, cmd);
}

static int console_started(struct vc_device *d, void *state, char *err, size_t errlen)
{
	struct console_part *cp = state;
	int rc;

	for (unsigned i = 0; i < SOCKET_PORTS; i++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		if ((rc = plug(d, cp, i))) {
			snprintf(err, errlen, "qemu: plugging console port %u failed: %s", i, d->note);
			return rc;
		}
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", cp->path[i]);
		cp->fd[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (cp->fd[i] < 0 || connect(cp->fd[i], (struct sockaddr *)&sa, sizeof(sa))) {
			snprintf(err, errlen, "qemu: cannot connect to console port %u's socket: %s", i, strerror(errno));
			return -EIO;
		}
	}
	return 0;
}

/* What the port's host side got, as text (bytes outside printable ASCII,
 * newline and tab as '.'). */
static int port_read(struct console_part *cp, unsigned port, char *out, size_t outlen)
{
	size_t n = 0;
	char buf[512];

	if (port >= SOCKET_PORTS || cp->fd[port] < 0)
		return -ENOTSUP;
	for (;;) {
		struct pollfd pfd = { .fd = cp->fd[port], .events = POLLIN };
		if (poll(&pfd, 1, n ? 0 : 20) <= 0)
			break;
		ssize_t k = recv(cp->fd[port], buf, sizeof(buf), MSG_DONTWAIT);
		if (k <= 0)
			break;
		for (ssize_t i = 0; i < k && n + 1 < outlen; i++, n++)
			out[n] = (buf[i] >= 0x20 && buf[i] < 0x7f) || buf[i] == '\n' || buf[i] == '\t' ? buf[i] : '.';
	}
	if (outlen)
		out[n < outlen ? n : outlen - 1] = 0;
	return 0;
}

static int console_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out,
			size_t outlen)
{
	struct console_part *cp = state;
	char *end;
	unsigned long port = strtoul(arg, &end, 10);

	if (strcmp(what, VC_HOST_CONSOLE_READ) && strcmp(what, VC_HOST_CONSOLE_PLUG) &&
	    strcmp(what, VC_HOST_CONSOLE_UNPLUG))
		return -ENOTSUP;
	if (*end || port >= CONSOLE_PORTS)
		return -EINVAL;
	if (!strcmp(what, VC_HOST_CONSOLE_READ))
		return port_read(cp, (unsigned)port, out, outlen);
	return !strcmp(what, VC_HOST_CONSOLE_PLUG) ? plug(d, cp, (unsigned)port) : unplug(d, (unsigned)port);
}

static void console_close(struct vc_device *d, void *state)
{
	struct console_part *cp = state;

	(void)d;
	if (!cp)
		return;
	for (unsigned i = 0; i < SOCKET_PORTS; i++)
		if (cp->fd[i] >= 0)
			close(cp->fd[i]);
	free(cp);
}

const struct qemu_part qemu_part_console = {
	.name = "console ports", .serves = console_serves, .setup = console_setup, .started = console_started,
	.close = console_close, .host = console_host,
};
