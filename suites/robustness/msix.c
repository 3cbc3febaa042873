/* Hostile MSI-X (probe.msix.*): on a running device with MSI-X on (config
 * vector 0, the request queue's vector 1), a queue or configuration vector
 * past the table, 0x7ff or 0xfffe (the Cloud Hypervisor crash class), a
 * masked vector or the function masked while a request completes, table
 * writes 1 and 8 bytes wide, past the table's end and into the PBA, the
 * queue's vector changed with a request pending, MSI-X turned off with the
 * device running. Engine: probe.h. */
#include <errno.h>
#include <string.h>
#include "probe.h"

enum msix { M_QUEUE_PAST, M_QUEUE_7FF, M_QUEUE_FFFE, M_CONFIG_PAST, M_CONFIG_FFFE, M_MASKED, M_FUNCTION_MASKED,
	    M_BYTE_WRITES, M_QWORD_WRITE, M_PAST_END, M_PBA_WRITE, M_VECTOR_CHANGE, M_DISABLE };

enum { MSIX_CONTROL = 2, MSIX_TABLE = 4, MSIX_PBA = 8, MSIX_ENABLE = 0x8000, MSIX_MASKALL = 0x4000 };

/* X(id, kind, breaks, note, what) */
#define N_OK " (" PROBE_ALLOWED ")"
#define MSIX_VARIANTS(X) \
	X("queue-vector-past-table", M_QUEUE_PAST, "PCI-MSIX-DRV-4", "", \
	  "the queue's vector set one past the MSI-X table while the device runs") \
	X("queue-vector-7ff", M_QUEUE_7FF, "PCI-MSIX-DRV-4", "", "the queue's vector set to 0x7ff while the device runs") \
	X("queue-vector-fffe", M_QUEUE_FFFE, "PCI-MSIX-DRV-4", "", \
	  "the queue's vector set to 0xfffe while the device runs") \
	X("config-vector-past-table", M_CONFIG_PAST, "PCI-MSIX-DRV-4", "", \
	  "config_msix_vector set one past the MSI-X table while the device runs") \
	X("config-vector-fffe", M_CONFIG_FFFE, "PCI-MSIX-DRV-4", "", \
	  "config_msix_vector set to 0xfffe while the device runs") \
	X("vector-masked", M_MASKED, "", N_OK, "the queue's MSI-X vector masked while its request is used") \
	X("function-masked", M_FUNCTION_MASKED, "", N_OK, "the MSI-X function masked while a request is used") \
	X("table-byte-writes", M_BYTE_WRITES, "", N_OK, "the queue's MSI-X table entry rewritten a byte at a time") \
	X("table-qword-write", M_QWORD_WRITE, "", N_OK, "the queue's MSI-X table entry address rewritten 8 bytes wide") \
	X("table-past-end", M_PAST_END, "", N_OK, "a write just past the MSI-X table's last entry") \
	X("pba-write", M_PBA_WRITE, "", N_OK, "a write to the read-only MSI-X pending bit array") \
	X("vector-change-pending", M_VECTOR_CHANGE, "", N_OK, "the queue's vector changed with a request available") \
	X("disable-running", M_DISABLE, "", N_OK, "MSI-X turned off while the device runs, then a request")

static const struct probe_variant variants[] = {
#define VARIANT_ROW(id, kind, breaks, note, what) { "probe.msix." id, NULL, kind, what },
	MSIX_VARIANTS(VARIANT_ROW)
#undef VARIANT_ROW
	{ NULL, NULL, 0, NULL },
};

struct table {
	unsigned bar, size;
	uint64_t at, pba;        /* offsets in the BAR */
};

static bool table_of(struct vc_ctx *c, struct table *t)
{
	const uint8_t *cap = c->probe->cfg + c->probe->msix_pos;
	uint32_t tbl = vc_le32(cap + MSIX_TABLE), pba = vc_le32(cap + MSIX_PBA);

	t->size = (vc_le16(cap + MSIX_CONTROL) & 0x7ff) + 1u;
	t->bar = tbl & 7;
	t->at = tbl & ~7u;
	t->pba = pba & ~7u;
	return true;
}

/* MSI-X on, config vector 0, the request queue's vector 1, the queue
 * enabled and DRIVER_OK; false after a SKIP or ERROR. */
static bool msix_start(struct vc_ctx *c, struct probe *p, bool table_writes)
{
	if (!c->probe->msix_pos) {
		vc_skip(c, "the device has no MSI-X capability");
		return false;
	}
	if (table_writes && c->dev->ops->irq_setup) {
		vc_skip(c, "the platform owns the MSI-X table on the %s backend", c->dev->backend);
		return false;
	}
	if (!probe_start(c, p, PROBE_NO_ENABLE, 0))
		return false;
	int rc = vc_irq_msix(&p->drv, 2);
	if (rc == -ENOTSUP) {
		vc_skip(c, "the %s backend cannot route MSI-X", c->dev->backend);
		return false;
	}
	return probe_ok(c, rc, "MSI-X") && vc_ctx_common_write(c, COMMON_config_msix_vector, 2, 0) &&
	       vc_ctx_common_write(c, COMMON_queue_select, 2, p->vq.index) &&
	       vc_ctx_common_write(c, COMMON_queue_msix_vector, 2, 1) &&
	       probe_ok(c, vc_vq_enable(&p->drv, &p->vq), "queue enable") &&
	       probe_ok(c, vc_status_add(&p->drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK");
}

static bool control(struct probe *p, uint16_t clear, uint16_t set, const char *what)
{
	uint32_t v;
	uint16_t at = (uint16_t)(p->c->probe->msix_pos + MSIX_CONTROL);

	return probe_answers(p, vc_cfg_read(p->c->dev, at, 2, &v), what) &&
	       probe_answers(p, vc_cfg_write(p->c->dev, at, 2, (v & ~clear) | set), what);
}

static bool bar_write(struct probe *p, const struct table *t, uint64_t off, unsigned width, uint64_t v,
		      const char *what)
{
	return probe_answers(p, vc_bar_write(p->c->dev, t->bar, off, width, v), what);
}

/* The variant's act, before the request is made available. */
static bool act(struct probe *p, enum msix kind, const struct table *t, const char *what)
{
	uint64_t entry = t->at + 16u, got;
	bool queue = kind == M_QUEUE_PAST || kind == M_QUEUE_7FF || kind == M_QUEUE_FFFE || kind == M_VECTOR_CHANGE;
	uint16_t vector = kind == M_QUEUE_7FF ? 0x7ff : kind == M_QUEUE_FFFE || kind == M_CONFIG_FFFE ? 0xfffe
			  : kind == M_VECTOR_CHANGE ? 0 : (uint16_t)t->size;
	unsigned field = queue ? COMMON_queue_msix_vector : COMMON_config_msix_vector;

	switch (kind) {
	case M_QUEUE_PAST: case M_QUEUE_7FF: case M_QUEUE_FFFE: case M_CONFIG_PAST: case M_CONFIG_FFFE:
	case M_VECTOR_CHANGE:
		return probe_common_write(p, COMMON_queue_select, 2, p->vq.index, what) &&
		       probe_common_write(p, field, 2, vector, what) && probe_common_read(p, field, 2, &got, what);
	case M_MASKED: return bar_write(p, t, entry + 12, 4, 1, what);
	case M_FUNCTION_MASKED: return control(p, 0, MSIX_MASKALL, what);
	case M_DISABLE: return control(p, MSIX_ENABLE, 0, what);
	case M_BYTE_WRITES:
	case M_QWORD_WRITE: {
		uint64_t lo, hi;
		if (!probe_answers(p, vc_bar_read(p->c->dev, t->bar, entry, 4, &lo), what) ||
		    !probe_answers(p, vc_bar_read(p->c->dev, t->bar, entry + 4, 4, &hi), what))
			return false;
		got = (uint32_t)lo | hi << 32;
		if (kind == M_QWORD_WRITE)
			return bar_write(p, t, entry, 8, got, what);
		for (unsigned i = 0; i < 8; i++)
			if (!bar_write(p, t, entry + i, 1, (uint8_t)(got >> 8 * i), what))
				return false;
		return true;
	}
	case M_PAST_END:
		if (t->at + 16u * t->size + 4 > p->c->dev->bar[t->bar].size) {
			vc_skip(p->c, "the MSI-X table ends where its BAR does");
			return false;
		}
		return bar_write(p, t, t->at + 16u * t->size, 4, 0, what);
	case M_PBA_WRITE: return bar_write(p, t, t->pba, 4, 0xffffffffu, what);
	}
	return true;
}

static void msix(struct vc_ctx *c)
{
	bool packed;
	const struct probe_variant *v = probe_variant(c, variants, &packed);
	enum msix kind = v ? (enum msix)v->kind : M_QUEUE_PAST;
	bool table_writes = kind == M_MASKED || (kind >= M_BYTE_WRITES && kind <= M_PBA_WRITE);
	struct probe p;
	struct table t;
	uint16_t id;

	if (!v || !msix_start(c, &p, table_writes) || !table_of(c, &t) || !act(&p, kind, &t, v->what) ||
	    !probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add") ||
	    !probe_answers(&p, vc_vq_kick(&p.drv, &p.vq), v->what))
		return;
	probe_settle(&p);
	/* what was masked is let go before the checks, so a held interrupt may come */
	if ((kind == M_MASKED && !bar_write(&p, &t, t.at + 16u + 12, 4, 0, v->what)) ||
	    (kind == M_FUNCTION_MASKED && !control(&p, MSIX_MASKALL, 0, v->what)))
		return;
	probe_after(&p, v->what);
}

#define ROW(id, kind, breaks, note, what) \
	PROBE_ROW("probe.msix." id, "1.0", PROBE_RING | NEED_CFG_WRITE | NEED_IRQ, breaks, \
		  "With " what note ", then a request: the device stays sane.", msix, 0, 1),

static const struct vc_clause clauses[] = {
	MSIX_VARIANTS(ROW)
};
VC_SUITE(suite_probe_msix, clauses);
