/* The clause registry: walking the suites' tables, selecting by glob, and
 * running one clause with its needs checked and a watchdog armed. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include "vc/clause.h"
#include "vc/devtypes/blk.h"
#include "vc/driver.h"
#include "vc/trace.h"

const char *vc_keyword_str(enum vc_keyword k)
{
	static const char *const s[] = { "MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY", "RECOMMENDED" };
	return s[k];
}

const char *vc_status_str(enum vc_status s)
{
	static const char *const n[VC_STATUS_COUNT] = { "PASS", "FAIL", "WARN", "SKIP", "ERROR", "XFAIL", "XPASS",
							  "BLOCKED" };
	return (unsigned)s < VC_STATUS_COUNT ? n[s] : "ERROR";
}

const char *vc_side_str(enum vc_side s)
{
	return s == VC_DEVICE_RULE ? "device" : s == VC_DRIVER_RULE ? "driver" : s == VC_SANITY ? "sanity" : "robustness";
}

bool vc_keyword_is_should(enum vc_keyword k)
{
	return k == VC_SHOULD || k == VC_SHOULD_NOT || k == VC_RECOMMENDED;
}

unsigned vc_clause_count(void)
{
	unsigned n = 0;

	for (const struct vc_suite *const *s = vc_suites; *s; s++)
		n += (*s)->n;
	return n;
}

const struct vc_clause *vc_clause_at(unsigned i)
{
	for (const struct vc_suite *const *s = vc_suites; *s; s++) {
		if (i < (*s)->n)
			return &(*s)->clauses[i];
		i -= (*s)->n;
	}
	return NULL;
}

unsigned vc_clause_device_type(const struct vc_clause *cl)
{
	for (const struct vc_suite *const *s = vc_suites; *s; s++)
		if (cl >= (*s)->clauses && cl < (*s)->clauses + (*s)->n)
			return (*s)->device_type;
	return 0;
}

const struct vc_clause *vc_clause_find(const char *id)
{
	for (unsigned i = 0; i < vc_clause_count(); i++)
		if (strcmp(vc_clause_at(i)->id, id) == 0)
			return vc_clause_at(i);
	return NULL;
}

bool vc_glob_match(const char *pattern, const char *id)
{
	return fnmatch(pattern, id, 0) == 0;
}

bool vc_glob_matches_any(const char *pattern)
{
	for (unsigned i = 0; i < vc_clause_count(); i++)
		if (vc_glob_match(pattern, vc_clause_at(i)->id))
			return true;
	return false;
}

bool vc_profile_listed(const char *list, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	for (const char *p = list; p && n && *p; p += strcspn(p, ","), p += *p == ',')
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

bool vc_clause_selected(const struct vc_clause *cl, const struct vc_selection *sel)
{
	bool in = sel->ninclude == 0;

	/* Profile clauses run only when their profile is asked for, unless
	 * named explicitly by a --clause glob. */
	if (cl->profile && !vc_profile_listed(sel->profile, cl->profile) && sel->ninclude == 0)
		return false;
	for (unsigned i = 0; i < sel->ninclude && !in; i++)
		in = vc_glob_match(sel->include[i], cl->id);
	for (unsigned i = 0; i < sel->nexclude && in; i++)
		in = !vc_glob_match(sel->exclude[i], cl->id);
	return in;
}

const char *vc_unmet_need(const struct vc_clause *cl, const struct vc_device *d, const struct vc_probe *p)
{
	static const struct { unsigned need; const char *why; } reasons[] = {
		{ NEED_CFG_WRITE, "needs config space writes; the %s backend is read-only" },
		{ NEED_BAR_READ, "needs BAR register reads; the %s backend cannot read BARs" },
		{ NEED_BAR_WRITE, "needs BAR register writes; the %s backend cannot write BARs" },
		{ NEED_DMA, "needs DMA memory; the %s backend has none" },
		{ NEED_IRQ, "needs interrupts; the %s backend cannot observe them" },
		{ NEED_BAR_SIZES, "needs BAR sizes; the %s backend does not know them" },
		{ NEED_PEER, "needs the device's link partner; the %s backend cannot put frames on its wire or read them" },
	};
	static char buf[160];

	for (unsigned i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if ((cl->needs & reasons[i].need) && !(d->abilities & reasons[i].need)) {
			snprintf(buf, sizeof(buf), reasons[i].why, d->backend);
			return buf;
		}
	}
	if ((cl->needs & NEED_EXT_CFG) && p->cfg_size < PCI_EXT_CFG_SPACE)
		return "needs the extended (4096-byte) config space, which this device access does not show";
	if ((cl->needs & NEED_COMMON) && !p->common)
		return "needs a common configuration capability, and the device has none";
	if ((cl->needs & NEED_COMMON) && !p->have_common)
		return "needs the common configuration registers, which could not be read";
	if ((cl->needs & (NEED_COMMON | NEED_DMA)) == (NEED_COMMON | NEED_DMA) && !p->notify)
		return "drives queues, which needs a notification capability, and the device has none";
	return NULL;
}

/* Verdicts */

static void vappend(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t len = strlen(buf);

	if (len && len + 2 < size) {
		buf[len++] = ';';
		buf[len++] = ' ';
		buf[len] = 0;
	}
	if (len < size)
		vsnprintf(buf + len, size - len, fmt, ap);
}

static void verdict(struct vc_ctx *c, enum vc_status s, const char *fmt, va_list ap)
{
	/* FAIL and ERROR outrank SKIP; the first of equal rank keeps its place. */
	static const int rank[] = { [VC_PASS] = 0, [VC_SKIP] = 1, [VC_WARN] = 2, [VC_FAIL] = 3, [VC_ERROR] = 4 };

	if (rank[s] > rank[c->r->status])
		c->r->status = s;
	vappend(c->r->message, sizeof(c->r->message), fmt, ap);
}

#define VERDICT_FN(name, status)                                        \
	void name(struct vc_ctx *c, const char *fmt, ...)               \
	{                                                               \
		va_list ap;                                             \
		va_start(ap, fmt);                                      \
		verdict(c, status, fmt, ap);                            \
		va_end(ap);                                             \
	}
VERDICT_FN(vc_fail, VC_FAIL)
VERDICT_FN(vc_skip, VC_SKIP)
VERDICT_FN(vc_error, VC_ERROR)
VERDICT_FN(vc_note, VC_PASS)

void vc_observed(struct vc_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vappend(c->r->observed, sizeof(c->r->observed), fmt, ap);
	va_end(ap);
}

void vc_expected(struct vc_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vappend(c->r->expected, sizeof(c->r->expected), fmt, ap);
	va_end(ap);
}

/* The running clause's allocations (one clause runs at a time in a
 * process, like the watchdog below) */
struct clause_alloc {
	struct clause_alloc *next;
	max_align_t data[];
};
static struct clause_alloc *clause_allocs;

void *vc_clause_alloc(struct vc_ctx *c, size_t len)
{
	struct clause_alloc *a = calloc(1, sizeof(*a) + len);

	if (!a) {
		vc_error(c, "out of memory (%zu bytes)", len);
		return NULL;
	}
	a->next = clause_allocs;
	clause_allocs = a;
	return a->data;
}

void vc_clause_free(void *p)
{
	for (struct clause_alloc **a = &clause_allocs; p && *a; a = &(*a)->next)
		if ((*a)->data == p) {
			struct clause_alloc *gone = *a;

			*a = gone->next;
			free(gone);
			return;
		}
}

static void clause_allocs_free(void)
{
	while (clause_allocs) {
		struct clause_alloc *a = clause_allocs;

		clause_allocs = a->next;
		free(a);
	}
}

void vc_severity(struct vc_ctx *c, const char *severity)
{
	static const char *const worst_first[] = { "crash", "hang", "memory", "dos", "minor" };
	unsigned have = 5, given = 5;

	for (unsigned i = 0; i < 5; i++) {
		have = strcmp(c->r->severity, worst_first[i]) ? have : i;
		given = strcmp(severity, worst_first[i]) ? given : i;
	}
	if (given < have)
		snprintf(c->r->severity, sizeof(c->r->severity), "%s", worst_first[given]);
}

static bool access_ok(struct vc_ctx *c, int rc, const char *what, uint64_t where)
{
	if (rc == 0)
		return true;
	vc_error(c, "%s at 0x%llx failed: %s", what, (unsigned long long)where, strerror(-rc));
	return false;
}

bool vc_ctx_common_read(struct vc_ctx *c, unsigned field, unsigned width, uint64_t *val)
{
	return access_ok(c, vc_common_read(c->dev, c->probe, field, width, val), "common config read", field);
}

bool vc_ctx_common_write(struct vc_ctx *c, unsigned field, unsigned width, uint64_t val)
{
	return access_ok(c, vc_common_write(c->dev, c->probe, field, width, val), "common config write", field);
}

bool vc_ctx_struct_reachable(struct vc_ctx *c, const struct vc_vcap *cap)
{
	uint64_t size = cap->bar < VC_NUM_BARS ? c->dev->bar[cap->bar].size : 0;

	/* A structure the device placed outside its BAR cannot be read: that is
	 * pci.caps.structure-in-bar's verdict, not this clause's. */
	if (vc_has(c->dev, VC_BAR_SIZES) && (cap->offset > size || cap->length > size - cap->offset)) {
		vc_skip(c, "the %s structure lies outside BAR %u (pci.caps.structure-in-bar reports it)",
			vc_cfg_type_name(cap->cfg_type), cap->bar);
		return false;
	}
	return true;
}

bool vc_ctx_struct_read(struct vc_ctx *c, const struct vc_vcap *cap, uint64_t off, unsigned width, uint64_t *val)
{
	int rc = vc_struct_read(c->dev, cap, off, width, val);

	if (rc == -ERANGE && !vc_ctx_struct_reachable(c, cap))
		return false;
	return access_ok(c, rc, "BAR read", cap->offset + off);
}

bool vc_ctx_cfg_read(struct vc_ctx *c, uint16_t off, unsigned width, uint32_t *val)
{
	return access_ok(c, vc_cfg_read(c->dev, off, width, val), "config read", off);
}

bool vc_ctx_cfg_write(struct vc_ctx *c, uint16_t off, unsigned width, uint32_t val)
{
	return access_ok(c, vc_cfg_write(c->dev, off, width, val), "config write", off);
}

static const char *run_profile;

void vc_run_profile(const char *profile)
{
	run_profile = profile;
}

static bool is_draft(const char *profile)
{
	return vc_profile_listed(profile, VC_PROFILE_DRAFT_NOTIFY);
}

void vc_ctx_driver(struct vc_ctx *c, struct vc_driver *drv)
{
	vc_driver_init(drv, c->dev, c->probe);
	drv->trace = c->trace;
	/* the draft profile's own clauses use it even when named by a glob alone */
	drv->draft_notify_data = is_draft(run_profile) || is_draft(c->r->clause->profile);
}

bool vc_ctx_start(struct vc_ctx *c, struct vc_driver *drv, const uint32_t *want)
{
	int rc;

	vc_ctx_driver(c, drv);
	rc = vc_start(drv, want);
	/* A host-managed zoned block device refuses FEATURES_OK without
	 * VIRTIO_BLK_F_ZONED (BLK-INIT-DEV-8): the harness handles zones, so it
	 * accepts the bit then, as a zoned-capable driver would. */
	uint32_t zoned[VC_FEATURE_WORDS] = { 0 };
	if (rc == -EPROTO && vc_blk_zoned_retry(c->probe, want, zoned))
		rc = vc_start(drv, zoned);
	if (rc == -ETIMEDOUT)
		vc_skip(c, "the device did not complete a reset within %u ms (pci.reset.status-reads-zero "
			   "reports it)", c->dev->timeout_ms);
	else if (rc == -EPROTO)
		vc_skip(c, "the device refused the feature set (pci.features.* report it)");
	else if (rc)
		vc_error(c, "could not start the device: %s", strerror(-rc));
	return rc == 0;
}

/* Running. Backends bound every wait by the device timeout. The watchdog
 * is for a clause stuck anyway: when it fires, device accesses start to fail
 * (-ECANCELED) so the clause unwinds by itself and frees what it holds; if
 * it is still running a grace period later (a backend wait outliving the
 * watchdog), the watchdog jumps out of it. Either way the clause is an
 * ERROR. */

static sigjmp_buf watchdog_jmp;
static volatile sig_atomic_t watchdog_armed;
static unsigned grace_ms;

static void arm(unsigned ms)
{
	struct itimerval it = { .it_value = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void watchdog_fired(int sig)
{
	(void)sig;
	if (!watchdog_armed)
		return;
	if (!vc_cancelled()) {
		vc_cancel(true);
		arm(grace_ms);
		return;
	}
	siglongjmp(watchdog_jmp, 1);
}

/* Installed once: SIGALRM is the watchdog's alone in this process (each
 * device of a run has its own), and watchdog_armed keeps a stray one
 * harmless. Per clause it would be three system calls more. */
static void watchdog_install(void)
{
	static bool installed;
	struct sigaction sa = { .sa_handler = watchdog_fired };

	if (installed)
		return;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	installed = true;
}

/* What a clause needs of the device beyond config space: a gone device
 * cannot give it. */
static bool needs_device(const struct vc_clause *cl)
{
	return cl->needs & (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_IRQ | NEED_COMMON);
}

static void gone(struct vc_device *d, const struct vc_clause *cl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void gone(struct vc_device *d, const struct vc_clause *cl, const char *fmt, ...)
{
	va_list ap;

	if (d->gone[0])
		return;
	va_start(ap, fmt);
	vsnprintf(d->gone, sizeof(d->gone), fmt, ap);
	va_end(ap);
	snprintf(d->gone_during, sizeof(d->gone_during), "%s", cl->id);
}

/* A fresh start and the device type's request: used, or the device no
 * longer works. Only after a clause went wrong (it costs a request). */
static void canary(struct vc_device *d, struct vc_probe *p, const struct vc_clause *cl)
{
	struct vc_driver drv;
	struct vc_request req;
	struct vc_vq vq, with;
	uint16_t id;
	uint32_t len;
	uint8_t status = 0;
	int rc;

	if (!vc_has(d, VC_DMA | VC_BAR_WRITE) || !p->notify || !p->have_common ||
	    p->common->length < COMMON_CFG_SIZE_BASE)
		return;
	vc_dma_reclaim(d);
	vc_driver_init(&drv, d, p);
	drv.runner = true;
	/* INTx: a clause may have left MSI-X on with its vectors gone by the
	 * reset, and a request completed on NO_VECTOR kills libvhost-user */
	if (vc_start(&drv, NULL) || vc_irq_intx(&drv) || (rc = vc_request_make(&drv, &req)) == -ENOTSUP || rc ||
	    vc_vq_setup(&drv, req.queue, 0, &vq) || vc_vq_enable(&drv, &vq) ||
	    (req.with_queue && (vc_vq_setup(&drv, req.with_queue - 1, 0, &with) || vc_vq_enable(&drv, &with))) ||
	    vc_status_add(&drv, VIRTIO_STATUS_DRIVER_OK) || vc_vq_add(&drv, &vq, req.bufs, req.n, &id) ||
	    vc_vq_kick(&drv, &vq))
		return;     /* what does not even start is the clauses' to report */
	rc = vc_vq_wait_used(&drv, &vq, d->timeout_ms, &id, &len);
	if (rc == -ETIMEDOUT) {
		vc_status_read(&drv, &status);
		gone(d, cl, "after it, the device no longer used requests: on a fresh start, a %s on queue %u was not "
		     "used within %u ms (device_status 0x%02x)", req.what, req.queue, d->timeout_ms, status);
	}
}

/* After a clause that drove the device: reset it, so the next one starts
 * from a known state whatever this one did (interrupts it left unanswered
 * are dropped too), and find out whether the device is still there. */
static void after_driving(struct vc_device *d, struct vc_probe *p, const struct vc_clause *cl, struct vc_result *r,
			  unsigned resets_lost)
{
	struct vc_driver drv;

	vc_driver_init(&drv, d, p);
	/* a reset is what every later clause starts with */
	if (!d->gone[0] && d->resets_lost != resets_lost)
		gone(d, cl, "a reset during it did not complete within %u ms (device_status 0x%02x)", d->timeout_ms,
		     d->lost_status);
	/* interrupts back to INTx too: every clause chooses its own routing,
	 * and a polled one must not inherit MSI-X left on with no vectors
	 * mapped (pci.usednotif.no-vector is the clause for that) */
	if (d->gone[0]) {
		vc_irq_drain(&drv);
		vc_irq_intx(&drv);
	} else if (vc_quiesce(&drv) == -ETIMEDOUT) {
		gone(d, cl, "the reset after it did not complete within %u ms (device_status 0x%02x)", d->timeout_ms,
		     d->lost_status);
	}
	if (!d->gone[0] && (r->status == VC_FAIL || r->status == VC_ERROR || r->status == VC_WARN)) {
		canary(d, p, cl);
		vc_quiesce(&drv);
	}
	d->activity_at_reset = d->activity;
}

void vc_run_clause(const struct vc_clause *cl, struct vc_device *d, struct vc_probe *p,
		   unsigned timeout_ms, struct vc_trace *trace, struct vc_result *r)
{
	struct vc_ctx c = { .dev = d, .probe = p, .r = r, .trace = trace };
	const char *unmet;
	uint64_t t0 = vc_now_ns() / 1000, trips0 = d->round_trips, batches0 = d->batches;
	bool was_gone = d->gone[0];
	volatile bool jumped = false;   /* set after a siglongjmp */
	unsigned resets_lost = d->resets_lost;

	memset(r, 0, sizeof(*r));
	r->clause = cl;
	r->status = VC_PASS;
	if ((unmet = vc_unmet_need(cl, d, p))) {
		r->status = VC_SKIP;
		snprintf(r->message, sizeof(r->message), "%s", unmet);
		return;
	}
	if (was_gone && needs_device(cl)) {
		r->status = VC_BLOCKED;
		snprintf(r->message, sizeof(r->message), "not run: the device stopped working during %s: %s",
			 d->gone_during, d->gone);
		return;
	}
	if (trace)
		trace->clause = cl->id;
	vc_dma_reclaim(d);
	watchdog_install();
	grace_ms = d->timeout_ms + 500;
	vc_cancel(false);
	if (sigsetjmp(watchdog_jmp, 0) == 0) {
		watchdog_armed = 1;
		arm(timeout_ms);
		cl->run(&c);
	} else {
		/* out of the handler by a jump: SIGALRM is still blocked */
		sigset_t alarm;
		sigemptyset(&alarm);
		sigaddset(&alarm, SIGALRM);
		sigprocmask(SIG_UNBLOCK, &alarm, NULL);
		jumped = true;
	}
	watchdog_armed = 0;
	arm(0);
	clause_allocs_free();
	if (vc_cancelled()) {
		/* what the unwinding clause said about failed accesses is noise */
		r->status = VC_ERROR;
		snprintf(r->message, sizeof(r->message), "clause did not finish within %u ms (--timeout-ms)%s", timeout_ms,
			 jumped ? "; a device access still had not returned after the grace period, and was abandoned" : "");
		r->observed[0] = r->expected[0] = 0;
		vc_cancel(false);
	}
	/* a SHOULD not met, or a sanity check (no spec rule behind it), warns:
	 * neither makes the exit status 1 without --strict */
	if (r->status == VC_FAIL && (vc_keyword_is_should(cl->keyword) || cl->side == VC_SANITY))
		r->status = VC_WARN;
	/* nothing reached the device since the last reset here: it is as that
	 * reset left it (the clause skipped before touching it) */
	if ((cl->needs & NEED_BAR_WRITE) && p->common &&
	    !(vc_has(d, VC_ACTIVITY) && d->activity == d->activity_at_reset && d->resets_lost == resets_lost))
		after_driving(d, p, cl, r, resets_lost);
	if (!was_gone && d->gone[0]) {
		/* the clause during which the device went away carries the cause */
		if (r->status != VC_ERROR)
			r->status = VC_FAIL;
		vc_fail(&c, "the device stopped working: %s; later clauses that need it are BLOCKED", d->gone);
		if (!d->gone_during[0])
			snprintf(d->gone_during, sizeof(d->gone_during), "%s", cl->id);
	} else if (was_gone && r->status == VC_ERROR) {
		/* a config-space clause that still tried the device */
		r->status = VC_BLOCKED;
		snprintf(r->message, sizeof(r->message), "not run: the device stopped working during %s: %s",
			 d->gone_during, d->gone);
	}
	r->duration_us = vc_now_ns() / 1000 - t0;
	r->round_trips = d->round_trips - trips0;
	r->batches = d->batches - batches0;
}
