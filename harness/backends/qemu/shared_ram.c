/* Guest RAM another process can map: a vhost-user backend reads the rings
 * and buffers itself, so QEMU's RAM must be a shared memfd (the fd goes to
 * the backend with VHOST_USER_SET_MEM_TABLE). The size must be -m's. */
#include "vhost_user.h"

static bool shared_ram_serves(const char *model, const char *props)
{
	(void)model;
	return qemu_has_prop(props, VU_KEY_SOCKET) || qemu_has_prop(props, VU_KEY_DAEMON);
}

static int shared_ram_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	(void)d;
	(void)err;
	(void)errlen;
	return qemu_arg(l, "-object")
	       ?: qemu_arg(l, "memory-backend-memfd,id=vcmem,size=%llu,share=on", (unsigned long long)RAM_SIZE)
	       ?: qemu_arg(l, "-machine") ?: qemu_arg(l, "memory-backend=vcmem");
}

const struct qemu_part qemu_part_shared_ram = {
	.name = "shared guest RAM",
	.serves = shared_ram_serves,
	.setup = shared_ram_setup,
};
