/* Running the selected clauses on one or several devices, one process each.
 * Several devices run in parallel, so a host with many functions takes
 * about the time of one. */
#ifndef VC_RUN_H
#define VC_RUN_H

#include <sys/types.h>
#include "clause.h"
#include "trace.h"

#define VC_MAX_DEVICES 64
#define VC_MAX_DEVICES_STR "64"

/* How far a device's run is, for a progress line: written by the process
 * that runs the device, so in shared memory. */
struct vc_progress {
	volatile unsigned total;      /* clauses it will run; 0: still opening */
	volatile unsigned done;
	volatile unsigned current;    /* the running clause: registry index + 1; 0: none */
	volatile int finished;
};

struct vc_run_request {
	const struct vc_selection *sel;
	unsigned timeout_ms;          /* each clause's watchdog */
	bool trace;                   /* record doorbells */
	/* NULL, or one per device (MAP_SHARED): kept up to date, and
	 * show(show_arg) called when it changes (by the device's process, when
	 * it is the only one) or about every 100 ms while several run. */
	struct vc_progress *progress;
	void (*show)(void *arg);
	void *show_arg;
	/* NULL, or called once the devices run, for work of the caller's own
	 * that can go on at the same time */
	void (*meanwhile)(void);
};

/* One device's run, self-contained: what the reports need survives the
 * device (and the process that drove it). */
struct vc_device_run {
	struct vc_device dev;         /* a copy for the reports: no backend behind it */
	struct vc_probe probe;
	bool opened;                  /* false: err says why (open_rc) */
	int open_rc;
	char err[512];
	struct vc_result *results;
	unsigned n;
	struct vc_trace trace;
	/* The device-type suites left out, and why ("" when none was) */
	char not_run[400];
	pid_t pid;                    /* the process that ran it, until vc_run_wait */
};

/* Run on each spec; runs[i] gets spec i's results. Returns 0, or -errno when
 * the harness itself could not run (a device that cannot be opened is not
 * that: its run says so). It returns as soon as the results are in: the
 * processes may still be closing their devices (QEMU quitting) until
 * vc_run_wait. */
int vc_run_devices(const char *const *specs, unsigned n, const struct vc_run_request *rq,
		   struct vc_device_run *runs);
/* Wait until the processes of the run have closed their devices and ended. */
void vc_run_wait(struct vc_device_run *runs, unsigned n);
void vc_device_run_free(struct vc_device_run *r);

#endif
