/* virtio-iommu: fault reports on the event queue, provoked by an endpoint
 * whose DMA its domain does not map. */
#include "iommu.h"

/* A fault provoked (vi_provoke_fault), its report handed to `check`. */
static void with_fault(struct vc_ctx *c, void (*check)(struct vc_ctx *c, const struct vi *v, const uint8_t *f))
{
	uint8_t f[IOMMU_FAULT_LEN];
	uint32_t len;
	uint8_t was;
	struct vi v;

	if (!vi_start(c, &v, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 0))
		return;
	if (vi_provoke_fault(&v, f, &len, &was))
		check(c, &v, f);
	vi_bypass_restore(&v, was);
}

static void reserved_check(struct vc_ctx *c, const struct vi *v, const uint8_t *f)
{
	(void)v;
	if (f[1] || f[2] || f[3] || vc_le32(f + 12)) {
		vc_fail(c, "the fault report's reserved fields are not zero");
		vc_observed(c, "reserved %02x %02x %02x, reserved1 0x%08x", f[1], f[2], f[3], vc_le32(f + 12));
		vc_expected(c, "zero");
	}
}

static void flags_check(struct vc_ctx *c, const struct vi *v, const uint8_t *f)
{
	const uint32_t known = IOMMU_FAULT_F_READ | IOMMU_FAULT_F_WRITE | IOMMU_FAULT_F_ADDRESS;

	(void)v;
	if (vc_le32(f + 4) & ~known) {
		vc_fail(c, "the fault report sets flags the spec does not define");
		vc_observed(c, "flags 0x%08x", vc_le32(f + 4));
		vc_expected(c, "only READ (0x1), WRITE (0x2) and ADDRESS (0x100)");
	}
}

static void endpoint_check(struct vc_ctx *c, const struct vi *v, const uint8_t *f)
{
	if (vc_le32(f + 8) != v->ep[0]) {
		vc_fail(c, "the fault report names another endpoint than the one whose DMA faulted");
		vc_observed(c, "endpoint 0x%x (reason %u, flags 0x%x)", vc_le32(f + 8), f[0], vc_le32(f + 4));
		vc_expected(c, "endpoint 0x%x", v->ep[0]);
		return;
	}
	if ((vc_le32(f + 4) & IOMMU_FAULT_F_ADDRESS) && vc_le64(f + 16) != v->fault_at) {
		vc_fail(c, "the fault report's address (FAULT_F_ADDRESS set) is not the one the endpoint accessed");
		vc_observed(c, "address 0x%llx", (unsigned long long)vc_le64(f + 16));
		vc_expected(c, "0x%llx, the address of the endpoint's read", (unsigned long long)v->fault_at);
	}
}

static void reserved_zero(struct vc_ctx *c) { with_fault(c, reserved_check); }
static void flags_defined(struct vc_ctx *c) { with_fault(c, flags_check); }
static void endpoint_id(struct vc_ctx *c) { with_fault(c, endpoint_check); }

/* Event buffers of 8 bytes, too small for a report: one fault must not
 * come back spread over several of them. */
static void not_split(struct vc_ctx *c)
{
	uint8_t f[IOMMU_FAULT_LEN];
	uint32_t domain, len, used = 0, bytes = 0;
	uint64_t from;
	uint8_t was = 0xff;
	struct vi v;

	if (!vi_open(c, &v, VI_F(VIRTIO_IOMMU_F_BYPASS_CONFIG), 0, 1, &domain) || !vi_bypass_off(&v, &was))
		return;
	if (!vi_attach(&v, domain, v.ep[0], 0) || !vi_events(&v, 3, 8) || !(from = vi_page(&v, 0x61)) ||
	    !vi_copy(&v, 0, from, VC_NO_DMA))
		goto out;
	unsigned ms = vc_quiet_ms(&v.io.dev.drv, 500);
	while (iommu_event_wait(&v.io, used ? 0 : ms, f, sizeof(f), &len) == 0) {
		used++;
		bytes += len;
	}
	if (used > 1) {
		vc_fail(c, "one fault report came back in %u event buffers too small for it", used);
		vc_observed(c, "%u used event buffers of 8 bytes, %u bytes written in all", used, bytes);
		vc_expected(c, "at most one (or an older, smaller report format in one)");
	} else {
		vc_note(c, "%s", used ? "one event buffer used" : "no event buffer used for the report");
	}
out:
	vi_bypass_restore(&v, was);
}

static const struct vc_clause clauses[] = {
	{ "iommu.fault.reserved-zero", L_IOMMU_FAULT, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-FAULT-DEV-1",
	  "A fault report's reserved and reserved1 fields are zero.", NULL, reserved_zero, 0, 2, NULL, VI_REACH },
	{ "iommu.fault.flags-defined", L_IOMMU_FAULT, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-FAULT-DEV-2",
	  "A fault report sets no flags beyond READ, WRITE and ADDRESS.", NULL, flags_defined, 0, 2, NULL, VI_REACH },
	{ "iommu.fault.endpoint-id", L_IOMMU_FAULT, VC_SHOULD, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-FAULT-DEV-3",
	  "A fault report names the endpoint whose DMA faulted (and with FAULT_F_ADDRESS, the address it accessed).",
	  NULL, endpoint_id, 0, 2, NULL, VI_REACH },
	{ "iommu.fault.not-split", L_IOMMU_FAULT, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", VI_DRIVES, "IOMMU-FAULT-DEV-5",
	  "A fault report too big for the event buffers (8 bytes) is not spread over several of them.", NULL,
	  not_split, 0, 2, NULL, VI_REACH },
};
VC_DEVICE_SUITE(suite_iommu_faults, clauses, VIRTIO_ID_IOMMU);
