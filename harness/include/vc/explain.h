/* `virtio-conform explain ID`. */
#ifndef VC_EXPLAIN_H
#define VC_EXPLAIN_H

#include <stdio.h>
#include "clause.h"

/* Print what ID is: a catalog id (PCI-COMMON-DEV-6, any case) or a clause
 * id. 0; -EINVAL (a usage error) when it is neither, with a message in err;
 * another -errno when the spec data cannot be read. */
int vc_explain(FILE *out, const char *id, char *err, size_t len);

#endif
