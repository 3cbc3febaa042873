/* The progress line on a terminal while devices run: which device, how many
 * clauses done of how many, the clause running. Standard error only, and
 * only when it is a terminal; the line is erased before anything else is
 * written. */
#ifndef VC_PROGRESS_H
#define VC_PROGRESS_H

#include <stdio.h>
#include "run.h"

struct vc_progress_line {
	FILE *out;
	const char *const *specs;
	unsigned n;
	struct vc_progress *pg;       /* n entries, shared with the processes running them */
	bool ansi;                    /* erase with ESC[K, else with spaces */
	size_t *shown;                /* length of what is on the line: shared too, as
				       * the process that draws may not be the one that erases */
};

/* Set up for n devices on out, when out is a terminal: 0, or -ENOTTY (no
 * progress line then) or another -errno. */
int vc_progress_open(struct vc_progress_line *l, FILE *out, const char *const *specs, unsigned n);
/* Redraw (the run request's show callback). */
void vc_progress_show(void *line);
/* Erase the line and free what open took. */
void vc_progress_close(struct vc_progress_line *l);

#endif
