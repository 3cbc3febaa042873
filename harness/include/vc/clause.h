/* The clause registry: one entry per checkable spec rule, and the context a
 * clause function runs in. */
#ifndef VC_CLAUSE_H
#define VC_CLAUSE_H

#include <stdarg.h>
#include <stdint.h>
#include "device.h"
#include "virtio_pci.h"

enum vc_keyword { VC_MUST, VC_MUST_NOT, VC_SHOULD, VC_SHOULD_NOT, VC_MAY, VC_RECOMMENDED };
/* VC_ROBUSTNESS: not a spec rule but a hostile-driver probe (probe.*): the
 * harness breaks a driver rule on purpose and checks the device stays sane.
 * VC_SANITY: not a spec rule either, but what a device of its type exists
 * for where the spec says nothing (a block device reads back what was
 * written); the harness breaks no rule for it. */
enum vc_side { VC_DEVICE_RULE, VC_DRIVER_RULE, VC_ROBUSTNESS, VC_SANITY };

/* WARN: a SHOULD/SHOULD NOT/RECOMMENDED rule that is not met. XFAIL: a FAIL
 * or WARN an --expect file lists; XPASS: a listed clause that passed.
 * BLOCKED: not run, because the device stopped working earlier in the run
 * (the message says during which clause, and what was seen). */
enum vc_status { VC_PASS, VC_FAIL, VC_WARN, VC_SKIP, VC_ERROR, VC_XFAIL, VC_XPASS, VC_BLOCKED, VC_STATUS_COUNT };

/* What a clause needs beyond config reads (device abilities and facts). */
enum vc_need {
	NEED_CFG_WRITE = VC_CFG_WRITE,
	NEED_BAR_READ = VC_BAR_READ,
	NEED_BAR_WRITE = VC_BAR_WRITE,
	NEED_DMA = VC_DMA,
	NEED_IRQ = VC_IRQ,
	NEED_BAR_SIZES = VC_BAR_SIZES,
	NEED_PEER = VC_PEER,         /* a network link partner: frames injected and captured */
	NEED_EXT_CFG = 1u << 16,     /* the 4096-byte extended config space */
	NEED_COMMON = 1u << 17,      /* a usable common configuration structure */
};

struct vc_ctx;

struct vc_clause {
	const char *id;          /* stable, glob-friendly: "pci.notify.multiplier" */
	const char *label;       /* the spec's normative label */
	enum vc_keyword keyword;
	enum vc_side side;
	const char *since;       /* spec version the rule appeared in */
	unsigned needs;          /* enum vc_need bits */
	const char *covers;      /* catalog ids, space separated */
	const char *summary;     /* the rule, in our words */
	const char *profile;     /* NULL: default; else only with --profile NAME */
	void (*run)(struct vc_ctx *c);
	/* Prerequisites a CI can read up front (`list --format json`), after
	 * `run` so positional tables need not name them: feature bits the
	 * device must offer (VC_REQ(VIRTIO_F_...)), and queues it must have. */
	uint64_t requires_features;
	unsigned min_queues;
	/* A robustness probe: the catalog ids of the driver rules it breaks on
	 * purpose (space separated). A spec verdict never breaks one: NULL. */
	const char *breaks;
	/* The targets known to reach the clause (exercise it rather than SKIP):
	 * device specs, space separated, e.g. "sim:type=23 qemu:virtio-iommu-pci";
	 * NULL: not said (the transport's clauses reach any device). */
	const char *targets;
};
#define VC_REQ(bit) (1ull << (bit))

/* A table of clauses; a device-type suite (device_type != 0) runs only on
 * a device of that virtio type, and is left out of other devices' runs. */
struct vc_suite {
	const char *name;
	const struct vc_clause *clauses;
	unsigned n;
	unsigned device_type;
};
#define VC_SUITE(name_, table_) \
	const struct vc_suite name_ = { #name_, table_, sizeof(table_) / sizeof(table_[0]), 0 }
#define VC_DEVICE_SUITE(name_, table_, type_) \
	const struct vc_suite name_ = { #name_, table_, sizeof(table_) / sizeof(table_[0]), type_ }

extern const struct vc_suite *const vc_suites[];

struct vc_result {
	const struct vc_clause *clause;
	enum vc_status status;
	char message[768];
	char observed[160];
	char expected[160];
	/* "Would Linux bind?": what Linux's virtio_pci_modern probe would say
	 * about the structure this clause checks ("" when it has nothing to say) */
	char linux_note[256];
	uint64_t duration_us;
	uint64_t round_trips;         /* backend round trips (qemu: qtest commands) */
	uint64_t batches;             /* qemu: times the harness sent commands and then waited */
	char severity[8];             /* a robustness finding's (vc_severity); "" for none */
};

struct vc_trace;
struct vc_driver;

struct vc_ctx {
	struct vc_device *dev;
	struct vc_probe *probe;
	struct vc_result *r;
	struct vc_trace *trace;      /* NULL: doorbells are not recorded */
};

/* Verdicts from inside a clause. The first call that lowers the verdict
 * wins; messages accumulate. */
void vc_fail(struct vc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vc_skip(struct vc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vc_error(struct vc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vc_note(struct vc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vc_observed(struct vc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vc_expected(struct vc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A robustness probe's finding, worst first: "crash" (the process hosting
 * the device died), "hang" (the device stopped answering or a reset never
 * completes), "memory" (a write outside the buffers it was given), "dos" (a
 * queue or the whole device stopped serving), "minor" (anything else). The
 * worst one given stays. */
void vc_severity(struct vc_ctx *c, const char *severity);
/* Memory for the clause's own use, zeroed, NULL (and an ERROR verdict) when
 * there is none. The runner frees what is left of it when the clause ends,
 * also when the watchdog abandons the clause inside a device access (where
 * a plain malloc would leak); vc_clause_free gives it back earlier. */
void *vc_clause_alloc(struct vc_ctx *c, size_t len);
void vc_clause_free(void *p);
/* Register access that turns a backend error into an ERROR verdict: returns
 * false when the clause should stop. */
bool vc_ctx_common_read(struct vc_ctx *c, unsigned field, unsigned width, uint64_t *val);
bool vc_ctx_common_write(struct vc_ctx *c, unsigned field, unsigned width, uint64_t val);
bool vc_ctx_struct_read(struct vc_ctx *c, const struct vc_vcap *cap, uint64_t off, unsigned width, uint64_t *val);
/* False after a SKIP when the structure lies outside its BAR (that is
 * pci.caps.structure-in-bar's verdict). */
bool vc_ctx_struct_reachable(struct vc_ctx *c, const struct vc_vcap *cap);
bool vc_ctx_cfg_read(struct vc_ctx *c, uint16_t off, unsigned width, uint32_t *val);
bool vc_ctx_cfg_write(struct vc_ctx *c, uint16_t off, unsigned width, uint32_t val);

/* A driver session for this clause (doorbells go to the run's trace). */
void vc_ctx_driver(struct vc_ctx *c, struct vc_driver *drv);
/* Reset and negotiate `want` (NULL: VERSION_1 only). On failure the clause
 * gets a SKIP that names the cause (a reset that never completes or refused
 * features are the reset and feature clauses' verdicts, not this one's) or
 * an ERROR for a broken backend; returns false then. */
bool vc_ctx_start(struct vc_ctx *c, struct vc_driver *drv, const uint32_t *want);

/* Registry and selection */
const char *vc_keyword_str(enum vc_keyword k);
const char *vc_status_str(enum vc_status s);
const char *vc_side_str(enum vc_side s);
bool vc_keyword_is_should(enum vc_keyword k);

struct vc_selection {
	const char **include; unsigned ninclude;   /* empty: everything */
	const char **exclude; unsigned nexclude;
	const char *profile;                       /* NULL: default clauses; else profile names, comma-separated */
};
/* Is NAME one of the comma-separated profiles in LIST? */
bool vc_profile_listed(const char *list, const char *name);
/* Glob match with '*', '?' and '[...]' (fnmatch semantics, no path rules). */
bool vc_glob_match(const char *pattern, const char *id);
bool vc_clause_selected(const struct vc_clause *cl, const struct vc_selection *sel);
/* Does any clause match this glob? (an unknown clause glob is a usage error) */
bool vc_glob_matches_any(const char *pattern);
const struct vc_clause *vc_clause_find(const char *id);
/* The virtio device type a clause is about (its suite's), 0 for any. */
unsigned vc_clause_device_type(const struct vc_clause *cl);
unsigned vc_clause_count(void);
/* Iterate over all clauses in registry order. */
const struct vc_clause *vc_clause_at(unsigned i);

/* The run's --profile (NULL: none): driver sessions follow it (the
 * draft-notify-cap-data profile makes the doorbell use the draft's notify_data). */
void vc_run_profile(const char *profile);
#define VC_PROFILE_DRAFT_NOTIFY "draft-notify-cap-data"

/* Run one clause (needs checked, watchdog armed) into *r. A clause that
 * drove the device leaves it reset; when that reset does not complete, the
 * backend is gone, or (after a failure) the device no longer uses a request
 * on a fresh start, d->gone says so and the clause's result names it. Once
 * d->gone is set, a clause that needs more than config space is BLOCKED. */
void vc_run_clause(const struct vc_clause *cl, struct vc_device *d, struct vc_probe *p,
		   unsigned timeout_ms, struct vc_trace *trace, struct vc_result *r);
/* Why a clause cannot run on this device (NULL: it can). */
const char *vc_unmet_need(const struct vc_clause *cl, const struct vc_device *d, const struct vc_probe *p);

#endif
