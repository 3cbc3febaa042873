/* Socket device: feature bits and the guest's CID (Device Types / Socket
 * Device / Feature bits, Receive and Transmit). */
#include <inttypes.h>
#include "vsock.h"

#define L_VSOCK_FEAT "Device Types / Socket Device / Feature bits"
#define L_VSOCK_RXTX "Device Types / Socket Device / Device Operation / Receive and Transmit"

static void no_implied_stream(struct vc_ctx *c)
{
	if (!c->probe->have_common) {
		vc_skip(c, "the device's features could not be read (no common configuration access)");
		return;
	}
	if (!vc_offers(c->probe, VIRTIO_VSOCK_F_NO_IMPLIED_STREAM)) {
		vc_fail(c, "the device does not offer VIRTIO_VSOCK_F_NO_IMPLIED_STREAM");
		vc_observed(c, "device_feature bit 2 clear");
		vc_expected(c, "offered");
	}
}

/* With no feature bit negotiated, a stream connection to a port the host
 * listens on is answered as with VIRTIO_VSOCK_F_STREAM: RESPONSE. */
static void stream_by_default(struct vc_ctx *c)
{
	struct vsock v;
	uint16_t op;

	if (!vsock_open(c, &v, 0, 0, 4) || !vsock_connect(c, &v, VIRTIO_VSOCK_TYPE_STREAM, 4096, &op))
		return;
	if (op != VIRTIO_VSOCK_OP_RESPONSE) {
		vc_fail(c, "with no feature negotiated, a stream REQUEST to a listening host port was answered %s",
			op ? vc_vsock_op_name(op) : "with nothing");
		vc_observed(c, "%s", op ? vc_vsock_op_name(op) : "no packet");
		vc_expected(c, "RESPONSE: streams as if VIRTIO_VSOCK_F_STREAM were negotiated");
	}
}

static void guest_cid(struct vc_ctx *c)
{
	struct vc_dev d;
	uint64_t cid;

	if (!ds_open(c, &d, 0, 0, 0, true) || !ds_cfg_read(c, &d, VIRTIO_VSOCK_CFG_GUEST_CID, 8, &cid))
		return;
	if (cid <= VIRTIO_VSOCK_HOST_CID || (uint32_t)cid == 0xffffffffu || cid >> 32) {
		vc_fail(c, "guest_cid holds %s", cid >> 32 ? "bits in its reserved upper half" : "a reserved CID");
		vc_observed(c, "0x%" PRIx64, cid);
		vc_expected(c, "3..0xfffffffe, upper 32 bits zero");
	}
}

static const struct vc_clause clauses[] = {
	{ "vsock.feature.no-implied-stream", L_VSOCK_FEAT, VC_SHOULD, VC_DEVICE_RULE, "1.3", NEED_BAR_READ,
	  "VSOCK-FEAT-DEV-1", "The device offers VIRTIO_VSOCK_F_NO_IMPLIED_STREAM.", NULL, no_implied_stream },
	{ "vsock.feature.stream-by-default", L_VSOCK_FEAT, VC_SHOULD, VC_DEVICE_RULE, "1.3", VSOCK_NEEDS,
	  "VSOCK-FEAT-DEV-2", "With no feature bit negotiated, stream connections work as with "
	  "VIRTIO_VSOCK_F_STREAM.", NULL, stream_by_default, 0, 3 },
	{ "vsock.config.guest-cid", L_VSOCK_RXTX, VC_MUST_NOT, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "VSOCK-RXTX-DEV-1",
	  "guest_cid is no reserved CID (0, 1, 2, 0xffffffff) and its upper 32 bits are zero.", NULL, guest_cid },
};
VC_DEVICE_SUITE(suite_vsock_features, clauses, VIRTIO_ID_VSOCK);
