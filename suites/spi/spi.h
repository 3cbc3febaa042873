/* SPI controller clauses' shared session (suites/spi/). */
#ifndef VC_SUITES_SPI_H
#define VC_SUITES_SPI_H

#include "../devsession.h"
#include "vc/devtypes/spi.h"

#define L_SPI_OP "Device Types / SPI Controller Device / Device Operation"
#define SPI_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
/* No QEMU has a virtio-spi model: the sim is what reaches the clauses. */
#define SPI_TARGETS "sim:type=45"

struct spi {
	struct vc_dev d;
	struct vc_spi_config cfg;
};

/* The requestq set up, DRIVER_OK, the configuration read. */
bool spi_open(struct vc_ctx *c, struct spi *s);
/* Make n transfers available at once (one notification), wait for all. */
bool spi_run(struct vc_ctx *c, struct spi *s, struct vc_spi_xfer *x, unsigned n);

#endif
