/* The console device (virtio type 3): emergency write, and the multiport
 * control protocol over the control queues. */
#ifndef VC_DEVTYPES_CONSOLE_H
#define VC_DEVTYPES_CONSOLE_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_CONSOLE_F_SIZE 0
#define VIRTIO_CONSOLE_F_MULTIPORT 1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2
/* struct virtio_console_config */
#define VIRTIO_CONSOLE_CFG_COLS 0
#define VIRTIO_CONSOLE_CFG_ROWS 2
#define VIRTIO_CONSOLE_CFG_MAX_NR_PORTS 4
#define VIRTIO_CONSOLE_CFG_EMERG_WR 8
#define VIRTIO_CONSOLE_CFG_LEN 12

/* Queues: port 0's receiveq and transmitq, the control receiveq and
 * transmitq, then each further port's pair. */
#define VIRTIO_CONSOLE_CTRL_RX 2
#define VIRTIO_CONSOLE_CTRL_TX 3
static inline unsigned vc_console_rxq(unsigned port) { return port ? 2 + 2 * port : 0; }
static inline unsigned vc_console_txq(unsigned port) { return vc_console_rxq(port) + 1; }

enum {
	VIRTIO_CONSOLE_DEVICE_READY = 0,
	VIRTIO_CONSOLE_DEVICE_ADD = 1,
	VIRTIO_CONSOLE_DEVICE_REMOVE = 2,
	VIRTIO_CONSOLE_PORT_READY = 3,
	VIRTIO_CONSOLE_CONSOLE_PORT = 4,
	VIRTIO_CONSOLE_RESIZE = 5,
	VIRTIO_CONSOLE_PORT_OPEN = 6,
	VIRTIO_CONSOLE_PORT_NAME = 7,
};

/* struct virtio_console_control: le32 id, le16 event, le16 value */
struct vc_console_ctrl {
	uint32_t id;
	uint16_t event, value;
};
#define VC_CONSOLE_CTRL_SIZE 8

void vc_console_ctrl_encode(uint8_t *b, const struct vc_console_ctrl *m);
struct vc_console_ctrl vc_console_ctrl_decode(const uint8_t *b);
const char *vc_console_event_name(uint16_t event);

#endif
