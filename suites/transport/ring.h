/* End-to-end virtqueue checks shared by the split and packed suites, on a
 * session (session.h) started with the features a rule needs: canaries
 * around the request, and checks on what came back. */
#ifndef VC_SUITES_RING_H
#define VC_SUITES_RING_H

#include "session.h"

#define RING_MAX_BUFS 16
#define RING_MAX_BYTES 4096

/* Packed descriptor flag bits (struct pvirtq_desc.flags). */
enum { RING_PACKED_AVAIL = 1 << 7, RING_PACKED_USED = 1 << 15 };

/* One buffer made available, and what its memory held before. */
struct ring_io {
	struct vc_buf bufs[RING_MAX_BUFS];
	unsigned n;
	uint16_t id;
	uint16_t used_slot;        /* packed: where the used descriptor was found */
	uint32_t len;              /* used len */
	uint8_t readable[RING_MAX_BYTES];
};

/* Each buffer of 2 bytes or more split into a 1-byte piece and the rest:
 * the same request in a different arrangement. Returns the count. */
unsigned ring_split_pieces(const struct vc_buf *in, unsigned n, struct vc_buf *out);

void ring_io_init(struct ring_io *io, const struct vc_buf *bufs, unsigned n);
/* Canary in the writable buffers, snapshot of the readable ones. */
bool ring_arm(struct session *r, struct ring_io *io);
/* ring_arm, then the descriptors made available (no doorbell). */
bool ring_add(struct session *r, struct ring_io *io);
bool ring_kick(struct session *r);
/* Wait (device timeout) for io's buffer to be used: FAIL when it is not,
 * or when another buffer comes back instead. */
bool ring_used(struct session *r, struct ring_io *io);
/* ring_add + ring_kick + ring_used */
bool ring_send(struct session *r, struct ring_io *io);

/* used len fits the writable bytes and is what the request makes the
 * device write (ring_check_len), the first len of them (in chain order) no
 * longer hold the canary, and nothing outside the buffers was written
 * (ring_check_guards). */
void ring_check_written(struct session *r, struct ring_io *io);
/* len is the used len the session's request makes the device report
 * (vc_request's len_min..len_max); FAIL, false, when it is not. */
bool ring_check_len(struct session *r, uint32_t len, unsigned ndesc);
/* The DMA guards around every allocation of the session (session_open arms
 * them) still hold their pattern; FAIL when one does not. */
void ring_check_guards(struct session *r);
/* The readable buffers hold what the driver wrote. */
void ring_check_readable(struct session *r, struct ring_io *io);
/* The same request in another arrangement (`how`) reports the same used len. */
void ring_check_same_len(struct session *r, const struct ring_io *whole, const struct ring_io *other, const char *how);

/* One interrupt within timeout_ms: *got. False on a backend error. */
bool ring_irq(struct session *r, unsigned timeout_ms, bool *got);
/* Forget interrupts already raised. False on a backend error. */
bool ring_irq_drain(struct session *r);

/* How a clause makes a request available: each buffer in two pieces (a
 * 1-byte one first), and/or (split ring) through an indirect table after
 * `ndirect` direct buffers, WRITE set on the pointing descriptor or not
 * (the table's entries in reverse order), or scattered
 * (vc_vq_add_scattered: split, in table slots going down to slot 0;
 * packed, under a buffer id out of order). */
struct ring_shape {
	bool pieces, indirect;
	unsigned ndirect;
	bool write_flag;
	bool scattered;
};
/* ring_arm, made available as `sh` says (io's buffers already in pieces),
 * ring_kick, ring_used. */
bool ring_send_shaped(struct session *r, struct ring_io *io, const struct ring_shape *sh);
/* On a block device (ring_blk.c), the clause's data check: a write and a
 * read made available as `sh` says (`how`, for messages), their bytes
 * compared with what plain requests find on the disk, the ring checks
 * applied to both. True when the device is a block device (the check ran,
 * its verdicts given); false for other types. */
bool ring_blk_data(struct session *r, const struct ring_shape *sh, const char *how);

/* Whole checks the two ring layouts share. */
void ring_readable_untouched(struct vc_ctx *c, bool packed);
void ring_any_arrangement(struct vc_ctx *c, bool packed);

#endif
