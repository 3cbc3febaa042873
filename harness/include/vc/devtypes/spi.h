/* The SPI controller device (virtio type 45): its configuration and its
 * transfer requests, a head, tx_buf, rx_buf and the result byte (Device
 * Types / SPI Controller Device). */
#ifndef VC_DEVTYPES_SPI_H
#define VC_DEVTYPES_SPI_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_SPI 45
#define VIRTIO_SPI_REQUESTQ 0

/* struct virtio_spi_config: four bytes, then seven le32 */
#define VIRTIO_SPI_CFG_CS_MAX_NUMBER 0
#define VIRTIO_SPI_CFG_CS_CHANGE_SUPPORTED 1
#define VIRTIO_SPI_CFG_TX_NBITS_SUPPORTED 2
#define VIRTIO_SPI_CFG_RX_NBITS_SUPPORTED 3
#define VIRTIO_SPI_CFG_BITS_PER_WORD_MASK 4
#define VIRTIO_SPI_CFG_MODE_FUNC_SUPPORTED 8
#define VIRTIO_SPI_CFG_MAX_FREQ_HZ 12
#define VIRTIO_SPI_CFG_MAX_WORD_DELAY_NS 16
#define VIRTIO_SPI_CFG_MAX_CS_SETUP_NS 20
#define VIRTIO_SPI_CFG_MAX_CS_HOLD_NS 24
#define VIRTIO_SPI_CFG_MAX_CS_INACTIVE_NS 28   /* the spec's prose spells it max_cs_incative_ns */
#define VIRTIO_SPI_CFG_LEN 32

/* tx/rx_nbits_supported: bit 0 DUAL, 1 QUAD, 2 OCTAL, the rest reserved (0) */
#define VIRTIO_SPI_NBITS_RESERVED 0xf8u
/* mode_func_supported: bits 0-1 CPHA=0/CPHA=1, 2-3 CPOL=0/CPOL=1, then
 * CS_HIGH, LSB_FIRST, LOOP */
#define VIRTIO_SPI_MF_CPHA_0 (1u << 0)
#define VIRTIO_SPI_MF_CPHA_1 (1u << 1)
#define VIRTIO_SPI_MF_CPOL_0 (1u << 2)
#define VIRTIO_SPI_MF_CPOL_1 (1u << 3)
#define VIRTIO_SPI_MF_CS_HIGH (1u << 4)
#define VIRTIO_SPI_MF_LSB_FIRST (1u << 5)
#define VIRTIO_SPI_MF_LOOPBACK (1u << 6)

/* the head's mode */
#define VIRTIO_SPI_CPHA (1u << 0)
#define VIRTIO_SPI_CPOL (1u << 1)
#define VIRTIO_SPI_CS_HIGH (1u << 2)
#define VIRTIO_SPI_MODE_LSB_FIRST (1u << 3)
#define VIRTIO_SPI_MODE_LOOP (1u << 4)

#define VIRTIO_SPI_TRANS_OK 0
#define VIRTIO_SPI_PARAM_ERR 1
#define VIRTIO_SPI_TRANS_ERR 2

#define VC_SPI_HEAD 32

struct vc_spi_config {
	uint8_t cs_max_number, cs_change_supported, tx_nbits_supported, rx_nbits_supported;
	uint32_t bits_per_word_mask, mode_func_supported, max_freq_hz, max_word_delay_ns, max_cs_setup_ns,
		max_cs_hold_ns, max_cs_inactive_ns;
};

/* struct virtio_spi_transfer_head, unpacked */
struct vc_spi_head {
	uint8_t chip_select_id, bits_per_word, cs_change, tx_nbits, rx_nbits;
	uint32_t mode, freq, word_delay_ns, cs_setup_ns, cs_delay_hold_ns, cs_change_delay_inactive_ns;
};

/* One transfer: tx (ntx bytes) and rx (nrx bytes), either may be 0
 * (half-duplex); the result byte once answered (r.used: the used length),
 * and where tx_buf lies in DMA memory (to read it back). */
struct vc_spi_xfer {
	struct vc_spi_head head;
	const uint8_t *tx;
	uint8_t *rx;
	uint32_t ntx, nrx;
	uint8_t result;
	uint64_t tx_bus;
	struct vc_req r;
};

void vc_spi_config_parse(const uint8_t b[VIRTIO_SPI_CFG_LEN], struct vc_spi_config *cfg);
void vc_spi_head_encode(const struct vc_spi_head *h, uint8_t out[VC_SPI_HEAD]);
/* A head every device with this configuration takes: chip select 0, the
 * smallest word size it supports (8 without a limit), a clock phase and
 * polarity it supports, SINGLE, at most 1 MHz, no delays, cs_change 0. */
void vc_spi_head_valid(const struct vc_spi_config *cfg, struct vc_spi_head *h);
/* Queue a transfer as the driver rules ask (SPI-OP-DRV-1..3): head, tx_buf,
 * rx_buf, result, in that order; a full-duplex one only with tx and rx of
 * one size (SPI-OP-DRV-4: -EINVAL otherwise). rx is prefilled 0xee; it is
 * copied back whatever the result, and callers read it only after
 * TRANS_OK (SPI-OP-DRV-5). Made available without a notification. */
int vc_spi_send(struct vc_dev *d, struct vc_spi_xfer *x);

#endif
