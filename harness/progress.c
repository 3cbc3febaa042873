/* The progress line: one device "qemu:virtio-net-pci  37/125  pci.notify.multiplier",
 * several "152/560 clauses, 1 of 3 devices done | sim 60/187 pci.x | ...",
 * cut to the terminal's width. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vc/progress.h"

/* What the processes share: the line's length, then each device's progress. */
struct shared {
	size_t shown;
	struct vc_progress pg[];
};

static size_t map_size(unsigned n)
{
	return sizeof(struct shared) + n * sizeof(struct vc_progress);
}

int vc_progress_open(struct vc_progress_line *l, FILE *out, const char *const *specs, unsigned n)
{
	const char *term = getenv("TERM");
	struct shared *sh;

	memset(l, 0, sizeof(*l));
	if (!out || !isatty(fileno(out)))
		return -ENOTTY;
	/* the devices run in child processes: they write, this one reads */
	sh = mmap(NULL, map_size(n), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -errno;
	memset(sh, 0, map_size(n));
	*l = (struct vc_progress_line){ out, specs, n, sh->pg, !term || strcmp(term, "dumb"), &sh->shown };
	return 0;
}

static unsigned columns(FILE *out)
{
	struct winsize ws;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

static const char *clause_name(unsigned current)
{
	const struct vc_clause *cl = current ? vc_clause_at(current - 1) : NULL;
	return cl ? cl->id : "";
}

static size_t add(char *buf, size_t len, size_t used, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static size_t add(char *buf, size_t len, size_t used, const char *fmt, ...)
{
	va_list ap;

	if (used >= len)
		return used;
	va_start(ap, fmt);
	int k = vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
	return k < 0 ? used : used + (size_t)k;
}

void vc_progress_show(void *arg)
{
	struct vc_progress_line *l = arg;
	char line[4096];
	size_t used = 0, width = columns(l->out) - 1;
	unsigned done = 0, total = 0, finished = 0;

	if (!l->pg)
		return;
	for (unsigned i = 0; i < l->n; i++) {
		done += l->pg[i].done;
		total += l->pg[i].total;
		finished += l->pg[i].finished != 0;
	}
	if (l->n == 1) {
		const struct vc_progress *p = &l->pg[0];
		used = add(line, sizeof(line), used, "%s  ", l->specs[0]);
		used = p->total ? add(line, sizeof(line), used, "%u/%u  %s", p->done, p->total, clause_name(p->current))
				: add(line, sizeof(line), used, "opening the device...");
	} else {
		used = add(line, sizeof(line), used, "%u/%u clauses, %u of %u devices done", done, total, finished, l->n);
		for (unsigned i = 0; i < l->n; i++) {
			const struct vc_progress *p = &l->pg[i];
			if (p->finished)
				continue;
			used = add(line, sizeof(line), used, " | %s ", l->specs[i]);
			used = p->total ? add(line, sizeof(line), used, "%u/%u %s", p->done, p->total,
					      clause_name(p->current))
					: add(line, sizeof(line), used, "opening");
		}
	}
	if (used >= sizeof(line))
		used = sizeof(line) - 1;
	if (used > width) {             /* cut to the width, not inside a UTF-8 sequence */
		used = width;
		while (used && (line[used] & 0xc0) == 0x80)
			used--;
	}
	fputc('\r', l->out);
	fwrite(line, 1, used, l->out);
	if (l->ansi)
		fputs("\033[K", l->out);
	else if (*l->shown > used)
		fprintf(l->out, "%*s", (int)(*l->shown - used), "");
	*l->shown = used;
	fflush(l->out);
}

void vc_progress_close(struct vc_progress_line *l)
{
	if (!l->pg)
		return;
	if (*l->shown) {
		if (l->ansi)
			fputs("\r\033[K", l->out);
		else
			fprintf(l->out, "\r%*s\r", (int)*l->shown, "");
		fflush(l->out);
	}
	munmap(l->shown, map_size(l->n));
	l->pg = NULL;
}
