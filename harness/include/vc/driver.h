/* The harness as a virtio driver: status sequence, feature negotiation,
 * virtqueues in DMA memory, the doorbell, used-buffer polling. Suites use it
 * to make a device do things; it never knows which backend runs. */
#ifndef VC_DRIVER_H
#define VC_DRIVER_H

#include "virtio_pci.h"

struct vc_trace;

/* One driver session on a device (a clause's worth of state). */
struct vc_driver {
	struct vc_device *dev;
	const struct vc_probe *p;
	uint32_t features[VC_FEATURE_WORDS];   /* accepted by the driver */
	uint8_t status;                        /* last status the driver wrote */
	uint64_t enabled;                      /* queues 0..63 enabled since the reset */
	struct vc_trace *trace;                /* NULL: doorbells not recorded */
	/* The 2020 draft profile: put notify_data in the vqn field when the
	 * notify capability asks for it (only with --profile draft-notify-cap-data). */
	bool draft_notify_data;
	/* The runner's own session between clauses (its check that the device
	 * still works): never the self-test hook's broken doorbell. */
	bool runner;
};

void vc_driver_init(struct vc_driver *drv, struct vc_device *dev, const struct vc_probe *p);
bool vc_negotiated(const struct vc_driver *drv, unsigned bit);

/* Write 0 to device_status and wait (bounded by dev->timeout_ms) until it
 * reads 0. -ETIMEDOUT if it never does. */
int vc_reset(struct vc_driver *drv);
int vc_status_read(struct vc_driver *drv, uint8_t *status);
/* Poll device_status until (status & mask) == value, bounded by ms: 0, or
 * -ETIMEDOUT with *status the last value read, or an access error. */
int vc_status_wait(struct vc_driver *drv, uint8_t mask, uint8_t value, unsigned ms, uint8_t *status);
/* OR bits into the status (the driver never clears a bit) and write it.
 * DRIVER_OK comes after what every driver of the device type does first
 * (vc_devtype_init_fill). */
int vc_status_add(struct vc_driver *drv, uint8_t bits);
/* ACKNOWLEDGE | DRIVER, accept (want & offered), FEATURES_OK, read back.
 * Returns 0, -EPROTO when the device drops FEATURES_OK, or an access error. */
int vc_negotiate(struct vc_driver *drv, const uint32_t want[VC_FEATURE_WORDS]);
/* reset + negotiate: the usual start of a dynamic clause. want NULL: VERSION_1 only. */
int vc_start(struct vc_driver *drv, const uint32_t *want);
void vc_features_set(uint32_t words[VC_FEATURE_WORDS], unsigned bit);
/* A transport feature bit's name (VIRTIO_F_...); NULL for the others. */
const char *vc_feature_name(unsigned bit);

/* A buffer in DMA memory. */
struct vc_buf {
	uint64_t addr;
	uint32_t len;
	bool writable;           /* device-writable */
};

/* DMA memory: a per-device arena, handed out in order and reclaimed as a
 * whole between clauses. */
int vc_dma_alloc(struct vc_device *d, size_t len, size_t align, uint64_t *bus);
void vc_dma_reclaim(struct vc_device *d);
/* Guard canaries: from now until the next reclaim, every allocation is
 * surrounded by at least VC_DMA_GUARD bytes of a known pattern, so a device
 * that writes outside the buffers and rings it was given is caught. */
#define VC_DMA_GUARD 256
int vc_dma_guard(struct vc_device *d);
/* 0 when every guard byte holds its pattern; -EFAULT with *where (the bus
 * address of the first changed byte) and *got (its value) when one does not;
 * another errno when the arena cannot be read. */
int vc_dma_guard_check(struct vc_device *d, uint64_t *where, uint8_t *got);
int vc_dma_read(struct vc_device *d, uint64_t bus, void *buf, size_t len);
/* Several DMA reads, made in the order given, in one wait where the backend can. */
int vc_dma_readv(struct vc_device *d, const struct vc_dma_piece *v, unsigned n);
int vc_dma_write(struct vc_device *d, uint64_t bus, const void *buf, size_t len);

struct vc_vq {
	uint16_t index, size;
	bool packed;
	uint64_t desc, driver, device;   /* ring areas (split: desc, avail, used) */
	uint16_t notify_off;
	uint16_t notif_config_data;      /* with VIRTIO_F_NOTIF_CONFIG_DATA */
	/* split: free-running avail and last-seen used indexes */
	uint16_t avail_idx, used_idx, next_desc;
	/* packed: next slot to fill and to read, with their wrap counters */
	uint16_t next_avail, next_used;
	bool avail_wrap, used_wrap;
	uint16_t next_id;
	uint16_t chain_len[1024];        /* packed: descriptors per buffer id */
};

/* Allocate and program queue `index` (size 0: the device's queue_size),
 * without enabling it. */
int vc_vq_setup(struct vc_driver *drv, uint16_t index, uint16_t size, struct vc_vq *vq);
int vc_vq_enable(struct vc_driver *drv, struct vc_vq *vq);
/* Make a chain of buffers available (readable ones first). *id names it in
 * the used ring. Does not notify. */
int vc_vq_add(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n, uint16_t *id);
/* Split ring, in two steps for a clause that shapes a chain before the
 * device may see it (a driver never changes what it made available):
 * write the descriptors (*id: the head), then make the chain available. */
int vc_vq_prepare(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n, uint16_t *id);
int vc_vq_publish(struct vc_driver *drv, struct vc_vq *vq, uint16_t id);
/* Split ring with VIRTIO_F_INDIRECT_DESC: the first `ndirect` buffers as
 * ordinary descriptors, then one descriptor pointing at a table holding the
 * rest. write_flag sets VIRTQ_DESC_F_WRITE on that pointing descriptor
 * (which the device must ignore); reversed keeps the first buffer at entry
 * 0, where the device starts, and puts the rest from the last entry down,
 * so next goes down the table. */
#define VC_VQ_MAX_DIRECT 15
int vc_vq_add_indirect(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n,
		       unsigned ndirect, bool write_flag, bool reversed, uint16_t *id);
/* A chain in an unusual but valid arrangement, made available (no
 * doorbell). Split: its descriptors in table slots n-1 down to 0 (which
 * must be free: nothing else in flight), so next goes down and the last
 * link is a next of 0 with NEXT set. Packed: a buffer id far from the ones
 * handed out in order (nothing else in flight), so an id a device derives
 * from ring positions shows. */
int vc_vq_add_scattered(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n,
			uint16_t *id);
/* Packed ring: vc_vq_add with the head's AVAIL and USED bits as they stand
 * on the ring's other lap, so the request is not available; the caller
 * flips them (the driver's state is as vc_vq_add leaves it). Split:
 * -ENOTSUP. */
int vc_vq_add_other_lap(struct vc_driver *drv, struct vc_vq *vq, const struct vc_buf *bufs, unsigned n, uint16_t *id);
/* The one doorbell: an available buffer notification for vq, formatted as
 * the negotiated features require, recorded in the trace. */
int vc_vq_kick(struct vc_driver *drv, struct vc_vq *vq);
/* One used buffer if there is one: 0, or -EAGAIN. */
int vc_vq_get_used(struct vc_driver *drv, struct vc_vq *vq, uint16_t *id, uint32_t *len);
/* Split ring, VIRTIO_F_IN_ORDER: the used element just read stood for a
 * batch, `n` more buffers the device used without elements of their own. */
void vc_vq_skip_used(struct vc_vq *vq, uint16_t n);
/* Wait for a used buffer, bounded by timeout_ms: 0 or -ETIMEDOUT (at
 * once when the device sets DEVICE_NEEDS_RESET: it will use nothing). */
int vc_vq_wait_used(struct vc_driver *drv, struct vc_vq *vq, unsigned timeout_ms, uint16_t *id, uint32_t *len);
/* The same, and then the `also` pieces (at most 4: what the device was to
 * write for the request the caller waits for) read behind the used entry,
 * in the wait that finds it where the backend can. */
int vc_vq_wait_used_read(struct vc_driver *drv, struct vc_vq *vq, unsigned timeout_ms, uint16_t *id, uint32_t *len,
			 const struct vc_dma_piece *also, unsigned nalso);
/* Split-ring driver-area fields for notification suppression. */
int vc_vq_set_avail_flags(struct vc_driver *drv, struct vc_vq *vq, uint16_t flags);
int vc_vq_set_used_event(struct vc_driver *drv, struct vc_vq *vq, uint16_t used_event);

/* A request the device type will really consume, for end-to-end checks. */
struct vc_request {
	uint16_t queue;
	struct vc_buf bufs[4];
	unsigned n;
	uint32_t writable;          /* bytes the device may write */
	/* The used len the type's rules make the device report for it: the
	 * bytes it must write (len_min == len_max when the request fixes them,
	 * a block read of N bytes: N + 1), or a range (an entropy device may
	 * fill less than the buffer). */
	uint32_t len_min, len_max;
	const char *what;
	/* A network device's transmit: the readable bytes after the first
	 * wire_skip (its header) are one frame its link partner must capture
	 * unchanged. 0: nothing goes on a wire. */
	uint16_t wire_skip;
	/* Another queue any driver of the type sets up with it (a NIC's
	 * receiveq1 beside transmitq1), which a device may wait for before
	 * serving the first; 0: none. Queue number plus one. */
	uint16_t with_queue;
};
/* Build a request for this device type in DMA memory; -ENOTSUP when the
 * harness has no driver for the type. */
int vc_request_make(struct vc_driver *drv, struct vc_request *req);
/* The same request on another of the type's queues: -ENOTSUP when the type
 * has no request there, or needs a feature for that queue that was not
 * negotiated (a block device's queues past 0 need VIRTIO_BLK_F_MQ). */
int vc_request_make_on(struct vc_driver *drv, uint16_t queue, struct vc_request *req);
/* The feature bits (below 64) the device offers that a driver negotiates to
 * use every queue vc_request_make_on knows a request for; 0 when its type
 * has requests for one queue only (callers then look no further). */
uint64_t vc_request_queue_bits(const struct vc_probe *p);

/* Interrupts. MSI-X with `nvectors` vectors (the driver programs the table
 * where the backend lets it), or INTx. */
int vc_irq_msix(struct vc_driver *drv, unsigned nvectors);
int vc_irq_intx(struct vc_driver *drv);
/* Wait for one interrupt: 0 with *vector (-1 for INTx), or -ETIMEDOUT. */
int vc_irq_wait(struct vc_driver *drv, unsigned timeout_ms, int *vector);
/* Forget interrupts already raised, and INTx's ISR status (INTx is a level:
 * reading ISR status lowers it, so the next one is seen). 0 or an error. */
int vc_irq_drain(struct vc_driver *drv);
/* What the runner does between clauses: vc_reset, vc_irq_drain and
 * vc_irq_intx, with the accesses in one batch where the backend can. 0,
 * -ETIMEDOUT for a reset that never completes (counted as vc_reset counts
 * it), or an access error. */
int vc_quiesce(struct vc_driver *drv);

/* Something that must NOT happen (no used buffer, no interrupt): let the
 * device settle (device.h, settle) and return how long still to watch for
 * it: 0 when the backend knows the device has done all it was asked, else
 * `ms`, the fixed window. The caller then looks with that timeout. */
unsigned vc_quiet_ms(struct vc_driver *drv, unsigned ms);
/* Something the device must do (a buffer used, a status bit set): how long
 * to wait for it, `ms` (the device timeout), or 0 on a VC_SYNC device that
 * settled, which will not do later what it has not done (the sim: a check
 * that fails there fails at once). Other backends' settle is not final: a
 * device may finish work on its own thread or timer later. */
unsigned vc_done_ms(struct vc_driver *drv, unsigned ms);


#endif
