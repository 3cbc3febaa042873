/* Shared memory capabilities. */
#include "vc/clause.h"
#include "labels.h"

#define FOR_EACH_SHM(p, v) \
	for (const struct vc_vcap *v = (p)->vcap; v < (p)->vcap + (p)->nvcap; v++) \
		if (v->cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG)

static void in_bar(struct vc_ctx *c)
{
	unsigned n = 0;

	FOR_EACH_SHM(c->probe, v) {
		uint64_t size = v->bar < VC_NUM_BARS ? c->dev->bar[v->bar].size : 0;
		n++;
		if (size == 0 || v->offset > size || v->length > size - v->offset) {
			vc_fail(c, "shared memory region id %u does not lie inside BAR %u", v->id, v->bar);
			vc_observed(c, "offset 0x%llx + length 0x%llx", (unsigned long long)v->offset,
				    (unsigned long long)v->length);
			vc_expected(c, "<= BAR size 0x%llx", (unsigned long long)size);
		}
	}
	if (!n)
		vc_skip(c, "no shared memory capabilities");
}

static void unique_id(struct vc_ctx *c)
{
	unsigned n = 0;

	FOR_EACH_SHM(c->probe, v) {
		n++;
		for (const struct vc_vcap *w = v + 1; w < c->probe->vcap + c->probe->nvcap; w++) {
			if (w->cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG && w->id == v->id) {
				vc_fail(c, "shared memory capabilities at 0x%02x and 0x%02x share id %u", v->pos, w->pos, v->id);
				vc_observed(c, "id %u twice", v->id);
			}
		}
	}
	if (!n)
		vc_skip(c, "no shared memory capabilities");
}

static const struct vc_clause clauses[] = {
	{ "pci.shm.in-bar", L_SHM, VC_MUST, VC_DEVICE_RULE, "1.2", NEED_BAR_SIZES, "PCI-SHM-DEV-1",
	  "Each shared memory region (64-bit offset and length) lies inside its BAR.", NULL, in_bar },
	{ "pci.shm.unique-id", L_SHM, VC_MUST, VC_DEVICE_RULE, "1.2", 0, "PCI-SHM-DEV-2",
	  "Shared memory region ids are unique within the device.", NULL, unique_id },
};
VC_SUITE(suite_shm, clauses);
