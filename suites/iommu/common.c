/* The virtio-iommu suites' shared session and helpers (iommu.h). */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include "iommu.h"
#include "vc/devtypes/host.h"

bool vi_negotiated(const struct vi *v, unsigned bit)
{
	return vc_negotiated(&v->io.dev.drv, bit);
}

/* "ID ..." (hex) into ids. */
static unsigned ids(const char *text, uint32_t *out)
{
	unsigned n = 0;
	char *end;

	for (const char *t = text; *t && n < VI_MAX_ENDPOINTS; t = end) {
		unsigned long id = strtoul(t, &end, 16);
		if (end == t)
			break;
		out[n++] = (uint32_t)id;
	}
	return n;
}

bool vi_start(struct vc_ctx *c, struct vi *v, uint64_t want, uint64_t need)
{
	uint64_t usual = VI_F(VIRTIO_IOMMU_F_MAP_UNMAP) | VI_F(VIRTIO_IOMMU_F_INPUT_RANGE) |
			 VI_F(VIRTIO_IOMMU_F_DOMAIN_RANGE) | VI_F(VIRTIO_IOMMU_F_PROBE);
	char text[128];
	int rc;

	memset(v, 0, sizeof(*v));
	v->c = c;
	if (!vc_host(c->dev, VC_HOST_IOMMU_ENDPOINTS, "", text, sizeof(text)))
		v->nep = ids(text, v->ep);
	if (!vc_host(c->dev, VC_HOST_IOMMU_ABSENT, "", text, sizeof(text)))
		v->nabsent = ids(text, v->absent);
	if (!ds_open(c, &v->io.dev, need, want | usual, IOMMU_QUEUES, false))
		return false;
	if ((rc = iommu_config_read(&v->io.dev, &v->io.cfg))) {
		vc_error(c, "reading the configuration: %s", strerror(-rc));
		return false;
	}
	v->g = iommu_granule(&v->io.cfg);
	if (!v->g) {
		vc_skip(c, "page_size_mask is 0: no page granularity to map with (iommu.config.page-size-mask reports it)");
		return false;
	}
	return true;
}

bool vi_open(struct vc_ctx *c, struct vi *v, uint64_t want, uint64_t need, unsigned endpoints, uint32_t *domain)
{
	return vi_start(c, v, want, need) && vi_need_endpoints(v, endpoints) && vi_domain(v, 0, domain);
}

bool vi_domain(struct vi *v, unsigned k, uint32_t *domain)
{
	const struct iommu_config *cfg = &v->io.cfg;

	if (!vi_negotiated(v, VIRTIO_IOMMU_F_DOMAIN_RANGE)) {
		*domain = 1 + k;
		return true;
	}
	if (cfg->domain_end < cfg->domain_start || cfg->domain_end - cfg->domain_start < k) {
		vc_skip(v->c, "domain_range [%u, %u] holds fewer than the %u domains the clause uses", cfg->domain_start,
			cfg->domain_end, k + 1);
		return false;
	}
	*domain = cfg->domain_start + k;
	return true;
}

uint64_t vi_iova(const struct vi *v, unsigned k)
{
	uint64_t start = vi_negotiated(v, VIRTIO_IOMMU_F_INPUT_RANGE) ? v->io.cfg.input_start : 0;
	uint64_t base = (start + v->g - 1) & ~(v->g - 1);

	return base + (64 + 4 * (uint64_t)k) * v->g;
}

static bool transport_ok(struct vi *v, int rc, const char *what)
{
	if (rc == -ETIMEDOUT) {
		vc_fail(v->c, "the device never used the %s request (%u ms)", what, v->c->dev->timeout_ms);
		vc_observed(v->c, "no used element");
		vc_expected(v->c, "the request used, with its status");
	} else if (rc == -EPROTO) {
		vc_fail(v->c, "another buffer than the %s request came back in the used ring", what);
	} else if (rc) {
		vc_error(v->c, "the %s request could not be sent: %s", what, strerror(-rc));
	}
	return rc == 0;
}

bool vi_step(struct vi *v, int rc, const struct iommu_tail *t, const char *what)
{
	if (!transport_ok(v, rc, what))
		return false;
	if (t->used == 0 || t->status != IOMMU_S_OK) {
		vc_skip(v->c, "%s, which the clause needs, %s (iommu.request.ok-status reports a device that does not "
			      "answer OK)", what, t->used ? iommu_status_name(t->status) : "came back with used length 0");
		if (t->used)
			vc_note(v->c, "status %u (%s)", t->status, iommu_status_name(t->status));
		return false;
	}
	return true;
}

bool vi_expect(struct vi *v, int rc, const struct iommu_tail *t, uint8_t want, const char *what)
{
	if (!transport_ok(v, rc, what))
		return false;
	if (t->used < 1 || t->status != want) {
		vc_fail(v->c, "%s: status %s", what, t->used ? iommu_status_name(t->status) : "not written (used length 0)");
		vc_observed(v->c, "status %u (%s), used length %u", t->status, iommu_status_name(t->status), t->used);
		vc_expected(v->c, "status %u (%s)", want, iommu_status_name(want));
		return false;
	}
	return true;
}

bool vi_probe(struct vi *v, uint32_t ep, uint8_t fill, uint8_t *props, struct iommu_tail *t)
{
	uint8_t req[IOMMU_PROBE_LEN];
	int rc;

	if (v->io.cfg.probe_size > IOMMU_PROBE_SIZE_MAX) {
		vc_skip(v->c, "probe_size %u is more than the harness takes (%u)", v->io.cfg.probe_size,
			IOMMU_PROBE_SIZE_MAX);
		return false;
	}
	iommu_build_probe(req, ep);
	rc = iommu_probe(&v->io, req, v->io.cfg.probe_size, fill, props, t);
	return transport_ok(v, rc, "PROBE");
}

static uint8_t probe_buf[IOMMU_PROBE_SIZE_MAX];

bool vi_attach(struct vi *v, uint32_t domain, uint32_t ep, uint32_t flags)
{
	struct iommu_tail t;
	bool probed = false;
	char what[96];

	for (unsigned i = 0; i < v->nprobed; i++)
		probed |= v->probed[i] == ep;
	if (vi_negotiated(v, VIRTIO_IOMMU_F_PROBE) && !probed) {
		snprintf(what, sizeof(what), "PROBE of endpoint 0x%x", ep);
		if (!vi_probe(v, ep, 0, probe_buf, &t) || !vi_step(v, 0, &t, what))
			return false;
		if (v->nprobed < sizeof(v->probed) / sizeof(v->probed[0]))
			v->probed[v->nprobed++] = ep;
	}
	snprintf(what, sizeof(what), "ATTACH of endpoint 0x%x to domain %u", ep, domain);
	return vi_step(v, iommu_attach(&v->io, domain, ep, flags, &t), &t, what);
}

bool vi_map(struct vi *v, uint32_t domain, uint64_t iova, uint64_t phys, uint64_t len, uint32_t flags)
{
	struct iommu_tail t;
	char what[96];

	snprintf(what, sizeof(what), "MAP of [0x%llx, 0x%llx] in domain %u", (unsigned long long)iova,
		 (unsigned long long)(iova + len - 1), domain);
	return vi_step(v, iommu_map(&v->io, domain, iova, iova + len - 1, phys, flags, &t), &t, what);
}

bool vi_detach(struct vi *v, uint32_t domain, uint32_t ep)
{
	struct iommu_tail t;
	char what[96];

	snprintf(what, sizeof(what), "DETACH of endpoint 0x%x from domain %u", ep, domain);
	return vi_step(v, iommu_detach(&v->io, domain, ep, &t), &t, what);
}

bool vi_resv_mem(struct vi *v, uint32_t ep, struct iommu_resv_mem *r, unsigned max, unsigned *n)
{
	struct iommu_prop p[VI_PROPS_MAX];
	struct iommu_tail t;
	uint32_t end;
	char what[64];

	snprintf(what, sizeof(what), "PROBE of endpoint 0x%x", ep);
	if (!vi_probe(v, ep, 0, probe_buf, &t) || !vi_step(v, 0, &t, what))
		return false;
	int np = iommu_props_walk(probe_buf, v->io.cfg.probe_size, p, VI_PROPS_MAX, &end);
	*n = 0;
	for (int i = 0; i < np; i++)
		if (p[i].type == IOMMU_PROBE_T_RESV_MEM && p[i].length >= IOMMU_RESV_MEM_LEN && *n < max)
			iommu_resv_mem_parse(probe_buf, &p[i], &r[(*n)++]);
	return true;
}

bool vi_need_endpoints(struct vi *v, unsigned n)
{
	if (v->nep < n) {
		vc_skip(v->c, "the %s backend has %u endpoint(s) behind the IOMMU; the clause needs %u",
			v->c->dev->backend, v->nep, n);
		return false;
	}
	return true;
}

bool vi_absent_endpoint(struct vi *v, unsigned k, uint32_t *ep)
{
	if (k >= v->nabsent) {
		vc_skip(v->c, "the %s backend knows no endpoint ID that is absent on its platform", v->c->dev->backend);
		return false;
	}
	*ep = v->absent[k];
	return true;
}

static uint8_t pattern(uint8_t seed, unsigned i)
{
	return seed ? (uint8_t)(seed + 37 * i) : 0;
}

uint64_t vi_page(struct vi *v, uint8_t seed)
{
	uint8_t b[VI_DMA_LEN];
	uint64_t addr;
	int rc;

	for (unsigned i = 0; i < VI_DMA_LEN; i++)
		b[i] = pattern(seed, i);
	if ((rc = vc_dma_alloc(v->c->dev, v->g, v->g, &addr)) || (rc = vc_dma_write(v->c->dev, addr, b, sizeof(b)))) {
		vc_error(v->c, "DMA memory for the endpoint's buffers: %s", strerror(-rc));
		return 0;
	}
	return addr;
}

bool vi_holds(struct vi *v, uint64_t addr, uint8_t seed, bool *holds)
{
	uint8_t b[VI_DMA_LEN];
	int rc = vc_dma_read(v->c->dev, addr, b, sizeof(b));

	if (rc) {
		vc_error(v->c, "DMA read at 0x%llx: %s", (unsigned long long)addr, strerror(-rc));
		return false;
	}
	*holds = true;
	for (unsigned i = 0; i < VI_DMA_LEN; i++)
		*holds &= b[i] == pattern(seed, i);
	return true;
}

bool vi_copy(struct vi *v, unsigned ep, uint64_t from, uint64_t to)
{
	char arg[96], f[24] = "-", t[24] = "-", out[8];

	if (from != VC_NO_DMA)
		snprintf(f, sizeof(f), "%llx", (unsigned long long)from);
	if (to != VC_NO_DMA)
		snprintf(t, sizeof(t), "%llx", (unsigned long long)to);
	snprintf(arg, sizeof(arg), "%u %s %s %x", ep, f, t, VI_DMA_LEN);
	return ds_host(v->c, VC_HOST_ENDPOINT_DMA, arg, out, sizeof(out));
}

bool vi_bypass_off(struct vi *v, uint8_t *was)
{
	int rc;

	*was = 0xff;
	if (!vc_offers(v->c->probe, VIRTIO_IOMMU_F_BYPASS_CONFIG) || v->io.cfg.bypass == 0)
		return true;
	if (!vi_negotiated(v, VIRTIO_IOMMU_F_BYPASS_CONFIG)) {
		vc_skip(v->c, "bypass is %u and VIRTIO_IOMMU_F_BYPASS_CONFIG is not negotiated", v->io.cfg.bypass);
		return false;
	}
	*was = v->io.cfg.bypass;
	if ((rc = iommu_write_bypass(&v->io, 0))) {
		vc_error(v->c, "writing bypass: %s", strerror(-rc));
		return false;
	}
	if (v->io.cfg.bypass != 0) {
		vc_skip(v->c, "bypass reads %u after 0 was written (iommu.config.* report it)", v->io.cfg.bypass);
		return false;
	}
	return true;
}

void vi_bypass_restore(struct vi *v, uint8_t was)
{
	if (was <= 1 && was != v->io.cfg.bypass)
		iommu_write_bypass(&v->io, was);
}

bool vi_events(struct vi *v, unsigned n, uint32_t size)
{
	int rc = iommu_events_post(&v->io, n, size);

	if (rc)
		vc_error(v->c, "could not make event buffers available: %s", strerror(-rc));
	return rc == 0;
}

bool vi_fault(struct vi *v, uint8_t *f, uint32_t *len, const char *after)
{
	int rc = iommu_event_wait(&v->io, v->c->dev->timeout_ms, f, IOMMU_FAULT_LEN, len);

	if (rc == -ETIMEDOUT) {
		vc_fail(v->c, "no fault report came on the event queue after %s", after);
		vc_observed(v->c, "no used event buffer within %u ms", v->c->dev->timeout_ms);
		vc_expected(v->c, "a fault report");
	} else if (rc) {
		vc_error(v->c, "reading the event queue: %s", strerror(-rc));
	}
	return rc == 0;
}

bool vi_provoke_fault(struct vi *v, uint8_t *f, uint32_t *len, uint8_t *was)
{
	uint32_t domain;
	uint64_t from;

	*was = 0xff;
	if (!vi_need_endpoints(v, 1) || !vi_domain(v, 0, &domain) || !vi_bypass_off(v, was) ||
	    !vi_attach(v, domain, v->ep[0], 0) || !vi_events(v, 4, 64) || !(from = vi_page(v, 0x5a)))
		return false;
	v->fault_at = from + 0x48;
	if (!vi_copy(v, 0, v->fault_at, VC_NO_DMA))
		return false;
	return vi_fault(v, f, len, "an endpoint read an address its domain does not map");
}

bool vi_mapped_copy(struct vi *v, uint32_t domain, uint8_t seed, uint64_t *a, uint64_t *b, uint64_t *q, bool *copied)
{
	uint64_t p;

	if (!(p = vi_page(v, seed)) || !(*q = vi_page(v, 0)) || !(*a = vi_page(v, 0)) || !(*b = vi_page(v, 0)) ||
	    !vi_map(v, domain, *a, p, v->g, IOMMU_MAP_F_READ) ||
	    !vi_map(v, domain, *b, *q, v->g, IOMMU_MAP_F_READ | IOMMU_MAP_F_WRITE) || !vi_copy(v, 0, *a, *b))
		return false;
	return vi_holds(v, *q, seed, copied);
}

void vi_absent_noent(struct vc_ctx *c, uint8_t type)
{
	static const char *const names[] = { "", "ATTACH", "DETACH", "", "", "PROBE" };
	static uint8_t props[IOMMU_PROBE_SIZE_MAX];
	struct iommu_tail t;
	uint32_t domain, absent;
	char what[64];
	struct vi v;
	int rc;

	if (!vi_start(c, &v, 0, type == IOMMU_T_PROBE ? VI_F(VIRTIO_IOMMU_F_PROBE) : 0) || !vi_domain(&v, 0, &domain) ||
	    !vi_absent_endpoint(&v, 0, &absent))
		return;
	for (unsigned k = 0; k < v.nabsent; k++) {
		snprintf(what, sizeof(what), "%s of absent endpoint 0x%x", names[type], v.absent[k]);
		if (type == IOMMU_T_PROBE) {
			if (!vi_probe(&v, v.absent[k], 0, props, &t))
				return;
			rc = 0;
		} else {
			rc = type == IOMMU_T_ATTACH ? iommu_attach(&v.io, domain, v.absent[k], 0, &t)
						   : iommu_detach(&v.io, domain, v.absent[k], &t);
		}
		if (!vi_expect(&v, rc, &t, IOMMU_S_NOENT, what))
			return;
	}
}
