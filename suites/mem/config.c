/* virtio-mem: the device configuration (block size and alignment, the
 * usable region, what may change and when, change notifications). */
#include <errno.h>
#include <string.h>
#include "mem.h"
#include "session.h"

/* The configuration as it reads now, without driving the device. */
static bool read_config(struct vc_ctx *c, struct mem_config *cfg)
{
	static struct vc_dev d;
	int rc;

	vc_ctx_driver(c, &d.drv);
	if ((rc = mem_config_read(&d, cfg)) == -ENOENT)
		vc_fail(c, "the device-specific configuration is missing or shorter than struct virtio_mem_config (%u "
			   "bytes)", MEM_CFG_SIZE);
	else if (rc)
		vc_error(c, "reading the configuration: %s", strerror(-rc));
	return rc == 0;
}

static void block_size_power_of_2(struct vc_ctx *c)
{
	struct mem_config cfg;

	if (read_config(c, &cfg) && (!cfg.block_size || (cfg.block_size & (cfg.block_size - 1)))) {
		vc_fail(c, "block_size is not a power of two");
		vc_observed(c, "block_size 0x%llx", (unsigned long long)cfg.block_size);
		vc_expected(c, "a power of two");
	}
}

static void block_multiples(struct vc_ctx *c)
{
	struct mem_config cfg;

	if (!read_config(c, &cfg))
		return;
	if (!cfg.block_size) {
		vc_skip(c, "block_size is 0 (mem.config.block-size-power-of-2 reports it)");
		return;
	}
	const struct { const char *name; uint64_t v; } f[] = {
		{ "addr", cfg.addr }, { "region_size", cfg.region_size }, { "usable_region_size", cfg.usable_region_size },
		{ "plugged_size", cfg.plugged_size }, { "requested_size", cfg.requested_size },
	};
	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].v % cfg.block_size) {
			vc_fail(c, "%s is not a multiple of block_size", f[i].name);
			vc_observed(c, "%s 0x%llx, block_size 0x%llx", f[i].name, (unsigned long long)f[i].v,
				    (unsigned long long)cfg.block_size);
			vc_expected(c, "a multiple of 0x%llx", (unsigned long long)cfg.block_size);
			return;
		}
}

static void usable_covers_requested(struct vc_ctx *c)
{
	struct mem_config cfg;

	if (read_config(c, &cfg) && cfg.usable_region_size < cfg.requested_size) {
		vc_fail(c, "usable_region_size is smaller than requested_size");
		vc_observed(c, "usable_region_size 0x%llx, requested_size 0x%llx",
			    (unsigned long long)cfg.usable_region_size, (unsigned long long)cfg.requested_size);
		vc_expected(c, "usable_region_size >= requested_size");
	}
}

/* "0 or greater": a size, not a negative number in an unsigned field (the
 * region would wrap the address space). */
static void region_size_non_negative(struct vc_ctx *c)
{
	struct mem_config cfg;

	if (read_config(c, &cfg) && ((int64_t)cfg.region_size < 0 || cfg.addr + cfg.region_size < cfg.addr)) {
		vc_fail(c, "region_size reads as a negative size: the region would run past the end of the address space");
		vc_observed(c, "addr 0x%llx, region_size 0x%llx (%lld)", (unsigned long long)cfg.addr,
			    (unsigned long long)cfg.region_size, (long long)cfg.region_size);
		vc_expected(c, "0 or greater, addr + region_size within 64 bits");
	}
}

/* block_size, node_id, addr, region_size as first read vs now. */
static bool fixed_same(struct vm *vm, const struct mem_config *a, const char *after)
{
	const struct mem_config *b = &vm->m.cfg;

	if (a->block_size == b->block_size && a->node_id == b->node_id && a->addr == b->addr &&
	    a->region_size == b->region_size)
		return true;
	vc_fail(vm->c, "a field that must not change did, after %s", after);
	vc_observed(vm->c, "block_size 0x%llx node_id %u addr 0x%llx region_size 0x%llx",
		    (unsigned long long)b->block_size, b->node_id, (unsigned long long)b->addr,
		    (unsigned long long)b->region_size);
	vc_expected(vm->c, "block_size 0x%llx node_id %u addr 0x%llx region_size 0x%llx",
		    (unsigned long long)a->block_size, a->node_id, (unsigned long long)a->addr,
		    (unsigned long long)a->region_size);
	return false;
}

static void fixed_fields(struct vc_ctx *c)
{
	struct mem_config first;
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 1))
		return;
	first = vm.m.cfg;
	if (!vm_plug(&vm, 0, 1) || !vm_config(&vm) || !fixed_same(&vm, &first, "a PLUG") || !vm_unplug(&vm, 0, 1) ||
	    !vm_config(&vm) || !fixed_same(&vm, &first, "an UNPLUG") || !vm_plug(&vm, 0, 1) ||
	    !vm_open(c, &vm, 0, 0, false) || !fixed_same(&vm, &first, "a device reset"))
		return;
	int rc = c->dev->ops->config_change ? c->dev->ops->config_change(c->dev) : -ENOTSUP;
	if (rc == -ENOTSUP) {
		vc_note(c, "the %s backend cannot change requested_size: host changes not tried", c->dev->backend);
		return;
	}
	if (!ds_ok(c, rc, "the host-side change") || !vm_config(&vm) || !fixed_same(&vm, &first, "the host's resize") ||
	    !ds_ok(c, c->dev->ops->config_change(c->dev), "the host-side change back") || !vm_config(&vm))
		return;
	fixed_same(&vm, &first, "the host's resize back");
}

static void plugged_size_tracks(struct vc_ctx *c)
{
	uint64_t p0;
	struct vm vm;

	if (!vm_start(c, &vm, 0, false) || !vm_blocks(&vm, 2))
		return;
	p0 = 0;         /* vm_start unplugged everything */
	const struct { const char *after; uint64_t want; } step[] = {
		{ "PLUG of 2 blocks", p0 + 2 * vm.bs }, { "a device reset", p0 + 2 * vm.bs },
		{ "UNPLUG of 1 block", p0 + vm.bs },
	};
	for (unsigned i = 0; i < 3; i++) {
		uint16_t state = MEM_STATE_PLUGGED;
		bool ok = i == 0 ? vm_plug(&vm, 0, 2) && vm_config(&vm)
			: i == 1 ? vm_open(c, &vm, 0, 0, false) && vm_state(&vm, 0, 2, &state)
				 : vm_unplug(&vm, 0, 1) && vm_config(&vm);
		if (!ok)
			return;
		if (state != MEM_STATE_PLUGGED) {
			vc_skip(c, "the device reset unplugged blocks (mem.init.reset-keeps-block-state reports it)");
			return;
		}
		if (vm.m.cfg.plugged_size != step[i].want) {
			vc_fail(c, "plugged_size does not follow the plugged blocks after %s", step[i].after);
			vc_observed(c, "plugged_size 0x%llx", (unsigned long long)vm.m.cfg.plugged_size);
			vc_expected(c, "0x%llx (block_size 0x%llx)", (unsigned long long)step[i].want,
				    (unsigned long long)vm.bs);
			return;
		}
	}
}

/* The host resizes (requested_size up, then back): usable_region_size
 * never shrinks, and each change is announced. */
static bool host_resize(struct vm *vm, const char *which)
{
	int rc = vm->c->dev->ops->config_change ? vm->c->dev->ops->config_change(vm->c->dev) : -ENOTSUP;

	if (rc == -ENOTSUP)
		vc_skip(vm->c, "the %s backend cannot change the requested size from the host side", vm->c->dev->backend);
	else if (rc)
		vc_error(vm->c, "the host-side resize (%s): %s", which, strerror(-rc));
	return rc == 0;
}

static void usable_never_shrinks(struct vc_ctx *c)
{
	struct mem_config before;
	struct vm vm;

	if (!vm_start(c, &vm, 0, false))
		return;
	for (unsigned i = 0; i < 2; i++) {
		before = vm.m.cfg;
		if (!host_resize(&vm, i ? "back" : "up") || !vm_config(&vm))
			return;
		if (vm.m.cfg.usable_region_size < before.usable_region_size) {
			vc_fail(c, "usable_region_size shrank when the host changed requested_size");
			vc_observed(c, "requested_size 0x%llx -> 0x%llx, usable_region_size 0x%llx -> 0x%llx",
				    (unsigned long long)before.requested_size, (unsigned long long)vm.m.cfg.requested_size,
				    (unsigned long long)before.usable_region_size,
				    (unsigned long long)vm.m.cfg.usable_region_size);
			vc_expected(c, "usable_region_size 0x%llx or more (it shrinks only at UNPLUG ALL or a system reset)",
				    (unsigned long long)before.usable_region_size);
			return;
		}
	}
}

static void resize_notified(struct vc_ctx *c)
{
	struct mem_config before;
	struct vm vm;
	int rc;

	if (!vm_start(c, &vm, 0, true))
		return;
	for (unsigned i = 0; i < 2; i++) {
		before = vm.m.cfg;
		if (!ds_ok(c, vc_irq_drain(&vm.m.dev.drv), "draining interrupts") || !host_resize(&vm, i ? "back" : "up") ||
		    !vm_config(&vm))
			return;
		if (before.requested_size == vm.m.cfg.requested_size &&
		    before.usable_region_size == vm.m.cfg.usable_region_size) {
			vc_skip(c, "the host's change left requested_size and usable_region_size as they were");
			return;
		}
		if ((rc = vm_config_irq(&vm, c->dev->timeout_ms)) == -ETIMEDOUT) {
			vc_fail(c, "no configuration change notification came when the host changed requested_size");
			vc_observed(c, "requested_size 0x%llx -> 0x%llx, no interrupt within %u ms",
				    (unsigned long long)before.requested_size, (unsigned long long)vm.m.cfg.requested_size,
				    c->dev->timeout_ms);
			vc_expected(c, "a configuration change notification");
			return;
		}
		if (rc)
			return;
	}
}

static void plug_not_notified(struct vc_ctx *c)
{
	struct vm vm;
	int rc;

	if (!vm_start(c, &vm, 0, true) || !vm_blocks(&vm, 1) ||
	    !ds_ok(c, vc_irq_drain(&vm.m.dev.drv), "draining interrupts") || !vm_plug(&vm, 0, 1))
		return;
	if ((rc = vm_config_irq(&vm, vc_quiet_ms(&vm.m.dev.drv, SESSION_QUIET_MS))) == 0) {
		vc_fail(c, "a PLUG, which changes plugged_size only, came with a configuration change notification");
		vc_observed(c, "a configuration change interrupt after the PLUG's ACK");
		vc_expected(c, "none");
	}
}

#define STATIC (NEED_BAR_READ | NEED_COMMON)

static const struct vc_clause clauses[] = {
	{ "mem.config.block-size-power-of-2", L_MEM_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", STATIC, "MEM-CFG-DEV-5",
	  "block_size is a power of two.", NULL, block_size_power_of_2, 0, 0, NULL, VM_REACH },
	{ "mem.config.block-multiples", L_MEM_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", STATIC, "MEM-CFG-DEV-6",
	  "addr, region_size, usable_region_size, plugged_size and requested_size are multiples of block_size.", NULL,
	  block_multiples, 0, 0, NULL, VM_REACH },
	{ "mem.config.usable-covers-requested", L_MEM_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", STATIC, "MEM-CFG-DEV-4",
	  "usable_region_size is requested_size or more.", NULL, usable_covers_requested, 0, 0, NULL, VM_REACH },
	{ "mem.config.region-size-non-negative", L_MEM_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", STATIC, "MEM-CFG-DEV-7",
	  "region_size is 0 or greater: not a negative number in its unsigned field (addr + region_size does not wrap).",
	  NULL, region_size_non_negative, 0, 0, NULL, VM_REACH },
	{ "mem.config.fixed-fields", L_MEM_CFG, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", VM_DRIVES, "MEM-CFG-DEV-2",
	  "block_size, node_id, addr and region_size stay the same over PLUG, UNPLUG, a device reset and the host's "
	  "resizes.", NULL, fixed_fields, 0, 1, NULL, VM_REACH },
	{ "mem.config.plugged-size-tracks", L_MEM_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", VM_DRIVES, "MEM-CFG-DEV-3",
	  "plugged_size follows the plugged blocks: up with a PLUG, the same over a device reset, down with an UNPLUG.",
	  NULL, plugged_size_tracks, 0, 1, NULL, VM_REACH },
	{ "mem.config.usable-never-shrinks", L_MEM_CFG, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", VM_DRIVES, "MEM-CFG-DEV-8",
	  "usable_region_size does not shrink when the host raises and lowers requested_size.", NULL,
	  usable_never_shrinks, 0, 1, NULL, VM_REACH },
	{ "mem.config.resize-notified", L_MEM_CFG, VC_MUST, VC_DEVICE_RULE, "1.2", VM_DRIVES | NEED_IRQ,
	  "MEM-CFG-DEV-9", "The host's change of requested_size comes with a configuration change notification, both "
	  "ways.", NULL, resize_notified, 0, 1, NULL, VM_REACH },
	{ "mem.config.plug-not-notified", L_MEM_CFG, VC_SHOULD_NOT, VC_DEVICE_RULE, "1.2", VM_DRIVES | NEED_IRQ,
	  "MEM-CFG-DEV-10", "A PLUG (plugged_size changes, nothing else) sends no configuration change notification.",
	  NULL, plug_not_notified, 0, 1, NULL, VM_REACH },
};
VC_DEVICE_SUITE(suite_mem_config, clauses, VIRTIO_ID_MEM);
