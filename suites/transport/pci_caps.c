/* The capability list and the virtio structure capabilities as a whole. */
#include "vc/clause.h"
#include "labels.h"

static void list_well_formed(struct vc_ctx *c)
{
	const struct vc_caplist *l = &c->probe->caps;

	if (l->error == VC_CAPLIST_NONE) {
		vc_fail(c, "no capability list: a virtio device needs one for its structures");
		vc_observed(c, "Status 0x%04x", c->probe->status);
		vc_expected(c, "Status bit 4 (Capabilities List) set");
	} else if (l->error != VC_CAPLIST_OK) {
		vc_fail(c, "capability list is malformed: %s", vc_caplist_error_str(l->error));
		vc_observed(c, "pointer 0x%02x at config offset 0x%02x", l->bad_ptr, l->bad_from);
		vc_expected(c, "dword-aligned pointers in 0x40..0xfc, ending with 0, no repeats");
	}
	if (c->probe->ext_caps.error != VC_CAPLIST_OK && c->probe->ext_caps.error != VC_CAPLIST_NONE) {
		vc_fail(c, "extended capability list is malformed: %s", vc_caplist_error_str(c->probe->ext_caps.error));
		vc_observed(c, "next 0x%03x in the header at 0x%03x", c->probe->ext_caps.bad_ptr, c->probe->ext_caps.bad_from);
	}
}

static void cap_len(struct vc_ctx *c)
{
	for (unsigned i = 0; i < c->probe->nvcap; i++) {
		const struct vc_vcap *v = &c->probe->vcap[i];
		unsigned min = vc_cap_len_min(v->cfg_type);

		if (min && v->cap_len < min) {
			vc_fail(c, "%s capability at 0x%02x: cap_len does not count all its fields",
				vc_cfg_type_name(v->cfg_type), v->pos);
			vc_observed(c, "cap_len %u", v->cap_len);
			vc_expected(c, ">= %u", min);
		}
	}
}

/* Each structure must sit inside the BAR its capability names. */
static void structure_in_bar(struct vc_ctx *c)
{
	unsigned checked = 0;

	for (unsigned i = 0; i < c->probe->nvcap; i++) {
		const struct vc_vcap *v = &c->probe->vcap[i];

		/* PCI cfg access and vendor data name no structure; shared memory
		 * has a clause of its own. */
		if (!vc_cap_len_min(v->cfg_type) || v->cfg_type == VIRTIO_PCI_CAP_PCI_CFG ||
		    v->cfg_type == VIRTIO_PCI_CAP_VENDOR_CFG || v->cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG)
			continue;
		if (v->bar >= VC_NUM_BARS) {
			vc_fail(c, "%s capability at 0x%02x names a reserved BAR", vc_cfg_type_name(v->cfg_type), v->pos);
			vc_observed(c, "bar %u", v->bar);
			continue;
		}
		uint64_t size = c->dev->bar[v->bar].size;
		checked++;
		if (size == 0 || v->offset > size || v->length > size - v->offset) {
			vc_fail(c, "%s structure at 0x%02x does not lie inside BAR %u",
				vc_cfg_type_name(v->cfg_type), v->pos, v->bar);
			vc_observed(c, "offset 0x%llx + length 0x%llx", (unsigned long long)v->offset,
				    (unsigned long long)v->length);
			vc_expected(c, "<= BAR size 0x%llx", (unsigned long long)size);
		}
	}
	if (!checked)
		vc_skip(c, "no virtio structure capabilities");
}

static const struct vc_clause clauses[] = {
	{ "pci.caps.list-well-formed", L_PCI, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-BUS-DEV-1",
	  "The PCI capability lists are well formed: present, pointers dword aligned past the header, no loops.",
	  NULL, list_well_formed },
	{ "pci.caps.cap-len", L_CAPS, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-CAP-DEV-1",
	  "cap_len counts every field of the capability's structure type.", NULL, cap_len },
	{ "pci.caps.structure-in-bar", L_CAPS, VC_MUST, VC_DEVICE_RULE, "1.0", NEED_BAR_SIZES, "",
	  "Each structure (offset, length) lies inside the BAR its capability names "
	  "(the layout's meaning of offset and length; Linux refuses a structure that does not).",
	  NULL, structure_in_bar },
};
VC_SUITE(suite_pci_caps, clauses);
