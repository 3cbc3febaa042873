/* `virtio-conform explain ID`: a rule of the spec (a catalog id) or a clause
 * of the tool, for someone who holds a report and not the spec: the rule as
 * the spec words it, its section and label, the clauses that check it, the
 * simulated-device fault that makes each fail, and the commands to see it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "sim.h"
#include "vc/cli.h"
#include "vc/explain.h"
#include "vc/spec.h"

#define WIDTH 78

static void wrap(FILE *out, const char *s, unsigned indent, unsigned col)
{
	vc_cli_wrap(out, s, indent, col, WIDTH);
}

static const char *fault_what(const char *name)
{
	for (unsigned f = 0; f < SIM_FAULT_COUNT; f++)
		if (!strcmp(sim_faults[f].name, name))
			return sim_faults[f].what;
	return "";
}

static bool listed(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* The rule: section, label, the spec's sentence, the catalog's words. */
static void rule(FILE *out, const struct vc_rule *r, unsigned indent)
{
	char words[4096];
	int rc = vc_spec_words(r, words, sizeof(words));

	fprintf(out, "%*s%s  %s (%s rule), section %s\n", (int)indent, "", r->id, r->keyword, r->side, r->section);
	fprintf(out, "%*s", (int)indent + 2, "");
	wrap(out, r->label, indent + 2, indent + 2);
	if (!rc) {
		fprintf(out, "%*sThe spec (%s):\n%*s\"", (int)indent + 2, "", r->source, (int)indent + 4, "");
		size_t n = strlen(words);
		if (n + 2 < sizeof(words)) {
			words[n] = '"';
			words[n + 1] = 0;
		}
		wrap(out, words, indent + 5, indent + 5);
	} else {
		fprintf(out, "%*sThe spec's sentence is at %s (%s here).\n", (int)indent + 2, "", r->source,
			rc == -ENOENT ? "that file is not installed" : strerror(-rc));
	}
	fprintf(out, "%*sIn short: ", (int)indent + 2, "");
	wrap(out, r->text, indent + 4, indent + 12);
	if (*r->condition) {
		fprintf(out, "%*sApplies when: ", (int)indent + 2, "");
		wrap(out, r->condition, indent + 4, indent + 16);
	}
}

/* The clause: what it checks, and how to see it fail and run it. */
static void clause(FILE *out, const struct vc_clause *cl, bool with_rules)
{
	char faults[2048], word[128];
	const char *section = vc_clause_section(cl);

	fprintf(out, "%s  %s (%s %s, since %s)%s%s\n", cl->id, vc_keyword_str(cl->keyword), vc_side_str(cl->side),
		cl->side == VC_ROBUSTNESS ? "probe" : "rule", cl->since ? cl->since : "?",
		cl->profile ? ", profile " : "", cl->profile ? cl->profile : "");
	fputs("  ", out);
	wrap(out, cl->summary, 2, 2);
	if (section)
		fprintf(out, "  Section %s: ", section);
	else
		fputs("  ", out);
	wrap(out, cl->label ? cl->label : "(no label)", 4, section ? 12 + (unsigned)strlen(section) : 2);
	if (with_rules && cl->covers && *cl->covers) {
		fputs("  Checks:\n", out);
		for (const char *p = cl->covers; sscanf(p, " %127s", word) == 1; p = strstr(p, word) + strlen(word)) {
			const struct vc_rule *r = vc_spec_rule(word);
			if (r)
				rule(out, r, 4);
			else
				fprintf(out, "    %s (not in the catalogs)\n", word);
		}
	}
	if (cl->breaks && *cl->breaks) {
		fputs("  Breaks on purpose (a robustness probe, not a spec verdict):\n", out);
		for (const char *p = cl->breaks; sscanf(p, " %127s", word) == 1; p = strstr(p, word) + strlen(word)) {
			const struct vc_rule *r = vc_spec_rule(word);
			fprintf(out, "    %s", word);
			if (r) {
				fprintf(out, " (section %s): ", r->section);
				wrap(out, r->text, 6, 8 + (unsigned)(strlen(word) + strlen(r->section)) + 12);
			} else {
				fputc('\n', out);
			}
		}
	}
	sim_faults_breaking(cl->id, faults, sizeof(faults));
	if (*faults) {
		fputs("  Fails on the simulated device with:\n", out);
		for (const char *p = faults; sscanf(p, " %127s", word) == 1; p = strstr(p, word) + strlen(word)) {
			fprintf(out, "    sim:%s  ", word);
			wrap(out, fault_what(word), 6, 10 + (unsigned)strlen(word));
		}
		sscanf(faults, "%127s", word);
		fprintf(out, "  Reproduce:\n    virtio-conform run --device sim:%s --clause %s\n", word, cl->id);
	} else {
		fprintf(out, "  Run it:\n");
	}
	fprintf(out, "    virtio-conform run --device SPEC --clause %s", cl->id);
	fprintf(out, "%s\n", *faults ? "   # on your device" : "");
}

static int explain_rule(FILE *out, const struct vc_rule *r)
{
	unsigned checked = 0, broken = 0;

	rule(out, r, 0);
	char how[1024];
	snprintf(how, sizeof(how), "%s%s%s", r->testability, *r->how ? "; how: " : "", r->how);
	fputs("  Testability: ", out);
	wrap(out, how, 4, 15);
	for (unsigned i = 0; i < vc_clause_count(); i++)
		checked += listed(vc_clause_at(i)->covers, r->id);
	if (!checked)
		fprintf(out, "\nNo clause checks %s%s.\n", r->id,
			!strcmp(r->testability, "untestable") ? " (the catalog finds it untestable from outside)"
			: !strcmp(r->testability, "driver-side") ? " (a driver's rule: the harness obeys it)" : " yet");
	for (unsigned i = 0; i < vc_clause_count(); i++) {
		const struct vc_clause *cl = vc_clause_at(i);
		if (!listed(cl->covers, r->id))
			continue;
		fprintf(out, "\nChecked by ");
		clause(out, cl, false);
	}
	for (unsigned i = 0; i < vc_clause_count(); i++) {
		const struct vc_clause *cl = vc_clause_at(i);
		if (!listed(cl->breaks, r->id))
			continue;
		fprintf(out, "%sBroken on purpose by the robustness probe %s (profile %s)\n", broken++ ? "" : "\n", cl->id,
			cl->profile ? cl->profile : "default");
	}
	return 0;
}

int vc_explain(FILE *out, const char *id, char *err, size_t len)
{
	const struct vc_clause *cl = vc_clause_find(id);
	const struct vc_rule *r;
	char why[512];
	int rc = vc_spec_load(why, sizeof(why));

	if (cl) {
		clause(out, cl, true);
		if (rc)
			fprintf(out, "  (%s)\n", why);
		return 0;
	}
	if (rc) {
		snprintf(err, len, "%s", why);
		return rc;
	}
	if ((r = vc_spec_rule(id)))
		return explain_rule(out, r);
	snprintf(err, len, "'%s' is neither a catalog id (like PCI-COMMON-DEV-6) nor a clause id (like "
		 "pci.common.config-generation-changes): `virtio-conform list` shows the clauses", id);
	return -EINVAL;
}
