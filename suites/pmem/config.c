/* PMEM device: where the persistent memory is (Device Types / PMEM Device /
 * Device Initialization): a physical range in the configuration, or a
 * shared memory region with VIRTIO_PMEM_F_SHMEM_REGION. */
#include <inttypes.h>
#include <stdio.h>
#include <errno.h>
#include "../devsession.h"
#include "vc/devtypes/host.h"
#include "vc/devtypes/pmem.h"

#define L_PMEM_INIT "Device Types / PMEM Device / Device Initialization"

static bool read_range(struct vc_ctx *c, struct vc_dev *d, uint64_t *start, uint64_t *size)
{
	return ds_cfg_read(c, d, VIRTIO_PMEM_CFG_START, 8, start) && ds_cfg_read(c, d, VIRTIO_PMEM_CFG_SIZE, 8, size);
}

/* Without SHMEM_REGION negotiated: start and size name the memory, the
 * very range the host put behind the device when the backend can say. */
static void physical_range(struct vc_ctx *c)
{
	uint64_t start, size, host_start, host_size;
	char where[128];
	struct vc_dev d;

	if (!ds_open(c, &d, 0, 0, 0, true) || !read_range(c, &d, &start, &size))
		return;
	if (!start || !size || start + size < start) {
		vc_fail(c, "without VIRTIO_PMEM_F_SHMEM_REGION the configuration does not name a physical range");
		vc_observed(c, "start 0x%" PRIx64 ", size 0x%" PRIx64, start, size);
		vc_expected(c, "the absolute address of the memory and its size in bytes");
		return;
	}
	int rc = vc_host(c->dev, VC_HOST_PMEM_REGION, "", where, sizeof(where));
	if (rc == -ENOTSUP) {
		vc_note(c, "the %s backend cannot tell where the host put the memory: only the range's shape is "
			   "checked", c->dev->backend);
		return;
	}
	if (!ds_ok(c, rc, "asking the host where the memory is failed"))
		return;
	if (sscanf(where, "%" SCNx64 " %" SCNx64, &host_start, &host_size) != 2) {
		vc_error(c, "the backend's answer '%s' is not \"ADDR SIZE\"", where);
		return;
	}
	if (start != host_start || size != host_size) {
		vc_fail(c, "start and size are not the range the host put behind the device");
		vc_observed(c, "start 0x%" PRIx64 ", size 0x%" PRIx64, start, size);
		vc_expected(c, "start 0x%" PRIx64 ", size 0x%" PRIx64, host_start, host_size);
	}
}

static const struct vc_vcap *shm_region(const struct vc_probe *p, unsigned id)
{
	for (unsigned i = 0; i < p->nvcap; i++)
		if (p->vcap[i].cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG && p->vcap[i].id == id)
			return &p->vcap[i];
	return NULL;
}

/* With SHMEM_REGION negotiated the memory is shared memory region 0. */
static void shmem_region(struct vc_ctx *c)
{
	const struct vc_vcap *r;
	struct vc_dev d;

	if (!ds_open(c, &d, DS_F(VIRTIO_PMEM_F_SHMEM_REGION), 0, 0, true))
		return;
	if (!(r = shm_region(c->probe, 0)) || !r->length) {
		vc_fail(c, "VIRTIO_PMEM_F_SHMEM_REGION negotiated, but there is no shared memory region with id 0%s",
			r ? " of any length" : "");
		vc_observed(c, "%s", r ? "region 0 of length 0" : "no region 0");
		vc_expected(c, "shared memory region 0 holding the persistent memory");
	}
}

static void shmem_config_zero(struct vc_ctx *c)
{
	uint64_t start, size;
	struct vc_dev d;

	if (!ds_open(c, &d, DS_F(VIRTIO_PMEM_F_SHMEM_REGION), 0, 0, true) || !read_range(c, &d, &start, &size))
		return;
	if (start || size) {
		vc_fail(c, "VIRTIO_PMEM_F_SHMEM_REGION negotiated, yet start and size are not zero");
		vc_observed(c, "start 0x%" PRIx64 ", size 0x%" PRIx64, start, size);
		vc_expected(c, "0 and 0");
	}
}

static const struct vc_clause clauses[] = {
	{ "pmem.config.physical-range", L_PMEM_INIT, VC_MUST, VC_DEVICE_RULE, "1.2",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "PMEM-INIT-DEV-4 PMEM-INIT-DEV-5",
	  "Without VIRTIO_PMEM_F_SHMEM_REGION negotiated, start and size give the absolute address and the byte size "
	  "of the memory (the host's own record where the backend has one).", NULL, physical_range },
	{ "pmem.shmem.region", L_PMEM_INIT, VC_MUST, VC_DEVICE_RULE, "1.2",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "PMEM-INIT-DEV-1 PMEM-INIT-DEV-2",
	  "With VIRTIO_PMEM_F_SHMEM_REGION negotiated, the memory is the shared memory region with id 0.", NULL,
	  shmem_region, VC_REQ(VIRTIO_PMEM_F_SHMEM_REGION) },
	{ "pmem.shmem.config-zero", L_PMEM_INIT, VC_SHOULD, VC_DEVICE_RULE, "1.2",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "PMEM-INIT-DEV-3",
	  "With VIRTIO_PMEM_F_SHMEM_REGION negotiated, start and size read zero.", NULL, shmem_config_zero,
	  VC_REQ(VIRTIO_PMEM_F_SHMEM_REGION) },
};
VC_DEVICE_SUITE(suite_pmem_config, clauses, VIRTIO_ID_PMEM);
