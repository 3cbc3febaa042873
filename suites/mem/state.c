/* virtio-mem: the UNPLUG ALL and STATE requests (bytes the device must
 * ignore, the answer, plugged_size after UNPLUG ALL, the state of plugged,
 * unplugged and mixed ranges). */
#include <string.h>
#include "mem.h"

static void unplug_all_ignores(struct vc_ctx *c, unsigned from, unsigned to, const char *which)
{
	uint8_t req[MEM_REQ_LEN];
	struct mem_resp r;
	char what[96];
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 1) || !vm_plug(&vm, 0, 1))
		return;
	mem_build(req, MEM_REQ_UNPLUG_ALL, 0, 0);
	memset(req + from, 0xa5, to - from);
	snprintf(what, sizeof(what), "UNPLUG ALL with %s a5", which);
	vm_expect(&vm, mem_send(&vm.m, req, &r), &r, MEM_RESP_ACK, what);
}

static void unplug_all_payload(struct vc_ctx *c) { unplug_all_ignores(c, 2, MEM_REQ_PADDING, "bytes 2-17"); }
static void unplug_all_padding(struct vc_ctx *c)
{
	unplug_all_ignores(c, MEM_REQ_PADDING, MEM_REQ_LEN, "its request padding (bytes 18-23)");
}

static void unplug_all_ack(struct vc_ctx *c)
{
	struct mem_resp r;
	uint16_t state;
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 2) || !vm_plug(&vm, 0, 2) ||
	    !vm_expect(&vm, mem_request(&vm.m, MEM_REQ_UNPLUG_ALL, 0, 0, &r), &r, MEM_RESP_ACK,
		       "UNPLUG ALL with 2 blocks plugged") || !vm_config(&vm))
		return;
	for (unsigned k = 0; k < 2 && vm.m.cfg.usable_region_size >= 2 * vm.bs; k++) {
		if (!vm_state(&vm, k, 1, &state))
			return;
		if (state != MEM_STATE_UNPLUGGED) {
			vc_fail(c, "block %u is still plugged after UNPLUG ALL's ACK", k);
			vc_observed(c, "STATE of block %u: %s", k, mem_state_name(state));
			vc_expected(c, "UNPLUGGED");
			return;
		}
	}
	vm_expect(&vm, mem_request(&vm.m, MEM_REQ_UNPLUG_ALL, 0, 0, &r), &r, MEM_RESP_ACK,
		  "UNPLUG ALL with nothing plugged");
}

static void unplug_all_plugged_size(struct vc_ctx *c)
{
	struct mem_resp r;
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 2) || !vm_plug(&vm, 0, 2) ||
	    !vm_step(&vm, mem_request(&vm.m, MEM_REQ_UNPLUG_ALL, 0, 0, &r), &r, "UNPLUG ALL") || !vm_config(&vm))
		return;
	if (vm.m.cfg.plugged_size) {
		vc_fail(c, "plugged_size is not 0 after UNPLUG ALL's ACK");
		vc_observed(c, "plugged_size 0x%llx", (unsigned long long)vm.m.cfg.plugged_size);
		vc_expected(c, "0");
	}
}

static void state_ignores(struct vc_ctx *c, unsigned from, unsigned to, const char *which)
{
	uint8_t req[MEM_REQ_LEN];
	struct mem_resp r;
	char what[96];
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 1))
		return;
	mem_build(req, MEM_REQ_STATE, vm_block(&vm, 0), 1);
	memset(req + from, 0xa5, to - from);
	snprintf(what, sizeof(what), "STATE of block 0 with its %s a5", which);
	if (vm_expect(&vm, mem_send(&vm.m, req, &r), &r, MEM_RESP_ACK, what) && r.state != MEM_STATE_UNPLUGGED) {
		vc_fail(c, "%s: %s", what, mem_state_name(r.state));
		vc_observed(c, "state %u", r.state);
		vc_expected(c, "UNPLUGGED, as with those bytes zero");
	}
}

static void state_header(struct vc_ctx *c) { state_ignores(c, 2, 8, "header padding"); }
static void state_padding(struct vc_ctx *c) { state_ignores(c, MEM_REQ_PADDING, MEM_REQ_LEN, "request padding"); }

static void state_invalid_range(struct vc_ctx *c)
{
	struct vm vm;

	if (vm_start(c, &vm, 0, false))
		mem_invalid_ranges(&vm, MEM_REQ_STATE, "STATE");
}

static void state_ack(struct vc_ctx *c)
{
	struct mem_resp r;
	struct vm vm;

	if (vm_start(c, &vm, 0, false) && vm_blocks(&vm, 1))
		vm_expect(&vm, mem_request(&vm.m, MEM_REQ_STATE, vm_block(&vm, 0), 1, &r), &r, MEM_RESP_ACK,
			  "STATE of block 0");
}

/* STATE of blocks 0 and 1 after `plug` of them were plugged: `want`. */
static void state_of(struct vc_ctx *c, unsigned plug, uint16_t want)
{
	uint16_t state;
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 2) || (plug && !vm_plug(&vm, 0, plug)) ||
	    !vm_state(&vm, 0, 2, &state))
		return;
	if (state != want) {
		vc_fail(c, "STATE of blocks 0 and 1, %u of them plugged, answered %s", plug, mem_state_name(state));
		vc_observed(c, "state %u (%s)", state, mem_state_name(state));
		vc_expected(c, "%u (%s)", want, mem_state_name(want));
	}
}

static void state_plugged(struct vc_ctx *c) { state_of(c, 2, MEM_STATE_PLUGGED); }
static void state_unplugged(struct vc_ctx *c) { state_of(c, 0, MEM_STATE_UNPLUGGED); }
static void state_mixed(struct vc_ctx *c) { state_of(c, 1, MEM_STATE_MIXED); }

#define CLAUSE(id, label, covers, summary, fn) \
	{ id, label, VC_MUST, VC_DEVICE_RULE, "1.2", VM_DRIVES, covers, summary, NULL, fn, 0, 1, NULL, VM_REACH }

static const struct vc_clause clauses[] = {
	CLAUSE("mem.unplug-all.payload-ignored", L_MEM_UNPLUG_ALL, "MEM-UNPLUGALL-DEV-1",
	       "UNPLUG ALL with nonzero bytes after its type (header padding, addr, nb_blocks) is acknowledged.",
	       unplug_all_payload),
	CLAUSE("mem.unplug-all.padding-ignored", L_MEM_UNPLUG_ALL, "MEM-UNPLUGALL-DEV-2",
	       "UNPLUG ALL with nonzero request padding (bytes 18-23) is acknowledged.", unplug_all_padding),
	CLAUSE("mem.unplug-all.ack", L_MEM_UNPLUG_ALL, "MEM-UNPLUGALL-DEV-4",
	       "UNPLUG ALL gets ACK, with blocks plugged (which STATE then finds unplugged) and with none.",
	       unplug_all_ack),
	CLAUSE("mem.unplug-all.plugged-size-zero", L_MEM_UNPLUG_ALL, "MEM-UNPLUGALL-DEV-5",
	       "After UNPLUG ALL's ACK, plugged_size is 0.", unplug_all_plugged_size),
	CLAUSE("mem.state.header-ignored", L_MEM_STATE, "MEM-STATE-DEV-1",
	       "STATE with nonzero header padding (bytes 2-7) answers as with it zero.", state_header),
	CLAUSE("mem.state.padding-ignored", L_MEM_STATE, "MEM-STATE-DEV-2",
	       "STATE with nonzero request padding (bytes 18-23) answers as with it zero.", state_padding),
	CLAUSE("mem.state.invalid-range-error", L_MEM_STATE, "MEM-STATE-DEV-3",
	       "STATE of a misaligned address, of 0 blocks, or of blocks outside the usable region gets ERROR.",
	       state_invalid_range),
	CLAUSE("mem.state.ack", L_MEM_STATE, "MEM-STATE-DEV-4", "STATE of a block in the usable region gets ACK.",
	       state_ack),
	CLAUSE("mem.state.plugged", L_MEM_STATE, "MEM-STATE-DEV-5", "STATE of blocks all plugged answers PLUGGED.",
	       state_plugged),
	CLAUSE("mem.state.unplugged", L_MEM_STATE, "MEM-STATE-DEV-6",
	       "STATE of blocks all unplugged answers UNPLUGGED.", state_unplugged),
	CLAUSE("mem.state.mixed", L_MEM_STATE, "MEM-STATE-DEV-7",
	       "STATE of a plugged block and an unplugged one answers MIXED.", state_mixed),
};
VC_DEVICE_SUITE(suite_mem_state, clauses, VIRTIO_ID_MEM);
