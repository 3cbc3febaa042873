/* virtio-pmem: 16 MiB of memory behind the device, in a file the host can
 * flush (memory-backend-file in the private directory), plugged into the
 * machine's device memory (slots and maxmem). memdev=vcpmem-ram asks for
 * RAM instead: no file, so every flush fails (QEMU's fsync of no fd). The
 * host action pmem-region answers where QEMU put it (query-memory-devices). */
#include "qemu_priv.h"
#include "vc/devtypes/host.h"

#define PMEM_SIZE "16M"

static bool pmem_serves(const char *model, const char *props)
{
	(void)props;
	return qemu_model_is(model, "virtio-pmem-pci");
}

static int pmem_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	char memdev[64];
	int rc;

	(void)d;
	(void)err;
	(void)errlen;
	if ((rc = qemu_arg(l, "-m")) || (rc = qemu_arg(l, "256M,slots=2,maxmem=1G")))
		return rc;
	if (!qemu_prop_value(l->props, "memdev", memdev, sizeof(memdev)))
		return qemu_arg(l, "-object") ?:
		       qemu_arg(l, "memory-backend-file,id=vcpmem,share=on,mem-path=%s/pmem.img,size=" PMEM_SIZE, l->dir) ?:
		       qemu_devprop(l, "memdev=vcpmem");
	if (!strcmp(memdev, "vcpmem-ram"))
		return qemu_arg(l, "-object") ?: qemu_arg(l, "memory-backend-ram,id=vcpmem-ram,size=" PMEM_SIZE);
	return 0;         /* the user's own backend (VC_QEMU_ARGS) */
}

/* A number after "key": in QMP's answer. */
static bool json_u64(const char *json, const char *key, unsigned long long *v)
{
	const char *at = strstr(json, key);

	return at && sscanf(at + strlen(key), " : %llu", v) == 1;
}

static int pmem_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out, size_t outlen)
{
	char ret[4096];
	unsigned long long addr, size;
	int rc;

	(void)state;
	(void)arg;
	if (strcmp(what, VC_HOST_PMEM_REGION))
		return -ENOTSUP;
	if ((rc = qemu_qmp_query(d, "{\"execute\": \"query-memory-devices\"}", ret, sizeof(ret))))
		return rc;
	const char *dev = strstr(ret, "\"virtio-pmem\"");
	if (!dev || !json_u64(dev, "\"memaddr\"", &addr) || !json_u64(dev, "\"size\"", &size)) {
		snprintf(d->note, sizeof(d->note), "QMP query-memory-devices names no virtio-pmem: %.150s", ret);
		return -EIO;
	}
	snprintf(out, outlen, "%llx %llx", addr, size);
	return 0;
}

const struct qemu_part qemu_part_pmem = {
	.name = "pmem memory", .serves = pmem_serves, .setup = pmem_setup, .host = pmem_host,
};
