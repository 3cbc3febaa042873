/* Fuzz target: the doorbell trace reader (`trace decode`). A line it accepts
 * is written back and read again to the same doorbell; whole inputs also go
 * through vc_trace_decode_file as a file of lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vc/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* The clause name comes back the same when it is ASCII, as every clause id
 * is; other bytes the writer replaces (U+FFFD for invalid UTF-8). */
static bool same(const struct vc_doorbell *a, const struct vc_doorbell *b)
{
	return a->t_ns == b->t_ns && a->queue == b->queue && a->bar == b->bar && a->width == b->width &&
	       a->offset == b->offset && a->value == b->value && a->notification_data == b->notification_data &&
	       a->notif_config_data == b->notif_config_data && a->packed == b->packed &&
	       (!ascii(a->clause) || !strcmp(a->clause ? a->clause : "", b->clause ? b->clause : ""));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	static FILE *devnull;
	char *line, clause[256], clause2[256], err[512], *out = NULL;
	struct vc_doorbell db, db2;
	size_t outlen = 0;
	FILE *mem;

	if (fd < 0) {
		if ((fd = memfd_create("trace", 0)) < 0 || !(devnull = fopen("/dev/null", "w")))
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (!(line = malloc(size + 1)))
		abort();
	memcpy(line, data, size);
	line[size] = 0;
	if (vc_trace_parse_line(line, &db, clause, sizeof(clause), err, sizeof(err)) == 0) {
		if (!(mem = open_memstream(&out, &outlen)))
			abort();
		vc_trace_write_json(mem, &db);
		fclose(mem);
		out[strcspn(out, "\n")] = 0;
		if (vc_trace_parse_line(out, &db2, clause2, sizeof(clause2), err, sizeof(err)) || !same(&db, &db2))
			__builtin_trap();   /* what the harness writes, it must read back */
		free(out);
	} else if (!err[0] || strchr(err, '\n')) {
		__builtin_trap();           /* a refusal is one line that says something */
	}
	free(line);

	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	vc_trace_decode_file(path, devnull, err, sizeof(err));
	return 0;
}
