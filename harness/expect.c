/* Known-failure files (see vc/expect.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vc/expect.h"

static char *trim(char *s)
{
	s += strspn(s, " \t");
	for (size_t end = strlen(s); end && strchr(" \t\r\n", s[end - 1]); end--)
		s[end - 1] = 0;
	return s;
}

/* One line into e: 1 when it holds an expectation, 0 when it is blank or a
 * comment, -EINVAL with a message otherwise. */
static int parse_line(char *line, struct vc_expectation *e, char *err, size_t errlen)
{
	char *hash = strchr(line, '#'), *save = NULL, *word;

	if (hash)
		*hash++ = 0;
	line = trim(line);
	if (!*line)
		return 0;
	if (!hash || !*trim(hash)) {
		snprintf(err, errlen, "no reason: write it after '#' (CLAUSE-GLOB [device=GLOB]  # reason)");
		return -EINVAL;
	}
	snprintf(e->reason, sizeof(e->reason), "%s", trim(hash));
	for (unsigned k = 0; (word = strtok_r(k ? NULL : line, " \t", &save)); k++) {
		if (k == 0 && snprintf(e->clause, sizeof(e->clause), "%s", word) < (int)sizeof(e->clause))
			continue;
		if (k == 1 && !strncmp(word, "device=", 7) && word[7] &&
		    snprintf(e->device, sizeof(e->device), "%s", word + 7) < (int)sizeof(e->device))
			continue;
		snprintf(err, errlen, "'%.80s' is not understood: the form is CLAUSE-GLOB [device=GLOB]  # reason", word);
		return -EINVAL;
	}
	if (!vc_glob_matches_any(e->clause)) {
		snprintf(err, errlen, "no clause matches '%.100s' (a renamed clause? `virtio-conform list` shows the ids)",
			 e->clause);
		return -EINVAL;
	}
	return 1;
}

int vc_expect_load(const char *path, struct vc_expectations *x, char *err, size_t errlen)
{
	char line[1024], why[256];
	FILE *f = fopen(path, "r");
	unsigned lineno = 0;
	int rc = 0;

	memset(x, 0, sizeof(*x));
	snprintf(x->path, sizeof(x->path), "%s", path);
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "cannot read the expectations file %s: %s", path, strerror(errno));
		return rc;
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		struct vc_expectation e = { .line = ++lineno };
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, sizeof(why), "line longer than %zu bytes", sizeof(line) - 2);
			rc = -EINVAL;
		} else if ((rc = parse_line(line, &e, why, sizeof(why))) == 1) {
			struct vc_expectation *more = realloc(x->e, (x->n + 1) * sizeof(*x->e));
			if (!more) {
				rc = -ENOMEM;
				snprintf(why, sizeof(why), "out of memory");
				break;
			}
			x->e = more;
			x->e[x->n++] = e;
			rc = 0;
		}
	}
	if (!rc && ferror(f)) {
		rc = -EIO;
		snprintf(why, sizeof(why), "read error");
	}
	fclose(f);
	if (rc) {
		snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
		vc_expect_free(x);
	}
	return rc;
}

void vc_expect_free(struct vc_expectations *x)
{
	free(x->e);
	x->e = NULL;
	x->n = 0;
}

static bool device_matches(const char *glob, const char *spec)
{
	const char *colon = strchr(spec, ':');

	return !*glob || vc_glob_match(glob, spec) || (colon && vc_glob_match(glob, colon + 1));
}

const struct vc_expectation *vc_expect_find(const struct vc_expectations *x, const char *clause_id,
					    const char *device_spec)
{
	for (unsigned i = 0; x && i < x->n; i++)
		if (vc_glob_match(x->e[i].clause, clause_id) && device_matches(x->e[i].device, device_spec))
			return &x->e[i];
	return NULL;
}

void vc_expect_apply(const struct vc_expectations *x, const char *device_spec, struct vc_result *r, unsigned n)
{
	char msg[sizeof(r->message)];

	for (unsigned i = 0; i < n; i++) {
		const struct vc_expectation *e = vc_expect_find(x, r[i].clause->id, device_spec);
		bool failed = r[i].status == VC_FAIL || r[i].status == VC_WARN;

		if (!e || (!failed && r[i].status != VC_PASS))
			continue;
		if (failed)
			snprintf(msg, sizeof(msg), "expected %s (%.200s, %.160s:%u): %.360s", vc_status_str(r[i].status),
				 e->reason, x->path, e->line, r[i].message);
		else
			snprintf(msg, sizeof(msg), "passed, but %.160s:%u expects it to fail (%.200s): the expectation is stale",
				 x->path, e->line, e->reason);
		memcpy(r[i].message, msg, sizeof(msg));
		r[i].status = failed ? VC_XFAIL : VC_XPASS;
	}
}
