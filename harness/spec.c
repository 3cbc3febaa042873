/* The spec data the tool carries: where it is, the catalogs (CSV, one rule a
 * row), and which section a clause belongs to. The LaTeX side (headings,
 * section numbers, the spec's sentences) is in latex.c. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vc/spec.h"

#ifndef VC_SPEC_INSTALL_DIR
#define VC_SPEC_INSTALL_DIR "/usr/share/virtio-conform/spec"
#endif

static const char *const catalogs[] = { "catalog.csv", "catalog-devices.csv" };

static bool has_catalog(const char *dir)
{
	char path[2 * PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, catalogs[0]);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *vc_spec_dir(void)
{
	static char found[PATH_MAX];
	static bool looked;
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	const char *env = getenv("VC_SPEC_DIR");
	ssize_t n;

	if (looked)
		return found[0] ? found : NULL;
	looked = true;
	if (env && *env) {      /* named by the user: that one or none */
		if (has_catalog(env))
			snprintf(found, sizeof(found), "%s", env);
		return found[0] ? found : NULL;
	}
	/* relocatable: an installed tree moved elsewhere (dpkg -x into a root) */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(cand, sizeof(cand), "%s/../share/virtio-conform/spec", exe);
			if (has_catalog(cand) && realpath(cand, found))
				return found;
		}
	}
	if (has_catalog(VC_SPEC_INSTALL_DIR)) {
		snprintf(found, sizeof(found), "%s", VC_SPEC_INSTALL_DIR);
		return found;
	}
#ifdef VC_SPEC_SOURCE_DIR
	if (has_catalog(VC_SPEC_SOURCE_DIR)) {
		snprintf(found, sizeof(found), "%s", VC_SPEC_SOURCE_DIR);
		return found;
	}
#endif
	return NULL;
}

/* The catalogs, parsed in place. */
static struct {
	bool tried;
	int rc;
	char err[512];
	char *text[2];
	struct vc_rule *rules;
	unsigned n, cap;
} cat;

/* The next CSV field at *p (quotes and doubled quotes undone in place);
 * *end_of_row tells whether it ended its row. NULL at the end of the text. */
static char *csv_field(char **p, bool *end_of_row)
{
	char *s = *p, *out, *start;

	if (!*s)
		return NULL;
	if (*s != '"') {
		start = s;
		s += strcspn(s, ",\r\n");
	} else {
		start = out = ++s;
		for (;;) {
			if (!*s)
				break;
			if (*s == '"' && s[1] == '"') {
				*out++ = '"';
				s += 2;
			} else if (*s == '"') {
				s++;
				break;
			} else {
				*out++ = *s++;
			}
		}
		*out = 0;
		s += strcspn(s, ",\r\n");      /* anything after the closing quote: ignored */
	}
	*end_of_row = *s != ',';
	if (*s == '\r')
		*s++ = 0;
	if (*s)
		*s++ = 0;
	*p = s;
	return start;
}

static int load_catalog(const char *dir, const char *name, char **textp)
{
	enum { ID, LABEL, SECTION, SIDE, KEYWORD, TEXT, TESTABILITY, CONDITION, SOURCE, HOW, NCOLS };
	static const char *const want[NCOLS] = { "id", "label", "section", "side", "keyword", "text",
						 "testability", "condition", "source", "how_to_check" };
	int col[NCOLS], ncol = 0;
	char path[2 * PATH_MAX], *text, *p, *f;
	FILE *in;
	long size;
	bool eor = false;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(in = fopen(path, "r")) || fseek(in, 0, SEEK_END) || (size = ftell(in)) < 0 || fseek(in, 0, SEEK_SET)) {
		snprintf(cat.err, sizeof(cat.err), "cannot read the spec catalog %.400s: %s", path, strerror(errno));
		if (in)
			fclose(in);
		return -errno;
	}
	if (!(text = *textp = malloc((size_t)size + 1))) {
		fclose(in);
		return -ENOMEM;
	}
	text[fread(text, 1, (size_t)size, in)] = 0;
	fclose(in);
	for (unsigned c = 0; c < NCOLS; c++)
		col[c] = -1;
	for (p = text; !eor && (f = csv_field(&p, &eor)); ncol++)
		for (unsigned c = 0; c < NCOLS; c++)
			if (!strcmp(f, want[c]))
				col[c] = ncol;
	for (unsigned c = 0; c < NCOLS; c++)
		if (col[c] < 0) {
			snprintf(cat.err, sizeof(cat.err), "the spec catalog %.400s has no column '%s'", path, want[c]);
			return -EINVAL;
		}
	while (*p) {
		const char *fields[64] = { 0 };
		int k = 0;
		eor = false;
		while (!eor && (f = csv_field(&p, &eor)))
			if (k < 64)
				fields[k++] = f;
		if (k < 2 || !fields[0] || !*fields[0])
			continue;
		if (cat.n == cat.cap) {
			unsigned cap = cat.cap ? 2 * cat.cap : 2048;
			struct vc_rule *r = realloc(cat.rules, cap * sizeof(*r));
			if (!r)
				return -ENOMEM;
			cat.rules = r;
			cat.cap = cap;
		}
		const char *v[NCOLS];
		for (unsigned c = 0; c < NCOLS; c++)
			v[c] = col[c] < k && fields[col[c]] ? fields[col[c]] : "";
		cat.rules[cat.n++] = (struct vc_rule){ v[ID], v[LABEL], v[SECTION], v[SIDE], v[KEYWORD], v[TEXT],
						       v[TESTABILITY], v[CONDITION], v[SOURCE], v[HOW] };
	}
	return 0;
}

static void unload(void)
{
	free(cat.text[0]);
	free(cat.text[1]);
	free(cat.rules);
	memset(&cat, 0, sizeof(cat));
	cat.tried = true;          /* exiting: no second load */
}

int vc_spec_load(char *err, size_t len)
{
	const char *dir;

	if (!cat.tried) {
		cat.tried = true;
		atexit(unload);
		if (!(dir = vc_spec_dir())) {
			cat.rc = -ENOENT;
			snprintf(cat.err, sizeof(cat.err), "the spec data is not installed: no catalog.csv in %s%s%s",
				 getenv("VC_SPEC_DIR") && *getenv("VC_SPEC_DIR") ? "VC_SPEC_DIR=" : "",
				 getenv("VC_SPEC_DIR") && *getenv("VC_SPEC_DIR") ? getenv("VC_SPEC_DIR")
										  : "BIN/../share/virtio-conform/spec or "
										    VC_SPEC_INSTALL_DIR,
				 " (set VC_SPEC_DIR to the folder that holds it)");
		}
		for (unsigned i = 0; dir && i < 2 && !cat.rc; i++)
			cat.rc = load_catalog(dir, catalogs[i], &cat.text[i]);
		if (cat.rc)
			cat.n = 0;
	}
	if (cat.rc && err)
		snprintf(err, len, "%s", cat.err[0] ? cat.err : strerror(-cat.rc));
	return cat.rc;
}

unsigned vc_spec_rule_count(void)
{
	return vc_spec_load(NULL, 0) ? 0 : cat.n;
}

const struct vc_rule *vc_spec_rule_at(unsigned i)
{
	return i < vc_spec_rule_count() ? &cat.rules[i] : NULL;
}

const struct vc_rule *vc_spec_rule(const char *id)
{
	for (unsigned i = 0; id && i < vc_spec_rule_count(); i++)
		if (!strcasecmp(cat.rules[i].id, id))
			return &cat.rules[i];
	return NULL;
}

/* The first word of a space-separated list into buf. */
static const char *next_word(const char *s, char *buf, size_t len)
{
	size_t n;

	s += strspn(s, " \t");
	n = strcspn(s, " \t");
	if (!n)
		return NULL;
	snprintf(buf, len, "%.*s", (int)n, s);
	return s + n;
}

const char *vc_clause_section(const struct vc_clause *cl)
{
	const struct vc_rule *first = NULL;
	const char *p = cl->covers;
	char id[64];

	while (p && (p = next_word(p, id, sizeof(id)))) {
		const struct vc_rule *r = vc_spec_rule(id);
		if (r && cl->label && !strcmp(r->label, cl->label))
			return r->section;
		if (r && !first)
			first = r;
	}
	if (first)
		return first->section;
	if (!cl->label)
		return NULL;
	if (cl->side != VC_ROBUSTNESS) {
		char ref[512];
		snprintf(ref, sizeof(ref), "%snormative:%s", cl->side == VC_DRIVER_RULE ? "driver" : "device", cl->label);
		if (vc_spec_ref(ref))
			return vc_spec_ref(ref);
	}
	return vc_spec_label_section(cl->label);
}

/* Numbers compare as numbers, part by part; a prefix comes first. */
int vc_section_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	while (*a || *b) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

		if (ea == a || eb == b)       /* not a number: as text */
			return strcmp(a, b);
		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (!*a || !*b)
			return !*b - !*a;
	}
	return 0;
}
