/* virtio-sound: an audio backend behind the device (QEMU's "none", which
 * plays into nothing and captures silence at the stream's rate) unless the
 * device line names its own. The host hears nothing the harness can read:
 * sound-played and sound-capture are -ENOTSUP, so the clauses needing them
 * SKIP. */
#include "qemu_priv.h"

static bool sound_serves(const char *model, const char *props)
{
	return qemu_model_is(model, "virtio-sound-pci") && !qemu_has_prop(props, "audiodev");
}

static int sound_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	(void)d;
	(void)err;
	(void)errlen;
	return qemu_arg(l, "-audiodev") ?: qemu_arg(l, "none,id=vcsnd") ?: qemu_devprop(l, "audiodev=vcsnd");
}

const struct qemu_part qemu_part_sound = {
	.name = "audio backend", .serves = sound_serves, .setup = sound_setup,
};
