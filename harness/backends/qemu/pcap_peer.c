/* The link partner of the vhost-user NIC the harness starts (dpdk-testpmd):
 * testpmd forwards between its vhost port and a second port, DPDK's pcap
 * PMD, whose "files" are two FIFOs in the daemon's private directory. The
 * harness writes pcap records into wire-in (each one a frame the device
 * receives) and reads the ones testpmd writes to wire-out (each one a frame
 * the device transmitted). No interface, no socket: nothing reaches a host
 * network.
 *
 * The FIFOs are opened here, read-write and non-blocking, before testpmd
 * starts, so its blocking opens return at once; wire-in starts with the
 * pcap file header its pcap_open_offline() reads first, and the harness
 * stays its only writer: closing it (pcap_peer_close, before the daemon is
 * stopped) is the end of file that lets testpmd's reading lcore return.
 * Like the dgram peer (netpeer.c), what testpmd writes is taken in whenever
 * the harness polls the device (pump), so testpmd never blocks on a full
 * FIFO while the harness is busy elsewhere. */
#include "vhost_user.h"

#define PCAP_PIPE_SIZE (1 << 20)
#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16
#define PCAP_SNAPLEN 262144u

struct pcap_peer {
	int in, out;                     /* wire-in (we write), wire-out (we read) */
	bool header_seen;                /* wire-out's file header, skipped */
	uint8_t *acc;                    /* wire-out bytes not yet a whole record */
	size_t have;
	struct qemu_frame_ring ring;
	char in_path[160], out_path[160];
};

#define ACC_SIZE (2 * QEMU_PEER_FRAME_MAX)

static int fifo(const char *path, int *fd)
{
	if (mkfifo(path, 0600))
		return -errno;
	*fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	fcntl(*fd, F_SETPIPE_SZ, PCAP_PIPE_SIZE);     /* deeper is fewer waits; the default will do */
	return 0;
}

/* All of buf, waiting (at most until deadline) while the FIFO is full. */
static int write_all(int fd, const uint8_t *buf, size_t len, int64_t deadline)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		int64_t left = deadline - qemu_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		poll(&pfd, 1, left < 10 ? (int)left : 10);
	}
	return 0;
}

int pcap_peer_open(const char *dir, struct pcap_peer **out, char *err, size_t errlen)
{
	struct pcap_peer *pp = calloc(1, sizeof(*pp));
	uint32_t hdr[6] = { PCAP_MAGIC_US, 2 | 4u << 16, 0, 0, PCAP_SNAPLEN, 1 /* LINKTYPE_ETHERNET */ };
	int rc;

	*out = NULL;
	if (!pp || !(pp->acc = malloc(ACC_SIZE))) {
		free(pp);
		snprintf(err, errlen, "vhost-user: out of memory for the packet peer");
		return -ENOMEM;
	}
	pp->in = pp->out = -1;
	snprintf(pp->in_path, sizeof(pp->in_path), "%.140s/wire-in", dir);
	snprintf(pp->out_path, sizeof(pp->out_path), "%.140s/wire-out", dir);
	if ((rc = fifo(pp->in_path, &pp->in)) || (rc = fifo(pp->out_path, &pp->out)) ||
	    (rc = write_all(pp->in, (const uint8_t *)hdr, sizeof(hdr), qemu_now_ms() + 1000))) {
		snprintf(err, errlen, "vhost-user: cannot make the packet peer's FIFOs in %s: %s", dir, strerror(-rc));
		pcap_peer_close(pp);
		return rc;
	}
	*out = pp;
	return 0;
}

const char *pcap_peer_path(const struct pcap_peer *pp, bool to_device)
{
	return to_device ? pp->in_path : pp->out_path;
}

/* Whole records out of the accumulated bytes, into the ring. */
static void parse(struct pcap_peer *pp)
{
	size_t at = 0;

	if (!pp->header_seen) {
		if (pp->have < PCAP_FILE_HDR)
			return;
		at = PCAP_FILE_HDR;
		pp->header_seen = true;
	}
	while (pp->have - at >= PCAP_REC_HDR) {
		uint32_t rec[4];
		memcpy(rec, pp->acc + at, sizeof(rec));
		size_t caplen = rec[2];
		if (caplen > QEMU_PEER_FRAME_MAX) {     /* not a stream we can follow: start over */
			at = pp->have;
			break;
		}
		if (pp->have - at - PCAP_REC_HDR < caplen)
			break;
		qemu_ring_put(&pp->ring, pp->acc + at + PCAP_REC_HDR, caplen);
		at += PCAP_REC_HDR + caplen;
	}
	memmove(pp->acc, pp->acc + at, pp->have - at);
	pp->have -= at;
}

void pcap_peer_pump(struct pcap_peer *pp)
{
	for (;;) {
		ssize_t n = read(pp->out, pp->acc + pp->have, ACC_SIZE - pp->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		pp->have += (size_t)n;
		parse(pp);
	}
}

int pcap_peer_send(struct pcap_peer *pp, const void *frame, size_t len, int timeout_ms)
{
	struct timespec ts;
	uint32_t rec[4];
	int64_t deadline = qemu_now_ms() + (timeout_ms > 0 ? timeout_ms : 2000);
	int rc;

	if (len > QEMU_PEER_FRAME_MAX)
		return -EMSGSIZE;
	clock_gettime(CLOCK_REALTIME, &ts);
	rec[0] = (uint32_t)ts.tv_sec;
	rec[1] = (uint32_t)(ts.tv_nsec / 1000);
	rec[2] = rec[3] = (uint32_t)len;
	/* a record is written whole (a FIFO write of more than PIPE_BUF may be
	 * split; testpmd reads the pieces as they come) */
	if ((rc = write_all(pp->in, (const uint8_t *)rec, sizeof(rec), deadline)))
		return rc;
	return write_all(pp->in, frame, len, deadline);
}

int pcap_peer_recv(struct pcap_peer *pp, void *frame, size_t max, size_t *len, int timeout_ms)
{
	int64_t deadline = qemu_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	for (;;) {
		pcap_peer_pump(pp);
		if (qemu_ring_get(&pp->ring, frame, max, len))
			return 0;
		int64_t left = deadline - qemu_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = pp->out, .events = POLLIN };
		poll(&pfd, 1, left < 20 ? (int)left : 20);
	}
}

void pcap_peer_close(struct pcap_peer *pp)
{
	if (!pp)
		return;
	if (pp->in >= 0)
		close(pp->in);
	if (pp->out >= 0)
		close(pp->out);
	qemu_ring_clear(&pp->ring);
	free(pp->acc);
	free(pp);
}
