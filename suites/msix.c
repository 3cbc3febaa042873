/* The MSI-X capability as virtio asks for it (static part). */
#include "vc/clause.h"
#include "labels.h"

static bool need_msix(struct vc_ctx *c)
{
	if (!c->probe->msix_pos)
		vc_skip(c, "no MSI-X capability");
	return c->probe->msix_pos != 0;
}

static unsigned table_size(const struct vc_probe *p)
{
	return (vc_le16(p->cfg + p->msix_pos + 2) & 0x7ff) + 1u;
}

static void vector_count(struct vc_ctx *c)
{
	if (!need_msix(c))
		return;
	unsigned n = table_size(c->probe);
	if (n < 2) {
		vc_fail(c, "MSI-X with a single vector: configuration changes and queues cannot be told apart");
		vc_observed(c, "%u vector", n);
		vc_expected(c, "2..2048");
	}
}

/* Table (16 bytes a vector) and PBA (a bit a vector, in qwords) must fit
 * in the BARs their BIR fields name. */
static void table_in_bar(struct vc_ctx *c)
{
	if (!need_msix(c))
		return;
	const uint8_t *cap = c->probe->cfg + c->probe->msix_pos;
	unsigned n = table_size(c->probe);
	const struct { const char *what; uint32_t reg; uint64_t len; } parts[] = {
		{ "vector table", vc_le32(cap + 4), 16ull * n },
		{ "PBA", vc_le32(cap + 8), 8ull * ((n + 63) / 64) },
	};

	for (unsigned i = 0; i < 2; i++) {
		unsigned bir = parts[i].reg & 7;
		uint64_t off = parts[i].reg & ~7u;
		uint64_t size = bir < VC_NUM_BARS ? c->dev->bar[bir].size : 0;

		if (size == 0 || off > size || parts[i].len > size - off) {
			vc_fail(c, "MSI-X %s for %u vectors does not fit in BAR %u", parts[i].what, n, bir);
			vc_observed(c, "%s at 0x%llx, 0x%llx bytes", parts[i].what, (unsigned long long)off,
				    (unsigned long long)parts[i].len);
			vc_expected(c, "inside BAR %u of 0x%llx bytes", bir, (unsigned long long)size);
		}
	}
}

static const struct vc_clause clauses[] = {
	{ "pci.msix.table-size", L_MSIX, VC_SHOULD, VC_DEVICE_RULE, "1.0", 0, "PCI-MSIX-DEV-1",
	  "A device with MSI-X supports at least 2 and at most 0x800 vectors.", NULL, vector_count },
	{ "pci.msix.table-in-bar", L_MSIX, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_BAR_SIZES, "PCI-MSIX-DEV-2",
	  "The MSI-X Table Size, table and PBA describe storage that exists in the named BARs.",
	  NULL, table_in_bar },
};
VC_SUITE(suite_msix, clauses);
