/* The block device's configuration space: padding, the initial cache mode,
 * and changes the device makes (capacity, write_zeroes_may_unmap) announced
 * by a configuration change notification, whether the host made them or
 * the device did on its own while serving requests. */
#include <errno.h>
#include <string.h>
#include "blk.h"
#include "session.h"

/* Every device-type bit the device offers (the zoned one too). */
static uint64_t offered_type_bits(const struct vc_probe *p)
{
	uint64_t bits = 0;

	for (unsigned bit = 0; bit < 24; bit++)
		if (vc_offers(p, bit))
			bits |= BLK_F(bit);
	return bits;
}

static void padding_zero(struct vc_ctx *c)
{
	static const unsigned pad[] = { VC_BLK_CFG_UNUSED0, VC_BLK_CFG_UNUSED1, VC_BLK_CFG_UNUSED1 + 1,
					VC_BLK_CFG_UNUSED1 + 2 };
	struct blk b;
	bool accepted, present;
	unsigned seen = 0;
	uint64_t v;

	if (!blk_negotiate(c, &b, offered_type_bits(c->probe), &accepted))
		return;
	if (!accepted) {
		vc_skip(c, "the device refused every feature it offers together (pci.features.* report it)");
		return;
	}
	for (unsigned i = 0; i < sizeof(pad) / sizeof(pad[0]); i++) {
		if (!blk_cfg_opt(&b, pad[i], 1, &v, &present))
			return;
		seen += present;
		if (present && v) {
			vc_fail(c, "padding byte %s at offset %u of the block configuration is not 0",
				pad[i] == VC_BLK_CFG_UNUSED0 ? "unused0" : "unused1", pad[i]);
			vc_observed(c, "0x%02llx", (unsigned long long)v);
			vc_expected(c, "0x00");
			return;
		}
	}
	if (!seen)
		vc_skip(c, "the device configuration is too short to reach unused0");
}

/* VIRTIO_BLK_F_CONFIG_WCE accepted without VIRTIO_BLK_F_FLUSH: writeback
 * reads 0 once FEATURES_OK is set (the first moment a driver may read it). */
static void writeback_starts_0(struct vc_ctx *c)
{
	struct blk b;
	bool accepted;
	uint64_t wb;

	if (!blk_offered(c, BLK_F(VC_BLK_F_CONFIG_WCE)) ||
	    !blk_negotiate(c, &b, BLK_F(VC_BLK_F_CONFIG_WCE), &accepted))
		return;
	if (!accepted) {
		vc_skip(c, "the device refused VIRTIO_BLK_F_CONFIG_WCE without VIRTIO_BLK_F_FLUSH (its right)");
		return;
	}
	if (!blk_cfg(&b, VC_BLK_CFG_WRITEBACK, 1, &wb))
		return;
	if (wb != 0) {
		vc_fail(c, "with VIRTIO_BLK_F_CONFIG_WCE negotiated and VIRTIO_BLK_F_FLUSH not, writeback reads %llu "
			   "after FEATURES_OK: a writeback cache the driver cannot flush", (unsigned long long)wb);
		vc_observed(c, "writeback %llu", (unsigned long long)wb);
		vc_expected(c, "0 (writethrough)");
	}
}

/* A session with the configuration change notification routed: MSI-X
 * config vector 0 (queue 0 on no vector), or INTx. */
static bool start_watched(struct vc_ctx *c, struct blk *b, uint64_t want, bool *msix)
{
	bool accepted;
	uint64_t got;
	int rc;

	/* a driver that handles zones: a host-managed device needs it */
	want |= vc_offers(c->probe, VC_BLK_F_ZONED) ? BLK_F(VC_BLK_F_ZONED) : 0;
	if (!blk_negotiate(c, b, want, &accepted))
		return false;
	if (!accepted) {
		vc_skip(c, "the device refused the feature set (pci.features.* report it)");
		return false;
	}
	*msix = c->probe->msix_pos != 0;
	if (*msix) {
		/* vector 0 for configuration changes; requestq1 gets vector 1 */
		if (!session_msix(c, &b->drv, 2) || !vc_ctx_common_write(c, COMMON_config_msix_vector, 2, 0) ||
		    !vc_ctx_common_read(c, COMMON_config_msix_vector, 2, &got))
			return false;
		if (got != 0) {
			vc_skip(c, "the device did not map MSI-X vector 0 for configuration changes (pci.msix.* report it)");
			return false;
		}
	} else if ((rc = vc_irq_intx(&b->drv))) {
		vc_error(c, "INTx set-up failed: %s", strerror(-rc));
		return false;
	}
	b->queue_vector = *msix ? 1 : -1;
	return blk_run(b) && !vc_irq_drain(&b->drv);
}

/* Was a configuration change notified since the last look? */
static bool notified(struct blk *b, bool msix, unsigned ms, bool *got)
{
	uint8_t isr = 0;
	int rc = session_wait_irq(b->c, &b->drv, msix ? 0 : -1, ms, &isr);

	*got = rc == 0 && (msix || (isr & 2));
	return rc == 0 || rc == -ETIMEDOUT;
}

struct watched_field {
	unsigned off, width;
	const char *name;
};

/* The field changed from `before` to `now`: the notification must have
 * come (and config_generation moved). `how` says what made the change. */
static bool judge(struct blk *b, const struct watched_field *f, uint64_t before, uint64_t now, uint64_t gen0, uint64_t gen1,
		  bool got, const char *how)
{
	if (got)
		return true;
	vc_fail(b->c, "%s changed from %llu to %llu %s, with no configuration change notification", f->name,
		(unsigned long long)before, (unsigned long long)now, how);
	vc_observed(b->c, "no configuration interrupt; config_generation %llu -> %llu", (unsigned long long)gen0,
		    (unsigned long long)gen1);
	vc_expected(b->c, "a configuration change notification");
	return false;
}

/* capacity grew from `before` to `now`: the sectors it added serve
 * requests (the new last one reads with OK). */
static bool added_sectors_serve(struct blk *b, uint64_t before, uint64_t now)
{
	struct vc_blk_req r;

	if (vc_negotiated(&b->drv, VC_BLK_F_ZONED))
		return true;
	vc_blk_init(&r, VC_BLK_T_IN, now - 1, VC_BLK_SECTOR);
	if (!blk_do(b, &r, NULL))
		return false;
	if (r.status == VC_BLK_S_OK)
		return true;
	vc_fail(b->c, "capacity grew from %llu to %llu sectors, but a read of sector %llu, the new last one, failed",
		(unsigned long long)before, (unsigned long long)now, (unsigned long long)(now - 1));
	vc_observed(b->c, "status %u", r.status);
	vc_expected(b->c, "OK: the added sectors serve requests");
	return false;
}

/* Watch a field: first while the device serves `work` (a change it makes
 * on its own), then across two host-side changes (the second undoes the
 * first). SKIP when it never changed. */
static void change_notified(struct vc_ctx *c, const struct watched_field *f, uint64_t want,
			    bool (*work)(struct blk *b))
{
	struct blk b;
	bool msix, got, changed = false;
	uint64_t before, now, gen0, gen1;
	unsigned ms = c->dev->timeout_ms;

	if (!start_watched(c, &b, want, &msix) || !blk_cfg(&b, f->off, f->width, &before) ||
	    !vc_ctx_common_read(c, COMMON_config_generation, 1, &gen0))
		return;
	if (!work(&b) || !blk_cfg(&b, f->off, f->width, &now) ||
	    !vc_ctx_common_read(c, COMMON_config_generation, 1, &gen1))
		return;
	if (now != before) {
		changed = true;
		if (!notified(&b, msix, ms, &got) || !judge(&b, f, before, now, gen0, gen1, got, "while requests were served"))
			return;
	}
	for (unsigned round = 0; round < 2; round++) {
		before = now;
		gen0 = gen1;
		int rc = vc_irq_drain(&b.drv);
		if (rc) {
			vc_error(c, "interrupt drain failed: %s", strerror(-rc));
			return;
		}
		if (!session_config_change(c))
			return;
		if (!notified(&b, msix, ms, &got) || !blk_cfg(&b, f->off, f->width, &now) ||
		    !vc_ctx_common_read(c, COMMON_config_generation, 1, &gen1))
			return;
		if (now == before)
			continue;
		changed = true;
		if (!judge(&b, f, before, now, gen0, gen1, got, "by the host-side change") ||
		    (f->off == VC_BLK_CFG_CAPACITY && now > before && !added_sectors_serve(&b, before, now)))
			return;
	}
	if (!changed)
		vc_skip(c, "%s never changed (neither while serving requests nor by the %s backend's host-side change)",
			f->name, c->dev->backend);
}

/* Requests that might make a device change its capacity or unmap ability. */
static bool some_writes(struct blk *b)
{
	uint64_t at;

	if (vc_negotiated(&b->drv, VC_BLK_F_RO))
		return true;
	return blk_scratch(b, 8, &at) && blk_write(b, at, 8, 1) && blk_write(b, at, 8, 2);
}

static bool unmapping_write_zeroes(struct blk *b)
{
	struct vc_blk_req r;
	uint64_t at;

	if (vc_negotiated(&b->drv, VC_BLK_F_RO))
		return true;
	return blk_scratch(b, 8, &at) && blk_write(b, at, 8, 1) &&
	       blk_segment_do(b, VC_BLK_T_WRITE_ZEROES, at, 8, VC_BLK_SEG_F_UNMAP, &r);
}

static void capacity_notified(struct vc_ctx *c)
{
	static const struct watched_field f = { VC_BLK_CFG_CAPACITY, 8, "capacity" };
	uint64_t ro = vc_offers(c->probe, VC_BLK_F_RO) ? BLK_F(VC_BLK_F_RO) : 0;

	change_notified(c, &f, ro, some_writes);
}

static void may_unmap_notified(struct vc_ctx *c)
{
	static const struct watched_field f = { VC_BLK_CFG_WRITE_ZEROES_MAY_UNMAP, 1, "write_zeroes_may_unmap" };
	uint64_t ro = vc_offers(c->probe, VC_BLK_F_RO) ? BLK_F(VC_BLK_F_RO) : 0;

	if (blk_offered(c, BLK_F(VC_BLK_F_WRITE_ZEROES)))
		change_notified(c, &f, BLK_F(VC_BLK_F_WRITE_ZEROES) | ro, unmapping_write_zeroes);
}

static const struct vc_clause clauses[] = {
	{ "blk.config.padding-zero", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.1", NEED_BAR_WRITE | NEED_COMMON,
	  "BLK-INIT-DEV-4", "The padding bytes unused0 and unused1 of the block configuration read 0.", NULL,
	  padding_zero },
	{ "blk.config.writeback-starts-0", L_BLK_INIT, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_BAR_WRITE | NEED_COMMON,
	  "BLK-INIT-DEV-3",
	  "With VIRTIO_BLK_F_CONFIG_WCE negotiated and VIRTIO_BLK_F_FLUSH not, writeback reads 0 after FEATURES_OK.",
	  NULL, writeback_starts_0, VC_REQ(VC_BLK_F_CONFIG_WCE) },
	{ "blk.config.capacity-change-notified", L_BLK_OP, VC_SHOULD, VC_DEVICE_RULE, "1.0",
	  BLK_DRIVES | NEED_IRQ, "BLK-OP-DEV-2",
	  "A change of capacity, made by the host (a resize) or by the device while it serves writes, comes with a "
	  "configuration change notification (and the sectors a growth adds serve requests).", NULL, capacity_notified },
	{ "blk.config.may-unmap-change-notified", L_BLK_OP, VC_SHOULD, VC_DEVICE_RULE, "1.2",
	  BLK_DRIVES | NEED_IRQ, "BLK-OP-DEV-12",
	  "A change of write_zeroes_may_unmap, made by the host or by the device while it serves WRITE_ZEROES with "
	  "unmap, comes with a configuration change notification.", NULL, may_unmap_notified,
	  VC_REQ(VC_BLK_F_WRITE_ZEROES) },
};

VC_DEVICE_SUITE(suite_blk_config, clauses, 2);
