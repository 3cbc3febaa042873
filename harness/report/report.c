/* What every report writer shares: format names, counting, time stamps,
 * stream error checks, and the JSON/XML/HTML escaping (one UTF-8 walk for all). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "vc/report.h"

static const char *const format_names[VC_FMT_COUNT] = {
	[VC_FMT_TEXT] = "text", [VC_FMT_TAP] = "tap", [VC_FMT_JUNIT] = "junit", [VC_FMT_JSON] = "json",
	[VC_FMT_HTML] = "html", [VC_FMT_SUMMARY] = "summary",
};

int vc_format_parse(const char *name, enum vc_format *out)
{
	for (unsigned f = 0; f < VC_FMT_COUNT; f++) {
		if (name && strcmp(name, format_names[f]) == 0) {
			*out = (enum vc_format)f;
			return 0;
		}
	}
	return -EINVAL;
}

const char *vc_format_name(enum vc_format f)
{
	return (unsigned)f < VC_FMT_COUNT ? format_names[f] : "?";
}

const char *vc_report_profiles(const struct vc_report *r, const char *sep, char *buf, size_t len)
{
	char seen[512] = "";
	size_t used = 0, listed = 0;

	buf[0] = 0;
	for (unsigned pass = 0; pass < 2; pass++)      /* the default first */
		for (unsigned d = 0; d < r->ndevices; d++)
			for (unsigned i = 0; i < r->devices[d].n; i++) {
				const char *p = r->devices[d].results[i].clause->profile;
				if (!p != !pass)
					continue;
				p = p ? p : "default";
				if (vc_profile_listed(seen, p) || listed + strlen(p) + 2 > sizeof(seen))
					continue;
				listed += (size_t)snprintf(seen + listed, sizeof(seen) - listed, "%s%s", listed ? "," : "", p);
				if (used < len)
					used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? sep : "", p);
			}
	return buf;
}

void vc_report_tally(const struct vc_device_report *dr, unsigned counts[VC_STATUS_COUNT])
{
	memset(counts, 0, VC_STATUS_COUNT * sizeof(counts[0]));
	for (unsigned i = 0; i < dr->n; i++) {
		unsigned s = dr->results[i].status;
		/* a corrupt status is the harness's fault: count it as an error */
		counts[s < VC_STATUS_COUNT ? s : VC_ERROR]++;
	}
}

void vc_report_totals(const struct vc_report *r, unsigned counts[VC_STATUS_COUNT])
{
	unsigned c[VC_STATUS_COUNT];

	memset(counts, 0, VC_STATUS_COUNT * sizeof(counts[0]));
	for (unsigned d = 0; d < r->ndevices; d++) {
		vc_report_tally(&r->devices[d], c);
		for (unsigned s = 0; s < VC_STATUS_COUNT; s++)
			counts[s] += c[s];
	}
}

void vc_report_count(struct vc_device_report *dr)
{
	vc_report_tally(dr, dr->counts);
}

void vc_report_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

int vc_report_finish(FILE *out)
{
	if (fflush(out) != 0)
		return errno ? -errno : -EIO;
	return ferror(out) ? -EIO : 0;
}

int vc_report_write(const struct vc_report *r, enum vc_format f, FILE *out)
{
	switch (f) {
	case VC_FMT_TEXT: return vc_report_text(r, out);
	case VC_FMT_TAP: return vc_report_tap(r, out);
	case VC_FMT_JUNIT: return vc_report_junit(r, out);
	case VC_FMT_JSON: return vc_report_json(r, out);
	case VC_FMT_HTML: return vc_report_html(r, out);
	case VC_FMT_SUMMARY: return vc_report_summary(r, out);
	default: return -EINVAL;
	}
}

unsigned vc_utf8_seq(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c = s[0], min;
	unsigned n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		n = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)   /* also stops at the terminating NUL */
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

enum esc { ESC_JSON, ESC_XML_TEXT, ESC_XML_ATTR, ESC_HTML };

static void escape(FILE *out, const char *s, enum esc mode)
{
	while (*s) {
		uint32_t cp = 0;
		unsigned n = vc_utf8_seq(s, &cp);
		const char *rep = NULL;
		char buf[8];

		if (!n) {
			/* one bad byte: replace it and resynchronise on the next */
			fputs(mode == ESC_JSON ? "\\ufffd" : mode == ESC_HTML ? "\xef\xbf\xbd" : "?", out);
			s++;
			continue;
		}
		if (mode == ESC_JSON) {
			switch (cp) {
			case '"': rep = "\\\""; break;
			case '\\': rep = "\\\\"; break;
			case '\n': rep = "\\n"; break;
			case '\r': rep = "\\r"; break;
			case '\t': rep = "\\t"; break;
			default:
				if (cp < 0x20) {
					snprintf(buf, sizeof(buf), "\\u%04x", (unsigned)cp);
					rep = buf;
				}
			}
		} else if (mode == ESC_HTML) {
			switch (cp) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			default:
				/* what HTML's parser calls control characters or noncharacters */
				if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp < 0xa0) ||
				    (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
					rep = "?";
			}
		} else {
			switch (cp) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&apos;"; break;
			case '\t': if (mode == ESC_XML_ATTR) rep = "&#9;"; break;
			case '\n': if (mode == ESC_XML_ATTR) rep = "&#10;"; break;
			case '\r': rep = "&#13;"; break;   /* a raw CR would be normalised away */
			case 0xfffe: case 0xffff: rep = "?"; break;   /* not XML characters */
			default:
				if (cp < 0x20)
					rep = "?";
			}
		}
		if (rep)
			fputs(rep, out);
		else
			fwrite(s, 1, n, out);
		s += n;
	}
}

void vc_json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	escape(out, s, ESC_JSON);
	fputc('"', out);
}

void vc_xml_string(FILE *out, const char *s)
{
	if (s)
		escape(out, s, ESC_XML_TEXT);
}

void vc_xml_attr(FILE *out, const char *s)
{
	if (s)
		escape(out, s, ESC_XML_ATTR);
}

void vc_html_string(FILE *out, const char *s)
{
	if (s)
		escape(out, s, ESC_HTML);
}

void vc_json_words(FILE *out, const char *s)
{
	char id[128];
	const char *sep = "";

	fputc('[', out);
	while (s && *s) {
		size_t len = strcspn(s, " \t\n");

		if (len) {
			snprintf(id, sizeof(id), "%.*s", (int)len, s);
			fputs(sep, out);
			vc_json_string(out, id);
			sep = ", ";
		}
		s += len;
		s += strspn(s, " \t\n");
	}
	fputc(']', out);
}
