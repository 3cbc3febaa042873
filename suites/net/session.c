/* A clause's session on a network device and its link partner (net.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "net.h"

uint8_t *net_buf(unsigned which)
{
	static uint8_t bufs[3][VC_NET_MAX_FRAME + 64];

	return bufs[which % 3];
}

static bool backend_ok(struct vc_ctx *c, int rc, const char *what)
{
	if (rc)
		vc_error(c, "%s: %s", what, strerror(-rc));
	return rc == 0;
}

static void skip_unoffered(struct vc_ctx *c, unsigned bit)
{
	const char *name = vc_net_feature_name(bit);

	if (name)
		vc_skip(c, "VIRTIO_NET_F_%s is not offered", name);
	else
		vc_skip(c, "%s is not offered", vc_feature_name(bit) ? vc_feature_name(bit) : "a feature");
}

bool net_offered(struct vc_ctx *c, unsigned bit)
{
	if (!vc_offers(c->probe, bit)) {
		skip_unoffered(c, bit);
		return false;
	}
	return true;
}

bool net_has(const struct net_session *ns, unsigned bit)
{
	return vc_negotiated(&ns->drv, bit);
}

bool net_cfg(struct vc_ctx *c, unsigned off, unsigned width, uint64_t *v)
{
	if (!c->probe->device_cfg) {
		vc_skip(c, "no device-specific configuration capability (pci.* reports it)");
		return false;
	}
	return vc_ctx_struct_read(c, c->probe->device_cfg, off, width, v);
}

static uint32_t want[VC_FEATURE_WORDS];

/* receiveq1's notifications on MSI-X vector 0 (nothing else on a vector),
 * or INTx without MSI-X. */
static int route_rx_irq(struct net_session *ns)
{
	struct vc_driver *drv = &ns->drv;
	int rc;

	if (!drv->p->msix_pos)
		return vc_irq_intx(drv);
	if ((rc = vc_irq_msix(drv, 1)) ||
	    (rc = vc_common_write(drv->dev, drv->p, COMMON_config_msix_vector, 2, 0xffff)))
		return rc;
	for (unsigned q = 0; q < 2 * ns->net.pairs; q++)
		if ((rc = vc_common_write(drv->dev, drv->p, COMMON_queue_select, 2, q)) ||
		    (rc = vc_common_write(drv->dev, drv->p, COMMON_queue_msix_vector, 2, q == 0 ? 0 : 0xffff)))
			return rc;
	if (ns->net.has_ctrl &&
	    ((rc = vc_common_write(drv->dev, drv->p, COMMON_queue_select, 2, ns->net.ctrl.index)) ||
	     (rc = vc_common_write(drv->dev, drv->p, COMMON_queue_msix_vector, 2, 0xffff))))
		return rc;
	return 0;
}

static bool setup(struct net_session *ns, unsigned pairs)
{
	struct vc_ctx *c = ns->c;
	int rc;

	if (!vc_ctx_start(c, &ns->drv, want))
		return false;
	if ((rc = vc_net_setup(&ns->net, &ns->drv, pairs, 0)) || (ns->rx_irq && (rc = route_rx_irq(ns))))
		return backend_ok(c, rc, "network queue set-up failed");
	if (vc_negotiated(&ns->drv, VIRTIO_F_ADMIN_VQ)) {
		if ((rc = vc_admin_setup(&ns->admin, &ns->drv)) == -ENOENT) {
			vc_skip(c, "the device names no usable administration queue (pci.common.admin-queue-* report it)");
			return false;
		}
		if (rc)
			return backend_ok(c, rc, "administration queue set-up failed");
		ns->has_admin = true;
	}
	if ((rc = vc_status_add(&ns->drv, VIRTIO_STATUS_DRIVER_OK)))
		return backend_ok(c, rc, "network queue set-up failed");
	if (vc_has(c->dev, VC_PEER) && (rc = vc_net_peer_flush(c->dev)))
		return backend_ok(c, rc, "the link partner could not be read");
	return true;
}

static bool net_start_keep(struct vc_ctx *c, struct net_session *ns, const unsigned *need, const unsigned *opt,
			   unsigned pairs);

bool net_start(struct vc_ctx *c, struct net_session *ns, const unsigned *need, const unsigned *opt, unsigned pairs)
{
	memset(ns, 0, sizeof(*ns));
	return net_start_keep(c, ns, need, opt, pairs);
}

static bool net_start_keep(struct vc_ctx *c, struct net_session *ns, const unsigned *need, const unsigned *opt,
			   unsigned pairs)
{
	ns->c = c;
	ns->wait_ms = c->dev->timeout_ms ? c->dev->timeout_ms : 1000;
	if (c->probe->common->length < COMMON_CFG_SIZE_BASE) {
		vc_skip(c, "the common configuration is too short to hold the queue registers (pci.common.length "
			   "reports it)");
		return false;
	}
	memset(want, 0, sizeof(want));
	vc_features_set(want, VIRTIO_F_VERSION_1);
	for (; *need != NET_END; need++) {
		if (!vc_offers(c->probe, *need)) {
			skip_unoffered(c, *need);
			return false;
		}
		vc_features_set(want, *need);
	}
	for (; *opt != NET_END; opt++)
		if (vc_offers(c->probe, *opt))
			vc_features_set(want, *opt);
	/* the driver SHOULD take the device's address: the filters know it */
	if (vc_offers(c->probe, VIRTIO_NET_F_MAC))
		vc_features_set(want, VIRTIO_NET_F_MAC);
	return setup(ns, pairs);
}

bool net_start_irq(struct vc_ctx *c, struct net_session *ns, const unsigned *need, const unsigned *opt)
{
	memset(ns, 0, sizeof(*ns));
	ns->rx_irq = true;
	return net_start_keep(c, ns, need, opt, 1);
}

bool net_restart(struct net_session *ns, unsigned pairs)
{
	memcpy(want, ns->drv.features, sizeof(want));
	return setup(ns, pairs);
}

bool net_fill(struct net_session *ns, unsigned q, unsigned count, uint32_t size, unsigned pieces)
{
	return backend_ok(ns->c, vc_net_rx_fill(&ns->net, q, count, size, pieces), "posting receive buffers failed");
}

bool net_fill_all(struct net_session *ns, unsigned count, uint32_t size)
{
	for (unsigned q = 0; q < ns->net.pairs; q++)
		if (!net_fill(ns, q, count, size, 1))
			return false;
	return true;
}

bool net_inject(struct net_session *ns, const uint8_t *f, size_t len)
{
	return backend_ok(ns->c, vc_peer_send(ns->c->dev, f, len), "the link partner could not send a frame");
}

bool net_inject_flow(struct net_session *ns, const struct vc_net_flow *f, size_t payload, uint32_t *tag)
{
	uint8_t *b = net_buf(2);
	uint32_t t = vc_net_tag(&ns->net);
	size_t len = vc_net_frame(b, VC_NET_MAX_FRAME, f, payload, t);

	if (!len) {
		vc_error(ns->c, "the harness could not build a %zu-byte frame", payload);
		return false;
	}
	if (tag)
		*tag = t;
	return net_inject(ns, b, len);
}

bool net_sentinel(struct net_session *ns, bool bcast, uint32_t *tag)
{
	static const uint8_t all[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct vc_net_flow f;

	vc_net_flow_init(&f, bcast ? all : ns->net.mac, 0, VC_NET_L4_NONE);
	return net_inject_flow(ns, &f, 46, tag);
}

int net_receive_until(struct net_session *ns, uint32_t until, net_rx_fn fn, void *arg, const char *what)
{
	static uint8_t frame[VC_NET_MAX_FRAME];
	struct vc_net_rx rx = { .frame = frame, .max = sizeof(frame) };
	uint64_t deadline = vc_now_ms() + ns->wait_ms;

	bool done = false;      /* the sentinel came: what came before it is on the other queues by now */

	for (unsigned i = 0;; i++) {
		bool any = false;
		for (unsigned q = 0; q < ns->net.pairs; q++) {
			int rc = vc_net_rx_get(&ns->net, q, &rx, 0);
			if (rc == -ETIMEDOUT)
				continue;
			if (rc == -EPROTO) {
				vc_fail(ns->c, "a receive buffer came back that cannot hold a packet (%s)", what);
				vc_observed(ns->c, "used len %u of a %u-byte buffer, num_buffers %u", rx.used_len[0],
					    rx.buf_size[0], rx.hdr.num_buffers);
				vc_expected(ns->c, "at least the %u-byte header, at most the buffer", ns->net.hdr_size);
				return rc;
			}
			if (rc)
				return backend_ok(ns->c, rc, "receive queue read failed"), rc;
			any = true;
			if (fn && !fn(ns, &rx, arg))
				return 0;
			done |= rx.tagged && rx.tag == until;
		}
		if (any)
			continue;
		if (done)
			return 0;
		if (vc_now_ms() >= deadline) {
			vc_fail(ns->c, "%s: the frame sent after it never arrived within %u ms", what, ns->wait_ms);
			vc_observed(ns->c, "no packet tagged %08x on any receive queue", until);
			vc_expected(ns->c, "every frame the filters accept delivered");
			return -ETIMEDOUT;
		}
		vc_poll_pause(i);
	}
}

bool net_send(struct net_session *ns, unsigned q, const struct vc_net_hdr *h, const uint8_t *f, size_t len,
	      unsigned pieces)
{
	int rc = vc_net_tx(&ns->net, q, h, f, len, pieces);

	if (rc == -ETIMEDOUT)
		vc_fail(ns->c, "a %zu-byte frame on transmitq%u was not used within %u ms", len, q + 1, ns->wait_ms);
	else if (rc == -EPROTO)
		vc_fail(ns->c, "transmitq%u returned a buffer that was not the one in flight", q + 1);
	else
		return backend_ok(ns->c, rc, "transmit failed");
	return false;
}

bool net_capture(struct net_session *ns, uint32_t tag, uint8_t *buf, size_t max, size_t *len, const char *what)
{
	unsigned skipped;
	int rc = vc_net_peer_expect(ns->c->dev, tag, buf, max, len, ns->wait_ms, &skipped);

	if (rc == -ETIMEDOUT) {
		vc_fail(ns->c, "%s never reached the wire within %u ms", what, ns->wait_ms);
		vc_observed(ns->c, "%u other frames captured, none tagged %08x", skipped, tag);
		vc_expected(ns->c, "the frame on the wire");
		return false;
	}
	return backend_ok(ns->c, rc, "the link partner could not be read");
}

bool net_capture_watch(struct net_session *ns, uint32_t until, uint32_t watch, bool *seen, const char *what)
{
	uint8_t *buf = net_buf(2);
	uint64_t deadline = vc_now_ms() + ns->wait_ms;
	uint32_t tag;
	size_t len;

	*seen = false;
	for (;;) {
		uint64_t now = vc_now_ms();
		int rc = vc_peer_recv(ns->c->dev, buf, VC_NET_MAX_FRAME, &len, now < deadline ? (int)(deadline - now) : 0);
		if (rc == -ETIMEDOUT) {
			vc_fail(ns->c, "%s never reached the wire within %u ms", what, ns->wait_ms);
			vc_observed(ns->c, "no frame tagged %08x", until);
			vc_expected(ns->c, "the frame on the wire");
			return false;
		}
		if (!backend_ok(ns->c, rc, "the link partner could not be read"))
			return false;
		if (!vc_net_frame_tag(buf, len < VC_NET_MAX_FRAME ? len : VC_NET_MAX_FRAME, &tag))
			continue;
		*seen |= tag == watch;
		if (tag == until)
			return true;
	}
}

int net_capture_next(struct net_session *ns, uint8_t *buf, size_t max, size_t *len, unsigned ms)
{
	int rc = vc_peer_recv(ns->c->dev, buf, max, len, (int)ms);

	if (rc && rc != -ETIMEDOUT)
		backend_ok(ns->c, rc, "the link partner could not be read");
	return rc;
}

bool net_ctrl_ok(struct net_session *ns, uint8_t cls, uint8_t cmd, const void *data, size_t len, const char *what)
{
	uint8_t ack = 0xff;
	int rc = vc_net_ctrl(&ns->net, cls, cmd, data, len, &ack, NULL, 0);

	if (rc == -ETIMEDOUT) {
		vc_fail(ns->c, "%s: the control command was not used within %u ms", what, ns->wait_ms);
		return false;
	}
	if (!backend_ok(ns->c, rc, "control command failed"))
		return false;
	if (ack != VIRTIO_NET_OK) {
		vc_fail(ns->c, "%s was refused", what);
		vc_observed(ns->c, "ack %u (class %u, command %u)", ack, cls, cmd);
		vc_expected(ns->c, "VIRTIO_NET_OK (0)");
		return false;
	}
	return true;
}

bool net_rx_mode(struct net_session *ns, uint8_t cmd, bool on)
{
	static const char *const names[] = { "PROMISC", "ALLMULTI", "ALLUNI", "NOMULTI", "NOUNI", "NOBCAST" };
	char what[64];
	uint8_t arg = on;

	snprintf(what, sizeof(what), "VIRTIO_NET_CTRL_RX_%s %s", cmd < 6 ? names[cmd] : "?", on ? "on" : "off");
	return net_ctrl_ok(ns, VIRTIO_NET_CTRL_RX, cmd, &arg, 1, what);
}

long net_diff(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return (long)i;
	return alen == blen ? -1 : (long)n;
}

bool net_same_frame(struct vc_ctx *c, const uint8_t *sent, size_t slen, const uint8_t *got, size_t glen,
		    const char *what)
{
	long at = net_diff(sent, slen, got, glen);

	if (at < 0)
		return true;
	vc_fail(c, "%s", what);
	if ((size_t)at < slen && (size_t)at < glen)
		vc_observed(c, "%zu bytes; byte %ld is 0x%02x", glen, at, got[at]);
	else
		vc_observed(c, "%zu bytes", glen);
	if ((size_t)at < slen)
		vc_expected(c, "%zu bytes as sent; byte %ld 0x%02x", slen, at, sent[at]);
	else
		vc_expected(c, "%zu bytes as sent", slen);
	return false;
}
