/* virtio-crypto: a cryptodev backend behind the device (QEMU's builtin one,
 * which does AES-CBC and RSA) unless the device line names its own. */
#include "qemu_priv.h"

static bool crypto_serves(const char *model, const char *props)
{
	return qemu_model_is(model, "virtio-crypto-pci") && !qemu_has_prop(props, "cryptodev");
}

static int crypto_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	(void)d;
	(void)err;
	(void)errlen;
	return qemu_arg(l, "-object") ?: qemu_arg(l, "cryptodev-backend-builtin,id=vccrypto") ?:
	       qemu_devprop(l, "cryptodev=vccrypto");
}

const struct qemu_part qemu_part_crypto = {
	.name = "crypto backend", .serves = crypto_serves, .setup = crypto_setup,
};
