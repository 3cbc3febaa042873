/* JUnit XML, the dialect CI systems (Jenkins, GitLab, GitHub actions) read:
 * one <testsuite> per device, one <testcase> per clause. WARN is a failure
 * of type WARN so CI shows it; the type attribute tells it from FAIL. An
 * expected failure (XFAIL) is skipped with the expectation as its message,
 * so CI stays green; an unexpected pass (XPASS) passes with a note in
 * system-out, as the exit status treats it (red only with --strict). */
#include <inttypes.h>
#include <string.h>
#include "vc/report.h"
#include "vc/spec.h"

/* Microseconds as decimal seconds, without floating point rounding. */
static void seconds(FILE *out, uint64_t us)
{
	fprintf(out, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

static void property(FILE *out, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(out, "      <property name=\"%s\" value=\"", name);
	vc_xml_attr(out, value);
	fputs("\"/>\n", out);
}

static void testcase(FILE *out, const struct vc_result *res)
{
	const struct vc_clause *cl = res->clause;
	const char *dot = strrchr(cl->id, '.');
	const char *elem = res->status == VC_FAIL || res->status == VC_WARN ? "failure" : "error";
	char area[128];

	/* classname: the suite area, so CI groups clauses as the ids do */
	snprintf(area, sizeof(area), "%.*s", dot ? (int)(dot - cl->id) : 0, cl->id);
	fputs("    <testcase classname=\"", out);
	vc_xml_attr(out, area);
	fputs("\" name=\"", out);
	vc_xml_attr(out, cl->id);
	fputs("\" time=\"", out);
	seconds(out, res->duration_us);
	if (res->status == VC_PASS && !res->linux_note[0]) {
		fputs("\"/>\n", out);
		return;
	}
	fputs("\">\n", out);
	if (res->status == VC_SKIP || res->status == VC_XFAIL) {
		fputs("      <skipped message=\"", out);
		vc_xml_attr(out, res->message);
		fputs("\"/>\n", out);
	} else if (res->status != VC_PASS && res->status != VC_XPASS) {
		fprintf(out, "      <%s message=\"", elem);
		vc_xml_attr(out, res->message);
		fprintf(out, "\" type=\"%s\">", vc_status_str(res->status));
		/* the body repeats the message: some CI views show only the body */
		vc_xml_string(out, res->message);
		const char *section = vc_clause_section(cl);
		fprintf(out, "\n%s: %s%s", vc_keyword_str(cl->keyword), section ? section : "", section ? " " : "");
		vc_xml_string(out, cl->label);
		if (res->observed[0]) {
			fputs("\nobserved: ", out);
			vc_xml_string(out, res->observed);
		}
		if (res->expected[0]) {
			fputs("\nexpected: ", out);
			vc_xml_string(out, res->expected);
		}
		fprintf(out, "</%s>\n", elem);
	}
	if (res->status == VC_XPASS || res->linux_note[0]) {
		fputs("      <system-out>", out);
		if (res->status == VC_XPASS)
			vc_xml_string(out, res->message);
		if (res->linux_note[0]) {
			fputs(res->status == VC_XPASS ? "\nlinux: " : "linux: ", out);
			vc_xml_string(out, res->linux_note);
		}
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

/* The counts attributes, shared by <testsuites> and <testsuite>. */
static void counts(FILE *out, const unsigned c[VC_STATUS_COUNT], uint64_t us)
{
	unsigned total = 0;

	for (unsigned s = 0; s < VC_STATUS_COUNT; s++)
		total += c[s];
	fprintf(out, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"", total,
		c[VC_FAIL] + c[VC_WARN], c[VC_ERROR] + c[VC_BLOCKED], c[VC_SKIP] + c[VC_XFAIL]);
	seconds(out, us);
	fputc('"', out);
}

static uint64_t duration(const struct vc_device_report *dr)
{
	uint64_t us = 0;

	for (unsigned i = 0; i < dr->n; i++)
		us += dr->results[i].duration_us;
	return us;
}

int vc_report_junit(const struct vc_report *r, FILE *out)
{
	unsigned c[VC_STATUS_COUNT];
	uint64_t total_us = 0;
	char when[32], profiles[256];

	for (unsigned d = 0; d < r->ndevices; d++)
		total_us += duration(&r->devices[d]);
	vc_report_totals(r, c);
	vc_report_time(r->started, when, sizeof(when));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"virtio-conform\"", out);
	counts(out, c, total_us);
	fputs(">\n", out);
	for (unsigned d = 0; d < r->ndevices; d++) {
		const struct vc_device_report *dr = &r->devices[d];
		const struct vc_device *dev = dr->dev;
		const struct vc_probe *p = dr->probe;
		char id[32];

		vc_report_tally(dr, c);
		fputs("  <testsuite name=\"virtio-conform ", out);
		vc_xml_attr(out, dev ? dev->spec : "?");
		fputc('"', out);
		counts(out, c, duration(dr));
		fprintf(out, " timestamp=\"%s\">\n    <properties>\n", when);
		property(out, "tool_version", r->tool_version);
		property(out, "spec_version", r->spec_version);
		property(out, "profiles", vc_report_profiles(r, " ", profiles, sizeof(profiles)));
		property(out, "command", r->command_line);
		if (dev) {
			property(out, "backend", dev->backend);
			property(out, "location", dev->location);
			property(out, "implementation", dev->implementation);
			property(out, "note", dev->note);
		}
		if (p) {
			snprintf(id, sizeof(id), "%04x:%04x", p->vendor_id, p->device_id);
			property(out, "identity", id);
			snprintf(id, sizeof(id), "%04x:%04x", p->subsystem_vendor_id, p->subsystem_id);
			property(out, "subsystem", id);
		}
		fputs("    </properties>\n", out);
		for (unsigned i = 0; i < dr->n; i++)
			testcase(out, &dr->results[i]);
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	return vc_report_finish(out);
}
