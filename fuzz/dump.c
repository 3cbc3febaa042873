/* Fuzz target: the lspci dump parser, then the capability parser over
 * whatever config space it accepted. */
#include <string.h>
#include "vc/dump.h"
#include "vc/virtio_pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vc_probe p;
	struct vc_bar_info bars[VC_NUM_BARS];
	char location[256], err[512];
	unsigned cfg_size;
	bool sizes;

	memset(&p, 0, sizeof(p));
	if (vc_dump_parse((const char *)data, size, p.cfg, &cfg_size, bars, &sizes, location,
			  sizeof(location), err, sizeof(err))) {
		/* A refusal is one line of text that says something. */
		if (!err[0] || strchr(err, '\n'))
			__builtin_trap();
		return 0;
	}
	if (cfg_size != 64 && cfg_size != 256 && cfg_size != 4096)
		__builtin_trap();
	if (strchr(location, '\n'))
		__builtin_trap();
	p.cfg_size = cfg_size;
	vc_probe_parse(&p);
	return 0;
}
