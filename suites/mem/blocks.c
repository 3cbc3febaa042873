/* virtio-mem: blocks and their memory over time (device and system
 * resets, a suspend cycle, other requests) and as the CPU reaches it. */
#include <errno.h>
#include <string.h>
#include "mem.h"
#include "vc/devtypes/host.h"

#define AT 0x100      /* where in a block the pattern goes */

static bool expect_state(struct vm *vm, unsigned k, uint16_t want, const char *after)
{
	uint16_t state;

	if (!vm_state(vm, k, 1, &state))
		return false;
	if (state != want) {
		vc_fail(vm->c, "block %u is %s after %s", k, mem_state_name(state), after);
		vc_observed(vm->c, "STATE: %s", mem_state_name(state));
		vc_expected(vm->c, "%s, as before", mem_state_name(want));
		return false;
	}
	return true;
}

static void reset_keeps_block_state(struct vc_ctx *c)
{
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 2) || !vm_plug(&vm, 0, 1) || !vm_open(c, &vm, 0, 0, false))
		return;
	if (expect_state(&vm, 0, MEM_STATE_PLUGGED, "a device reset"))
		expect_state(&vm, 1, MEM_STATE_UNPLUGGED, "a device reset");
}

/* Block k plugged, pattern `seed` written into it and seen there (else SKIP). */
static bool plugged_with_pattern(struct vm *vm, unsigned k, uint8_t seed)
{
	bool holds;

	if (!vm_plug(vm, k, 1) || !vm_mem_write(vm, vm_block(vm, k) + AT, seed) ||
	    !vm_mem_holds(vm, vm_block(vm, k) + AT, seed, &holds))
		return false;
	if (!holds)
		vc_skip(vm->c, "what the CPU wrote into plugged block %u did not read back (mem.op.plugged-accessible "
			       "reports it)", k);
	return holds;
}

static bool still_holds(struct vm *vm, unsigned k, uint8_t seed, const char *after)
{
	bool holds;

	if (!vm_mem_holds(vm, vm_block(vm, k) + AT, seed, &holds))
		return false;
	if (!holds) {
		vc_fail(vm->c, "the memory of plugged block %u changed with %s", k, after);
		vc_observed(vm->c, "at 0x%llx: not the %u bytes written", (unsigned long long)(vm_block(vm, k) + AT),
			    VM_PATTERN_LEN);
		vc_expected(vm->c, "the bytes written before");
	}
	return holds;
}

static void reset_keeps_contents(struct vc_ctx *c)
{
	uint16_t state;
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 1) || !plugged_with_pattern(&vm, 0, 0x71) ||
	    !vm_open(c, &vm, 0, 0, false) || !vm_state(&vm, 0, 1, &state))
		return;
	if (state != MEM_STATE_PLUGGED) {
		vc_skip(c, "block 0 is no longer plugged after the reset (mem.init.reset-keeps-block-state reports it)");
		return;
	}
	still_holds(&vm, 0, 0x71, "a device reset");
}

static void plugged_contents_kept(struct vc_ctx *c)
{
	uint16_t state;
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 2) || !plugged_with_pattern(&vm, 0, 0x72) ||
	    !vm_plug(&vm, 1, 1) || !vm_state(&vm, 0, 2, &state) || !vm_unplug(&vm, 1, 1))
		return;
	still_holds(&vm, 0, 0x72, "PLUG, STATE and UNPLUG of the block after it");
}

static void plugged_accessible(struct vc_ctx *c)
{
	struct vm vm;
	bool holds;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 1) || !vm_plug(&vm, 0, 1))
		return;
	uint64_t last = vm_block(&vm, 1) - VM_PATTERN_LEN;
	if (!vm_mem_write(&vm, vm_block(&vm, 0), 0x73) || !vm_mem_write(&vm, last, 0x74) ||
	    !vm_mem_holds(&vm, vm_block(&vm, 0), 0x73, &holds))
		return;
	if (holds && !vm_mem_holds(&vm, last, 0x74, &holds))
		return;
	if (!holds) {
		vc_fail(c, "the CPU's writes into a plugged block did not read back");
		vc_observed(c, "block 0 at 0x%llx: other bytes than written", (unsigned long long)vm_block(&vm, 0));
		vc_expected(c, "what was written, at its first and last bytes");
	}
}

static void unplugged_readable(struct vc_ctx *c)
{
	char arg[48], out[2 * VM_PATTERN_LEN + 8];
	struct mem_resp r;
	struct vm vm;
	int rc;

	/* the driver declines UNPLUGGED_INACCESSIBLE; a device may stop then */
	memset(&vm, 0, sizeof(vm));
	vm.c = c;
	rc = vc_dev_open(&vm.m.dev, c->dev, c->probe, NULL, DS_Q(0), false);
	if (rc == -EPROTO && vc_offers(c->probe, VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE)) {
		vc_skip(c, "the device refuses to work without VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE, which it may");
		return;
	}
	if (!ds_ok(c, rc, "starting the device") || !vm_config(&vm))
		return;
	vm.bs = vm.m.cfg.block_size;
	if (!vm.bs || !vm_step(&vm, mem_request(&vm.m, MEM_REQ_UNPLUG_ALL, 0, 0, &r), &r, "UNPLUG ALL") ||
	    !vm_config(&vm))
		return;
	if (vm.m.cfg.usable_region_size < vm.bs) {
		vc_skip(c, "the usable region holds no block");
		return;
	}
	snprintf(arg, sizeof(arg), "%llx %x", (unsigned long long)vm_block(&vm, 0), VM_PATTERN_LEN);
	rc = vc_host(c->dev, VC_HOST_MEM_READ, arg, out, sizeof(out));
	if (rc == -EFAULT) {
		vc_fail(c, "the CPU cannot read an unplugged block inside the usable region");
		vc_observed(c, "a read of block 0 at 0x%llx failed", (unsigned long long)vm_block(&vm, 0));
		vc_expected(c, "readable (UNPLUGGED_INACCESSIBLE not negotiated)");
		return;
	}
	if (rc)
		ds_host(c, VC_HOST_MEM_READ, arg, out, sizeof(out));     /* its SKIP or ERROR */
}

/* A platform event with block 0 plugged and block 1 not; then the session again. */
static bool across(struct vc_ctx *c, struct vm *vm, const char *what, uint64_t need)
{
	char out[8];

	return vm_start(c, vm, need, false) && vm_blocks(vm, 2) && vm_plug(vm, 0, 1) &&
	       ds_host(c, what, "", out, sizeof(out)) && vm_open(c, vm, 0, need, false);
}

static void system_reset_unplugs(struct vc_ctx *c)
{
	struct vm vm;

	if (!across(c, &vm, VC_HOST_SYSTEM_RESET, 0))
		return;
	if (vm.m.cfg.plugged_size) {
		vc_fail(c, "blocks stay plugged over a system reset");
		vc_observed(c, "plugged_size 0x%llx after the system reset", (unsigned long long)vm.m.cfg.plugged_size);
		vc_expected(c, "0: every block unplugged");
		return;
	}
	if (vm.m.cfg.usable_region_size >= vm.bs)
		expect_state(&vm, 0, MEM_STATE_UNPLUGGED, "a system reset (it was plugged before)");
}

static void suspend_keeps_blocks(struct vc_ctx *c)
{
	struct vm vm;

	if (!across(c, &vm, VC_HOST_SUSPEND_RESUME, VM_F(VIRTIO_MEM_F_PERSISTENT_SUSPEND)))
		return;
	if (expect_state(&vm, 0, MEM_STATE_PLUGGED, "suspend-to-RAM and the wake-up"))
		expect_state(&vm, 1, MEM_STATE_UNPLUGGED, "suspend-to-RAM and the wake-up");
}

/* Not a spec rule (the chapter: "Once the plugged_size is greater or equal
 * to the requested_size, requests to plug memory blocks will be rejected by
 * the device"): blocks plugged up to requested_size, a PLUG of one block
 * more is rejected (NACK, or ERROR) and plugged_size stays. */
static void plug_limit(struct vc_ctx *c)
{
	struct mem_resp r;
	struct vm vm;

	if (!vm_start(c, &vm, 0, false))
		return;
	uint64_t want = vm.m.cfg.requested_size / vm.bs;
	if (!want || want > 0xffff || vm.m.cfg.usable_region_size / vm.bs < want + 1) {
		vc_skip(c, "requested_size 0x%llx (%llu blocks) and usable_region_size 0x%llx leave no block to plug past "
			   "requested_size", (unsigned long long)vm.m.cfg.requested_size, (unsigned long long)want,
			(unsigned long long)vm.m.cfg.usable_region_size);
		return;
	}
	if (!vm_plug(&vm, 0, (unsigned)want) || !vm_config(&vm))
		return;
	uint64_t before = vm.m.cfg.plugged_size;
	int rc = mem_request(&vm.m, MEM_REQ_PLUG, vm_block(&vm, (unsigned)want), 1, &r);
	if (rc) {
		vm_expect(&vm, rc, &r, MEM_RESP_NACK, "PLUG past requested_size");     /* its FAIL or ERROR */
		return;
	}
	if (r.type == MEM_RESP_BUSY) {
		vc_skip(c, "the PLUG past requested_size was answered BUSY: the limit is not seen");
		return;
	}
	if (r.type != MEM_RESP_NACK && r.type != MEM_RESP_ERROR) {
		vc_fail(c, "with plugged_size at requested_size (%llu blocks), a PLUG of one block more was %s",
			(unsigned long long)want, r.type == MEM_RESP_ACK ? "acknowledged" : "answered");
		vc_observed(c, "%s", mem_resp_name(r.type));
		vc_expected(c, "the request rejected: NACK (or ERROR)");
		return;
	}
	if (!vm_config(&vm))
		return;
	if (vm.m.cfg.plugged_size != before) {
		vc_fail(c, "a PLUG past requested_size was rejected, yet plugged_size moved");
		vc_observed(c, "plugged_size 0x%llx", (unsigned long long)vm.m.cfg.plugged_size);
		vc_expected(c, "0x%llx, as before the PLUG", (unsigned long long)before);
	}
}

#define L_MEM_SANITY "Sanity: what a memory device is for (not a spec rule)"

static const struct vc_clause clauses[] = {
	{ "mem.init.reset-keeps-block-state", L_MEM_INIT, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", VM_DRIVES,
	  "MEM-INIT-DEV-2", "A device reset leaves a plugged block plugged and an unplugged one unplugged (STATE).",
	  NULL, reset_keeps_block_state, 0, 1, NULL, VM_REACH },
	{ "mem.init.reset-keeps-contents", L_MEM_INIT, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", VM_DRIVES, "MEM-INIT-DEV-3",
	  "What the CPU wrote into a plugged block reads back after a device reset.", NULL, reset_keeps_contents, 0, 1,
	  NULL, VM_REACH },
	{ "mem.op.plugged-contents-kept", L_MEM_OP, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", VM_DRIVES, "MEM-OP-DEV-3",
	  "What the CPU wrote into a plugged block reads back after requests on another block.", NULL,
	  plugged_contents_kept, 0, 1, NULL, VM_REACH },
	{ "mem.op.plugged-accessible", L_MEM_OP, VC_MUST, VC_DEVICE_RULE, "1.2", VM_DRIVES, "MEM-OP-DEV-4",
	  "The CPU writes a plugged block (its first and last bytes) and reads it back.", NULL, plugged_accessible, 0,
	  1, NULL, VM_REACH },
	{ "mem.op.unplugged-readable", L_MEM_OP, VC_MUST, VC_DEVICE_RULE, "1.2", VM_DRIVES, "MEM-OP-DEV-5",
	  "Without UNPLUGGED_INACCESSIBLE, the CPU reads an unplugged block inside the usable region (the driver "
	  "should not, the spec says the device must allow it).", NULL, unplugged_readable, 0, 1, NULL,
	  VM_REACH },
	{ "mem.op.system-reset-unplugs", L_MEM_OP, VC_SHOULD, VC_DEVICE_RULE, "1.2", VM_DRIVES, "MEM-OP-DEV-7",
	  "A system reset unplugs every block: plugged_size 0, the block plugged before reads UNPLUGGED.", NULL,
	  system_reset_unplugs, 0, 1, NULL, VM_REACH },
	{ "mem.op.suspend-keeps-blocks", L_MEM_OP, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", VM_DRIVES, "MEM-OP-DEV-8",
	  "With PERSISTENT_SUSPEND, suspend-to-RAM and the wake-up leave the blocks as they were (STATE).", NULL,
	  suspend_keeps_blocks, VM_F(VIRTIO_MEM_F_PERSISTENT_SUSPEND), 1, NULL, "sim:type=24" },
	{ "mem.sanity.plug-limit", L_MEM_SANITY, VC_MAY, VC_SANITY, "1.2", VM_DRIVES, "",
	  "Not a spec rule: with plugged_size at requested_size, a PLUG of one block more is rejected (NACK or "
	  "ERROR), as the chapter describes the device; plugged_size stays.", NULL, plug_limit, 0, 1, NULL, VM_REACH },
};
VC_DEVICE_SUITE(suite_mem_blocks, clauses, VIRTIO_ID_MEM);
