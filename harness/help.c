/* The command line's tables, and the help text and man page printed from
 * them: the commands, the options (main.c's parser is built from the same
 * table), the device backends (vc_backends), the report formats, and the
 * profiles the clauses name. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "vc/cli.h"
#include "vc/clause.h"
#include "vc/device.h"
#include "vc/report.h"
#include "vc/spec.h"

#define RUNS (VC_CMD_RUN | VC_CMD_CERTIFY)
#define ALL 0x7fu

const struct vc_cli_command vc_cli_commands[] = {
	{ "run", VC_CMD_RUN, "--device SPEC [OPTIONS]",
	  "Check one or more devices against the selected clauses and write the report." },
	{ "certify", VC_CMD_CERTIFY, "--device SPEC [--add-in-card] [--output DIR] [OPTIONS]",
	  "Run the spec clauses and the robustness probes and write every report format and the doorbell "
	  "trace into one folder (default ./certificate), then a one-screen summary. The reports name the "
	  "profiles that ran." },
	{ "list", VC_CMD_LIST, "[--clause GLOB]... [--exclude GLOB]... [--profile NAME] [--format text|json]",
	  "The clauses: id, keyword and rule (json: label, section, needs, catalog ids covered, sim faults). "
	  "With --faults: the simulated device's faults and settings." },
	{ "explain", VC_CMD_EXPLAIN, "ID...",
	  "What a catalog id (PCI-COMMON-DEV-6) or a clause id (pci.common.config-generation-changes) means: "
	  "the rule as the spec words it, its section and label, the clauses that check it, the simulated "
	  "device's fault that fails each, and the commands that reproduce it." },
	{ "devices", VC_CMD_DEVICES, "[--format text|json]",
	  "The virtio-pci devices on this machine, their driver and the backends that can reach them "
	  "(read-only)." },
	{ "trace", VC_CMD_TRACE, "decode FILE", "A --trace file, one line per doorbell." },
	{ "help", VC_CMD_HELP, "[COMMAND]", "This text; `help man` prints it as a man page." },
	{ NULL, 0, NULL, NULL },
};

const struct vc_cli_option vc_cli_options[] = {
	{ "device", 'd', "SPEC", RUNS, false,
	  "The device to test (see DEVICES). Repeat it for several: they run in parallel, one report." },
	{ "devices", 'D', "FILE", RUNS, true, "The devices to test, one SPEC a line (# starts a comment)." },
	{ "clause", 'c', "GLOB", VC_CMD_RUN | VC_CMD_LIST, false,
	  "Only the clauses whose id matches (repeatable). A glob also reaches a profile's clauses." },
	{ "exclude", 'x', "GLOB", VC_CMD_RUN | VC_CMD_LIST, false, "Leave out the clauses whose id matches." },
	{ "profile", 'p', "NAME", RUNS | VC_CMD_LIST, false,
	  "Add a profile's clauses to the default ones (see PROFILES); repeat it or separate names with commas." },
	{ "add-in-card", 'A', NULL, RUNS, true,
	  "The device is a PCI add-in card: adds the add-in-card profile, which expects "
	  "VIRTIO_F_ACCESS_PLATFORM and VIRTIO_F_ORDER_PLATFORM (RECOMMENDED for cards, RFB-DEV-8)." },
	{ "format", 'f', "FORMAT", VC_CMD_RUN | VC_CMD_LIST | VC_CMD_DEVICES, true,
	  "The report's format (see REPORTS; default text). list and devices: text or json." },
	{ "output", 'o', "FILE", RUNS, true,
	  "Write the report to FILE instead of standard output (certify: the folder, default ./certificate)." },
	{ "report", 'r', "FORMAT:FILE", VC_CMD_RUN, false, "Write another report too (repeatable, up to 8)." },
	{ "timeout-ms", 't', "N", RUNS, true, "Each clause's watchdog in milliseconds (default 10000)." },
	{ "strict", 's', NULL, RUNS, true,
	  "Exit 1 also for a SHOULD-level rule not met (WARN) and an expected failure that passed (XPASS)." },
	{ "expect", 'E', "FILE", RUNS, true,
	  "Known failures, one a line: CLAUSE-GLOB [device=SPEC-GLOB]  # reason. A listed failure is XFAIL "
	  "(not a failure), a listed clause that passes is XPASS." },
	{ "trace", 'T', "FILE", VC_CMD_RUN, true, "Record every doorbell the harness rings, one JSON object a line." },
	{ "quiet", 'q', NULL, RUNS, true,
	  "No progress line. (It is shown only when standard error is a terminal.)" },
	{ "faults", 'F', NULL, VC_CMD_LIST, true, "List the simulated device's faults and settings." },
	{ "help", 'h', NULL, ALL, false, "This text." },
	{ NULL, 0, NULL, 0, false, NULL },
};

/* Profiles the clauses may name, in our words; a profile missing here is
 * still listed (with its clause count). */
static const struct { const char *name, *help; } profile_help[] = {
	{ "robustness", "hostile-driver probes: the harness breaks a driver rule on purpose and checks the "
			"device stays sane (certify runs them)" },
	{ "rpmb-program-key", "programs the harness's test key into an RPMB device that has none: one-time, for good "
			      "on real hardware" },
	{ "add-in-card", "the device is a PCI add-in card (--add-in-card)" },
	{ "draft-notify-cap-data", "the January 2020 draft's notify_data in the notify capability, never "
				   "standardised" },
};

static const struct { const char *name, *help; } environment[] = {
	{ "VC_SPEC_DIR", "the folder with the spec data (catalog.csv, the LaTeX); by default next to the binary "
			 "(BIN/../share/virtio-conform/spec)" },
	{ "VC_QEMU", "the QEMU binary (default qemu-system-x86_64 on PATH)" },
	{ "VC_QEMU_ARGS", "more QEMU arguments (a -netdev or -blockdev behind the device)" },
	{ "VC_QEMU_ACCEL", "QEMU's accelerator (default tcg; see the README for why)" },
	{ "VC_QEMU_RAM", "qtest: guest RAM reached through qtest commands only (default: mapped by the harness too)" },
	{ "VC_CPU_AWAKE", "0: idle CPUs may halt while a QEMU device runs (default: the harness asks them to poll, "
			  "through /dev/cpu_dma_latency, when it may)" },
	{ "NO_COLOR", "no colour in the text report" },
};

static const char exit_status[] =
	"0 every selected clause passed or was skipped; 1 a clause failed or was blocked (with --strict also a "
	"warning or an unexpected pass); 2 usage error (bad option, unknown clause glob, a selection that "
	"leaves no clause, malformed device spec); 3 the device could not be opened or read, or the harness "
	"failed.";

const struct vc_cli_command *vc_cli_command(const char *name)
{
	for (const struct vc_cli_command *c = vc_cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const struct vc_cli_option *vc_cli_option(int val)
{
	for (const struct vc_cli_option *o = vc_cli_options; o->name; o++)
		if (o->val == val)
			return o;
	return NULL;
}

const char *vc_cli_formats(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned f = 0; f < VC_FMT_COUNT && used < len; f++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", f ? ", " : "", vc_format_name(f));
	return buf;
}

/* The i-th distinct profile in registry order, and how many clauses it has. */
static const char *profile_at(unsigned i, unsigned *count)
{
	unsigned seen = 0;

	for (unsigned k = 0; k < vc_clause_count(); k++) {
		const char *p = vc_clause_at(k)->profile;
		bool first = p != NULL;
		for (unsigned j = 0; first && j < k; j++)
			first = !vc_clause_at(j)->profile || strcmp(vc_clause_at(j)->profile, p);
		if (!first || seen++ != i)
			continue;
		*count = 0;
		for (unsigned j = 0; j < vc_clause_count(); j++)
			*count += vc_clause_at(j)->profile && !strcmp(vc_clause_at(j)->profile, p);
		return p;
	}
	return NULL;
}

const char *vc_cli_profiles(char *buf, size_t len)
{
	size_t used = 0;
	unsigned n;
	const char *p;

	snprintf(buf, len, "none");
	for (unsigned i = 0; (p = profile_at(i, &n)) && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", p);
	return buf;
}

bool vc_cli_profile_known(const char *name)
{
	unsigned n;
	const char *p;

	for (unsigned i = 0; (p = profile_at(i, &n)); i++)
		if (!strcmp(p, name))
			return true;
	return false;
}

/* The two renderings: plain text for a terminal, roff for man. */
struct doc {
	FILE *out;
	bool roff;
};

static void roff_text(FILE *out, const char *s, bool line_start)
{
	for (; *s; s++) {
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		line_start = false;
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

void vc_cli_wrap(FILE *out, const char *s, unsigned indent, unsigned col, unsigned width)
{
	while (*s) {
		size_t room = width > col + 20 ? width - col : 20, n = strlen(s);
		if (n > room) {
			for (n = room; n && s[n] != ' '; n--)
				;
			if (!n)
				n = strcspn(s, " ");
		}
		fprintf(out, "%.*s", (int)n, s);
		for (s += n; *s == ' '; s++)
			;
		if (*s)
			fprintf(out, "\n%*s", (int)indent, "");
		col = indent;
	}
	fputc('\n', out);
}

static void wrap(FILE *out, const char *s, unsigned indent, unsigned col)
{
	vc_cli_wrap(out, s, indent, col, 80);
}

static void para(const struct doc *d, const char *text);

static void heading(const struct doc *d, const char *title)
{
	if (d->roff) {          /* NAME in capitals; what follows it in parentheses as a paragraph */
		const char *paren = strstr(title, " (");
		size_t n = paren ? (size_t)(paren - title) : strlen(title);
		fputs(".SH ", d->out);
		for (size_t i = 0; i < n; i++)
			fputc(title[i] >= 'a' && title[i] <= 'z' ? title[i] - 'a' + 'A' : title[i], d->out);
		fputc('\n', d->out);
		if (paren) {
			char detail[256];
			snprintf(detail, sizeof(detail), "%.*s.", (int)(strlen(paren + 2) - 1), paren + 2);
			detail[0] = detail[0] >= 'a' && detail[0] <= 'z' ? detail[0] - 'a' + 'A' : detail[0];
			para(d, detail);
		}
	} else {
		fprintf(d->out, "\n%s:\n", title);
	}
}

static void para(const struct doc *d, const char *text)
{
	if (d->roff) {
		fputs(".PP\n", d->out);
		roff_text(d->out, text, true);
		fputc('\n', d->out);
	} else {
		fputs("  ", d->out);
		wrap(d->out, text, 2, 2);
	}
}

/* A term (bold in roff) and what it means. */
static void item(const struct doc *d, const char *term, const char *text)
{
	enum { COL = 30 };

	if (d->roff) {
		fputs(".TP\n.B ", d->out);
		roff_text(d->out, term, false);
		fputc('\n', d->out);
		roff_text(d->out, text, true);
		fputc('\n', d->out);
		return;
	}
	fprintf(d->out, "  %s", term);
	if (strlen(term) + 4 > COL)
		fprintf(d->out, "\n%*s", COL, "");
	else
		fprintf(d->out, "%*s", (int)(COL - 2 - strlen(term)), "");
	wrap(d->out, text, COL, COL);
}

static void commands_where(unsigned mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	if (mask == ALL)
		return;
	for (const struct vc_cli_command *c = vc_cli_commands; c->name; c++)
		if (mask & c->bit)
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? ", " : " (",
						 c->name);
	if (used && used < len)
		snprintf(buf + used, len - used, ")");
}

static void document(const struct doc *d, unsigned cmd)
{
	char term[256], text[1024], where[128], list[256];
	unsigned n;
	const char *p;

	for (const struct vc_cli_command *c = vc_cli_commands; c->name; c++) {
		if (!cmd)
			item(d, c->name, c->help);
		else if (cmd & c->bit)
			para(d, c->help);
	}
	heading(d, "Options");
	for (const struct vc_cli_option *o = vc_cli_options; o->name; o++) {
		if (cmd && !(cmd & o->commands))
			continue;
		snprintf(term, sizeof(term), "-%c, --%s%s%s", o->val, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		commands_where(cmd ? 0 : o->commands, where, sizeof(where));
		snprintf(text, sizeof(text), "%s%s", o->help, cmd ? "" : where);
		item(d, term, text);
	}
	if (!cmd || (cmd & (RUNS | VC_CMD_DEVICES))) {
		heading(d, "Devices (--device SPEC)");
		for (const struct vc_backend *const *b = vc_backends; *b; b++)
			item(d, (*b)->usage, (*b)->what ? (*b)->what : "");
	}
	if (!cmd || (cmd & RUNS)) {
		heading(d, "Reports (--format, --report FORMAT:FILE)");
		snprintf(text, sizeof(text), "%s. Results: PASS, FAIL (with observed and expected values), WARN (a "
			 "SHOULD-level rule not met), SKIP (with the reason), ERROR (the harness could not run it), "
			 "BLOCKED (the device stopped working earlier), XFAIL and XPASS (with --expect).",
			 vc_cli_formats(list, sizeof(list)));
		para(d, text);
	}
	if (!cmd || (cmd & (RUNS | VC_CMD_LIST))) {
		heading(d, "Profiles (--profile NAME; without one, the spec clauses run)");
		for (unsigned i = 0; (p = profile_at(i, &n)); i++) {
			const char *help = "";
			for (unsigned k = 0; k < sizeof(profile_help) / sizeof(profile_help[0]); k++)
				if (!strcmp(profile_help[k].name, p))
					help = profile_help[k].help;
			snprintf(text, sizeof(text), "%s%s%u clause%s", help, *help ? "; " : "", n, n == 1 ? "" : "s");
			item(d, p, text);
		}
	}
	if (!cmd) {
		heading(d, "Environment");
		for (unsigned k = 0; k < sizeof(environment) / sizeof(environment[0]); k++)
			item(d, environment[k].name, environment[k].help);
		heading(d, "Exit status");
		para(d, exit_status);
		heading(d, "Examples");
		item(d, "virtio-conform run --device sim", "the built-in conformant simulated device: every clause passes");
		item(d, "virtio-conform run --device qemu:virtio-net-pci",
		     "QEMU's virtio-net, in a QEMU the harness starts and drives");
		item(d, "virtio-conform certify --device vfio:0000:65:00.2 --add-in-card --output cert",
		     "a card bound to vfio-pci: every report in cert/");
		item(d, "virtio-conform explain pci.notify.multiplier", "what a clause checks, and how to reproduce it");
	}
}

void vc_cli_help(FILE *out, unsigned cmd)
{
	const struct doc d = { out, false };

	const struct vc_cli_command *c = vc_cli_commands;

	while (c->name && !(c->bit & cmd))
		c++;
	if (cmd && c->name)
		fprintf(out, "usage: virtio-conform %s %s\n\n", c->name, c->synopsis);
	else
		fprintf(out, "usage: virtio-conform COMMAND [OPTIONS]   (virtio-conform %s, VIRTIO 1.4)\n"
			"\nCommands:\n", VC_VERSION);
	document(&d, cmd);
	if (!cmd) {
		const char *spec = vc_spec_dir();
		fprintf(out, "\nSpec data: %s%s\n", spec ? spec : "not found (explain and the section numbers need it: "
			"set VC_SPEC_DIR)", spec ? " (VC_SPEC_DIR names another)" : "");
		fputs("`virtio-conform COMMAND --help` shows one command's options.\n", out);
	}
}

void vc_cli_man(FILE *out)
{
	const struct doc d = { out, true };

	fprintf(out, ".TH VIRTIO-CONFORM 1 \"\" \"virtio-conform %s\" \"User Commands\"\n", VC_VERSION);
	fputs(".SH NAME\nvirtio\\-conform \\- conformance tests for virtio\\-pci devices (VIRTIO 1.4)\n"
	      ".SH SYNOPSIS\n", out);
	for (const struct vc_cli_command *c = vc_cli_commands; c->name; c++) {
		fprintf(out, "%s.B virtio\\-conform %s\n", c == vc_cli_commands ? "" : ".br\n", c->name);
		roff_text(out, c->synopsis, true);
		fputc('\n', out);
	}
	fputs(
	      ".SH DESCRIPTION\nvirtio\\-conform drives a virtio\\-pci device from the driver's side, checks the "
	      "MUST and SHOULD rules of the VIRTIO 1.4 specification that can be checked from outside, and "
	      "reports pass or fail per spec clause.\n", out);
	heading(&d, "Commands");
	document(&d, 0);
	heading(&d, "Files");
	para(&d, "BIN/../share/virtio-conform/spec: the spec data: the project's catalogs of rules "
		 "(catalog.csv, catalog-devices.csv), the OASIS VIRTIO 1.4 LaTeX they cite, unmodified, and its "
		 "licence (LICENSE.md).");
}
