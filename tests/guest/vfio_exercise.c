/* vfio-exercise SPEC: make a device really consume a buffer through the
 * backend's DMA and interrupt operations, first with MSI-X (when the device
 * has it) and then with INTx, and say what happened. Runs in the VFIO test
 * guest (tools/guest), where SPEC is vfio:BDF, so DMA goes through the
 * emulated IOMMU and interrupts through VFIO's eventfds, before any dynamic
 * suite depends on them. Exit 0 when every step worked, 1 otherwise. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vc/driver.h"
#include "vc/virtio_pci.h"

static int failures;

static bool ok(const char *mode, const char *what, int rc)
{
	if (rc) {
		printf("%s: %s: %s\n", mode, what, strerror(-rc));
		failures++;
	}
	return rc == 0;
}

/* One request of the device's type, its used-buffer interrupt on the last of
 * msix_vectors MSI-X vectors, or on INTx when msix_vectors is 0. */
static void exercise(struct vc_device *d, const struct vc_probe *p, int msix_vectors)
{
	const char *mode = msix_vectors ? "msix" : "intx";
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	struct vc_driver drv;
	struct vc_request req;
	struct vc_vq *vq = calloc(1, sizeof(*vq));
	uint16_t id, uid;
	uint32_t len;
	int vector = -2, rc;

	if (!vq)
		return;
	vc_driver_init(&drv, d, p);
	vc_features_set(want, VIRTIO_F_VERSION_1);
	/* an iommu_platform device refuses FEATURES_OK without it */
	if (vc_offers(p, VIRTIO_F_ACCESS_PLATFORM))
		vc_features_set(want, VIRTIO_F_ACCESS_PLATFORM);
	memset(&req, 0, sizeof(req));
	if (!ok(mode, "start", vc_start(&drv, want)) ||
	    !ok(mode, "interrupt set-up", msix_vectors ? vc_irq_msix(&drv, (unsigned)msix_vectors) : vc_irq_intx(&drv)) ||
	    !ok(mode, "request", vc_request_make(&drv, &req)) ||
	    !ok(mode, "queue set-up", vc_vq_setup(&drv, req.queue, 0, vq)))
		goto out;
	/* the last vector routed, so a wrong vector number would show */
	int expect = msix_vectors ? msix_vectors - 1 : -1;
	if (msix_vectors) {
		uint64_t v;
		if (!ok(mode, "queue_msix_vector", vc_common_write(d, p, COMMON_queue_msix_vector, 2, (uint64_t)expect)) ||
		    !ok(mode, "queue_msix_vector read", vc_common_read(d, p, COMMON_queue_msix_vector, 2, &v)))
			goto out;
		if (v != (uint64_t)expect) {
			printf("%s: queue_msix_vector reads 0x%llx, not %d\n", mode, (unsigned long long)v, expect);
			failures++;
			goto out;
		}
	}
	if (!ok(mode, "queue enable", vc_vq_enable(&drv, vq)) ||
	    !ok(mode, "DRIVER_OK", vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK)) ||
	    !ok(mode, "add buffer", vc_vq_add(&drv, vq, req.bufs, req.n, &id)) ||
	    !ok(mode, "kick", vc_vq_kick(&drv, vq)))
		goto out;
	rc = vc_irq_wait(&drv, 5000, &vector);
	if (ok(mode, "interrupt", rc) && vector != expect) {
		printf("%s: interrupt on vector %d, expected %d\n", mode, vector, expect);
		failures++;
	}
	if (!ok(mode, "used buffer", vc_vq_wait_used(&drv, vq, 5000, &uid, &len)))
		goto out;
	if (uid != id) {
		printf("%s: used id %u, expected %u\n", mode, uid, id);
		failures++;
	}
	uint8_t head[8] = { 0 };
	const struct vc_buf *last = &req.bufs[req.n - 1];
	if (last->writable && len)
		vc_dma_read(d, last->addr, head, sizeof(head) < len ? sizeof(head) : len);
	if (!msix_vectors) {
		/* INTx is reported once per rising edge, as the qemu: backend does:
		 * while the line stays up (ISR not read) no second interrupt */
		if ((rc = vc_irq_wait(&drv, 50, &vector)) != -ETIMEDOUT) {
			printf("%s: the same INTx level reported twice (%s)\n", mode, rc ? strerror(-rc) : "delivered");
			failures++;
		}
		/* ISR says why, and reading it lowers the line */
		uint64_t isr = 0;
		if (ok(mode, "ISR read", vc_struct_read(d, p->isr, 0, 1, &isr)) && !(isr & 1)) {
			printf("%s: ISR 0x%llx after a used buffer, queue bit clear\n", mode, (unsigned long long)isr);
			failures++;
		}
	}
	rc = vc_irq_wait(&drv, 200, &vector);
	if (rc != -ETIMEDOUT) {
		printf("%s: a second interrupt with nothing new to report (%s, vector %d)\n", mode,
		       rc ? strerror(-rc) : "delivered", vector);
		failures++;
	}
	/* the same request again: a new interrupt (for INTx, a new edge after
	 * the ISR read lowered the line) */
	uint16_t id2;
	if (ok(mode, "second request", vc_vq_add(&drv, vq, req.bufs, req.n, &id2)) &&
	    ok(mode, "second kick", vc_vq_kick(&drv, vq)) &&
	    ok(mode, "second interrupt", vc_irq_wait(&drv, 5000, &vector)) && vector != expect) {
		printf("%s: second interrupt on vector %d, expected %d\n", mode, vector, expect);
		failures++;
	}
	printf("%s: %s: vector %d, used id %u len %u, first bytes %02x%02x%02x%02x%02x%02x%02x%02x\n", mode,
	       req.what, vector, uid, len, head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7]);
out:
	vc_reset(&drv);
	vc_dma_reclaim(d);
	free(vq);
}

int main(int argc, char **argv)
{
	static struct vc_probe p;
	struct vc_device *d;
	char err[512];

	if (argc != 2) {
		fprintf(stderr, "usage: vfio-exercise SPEC\n");
		return 2;
	}
	if (vc_device_open(argv[1], &d, err, sizeof(err))) {
		fprintf(stderr, "vfio-exercise: %s\n", err);
		return 3;
	}
	if (vc_probe_device(d, &p, err, sizeof(err))) {
		fprintf(stderr, "vfio-exercise: %s\n", err);
		vc_device_close(d);
		return 3;
	}
	printf("%s: virtio type %u (%s), %u queues, MSI-X %s\n", d->location, p.virtio_type,
	       vc_virtio_type_name(p.virtio_type), p.num_queues, p.msix_pos ? "yes" : "no");
	if (p.msix_pos) {
		unsigned table = (vc_le16(p.cfg + p.msix_pos + 2) & 0x7ff) + 1;
		exercise(d, &p, table >= 2 ? 2 : 1);
	}
	exercise(d, &p, 0);
	vc_device_close(d);
	printf("%s\n", failures ? "FAILED" : "OK");
	return failures ? 1 : 0;
}
