/* virtio-mem: 512 MiB of RAM behind the device (memory-backend-ram, never
 * touched unless plugged) in the machine's device memory (slots and
 * maxmem), 64 MiB requested unless the device line says otherwise, and an
 * id to reach it over QMP. The host-side change is the host's resize:
 * requested-size two blocks up (qom-set), then back. The host actions
 * mem-read and mem-write are the CPU's accesses (qtest) to guest memory
 * from 4 GiB, where pc puts memory devices, up to the 64-bit BAR window. */
#include "qemu_priv.h"
#include "vc/devtypes/host.h"

#define MEM_SIZE "512M"
#define MEM_REQUESTED "64M"
#define DEVICE_MEMORY_BASE 0x100000000ull
#define IO_MAX 256

struct mem_part {
	char id[64];
	unsigned long long base, block;   /* requested-size before the first change; block-size */
};

static bool mem_serves(const char *model, const char *props)
{
	(void)props;
	return qemu_model_is(model, "virtio-mem-pci");
}

static int mem_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	struct mem_part *m = calloc(1, sizeof(*m));
	int rc;

	(void)d;
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*l->state = m;
	if ((rc = qemu_arg(l, "-m")) || (rc = qemu_arg(l, "256M,slots=2,maxmem=1G")))
		return rc;
	if (!qemu_has_prop(l->props, "memdev") &&
	    ((rc = qemu_arg(l, "-object")) || (rc = qemu_arg(l, "memory-backend-ram,id=vcmem,size=" MEM_SIZE)) ||
	     (rc = qemu_devprop(l, "memdev=vcmem"))))
		return rc;
	if (!qemu_has_prop(l->props, "requested-size") && (rc = qemu_devprop(l, "requested-size=" MEM_REQUESTED)))
		return rc;
	if (!qemu_prop_value(l->props, "id", m->id, sizeof(m->id))) {
		snprintf(m->id, sizeof(m->id), "vcmemdev");
		rc = qemu_devprop(l, "id=vcmemdev");
	}
	return rc;
}

/* A device property over QMP (qom-get), as a number. */
static int qom_u64(struct vc_device *d, const char *id, const char *prop, unsigned long long *v)
{
	char cmd[256], ret[512];
	const char *at;
	int rc;

	snprintf(cmd, sizeof(cmd), "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"/machine/peripheral/%s\", "
		 "\"property\": \"%s\"}}", id, prop);
	if ((rc = qemu_qmp_query(d, cmd, ret, sizeof(ret))))
		return rc;
	if (!(at = strstr(ret, "\"return\"")) || sscanf(at + 8, " : %llu", v) != 1)
		return -EIO;
	return 0;
}

static int mem_change(struct vc_device *d, void *state, bool undo)
{
	struct mem_part *m = state;
	char cmd[256];
	int rc;

	if (!m->block && ((rc = qom_u64(d, m->id, "requested-size", &m->base)) ||
			  (rc = qom_u64(d, m->id, "block-size", &m->block))))
		return rc;
	snprintf(cmd, sizeof(cmd), "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/machine/peripheral/%s\", "
		 "\"property\": \"requested-size\", \"value\": %llu}}", m->id, undo ? m->base : m->base + 2 * m->block);
	return qemu_qmp_execute(d, cmd);
}

static int mem_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out, size_t outlen)
{
	bool write = !strcmp(what, VC_HOST_MEM_WRITE);
	uint8_t buf[IO_MAX];
	uint64_t gpa;
	const char *r;
	char *cmd;
	int len, rc;

	(void)state;
	if (!write && strcmp(what, VC_HOST_MEM_READ))
		return -ENOTSUP;
	if ((len = vc_host_mem_arg(arg, write, &gpa, buf, sizeof(buf))) < 0 || gpa < DEVICE_MEMORY_BASE ||
	    gpa >= MEM64_BASE || (uint64_t)len > MEM64_BASE - gpa)
		return -ERANGE;
	if (!write) {
		if ((rc = qt_cmdf(d, &r, "b64read 0x%" PRIx64 " 0x%x", gpa, len)) ||
		    (rc = qemu_b64_decode(r, buf, (size_t)len)))
			return rc;
		vc_host_hex(buf, (size_t)len, out, outlen);
		return 0;
	}
	if (!(cmd = malloc(64 + ((size_t)len + 2) / 3 * 4 + 1)))
		return -ENOMEM;
	int k = snprintf(cmd, 64, "b64write 0x%" PRIx64 " 0x%x ", gpa, len);
	qemu_b64_encode(buf, (size_t)len, cmd + k);
	rc = qt_cmd(d, cmd, NULL);
	free(cmd);
	return rc;
}

static void mem_close(struct vc_device *d, void *state)
{
	(void)d;
	free(state);
}

const struct qemu_part qemu_part_mem = {
	.name = "mem memory", .serves = mem_serves, .setup = mem_setup, .config_change = mem_change,
	.close = mem_close, .host = mem_host,
};
