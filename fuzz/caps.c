/* Fuzz target: the capability walkers and the virtio capability parser over
 * a random config space of 64, 256 or 4096 bytes. */
#include "fuzz_input.h"
#include "vc/virtio_pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_device in;
	static struct vc_probe p;

	fz_parse(data, size, &in);
	memset(&p, 0, sizeof(p));
	memcpy(p.cfg, in.cfg, in.cfg_size);
	p.cfg_size = in.cfg_size;
	vc_probe_parse(&p);

	/* What the suites rely on: each slot points into the table, each
	 * capability lies in what was read. */
	const struct vc_vcap *slots[] = { p.common, p.notify, p.isr, p.device_cfg, p.pci_cfg };
	for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (slots[i] && (slots[i] < p.vcap || slots[i] >= p.vcap + p.nvcap || slots[i]->bar >= VC_NUM_BARS))
			__builtin_trap();
	for (unsigned i = 0; i < p.caps.n; i++)
		if (p.caps.cap[i].pos < 0x40 || p.caps.cap[i].pos + 2u > p.cfg_size)
			__builtin_trap();
	for (unsigned i = 0; i < p.ext_caps.n; i++)
		if (p.ext_caps.cap[i].pos < PCI_CFG_SPACE || p.ext_caps.cap[i].pos + 4u > p.cfg_size)
			__builtin_trap();
	return 0;
}
