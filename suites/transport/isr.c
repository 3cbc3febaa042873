/* The ISR status capability, and ISR status with MSI-X off: the bit each
 * event sets, the PCI Status bit that follows it, the read that clears it. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "labels.h"
#include "session.h"

enum { ISR_QUEUE = 1, ISR_CONFIG = 2, PCI_STATUS = 0x06, PCI_STATUS_INTERRUPT = 1 << 3 };

static void present(struct vc_ctx *c)
{
	if (!c->probe->isr) {
		vc_fail(c, "no VIRTIO_PCI_CAP_ISR_CFG capability");
		vc_observed(c, "%u virtio capabilities, none of cfg_type 3", c->probe->nvcap);
	} else if (c->probe->isr->length < 1) {
		vc_fail(c, "ISR status structure of length 0 cannot hold the ISR byte");
		vc_observed(c, "length 0");
		vc_expected(c, ">= 1");
	}
}

static bool read_isr(struct vc_ctx *c, uint8_t *isr)
{
	uint64_t v;

	if (!vc_ctx_struct_read(c, c->probe->isr, 0, 1, &v))
		return false;
	*isr = (uint8_t)v;
	return true;
}

static bool intx_pending(struct vc_ctx *c, bool *set)
{
	uint32_t status;

	if (!vc_ctx_cfg_read(c, PCI_STATUS, 2, &status))
		return false;
	*set = status & PCI_STATUS_INTERRUPT;
	return true;
}

/* MSI-X off, a request used and (wait_intx) its INTx received, or the
 * device settled; ISR status not read yet. False after a verdict. */
static bool used_buffer(struct vc_ctx *c, bool wait_intx)
{
	struct session s;
	uint16_t id;
	uint32_t len;
	int rc;

	if (!c->probe->isr) {
		vc_skip(c, "no ISR status capability (pci.isr.present reports it)");
		return false;
	}
	/* DRIVER_OK, interrupts forgotten, then the buffer made available: a
	 * device may use it before the doorbell (QEMU kicks every queue itself
	 * when DRIVER_OK starts its ioeventfds), and its INTx is this one's */
	if (!session_prepared(c, &s, SESSION_INTX, true, &id))
		return false;
	if ((rc = vc_irq_drain(&s.drv)) || (rc = vc_vq_publish(&s.drv, &s.vq, id))) {
		vc_error(c, "could not make the %s available: %s", s.req.what, strerror(-rc));
		return false;
	}
	if ((rc = vc_vq_kick(&s.drv, &s.vq)) ||
	    (rc = vc_vq_wait_used(&s.drv, &s.vq, vc_done_ms(&s.drv, c->dev->timeout_ms), &id, &len)) == -ETIMEDOUT) {
		if (rc == -ETIMEDOUT)
			vc_skip(c, "the %s on queue %u was never used (the virtqueue suites report it)", s.req.what,
				s.req.queue);
		else
			vc_error(c, "doorbell failed: %s", strerror(-rc));
		return false;
	}
	if (rc) {
		vc_error(c, "reading the used ring failed: %s", strerror(-rc));
		return false;
	}
	if (!wait_intx) {
		/* the device sets ISR status before it raises the interrupt: let
		 * it finish (settle, or a short window where the backend cannot) */
		unsigned ms = vc_quiet_ms(&s.drv, 200);
		if (ms)
			nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000 }, NULL);
		return true;
	}
	rc = session_wait_irq(c, &s.drv, -1, c->dev->timeout_ms, NULL);
	if (rc == -ETIMEDOUT)
		vc_skip(c, "no INTx arrived for the used buffer within %u ms", c->dev->timeout_ms);
	return rc == 0;
}

static void queue_bit(struct vc_ctx *c)
{
	uint8_t isr;

	if (!used_buffer(c, true) || !read_isr(c, &isr))
		return;
	if (!(isr & ISR_QUEUE)) {
		vc_fail(c, "INTx came for a used buffer with the Queue Interrupt bit of ISR status clear");
		vc_observed(c, "ISR status 0x%02x", isr);
		vc_expected(c, "bit 0 set");
	}
}

/* PCI Status bit 3 is set exactly while ISR status is not 0: looked at
 * before and after each of two ISR reads. */
static void pci_status_bit(struct vc_ctx *c)
{
	uint8_t isr[2];
	bool set[2];

	for (unsigned i = 0; i < 2; i++)
		if ((i == 0 && !used_buffer(c, true)) || !intx_pending(c, &set[i]) || !read_isr(c, &isr[i]))
			return;
	if (!isr[0]) {
		vc_skip(c, "ISR status read 0 after the INTx (pci.isr.queue-bit reports it)");
		return;
	}
	if (set[0] != (isr[0] != 0) || set[1] != (isr[1] != 0)) {
		vc_fail(c, "the PCI Status Interrupt Status bit does not follow ISR status");
		vc_observed(c, "bit 3 %s with ISR 0x%02x, then %s with ISR 0x%02x", set[0] ? "set" : "clear", isr[0],
			    set[1] ? "set" : "clear", isr[1]);
		vc_expected(c, "bit 3 set exactly while ISR status is not 0");
	}
}

/* A configuration change with MSI-X off and DRIVER_OK set, the device left
 * to set ISR status (settle, or a short window), its INTx not awaited (the
 * wait would read ISR status). False after a verdict. */
static bool config_changed(struct vc_ctx *c, struct vc_driver *drv)
{
	int rc;

	if (!vc_ctx_start(c, drv, NULL))
		return false;
	if ((rc = vc_irq_intx(drv)) || (rc = vc_status_add(drv, VIRTIO_STATUS_DRIVER_OK)) || (rc = vc_irq_drain(drv))) {
		vc_error(c, "could not route INTx or set DRIVER_OK: %s", strerror(-rc));
		return false;
	}
	if ((rc = c->dev->ops->config_change(c->dev))) {
		if (rc != -ENOTSUP)
			vc_error(c, "the host-side configuration change failed: %s", strerror(-rc));
		return false;          /* a type the backend cannot change: the queue bit alone */
	}
	unsigned ms = vc_quiet_ms(drv, 200);
	if (ms)
		nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000 }, NULL);
	return true;
}

/* One read of ISR status with `bit` set clears it: the Queue Interrupt bit
 * after a used buffer, then the Device Configuration Interrupt bit after a
 * configuration change, each on its own. */
static bool read_clears_bit(struct vc_ctx *c, uint8_t bit, uint8_t first, uint8_t second, const char *event)
{
	if (!(first & bit)) {
		vc_note(c, "ISR status read 0x%02x after %s: bit %u was not set (pci.isr.%s-bit reports it)", first,
			event, bit == ISR_QUEUE ? 0 : 1, bit == ISR_QUEUE ? "queue" : "config");
		return false;
	}
	if (second) {
		vc_fail(c, "reading ISR status after %s did not reset it to 0", event);
		vc_observed(c, "0x%02x, then 0x%02x", first, second);
		vc_expected(c, "0x%02x, then 0x00", first);
	}
	return true;
}

static void read_clears(struct vc_ctx *c)
{
	struct vc_driver drv;
	uint8_t first, second;
	bool checked;

	/* the rule is about the read, not the interrupt: no INTx is awaited */
	if (!used_buffer(c, false) || !read_isr(c, &first) || !read_isr(c, &second))
		return;
	checked = read_clears_bit(c, ISR_QUEUE, first, second, "a used buffer");
	if (c->r->status == VC_FAIL || !c->dev->ops->config_change || !c->probe->device_cfg)
		goto out;
	if (config_changed(c, &drv)) {
		if (!read_isr(c, &first) || !read_isr(c, &second))
			return;
		checked |= read_clears_bit(c, ISR_CONFIG, first, second, "a configuration change");
		c->dev->ops->config_change(c->dev);      /* undone: later clauses find the device as it was */
		vc_irq_drain(&drv);
	}
	if (c->r->status == VC_ERROR)
		return;
out:
	if (!checked && c->r->status == VC_PASS)
		vc_skip(c, "ISR status never had the bit of the event set (pci.isr.queue-bit, pci.isr.config-bit report it)");
}

/* MSI-X off: a configuration change's INTx comes with bit 1 set. */
static void config_bit(struct vc_ctx *c)
{
	struct vc_driver drv;
	uint8_t isr = 0;
	int rc;

	if (!c->probe->isr) {
		vc_skip(c, "no ISR status capability (pci.isr.present reports it)");
		return;
	}
	if (!vc_ctx_start(c, &drv, NULL))
		return;
	if ((rc = vc_irq_intx(&drv)) || (rc = vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK))) {
		vc_error(c, "could not route INTx or set DRIVER_OK: %s", strerror(-rc));
		return;
	}
	vc_irq_drain(&drv);
	if (!session_config_change(c))
		return;
	rc = session_wait_irq(c, &drv, -1, c->dev->timeout_ms, &isr);
	if (rc == -ETIMEDOUT)
		vc_skip(c, "no INTx arrived for the configuration change within %u ms", c->dev->timeout_ms);
	else if (!rc && !(isr & ISR_CONFIG)) {
		vc_fail(c, "INTx came for a configuration change with the Device Configuration Interrupt bit clear");
		vc_observed(c, "ISR status 0x%02x", isr);
		vc_expected(c, "bit 1 set");
	}
	/* a second change undoes the first (a link taken down comes back up):
	 * later clauses find the device as it was */
	session_config_change(c);
}

#define DRIVES (NEED_BAR_WRITE | NEED_COMMON | NEED_IRQ)
static const struct vc_clause clauses[] = {
	{ "pci.isr.present", L_ISR, VC_MUST, VC_DEVICE_RULE, "1.0", 0, "PCI-ISR-DEV-1",
	  "The device presents at least one ISR status capability.", NULL, present },
	{ "pci.isr.queue-bit", L_ISR, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES | NEED_DMA, "PCI-ISR-DEV-3",
	  "With MSI-X off, ISR status has the Queue Interrupt bit (0) set when a used buffer's INTx comes.",
	  NULL, queue_bit },
	{ "pci.isr.config-bit", L_ISR, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES, "PCI-ISR-DEV-2",
	  "ISR status has the Device Configuration Interrupt bit (1) set when a configuration change's "
	  "notification (INTx, MSI-X off) comes.", NULL, config_bit },
	{ "pci.isr.pci-status-bit", L_ISR, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES | NEED_DMA, "PCI-ISR-DEV-4",
	  "With MSI-X off, the PCI Status register's Interrupt Status bit is set exactly while ISR status is not 0.",
	  NULL, pci_status_bit },
	{ "pci.isr.read-clears", L_ISR, VC_MUST, VC_DEVICE_RULE, "1.0", DRIVES | NEED_DMA, "PCI-ISR-DEV-5",
	  "Reading ISR status resets it to 0: after a used buffer (the Queue Interrupt bit), and after a configuration "
	  "change (the Device Configuration Interrupt bit), each on its own.", NULL, read_clears },
};
VC_SUITE(suite_isr, clauses);
