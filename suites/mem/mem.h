/* What the virtio-mem suites share: labels, a clause's driver session
 * (started clean: everything unplugged), its blocks, requests whose answer
 * a clause needs or checks, the memory the device provides as the CPU sees
 * it, and configuration change interrupts. Helpers give the clause its
 * verdict and return false when it is over. */
#ifndef VC_SUITES_MEM_H
#define VC_SUITES_MEM_H

#include "devsession.h"
#include "vc/devtypes/mem.h"

#define L_MEM "Device Types / Memory Device"
#define L_MEM_CFG L_MEM " / Device configuration layout"
#define L_MEM_INIT L_MEM " / Device Initialization"
#define L_MEM_OP L_MEM " / Device Operation"
#define L_MEM_PLUG L_MEM_OP " / PLUG request"
#define L_MEM_UNPLUG L_MEM_OP " / UNPLUG request"
#define L_MEM_UNPLUG_ALL L_MEM_OP " / UNPLUG ALL request"
#define L_MEM_STATE L_MEM_OP " / STATE request"

#define VM_F(bit) (1ull << (bit))
#define VM_DRIVES (NEED_BAR_WRITE | NEED_COMMON | NEED_DMA)
#define VM_REACH "sim:type=24 qemu:virtio-mem-pci"
#define VM_PATTERN_LEN 64

struct vm {
	struct vc_ctx *c;
	struct mem m;
	uint64_t bs;               /* block_size */
	bool irqs;                 /* interrupts routed (vm_start's irq) */
};

/* Reset, negotiate VERSION_1, `need` (SKIP when not offered) and `want`
 * with the type's bits a driver takes (UNPLUGGED_INACCESSIBLE, ACPI_PXM,
 * PERSISTENT_SUSPEND) where offered; the request queue; with irq, MSI-X
 * (configuration vector 0, queue vector 1) or INTx; DRIVER_OK; the
 * configuration read. Blocks stay as they were. */
bool vm_open(struct vc_ctx *c, struct vm *vm, uint64_t want, uint64_t need, bool irq);
/* vm_open, then UNPLUG ALL (a driver does it when memory is still
 * plugged): every block unplugged. */
bool vm_start(struct vc_ctx *c, struct vm *vm, uint64_t need, bool irq);
/* The configuration read again into vm->m.cfg. */
bool vm_config(struct vm *vm);
/* At least n blocks the driver may plug now (usable and requested), else SKIP. */
bool vm_blocks(struct vm *vm, unsigned n);
uint64_t vm_block(const struct vm *vm, unsigned k);

/* A request the clause needs answered ACK: SKIP naming it otherwise (the
 * ack clauses report a device that does not), FAIL when never used. */
bool vm_step(struct vm *vm, int rc, const struct mem_resp *r, const char *what);
/* A request whose response type the clause checks against `want`. */
bool vm_expect(struct vm *vm, int rc, const struct mem_resp *r, uint16_t want, const char *what);
/* PLUG / UNPLUG of n blocks from block k, expected ACK (vm_step). */
bool vm_plug(struct vm *vm, unsigned k, unsigned n);
bool vm_unplug(struct vm *vm, unsigned k, unsigned n);
/* STATE of n blocks from block k, expected ACK: *state. */
bool vm_state(struct vm *vm, unsigned k, unsigned n, uint16_t *state);

/* Requests of `type` (PLUG, UNPLUG, STATE) on ranges the device must
 * answer with ERROR: a misaligned address, 0 blocks, blocks outside the
 * usable region (and before the region); FAIL at the first that is not. */
void mem_invalid_ranges(struct vm *vm, uint16_t type, const char *name);

/* The CPU writes pattern `seed` (VM_PATTERN_LEN bytes) at gpa, or looks
 * whether it is there (host actions mem-write, mem-read). */
bool vm_mem_write(struct vm *vm, uint64_t gpa, uint8_t seed);
bool vm_mem_holds(struct vm *vm, uint64_t gpa, uint8_t seed, bool *holds);

/* A configuration change interrupt within ms: 0, -ETIMEDOUT, or another
 * error after an ERROR verdict. Queue interrupts are let by. */
int vm_config_irq(struct vm *vm, unsigned ms);

#endif
