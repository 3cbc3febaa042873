/* The VIRTIO specification the tool carries (spec/, installed with it): the
 * project's catalogs of rules (one row per spec sentence, ids such as
 * PCI-COMMON-DEV-6) and the OASIS LaTeX they were taken from. Section
 * numbers are computed from the LaTeX (its headings replayed as LaTeX counts
 * them), so any label a clause cites gets its number without a hand-written
 * table. */
#ifndef VC_SPEC_H
#define VC_SPEC_H

#include <stddef.h>
#include "clause.h"

/* One catalog row. */
struct vc_rule {
	const char *id;          /* PCI-COMMON-DEV-6 */
	const char *label;       /* the normative block's label, as the spec spells it */
	const char *section;     /* the block's section number: 4.1.4.3.1 */
	const char *side;        /* device, driver, both */
	const char *keyword;     /* MUST, SHOULD NOT, ... */
	const char *text;        /* the catalog's paraphrase */
	const char *testability; /* static, dynamic, dynamic-host, driver-side, untestable */
	const char *condition;   /* what the rule depends on ("" none) */
	const char *source;      /* file:line of the sentence in the LaTeX */
	const char *how;         /* how to check it */
};

/* Where the spec data is: $VC_SPEC_DIR when set, else next to the binary
 * (BIN/../share/virtio-conform/spec), else the install directory compiled
 * in, else the source tree the binary was built from. NULL: none found. */
const char *vc_spec_dir(void);
/* Load the catalogs (once). 0, or -errno with a one-line message in err. */
int vc_spec_load(char *err, size_t len);
unsigned vc_spec_rule_count(void);
const struct vc_rule *vc_spec_rule_at(unsigned i);
/* By id, case-insensitive; NULL when unknown (or the data is missing). */
const struct vc_rule *vc_spec_rule(const char *id);

/* Load the catalogs and read the LaTeX now rather than at the first use (a
 * run does it while its devices run); a failure shows at that use. */
void vc_spec_preload(void);

/* From the LaTeX (read once, on first use). */
/* The section number of the heading a \label names (sec:..., or a
 * normative block's devicenormative:/drivernormative: label), NULL unknown. */
const char *vc_spec_ref(const char *latex_label);
/* A spec label's own section: the heading labelled sec:LABEL (compared
 * without case: the normative labels and the section labels differ in
 * case in places), else its normative block's. NULL: not a spec label. */
const char *vc_spec_label_section(const char *label);
/* The title of that heading ("Notification capability"), NULL unknown. */
const char *vc_spec_label_title(const char *label);
/* The number of the section in force at FILE:LINE (FILE relative to the
 * spec directory, as in the catalogs' source column). NULL unknown. */
const char *vc_spec_section_at(const char *file, unsigned line);

/* A clause's section: the block of the rule it covers that has the
 * clause's own label (else of its first covered rule), else the normative
 * block its label names for its side, else the label's own section. NULL:
 * the label is not the spec's (robustness probes, a draft). */
const char *vc_clause_section(const struct vc_clause *cl);

/* The sentence the spec words a rule with, from the LaTeX at its source
 * line, markup removed (references as the section numbers they print).
 * 0, or -errno (-ENOENT: the LaTeX file is not there). */
int vc_spec_words(const struct vc_rule *r, char *buf, size_t len);

/* Dotted section numbers in document order ("2.10" after "2.9"); NULL last. */
int vc_section_cmp(const char *a, const char *b);

#endif
