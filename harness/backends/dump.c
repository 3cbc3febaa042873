/* dump:FILE -- a device's config space from a file: `lspci -vvv -xxxx` text
 * (or -xxx, -x) for one device, or a raw binary config space. Config reads
 * only: a dump has no BARs to touch and nothing to write to. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vc/device.h"
#include "vc/dump.h"

#define HOWTO "capture one device with `lspci -s BDF -vvv -xxxx > FILE` (as root)"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_hex(int c) { return hexval(c) >= 0; }

static bool is_raw_size(size_t n) { return n == 64 || n == 256 || n == 4096; }

/* Text is what lspci prints: printable bytes, tabs and line ends. A real
 * config space nearly always holds a zero byte, so this tells them apart. */
static bool looks_binary(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		if (c == 0 || c == 0x7f || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
					     c != '\f' && c != '\v'))
			return true;
	}
	return false;
}

/* Quote a bit of the offending input in a message: printable, short, and never
 * a newline, so the message stays one line. */
static const char *quote(const char *p, size_t n, char *buf, size_t buflen)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < buflen; i++) {
		unsigned char c = (unsigned char)p[i];
		if (i == 24) {
			buf[o++] = '.'; buf[o++] = '.'; buf[o++] = '.';
			break;
		}
		buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[o] = 0;
	return buf;
}

/* "00:02.0" or "0000:00:02.0" followed by a space or the end: lspci's device line. */
static bool is_device_line(const char *s, size_t n)
{
	size_t i = 0, k;

	for (k = 0; i < n && is_hex((unsigned char)s[i]) && k < 9; i++, k++)
		;
	if (k >= 4 && k <= 8) {                   /* a PCI domain first */
		if (i >= n || s[i] != ':')
			return false;
		i++;
	} else if (k == 2) {
		i -= 2;
	} else {
		return false;
	}
	if (n - i < 7 || !is_hex((unsigned char)s[i]) || !is_hex((unsigned char)s[i + 1]) ||
	    s[i + 2] != ':' || !is_hex((unsigned char)s[i + 3]) || !is_hex((unsigned char)s[i + 4]) ||
	    s[i + 5] != '.' || s[i + 6] < '0' || s[i + 6] > '7')
		return false;
	return n - i == 7 || s[i + 7] == ' ' || s[i + 7] == '\t';
}

/* A hex line starts "OO: HH" or "OOO: HH" at the left margin (lspci prints
 * offsets with %02x, so 3 digits from 0x100). Verbose lines start with a tab,
 * and "00:02.0" device lines have no space after the colon. */
static bool is_hex_line(const char *s, size_t n, unsigned *off, size_t *after)
{
	size_t i = 0;
	unsigned v = 0;

	while (i < n && i < 4 && is_hex((unsigned char)s[i]))
		v = v * 16 + (unsigned)hexval((unsigned char)s[i++]);
	if (i < 2 || i > 3 || i >= n || s[i] != ':')
		return false;
	if (n - i < 4 || s[i + 1] != ' ' || !is_hex((unsigned char)s[i + 2]) ||
	    !is_hex((unsigned char)s[i + 3]) || (n - i > 4 && s[i + 4] != ' ' && s[i + 4] != '\t'))
		return false;
	*off = v;
	*after = i + 1;
	return true;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

static const char *find_in(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}

/* "Region N: Memory at ... (64-bit, ...) [disabled] [size=512K]" or
 * "Region N: I/O ports at ... [size=64]". Returns false when the line does
 * not give a usable size (then no size from this dump can be trusted as
 * complete). s starts at "Region". */
static bool parse_region(const char *s, size_t n, struct vc_bar_info bars[VC_NUM_BARS])
{
	const char *end = s + n, *p;
	unsigned idx;
	bool io;
	uint64_t size = 0;

	if (n < 10 || s[7] < '0' || s[7] > '9' || s[8] != ':')
		return false;
	idx = (unsigned)(s[7] - '0');
	p = s + 9;
	if (starts_with(p, (size_t)(end - p), " Memory at "))
		io = false;
	else if (starts_with(p, (size_t)(end - p), " I/O ports at "))
		io = true;
	else
		return false;
	p = find_in(s, n, "[size=");
	if (!p)
		return false;     /* lspci omits the size when it does not know it */
	p += 6;
	if (p >= end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (size > (UINT64_MAX - 9) / 10)
			return false;
		size = size * 10 + (uint64_t)(*p - '0');
	}
	unsigned shift = 0;
	if (p < end && *p != ']') {
		const char *suf = strchr("KMGT", *p);
		if (!*p || !suf)
			return false;
		shift = 10 * (unsigned)(suf - "KMGT" + 1);
		p++;
	}
	if (p >= end || *p != ']' || size == 0 || size > (UINT64_MAX >> shift))
		return false;
	if (idx >= VC_NUM_BARS)
		return true;      /* not a BAR of a type 0 header: nothing to record */
	bars[idx].size = size << shift;
	bars[idx].is_io = io;
	bars[idx].is_64 = !io && find_in(s, n, "(64-bit") != NULL;
	return true;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -EBADMSG; } while (0)

int vc_dump_parse(const char *buf, size_t len, uint8_t cfg[4096], unsigned *cfg_size,
		  struct vc_bar_info bars[VC_NUM_BARS], bool *have_bar_sizes,
		  char *location, size_t loclen, char *err, size_t errlen)
{
	const unsigned char *u = (const unsigned char *)buf;
	char q[40];

	memset(cfg, 0, 4096);
	memset(bars, 0, sizeof(*bars) * VC_NUM_BARS);
	*cfg_size = 0;
	*have_bar_sizes = false;
	if (location && loclen)
		location[0] = 0;
	if (err && errlen)
		err[0] = 0;

	if (len == 0)
		FAIL("the file is empty: " HOWTO);
	if (len > VC_DUMP_MAX_BYTES)
		FAIL("%zu bytes is more than 1 MiB, too big for one device's dump: " HOWTO, len);
	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
		FAIL("the file is UTF-16 text: convert it (iconv -f UTF-16 -t UTF-8) or " HOWTO);
	if (looks_binary(u, len)) {
		if (!is_raw_size(len))
			FAIL("binary data of %zu bytes: a raw config space must be exactly 64, 256 or "
			     "4096 bytes (cat /sys/bus/pci/devices/BDF/config > FILE), or " HOWTO, len);
		memcpy(cfg, buf, len);
		*cfg_size = (unsigned)len;
		return 0;
	}

	size_t pos = 0;
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		pos = 3;         /* a UTF-8 byte order mark from some editor */

	enum { HEX_NONE, HEX_IN, HEX_DONE } hs = HEX_NONE;
	unsigned next = 0, lineno = 0, hex_first = 0, hex_last = 0, dev_line = 0;
	bool any_region = false, region_bad = false;
	char first_dev[16] = "";

	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + (nl ? 1 : 0);
		lineno++;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t' ||
			     line[n - 1] == '\f' || line[n - 1] == '\v'))
			n--;
		if (n == 0) {
			if (hs == HEX_IN)
				hs = HEX_DONE;
			continue;
		}

		size_t ind = 0;
		bool tab = false;
		while (ind < n && (line[ind] == ' ' || line[ind] == '\t'))
			tab |= line[ind++] == '\t';
		const char *s = line + ind;
		size_t sn = n - ind;
		unsigned off;
		size_t at;

		/* Hex lines sit at the left margin; allow spaces a paste may add,
		 * never tabs, which mark lspci's verbose lines. */
		if (!tab && is_hex_line(s, sn, &off, &at)) {
			if (off == 0 && next > 0)
				FAIL("line %u: a second config-space dump starts here (the first began at "
				     "line %u): the file must hold one device: " HOWTO,
				     lineno, hex_first);
			if (hs == HEX_DONE)
				FAIL("line %u: the hex dump resumes at offset %02x after a break at line %u: "
				     "it must be one block from offset 00: " HOWTO, lineno, off, hex_last + 1);
			if (off != next)
				FAIL("line %u: hex line at offset %02x where %02x was expected: the dump has "
				     "a gap or lines out of order: " HOWTO, lineno, off, next);
			if (next >= 4096)
				FAIL("line %u: more than 4096 bytes of config space: " HOWTO, lineno);
			unsigned nb = 0;
			size_t i = at;
			while (i < sn) {
				while (i < sn && (s[i] == ' ' || s[i] == '\t'))
					i++;
				size_t t = i;
				while (i < sn && s[i] != ' ' && s[i] != '\t')
					i++;
				if (t == i)
					break;
				if (i - t != 2 || !is_hex((unsigned char)s[t]) || !is_hex((unsigned char)s[t + 1]))
					FAIL("line %u: '%s' is not a hex byte (offset %02x): the dump is damaged: "
					     HOWTO, lineno, quote(s + t, i - t, q, sizeof(q)), off + nb);
				if (nb == 16)
					FAIL("line %u: more than 16 bytes on the hex line at offset %02x: "
					     "the dump is damaged: " HOWTO, lineno, off);
				cfg[off + nb++] = (uint8_t)(hexval((unsigned char)s[t]) << 4 |
							    hexval((unsigned char)s[t + 1]));
			}
			if (nb < 16)
				FAIL("line %u: only %u of 16 bytes on the hex line at offset %02x (cut "
				     "short?): " HOWTO, lineno, nb, off);
			if (next == 0)
				hex_first = lineno;
			next += 16;
			hs = HEX_IN;
			hex_last = lineno;
			continue;
		}
		if (ind == 0 && is_device_line(s, sn)) {
			size_t bl = 0;
			while (bl < sn && bl < 12 && s[bl] != ' ' && s[bl] != '\t')
				bl++;
			if (dev_line)
				FAIL("the file holds more than one device (%s at line %u, %.*s at line %u): "
				     "dump one with `lspci -s BDF -vvv -xxxx`",
				     first_dev, dev_line, (int)bl, s, lineno);
			dev_line = lineno;
			snprintf(first_dev, sizeof(first_dev), "%.*s", (int)bl, s);
			if (location && loclen)
				snprintf(location, loclen, "%.*s", (int)(sn < 1000 ? sn : 1000), s);
			continue;
		}
		if (hs == HEX_IN)
			FAIL("line %u: '%s' inside the hex dump is not a hex line (\"%02x: 16 bytes\"): "
			     "the dump is damaged: " HOWTO, lineno, quote(s, sn, q, sizeof(q)), next);
		/* Region lines of the device itself are indented once; SR-IOV VF
		 * BARs print deeper and are not this device's BARs. */
		if (ind > 0 && ((tab && ind == 1) || (!tab && ind <= 8)) &&
		    starts_with(s, sn, "Region ")) {
			any_region = true;
			if (!parse_region(s, sn, bars))
				region_bad = true;
		}
		/* Anything else (verbose text, lspci warnings) is not ours to judge. */
	}

	if (next == 0) {
		if (dev_line)
			FAIL("the dump has no config-space hex lines (lspci ran without -x?): " HOWTO);
		FAIL("neither an lspci dump nor a raw config space: no hex lines like "
		     "\"00: f4 1a 42 10 ...\" found: " HOWTO);
	}
	if (!is_raw_size(next))
		FAIL("line %u: the hex dump stops at offset %02x, but 64, 256 or 4096 bytes were "
		     "expected (cut short?): " HOWTO, hex_last, next);
	*cfg_size = next;
	if (any_region && !region_bad) {
		*have_bar_sizes = true;
	} else {
		/* Sizes we cannot vouch for are no sizes at all. */
		memset(bars, 0, sizeof(*bars) * VC_NUM_BARS);
	}
	return 0;
}

/* The backend: a snapshot served back. */

struct dump_priv {
	uint8_t cfg[4096];
};

static int dump_cfg_read(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val)
{
	const struct dump_priv *p = d->priv;
	uint32_t v = 0;

	if ((unsigned)off + width > d->cfg_size)
		return -ERANGE;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)p->cfg[off + i] << (8 * i);
	*val = v;
	return 0;
}

static void dump_close(struct vc_device *d)
{
	free(d->priv);
	d->priv = NULL;
}

static const struct vc_backend_ops dump_ops = {
	.cfg_read = dump_cfg_read,
	.close = dump_close,
};

/* Read the whole file, at most VC_DUMP_MAX_BYTES + 1 bytes (so "too big" is
 * seen without reading a huge file). */
static int slurp(const char *path, char **out, size_t *outlen, char *err, size_t errlen)
{
	/* Non-blocking open: a FIFO nobody writes to must not hang the run
	 * (read then sees end of file); a pipe being written to is read whole. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	size_t cap = 65536, n = 0;
	char *buf;

	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open dump file '%s': %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "dump file '%s' is a directory: give an lspci dump or raw config space file", path);
		return -EISDIR;
	}
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "dump file '%s' is a device or socket, not a file: give an lspci dump "
			 "or raw config space file (or a pipe)", path);
		return -ENODEV;
	}
	if (S_ISREG(st.st_mode) && st.st_size > (off_t)VC_DUMP_MAX_BYTES) {
		close(fd);
		snprintf(err, errlen, "dump file '%s' is %lld bytes, more than 1 MiB, too big for one device's "
			 "dump: " HOWTO, path, (long long)st.st_size);
		return -EFBIG;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (!(buf = malloc(cap))) {
		close(fd);
		snprintf(err, errlen, "out of memory reading '%s'", path);
		return -ENOMEM;
	}
	for (;;) {
		if (n == cap) {
			if (cap > VC_DUMP_MAX_BYTES)
				break;
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				close(fd);
				snprintf(err, errlen, "out of memory reading '%s'", path);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			snprintf(err, errlen, "cannot read dump file '%s': %s", path, strerror(e));
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = buf;
	*outlen = n;
	return 0;
}

static int dump_open(const char *arg, struct vc_device **out, char *err, size_t errlen)
{
	struct vc_bar_info bars[VC_NUM_BARS];
	char header[200], perr[400], spec[512];
	struct dump_priv *p;
	struct vc_device *d;
	unsigned size;
	bool sizes;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!arg || !*arg) {
		snprintf(err, errlen, "dump: needs a file: dump:FILE, where FILE is an "
			 "`lspci -s BDF -vvv -xxxx` text dump or a raw binary config space");
		return -EINVAL;
	}
	if ((rc = slurp(arg, &buf, &len, err, errlen)))
		return rc;
	if (!(p = calloc(1, sizeof(*p)))) {
		free(buf);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = vc_dump_parse(buf, len, p->cfg, &size, bars, &sizes, header, sizeof(header),
			   perr, sizeof(perr));
	free(buf);
	if (rc) {
		free(p);
		snprintf(err, errlen, "dump file '%s': %s", arg, perr);
		return rc;
	}
	snprintf(spec, sizeof(spec), "dump:%s", arg);
	if (!(d = vc_device_new(&dump_ops, "dump", spec))) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->priv = p;
	d->cfg_size = size;
	memcpy(d->bar, bars, sizeof(d->bar));
	d->abilities = sizes ? VC_BAR_SIZES : 0;
	if (header[0])
		snprintf(d->location, sizeof(d->location), "%s (%s)", arg, header);
	else
		snprintf(d->location, sizeof(d->location), "%s", arg);
	if (size == 64)
		snprintf(d->note, sizeof(d->note), "only the first 64 bytes of config space are in the "
			 "dump: capture it as root with lspci -xxxx");
	else if (!sizes)
		snprintf(d->note, sizeof(d->note), "the dump gives no BAR sizes (no lspci \"Region\" "
			 "lines): capture it with lspci -vvv -xxxx to check them");
	*out = d;
	return 0;
}

const struct vc_backend vc_backend_dump = { "dump", "dump:FILE", dump_open,
	"an `lspci -vvv -xxxx` dump of one device, or a raw binary config space: config-space clauses only" };
