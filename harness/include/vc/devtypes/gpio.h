/* The GPIO device (virtio type 41): its configuration, requestq messages
 * and eventq interrupt buffers (Device Types / GPIO Device). */
#ifndef VC_DEVTYPES_GPIO_H
#define VC_DEVTYPES_GPIO_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_GPIO 41
#define VIRTIO_GPIO_F_IRQ 0
#define VIRTIO_GPIO_REQUESTQ 0
#define VIRTIO_GPIO_EVENTQ 1

#define VIRTIO_GPIO_CFG_NGPIO 0        /* le16 */
#define VIRTIO_GPIO_CFG_PADDING 2      /* u8[2] */
#define VIRTIO_GPIO_CFG_NAMES_SIZE 4   /* le32 */
#define VIRTIO_GPIO_CFG_LEN 8

#define VIRTIO_GPIO_STATUS_OK 0
#define VIRTIO_GPIO_STATUS_ERR 1

#define VIRTIO_GPIO_MSG_GET_LINE_NAMES 0x0001
#define VIRTIO_GPIO_MSG_GET_DIRECTION 0x0002
#define VIRTIO_GPIO_MSG_SET_DIRECTION 0x0003
#define VIRTIO_GPIO_MSG_GET_VALUE 0x0004
#define VIRTIO_GPIO_MSG_SET_VALUE 0x0005
#define VIRTIO_GPIO_MSG_SET_IRQ_TYPE 0x0006

#define VIRTIO_GPIO_DIRECTION_NONE 0
#define VIRTIO_GPIO_DIRECTION_OUT 1
#define VIRTIO_GPIO_DIRECTION_IN 2

#define VIRTIO_GPIO_IRQ_TYPE_NONE 0
#define VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING 1
#define VIRTIO_GPIO_IRQ_TYPE_EDGE_FALLING 2
#define VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH 3
#define VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH 4
#define VIRTIO_GPIO_IRQ_TYPE_LEVEL_LOW 8

#define VIRTIO_GPIO_IRQ_STATUS_INVALID 0
#define VIRTIO_GPIO_IRQ_STATUS_VALID 1

/* struct virtio_gpio_request (8 bytes) into req. */
void vc_gpio_request(uint8_t req[8], uint16_t type, uint16_t gpio, uint32_t value);
/* One message answered: struct virtio_gpio_response (2 bytes, prefilled
 * 0xee) in resp[0..1], its used length in *used. vc_dev_call's codes. */
int vc_gpio_call(struct vc_dev *d, uint16_t type, uint16_t gpio, uint32_t value, uint8_t resp[2], uint32_t *used,
		 unsigned ms);

#endif
