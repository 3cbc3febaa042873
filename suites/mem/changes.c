/* virtio-mem: PLUG and UNPLUG requests (bytes the device must ignore,
 * invalid ranges, blocks already in the state asked for, the answer, and
 * plugged_size after it). The two are checked by the same functions, for
 * the request type of the clause. */
#include <string.h>
#include "mem.h"

static uint16_t type_of(struct vc_ctx *c)
{
	return strncmp(c->r->clause->id, "mem.plug.", 9) ? MEM_REQ_UNPLUG : MEM_REQ_PLUG;
}

static const char *name_of(uint16_t type)
{
	return type == MEM_REQ_PLUG ? "PLUG" : "UNPLUG";
}

/* Block 0 ready for the request: unplugged for PLUG, plugged for UNPLUG. */
static bool ready(struct vc_ctx *c, struct vm *vm, uint16_t type, unsigned blocks)
{
	return vm_start(c, vm, 0, false) && vm_blocks(vm, blocks) &&
	       (type == MEM_REQ_PLUG || (vm_plug(vm, 0, blocks) && vm_config(vm)));
}

/* The request on block 0 with bytes [from, to) set to 0xa5: ACK. */
static void ignores(struct vc_ctx *c, unsigned from, unsigned to, const char *which)
{
	uint16_t type = type_of(c);
	uint8_t req[MEM_REQ_LEN];
	struct mem_resp r;
	char what[96];
	struct vm vm;

	if (!ready(c, &vm, type, 1))
		return;
	mem_build(req, type, vm_block(&vm, 0), 1);
	memset(req + from, 0xa5, to - from);
	snprintf(what, sizeof(what), "%s of block 0 with its %s a5", name_of(type), which);
	vm_expect(&vm, mem_send(&vm.m, req, &r), &r, MEM_RESP_ACK, what);
}

static void header_ignored(struct vc_ctx *c) { ignores(c, 2, 8, "header padding"); }
static void padding_ignored(struct vc_ctx *c) { ignores(c, MEM_REQ_PADDING, MEM_REQ_LEN, "request padding"); }

/* Ranges the device must answer ERROR, for any request with a range. */
void mem_invalid_ranges(struct vm *vm, uint16_t type, const char *name)
{
	uint64_t usable = vm->m.cfg.usable_region_size / vm->bs;
	const struct { const char *what; uint64_t addr; uint16_t nb; bool needs; } bad[] = {
		{ "half a block into the region", vm_block(vm, 0) + vm->bs / 2, 1, vm->bs > 1 },
		{ "no blocks (nb_blocks 0)", vm_block(vm, 0), 0, true },
		{ "the first block after the usable region", vm_block(vm, (unsigned)usable), 1, true },
		{ "the last usable block and the one after it", vm_block(vm, (unsigned)usable - 1), 2, usable > 0 },
		{ "the block before the region", vm->m.cfg.addr - vm->bs, 1, vm->m.cfg.addr >= vm->bs },
	};
	struct mem_resp r;
	char what[128];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!bad[i].needs)
			continue;
		snprintf(what, sizeof(what), "%s of %s", name, bad[i].what);
		if (!vm_expect(vm, mem_request(&vm->m, type, bad[i].addr, bad[i].nb, &r), &r, MEM_RESP_ERROR, what))
			return;
	}
}

static void invalid_range(struct vc_ctx *c)
{
	struct vm vm;

	if (vm_start(c, &vm, 0, false))
		mem_invalid_ranges(&vm, type_of(c), name_of(type_of(c)));
}

/* PLUG of a plugged block, and of two where one is; UNPLUG likewise of
 * unplugged ones. */
static void already(struct vc_ctx *c)
{
	uint16_t type = type_of(c);
	struct mem_resp r;
	char what[96];
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 3))
		return;
	if (type == MEM_REQ_PLUG && !vm_plug(&vm, 1, 1))
		return;
	snprintf(what, sizeof(what), "%s of block 1, %s already", name_of(type),
		 type == MEM_REQ_PLUG ? "plugged" : "unplugged");
	if (!vm_expect(&vm, mem_request(&vm.m, type, vm_block(&vm, 1), 1, &r), &r, MEM_RESP_ERROR, what))
		return;
	if (type == MEM_REQ_UNPLUG && !vm_plug(&vm, 1, 1))
		return;
	snprintf(what, sizeof(what), "%s of blocks 0 and 1, block %s %s already", name_of(type),
		 type == MEM_REQ_PLUG ? "1" : "0", type == MEM_REQ_PLUG ? "plugged" : "unplugged");
	if (!vm_expect(&vm, mem_request(&vm.m, type, vm_block(&vm, 0), 2, &r), &r, MEM_RESP_ERROR, what) ||
	    type != MEM_REQ_PLUG)
		return;
	/* and with as much plugged as the host requests: still ERROR, not NACK */
	uint64_t room = vm.m.cfg.requested_size / vm.bs;
	if (room > 0xffff || !vm_unplug(&vm, 1, 1) || !vm_plug(&vm, 0, (unsigned)room) || !vm_config(&vm))
		return;
	snprintf(what, sizeof(what), "PLUG of block 0, plugged already, with plugged_size at requested_size (%u "
		 "blocks)", (unsigned)room);
	vm_expect(&vm, mem_request(&vm.m, type, vm_block(&vm, 0), 1, &r), &r, MEM_RESP_ERROR, what);
}

static void ack(struct vc_ctx *c)
{
	uint16_t type = type_of(c);
	struct mem_resp r;
	char what[64];
	struct vm vm;

	if (!ready(c, &vm, type, 2))
		return;
	snprintf(what, sizeof(what), "%s of blocks 0 and 1", name_of(type));
	if (!vm_expect(&vm, mem_request(&vm.m, type, vm_block(&vm, 0), 2, &r), &r, MEM_RESP_ACK, what))
		return;
	/* acknowledged: done, for both blocks */
	uint16_t want = type == MEM_REQ_PLUG ? MEM_STATE_PLUGGED : MEM_STATE_UNPLUGGED;
	if (!vm_step(&vm, mem_request(&vm.m, MEM_REQ_STATE, vm_block(&vm, 0), 2, &r), &r, "STATE of blocks 0 and 1"))
		return;
	if (r.type == MEM_RESP_ACK && r.state != want) {
		vc_fail(c, "after the ACK of %s of blocks 0 and 1, STATE of the two reads %s", name_of(type),
			mem_state_name(r.state));
		vc_observed(c, "state %u (%s)", r.state, mem_state_name(r.state));
		vc_expected(c, "%s: the request done for every block it covers", mem_state_name(want));
	}
}

static void plugged_size(struct vc_ctx *c)
{
	uint16_t type = type_of(c);
	uint64_t before, want;
	struct mem_resp r;
	struct vm vm;

	if (!ready(c, &vm, type, 2))
		return;
	before = vm.m.cfg.plugged_size;
	want = type == MEM_REQ_PLUG ? 2 * vm.bs : 0;      /* vm_start unplugged everything */
	if (!vm_step(&vm, mem_request(&vm.m, type, vm_block(&vm, 0), 2, &r), &r, name_of(type)) || !vm_config(&vm))
		return;
	if (vm.m.cfg.plugged_size != want) {
		vc_fail(c, "plugged_size does not show the %s of 2 blocks the device acknowledged", name_of(type));
		vc_observed(c, "plugged_size 0x%llx -> 0x%llx", (unsigned long long)before,
			    (unsigned long long)vm.m.cfg.plugged_size);
		vc_expected(c, "0x%llx (block_size 0x%llx)", (unsigned long long)want, (unsigned long long)vm.bs);
	}
}

#define CLAUSE(kind, label, kw, id, covers, summary, fn) \
	{ "mem." kind "." id, label, kw, VC_DEVICE_RULE, "1.2", VM_DRIVES, covers, summary, NULL, fn, 0, 1, NULL, \
	  VM_REACH }

static const struct vc_clause clauses[] = {
	CLAUSE("plug", L_MEM_PLUG, VC_MUST, "header-ignored", "MEM-PLUG-DEV-1",
	       "PLUG with nonzero header padding (bytes 2-7) is acknowledged.", header_ignored),
	CLAUSE("plug", L_MEM_PLUG, VC_MUST, "padding-ignored", "MEM-PLUG-DEV-2",
	       "PLUG with nonzero request padding (bytes 18-23) is acknowledged.", padding_ignored),
	CLAUSE("plug", L_MEM_PLUG, VC_MUST, "invalid-range-error", "MEM-PLUG-DEV-3",
	       "PLUG of a misaligned address, of 0 blocks, or of blocks outside the usable region gets ERROR.",
	       invalid_range),
	CLAUSE("plug", L_MEM_PLUG, VC_MUST, "already-plugged-error", "MEM-PLUG-DEV-4",
	       "PLUG covering a block that is plugged already gets ERROR.", already),
	CLAUSE("plug", L_MEM_PLUG, VC_MUST, "ack", "MEM-PLUG-DEV-6", "PLUG of unplugged blocks in the usable region, "
	       "within requested_size, gets ACK, and STATE then reads them plugged.", ack),
	CLAUSE("plug", L_MEM_PLUG, VC_MUST, "plugged-size", "MEM-PLUG-DEV-7",
	       "After a PLUG's ACK, plugged_size has grown by the blocks plugged.", plugged_size),
	CLAUSE("unplug", L_MEM_UNPLUG, VC_MUST, "header-ignored", "MEM-UNPLUG-DEV-1",
	       "UNPLUG with nonzero header padding (bytes 2-7) is acknowledged.", header_ignored),
	CLAUSE("unplug", L_MEM_UNPLUG, VC_MUST, "padding-ignored", "MEM-UNPLUG-DEV-2",
	       "UNPLUG with nonzero request padding (bytes 18-23) is acknowledged.", padding_ignored),
	CLAUSE("unplug", L_MEM_UNPLUG, VC_MUST, "invalid-range-error", "MEM-UNPLUG-DEV-3",
	       "UNPLUG of a misaligned address, of 0 blocks, or of blocks outside the usable region gets ERROR.",
	       invalid_range),
	CLAUSE("unplug", L_MEM_UNPLUG, VC_MUST, "already-unplugged-error", "MEM-UNPLUG-DEV-4",
	       "UNPLUG covering a block that is unplugged already gets ERROR.", already),
	CLAUSE("unplug", L_MEM_UNPLUG, VC_MUST, "ack", "MEM-UNPLUG-DEV-6", "UNPLUG of plugged blocks gets ACK, and STATE "
	       "then reads them unplugged.", ack),
	CLAUSE("unplug", L_MEM_UNPLUG, VC_MUST, "plugged-size", "MEM-UNPLUG-DEV-7",
	       "After an UNPLUG's ACK, plugged_size has shrunk by the blocks unplugged.", plugged_size),
};
VC_DEVICE_SUITE(suite_mem_changes, clauses, VIRTIO_ID_MEM);
