/* The ISR status capability. */
#include "vc/clause.h"
#include "labels.h"

static void present(struct vc_ctx *c)
{
	if (!c->probe->isr) {
		vc_fail(c, "no VIRTIO_PCI_CAP_ISR_CFG capability");
		vc_observed(c, "%u virtio capabilities, none of cfg_type 3", c->probe->nvcap);
	} else if (c->probe->isr->length < 1) {
		vc_fail(c, "ISR status structure of length 0 cannot hold the ISR byte");
		vc_observed(c, "length 0");
		vc_expected(c, ">= 1");
	}
}

static const struct vc_clause clauses[] = {
	{ "pci.isr.present", L_ISR, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-ISR-DEV-1",
	  "The device presents at least one ISR status capability.", NULL, present },
};
VC_SUITE(suite_isr, clauses);
