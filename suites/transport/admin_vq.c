/* The administration virtqueue (VIRTIO_F_ADMIN_VQ): where the common
 * configuration puts it, and how the device treats the parts of a command.
 * admin.tex is not in spec/: the layout used is virtio 1.3's struct
 * virtio_admin_cmd (readable: le16 opcode, le16 group_type, 12 reserved
 * bytes, le64 group_member_id; writable: le16 status, le16
 * status_qualifier, 4 reserved bytes, then the result), and the command is
 * LIST_QUERY (opcode 0) of the SR-IOV group (1), whose result is a bitmap of
 * the opcodes supported. */
#include <errno.h>
#include <string.h>
#include "labels.h"
#include "vc/clause.h"
#include "vc/driver.h"

#define CMD_LEN 24               /* the command header, LIST_QUERY has no data */
#define RES_LEN 16               /* status header and one le64 of opcodes */
#define FILL 0xaa                /* what the writable part holds before */
#define MAX_PART 64

struct admin {
	struct vc_driver drv;
	struct vc_vq vq;
	uint64_t index, num, num_queues;
};

struct query {
	unsigned in_len, out_len;
	uint64_t out;
	uint16_t id;
	uint32_t used;
	uint8_t res[MAX_PART];
};

/* Reset, negotiate ADMIN_VQ and read where the admin queues are. */
static bool admin_start(struct vc_ctx *c, struct admin *a)
{
	uint32_t want[VC_FEATURE_WORDS] = { 0 };

	if (!vc_offers(c->probe, VIRTIO_F_ADMIN_VQ)) {
		vc_skip(c, "VIRTIO_F_ADMIN_VQ is not offered");
		return false;
	}
	if (c->probe->common->length < COMMON_admin_queue_num + 2) {
		vc_skip(c, "the common configuration has no room for admin_queue_index and admin_queue_num "
			   "(pci.common.length-for-features reports it)");
		return false;
	}
	vc_features_set(want, VIRTIO_F_VERSION_1);
	vc_features_set(want, VIRTIO_F_ADMIN_VQ);
	return vc_ctx_start(c, &a->drv, want) &&
	       vc_ctx_common_read(c, COMMON_admin_queue_index, 2, &a->index) &&
	       vc_ctx_common_read(c, COMMON_admin_queue_num, 2, &a->num) &&
	       vc_ctx_common_read(c, COMMON_num_queues, 2, &a->num_queues);
}

/* The first admin queue set up and enabled, DRIVER_OK, DMA guards on. */
static bool admin_ready(struct vc_ctx *c, struct admin *a)
{
	int rc;

	if (!admin_start(c, a))
		return false;
	if (!a->num || a->index < a->num_queues) {
		vc_skip(c, "no usable admin queue (admin_queue_index %llu, admin_queue_num %llu, num_queues %llu: "
			   "pci.common.admin-queue-* report it)", (unsigned long long)a->index,
			(unsigned long long)a->num, (unsigned long long)a->num_queues);
		return false;
	}
	if (!c->probe->notify) {
		vc_skip(c, "no notification capability (pci.notify.present reports it)");
		return false;
	}
	if ((rc = vc_dma_guard(c->dev)) || (rc = vc_vq_setup(&a->drv, (uint16_t)a->index, 0, &a->vq)) ||
	    (rc = vc_vq_enable(&a->drv, &a->vq)) || (rc = vc_status_add(&a->drv, VIRTIO_STATUS_DRIVER_OK))) {
		vc_error(c, "could not set up admin queue %llu: %s", (unsigned long long)a->index, strerror(-rc));
		return false;
	}
	return true;
}

/* Make LIST_QUERY available with a readable part of q->in_len bytes (cut
 * short, or padded with 0xff that the device must ignore) and a writable
 * part of q->out_len bytes filled with FILL. */
static bool query_add(struct vc_ctx *c, struct admin *a, struct query *q)
{
	uint8_t in[MAX_PART], out[MAX_PART];
	uint64_t bus_in;
	int rc;

	memset(in, 0xff, sizeof(in));
	memset(in, 0, CMD_LEN);
	in[2] = 1;                                   /* group_type: SR-IOV; opcode 0: LIST_QUERY */
	memset(out, FILL, sizeof(out));
	if ((rc = vc_dma_alloc(c->dev, q->in_len, 8, &bus_in)) || (rc = vc_dma_alloc(c->dev, q->out_len, 8, &q->out)) ||
	    (rc = vc_dma_write(c->dev, bus_in, in, q->in_len)) || (rc = vc_dma_write(c->dev, q->out, out, q->out_len)) ||
	    (rc = vc_vq_add(&a->drv, &a->vq, (struct vc_buf[]){ { bus_in, q->in_len, false },
							     { q->out, q->out_len, true } }, 2, &q->id))) {
		vc_error(c, "could not queue LIST_QUERY: %s", strerror(-rc));
		return false;
	}
	return true;
}

/* The used element for a command, and its writable part. */
static bool query_used(struct vc_ctx *c, struct admin *a, struct query *q)
{
	int rc = vc_vq_wait_used(&a->drv, &a->vq, vc_done_ms(&a->drv, c->dev->timeout_ms), &q->id, &q->used);

	if (rc == -ETIMEDOUT) {
		vc_fail(c, "LIST_QUERY (parts of %u and %u bytes) was not used within %u ms", q->in_len, q->out_len,
			c->dev->timeout_ms);
		vc_observed(c, "no used element on admin queue %u", a->vq.index);
		vc_expected(c, "the command completed");
		return false;
	}
	if (rc || (rc = vc_dma_read(c->dev, q->out, q->res, q->out_len)))
		vc_error(c, "reading the command's completion failed: %s", strerror(-rc));
	return rc == 0;
}

/* One LIST_QUERY with parts of these sizes, to completion. */
static bool list_query(struct vc_ctx *c, struct admin *a, unsigned in_len, unsigned out_len, struct query *q)
{
	int rc;

	*q = (struct query){ .in_len = in_len, .out_len = out_len };
	if (!admin_ready(c, a) || !query_add(c, a, q))
		return false;
	if ((rc = vc_vq_kick(&a->drv, &a->vq))) {
		vc_error(c, "the doorbell failed: %s", strerror(-rc));
		return false;
	}
	return query_used(c, a, q);
}

static unsigned status_of(const struct query *q) { return q->res[0] | q->res[1] << 8; }

/* Bytes of the writable part before `end` that still hold FILL: 0, or the
 * first such offset + 1. */
static unsigned untouched(const struct query *q, unsigned end)
{
	for (unsigned i = 0; i < end && i < q->out_len; i++)
		if (q->res[i] == FILL)
			return i + 1;
	return 0;
}

static bool all_fill(const struct query *q, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++)
		if (q->res[i] != FILL)
			return false;
	return true;
}

/* admin_queue_index is past the ordinary queues, and the administration
 * queues it names are there: queue_size is not 0 ("unavailable") at each
 * index from admin_queue_index on. */
static void admin_queue_index(struct vc_ctx *c)
{
	struct admin a;
	uint64_t size;

	if (!admin_start(c, &a))
		return;
	if (a.index < a.num_queues) {
		vc_fail(c, "admin_queue_index names an ordinary queue");
		vc_observed(c, "admin_queue_index %llu, num_queues %llu", (unsigned long long)a.index,
			    (unsigned long long)a.num_queues);
		vc_expected(c, "admin_queue_index >= %llu", (unsigned long long)a.num_queues);
		return;
	}
	for (uint64_t q = a.index; q < a.index + a.num && q <= 0xffff; q++) {
		if (!vc_ctx_common_write(c, COMMON_queue_select, 2, q) || !vc_ctx_common_read(c, COMMON_queue_size, 2, &size))
			return;
		if (!size) {
			vc_fail(c, "admin_queue_index and admin_queue_num name queue %llu as an administration queue, and "
				   "it reads queue_size 0 (unavailable)", (unsigned long long)q);
			vc_observed(c, "admin_queue_index %llu, admin_queue_num %llu, queue_size 0 at %llu",
				    (unsigned long long)a.index, (unsigned long long)a.num, (unsigned long long)q);
			vc_expected(c, "a queue_size other than 0 at every administration queue");
			return;
		}
	}
}

static void admin_queue_num(struct vc_ctx *c)
{
	struct admin a;

	if (!admin_start(c, &a))
		return;
	if (a.num > 0x10000 - a.index) {
		vc_fail(c, "admin_queue_num runs past queue index 0xffff");
		vc_observed(c, "admin_queue_index %llu, admin_queue_num %llu", (unsigned long long)a.index,
			    (unsigned long long)a.num);
		vc_expected(c, "admin_queue_num <= 0x%llx", 0x10000 - (unsigned long long)a.index);
	}
}

/* Parts shorter than the structures (no group_member_id, no room for the
 * result): the missing command bytes read as zero, the result that does not
 * fit is dropped, not written past the buffer. */
static void short_buffers(struct vc_ctx *c)
{
	struct admin a;
	struct query q;
	uint64_t where;
	uint8_t got;
	int rc;

	if (!list_query(c, &a, 16, 8, &q))
		return;
	if (q.used > q.out_len) {
		vc_fail(c, "the used length %u exceeds the %u-byte writable part", q.used, q.out_len);
		vc_observed(c, "used length %u", q.used);
		vc_expected(c, "at most %u", q.out_len);
	}
	if ((rc = vc_dma_guard_check(c->dev, &where, &got)) == -EFAULT) {
		vc_fail(c, "the device wrote outside the buffers of a command with short parts");
		vc_observed(c, "0x%02x at bus address 0x%llx", got, (unsigned long long)where);
		vc_expected(c, "the guard pattern: the result that does not fit dropped");
	} else if (rc)
		vc_error(c, "reading the DMA guards failed: %s", strerror(-rc));
}

/* Parts longer than the structures: extra command bytes ignored, only the
 * result written and the used length saying how much was. */
static void long_buffers(struct vc_ctx *c)
{
	struct admin a;
	struct query q;

	if (!list_query(c, &a, 48, MAX_PART, &q))
		return;
	bool fits = q.used <= q.out_len;
	bool last_untouched = fits && q.used >= 8 && all_fill(&q, q.used - 8, q.used);
	bool beyond = fits && !all_fill(&q, q.used, q.out_len);
	if (!fits || last_untouched || beyond) {
		vc_fail(c, "the used length does not say what the device wrote into a %u-byte writable part", q.out_len);
		vc_observed(c, "used length %u%s%s", q.used, last_untouched ? ", its last 8 bytes not written" : "",
			    beyond ? ", bytes written beyond it" : "");
		vc_expected(c, "the bytes written, and nothing beyond them");
	}
}

/* The writable part, as long as the structure, is written through, zeros
 * included (a byte still holding the fill pattern was not written). */
static void writable_initialized(struct vc_ctx *c)
{
	struct admin a;
	struct query q;

	if (!list_query(c, &a, CMD_LEN, RES_LEN, &q))
		return;
	unsigned first = untouched(&q, RES_LEN);
	if (first) {
		vc_fail(c, "byte %u of the %u-byte result part was not written", first - 1, RES_LEN);
		vc_observed(c, "0x%02x (the fill pattern), used length %u", FILL, q.used);
		vc_expected(c, "every byte of status, status_qualifier, reserved and the opcode bitmap written");
	}
}

/* Parts shorter and longer than the structures: the command still succeeds. */
static void odd_sizes_accepted(struct vc_ctx *c)
{
	static const unsigned sizes[][2] = { { 16, 8 }, { 48, MAX_PART } };
	struct admin a;
	struct query q;

	for (unsigned i = 0; i < 2; i++) {
		if (!list_query(c, &a, sizes[i][0], sizes[i][1], &q))
			return;
		if (status_of(&q) != 0) {
			vc_fail(c, "LIST_QUERY with a %u-byte readable and a %u-byte writable part failed", q.in_len,
				q.out_len);
			vc_observed(c, "status %u, status_qualifier %u", status_of(&q), q.res[2] | q.res[3] << 8);
			vc_expected(c, "status 0 (OK)");
			return;
		}
	}
}

/* The device writes whole 64-bit units: the used length covers at least
 * the status header and is a multiple of 8. */
static void header_initialized(struct vc_ctx *c)
{
	struct admin a;
	struct query q;

	if (!list_query(c, &a, CMD_LEN, RES_LEN, &q))
		return;
	if (q.used < 8 || q.used % 8) {
		vc_fail(c, "the used length of LIST_QUERY is not a whole number of 64-bit units");
		vc_observed(c, "used length %u", q.used);
		vc_expected(c, "8 or 16");
	}
}

static void status_initialized(struct vc_ctx *c)
{
	struct admin a;
	struct query q;

	if (!list_query(c, &a, CMD_LEN, RES_LEN, &q))
		return;
	if (untouched(&q, 4)) {
		vc_fail(c, "status or status_qualifier still holds the fill pattern");
		vc_observed(c, "status 0x%04x, status_qualifier 0x%04x", status_of(&q), q.res[2] | q.res[3] << 8);
		vc_expected(c, "both written by the device");
	}
}

/* Two commands behind one doorbell complete in the order queued (the used
 * ring's order is what a driver can see of the processing order). */
static void in_order(struct vc_ctx *c)
{
	struct admin a;
	struct query q[2] = { { .in_len = CMD_LEN, .out_len = RES_LEN }, { .in_len = CMD_LEN, .out_len = RES_LEN } };
	uint16_t first = 0;
	int rc;

	if (!admin_ready(c, &a) || !query_add(c, &a, &q[0]) || !query_add(c, &a, &q[1]))
		return;
	first = q[0].id;
	if ((rc = vc_vq_kick(&a.drv, &a.vq))) {
		vc_error(c, "the doorbell failed: %s", strerror(-rc));
		return;
	}
	if (!query_used(c, &a, &q[0]))
		return;
	if (q[0].id != first) {
		vc_fail(c, "the second command queued completed first");
		vc_observed(c, "first used id %u", q[0].id);
		vc_expected(c, "id %u, the first queued", first);
	}
}

#define DRIVES (NEED_BAR_WRITE | NEED_COMMON)
#define CMDS (DRIVES | NEED_DMA)
#define ADMIN VC_REQ(VIRTIO_F_ADMIN_VQ)

static const struct vc_clause clauses[] = {
	{ "pci.common.admin-queue-index", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.3", DRIVES, "PCI-COMMON-DEV-16",
	  "With VIRTIO_F_ADMIN_VQ negotiated, admin_queue_index is at least num_queues, and the administration queues "
	  "it names exist (queue_size not 0).", NULL, admin_queue_index,
	  ADMIN, 0 },
	{ "pci.common.admin-queue-num", L_COMMON, VC_MUST, VC_DEVICE_RULE, "1.3", DRIVES, "PCI-COMMON-DEV-17",
	  "With VIRTIO_F_ADMIN_VQ negotiated, admin_queue_num is at most 0x10000 - admin_queue_index.", NULL,
	  admin_queue_num, ADMIN, 0 },
	{ "admin.cmd.short-buffers", L_ADMINVQ, VC_MUST, VC_DEVICE_RULE, "1.3", CMDS, "ADMINVQ-DEV-1",
	  "LIST_QUERY with parts shorter than the structures (16 readable, 8 writable bytes) completes with a used "
	  "length within the writable part and nothing written outside it.", NULL, short_buffers, ADMIN, 0 },
	{ "admin.cmd.long-buffers", L_ADMINVQ, VC_MUST, VC_DEVICE_RULE, "1.3", CMDS, "ADMINVQ-DEV-2",
	  "LIST_QUERY with parts longer than the structures (48 and 64 bytes): the used length is what was written, "
	  "nothing beyond it.", NULL, long_buffers, ADMIN, 0 },
	{ "admin.cmd.writable-initialized", L_ADMINVQ, VC_SHOULD, VC_DEVICE_RULE, "1.3", CMDS, "ADMINVQ-DEV-3",
	  "Every byte of a writable part as long as LIST_QUERY's result (16 bytes) is written, zeros included.",
	  NULL, writable_initialized, ADMIN, 0 },
	{ "admin.cmd.odd-sizes-accepted", L_ADMINVQ, VC_MUST_NOT, VC_DEVICE_RULE, "1.3", CMDS, "ADMINVQ-DEV-4",
	  "LIST_QUERY with parts shorter or longer than the structures does not fail for it (status OK).", NULL,
	  odd_sizes_accepted, ADMIN, 0 },
	{ "admin.cmd.header-initialized", L_ADMINVQ, VC_MUST, VC_DEVICE_RULE, "1.3", CMDS, "ADMINVQ-DEV-5",
	  "The device writes the writable part in whole 64-bit units: a used length of at least 8, a multiple of 8.",
	  NULL, header_initialized, ADMIN, 0 },
	{ "admin.cmd.status-initialized", L_ADMINVQ, VC_MUST, VC_DEVICE_RULE, "1.3", CMDS, "ADMINVQ-DEV-6",
	  "status and status_qualifier are written for every command.", NULL, status_initialized, ADMIN, 0 },
	{ "admin.cmd.in-order", L_ADMINVQ, VC_MUST, VC_DEVICE_RULE, "1.3", CMDS, "ADMINVQ-DEV-7",
	  "Two commands behind one doorbell complete in the order queued.", NULL, in_order, ADMIN, 0 },
};
VC_SUITE(suite_admin_vq, clauses);
