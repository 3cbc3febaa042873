/* The parts of the qemu: backend (qemu_priv.h, struct qemu_part): what the
 * harness puts behind a device model when the user's device line names
 * none (virtio-net's packet peer is netpeer.c). A device line that names
 * its own back end (drive=, netdev=) keeps it. */
#include "qemu_priv.h"
#include "vhost_user.h"

/* virtio-blk: a raw image (part_blk.c). */
extern const struct qemu_part qemu_part_disk;

/* virtio-balloon: the host's target (a value below the RAM size moves
 * num_pages), and back. */
static bool balloon_serves(const char *model, const char *props)
{
	(void)props;
	return qemu_model_is(model, "virtio-balloon-pci");
}

static int balloon_change(struct vc_device *d, void *state, bool undo)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "{\"execute\": \"balloon\", \"arguments\": {\"value\": %llu}}",
		 (unsigned long long)(undo ? RAM_SIZE : RAM_SIZE / 2));
	return qemu_qmp_execute(d, cmd);
}

static const struct qemu_part balloon = { "balloon target", balloon_serves, NULL, NULL, balloon_change, NULL };

extern const struct qemu_part qemu_part_pmem, qemu_part_input, qemu_part_console, qemu_part_balloon,
	qemu_part_scsi, qemu_part_gpu, qemu_part_crypto, qemu_part_sound;
extern const struct qemu_part qemu_part_iommu_endpoints, qemu_part_mem;

const struct qemu_part *const qemu_parts[] = {
	&qemu_part_disk,
	&qemu_part_netpeer,
	&balloon,
	&qemu_part_pmem,
	&qemu_part_input,
	&qemu_part_console,
	&qemu_part_balloon,
	&qemu_part_scsi,
	&qemu_part_gpu,
	&qemu_part_vhost_user,
	&qemu_part_iommu_endpoints,
	&qemu_part_mem,
	&qemu_part_crypto,
	&qemu_part_sound,
	NULL,
};

/* The part that is the device's link partner: its index, or -1. */
static int peer_part(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;

	for (unsigned i = 0; i < p->nparts; i++)
		if (p->part[i]->peer_send && p->part[i]->peer_recv &&
		    (!p->part[i]->has_peer || p->part[i]->has_peer(p->part_state[i])))
			return (int)i;
	return -1;
}

bool qemu_has_peer(struct vc_device *d)
{
	return peer_part(d) >= 0;
}

int qemu_peer_send(struct vc_device *d, const void *frame, size_t len)
{
	struct qemu_priv *p = d->priv;
	int i = peer_part(d);

	if (p->dead)
		return -EIO;
	d->activity++;
	return i < 0 ? -ENOTSUP : p->part[i]->peer_send(d, p->part_state[i], frame, len);
}

int qemu_peer_recv(struct vc_device *d, void *frame, size_t max, size_t *len, int timeout_ms)
{
	struct qemu_priv *p = d->priv;
	int i = peer_part(d);

	return i < 0 ? -ENOTSUP : p->part[i]->peer_recv(d, p->part_state[i], frame, max, len, timeout_ms);
}

/* Every look at the device would otherwise cost a receive on the peer's
 * socket, nearly always empty (1246 of 2636 receives of a net run). A
 * device sends a few frames in 100 us, and a datagram socket queues 10
 * (net.unix.max_dgram_qlen) before the sender waits; peer_recv itself
 * takes in everything before it looks. */
#define PUMP_EVERY_NS 100000

void qemu_parts_pump(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	uint64_t now = vc_now_ns();

	if (now - p->pumped_ns < PUMP_EVERY_NS)
		return;
	p->pumped_ns = now;
	for (unsigned i = 0; i < p->nparts; i++)
		if (p->part[i]->pump)
			p->part[i]->pump(d, p->part_state[i]);
}
