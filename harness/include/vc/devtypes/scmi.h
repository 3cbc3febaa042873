/* The SCMI device (virtio type 32): SCMI messages (Arm DEN0056: a 32-bit
 * header, then parameters or return values) carried on the cmdq, one
 * command and its response per buffer, and the notifications and delayed
 * responses the device sends on the eventq (Device Types / SCMI Device). */
#ifndef VC_DEVTYPES_SCMI_H
#define VC_DEVTYPES_SCMI_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_SCMI 32
#define VIRTIO_SCMI_F_P2A_CHANNELS 0
#define VIRTIO_SCMI_F_SHARED_MEMORY 1
#define VIRTIO_SCMI_CMDQ 0
#define VIRTIO_SCMI_EVENTQ 1

/* The shmids of the SCMI statistics shared memory regions. */
#define VIRTIO_SCMI_SHMID_POWER 1
#define VIRTIO_SCMI_SHMID_PERFORMANCE 2
#define VIRTIO_SCMI_SHMID_SENSOR 3
#define VIRTIO_SCMI_SHMID_VENDOR_FIRST 0x80
#define VIRTIO_SCMI_SHMID_VENDOR_LAST 0xff

/* The SCMI message header: message_id [7:0], message_type [9:8],
 * protocol_id [17:10], token [27:18]. */
#define SCMI_MSG_COMMAND 0
#define SCMI_MSG_DELAYED_RESPONSE 2
#define SCMI_MSG_NOTIFICATION 3
#define SCMI_TOKEN_MAX 0x3ffu
static inline uint32_t vc_scmi_hdr(unsigned protocol, unsigned msg, unsigned type, unsigned token)
{
	return (msg & 0xffu) | (type & 3u) << 8 | (protocol & 0xffu) << 10 | (token & SCMI_TOKEN_MAX) << 18;
}
#define SCMI_HDR_MSG(h) ((h) & 0xffu)
#define SCMI_HDR_TYPE(h) ((h) >> 8 & 3u)
#define SCMI_HDR_PROTOCOL(h) ((h) >> 10 & 0xffu)
#define SCMI_HDR_TOKEN(h) ((h) >> 18 & SCMI_TOKEN_MAX)

/* Status codes (int32 in the first return value). */
#define SCMI_SUCCESS 0
#define SCMI_NOT_SUPPORTED (-1)
#define SCMI_INVALID_PARAMETERS (-2)
#define SCMI_DENIED (-3)
#define SCMI_NOT_FOUND (-4)
#define SCMI_OUT_OF_RANGE (-5)
#define SCMI_BUSY (-6)
#define SCMI_COMMS_ERROR (-7)
#define SCMI_GENERIC_ERROR (-8)
#define SCMI_HARDWARE_ERROR (-9)
#define SCMI_PROTOCOL_ERROR (-10)

/* Every protocol's first three messages. */
#define SCMI_PROTOCOL_VERSION 0x0
#define SCMI_PROTOCOL_ATTRIBUTES 0x1
#define SCMI_PROTOCOL_MESSAGE_ATTRIBUTES 0x2

/* The base protocol. */
#define SCMI_PROTOCOL_BASE 0x10
#define SCMI_BASE_DISCOVER_VENDOR 0x3
#define SCMI_BASE_DISCOVER_SUB_VENDOR 0x4
#define SCMI_BASE_DISCOVER_IMPLEMENTATION_VERSION 0x5
#define SCMI_BASE_DISCOVER_LIST_PROTOCOLS 0x6
#define SCMI_BASE_NOTIFY_ERRORS 0x8

/* The sensor management protocol (version 1.0: SCMI 2.0's readings). */
#define SCMI_PROTOCOL_SENSOR 0x15
#define SCMI_SENSOR_DESCRIPTION_GET 0x3
#define SCMI_SENSOR_TRIP_POINT_NOTIFY 0x4
#define SCMI_SENSOR_TRIP_POINT_CONFIG 0x5
#define SCMI_SENSOR_READING_GET 0x6
#define SCMI_SENSOR_TRIP_POINT_EVENT 0x0      /* a notification */
#define SCMI_SENSOR_READ_ASYNC 1u               /* SENSOR_READING_GET flags */
#define SCMI_SENSOR_ASYNC_READ_SUPPORT (1u << 31)   /* a descriptor's attributes_low */
#define SCMI_SENSOR_DESC_WORDS 7                /* id, attributes_low/high, name[16] */
#define SCMI_TRIP_POINT_EV_CTRL(id, ev) (((uint32_t)(id) & 0xff) << 4 | ((ev) & 3u))
#define SCMI_TRIP_POINT_UP 1

/* The largest message the harness sends or takes (header included); the
 * driver gives every command this much device-writable room, more than any
 * return values it asks for (SCMI-CMDQ-DRV-2), and eventq buffers of this
 * size, more than any P2A message it requests (SCMI-EVENTQBUF-DRV-3). */
#define VC_SCMI_MSG_MAX 128
#define VC_SCMI_MAX_PARAMS 8

/* One command on the cmdq and, once used, its response. */
struct vc_scmi_cmd {
	uint32_t hdr;
	uint8_t req[4 + 4 * VC_SCMI_MAX_PARAMS];
	uint32_t req_len;
	uint8_t resp[VC_SCMI_MSG_MAX];   /* prefilled 0xee */
	struct vc_req r;                 /* r.used: the response's length */
};

/* Build a command: header (message type command) and 32-bit parameters. */
void vc_scmi_cmd(struct vc_scmi_cmd *c, unsigned protocol, unsigned msg, unsigned token, const uint32_t *params,
		 unsigned nparams);
/* Make it available on the cmdq (notify unless quiet); vc_dev_send's codes. */
int vc_scmi_send(struct vc_dev *d, struct vc_scmi_cmd *c, bool quiet);
/* send + wait (ms): vc_dev_call's codes. */
int vc_scmi_call(struct vc_dev *d, struct vc_scmi_cmd *c, unsigned ms);
/* The response's header, its status (the first return value) and its
 * i-th return value word after the status; the number of return value
 * words after the status the used length holds. */
uint32_t vc_scmi_resp_hdr(const struct vc_scmi_cmd *c);
int32_t vc_scmi_status(const struct vc_scmi_cmd *c);
uint32_t vc_scmi_ret(const struct vc_scmi_cmd *c, unsigned i);
unsigned vc_scmi_nret(const struct vc_scmi_cmd *c);
/* A status code's SCMI name ("NOT_FOUND"), or "unknown". */
const char *vc_scmi_status_name(int32_t status);

#endif
