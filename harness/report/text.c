/* Text report for a terminal: what went wrong first, with the values that
 * show it, then a compact list of what passed or was skipped, then totals.
 * And the one-screen summary `certify` ends with. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vc/report.h"
#include "vc/spec.h"

struct pen {
	FILE *out;
	bool colour;
};

static const char *const status_colour[VC_STATUS_COUNT] = {
	[VC_PASS] = "\033[32m", [VC_FAIL] = "\033[1;31m", [VC_WARN] = "\033[33m",
	[VC_SKIP] = "\033[2m", [VC_ERROR] = "\033[1;35m", [VC_XFAIL] = "\033[36m", [VC_XPASS] = "\033[1;36m",
	[VC_BLOCKED] = "\033[35m",
};

/* Device-supplied or multi-line text: continuation lines indented, and no
 * control characters (C0, DEL, C1) or broken UTF-8 that could drive or
 * confuse the terminal. */
static void put(FILE *out, const char *s, const char *indent)
{
	while (s && *s) {
		uint32_t cp = 0;
		unsigned n = vc_utf8_seq(s, &cp);

		if (n && cp == '\n')
			fprintf(out, "\n%s", indent);
		else if (!n || (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0))
			fputc('?', out);
		else
			fwrite(s, 1, n, out);
		s += n ? n : 1;
	}
}

/* "virtio-conform 0.1.0, virtio 1.4, profiles default, robustness" */
static void first_line(FILE *out, const struct vc_report *r)
{
	char profiles[256];

	vc_report_profiles(r, ", ", profiles, sizeof(profiles));
	fprintf(out, "virtio-conform %s, virtio %s, profile%s ", r->tool_version ? r->tool_version : "?",
		r->spec_version ? r->spec_version : "?", strchr(profiles, ',') ? "s" : "");
	put(out, *profiles ? profiles : "none", "");
}

/* The status tag, coloured, padded to the width of "ERROR". */
static void tag(const struct pen *p, enum vc_status s)
{
	const char *name = vc_status_str(s);
	bool c = p->colour && (unsigned)s < VC_STATUS_COUNT;
	int pad = 5 - (int)strlen(name);

	fprintf(p->out, "  %s%s%s%*s ", c ? status_colour[s] : "", name, c ? "\033[0m" : "",
		pad > 0 ? pad : 0, "");
}

static void header(const struct pen *p, const struct vc_device_report *dr)
{
	const struct vc_device *dev = dr->dev;
	const struct vc_probe *pr = dr->probe;
	FILE *out = p->out;

	fputs("\nDevice ", out);
	put(out, dev ? dev->spec : "(not opened)", "");
	if (dev) {
		fprintf(out, " (backend %s", dev->backend);
		if (dev->location[0]) {
			fputs(", ", out);
			put(out, dev->location, "");
		}
		fputc(')', out);
	}
	fputc('\n', out);
	if (pr) {
		const char *name = vc_virtio_type_name(pr->virtio_type);

		fprintf(out, "  %04x:%04x subsystem %04x:%04x rev %02x class %06x, virtio type %u (%s)\n",
			pr->vendor_id, pr->device_id, pr->subsystem_vendor_id, pr->subsystem_id,
			pr->revision, (unsigned)pr->class_code & 0xffffff, pr->virtio_type,
			name ? name : "unknown");
	} else {
		fputs("  identity: not probed\n", out);
	}
	if (dev && dev->implementation[0]) {
		fputs("  implementation: ", out);
		put(out, dev->implementation, "        ");
		fputc('\n', out);
	}
	if (dev && dev->note[0]) {
		fputs("  note: ", out);
		put(out, dev->note, "        ");
		fputc('\n', out);
	}
	if (dev && dev->gone[0]) {
		fputs("  the device stopped working during ", out);
		put(out, dev->gone_during, "");
		fputs(": ", out);
		put(out, dev->gone, "        ");
		fputs("\n  later clauses that need it are BLOCKED\n", out);
	}
}

/* "Would Linux bind?": under any status, since a spec PASS can still be refused. */
static void linux_note(const struct pen *p, const struct vc_result *res)
{
	if (!res->linux_note[0])
		return;
	fputs("        linux: ", p->out);
	put(p->out, res->linux_note, "        ");
	fputc('\n', p->out);
}

/* A finding in full: what rule, what happened, and the values. */
static void finding(const struct pen *p, const struct vc_result *res)
{
	static const char ind[] = "        ";   /* under the id, past the tag */
	const struct vc_clause *cl = res->clause;
	FILE *out = p->out;

	const char *section = vc_clause_section(cl);

	tag(p, res->status);
	fprintf(out, "%s [%s]\n%s%s%s", cl->id, vc_keyword_str(cl->keyword), ind, section ? section : "",
		section ? " " : "");
	put(out, cl->label, ind);
	if (res->message[0]) {
		fprintf(out, "\n%s", ind);
		put(out, res->message, ind);
	}
	if (res->observed[0]) {
		fprintf(out, "\n%sobserved: ", ind);
		put(out, res->observed, ind);
	}
	if (res->expected[0]) {
		fprintf(out, "\n%sexpected: ", ind);
		put(out, res->expected, ind);
	}
	fputc('\n', out);
	linux_note(p, res);
}

static void totals(const struct pen *p, const char *prefix, const unsigned c[VC_STATUS_COUNT])
{
	unsigned total = 0;

	for (unsigned s = 0; s < VC_STATUS_COUNT; s++)
		total += c[s];
	fprintf(p->out, "%s%s%u clauses: %u passed, %u failed, %u warnings, %u skipped, %u errors", prefix,
		p->colour ? "\033[1m" : "", total, c[VC_PASS], c[VC_FAIL], c[VC_WARN], c[VC_SKIP], c[VC_ERROR]);
	if (c[VC_BLOCKED])
		fprintf(p->out, ", %u blocked", c[VC_BLOCKED]);
	/* only with an --expect file: the usual line stays as it was */
	if (c[VC_XFAIL] || c[VC_XPASS])
		fprintf(p->out, ", %u expected failures, %u unexpected passes", c[VC_XFAIL], c[VC_XPASS]);
	fprintf(p->out, "%s\n", p->colour ? "\033[0m" : "");
}

/* One line: PASS with its id, SKIP and XFAIL with their reason too. */
static void brief(const struct pen *p, const struct vc_result *res)
{
	tag(p, res->status);
	put(p->out, res->clause->id, "");
	if ((res->status == VC_SKIP || res->status == VC_XFAIL) && res->message[0]) {
		fputs(": ", p->out);
		put(p->out, res->message, "        ");
	}
	fputc('\n', p->out);
	linux_note(p, res);
}

static void device(const struct pen *p, const struct vc_device_report *dr)
{
	/* failures first, worst first; then the short list */
	static const enum vc_status order[] = { VC_FAIL, VC_ERROR, VC_WARN, VC_XPASS, VC_XFAIL, VC_PASS, VC_SKIP,
						VC_BLOCKED };
	unsigned c[VC_STATUS_COUNT];
	bool listing = false;

	header(p, dr);
	for (unsigned k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		bool full = order[k] != VC_PASS && order[k] != VC_SKIP && order[k] != VC_XFAIL && order[k] != VC_BLOCKED;

		for (unsigned i = 0; i < dr->n; i++) {
			if (dr->results[i].status != order[k])
				continue;
			/* a blank line before each finding, and one before the short list */
			if (full || !listing)
				fputc('\n', p->out);
			listing |= !full;
			if (full)
				finding(p, &dr->results[i]);
			else
				brief(p, &dr->results[i]);
		}
	}
	vc_report_tally(dr, c);
	fputc('\n', p->out);
	totals(p, "", c);
}

int vc_report_text(const struct vc_report *r, FILE *out)
{
	const struct pen p = { out, isatty(fileno(out)) && !getenv("NO_COLOR") };
	unsigned c[VC_STATUS_COUNT];
	char when[32];

	vc_report_time(r->started, when, sizeof(when));
	first_line(out, r);
	fprintf(out, ", started %s\n", when);
	for (unsigned d = 0; d < r->ndevices; d++)
		device(&p, &r->devices[d]);
	if (r->ndevices > 1) {
		vc_report_totals(r, c);
		totals(&p, "\nAll devices: ", c);
	}
	return vc_report_finish(out);
}

/* The first line of s in at most max characters: cut between words, with
 * "..." (inside a word only when one word is longer than the line). */
static void put_line(FILE *out, const char *s, unsigned max)
{
	char line[sizeof(((struct vc_result *)0)->message)];
	size_t len = strcspn(s, "\n"), at = 0, word_end = 0;
	unsigned chars = 0;

	max = max > 3 ? max - 3 : 1;
	while (at < len && chars < max) {
		uint32_t cp;
		unsigned n = vc_utf8_seq(s + at, &cp);
		at += n ? n : 1;
		chars++;
		if (at < len && s[at] == ' ')
			word_end = at;
	}
	if (at < len && s[at] != ' ' && word_end > at / 2)
		at = word_end;
	while (at < len && at && s[at - 1] == ' ')
		at--;
	snprintf(line, sizeof(line), "%.*s%s", (int)at, s, at < len ? " ..." : "");
	put(out, line, "");
}

int vc_report_summary(const struct vc_report *r, FILE *out)
{
	enum { MAX_LINES = 16, WIDTH = 100 };   /* one screen: lines of failures, columns */
	const struct pen p = { out, isatty(fileno(out)) && !getenv("NO_COLOR") };
	unsigned c[VC_STATUS_COUNT];

	first_line(out, r);
	fputc('\n', out);
	for (unsigned d = 0; d < r->ndevices; d++) {
		const struct vc_device_report *dr = &r->devices[d];
		unsigned shown = 0, more = 0;

		header(&p, dr);
		for (unsigned k = 0; k < 4; k++) {   /* FAIL, ERROR, WARN, and a stale expectation */
			static const enum vc_status worst[] = { VC_FAIL, VC_ERROR, VC_WARN, VC_XPASS };

			for (unsigned i = 0; i < dr->n; i++) {
				const struct vc_result *res = &dr->results[i];
				int used;

				if (res->status != worst[k])
					continue;
				if (shown + 2 > MAX_LINES) {
					more++;
					continue;
				}
				tag(&p, res->status);
				used = 8 + (int)strlen(res->clause->id);
				put(out, res->clause->id, "");
				/* the first line of the message after the id, or under it
				 * when a long id leaves too little of the line */
				if (res->message[0] && used + 2 + 60 <= WIDTH) {
					fputs(": ", out);
					put_line(out, res->message, (unsigned)(WIDTH - used - 2));
				} else if (res->message[0]) {
					fputs(":\n        ", out);
					put_line(out, res->message, WIDTH - 8);
					shown++;
				}
				fputc('\n', out);
				shown++;
			}
		}
		if (more)
			fprintf(out, "  ... and %u more (the full reports have them all)\n", more);
		vc_report_tally(dr, c);
		/* the verdict: as the exit status sees it */
		tag(&p, c[VC_ERROR] ? VC_ERROR : c[VC_FAIL] || c[VC_BLOCKED] ? VC_FAIL : VC_PASS);
		totals(&p, "", c);
	}
	if (r->ndevices > 1) {
		vc_report_totals(r, c);
		totals(&p, "\nAll devices: ", c);
	}
	if (r->folder) {
		fputs("\nReports in ", out);
		put(out, r->folder, "");
		fputs("/:", out);
		for (const char *const *f = r->files; f && *f; f++) {
			fputc(' ', out);
			put(out, *f, "");
		}
		fputc('\n', out);
	}
	return vc_report_finish(out);
}
