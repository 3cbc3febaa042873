/* virtio-balloon's host side beyond its target (parts.c): the statistics
 * QEMU received (QOM guest-stats), and free page hinting rounds, which
 * QEMU runs during a migration: a round starts with a migration to
 * "exec:cat > /dev/null" throttled so it stays in its first pass, and ends
 * when it is cancelled. free-page-hint=on needs an iothread: the part adds
 * one unless the device line names its own. */
#include "qemu_priv.h"
#include "vc/devtypes/host.h"

struct balloon_part {
	char id[64];
	bool throttled;
};

static bool balloon_serves(const char *model, const char *props)
{
	(void)props;
	return qemu_model_is(model, "virtio-balloon-pci");
}

static int balloon_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	struct balloon_part *bp = calloc(1, sizeof(*bp));
	char hint[8];
	int rc;

	(void)d;
	(void)err;
	(void)errlen;
	if (!bp)
		return -ENOMEM;
	*l->state = bp;
	if (!qemu_prop_value(l->props, "id", bp->id, sizeof(bp->id))) {
		snprintf(bp->id, sizeof(bp->id), "vcballoon");
		if ((rc = qemu_devprop(l, "id=vcballoon")))
			return rc;
	}
	if (qemu_prop_value(l->props, "free-page-hint", hint, sizeof(hint)) &&
	    (!strcmp(hint, "on") || !strcmp(hint, "true")) && !qemu_has_prop(l->props, "iothread"))
		return qemu_arg(l, "-object") ?: qemu_arg(l, "iothread,id=vcballoon-io") ?:
		       qemu_devprop(l, "iothread=vcballoon-io");
	return 0;
}

/* guest-stats' "stat-...": N pairs as "TAG=N", the unset ones (-1) left out. */
static int stats(struct vc_device *d, struct balloon_part *bp, char *out, size_t outlen)
{
	static const char *const names[] = { "stat-swap-in", "stat-swap-out", "stat-major-faults",
					     "stat-minor-faults", "stat-free-memory", "stat-total-memory",
					     "stat-available-memory", "stat-disk-caches", "stat-htlb-pgalloc",
					     "stat-htlb-pgfail" };
	char cmd[200], ret[4096];
	size_t at = 0;
	int rc;

	snprintf(cmd, sizeof(cmd), "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"/machine/peripheral/%s\", "
		 "\"property\": \"guest-stats\"}}", bp->id);
	if ((rc = qemu_qmp_query(d, cmd, ret, sizeof(ret))))
		return rc;
	out[0] = 0;
	for (unsigned t = 0; t < sizeof(names) / sizeof(names[0]); t++) {
		char key[48];
		unsigned long long v;
		snprintf(key, sizeof(key), "\"%s\": ", names[t]);
		const char *p = strstr(ret, key);
		if (p && sscanf(p + strlen(key), "%llu", &v) == 1 && v != ~0ull && at < outlen)
			at += (size_t)snprintf(out + at, outlen - at, "%s%u=%llu", at ? " " : "", t, v);
	}
	return 0;
}

/* Poll query-migrate until its status is `want` (bounded). */
static int migration_status(struct vc_device *d, const char *want)
{
	char ret[4096], key[48];
	int64_t deadline = qemu_now_ms() + (d->timeout_ms ? d->timeout_ms : 2000);
	int rc;

	snprintf(key, sizeof(key), "\"status\": \"%s\"", want);
	for (;;) {
		if ((rc = qemu_qmp_query(d, "{\"execute\": \"query-migrate\"}", ret, sizeof(ret))))
			return rc;
		if (strstr(ret, key))
			return 0;
		if (strstr(ret, "\"status\": \"failed\"") || qemu_now_ms() > deadline) {
			snprintf(d->note, sizeof(d->note), "migration for free page hinting: %.200s", ret);
			return -EIO;
		}
		usleep(2000);
	}
}

static int hint_round(struct vc_device *d, struct balloon_part *bp, bool start)
{
	int rc;

	if (!start)
		return qemu_qmp_execute(d, "{\"execute\": \"migrate_cancel\"}") ?: migration_status(d, "cancelled");
	if (!bp->throttled &&
	    (rc = qemu_qmp_execute(d, "{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"max-bandwidth\": 4096}}")))
		return rc;
	bp->throttled = true;
	return qemu_qmp_execute(d, "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"exec:cat > /dev/null\"}}") ?:
	       migration_status(d, "active");
}

static int balloon_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out,
			size_t outlen)
{
	struct balloon_part *bp = state;

	(void)arg;
	if (!strcmp(what, VC_HOST_BALLOON_STATS))
		return stats(d, bp, out, outlen);
	if (!strcmp(what, VC_HOST_BALLOON_HINT_START) || !strcmp(what, VC_HOST_BALLOON_HINT_END))
		return hint_round(d, bp, !strcmp(what, VC_HOST_BALLOON_HINT_START));
	return -ENOTSUP;
}

static void balloon_close(struct vc_device *d, void *state)
{
	(void)d;
	free(state);
}

const struct qemu_part qemu_part_balloon = {
	.name = "balloon statistics and hinting", .serves = balloon_serves, .setup = balloon_setup,
	.close = balloon_close, .host = balloon_host,
};
