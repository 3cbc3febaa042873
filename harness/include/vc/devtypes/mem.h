/* virtio-mem (device ID 24) as a driver uses it: its configuration and the
 * guest-request queue (PLUG, UNPLUG, UNPLUG ALL, STATE, and whatever bytes
 * a clause builds). Built on a device type's driver session
 * (vc/devtypes/dev.h); no verdicts here, errno values only. */
#ifndef VC_DEVTYPES_MEM_H
#define VC_DEVTYPES_MEM_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_MEM 24

enum {
	VIRTIO_MEM_F_ACPI_PXM = 0,
	VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE = 1,
	VIRTIO_MEM_F_PERSISTENT_SUSPEND = 2,
};
enum { MEM_REQ_PLUG, MEM_REQ_UNPLUG, MEM_REQ_UNPLUG_ALL, MEM_REQ_STATE };
enum { MEM_RESP_ACK, MEM_RESP_NACK, MEM_RESP_BUSY, MEM_RESP_ERROR };
enum { MEM_STATE_PLUGGED, MEM_STATE_UNPLUGGED, MEM_STATE_MIXED };

/* struct virtio_mem_config: where each field sits */
#define MEM_CFG_BLOCK_SIZE 0
#define MEM_CFG_NODE_ID 8
#define MEM_CFG_ADDR 16
#define MEM_CFG_REGION_SIZE 24
#define MEM_CFG_USABLE_REGION_SIZE 32
#define MEM_CFG_PLUGGED_SIZE 40
#define MEM_CFG_REQUESTED_SIZE 48
#define MEM_CFG_SIZE 56

/* struct virtio_mem_req: le16 type, le16 padding[3], then le64 addr, le16
 * nb_blocks, le16 padding[3]; struct virtio_mem_resp: le16 type, le16
 * padding[3], le16 state. */
#define MEM_REQ_LEN 24
#define MEM_RESP_LEN 10
#define MEM_REQ_PADDING 18          /* the request-specific padding */

struct mem_config {
	uint64_t block_size, addr, region_size, usable_region_size, plugged_size, requested_size;
	uint16_t node_id;
};

struct mem {
	struct vc_dev dev;
	struct mem_config cfg;
};

/* What the device answered: the response's bytes (pre-filled 0xff), its
 * type and STATE's state, and the used length. */
struct mem_resp {
	uint8_t raw[MEM_RESP_LEN];
	uint16_t type, state;
	uint32_t used;
};

/* The configuration, read inside one config_generation. */
int mem_config_read(struct vc_dev *d, struct mem_config *cfg);
/* A request's bytes: type, addr, nb_blocks, every padding byte zero. */
void mem_build(uint8_t *b, uint16_t type, uint64_t addr, uint16_t nb_blocks);
/* A built request and its 10-byte response; waits (the device timeout). */
int mem_send(struct mem *m, const uint8_t *req, struct mem_resp *r);
/* PLUG, UNPLUG, STATE of nb blocks at addr; UNPLUG ALL. */
int mem_request(struct mem *m, uint16_t type, uint64_t addr, uint16_t nb, struct mem_resp *r);
const char *mem_resp_name(uint16_t type);
const char *mem_state_name(uint16_t state);

#endif
