/* Offered feature bits, read through device_feature (selector writes only). */
#include <stdio.h>
#include "vc/clause.h"
#include "labels.h"

static void version_1(struct vc_ctx *c)
{
	if (!vc_offers(c->probe, VIRTIO_F_VERSION_1)) {
		vc_fail(c, "VIRTIO_F_VERSION_1 (bit 32) is not offered");
		vc_observed(c, "device_feature[1] 0x%08x", c->probe->device_feature[1]);
		vc_expected(c, "bit 0 of window 1 set");
	}
}

/* Bits no version of the spec up to 1.4 gives a meaning on any device. */
static bool unallocated(unsigned bit)
{
	return bit == 25 || bit == 26 || bit == 30 || bit == 31 || (bit >= 44 && bit <= 49);
}

static void no_undefined_bits(struct vc_ctx *c)
{
	for (unsigned bit = 0; bit < 32 * VC_FEATURE_WORDS; bit++) {
		if (!vc_offers(c->probe, bit))
			continue;
		if (unallocated(bit)) {
			vc_fail(c, "offers feature bit %u, which virtio 1.4 reserves", bit);
			vc_observed(c, "bit %u offered", bit);
		} else if ((bit == VIRTIO_F_NOTIFY_ON_EMPTY || bit == VIRTIO_F_ANY_LAYOUT) && !c->probe->transitional) {
			vc_note(c, "offers legacy-only bit %u through the modern interface", bit);
		}
	}
	if (c->r->status == VC_FAIL)
		vc_expected(c, "no bits in 25, 26, 30, 31, 44..49");
}

/* Dependencies between device-type bits (virtio-net "Feature bit
 * requirements"): offering `bit` needs one of the bits in `any_of`. */
static const struct feature_dep {
	unsigned type, bit;
	uint64_t any_of;
	const char *text;
} deps[] = {
#define B(n) (1ull << (n))
	{ 1, 7, B(1), "VIRTIO_NET_F_GUEST_TSO4 requires VIRTIO_NET_F_GUEST_CSUM" },
	{ 1, 8, B(1), "VIRTIO_NET_F_GUEST_TSO6 requires VIRTIO_NET_F_GUEST_CSUM" },
	{ 1, 9, B(7) | B(8), "VIRTIO_NET_F_GUEST_ECN requires GUEST_TSO4 or GUEST_TSO6" },
	{ 1, 10, B(1), "VIRTIO_NET_F_GUEST_UFO requires VIRTIO_NET_F_GUEST_CSUM" },
	{ 1, 11, B(0), "VIRTIO_NET_F_HOST_TSO4 requires VIRTIO_NET_F_CSUM" },
	{ 1, 12, B(0), "VIRTIO_NET_F_HOST_TSO6 requires VIRTIO_NET_F_CSUM" },
	{ 1, 13, B(11) | B(12), "VIRTIO_NET_F_HOST_ECN requires HOST_TSO4 or HOST_TSO6" },
	{ 1, 14, B(0), "VIRTIO_NET_F_HOST_UFO requires VIRTIO_NET_F_CSUM" },
	{ 1, 18, B(17), "VIRTIO_NET_F_CTRL_RX requires VIRTIO_NET_F_CTRL_VQ" },
	{ 1, 19, B(17), "VIRTIO_NET_F_CTRL_VLAN requires VIRTIO_NET_F_CTRL_VQ" },
	{ 1, 20, B(18), "VIRTIO_NET_F_CTRL_RX_EXTRA requires VIRTIO_NET_F_CTRL_RX" },
	{ 1, 21, B(17), "VIRTIO_NET_F_GUEST_ANNOUNCE requires VIRTIO_NET_F_CTRL_VQ" },
	{ 1, 22, B(17), "VIRTIO_NET_F_MQ requires VIRTIO_NET_F_CTRL_VQ" },
	{ 1, 23, B(17), "VIRTIO_NET_F_CTRL_MAC_ADDR requires VIRTIO_NET_F_CTRL_VQ" },
	{ 1, 61, B(11) | B(12), "VIRTIO_NET_F_RSC_EXT requires HOST_TSO4 or HOST_TSO6" },
#undef B
};

static uint64_t low_word_pair(const struct vc_probe *p)
{
	return p->device_feature[0] | (uint64_t)p->device_feature[1] << 32;
}

static void dependencies(struct vc_ctx *c)
{
	uint64_t offered = low_word_pair(c->probe);

	for (unsigned i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
		if (deps[i].type != c->probe->virtio_type || !((offered >> deps[i].bit) & 1) ||
		    (offered & deps[i].any_of))
			continue;
		vc_fail(c, "%s, which is not offered", deps[i].text);
		vc_observed(c, "features 0x%016llx", (unsigned long long)offered);
	}
}

static bool has_sriov_cap(const struct vc_probe *p)
{
	for (unsigned i = 0; i < p->ext_caps.n; i++)
		if (p->ext_caps.cap[i].id == PCI_EXT_CAP_ID_SRIOV)
			return true;
	return false;
}

static void sr_iov_offered(struct vc_ctx *c)
{
	if (!has_sriov_cap(c->probe))
		vc_skip(c, "no SR-IOV extended capability");
	else if (!vc_offers(c->probe, VIRTIO_F_SR_IOV)) {
		vc_fail(c, "has an SR-IOV capability but does not offer VIRTIO_F_SR_IOV (bit 37)");
		vc_observed(c, "bit 37 clear");
		vc_expected(c, "bit 37 set");
	}
}

static void sr_iov_needs_capability(struct vc_ctx *c)
{
	if (vc_offers(c->probe, VIRTIO_F_SR_IOV) && !has_sriov_cap(c->probe)) {
		vc_fail(c, "offers VIRTIO_F_SR_IOV (bit 37) without an SR-IOV extended capability");
		vc_observed(c, "bit 37 set, no capability 0x0010");
		vc_expected(c, "bit 37 clear");
	}
}

/* Read through the legacy interface (host features, BAR0 offset 0), where a
 * legacy driver looks: modern device_feature may hide legacy-only bits. */
static void transitional_any_layout(struct vc_ctx *c)
{
	uint64_t host_features;
	int rc;

	if (!c->probe->transitional) {
		vc_skip(c, "not a transitional device");
		return;
	}
	if (!(c->probe->bar_reg[0] & 1)) {
		vc_skip(c, "BAR0 is not the legacy I/O BAR (pci.layout.transitional-legacy-bar0 reports it)");
		return;
	}
	if ((rc = vc_bar_read(c->dev, 0, 0, 4, &host_features))) {
		vc_error(c, "legacy host features read failed: %d", rc);
		return;
	}
	if (!((host_features >> VIRTIO_F_ANY_LAYOUT) & 1)) {
		vc_fail(c, "transitional device not offering VIRTIO_F_ANY_LAYOUT (bit 27) to legacy drivers");
		vc_observed(c, "legacy host features 0x%08llx", (unsigned long long)host_features);
		vc_expected(c, "bit 27 set");
	}
}

static const struct vc_clause clauses[] = {
	{ "pci.features.version-1", L_RFB, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_COMMON, "RFB-DEV-1",
	  "The device offers VIRTIO_F_VERSION_1.", NULL, version_1 },
	{ "pci.features.no-undefined-bits", L_FEATURES, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", NEED_COMMON,
	  "FEAT-DEV-4", "The device offers no feature bit the spec leaves unallocated.", NULL, no_undefined_bits },
	{ "pci.features.dependencies", L_FEATURES, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", NEED_COMMON, "FEAT-DEV-1",
	  "The device offers no feature without the features it requires.", NULL, dependencies },
	{ "pci.features.sr-iov-offered", L_RFB, VC_SHOULD, VC_DEVICE_RULE, "1.1", NEED_COMMON | NEED_EXT_CFG,
	  "RFB-DEV-9", "A device with an SR-IOV capability offers VIRTIO_F_SR_IOV.", NULL, sr_iov_offered },
	{ "pci.features.sr-iov-needs-capability", L_RFB, VC_MUST_NOT, VC_DEVICE_RULE, "1.1",
	  NEED_COMMON | NEED_EXT_CFG, "RFB-DEV-10",
	  "A device without an SR-IOV capability does not offer VIRTIO_F_SR_IOV.", NULL, sr_iov_needs_capability },
	{ "pci.features.transitional-any-layout", L_RFB_LEGACY, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_BAR_READ,
	  "RFB-LEG-DEV-3", "A transitional device offers VIRTIO_F_ANY_LAYOUT.", NULL, transitional_any_layout },
};
VC_SUITE(suite_features, clauses);
