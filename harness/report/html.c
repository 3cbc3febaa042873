/* HTML report: the certificate a vendor files or hands over. One page that
 * stands alone (inline CSS, inline SVG, no scripts, nothing fetched): who was
 * tested and how, the totals, every failure up front, the doorbell trace as a
 * chart, then a table per spec section, and the command that reproduces it.
 * Totals carry ids and data-* attributes so tools can read them back. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "vc/report.h"
#include "vc/spec.h"
#include "vc/trace.h"

#define esc vc_html_string

/* Failures first, worst first (as in the text report); a stale expectation
 * (XPASS) is listed with them, a known failure (XFAIL) is not. */
static const enum vc_status order[] = { VC_FAIL, VC_ERROR, VC_WARN, VC_XPASS, VC_PASS, VC_XFAIL, VC_SKIP,
					VC_BLOCKED };
#define NORDER (sizeof(order) / sizeof(order[0]))

static unsigned rank(enum vc_status s)
{
	for (unsigned k = 0; k < NORDER; k++)
		if (order[k] == s)
			return k;
	return 1;   /* a corrupt status counts as an error */
}

static const char *status_class(enum vc_status s)
{
	static const char *const names[VC_STATUS_COUNT] = {
		[VC_PASS] = "pass", [VC_FAIL] = "fail", [VC_WARN] = "warn", [VC_SKIP] = "skip", [VC_ERROR] = "error",
		[VC_XFAIL] = "xfail", [VC_XPASS] = "xpass", [VC_BLOCKED] = "blocked",
	};
	return (unsigned)s < VC_STATUS_COUNT ? names[s] : "error";
}

static const char style[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1b1b1b}\n"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:2px solid #ddd}\n"
	"h3{font-size:1.05em;margin:1.4em 0 .4em}table{border-collapse:collapse;width:100%;margin:.4em 0}\n"
	"th,td{border:1px solid #d4d4d4;padding:.25em .5em;text-align:left;vertical-align:top}\n"
	"th{background:#f2f2f2}td.msg{white-space:pre-wrap}code,pre{font-family:ui-monospace,monospace}\n"
	"pre{background:#f6f6f6;padding:.6em;white-space:pre-wrap;word-break:break-all}\n"
	"dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em}dt{font-weight:600}dd{margin:0}\n"
	".meta{color:#555}.small{color:#666;font-size:.85em}\n"
	"table.totals{width:auto}table.totals td{text-align:right;min-width:4em;font-size:1.2em}\n"
	".badge{font-weight:700;padding:0 .4em;border-radius:3px;white-space:nowrap}\n"
	".kw,.sec{white-space:nowrap}h4 .sec{color:#555;margin-right:.6em}\n"
	".verdict{font-size:1.3em;font-weight:700;padding:.4em .8em;border-radius:4px;display:inline-block}\n"
	".st-pass{color:#125c12}.badge.st-pass,.verdict.st-pass{background:#d9f2d9}\n"
	".st-fail{color:#9b1010}.badge.st-fail,.verdict.st-fail{background:#fadada}\n"
	".st-warn{color:#7a5200}.badge.st-warn{background:#fbecc5}\n"
	".st-skip{color:#666}.badge.st-skip{background:#eee}\n"
	".st-error{color:#6d1280}.badge.st-error,.verdict.st-error{background:#f0daf5}\n"
	".st-xfail{color:#0c5a66}.badge.st-xfail{background:#d5eef2}\n"
	".st-xpass{color:#0c4a8a}.badge.st-xpass{background:#d8e6fa}\n"
	".st-blocked{color:#6b4a00}.badge.st-blocked{background:#f1e3c8}\n"
	".linux{margin-top:.3em;color:#5a3b00}ul.split{list-style:none;padding:0}\n"
	/* fixed columns: the keyword and status ones as wide as their longest word */
	"table.clauses{table-layout:fixed}table.clauses th:nth-child(1){width:28%}\n"
	"table.clauses th:nth-child(2){width:8.5em}table.clauses th:nth-child(3){width:6.5em}\n"
	"table.clauses th:nth-child(4),table.clauses th:nth-child(5){width:14%}td{overflow-wrap:anywhere}\n"
	".rule{margin:.8em 0;padding-left:.8em;border-left:3px solid #ddd}.rule h4{margin:.2em 0}\n"
	"blockquote{margin:.3em 0 .3em 1em;font-style:italic}\n"
	"tr.st-fail,tr.st-error{background:#fff6f6}.swatch{display:inline-block;width:1em;height:.7em}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#333}\n";

static unsigned total_of(const unsigned c[VC_STATUS_COUNT])
{
	unsigned t = 0;

	for (unsigned s = 0; s < VC_STATUS_COUNT; s++)
		t += c[s];
	return t;
}

/* Counts as a table whose cells are id="PREFIX-pass" etc., and the table's
 * data-* attributes hold the same numbers. */
static void totals(FILE *out, const char *prefix, const unsigned c[VC_STATUS_COUNT])
{
	static const struct { const char *key, *title; enum vc_status s; } cols[] = {
		{ "pass", "Passed", VC_PASS }, { "fail", "Failed", VC_FAIL }, { "warn", "Warnings", VC_WARN },
		{ "skip", "Skipped", VC_SKIP }, { "error", "Errors", VC_ERROR },
		{ "xfail", "Expected failures", VC_XFAIL }, { "xpass", "Unexpected passes", VC_XPASS },
		{ "blocked", "Blocked", VC_BLOCKED },
	};
	unsigned n = sizeof(cols) / sizeof(cols[0]);

	fprintf(out, "<table class=\"totals\" id=\"%s\" data-total=\"%u\"", prefix, total_of(c));
	for (unsigned i = 0; i < n; i++)
		fprintf(out, " data-%s=\"%u\"", cols[i].key, c[cols[i].s]);
	fputs(">\n<tr><th>Clauses</th>", out);
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "<th>%s</th>", cols[i].title);
	fprintf(out, "</tr>\n<tr><td id=\"%s-total\">%u</td>", prefix, total_of(c));
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "<td id=\"%s-%s\" class=\"st-%s\">%u</td>", prefix, cols[i].key, cols[i].key,
			c[cols[i].s]);
	fputs("</tr>\n</table>\n", out);
}

static void verdict(FILE *out, const unsigned c[VC_STATUS_COUNT])
{
	if (c[VC_ERROR])
		fprintf(out, "<p class=\"verdict st-error\">INCOMPLETE: the harness could not run %u clause%s</p>\n",
			c[VC_ERROR], c[VC_ERROR] == 1 ? "" : "s");
	else if (c[VC_FAIL] || c[VC_BLOCKED])
		fprintf(out, "<p class=\"verdict st-fail\">FAIL: %u clause%s not met, %u blocked</p>\n", c[VC_FAIL],
			c[VC_FAIL] == 1 ? "" : "s", c[VC_BLOCKED]);
	else if (c[VC_XFAIL] || c[VC_XPASS])
		fprintf(out, "<p class=\"verdict st-pass\">PASS: no new failure (%u passed, %u warning%s, %u skipped, "
			"%u expected failure%s, %u unexpected pass%s)</p>\n", c[VC_PASS], c[VC_WARN],
			c[VC_WARN] == 1 ? "" : "s", c[VC_SKIP], c[VC_XFAIL], c[VC_XFAIL] == 1 ? "" : "s", c[VC_XPASS],
			c[VC_XPASS] == 1 ? "" : "es");
	else
		fprintf(out, "<p class=\"verdict st-pass\">PASS: no clause failed (%u passed, %u warning%s, %u skipped)</p>\n",
			c[VC_PASS], c[VC_WARN], c[VC_WARN] == 1 ? "" : "s", c[VC_SKIP]);
}

/* The spec's rules and the robustness probes apart, when probes ran: a
 * reader takes "conforms" and "survives a hostile driver" as two facts. */
static void split_verdict(FILE *out, const struct vc_report *r)
{
	static const char *const severities[] = { "crash", "hang", "memory", "dos", "minor" };
	unsigned spec[VC_STATUS_COUNT] = { 0 }, probes[VC_STATUS_COUNT] = { 0 }, sev[5] = { 0 }, nprobes = 0;
	unsigned nspec = 0, findings = 0;

	for (unsigned d = 0; d < r->ndevices; d++)
		for (unsigned i = 0; i < r->devices[d].n; i++) {
			const struct vc_result *res = &r->devices[d].results[i];
			enum vc_side side = res->clause->side;
			unsigned st = (unsigned)res->status < VC_STATUS_COUNT ? (unsigned)res->status : VC_ERROR;
			bool is_spec = side == VC_DEVICE_RULE || side == VC_DRIVER_RULE;
			(is_spec ? spec : probes)[st]++;
			(is_spec ? &nspec : &nprobes)[0]++;
			for (unsigned k = 0; !is_spec && k < 5; k++)
				sev[k] += !strcmp(res->severity, severities[k]);
		}
	if (!nprobes)
		return;
	findings = probes[VC_FAIL] + probes[VC_WARN] + probes[VC_ERROR];
	fprintf(out, "<ul class=\"split\">\n<li id=\"spec-verdict\" class=\"st-%s\"><b>Spec rules</b>: %s, %u of %u "
		"not met (%u MUST-level, %u SHOULD-level), %u blocked</li>\n",
		spec[VC_FAIL] || spec[VC_BLOCKED] || spec[VC_ERROR] ? "fail" : "pass",
		spec[VC_ERROR] ? "INCOMPLETE" : spec[VC_FAIL] || spec[VC_BLOCKED] ? "FAIL" : "PASS",
		spec[VC_FAIL] + spec[VC_WARN], nspec, spec[VC_FAIL], spec[VC_WARN], spec[VC_BLOCKED]);
	fprintf(out, "<li id=\"robustness-verdict\" class=\"st-%s\"><b>Robustness probes</b> (a hostile driver, not spec "
		"rules): %u finding%s in %u probe%s", findings ? "fail" : "pass", findings, findings == 1 ? "" : "s",
		nprobes, nprobes == 1 ? "" : "s");
	for (unsigned k = 0, first = 1; k < 5; k++)
		if (sev[k]) {
			fprintf(out, "%s%u %s", first ? ": " : ", ", sev[k], severities[k]);
			first = 0;
		}
	fprintf(out, ", %u blocked</li>\n</ul>\n", probes[VC_BLOCKED]);
}

static void item(FILE *out, const char *term, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(out, "<dt>%s</dt><dd>", term);
	esc(out, value);
	fputs("</dd>\n", out);
}

static void identity(FILE *out, const struct vc_device_report *dr)
{
	const struct vc_device *dev = dr->dev;
	const struct vc_probe *p = dr->probe;
	char name[256], sub[256], buf[640];

	fputs("<dl class=\"identity\">\n", out);
	item(out, "Device", dev ? dev->spec : "(not opened)");
	item(out, "Backend", dev ? dev->backend : NULL);
	item(out, "Location", dev ? dev->location : NULL);
	item(out, "Implementation", dev ? dev->implementation : NULL);
	if (p) {
		const char *type = vc_virtio_type_name(p->virtio_type);

		vc_pci_names(p->vendor_id, p->device_id, p->subsystem_vendor_id, p->subsystem_id, name,
			     sizeof(name), sub, sizeof(sub));
		snprintf(buf, sizeof(buf), "%04x:%04x%s%s", p->vendor_id, p->device_id, name[0] ? "  " : "", name);
		item(out, "Vendor:device", buf);
		snprintf(buf, sizeof(buf), "%04x:%04x%s%s", p->subsystem_vendor_id, p->subsystem_id,
			 sub[0] ? "  " : "", sub);
		item(out, "Subsystem", buf);
		snprintf(buf, sizeof(buf), "%02x", p->revision);
		item(out, "Revision", buf);
		snprintf(buf, sizeof(buf), "%06x", (unsigned)p->class_code & 0xffffff);
		item(out, "Class", buf);
		snprintf(buf, sizeof(buf), "%u (%s)%s", p->virtio_type, type ? type : "unknown",
			 p->transitional ? ", transitional" : "");
		item(out, "Virtio device type", buf);
	} else {
		item(out, "Identity", "not probed");
	}
	item(out, "Note", dev ? dev->note : NULL);
	if (dev && dev->gone[0]) {
		fputs("<dt>Stopped working</dt><dd class=\"st-blocked\" id=\"stopped\">during <code>", out);
		esc(out, dev->gone_during);
		fputs("</code>: ", out);
		esc(out, dev->gone);
		fputs("; later clauses that need the device are blocked</dd>\n", out);
	}
	fputs("</dl>\n", out);
}

/* The first line of a message, for the one-line failure summary. */
static void first_line(FILE *out, const char *s)
{
	char line[sizeof(((struct vc_result *)0)->message)];

	snprintf(line, sizeof(line), "%.*s", (int)strcspn(s, "\n"), s);
	esc(out, line);
}

static void anchor(FILE *out, unsigned d, const char *id)
{
	fprintf(out, "d%u-", d);
	esc(out, id);
}

static void failures(FILE *out, const struct vc_device_report *dr, unsigned d)
{
	bool any = false;

	fputs("<h3>Failures</h3>\n", out);
	for (unsigned k = 0; k < NORDER && order[k] != VC_PASS; k++) {
		for (unsigned i = 0; i < dr->n; i++) {
			const struct vc_result *res = &dr->results[i];

			if (rank(res->status) != k)
				continue;
			if (!any)
				fputs("<table class=\"failures\">\n<tr><th>Status</th><th>Clause</th><th>Keyword</th>"
				      "<th>Section</th><th>What happened</th></tr>\n", out);
			any = true;
			fprintf(out, "<tr class=\"st-%s\"><td><span class=\"badge st-%s\">%s</span>", status_class(res->status),
				status_class(res->status), vc_status_str(res->status));
			if (res->severity[0]) {        /* a robustness finding's: crash, hang, ... */
				fputs(" <span class=\"kw\">", out);
				esc(out, res->severity);
				fputs("</span>", out);
			}
			fputs("</td><td><a href=\"#", out);
			anchor(out, d, res->clause->id);
			fputs("\"><code>", out);
			esc(out, res->clause->id);
			fprintf(out, "</code></a></td><td class=\"kw\">%s</td><td class=\"sec\">",
				vc_keyword_str(res->clause->keyword));
			esc(out, vc_clause_section(res->clause));
			fputs("</td><td>", out);
			first_line(out, res->message);
			fputs("</td></tr>\n", out);
		}
	}
	fputs(any ? "</table>\n" : "<p class=\"st-pass\">No failures.</p>\n", out);
}

/* The doorbell chart: cumulative doorbells per queue against time since the
 * first one, binned so a long trace stays a small page. */
#define CHART_QUEUES 8     /* drawn one line each; the rest summed as "other" */
#define CHART_BINS 120
#define CHART_W 720
#define CHART_H 220
#define PLOT_X 56
#define PLOT_Y 12
#define PLOT_W (CHART_W - PLOT_X - 16)
#define PLOT_H (CHART_H - PLOT_Y - 36)

static const char *const palette[CHART_QUEUES + 1] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f",
};

struct line {
	uint16_t queue;
	unsigned count;
	uint64_t first_ns, last_ns;
	unsigned bins[CHART_BINS];
};

static void trace_summary(FILE *out, const struct vc_trace *t)
{
	struct line lines[CHART_QUEUES + 1];
	unsigned nlines = 0, max = 0;
	uint64_t t0 = UINT64_MAX, t1 = 0, span;

	fputs("<h3>Doorbell trace</h3>\n", out);
	if (!t || !t->n) {
		fputs("<p class=\"small\">No doorbells were rung (the clauses that ran drive no queue, or the "
		      "backend is read-only).</p>\n", out);
		return;
	}
	memset(lines, 0, sizeof(lines));
	for (size_t i = 0; i < t->n; i++) {
		t0 = t->rec[i].t_ns < t0 ? t->rec[i].t_ns : t0;
		t1 = t->rec[i].t_ns > t1 ? t->rec[i].t_ns : t1;
	}
	span = t1 - t0;
	for (size_t i = 0; i < t->n; i++) {
		const struct vc_doorbell *db = &t->rec[i];
		unsigned l = 0, bin;

		while (l < nlines && l < CHART_QUEUES && lines[l].queue != db->queue)
			l++;
		if (l == nlines) {
			lines[l].queue = db->queue;
			lines[l].first_ns = db->t_ns;
			nlines++;
		}
		bin = span ? (unsigned)((double)(db->t_ns - t0) / (double)span * CHART_BINS) : CHART_BINS - 1;
		lines[l].bins[bin < CHART_BINS ? bin : CHART_BINS - 1]++;
		lines[l].first_ns = db->t_ns < lines[l].first_ns ? db->t_ns : lines[l].first_ns;
		lines[l].last_ns = db->t_ns > lines[l].last_ns ? db->t_ns : lines[l].last_ns;
		if (++lines[l].count > max)
			max = lines[l].count;
	}

	fprintf(out, "<p>%zu doorbells on %u queue%s over %.3f ms.</p>\n", t->n, nlines,
		nlines == 1 ? "" : "s", (double)span / 1e6);
	fprintf(out, "<svg id=\"doorbell-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Doorbells per queue over time\">\n",
		CHART_W, CHART_H, CHART_W, CHART_H);
	fprintf(out, "<title>Cumulative doorbells per queue over time</title>\n"
		"<path d=\"M%d %d V%d H%d\" fill=\"none\" stroke=\"#444\"/>\n",
		PLOT_X, PLOT_Y, PLOT_Y + PLOT_H, PLOT_X + PLOT_W);
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%u</text>"
		"<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
		PLOT_X - 6, PLOT_Y + 10, max, PLOT_X - 6, PLOT_Y + PLOT_H);
	fprintf(out, "<text x=\"%d\" y=\"%d\">0 ms</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3f ms</text>"
		"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time since the first doorbell</text>\n",
		PLOT_X, PLOT_Y + PLOT_H + 16, PLOT_X + PLOT_W, PLOT_Y + PLOT_H + 16, (double)span / 1e6,
		PLOT_X + PLOT_W / 2, PLOT_Y + PLOT_H + 30);
	for (unsigned l = 0; l < nlines; l++) {
		unsigned cum = 0;

		fputs("<polyline class=\"queue\" data-queue=\"", out);
		if (l < CHART_QUEUES)
			fprintf(out, "%u", lines[l].queue);
		else
			fputs("other", out);
		fprintf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%d,%d", palette[l],
			PLOT_X, PLOT_Y + PLOT_H);
		for (unsigned b = 0; b < CHART_BINS; b++) {
			cum += lines[l].bins[b];
			fprintf(out, " %.1f,%.1f", PLOT_X + (double)PLOT_W * (b + 1) / CHART_BINS,
				PLOT_Y + PLOT_H - (double)PLOT_H * cum / max);
		}
		fputs("\"/>\n", out);
	}
	fputs("</svg>\n<table class=\"trace\">\n<tr><th>Queue</th><th>Doorbells</th><th>First (ms)</th>"
	      "<th>Last (ms)</th></tr>\n", out);
	for (unsigned l = 0; l < nlines; l++) {
		fprintf(out, "<tr><td><span class=\"swatch\" style=\"background:%s\"></span> ", palette[l]);
		if (l < CHART_QUEUES)
			fprintf(out, "%u", lines[l].queue);
		else
			fputs("other queues", out);
		fprintf(out, "</td><td>%u</td><td>%.3f</td><td>%.3f</td></tr>\n", lines[l].count,
			(double)(lines[l].first_ns - t0) / 1e6, (double)(lines[l].last_ns - t0) / 1e6);
	}
	fputs("</table>\n", out);
}

static const char *label_of(const struct vc_result *res)
{
	return res->clause->label ? res->clause->label : "";
}

/* Catalog ids, each a link to its rule in the appendix. */
static void rule_links(FILE *out, const char *ids)
{
	char id[128];

	for (const char *p = ids; p && sscanf(p, " %127s", id) == 1; p = strstr(p, id) + strlen(id)) {
		fputs(p == ids ? "<a href=\"#rule-" : " <a href=\"#rule-", out);
		esc(out, id);
		fputs("\">", out);
		esc(out, id);
		fputs("</a>", out);
	}
}

static void row(FILE *out, const struct vc_result *res, unsigned d)
{
	const struct vc_clause *cl = res->clause;
	const char *st = status_class(res->status), *section = vc_clause_section(cl);

	fprintf(out, "<tr class=\"st-%s\" id=\"", st);
	anchor(out, d, cl->id);
	fputs("\"><td><code>", out);
	esc(out, cl->id);
	fprintf(out, "</code><div class=\"small\">%s rule", vc_side_str(cl->side));
	if (cl->since && *cl->since) {
		fputs(", since ", out);
		esc(out, cl->since);
	}
	if (section) {
		fputs("; section <span class=\"sec\">", out);
		esc(out, section);
		fputs("</span>", out);
	}
	if (cl->covers && *cl->covers) {
		fputs("; covers ", out);
		rule_links(out, cl->covers);
	}
	if (cl->breaks && *cl->breaks) {
		fputs("; breaks ", out);
		rule_links(out, cl->breaks);
	}
	fprintf(out, "</div></td><td class=\"kw\">%s</td><td><span class=\"badge st-%s\">%s</span></td><td>",
		vc_keyword_str(cl->keyword), st, vc_status_str(res->status));
	esc(out, res->observed);
	fputs("</td><td>", out);
	esc(out, res->expected);
	fputs("</td><td class=\"msg\">", out);
	esc(out, res->message);
	if (res->linux_note[0]) {
		fputs("<div class=\"linux\"><b>Linux:</b> ", out);
		esc(out, res->linux_note);
		fputs("</div>", out);
	}
	fputs("</td></tr>\n", out);
}

/* One section per label (the spec's own typo "PAcked" is its label for the
 * packed driver block: labels are compared without case), in the spec's
 * order; labels that are not the spec's (a draft) after them, and the
 * robustness probes last. */
struct group {
	const char *label, *section;
	bool spec;              /* spec rules (device or driver side), not probes */
	unsigned first;         /* its first result */
};

static int group_cmp(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;
	int c;

	if (a->spec != b->spec)
		return a->spec ? -1 : 1;
	if ((c = vc_section_cmp(a->section, b->section)))
		return c;
	return a->first < b->first ? -1 : a->first > b->first;
}

static bool spec_side(const struct vc_clause *cl)
{
	return cl->side == VC_DEVICE_RULE || cl->side == VC_DRIVER_RULE;
}

static void sections(FILE *out, const struct vc_device_report *dr, unsigned d)
{
	struct group *g = calloc(dr->n ? dr->n : 1, sizeof(*g));
	unsigned ng = 0;

	fputs("<h3>Clauses by spec section</h3>\n", out);
	for (unsigned i = 0; g && i < dr->n; i++) {
		const struct vc_clause *cl = dr->results[i].clause;
		unsigned k = 0;
		while (k < ng && strcasecmp(g[k].label, label_of(&dr->results[i])))
			k++;
		if (k == ng)
			g[ng++] = (struct group){ label_of(&dr->results[i]), vc_spec_label_section(cl->label), true, i };
		g[k].spec &= spec_side(cl);
	}
	if (g)
		qsort(g, ng, sizeof(*g), group_cmp);
	for (unsigned k = 0; k < ng; k++) {
		fprintf(out, "<section class=\"area\" id=\"d%u-section-%u\" data-label=\"", d, k);
		esc(out, g[k].label);
		fprintf(out, "\" data-section=\"%s\" data-kind=\"%s\">\n<h4>", g[k].section ? g[k].section : "",
			g[k].spec ? "spec" : "robustness");
		if (g[k].section) {
			fputs("<span class=\"sec\">", out);
			esc(out, g[k].section);
			fputs("</span>", out);
		}
		esc(out, *g[k].label ? g[k].label : "(no label)");
		fputs("</h4>\n<table class=\"clauses\">\n<tr><th>Clause</th><th>Keyword</th><th>Status</th>"
		      "<th>Observed</th><th>Expected</th><th>Message</th></tr>\n", out);
		for (unsigned s = 0; s < NORDER; s++)
			for (unsigned j = 0; j < dr->n; j++)
				if (rank(dr->results[j].status) == s && !strcasecmp(label_of(&dr->results[j]), g[k].label))
					row(out, &dr->results[j], d);
		fputs("</table>\n</section>\n", out);
	}
	free(g);
}

/* Every catalog id the report cites, once, in section order. */
static int rule_cmp(const void *pa, const void *pb)
{
	const struct vc_rule *a = *(const struct vc_rule *const *)pa, *b = *(const struct vc_rule *const *)pb;
	int c = vc_section_cmp(a->section, b->section);
	size_t na = strcspn(a->id, "0123456789"), nb = strcspn(b->id, "0123456789");

	if (c)
		return c;
	if (na != nb || strncmp(a->id, b->id, na))       /* PCI-NOTIFY-DEV-3 before PCI-NOTIFY-DEV-10 */
		return strcmp(a->id, b->id);
	return atoi(a->id + na) - atoi(b->id + nb);
}

static unsigned cited(const struct vc_report *r, const struct vc_rule **rules, unsigned max)
{
	unsigned n = 0;
	char id[128];

	for (unsigned d = 0; d < r->ndevices; d++)
		for (unsigned i = 0; i < r->devices[d].n; i++) {
			const struct vc_clause *cl = r->devices[d].results[i].clause;
			const char *lists[] = { cl->covers, cl->breaks };
			for (unsigned l = 0; l < 2; l++)
				for (const char *p = lists[l]; p && sscanf(p, " %127s", id) == 1;
				     p = strstr(p, id) + strlen(id)) {
					const struct vc_rule *rule = vc_spec_rule(id);
					unsigned k = 0;
					while (k < n && rules[k] != rule)
						k++;
					if (rule && k == n && n < max)
						rules[n++] = rule;
				}
		}
	qsort(rules, n, sizeof(*rules), rule_cmp);
	return n;
}

/* The appendix: each rule the report cites, as the spec words it. */
static void appendix(FILE *out, const struct vc_report *r)
{
	const struct vc_rule **rules;
	char words[4096], err[512];
	unsigned n;

	fputs("<section id=\"rules\">\n<h2>The rules cited</h2>\n", out);
	if (vc_spec_load(err, sizeof(err))) {
		fputs("<p class=\"small\">Not quoted here: ", out);
		esc(out, err);
		fputs(".</p>\n</section>\n", out);
		return;
	}
	if (!(rules = calloc(vc_spec_rule_count() + 1, sizeof(*rules)))) {
		fputs("</section>\n", out);
		return;
	}
	n = cited(r, rules, vc_spec_rule_count());
	fputs("<p class=\"small\">Each rule a clause checks (or a robustness probe breaks on purpose), quoted from "
	      "the OASIS VIRTIO 1.4 specification's LaTeX source (committee specification 01, unmodified apart from "
	      "removed markup; &copy; OASIS Open, licence terms in LICENSE.md next to it, installed with this tool), "
	      "with the project's catalog id and a summary in its own words. <code>virtio-conform explain ID</code> "
	      "prints the same.</p>\n", out);
	for (unsigned i = 0; i < n; i++) {
		const struct vc_rule *rule = rules[i];
		fputs("<div class=\"rule\" id=\"rule-", out);
		esc(out, rule->id);
		fputs("\">\n<h4><span class=\"sec\">", out);
		esc(out, rule->section);
		fputs("</span><code>", out);
		esc(out, rule->id);
		fputs("</code> <span class=\"kw\">", out);
		esc(out, rule->keyword);
		fputs("</span> <span class=\"small\">(", out);
		esc(out, rule->side);
		fputs(")</span></h4>\n<div class=\"small\">", out);
		esc(out, rule->label);
		fputs("</div>\n", out);
		if (!vc_spec_words(rule, words, sizeof(words))) {
			fputs("<blockquote>", out);
			esc(out, words);
			fputs("</blockquote>\n", out);
		}
		fputs("<p class=\"small\">", out);
		esc(out, rule->source);
		fputs(". In short: ", out);
		esc(out, rule->text);
		fputs("</p>\n</div>\n", out);
	}
	free(rules);
	fputs("</section>\n", out);
}

static void device(FILE *out, const struct vc_report *r, const struct vc_device_report *dr, unsigned d)
{
	unsigned c[VC_STATUS_COUNT];
	char prefix[32];

	vc_report_tally(dr, c);
	fprintf(out, "<section class=\"device\" id=\"device-%u\">\n<h2>", d);
	esc(out, dr->dev ? dr->dev->spec : "(device not opened)");
	fputs("</h2>\n", out);
	identity(out, dr);
	if (r->ndevices > 1) {
		verdict(out, c);
		snprintf(prefix, sizeof(prefix), "d%u-totals", d);
		totals(out, prefix, c);
	}
	failures(out, dr, d);
	trace_summary(out, dr->trace);
	sections(out, dr, d);
	fputs("</section>\n", out);
}

int vc_report_html(const struct vc_report *r, FILE *out)
{
	unsigned c[VC_STATUS_COUNT];
	char when[32], profiles[256];

	vc_report_totals(r, c);
	vc_report_time(r->started, when, sizeof(when));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"generator\" content=\"virtio-conform\">\n<title>Virtio conformance report", out);
	if (r->ndevices == 1 && r->devices[0].dev) {
		fputs(": ", out);
		esc(out, r->devices[0].dev->spec);
	}
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	fputs("<header>\n<h1>Virtio conformance report</h1>\n<p class=\"meta\">virtio-conform ", out);
	esc(out, r->tool_version ? r->tool_version : "?");
	fputs(" &middot; VIRTIO specification <span id=\"spec-version\">", out);
	esc(out, r->spec_version ? r->spec_version : "?");
	fputs("</span> &middot; profiles <span id=\"profiles\">", out);
	esc(out, vc_report_profiles(r, ", ", profiles, sizeof(profiles)));
	fprintf(out, "</span> &middot; started <time datetime=\"%s\">%s</time></p>\n</header>\n",
		r->started ? when : "", r->started ? when : "unknown");
	verdict(out, c);
	split_verdict(out, r);
	totals(out, "totals", c);
	if (r->command_line && *r->command_line) {
		fputs("<p>Reproduce with:</p>\n<pre id=\"command\"><code>", out);
		esc(out, r->command_line);
		fputs("</code></pre>\n", out);
	}
	for (unsigned d = 0; d < r->ndevices; d++)
		device(out, r, &r->devices[d], d);
	appendix(out, r);
	fputs("<footer class=\"small\"><p>PASS: the rule was met. FAIL: a MUST-level rule was not met. "
	      "WARN: a SHOULD-level rule was not met. SKIP: the rule does not apply to this device or cannot "
	      "be checked through this backend (the reason is given). ERROR: the harness could not run the "
	      "check. XFAIL: a failure an expectations file (--expect) lists, with its reason. XPASS: a listed "
	      "clause that passed (the expectation is stale). BLOCKED: not run, because the device stopped working earlier "
	      "in the run (the device's section says during which clause). A robustness rule (probe.*) is not the spec's: the "
	      "harness broke a driver rule on purpose and checked the device stayed sane. Linux: what Linux's "
	      "virtio_pci_modern driver would do with the structure a clause checks.</p></footer>\n</body>\n</html>\n", out);
	return vc_report_finish(out);
}
