/* Media device clauses' shared session (suites/media/). */
#ifndef VC_SUITES_MEDIA_H
#define VC_SUITES_MEDIA_H

#include "../devsession.h"
#include "vc/devtypes/media.h"

#define L_MEDIA_OP "Device Types / Media Device / Device Operation"
#define L_MEDIA_SANITY "Sanity: what a media device is for (not a spec rule)"
#define MEDIA_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
/* No QEMU has a virtio-media model: the sim is what reaches the clauses. */
#define MEDIA_TARGETS "sim:type=48"
#define MEDIA_EVENTS 16

struct media {
	struct vc_dev d;
	struct vc_req ev[MEDIA_EVENTS];
	uint8_t evbuf[MEDIA_EVENTS][VC_MEDIA_EVENT_LEN];
	unsigned posted;
};

/* Both queues set up, DRIVER_OK, the eventq filled with buffers for the
 * largest event. The session lives in the clause's memory: NULL after a
 * verdict. */
struct media *media_open(struct vc_ctx *c);
/* OPEN answered 0: the session's id (SKIP when refused). */
bool media_session(struct vc_ctx *c, struct media *m, uint32_t *id);
bool media_close(struct vc_ctx *c, struct media *m, uint32_t id);
/* An ioctl answered (any status: io->status). */
bool media_ioctl(struct vc_ctx *c, struct media *m, struct vc_media_ioctl *io, const char *what);
/* An ioctl answered 0; SKIP naming it when it was refused (a step the
 * clause needs: the device does not support what it sets up). */
bool media_ioctl_ok(struct vc_ctx *c, struct media *m, struct vc_media_ioctl *io, const char *what);
/* S_FMT of a width x height greyscale capture format: the size of the
 * image the device chose. */
bool media_format(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t width, uint32_t height,
		  uint32_t *size);
/* REQBUFS of `count` buffers of `memory`: SKIP when fewer are given. */
bool media_reqbufs(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t memory, uint32_t count);
bool media_stream(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t code);
/* The next event on the eventq, within the device's timeout: its bytes
 * (the buffer's used length in *len), or NULL (no verdict given: the
 * caller's). */
const uint8_t *media_event(struct vc_ctx *c, struct media *m, uint32_t *len);
/* Events until a DQBUF of session id: its v4l2_buffer; FAIL when none
 * comes, or when it names a buffer that is not among the `queued` ones
 * (bit i: buffer i, which then leaves the set). */
const uint8_t *media_dqbuf(struct vc_ctx *c, struct media *m, uint32_t id, uint32_t *queued);
/* Shared memory region 0 (MMAP buffers): SKIP without one. */
const struct vc_vcap *media_shm(struct vc_ctx *c);
bool media_shm_read(struct vc_ctx *c, const struct vc_vcap *shm, uint64_t at, uint8_t *buf, uint32_t len);
/* The first byte of buf that differs from frame seq's: -1 when none. */
long media_frame_differs(const uint8_t *buf, uint32_t len, uint32_t seq);

#endif
