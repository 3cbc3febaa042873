/* A device type's driver session: the device started with its type's
 * feature bits, several queues set up at once, and requests of readable
 * then writable pieces sent, held (receive and event queues) and matched
 * with their used elements. Each type's driver (vc/devtypes/TYPE.h) builds
 * its requests on this; the transport's one-queue session is suites/session.h. */
#ifndef VC_DEVTYPES_DEV_H
#define VC_DEVTYPES_DEV_H

#include "vc/driver.h"
#include "vc/pci.h"

#define VC_DEV_MAX_QUEUES 16
#define VC_DEV_QUEUE_SIZE 64      /* queues are set up this small (or the device's size) */
#define VC_REQ_MAX_SEGS 8

/* One piece of a request: `out` (len bytes, NULL: zeroes) for the device
 * to read, or a writable piece copied back into `in` (NULL: not copied),
 * filled with `out` first when it is given (else zeroed). */
struct vc_iov {
	const void *out;
	void *in;
	uint32_t len;
	bool writable;
	uint64_t bus;       /* nonzero: this DMA memory as it stands (out is not copied in) */
};

/* A request made available and not yet seen used. */
struct vc_req {
	unsigned q;
	uint16_t id;
	struct vc_buf buf[VC_REQ_MAX_SEGS];
	void *back[VC_REQ_MAX_SEGS];
	unsigned n;
	bool done;
	uint32_t used;               /* the used length, once done */
};

struct vc_dev {
	struct vc_driver drv;
	struct vc_vq vq[VC_DEV_MAX_QUEUES];
	uint64_t queues;             /* bit q: queue q set up and enabled */
	/* used elements read from the rings, by queue and id, not yet claimed */
	uint8_t seen[VC_DEV_MAX_QUEUES][VC_DEV_QUEUE_SIZE / 8];
	uint32_t seen_len[VC_DEV_MAX_QUEUES][VC_DEV_QUEUE_SIZE];
	uint16_t stray_q, stray_id;  /* the last used id no request was waiting for */
	unsigned strays;
};

/* Reset, negotiate VERSION_1 and the bits of `want` (others the device
 * does not offer are left out: vc_negotiated says), set up and enable the
 * queues in the `queues` mask (each at most VC_DEV_QUEUE_SIZE entries),
 * then DRIVER_OK unless `hold` (the caller does it: vc_dev_driver_ok).
 * Returns 0, -EPROTO when FEATURES_OK is refused, -ENOENT when a queue
 * does not exist (size 0), or an access error. */
int vc_dev_open(struct vc_dev *d, struct vc_device *dev, const struct vc_probe *p, const uint32_t *want,
		uint64_t queues, bool hold);
/* vc_dev_open on a driver already reset and negotiated (drv). */
int vc_dev_queues(struct vc_dev *d, uint64_t queues, bool hold);
int vc_dev_driver_ok(struct vc_dev *d);

/* Copy the pieces into DMA memory and make them available on queue q
 * (readable pieces must come first), and notify unless `quiet`. */
int vc_dev_send(struct vc_dev *d, unsigned q, const struct vc_iov *iov, unsigned n, struct vc_req *r, bool quiet);
int vc_dev_kick(struct vc_dev *d, unsigned q);
/* Wait until r is used (bounded by ms): its writable pieces are copied
 * back. 0, -ETIMEDOUT, or an access error. */
int vc_dev_wait(struct vc_dev *d, struct vc_req *r, unsigned ms);
/* Look once, without waiting: 0 when r is used (copied back), -EAGAIN. */
int vc_dev_poll(struct vc_dev *d, struct vc_req *r);
/* The first of n requests to be used within ms: its index, or -ETIMEDOUT. */
int vc_dev_wait_any(struct vc_dev *d, struct vc_req *const *r, unsigned n, unsigned ms);
/* A stream of buffers the device fills in its own order (events, received
 * data): the next used element of queue q in ring order, within ms, is
 * one of reqs[]: it is claimed (copied back) and its index returned;
 * -ETIMEDOUT, or -ENOENT when it names none of them. A queue read this way
 * is not waited on with vc_dev_wait/poll. */
int vc_dev_next_used(struct vc_dev *d, unsigned q, struct vc_req *const *reqs, unsigned n, unsigned ms);
/* send + wait: a request answered at once. */
int vc_dev_call(struct vc_dev *d, unsigned q, const struct vc_iov *iov, unsigned n, uint32_t *used, unsigned ms);

/* A feature bit's name for a device of this virtio type (the transport's
 * names for bits 24 and up), NULL when it has none here. */
const char *vc_devtype_feature_name(unsigned type, unsigned bit);

/* Add to a feature set the device-type bits a driver must accept when
 * offered (an I2C adapter's ZERO_LENGTH_REQUEST, I2C-OP-DRV-1): every set
 * the harness negotiates has them, as a conformant driver's does. */
void vc_devtype_must_accept(const struct vc_probe *p, uint32_t *bits);

/* Before DRIVER_OK: the queue a driver of the type must fill during its
 * initialization (a CAN device's Rxq, CAN-INIT-DRV-1; a sound device's
 * event queue, SOUND-INIT-DRV-2), set up and given a few empty buffers
 * when the session did not enable it itself; queue_select is left as it
 * was. Every session obeys it, so no verdict of another clause comes from
 * a driver that skipped it. 0 or an access error. */
int vc_devtype_init_fill(struct vc_driver *drv);

/* How many of the device-specific configuration's first len bytes a
 * driver may read whatever it negotiates: no further than the type's
 * structure, and a sound device's `controls` only with VIRTIO_SND_F_CTLS
 * (SOUND-INIT-DRV-1), so a view of the whole structure stops before it. */
unsigned vc_devtype_cfg_readable(const struct vc_probe *p, unsigned len);

/* The device-specific configuration, little-endian, `width` 1, 2, 4 or 8. */
int vc_dev_cfg_read(struct vc_dev *d, unsigned off, unsigned width, uint64_t *val);
int vc_dev_cfg_write(struct vc_dev *d, unsigned off, unsigned width, uint64_t val);
/* Its first len bytes (a multiple of 4) as one consistent view: read inside
 * one config_generation (a few tries). -ENOENT when the structure is
 * missing or shorter. */
int vc_dev_cfg_snapshot(struct vc_dev *d, uint8_t *b, unsigned len);

/* Little-endian fields in byte buffers (requests and answers); vc_le16
 * and vc_le32 (vc/pci.h) read them. */
static inline void vc_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void vc_put32(uint8_t *p, uint32_t v) { vc_put16(p, (uint16_t)v); vc_put16(p + 2, (uint16_t)(v >> 16)); }
static inline void vc_put64(uint8_t *p, uint64_t v) { vc_put32(p, (uint32_t)v); vc_put32(p + 4, (uint32_t)(v >> 32)); }
static inline uint64_t vc_le64(const uint8_t *p) { return vc_le32(p) | (uint64_t)vc_le32(p + 4) << 32; }

#endif
