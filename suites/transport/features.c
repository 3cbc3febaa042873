/* Offered feature bits, read through device_feature (selector writes only). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "vc/clause.h"
#include "vc/devtypes/dev.h"
#include "vc/driver.h"
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

/* Profile add-in-card (the user says the device is a card): such a device
 * is recommended to offer both platform bits, ACCESS_PLATFORM (its DMA goes
 * through the platform's IOMMU) and ORDER_PLATFORM (platform memory ordering). */
static void add_in_card_platform_bits(struct vc_ctx *c)
{
	bool access = vc_offers(c->probe, VIRTIO_F_ACCESS_PLATFORM), order = vc_offers(c->probe, VIRTIO_F_ORDER_PLATFORM);

	if (!access || !order) {
		vc_fail(c, "an add-in card that does not offer %s", !access && !order ? "VIRTIO_F_ACCESS_PLATFORM (33) "
			"or VIRTIO_F_ORDER_PLATFORM (36)" : !access ? "VIRTIO_F_ACCESS_PLATFORM (33)" :
			"VIRTIO_F_ORDER_PLATFORM (36)");
		vc_observed(c, "bit 33 %s, bit 36 %s", access ? "set" : "clear", order ? "set" : "clear");
		vc_expected(c, "bits 33 and 36 set");
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

/* Negotiation. Every set tried is one a driver may accept: offered bits
 * only, each with the bits it requires, always with VERSION_1 and the
 * platform bits a device may refuse to work without (Reserved Feature Bits). */

#define MAX_SETS (2 + 32 * VC_FEATURE_WORDS)

struct feature_set {
	uint32_t w[VC_FEATURE_WORDS];
	char name[48];
};

static void add_with_requirements(const struct vc_probe *p, uint32_t w[VC_FEATURE_WORDS], unsigned bit)
{
	if (!vc_offers(p, bit) || ((w[bit / 32] >> (bit % 32)) & 1))
		return;
	vc_features_set(w, bit);
	for (unsigned i = 0; i < sizeof(deps) / sizeof(deps[0]); i++)
		for (unsigned b = 0; deps[i].type == p->virtio_type && deps[i].bit == bit && b < 64; b++)
			if ((deps[i].any_of >> b) & 1)
				add_with_requirements(p, w, b);
}

/* The base set alone, everything offered, and the base with each other
 * offered bit. Returns how many. */
static unsigned valid_sets(const struct vc_probe *p, struct feature_set *sets)
{
	static const unsigned base[] = { VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_ORDER_PLATFORM };
	unsigned n = 2;

	memset(sets, 0, 2 * sizeof(*sets));
	for (unsigned i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		add_with_requirements(p, sets[0].w, base[i]);
	/* a host-managed zoned block device refuses every set without
	 * VIRTIO_BLK_F_ZONED (BLK-INIT-DEV-8; blk.features.zoned-declined-* check that) */
	if (p->virtio_type == 2)
		add_with_requirements(p, sets[0].w, 17);
	vc_devtype_must_accept(p, sets[0].w);
	snprintf(sets[0].name, sizeof(sets[0].name), "VERSION_1 (and platform bits)");
	memcpy(sets[1].w, p->device_feature, sizeof(sets[1].w));
	snprintf(sets[1].name, sizeof(sets[1].name), "every offered bit");
	for (unsigned bit = 0; bit < 32 * VC_FEATURE_WORDS; bit++) {
		if (!vc_offers(p, bit) || ((sets[0].w[bit / 32] >> (bit % 32)) & 1))
			continue;
		sets[n] = sets[0];
		add_with_requirements(p, sets[n].w, bit);
		snprintf(sets[n].name, sizeof(sets[n].name), "VERSION_1 + bit %u", bit);
		n++;
	}
	return n;
}

static void set_string(const uint32_t w[VC_FEATURE_WORDS], char *buf, size_t len)
{
	snprintf(buf, len, "0x%08x_%08x_%08x_%08x", w[3], w[2], w[1], w[0]);
}

/* Reset and negotiate: 0 (FEATURES_OK kept), -EPROTO (dropped), or another
 * error after a SKIP or ERROR verdict. */
static int try_set(struct vc_ctx *c, struct vc_driver *drv, const uint32_t w[VC_FEATURE_WORDS])
{
	int rc = vc_start(drv, w);

	if (rc == -ETIMEDOUT)
		vc_skip(c, "the device did not complete a reset (pci.reset.status-reads-zero reports it)");
	else if (rc && rc != -EPROTO)
		vc_error(c, "negotiation failed: %s", strerror(-rc));
	return rc;
}

static bool need_version_1(struct vc_ctx *c)
{
	if (!vc_offers(c->probe, VIRTIO_F_VERSION_1))
		vc_skip(c, "VIRTIO_F_VERSION_1 is not offered (pci.features.version-1 reports it)");
	return vc_offers(c->probe, VIRTIO_F_VERSION_1);
}

static void accept_valid_subsets(struct vc_ctx *c)
{
	static struct feature_set sets[MAX_SETS];
	struct vc_driver drv;
	unsigned n, refused = 0, first = 0;
	char buf[48];

	if (!need_version_1(c))
		return;
	vc_ctx_driver(c, &drv);
	n = valid_sets(c->probe, sets);
	for (unsigned i = 0; i < n; i++) {
		int rc = try_set(c, &drv, sets[i].w);
		if (rc && rc != -EPROTO)
			return;
		if (rc && refused++ == 0)
			first = i;
	}
	if (refused) {
		set_string(sets[first].w, buf, sizeof(buf));
		vc_fail(c, "the device cleared FEATURES_OK for %u of %u valid feature sets (first: %s)", refused, n,
			sets[first].name);
		vc_observed(c, "FEATURES_OK clear after accepting %s", buf);
		vc_expected(c, "FEATURES_OK kept");
	}
}

static bool read_driver_features(struct vc_ctx *c, uint32_t w[VC_FEATURE_WORDS])
{
	int rc = vc_read_driver_features(c->dev, c->probe, w);

	if (rc)
		vc_error(c, "reading driver_feature failed: %s", strerror(-rc));
	return rc == 0;
}

/* A device that kept FEATURES_OK works with the set: the type's request on
 * its queue, set up under it, then DRIVER_OK, is used. (The arena is
 * reclaimed first: the previous set's rings went with its reset.) */
static bool works_under(struct vc_ctx *c, struct vc_driver *drv, const char *set)
{
	struct vc_request req;
	struct vc_vq vq;
	uint16_t id;
	uint32_t len;
	int rc;

	if (!c->probe->notify || !(c->dev->abilities & VC_DMA) || c->probe->common->length < COMMON_CFG_SIZE_BASE ||
	    !vc_negotiated(drv, VIRTIO_F_VERSION_1))
		return true;             /* no queue to drive (pci.common.length, pci.notify.present), or a legacy set */
	vc_dma_reclaim(c->dev);
	if ((rc = vc_request_make(drv, &req)) == -ENOTSUP)
		return true;
	if (rc || (rc = vc_vq_setup(drv, req.queue, 0, &vq)) || (rc = vc_vq_enable(drv, &vq)) ||
	    (rc = vc_status_add(drv, VIRTIO_STATUS_DRIVER_OK)) || (rc = vc_vq_add(drv, &vq, req.bufs, req.n, &id)) ||
	    (rc = vc_vq_kick(drv, &vq))) {
		vc_error(c, "could not drive queue %u under %s: %s", req.queue, set, strerror(-rc));
		return false;
	}
	rc = vc_vq_wait_used(drv, &vq, vc_done_ms(drv, c->dev->timeout_ms), &id, &len);
	if (rc == -ETIMEDOUT) {
		uint8_t status = 0;
		vc_status_read(drv, &status);
		vc_fail(c, "FEATURES_OK was kept for %s, yet the device %s a %s on queue %u under it: it did not "
			   "accept the set", set, status & VIRTIO_STATUS_DEVICE_NEEDS_RESET ? "set DEVICE_NEEDS_RESET at"
			   : "did not use", req.what, req.queue);
		vc_observed(c, "no used buffer within %u ms, device_status 0x%02x", c->dev->timeout_ms, status);
		vc_expected(c, "the %s used, or FEATURES_OK cleared", req.what);
		return false;
	}
	if (rc)
		vc_error(c, "reading the used ring failed: %s", strerror(-rc));
	return rc == 0;
}

/* FEATURES_OK kept means the set was accepted as written: driver_feature
 * still shows it, the device is not asking for a reset, and it works with
 * the set (works_under). Only sets a driver may write: a set without
 * VERSION_1 breaks a driver rule (probe.features.no-version-1 writes it). */
static void features_ok_means_accepted(struct vc_ctx *c)
{
	static struct feature_set sets[MAX_SETS];
	struct vc_driver drv;
	uint32_t shown[VC_FEATURE_WORDS];
	uint8_t status;
	char buf[48];
	unsigned n;

	if (!need_version_1(c))
		return;
	vc_ctx_driver(c, &drv);
	n = valid_sets(c->probe, sets);
	for (unsigned i = 0; i < n; i++) {
		int rc = try_set(c, &drv, sets[i].w);
		if (rc == -EPROTO)
			continue;
		if (rc || !read_driver_features(c, shown))
			return;
		if ((rc = vc_status_read(&drv, &status))) {
			vc_error(c, "device_status read failed: %s", strerror(-rc));
			return;
		}
		if (memcmp(shown, drv.features, sizeof(shown)) || (status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
			set_string(drv.features, buf, sizeof(buf));
			vc_fail(c, "FEATURES_OK was kept for %s, yet the device %s", sets[i].name,
				status & VIRTIO_STATUS_DEVICE_NEEDS_RESET ? "set DEVICE_NEEDS_RESET"
				: "shows other bits in driver_feature");
			vc_observed(c, "driver_feature 0x%08x_%08x_%08x_%08x, device_status 0x%02x", shown[3], shown[2],
				    shown[1], shown[0], status);
			vc_expected(c, "driver_feature %s and no DEVICE_NEEDS_RESET, or FEATURES_OK cleared", buf);
			return;
		}
		if (!works_under(c, &drv, sets[i].name))
			return;
	}
}

static void renegotiation(struct vc_ctx *c)
{
	struct vc_driver drv;
	int rc;

	if (!need_version_1(c))
		return;
	vc_ctx_driver(c, &drv);
	rc = try_set(c, &drv, c->probe->device_feature);
	if (rc == -EPROTO)
		vc_skip(c, "the device refused every offered bit the first time (pci.features.accept-valid-subsets "
			   "reports it)");
	for (unsigned again = 1; rc == 0 && again <= 3; again++) {
		rc = try_set(c, &drv, c->probe->device_feature);
		if (rc == -EPROTO) {
			vc_fail(c, "after a reset the device refused the feature set it had accepted (renegotiation %u)",
				again);
			vc_observed(c, "FEATURES_OK clear");
			vc_expected(c, "FEATURES_OK kept, as the first time");
		}
	}
}

/* Two patterns, each written to every window before any is read back, so
 * a window that shows another's bits is seen. */
static void driver_feature_readback(struct vc_ctx *c)
{
	uint32_t patterns[2][VC_FEATURE_WORDS] = { { 0 } }, shown[VC_FEATURE_WORDS];
	struct vc_driver drv;
	int rc;

	if (!need_version_1(c))      /* offered bits that make no sense: nothing valid to write */
		return;
	memcpy(patterns[0], c->probe->device_feature, sizeof(patterns[0]));
	vc_features_set(patterns[1], VIRTIO_F_VERSION_1);
	vc_ctx_driver(c, &drv);
	if ((rc = vc_reset(&drv)) || (rc = vc_status_add(&drv, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER))) {
		if (rc == -ETIMEDOUT)
			vc_skip(c, "the device did not complete a reset (pci.reset.status-reads-zero reports it)");
		else
			vc_error(c, "device_status access failed: %s", strerror(-rc));
		return;
	}
	for (unsigned p = 0; p < 2; p++) {
		for (unsigned i = 0; i < VC_FEATURE_WORDS; i++)
			if (!vc_ctx_common_write(c, COMMON_driver_feature_select, 4, i) ||
			    !vc_ctx_common_write(c, COMMON_driver_feature, 4, patterns[p][i]))
				return;
		if (!read_driver_features(c, shown))
			return;
		for (unsigned i = 0; i < VC_FEATURE_WORDS; i++) {
			if (shown[i] == patterns[p][i])
				continue;
			vc_fail(c, "driver_feature window %u does not read back the offered bits written to it", i);
			vc_observed(c, "0x%08x", shown[i]);
			vc_expected(c, "0x%08x", patterns[p][i]);
			return;
		}
	}
}

#define DRIVES (NEED_BAR_WRITE | NEED_COMMON)

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
	{ "pci.features.add-in-card-platform-bits", L_RFB, VC_RECOMMENDED, VC_DEVICE_RULE, "1.1", NEED_COMMON,
	  "RFB-DEV-8", "An add-in card offers VIRTIO_F_ACCESS_PLATFORM and VIRTIO_F_ORDER_PLATFORM (profile "
	  "add-in-card: the user says it is a card).", "add-in-card", add_in_card_platform_bits },
	{ "pci.features.transitional-any-layout", L_RFB_LEGACY, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_BAR_READ,
	  "RFB-LEG-DEV-3", "A transitional device offers VIRTIO_F_ANY_LAYOUT.", NULL, transitional_any_layout },
	{ "pci.features.accept-valid-subsets", L_FEATURES, VC_SHOULD, VC_DEVICE_RULE, "1.0", DRIVES, "FEAT-DEV-2",
	  "The device keeps FEATURES_OK for valid feature sets: VERSION_1 alone, everything offered, VERSION_1 "
	  "with each offered bit.", NULL, accept_valid_subsets },
	{ "pci.features.features-ok-means-accepted", L_FEATURES, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES, "FEAT-DEV-3",
	  "A device that does not accept the features written clears FEATURES_OK: when it keeps it, driver_feature "
	  "shows the set, DEVICE_NEEDS_RESET is clear, and a request set up under the set is used.", NULL,
	  features_ok_means_accepted },
	{ "pci.features.renegotiation", L_FEATURES, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.0", DRIVES, "FEAT-DEV-5",
	  "After a reset the device accepts again a feature set it accepted before.", NULL, renegotiation },
	{ "pci.common.driver-feature-readback", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES, "PCI-COMMON-DEV-4",
	  "driver_feature reads back the offered bits written to it, in every window.", NULL,
	  driver_feature_readback },
};
VC_SUITE(suite_features, clauses);
