/* GPU: shared memory regions (Device Types / GPU Device / Device
 * Initialization): their ids, and the blob mapping the host visible one
 * asks for. */
#include <errno.h>
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/gpu.h"

#define L_GPU_INIT "Device Types / GPU Device / Device Initialization"
#define BLOB 0x77

static const struct vc_vcap *shm_cap(const struct vc_probe *p, int id, unsigned *n)
{
	const struct vc_vcap *hit = NULL;

	*n = 0;
	for (unsigned i = 0; i < p->nvcap; i++) {
		if (p->vcap[i].cfg_type != VIRTIO_PCI_CAP_SHARED_MEMORY_CFG)
			continue;
		(*n)++;
		if (id < 0 ? p->vcap[i].id > VIRTIO_GPU_SHM_ID_HOST_VISIBLE : p->vcap[i].id == id)
			hit = hit ? hit : &p->vcap[i];
	}
	return hit;
}

/* Each shared memory region is UNDEFINED (0) or HOST_VISIBLE (1). */
static void shm_ids(struct vc_ctx *c)
{
	unsigned n;
	const struct vc_vcap *bad = shm_cap(c->probe, -1, &n);

	if (!n)
		vc_skip(c, "the device has no shared memory region");
	else if (bad) {
		vc_fail(c, "shared memory region at capability 0x%02x has shmid %u", bad->pos, bad->id);
		vc_observed(c, "shmid %u", bad->id);
		vc_expected(c, "VIRTIO_GPU_SHM_ID_UNDEFINED (0) or VIRTIO_GPU_SHM_ID_HOST_VISIBLE (1)");
	}
}

static bool blob_cmd(struct vc_ctx *c, struct vc_dev *d, uint8_t *cmd, uint32_t len, uint32_t want, const char *what)
{
	uint8_t resp[32];
	int rc = vc_gpu_cmd(d, cmd, len, NULL, 0, resp, sizeof(resp), c->dev->timeout_ms);

	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never answered %s", what);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "a response");
		return false;
	}
	if (!ds_ok(c, rc, "sending a control command failed"))
		return false;
	uint32_t type = vc_le32(resp);
	if (type == want)
		return true;
	vc_fail(c, "with a host visible memory region, %s was not served", what);
	vc_observed(c, "response 0x%04x", type);
	vc_expected(c, "0x%04x", want);
	return false;
}

/* With the host visible region, a host blob (in a context) is mapped into
 * it and unmapped: RESOURCE_MAP_BLOB answers OK_MAP_INFO, UNMAP_BLOB
 * OK_NODATA. */
static void map_blob(struct vc_ctx *c)
{
	uint8_t ctx[24 + 72] = { 0 }, create[56] = { 0 }, map[40] = { 0 }, unmap[32] = { 0 }, resp[32];
	struct vc_dev d;
	unsigned n;

	if (!shm_cap(c->probe, VIRTIO_GPU_SHM_ID_HOST_VISIBLE, &n)) {
		vc_skip(c, "the device has no host visible memory region (shmid 1)");
		return;
	}
	if (!ds_open(c, &d, DS_F(VIRTIO_GPU_F_RESOURCE_BLOB) | DS_F(VIRTIO_GPU_F_VIRGL), 0,
		     DS_Q(VIRTIO_GPU_CONTROLQ) | DS_Q(VIRTIO_GPU_CURSORQ), false))
		return;
	vc_gpu_hdr_encode(ctx, &(struct vc_gpu_hdr){ VIRTIO_GPU_CMD_CTX_CREATE, 0, 0, 1 });
	vc_put32(ctx + 24, 9);                        /* nlen, then the name */
	memcpy(ctx + 32, "vc-conform", 9);
	vc_gpu_hdr_encode(create, &(struct vc_gpu_hdr){ VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB, 0, 0, 1 });
	vc_put32(create + 24, BLOB);
	vc_put32(create + 28, VIRTIO_GPU_BLOB_MEM_HOST3D);
	vc_put32(create + 32, VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE);
	vc_put64(create + 40, 1);                     /* blob_id */
	vc_put64(create + 48, 4096);
	vc_gpu_hdr_encode(map, &(struct vc_gpu_hdr){ VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB, 0, 0, 1 });
	vc_put32(map + 24, BLOB);
	vc_gpu_hdr_encode(unmap, &(struct vc_gpu_hdr){ VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB, 0, 0, 1 });
	vc_put32(unmap + 24, BLOB);
	int rc = vc_gpu_cmd(&d, ctx, sizeof(ctx), NULL, 0, resp, sizeof(resp), c->dev->timeout_ms);
	if (rc == 0)
		rc = vc_gpu_cmd(&d, create, sizeof(create), NULL, 0, resp, sizeof(resp), c->dev->timeout_ms);
	if (rc && !ds_ok(c, rc == -ETIMEDOUT ? -EIO : rc, "creating a context and a host blob failed"))
		return;
	if (vc_le32(resp) != VIRTIO_GPU_RESP_OK_NODATA) {
		vc_skip(c, "the device would not create a mappable host blob (response 0x%04x): nothing to map",
			vc_le32(resp));
		return;
	}
	if (blob_cmd(c, &d, map, sizeof(map), VIRTIO_GPU_RESP_OK_MAP_INFO, "RESOURCE_MAP_BLOB"))
		blob_cmd(c, &d, unmap, sizeof(unmap), VIRTIO_GPU_RESP_OK_NODATA, "RESOURCE_UNMAP_BLOB");
}

static const struct vc_clause clauses[] = {
	{ "gpu.shm.ids", L_GPU_INIT, VC_MUST, VC_DEVICE_RULE, "1.2", 0, "GPU-INIT-DEV-5",
	  "Each shared memory region's shmid is UNDEFINED (0) or HOST_VISIBLE (1).", NULL, shm_ids },
	{ "gpu.shm.map-blob", L_GPU_INIT, VC_MUST, VC_DEVICE_RULE, "1.2",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "GPU-INIT-DEV-6",
	  "With the host visible memory region, RESOURCE_MAP_BLOB and RESOURCE_UNMAP_BLOB of a host blob are "
	  "served.", NULL, map_blob, VC_REQ(VIRTIO_GPU_F_RESOURCE_BLOB) },
};
VC_DEVICE_SUITE(suite_gpu_shm, clauses, VIRTIO_ID_GPU);
