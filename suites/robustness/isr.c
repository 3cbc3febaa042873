/* ISR status read at odd moments (probe.isr.*): right after DRIVER_OK (a
 * set bit there, with nothing to report, is OpenVMM's spurious interrupt),
 * during a reset, before FEATURES_OK, 300 times in a row with MSI-X on and
 * a request pending, 32 bits wide, past its first byte, and written.
 * Engine: probe.h. */
#include <errno.h>
#include <string.h>
#include "probe.h"

enum isr { S_AT_DRIVER_OK, S_DURING_RESET, S_BEFORE_FEATURES_OK, S_STORM, S_WIDE, S_PAST_BYTE_0, S_WRITE };

#define N_OK " (" PROBE_ALLOWED ")"
/* X(id, kind, breaks, note, what) */
#define ISR_VARIANTS(X) \
	X("at-driver-ok", S_AT_DRIVER_OK, "", N_OK, \
	  "ISR status read right after DRIVER_OK with INTx, where it must not show a configuration change") \
	X("during-reset", S_DURING_RESET, "", N_OK, "ISR status read after 0 is written, before device_status reads 0") \
	X("before-features-ok", S_BEFORE_FEATURES_OK, "", N_OK, "ISR status read before FEATURES_OK") \
	X("storm-with-msix", S_STORM, "PCI-ISR-DRV-1", "", \
	  "ISR status read 300 times with MSI-X on and a request pending") \
	X("wide-read", S_WIDE, "PCI-LAYOUT-DRV-1", "", "ISR status read 32 bits wide") \
	X("past-byte-0", S_PAST_BYTE_0, "", N_OK, "the ISR structure's bytes 1 to 3 read") \
	X("write", S_WRITE, "", N_OK, "ISR status written with 0xff")

static const struct probe_variant variants[] = {
#define VARIANT_ROW(id, kind, breaks, note, what) { "probe.isr." id, NULL, kind, what },
	ISR_VARIANTS(VARIANT_ROW)
#undef VARIANT_ROW
	{ NULL, NULL, 0, NULL },
};

static bool isr_read(struct probe *p, uint64_t off, unsigned width, uint64_t *v, const char *what)
{
	const struct vc_vcap *isr = p->c->probe->isr;

	return probe_answers(p, vc_bar_read(p->c->dev, isr->bar, isr->offset + off, width, v), what);
}

/* DRIVER_OK with INTx and nothing done: ISR status must not show a
 * configuration change (config_generation did not move); a queue bit is
 * noted, spurious used buffer notifications being the driver's to bear. */
static void at_driver_ok(struct vc_ctx *c, struct probe *p, const char *what)
{
	uint64_t gen0, gen1, isr;

	if (!probe_ok(c, vc_irq_intx(&p->drv), "INTx") || !probe_ok(c, vc_vq_enable(&p->drv, &p->vq), "queue enable") ||
	    !probe_common_read(p, COMMON_config_generation, 1, &gen0, what) ||
	    !probe_ok(c, vc_status_add(&p->drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK") || !isr_read(p, 0, 1, &isr, what) ||
	    !probe_common_read(p, COMMON_config_generation, 1, &gen1, what))
		return;
	if (isr & 1)       /* spurious used buffer notifications are the driver's to handle (SPLIT-USEDSUP-DRV-5) */
		vc_note(c, "right after DRIVER_OK, with no buffer available, ISR status read 0x%02x: a spurious queue "
			   "interrupt (allowed)", (unsigned)isr);
	if (isr & 2) {
		probe_fail(p, "minor", "right after DRIVER_OK, with no configuration change, ISR status read 0x%02x: a "
			   "spurious configuration change interrupt", (unsigned)isr);
		vc_observed(p->c, "ISR status 0x%02x, config_generation %u then %u", (unsigned)isr, (unsigned)gen0,
			    (unsigned)gen1);
		vc_expected(p->c, "ISR status 0");
		return;
	}
	probe_after(p, what);
}

static void isr(struct vc_ctx *c)
{
	bool packed;
	const struct probe_variant *v = probe_variant(c, variants, &packed);
	struct probe p;
	uint64_t x;
	uint16_t id;

	if (!v)
		return;
	if (!c->probe->isr) {
		vc_skip(c, "the device has no ISR status capability");
		return;
	}
	if (!probe_start(c, &p, v->kind == S_AT_DRIVER_OK || v->kind == S_STORM ? PROBE_NO_ENABLE : 0, 0))
		return;
	switch ((enum isr)v->kind) {
	case S_AT_DRIVER_OK:
		at_driver_ok(c, &p, v->what);
		return;
	case S_DURING_RESET:
		if (!probe_common_write(&p, COMMON_device_status, 1, 0, v->what) || !isr_read(&p, 0, 1, &x, v->what))
			return;
		break;
	case S_BEFORE_FEATURES_OK:
		if (!probe_ok(c, vc_reset(&p.drv), "reset") ||
		    !probe_common_write(&p, COMMON_device_status, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER,
					v->what) || !isr_read(&p, 0, 1, &x, v->what))
			return;
		break;
	case S_STORM: {
		int rc = c->probe->msix_pos ? vc_irq_msix(&p.drv, 2) : -ENOTSUP;
		if (rc == -ENOTSUP) {
			vc_skip(c, "no MSI-X to read ISR status against");
			return;
		}
		if (!probe_ok(c, rc, "MSI-X") || !vc_ctx_common_write(c, COMMON_queue_select, 2, p.vq.index) ||
		    !vc_ctx_common_write(c, COMMON_queue_msix_vector, 2, 1) ||
		    !probe_ok(c, vc_vq_enable(&p.drv, &p.vq), "queue enable") ||
		    !probe_ok(c, vc_status_add(&p.drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK") ||
		    !probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add") ||
		    !probe_answers(&p, vc_vq_kick(&p.drv, &p.vq), v->what))
			return;
		for (unsigned i = 0; i < 300; i++)
			if (!isr_read(&p, 0, 1, &x, v->what))
				return;
		break;
	}
	case S_WIDE:
		if (c->probe->isr->length < 4) {
			vc_skip(c, "the ISR structure is %u bytes long", (unsigned)c->probe->isr->length);
			return;
		}
		if (!isr_read(&p, 0, 4, &x, v->what))
			return;
		break;
	case S_PAST_BYTE_0:
		for (uint64_t off = 1; off < 4 && off < c->probe->isr->length; off++)
			if (!isr_read(&p, off, 1, &x, v->what))
				return;
		break;
	case S_WRITE:
		if (!probe_answers(&p, vc_bar_write(c->dev, c->probe->isr->bar, c->probe->isr->offset, 1, 0xff), v->what))
			return;
		break;
	}
	probe_after(&p, v->what);
}

#define ROW(id, kind, breaks, note, what) \
	PROBE_ROW("probe.isr." id, "1.0", PROBE_RING | NEED_BAR_READ, breaks, \
		  "With " what note ": the device stays sane.", isr, 0, 1),

static const struct vc_clause clauses[] = {
	ISR_VARIANTS(ROW)
};
VC_SUITE(suite_probe_isr, clauses);
