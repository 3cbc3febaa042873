/* The I2C adapter device (virtio type 34): its requests, an out header,
 * the segment and a status byte (Device Types / I2C Adapter Device). */
#ifndef VC_DEVTYPES_I2C_H
#define VC_DEVTYPES_I2C_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_I2C 34
#define VIRTIO_I2C_F_ZERO_LENGTH_REQUEST 0
#define VIRTIO_I2C_FLAGS_FAIL_NEXT (1u << 0)
#define VIRTIO_I2C_FLAGS_M_RD (1u << 1)
#define VIRTIO_I2C_MSG_OK 0
#define VIRTIO_I2C_MSG_ERR 1
#define VC_I2C_HDR 8

/* struct virtio_i2c_out_hdr for a 7-bit target address. */
static inline void vc_i2c_hdr(uint8_t hdr[VC_I2C_HDR], uint8_t addr7, uint32_t flags)
{
	vc_put16(hdr, (uint16_t)(addr7 << 1));
	vc_put16(hdr + 2, 0);
	vc_put32(hdr + 4, flags);
}

#endif
