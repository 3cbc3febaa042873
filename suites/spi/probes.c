/* Hostile-driver probe of the SPI controller (profile robustness, side
 * robustness: not a spec verdict): a full-duplex transfer whose tx_buf and
 * rx_buf differ in size breaks SPI-OP-DRV-4; the device rules it reaches
 * (SPI-OP-DEV-5/6) ask for PARAM_ERR. */
#include <string.h>
#include "spi.h"

#define LABEL "Robustness: a hostile driver (not a spec rule)"

/* head, 8 bytes of tx_buf, 4 of rx_buf, result: built here, as
 * vc_spi_send refuses it. */
static void duplex_size_mismatch(struct vc_ctx *c)
{
	uint8_t head[VC_SPI_HEAD], tx[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, rx[4], result = 0xee;
	struct vc_spi_head h;
	struct spi s;

	if (!spi_open(c, &s))
		return;
	vc_spi_head_valid(&s.cfg, &h);
	vc_spi_head_encode(&h, head);
	memset(rx, 0xee, sizeof(rx));
	struct vc_iov iov[4] = { { head, NULL, VC_SPI_HEAD, false, 0 }, { tx, NULL, sizeof(tx), false, 0 },
				 { rx, rx, sizeof(rx), true, 0 }, { &result, &result, 1, true, 0 } };
	if (!ds_call(c, &s.d, VIRTIO_SPI_REQUESTQ, iov, 4, NULL, "full-duplex transfer of 8 tx and 4 rx bytes"))
		return;
	if (result != VIRTIO_SPI_PARAM_ERR) {
		vc_fail(c, "a full-duplex transfer with 8 bytes of tx_buf and 4 of rx_buf was answered result %u", result);
		vc_observed(c, "result %u", result);
		vc_expected(c, "VIRTIO_SPI_PARAM_ERR (1), as SPI-OP-DEV-5/6 ask");
	}
}

static const struct vc_clause clauses[] = {
	{ "probe.spi.duplex-size-mismatch", LABEL, VC_MAY, VC_ROBUSTNESS, "1.4", SPI_NEEDS, "",
	  "A full-duplex transfer with tx_buf and rx_buf of different sizes is answered PARAM_ERR, as the device rules "
	  "SPI-OP-DEV-5/6 (reached only so) ask.", "robustness", duplex_size_mismatch, 0, 1, "SPI-OP-DRV-4",
	  SPI_TARGETS },
};
VC_DEVICE_SUITE(suite_spi_probes, clauses, VIRTIO_ID_SPI);
