/* Fuzz target: every clause that only reads (config space, BAR sizes, BAR
 * registers) run by the real runner against a random device: a random config
 * space, random BAR sizes and BAR registers that read back random bytes.
 * This is the structure-in-BAR arithmetic, the notify and MSI-X bounds, the
 * common-config windows and the feature checks under hostile values. */
#include <errno.h>
#include <stdlib.h>
#include "fuzz_input.h"
#include "vc/clause.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fz_device in;

static int fz_cfg_read(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val)
{
	uint32_t v = 0;

	(void)d;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)in.cfg[off + i] << (8 * i);
	*val = v;
	return 0;
}

static int fz_bar_read(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t *val)
{
	uint64_t v = 0;

	(void)d;
	(void)bar;
	for (unsigned i = 0; i < width && in.window_len; i++)
		v |= (uint64_t)in.window[(off + i) % in.window_len] << (8 * i);
	*val = v;
	return 0;
}

/* A register file that forgets: writes land nowhere. */
static int fz_bar_write(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t val)
{
	(void)d; (void)bar; (void)off; (void)width; (void)val;
	return 0;
}

static const struct vc_backend_ops fz_ops = {
	.cfg_read = fz_cfg_read, .bar_read = fz_bar_read, .bar_write = fz_bar_write,
};

/* Clauses that drive the device (reset, queues, DMA, interrupts) are for
 * the sim and QEMU; these only look. */
#define FZ_ABILITIES (VC_BAR_READ | VC_BAR_WRITE | VC_BAR_SIZES)
#define FZ_READ_ONLY_NEEDS (NEED_BAR_READ | NEED_BAR_SIZES | NEED_EXT_CFG | NEED_COMMON)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vc_probe p;
	static struct vc_result r;
	char err[512];
	struct vc_device *d;

	fz_parse(data, size, &in);
	if (!(d = vc_device_new(&fz_ops, "fuzz", "fuzz")))
		abort();
	d->cfg_size = in.cfg_size;
	d->abilities = FZ_ABILITIES;
	d->timeout_ms = 100;
	for (unsigned i = 0; i < VC_NUM_BARS; i++)
		d->bar[i].size = in.bar_size[i];
	if (vc_probe_device(d, &p, err, sizeof(err)) == 0) {
		for (unsigned i = 0; i < vc_clause_count(); i++) {
			const struct vc_clause *cl = vc_clause_at(i);
			if ((cl->needs & ~FZ_READ_ONLY_NEEDS) == 0)
				vc_run_clause(cl, d, &p, 1000, NULL, &r);
		}
	}
	vc_device_close(d);
	return 0;
}
