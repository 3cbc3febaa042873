/* The RPMB device (virtio type 28): its configuration and its 512-byte
 * frames (Device Types / RPMB Device), MACs included. */
#ifndef VC_DEVTYPES_RPMB_H
#define VC_DEVTYPES_RPMB_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_RPMB 28
#define VIRTIO_RPMB_CFG_CAPACITY 0     /* u8, in 128 KiB */
#define VIRTIO_RPMB_CFG_MAX_WR_CNT 1   /* u8, 256-byte blocks; 0: no limit */
#define VIRTIO_RPMB_CFG_MAX_RD_CNT 2
#define VIRTIO_RPMB_CFG_LEN 3

#define VIRTIO_RPMB_REQ_PROGRAM_KEY 0x0001
#define VIRTIO_RPMB_REQ_GET_WRITE_COUNTER 0x0002
#define VIRTIO_RPMB_REQ_DATA_WRITE 0x0003
#define VIRTIO_RPMB_REQ_DATA_READ 0x0004
#define VIRTIO_RPMB_REQ_RESULT_READ 0x0005
#define VIRTIO_RPMB_RESP_PROGRAM_KEY 0x0100
#define VIRTIO_RPMB_RESP_GET_COUNTER 0x0200
#define VIRTIO_RPMB_RESP_DATA_WRITE 0x0300
#define VIRTIO_RPMB_RESP_DATA_READ 0x0400

#define VIRTIO_RPMB_RES_OK 0x0000
#define VIRTIO_RPMB_RES_GENERAL_FAILURE 0x0001
#define VIRTIO_RPMB_RES_AUTH_FAILURE 0x0002
#define VIRTIO_RPMB_RES_COUNT_FAILURE 0x0003
#define VIRTIO_RPMB_RES_ADDR_FAILURE 0x0004
#define VIRTIO_RPMB_RES_WRITE_FAILURE 0x0005
#define VIRTIO_RPMB_RES_READ_FAILURE 0x0006
#define VIRTIO_RPMB_RES_NO_AUTH_KEY 0x0007
#define VIRTIO_RPMB_RES_WRITE_COUNTER_EXPIRED 0x0080

/* struct virtio_rpmb_frame: offsets; the MAC covers data..req_resp. */
#define VC_RPMB_FRAME 512
#define VC_RPMB_KEY_MAC 196
#define VC_RPMB_DATA 228
#define VC_RPMB_NONCE 484
#define VC_RPMB_COUNTER 500            /* be32 */
#define VC_RPMB_ADDRESS 504            /* be16 */
#define VC_RPMB_BLOCK_COUNT 506        /* be16 */
#define VC_RPMB_RESULT 508             /* be16 */
#define VC_RPMB_REQ_RESP 510           /* be16 */
#define VC_RPMB_MAC_SPAN (VC_RPMB_FRAME - VC_RPMB_DATA)
#define VC_RPMB_MAX_FRAMES 4

/* The authentication key the harness programs (profile rpmb-program-key)
 * and expects a keyed device to have: 32 bytes. */
extern const uint8_t vc_rpmb_test_key[32];

static inline void vc_rpmb_put16(uint8_t *f, unsigned off, uint16_t v) { f[off] = (uint8_t)(v >> 8); f[off + 1] = (uint8_t)v; }
static inline void vc_rpmb_put32(uint8_t *f, unsigned off, uint32_t v)
{
	vc_rpmb_put16(f, off, (uint16_t)(v >> 16));
	vc_rpmb_put16(f, off + 2, (uint16_t)v);
}
static inline uint16_t vc_rpmb_get16(const uint8_t *f, unsigned off) { return (uint16_t)(f[off] << 8 | f[off + 1]); }
static inline uint32_t vc_rpmb_get32(const uint8_t *f, unsigned off)
{
	return (uint32_t)vc_rpmb_get16(f, off) << 16 | vc_rpmb_get16(f, off + 2);
}

/* A zeroed frame of request type req. */
void vc_rpmb_frame(uint8_t *f, uint16_t req, uint16_t block_count, uint16_t address, uint32_t counter);
/* HMAC-SHA256 under key over bytes 228..511 of n frames, one after the
 * other (the MAC of a multi-frame write or read sits in the last one). */
void vc_rpmb_mac(const uint8_t key[32], const uint8_t *frames, unsigned n, uint8_t mac[32]);
void vc_rpmb_sign(const uint8_t key[32], uint8_t *frames, unsigned n);
bool vc_rpmb_mac_ok(const uint8_t key[32], const uint8_t *frames, unsigned n);
/* One request: nin frames the device reads, nout frames it writes back
 * (prefilled 0xee). vc_dev_call's return codes. */
int vc_rpmb_call(struct vc_dev *d, const uint8_t *in, unsigned nin, uint8_t *out, unsigned nout, unsigned ms);
const char *vc_rpmb_result_name(uint16_t result);

#endif
