/* Measurements tools/bench cannot make from the command line, printed as
 * "name value" lines (figures, never a verdict):
 *
 *   vc-bench-helper open SPEC [N]   open and close the device N times (qemu:
 *                                   QEMU's start-to-quit as the backend runs
 *                                   it); the median of each phase
 *   vc-bench-helper doorbell [N [SPEC]]
 *                                   the cost of one vc_vq_kick (on the
 *                                   simulated device unless SPEC), untraced
 *                                   and traced, interleaved in rounds so
 *                                   drift hits both
 *   vc-bench-helper conversation SPEC [N]
 *                                   what one wait (a batch of one read) and
 *                                   each further command of a batch of 64
 *                                   reads cost on the device: N of each,
 *                                   medians (a run's waits and commands at
 *                                   these costs are its conversation's floor)
 *   vc-bench-helper used-after SPEC [N]
 *                                   how many looks at the used ring (each one
 *                                   round trip on qemu:, guest RAM reached
 *                                   through qtest) a request's used entry
 *                                   takes to appear after its doorbell: what
 *                                   the qemu: backend's settle must cover */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vc/driver.h"
#include "vc/trace.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static int open_close(const char *spec, unsigned n)
{
	uint64_t open_ns[64], close_ns[64], trips = 0;
	char err[512];

	if (n == 0 || n > 64)
		n = 5;
	for (unsigned i = 0; i < n; i++) {
		struct vc_device *d;
		uint64_t t0 = vc_now_ns();
		if (vc_device_open(spec, &d, err, sizeof(err))) {
			fprintf(stderr, "vc-bench-helper: %s\n", err);
			return 3;
		}
		uint64_t t1 = vc_now_ns();
		trips = d->round_trips;
		vc_device_close(d);
		open_ns[i] = t1 - t0;
		close_ns[i] = vc_now_ns() - t1;
	}
	uint64_t o = median(open_ns, n), c = median(close_ns, n);
	printf("open_ms %.2f\nclose_ms %.2f\nstart_to_quit_ms %.2f\nopen_round_trips %llu\nsamples %u\n",
	       o / 1e6, c / 1e6, (o + c) / 1e6, (unsigned long long)trips, n);
	return 0;
}

static int doorbell(unsigned n, const char *spec)
{
	struct vc_device *d;
	struct vc_probe p;
	struct vc_driver drv;
	struct vc_vq vq;
	struct vc_trace trace = { 0 };
	char err[512];
	enum { ROUNDS = 20 };
	uint64_t plain[ROUNDS], traced[ROUNDS];

	if (vc_device_open(spec, &d, err, sizeof(err)) || vc_probe_device(d, &p, err, sizeof(err))) {
		fprintf(stderr, "vc-bench-helper: %s\n", err);
		return 3;
	}
	d->timeout_ms = 1000;
	vc_driver_init(&drv, d, &p);
	if (vc_start(&drv, NULL) || vc_vq_setup(&drv, 0, 0, &vq) || vc_vq_enable(&drv, &vq) ||
	    vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK)) {
		fprintf(stderr, "vc-bench-helper: %s did not start\n", spec);
		return 3;
	}
	trace.clause = "bench";
	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t *slot[2] = { &plain[r], &traced[r] };
		for (unsigned t = 0; t < 2; t++) {
			/* alternate which goes first, so neither always runs warm */
			unsigned which = (r + t) % 2;
			drv.trace = which ? &trace : NULL;
			trace.n = 0;          /* the same record buffer, as a run reuses its own */
			uint64_t t0 = vc_now_ns();
			for (unsigned i = 0; i < n; i++)
				vc_vq_kick(&drv, &vq);
			*slot[which] = vc_now_ns() - t0;
		}
	}
	double a = (double)median(plain, ROUNDS) / n, b = (double)median(traced, ROUNDS) / n;
	printf("kicks_per_round %u\nrounds %u\nuntraced_ns %.1f\ntraced_ns %.1f\ntraced_over_untraced %.3f\n",
	       n, ROUNDS, a, b, b / a);
	vc_trace_free(&trace);
	vc_device_close(d);
	return 0;
}

static int conversation(const char *spec, unsigned n)
{
	enum { BATCH = 64, MAX_N = 1000 };
	static uint64_t one[MAX_N], many[MAX_N];
	struct vc_access a[BATCH];
	struct vc_device *d;
	struct vc_probe p;
	char err[512];

	if (n == 0 || n > MAX_N)
		n = 200;
	if (vc_device_open(spec, &d, err, sizeof(err)) || vc_probe_device(d, &p, err, sizeof(err))) {
		fprintf(stderr, "vc-bench-helper: %s\n", err);
		return 3;
	}
	if (!p.common) {
		fprintf(stderr, "vc-bench-helper: %s has no common configuration\n", spec);
		vc_device_close(d);
		return 3;
	}
	/* num_queues, read again and again: no side effect, not a range the
	 * backend could merge into one command */
	for (unsigned i = 0; i < BATCH; i++)
		a[i] = (struct vc_access){ .bar = p.common->bar, .width = 2, .off = p.common->offset + COMMON_num_queues };
	for (unsigned r = 0; r < n; r++) {
		uint64_t t0 = vc_now_ns();
		int rc = vc_batch(d, a, 1);
		uint64_t t1 = vc_now_ns();
		if (rc || vc_batch(d, a, BATCH)) {
			fprintf(stderr, "vc-bench-helper: %s stopped answering\n", spec);
			vc_device_close(d);
			return 3;
		}
		one[r] = t1 - t0;
		many[r] = vc_now_ns() - t1;
	}
	double wait = (double)median(one, n), more = ((double)median(many, n) - wait) / (BATCH - 1);
	printf("samples %u\nwait_us %.2f\ncommand_us %.2f\n", n, wait / 1e3, more > 0 ? more / 1e3 : 0.0);
	vc_device_close(d);
	return 0;
}

static int used_after(const char *spec, unsigned n)
{
	struct vc_device *d;
	struct vc_probe p;
	struct vc_driver drv;
	struct vc_vq vq;
	struct vc_request req;
	char err[512];
	unsigned most = 0, total = 0;

	setenv("VC_QEMU_RAM", "qtest", 1);     /* each look a round trip: a main-loop iteration */
	if (vc_device_open(spec, &d, err, sizeof(err)) || vc_probe_device(d, &p, err, sizeof(err))) {
		fprintf(stderr, "vc-bench-helper: %s\n", err);
		return 3;
	}
	d->timeout_ms = 2000;
	vc_driver_init(&drv, d, &p);
	if (vc_start(&drv, NULL) || vc_request_make(&drv, &req) || vc_vq_setup(&drv, req.queue, 0, &vq) ||
	    vc_vq_enable(&drv, &vq) || vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK)) {
		fprintf(stderr, "vc-bench-helper: %s did not start or has no request the harness knows\n", spec);
		vc_device_close(d);
		return 3;
	}
	for (unsigned i = 0; i < n; i++) {
		uint16_t id;
		uint32_t len;
		unsigned looks = 1;
		uint64_t deadline = vc_now_ms() + d->timeout_ms;
		if (vc_vq_add(&drv, &vq, req.bufs, req.n, &id) || vc_vq_kick(&drv, &vq))
			break;
		while (vc_vq_get_used(&drv, &vq, &id, &len) == -EAGAIN && vc_now_ms() < deadline)
			looks++;
		most = looks > most ? looks : most;
		total += looks;
	}
	printf("requests %u\nlooks_mean %.2f\nlooks_max %u\n", n, n ? (double)total / n : 0.0, most);
	vc_device_close(d);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "open"))
		return open_close(argv[2], argc > 3 ? (unsigned)atoi(argv[3]) : 5);
	if (argc >= 2 && !strcmp(argv[1], "doorbell"))
		return doorbell(argc > 2 ? (unsigned)atoi(argv[2]) : 100000, argc > 3 ? argv[3] : "sim");
	if (argc >= 3 && !strcmp(argv[1], "conversation"))
		return conversation(argv[2], argc > 3 ? (unsigned)atoi(argv[3]) : 200);
	if (argc >= 3 && !strcmp(argv[1], "used-after"))
		return used_after(argv[2], argc > 3 ? (unsigned)atoi(argv[3]) : 50);
	fprintf(stderr, "usage: vc-bench-helper open SPEC [N] | doorbell [N] | conversation SPEC [N] | "
		"used-after SPEC [N]\n");
	return 2;
}
