/* The spec's LaTeX, read the way LaTeX numbers it: content.tex and the files
 * it inputs, then conformance.tex, with the sectioning counters replayed
 * (secnumdepth 5, as the spec sets it; chapter 1 is the introduction, not
 * carried), so every \label gets the number a \ref to it prints. And a
 * rule's sentence, taken from its source line with the markup removed. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "vc/spec.h"

#define SEC_LEN 32
#define LEVELS 6

struct head { unsigned line; char sec[SEC_LEN]; };

struct texfile {
	char *name;
	char *text;          /* comments blanked, lines kept */
	size_t len;
	struct head *heads;  /* the section in force from each line on */
	unsigned nheads, cap;
	size_t *line;        /* where each line starts */
	unsigned nlines;
};

struct label { char *name, *title; char sec[SEC_LEN]; };

static struct {
	bool done;
	struct texfile *files;
	unsigned nfiles;
	struct label *labels;
	unsigned nlabels, cap;
	unsigned c[LEVELS];
	char sec[SEC_LEN];
	char *title;
} tex;

static const char *const level_names[LEVELS] = { "chapter", "section", "subsection", "subsubsection", "paragraph",
						 "subparagraph" };

static void *grow(void *p, unsigned n, unsigned *cap, size_t size)
{
	if (n < *cap)
		return p;
	unsigned c = *cap ? 2 * *cap : 64;
	void *q = realloc(p, c * size);
	if (q)
		*cap = c;
	return q;
}

/* A character string into buf with the markup of the spec removed. */
static size_t clean(const char *s, size_t n, char *buf, size_t len);

/* The braced argument at *p (after spaces; an optional [..] before it
 * skipped), its text without the braces; p moves past it, *line counts the
 * newlines crossed. NULL when there is none. */
static const char *argument(const char **p, const char *end, size_t *n, unsigned *line)
{
	const char *s = *p;
	int depth = 0;

	for (;;) {
		while (s < end && isspace((unsigned char)*s))
			*line += *s++ == '\n';
		if (s < end && *s == '[') {          /* optional argument */
			while (s < end && *s != ']')
				*line += *s++ == '\n';
			s += s < end;
			continue;
		}
		break;
	}
	if (s >= end || *s != '{')
		return NULL;
	const char *start = ++s;
	for (; s < end; s++) {
		if (*s == '\\' && s + 1 < end) {
			*line += s[1] == '\n';
			s++;
		} else if (*s == '{') {
			depth++;
		} else if (*s == '}' && depth-- == 0) {
			break;
		} else if (*s == '\n') {
			(*line)++;
		}
	}
	*n = (size_t)(s - start);
	*p = s < end ? s + 1 : s;
	return start;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static void add_head(struct texfile *f, unsigned line)
{
	struct head *h = grow(f->heads, f->nheads, &f->cap, sizeof(*h));
	if (!h)
		return;
	f->heads = h;
	h[f->nheads].line = line;
	snprintf(h[f->nheads++].sec, SEC_LEN, "%s", tex.sec);
}

static void add_label(const char *name, size_t n)
{
	struct label *l = grow(tex.labels, tex.nlabels, &tex.cap, sizeof(*l));
	if (!l)
		return;
	tex.labels = l;
	/* a label broken over lines reads as one with spaces, as LaTeX reads it */
	char *flat = dup_n(name, n), *to = flat;
	for (const char *from = flat; flat && *from; from++)
		if (!isspace((unsigned char)*from))
			*to++ = *from;
		else if (to > flat && to[-1] != ' ')
			*to++ = ' ';
	if (flat)
		*to = 0;
	l[tex.nlabels] = (struct label){ flat, tex.title ? strdup(tex.title) : NULL, "" };
	snprintf(l[tex.nlabels++].sec, SEC_LEN, "%s", tex.sec);
}

/* A numbered heading at this level (0: chapter); title is raw LaTeX. */
static void heading(struct texfile *f, unsigned level, unsigned line, const char *prefix, const char *title, size_t n)
{
	char t[512];
	size_t used = 0;

	snprintf(t, sizeof(t), "%s", prefix);
	tex.c[level]++;
	for (unsigned l = level + 1; l < LEVELS; l++)
		tex.c[l] = 0;
	used = 0;
	for (unsigned l = 0; l <= level && used < SEC_LEN; l++)
		used += (size_t)snprintf(tex.sec + used, SEC_LEN - used, "%s%u", l ? "." : "", tex.c[l]);
	used = strlen(t);
	clean(title, n, t + used, sizeof(t) - used);
	free(tex.title);
	tex.title = strdup(t);
	add_head(f, line);
}

static int level_of(const char *name, size_t n)
{
	for (unsigned l = 0; l < LEVELS; l++)
		if (strlen(level_names[l]) == n && !strncmp(level_names[l], name, n))
			return (int)l;
	return -1;
}

static void parse_file(const char *name, unsigned depth);

static void scan(struct texfile *f, unsigned depth)
{
	const char *s = f->text, *end = f->text + f->len;
	unsigned line = 1;

	while (s < end) {
		if (*s == '\n')
			line++;
		if (*s++ != '\\')
			continue;
		const char *cmd = s;
		while (s < end && isalpha((unsigned char)*s))
			s++;
		size_t cn = (size_t)(s - cmd), an = 0;
		unsigned at = line;
		const char *a;
		int level;

		if (!cn) {               /* \\, \%, \_: one character */
			s += s < end && *s != '\n';
			continue;
		}
		if ((level = level_of(cmd, cn)) >= 0) {
			bool starred = s < end && *s == '*';
			s += starred;
			if ((a = argument(&s, end, &an, &line)) && !starred)
				heading(f, (unsigned)level, at, "", a, an);
		} else if (cn == 15 && (!strncmp(cmd, "devicenormative", 15) || !strncmp(cmd, "drivernormative", 15))) {
			/* \devicenormative{\LEVEL}{Title}{LABEL}: "Device Requirements: Title" */
			bool device = cmd[1] == 'e';
			size_t tn = 0, ln = 0;
			const char *lv = argument(&s, end, &an, &line), *t = lv ? argument(&s, end, &tn, &line) : NULL;
			const char *lb = t ? argument(&s, end, &ln, &line) : NULL;
			if (!lb || an < 2 || (level = level_of(lv + 1, an - 1)) < 0)
				continue;
			heading(f, (unsigned)level, at, device ? "Device Requirements: " : "Driver Requirements: ", t, tn);
			char full[1024];
			int k = snprintf(full, sizeof(full), "%snormative:%.*s", device ? "device" : "driver", (int)ln, lb);
			add_label(full, k < (int)sizeof(full) ? (size_t)k : sizeof(full) - 1);
		} else if (cn == 11 && !strncmp(cmd, "conformance", 11)) {
			size_t tn = 0;
			const char *lv = argument(&s, end, &an, &line), *t = lv ? argument(&s, end, &tn, &line) : NULL;
			if (t && an > 1 && (level = level_of(lv + 1, an - 1)) >= 0)
				heading(f, (unsigned)level, at, "", t, tn);
		} else if (cn == 5 && !strncmp(cmd, "label", 5)) {
			if ((a = argument(&s, end, &an, &line)))
				add_label(a, an);
		} else if (cn == 5 && !strncmp(cmd, "input", 5)) {
			if ((a = argument(&s, end, &an, &line)) && an < 256 && depth < 8) {
				char child[300];
				snprintf(child, sizeof(child), "%.*s%s", (int)an, a,
					 memchr(a, '.', an) ? "" : ".tex");
				size_t self = (size_t)(f - tex.files);
				parse_file(child, depth + 1);
				f = &tex.files[self];       /* the array may have moved */
				end = f->text + f->len;
				add_head(f, line);          /* what the input left in force */
			}
		} else if (cn == 5 && !strncmp(cmd, "begin", 5)) {
			/* listings hold C, not LaTeX */
			if ((a = argument(&s, end, &an, &line)) && an == 10 && !strncmp(a, "lstlisting", 10)) {
				const char *stop = strstr(s, "\\end{lstlisting}");
				for (stop = stop ? stop : end; s < stop; s++)
					line += *s == '\n';
			}
		}
	}
}

static void parse_file(const char *name, unsigned depth)
{
	char path[2 * PATH_MAX];
	struct texfile *files, *f;
	FILE *in;
	long size;

	snprintf(path, sizeof(path), "%s/%s", vc_spec_dir(), name);
	if (!(in = fopen(path, "r")))
		return;                 /* a file the tool does not carry (the MMIO transport...) */
	if (fseek(in, 0, SEEK_END) || (size = ftell(in)) < 0 || fseek(in, 0, SEEK_SET) ||
	    !(files = realloc(tex.files, (tex.nfiles + 1) * sizeof(*files)))) {
		fclose(in);
		return;
	}
	tex.files = files;
	f = &files[tex.nfiles];
	*f = (struct texfile){ strdup(name), malloc((size_t)size + 1), 0, NULL, 0, 0, NULL, 0 };
	if (!f->name || !f->text) {
		fclose(in);
		return;
	}
	f->len = fread(f->text, 1, (size_t)size, in);
	f->text[f->len] = 0;
	fclose(in);
	/* comments out, newlines kept, so line numbers stay the file's */
	for (char *p = f->text; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '%') {
			while (*p && *p != '\n')
				*p++ = ' ';
			if (!*p)
				break;
		}
	}
	tex.nfiles++;
	for (size_t i = 0; i <= f->len; i++)
		f->nlines += i == f->len || f->text[i] == '\n';
	if ((f->line = malloc((f->nlines + 1) * sizeof(*f->line)))) {
		unsigned k = 0;
		f->line[k++] = 0;
		for (size_t i = 0; i < f->len && k <= f->nlines; i++)
			if (f->text[i] == '\n')
				f->line[k++] = i + 1;
	}
	add_head(f, 0);
	scan(f, depth);
}

static void unload(void)
{
	for (unsigned i = 0; i < tex.nfiles; i++) {
		free(tex.files[i].name);
		free(tex.files[i].text);
		free(tex.files[i].heads);
		free(tex.files[i].line);
	}
	for (unsigned i = 0; i < tex.nlabels; i++) {
		free(tex.labels[i].name);
		free(tex.labels[i].title);
	}
	free(tex.files);
	free(tex.labels);
	free(tex.title);
	memset(&tex, 0, sizeof(tex));
	tex.done = true;
}

static void load(void)
{
	if (tex.done)
		return;
	tex.done = true;
	atexit(unload);
	if (!vc_spec_dir())
		return;
	tex.c[0] = 1;               /* chapter 1, the introduction, is not carried */
	parse_file("content.tex", 0);
	parse_file("conformance.tex", 0);
}

void vc_spec_preload(void)
{
	vc_spec_load(NULL, 0);
	load();
}

static const struct label *find_label(const char *name, bool anycase)
{
	load();
	for (unsigned i = 0; name && i < tex.nlabels; i++)
		if (anycase ? !strcasecmp(tex.labels[i].name, name) : !strcmp(tex.labels[i].name, name))
			return &tex.labels[i];
	return NULL;
}

const char *vc_spec_ref(const char *latex_label)
{
	const struct label *l = find_label(latex_label, false);
	return l ? l->sec : NULL;
}

static const struct label *spec_label(const char *label)
{
	char name[1024];
	const struct label *l;

	snprintf(name, sizeof(name), "sec:%s", label);
	if ((l = find_label(name, false)) || (l = find_label(name, true)))
		return l;
	snprintf(name, sizeof(name), "devicenormative:%s", label);
	if ((l = find_label(name, false)))
		return l;
	snprintf(name, sizeof(name), "drivernormative:%s", label);
	return find_label(name, false);
}

const char *vc_spec_label_section(const char *label)
{
	const struct label *l = label ? spec_label(label) : NULL;
	return l ? l->sec : NULL;
}

const char *vc_spec_label_title(const char *label)
{
	const struct label *l = label ? spec_label(label) : NULL;
	return l ? l->title : NULL;
}

static const struct texfile *find_file(const char *name)
{
	load();
	for (unsigned i = 0; i < tex.nfiles; i++)
		if (!strcmp(tex.files[i].name, name))
			return &tex.files[i];
	return NULL;
}

const char *vc_spec_section_at(const char *file, unsigned line)
{
	const struct texfile *f = find_file(file);
	const char *sec = NULL;

	for (unsigned i = 0; f && i < f->nheads && f->heads[i].line <= line; i++)
		sec = f->heads[i].sec;
	return sec && *sec ? sec : NULL;
}

/* Markup out: commands that only format keep their text, references print
 * the numbers the spec prints, the rest goes. */
static size_t clean(const char *s, size_t n, char *buf, size_t len)
{
	static const struct { const char *cmd, *text; } symbols[] = {
		{ "le", "<=" }, { "leq", "<=" }, { "ge", ">=" }, { "geq", ">=" }, { "ne", "!=" }, { "neq", "!=" },
		{ "times", "x" }, { "ldots", "..." }, { "dots", "..." }, { "cdot", "*" }, { "lt", "<" }, { "gt", ">" },
		{ "item", "" }, { "newline", " " }, { "linebreak", " " }, { "hfill", " " },
	};
	const char *end = s + n;
	size_t used = 0;
	unsigned line = 0;
	bool space = true;

#define PUT(c)                                                                  \
	do {                                                                    \
		char c_ = (c);                                                  \
		if (isspace((unsigned char)c_)) {                               \
			if (space)                                              \
				break;                                          \
			c_ = ' ';                                               \
			space = true;                                           \
		} else {                                                        \
			space = false;                                          \
		}                                                               \
		if (used + 1 < len)                                             \
			buf[used++] = c_;                                       \
	} while (0)

	while (s < end) {
		char c = *s++;
		if (c == '\\' && s < end && !isalpha((unsigned char)*s)) {
			char e = *s++;
			PUT(strchr("_&%#${}", e) ? e : ' ');
		} else if (c == '\\') {
			const char *cmd = s;
			while (s < end && isalpha((unsigned char)*s))
				s++;
			size_t cn = (size_t)(s - cmd), an = 0;
			const char *a, *sym = NULL;
			for (unsigned i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
				if (strlen(symbols[i].cmd) == cn && !strncmp(symbols[i].cmd, cmd, cn))
					sym = symbols[i].text;
			if (sym) {
				/* \item[Term] reads "Term:" */
				const char *close = cn == 4 && !strncmp(cmd, "item", 4) && s < end && *s == '[' ?
							    memchr(s, ']', (size_t)(end - s)) : NULL;
				if (close) {
					used += clean(s + 1, (size_t)(close - s - 1), buf + used, len - used);
					space = false;
					s = close + 1;
					PUT(':');
				}
				for (; *sym; sym++)
					PUT(*sym);
				continue;
			}
			const char *save = s;
			if (!(a = argument(&s, end, &an, &line))) {
				s = save;          /* a command without argument: gone */
				continue;
			}
			char name[600];
			snprintf(name, sizeof(name), "%.*s", (int)(an < 590 ? an : 590), a);
			if ((cn == 3 && !strncmp(cmd, "ref", 3)) || (cn == 7 && !strncmp(cmd, "nameref", 7))) {
				const struct label *l = find_label(name, false);
				const char *t = l ? (*cmd == 'r' ? l->sec : l->title) : strrchr(name, '/');
				t = t ? t + (*t == '/') : name;
				while (*t == ' ')
					t++;
				for (; *t; t++)
					PUT(*t);
			} else if ((cn == 5 && (!strncmp(cmd, "label", 5) || !strncmp(cmd, "begin", 5) ||
						!strncmp(cmd, "index", 5))) || (cn == 3 && !strncmp(cmd, "end", 3))) {
				continue;
			} else {
				if (used < len)
					used += clean(a, an, buf + used, len - used);
				space = used == 0 || buf[used - 1] == ' ';
			}
		} else if (c == '~') {
			PUT(' ');
		} else if (c == '{' || c == '}' || c == '$') {
			continue;
		} else if ((c == '`' || c == '\'') && s < end && *s == c) {
			s++;
			PUT('"');
		} else {
			PUT(c);
		}
	}
#undef PUT
	while (used && buf[used - 1] == ' ')
		used--;
	if (len)
		buf[used < len ? used : len - 1] = 0;
	return used;
}

/* A line that starts or ends a paragraph for sentence purposes. */
static bool boundary(const char *l, size_t n)
{
	static const char *const starts[] = { "\\begin", "\\end", "\\section", "\\subsection", "\\subsubsection",
					      "\\paragraph", "\\subparagraph", "\\devicenormative",
					      "\\drivernormative", "\\label", "\\chapter", "\\input" };
	while (n && isspace((unsigned char)*l))
		l++, n--;
	if (!n)
		return true;
	for (unsigned i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (n >= strlen(starts[i]) && !strncmp(l, starts[i], strlen(starts[i])))
			return true;
	return false;
}

static bool item_line(const char *l, size_t n)
{
	while (n && isspace((unsigned char)*l))
		l++, n--;
	return n >= 5 && !strncmp(l, "\\item", 5);
}

static bool abbreviation(const char *text, size_t dot)
{
	static const char *const abbrevs[] = { "e.g", "i.e", "etc", "vs", "cf", "resp", "approx", "Fig" };
	size_t start = dot;

	while (start && (isalpha((unsigned char)text[start - 1]) || text[start - 1] == '.'))
		start--;
	for (unsigned i = 0; i < sizeof(abbrevs) / sizeof(abbrevs[0]); i++)
		if (dot - start == strlen(abbrevs[i]) && !strncmp(text + start, abbrevs[i], dot - start))
			return true;
	return false;
}

static bool sentence_end(const char *text, size_t i)
{
	return (text[i] == '.' || text[i] == '?' || text[i] == '!') && (text[i + 1] == ' ' || !text[i + 1]) &&
	       !abbreviation(text, i);
}

/* Where the keyword (a whole word) stands: on the wanted line [from, to),
 * else the first after it, else the first at all. SIZE_MAX: nowhere. */
static size_t keyword_at(const char *para, const char *kw, size_t from, size_t to)
{
	size_t at = SIZE_MAX, n = strlen(kw);

	for (size_t i = 0; para[i] && n; i++) {
		bool word = !strncmp(para + i, kw, n) && (i == 0 || !isalpha((unsigned char)para[i - 1])) &&
			    !isalpha((unsigned char)para[i + n]);
		if (!word)
			continue;
		if (i >= from && i < to)
			return i;
		if ((i >= from && at < from) || at == SIZE_MAX)
			at = i;
	}
	return at;
}

/* The listing or list that starts at line i, appended as text: a
 * listing's lines as they are, list items separated by "; ". */
static void follow(const struct texfile *f, unsigned i, char *out, size_t len)
{
	static const char *const envs[] = { "lstlisting", "itemize", "enumerate", "description" };
	const char *l = f->text + f->line[i];
	size_t used = 0;
	unsigned env = 0, depth = 0;

	while (*l == ' ' || *l == '\t')
		l++;
	for (env = 0; env < 4; env++)
		if (!strncmp(l, "\\begin{", 7) && !strncmp(l + 7, envs[env], strlen(envs[env])) && l[7 + strlen(envs[env])] == '}')
			break;
	if (env == 4)
		return;
	for (unsigned k = i + 1; k < f->nlines && used + 2 < len; k++) {
		const char *s = f->text + f->line[k];
		size_t n = (k + 1 < f->nlines ? f->line[k + 1] - 1 : f->len) - f->line[k];
		while (n && isspace((unsigned char)*s))
			s++, n--;
		if (!strncmp(s, "\\begin{", 7))
			depth++;
		if (!strncmp(s, "\\end{", 5) && depth-- == 0)
			break;
		if (!n)
			continue;
		const char *sep = used == 0 ? " " : env && n >= 5 && !strncmp(s, "\\item", 5) ? "; " : " ";
		used += (size_t)snprintf(out + used, len - used, "%s", sep);
		if (used >= len)
			break;
		used += env ? clean(s, n, out + used, len - used) : (size_t)snprintf(out + used, len - used, "%.*s", (int)n, s);
	}
	if (used >= len)
		used = len - 1;
	out[used] = 0;
}

int vc_spec_words(const struct vc_rule *r, char *buf, size_t len)
{
	const char *colon = strrchr(r->source, ':');
	char name[256], *para;
	const struct texfile *f;
	unsigned want;

	if (!colon || colon == r->source || !len)
		return -EINVAL;
	snprintf(name, sizeof(name), "%.*s", (int)(colon - r->source), r->source);
	want = (unsigned)strtoul(colon + 1, NULL, 10);
	if (!(f = find_file(name)))
		return -ENOENT;
	if (!f->line || !want || want > f->nlines)
		return -ERANGE;
#define LINE(i) (f->text + f->line[i])
#define LEN(i) ((i) + 1 < f->nlines ? f->line[(i) + 1] - 1 - f->line[i] : f->len - f->line[i])
	/* the paragraph around the wanted line */
	unsigned first = want - 1, last = want - 1;
	while (first > 0 && !item_line(LINE(first), LEN(first)) && !boundary(LINE(first - 1), LEN(first - 1)))
		first--;
	while (last + 1 < f->nlines && !boundary(LINE(last + 1), LEN(last + 1)) && !item_line(LINE(last + 1), LEN(last + 1)))
		last++;
	size_t cap = 16384, used = 0, from = 0, to = 0;
	if (!(para = malloc(cap)))
		return -ENOMEM;
	for (unsigned i = first; i <= last && used + 2 < cap; i++) {
		if (i == want - 1)
			from = used;
		if (used)
			para[used++] = ' ';
		used += clean(LINE(i), LEN(i), para + used, cap - used);
		if (i == want - 1)
			to = used;
	}
	para[used] = 0;
#undef LINE
#undef LEN
	size_t at = keyword_at(para, r->keyword, from, to);
	if (at == SIZE_MAX && strchr(r->keyword, ' ')) {     /* "MUST not", as the spec writes it at times */
		char word1[16];
		snprintf(word1, sizeof(word1), "%.*s", (int)strcspn(r->keyword, " "), r->keyword);
		at = keyword_at(para, word1, from, to);
	}
	if (at == SIZE_MAX)
		at = from;
	size_t start = at, stop = at;
	while (start && !sentence_end(para, start - 1))
		start--;
	while (para[start] == ' ')
		start++;
	while (para[stop] && !sentence_end(para, stop))
		stop++;
	stop += para[stop] != 0;
	snprintf(buf, len, "%.*s", (int)(stop - start), para + start);
	free(para);
	/* "... MUST satisfy:" and a listing or a list after it: they are the rule */
	size_t n = strlen(buf);
	if (n && buf[n - 1] == ':' && last + 1 < f->nlines)
		follow(f, last + 1, buf + n, len - n);
	return buf[0] ? 0 : -ENODATA;
}
