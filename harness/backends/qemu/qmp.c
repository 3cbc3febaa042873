/* QMP, for what the host side of a device does: the changes a
 * configuration-change rule needs (a balloon target, a link going down). */
#include "qemu_priv.h"

/* ---- host-side configuration changes, over QMP ---- */

/* One line from QMP into line[], waiting until deadline. 0, -ETIMEDOUT, -EIO. */
static int qmp_line(struct qemu_priv *p, int64_t deadline, char *line, size_t len)
{
	for (;;) {
		char *nl = memchr(p->qmp_buf, '\n', p->qmp_len);
		if (nl) {
			size_t n = (size_t)(nl - p->qmp_buf) + 1;
			snprintf(line, len, "%.*s", (int)(n - 1), p->qmp_buf);
			memmove(p->qmp_buf, p->qmp_buf + n, p->qmp_len - n);
			p->qmp_len -= n;
			return 0;
		}
		if (p->qmp_len == sizeof(p->qmp_buf))
			p->qmp_len = 0;          /* a line longer than we care for: drop it */
		struct pollfd pfd = { .fd = p->qmp, .events = POLLIN };
		int64_t left = deadline - qemu_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		int n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -EIO : -ETIMEDOUT;
		ssize_t r = recv(p->qmp, p->qmp_buf + p->qmp_len, sizeof(p->qmp_buf) - p->qmp_len, 0);
		if (r <= 0)
			return -EIO;
		p->qmp_len += (size_t)r;
	}
}

/* Send one command and wait for its answer, skipping events. */
int qemu_qmp_execute(struct vc_device *d, const char *json)
{
	struct qemu_priv *p = d->priv;
	int64_t deadline = qemu_now_ms() + (d->timeout_ms ? d->timeout_ms : 2000);
	char line[1024];
	size_t len = strlen(json);
	int rc;

	if (send(p->qmp, json, len, MSG_NOSIGNAL) != (ssize_t)len || send(p->qmp, "\n", 1, MSG_NOSIGNAL) != 1)
		return -EIO;
	while ((rc = qmp_line(p, deadline, line, sizeof(line))) == 0) {
		if (strstr(line, "\"return\""))
			return 0;
		if (strstr(line, "\"error\"")) {
			snprintf(d->note, sizeof(d->note), "QMP: %.200s", line);
			return -EIO;
		}
	}
	return rc;
}

/* What the device's host side would do: a balloon target, a link going
 * down or up. Each call undoes the one before, so the device ends where it
 * started after an even number. (block_resize would change a disk's
 * capacity, but QEMU 7.2's null-co driver cannot be resized.) */
int qemu_config_change(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int64_t deadline = qemu_now_ms() + (d->timeout_ms ? d->timeout_ms : 2000);
	bool odd = p->changes % 2;
	char cmd[200], line[1024];
	int rc;

	if (p->trigger == TRIGGER_NONE || p->qmp < 0)
		return -ENOTSUP;
	if (p->dead)
		return -EIO;
	if (!p->qmp_ready) {
		if ((rc = qmp_line(p, deadline, line, sizeof(line))) ||
		    (rc = qemu_qmp_execute(d, "{\"execute\": \"qmp_capabilities\"}")))
			return rc;
		p->qmp_ready = true;
	}
	if (p->trigger == TRIGGER_BALLOON)     /* a target below the RAM size: num_pages changes */
		snprintf(cmd, sizeof(cmd), "{\"execute\": \"balloon\", \"arguments\": {\"value\": %llu}}",
			 (unsigned long long)(odd ? RAM_SIZE : RAM_SIZE / 2));
	else                                   /* status: VIRTIO_NET_S_LINK_UP */
		snprintf(cmd, sizeof(cmd), "{\"execute\": \"set_link\", \"arguments\": {\"name\": \"vcnet\", "
			 "\"up\": %s}}", odd ? "true" : "false");
	if ((rc = qemu_qmp_execute(d, cmd)))
		return rc;
	p->changes++;
	return 0;
}
