/* PMEM device: flush requests (Device Types / PMEM Device / Device
 * Operation). */
#include <errno.h>
#include "../devsession.h"
#include "vc/devtypes/pmem.h"

#define L_PMEM_RETURN "Device Types / PMEM Device / Device Operation / Virtqueue return"

/* A flush comes back with ret 0 (success) or -1 (failure), nothing else. */
static void flush_ret(struct vc_ctx *c)
{
	uint32_t ret, used;
	struct vc_dev d;
	int rc;

	if (!ds_open(c, &d, 0, 0, DS_Q(VIRTIO_PMEM_QUEUE), false))
		return;
	for (unsigned i = 0; i < 2; i++) {
		rc = vc_pmem_flush(&d, &ret, &used, c->dev->timeout_ms);
		if (rc == -ETIMEDOUT) {
			vc_fail(c, "flush request %u was never used", i + 1);
			vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
			vc_expected(c, "the flush completed with ret 0 or -1");
			return;
		}
		if (!ds_ok(c, rc, "sending a flush request failed"))
			return;
		if (ret != 0 && ret != 0xffffffffu) {
			vc_fail(c, "flush request %u came back with ret %d%s", i + 1, (int32_t)ret,
				ret == 0xeeeeeeeeu ? " (the driver's filler: not written)" : "");
			vc_observed(c, "ret 0x%08x, used length %u", ret, used);
			vc_expected(c, "ret 0 (success) or -1 (failure)");
			return;
		}
		if (i == 1 && ret)
			vc_note(c, "both flushes failed (ret -1)");
	}
}

static const struct vc_clause clauses[] = {
	{ "pmem.flush.ret", L_PMEM_RETURN, VC_MUST, VC_DEVICE_RULE, "1.2",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "PMEM-RETURN-DEV-1",
	  "A flush request comes back with ret 0 for success or -1 for failure.", NULL, flush_ret },
};
VC_DEVICE_SUITE(suite_pmem_flush, clauses, VIRTIO_ID_PMEM);
