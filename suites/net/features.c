/* virtio-net feature bits: the dependencies VIRTIO 1.4 added to the
 * network device's "Feature bit requirements" (USO, UDP tunnels,
 * notification coalescing, RSS, inner hash, RSS contexts; the transport's
 * pci.features.dependencies has the older ones), and the two features a
 * device should not offer without a control queue. */
#include <stdio.h>
#include "net.h"

/* bit needs all of `all` and at least one of `any` (0: none asked). */
static const struct dep {
	unsigned bit;
	const unsigned *all, *any;
	const char *text;
} deps[] = {
	{ VIRTIO_NET_F_GUEST_USO4, NET_BITS(VIRTIO_NET_F_GUEST_CSUM), NULL, "GUEST_USO4 requires GUEST_CSUM" },
	{ VIRTIO_NET_F_GUEST_USO6, NET_BITS(VIRTIO_NET_F_GUEST_CSUM), NULL, "GUEST_USO6 requires GUEST_CSUM" },
	{ VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO, NET_BITS(VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6,
	  VIRTIO_NET_F_GUEST_USO4, VIRTIO_NET_F_GUEST_USO6), NULL,
	  "GUEST_UDP_TUNNEL_GSO requires GUEST_TSO4, GUEST_TSO6, GUEST_USO4 and GUEST_USO6" },
	{ VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM, NET_BITS(VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO), NULL,
	  "GUEST_UDP_TUNNEL_GSO_CSUM requires GUEST_UDP_TUNNEL_GSO" },
	{ VIRTIO_NET_F_HOST_USO, NET_BITS(VIRTIO_NET_F_CSUM), NULL, "HOST_USO requires CSUM" },
	{ VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO, NET_BITS(VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6,
	  VIRTIO_NET_F_HOST_USO), NULL, "HOST_UDP_TUNNEL_GSO requires HOST_TSO4, HOST_TSO6 and HOST_USO" },
	{ VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM, NET_BITS(VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO), NULL,
	  "HOST_UDP_TUNNEL_GSO_CSUM requires HOST_UDP_TUNNEL_GSO" },
	{ VIRTIO_NET_F_NOTF_COAL, NET_BITS(VIRTIO_NET_F_CTRL_VQ), NULL, "NOTF_COAL requires CTRL_VQ" },
	{ VIRTIO_NET_F_RSS, NET_BITS(VIRTIO_NET_F_CTRL_VQ), NULL, "RSS requires CTRL_VQ" },
	{ VIRTIO_NET_F_VQ_NOTF_COAL, NET_BITS(VIRTIO_NET_F_CTRL_VQ), NULL, "VQ_NOTF_COAL requires CTRL_VQ" },
	{ VIRTIO_NET_F_HASH_TUNNEL, NET_BITS(VIRTIO_NET_F_CTRL_VQ), NET_BITS(VIRTIO_NET_F_RSS, VIRTIO_NET_F_HASH_REPORT),
	  "HASH_TUNNEL requires CTRL_VQ along with RSS or HASH_REPORT" },
	{ VIRTIO_NET_F_RSS_CONTEXT, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_RSS), NULL,
	  "RSS_CONTEXT requires CTRL_VQ and RSS" },
};

static bool offered_all(const struct vc_probe *p, const unsigned *bits)
{
	for (; bits && *bits != NET_END; bits++)
		if (!vc_offers(p, *bits))
			return false;
	return true;
}

static bool offered_any(const struct vc_probe *p, const unsigned *bits)
{
	if (!bits)
		return true;
	for (; *bits != NET_END; bits++)
		if (vc_offers(p, *bits))
			return true;
	return false;
}

static void dependencies(struct vc_ctx *c)
{
	for (unsigned i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
		const struct dep *d = &deps[i];
		if (!vc_offers(c->probe, d->bit) || (offered_all(c->probe, d->all) && offered_any(c->probe, d->any)))
			continue;
		vc_fail(c, "VIRTIO_NET_F_%s, which is not offered", d->text);
		vc_observed(c, "bit %u offered; features 0x%08x%08x%08x", d->bit, c->probe->device_feature[2],
			    c->probe->device_feature[1], c->probe->device_feature[0]);
		vc_expected(c, "the bits it requires offered too");
	}
}

static void needs_ctrl_vq(struct vc_ctx *c, unsigned bit, const char *name)
{
	if (vc_offers(c->probe, bit) && !vc_offers(c->probe, VIRTIO_NET_F_CTRL_VQ)) {
		vc_fail(c, "offers %s without VIRTIO_NET_F_CTRL_VQ", name);
		vc_observed(c, "bit %u offered, bit 17 not", bit);
		vc_expected(c, "bit %u not offered, or bit 17 too", bit);
	}
}

static void hash_report_ctrl_vq(struct vc_ctx *c) { needs_ctrl_vq(c, VIRTIO_NET_F_HASH_REPORT, "VIRTIO_NET_F_HASH_REPORT"); }
static void rx_extra_ctrl_vq(struct vc_ctx *c) { needs_ctrl_vq(c, VIRTIO_NET_F_CTRL_RX_EXTRA, "VIRTIO_NET_F_CTRL_RX_EXTRA"); }

static const struct vc_clause clauses[] = {
	{ "net.features.dependencies", "Basic Facilities of a Virtio Device / Feature Bits", VC_MUST_NOT,
	  VC_DEVICE_RULE, "1.4", NEED_COMMON, "FEAT-DEV-1",
	  "No network feature VIRTIO 1.4 gives requirements (USO, UDP tunnel GSO, NOTF_COAL, RSS, VQ_NOTF_COAL, "
	  "HASH_TUNNEL, RSS_CONTEXT) is offered without what it requires.", NULL, dependencies },
	{ "net.features.hash-report-needs-ctrl-vq", L_NET_CFG, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.1", NEED_COMMON,
	  "NET-CFG-DEV-13", "VIRTIO_NET_F_HASH_REPORT is not offered without VIRTIO_NET_F_CTRL_VQ.", NULL,
	  hash_report_ctrl_vq },
	{ "net.features.rx-extra-needs-ctrl-vq", L_NET_CFG, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.4", NEED_COMMON,
	  "NET-CFG-DEV-14", "VIRTIO_NET_F_CTRL_RX_EXTRA is not offered without VIRTIO_NET_F_CTRL_VQ.", NULL,
	  rx_extra_ctrl_vq },
};

VC_DEVICE_SUITE(suite_net_features, clauses, 1);
