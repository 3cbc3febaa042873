/* virtio-net link status: speed and duplex steady while the link is up,
 * and VIRTIO_NET_S_ANNOUNCE cleared by the time ANNOUNCE_ACK is used after
 * the host asked the device to announce itself (as after a migration). */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/host.h"
#include "net.h"

struct link_state {
	uint64_t status, speed, duplex;
};

static bool read_link(struct vc_ctx *c, struct link_state *l)
{
	return net_cfg(c, VIRTIO_NET_CFG_STATUS, 2, &l->status) && net_cfg(c, VIRTIO_NET_CFG_SPEED, 4, &l->speed) &&
	       net_cfg(c, VIRTIO_NET_CFG_DUPLEX, 1, &l->duplex);
}

/* speed and duplex read with DRIVER_OK, after frames went out, and after
 * frames came in: while LINK_UP stays set they stay as they were. */
static void speed_duplex_stable(struct vc_ctx *c)
{
	static const char *const when[] = { "with DRIVER_OK set", "after 16 frames went out" };
	struct net_session ns;
	struct link_state l[2];
	struct vc_net_flow f;
	struct vc_net_hdr h = { 0 };
	uint8_t *b = net_buf(0);

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_SPEED_DUPLEX, VIRTIO_NET_F_STATUS), NET_NONE, 1) ||
	    !read_link(c, &l[0]))
		return;
	vc_net_flow_init(&f, (const uint8_t[6]){ 0x02, 0x76, 0x63, 0, 0, 9 }, 4, VC_NET_L4_UDP);
	for (unsigned i = 0; i < 16; i++) {
		size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, &f, 400, vc_net_tag(&ns.net));
		if (!net_send(&ns, 0, &h, b, len, 1))
			return;
	}
	if (!read_link(c, &l[1]))
		return;
	if (!(l[0].status & VIRTIO_NET_S_LINK_UP) || !(l[1].status & VIRTIO_NET_S_LINK_UP)) {
		vc_skip(c, "the link was down (status 0x%llx then 0x%llx): nothing to hold steady",
			(unsigned long long)l[0].status, (unsigned long long)l[1].status);
		return;
	}
	if (l[1].speed != l[0].speed || l[1].duplex != l[0].duplex) {
		vc_fail(c, "speed or duplex changed while VIRTIO_NET_S_LINK_UP stayed set");
		vc_observed(c, "speed %llu, duplex 0x%02llx %s", (unsigned long long)l[1].speed,
			    (unsigned long long)l[1].duplex, when[1]);
		vc_expected(c, "speed %llu, duplex 0x%02llx, as %s", (unsigned long long)l[0].speed,
			    (unsigned long long)l[0].duplex, when[0]);
	}
}

/* The host's announcement, VIRTIO_NET_S_ANNOUNCE seen, ANNOUNCE_ACK sent:
 * the bit reads clear once the command is used. */
static void announce_ack(struct vc_ctx *c)
{
	struct net_session ns;
	uint64_t status = 0;

	if (!net_start(c, &ns, NET_BITS(VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_GUEST_ANNOUNCE, VIRTIO_NET_F_STATUS),
		       NET_NONE, 1))
		return;
	char out[16];
	int rc = vc_host(c->dev, VC_HOST_NET_ANNOUNCE, "", out, sizeof(out));
	if (rc == -ENOTSUP) {
		vc_skip(c, "the %s backend cannot %s", c->dev->backend, vc_host_action_doing(VC_HOST_NET_ANNOUNCE));
		return;
	}
	if (rc) {
		vc_error(c, "the host-side announcement failed: %s", strerror(-rc));
		return;
	}
	uint64_t deadline = vc_now_ms() + ns.wait_ms;
	for (unsigned i = 0; !(status & VIRTIO_NET_S_ANNOUNCE); i++) {
		if (!net_cfg(c, VIRTIO_NET_CFG_STATUS, 2, &status))
			return;
		if (vc_now_ms() >= deadline) {
			vc_skip(c, "the device did not set VIRTIO_NET_S_ANNOUNCE after the host asked it to announce "
				   "itself (status 0x%llx): no acknowledgement to check", (unsigned long long)status);
			return;
		}
		vc_poll_pause(i);
	}
	if (!net_ctrl_ok(&ns, VIRTIO_NET_CTRL_ANNOUNCE, VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0, "ANNOUNCE_ACK") ||
	    !net_cfg(c, VIRTIO_NET_CFG_STATUS, 2, &status))
		return;
	if (status & VIRTIO_NET_S_ANNOUNCE) {
		vc_fail(c, "VIRTIO_NET_S_ANNOUNCE was still set when the ANNOUNCE_ACK command came back used");
		vc_observed(c, "status 0x%04llx", (unsigned long long)status);
		vc_expected(c, "bit 1 (VIRTIO_NET_S_ANNOUNCE) clear");
	}
}

static const struct vc_clause clauses[] = {
	{ "net.link.speed-duplex-stable", L_NET_CFG, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", NET_NEEDS, "NET-CFG-DEV-12",
	  "With VIRTIO_NET_F_SPEED_DUPLEX and VIRTIO_NET_F_STATUS, speed and duplex stay the same while LINK_UP "
	  "stays set (read before and after traffic).", NULL, speed_duplex_stable,
	  VC_REQ(VIRTIO_NET_F_SPEED_DUPLEX) | VC_REQ(VIRTIO_NET_F_STATUS) },
	{ "net.link.announce-ack", L_NET_ANNOUNCE, VC_MUST, VC_DEVICE_RULE, "1.0", NET_NEEDS, "NET-ANNOUNCE-DEV-1",
	  "With VIRTIO_NET_F_GUEST_ANNOUNCE, after the host asks the device to announce itself, "
	  "VIRTIO_NET_S_ANNOUNCE is clear by the time ANNOUNCE_ACK is used.", NULL, announce_ack,
	  VC_REQ(VIRTIO_NET_F_GUEST_ANNOUNCE) },
};

VC_DEVICE_SUITE(suite_net_link, clauses, 1);
