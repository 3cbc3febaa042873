/* Input device: the select/subsel configuration (Device Types / Input
 * Device / Device Initialization). */
#include "../devsession.h"
#include "vc/devtypes/input.h"

#define L_INPUT_INIT "Device Types / Input Device / Device Initialization"

static bool query(struct vc_ctx *c, struct vc_dev *d, uint8_t select, uint8_t subsel, uint8_t *size, uint8_t *u)
{
	return ds_ok(c, vc_input_query(d, select, subsel, size, u), "querying the input configuration failed");
}

/* size 0 for a combination the device does not support: UNSET, selects the
 * spec does not define, ID_NAME with a subsel, EV_BITS of event types past
 * EV_MAX, ABS_INFO of axes the EV_ABS bitmap leaves out. Each is asked
 * right after a supported one, so a size left over from it shows. */
static void unsupported_size_zero(struct vc_ctx *c)
{
	static const struct { uint8_t select, subsel; const char *what; } never[] = {
		{ VIRTIO_INPUT_CFG_UNSET, 0, "UNSET" },
		{ 0x04, 0, "select 0x04 (undefined)" },
		{ 0x13, 0, "select 0x13 (undefined)" },
		{ 0x7f, 0, "select 0x7f (undefined)" },
		{ 0xff, 0xff, "select 0xff, subsel 0xff (undefined)" },
		{ VIRTIO_INPUT_CFG_ID_NAME, 1, "ID_NAME with subsel 1" },
		{ VIRTIO_INPUT_CFG_EV_BITS, EV_MAX + 1, "EV_BITS of event type 0x20 (past EV_MAX)" },
		{ VIRTIO_INPUT_CFG_EV_BITS, 0xff, "EV_BITS of event type 0xff" },
	};
	uint8_t size, name_size, abs[128], abs_size, u[128];
	unsigned asked = 0;
	struct vc_dev d;

	if (!ds_open(c, &d, 0, 0, 0, true) ||
	    !query(c, &d, VIRTIO_INPUT_CFG_ID_NAME, 0, &name_size, u) ||
	    !query(c, &d, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &abs_size, abs))
		return;
	for (unsigned i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		/* the name first (when there is one): a device that keeps the last size shows it */
		if (!query(c, &d, VIRTIO_INPUT_CFG_ID_NAME, 0, &size, NULL) ||
		    !query(c, &d, never[i].select, never[i].subsel, &size, NULL))
			return;
		asked++;
		if (size) {
			vc_fail(c, "%s reads size %u", never[i].what, size);
			vc_observed(c, "select 0x%02x subsel 0x%02x: size %u", never[i].select, never[i].subsel, size);
			vc_expected(c, "size 0: the device supports no such combination");
			return;
		}
	}
	for (unsigned axis = 0; axis <= ABS_MAX; axis++) {
		if (vc_input_bit(abs, abs_size, axis))
			continue;
		if (!query(c, &d, VIRTIO_INPUT_CFG_ID_NAME, 0, &size, NULL) ||
		    !query(c, &d, VIRTIO_INPUT_CFG_ABS_INFO, (uint8_t)axis, &size, NULL))
			return;
		asked++;
		if (size) {
			vc_fail(c, "ABS_INFO of axis 0x%02x reads size %u, though EV_BITS/EV_ABS %s", axis, size,
				abs_size ? "leaves the axis out" : "is empty (no absolute axes)");
			vc_observed(c, "select ABS_INFO subsel 0x%02x: size %u", axis, size);
			vc_expected(c, "size 0");
			return;
		}
	}
	if (!name_size)
		vc_note(c, "the device gives no name either (ID_NAME size 0)");
	vc_note(c, "%u unsupported combinations read size 0", asked);
}

/* Not a spec rule: a select whose answer is a structure reads that
 * structure's size: ID_DEVIDS 8 (struct virtio_input_devids), ABS_INFO 20
 * (struct virtio_input_absinfo) for each axis EV_BITS/EV_ABS lists. */
static void struct_sizes(struct vc_ctx *c)
{
	uint8_t size, abs[128], abs_size, u[128];
	unsigned asked = 0;
	struct vc_dev d;

	if (!ds_open(c, &d, 0, 0, 0, true) || !query(c, &d, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &abs_size, abs) ||
	    !query(c, &d, VIRTIO_INPUT_CFG_ID_DEVIDS, 0, &size, u))
		return;
	if (size && size != 8) {
		vc_fail(c, "ID_DEVIDS reads size %u: struct virtio_input_devids has 8 bytes", size);
		vc_observed(c, "select ID_DEVIDS: size %u", size);
		vc_expected(c, "8 (or 0: not supported)");
		return;
	}
	asked += size != 0;
	for (unsigned axis = 0; axis < 8u * abs_size && axis <= 0xff; axis++) {
		if (!vc_input_bit(abs, abs_size, axis))
			continue;
		if (!query(c, &d, VIRTIO_INPUT_CFG_ABS_INFO, (uint8_t)axis, &size, u))
			return;
		asked++;
		if (size != 20) {
			vc_fail(c, "ABS_INFO of axis 0x%02x, which EV_BITS/EV_ABS lists, reads size %u: struct "
				   "virtio_input_absinfo has 20 bytes", axis, size);
			vc_observed(c, "select ABS_INFO subsel 0x%02x: size %u", axis, size);
			vc_expected(c, "20");
			return;
		}
	}
	if (!asked)
		vc_skip(c, "neither ID_DEVIDS nor any ABS_INFO is supported: no structure to measure");
}

#define L_INPUT_SANITY "Sanity: what an input device is for (not a spec rule)"

static const struct vc_clause clauses[] = {
	{ "input.config.unsupported-size-zero", L_INPUT_INIT, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "INPUT-INIT-DEV-1",
	  "A select/subsel combination the device does not support (UNSET, undefined selects, ID_NAME with a "
	  "subsel, event types past EV_MAX, axes EV_ABS leaves out) reads size 0.", NULL, unsupported_size_zero },
	{ "input.sanity.struct-sizes", L_INPUT_SANITY, VC_MAY, VC_SANITY, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_COMMON, "",
	  "Not a spec rule: ID_DEVIDS reads size 8 and ABS_INFO of each axis EV_BITS/EV_ABS lists reads size 20, "
	  "the sizes of the structures they answer with.", NULL, struct_sizes },
};
VC_DEVICE_SUITE(suite_input_config, clauses, VIRTIO_ID_INPUT);
