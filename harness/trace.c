/* The doorbell trace on disk: one JSON object per line, written by
 * `run --trace FILE` and read back by `trace decode FILE`. The reader takes
 * any bytes: a malformed line is an error with its line number, never a
 * crash, and nothing is printed unless the whole file reads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vc/report.h"
#include "vc/trace.h"

struct vc_notif_fields vc_doorbell_decode(const struct vc_doorbell *db)
{
	struct vc_notif_fields f = { .vqn = (uint16_t)db->value };

	/* the negotiated format decides the layout, whatever width was written */
	if (db->notification_data) {
		f.has_next = true;
		f.next_off = (uint16_t)(db->value >> 16 & 0x7fff);
		f.next_wrap = db->value >> 31;
	}
	return f;
}

const char *vc_doorbell_vqn_name(const struct vc_doorbell *db)
{
	if (db->draft)
		return "notify_data";
	return db->notif_config_data ? "vq_notif_config_data" : "vq_index";
}

void vc_trace_write_json(FILE *out, const struct vc_doorbell *db)
{
	struct vc_notif_fields f = vc_doorbell_decode(db);

	fprintf(out, "{\"t_ns\":%llu,\"clause\":", (unsigned long long)db->t_ns);
	vc_json_string(out, db->clause ? db->clause : "");
	fprintf(out, ",\"queue\":%u,\"bar\":%u,\"offset\":%llu,\"width\":%u,\"value\":%lu,\"%s\":%u",
		db->queue, db->bar, (unsigned long long)db->offset, db->width, (unsigned long)db->value,
		vc_doorbell_vqn_name(db), f.vqn);
	if (f.has_next)
		fprintf(out, ",\"next_off\":%u,\"next_wrap\":%u", f.next_off, f.next_wrap);
	fprintf(out, ",\"features\":{\"notification_data\":%s,\"notif_config_data\":%s,\"ring_packed\":%s,"
		"\"draft_notify_data\":%s}}\n", db->notification_data ? "true" : "false",
		db->notif_config_data ? "true" : "false", db->packed ? "true" : "false", db->draft ? "true" : "false");
}

int vc_trace_write(const struct vc_trace *t, FILE *out)
{
	for (size_t i = 0; i < t->n; i++)
		vc_trace_write_json(out, &t->rec[i]);
	return ferror(out) ? -EIO : 0;
}

/* Reading: a small JSON parser for one flat object per line (with the one
 * nested "features" object). Unknown keys are skipped, whatever they hold. */

struct parser {
	const char *s;
	char *err;
	size_t errlen;
};

#define MAX_DEPTH 16

static int perr(struct parser *p, const char *what)
{
	snprintf(p->err, p->errlen, "%s", what);
	return -EINVAL;
}

static void ws(struct parser *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\r' || *p->s == '\n')
		p->s++;
}

static bool eat(struct parser *p, char ch)
{
	ws(p);
	if (*p->s != ch)
		return false;
	p->s++;
	return true;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A string into buf (NULL: skipped). Escapes below U+0100 are kept as one
 * byte, others as '?': clause ids are ASCII. */
static int string(struct parser *p, char *buf, size_t len)
{
	size_t n = 0;

	if (!eat(p, '"'))
		return perr(p, "expected a string");
	for (;;) {
		unsigned char c = (unsigned char)*p->s++;
		if (c == 0)
			return perr(p, "unterminated string");
		if (c == '"')
			break;
		if (c < 0x20)
			return perr(p, "control character in a string");
		if (c == '\\') {
			char e = *p->s++;
			const char *simple = strchr("\"\\/bfnrt", e);
			if (e && simple) {
				c = (unsigned char)"\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
			} else if (e == 'u') {
				int v = 0;
				for (int i = 0; i < 4; i++) {
					int h = hexval(p->s[i]);
					if (h < 0)
						return perr(p, "bad \\u escape in a string");
					v = v << 4 | h;
				}
				p->s += 4;
				c = v < 0x100 && v ? (unsigned char)v : '?';
			} else {
				return perr(p, "bad escape in a string");
			}
		}
		if (buf && n + 1 < len)
			buf[n++] = (char)c;
		else if (buf)
			return perr(p, "string too long");
	}
	if (buf)
		buf[n] = 0;
	return 0;
}

/* An unsigned integer (the trace writes nothing else). */
static int number(struct parser *p, uint64_t max, uint64_t *v)
{
	ws(p);
	if (*p->s == '-')
		return perr(p, "negative number");
	if (*p->s < '0' || *p->s > '9')
		return perr(p, "expected a number");
	*v = 0;
	while (*p->s >= '0' && *p->s <= '9') {
		unsigned d = (unsigned)(*p->s++ - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return perr(p, "number out of range");
		*v = *v * 10 + d;
	}
	if (*p->s == '.' || *p->s == 'e' || *p->s == 'E')
		return perr(p, "expected an integer");
	if (*v > max)
		return perr(p, "number out of range");
	return 0;
}

static int literal(struct parser *p, const char *word)
{
	ws(p);
	if (strncmp(p->s, word, strlen(word)))
		return perr(p, "unexpected token");
	p->s += strlen(word);
	return 0;
}

static int boolean(struct parser *p, bool *v)
{
	ws(p);
	*v = *p->s == 't';
	return literal(p, *v ? "true" : "false");
}

static int skip_value(struct parser *p, unsigned depth)
{
	int rc;

	if (depth > MAX_DEPTH)
		return perr(p, "nested too deeply");
	ws(p);
	switch (*p->s) {
	case '"': return string(p, NULL, 0);
	case 't': return literal(p, "true");
	case 'f': return literal(p, "false");
	case 'n': return literal(p, "null");
	case '{': case '[': {
		char close = *p->s == '{' ? '}' : ']';
		p->s++;
		if (eat(p, close))
			return 0;
		do {
			if (close == '}' && ((rc = string(p, NULL, 0)) || (!eat(p, ':') && perr(p, "expected ':'"))))
				return -EINVAL;
			if ((rc = skip_value(p, depth + 1)))
				return rc;
		} while (eat(p, ','));
		return eat(p, close) ? 0 : perr(p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	}
	/* any JSON number: -?digits(.digits)?([eE][+-]?digits)? */
	const char *start = p->s;
	p->s += *p->s == '-';
	size_t digits = strspn(p->s, "0123456789");
	p->s += digits;
	if (*p->s == '.') {
		size_t frac = strspn(++p->s, "0123456789");
		p->s += frac;
		digits = digits && frac;
	}
	if (digits && (*p->s == 'e' || *p->s == 'E')) {
		p->s += 1 + (p->s[1] == '+' || p->s[1] == '-');
		size_t exp = strspn(p->s, "0123456789");
		p->s += exp;
		digits = exp;
	}
	if (!digits) {
		p->s = start;
		return perr(p, "unexpected token");
	}
	return 0;
}

enum { F_T, F_CLAUSE, F_QUEUE, F_BAR, F_OFFSET, F_WIDTH, F_VALUE, F_FEATURES, F_COUNT };

static int features(struct parser *p, struct vc_doorbell *db, unsigned *seen)
{
	char key[32];
	int rc;

	if (!eat(p, '{'))
		return perr(p, "\"features\" is not an object");
	if (eat(p, '}'))
		goto done;
	do {
		if ((rc = string(p, key, sizeof(key))) || (!eat(p, ':') && perr(p, "expected ':'")))
			return -EINVAL;
		bool *b = !strcmp(key, "notification_data") ? &db->notification_data
			: !strcmp(key, "notif_config_data") ? &db->notif_config_data
			: !strcmp(key, "ring_packed") ? &db->packed
			: !strcmp(key, "draft_notify_data") ? &db->draft : NULL;
		if ((rc = b ? boolean(p, b) : skip_value(p, 1)))
			return rc;
		if (b && b != &db->draft)
			*seen |= 1u << (b == &db->notification_data ? 0 : b == &db->notif_config_data ? 1 : 2);
	} while (eat(p, ','));
	if (!eat(p, '}'))
		return perr(p, "expected ',' or '}' in \"features\"");
done:
	return *seen == 7 ? 0 : perr(p, "\"features\" lacks notification_data, notif_config_data or ring_packed");
}

int vc_trace_parse_line(const char *line, struct vc_doorbell *db, char *clause_buf, size_t clause_len,
			char *err, size_t errlen)
{
	static const char *const names[F_COUNT] = { "t_ns", "clause", "queue", "bar", "offset", "width", "value",
						    "features" };
	struct parser p = { line, err, errlen };
	unsigned seen = 0, fseen = 0;
	uint64_t v, vqn = 0, next_off = 0, next_wrap = 0;
	bool has_vqn = false, has_next_off = false, has_next_wrap = false;
	char key[32];
	int rc;

	memset(db, 0, sizeof(*db));
	if (!eat(&p, '{'))
		return perr(&p, "not a JSON object");
	do {
		if ((rc = string(&p, key, sizeof(key))))
			return rc;
		if (!eat(&p, ':'))
			return perr(&p, "expected ':'");
		int f = F_COUNT;
		for (int i = 0; i < F_COUNT; i++)
			if (!strcmp(key, names[i]))
				f = i;
		rc = 0;
		switch (f) {
		case F_T: rc = number(&p, UINT64_MAX, &db->t_ns); break;
		case F_CLAUSE: rc = string(&p, clause_buf, clause_len); db->clause = clause_buf; break;
		case F_QUEUE: if (!(rc = number(&p, 0xffff, &v))) db->queue = (uint16_t)v; break;
		case F_BAR: if (!(rc = number(&p, 5, &v))) db->bar = (uint8_t)v; break;
		case F_OFFSET: rc = number(&p, UINT64_MAX, &db->offset); break;
		case F_WIDTH:
			if (!(rc = number(&p, 8, &v)) && v != 2 && v != 4)
				rc = perr(&p, "width is neither 2 nor 4");
			db->width = (uint8_t)v;
			break;
		case F_VALUE: if (!(rc = number(&p, 0xffffffffu, &v))) db->value = (uint32_t)v; break;
		case F_FEATURES: rc = features(&p, db, &fseen); break;
		default:
			if (!strcmp(key, "vq_index") || !strcmp(key, "vq_notif_config_data") || !strcmp(key, "notify_data"))
				rc = number(&p, 0xffff, &vqn), has_vqn = true;
			else if (!strcmp(key, "next_off"))
				rc = number(&p, 0x7fff, &next_off), has_next_off = true;
			else if (!strcmp(key, "next_wrap"))
				rc = number(&p, 1, &next_wrap), has_next_wrap = true;
			else
				rc = skip_value(&p, 1);
		}
		if (rc)
			return rc;
		if (f < F_COUNT)
			seen |= 1u << f;
	} while (eat(&p, ','));
	if (!eat(&p, '}'))
		return perr(&p, "expected ',' or '}'");
	ws(&p);
	if (*p.s)
		return perr(&p, "text after the object");
	for (int i = 0; i < F_COUNT; i++)
		if (!(seen & 1u << i)) {
			snprintf(err, errlen, "missing \"%s\"", names[i]);
			return -EINVAL;
		}
	/* decoded fields, when given, must say what the raw value says */
	struct vc_notif_fields d = vc_doorbell_decode(db);
	if ((has_vqn && vqn != d.vqn) || (has_next_off && (!d.has_next || next_off != d.next_off)) ||
	    (has_next_wrap && (!d.has_next || next_wrap != d.next_wrap)))
		return perr(&p, "decoded fields disagree with \"value\" and \"features\"");
	return 0;
}

static void human(FILE *out, const struct vc_doorbell *db, uint64_t t0)
{
	struct vc_notif_fields f = vc_doorbell_decode(db);
	uint64_t dt = db->t_ns >= t0 ? db->t_ns - t0 : 0;

	/* a queue index in decimal, a device-chosen value in hex */
	fprintf(out, "+%llu.%06llus %s queue %u BAR%u+0x%llx %u-bit 0x%0*lx %s=%s%x",
		(unsigned long long)(dt / 1000000000u), (unsigned long long)(dt % 1000000000u / 1000u),
		db->clause && *db->clause ? db->clause : "-", db->queue, db->bar, (unsigned long long)db->offset,
		8 * db->width, db->width == 4 ? 8 : 4, (unsigned long)db->value, vc_doorbell_vqn_name(db),
		db->draft || db->notif_config_data ? "0x" : "", f.vqn);
	if (f.has_next)
		fprintf(out, " next_off=%u next_wrap=%u", f.next_off, f.next_wrap);
	fprintf(out, " [%s%s%s%s]\n", db->notification_data ? "NOTIFICATION_DATA" : "16-bit format",
		db->notif_config_data ? " NOTIF_CONFIG_DATA" : "", db->packed ? " RING_PACKED" : " split",
		db->draft ? " draft-notify_data" : "");
}

#define MAX_LINE 65536

int vc_trace_decode_file(const char *path, FILE *out, char *err, size_t errlen)
{
	FILE *in = fopen(path, "r"), *mem;
	char *line = NULL, *text = NULL, clause[256], why[160];
	size_t cap = 0, textlen = 0;
	unsigned long lineno = 0;
	uint64_t t0 = 0;
	bool first = true;
	ssize_t len;
	int rc = 0;

	if (!in) {
		rc = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return rc;
	}
	if (!(mem = open_memstream(&text, &textlen))) {
		fclose(in);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		struct vc_doorbell db;
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if ((size_t)len != strlen(line))
			rc = -EINVAL, snprintf(why, sizeof(why), "NUL byte in the line");
		else if (len > MAX_LINE)
			rc = -EINVAL, snprintf(why, sizeof(why), "line longer than %d bytes", MAX_LINE);
		else if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		else
			rc = vc_trace_parse_line(line, &db, clause, sizeof(clause), why, sizeof(why));
		if (rc) {
			snprintf(err, errlen, "%s:%lu: not a doorbell trace line: %s", path, lineno, why);
			break;
		}
		if (first)
			t0 = db.t_ns, first = false;
		human(mem, &db, t0);
	}
	if (!rc && ferror(in)) {
		rc = -EIO;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
	}
	free(line);
	fclose(in);
	fclose(mem);
	if (!rc && textlen && fwrite(text, 1, textlen, out) != textlen)
		rc = -EIO, snprintf(err, errlen, "cannot write the decoded trace");
	free(text);
	return rc;
}
