/* JSON report: the machine-readable record of a run (schema in design.md).
 * Empty optional strings are null; message is always a string. */
#include <inttypes.h>
#include <string.h>
#include "vc/report.h"
#include "vc/spec.h"

/* Optional text: "" and NULL both mean absent. */
static void opt_string(FILE *out, const char *s)
{
	vc_json_string(out, s && *s ? s : NULL);
}

static void summary(FILE *out, const unsigned c[VC_STATUS_COUNT])
{
	unsigned total = 0;

	for (unsigned s = 0; s < VC_STATUS_COUNT; s++)
		total += c[s];
	fprintf(out, "{\"total\": %u, \"pass\": %u, \"fail\": %u, \"warn\": %u, \"skip\": %u, \"error\": %u, "
		"\"xfail\": %u, \"xpass\": %u, \"blocked\": %u}", total, c[VC_PASS], c[VC_FAIL], c[VC_WARN], c[VC_SKIP],
		c[VC_ERROR], c[VC_XFAIL], c[VC_XPASS], c[VC_BLOCKED]);
}

static void identity(FILE *out, const struct vc_probe *p)
{
	if (!p) {
		fputs("null", out);   /* the device could not be probed */
		return;
	}
	fprintf(out, "{\"vendor_id\": \"0x%04x\", \"device_id\": \"0x%04x\", "
		"\"subsystem_vendor_id\": \"0x%04x\", \"subsystem_id\": \"0x%04x\", "
		"\"revision\": \"0x%02x\", \"class\": \"0x%06x\", \"virtio_type\": %u, \"virtio_type_name\": ",
		p->vendor_id, p->device_id, p->subsystem_vendor_id, p->subsystem_id,
		p->revision, (unsigned)p->class_code & 0xffffff, p->virtio_type);
	opt_string(out, vc_virtio_type_name(p->virtio_type));
	fputc('}', out);
}

static void result(FILE *out, const struct vc_result *res)
{
	const struct vc_clause *cl = res->clause;

	fputs("{\"id\": ", out);
	vc_json_string(out, cl->id);
	fputs(", \"label\": ", out);
	vc_json_string(out, cl->label);
	fputs(", \"keyword\": ", out);
	vc_json_string(out, vc_keyword_str(cl->keyword));
	fputs(", \"section\": ", out);
	vc_json_string(out, vc_clause_section(cl));
	fputs(", \"side\": ", out);
	vc_json_string(out, vc_side_str(cl->side));
	fputs(", \"since\": ", out);
	opt_string(out, cl->since);
	fputs(", \"covers\": ", out);
	vc_json_words(out, cl->covers);
	fputs(", \"status\": ", out);
	vc_json_string(out, vc_status_str(res->status));
	fputs(", \"message\": ", out);
	vc_json_string(out, res->message);
	fputs(", \"observed\": ", out);
	opt_string(out, res->observed);
	fputs(", \"expected\": ", out);
	opt_string(out, res->expected);
	fputs(", \"linux\": ", out);
	opt_string(out, res->linux_note);
	fputs(", \"severity\": ", out);
	opt_string(out, res->severity);
	fprintf(out, ", \"duration_us\": %" PRIu64 ", \"round_trips\": %" PRIu64 ", \"batches\": %" PRIu64 "}",
		res->duration_us, res->round_trips, res->batches);
}

static void device(FILE *out, const struct vc_device_report *dr)
{
	const struct vc_device *dev = dr->dev;
	unsigned c[VC_STATUS_COUNT];

	fputs("    {\n      \"spec\": ", out);
	opt_string(out, dev ? dev->spec : NULL);
	fputs(",\n      \"backend\": ", out);
	opt_string(out, dev ? dev->backend : NULL);
	fputs(",\n      \"location\": ", out);
	opt_string(out, dev ? dev->location : NULL);
	fputs(",\n      \"implementation\": ", out);
	opt_string(out, dev ? dev->implementation : NULL);
	fputs(",\n      \"note\": ", out);
	opt_string(out, dev ? dev->note : NULL);
	/* the device stopped working: during which clause, what was seen */
	fputs(",\n      \"stopped\": ", out);
	if (dev && dev->gone[0]) {
		fputs("{\"during\": ", out);
		vc_json_string(out, dev->gone_during);
		fputs(", \"cause\": ", out);
		vc_json_string(out, dev->gone);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	if (dev)        /* the whole session's, opening and probing included */
		fprintf(out, ",\n      \"round_trips\": %" PRIu64 ",\n      \"batches\": %" PRIu64, dev->round_trips,
			dev->batches);
	fputs(",\n      \"identity\": ", out);
	identity(out, dr->probe);
	fputs(",\n      \"results\": [", out);
	/* one result a line: readable, and greppable by id */
	for (unsigned i = 0; i < dr->n; i++) {
		fputs(i ? ",\n        " : "\n        ", out);
		result(out, &dr->results[i]);
	}
	fputs(dr->n ? "\n      ],\n" : "],\n", out);
	vc_report_tally(dr, c);
	fputs("      \"summary\": ", out);
	summary(out, c);
	fputs("\n    }", out);
}

int vc_report_json(const struct vc_report *r, FILE *out)
{
	unsigned c[VC_STATUS_COUNT];
	char when[32], profiles[256];

	fputs("{\n  \"tool\": {\"name\": \"virtio-conform\", \"version\": ", out);
	opt_string(out, r->tool_version);
	fputs("},\n  \"spec\": {\"version\": ", out);
	opt_string(out, r->spec_version);
	/* the clause sets the results come from: "default" is the spec's */
	vc_report_profiles(r, " ", profiles, sizeof(profiles));
	fputs("},\n  \"profiles\": ", out);
	vc_json_words(out, profiles);
	fputs(",\n  \"command\": ", out);
	opt_string(out, r->command_line);
	fputs(",\n  \"started\": ", out);
	vc_report_time(r->started, when, sizeof(when));
	opt_string(out, r->started ? when : NULL);
	fputs(",\n  \"devices\": [", out);
	for (unsigned d = 0; d < r->ndevices; d++) {
		fputs(d ? ",\n" : "\n", out);
		device(out, &r->devices[d]);
	}
	fputs(r->ndevices ? "\n  ],\n" : "],\n", out);
	vc_report_totals(r, c);
	fputs("  \"summary\": ", out);
	summary(out, c);
	fputs("\n}\n", out);
	return vc_report_finish(out);
}
