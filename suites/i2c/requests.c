/* I2C adapter device: its feature and its requests (Device Types / I2C
 * Adapter Device / Device Operation): the header and a write's data left
 * as the driver wrote them, a read's segment from the target (a
 * 24C02-style EEPROM the host names: host action i2c-targets), requests
 * that come together processed in order, the first failure of a group
 * reported. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/host.h"
#include "vc/devtypes/i2c.h"

#define L_I2C_OP "Device Types / I2C Adapter Device / Device Operation"
#define I2C_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define MAX_REQS 6

/* A request: the out header and a write's data in DMA memory of the
 * harness's own (read back afterwards), a read's buffer and the status. */
struct i2c_req {
	uint8_t hdr[VC_I2C_HDR], data[32], status;
	uint32_t len;
	bool read;
	uint64_t hdr_bus, data_bus;
	struct vc_req r;
};

struct i2c_session {
	struct vc_dev d;
	uint8_t eeprom, absent;
	struct i2c_req q[MAX_REQS];
	unsigned n;
};

static bool open_i2c(struct vc_ctx *c, struct i2c_session *s, bool targets)
{
	char out[64];
	unsigned e, a;

	memset(s, 0, sizeof(*s));
	if (!ds_open(c, &s->d, DS_F(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST), 0, DS_Q(0), false))
		return false;
	if (!targets)
		return true;
	if (!ds_host(c, VC_HOST_I2C_TARGETS, "", out, sizeof(out)))
		return false;
	if (sscanf(out, "%x %x", &e, &a) != 2 || e > 0x7f || a > 0x7f) {
		vc_error(c, "the backend's answer '%s' is not \"EEPROM ABSENT\"", out);
		return false;
	}
	s->eeprom = (uint8_t)e;
	s->absent = (uint8_t)a;
	return true;
}

/* Add a request (write: data[0..len); read: len bytes) to the batch. */
static struct i2c_req *add(struct i2c_session *s, uint8_t addr, bool read, uint32_t flags, const uint8_t *data,
			   uint32_t len)
{
	struct i2c_req *q = &s->q[s->n++];

	memset(q, 0, sizeof(*q));
	q->read = read;
	q->len = len;
	vc_i2c_hdr(q->hdr, addr, flags | (read ? VIRTIO_I2C_FLAGS_M_RD : 0));
	if (data)
		memcpy(q->data, data, len);
	return q;
}

/* Make the batch available at once (one notification), wait for all. */
static bool run(struct vc_ctx *c, struct i2c_session *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		struct i2c_req *q = &s->q[i];
		struct vc_iov iov[3];
		unsigned k = 0;
		if (!ds_ok(c, vc_dma_alloc(c->dev, VC_I2C_HDR, 8, &q->hdr_bus), "DMA memory") ||
		    !ds_ok(c, vc_dma_write(c->dev, q->hdr_bus, q->hdr, VC_I2C_HDR), "DMA write"))
			return false;
		iov[k++] = (struct vc_iov){ NULL, NULL, VC_I2C_HDR, false, q->hdr_bus };
		if (q->len && !q->read) {
			if (!ds_ok(c, vc_dma_alloc(c->dev, q->len, 8, &q->data_bus), "DMA memory") ||
			    !ds_ok(c, vc_dma_write(c->dev, q->data_bus, q->data, q->len), "DMA write"))
				return false;
			iov[k++] = (struct vc_iov){ NULL, NULL, q->len, false, q->data_bus };
		} else if (q->len) {
			memset(q->data, 0xee, q->len);
			iov[k++] = (struct vc_iov){ q->data, q->data, q->len, true, 0 };
		}
		q->status = 0xee;
		iov[k++] = (struct vc_iov){ &q->status, &q->status, 1, true, 0 };
		if (!ds_ok(c, vc_dev_send(&s->d, 0, iov, k, &q->r, true), "making a request available failed"))
			return false;
	}
	if (!ds_ok(c, vc_dev_kick(&s->d, 0), "notifying the requestq failed"))
		return false;
	for (unsigned i = 0; i < s->n; i++)
		if (!ds_wait(c, &s->d, &s->q[i].r, "I2C request"))
			return false;
	return true;
}

static bool ok(struct vc_ctx *c, const struct i2c_req *q, unsigned i, const char *what)
{
	if (q->status == VIRTIO_I2C_MSG_OK)
		return true;
	vc_fail(c, "request %u (%s) was answered status %u", i + 1, what, q->status);
	vc_observed(c, "status %u", q->status);
	vc_expected(c, "VIRTIO_I2C_MSG_OK");
	return false;
}

static void zero_length(struct vc_ctx *c)
{
	if (!vc_offers(c->probe, VIRTIO_I2C_F_ZERO_LENGTH_REQUEST)) {
		vc_fail(c, "VIRTIO_I2C_F_ZERO_LENGTH_REQUEST is not offered");
		vc_observed(c, "feature bit 0 clear");
		vc_expected(c, "offered: it is mandatory");
	}
}

/* What the driver gave the device to read (out header, a write's data)
 * reads back unchanged after the requests. */
static void untouched(struct vc_ctx *c, bool header)
{
	static const uint8_t data[] = { 0x30, 0x11, 0x22, 0x33, 0x44 };
	struct i2c_session s;
	uint8_t now[32];

	if (!open_i2c(c, &s, true))
		return;
	add(&s, s.eeprom, false, 0, data, sizeof(data));
	add(&s, s.absent, false, 0, data, sizeof(data));
	add(&s, s.eeprom, false, 0, NULL, 0);
	if (!run(c, &s))
		return;
	for (unsigned i = 0; i < s.n; i++) {
		const struct i2c_req *q = &s.q[i];
		if (header ? !ds_ok(c, vc_dma_read(c->dev, q->hdr_bus, now, VC_I2C_HDR), "DMA read")
			   : q->len && !ds_ok(c, vc_dma_read(c->dev, q->data_bus, now, q->len), "DMA read"))
			return;
		if (header ? !memcmp(now, q->hdr, VC_I2C_HDR) : !q->len || !memcmp(now, q->data, q->len))
			continue;
		vc_fail(c, "the device changed the %s of request %u", header ? "out header (addr, flags)" : "buf of a write",
			i + 1);
		vc_observed(c, "%02x %02x %02x %02x %02x %02x %02x %02x", now[0], now[1], now[2], now[3], now[4], now[5],
			    now[6], now[7]);
		vc_expected(c, "%02x %02x %02x %02x %02x %02x %02x %02x (as the driver wrote it)",
			    header ? q->hdr[0] : q->data[0], header ? q->hdr[1] : q->data[1], header ? q->hdr[2] : q->data[2],
			    header ? q->hdr[3] : q->data[3], header ? q->hdr[4] : q->data[4], header ? q->hdr[5] : 0,
			    header ? q->hdr[6] : 0, header ? q->hdr[7] : 0);
		return;
	}
}

static void header_unchanged(struct vc_ctx *c) { untouched(c, true); }
static void buf_unchanged(struct vc_ctx *c) { untouched(c, false); }

/* Eight bytes written to the EEPROM at 0x20, then (a second batch) a write
 * of the offset and a read of 8: the read's buf holds them. */
static void read_segment(struct vc_ctx *c)
{
	const uint8_t data[9] = { 0x20, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18 }, off = 0x20;
	struct i2c_session s;

	if (!open_i2c(c, &s, true))
		return;
	add(&s, s.eeprom, false, 0, data, sizeof(data));
	if (!run(c, &s) || !ok(c, &s.q[0], 0, "EEPROM write"))
		return;
	s.n = 0;
	add(&s, s.eeprom, false, VIRTIO_I2C_FLAGS_FAIL_NEXT, &off, 1);
	struct i2c_req *rd = add(&s, s.eeprom, true, 0, NULL, 8);
	if (!run(c, &s) || !ok(c, &s.q[0], 0, "EEPROM offset write") || !ok(c, rd, 1, "EEPROM read"))
		return;
	if (memcmp(rd->data, data + 1, 8)) {
		vc_fail(c, "a read of 8 bytes from the EEPROM at 0x%02x does not hold what was written there", s.eeprom);
		vc_observed(c, "%02x %02x %02x %02x %02x %02x %02x %02x", rd->data[0], rd->data[1], rd->data[2], rd->data[3],
			    rd->data[4], rd->data[5], rd->data[6], rd->data[7]);
		vc_expected(c, "a1 b2 c3 d4 e5 f6 07 18: the segment read from the target");
	}
}

/* In one batch: write A at 0x40, read it back, write B at 0x40, read it
 * back: each read sees the write before it. */
static void order(struct vc_ctx *c)
{
	const uint8_t a[5] = { 0x40, 1, 2, 3, 4 }, b[5] = { 0x40, 9, 8, 7, 6 }, off = 0x40;
	struct i2c_req *r1, *r2;
	struct i2c_session s;

	if (!open_i2c(c, &s, true))
		return;
	add(&s, s.eeprom, false, 0, a, sizeof(a));
	add(&s, s.eeprom, false, VIRTIO_I2C_FLAGS_FAIL_NEXT, &off, 1);
	r1 = add(&s, s.eeprom, true, 0, NULL, 4);
	add(&s, s.eeprom, false, 0, b, sizeof(b));
	add(&s, s.eeprom, false, VIRTIO_I2C_FLAGS_FAIL_NEXT, &off, 1);
	r2 = add(&s, s.eeprom, true, 0, NULL, 4);
	if (!run(c, &s))
		return;
	for (unsigned i = 0; i < s.n; i++)
		if (!ok(c, &s.q[i], i, "EEPROM access"))
			return;
	if (memcmp(r1->data, a + 1, 4) || memcmp(r2->data, b + 1, 4)) {
		vc_fail(c, "requests made available together were not processed in order");
		vc_observed(c, "reads %02x%02x%02x%02x then %02x%02x%02x%02x", r1->data[0], r1->data[1], r1->data[2],
			    r1->data[3], r2->data[0], r2->data[1], r2->data[2], r2->data[3]);
		vc_expected(c, "01020304 then 09080706: each read after the write before it");
	}
}

/* A group (FAIL_NEXT) whose first request goes to an address no target
 * answers: that one gets MSG_ERR (the next may too). */
static void first_failure(struct vc_ctx *c)
{
	const uint8_t off = 0x20;
	struct i2c_session s;

	if (!open_i2c(c, &s, true))
		return;
	add(&s, s.absent, false, VIRTIO_I2C_FLAGS_FAIL_NEXT, &off, 1);
	add(&s, s.eeprom, true, 0, NULL, 4);
	if (!run(c, &s))
		return;
	if (s.q[0].status != VIRTIO_I2C_MSG_ERR) {
		vc_fail(c, "a write to address 0x%02x, where no target answers, was answered status %u", s.absent,
			s.q[0].status);
		vc_observed(c, "status %u", s.q[0].status);
		vc_expected(c, "VIRTIO_I2C_MSG_ERR (1): the first failed request of the group");
		return;
	}
	vc_note(c, "the rest of the group got status %u", s.q[1].status);
}

static const struct vc_clause clauses[] = {
	{ "i2c.features.zero-length", L_I2C_OP, VC_MUST, VC_DEVICE_RULE, "1.2", NEED_COMMON, "I2C-OP-DEV-1",
	  "VIRTIO_I2C_F_ZERO_LENGTH_REQUEST is offered.", NULL, zero_length },
	{ "i2c.request.header-unchanged", L_I2C_OP, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", I2C_NEEDS, "I2C-OP-DEV-4",
	  "The out headers (addr, flags) of writes, a zero-length request and a request nobody answers read back as "
	  "the driver wrote them.", NULL, header_unchanged, VC_REQ(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST) },
	{ "i2c.write.buf-unchanged", L_I2C_OP, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", I2C_NEEDS, "I2C-OP-DEV-5",
	  "The buf of write requests reads back as the driver wrote it.", NULL, buf_unchanged,
	  VC_REQ(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST) },
	{ "i2c.read.segment", L_I2C_OP, VC_MUST, VC_DEVICE_RULE, "1.2", I2C_NEEDS, "I2C-OP-DEV-6",
	  "A read of 8 bytes from the EEPROM the host names, after its offset was written, holds the 8 bytes written "
	  "there before.", NULL, read_segment, VC_REQ(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST) },
	{ "i2c.group.order", L_I2C_OP, VC_MUST, VC_DEVICE_RULE, "1.2", I2C_NEEDS, "I2C-OP-DEV-7",
	  "Write, read back, write, read back, made available at once: each read sees the write before it.", NULL,
	  order, VC_REQ(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST) },
	{ "i2c.group.first-failure", L_I2C_OP, VC_MUST, VC_DEVICE_RULE, "1.2", I2C_NEEDS, "I2C-OP-DEV-8 I2C-OP-DEV-9",
	  "In a group whose first request goes to an address no target answers, that request gets MSG_ERR.", NULL,
	  first_failure, VC_REQ(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST) },
};
VC_DEVICE_SUITE(suite_i2c_requests, clauses, VIRTIO_ID_I2C);
