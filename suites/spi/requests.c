/* SPI controller device: its configuration and transfer requests (Device
 * Types / SPI Controller Device / Device Operation): every field set by
 * the first read, tx_buf left as the driver wrote it, and a head whose
 * parameters the configuration does not allow answered PARAM_ERR. A
 * controller with loopback mode shows a full-duplex transfer end to end:
 * rx_buf holds what tx_buf sent. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "spi.h"

#define L_SPI_SANITY "Sanity: what an SPI controller is for (not a spec rule)"
#define XFER 16

bool spi_open(struct vc_ctx *c, struct spi *s)
{
	uint8_t b[VIRTIO_SPI_CFG_LEN];
	int rc;

	memset(s, 0, sizeof(*s));
	if (!ds_open(c, &s->d, 0, 0, DS_Q(VIRTIO_SPI_REQUESTQ), false))
		return false;
	if ((rc = vc_dev_cfg_snapshot(&s->d, b, sizeof(b))) == -ENOENT) {
		vc_fail(c, "the device-specific configuration is missing or shorter than struct virtio_spi_config");
		return false;
	}
	if (!ds_ok(c, rc, "reading the configuration failed"))
		return false;
	vc_spi_config_parse(b, &s->cfg);
	return true;
}

bool spi_run(struct vc_ctx *c, struct spi *s, struct vc_spi_xfer *x, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!ds_ok(c, vc_spi_send(&s->d, &x[i]), "making a transfer available failed"))
			return false;
	if (!ds_ok(c, vc_dev_kick(&s->d, VIRTIO_SPI_REQUESTQ), "notifying the requestq failed"))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!ds_wait(c, &s->d, &x[i].r, "SPI transfer"))
			return false;
	return true;
}

static void pattern(uint8_t *b, unsigned n, uint8_t seed)
{
	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + 37 * i);
}

static void full_duplex(struct vc_spi_xfer *x, const struct vc_spi_head *h, const uint8_t *tx, uint8_t *rx)
{
	memset(x, 0, sizeof(*x));
	x->head = *h;
	x->tx = tx;
	x->rx = rx;
	x->ntx = x->nrx = XFER;
}

/* The fields a device sets: read at the driver's first chance (after
 * DRIVER, before FEATURES_OK), valid as the layout defines them, and the
 * same once the device is running. */
static void set_before_read(struct vc_ctx *c)
{
	uint8_t first[VIRTIO_SPI_CFG_LEN], later[VIRTIO_SPI_CFG_LEN];
	struct vc_spi_config f;
	struct vc_dev d;
	int rc;

	memset(&d, 0, sizeof(d));
	vc_driver_init(&d.drv, c->dev, c->probe);
	if (!ds_ok(c, vc_reset(&d.drv), "reset failed") ||
	    !ds_ok(c, vc_status_add(&d.drv, VIRTIO_STATUS_ACKNOWLEDGE), "setting ACKNOWLEDGE failed") ||
	    !ds_ok(c, vc_status_add(&d.drv, VIRTIO_STATUS_DRIVER), "setting DRIVER failed"))
		return;
	if ((rc = vc_dev_cfg_snapshot(&d, first, sizeof(first))) == -ENOENT) {
		vc_fail(c, "the device-specific configuration is missing or shorter than struct virtio_spi_config");
		return;
	}
	if (!ds_ok(c, rc, "reading the configuration failed"))
		return;
	vc_spi_config_parse(first, &f);
	if (!f.cs_max_number || !(f.mode_func_supported & 3) || !(f.mode_func_supported & 0xc) ||
	    ((f.tx_nbits_supported | f.rx_nbits_supported) & VIRTIO_SPI_NBITS_RESERVED)) {
		vc_fail(c, "the configuration read before FEATURES_OK is not set as its layout defines it");
		vc_observed(c, "cs_max_number %u, mode_func_supported 0x%x, tx_nbits_supported 0x%02x, "
			    "rx_nbits_supported 0x%02x", f.cs_max_number, f.mode_func_supported, f.tx_nbits_supported,
			    f.rx_nbits_supported);
		vc_expected(c, "at least one chip select, a CPHA and a CPOL setting supported (bits 0-1 and 2-3 not "
			    "0b00), no reserved n-bit mode bit");
		return;
	}
	struct spi s;
	if (!ds_open(c, &s.d, 0, 0, DS_Q(VIRTIO_SPI_REQUESTQ), false) ||
	    !ds_ok(c, vc_dev_cfg_snapshot(&s.d, later, sizeof(later)), "reading the configuration failed"))
		return;
	for (unsigned i = 0; i < sizeof(first); i++)
		if (first[i] != later[i]) {
			vc_fail(c, "configuration byte %u read before FEATURES_OK differs from its value after DRIVER_OK", i);
			vc_observed(c, "0x%02x, then 0x%02x", first[i], later[i]);
			vc_expected(c, "every field set before the driver's first read");
			return;
		}
}

/* A full-duplex and a half-duplex write: tx_buf reads back unchanged. */
static void tx_unchanged(struct vc_ctx *c)
{
	uint8_t tx[2][XFER], rx[XFER], now[XFER];
	struct vc_spi_xfer x[2];
	struct vc_spi_head h;
	struct spi s;

	if (!spi_open(c, &s))
		return;
	vc_spi_head_valid(&s.cfg, &h);
	pattern(tx[0], XFER, 0x11);
	pattern(tx[1], XFER, 0x5a);
	full_duplex(&x[0], &h, tx[0], rx);
	full_duplex(&x[1], &h, tx[1], NULL);
	x[1].nrx = 0;
	if (!spi_run(c, &s, x, 2))
		return;
	for (unsigned i = 0; i < 2; i++) {
		if (!ds_ok(c, vc_dma_read(c->dev, x[i].tx_bus, now, XFER), "DMA read"))
			return;
		if (memcmp(now, tx[i], XFER)) {
			vc_fail(c, "the device changed the tx_buf of the %s", i ? "half-duplex write" : "full-duplex transfer");
			vc_observed(c, "%02x %02x %02x %02x ...", now[0], now[1], now[2], now[3]);
			vc_expected(c, "%02x %02x %02x %02x ... (as the driver wrote it)", tx[i][0], tx[i][1], tx[i][2],
				    tx[i][3]);
			return;
		}
	}
	if (x[0].result || x[1].result)
		vc_note(c, "results %u and %u (not TRANS_OK: the transfers may not have run)", x[0].result, x[1].result);
}

/* Loopback mode: a full-duplex transfer's rx_buf holds what tx_buf sent. */
static void loopback(struct vc_ctx *c)
{
	uint8_t tx[XFER], rx[XFER];
	struct vc_spi_xfer x;
	struct vc_spi_head h;
	struct spi s;

	if (!spi_open(c, &s))
		return;
	if (!(s.cfg.mode_func_supported & VIRTIO_SPI_MF_LOOPBACK)) {
		vc_skip(c, "mode_func_supported 0x%x: no loopback mode", s.cfg.mode_func_supported);
		return;
	}
	vc_spi_head_valid(&s.cfg, &h);
	h.mode |= VIRTIO_SPI_MODE_LOOP;
	pattern(tx, XFER, 0xc3);
	full_duplex(&x, &h, tx, rx);
	if (!spi_run(c, &s, &x, 1))
		return;
	if (x.result != VIRTIO_SPI_TRANS_OK) {
		vc_fail(c, "a full-duplex transfer in loopback mode was answered result %u", x.result);
		vc_expected(c, "VIRTIO_SPI_TRANS_OK");
		return;
	}
	if (memcmp(rx, tx, XFER)) {
		vc_fail(c, "in loopback mode rx_buf does not hold what tx_buf sent");
		vc_observed(c, "rx %02x %02x %02x %02x ...", rx[0], rx[1], rx[2], rx[3]);
		vc_expected(c, "rx %02x %02x %02x %02x ... (tx_buf's bytes)", tx[0], tx[1], tx[2], tx[3]);
	}
}

/* Heads with one parameter the configuration does not allow, each with
 * the words that say which. */
#define MAX_BAD 8
struct bad {
	struct vc_spi_head h[MAX_BAD];
	char what[MAX_BAD][96];
	unsigned n;
};

/* A bad head: the valid one, for the caller to change. */
static struct vc_spi_head *bad_add(struct bad *b, const struct spi *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct vc_spi_head *bad_add(struct bad *b, const struct spi *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->what[b->n], sizeof(b->what[0]), fmt, ap);
	va_end(ap);
	vc_spi_head_valid(&s->cfg, &b->h[b->n]);
	return &b->h[b->n++];
}

/* The valid transfer first (TRANS_OK, else the answer to a bad field would
 * tell nothing: SKIP), then one per bad head: each PARAM_ERR. `none`: the
 * SKIP's reason when the configuration allows every value there. */
static void rejected(struct vc_ctx *c, struct spi *s, const struct bad *b, const char *none)
{
	uint8_t tx[XFER], rx[XFER];
	struct vc_spi_xfer x;
	struct vc_spi_head h;

	if (!b->n) {
		vc_skip(c, "%s", none);
		return;
	}
	vc_spi_head_valid(&s->cfg, &h);
	pattern(tx, XFER, 0x3c);
	full_duplex(&x, &h, tx, rx);
	if (!spi_run(c, s, &x, 1))
		return;
	if (x.result != VIRTIO_SPI_TRANS_OK) {
		vc_skip(c, "a transfer with parameters the configuration allows was answered result %u", x.result);
		return;
	}
	for (unsigned i = 0; i < b->n; i++) {
		full_duplex(&x, &b->h[i], tx, rx);
		if (!spi_run(c, s, &x, 1))
			return;
		if (x.result == VIRTIO_SPI_PARAM_ERR)
			continue;
		vc_fail(c, "a transfer with %s was answered result %u", b->what[i], x.result);
		vc_observed(c, "result %u", x.result);
		vc_expected(c, "VIRTIO_SPI_PARAM_ERR (1)");
		return;
	}
}

static void chip_select(struct vc_ctx *c)
{
	struct bad b = { .n = 0 };
	struct spi s;

	if (!spi_open(c, &s))
		return;
	if (s.cfg.cs_max_number < 255)
		bad_add(&b, &s, "chip_select_id %u (cs_max_number %u)", s.cfg.cs_max_number, s.cfg.cs_max_number)
			->chip_select_id = s.cfg.cs_max_number;
	rejected(c, &s, &b, "cs_max_number is 255: every chip_select_id is valid");
}

static void cs_change(struct vc_ctx *c)
{
	struct bad b = { .n = 0 };
	struct spi s;

	if (!spi_open(c, &s))
		return;
	if (!s.cfg.cs_change_supported)
		bad_add(&b, &s, "cs_change 1 (cs_change_supported 0)")->cs_change = 1;
	rejected(c, &s, &b, "cs_change_supported is not 0: cs_change 1 is valid");
}

/* Each mode bit mode_func_supported leaves out. */
static void mode(struct vc_ctx *c)
{
	static const struct {
		uint32_t func, set, clear;
		const char *name;
	} bits[] = {
		{ VIRTIO_SPI_MF_CPHA_1, VIRTIO_SPI_CPHA, 0, "CPHA=1" },
		{ VIRTIO_SPI_MF_CPHA_0, 0, VIRTIO_SPI_CPHA, "CPHA=0" },
		{ VIRTIO_SPI_MF_CPOL_1, VIRTIO_SPI_CPOL, 0, "CPOL=1" },
		{ VIRTIO_SPI_MF_CPOL_0, 0, VIRTIO_SPI_CPOL, "CPOL=0" },
		{ VIRTIO_SPI_MF_CS_HIGH, VIRTIO_SPI_CS_HIGH, 0, "CS_HIGH" },
		{ VIRTIO_SPI_MF_LSB_FIRST, VIRTIO_SPI_MODE_LSB_FIRST, 0, "LSB_FIRST" },
		{ VIRTIO_SPI_MF_LOOPBACK, VIRTIO_SPI_MODE_LOOP, 0, "LOOP" },
	};
	struct bad b = { .n = 0 };
	struct spi s;

	if (!spi_open(c, &s))
		return;
	for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (!(s.cfg.mode_func_supported & bits[i].func)) {
			struct vc_spi_head *h =
				bad_add(&b, &s, "mode %s (mode_func_supported 0x%x)", bits[i].name, s.cfg.mode_func_supported);
			h->mode = (h->mode | bits[i].set) & ~bits[i].clear;
		}
	rejected(c, &s, &b, "mode_func_supported supports every mode bit");
}

static void bits_per_word(struct vc_ctx *c)
{
	struct bad b = { .n = 0 };
	struct spi s;

	if (!spi_open(c, &s))
		return;
	for (unsigned n = 0; s.cfg.bits_per_word_mask && n < 32; n++)
		if (!(s.cfg.bits_per_word_mask >> n & 1)) {
			bad_add(&b, &s, "bits_per_word %u (bits_per_word_mask 0x%x)", n + 1, s.cfg.bits_per_word_mask)
				->bits_per_word = (uint8_t)(n + 1);
			break;
		}
	rejected(c, &s, &b, "bits_per_word_mask allows every word size");
}

/* 3 is no n-bit mode at all; then the widest mode each direction lacks. */
static void nbits(struct vc_ctx *c)
{
	struct bad b = { .n = 0 };
	struct spi s;

	if (!spi_open(c, &s))
		return;
	bad_add(&b, &s, "tx_nbits 3 (no such mode)")->tx_nbits = 3;
	bad_add(&b, &s, "rx_nbits 3 (no such mode)")->rx_nbits = 3;
	for (unsigned k = 3; k-- > 0;) {
		uint8_t width = (uint8_t)(2u << k);
		if (!(s.cfg.tx_nbits_supported >> k & 1)) {
			bad_add(&b, &s, "tx_nbits %u (tx_nbits_supported 0x%02x)", width, s.cfg.tx_nbits_supported)
				->tx_nbits = width;
			break;
		}
	}
	for (unsigned k = 3; k-- > 0;) {
		uint8_t width = (uint8_t)(2u << k);
		if (!(s.cfg.rx_nbits_supported >> k & 1)) {
			bad_add(&b, &s, "rx_nbits %u (rx_nbits_supported 0x%02x)", width, s.cfg.rx_nbits_supported)
				->rx_nbits = width;
			break;
		}
	}
	rejected(c, &s, &b, "");
}

static void freq(struct vc_ctx *c)
{
	struct bad b = { .n = 0 };
	struct spi s;

	if (!spi_open(c, &s))
		return;
	if (s.cfg.max_freq_hz && s.cfg.max_freq_hz < UINT32_MAX)
		bad_add(&b, &s, "freq %u Hz (max_freq_hz %u)", s.cfg.max_freq_hz + 1, s.cfg.max_freq_hz)->freq =
			s.cfg.max_freq_hz + 1;
	rejected(c, &s, &b, "max_freq_hz is 0 (no limit) or 2^32-1");
}

/* Each delay one above its maximum (a maximum of 0: the delay unsupported). */
static void delays(struct vc_ctx *c)
{
	struct bad b = { .n = 0 };
	struct spi s;

	if (!spi_open(c, &s))
		return;
	const struct vc_spi_config *f = &s.cfg;
	if (f->max_word_delay_ns < UINT32_MAX)
		bad_add(&b, &s, "word_delay_ns %u (max_word_delay_ns %u)", f->max_word_delay_ns + 1, f->max_word_delay_ns)
			->word_delay_ns = f->max_word_delay_ns + 1;
	if (f->max_cs_setup_ns < UINT32_MAX)
		bad_add(&b, &s, "cs_setup_ns %u (max_cs_setup_ns %u)", f->max_cs_setup_ns + 1, f->max_cs_setup_ns)
			->cs_setup_ns = f->max_cs_setup_ns + 1;
	if (f->max_cs_hold_ns < UINT32_MAX)
		bad_add(&b, &s, "cs_delay_hold_ns %u (max_cs_hold_ns %u)", f->max_cs_hold_ns + 1, f->max_cs_hold_ns)
			->cs_delay_hold_ns = f->max_cs_hold_ns + 1;
	if (f->max_cs_inactive_ns < UINT32_MAX)
		bad_add(&b, &s, "cs_change_delay_inactive_ns %u (max_cs_inactive_ns %u)", f->max_cs_inactive_ns + 1,
			f->max_cs_inactive_ns)
			->cs_change_delay_inactive_ns = f->max_cs_inactive_ns + 1;
	rejected(c, &s, &b, "every delay maximum is 2^32-1");
}

#define HEAD_CLAUSE(id, fn, summary) \
	{ id, L_SPI_OP, VC_MUST, VC_DEVICE_RULE, "1.4", SPI_NEEDS, "SPI-OP-DEV-3 SPI-OP-DEV-4", summary, NULL, fn, \
	  0, 1, NULL, SPI_TARGETS }

static const struct vc_clause clauses[] = {
	{ "spi.config.set-before-read", L_SPI_OP, VC_MUST, VC_DEVICE_RULE, "1.4", SPI_NEEDS, "SPI-OP-DEV-1",
	  "Read after DRIVER, before FEATURES_OK, the configuration has a chip select, a CPHA and a CPOL setting and "
	  "no reserved n-bit mode bit, and reads the same after DRIVER_OK.", NULL, set_before_read, 0, 1, NULL, SPI_TARGETS },
	{ "spi.transfer.tx-unchanged", L_SPI_OP, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", SPI_NEEDS, "SPI-OP-DEV-2",
	  "The tx_buf of a full-duplex transfer and of a half-duplex write reads back as the driver wrote it.", NULL,
	  tx_unchanged, 0, 1, NULL, SPI_TARGETS },
	{ "spi.sanity.loopback", L_SPI_SANITY, VC_MAY, VC_SANITY, "1.4", SPI_NEEDS, "",
	  "Not a spec rule: in loopback mode (where offered) a full-duplex transfer is TRANS_OK and rx_buf holds the "
	  "bytes tx_buf sent.", NULL, loopback, 0, 1, NULL, SPI_TARGETS },
	HEAD_CLAUSE("spi.head.chip-select", chip_select,
		    "A transfer to chip_select_id cs_max_number is answered PARAM_ERR (the same transfer to 0: TRANS_OK)."),
	HEAD_CLAUSE("spi.head.cs-change", cs_change,
		    "With cs_change_supported 0, a transfer with cs_change 1 is answered PARAM_ERR."),
	HEAD_CLAUSE("spi.head.mode", mode,
		    "A transfer with each mode bit mode_func_supported leaves out (CPHA, CPOL, CS_HIGH, LSB_FIRST, LOOP) "
		    "is answered PARAM_ERR."),
	HEAD_CLAUSE("spi.head.bits-per-word", bits_per_word,
		    "A transfer with a bits_per_word bits_per_word_mask does not allow is answered PARAM_ERR."),
	HEAD_CLAUSE("spi.head.nbits", nbits,
		    "Transfers with tx_nbits or rx_nbits 3 (no such mode), or a width the device does not support, are "
		    "answered PARAM_ERR."),
	HEAD_CLAUSE("spi.head.freq", freq, "A transfer at max_freq_hz + 1 is answered PARAM_ERR."),
	HEAD_CLAUSE("spi.head.delays", delays,
		    "Transfers with a word or chip select delay one above its maximum (1 where the maximum 0 means "
		    "unsupported) are answered PARAM_ERR."),
};
VC_DEVICE_SUITE(suite_spi_requests, clauses, VIRTIO_ID_SPI);
