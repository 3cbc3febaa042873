/* QMP, for what the host side of a device does: the changes a
 * configuration-change rule needs (a balloon target, a link going down). */
#include "qemu_priv.h"
#include "vc/devtypes/host.h"

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

/* QEMU's greeting, the first line it sends: {"QMP": {"version": ...}},
 * read once and kept. NULL if it never came. */
const char *qemu_qmp_greeting(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;

	if (p->qmp < 0 || p->dead)
		return NULL;
	if (!p->qmp_greeting[0] &&
	    qmp_line(p, qemu_now_ms() + (d->timeout_ms ? d->timeout_ms : 2000), p->qmp_greeting,
		     sizeof(p->qmp_greeting)))
		p->qmp_greeting[0] = 0;
	return p->qmp_greeting[0] ? p->qmp_greeting : NULL;
}

/* Capabilities negotiated, once, when the first command needs them: a run
 * with no host-side action sends QMP nothing (QEMU's monitor reads a
 * command a byte per main-loop iteration). */
static int qmp_ready(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int rc;

	if (p->qmp < 0)
		return -ENOTSUP;
	if (p->dead)
		return -EIO;
	if (p->qmp_ready)
		return 0;
	if (!qemu_qmp_greeting(d))
		return -EIO;
	p->qmp_ready = true;       /* the command below needs it set */
	if ((rc = qemu_qmp_execute(d, "{\"execute\": \"qmp_capabilities\"}")))
		p->qmp_ready = false;
	return rc;
}

/* json without the blanks between its tokens into out (len bytes); the
 * length, or 0 if it does not fit. QEMU's monitor reads a command a byte per
 * loop of its thread, about 4.6 us a byte here: a set_link is 62 bytes, not 68. */
static size_t qmp_compact(const char *json, char *out, size_t len)
{
	size_t n = 0;
	bool in_string = false;

	for (const char *c = json; *c; c++) {
		if (!in_string && (*c == ' ' || *c == '\t' || *c == '\n'))
			continue;
		if (n + 2 >= len)       /* room for an escaped pair */
			return 0;
		out[n++] = *c;
		if (in_string && *c == '\\' && c[1])
			out[n++] = *++c;
		else if (*c == '"')
			in_string = !in_string;
	}
	return n;
}

/* Send one command and wait for its answer, skipping events. With ret, the
 * answer's line (the "return" member and all) is copied there. */
int qemu_qmp_query(struct vc_device *d, const char *json, char *ret, size_t retlen)
{
	struct qemu_priv *p = d->priv;
	int64_t deadline = qemu_now_ms() + (d->timeout_ms ? d->timeout_ms : 2000);
	char line[4096];
	size_t len;
	int rc;

	if (!p->qmp_ready && (rc = qmp_ready(d)))
		return rc;
	/* QMP is another socket: the posted qtest writes go first */
	if ((rc = qt_sync(d)))
		return rc;
	d->activity++;
	/* the closing brace ends a command: no newline needed */
	if (!(len = qmp_compact(json, line, sizeof(line))))
		return -E2BIG;
	if (send(p->qmp, line, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -EIO;
	while ((rc = qmp_line(p, deadline, line, sizeof(line))) == 0) {
		if (strstr(line, "\"return\"")) {
			if (ret)
				snprintf(ret, retlen, "%s", line);
			return 0;
		}
		if (strstr(line, "\"error\"")) {
			snprintf(d->note, sizeof(d->note), "QMP: %.200s", line);
			return -EIO;
		}
	}
	return rc;
}

int qemu_qmp_execute(struct vc_device *d, const char *json)
{
	return qemu_qmp_query(d, json, NULL, 0);
}

/* What the device's host side would do, by the part that serves the
 * device line: a balloon target, a link going down or up, a disk resized.
 * Each call undoes the one before, so the device ends where it started
 * after an even number. */
int qemu_config_change(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int rc;

	d->activity++;
	for (unsigned i = 0; i < p->nparts; i++) {
		if (!p->part[i]->config_change)
			continue;
		if ((rc = qmp_ready(d)) || (rc = p->part[i]->config_change(d, p->part_state[i], p->changes % 2)))
			return rc;
		p->changes++;
		return 0;
	}
	return -ENOTSUP;
}

/* A device type's host-side action, by the part that makes it. */
int qemu_host(struct vc_device *d, const char *what, const char *arg, char *out, size_t outlen)
{
	struct qemu_priv *p = d->priv;
	int rc;

	d->activity++;
	/* the host side is looked at or acted on after every access the
	 * driver made before: the posted ones reach the device first (an
	 * emergency write's byte is on the console's socket once it is) */
	if ((rc = qt_sync(d)))
		return rc;
	if (!strcmp(what, VC_HOST_SYSTEM_RESET))
		return qemu_system_reset(d);
	for (unsigned i = 0; i < p->nparts; i++) {
		if (!p->part[i]->host)
			continue;
		if ((rc = qmp_ready(d)))
			return rc;
		if ((rc = p->part[i]->host(d, p->part_state[i], what, arg, out, outlen)) != -ENOTSUP)
			return rc;
	}
	return -ENOTSUP;
}
