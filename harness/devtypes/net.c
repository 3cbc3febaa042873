/* virtio-net, the driver side (vc/devtypes/net.h): the header, queue pairs
 * and the control queue, receive buffers of any size and arrangement taken
 * back as packets (num_buffers, merged buffers), transmit with any header,
 * control commands, and the link partner's captured frames. */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/net.h"

static bool feature(const uint32_t f[VC_FEATURE_WORDS], unsigned bit)
{
	return (f[bit / 32] >> (bit % 32)) & 1;
}

const char *vc_net_feature_name(unsigned bit)
{
	static const char *const names[] = {
		[0] = "CSUM", "GUEST_CSUM", "CTRL_GUEST_OFFLOADS", "MTU", [5] = "MAC", [7] = "GUEST_TSO4", "GUEST_TSO6",
		"GUEST_ECN", "GUEST_UFO", "HOST_TSO4", "HOST_TSO6", "HOST_ECN", "HOST_UFO", "MRG_RXBUF", "STATUS",
		"CTRL_VQ", "CTRL_RX", "CTRL_VLAN", "CTRL_RX_EXTRA", "GUEST_ANNOUNCE", "MQ", "CTRL_MAC_ADDR",
		[50] = "DEVICE_STATS", "HASH_TUNNEL", "VQ_NOTF_COAL", "NOTF_COAL", "GUEST_USO4", "GUEST_USO6",
		"HOST_USO", "HASH_REPORT", [59] = "GUEST_HDRLEN", "RSS", "RSC_EXT", "STANDBY", "SPEED_DUPLEX",
		"RSS_CONTEXT", "GUEST_UDP_TUNNEL_GSO", "GUEST_UDP_TUNNEL_GSO_CSUM", "HOST_UDP_TUNNEL_GSO",
		"HOST_UDP_TUNNEL_GSO_CSUM", "OUT_NET_HEADER", "IPSEC",
	};

	return bit < sizeof(names) / sizeof(names[0]) ? names[bit] : NULL;
}

unsigned vc_net_hdr_size(const uint32_t f[VC_FEATURE_WORDS])
{
	if (feature(f, VIRTIO_NET_F_OUT_NET_HEADER) || feature(f, VIRTIO_NET_F_IPSEC))
		return 32;
	if (feature(f, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO) || feature(f, VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO))
		return 24;
	return feature(f, VIRTIO_NET_F_HASH_REPORT) ? 20 : 12;
}

static void le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

void vc_net_hdr_put(uint8_t *b, const struct vc_net_hdr *h)
{
	b[0] = h->flags;
	b[1] = h->gso_type;
	le16(b + 2, h->hdr_len);
	le16(b + 4, h->gso_size);
	le16(b + 6, h->csum_start);
	le16(b + 8, h->csum_offset);
	le16(b + 10, h->num_buffers);
	le16(b + 12, (uint16_t)h->hash_value);
	le16(b + 14, (uint16_t)(h->hash_value >> 16));
	le16(b + 16, h->hash_report);
	le16(b + 18, h->padding_reserved);
	le16(b + 20, h->outer_th_offset);
	le16(b + 22, h->inner_nh_offset);
	le16(b + 24, h->outer_nh_offset);
	le16(b + 26, (uint16_t)h->resource_id);
	le16(b + 28, (uint16_t)(h->resource_id >> 16));
	le16(b + 30, h->resource_type);
}

void vc_net_hdr_get(const uint8_t *b, unsigned size, struct vc_net_hdr *h)
{
	uint8_t full[VC_NET_HDR_MAX] = { 0 };

	memcpy(full, b, size < sizeof(full) ? size : sizeof(full));
	h->flags = full[0];
	h->gso_type = full[1];
	h->hdr_len = get16(full + 2);
	h->gso_size = get16(full + 4);
	h->csum_start = get16(full + 6);
	h->csum_offset = get16(full + 8);
	h->num_buffers = get16(full + 10);
	h->hash_value = get16(full + 12) | (uint32_t)get16(full + 14) << 16;
	h->hash_report = get16(full + 16);
	h->padding_reserved = get16(full + 18);
	h->outer_th_offset = get16(full + 20);
	h->inner_nh_offset = get16(full + 22);
	h->outer_nh_offset = get16(full + 24);
	h->resource_id = get16(full + 26) | (uint32_t)get16(full + 28) << 16;
	h->resource_type = get16(full + 30);
}

int vc_net_setup(struct vc_net *n, struct vc_driver *drv, unsigned pairs, uint16_t size)
{
	static const uint8_t local_mac[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x02 };
	int rc;

	memset(n, 0, sizeof(*n));
	n->drv = drv;
	n->hdr_size = vc_net_hdr_size(drv->features);
	n->max_pairs = 1;
	n->next_tag = (uint32_t)vc_now_ms() << 12;
	/* max_virtqueue_pairs, then the mac byte by byte: one batch */
	const struct vc_vcap *cfg = drv->p->device_cfg;
	struct vc_access a[7];
	unsigned na = 0, mac = 0;
	bool pairs_field = vc_negotiated(drv, VIRTIO_NET_F_MQ) || vc_negotiated(drv, VIRTIO_NET_F_RSS);
	if (pairs_field || vc_negotiated(drv, VIRTIO_NET_F_MAC)) {
		if (!cfg)
			return -ENOENT;
		if (pairs_field)
			a[na++] = (struct vc_access){ cfg->bar, 2, cfg->offset + VIRTIO_NET_CFG_MAX_PAIRS, 0, false, false };
		mac = na;
		for (unsigned i = 0; vc_negotiated(drv, VIRTIO_NET_F_MAC) && i < 6; i++)
			a[na++] = (struct vc_access){ cfg->bar, 1, cfg->offset + VIRTIO_NET_CFG_MAC + i, 0, false, false };
		if ((rc = vc_batch(drv->dev, a, na)))
			return rc;
	}
	if (pairs_field)
		n->max_pairs = a[0].val ? (unsigned)a[0].val : 1;
	memcpy(n->mac, local_mac, 6);
	for (unsigned i = 0; mac + i < na; i++)
		n->mac[i] = (uint8_t)a[mac + i].val;
	n->pairs = pairs < n->max_pairs ? pairs : n->max_pairs;
	if (n->pairs > VC_NET_MAX_PAIRS)
		n->pairs = VC_NET_MAX_PAIRS;
	if (!n->pairs)
		n->pairs = 1;
	for (unsigned i = 0; i < n->pairs; i++)
		if ((rc = vc_vq_setup(drv, (uint16_t)(2 * i), size, &n->rx[i].vq)) ||
		    (rc = vc_vq_setup(drv, (uint16_t)(2 * i + 1), size, &n->tx[i])) ||
		    (rc = vc_vq_enable(drv, &n->rx[i].vq)) || (rc = vc_vq_enable(drv, &n->tx[i])))
			return rc;
	n->has_ctrl = vc_negotiated(drv, VIRTIO_NET_F_CTRL_VQ);
	if (n->has_ctrl && ((rc = vc_vq_setup(drv, (uint16_t)(2 * n->max_pairs), 0, &n->ctrl)) ||
			    (rc = vc_vq_enable(drv, &n->ctrl))))
		return rc;
	return 0;
}

uint32_t vc_net_tag(struct vc_net *n)
{
	return ++n->next_tag;
}

/* len bytes at addr in `pieces` descriptors of about equal size. */
static unsigned cut(uint64_t addr, uint32_t len, unsigned pieces, bool writable, struct vc_buf *out, unsigned max)
{
	unsigned m = pieces ? pieces : 1;

	if (m > len)
		m = len ? len : 1;
	if (m > max)
		m = max;
	for (unsigned i = 0, at = 0; i < m; i++) {
		uint32_t part = i + 1 < m ? len / m : len - at;
		out[i] = (struct vc_buf){ addr + at, part, writable };
		at += part;
	}
	return m;
}

int vc_net_rx_fill(struct vc_net *n, unsigned q, unsigned count, uint32_t size, unsigned pieces)
{
	struct vc_net_rxq *r = &n->rx[q];
	struct vc_buf bufs[16];
	uint64_t base;
	int rc;

	if (q >= n->pairs || !size || count > r->vq.size)
		return -EINVAL;
	if ((rc = vc_dma_alloc(n->drv->dev, (size_t)count * size, 16, &base)))
		return rc;
	for (unsigned i = 0; i < count; i++) {
		uint16_t id;
		uint64_t addr = base + (uint64_t)i * size;
		unsigned m = cut(addr, size, pieces, true, bufs, 16);
		if ((rc = vc_vq_add(n->drv, &r->vq, bufs, m, &id)))
			return rc;
		if (id < sizeof(r->buf) / sizeof(r->buf[0])) {
			r->buf[id].addr = addr;
			r->buf[id].len = size;
			r->buf[id].pieces = (uint8_t)m;
		}
		r->posted++;
	}
	r->buf_size = size;
	return vc_vq_kick(n->drv, &r->vq);
}

/* One used buffer of the packet, taken: how many of its bytes from skip on
 * go into the frame, at rx->len before the call (*n_copy). */
static int claim(struct vc_net_rxq *r, struct vc_net_rx *rx, uint16_t id, uint32_t len, size_t skip, size_t *n_copy)
{
	if (id >= sizeof(r->buf) / sizeof(r->buf[0]) || !r->buf[id].len || len > r->buf[id].len || len < skip)
		return -EPROTO;
	if (rx->nbufs < 64) {
		rx->used_len[rx->nbufs] = len;
		rx->buf_size[rx->nbufs] = r->buf[id].len;
	}
	rx->nbufs++;
	r->posted--;
	*n_copy = len - skip;
	if (rx->len + *n_copy > rx->max)
		*n_copy = rx->max - rx->len;
	rx->len += *n_copy;
	r->buf[id].len = 0;
	return 0;
}

/* One used buffer of the packet: its bytes appended to the frame. */
static int take(struct vc_net *n, struct vc_net_rxq *r, struct vc_net_rx *rx, uint16_t id, uint32_t len, size_t skip)
{
	size_t at = rx->len, n_copy;
	int rc = claim(r, rx, id, len, skip, &n_copy);

	if (rc || !n_copy)
		return rc;
	return vc_dma_read(n->drv->dev, r->buf[id].addr + skip, rx->frame + at, n_copy);
}

int vc_net_rx_get(struct vc_net *n, unsigned q, struct vc_net_rx *rx, unsigned timeout_ms)
{
	struct vc_net_rxq *r = &n->rx[q];
	uint8_t hdr[VC_NET_HDR_MAX];
	uint16_t id;
	uint32_t len;
	int rc;

	rx->queue = q;
	rx->len = rx->nbufs = 0;
	rx->together = true;
	rx->tagged = false;
	memset(&rx->hdr, 0, sizeof(rx->hdr));
	if (q >= n->pairs)
		return -EINVAL;
	if ((rc = vc_vq_wait_used(n->drv, &r->vq, timeout_ms, &id, &len)))
		return rc;
	if (id >= sizeof(r->buf) / sizeof(r->buf[0]) || !r->buf[id].len || len < n->hdr_size) {
		rx->nbufs = 1;
		rx->used_len[0] = len;
		rx->buf_size[0] = id < sizeof(r->buf) / sizeof(r->buf[0]) ? r->buf[id].len : 0;
		return -EPROTO;
	}
	/* how many more the device has published (split), the header and the
	 * frame's first part: one read */
	uint64_t addr = r->buf[id].addr;
	size_t n_copy;
	uint8_t idx[2] = { 0 };
	int taken = claim(r, rx, id, len, n->hdr_size, &n_copy);
	struct vc_dma_piece v[3] = {
		{ r->vq.device + 2, idx, 2 },
		{ addr, hdr, n->hdr_size },
		{ addr + n->hdr_size, rx->frame, taken ? 0 : n_copy },
	};
	if ((rc = vc_dma_readv(n->drv->dev, v + r->vq.packed, 3u - r->vq.packed - !v[2].len)))
		return rc;
	/* split: used entries the device has published and the driver not taken */
	unsigned ready = (uint16_t)(get16(idx) - r->vq.used_idx);
	vc_net_hdr_get(hdr, n->hdr_size, &rx->hdr);
	if (taken)
		return taken;
	unsigned want = vc_negotiated(n->drv, VIRTIO_NET_F_MRG_RXBUF) ? rx->hdr.num_buffers : 1;
	if (want > r->posted + 1u)
		return -EPROTO;          /* more buffers than were ever given */
	if (!r->vq.packed && ready + 1 < want)
		rx->together = false;
	for (unsigned i = 1; i < want; i++) {
		rc = vc_vq_get_used(n->drv, &r->vq, &id, &len);
		if (rc == -EAGAIN) {
			rx->together = false;
			rc = vc_vq_wait_used(n->drv, &r->vq, timeout_ms, &id, &len);
		}
		if (rc || (rc = take(n, r, rx, id, len, 0)))
			return rc;
	}
	rx->tagged = vc_net_frame_tag(rx->frame, rx->len, &rx->tag);
	return 0;
}

int vc_net_tx(struct vc_net *n, unsigned q, const struct vc_net_hdr *h, const uint8_t *frame, size_t len,
	      unsigned pieces)
{
	struct vc_driver *drv = n->drv;
	struct vc_buf bufs[16];
	uint8_t hb[VC_NET_HDR_MAX];
	uint64_t base;
	uint16_t id, used;
	uint32_t ulen;
	unsigned m;
	int rc;

	if (q >= n->pairs || len > VC_NET_MAX_FRAME)
		return -EINVAL;
	if ((rc = vc_dma_alloc(drv->dev, n->hdr_size + len, 16, &base)))
		return rc;
	vc_net_hdr_put(hb, h);
	if ((rc = vc_dma_write(drv->dev, base, hb, n->hdr_size)) ||
	    (len && (rc = vc_dma_write(drv->dev, base + n->hdr_size, frame, len))))
		return rc;
	if (pieces == 2 && len) {      /* the header alone, then the frame */
		bufs[0] = (struct vc_buf){ base, n->hdr_size, false };
		bufs[1] = (struct vc_buf){ base + n->hdr_size, (uint32_t)len, false };
		m = 2;
	} else {
		m = cut(base, (uint32_t)(n->hdr_size + len), pieces, false, bufs, 16);
	}
	if ((rc = vc_vq_add(drv, &n->tx[q], bufs, m, &id)) || (rc = vc_vq_kick(drv, &n->tx[q])) ||
	    (rc = vc_vq_wait_used(drv, &n->tx[q], drv->dev->timeout_ms, &used, &ulen)))
		return rc;
	return used == id ? 0 : -EPROTO;
}

int vc_net_ctrl(struct vc_net *n, uint8_t cls, uint8_t cmd, const void *data, size_t len, uint8_t *ack, void *result,
		size_t rlen)
{
	struct vc_driver *drv = n->drv;
	struct vc_buf bufs[3];
	uint8_t head[2] = { cls, cmd }, fill = 0xff;
	uint64_t base;
	uint16_t id, used;
	uint32_t ulen;
	unsigned m = 0;
	int rc;

	if (!n->has_ctrl)
		return -ENOTSUP;
	size_t total = 2 + len + 1 + rlen;
	if ((rc = vc_dma_alloc(drv->dev, total, 16, &base)) || (rc = vc_dma_write(drv->dev, base, head, 2)) ||
	    (len && (rc = vc_dma_write(drv->dev, base + 2, data, len))) ||
	    (rc = vc_dma_write(drv->dev, base + 2 + len, &fill, 1)) ||
	    (rlen && result && (rc = vc_dma_write(drv->dev, base + 3 + len, result, rlen))))
		return rc;
	bufs[m++] = (struct vc_buf){ base, 2, false };
	if (len)
		bufs[m++] = (struct vc_buf){ base + 2, (uint32_t)len, false };
	bufs[m++] = (struct vc_buf){ base + 2 + len, (uint32_t)(1 + rlen), true };
	/* the ack (and result) read behind the used entry */
	struct vc_dma_piece v[2] = { { base + 2 + len, ack, 1 }, { base + 3 + len, result, rlen } };
	if ((rc = vc_vq_add(drv, &n->ctrl, bufs, m, &id)) || (rc = vc_vq_kick(drv, &n->ctrl)) ||
	    (rc = vc_vq_wait_used_read(drv, &n->ctrl, drv->dev->timeout_ms, &used, &ulen, v, rlen && result ? 2 : 1)))
		return rc;
	return used == id ? 0 : -EPROTO;
}

int vc_net_ctrl_u8(struct vc_net *n, uint8_t cls, uint8_t cmd, uint8_t arg, uint8_t *ack)
{
	return vc_net_ctrl(n, cls, cmd, &arg, 1, ack, NULL, 0);
}

static struct vc_vq *queue_of(struct vc_net *n, uint16_t index)
{
	unsigned k = index / 2;

	if (k >= n->pairs)
		return NULL;
	return index % 2 ? &n->tx[k] : &n->rx[k].vq;
}

int vc_net_queue_reset(struct vc_net *n, uint16_t index)
{
	struct vc_driver *drv = n->drv;
	uint64_t deadline = vc_now_ms() + drv->dev->timeout_ms, v;
	int rc;

	if (!queue_of(n, index))
		return -EINVAL;
	if ((rc = vc_common_write(drv->dev, drv->p, COMMON_queue_select, 2, index)) ||
	    (rc = vc_common_write(drv->dev, drv->p, COMMON_queue_reset, 2, 1)))
		return rc;
	for (unsigned i = 0;; i++) {
		if ((rc = vc_common_read(drv->dev, drv->p, COMMON_queue_reset, 2, &v)))
			return rc;
		if (v == 0)
			break;
		if (vc_now_ms() >= deadline)
			return -ETIMEDOUT;
		vc_poll_pause(i);
	}
	if (index % 2 == 0) {
		struct vc_net_rxq *r = &n->rx[index / 2];
		memset(r->buf, 0, sizeof(r->buf));
		r->posted = 0;
	}
	return 0;
}

int vc_net_queue_restart(struct vc_net *n, uint16_t index)
{
	struct vc_vq *vq = queue_of(n, index);
	int rc;

	if (!vq)
		return -EINVAL;
	return (rc = vc_vq_setup(n->drv, index, vq->size, vq)) ? rc : vc_vq_enable(n->drv, vq);
}

int vc_net_peer_flush(struct vc_device *d)
{
	static uint8_t sink[VC_NET_MAX_FRAME];
	size_t len;
	int rc = 0;

	for (unsigned i = 0; i < 100000 && (rc = vc_peer_recv(d, sink, sizeof(sink), &len, 0)) == 0; i++)
		;
	return rc == -ETIMEDOUT ? 0 : rc;
}

int vc_net_peer_expect(struct vc_device *d, uint32_t tag, uint8_t *buf, size_t max, size_t *len,
		       unsigned timeout_ms, unsigned *skipped)
{
	uint64_t deadline = vc_now_ms() + timeout_ms;
	uint32_t got;

	*skipped = 0;
	for (;;) {
		uint64_t now = vc_now_ms();
		int rc = vc_peer_recv(d, buf, max, len, now < deadline ? (int)(deadline - now) : 0);
		if (rc)
			return rc;
		if (vc_net_frame_tag(buf, *len < max ? *len : max, &got) && got == tag)
			return 0;
		++*skipped;
	}
}
