/* The hostile-driver probes' engine (profile robustness): ROBUSTNESS, not
 * spec verdicts. A probe breaks a driver rule on purpose (the catalog ids
 * in its `breaks`), or gives input no written rule forbids but no sane
 * driver sends ("unusual but allowed input", `breaks` empty), and checks
 * that the device stays sane, which the spec leaves to the device: it MAY
 * use or ignore the bad input, set DEVICE_NEEDS_RESET or refuse FEATURES_OK,
 * but it
 *   - keeps answering common config reads (no hang; a lost QEMU or daemon
 *     is a FAIL that keeps its last words),
 *   - writes nothing outside the buffers and rings it was given (guard
 *     canaries around every DMA allocation: vc_dma_guard),
 *   - leaves another queue's rings alone,
 *   - completes a reset within the device timeout and then serves the
 *     device type's real request again.
 * A failure names its severity (vc_severity): crash, hang, memory, dos or
 * minor, first in the message and in the JSON result.
 *
 * Families are tables: one clause per variant, the variant found from the
 * clause's place in its table (probe_index). Every wait is bounded by the
 * device timeout; the runner resets the device after each probe. Hostile
 * doorbells are written here, not through the one doorbell
 * (harness/doorbell.c), so the trace and its driver-side checks hold only
 * well-formed notifications. */
#ifndef VC_SUITES_ROBUSTNESS_PROBE_H
#define VC_SUITES_ROBUSTNESS_PROBE_H

#include "vc/clause.h"
#include "vc/driver.h"

#define PROBE_PROFILE "robustness"
#define PROBE_LABEL "Robustness: a hostile driver (not a spec rule)"
#define PROBE_SETTLE_MS 100          /* how long a device gets to react to hostile input */
#define PROBE_OTHER_SIZE 16          /* the bystander queue's size: its rings are compared whole */

/* The driving a probe needs: BARs, common configuration, DMA. */
#define PROBE_RING (NEED_BAR_WRITE | NEED_COMMON | NEED_DMA)
/* A table row: a probe checks no spec rule (covers nothing); `breaks` names
 * the driver rules it breaks, and a summary with `breaks` empty says
 * "unusual but allowed input". */
#define PROBE_ROW(id, since, needs, breaks, summary, fn, features, queues) \
	{ id, PROBE_LABEL, VC_MAY, VC_ROBUSTNESS, since, needs, "", summary, PROBE_PROFILE, fn, features, queues, breaks }
#define PROBE_ALLOWED "unusual but allowed input"

/* Descriptor flags, split meaning (packed: the same bits for NEXT, WRITE,
 * INDIRECT, and the AVAIL/USED pair). */
enum { F_NEXT = 1, F_WRITE = 2, F_INDIRECT = 4, P_AVAIL = 1 << 7, P_USED = 1 << 15 };

enum probe_flags {
	PROBE_PACKED = 1,            /* negotiate VIRTIO_F_RING_PACKED (SKIP when not offered) */
	PROBE_ALONE = 2,             /* no bystander queue */
	PROBE_ENABLE_FIRST = 4,      /* queue_enable before the queue addresses */
	PROBE_INDIRECT = 8,          /* negotiate VIRTIO_F_INDIRECT_DESC (SKIP when not offered) */
	PROBE_EVENT_IDX = 16,        /* negotiate VIRTIO_F_EVENT_IDX (SKIP when not offered) */
	PROBE_NO_DRIVER_OK = 32,     /* stop before DRIVER_OK: the caller sets it */
	PROBE_IN_ORDER = 64,         /* negotiate VIRTIO_F_IN_ORDER (SKIP when not offered) */
	PROBE_NO_ENABLE = 128,       /* the request queue set up, not enabled, no DRIVER_OK: the caller goes on */
	PROBE_RING_RESET = 256,      /* negotiate VIRTIO_F_RING_RESET (SKIP when not offered) */
};

struct probe {
	struct vc_ctx *c;
	struct vc_driver drv;
	uint32_t want[VC_FEATURE_WORDS];
	struct vc_request req;
	struct vc_vq vq;                 /* the request's queue: where the hostile input goes */
	struct vc_vq other;              /* another queue, enabled with nothing available (size 0: none) */
	uint8_t other_rings[16 * PROBE_OTHER_SIZE + 6 + 2 * PROBE_OTHER_SIZE + 6 + 8 * PROBE_OTHER_SIZE + 16];
	size_t other_len;
	uint64_t scratch;                /* 4 KiB the hostile descriptors may point at */
};

/* A family's variant: its clause ids (split and packed; NULL: none), what
 * sets it apart for the family's code, and what it gives the device (for
 * messages: "after <what>"). A table ends with a NULL row. */
struct probe_variant {
	const char *split, *packed;
	int kind;
	const char *what;
};
/* The variant clause `c` runs, and whether it is the packed one (NULL
 * after an ERROR: the table has no such row). */
const struct probe_variant *probe_variant(struct vc_ctx *c, const struct probe_variant *table, bool *packed);

/* A backend error on a harness step: ERROR, false. */
bool probe_ok(struct vc_ctx *c, int rc, const char *what);
/* A device access after the hostile input failed: the device stopped
 * answering (FAIL "hang"), or its process is gone (FAIL "crash", with its
 * last words), false; true when rc is 0. */
bool probe_answers(struct probe *p, int rc, const char *after);
/* FAIL with a severity: "SEVERITY: message". */
void probe_fail(struct probe *p, const char *severity, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Guards on, reset, negotiate (VERSION_1 and what flags ask for), the
 * type's request and its queue with `size` entries (0: the device's),
 * another queue beside it unless PROBE_ALONE, DRIVER_OK unless
 * PROBE_NO_DRIVER_OK. False: the clause is over (SKIP or ERROR given). */
bool probe_start(struct vc_ctx *c, struct probe *p, unsigned flags, uint16_t size);
uint16_t probe_queue_max(struct probe *p, uint16_t index);
/* A queue other than the request's that the device has (0xffff: none). */
uint16_t probe_another_queue(struct probe *p);
/* The bus address BAR `bar` is programmed with (0: none or I/O). */
uint64_t probe_bar_address(struct vc_ctx *c, unsigned bar);

/* Raw descriptors: split addr, len, flags, next; packed addr, len, id, flags. */
void probe_desc_bytes(uint8_t *e, uint64_t addr, uint32_t len, uint16_t w12, uint16_t w14);
bool probe_put16(struct probe *p, uint64_t at, uint16_t v);
bool probe_put_desc(struct probe *p, uint16_t slot, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
/* Split: head into the available ring, then the index that publishes it. */
bool probe_publish(struct probe *p, uint16_t head);

/* One descriptor of a hostile buffer. flags: F_NEXT, F_WRITE, F_INDIRECT
 * (packed: the AVAIL/USED pair is added for the current wrap unless
 * `exact`); next: split only, PROBE_NEXT_AUTO for the following slot. */
#define PROBE_NEXT_AUTO 0xffff
struct probe_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
/* Make n raw descriptors available as one buffer: split, from the next
 * free slot, the head published; packed, from the next ring slot with the
 * current wrap's AVAIL/USED bits (exact: flags as given), buffer id `id`,
 * the head's flags written last. */
bool probe_chain(struct probe *p, const struct probe_desc *d, unsigned n, bool exact, uint16_t id);
/* n raw descriptors as an indirect table in DMA memory (split layout with
 * next as given, PROBE_NEXT_AUTO: i + 1; packed layout, id 0): *at. */
bool probe_table(struct probe *p, const struct probe_desc *d, unsigned n, uint64_t *at);
/* The type's request as raw descriptors (readable first): how many. */
unsigned probe_request_descs(const struct probe *p, struct probe_desc *d);

void probe_settle(struct probe *p);
bool probe_guards_intact(struct probe *p, const char *after);
/* Still answering, nothing written where it was not given, the other queue
 * left alone. What the device chose to do goes into the message. */
bool probe_sane(struct probe *p, const char *after);
/* The request made available and notified; false (no verdict) when it is
 * not used within the device timeout; FAIL when another buffer comes back. */
bool probe_request_used(struct probe *p, const struct vc_request *req, const char *when);
/* After a well-notified request was not used (probe_request_used false):
 * true when the device said DEVICE_NEEDS_RESET (allowed), else a FAIL
 * ("dos", unless a verdict is already given) and false. */
bool probe_needs_reset(struct probe *p, const char *after);
/* A reset completes, and the device serves its real request again. */
void probe_recovers(struct probe *p, const char *after);
/* The usual end: let the device react, check it, reset it, use it. */
void probe_after(struct probe *p, const char *what);
/* The request queue's doorbell, then probe_after. */
void probe_kick(struct probe *p, const char *what);

/* Doorbells written raw at `off` in the notification structure. */
uint64_t probe_notify_at(const struct probe *p, uint16_t notify_off);
bool probe_doorbell(struct probe *p, uint64_t off, unsigned width, uint64_t value, const char *what);
/* A common configuration access whose failure means the device stopped answering. */
bool probe_common_write(struct probe *p, unsigned field, unsigned width, uint64_t v, const char *what);
bool probe_common_read(struct probe *p, unsigned field, unsigned width, uint64_t *v, const char *what);

#endif
