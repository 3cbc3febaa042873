/* The CAN device's driver side (vc/devtypes/can.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vc/devtypes/can.h"

uint32_t vc_can_encode(uint8_t *out, uint16_t msg_type, const struct vc_can_frame *f)
{
	uint16_t len = f->length <= VC_CAN_SDU_MAX ? f->length : VC_CAN_SDU_MAX;

	memset(out, 0, VC_CAN_HDR);
	vc_put16(out, msg_type);
	vc_put16(out + 2, f->length);
	vc_put32(out + 8, f->flags);
	vc_put32(out + 12, f->can_id);
	memcpy(out + VC_CAN_HDR, f->sdu, len);
	return VC_CAN_HDR + len;
}

int vc_can_decode(const uint8_t *b, uint32_t len, uint16_t *msg_type, struct vc_can_frame *f)
{
	memset(f, 0, sizeof(*f));
	if (len < VC_CAN_HDR)
		return -EINVAL;
	*msg_type = vc_le16(b);
	f->length = vc_le16(b + 2);
	f->flags = vc_le32(b + 8);
	f->can_id = vc_le32(b + 12);
	if (f->length > VC_CAN_SDU_MAX || len < VC_CAN_HDR + (uint32_t)f->length)
		return -EINVAL;
	memcpy(f->sdu, b + VC_CAN_HDR, f->length);
	return 0;
}

void vc_can_format(const struct vc_can_frame *f, char *out, size_t outlen)
{
	int at = snprintf(out, outlen, "%x %x ", f->can_id, f->flags);

	for (unsigned i = 0; i < f->length && i < VC_CAN_SDU_MAX && at > 0 && (size_t)at + 3 < outlen; i++)
		at += snprintf(out + at, outlen - (size_t)at, "%02x", f->sdu[i]);
	if (!f->length && at > 0 && (size_t)at + 2 < outlen)
		snprintf(out + at, outlen - (size_t)at, "-");
}

int vc_can_parse(const char *text, struct vc_can_frame *f)
{
	char data[2 * VC_CAN_SDU_MAX + 2];      /* one character more than a frame has: too long is seen */
	unsigned id, flags;

	memset(f, 0, sizeof(*f));
	if (sscanf(text, "%x %x %129s", &id, &flags, data) != 3)
		return -EINVAL;
	f->can_id = id;
	f->flags = flags;
	if (!strcmp(data, "-"))
		return 0;
	size_t n = strlen(data);
	if (n % 2 || n / 2 > VC_CAN_SDU_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		char byte[3] = { data[2 * i], data[2 * i + 1], 0 }, *end;
		f->sdu[i] = (uint8_t)strtoul(byte, &end, 16);
		if (*end)
			return -EINVAL;
	}
	f->length = (uint16_t)(n / 2);
	return 0;
}

bool vc_can_same(const struct vc_can_frame *a, const struct vc_can_frame *b)
{
	return a->can_id == b->can_id && a->flags == b->flags && a->length == b->length &&
	       !memcmp(a->sdu, b->sdu, a->length <= VC_CAN_SDU_MAX ? a->length : VC_CAN_SDU_MAX);
}

int vc_can_control(struct vc_dev *d, uint16_t msg_type, uint8_t *result, unsigned ms)
{
	uint8_t out[2];
	struct vc_iov iov[2] = { { out, NULL, 2, false, 0 }, { result, result, 1, true, 0 } };

	vc_put16(out, msg_type);
	*result = 0xee;
	return vc_dev_call(d, VIRTIO_CAN_CONTROLQ, iov, 2, NULL, ms);
}

int vc_can_send(struct vc_dev *d, const struct vc_can_frame *f, struct vc_can_tx *t)
{
	uint32_t n = vc_can_encode(t->out, VIRTIO_CAN_TX, f);
	struct vc_iov iov[2] = { { t->out, NULL, n, false, 0 }, { &t->result, &t->result, 1, true, 0 } };

	t->result = 0xee;
	return vc_dev_send(d, VIRTIO_CAN_TXQ, iov, 2, &t->r, false);
}
