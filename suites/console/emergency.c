/* Console device: emergency write (Device Types / Console Device / Device
 * Initialization): emerg_wr takes a byte at any time, configured or not,
 * and its low byte goes to the console's output (the host side of port 0,
 * read back with the host action console-read). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/console.h"
#include "vc/devtypes/host.h"

#define L_CONSOLE_INIT "Device Types / Console Device / Device Initialization"

static bool need_emerg(struct vc_ctx *c)
{
	if (!vc_offers(c->probe, VIRTIO_CONSOLE_F_EMERG_WRITE))
		vc_skip(c, "the device does not offer VIRTIO_CONSOLE_F_EMERG_WRITE (bit 2)");
	else if (!c->probe->device_cfg)
		vc_skip(c, "no device-specific configuration structure (pci.device-cfg.* report it)");
	else
		return true;
	return false;
}

/* Write one emergency byte: `ch` in the low byte, other bytes set too. */
static bool emerg(struct vc_ctx *c, uint8_t ch)
{
	return ds_ok(c, vc_struct_write(c->dev, c->probe->device_cfg, VIRTIO_CONSOLE_CFG_EMERG_WR, 4,
					0x5a5a5a00u | ch), "writing emerg_wr failed");
}

/* What reached the console's host side since the last look: true with
 * *can false when the backend cannot tell. */
static bool console_output(struct vc_ctx *c, char *out, size_t len, bool *can)
{
	int rc = vc_host(c->dev, VC_HOST_CONSOLE_READ, "0", out, len);

	*can = rc != -ENOTSUP;
	if (rc == -ENOTSUP)
		out[0] = 0;
	return rc == -ENOTSUP || ds_ok(c, rc, "reading the console's host side failed");
}

static bool status_is(struct vc_ctx *c, struct vc_driver *drv, uint8_t want, const char *when)
{
	uint8_t st;

	if (!ds_ok(c, vc_status_read(drv, &st), "reading device_status failed"))
		return false;
	if (st == want)
		return true;
	vc_fail(c, "an emergency write %s changed device_status", when);
	vc_observed(c, "device_status 0x%02x", st);
	vc_expected(c, "0x%02x, as the driver left it", want);
	return false;
}

/* 'A' right after a reset, 'B' after ACKNOWLEDGE | DRIVER, 'C' after
 * FEATURES_OK, 'D' after DRIVER_OK: the device takes each (device_status
 * unchanged, the initialization completes), and where the host side can be
 * read, all four arrive: not only the one written to a configured device. */
static void emerg_unconfigured(struct vc_ctx *c)
{
	static const char *const when[] = { "right after a reset", "after ACKNOWLEDGE | DRIVER",
					    "after FEATURES_OK", "after DRIVER_OK" };
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	struct vc_driver drv;
	char out[256];
	bool can;
	int rc;

	if (!need_emerg(c) || !console_output(c, out, sizeof(out), &can))
		return;
	vc_ctx_driver(c, &drv);
	if ((rc = vc_reset(&drv))) {
		vc_skip(c, "the reset did not complete (pci.reset.status-reads-zero reports it)");
		return;
	}
	vc_features_set(want, VIRTIO_F_VERSION_1);
	vc_features_set(want, VIRTIO_CONSOLE_F_EMERG_WRITE);
	if (!emerg(c, 'A') || !status_is(c, &drv, 0, when[0]) ||
	    !ds_ok(c, vc_status_add(&drv, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER), "status write failed") ||
	    !emerg(c, 'B') || !status_is(c, &drv, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER, when[1]))
		return;
	if ((rc = vc_negotiate(&drv, want)) == -EPROTO) {
		vc_fail(c, "after an emergency write on the unconfigured device, FEATURES_OK was refused");
		vc_observed(c, "FEATURES_OK cleared for VERSION_1 | EMERG_WRITE");
		vc_expected(c, "the device initialized as usual");
		return;
	}
	if (!ds_ok(c, rc, "negotiation failed") || !emerg(c, 'C') || !status_is(c, &drv, drv.status, when[2]) ||
	    !ds_ok(c, vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK), "status write failed") || !emerg(c, 'D') ||
	    !status_is(c, &drv, drv.status, when[3]) || !console_output(c, out, sizeof(out), &can))
		return;
	if (!can) {
		vc_note(c, "the %s backend cannot read the console's host side: the device took the writes, what "
			   "it did with them is not checked", c->dev->backend);
		return;
	}
	const char *d = strchr(out, 'D');
	if (!d) {
		vc_note(c, "no emergency byte reached the host side (console.init.emerg-wr-output reports it): the "
			   "device took the writes");
		return;
	}
	for (unsigned i = 0; i < 3; i++) {
		const char *p = memchr(out, 'A' + i, (size_t)(d - out));
		if (!p) {
			vc_fail(c, "the emergency write %s never reached the host side, the one after DRIVER_OK did",
				when[i]);
			vc_observed(c, "\"%.60s\" on port 0's host side", out);
			vc_expected(c, "\"ABCD\"");
			return;
		}
	}
}

/* On a running device each byte written reaches the console's output:
 * the low byte of the value, nothing else. */
static void emerg_output(struct vc_ctx *c)
{
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	struct vc_driver drv;
	char out[256];

	vc_features_set(want, VIRTIO_F_VERSION_1);
	vc_features_set(want, VIRTIO_CONSOLE_F_EMERG_WRITE);
	if (!need_emerg(c) || !ds_host(c, VC_HOST_CONSOLE_READ, "0", out, sizeof(out)) || !vc_ctx_start(c, &drv, want) ||
	    !ds_ok(c, vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK), "status write failed") || !emerg(c, 'Z') ||
	    !emerg(c, 'q') || !emerg(c, '\n') || !ds_host(c, VC_HOST_CONSOLE_READ, "0", out, sizeof(out)))
		return;
	if (strcmp(out, "Zq\n")) {
		vc_fail(c, "emergency writes of 'Z', 'q' and a newline did not come out as those bytes");
		vc_observed(c, "\"%.60s\" on port 0's host side", out);
		vc_expected(c, "\"Zq\\n\" (each value's low byte)");
	}
}

static const struct vc_clause clauses[] = {
	{ "console.init.emerg-wr-unconfigured", L_CONSOLE_INIT, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "CONSOLE-INIT-DEV-1",
	  "emerg_wr takes a byte at every step of initialization, right after a reset on: device_status stays as "
	  "the driver set it, the device initializes, and the bytes reach the console like one written after "
	  "DRIVER_OK.", NULL, emerg_unconfigured, VC_REQ(VIRTIO_CONSOLE_F_EMERG_WRITE) },
	{ "console.init.emerg-wr-output", L_CONSOLE_INIT, VC_SHOULD, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "CONSOLE-INIT-DEV-2",
	  "The low byte of each value written to emerg_wr reaches the console's output.", NULL, emerg_output,
	  VC_REQ(VIRTIO_CONSOLE_F_EMERG_WRITE) },
};
VC_DEVICE_SUITE(suite_console_emergency, clauses, VIRTIO_ID_CONSOLE);
