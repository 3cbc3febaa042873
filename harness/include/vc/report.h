/* Report writers: text, TAP 14, JUnit XML, JSON, HTML. */
#ifndef VC_REPORT_H
#define VC_REPORT_H

#include <stdio.h>
#include <stdint.h>
#include <time.h>
#include "clause.h"

enum vc_format { VC_FMT_TEXT, VC_FMT_TAP, VC_FMT_JUNIT, VC_FMT_JSON, VC_FMT_HTML, VC_FMT_SUMMARY,
		VC_FMT_COUNT };

/* One device's run. */
struct vc_device_report {
	const struct vc_device *dev;
	const struct vc_probe *probe;
	struct vc_result *results;
	unsigned n;
	unsigned counts[VC_STATUS_COUNT];
	const struct vc_trace *trace;    /* the run's doorbells; NULL: not traced */
};

struct vc_report {
	const char *tool_version;
	const char *spec_version;        /* "1.4" */
	const char *profile;             /* NULL: default */
	const char *command_line;        /* to reproduce */
	time_t started;
	struct vc_device_report *devices;
	unsigned ndevices;
	/* certify: the folder the reports go to, and their names (NULL-ended) */
	const char *folder;
	const char *const *files;
};

/* "text", "tap", "junit", "json", "html", "summary": 0, or -EINVAL for anything else. */
int vc_format_parse(const char *name, enum vc_format *out);
const char *vc_format_name(enum vc_format f);
/* Fill dr->counts from dr->results. */
void vc_report_count(struct vc_device_report *dr);
/* Write the report; returns 0 or -errno (-EINVAL for an unknown format).
 * The writers recount from the results; they do not trust dr->counts. */
int vc_report_write(const struct vc_report *r, enum vc_format f, FILE *out);

int vc_report_text(const struct vc_report *r, FILE *out);
int vc_report_tap(const struct vc_report *r, FILE *out);
int vc_report_junit(const struct vc_report *r, FILE *out);
int vc_report_json(const struct vc_report *r, FILE *out);
/* One self-contained page (inline CSS and SVG, no scripts, nothing fetched). */
int vc_report_html(const struct vc_report *r, FILE *out);
/* One screen: verdict, counts, a line per failure, where the files are. */
int vc_report_summary(const struct vc_report *r, FILE *out);

/* Helpers shared by the writers. */
/* The profiles whose clauses the report holds, separated by sep: "default"
 * (the spec clauses), then the others as they come ("robustness"...). */
const char *vc_report_profiles(const struct vc_report *r, const char *sep, char *buf, size_t len);
/* Count results by status, for one device or over all devices. */
void vc_report_tally(const struct vc_device_report *dr, unsigned counts[VC_STATUS_COUNT]);
void vc_report_totals(const struct vc_report *r, unsigned counts[VC_STATUS_COUNT]);
/* ISO-8601 UTC ("2024-05-01T12:00:00Z") into buf (at least 21 bytes). */
void vc_report_time(time_t t, char *buf, size_t len);
/* Flush and check the stream: 0 or -errno (-EIO when the error is gone). */
int vc_report_finish(FILE *out);

/* The well-formed UTF-8 sequence at s: its length (1..4) and code point, or
 * 0 when the byte at s does not start one (overlong, surrogate, > U+10FFFF,
 * truncated). Never reads past a NUL. */
unsigned vc_utf8_seq(const char *s, uint32_t *cp);
/* Escaping. Both always produce valid output from any bytes: invalid UTF-8
 * becomes U+FFFD (JSON) or '?' (XML). */
/* A quoted JSON string (also a valid YAML double-quoted scalar); NULL: null. */
void vc_json_string(FILE *out, const char *s);
/* Space-separated words (a clause's covers) as a JSON array of strings. */
void vc_json_words(FILE *out, const char *s);
/* XML element text; control characters other than tab/LF/CR become '?'. */
void vc_xml_string(FILE *out, const char *s);
/* XML attribute value (without the quotes): tab/LF/CR as character
 * references so attribute normalisation keeps them. */
void vc_xml_attr(FILE *out, const char *s);
/* HTML text or quoted attribute value: markup characters as references,
 * control characters and noncharacters as '?', invalid UTF-8 as U+FFFD. */
void vc_html_string(FILE *out, const char *s);

#endif
