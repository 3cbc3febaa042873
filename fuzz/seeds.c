/* Seed corpora for the fuzz targets, from what the harness really meets:
 *   fuzz-seeds OUTDIR DUMPSDIR
 * writes OUTDIR/config/ (caps, static-clauses: the simulated device in each
 * setting and with each fault, and every dump in DUMPSDIR that parses) and
 * OUTDIR/glob/ (clause ids and globs) and OUTDIR/trace/ (doorbell traces of the
 * notification clauses on the simulated device, whole and line by line). The
 * dump target reads DUMPSDIR as is. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz_input.h"
#include "sim.h"
#include "vc/clause.h"
#include "vc/dump.h"
#include "vc/trace.h"
#include "vc/virtio_pci.h"

static void write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")) || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "fuzz-seeds: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* One config seed: header, config space, then a window of BAR bytes. */
static void config_seed(const char *dir, const char *name, const uint8_t *cfg, unsigned cfg_size,
			const struct vc_bar_info *bars, const uint8_t *window, size_t window_len)
{
	static uint8_t buf[FZ_HEADER + PCI_EXT_CFG_SPACE + 256];
	size_t n = 0;

	buf[n++] = cfg_size == 64 ? 0 : cfg_size == PCI_CFG_SPACE ? 1 : 2;
	for (unsigned i = 0; i < VC_NUM_BARS; i++)
		buf[n++] = fz_bar_code(bars[i].size);
	memcpy(buf + n, cfg, cfg_size);
	n += cfg_size;
	if (window_len)
		memcpy(buf + n, window, window_len);
	write_file(dir, name, buf, n + window_len);
}

static void sim_seed(const char *dir, const char *setting)
{
	static struct vc_probe p;
	uint8_t window[0x40] = { 0 };
	struct vc_device *d;
	char err[512], name[128];

	if (vc_device_open(setting, &d, err, sizeof(err)) || vc_probe_device(d, &p, err, sizeof(err))) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", setting, err);
		exit(1);
	}
	/* The common configuration as the driver first sees it. */
	for (unsigned off = 0; p.common && off < sizeof(window); off += 4) {
		uint64_t v = 0;
		if (vc_struct_read(d, p.common, off, 4, &v))
			break;
		for (unsigned i = 0; i < 4; i++)
			window[off + i] = (uint8_t)(v >> (8 * i));
	}
	snprintf(name, sizeof(name), "%s", setting);
	for (char *c = name; *c; c++)
		if (*c == ':' || *c == ',' || *c == '=')
			*c = '-';
	config_seed(dir, name, p.cfg, p.cfg_size, d->bar, window, sizeof(window));
	vc_device_close(d);
}

static void dump_seeds(const char *dir, const char *dumps)
{
	static char buf[VC_DUMP_MAX_BYTES + 1];
	static uint8_t cfg[PCI_EXT_CFG_SPACE];
	struct vc_bar_info bars[VC_NUM_BARS];
	char path[4096], err[512];
	struct dirent *e;
	DIR *dd = opendir(dumps);

	if (!dd) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", dumps, strerror(errno));
		exit(1);
	}
	while ((e = readdir(dd))) {
		unsigned cfg_size;
		bool sizes;
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), "%s/%s", dumps, e->d_name);
		if (e->d_name[0] == '.' || !(f = fopen(path, "rb")))
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (vc_dump_parse(buf, n, cfg, &cfg_size, bars, &sizes, NULL, 0, err, sizeof(err)) == 0)
			config_seed(dir, e->d_name, cfg, cfg_size, bars, NULL, 0);
	}
	closedir(dd);
}

static void glob_seeds(const char *dir)
{
	static const char *const seeds[] = {
		"pci.*\npci.caps.cap-len\n*length*\n",
		"pci.notify.*\npci.notify.multiplier\n\ndraft-2020",
		"*\n*\n*\n*",
		"pci.[a-c]*.?resent\npci.isr.present\n[!p]*\n",
		"[[:alpha:]]*\\.*\npci.common.length\n[]]\n",
	};
	char name[32];

	for (unsigned i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		snprintf(name, sizeof(name), "glob-%u", i);
		write_file(dir, name, seeds[i], strlen(seeds[i]));
	}
	for (unsigned i = 0; i < vc_clause_count(); i++)
		write_file(dir, vc_clause_at(i)->id, vc_clause_at(i)->id, strlen(vc_clause_at(i)->id));
}

static void trace_seeds(const char *dir, const char *setting)
{
	static struct vc_probe p;
	static struct vc_result r;
	struct vc_trace t = { 0 };
	struct vc_device *d;
	char err[512], name[160];
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	if (vc_device_open(setting, &d, err, sizeof(err)) || vc_probe_device(d, &p, err, sizeof(err))) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", setting, err);
		exit(1);
	}
	for (unsigned i = 0; i < vc_clause_count(); i++)
		if (vc_glob_match("pci.notify.*", vc_clause_at(i)->id))
			vc_run_clause(vc_clause_at(i), d, &p, 2000, &t, &r);
	if (!(mem = open_memstream(&text, &len)) || vc_trace_write(&t, mem) || fclose(mem))
		exit(1);
	snprintf(name, sizeof(name), "%s.trace", setting + 4);
	write_file(dir, name, text, len);
	for (size_t i = 0; i < t.n && i < 16; i++) {
		char *nl = strchr(text, '\n');
		snprintf(name, sizeof(name), "%s.%zu", setting + 4, i);
		write_file(dir, name, text, nl ? (size_t)(nl - text) : strlen(text));
		if (!nl)
			break;
		memmove(text, nl + 1, strlen(nl + 1) + 1);
	}
	free(text);
	vc_trace_free(&t);
	vc_device_close(d);
}

int main(int argc, char **argv)
{
	static const char *const settings[] = {
		"transitional", "shm", "vendor-data", "sr-iov", "notification-data", "type=1", "type=4",
		"queues=1", "queues=64", "packed",
	};
	char config[4096], glob[4096], trace[4096], spec[256];

	if (argc != 3) {
		fprintf(stderr, "usage: fuzz-seeds OUTDIR DUMPSDIR\n");
		return 2;
	}
	snprintf(config, sizeof(config), "%s/config", argv[1]);
	snprintf(glob, sizeof(glob), "%s/glob", argv[1]);
	mkdir(argv[1], 0777);
	mkdir(config, 0777);
	mkdir(glob, 0777);
	snprintf(trace, sizeof(trace), "%s/trace", argv[1]);
	mkdir(trace, 0777);
	sim_seed(config, "sim");
	for (unsigned i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		snprintf(spec, sizeof(spec), "sim:%s", settings[i]);
		sim_seed(config, spec);
	}
	for (unsigned f = 0; f < SIM_FAULT_COUNT; f++) {
		snprintf(spec, sizeof(spec), "sim:%s", sim_faults[f].name);
		sim_seed(config, spec);
	}
	dump_seeds(config, argv[2]);
	glob_seeds(glob);
	trace_seeds(trace, "sim:notification-data");
	trace_seeds(trace, "sim:packed,notification-data");
	return 0;
}
