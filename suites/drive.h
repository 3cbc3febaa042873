/* Helpers for clauses that make a device do work: a request on its queue,
 * interrupts in one mode or the other, bounded waits. Each turns a failure
 * into the clause's SKIP or ERROR and returns false then. */
#ifndef VC_SUITES_DRIVE_H
#define VC_SUITES_DRIVE_H

#include "vc/clause.h"
#include "vc/driver.h"

enum drive_irq { DRIVE_INTX, DRIVE_MSIX };
enum { DRIVE_CONFIG_VECTOR = 0, DRIVE_QUEUE_VECTOR = 1 };

/* A quiet spell: how long "nothing must happen" is watched where the
 * backend cannot settle the device (vc_quiet_ms). */
#define DRIVE_QUIET_MS 200

/* Reset, negotiate `want` (NULL: VERSION_1), route interrupts (MSI-X: the
 * configuration vector 0 and the queue vector 1), set up and enable the
 * queue of the device type's request, set DRIVER_OK when asked, and make
 * the request available, not notified. */
bool drive_request_ready(struct vc_ctx *c, struct vc_driver *drv, const uint32_t *want, enum drive_irq irq,
			 bool driver_ok, struct vc_vq *vq, struct vc_request *req, uint16_t *id);
/* MSI-X with n vectors, or a SKIP (no MSI-X, a table the backend cannot
 * reach: the pci.msix.* clauses report that) or an ERROR. */
bool drive_msix(struct vc_ctx *c, struct vc_driver *drv, unsigned n);
/* Wait up to ms for an interrupt on `vector` (-1: INTx; others are
 * dropped). With INTx, *isr gets ISR status read after it. 0, -ETIMEDOUT,
 * or another error after an ERROR verdict. */
int drive_wait_irq(struct vc_ctx *c, struct vc_driver *drv, int vector, unsigned ms, uint8_t *isr);
/* Drop interrupts already raised (and INTx's ISR status). */
void drive_drain_irqs(struct vc_ctx *c, struct vc_driver *drv);
/* Poll device_status until `bits` are all set, up to ms: 0, -ETIMEDOUT, or
 * another error after an ERROR verdict. */
int drive_status_wait(struct vc_ctx *c, struct vc_driver *drv, uint8_t bits, unsigned ms, uint8_t *status);

#endif
