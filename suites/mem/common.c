/* The virtio-mem suites' shared session and helpers (mem.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mem.h"
#include "session.h"
#include "vc/devtypes/host.h"

/* MSI-X: configuration vector 0, the request queue's 1; else INTx. */
static bool route_irqs(struct vm *vm)
{
	struct vc_ctx *c = vm->c;
	uint64_t got_cfg, got_q;

	if (!c->probe->msix_pos)
		return ds_ok(c, vc_irq_intx(&vm->m.dev.drv), "INTx set-up failed");
	if (!session_msix(c, &vm->m.dev.drv, 2) || !vc_ctx_common_write(c, COMMON_config_msix_vector, 2, 0) ||
	    !vc_ctx_common_read(c, COMMON_config_msix_vector, 2, &got_cfg) ||
	    !vc_ctx_common_write(c, COMMON_queue_select, 2, 0) || !vc_ctx_common_write(c, COMMON_queue_msix_vector, 2, 1) ||
	    !vc_ctx_common_read(c, COMMON_queue_msix_vector, 2, &got_q))
		return false;
	if (got_cfg != 0 || got_q != 1) {
		vc_skip(c, "the device did not map MSI-X vectors 0 and 1 (pci.msix.* report it)");
		return false;
	}
	return true;
}

bool vm_config(struct vm *vm)
{
	return ds_ok(vm->c, mem_config_read(&vm->m.dev, &vm->m.cfg), "reading the configuration");
}

bool vm_open(struct vc_ctx *c, struct vm *vm, uint64_t want, uint64_t need, bool irq)
{
	uint64_t usual = VM_F(VIRTIO_MEM_F_ACPI_PXM) | VM_F(VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE) |
			 VM_F(VIRTIO_MEM_F_PERSISTENT_SUSPEND);

	memset(vm, 0, sizeof(*vm));
	vm->c = c;
	if (!ds_open(c, &vm->m.dev, need, want | usual, DS_Q(0), irq) || (irq && !route_irqs(vm)) ||
	    (irq && !ds_driver_ok(c, &vm->m.dev)) || !vm_config(vm))
		return false;
	vm->irqs = irq;
	vm->bs = vm->m.cfg.block_size;
	if (!vm->bs || (vm->bs & (vm->bs - 1))) {
		vc_skip(c, "block_size 0x%llx is no power of two (mem.config.block-size-power-of-2 reports it)",
			(unsigned long long)vm->bs);
		return false;
	}
	return true;
}

bool vm_start(struct vc_ctx *c, struct vm *vm, uint64_t need, bool irq)
{
	struct mem_resp r;
	int rc;

	if (!vm_open(c, vm, 0, need, irq))
		return false;
	rc = mem_request(&vm->m, MEM_REQ_UNPLUG_ALL, 0, 0, &r);
	if (!rc && r.type != MEM_RESP_ACK && !vm->m.cfg.plugged_size)
		return vm_config(vm);     /* nothing was plugged: the device's answer is unplug-all.ack's business */
	return vm_step(vm, rc, &r, "UNPLUG ALL at the start") && vm_config(vm);
}

bool vm_blocks(struct vm *vm, unsigned n)
{
	const struct mem_config *cfg = &vm->m.cfg;
	uint64_t room = cfg->usable_region_size < cfg->requested_size ? cfg->usable_region_size : cfg->requested_size;

	if (room / vm->bs < n) {
		vc_skip(vm->c, "the host lets the driver plug %llu block(s) (usable_region_size 0x%llx, requested_size "
			       "0x%llx); the clause needs %u", (unsigned long long)(room / vm->bs),
			(unsigned long long)cfg->usable_region_size, (unsigned long long)cfg->requested_size, n);
		return false;
	}
	return true;
}

uint64_t vm_block(const struct vm *vm, unsigned k)
{
	return vm->m.cfg.addr + k * vm->bs;
}

static bool transport_ok(struct vm *vm, int rc, const char *what)
{
	if (rc == -ETIMEDOUT) {
		vc_fail(vm->c, "the device never used the %s request (%u ms)", what, vm->c->dev->timeout_ms);
		vc_observed(vm->c, "no used element");
		vc_expected(vm->c, "the request used, with its response");
	} else if (rc) {
		vc_error(vm->c, "the %s request: %s", what, strerror(-rc));
	}
	return rc == 0;
}

bool vm_step(struct vm *vm, int rc, const struct mem_resp *r, const char *what)
{
	if (!transport_ok(vm, rc, what))
		return false;
	if (r->type != MEM_RESP_ACK) {
		vc_skip(vm->c, "%s, which the clause needs, was answered %s (the mem.*.ack clauses report a device that "
			       "does not acknowledge)", what, mem_resp_name(r->type));
		return false;
	}
	return true;
}

bool vm_expect(struct vm *vm, int rc, const struct mem_resp *r, uint16_t want, const char *what)
{
	if (!transport_ok(vm, rc, what))
		return false;
	if (r->type != want) {
		vc_fail(vm->c, "%s: answered %s", what, mem_resp_name(r->type));
		vc_observed(vm->c, "response type %u (%s), used length %u", r->type, mem_resp_name(r->type), r->used);
		vc_expected(vm->c, "%u (%s)", want, mem_resp_name(want));
		return false;
	}
	return true;
}

static bool change(struct vm *vm, uint16_t type, unsigned k, unsigned n)
{
	struct mem_resp r;
	char what[80];

	snprintf(what, sizeof(what), "%s of %u block(s) at block %u", type == MEM_REQ_PLUG ? "PLUG" : "UNPLUG", n, k);
	return vm_step(vm, mem_request(&vm->m, type, vm_block(vm, k), (uint16_t)n, &r), &r, what);
}

bool vm_plug(struct vm *vm, unsigned k, unsigned n) { return change(vm, MEM_REQ_PLUG, k, n); }
bool vm_unplug(struct vm *vm, unsigned k, unsigned n) { return change(vm, MEM_REQ_UNPLUG, k, n); }

bool vm_state(struct vm *vm, unsigned k, unsigned n, uint16_t *state)
{
	struct mem_resp r;
	char what[80];

	snprintf(what, sizeof(what), "STATE of %u block(s) at block %u", n, k);
	if (!vm_step(vm, mem_request(&vm->m, MEM_REQ_STATE, vm_block(vm, k), (uint16_t)n, &r), &r, what))
		return false;
	*state = r.state;
	return true;
}

static uint8_t pattern(uint8_t seed, unsigned i)
{
	return (uint8_t)(seed + 29 * i);
}

bool vm_mem_write(struct vm *vm, uint64_t gpa, uint8_t seed)
{
	char arg[32 + 2 * VM_PATTERN_LEN + 1], out[8];
	uint8_t b[VM_PATTERN_LEN];
	int at = snprintf(arg, sizeof(arg), "%llx ", (unsigned long long)gpa);

	for (unsigned i = 0; i < VM_PATTERN_LEN; i++)
		b[i] = pattern(seed, i);
	vc_host_hex(b, sizeof(b), arg + at, sizeof(arg) - (size_t)at);
	return ds_host(vm->c, VC_HOST_MEM_WRITE, arg, out, sizeof(out));
}

bool vm_mem_holds(struct vm *vm, uint64_t gpa, uint8_t seed, bool *holds)
{
	char arg[48], out[2 * VM_PATTERN_LEN + 8];

	snprintf(arg, sizeof(arg), "%llx %x", (unsigned long long)gpa, VM_PATTERN_LEN);
	if (!ds_host(vm->c, VC_HOST_MEM_READ, arg, out, sizeof(out)))
		return false;
	*holds = strlen(out) >= 2 * VM_PATTERN_LEN;
	for (unsigned i = 0; *holds && i < VM_PATTERN_LEN; i++) {
		char byte[3] = { out[2 * i], out[2 * i + 1], 0 };
		*holds = strtoul(byte, NULL, 16) == pattern(seed, i);
	}
	return true;
}

int vm_config_irq(struct vm *vm, unsigned ms)
{
	return ds_config_irq(vm->c, &vm->m.dev, ms);
}
