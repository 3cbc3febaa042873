/* The machine around the device under test: a system reset over QMP, after
 * which the backend does the BIOS's work again, as at open. */
#include "qemu_priv.h"

#define RESET_POLL_NS 1000000L

/* QMP system_reset; once the machine has reset (the device's command
 * register, read through 0xcf8 since ECAM is off again, reads 0), ECAM,
 * the BARs and every part's set-up as at open. */
int qemu_system_reset(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int64_t deadline;
	char err[256];
	uint32_t cmd = 0xffff;
	int rc;

	if (p->dead)
		return -EIO;
	if ((rc = qemu_qmp_execute(d, "{\"execute\": \"system_reset\"}")))
		return rc;
	deadline = qemu_now_ms() + (d->timeout_ms ? d->timeout_ms : 2000);
	while (!(rc = qemu_cf8_read(d, p->bdf, 0x04, 2, &cmd)) && (cmd & 7)) {
		if (qemu_now_ms() > deadline)
			return -ETIMEDOUT;
		struct timespec ts = { 0, RESET_POLL_NS };
		nanosleep(&ts, NULL);
	}
	if (rc)
		return rc;
	p->npending = 0;
	qemu_enable_ecam(d);
	if ((rc = qemu_assign_bars(d, err, sizeof(err)))) {
		snprintf(d->note, sizeof(d->note), "after the system reset: %.200s", err);
		return rc;
	}
	for (unsigned i = 0; i < p->nparts; i++)
		if (p->part[i]->started && (rc = p->part[i]->started(d, p->part_state[i], err, sizeof(err)))) {
			snprintf(d->note, sizeof(d->note), "after the system reset: %.200s", err);
			return rc;
		}
	return 0;
}
