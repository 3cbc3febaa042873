/* What the virtio-iommu suites share: labels, a clause's driver session
 * on the IOMMU (negotiation, domains, addresses), requests whose status a
 * clause needs or checks, and the endpoints behind the IOMMU that the
 * backend can make do DMA. Helpers give the clause its verdict and return
 * false when it is over. */
#ifndef VC_SUITES_IOMMU_H
#define VC_SUITES_IOMMU_H

#include "devsession.h"
#include "vc/devtypes/iommu.h"

#define L_IOMMU "Device Types / IOMMU Device"
#define L_IOMMU_FEAT L_IOMMU " / Feature bits"
#define L_IOMMU_CFG L_IOMMU " / Device configuration layout"
#define L_IOMMU_OP L_IOMMU " / Device operations"
#define L_IOMMU_ATTACH L_IOMMU_OP " / ATTACH request"
#define L_IOMMU_DETACH L_IOMMU_OP " / DETACH request"
#define L_IOMMU_MAP L_IOMMU_OP " / MAP request"
#define L_IOMMU_UNMAP L_IOMMU_OP " / UNMAP request"
#define L_IOMMU_PROBE L_IOMMU_OP " / PROBE request"
#define L_IOMMU_RESVMEM L_IOMMU_OP " / PROBE properties / RESVMEM"
#define L_IOMMU_FAULT L_IOMMU_OP " / Fault reporting"

#define VI_F(bit) (1ull << (bit))
#define VC_NO_DMA UINT64_MAX
/* The targets that reach a clause (the registry's `targets`). */
#define VI_REACH "sim:type=23 qemu:virtio-iommu-pci"
#define VI_SIM "sim:type=23"
#define VI_DRIVES (NEED_BAR_WRITE | NEED_COMMON | NEED_DMA)
#define VI_DMA_LEN 64           /* bytes an endpoint copies */
#define VI_PROPS_MAX 32

#define VI_MAX_ENDPOINTS 4

struct vi {
	struct vc_ctx *c;
	struct iommu io;
	uint64_t g;                 /* the granule */
	/* the endpoints behind the IOMMU the backend makes do DMA, and IDs no
	 * device has on its platform (host actions iommu-endpoints, -absent) */
	uint32_t ep[VI_MAX_ENDPOINTS], absent[VI_MAX_ENDPOINTS];
	unsigned nep, nabsent;
	uint32_t probed[VI_MAX_ENDPOINTS * 2];
	unsigned nprobed;
	uint64_t fault_at;          /* where vi_provoke_fault's read faulted (not page-aligned) */
};

/* Reset; negotiate VERSION_1, MAP_UNMAP, and INPUT_RANGE, DOMAIN_RANGE and
 * PROBE (a driver should accept them) where offered, plus `want` where
 * offered; every bit of `need` must be negotiated, else SKIP. Then both
 * queues and DRIVER_OK, and the configuration read. */
bool vi_start(struct vc_ctx *c, struct vi *v, uint64_t want, uint64_t need);
bool vi_negotiated(const struct vi *v, unsigned bit);
/* vi_start, at least `endpoints` endpoints (vi_need_endpoints) and the
 * clause's first domain (vi_domain 0). */
bool vi_open(struct vc_ctx *c, struct vi *v, uint64_t want, uint64_t need, unsigned endpoints, uint32_t *domain);
/* Domain k of the clause: inside domain_range when negotiated. SKIP when
 * the range holds too few. */
bool vi_domain(struct vi *v, unsigned k, uint32_t *domain);
/* The k-th granule of input addresses for requests that need no DMA
 * (inside input_range). */
uint64_t vi_iova(const struct vi *v, unsigned k);

/* A request the clause needs to succeed (status OK): a SKIP naming it
 * otherwise (iommu.request.ok-status reports a device that does not
 * answer OK), a FAIL when it never comes back, an ERROR for the backend. */
bool vi_step(struct vi *v, int rc, const struct iommu_tail *t, const char *what);
/* A request whose status the clause checks against `want`. */
bool vi_expect(struct vi *v, int rc, const struct iommu_tail *t, uint8_t want, const char *what);
/* The usual steps: ATTACH (a PROBE of the endpoint first when PROBE is
 * negotiated, as a driver should), MAP, DETACH, UNMAP, each expected OK. */
bool vi_attach(struct vi *v, uint32_t domain, uint32_t ep, uint32_t flags);
bool vi_map(struct vi *v, uint32_t domain, uint64_t iova, uint64_t phys, uint64_t len, uint32_t flags);
bool vi_detach(struct vi *v, uint32_t domain, uint32_t ep);
/* PROBE of ep into props (probe_size bytes, pre-filled with fill). */
bool vi_probe(struct vi *v, uint32_t ep, uint8_t fill, uint8_t *props, struct iommu_tail *t);
/* The RESV_MEM properties of ep (the PROBE expected OK). */
bool vi_resv_mem(struct vi *v, uint32_t ep, struct iommu_resv_mem *r, unsigned max, unsigned *n);

/* Endpoints: at least n behind the IOMMU, else SKIP. */
bool vi_need_endpoints(struct vi *v, unsigned n);
/* Every absent endpoint ID in a request of `type` (IOMMU_T_ATTACH,
 * _DETACH or _PROBE): each answered NOENT, else FAIL. */
void vi_absent_noent(struct vc_ctx *c, uint8_t type);
/* An absent endpoint ID (the platform's), else SKIP. */
bool vi_absent_endpoint(struct vi *v, unsigned k, uint32_t *ep);
/* A granule of DMA memory holding pattern `seed` (0: zeroes); 0 after ERROR. */
uint64_t vi_page(struct vi *v, uint8_t seed);
/* Does the memory at addr hold pattern `seed`? (ERROR when it cannot be read) */
bool vi_holds(struct vi *v, uint64_t addr, uint8_t seed, bool *holds);
/* Endpoint ep (an index) copies VI_DMA_LEN bytes from `from` to `to`
 * through the IOMMU (VC_NO_DMA: that half skipped); SKIP when the backend
 * cannot make it. */
bool vi_copy(struct vi *v, unsigned ep, uint64_t from, uint64_t to);
/* Endpoint 0 (attached to `domain`) copies through input address *a,
 * mapped read-only to a page holding pattern `seed`, to *b, mapped
 * read-write to page *q; *copied: did the pattern arrive in *q. */
bool vi_mapped_copy(struct vi *v, uint32_t domain, uint8_t seed, uint64_t *a, uint64_t *b, uint64_t *q, bool *copied);
/* Unattached endpoints blocked: bypass 0 (BYPASS_CONFIG negotiated);
 * *was: the value to put back. SKIP when bypass is on and cannot be changed. */
bool vi_bypass_off(struct vi *v, uint8_t *was);
void vi_bypass_restore(struct vi *v, uint8_t was);

/* The event queue armed with n buffers of `size` bytes. */
bool vi_events(struct vi *v, unsigned n, uint32_t size);
/* The next fault report (VIRTIO_IOMMU_FAULT_LEN bytes) within the device
 * timeout: FAIL when none comes. */
bool vi_fault(struct vi *v, uint8_t *f, uint32_t *len, const char *after);
/* A DMA fault provoked: endpoint 0 attached to an empty domain (bypass
 * off), reading an address nothing maps; *f the report. */
bool vi_provoke_fault(struct vi *v, uint8_t *f, uint32_t *len, uint8_t *was);

#endif
