/* Balloon: free page reporting with page poison (Device Types / Memory
 * Balloon Device / Device Operation / Free Page Reporting). */
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/balloon.h"

#define L_BALLOON_REPORT "Device Types / Memory Balloon Device / Device Operation / Free Page Reporting"
#define REPORT_PAGES 4
#define POISON 0xaa55aa55u

/* poison_val set before DRIVER_OK, pages filled with it and reported:
 * once the report is used, every word of them still reads poison_val. */
static void poison_kept(struct vc_ctx *c)
{
	uint8_t page[VC_BALLOON_PAGE];
	struct vc_iov iov[REPORT_PAGES];
	uint64_t at[REPORT_PAGES];
	struct vc_dev d;

	if (!ds_open(c, &d, DS_F(VIRTIO_BALLOON_F_PAGE_REPORTING) | DS_F(VIRTIO_BALLOON_F_PAGE_POISON), 0,
		     DS_Q(VIRTIO_BALLOON_INFLATEQ) | DS_Q(VIRTIO_BALLOON_DEFLATEQ) | DS_Q(VIRTIO_BALLOON_REPORTING_VQ), true) ||
	    !ds_cfg_write(c, &d, VIRTIO_BALLOON_CFG_POISON, 4, POISON) || !ds_driver_ok(c, &d))
		return;
	for (unsigned i = 0; i < sizeof(page); i += 4)
		vc_put32(page + i, POISON);
	for (unsigned i = 0; i < REPORT_PAGES; i++) {
		if (!ds_ok(c, vc_dma_alloc(c->dev, sizeof(page), sizeof(page), &at[i]), "DMA allocation failed") ||
		    !ds_ok(c, vc_dma_write(c->dev, at[i], page, sizeof(page)), "DMA write failed"))
			return;
		iov[i] = (struct vc_iov){ NULL, NULL, sizeof(page), true, at[i] };
	}
	if (!ds_call(c, &d, VIRTIO_BALLOON_REPORTING_VQ, iov, REPORT_PAGES, NULL, "free page report"))
		return;
	for (unsigned i = 0; i < REPORT_PAGES; i++) {
		if (!ds_ok(c, vc_dma_read(c->dev, at[i], page, sizeof(page)), "DMA read failed"))
			return;
		for (unsigned k = 0; k < sizeof(page); k += 4) {
			if (vc_le32(page + k) != POISON) {
				vc_fail(c, "reported page %u holds something other than poison_val at byte 0x%x", i, k);
				vc_observed(c, "0x%08x", vc_le32(page + k));
				vc_expected(c, "0x%08x (poison_val)", POISON);
				return;
			}
		}
	}
}

static const struct vc_clause clauses[] = {
	{ "balloon.report.poison-kept", L_BALLOON_REPORT, VC_MUST_NOT, VC_DEVICE_RULE, "1.2",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "BALLOON-REPORT-DEV-2",
	  "With VIRTIO_BALLOON_F_PAGE_POISON, pages filled with poison_val and reported hold nothing but "
	  "poison_val once the report is used.", NULL, poison_kept,
	  VC_REQ(VIRTIO_BALLOON_F_PAGE_REPORTING) | VC_REQ(VIRTIO_BALLOON_F_PAGE_POISON), 5 },
};
VC_DEVICE_SUITE(suite_balloon_reporting, clauses, VIRTIO_ID_BALLOON);
