/* virtio-iommu as a driver uses it (vc/devtypes/iommu.h). */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/iommu.h"

int iommu_config_read(struct vc_dev *d, struct iommu_config *cfg)
{
	uint8_t b[IOMMU_CFG_SIZE];
	int rc = vc_dev_cfg_snapshot(d, b, sizeof(b));

	if (rc)
		return rc;
	cfg->page_size_mask = vc_le64(b + IOMMU_CFG_PAGE_SIZE_MASK);
	cfg->input_start = vc_le64(b + IOMMU_CFG_INPUT_START);
	cfg->input_end = vc_le64(b + IOMMU_CFG_INPUT_END);
	cfg->domain_start = vc_le32(b + IOMMU_CFG_DOMAIN_START);
	cfg->domain_end = vc_le32(b + IOMMU_CFG_DOMAIN_END);
	cfg->probe_size = vc_le32(b + IOMMU_CFG_PROBE_SIZE);
	cfg->bypass = b[IOMMU_CFG_BYPASS];
	return 0;
}

uint64_t iommu_granule(const struct iommu_config *cfg)
{
	return cfg->page_size_mask & (~cfg->page_size_mask + 1);
}

int iommu_write_bypass(struct iommu *io, uint8_t v)
{
	int rc = vc_dev_cfg_write(&io->dev, IOMMU_CFG_BYPASS, 1, v);

	return rc ? rc : iommu_config_read(&io->dev, &io->cfg);
}

int iommu_request(struct iommu *io, const void *in, uint32_t len, uint8_t *out, uint32_t out_len, uint8_t fill,
		  uint32_t *used)
{
	struct vc_iov iov[2] = { { in, NULL, len, false }, { out, out, out_len, true } };

	memset(out, fill, out_len);
	return vc_dev_call(&io->dev, 0, iov, 2, used, io->dev.drv.dev->timeout_ms);
}

int iommu_send(struct iommu *io, const uint8_t *req, uint32_t len, struct iommu_tail *t)
{
	uint8_t tail[IOMMU_TAIL_LEN];
	int rc = iommu_request(io, req, len, tail, sizeof(tail), 0xff, &t->used);

	t->status = tail[0];
	memcpy(t->reserved, tail + 1, 3);
	return rc;
}

static uint32_t head(uint8_t *b, uint8_t type, uint32_t len)
{
	memset(b, 0, len);
	b[0] = type;
	return len;
}

uint32_t iommu_build_attach(uint8_t *b, uint32_t domain, uint32_t ep, uint32_t flags)
{
	head(b, IOMMU_T_ATTACH, IOMMU_ATTACH_LEN);
	vc_put32(b + 4, domain);
	vc_put32(b + 8, ep);
	vc_put32(b + 12, flags);
	return IOMMU_ATTACH_LEN;
}

uint32_t iommu_build_detach(uint8_t *b, uint32_t domain, uint32_t ep)
{
	head(b, IOMMU_T_DETACH, IOMMU_DETACH_LEN);
	vc_put32(b + 4, domain);
	vc_put32(b + 8, ep);
	return IOMMU_DETACH_LEN;
}

uint32_t iommu_build_map(uint8_t *b, uint32_t domain, uint64_t vstart, uint64_t vend, uint64_t pstart, uint32_t flags)
{
	head(b, IOMMU_T_MAP, IOMMU_MAP_LEN);
	vc_put32(b + 4, domain);
	vc_put64(b + 8, vstart);
	vc_put64(b + 16, vend);
	vc_put64(b + 24, pstart);
	vc_put32(b + 32, flags);
	return IOMMU_MAP_LEN;
}

uint32_t iommu_build_unmap(uint8_t *b, uint32_t domain, uint64_t vstart, uint64_t vend)
{
	head(b, IOMMU_T_UNMAP, IOMMU_UNMAP_LEN);
	vc_put32(b + 4, domain);
	vc_put64(b + 8, vstart);
	vc_put64(b + 16, vend);
	return IOMMU_UNMAP_LEN;
}

uint32_t iommu_build_probe(uint8_t *b, uint32_t ep)
{
	head(b, IOMMU_T_PROBE, IOMMU_PROBE_LEN);
	vc_put32(b + 4, ep);
	return IOMMU_PROBE_LEN;
}

int iommu_attach(struct iommu *io, uint32_t domain, uint32_t ep, uint32_t flags, struct iommu_tail *t)
{
	uint8_t b[IOMMU_ATTACH_LEN];

	return iommu_send(io, b, iommu_build_attach(b, domain, ep, flags), t);
}

int iommu_detach(struct iommu *io, uint32_t domain, uint32_t ep, struct iommu_tail *t)
{
	uint8_t b[IOMMU_DETACH_LEN];

	return iommu_send(io, b, iommu_build_detach(b, domain, ep), t);
}

int iommu_map(struct iommu *io, uint32_t domain, uint64_t vstart, uint64_t vend, uint64_t pstart, uint32_t flags,
	      struct iommu_tail *t)
{
	uint8_t b[IOMMU_MAP_LEN];

	return iommu_send(io, b, iommu_build_map(b, domain, vstart, vend, pstart, flags), t);
}

int iommu_unmap(struct iommu *io, uint32_t domain, uint64_t vstart, uint64_t vend, struct iommu_tail *t)
{
	uint8_t b[IOMMU_UNMAP_LEN];

	return iommu_send(io, b, iommu_build_unmap(b, domain, vstart, vend), t);
}

int iommu_probe(struct iommu *io, const uint8_t *req, uint32_t size, uint8_t fill, uint8_t *props,
		struct iommu_tail *t)
{
	uint8_t out[IOMMU_PROBE_SIZE_MAX + IOMMU_TAIL_LEN];
	int rc;

	if (size > IOMMU_PROBE_SIZE_MAX)
		return -E2BIG;
	rc = iommu_request(io, req, IOMMU_PROBE_LEN, out, size + IOMMU_TAIL_LEN, fill, &t->used);
	memcpy(props, out, size);
	t->status = out[size];
	memcpy(t->reserved, out + size + 1, 3);
	return rc;
}

int iommu_events_post(struct iommu *io, unsigned n, uint32_t size)
{
	int rc;

	if (size > IOMMU_EVENT_BUF || io->nevt + n > IOMMU_EVENTS_MAX)
		return -ENOSPC;
	for (unsigned i = 0; i < n; i++, io->nevt++) {
		struct vc_iov iov = { NULL, io->evt_data[io->nevt], size, true };
		if ((rc = vc_dev_send(&io->dev, 1, &iov, 1, &io->evt[io->nevt], true)))
			return rc;
	}
	return n ? vc_dev_kick(&io->dev, 1) : 0;
}

int iommu_event_wait(struct iommu *io, unsigned ms, uint8_t *buf, uint32_t cap, uint32_t *len)
{
	struct vc_req *reqs[IOMMU_EVENTS_MAX];
	int k;

	for (unsigned i = 0; i < io->nevt; i++)
		reqs[i] = &io->evt[i];
	if ((k = vc_dev_next_used(&io->dev, 1, reqs, io->nevt, ms)) < 0)
		return k == -ENOENT ? -EPROTO : k;
	memset(buf, 0, cap);
	memcpy(buf, io->evt_data[k], cap < IOMMU_EVENT_BUF ? cap : IOMMU_EVENT_BUF);
	*len = io->evt[k].used;
	return 0;
}

int iommu_props_walk(const uint8_t *props, uint32_t size, struct iommu_prop *out, unsigned max, uint32_t *end)
{
	int n = 0;
	uint32_t at = 0;

	while (at + 4 <= size) {
		uint16_t w = vc_le16(props + at), len = vc_le16(props + at + 2);
		if ((w & 0xfff) == 0)
			break;
		if (at + 4u + len > size) {
			*end = at;
			return -EOVERFLOW;
		}
		if ((unsigned)n < max)
			out[n] = (struct iommu_prop){ (uint16_t)(w & 0xfff), (uint16_t)(w >> 12), len, at };
		n++;
		at += 4u + len;
	}
	*end = at < size ? at : size;
	return n < (int)max ? n : (int)max;
}

void iommu_resv_mem_parse(const uint8_t *props, const struct iommu_prop *p, struct iommu_resv_mem *r)
{
	const uint8_t *v = props + p->at + 4;

	r->subtype = v[0];
	memcpy(r->reserved, v + 1, 3);
	r->start = vc_le64(v + 4);
	r->end = vc_le64(v + 12);
}

const char *iommu_status_name(uint8_t status)
{
	static const char *const names[] = { "OK", "IOERR", "UNSUPP", "DEVERR", "INVAL", "RANGE", "NOENT", "FAULT",
					     "NOMEM" };

	return status < sizeof(names) / sizeof(names[0]) ? names[status] : "unknown";
}
