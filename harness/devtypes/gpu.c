/* The GPU's driver side (vc/devtypes/gpu.h). */
#include "vc/devtypes/gpu.h"

void vc_gpu_hdr_encode(uint8_t *b, const struct vc_gpu_hdr *h)
{
	vc_put32(b, h->type);
	vc_put32(b + 4, h->flags);
	vc_put64(b + 8, h->fence_id);
	vc_put32(b + 16, h->ctx_id);
	vc_put32(b + 20, 0);          /* ring_idx, padding */
}

struct vc_gpu_hdr vc_gpu_hdr_decode(const uint8_t *b)
{
	return (struct vc_gpu_hdr){ vc_le32(b), vc_le32(b + 4), vc_le64(b + 8), vc_le32(b + 16) };
}

int vc_gpu_cmd(struct vc_dev *d, const uint8_t *cmd, uint32_t len, const void *extra, uint32_t extra_len,
	       uint8_t *resp, uint32_t resp_len, unsigned ms)
{
	struct vc_iov iov[3];
	unsigned n = 0;

	iov[n++] = (struct vc_iov){ cmd, NULL, len, false };
	if (extra_len)
		iov[n++] = (struct vc_iov){ extra, NULL, extra_len, false };
	iov[n++] = (struct vc_iov){ NULL, resp, resp_len, true };
	return vc_dev_call(d, VIRTIO_GPU_CONTROLQ, iov, n, NULL, ms);
}
