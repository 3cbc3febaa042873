/* The input device (virtio type 18): its select/subsel configuration and
 * its events. */
#ifndef VC_DEVTYPES_INPUT_H
#define VC_DEVTYPES_INPUT_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_INPUT 18
#define VIRTIO_INPUT_EVENTQ 0
#define VIRTIO_INPUT_STATUSQ 1

enum {
	VIRTIO_INPUT_CFG_UNSET = 0x00,
	VIRTIO_INPUT_CFG_ID_NAME = 0x01,
	VIRTIO_INPUT_CFG_ID_SERIAL = 0x02,
	VIRTIO_INPUT_CFG_ID_DEVIDS = 0x03,
	VIRTIO_INPUT_CFG_PROP_BITS = 0x10,
	VIRTIO_INPUT_CFG_EV_BITS = 0x11,
	VIRTIO_INPUT_CFG_ABS_INFO = 0x12,
};
/* struct virtio_input_config: select, subsel, size, reserved[5], u[128] */
#define VIRTIO_INPUT_CFG_SELECT 0
#define VIRTIO_INPUT_CFG_SUBSEL 1
#define VIRTIO_INPUT_CFG_SIZE 2
#define VIRTIO_INPUT_CFG_U 8
#define VIRTIO_INPUT_CFG_LEN (8 + 128)

/* evdev (Linux input-event-codes.h) values the harness uses */
enum { EV_SYN = 0, EV_KEY = 1, EV_REL = 2, EV_ABS = 3, EV_MSC = 4, EV_LED = 0x11, EV_MAX = 0x1f };
enum { SYN_REPORT = 0, KEY_A = 30, REL_X = 0, REL_Y = 1, ABS_X = 0, ABS_Y = 1, ABS_MAX = 0x3f };

struct vc_input_event {
	uint16_t type, code;
	uint32_t value;
};
#define VC_INPUT_EVENT_SIZE 8

/* Select and subsel written (subsel first, then select), then size and
 * the union's first `size` bytes read into u (128 bytes). */
int vc_input_query(struct vc_dev *d, uint8_t select, uint8_t subsel, uint8_t *size, uint8_t *u);
/* Is bit n set in a bitmap of `size` bytes? */
bool vc_input_bit(const uint8_t *bitmap, uint8_t size, unsigned n);
struct vc_input_event vc_input_event_decode(const uint8_t *b);

#endif
