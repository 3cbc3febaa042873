/* The device model's own record of doorbells, from QEMU's notify trace
 * events (pci.notify.trace-matches-device compares it with the harness's). */
#include "qemu_priv.h"

/* QEMU 7.2's lines: "virtio_pci_notify_write 0xADDR = 0xVAL (SIZE)", ADDR
 * in the notification structure, for a write the proxy handled, then
 * "virtio_queue_notify vdev P n N vq P" when it reaches queue N. With
 * ioeventfd the write bypasses the proxy: only the queue line comes (from
 * the event loop, coalesced, and once more when DRIVER_OK starts
 * ioeventfd); such a notification is reported with width 0. A device served
 * out of process (vhost-user) gets its doorbells through an eventfd QEMU
 * never reads: nothing of them reaches QEMU's trace. */
int qemu_notify_seen(struct vc_device *d, struct vc_notify_seen *ev, unsigned max)
{
	struct qemu_priv *p = d->priv;
	char buf[8192];
	unsigned n = 0;
	bool write_open = false;      /* the last entry is a write awaiting its queue */
	ssize_t len;

	if (p->notify_fd < 0 || p->out_of_process)
		return -ENOTSUP;
	if (p->dead || qt_sync(d))
		return -EIO;
	while ((len = pread(p->notify_fd, buf, sizeof(buf) - 1, p->notify_pos)) > 0) {
		buf[len] = 0;
		char *end = strrchr(buf, '\n');
		if (!end)
			break;                /* a partial line: next time */
		*end = 0;
		p->notify_pos += end + 1 - buf;
		for (char *save, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			unsigned long long addr, val;
			unsigned size;
			int q;
			char *w = strstr(line, "virtio_pci_notify_write "), *qn = strstr(line, "virtio_queue_notify ");
			if (w && sscanf(w, "virtio_pci_notify_write 0x%llx = 0x%llx (%u)", &addr, &val, &size) == 3) {
				if (n < max)
					ev[n++] = (struct vc_notify_seen){ addr, (uint32_t)val, (uint8_t)size, -1 };
				write_open = true;
			} else if (qn && (qn = strstr(qn, " n ")) && sscanf(qn, " n %d", &q) == 1) {
				if (write_open && n)
					ev[n - 1].queue = q;
				else if (n < max)
					ev[n++] = (struct vc_notify_seen){ 0, 0, 0, q };
				write_open = false;
			}
		}
	}
	return (int)n;
}
