/* TAP version 14. One test point per clause; SKIP is a directive; FAIL,
 * ERROR and WARN are "not ok" with a YAML block whose severity tells them
 * apart (TAP has no warning directive, and a TODO would hide the finding).
 * An expected failure (--expect) is what TODO means: XFAIL is "not ok #
 * TODO reason", XPASS "ok # TODO reason", which harnesses report as an
 * unexpected success. Several devices: one commented subtest per device. */
#include <stdbool.h>
#include "vc/report.h"
#include "vc/spec.h"

/* Text on a test-point line: one line, '#' and '\' escaped (TAP 14), so a
 * message can never start a directive. */
static void line_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '#' || *s == '\\')
			fputc('\\', out);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, out);
	}
}

/* key: "value" in the YAML block; JSON strings are YAML double-quoted scalars. */
static void yaml_kv(FILE *out, const char *ind, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	fprintf(out, "%s  %s: ", ind, key);
	vc_json_string(out, val);
	fputc('\n', out);
}

static void point(FILE *out, const char *ind, unsigned num, const struct vc_result *res)
{
	const struct vc_clause *cl = res->clause;
	enum vc_status s = res->status;
	const char *severity = s == VC_FAIL ? "fail" : s == VC_WARN ? "warning" : s == VC_XFAIL ? "expected-fail"
			     : s == VC_BLOCKED ? "blocked" : s == VC_SKIP || s == VC_PASS || s == VC_XPASS ? NULL : "error";
	const char *directive = s == VC_SKIP ? "SKIP" : s == VC_XFAIL || s == VC_XPASS ? "TODO" : NULL;

	fprintf(out, "%s%sok %u - ", ind, severity ? "not " : "", num);
	line_text(out, cl->id);
	if (directive) {
		fprintf(out, res->message[0] ? " # %s " : " # %s", directive);
		line_text(out, res->message);
	}
	fputc('\n', out);
	if (!severity && !res->linux_note[0])
		return;
	fprintf(out, "%s  ---\n", ind);
	if (severity)
		fprintf(out, "%s  severity: %s\n", ind, severity);
	yaml_kv(out, ind, "keyword", vc_keyword_str(cl->keyword));
	yaml_kv(out, ind, "label", cl->label);
	yaml_kv(out, ind, "section", vc_clause_section(cl));
	yaml_kv(out, ind, "message", res->message);
	yaml_kv(out, ind, "observed", res->observed);
	yaml_kv(out, ind, "expected", res->expected);
	yaml_kv(out, ind, "linux", res->linux_note);
	fprintf(out, "%s  ...\n", ind);
}

/* What implements the device (QEMU and its version, a backend daemon, the
 * kernel and driver), as a comment. */
static void implementation(FILE *out, const char *ind, const struct vc_device_report *dr)
{
	if (!dr->dev || !dr->dev->implementation[0])
		return;
	fprintf(out, "%s# implementation: ", ind);
	line_text(out, dr->dev->implementation);
	fputc('\n', out);
}

/* Returns whether every clause passed or was skipped. */
static bool device(FILE *out, const char *ind, const struct vc_device_report *dr)
{
	bool ok = true;

	fprintf(out, "%s1..%u\n", ind, dr->n);
	if (dr->dev && dr->dev->gone[0]) {
		fprintf(out, "%s# the device stopped working during ", ind);
		line_text(out, dr->dev->gone_during);
		fputs(": ", out);
		line_text(out, dr->dev->gone);
		fputs("; later clauses that need it are blocked\n", out);
	}
	for (unsigned i = 0; i < dr->n; i++) {
		point(out, ind, i + 1, &dr->results[i]);
		ok &= dr->results[i].status == VC_PASS || dr->results[i].status == VC_SKIP ||
		      dr->results[i].status == VC_XFAIL || dr->results[i].status == VC_XPASS;
	}
	return ok;
}

int vc_report_tap(const struct vc_report *r, FILE *out)
{
	char profiles[256];

	fprintf(out, "TAP version 14\n# virtio-conform %s, virtio %s, profiles ", r->tool_version ? r->tool_version : "?",
		r->spec_version ? r->spec_version : "?");
	line_text(out, vc_report_profiles(r, ", ", profiles, sizeof(profiles)));
	fputc('\n', out);
	if (r->ndevices == 1) {
		const struct vc_device_report *dr = &r->devices[0];

		fputs("# device: ", out);
		line_text(out, dr->dev ? dr->dev->spec : "?");
		fputc('\n', out);
		implementation(out, "", dr);
		device(out, "", dr);
		return vc_report_finish(out);
	}
	fprintf(out, "1..%u\n", r->ndevices);
	for (unsigned d = 0; d < r->ndevices; d++) {
		const struct vc_device_report *dr = &r->devices[d];
		const char *spec = dr->dev ? dr->dev->spec : "?";

		fputs("# Subtest: ", out);
		line_text(out, spec);
		fputc('\n', out);
		implementation(out, "    ", dr);
		bool ok = device(out, "    ", dr);
		fprintf(out, "%sok %u - ", ok ? "" : "not ", d + 1);
		line_text(out, spec);
		fputc('\n', out);
	}
	return vc_report_finish(out);
}
