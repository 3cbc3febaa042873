/* virtio-blk from the driver's side (spec 5.2): feature bits, request types
 * and status codes, the configuration layout, zone reports, and requests
 * built in DMA memory in whatever descriptor arrangement a clause asks for
 * (one descriptor per part, each direction in one buffer, the data across
 * many descriptors, an indirect table alone or after direct descriptors;
 * split or packed as the queue was negotiated). */
#ifndef VC_DEVTYPES_BLK_H
#define VC_DEVTYPES_BLK_H

#include "vc/driver.h"

#define VC_BLK_SECTOR 512u

enum vc_blk_feature {
	VC_BLK_F_SIZE_MAX = 1, VC_BLK_F_SEG_MAX = 2, VC_BLK_F_GEOMETRY = 4, VC_BLK_F_RO = 5,
	VC_BLK_F_BLK_SIZE = 6, VC_BLK_F_FLUSH = 9, VC_BLK_F_TOPOLOGY = 10, VC_BLK_F_CONFIG_WCE = 11,
	VC_BLK_F_MQ = 12, VC_BLK_F_DISCARD = 13, VC_BLK_F_WRITE_ZEROES = 14, VC_BLK_F_LIFETIME = 15,
	VC_BLK_F_SECURE_ERASE = 16, VC_BLK_F_ZONED = 17,
};
/* "VIRTIO_BLK_F_..." for a block feature bit, the transport's name for bits
 * 24 and up (vc_devtype_feature_name). */
const char *vc_blk_feature_name(unsigned bit);

enum vc_blk_type {
	VC_BLK_T_IN = 0, VC_BLK_T_OUT = 1, VC_BLK_T_FLUSH = 4, VC_BLK_T_GET_ID = 8, VC_BLK_T_GET_LIFETIME = 10,
	VC_BLK_T_DISCARD = 11, VC_BLK_T_WRITE_ZEROES = 13, VC_BLK_T_SECURE_ERASE = 14,
	VC_BLK_T_ZONE_APPEND = 15, VC_BLK_T_ZONE_REPORT = 16, VC_BLK_T_ZONE_OPEN = 18, VC_BLK_T_ZONE_CLOSE = 20,
	VC_BLK_T_ZONE_FINISH = 22, VC_BLK_T_ZONE_RESET = 24, VC_BLK_T_ZONE_RESET_ALL = 26,
};
const char *vc_blk_type_name(uint32_t type);

enum vc_blk_status {
	VC_BLK_S_OK = 0, VC_BLK_S_IOERR = 1, VC_BLK_S_UNSUPP = 2, VC_BLK_S_ZONE_INVALID_CMD = 3,
	VC_BLK_S_ZONE_UNALIGNED_WP = 4, VC_BLK_S_ZONE_OPEN_RESOURCE = 5, VC_BLK_S_ZONE_ACTIVE_RESOURCE = 6,
};
/* What the status byte holds until the device writes it. */
#define VC_BLK_STATUS_UNSET 0xffu
const char *vc_blk_status_name(uint8_t status);

/* struct virtio_blk_config: field offsets. */
enum {
	VC_BLK_CFG_CAPACITY = 0, VC_BLK_CFG_SIZE_MAX = 8, VC_BLK_CFG_SEG_MAX = 12, VC_BLK_CFG_CYLINDERS = 16,
	VC_BLK_CFG_HEADS = 18, VC_BLK_CFG_SECTORS = 19, VC_BLK_CFG_BLK_SIZE = 20, VC_BLK_CFG_PHYS_BLOCK_EXP = 24,
	VC_BLK_CFG_ALIGNMENT_OFFSET = 25, VC_BLK_CFG_MIN_IO_SIZE = 26, VC_BLK_CFG_OPT_IO_SIZE = 28,
	VC_BLK_CFG_WRITEBACK = 32, VC_BLK_CFG_UNUSED0 = 33, VC_BLK_CFG_NUM_QUEUES = 34,
	VC_BLK_CFG_MAX_DISCARD_SECTORS = 36, VC_BLK_CFG_MAX_DISCARD_SEG = 40, VC_BLK_CFG_DISCARD_ALIGNMENT = 44,
	VC_BLK_CFG_MAX_WRITE_ZEROES_SECTORS = 48, VC_BLK_CFG_MAX_WRITE_ZEROES_SEG = 52,
	VC_BLK_CFG_WRITE_ZEROES_MAY_UNMAP = 56, VC_BLK_CFG_UNUSED1 = 57, VC_BLK_CFG_MAX_SECURE_ERASE_SECTORS = 60,
	VC_BLK_CFG_MAX_SECURE_ERASE_SEG = 64, VC_BLK_CFG_SECURE_ERASE_ALIGNMENT = 68,
	VC_BLK_CFG_ZONE_SECTORS = 72, VC_BLK_CFG_MAX_OPEN_ZONES = 76, VC_BLK_CFG_MAX_ACTIVE_ZONES = 80,
	VC_BLK_CFG_MAX_APPEND_SECTORS = 84, VC_BLK_CFG_WRITE_GRANULARITY = 88, VC_BLK_CFG_MODEL = 92,
	VC_BLK_CFG_UNUSED2 = 93, VC_BLK_CFG_LEN = 96,
};

/* Zoned block devices: the model, zone types and states. */
enum { VC_BLK_Z_NONE = 0, VC_BLK_Z_HM = 1, VC_BLK_Z_HA = 2 };
enum { VC_BLK_ZT_CONV = 1, VC_BLK_ZT_SWR = 2, VC_BLK_ZT_SWP = 3 };
enum {
	VC_BLK_ZS_NOT_WP = 0, VC_BLK_ZS_EMPTY = 1, VC_BLK_ZS_IOPEN = 2, VC_BLK_ZS_EOPEN = 3, VC_BLK_ZS_CLOSED = 4,
	VC_BLK_ZS_RDONLY = 13, VC_BLK_ZS_FULL = 14, VC_BLK_ZS_OFFLINE = 15,
};
const char *vc_blk_zone_state_name(uint8_t state);
/* A zone report: a 64-byte header (le64 nr_zones), then 64-byte descriptors. */
#define VC_BLK_ZONE_REPORT_HDR 64u
#define VC_BLK_ZONE_DESC 64u
struct vc_blk_zone {
	uint64_t cap, start, wp;
	uint8_t type, state;
};
/* Parse a report: *nr (the header's nr_zones) and up to max descriptors
 * (fewer when the buffer holds fewer). Returns the descriptors parsed. */
unsigned vc_blk_zone_parse(const uint8_t *buf, size_t len, uint64_t *nr, struct vc_blk_zone *z, unsigned max);

/* struct virtio_blk_discard_write_zeroes: one segment of DISCARD, WRITE_ZEROES
 * or SECURE_ERASE. */
#define VC_BLK_SEGMENT 16u
#define VC_BLK_SEG_F_UNMAP 1u
void vc_blk_segment(uint8_t out[VC_BLK_SEGMENT], uint64_t sector, uint32_t num_sectors, uint32_t flags);

/* struct virtio_blk_lifetime */
#define VC_BLK_LIFETIME_LEN 6u
/* GET_ID: the device ID string buffer */
#define VC_BLK_ID_BYTES 20u

/* How a request's bytes go into descriptors. The default (all zero) is one
 * descriptor each for the header, the data and the status. */
struct vc_blk_shape {
	bool merged;          /* each direction one buffer: header + readable data, writable data + status */
	unsigned pieces;      /* > 1: the data in this many descriptors */
	bool indirect;        /* split ring: the buffers after the first `ndirect` in an indirect table */
	unsigned ndirect;
	bool table_write;     /* VIRTQ_DESC_F_WRITE on the descriptor that points at the table */
};

#define VC_BLK_MAX_BUFS 272

/* One request: its header, data, ZONE_APPEND's append_sector and status
 * live in one DMA block [header 16][data len][append_sector 8][status 1]. */
struct vc_blk_req {
	uint32_t type, reserved;
	uint64_t sector;
	uint32_t len;                    /* data bytes */
	bool data_in;                    /* the data is device-writable */
	bool append;                     /* an append_sector field before the status */
	struct vc_blk_shape shape;
	/* once built */
	uint64_t base, data_at, append_at, status_at;
	struct vc_buf bufs[VC_BLK_MAX_BUFS];
	unsigned n;
	uint32_t writable;               /* device-writable bytes in the chain */
	/* once used */
	uint16_t id;
	uint32_t used_len;
	uint8_t status;
};

/* A request of `type` at `sector` with `len` data bytes, the plain shape;
 * the data's direction and append_sector follow from the type (IN, GET_ID,
 * GET_LIFETIME and ZONE_REPORT read from the device). */
void vc_blk_init(struct vc_blk_req *r, uint32_t type, uint64_t sector, uint32_t len);
/* Allocate and fill it in DMA memory: header, the readable data `out` (NULL:
 * zeros), writable data holding vc_blk_canary bytes, append_sector all ones,
 * status VC_BLK_STATUS_UNSET; then r->bufs laid out per r->shape.
 * -EINVAL when the shape does not fit VC_BLK_MAX_BUFS. */
int vc_blk_build(struct vc_driver *drv, struct vc_blk_req *r, const void *out);
/* Make it available on vq (direct or through a table, as its shape says)
 * and ring the doorbell. -ENOTSUP: an indirect shape on a packed ring. */
int vc_blk_submit(struct vc_driver *drv, struct vc_vq *vq, struct vc_blk_req *r);
/* Wait up to timeout_ms for it to be used and read its status (and used
 * len). -ETIMEDOUT; -EPROTO when another buffer came back first (r->id
 * is then the id that came). */
int vc_blk_wait(struct vc_driver *drv, struct vc_vq *vq, struct vc_blk_req *r, unsigned timeout_ms);
/* build + submit + wait. */
int vc_blk_run(struct vc_driver *drv, struct vc_vq *vq, struct vc_blk_req *r, const void *out, unsigned timeout_ms);
/* The data bytes as they are now (r->len bytes into buf). */
int vc_blk_data(struct vc_driver *drv, const struct vc_blk_req *r, void *buf);
/* ZONE_APPEND's append_sector as the device left it. */
int vc_blk_append_sector(struct vc_driver *drv, const struct vc_blk_req *r, uint64_t *sector);

/* Byte k of a writable data area before the device writes it. */
uint8_t vc_blk_canary(uint32_t k);
/* Byte k of the data the harness writes at `sector` (k counted from that
 * sector's start) with a given seed: every sector and seed different. */
uint8_t vc_blk_pattern(uint64_t sector, uint32_t k, unsigned seed);
void vc_blk_pattern_fill(uint8_t *buf, uint64_t sector, uint32_t len, unsigned seed);
/* How many bytes from k on still hold the canary, in a row (0: byte k does not). */
uint32_t vc_blk_canary_run(const uint8_t *buf, uint32_t len, uint32_t k);

/* A start refused with `want` (NULL: VERSION_1 only): true with `out` =
 * want + VIRTIO_BLK_F_ZONED when the device is a block device offering
 * ZONED that `want` left out (a host-managed device must refuse that). */
bool vc_blk_zoned_retry(const struct vc_probe *p, const uint32_t *want, uint32_t out[VC_FEATURE_WORDS]);

/* Device-specific configuration (struct virtio_blk_config) */
/* A configuration capability whose structure lies inside its BAR (as far
 * as the backend knows BAR sizes). */
bool vc_blk_cfg_reachable(const struct vc_device *d, const struct vc_probe *p);
/* Reads and writes fail with -ENODATA past the structure's length. */
int vc_blk_cfg_read(struct vc_driver *drv, unsigned off, unsigned width, uint64_t *v);
int vc_blk_cfg_write(struct vc_driver *drv, unsigned off, unsigned width, uint64_t v);

#endif
