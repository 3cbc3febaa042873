/* The input format shared by the config-space fuzz targets (caps,
 * static-clauses) and their seed generator, so one corpus serves both:
 *   byte 0      config space size: 64, 256 or 4096 (value mod 3)
 *   bytes 1..6  one code per BAR size: 0 none, 1..64 a power of two
 *               (1 << (code - 1)), above that an odd size (code * 0x10101)
 *   then        the config space (zero-padded to its size)
 *   then        the BAR window: BAR reads at offset o see byte o mod its length
 */
#ifndef VC_FUZZ_INPUT_H
#define VC_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "vc/device.h"
#include "vc/pci.h"

#define FZ_HEADER (1 + VC_NUM_BARS)

struct fz_device {
	unsigned cfg_size;
	uint64_t bar_size[VC_NUM_BARS];
	uint8_t cfg[PCI_EXT_CFG_SPACE];
	const uint8_t *window;   /* the BAR window; NULL: reads see zeros */
	size_t window_len;
};

static const unsigned fz_cfg_sizes[3] = { 64, PCI_CFG_SPACE, PCI_EXT_CFG_SPACE };

static inline uint64_t fz_bar_size(uint8_t code)
{
	if (code == 0)
		return 0;
	if (code <= 64)
		return 1ull << (code - 1);
	return code * 0x10101ull;
}

/* The code of a real BAR size (for seeds): exact for powers of two. */
static inline uint8_t fz_bar_code(uint64_t size)
{
	for (unsigned k = 0; k < 64; k++)
		if (size == 1ull << k)
			return (uint8_t)(k + 1);
	return 0;
}

static inline void fz_parse(const uint8_t *data, size_t size, struct fz_device *d)
{
	size_t n;

	memset(d, 0, sizeof(*d));
	d->cfg_size = fz_cfg_sizes[(size ? data[0] : 0) % 3];
	for (unsigned i = 0; i < VC_NUM_BARS; i++)
		d->bar_size[i] = fz_bar_size(1 + i < size ? data[1 + i] : 0);
	if (size <= FZ_HEADER)
		return;
	data += FZ_HEADER;
	size -= FZ_HEADER;
	n = size < d->cfg_size ? size : d->cfg_size;
	memcpy(d->cfg, data, n);
	if (size > n) {
		d->window = data + n;
		d->window_len = size - n;
	}
}

#endif
