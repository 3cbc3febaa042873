/* The packet peer behind a virtio-net-pci the harness starts: QEMU's
 * `-netdev dgram` on one end of a unix datagram socket pair it inherits
 * (local.type=fd), the harness on the other. Every frame the device
 * transmits arrives here as one datagram; every datagram the harness sends
 * is a frame on the device's wire. No inet socket, no tap, no user-mode
 * network: nothing the device sends can reach a host network, and nothing
 * from one reaches the device. The host-side changes: the link down and up
 * again (QMP set_link), and a self-announcement (QMP announce-self).
 *
 * A datagram socket pair holds what the other end has not read: QEMU's
 * sends would block (and its transmit queue with them) once the harness
 * stopped reading, so the frames are taken in whenever the harness polls
 * the device (pump) and kept in a ring (the oldest dropped when it is
 * full) until peer_recv asks for them. */
#include "vc/devtypes/host.h"
#include "qemu_priv.h"

#define PEER_SOCKBUF (4 << 20)

struct netpeer {
	int fd;                  /* the harness's end, non-blocking */
	int qemu_fd;             /* QEMU's end, until QEMU runs with its copy */
	struct qemu_frame_ring ring;
	uint8_t *buf;
};

/* ---- the capture ring, shared with the vhost-user NIC's peer (pcap_peer.c) ---- */

int qemu_ring_put(struct qemu_frame_ring *r, const void *frame, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, frame, len);
	if (r->n == QEMU_PEER_RING) {
		free(r->f[r->head].b);
		r->head = (r->head + 1) % QEMU_PEER_RING;
		r->n--;
		r->dropped++;
	}
	unsigned at = (r->head + r->n++) % QEMU_PEER_RING;
	r->f[at].b = copy;
	r->f[at].len = len;
	return 0;
}

bool qemu_ring_get(struct qemu_frame_ring *r, void *frame, size_t max, size_t *len)
{
	if (!r->n)
		return false;
	uint8_t *b = r->f[r->head].b;
	*len = r->f[r->head].len;
	memcpy(frame, b, *len < max ? *len : max);
	free(b);
	r->head = (r->head + 1) % QEMU_PEER_RING;
	r->n--;
	return true;
}

void qemu_ring_clear(struct qemu_frame_ring *r)
{
	while (r->n) {
		free(r->f[r->head].b);
		r->head = (r->head + 1) % QEMU_PEER_RING;
		r->n--;
	}
}

static bool netpeer_serves(const char *model, const char *props)
{
	return qemu_model_is(model, "virtio-net-pci") && !qemu_has_prop(props, "netdev");
}

static int netpeer_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	struct netpeer *np = calloc(1, sizeof(*np));
	int sv[2], size = PEER_SOCKBUF;

	(void)d;
	if (!np || !(np->buf = malloc(QEMU_PEER_FRAME_MAX))) {
		if (np)
			free(np);
		snprintf(err, errlen, "qemu: out of memory for the packet peer");
		return -ENOMEM;
	}
	np->fd = np->qemu_fd = -1;
	*l->state = np;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
		int e = errno;
		snprintf(err, errlen, "qemu: cannot create the packet peer's socket pair: %s", strerror(e));
		return -e;
	}
	np->fd = sv[0];
	np->qemu_fd = sv[1];
	/* as deep as the kernel lets an unprivileged process: fewer waits */
	for (unsigned i = 0; i < 2; i++) {
		setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	if (fcntl(np->fd, F_SETFL, O_NONBLOCK) || fcntl(np->qemu_fd, F_SETFD, 0)) {   /* QEMU inherits its end */
		int e = errno;
		snprintf(err, errlen, "qemu: cannot set up the packet peer's socket: %s", strerror(e));
		return -e;
	}
	return qemu_arg(l, "-netdev") ?: qemu_arg(l, "dgram,id=vcnet,local.type=fd,local.str=%d", np->qemu_fd)
	       ?: qemu_devprop(l, "netdev=vcnet");
}

static int netpeer_started(struct vc_device *d, void *state, char *err, size_t errlen)
{
	struct netpeer *np = state;

	(void)d;
	(void)err;
	(void)errlen;
	if (np->qemu_fd >= 0)
		close(np->qemu_fd);
	np->qemu_fd = -1;
	return 0;
}

/* One datagram into the ring: 1, or 0 when none is waiting. */
static int take_one(struct netpeer *np)
{
	ssize_t r;

	do
		r = recv(np->fd, np->buf, QEMU_PEER_FRAME_MAX, MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	return qemu_ring_put(&np->ring, np->buf, (size_t)r) ?: 1;
}

static void netpeer_pump(struct vc_device *d, void *state)
{
	struct netpeer *np = state;

	(void)d;
	for (unsigned i = 0; i < 4 * QEMU_PEER_RING && take_one(np) > 0; i++)
		;
}

static int netpeer_send(struct vc_device *d, void *state, const void *frame, size_t len)
{
	struct netpeer *np = state;
	struct pollfd pfd = { .fd = np->fd, .events = POLLOUT };
	int64_t deadline = qemu_now_ms() + (d->timeout_ms ? d->timeout_ms : 2000);
	int rc;

	/* the writes qtest still holds (the buffers, the doorbell) reach the
	 * device before the frame does, as they would on a bus */
	if ((rc = qt_sync(d)))
		return rc;
	for (;;) {
		ssize_t r = send(np->fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r == (ssize_t)len)
			return 0;
		if (r >= 0)
			return -EIO;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
			return -errno;
		/* QEMU is not reading: its receive path waits for buffers */
		int64_t left = deadline - qemu_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		netpeer_pump(d, state);
		poll(&pfd, 1, left < 10 ? (int)left : 10);
	}
}

static int netpeer_recv(struct vc_device *d, void *state, void *frame, size_t max, size_t *len, int timeout_ms)
{
	struct netpeer *np = state;
	int64_t deadline = qemu_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int rc;

	if ((rc = qt_sync(d)))          /* what the driver posted has been sent before we look */
		return rc;
	for (;;) {
		netpeer_pump(d, state);
		if (qemu_ring_get(&np->ring, frame, max, len))
			return 0;
		int64_t left = deadline - qemu_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = np->fd, .events = POLLIN };
		poll(&pfd, 1, left < 20 ? (int)left : 20);
	}
}

/* The link down (or up again): virtio-net's status bit and a configuration
 * change, as a cable pulled. */
int qemu_net_set_link(struct vc_device *d, const char *netdev, bool up)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "{\"execute\": \"set_link\", \"arguments\": {\"name\": \"%s\", \"up\": %s}}",
		 netdev, up ? "true" : "false");
	return qemu_qmp_execute(d, cmd);
}

static int netpeer_link(struct vc_device *d, void *state, bool undo)
{
	(void)state;
	return qemu_net_set_link(d, "vcnet", undo);
}

/* Host action: one round of the self-announcement migration makes (the
 * device's own RARP, and VIRTIO_NET_S_ANNOUNCE for a driver that
 * negotiated VIRTIO_NET_F_GUEST_ANNOUNCE). */
int qemu_net_host(struct vc_device *d, const char *what)
{
	if (strcmp(what, VC_HOST_NET_ANNOUNCE))
		return -ENOTSUP;
	return qemu_qmp_execute(d, "{\"execute\": \"announce-self\", \"arguments\": {\"initial\": 50, \"max\": 550, "
				   "\"rounds\": 1, \"step\": 50}}");
}

static int netpeer_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out, size_t outlen)
{
	(void)state;
	(void)arg;
	(void)out;
	(void)outlen;
	return qemu_net_host(d, what);
}

static void netpeer_close(struct vc_device *d, void *state)
{
	struct netpeer *np = state;

	(void)d;
	if (!np)
		return;
	if (np->fd >= 0)
		close(np->fd);
	if (np->qemu_fd >= 0)
		close(np->qemu_fd);
	qemu_ring_clear(&np->ring);
	free(np->buf);
	free(np);
}

const struct qemu_part qemu_part_netpeer = {
	.name = "packet peer",
	.serves = netpeer_serves,
	.setup = netpeer_setup,
	.started = netpeer_started,
	.config_change = netpeer_link,
	.close = netpeer_close,
	.peer_send = netpeer_send,
	.peer_recv = netpeer_recv,
	.pump = netpeer_pump,
	.host = netpeer_host,
};
