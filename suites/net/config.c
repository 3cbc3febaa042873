/* virtio-net device configuration layout: the ranges of max_virtqueue_pairs,
 * mtu, the RSS sizes, speed and duplex, and mtu never changing. */
#include "net.h"

static bool cfg16(struct vc_ctx *c, unsigned off, uint64_t *v) { return net_cfg(c, off, 2, v); }

static void max_pairs_range(struct vc_ctx *c)
{
	uint64_t v;

	if (!net_offered(c, VIRTIO_NET_F_MQ) || !cfg16(c, VIRTIO_NET_CFG_MAX_PAIRS, &v))
		return;
	if (v < 1 || v > 0x8000) {
		vc_fail(c, "max_virtqueue_pairs is outside 1..0x8000 while VIRTIO_NET_F_MQ is offered");
		vc_observed(c, "max_virtqueue_pairs %llu", (unsigned long long)v);
		vc_expected(c, "1..32768");
	}
}

static void mtu_range(struct vc_ctx *c)
{
	uint64_t v;

	if (!net_offered(c, VIRTIO_NET_F_MTU) || !cfg16(c, VIRTIO_NET_CFG_MTU, &v))
		return;
	if (v < 68) {        /* an le16 is never above 65535 */
		vc_fail(c, "mtu is below 68 while VIRTIO_NET_F_MTU is offered");
		vc_observed(c, "mtu %llu", (unsigned long long)v);
		vc_expected(c, "68..65535");
	}
}

static void mtu_minimum(struct vc_ctx *c)
{
	uint64_t v;

	if (!net_offered(c, VIRTIO_NET_F_MTU) || !cfg16(c, VIRTIO_NET_CFG_MTU, &v))
		return;
	if (v < 1280) {
		vc_fail(c, "mtu is below 1280 (the IPv6 minimum link MTU)");
		vc_observed(c, "mtu %llu", (unsigned long long)v);
		vc_expected(c, ">= 1280");
	}
}

/* mtu read after reset, once DRIVER_OK is set and a frame went out, and
 * after another reset: the same value each time. */
static void mtu_constant(struct vc_ctx *c)
{
	static const char *const when[] = { "after reset", "with DRIVER_OK set", "after a frame went out",
					    "after another reset" };
	struct net_session ns;
	struct vc_net_flow f;
	uint64_t mtu[4];

	if (!net_offered(c, VIRTIO_NET_F_MTU) || !cfg16(c, VIRTIO_NET_CFG_MTU, &mtu[0]) ||
	    !net_start(c, &ns, NET_BITS(VIRTIO_NET_F_MTU), NET_NONE, 1) || !cfg16(c, VIRTIO_NET_CFG_MTU, &mtu[1]))
		return;
	uint8_t *b = net_buf(0);
	struct vc_net_hdr h = { 0 };
	vc_net_flow_init(&f, ns.net.mac, 4, VC_NET_L4_UDP);
	f.dst[0] = 0xff;          /* a multicast nobody listens to */
	size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, 64, vc_net_tag(&ns.net));
	if (!net_send(&ns, 0, &h, b, len, 1) || !cfg16(c, VIRTIO_NET_CFG_MTU, &mtu[2]) ||
	    !vc_ctx_start(c, &ns.drv, NULL) || !cfg16(c, VIRTIO_NET_CFG_MTU, &mtu[3]))
		return;
	for (unsigned i = 1; i < 4; i++)
		if (mtu[i] != mtu[0]) {
			vc_fail(c, "mtu changed %s", when[i]);
			vc_observed(c, "mtu %llu %s", (unsigned long long)mtu[i], when[i]);
			vc_expected(c, "%llu, as %s", (unsigned long long)mtu[0], when[0]);
			return;
		}
}

static void rss_key_size(struct vc_ctx *c)
{
	uint64_t v;

	if (!vc_offers(c->probe, VIRTIO_NET_F_RSS) && !vc_offers(c->probe, VIRTIO_NET_F_HASH_REPORT)) {
		vc_skip(c, "neither VIRTIO_NET_F_RSS nor VIRTIO_NET_F_HASH_REPORT is offered");
		return;
	}
	if (!net_cfg(c, VIRTIO_NET_CFG_RSS_KEY, 1, &v))
		return;
	if (v < 40) {
		vc_fail(c, "rss_max_key_size is below 40");
		vc_observed(c, "rss_max_key_size %llu", (unsigned long long)v);
		vc_expected(c, ">= 40");
	}
}

static void rss_table_length(struct vc_ctx *c)
{
	uint64_t v;

	if (!net_offered(c, VIRTIO_NET_F_RSS) || !cfg16(c, VIRTIO_NET_CFG_RSS_TABLE, &v))
		return;
	if (v < 128) {
		vc_fail(c, "rss_max_indirection_table_length is below 128");
		vc_observed(c, "rss_max_indirection_table_length %llu", (unsigned long long)v);
		vc_expected(c, ">= 128");
	}
}

/* speed and duplex with VIRTIO_NET_F_SPEED_DUPLEX negotiated. */
static bool speed_duplex(struct vc_ctx *c, uint64_t *speed, uint64_t *duplex)
{
	struct net_session ns;

	return net_start(c, &ns, NET_BITS(VIRTIO_NET_F_SPEED_DUPLEX), NET_NONE, 1) &&
	       net_cfg(c, VIRTIO_NET_CFG_SPEED, 4, speed) && net_cfg(c, VIRTIO_NET_CFG_DUPLEX, 1, duplex);
}

static void speed_range(struct vc_ctx *c)
{
	uint64_t speed, duplex;

	if (speed_duplex(c, &speed, &duplex) && speed > 0x7fffffff && speed != 0xffffffff) {
		vc_fail(c, "speed is neither 0..0x7fffffff Mbit/s nor 0xffffffff (unknown)");
		vc_observed(c, "speed 0x%08llx", (unsigned long long)speed);
		vc_expected(c, "0..0x7fffffff or 0xffffffff");
	}
}

static void duplex_value(struct vc_ctx *c)
{
	uint64_t speed, duplex;

	if (speed_duplex(c, &speed, &duplex) && duplex != 0 && duplex != 1 && duplex != 0xff) {
		vc_fail(c, "duplex is neither 0x00 (full), 0x01 (half) nor 0xff (unknown)");
		vc_observed(c, "duplex 0x%02llx", (unsigned long long)duplex);
		vc_expected(c, "0x00, 0x01 or 0xff");
	}
}

static const struct vc_clause clauses[] = {
	{ "net.config.max-pairs-range", L_NET_CFG, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_COMMON, "NET-CFG-DEV-1",
	  "With VIRTIO_NET_F_MQ offered, max_virtqueue_pairs is 1..0x8000.", NULL, max_pairs_range,
	  VC_REQ(VIRTIO_NET_F_MQ) },
	{ "net.config.mtu-range", L_NET_CFG, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_COMMON, "NET-CFG-DEV-2",
	  "With VIRTIO_NET_F_MTU offered, mtu is 68..65535.", NULL, mtu_range, VC_REQ(VIRTIO_NET_F_MTU) },
	{ "net.config.mtu-minimum", L_NET_CFG, VC_SHOULD, VC_DEVICE_RULE, "1.0", NEED_COMMON, "NET-CFG-DEV-3",
	  "With VIRTIO_NET_F_MTU offered, mtu is at least 1280.", NULL, mtu_minimum, VC_REQ(VIRTIO_NET_F_MTU) },
	{ "net.config.mtu-constant", L_NET_CFG, VC_MUST_NOT, VC_DEVICE_RULE, "1.0", NET_NEEDS, "NET-CFG-DEV-4",
	  "mtu reads the same after reset, with DRIVER_OK, after traffic and after another reset.", NULL,
	  mtu_constant, VC_REQ(VIRTIO_NET_F_MTU) },
	{ "net.config.rss-key-size", L_NET_CFG, VC_MUST, VC_DEVICE_RULE, "1.1", NEED_COMMON, "NET-CFG-DEV-7",
	  "With VIRTIO_NET_F_RSS or VIRTIO_NET_F_HASH_REPORT offered, rss_max_key_size is at least 40.", NULL,
	  rss_key_size },
	{ "net.config.rss-table-length", L_NET_CFG, VC_MUST, VC_DEVICE_RULE, "1.1", NEED_COMMON, "NET-CFG-DEV-8",
	  "With VIRTIO_NET_F_RSS offered, rss_max_indirection_table_length is at least 128.", NULL, rss_table_length,
	  VC_REQ(VIRTIO_NET_F_RSS) },
	{ "net.config.speed-range", L_NET_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", NET_NEEDS, "NET-CFG-DEV-10",
	  "With VIRTIO_NET_F_SPEED_DUPLEX negotiated, speed is 0..0x7fffffff or 0xffffffff (the spec's own range has "
	  "one hex digit too many: not used).", NULL, speed_range, VC_REQ(VIRTIO_NET_F_SPEED_DUPLEX) },
	{ "net.config.duplex-value", L_NET_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", NET_NEEDS, "NET-CFG-DEV-11",
	  "With VIRTIO_NET_F_SPEED_DUPLEX negotiated, duplex is 0x00, 0x01 or 0xff.", NULL, duplex_value,
	  VC_REQ(VIRTIO_NET_F_SPEED_DUPLEX) },
};

VC_DEVICE_SUITE(suite_net_config, clauses, 1);
