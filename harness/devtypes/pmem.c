/* The PMEM device's driver side (vc/devtypes/pmem.h). */
#include "vc/devtypes/pmem.h"

int vc_pmem_flush(struct vc_dev *d, uint32_t *ret, uint32_t *used, unsigned ms)
{
	uint8_t req[4], resp[4] = { 0xee, 0xee, 0xee, 0xee };    /* a value the device must overwrite */
	struct vc_iov iov[2] = { { req, NULL, sizeof(req), false }, { resp, resp, sizeof(resp), true } };
	int rc;

	vc_put32(req, VIRTIO_PMEM_REQ_TYPE_FLUSH);
	if ((rc = vc_dev_call(d, VIRTIO_PMEM_QUEUE, iov, 2, used, ms)))
		return rc;
	*ret = vc_le32(resp);
	return 0;
}
