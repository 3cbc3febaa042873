/* virtio-iommu-pci: endpoints behind the IOMMU. QEMU puts every device on
 * pcie.0 behind a virtio-iommu plugged there (its endpoint ID is its
 * requester ID, bus << 8 | devfn); two of QEMU's `edu` test devices serve
 * as endpoints because their DMA engine is a few registers: source,
 * destination, count, and a command whose bit 0 clears when the copy is
 * done (after a 100 ms timer of QEMU's). Its DMA goes through the IOMMU
 * (pci_dma_read/write); the virtio-iommu's own queues do not. */
#include "qemu_priv.h"
#include "vc/devtypes/host.h"

#define ENDPOINTS 2
#define EDU_BAR_BASE 0xd0000000ull        /* between ECAM's end and MEM32_BASE */
#define EDU_BAR_SIZE 0x100000ull
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_RUN 1u
#define EDU_DMA_TO_PCI 2u                /* from its buffer to memory */
#define EDU_BUFFER 0x40000u               /* its 4 KiB buffer in its own DMA space */
#define EDU_BUFFER_SIZE 4096u
#define EDU_DMA_MASK ((1ull << 28) - 1)   /* edu's default dma_mask: it clamps beyond */

struct endpoints {
	uint16_t bdf[ENDPOINTS];
};

static bool endpoints_serve(const char *model, const char *props)
{
	(void)props;
	return qemu_model_is(model, "virtio-iommu-pci");
}

static int endpoints_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	struct qemu_priv *p = d->priv;
	struct endpoints *e = calloc(1, sizeof(*e));
	unsigned slot = 5, taken = p->bdf >> 3;
	int rc = 0;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*l->state = e;
	for (unsigned i = 0; i < ENDPOINTS && !rc; i++, slot++) {
		slot += slot == taken;
		e->bdf[i] = (uint16_t)(slot << 3);
		rc = qemu_arg(l, "-device") ?: qemu_arg(l, "edu,addr=0x%x", slot);
	}
	return rc;
}

/* Like a BIOS: each edu's BAR0 placed, memory decoding and bus mastering on. */
static int endpoints_started(struct vc_device *d, void *state, char *err, size_t errlen)
{
	struct endpoints *e = state;
	int rc;

	for (unsigned i = 0; i < ENDPOINTS; i++) {
		uint32_t id;
		if ((rc = qemu_cfg_rd(d, e->bdf[i], 0, 4, &id)))
			goto fail;
		if (id != 0x11e81234u) {
			snprintf(err, errlen, "qemu: 00:%02x.0 is %08x, not QEMU's edu device", e->bdf[i] >> 3, id);
			return -ENODEV;
		}
		if ((rc = qemu_cfg_wr(d, e->bdf[i], 0x10, 4, (uint32_t)(EDU_BAR_BASE + i * EDU_BAR_SIZE))) ||
		    (rc = qemu_cfg_wr(d, e->bdf[i], 0x04, 2, 0x6)))
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "qemu: setting up the edu endpoints failed (%s)", strerror(-rc));
	return rc;
}

/* One DMA of the edu's engine, waited for (bounded). */
static int edu_dma(struct vc_device *d, unsigned i, uint64_t src, uint64_t dst, uint32_t len, uint32_t cmd)
{
	uint64_t bar = EDU_BAR_BASE + i * EDU_BAR_SIZE, v = EDU_DMA_RUN;
	int64_t deadline = qemu_now_ms() + (d->timeout_ms ? d->timeout_ms : 2000) + 200;
	int rc;

	if ((rc = qt_mem_write(d, bar + EDU_DMA_SRC, 8, src)) || (rc = qt_mem_write(d, bar + EDU_DMA_DST, 8, dst)) ||
	    (rc = qt_mem_write(d, bar + EDU_DMA_CNT, 8, len)) || (rc = qt_mem_write(d, bar + EDU_DMA_CMD, 8, cmd)))
		return rc;
	while (!(rc = qt_mem_read(d, bar + EDU_DMA_CMD, 8, &v)) && (v & EDU_DMA_RUN)) {
		if (qemu_now_ms() > deadline)
			return -ETIMEDOUT;
		struct timespec ts = { 0, 5 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return rc;
}

static int endpoints_dma(struct vc_device *d, unsigned ep, uint64_t from, uint64_t to, uint32_t len)
{
	int rc = 0;

	if (ep >= ENDPOINTS || !len || len > EDU_BUFFER_SIZE)
		return -EINVAL;
	if ((from != UINT64_MAX && (from & ~EDU_DMA_MASK)) || (to != UINT64_MAX && (to & ~EDU_DMA_MASK)))
		return -ERANGE;       /* edu would clamp the address, not fault it */
	if (from != UINT64_MAX)
		rc = edu_dma(d, ep, from, EDU_BUFFER, len, EDU_DMA_RUN);
	if (!rc && to != UINT64_MAX)
		rc = edu_dma(d, ep, EDU_BUFFER, to, len, EDU_DMA_RUN | EDU_DMA_TO_PCI);
	return rc;
}

/* The endpoints' IDs, IDs nothing has here (a bus with no device, and one
 * beyond the 16-bit requester IDs QEMU's VIOT table maps: hw/acpi/viot.c,
 * endpoint ID = BDF on segment 0), and their DMA. */
static int endpoints_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out,
			  size_t outlen)
{
	struct endpoints *e = state;
	uint64_t from, to;
	uint32_t len;
	unsigned ep;
	int rc;

	if (!strcmp(what, VC_HOST_IOMMU_ENDPOINTS)) {
		snprintf(out, outlen, "%x %x", e->bdf[0], e->bdf[1]);
		return 0;
	}
	if (!strcmp(what, VC_HOST_IOMMU_ABSENT)) {
		snprintf(out, outlen, "fe00 %x", 0x10000u | e->bdf[0]);
		return 0;
	}
	if (strcmp(what, VC_HOST_ENDPOINT_DMA))
		return -ENOTSUP;
	if ((rc = vc_host_dma_arg(arg, &ep, &from, &to, &len)) < 0)
		return rc;
	return endpoints_dma(d, ep, from, to, len);
}

static void endpoints_close(struct vc_device *d, void *state)
{
	(void)d;
	free(state);
}

const struct qemu_part qemu_part_iommu_endpoints = {
	.name = "iommu endpoints", .serves = endpoints_serve, .setup = endpoints_setup, .started = endpoints_started,
	.close = endpoints_close, .host = endpoints_host,
};
