/* Multi-queue (VIRTIO_BLK_F_MQ), as a block device is used: every request
 * queue serves requests, and each completes on the queue it came on. The
 * spec has no block rule for it (side "sanity"). */
#include <string.h>
#include "blk.h"

#define MQ_MAX 64
#define MQ_SIZE 16

/* A request on queue q: used there within the timeout, no other queue's
 * used ring touched. */
static bool on_queue(struct blk *b, struct vc_vq **vq, unsigned nq, unsigned q, struct vc_blk_req *r, const void *out)
{
	uint16_t id;
	uint32_t len;

	if (!blk_do_on(b, vq[q], r, out))
		return false;
	for (unsigned p = 0; p < nq; p++)
		if (p != q && vc_vq_get_used(&b->drv, vq[p], &id, &len) == 0) {
			vc_fail(b->c, "a request on queue %u completed on queue %u's used ring", q, p);
			vc_observed(b->c, "queue %u used id %u, len %u", p, id, len);
			vc_expected(b->c, "nothing on queue %u", p);
			return false;
		}
	return true;
}

static void queues_serve(struct vc_ctx *c)
{
	static struct vc_vq more[MQ_MAX];
	struct vc_vq *vq[MQ_MAX];
	uint8_t buf[VC_BLK_SECTOR], ref[VC_BLK_SECTOR];
	uint64_t want = BLK_F(VC_BLK_F_MQ), nq, at;
	struct vc_blk_req r;
	struct blk b;
	bool accepted, ro = vc_offers(c->probe, VC_BLK_F_RO);
	int rc = 0;

	if (!blk_offered(c, want))
		return;
	want |= vc_offers(c->probe, VC_BLK_F_ZONED) ? BLK_F(VC_BLK_F_ZONED) : 0;
	want |= ro ? BLK_F(VC_BLK_F_RO) : 0;
	if (!blk_negotiate(c, &b, want, &accepted))
		return;
	if (!accepted) {
		vc_skip(c, "the device refused VIRTIO_BLK_F_MQ (pci.features.* report it)");
		return;
	}
	bool present;
	if (!blk_cfg_opt(&b, VC_BLK_CFG_NUM_QUEUES, 2, &nq, &present))
		return;
	if (!present) {
		vc_skip(c, "num_queues lies past the end of the device configuration (pci.caps.* report it)");
		return;
	}
	if (nq > c->probe->num_queues || nq > MQ_MAX) {
		vc_skip(c, "num_queues %llu: more than the %u queues the device has (or this check drives)",
			(unsigned long long)nq, c->probe->num_queues < MQ_MAX ? c->probe->num_queues : MQ_MAX);
		return;
	}
	if (c->probe->common->length < COMMON_CFG_SIZE_BASE) {
		vc_skip(c, "the common configuration is too short to hold the queue registers (pci.common.length reports it)");
		return;
	}
	bool msix = c->probe->msix_pos && !vc_irq_msix(&b.drv, 1);     /* every queue on vector 0 */
	for (unsigned q = 0; q < nq && !rc; q++) {
		vq[q] = q ? &more[q] : &b.vq;            /* queue 0 is the session's, for its other requests */
		if (!(rc = vc_vq_setup(&b.drv, (uint16_t)q, MQ_SIZE, vq[q])) && msix)
			rc = vc_common_write(b.drv.dev, b.drv.p, COMMON_queue_msix_vector, 2, 0);
		if (!rc)
			rc = vc_vq_enable(&b.drv, vq[q]);
		const struct vc_vcap *n = c->probe->notify;
		if (!rc && (uint64_t)vq[q]->notify_off * n->notify_off_multiplier + 2 > n->length) {
			vc_skip(c, "queue %u's doorbell lies past the notification structure (pci.notify.length-covers-queues "
				   "reports it)", q);
			return;
		}
	}
	if (!rc)
		rc = vc_status_add(&b.drv, VIRTIO_STATUS_DRIVER_OK);
	if (rc) {
		vc_error(c, "setting up %llu queues failed: %s", (unsigned long long)nq, strerror(-rc));
		return;
	}
	if (!blk_cfg(&b, VC_BLK_CFG_CAPACITY, 8, &b.capacity) || !blk_scratch(&b, (uint32_t)nq, &at))
		return;
	for (unsigned q = 0; q < nq; q++) {
		if (!ro) {
			vc_blk_pattern_fill(buf, at + q, sizeof(buf), 50);
			vc_blk_init(&r, VC_BLK_T_OUT, at + q, sizeof(buf));
			if (!on_queue(&b, vq, (unsigned)nq, q, &r, buf) || !blk_status(&b, &r, VC_BLK_S_OK, "a write"))
				return;
		}
		vc_blk_init(&r, VC_BLK_T_IN, ro ? at : at + q, sizeof(buf));
		if (!on_queue(&b, vq, (unsigned)nq, q, &r, NULL) || !blk_status(&b, &r, VC_BLK_S_OK, "a read") ||
		    vc_blk_data(&b.drv, &r, buf))
			return;
		if (ro && q == 0)
			memcpy(ref, buf, sizeof(ref));
		if (ro ? memcmp(buf, ref, sizeof(ref)) != 0 : !blk_same(&b, buf, at + q, sizeof(buf), 50, "a read on its queue")) {
			if (ro) {
				vc_fail(c, "queue %u reads sector %llu differently from queue 0", q, (unsigned long long)at);
				vc_observed(c, "%s", blk_bytes(buf, sizeof(buf)));
				vc_expected(c, "%s", blk_bytes(ref, sizeof(ref)));
			}
			return;
		}
	}
	vc_note(c, "%llu request queues served", (unsigned long long)nq);
}

static const struct vc_clause clauses[] = {
	{ "blk.sanity.mq.queues-serve", L_BLK_SANITY, VC_MAY, VC_SANITY, "1.0", BLK_DRIVES, "",
	  "Not a spec rule: with VIRTIO_BLK_F_MQ, each of num_queues request queues takes a write and a read that "
	  "complete on that queue, and the data reads back.", NULL, queues_serve, VC_REQ(VC_BLK_F_MQ) },
};

VC_DEVICE_SUITE(suite_blk_mq, clauses, 2);
