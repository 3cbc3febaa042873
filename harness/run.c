/* Running clauses on devices. Each device runs in a child process, forked
 * from this program, and sends its results back through a pipe; several run
 * at once. The parent meanwhile does its own work (the spec's text for the
 * reports) and writes the reports while the children close their devices.
 * The children are forks of this program, so pointers to static data (clause
 * table entries, clause ids in trace records) mean the same in the parent;
 * only the probe's pointers into itself need moving. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vc/linux_probe.h"
#include "vc/run.h"

/* Which device-type suites a device of this type does not run: the other
 * types' (named once each), and its own when the harness has none. */
static void suites_not_run(unsigned type, char *out, size_t len)
{
	const char *self = vc_virtio_type_name(type);
	unsigned seen[64], nseen = 0;
	bool own = false;
	size_t used = 0;

	out[0] = 0;
	for (const struct vc_suite *const *s = vc_suites; *s; s++) {
		unsigned t = (*s)->device_type, k = 0;
		own |= t && t == type;
		while (k < nseen && seen[k] != t)
			k++;
		if (!t || t == type || k < nseen || nseen == sizeof(seen) / sizeof(seen[0]))
			continue;
		seen[nseen++] = t;
		const char *name = vc_virtio_type_name(t);
		used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s", used ? ", " : "not run: the ",
					 name ? name : "?");
	}
	if (used)
		used += (size_t)snprintf(out + used, used < len ? len - used : 0, " suites (the device is %s)",
					 self ? self : "of an unknown type");
	if (!own)
		snprintf(out + used, used < len ? len - used : 0, "%sno %s suites: the harness has no driver for "
			 "this device type, transport clauses only", used ? "; " : "", self ? self : "device-type");
}

/* The lone device's process draws the progress line itself, at every
 * clause; with several, the parent draws it for all. */
static void progress(const struct vc_run_request *rq, struct vc_progress *pg, bool draw)
{
	if (pg && rq->show && draw)
		rq->show(rq->show_arg);
}

/* Open, probe and run the clauses; the device is left open (NULL: it could
 * not be opened or probed, r->err says why). */
static struct vc_device *run_one(const char *spec, const struct vc_run_request *rq, struct vc_device_run *r,
				 unsigned idx, bool draw)
{
	struct vc_progress *pg = rq->progress ? &rq->progress[idx] : NULL;
	struct vc_device *dev;

	memset(r, 0, sizeof(*r));
	snprintf(r->dev.spec, sizeof(r->dev.spec), "%s", spec);
	if ((r->open_rc = vc_device_open(spec, &dev, r->err, sizeof(r->err)))) {
		if (pg)
			pg->finished = 1;
		return NULL;
	}
	/* a single wait gets a quarter of the clause's watchdog, so a clause
	 * whose awaited event never comes still ends with its own verdict */
	dev->timeout_ms = rq->timeout_ms / 4 ? rq->timeout_ms / 4 : 1;
	if ((r->open_rc = vc_probe_device(dev, &r->probe, r->err, sizeof(r->err)))) {
		vc_device_close(dev);
		if (pg)
			pg->finished = 1;
		return NULL;
	}
	r->opened = true;
	r->results = calloc(vc_clause_count(), sizeof(*r->results));
	for (unsigned pass = !pg; pass < 2; pass++) {     /* pass 0 counts for the progress line */
		for (unsigned i = 0; r->results && i < vc_clause_count(); i++) {
			const struct vc_clause *cl = vc_clause_at(i);
			unsigned type = vc_clause_device_type(cl);
			/* another device type's rules are not this device's: left out */
			if ((type && type != r->probe.virtio_type) || !vc_clause_selected(cl, rq->sel))
				continue;
			if (!pass) {
				pg->total++;
				continue;
			}
			if (pg) {
				pg->current = i + 1;
				progress(rq, pg, draw);
			}
			vc_run_clause(cl, dev, &r->probe, rq->timeout_ms, rq->trace ? &r->trace : NULL,
				      &r->results[r->n++]);
			if (pg)
				pg->done++;
		}
	}
	if (pg) {
		pg->current = 0;
		pg->finished = 1;
		progress(rq, pg, draw);
	}
	if (r->results)
		vc_linux_attach(dev, &r->probe, r->results, r->n);
	suites_not_run(r->probe.virtio_type, r->not_run, sizeof(r->not_run));
	r->dev = *dev;
	r->dev.ops = NULL;
	r->dev.priv = NULL;
	return dev;
}

void vc_device_run_free(struct vc_device_run *r)
{
	free(r->results);
	vc_trace_free(&r->trace);
	r->results = NULL;
	r->n = 0;
}

/* The wire format between a child and the parent: the run struct, then its
 * results, then its doorbells. */
static int write_all(int fd, const void *buf, size_t len)
{
	for (const char *p = buf; len;) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -EIO;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

/* The results go first, then the device is closed: the parent writes the
 * reports while QEMU quits. */
static void child(int fd, const char *spec, const struct vc_run_request *rq, unsigned idx, bool draw)
{
	struct vc_device_run *r = calloc(1, sizeof(*r));
	struct vc_device *dev;
	int rc;

	if (!r)
		_exit(3);
	dev = run_one(spec, rq, r, idx, draw);
	const struct vc_device_run *self = r;
	rc = write_all(fd, &self, sizeof(self));
	if (!rc)
		rc = write_all(fd, r, sizeof(*r));
	if (!rc && r->n)
		rc = write_all(fd, r->results, r->n * sizeof(*r->results));
	if (!rc && r->trace.n)
		rc = write_all(fd, r->trace.rec, r->trace.n * sizeof(*r->trace.rec));
	close(fd);
	if (dev)
		vc_device_close(dev);
	exit(rc ? 3 : 0);     /* exit, not _exit: what a backend left is cleaned up at exit */
}

struct buf {
	char *data;
	size_t len, cap;
};

static int buf_read(int fd, struct buf *b)
{
	if (b->cap - b->len < 65536) {
		size_t cap = b->cap ? 2 * b->cap : 1 << 20;
		char *d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	ssize_t k = read(fd, b->data + b->len, b->cap - b->len);
	if (k < 0)
		return errno == EINTR ? 1 : -errno;
	b->len += (size_t)k;
	return k > 0;         /* 0: end of file */
}

/* Rebuild a run from the child's bytes; false if they are short. */
static bool unpack(const struct buf *b, struct vc_device_run *r)
{
	const struct vc_device_run *theirs;
	size_t at = sizeof(theirs) + sizeof(*r);

	if (b->len < at)
		return false;
	memcpy(&theirs, b->data, sizeof(theirs));
	memcpy(r, b->data + sizeof(theirs), sizeof(*r));
	size_t results = r->n * sizeof(*r->results), doorbells = r->trace.n * sizeof(*r->trace.rec);
	if (b->len != at + results + doorbells)
		return false;
	r->results = calloc(r->n ? r->n : 1, sizeof(*r->results));
	r->trace.rec = r->trace.n ? malloc(doorbells) : NULL;
	r->trace.cap = r->trace.n;
	if (!r->results || (r->trace.n && !r->trace.rec))
		return false;
	memcpy(r->results, b->data + at, results);
	if (r->trace.n)
		memcpy(r->trace.rec, b->data + at + results, doorbells);
	/* the probe's "first structure of each type" point into its own array */
	const struct vc_vcap **slots[] = { &r->probe.common, &r->probe.notify, &r->probe.isr,
					   &r->probe.device_cfg, &r->probe.pci_cfg };
	for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (*slots[i])
			*slots[i] = r->probe.vcap + (*slots[i] - theirs->probe.vcap);
	return true;
}

int vc_run_devices(const char *const *specs, unsigned n, const struct vc_run_request *rq,
		   struct vc_device_run *runs)
{
	struct pollfd pfd[VC_MAX_DEVICES];
	struct buf bufs[VC_MAX_DEVICES] = { 0 };
	bool drawn = rq->progress && rq->show && n > 1;
	unsigned open = 0;
	int rc = 0;

	if (!n || n > VC_MAX_DEVICES)
		return -E2BIG;
	fflush(NULL);         /* nothing buffered may be written twice */
	memset(runs, 0, n * sizeof(*runs));
	for (unsigned i = 0; i < n; i++) {
		int p[2];
		/* close-on-exec: the end of file comes when the child has sent its
		 * results, not when the last QEMU it started quits */
		if (pipe2(p, O_CLOEXEC))
			return -errno;
		if ((runs[i].pid = fork()) < 0)
			return -errno;
		if (runs[i].pid == 0) {
			for (unsigned j = 0; j < i; j++)
				close(pfd[j].fd);
			close(p[0]);
			child(p[1], specs[i], rq, i, n == 1);
		}
		close(p[1]);
		pfd[i] = (struct pollfd){ .fd = p[0], .events = POLLIN };
		open++;
	}
	if (drawn)           /* the devices as they start, before the caller's own work */
		rq->show(rq->show_arg);
	if (rq->meanwhile)
		rq->meanwhile();
	/* Every clause of a child is bounded by its watchdog, so the children
	 * end; their pipes are read as they go so none blocks on a full pipe. */
	while (open) {
		if (drawn)
			rq->show(rq->show_arg);
		if (poll(pfd, n, drawn ? 100 : -1) < 0 && errno != EINTR)
			return -errno;
		for (unsigned i = 0; i < n; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			int k = buf_read(pfd[i].fd, &bufs[i]);
			if (k <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open--;
				if (k < 0)
					rc = k;
			}
		}
	}
	for (unsigned i = 0; i < n; i++) {
		pid_t pid = runs[i].pid;
		int status = 0;
		if (unpack(&bufs[i], &runs[i])) {
			runs[i].pid = pid;
		} else {
			waitpid(pid, &status, 0);      /* it ended early: how */
			memset(&runs[i], 0, sizeof(runs[i]));
			snprintf(runs[i].dev.spec, sizeof(runs[i].dev.spec), "%s", specs[i]);
			runs[i].open_rc = -EIO;
			snprintf(runs[i].err, sizeof(runs[i].err), "the process running %s ended without its results "
				 "(status 0x%x)", specs[i], (unsigned)status);
		}
		free(bufs[i].data);
	}
	return rc;
}

void vc_run_wait(struct vc_device_run *runs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (runs[i].pid > 0 && waitpid(runs[i].pid, NULL, 0) >= 0)
			runs[i].pid = 0;
}
