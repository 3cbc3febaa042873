/* Report writers: text, TAP 14, JUnit XML, JSON. */
#ifndef VC_REPORT_H
#define VC_REPORT_H

#include <stdio.h>
#include <time.h>
#include "clause.h"

enum vc_format { VC_FMT_TEXT, VC_FMT_TAP, VC_FMT_JUNIT, VC_FMT_JSON, VC_FMT_COUNT };

/* One device's run. */
struct vc_device_report {
	const struct vc_device *dev;
	const struct vc_probe *probe;
	struct vc_result *results;
	unsigned n;
	unsigned counts[VC_STATUS_COUNT];
};

struct vc_report {
	const char *tool_version;
	const char *spec_version;        /* "1.4" */
	const char *profile;             /* NULL: default */
	const char *command_line;        /* to reproduce */
	time_t started;
	struct vc_device_report *devices;
	unsigned ndevices;
};

int vc_format_parse(const char *name, enum vc_format *out);
const char *vc_format_name(enum vc_format f);
void vc_report_count(struct vc_device_report *dr);
/* Write the report; returns 0 or -errno. */
int vc_report_write(const struct vc_report *r, enum vc_format f, FILE *out);

int vc_report_text(const struct vc_report *r, FILE *out);
int vc_report_tap(const struct vc_report *r, FILE *out);
int vc_report_junit(const struct vc_report *r, FILE *out);
int vc_report_json(const struct vc_report *r, FILE *out);

/* Escaping helpers shared by the writers. */
void vc_json_string(FILE *out, const char *s);
void vc_xml_string(FILE *out, const char *s);

#endif
