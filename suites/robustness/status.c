/* Hostile device status and feature negotiation (probe.status.*,
 * probe.features.*): status bits cleared, undefined or device-owned bits
 * set, DRIVER_OK without FEATURES_OK, going on after FAILED, FAILED with a
 * request in flight, a doorbell after a reset, re-initialisation without
 * waiting for the reset, a 16-bit status write, SUSPEND without the
 * feature, a queue set up before FEATURES_OK; feature select windows up to
 * 0xffffffff, features not offered, written after FEATURES_OK or
 * DRIVER_OK, FEATURES_OK without VERSION_1, and a narrow feature write.
 * Engine: probe.h. */
#include <errno.h>
#include <string.h>
#include "probe.h"

/* The request made available on a running queue, a status written, then
 * the doorbell; the device must stay sane (and serve after a reset). */
static void status_then_kick(struct vc_ctx *c, uint8_t clear, uint8_t set, const char *what)
{
	struct probe p;
	uint16_t id;

	if (!probe_start(c, &p, 0, 0) || !probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		return;
	uint8_t v = (uint8_t)((p.drv.status & ~clear) | set);
	if (probe_common_write(&p, COMMON_device_status, 1, v, what))
		probe_kick(&p, what);
}

static void clear_driver_ok(struct vc_ctx *c)
{
	status_then_kick(c, VIRTIO_STATUS_DRIVER_OK, 0, "DRIVER_OK cleared by the driver, then a doorbell");
}

static void clear_features_ok(struct vc_ctx *c)
{
	status_then_kick(c, VIRTIO_STATUS_FEATURES_OK, 0, "FEATURES_OK cleared by the driver, then a doorbell");
}

static void undefined_bit(struct vc_ctx *c)
{
	status_then_kick(c, 0, 0x20, "device_status bit 5 (undefined) set, then a doorbell");
}

static void needs_reset_by_driver(struct vc_ctx *c)
{
	status_then_kick(c, 0, VIRTIO_STATUS_DEVICE_NEEDS_RESET, "DEVICE_NEEDS_RESET set by the driver, then a doorbell");
}

static void failed_in_flight(struct vc_ctx *c)
{
	status_then_kick(c, 0, VIRTIO_STATUS_FAILED, "FAILED set with a request available, then a doorbell");
}

static void all_bits(struct vc_ctx *c)
{
	status_then_kick(c, 0, 0xff, "device_status 0xff, then a doorbell");
}

/* Status written by hand after the reset: `first` then `then`, the queue
 * set up (without FEATURES_OK when asked), the request and the doorbell. */
static void init_out_of_order(struct vc_ctx *c, uint8_t first, uint8_t then, const char *what)
{
	struct probe p;
	uint16_t id;

	if (!probe_start(c, &p, PROBE_NO_ENABLE, 0) || !probe_ok(c, vc_reset(&p.drv), "reset") ||
	    !probe_common_write(&p, COMMON_device_status, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER, what) ||
	    !probe_common_write(&p, COMMON_driver_feature_select, 4, 1, what) ||
	    !probe_common_write(&p, COMMON_driver_feature, 4, 1, what) ||     /* VERSION_1 */
	    !probe_common_write(&p, COMMON_device_status, 1, first, what) ||
	    !probe_ok(c, vc_vq_setup(&p.drv, p.vq.index, p.vq.size, &p.vq), "queue set-up") ||
	    !probe_ok(c, vc_vq_enable(&p.drv, &p.vq), "queue enable") ||
	    !probe_common_write(&p, COMMON_device_status, 1, then, what) ||
	    (!(then & VIRTIO_STATUS_DRIVER_OK) &&
	     !probe_common_write(&p, COMMON_device_status, 1, then | VIRTIO_STATUS_DRIVER_OK, what)) ||
	    !probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		return;
	probe_kick(&p, what);
}

static void driver_ok_without_features_ok(struct vc_ctx *c)
{
	const uint8_t ad = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	init_out_of_order(c, ad, ad | VIRTIO_STATUS_DRIVER_OK, "DRIVER_OK without FEATURES_OK");
}

static void queue_before_features_ok(struct vc_ctx *c)
{
	const uint8_t ad = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	init_out_of_order(c, ad, ad | VIRTIO_STATUS_FEATURES_OK, "a queue set up and enabled before FEATURES_OK");
}

static void after_failed(struct vc_ctx *c)
{
	const uint8_t adf = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
	init_out_of_order(c, adf | VIRTIO_STATUS_FAILED, adf | VIRTIO_STATUS_FAILED | VIRTIO_STATUS_DRIVER_OK,
			  "DRIVER_OK after FAILED, without a reset");
}

/* A reset, then the old queue's doorbell with nothing set up again. */
static void doorbell_after_reset(struct vc_ctx *c)
{
	static const char what[] = "a doorbell right after a reset, nothing set up again";
	struct probe p;
	uint16_t id;

	if (probe_start(c, &p, 0, 0) && probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add") &&
	    probe_ok(c, vc_reset(&p.drv), "reset") &&
	    probe_doorbell(&p, probe_notify_at(&p, p.vq.notify_off), 2, p.vq.index, what))
		probe_after(&p, what);
}

/* 0 written, then ACKNOWLEDGE at once, device_status not read between. */
static void reinit_without_waiting(struct vc_ctx *c)
{
	static const char what[] = "ACKNOWLEDGE written right after 0, before device_status read 0";
	struct probe p;

	if (probe_start(c, &p, 0, 0) && probe_common_write(&p, COMMON_device_status, 1, 0, what) &&
	    probe_common_write(&p, COMMON_device_status, 1, VIRTIO_STATUS_ACKNOWLEDGE, what))
		probe_after(&p, what);
}

static void wide_status_write(struct vc_ctx *c)
{
	static const char what[] = "a 16-bit write at device_status (config_generation its high byte)";
	struct probe p;
	uint64_t gen;

	if (probe_start(c, &p, 0, 0) && probe_common_read(&p, COMMON_config_generation, 1, &gen, what) &&
	    probe_common_write(&p, COMMON_device_status, 2, (gen << 8 | p.drv.status) ^ 0x100, what))
		probe_kick(&p, what);
}

static void suspend_without_feature(struct vc_ctx *c)
{
	status_then_kick(c, 0, VIRTIO_STATUS_SUSPEND, "SUSPEND set with VIRTIO_F_SUSPEND not negotiated, then a doorbell");
}

/* Features */

/* device_feature_select `sel` and device_feature read there; the window
 * is set back to 0 for the request. */
static void device_select(struct vc_ctx *c, uint32_t sel, const char *what)
{
	struct probe p;
	uint64_t v;

	if (probe_start(c, &p, 0, 0) && probe_common_write(&p, COMMON_device_feature_select, 4, sel, what) &&
	    probe_common_read(&p, COMMON_device_feature, 4, &v, what) &&
	    probe_common_write(&p, COMMON_device_feature_select, 4, 0, what))
		probe_after(&p, what);
}

static void device_select_high(struct vc_ctx *c)
{
	device_select(c, 0x1000, "device_feature_select 0x1000 read");
}

static void device_select_max(struct vc_ctx *c)
{
	device_select(c, 0xffffffffu, "device_feature_select 0xffffffff read");
}

/* Before FEATURES_OK: driver_feature words written as the variant says,
 * then FEATURES_OK (a refusal is the device's right), the queue, DRIVER_OK. */
static void negotiate_hostile(struct vc_ctx *c, uint32_t sel, uint32_t value, bool no_version_1, unsigned width,
			      const char *what)
{
	struct probe p;
	uint64_t status;
	uint16_t id;

	if (!probe_start(c, &p, PROBE_NO_ENABLE, 0) || !probe_ok(c, vc_reset(&p.drv), "reset") ||
	    !probe_common_write(&p, COMMON_device_status, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER, what))
		return;
	if (!probe_common_write(&p, COMMON_driver_feature_select, 4, sel, what) ||
	    !probe_common_write(&p, COMMON_driver_feature, width, value, what) ||
	    !probe_common_write(&p, COMMON_driver_feature_select, 4, 1, what) ||
	    !probe_common_write(&p, COMMON_driver_feature, 4, no_version_1 ? 0 : sel == 1 ? value : 1, what) ||
	    !probe_common_write(&p, COMMON_device_status, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				VIRTIO_STATUS_FEATURES_OK, what) ||
	    !probe_common_read(&p, COMMON_device_status, 1, &status, what))
		return;
	if (!(status & VIRTIO_STATUS_FEATURES_OK)) {       /* refused: allowed, and the device must still recover */
		vc_note(c, "the device refused FEATURES_OK (allowed)");
		probe_after(&p, what);
		return;
	}
	p.drv.status = (uint8_t)status;
	if (probe_ok(c, vc_vq_setup(&p.drv, p.vq.index, p.vq.size, &p.vq), "queue set-up") &&
	    probe_ok(c, vc_vq_enable(&p.drv, &p.vq), "queue enable") &&
	    probe_ok(c, vc_status_add(&p.drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK") &&
	    probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		probe_kick(&p, what);
}

static void driver_select_max(struct vc_ctx *c)
{
	negotiate_hostile(c, 0xffffffffu, 0xffffffffu, false, 4, "driver_feature all ones at select 0xffffffff");
}

static void accept_unoffered(struct vc_ctx *c)
{
	negotiate_hostile(c, 0, 0xffffffffu, false, 4, "every feature bit of word 0 accepted, offered or not");
}

static void no_version_1(struct vc_ctx *c)
{
	negotiate_hostile(c, 0, 0, true, 4, "FEATURES_OK without VIRTIO_F_VERSION_1");
}

static void narrow_write(struct vc_ctx *c)
{
	negotiate_hostile(c, 0, 0, false, 2, "a 16-bit write to driver_feature");
}

/* Features written after FEATURES_OK, or after DRIVER_OK: what the device
 * offers in word 0 that was not accepted, then the doorbell. */
static void features_late(struct vc_ctx *c, bool after_driver_ok, const char *what)
{
	struct probe p;
	uint16_t id;

	if (!probe_start(c, &p, after_driver_ok ? 0 : PROBE_NO_ENABLE, 0))
		return;
	uint32_t more = c->probe->device_feature[0] | 1u;
	if (!probe_common_write(&p, COMMON_driver_feature_select, 4, 0, what) ||
	    !probe_common_write(&p, COMMON_driver_feature, 4, more, what))
		return;
	if (!after_driver_ok && (!probe_ok(c, vc_vq_enable(&p.drv, &p.vq), "queue enable") ||
				 !probe_ok(c, vc_status_add(&p.drv, VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK")))
		return;
	if (probe_ok(c, vc_vq_add(&p.drv, &p.vq, p.req.bufs, p.req.n, &id), "vq add"))
		probe_kick(&p, what);
}

static void after_features_ok(struct vc_ctx *c)
{
	features_late(c, false, "driver_feature written after FEATURES_OK");
}

static void after_driver_ok(struct vc_ctx *c)
{
	features_late(c, true, "driver_feature written after DRIVER_OK");
}

#define ROW(id, breaks, summary, fn) PROBE_ROW(id, "1.0", PROBE_RING, breaks, summary, fn, 0, 1),
#define ALLOWED " (" PROBE_ALLOWED ")"

static const struct vc_clause clauses[] = {
	ROW("probe.status.clear-driver-ok", "STATUS-DRV-2",
	    "DRIVER_OK cleared by the driver with a request available, then a doorbell: the device stays sane.",
	    clear_driver_ok)
	ROW("probe.status.clear-features-ok", "STATUS-DRV-2",
	    "FEATURES_OK cleared by the driver with a request available, then a doorbell: the device stays sane.",
	    clear_features_ok)
	ROW("probe.status.undefined-bit", "",
	    "device_status bit 5 (undefined) set" ALLOWED ": the device stays sane.", undefined_bit)
	ROW("probe.status.needs-reset-by-driver", "",
	    "DEVICE_NEEDS_RESET set by the driver" ALLOWED ": the device stays sane.", needs_reset_by_driver)
	ROW("probe.status.all-bits", "STATUS-DRV-1",
	    "device_status 0xff written on a running device: the device stays sane.", all_bits)
	ROW("probe.status.driver-ok-without-features-ok", "INIT-DRV-1",
	    "DRIVER_OK without FEATURES_OK, a queue and a request: the device stays sane.",
	    driver_ok_without_features_ok)
	ROW("probe.status.queue-before-features-ok", "INIT-DRV-1",
	    "A queue set up and enabled before FEATURES_OK: the device stays sane.", queue_before_features_ok)
	ROW("probe.status.after-failed", "STATUS-DRV-3 INIT-DRV-6",
	    "DRIVER_OK after FAILED without a reset, and a request: the device stays sane.", after_failed)
	ROW("probe.status.failed-in-flight", "",
	    "FAILED set with a request available" ALLOWED ": the device stays sane.", failed_in_flight)
	ROW("probe.status.doorbell-after-reset", "INIT-DRV-7",
	    "A doorbell right after a reset, nothing set up again: the device stays sane.", doorbell_after_reset)
	ROW("probe.status.reinit-without-waiting", "PCI-COMMON-DRV-5",
	    "ACKNOWLEDGE right after writing 0, device_status not read between: the device stays sane.",
	    reinit_without_waiting)
	ROW("probe.status.wide-write", "PCI-LAYOUT-DRV-1",
	    "A 16-bit write at device_status, over config_generation: the device stays sane.", wide_status_write)
	ROW("probe.status.suspend-without-feature", "SUSPEND-DRV-1",
	    "SUSPEND set with VIRTIO_F_SUSPEND not negotiated: the device stays sane.", suspend_without_feature)
	ROW("probe.features.device-select-high", "",
	    "device_feature_select 0x1000" ALLOWED ": the device stays sane.", device_select_high)
	ROW("probe.features.device-select-max", "",
	    "device_feature_select 0xffffffff" ALLOWED ": the device stays sane.", device_select_max)
	ROW("probe.features.driver-select-max", "FEAT-DRV-1",
	    "driver_feature all ones at driver_feature_select 0xffffffff, then FEATURES_OK: the device stays sane.",
	    driver_select_max)
	ROW("probe.features.accept-unoffered", "FEAT-DRV-1",
	    "Every bit of feature word 0 accepted, offered or not: the device stays sane.", accept_unoffered)
	ROW("probe.features.no-version-1", "RFB-DRV-1",
	    "FEATURES_OK without VIRTIO_F_VERSION_1: the device stays sane.", no_version_1)
	ROW("probe.features.narrow-write", "PCI-LAYOUT-DRV-1",
	    "A 16-bit write to driver_feature: the device stays sane.", narrow_write)
	ROW("probe.features.after-features-ok", "INIT-DRV-4",
	    "Feature bits written after FEATURES_OK: the device stays sane.", after_features_ok)
	ROW("probe.features.after-driver-ok", "INIT-DRV-4",
	    "Feature bits written after DRIVER_OK: the device stays sane.", after_driver_ok)
};
VC_SUITE(suite_probe_status, clauses);
