/* Known-failure files (--expect FILE): clauses a device is known to fail,
 * each with its reason. A listed FAIL or WARN becomes XFAIL, a listed
 * clause that passes becomes XPASS, so CI goes red only for new failures.
 *
 * One expectation a line:  CLAUSE-GLOB [device=SPEC-GLOB]  # reason
 * The device glob matches the --device spec whole ("qemu:virtio-blk-pci")
 * or without its backend prefix ("virtio-blk-pci*"); no device= matches
 * every device. Blank lines and lines that are only a comment are skipped. */
#ifndef VC_EXPECT_H
#define VC_EXPECT_H

#include <stddef.h>
#include "clause.h"

struct vc_expectation {
	char clause[128];
	char device[256];        /* "": every device */
	char reason[256];
	unsigned line;
};

struct vc_expectations {
	char path[256];
	struct vc_expectation *e;
	unsigned n;
};

/* Read FILE. -EINVAL with a message naming the line for a malformed line,
 * a missing reason or a clause glob no clause matches; -errno when the
 * file cannot be read. */
int vc_expect_load(const char *path, struct vc_expectations *x, char *err, size_t errlen);
void vc_expect_free(struct vc_expectations *x);
/* The first expectation for this clause on this device, or NULL. */
const struct vc_expectation *vc_expect_find(const struct vc_expectations *x, const char *clause_id,
					    const char *device_spec);
/* Turn the device's results into XFAIL/XPASS where an expectation lists
 * them; the reason goes into the message. ERROR and SKIP stay as they are. */
void vc_expect_apply(const struct vc_expectations *x, const char *device_spec, struct vc_result *r, unsigned n);

#endif
