/* virtio-conform: the command line. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "sim.h"
#include "vc/cli.h"
#include "vc/clause.h"
#include "vc/device.h"
#include "vc/driver.h"
#include "vc/expect.h"
#include "vc/explain.h"
#include "vc/progress.h"
#include "vc/report.h"
#include "vc/run.h"
#include "vc/spec.h"
#include "vc/trace.h"

enum { EXIT_PASS = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_DEVICE = 3 };

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "virtio-conform: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nRun `virtio-conform --help` for usage.\n");
	return EXIT_USAGE;
}

struct options {
	struct vc_selection sel;
	const char *devices[VC_MAX_DEVICES];   /* --device, repeatable, and --devices FILE */
	unsigned ndevices;
	const char *device;                    /* the first one (certify, messages) */
	enum vc_format format;
	bool format_json;        /* list/devices: json instead of text */
	const char *output;
	struct { enum vc_format f; const char *path; } reports[8];
	unsigned nreports;
	unsigned timeout_ms;
	bool strict, faults, quiet;
	bool add_in_card;        /* the user says the device is an add-in card */
	char profiles[256];      /* --profile (repeatable) and --add-in-card, comma-separated */
	const char *trace;       /* run --trace FILE: the doorbells, as JSON lines */
	struct vc_expectations expect;   /* --expect FILE (n == 0: none) */
	const char *expect_path;
	const char *folder;      /* certify: the folder and the file names in it */
	const char *const *files;
};

static const char *globs_storage[2][64];

/* A report or trace that cannot be written is found out before the run, not
 * after it: create (and remove) the temporary file write_file will use. */
static int check_output(const char *opt, const char *path)
{
	char probe[4096];
	struct stat st;
	int fd;

	if (!*path)
		return usage_error("%s needs a file name", opt);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return usage_error("%s '%s' is a directory: name a file in it", opt, path);
	snprintf(probe, sizeof(probe), "%s.tmp.%d", path, (int)getpid());
	if ((fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return usage_error("%s '%s' cannot be written (%s): name a file in a writable directory",
				   opt, path, strerror(errno));
	close(fd);
	unlink(probe);
	return 0;
}

/* --profile NAME[,NAME] and --add-in-card: one comma-separated list. */
static int add_profiles(struct options *o, const char *names)
{
	char known[256], name[64];

	for (const char *p = names; *p; p += strcspn(p, ","), p += *p == ',') {
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, ","), p);
		if (!vc_cli_profile_known(name))
			return usage_error("unknown profile '%s': known profiles: %s", name,
					   vc_cli_profiles(known, sizeof(known)));
		if (vc_profile_listed(o->profiles, name))
			continue;
		size_t used = strlen(o->profiles);
		if (used + strlen(name) + 2 > sizeof(o->profiles))
			return usage_error("too many profiles: '%s'", names);
		snprintf(o->profiles + used, sizeof(o->profiles) - used, "%s%s", used ? "," : "", name);
	}
	o->sel.profile = o->profiles[0] ? o->profiles : NULL;
	return 0;
}

/* --devices FILE: one device spec a line; blank lines and # comments skipped. */
static int read_device_list(const char *path, struct options *o)
{
	static char text[64 * 1024];
	FILE *f = fopen(path, "r");
	size_t len;
	char *save = NULL;

	if (!f) {
		fprintf(stderr, "virtio-conform: cannot read the device list %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	len = fread(text, 1, sizeof(text) - 1, f);
	bool too_big = !feof(f);
	fclose(f);
	if (too_big)
		return usage_error("the device list %s is over 64 KiB: it holds at most " VC_MAX_DEVICES_STR
				   " devices", path);
	text[len] = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		line[strcspn(line, "#")] = 0;
		for (size_t end = strlen(line); end && strchr(" \t\r", line[end - 1]); end--)
			line[end - 1] = 0;
		if (!*line)
			continue;
		if (o->ndevices == VC_MAX_DEVICES)
			return usage_error("too many devices in %s (" VC_MAX_DEVICES_STR " at most)", path);
		o->devices[o->ndevices++] = line;
	}
	if (!o->ndevices)
		return usage_error("the device list %s names no device", path);
	o->device = o->devices[0];
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o, const struct vc_cli_command *cmd)
{
	static struct option longopts[40];
	static char shortopts[96];
	const bool run = cmd->bit == VC_CMD_RUN;
	unsigned char given[256] = { 0 };
	char known[256];
	int ch, rc;

	if (!shortopts[0]) {          /* getopt's tables, from the CLI's */
		unsigned n = 0;
		size_t k = 0;
		shortopts[k++] = '+';
		for (const struct vc_cli_option *co = vc_cli_options; co->name && n + 1 < 40; co++) {
			longopts[n++] = (struct option){ co->name, co->arg ? required_argument : no_argument, 0, co->val };
			shortopts[k++] = (char)co->val;
			if (co->arg)
				shortopts[k++] = ':';
		}
	}
	o->sel.include = globs_storage[0];
	o->sel.exclude = globs_storage[1];
	o->timeout_ms = 10000;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct vc_cli_option *co = vc_cli_option(ch);
		char *end;

		if (!co)
			return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
		/* Single-valued options: a second one would silently win. */
		if (co->once && given[ch] && co->arg)
			return usage_error("--%s given twice: give it once (more reports: --report FORMAT:FILE)",
					   co->name);
		given[ch] = 1;
		if (!(co->commands & cmd->bit)) {
			if (cmd->bit == VC_CMD_CERTIFY)
				return usage_error("--%s: not an option of `certify`, which runs the spec clauses and the "
						   "robustness probes and writes every report (`run` chooses clauses and "
						   "formats)", co->name);
			return usage_error("--%s: not an option of `%s`", co->name, cmd->name);
		}
		switch (ch) {
		case 'd':
			if (o->ndevices == VC_MAX_DEVICES)
				return usage_error("too many devices (%s at most in one run)", VC_MAX_DEVICES_STR);
			o->devices[o->ndevices++] = optarg;
			o->device = o->devices[0];
			break;
		case 'D':
			if ((rc = read_device_list(optarg, o)))
				return rc;
			break;
		case 'c':
		case 'x': {
			unsigned *n = ch == 'c' ? &o->sel.ninclude : &o->sel.nexclude;
			const char **list = ch == 'c' ? o->sel.include : o->sel.exclude;
			if (*n == 64)
				return usage_error("too many --clause/--exclude globs (64 at most): '%s'", optarg);
			if (!vc_glob_matches_any(optarg))
				return usage_error("no clause matches '%s': `virtio-conform list` shows the clause ids",
						   optarg);
			list[(*n)++] = optarg;
			break;
		}
		case 'p':
			if ((rc = add_profiles(o, optarg)))
				return rc;
			break;
		case 'A':
			o->add_in_card = true;
			if ((rc = add_profiles(o, "add-in-card")))
				return rc;
			break;
		case 'f':
			if (run ? vc_format_parse(optarg, &o->format) != 0 : (strcmp(optarg, "text") && strcmp(optarg, "json")))
				return usage_error("unknown format '%s': use %s", optarg,
						   run ? vc_cli_formats(known, sizeof(known)) : "text, json");
			o->format_json = !strcmp(optarg, "json");
			break;
		case 'o': o->output = optarg; break;
		case 'r': {
			char *colon = strchr(optarg, ':');
			if (!colon || o->nreports == 8)
				return usage_error("--report takes FORMAT:FILE (at most 8), got '%s'", optarg);
			*colon = 0;
			if (vc_format_parse(optarg, &o->reports[o->nreports].f))
				return usage_error("unknown report format '%s' in --report: use %s", optarg,
						   vc_cli_formats(known, sizeof(known)));
			o->reports[o->nreports++].path = colon + 1;
			break;
		}
		case 't':
			o->timeout_ms = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !*optarg || o->timeout_ms == 0 || o->timeout_ms > 3600000)
				return usage_error("--timeout-ms takes milliseconds, 1..3600000, got '%s'", optarg);
			break;
		case 's': o->strict = true; break;
		case 'q': o->quiet = true; break;
		case 'F': o->faults = true; break;
		case 'T': o->trace = optarg; break;
		case 'E': o->expect_path = optarg; break;
		case 'h': vc_cli_help(stdout, cmd->bit); exit(EXIT_PASS);
		default:
			return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->expect_path) {
		char err[512];
		if (vc_expect_load(o->expect_path, &o->expect, err, sizeof(err)))
			return usage_error("%s", err);
	}
	const char *paths[10] = { cmd->bit != VC_CMD_CERTIFY ? o->output : NULL, o->trace };   /* certify: a folder */
	unsigned npaths = 2;
	for (unsigned i = 0; i < o->nreports; i++)
		paths[npaths++] = o->reports[i].path;
	for (unsigned i = 0; i < npaths; i++) {
		if (!paths[i])
			continue;
		for (unsigned j = 0; j < i; j++)
			if (paths[j] && !strcmp(paths[i], paths[j]))
				return usage_error("'%s' is named for two outputs: give each report its own file",
						   paths[i]);
		if ((rc = check_output(i == 0 ? "--output" : i == 1 ? "--trace" : "--report", paths[i])))
			return rc;
	}
	return 0;
}

static const char *needs_str(unsigned needs, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ NEED_CFG_WRITE, "cfg-write" }, { NEED_BAR_READ, "bar-read" }, { NEED_BAR_WRITE, "bar-write" },
		{ NEED_DMA, "dma" }, { NEED_IRQ, "irq" }, { NEED_BAR_SIZES, "bar-sizes" },
		{ NEED_EXT_CFG, "ext-cfg" }, { NEED_COMMON, "common-cfg" }, { NEED_PEER, "peer" },
	};
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (needs & names[i].bit)
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? " " : "",
						 names[i].name);
	return buf;
}

/* The feature bits a clause requires, by name (bit N for one without). */
static const char *features_str(uint64_t bits, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned b = 0; b < 64; b++)
		if (bits & VC_REQ(b)) {
			char num[16];
			snprintf(num, sizeof(num), "bit %u", b);
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? " " : "",
						 vc_feature_name(b) ? vc_feature_name(b) : num);
		}
	return buf;
}

static unsigned count_selected(const struct vc_selection *sel)
{
	unsigned n = 0;

	for (unsigned i = 0; i < vc_clause_count(); i++)
		n += vc_clause_selected(vc_clause_at(i), sel);
	return n;
}

/* Selecting nothing is a mistake: say which --exclude removed the rest. */
static int check_selection(const struct options *o)
{
	struct vc_selection sel = o->sel;

	if (count_selected(&sel))
		return 0;
	for (sel.nexclude = 1; sel.nexclude <= o->sel.nexclude; sel.nexclude++)
		if (!count_selected(&sel))
			break;
	if (sel.nexclude > o->sel.nexclude)       /* cannot happen: a --clause glob matches something */
		return usage_error("the selection leaves no clause to run");
	sel.nexclude--;
	return usage_error("--exclude '%s' leaves no clause to run: it removes the %u the selection%s chose",
			   o->sel.exclude[sel.nexclude], count_selected(&sel),
			   sel.nexclude ? " and the --exclude before it" : "");
}

static int cmd_list(const struct options *o)
{
	char needs[128], faults[1024], feats[512];
	bool first = true;

	if (o->faults) {
		for (unsigned f = 0; f < SIM_FAULT_COUNT; f++)
			printf("%-36s %s\n%-36s   fails: %s\n", sim_faults[f].name, sim_faults[f].what, "",
			       sim_faults[f].breaks);
		printf("\nsettings:\n");
		for (const struct sim_setting *s = sim_settings; s->name; s++)
			printf("%-36s %s\n", s->name, s->what);
		const char *model;
		unsigned type;
		for (unsigned m = 0; sim_model_settings(m, &model, &type); m++) {
			printf("\nsettings of the %s model (type=%u):\n", model, type);
			for (const struct sim_setting *s = sim_model_settings(m, &model, &type); s->name; s++)
				printf("%-36s %s\n", s->name, s->what);
		}
		return EXIT_PASS;
	}
	if (check_selection(o))
		return EXIT_USAGE;
	if (o->format_json)
		printf("[");
	for (unsigned i = 0; i < vc_clause_count(); i++) {
		const struct vc_clause *cl = vc_clause_at(i);
		if (!vc_clause_selected(cl, &o->sel))
			continue;
		needs_str(cl->needs, needs, sizeof(needs));
		sim_faults_breaking(cl->id, faults, sizeof(faults));
		if (!o->format_json) {
			printf("%-44s %-11s %s\n", cl->id, vc_keyword_str(cl->keyword), cl->summary);
			continue;
		}
		printf("%s\n {\"id\":", first ? "" : ",");
		vc_json_string(stdout, cl->id);
		printf(",\"label\":");
		vc_json_string(stdout, cl->label);
		printf(",\"keyword\":\"%s\",\"side\":\"%s\",\"since\":\"%s\",\"profile\":", vc_keyword_str(cl->keyword),
		       vc_side_str(cl->side), cl->since);
		if (cl->profile)
			vc_json_string(stdout, cl->profile);
		else
			printf("null");
		printf(",\"summary\":");
		vc_json_string(stdout, cl->summary);
		printf(",\"needs\":");
		vc_json_words(stdout, needs);
		printf(",\"covers\":");
		vc_json_words(stdout, cl->covers);
		/* what a CI can check before running: the device's features and
		 * queues (the backend's abilities are `needs`) */
		printf(",\"requires\":{\"features\":");
		vc_json_words(stdout, features_str(cl->requires_features, feats, sizeof(feats)));
		printf(",\"queues\":%u,\"backend\":", cl->min_queues ? cl->min_queues : 1);
		vc_json_words(stdout, needs);
		printf("}");
		printf(",\"faults\":");
		vc_json_words(stdout, faults);
		printf(",\"device_type\":%u,\"breaks\":", vc_clause_device_type(cl));
		vc_json_words(stdout, cl->breaks ? cl->breaks : "");
		printf(",\"targets\":");
		vc_json_words(stdout, cl->targets ? cl->targets : "");
		printf(",\"section\":");
		vc_json_string(stdout, vc_clause_section(cl));
		printf("}");
		first = false;
	}
	if (o->format_json)
		printf("\n]\n");
	return EXIT_PASS;
}

/* Reports and traces go to a temporary file renamed into place: never
 * half-written. */
static int write_file(const char *path, const char *what, int (*write)(const void *arg, FILE *out),
		      const void *arg)
{
	char tmp[4096];
	FILE *out;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	if (!(out = fopen(tmp, "w"))) {
		fprintf(stderr, "virtio-conform: cannot write %s %s: %s\n", what, path, strerror(errno));
		return -errno;
	}
	rc = write(arg, out);
	if (fclose(out) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		fprintf(stderr, "virtio-conform: cannot write %s %s: %s\n", what, path, strerror(-rc));
	}
	return rc;
}

struct report_job { const struct vc_report *r; enum vc_format f; };

static int report_writer(const void *arg, FILE *out)
{
	const struct report_job *j = arg;
	return vc_report_write(j->r, j->f, out);
}

static int write_report(const struct vc_report *r, enum vc_format f, const char *path)
{
	struct report_job j = { r, f };

	int rc;

	if (path)
		return write_file(path, "report", report_writer, &j);
	if (!(rc = vc_report_write(r, f, stdout)) && fflush(stdout))
		rc = -errno;
	if (rc)
		fprintf(stderr, "virtio-conform: cannot write the report to standard output: %s\n", strerror(-rc));
	return rc;
}

struct traces {
	const struct vc_device_run *runs;
	unsigned n;
};

/* The doorbells of every device, device after device. */
static int trace_writer(const void *arg, FILE *out)
{
	const struct traces *t = arg;
	int rc = 0;

	for (unsigned i = 0; i < t->n && !rc; i++)
		rc = vc_trace_write(&t->runs[i].trace, out);
	return rc;
}

/* The command line as a shell would need it to reproduce the run: words
 * with anything but safe characters single-quoted ('pci.*' stays a glob). */
static void join_command(int argc, char **argv, char *buf, size_t len)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,/:@%";
	size_t used = 0;

	buf[0] = 0;
	for (int i = 0; i < argc && used < len; i++) {
		const char *w = argv[i];
		bool quote = !*w || w[strspn(w, safe)];

		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", quote ? "'" : "");
		for (; *w && used < len; w++)
			used += (size_t)snprintf(buf + used, len - used, "%s", *w == '\'' ? "'\\''" : (char[]){ *w, 0 });
		if (quote && used < len)
			used += (size_t)snprintf(buf + used, len - used, "'");
	}
}

/* The device-type suites the selection holds, by name ("block, network"). */
static const char *selected_types(const struct vc_selection *sel, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < vc_clause_count(); i++) {
		const struct vc_clause *cl = vc_clause_at(i);
		const char *name = vc_virtio_type_name(vc_clause_device_type(cl));
		if (!vc_clause_selected(cl, sel) || !name || strstr(buf, name))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? ", " : "", name);
	}
	return buf;
}

static int cmd_run(const struct options *o, const char *command)
{
	struct vc_device_run *runs;
	struct vc_device_report dr[VC_MAX_DEVICES] = { 0 };
	struct vc_progress_line line = { 0 };
	unsigned opened = 0, ran = 0;
	int rc, status = EXIT_PASS;
	bool html = o->format == VC_FMT_HTML;

	if (!o->ndevices)
		return usage_error("run needs --device SPEC (for example --device %s)", "sim");
	if (check_selection(o))
		return EXIT_USAGE;
	if (!(runs = calloc(o->ndevices, sizeof(*runs)))) {
		fprintf(stderr, "virtio-conform: out of memory\n");
		return EXIT_DEVICE;
	}
	for (unsigned i = 0; i < o->nreports; i++)
		html |= o->reports[i].f == VC_FMT_HTML;
	vc_run_profile(o->sel.profile);
	/* an HTML report charts the doorbells: recorded for it, --trace or not */
	struct vc_run_request rq = { .sel = &o->sel, .timeout_ms = o->timeout_ms, .trace = o->trace || html,
				     .meanwhile = vc_spec_preload };
	if (!o->quiet && !vc_progress_open(&line, stderr, o->devices, o->ndevices)) {
		rq.progress = line.pg;
		rq.show = vc_progress_show;
		rq.show_arg = &line;
	}
	rc = vc_run_devices(o->devices, o->ndevices, &rq, runs);
	vc_progress_close(&line);
	if (rc) {
		vc_run_wait(runs, o->ndevices);
		fprintf(stderr, "virtio-conform: could not run the devices: %s\n", strerror(-rc));
		free(runs);
		return EXIT_DEVICE;
	}
	for (unsigned i = 0; i < o->ndevices; i++) {
		struct vc_device_run *r = &runs[i];
		if (!r->opened) {
			fprintf(stderr, "virtio-conform: %s\n", r->err);
			/* -EINVAL: the spec itself is wrong */
			status = r->open_rc == -EINVAL && status != EXIT_DEVICE ? EXIT_USAGE : EXIT_DEVICE;
			if (!r->err[0] || o->ndevices == 1)
				continue;
			snprintf(r->dev.note, sizeof(r->dev.note), "not run: %.240s", r->err);
		} else if (r->not_run[0]) {      /* device-type suites left out, in the reports' note */
			size_t at = strlen(r->dev.note);
			snprintf(r->dev.note + at, sizeof(r->dev.note) - at, "%s%s", at ? "; " : "", r->not_run);
		}
		vc_expect_apply(&o->expect, r->dev.spec, r->results, r->n);
		dr[opened] = (struct vc_device_report){ .dev = &r->dev, .probe = r->opened ? &r->probe : NULL,
						       .results = r->results, .n = r->n,
						       .trace = rq.trace ? &r->trace : NULL };
		ran += r->n;
		vc_report_count(&dr[opened++]);
	}
	/* Clauses selected, and none for the device type: a usage error too. */
	if (opened && !ran && status == EXIT_PASS) {
		char types[256];
		const struct vc_probe *p = dr[0].probe;
		const char *name = p ? vc_virtio_type_name(p->virtio_type) : NULL;
		status = usage_error("no selected clause applies to %s%s%s%s: the selection holds %s clauses only",
				     opened > 1 ? "these devices" : dr[0].dev->spec, opened > 1 || !name ? "" : " (",
				     opened > 1 || !name ? "" : name, opened > 1 || !name ? "" : " device)",
				     *selected_types(&o->sel, types, sizeof(types)) ? types : "other device types'");
		opened = 0;
	}
	/* One device that could not be opened: no report, only the message. */
	rc = 0;
	char why[512];
	if (opened && vc_spec_load(why, sizeof(why)))
		fprintf(stderr, "virtio-conform: %s: the reports carry no section numbers and quote no rule\n", why);
	if (opened) {
		struct vc_report report = {
			.tool_version = VC_VERSION, .spec_version = "1.4", .profile = o->sel.profile,
			.command_line = command, .started = time(NULL), .devices = dr, .ndevices = opened,
			.folder = o->folder, .files = o->files,
		};
		rc = write_report(&report, o->format, o->output);
		for (unsigned i = 0; i < o->nreports && !rc; i++)
			rc = write_report(&report, o->reports[i].f, o->reports[i].path);
		if (!rc && o->trace)
			rc = write_file(o->trace, "trace", trace_writer, &(struct traces){ runs, o->ndevices });
	}
	vc_run_wait(runs, o->ndevices);     /* the devices closed: no QEMU outlives the run */
	for (unsigned i = 0; i < opened && status != EXIT_USAGE; i++) {
		if (dr[i].counts[VC_ERROR])
			status = EXIT_DEVICE;
		else if ((dr[i].counts[VC_FAIL] || dr[i].counts[VC_BLOCKED] ||
			  (o->strict && (dr[i].counts[VC_WARN] || dr[i].counts[VC_XPASS]))) && status == EXIT_PASS)
			status = EXIT_FAILED;
	}
	for (unsigned i = 0; i < o->ndevices; i++)
		vc_device_run_free(&runs[i]);
	free(runs);
	return rc ? EXIT_DEVICE : status;
}

/* trace decode FILE */
static int cmd_trace(int argc, char **argv)
{
	char err[512];

	if (argc < 2 || strcmp(argv[1], "decode"))
		return usage_error("trace takes a subcommand: %s", "trace decode FILE");
	if (argc != 3)
		return usage_error("trace decode takes one FILE (a `run --trace` output)%s", "");
	if (vc_trace_decode_file(argv[2], stdout, err, sizeof(err))) {
		fprintf(stderr, "virtio-conform: %s\n", err);
		return EXIT_DEVICE;
	}
	return EXIT_PASS;
}

/* explain ID...: every id checked before anything is printed. */
static int cmd_explain(int argc, char **argv)
{
	char err[768];
	int rc;

	if (argc < 2)
		return usage_error("explain takes one or more ids: a catalog id (PCI-COMMON-DEV-6) or a clause id "
				   "(`virtio-conform list`)%s", "");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			vc_cli_help(stdout, VC_CMD_EXPLAIN);
			return EXIT_PASS;
		}
		if (vc_clause_find(argv[i]))
			continue;
		if ((rc = vc_spec_load(err, sizeof(err)))) {
			fprintf(stderr, "virtio-conform: %s\n", err);
			return EXIT_DEVICE;
		}
		if (!vc_spec_rule(argv[i]))
			return usage_error("'%s' is neither a catalog id (like PCI-COMMON-DEV-6) nor a clause id (like "
					   "pci.common.config-generation-changes): `virtio-conform list` shows the "
					   "clauses", argv[i]);
	}
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			putchar('\n');
		if ((rc = vc_explain(stdout, argv[i], err, sizeof(err)))) {
			fprintf(stderr, "virtio-conform: %s\n", err);
			return rc == -EINVAL ? EXIT_USAGE : EXIT_DEVICE;
		}
	}
	return fflush(stdout) ? EXIT_DEVICE : EXIT_PASS;
}

/* certify: a command, not a --profile, because it changes what a run
 * writes, not only what it selects. The spec clauses and the robustness
 * probes, and the profiles the user adds (--add-in-card, --profile); a
 * clause that does not apply to the device SKIPs and says why. Every report
 * format and the doorbell trace into one folder; a summary on stdout. The
 * reports name the profiles that ran. */
static int cmd_certify(struct options *o, const char *command)
{
	static const char *const files[] = { "report.txt", "report.tap", "report.xml", "report.json",
					     "report.html", "doorbells.jsonl", NULL };
	static const enum vc_format formats[] = { VC_FMT_TEXT, VC_FMT_TAP, VC_FMT_JUNIT, VC_FMT_JSON,
						  VC_FMT_HTML };
	static char paths[6][4096], dir[4096];
	int rc;

	if (!o->device)
		return usage_error("certify needs --device SPEC (for example --device %s)", "sim");
	/* "cert/" and "cert" are the same folder, and print the same */
	snprintf(dir, sizeof(dir), "%s", o->output ? o->output : "certificate");
	for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
		dir[n - 1] = 0;
	if ((rc = add_profiles(o, "robustness")))
		return rc;
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "virtio-conform: cannot create the folder %s: %s\n", dir, strerror(errno));
		return EXIT_DEVICE;
	}
	for (unsigned i = 0; files[i]; i++)
		if (snprintf(paths[i], sizeof(paths[i]), "%s/%s", strcmp(dir, "/") ? dir : "", files[i]) >=
		    (int)sizeof(paths[i]))
			return usage_error("the folder name %s is too long", dir);
	o->format = formats[0];
	o->output = paths[0];
	for (unsigned i = 1; i < sizeof(formats) / sizeof(formats[0]); i++) {
		o->reports[o->nreports].f = formats[i];
		o->reports[o->nreports++].path = paths[i];
	}
	o->reports[o->nreports++].f = VC_FMT_SUMMARY;   /* no path: stdout, after the files */
	o->trace = paths[5];
	o->folder = dir;
	o->files = files;
	return cmd_run(o, command);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	char command[4096];
	const char *name = argc > 1 ? argv[1] : NULL;
	const struct vc_cli_command *cmd;
	int rc;

	if (!name) {
		vc_cli_help(stderr, 0);
		return EXIT_USAGE;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	if (!(cmd = vc_cli_command(name)))
		return usage_error("unknown command '%s': use run, certify, list, explain, devices, trace or help", name);
	if (cmd->bit == VC_CMD_HELP) {
		const struct vc_cli_command *about = argc > 2 ? vc_cli_command(argv[2]) : NULL;
		if (argc > 2 && !strcmp(argv[2], "man"))
			vc_cli_man(stdout);
		else if (argc > 2 && !about)
			return usage_error("help takes a command name (or man), not '%s'", argv[2]);
		else
			vc_cli_help(stdout, about ? about->bit : 0);
		return fflush(stdout) ? EXIT_DEVICE : EXIT_PASS;
	}
	if (cmd->bit == VC_CMD_TRACE)
		return cmd_trace(argc - 1, argv + 1);
	if (cmd->bit == VC_CMD_EXPLAIN)
		return cmd_explain(argc - 1, argv + 1);
	join_command(argc, argv, command, sizeof(command));
	if ((rc = parse_options(argc - 1, argv + 1, &o, cmd)))
		return rc;
	if (cmd->bit == VC_CMD_DEVICES)
		return vc_devices_list(stdout, o.format_json) ? EXIT_DEVICE : EXIT_PASS;
	if (cmd->bit == VC_CMD_LIST)
		return cmd_list(&o);
	if (cmd->bit == VC_CMD_CERTIFY)
		return cmd_certify(&o, command);
	return cmd_run(&o, command);
}
