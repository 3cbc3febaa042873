/* No firmware runs, so the backend does what a BIOS would: enable ECAM,
 * size and place every BAR, enable decoding and bus mastering. */
#include "qemu_priv.h"

/* Like a BIOS: size every BAR, place it, enable decoding and bus mastering. */
int qemu_assign_bars(struct vc_device *d, char *err, size_t errlen)
{
	struct qemu_priv *p = d->priv;
	uint64_t mem32 = MEM32_BASE, mem64 = MEM64_BASE, io = IO_BASE;
	uint32_t cmd;
	int rc;

	if ((rc = qemu_cfg_rd(d, p->bdf, 0x04, 2, &cmd)))
		goto fail;
	/* No decoding while BARs hold all-ones. */
	if ((rc = qemu_cfg_wr(d, p->bdf, 0x04, 2, cmd & ~7u)))
		goto fail;
	for (unsigned i = 0; i < VC_NUM_BARS; i++) {
		uint16_t off = (uint16_t)(0x10 + 4 * i);
		uint32_t orig, lo, hi_orig = 0, hi = 0;
		bool is64 = false;

		if ((rc = qemu_cfg_rd(d, p->bdf, off, 4, &orig)) ||
		    (rc = qemu_cfg_wr(d, p->bdf, off, 4, 0xffffffffu)) ||
		    (rc = qemu_cfg_rd(d, p->bdf, off, 4, &lo)) ||
		    (rc = qemu_cfg_wr(d, p->bdf, off, 4, orig)))
			goto fail;
		bool is_io = orig & 1;
		if (!is_io && (orig & 6) == 4 && i + 1 < VC_NUM_BARS) {
			is64 = true;
			if ((rc = qemu_cfg_rd(d, p->bdf, off + 4, 4, &hi_orig)) ||
			    (rc = qemu_cfg_wr(d, p->bdf, off + 4, 4, 0xffffffffu)) ||
			    (rc = qemu_cfg_rd(d, p->bdf, off + 4, 4, &hi)) ||
			    (rc = qemu_cfg_wr(d, p->bdf, off + 4, 4, hi_orig)))
				goto fail;
		}
		/* size = two's complement of the writable address bits */
		uint64_t bits;
		bool implemented;
		if (is_io) {
			bits = 0xffffffffffff0000ull | (lo & 0xfffcu);
			implemented = lo & 0xfffcu;
		} else if (is64) {
			bits = (uint64_t)hi << 32 | (lo & ~15u);
			implemented = bits != 0;
		} else {
			bits = 0xffffffff00000000ull | (lo & ~15u);
			implemented = lo & ~15u;
		}
		uint64_t size = ~bits + 1;
		if (!implemented || !size || (size & (size - 1))) {
			if (is64)
				i++;
			continue;
		}

		uint64_t *next = is_io ? &io : is64 ? &mem64 : &mem32;
		uint64_t end = is_io ? IO_END : is64 ? MEM64_END : MEM32_END;
		uint64_t addr = (*next + size - 1) & ~(size - 1);
		if (addr < *next || addr + size > end || addr + size < addr) {
			snprintf(err, errlen, "BAR%u of %" PRIu64 " bytes does not fit the %s window",
				 i, size, is_io ? "I/O" : "memory");
			return -ENOSPC;
		}
		*next = addr + size;
		if ((rc = qemu_cfg_wr(d, p->bdf, off, 4, (uint32_t)addr | (orig & (is_io ? 3u : 15u)))))
			goto fail;
		if (is64 && (rc = qemu_cfg_wr(d, p->bdf, off + 4, 4, (uint32_t)(addr >> 32))))
			goto fail;
		p->bar_addr[i] = addr;
		d->bar[i].size = size;
		d->bar[i].is_io = is_io;
		d->bar[i].is_64 = is64;
		if (is64)
			i++;
	}
	/* memory + I/O decoding + bus master: DMA and MSI-X writes need it */
	if ((rc = qemu_cfg_wr(d, p->bdf, 0x04, 2, (cmd & ~7u) | 7u)))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "QEMU: configuring the device's BARs failed (%s)", strerror(-rc));
	return rc;
}

/* q35 ships with ECAM off; the MCH's PCIEXBAR turns it on (256 MiB at
 * 0xb0000000). Proof it works: the host bridge's ID reads the same both ways. */
void qemu_enable_ecam(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	uint32_t id_cf8, id_ecam;
	uint64_t v;

	p->ecam = false;
	if (qemu_cf8_read(d, 0, 0, 4, &id_cf8) || id_cf8 == 0xffffffffu)
		return;
	if (qemu_cf8_write(d, 0, MCH_PCIEXBAR + 4, 4, (uint32_t)(ECAM_BASE >> 32)) ||
	    qemu_cf8_write(d, 0, MCH_PCIEXBAR, 4, (uint32_t)ECAM_BASE | 1u))  /* length 256 MiB, enable */
		return;
	if (qt_mem_read(d, ECAM_BASE, 4, &v))
		return;
	id_ecam = (uint32_t)v;
	p->ecam = id_ecam == id_cf8;
}
