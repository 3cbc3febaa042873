/* The backend-neutral device interface: open by spec, bounds and width
 * checks in one place, so backends only see well-formed requests. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vc/device.h"

uint64_t vc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t vc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A look can be a plain memory read (guest RAM the harness maps: qemu,
 * vfio; the sim) or a qtest round trip. For the first 200 us of a wait (and
 * at least 16 pauses) a pause only yields the core: QEMU's main loop takes
 * tens of microseconds to answer a doorbell, and a nap asked for 100 us
 * lasts about 190 us in a virtual machine (napping from the 16th pause, the
 * clauses of the default suite on qemu:virtio-net-pci took 93 ms where they
 * take 70, for about the same CPU; docs/performance.md). Then naps of
 * 100 us, of 1 ms from 5 ms on, so a slow device costs no busy core. One
 * wait at a time per process: the start is kept here. */
void vc_poll_pause(unsigned iteration)
{
	static uint64_t start;
	uint64_t now = vc_now_ns(), waited;

	if (iteration == 0)
		start = now;
	waited = now - start;
	if (iteration < 16 || waited < 200000) {
		sched_yield();
		return;
	}
	struct timespec ts = { 0, waited < 5000000 ? 100000 : 1000000 };
	nanosleep(&ts, NULL);
}

const struct vc_backend *const vc_backends[] = {
	&vc_backend_sim, &vc_backend_dump, &vc_backend_sysfs, &vc_backend_qemu, &vc_backend_vfio,
	&vc_backend_vhost_user, NULL,
};

struct vc_device *vc_device_new(const struct vc_backend_ops *ops, const char *backend,
				const char *spec)
{
	struct vc_device *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ops = ops;
	d->cfg_size = 256;
	d->timeout_ms = 2000;
	snprintf(d->backend, sizeof(d->backend), "%s", backend);
	snprintf(d->spec, sizeof(d->spec), "%s", spec);
	return d;
}

int vc_device_open(const char *spec, struct vc_device **out, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t plen = colon ? (size_t)(colon - spec) : strlen(spec);

	*out = NULL;
	for (const struct vc_backend *const *b = vc_backends; *b; b++) {
		if (strlen((*b)->prefix) != plen || strncmp((*b)->prefix, spec, plen) != 0)
			continue;
		int rc = (*b)->open(colon ? colon + 1 : "", out, err, errlen);
		if (rc == 0)
			snprintf((*out)->spec, sizeof((*out)->spec), "%s", spec);
		return rc;
	}
	int n = snprintf(err, errlen, "unknown device backend in '%s': use one of", spec);
	for (const struct vc_backend *const *b = vc_backends; *b && n > 0 && (size_t)n < errlen; b++)
		n += snprintf(err + n, errlen - (size_t)n, " %s", (*b)->usage);
	return -EINVAL;
}

void vc_device_close(struct vc_device *d)
{
	if (!d)
		return;
	if (d->ops->close)
		d->ops->close(d);
	free(d);
}

bool vc_has(const struct vc_device *d, unsigned abilities)
{
	return (d->abilities & abilities) == abilities;
}

int vc_host(struct vc_device *d, const char *what, const char *arg, char *out, size_t outlen)
{
	if (out && outlen)
		out[0] = 0;
	if (!d->ops->host)
		return -ENOTSUP;
	return d->ops->host(d, what, arg ? arg : "", out, outlen);
}

static volatile sig_atomic_t cancelled;

bool vc_cancelled(void)
{
	return cancelled;
}

void vc_cancel(bool on)
{
	cancelled = on;
}

static bool width_ok(unsigned width, unsigned max)
{
	return width == 1 || width == 2 || width == 4 || (width == 8 && max >= 8);
}

int vc_cfg_read(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val)
{
	if (cancelled)
		return -ECANCELED;
	if (!width_ok(width, 4) || off % width || (unsigned)off + width > d->cfg_size)
		return -ERANGE;
	return d->ops->cfg_read(d, off, width, val);
}

int vc_cfg_write(struct vc_device *d, uint16_t off, unsigned width, uint32_t val)
{
	if (cancelled)
		return -ECANCELED;
	if (!(d->abilities & VC_CFG_WRITE) || !d->ops->cfg_write)
		return -EPERM;
	if (!width_ok(width, 4) || off % width || (unsigned)off + width > d->cfg_size)
		return -ERANGE;
	return d->ops->cfg_write(d, off, width, val);
}

/* A BAR access must lie inside an implemented BAR; overflow-safe. */
static int bar_access_ok(const struct vc_device *d, unsigned bar, uint64_t off, unsigned width)
{
	if (bar >= VC_NUM_BARS || !width_ok(width, 8))
		return -ERANGE;
	if ((d->abilities & VC_BAR_SIZES) &&
	    (d->bar[bar].size < width || off > d->bar[bar].size - width))
		return -ERANGE;
	return 0;
}

int vc_bar_read(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t *val)
{
	int rc;

	if (!(d->abilities & VC_BAR_READ) || !d->ops->bar_read)
		return -EPERM;
	if (cancelled)
		return -ECANCELED;
	if ((rc = bar_access_ok(d, bar, off, width)))
		return rc;
	return d->ops->bar_read(d, bar, off, width, val);
}

int vc_bar_write(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t val)
{
	int rc;

	if (!(d->abilities & VC_BAR_WRITE) || !d->ops->bar_write)
		return -EPERM;
	if (cancelled)
		return -ECANCELED;
	if ((rc = bar_access_ok(d, bar, off, width)))
		return rc;
	return d->ops->bar_write(d, bar, off, width, val);
}

static int access_ok(const struct vc_device *d, const struct vc_access *a)
{
	if (a->cfg) {
		if (a->write && (!(d->abilities & VC_CFG_WRITE) || !d->ops->cfg_write))
			return -EPERM;
		return !width_ok(a->width, 4) || a->off % a->width || a->off + a->width > d->cfg_size ? -ERANGE : 0;
	}
	if (!(d->abilities & (a->write ? VC_BAR_WRITE : VC_BAR_READ)) ||
	    (a->write ? !d->ops->bar_write : !d->ops->bar_read))
		return -EPERM;
	return bar_access_ok(d, a->bar, a->off, a->width);
}

static int access_one(struct vc_device *d, struct vc_access *a)
{
	uint32_t v;
	int rc;

	if (!a->cfg)
		return a->write ? vc_bar_write(d, a->bar, a->off, a->width, a->val)
				: vc_bar_read(d, a->bar, a->off, a->width, &a->val);
	if (a->write)
		return vc_cfg_write(d, (uint16_t)a->off, a->width, (uint32_t)a->val);
	if (!(rc = vc_cfg_read(d, (uint16_t)a->off, a->width, &v)))
		a->val = v;
	return rc;
}

int vc_batch(struct vc_device *d, struct vc_access *a, unsigned n)
{
	int rc;

	for (unsigned i = 0; i < n; i++)
		if ((rc = access_ok(d, &a[i])))
			return rc;
	if (cancelled)
		return -ECANCELED;
	if (d->ops->batch)
		return d->ops->batch(d, a, n);
	for (unsigned i = 0; i < n; i++)
		if ((rc = access_one(d, &a[i])))
			return rc;
	return 0;
}

int vc_peer_send(struct vc_device *d, const void *frame, size_t len)
{
	if (!(d->abilities & VC_PEER) || !d->ops->peer_send)
		return -ENOTSUP;
	return d->ops->peer_send(d, frame, len);
}

int vc_peer_recv(struct vc_device *d, void *frame, size_t max, size_t *len, int timeout_ms)
{
	if (!(d->abilities & VC_PEER) || !d->ops->peer_recv)
		return -ENOTSUP;
	return d->ops->peer_recv(d, frame, max, len, timeout_ms);
}
