/* The driver layer end to end: reset, negotiate, a queue in DMA memory, a
 * request the device type really consumes, the used buffer, the interrupt.
 * On the simulated device always; on QEMU's models when QEMU is installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vc/driver.h"

static bool have_qemu(void)
{
	return system("command -v qemu-system-x86_64 >/dev/null 2>&1") == 0;
}

/* One request through queue `req.queue`, optionally packed, with MSI-X, or
 * with all of it in an indirect table. */
static void one_request(const char *spec, bool packed, bool msix, bool indirect)
{
	char err[512];
	struct vc_device *d;
	struct vc_probe *p = calloc(1, sizeof(*p));
	struct vc_driver drv;
	struct vc_vq *vq = calloc(1, sizeof(*vq));
	struct vc_request req;
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	uint16_t id, id2;
	uint32_t len;
	int vector = 99;

	if (strncmp(spec, "qemu:", 5) == 0 && !have_qemu()) {
		free(p);
		free(vq);
		skip();
	}
	assert_int_equal(vc_device_open(spec, &d, err, sizeof(err)), 0);
	assert_int_equal(vc_probe_device(d, p, err, sizeof(err)), 0);
	vc_driver_init(&drv, d, p);
	vc_features_set(want, VIRTIO_F_VERSION_1);
	if (packed)
		vc_features_set(want, VIRTIO_F_RING_PACKED);
	if (indirect)
		vc_features_set(want, VIRTIO_F_INDIRECT_DESC);
	assert_int_equal(vc_start(&drv, want), 0);
	assert_int_equal(vc_negotiated(&drv, VIRTIO_F_RING_PACKED), packed);
	assert_int_equal(vc_negotiated(&drv, VIRTIO_F_INDIRECT_DESC), indirect);
	assert_int_equal(vc_request_make(&drv, &req), 0);
	assert_int_equal(vc_vq_setup(&drv, req.queue, 0, vq), 0);
	if (msix) {
		assert_int_equal(vc_irq_msix(&drv, 2), 0);
		assert_int_equal(vc_common_write(d, p, COMMON_queue_select, 2, req.queue), 0);
		assert_int_equal(vc_common_write(d, p, COMMON_queue_msix_vector, 2, 1), 0);
	}
	assert_int_equal(vc_vq_enable(&drv, vq), 0);
	assert_int_equal(vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK), 0);
	if (indirect)
		assert_int_equal(vc_vq_add_indirect(&drv, vq, req.bufs, req.n, 0, false, false, &id), 0);
	else
		assert_int_equal(vc_vq_add(&drv, vq, req.bufs, req.n, &id), 0);
	assert_int_equal(vc_vq_kick(&drv, vq), 0);
	if (vc_vq_wait_used(&drv, vq, 3000, &id2, &len))
		fail_msg("%s: %s never came back", spec, req.what);
	assert_int_equal(id2, id);
	/* QEMU 7.2's virtio-input reports the statusq buffer's size as written
	 * (docs/findings.md): the length rule is a clause, not this test's job */
	(void)len;
	if (msix) {
		assert_int_equal(vc_irq_wait(&drv, 3000, &vector), 0);
		assert_int_equal(vector, 1);
	}
	assert_int_equal(vc_reset(&drv), 0);
	vc_device_close(d);
	free(p);
	free(vq);
}

#define CASE(name, spec, packed, msix) \
	static void name(void **state) { (void)state; one_request(spec, packed, msix, false); }
#define CASE_INDIRECT(name, spec) \
	static void name(void **state) { (void)state; one_request(spec, false, false, true); }
CASE(sim_split, "sim", false, false)
CASE(sim_split_msix, "sim", false, true)
CASE(sim_packed, "sim:type=4,packed", true, false)
CASE(qemu_rng, "qemu:virtio-rng-pci", false, true)
CASE(qemu_rng_intx, "qemu:virtio-rng-pci", false, false)
CASE(qemu_blk, "qemu:virtio-blk-pci", false, true)
CASE(qemu_net, "qemu:virtio-net-pci", false, true)
CASE(qemu_net_packed, "qemu:virtio-net-pci,packed=on", true, true)
CASE(qemu_scsi, "qemu:virtio-scsi-pci", false, true)
CASE(qemu_balloon, "qemu:virtio-balloon-pci", false, false)   /* QEMU gives it no MSI-X */
CASE(qemu_serial, "qemu:virtio-serial-pci", false, true)
CASE(qemu_gpu, "qemu:virtio-gpu-pci", false, true)
CASE(qemu_keyboard, "qemu:virtio-keyboard-pci", false, true)
CASE_INDIRECT(sim_indirect, "sim:indirect")
CASE_INDIRECT(qemu_blk_indirect, "qemu:virtio-blk-pci")

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sim_split), cmocka_unit_test(sim_split_msix), cmocka_unit_test(sim_packed),
		cmocka_unit_test(qemu_rng), cmocka_unit_test(qemu_rng_intx), cmocka_unit_test(qemu_blk), cmocka_unit_test(qemu_net),
		cmocka_unit_test(qemu_net_packed), cmocka_unit_test(qemu_scsi), cmocka_unit_test(qemu_balloon),
		cmocka_unit_test(qemu_serial), cmocka_unit_test(qemu_gpu), cmocka_unit_test(qemu_keyboard),
		cmocka_unit_test(sim_indirect), cmocka_unit_test(qemu_blk_indirect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
