/* The parts of the qemu: backend (qemu_priv.h, struct qemu_part): what the
 * harness puts behind a device model when the user's device line names
 * none. A device line that names its own back end (drive=, netdev=) keeps it. */
#include "qemu_priv.h"
#include "vhost_user.h"

/* virtio-blk: a raw image (part_blk.c). */
extern const struct qemu_part qemu_part_disk;

/* virtio-net: two ports on a hub, no host network. The second port has no
 * peer, so the hub always accepts (and drops) what the device transmits;
 * with one port alone, transmits would queue forever. The host-side change
 * is the link going down (VIRTIO_NET_S_LINK_UP) and up again. */
static bool hub_serves(const char *model, const char *props)
{
	return qemu_model_is(model, "virtio-net-pci") && !qemu_has_prop(props, "netdev");
}

static int hub_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	(void)d;
	(void)err;
	(void)errlen;
	return qemu_arg(l, "-netdev") ?: qemu_arg(l, "hubport,id=vcnet,hubid=0") ?: qemu_arg(l, "-netdev")
	       ?: qemu_arg(l, "hubport,id=vcsink,hubid=0") ?: qemu_devprop(l, "netdev=vcnet");
}

static int link_change(struct vc_device *d, void *state, bool undo)
{
	(void)state;
	return qemu_qmp_execute(d, undo ? "{\"execute\": \"set_link\", \"arguments\": {\"name\": \"vcnet\", \"up\": true}}"
				   : "{\"execute\": \"set_link\", \"arguments\": {\"name\": \"vcnet\", \"up\": false}}");
}

static const struct qemu_part hub = { "hub port", hub_serves, hub_setup, NULL, link_change, NULL };

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
	qemu_part_scsi, qemu_part_gpu;
extern const struct qemu_part qemu_part_iommu_endpoints, qemu_part_mem;

const struct qemu_part *const qemu_parts[] = {
	&qemu_part_disk,
	&hub,
	&balloon,
	&qemu_part_pmem,
	&qemu_part_input,
	&qemu_part_console,
	&qemu_part_balloon,
	&qemu_part_scsi,
	&qemu_part_gpu,
	&qemu_part_shared_ram,
	&qemu_part_vhost_user,
	&qemu_part_iommu_endpoints,
	&qemu_part_mem,
	NULL,
};
