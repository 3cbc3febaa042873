/* virtio-iommu (device ID 23) as a driver uses it: its configuration, the
 * request queue (ATTACH, DETACH, MAP, UNMAP, PROBE and whatever bytes a
 * clause builds) and the event queue where faults are reported. Built on a
 * device type's driver session (vc/devtypes/dev.h); no verdicts here,
 * errno values only. */
#ifndef VC_DEVTYPES_IOMMU_H
#define VC_DEVTYPES_IOMMU_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_IOMMU 23

enum {
	VIRTIO_IOMMU_F_INPUT_RANGE = 0,
	VIRTIO_IOMMU_F_DOMAIN_RANGE = 1,
	VIRTIO_IOMMU_F_MAP_UNMAP = 2,
	VIRTIO_IOMMU_F_BYPASS = 3,
	VIRTIO_IOMMU_F_PROBE = 4,
	VIRTIO_IOMMU_F_MMIO = 5,
	VIRTIO_IOMMU_F_BYPASS_CONFIG = 6,
};

enum { IOMMU_T_ATTACH = 1, IOMMU_T_DETACH, IOMMU_T_MAP, IOMMU_T_UNMAP, IOMMU_T_PROBE };
enum {
	IOMMU_S_OK, IOMMU_S_IOERR, IOMMU_S_UNSUPP, IOMMU_S_DEVERR, IOMMU_S_INVAL,
	IOMMU_S_RANGE, IOMMU_S_NOENT, IOMMU_S_FAULT, IOMMU_S_NOMEM,
};
#define IOMMU_ATTACH_F_BYPASS 1u
#define IOMMU_MAP_F_READ 1u
#define IOMMU_MAP_F_WRITE 2u
#define IOMMU_MAP_F_MMIO 4u
#define IOMMU_FAULT_F_READ 1u
#define IOMMU_FAULT_F_WRITE 2u
#define IOMMU_FAULT_F_ADDRESS 0x100u
enum { IOMMU_FAULT_R_UNKNOWN, IOMMU_FAULT_R_DOMAIN, IOMMU_FAULT_R_MAPPING };
#define IOMMU_PROBE_T_RESV_MEM 1
enum { IOMMU_RESV_MEM_T_RESERVED, IOMMU_RESV_MEM_T_MSI };

/* struct virtio_iommu_config: where each field sits */
#define IOMMU_CFG_PAGE_SIZE_MASK 0
#define IOMMU_CFG_INPUT_START 8
#define IOMMU_CFG_INPUT_END 16
#define IOMMU_CFG_DOMAIN_START 24
#define IOMMU_CFG_DOMAIN_END 28
#define IOMMU_CFG_PROBE_SIZE 32
#define IOMMU_CFG_BYPASS 36
#define IOMMU_CFG_SIZE 40

/* Request sizes: the device-readable part (head and body); the tail is 4 bytes. */
#define IOMMU_ATTACH_LEN 20
#define IOMMU_DETACH_LEN 20
#define IOMMU_MAP_LEN 36
#define IOMMU_UNMAP_LEN 28
#define IOMMU_PROBE_LEN 72
#define IOMMU_TAIL_LEN 4
#define IOMMU_FAULT_LEN 24
#define IOMMU_RESV_MEM_LEN 20      /* a RESV_MEM property without its 4-byte header */
#define IOMMU_PROBE_SIZE_MAX 65536 /* the most properties the harness takes */

struct iommu_config {
	uint64_t page_size_mask, input_start, input_end;
	uint32_t domain_start, domain_end, probe_size;
	uint8_t bypass;
};

#define IOMMU_EVENTS_MAX 16
#define IOMMU_EVENT_BUF 64          /* the largest event buffer the harness makes */
#define IOMMU_QUEUES 3ull           /* requestq (0) and eventq (1) */

struct iommu {
	struct vc_dev dev;
	struct iommu_config cfg;
	struct vc_req evt[IOMMU_EVENTS_MAX];
	uint8_t evt_data[IOMMU_EVENTS_MAX][IOMMU_EVENT_BUF];
	unsigned nevt;
};

/* What the device said: the tail's bytes as it left them (pre-filled), and
 * the used length. */
struct iommu_tail {
	uint8_t status, reserved[3];
	uint32_t used;
};

/* The configuration, read inside one config_generation. */
int iommu_config_read(struct vc_dev *d, struct iommu_config *cfg);
/* The granule: the smallest page size page_size_mask names (0 if none). */
uint64_t iommu_granule(const struct iommu_config *cfg);
/* bypass written (VIRTIO_IOMMU_F_BYPASS_CONFIG negotiated) and read back into cfg. */
int iommu_write_bypass(struct iommu *io, uint8_t v);

/* Any request: `len` device-readable bytes, then `out_len` device-writable
 * bytes pre-filled with `fill`; waits (device timeout) for it to be used and
 * copies the writable bytes into out (out_len of them). *used: the used
 * length. -ETIMEDOUT when it never comes back. */
int iommu_request(struct iommu *io, const void *in, uint32_t len, uint8_t *out, uint32_t out_len, uint8_t fill,
		  uint32_t *used);
/* A built request with a 4-byte tail (pre-filled 0xff). */
int iommu_send(struct iommu *io, const uint8_t *req, uint32_t len, struct iommu_tail *t);

/* Request builders: the bytes of each request's device-readable part,
 * reserved fields zero; returns the length. */
uint32_t iommu_build_attach(uint8_t *b, uint32_t domain, uint32_t ep, uint32_t flags);
uint32_t iommu_build_detach(uint8_t *b, uint32_t domain, uint32_t ep);
uint32_t iommu_build_map(uint8_t *b, uint32_t domain, uint64_t vstart, uint64_t vend, uint64_t pstart, uint32_t flags);
uint32_t iommu_build_unmap(uint8_t *b, uint32_t domain, uint64_t vstart, uint64_t vend);
uint32_t iommu_build_probe(uint8_t *b, uint32_t ep);

int iommu_attach(struct iommu *io, uint32_t domain, uint32_t ep, uint32_t flags, struct iommu_tail *t);
int iommu_detach(struct iommu *io, uint32_t domain, uint32_t ep, struct iommu_tail *t);
int iommu_map(struct iommu *io, uint32_t domain, uint64_t vstart, uint64_t vend, uint64_t pstart, uint32_t flags,
	      struct iommu_tail *t);
int iommu_unmap(struct iommu *io, uint32_t domain, uint64_t vstart, uint64_t vend, struct iommu_tail *t);
/* PROBE with a properties area of `size` bytes (probe_size, or another for a
 * robustness probe), pre-filled with `fill`; props gets them (size bytes). */
int iommu_probe(struct iommu *io, const uint8_t *req, uint32_t size, uint8_t fill, uint8_t *props,
		struct iommu_tail *t);

/* The event queue: n device-writable buffers of `size` bytes made
 * available (the device reports faults in them). */
int iommu_events_post(struct iommu *io, unsigned n, uint32_t size);
/* The next used event buffer within ms: its bytes (up to cap) and used
 * length. -ETIMEDOUT when none. */
int iommu_event_wait(struct iommu *io, unsigned ms, uint8_t *buf, uint32_t cap, uint32_t *len);

/* A PROBE's properties, walked as the spec lays them out: each header
 * (le16 type:12 reserved:4, le16 length) and its value, the next one
 * length + 4 bytes further, up to a zero type or the end. */
struct iommu_prop {
	uint16_t type, reserved;    /* type: the low 12 bits; reserved: the top 4 */
	uint16_t length;
	uint32_t at;                /* offset of the header in the properties */
};
struct iommu_resv_mem {
	uint8_t subtype, reserved[3];
	uint64_t start, end;
};
/* Up to max properties into out; *end: where the walk stopped (the zero
 * header, or `size`). -EOVERFLOW when a property runs past `size` (*end
 * is its header then). Returns how many were found. */
int iommu_props_walk(const uint8_t *props, uint32_t size, struct iommu_prop *out, unsigned max, uint32_t *end);
void iommu_resv_mem_parse(const uint8_t *props, const struct iommu_prop *p, struct iommu_resv_mem *r);
const char *iommu_status_name(uint8_t status);

#endif
