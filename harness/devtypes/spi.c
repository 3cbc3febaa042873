/* The SPI controller's driver side (vc/devtypes/spi.h). */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/spi.h"

void vc_spi_config_parse(const uint8_t b[VIRTIO_SPI_CFG_LEN], struct vc_spi_config *cfg)
{
	cfg->cs_max_number = b[VIRTIO_SPI_CFG_CS_MAX_NUMBER];
	cfg->cs_change_supported = b[VIRTIO_SPI_CFG_CS_CHANGE_SUPPORTED];
	cfg->tx_nbits_supported = b[VIRTIO_SPI_CFG_TX_NBITS_SUPPORTED];
	cfg->rx_nbits_supported = b[VIRTIO_SPI_CFG_RX_NBITS_SUPPORTED];
	cfg->bits_per_word_mask = vc_le32(b + VIRTIO_SPI_CFG_BITS_PER_WORD_MASK);
	cfg->mode_func_supported = vc_le32(b + VIRTIO_SPI_CFG_MODE_FUNC_SUPPORTED);
	cfg->max_freq_hz = vc_le32(b + VIRTIO_SPI_CFG_MAX_FREQ_HZ);
	cfg->max_word_delay_ns = vc_le32(b + VIRTIO_SPI_CFG_MAX_WORD_DELAY_NS);
	cfg->max_cs_setup_ns = vc_le32(b + VIRTIO_SPI_CFG_MAX_CS_SETUP_NS);
	cfg->max_cs_hold_ns = vc_le32(b + VIRTIO_SPI_CFG_MAX_CS_HOLD_NS);
	cfg->max_cs_inactive_ns = vc_le32(b + VIRTIO_SPI_CFG_MAX_CS_INACTIVE_NS);
}

void vc_spi_head_encode(const struct vc_spi_head *h, uint8_t out[VC_SPI_HEAD])
{
	memset(out, 0, VC_SPI_HEAD);
	out[0] = h->chip_select_id;
	out[1] = h->bits_per_word;
	out[2] = h->cs_change;
	out[3] = h->tx_nbits;
	out[4] = h->rx_nbits;
	vc_put32(out + 8, h->mode);
	vc_put32(out + 12, h->freq);
	vc_put32(out + 16, h->word_delay_ns);
	vc_put32(out + 20, h->cs_setup_ns);
	vc_put32(out + 24, h->cs_delay_hold_ns);
	vc_put32(out + 28, h->cs_change_delay_inactive_ns);
}

void vc_spi_head_valid(const struct vc_spi_config *cfg, struct vc_spi_head *h)
{
	memset(h, 0, sizeof(*h));
	h->bits_per_word = 8;
	for (unsigned n = 0; cfg->bits_per_word_mask && n < 32; n++)
		if (cfg->bits_per_word_mask >> n & 1) {
			h->bits_per_word = (uint8_t)(n + 1);
			break;
		}
	if (!(cfg->mode_func_supported & VIRTIO_SPI_MF_CPHA_0))
		h->mode |= VIRTIO_SPI_CPHA;
	if (!(cfg->mode_func_supported & VIRTIO_SPI_MF_CPOL_0))
		h->mode |= VIRTIO_SPI_CPOL;
	h->freq = cfg->max_freq_hz && cfg->max_freq_hz < 1000000 ? cfg->max_freq_hz : 1000000;
}

int vc_spi_send(struct vc_dev *d, struct vc_spi_xfer *x)
{
	uint8_t head[VC_SPI_HEAD];
	struct vc_iov iov[4];
	unsigned n = 0;
	int rc;

	if (x->ntx && x->nrx && x->ntx != x->nrx)
		return -EINVAL;
	vc_spi_head_encode(&x->head, head);
	iov[n++] = (struct vc_iov){ head, NULL, VC_SPI_HEAD, false, 0 };
	x->tx_bus = 0;
	if (x->ntx) {
		if ((rc = vc_dma_alloc(d->drv.dev, x->ntx, 8, &x->tx_bus)) ||
		    (rc = vc_dma_write(d->drv.dev, x->tx_bus, x->tx, x->ntx)))
			return rc;
		iov[n++] = (struct vc_iov){ NULL, NULL, x->ntx, false, x->tx_bus };
	}
	if (x->nrx) {
		memset(x->rx, 0xee, x->nrx);
		iov[n++] = (struct vc_iov){ x->rx, x->rx, x->nrx, true, 0 };
	}
	x->result = 0xee;
	iov[n++] = (struct vc_iov){ &x->result, &x->result, 1, true, 0 };
	return vc_dev_send(d, VIRTIO_SPI_REQUESTQ, iov, n, &x->r, true);
}

