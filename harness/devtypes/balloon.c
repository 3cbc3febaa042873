/* The balloon's driver side (vc/devtypes/balloon.h). */
#include <stdio.h>
#include <string.h>
#include "vc/devtypes/balloon.h"

bool vc_balloon_stat_find(const char *answer, unsigned tag, uint64_t *val)
{
	for (const char *p = answer; p && *p;) {
		unsigned t;
		unsigned long long v;
		if (sscanf(p, "%u=%llu", &t, &v) == 2 && t == tag) {
			*val = v;
			return true;
		}
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	return false;
}
