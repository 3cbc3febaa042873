/* The socket device's driver side (vc/devtypes/vsock.h). */
#include "vc/devtypes/vsock.h"

void vc_vsock_hdr_encode(uint8_t *b, const struct vc_vsock_hdr *h)
{
	vc_put64(b, h->src_cid);
	vc_put64(b + 8, h->dst_cid);
	vc_put32(b + 16, h->src_port);
	vc_put32(b + 20, h->dst_port);
	vc_put32(b + 24, h->len);
	vc_put16(b + 28, h->type);
	vc_put16(b + 30, h->op);
	vc_put32(b + 32, h->flags);
	vc_put32(b + 36, h->buf_alloc);
	vc_put32(b + 40, h->fwd_cnt);
}

struct vc_vsock_hdr vc_vsock_hdr_decode(const uint8_t *b)
{
	return (struct vc_vsock_hdr){ vc_le64(b), vc_le64(b + 8), vc_le32(b + 16), vc_le32(b + 20), vc_le32(b + 24),
				      vc_le16(b + 28), vc_le16(b + 30), vc_le32(b + 32), vc_le32(b + 36),
				      vc_le32(b + 40) };
}

const char *vc_vsock_op_name(uint16_t op)
{
	static const char *const names[] = { "INVALID", "REQUEST", "RESPONSE", "RST", "SHUTDOWN", "RW",
					     "CREDIT_UPDATE", "CREDIT_REQUEST" };

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : "unknown";
}
