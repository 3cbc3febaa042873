/* Report writers: a small fake run with one result of each status, written
 * in every format into memory. JSON and JUnit are checked by parsing them
 * with Python's json and ElementTree, which also proves they are valid. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "vc/report.h"
#include "vc/trace.h"

#define PYTHON "/usr/bin/python3"

static void nop(struct vc_ctx *c) { (void)c; }

static const struct vc_clause clauses[] = {
	{ .id = "pci.caps.list", .label = "PCI Device Layout / capability list", .keyword = VC_MUST,
	  .since = "1.0", .covers = "PCI-CAP-1", .run = nop },
	{ .id = "pci.common.reset", .label = "Common configuration / device_status <reset>",
	  .keyword = VC_MUST, .since = "1.0", .covers = " PCI-NOTIFY-DEV-1  PCI-NOTIFY-DEV-2 ", .run = nop },
	{ .id = "isr.status-read", .label = "ISR status capability", .keyword = VC_SHOULD,
	  .side = VC_DRIVER_RULE, .since = "1.2", .run = nop },
	{ .id = "device_cfg.generation", .label = "Device configuration", .keyword = VC_MUST, .run = nop },
	{ .id = "status.failed", .label = "Device status", .keyword = VC_MUST_NOT, .run = nop },
	{ .id = "noarea", .label = "no dot in the id", .keyword = VC_MAY, .profile = "draft", .run = nop },
};

/* Everything a message could hold that breaks a format: quotes, backslash,
 * newline, tab, control characters (ESC too), bytes that are not UTF-8
 * (a stray 0xff, an overlong '/'), valid UTF-8, and XML's specials. */
#define NASTY "quote\" back\\ nl\n tab\t ctl\x01 esc\x1b bad\xff\xc0\xaf ok\xc3\xa9 <&>'"

static struct vc_result res1[6], res2[1];
static struct vc_device dev1, dev2;
static struct vc_device_report drs[2];
static struct vc_report rep;       /* both devices */
static struct vc_report rep1;      /* the first device alone */

static void set(struct vc_result *r, const struct vc_clause *cl, enum vc_status s, const char *msg,
		const char *obs, const char *exp, uint64_t us)
{
	r->clause = cl;
	r->status = s;
	snprintf(r->message, sizeof(r->message), "%s", msg);
	snprintf(r->observed, sizeof(r->observed), "%s", obs);
	snprintf(r->expected, sizeof(r->expected), "%s", exp);
	r->duration_us = us;
}

static int setup(void **state)
{
	struct vc_probe *p = calloc(1, sizeof(*p));   /* large: not on the stack */

	(void)state;
	if (!p)
		return -1;
	p->vendor_id = 0x1af4;
	p->device_id = 0x1041;
	p->subsystem_vendor_id = 0x1af4;
	p->subsystem_id = 0x0001;
	p->revision = 1;
	p->class_code = 0x020000;
	p->virtio_type = 1;

	snprintf(dev1.backend, sizeof(dev1.backend), "sim");
	snprintf(dev1.spec, sizeof(dev1.spec), "sim:bad<&>\"");
	snprintf(dev1.location, sizeof(dev1.location), "simulated");
	snprintf(dev1.note, sizeof(dev1.note), "config space truncated\nto 64 bytes");
	snprintf(dev2.backend, sizeof(dev2.backend), "qemu");
	snprintf(dev2.spec, sizeof(dev2.spec), "qemu:virtio-rng-pci");

	/* registry order mixes the statuses, so "failures first" is visible */
	set(&res1[0], &clauses[0], VC_PASS, "", "", "", 12);
	set(&res1[1], &clauses[1], VC_FAIL, NASTY, "0x3", "even power of 2", 1500000);
	set(&res1[2], &clauses[2], VC_WARN, "ISR read took 3 reads", "", "", 7);
	set(&res1[3], &clauses[3], VC_SKIP, "no DMA # here", "", "", 0);
	set(&res1[4], &clauses[4], VC_ERROR, "BAR read failed: Input/output error", "", "", 3);
	set(&res1[5], &clauses[5], VC_PASS, "", "", "", 1);
	set(&res2[0], &clauses[0], VC_PASS, "", "", "", 2);

	drs[0] = (struct vc_device_report){ .dev = &dev1, .probe = p, .results = res1, .n = 6 };
	drs[1] = (struct vc_device_report){ .dev = &dev2, .probe = NULL, .results = res2, .n = 1 };
	rep = (struct vc_report){ .tool_version = "9.9.9", .spec_version = "1.4",
				  .command_line = "virtio-conform run --device sim:bad",
				  .started = 1714564800, /* 2024-05-01T12:00:00Z */
				  .devices = drs, .ndevices = 2 };
	rep1 = rep;
	rep1.ndevices = 1;
	signal(SIGPIPE, SIG_IGN);   /* a checker that dies early must fail a test, not kill it */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free((void *)drs[0].probe);
	return 0;
}

static char *render(const struct vc_report *r, enum vc_format f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(vc_report_write(r, f, out), 0);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(strlen(buf), len);   /* no NUL byte slipped in */
	return buf;
}

static char *escaped(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	fn(out, s);
	fclose(out);
	return buf;
}

/* Feed doc to a Python script on stdin; true when it exits 0. */
static bool python_ok(const char *script, const char *doc)
{
	char path[] = "/tmp/test_report_XXXXXX", cmd[64];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	snprintf(cmd, sizeof(cmd), PYTHON " %s", path);
	FILE *p = popen(cmd, "w");
	assert_non_null(p);
	fputs(doc, p);
	int st = pclose(p);
	unlink(path);
	return st == 0;
}

static void need_python(void)
{
	if (access(PYTHON, X_OK) != 0)
		skip();
}

static void test_formats(void **state)
{
	enum vc_format f;

	(void)state;
	for (unsigned i = 0; i < VC_FMT_COUNT; i++) {
		assert_int_equal(vc_format_parse(vc_format_name((enum vc_format)i), &f), 0);
		assert_int_equal(f, i);
	}
	assert_int_equal(vc_format_parse("junit", &f), 0);
	assert_int_equal(f, VC_FMT_JUNIT);
	assert_int_equal(vc_format_parse("xml", &f), -EINVAL);
	assert_int_equal(vc_format_parse("", &f), -EINVAL);
	assert_int_equal(vc_report_write(&rep, VC_FMT_COUNT, stdout), -EINVAL);
}

static void test_counts(void **state)
{
	unsigned c[VC_STATUS_COUNT];

	(void)state;
	vc_report_count(&drs[0]);
	assert_int_equal(drs[0].counts[VC_PASS], 2);
	assert_int_equal(drs[0].counts[VC_FAIL], 1);
	assert_int_equal(drs[0].counts[VC_WARN], 1);
	assert_int_equal(drs[0].counts[VC_SKIP], 1);
	assert_int_equal(drs[0].counts[VC_ERROR], 1);
	vc_report_totals(&rep, c);
	assert_int_equal(c[VC_PASS], 3);
	assert_int_equal(c[VC_FAIL] + c[VC_WARN] + c[VC_SKIP] + c[VC_ERROR], 4);
}

static void test_json_escape(void **state)
{
	char *s;

	(void)state;
	s = escaped(vc_json_string, "a\"b\\c\n\r\t\x01\x1f\x7f\xe2\x82\xac\xf0\x9f\x98\x80");
	assert_string_equal(s, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\x7f\xe2\x82\xac\xf0\x9f\x98\x80\"");
	free(s);
	/* stray byte, overlong, surrogate, beyond U+10FFFF, truncated at the end */
	s = escaped(vc_json_string, "\xff|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x82");
	assert_string_equal(s, "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
			       "\\ufffd\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\"");
	free(s);
	s = escaped(vc_json_string, NULL);
	assert_string_equal(s, "null");
	free(s);
	s = escaped(vc_json_words, "  A-1  b\"\tc ");
	assert_string_equal(s, "[\"A-1\", \"b\\\"\", \"c\"]");
	free(s);
	s = escaped(vc_json_words, NULL);
	assert_string_equal(s, "[]");
	free(s);
}

static void test_xml_escape(void **state)
{
	char *s;

	(void)state;
	s = escaped(vc_xml_string, "<a b='c'>&\"\t\n\r\x01\x1b\xff\xef\xbf\xbe\xc3\xa9");
	assert_string_equal(s, "&lt;a b=&apos;c&apos;&gt;&amp;&quot;\t\n&#13;????\xc3\xa9");
	free(s);
	s = escaped(vc_xml_attr, "\t\n\r<");
	assert_string_equal(s, "&#9;&#10;&#13;&lt;");
	free(s);
	s = escaped(vc_xml_attr, NULL);
	assert_string_equal(s, "");
	free(s);
}

static const char json_check[] =
	"import json, sys\n"
	"d = json.load(sys.stdin)\n"
	"NASTY = 'quote\\\" back\\\\ nl\\n tab\\t ctl\\x01 esc\\x1b bad\\ufffd\\ufffd\\ufffd ok\\u00e9 <&>\\x27'\n"
	"assert d['tool'] == {'name': 'virtio-conform', 'version': '9.9.9'}, d['tool']\n"
	"assert d['spec'] == {'version': '1.4'}, d['spec']\n"
	"assert d['profiles'] == ['default', 'draft'], d['profiles']\n"
	"assert d['command'] == 'virtio-conform run --device sim:bad'\n"
	"assert d['started'] == '2024-05-01T12:00:00Z', d['started']\n"
	"a, b = d['devices']\n"
	"assert a['spec'] == 'sim:bad<&>\"' and a['backend'] == 'sim' and a['location'] == 'simulated'\n"
	"assert a['note'] == 'config space truncated\\nto 64 bytes'\n"
	"i = a['identity']\n"
	"assert (i['vendor_id'], i['device_id'], i['subsystem_vendor_id'], i['subsystem_id']) == \\\n"
	"    ('0x1af4', '0x1041', '0x1af4', '0x0001'), i\n"
	"assert (i['revision'], i['class'], i['virtio_type']) == ('0x01', '0x020000', 1), i\n"
	"r = a['results']\n"
	"assert [x['status'] for x in r] == ['PASS', 'FAIL', 'WARN', 'SKIP', 'ERROR', 'PASS']\n"
	"assert [x['id'] for x in r][:2] == ['pci.caps.list', 'pci.common.reset']\n"
	"f = r[1]\n"
	"assert f['message'] == NASTY, repr(f['message'])\n"
	"assert (f['observed'], f['expected']) == ('0x3', 'even power of 2')\n"
	"assert f['covers'] == ['PCI-NOTIFY-DEV-1', 'PCI-NOTIFY-DEV-2'], f['covers']\n"
	"assert f['keyword'] == 'MUST' and f['since'] == '1.0' and f['duration_us'] == 1500000\n"
	"assert f['label'] == 'Common configuration / device_status <reset>'\n"
	"assert f['section'] == '4.1.4.4.1' and r[2]['section'] is None, (f['section'], r[2]['section'])\n"
	"assert r[2]['keyword'] == 'SHOULD' and r[2]['side'] != r[1]['side']\n"
	"assert r[0]['covers'] == ['PCI-CAP-1'] and r[3]['covers'] == []\n"
	"assert r[0]['observed'] is None and r[0]['message'] == '' and r[3]['since'] is None\n"
	"assert r[3]['message'] == 'no DMA # here'\n"
	"assert a['summary'] == {'total': 6, 'pass': 2, 'fail': 1, 'warn': 1, 'skip': 1, 'error': 1, 'xfail': 0, 'xpass': 0, 'blocked': 0}\n"
	"assert b['identity'] is None and b['note'] is None and b['location'] is None\n"
	"assert b['summary']['total'] == 1 and b['summary']['pass'] == 1\n"
	"assert d['summary'] == {'total': 7, 'pass': 3, 'fail': 1, 'warn': 1, 'skip': 1, 'error': 1, 'xfail': 0, 'xpass': 0, 'blocked': 0}\n";

static void test_json(void **state)
{
	struct vc_report empty = { .tool_version = "9.9.9", .spec_version = "1.4" };
	char *s;

	(void)state;
	need_python();
	s = render(&rep, VC_FMT_JSON);
	assert_true(python_ok(json_check, s));
	free(s);
	/* nothing run, nothing known: still valid JSON */
	s = render(&empty, VC_FMT_JSON);
	assert_true(python_ok("import json, sys\nd = json.load(sys.stdin)\n"
			      "assert d['devices'] == [] and d['started'] is None and d['command'] is None\n"
			      "assert d['summary']['total'] == 0\n", s));
	free(s);
}

static const char junit_check[] =
	"import sys, xml.etree.ElementTree as ET\n"
	"NASTY = 'quote\\\" back\\\\ nl\\n tab\\t ctl? esc? bad??? ok\\u00e9 <&>\\x27'\n"
	"root = ET.parse(sys.stdin.buffer).getroot()\n"
	"assert root.tag == 'testsuites'\n"
	"assert (root.get('tests'), root.get('failures'), root.get('errors'), root.get('skipped')) == \\\n"
	"    ('7', '2', '1', '1'), root.attrib\n"
	"a, b = root.findall('testsuite')\n"
	"assert a.get('name') == 'virtio-conform sim:bad<&>\"', a.get('name')\n"
	"assert (a.get('tests'), a.get('failures'), a.get('errors'), a.get('skipped')) == \\\n"
	"    ('6', '2', '1', '1'), a.attrib\n"
	"assert a.get('time') == '1.500023', a.get('time')\n"
	"props = {p.get('name'): p.get('value') for p in a.find('properties')}\n"
	"assert props['note'] == 'config space truncated\\nto 64 bytes', props\n"
	"assert props['identity'] == '1af4:1041'\n"
	"c = a.findall('testcase')\n"
	"assert [x.get('classname') for x in c] == \\\n"
	"    ['pci.caps', 'pci.common', 'isr', 'device_cfg', 'status', ''], [x.get('classname') for x in c]\n"
	"assert c[0].get('name') == 'pci.caps.list' and c[0].get('time') == '0.000012'\n"
	"assert len(c[0]) == 0 and len(c[5]) == 0\n"
	"f = c[1].find('failure')\n"
	"assert f.get('type') == 'FAIL' and f.get('message') == NASTY, repr(f.get('message'))\n"
	"assert f.text.startswith(NASTY), repr(f.text)\n"
	"assert 'MUST: 4.1.4.4.1 Common configuration / device_status <reset>' in f.text\n"
	"assert 'observed: 0x3' in f.text and 'expected: even power of 2' in f.text\n"
	"w = c[2].find('failure')\n"
	"assert w.get('type') == 'WARN' and w.get('message') == 'ISR read took 3 reads'\n"
	"assert c[3].find('skipped').get('message') == 'no DMA # here'\n"
	"e = c[4].find('error')\n"
	"assert e.get('type') == 'ERROR' and e.get('message').startswith('BAR read failed')\n"
	"assert b.get('name') == 'virtio-conform qemu:virtio-rng-pci' and b.get('tests') == '1'\n";

static void test_junit(void **state)
{
	char *s;

	(void)state;
	s = render(&rep, VC_FMT_JUNIT);
	assert_non_null(strstr(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
	assert_non_null(strstr(s, "name=\"virtio-conform sim:bad&lt;&amp;&gt;&quot;\""));
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\x01'));
	need_python();
	assert_true(python_ok(junit_check, s));
	free(s);
}

static void test_tap_flat(void **state)
{
	char *s = render(&rep1, VC_FMT_TAP);

	(void)state;
	assert_memory_equal(s, "TAP version 14\n", 15);
	assert_non_null(strstr(s, "\n1..6\n"));
	assert_null(strstr(s, "Subtest"));
	assert_non_null(strstr(s, "\nok 1 - pci.caps.list\n"));
	assert_non_null(strstr(s, "\nnot ok 2 - pci.common.reset\n  ---\n  severity: fail\n"
				  "  keyword: \"MUST\"\n  label: \"Common configuration / device_status <reset>\"\n"
				  "  section: \"4.1.4.4.1\"\n"
				  "  message: \"quote\\\" back\\\\ nl\\n tab\\t ctl\\u0001 esc\\u001b bad\\ufffd"));
	assert_non_null(strstr(s, "  observed: \"0x3\"\n  expected: \"even power of 2\"\n  ...\n"));
	assert_non_null(strstr(s, "\nnot ok 3 - isr.status-read\n  ---\n  severity: warning\n"));
	/* '#' in a reason is escaped so it cannot start another directive */
	assert_non_null(strstr(s, "\nok 4 - device_cfg.generation # SKIP no DMA \\# here\n"));
	assert_non_null(strstr(s, "\nnot ok 5 - status.failed\n  ---\n  severity: error\n"));
	assert_non_null(strstr(s, "\nok 6 - noarea\n"));
	assert_non_null(strstr(s, "profiles default, draft\n"));
	free(s);
}

static void test_tap_subtests(void **state)
{
	char *s = render(&rep, VC_FMT_TAP);

	(void)state;
	assert_memory_equal(s, "TAP version 14\n", 15);
	assert_non_null(strstr(s, "\n1..2\n# Subtest: sim:bad<&>\"\n    1..6\n    ok 1 - pci.caps.list\n"));
	assert_non_null(strstr(s, "\n    not ok 2 - pci.common.reset\n      ---\n      severity: fail\n"));
	assert_non_null(strstr(s, "\n      ...\n"));
	assert_non_null(strstr(s, "\nnot ok 1 - sim:bad<&>\"\n# Subtest: qemu:virtio-rng-pci\n"
				  "    1..1\n    ok 1 - pci.caps.list\nok 2 - qemu:virtio-rng-pci\n"));
	free(s);
}

static void test_text(void **state)
{
	char *s = render(&rep, VC_FMT_TEXT);
	char *fail, *err, *warn, *pass, *skip;

	(void)state;
	assert_non_null(strstr(s, "virtio-conform 9.9.9, virtio 1.4"));
	assert_non_null(strstr(s, "2024-05-01T12:00:00Z"));
	assert_non_null(strstr(s, "1af4:1041 subsystem 1af4:0001 rev 01"));
	assert_non_null(strstr(s, "note: config space truncated\n        to 64 bytes"));
	assert_non_null(strstr(s, "identity: not probed"));   /* the second device */
	/* failures first: FAIL, ERROR, WARN, then the short list */
	fail = strstr(s, "  FAIL  pci.common.reset [MUST]\n");
	err = strstr(s, "  ERROR status.failed [MUST NOT]\n");
	warn = strstr(s, "  WARN  isr.status-read [SHOULD]\n");
	pass = strstr(s, "  PASS  pci.caps.list\n");
	skip = strstr(s, "  SKIP  device_cfg.generation: no DMA # here\n");
	assert_non_null(fail);
	assert_non_null(err);
	assert_non_null(warn);
	assert_non_null(pass);
	assert_non_null(skip);
	assert_true(fail < err && err < warn && warn < pass && pass < skip);
	assert_non_null(strstr(fail, "observed: 0x3\n"));
	assert_non_null(strstr(fail, "expected: even power of 2\n"));
	assert_true(strstr(fail, "observed:") < err);
	/* no colour into a non-terminal, and no raw control bytes from messages */
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\x01'));
	assert_null(strchr(s, '\xff'));
	assert_non_null(strstr(s, "quote\" back\\ nl\n         tab\t ctl? esc? bad??? ok\xc3\xa9 <&>'\n"));
	assert_non_null(strstr(s, "\n6 clauses: 2 passed, 1 failed, 1 warnings, 1 skipped, 1 errors\n"));
	assert_non_null(strstr(s, "\n1 clauses: 1 passed, 0 failed, 0 warnings, 0 skipped, 0 errors\n"));
	assert_non_null(strstr(s, "7 clauses: 3 passed, 1 failed, 1 warnings, 1 skipped, 1 errors\n"));
	free(s);
}

static void test_html_escape(void **state)
{
	char *s;

	(void)state;
	/* markup, kept whitespace, CR and C0/DEL/C1 controls, a stray byte,
	 * noncharacters U+FFFE and U+FDD0, then valid UTF-8 */
	s = escaped(vc_html_string, "<a b='c'>&\"\t\n\r\x01\x1b\x7f\xc2\x85\xff\xef\xbf\xbe\xef\xb7\x90\xc3\xa9");
	assert_string_equal(s, "&lt;a b=&#39;c&#39;&gt;&amp;&quot;\t\n?????\xef\xbf\xbd??\xc3\xa9");
	free(s);
	s = escaped(vc_html_string, NULL);
	assert_string_equal(s, "");
	free(s);
}

/* Ten queues: eight drawn, two summed as "other"; 2 doorbells each. */
static struct vc_doorbell rings[20];
static struct vc_trace trace = { .rec = rings, .n = 20, .cap = 20 };

static const char html_check[] =
	"import sys, html.parser\n"
	"VOID = {'meta', 'br', 'hr', 'img', 'input', 'link', 'col', 'wbr'}\n"
	"class P(html.parser.HTMLParser):\n"
	"    def __init__(self):\n"
	"        super().__init__()\n"
	"        self.stack, self.ids, self.text, self.order, self.queues = [], {}, {}, [], []\n"
	"        self.h4, self.grab = [], None\n"
	"    def handle_starttag(self, tag, attrs):\n"
	"        a = dict(attrs)\n"
	"        assert tag != 'script', (tag, a)\n"
	"        for k in ('href', 'src'):\n"
	"            assert k not in a or a[k].startswith('#'), a\n"
	"        if 'id' in a:\n"
	"            assert a['id'] not in self.ids, 'duplicate id ' + a['id']\n"
	"            self.ids[a['id']] = a\n"
	"            self.order.append(a['id'])\n"
	"        if tag == 'a':\n"
	"            self.order.append(a['href'])\n"
	"        if tag == 'polyline':\n"
	"            self.queues.append(a['data-queue'])\n"
	"        self.grab = a.get('id') or ('h4' if tag == 'h4' else self.grab)\n"
	"        if tag not in VOID:\n"
	"            self.stack.append(tag)\n"
	"    def handle_startendtag(self, tag, attrs):\n"
	"        if tag == 'polyline':\n"
	"            self.queues.append(dict(attrs)['data-queue'])\n"
	"    def handle_endtag(self, tag):\n"
	"        assert self.stack and self.stack[-1] == tag, (self.stack[-3:], tag)\n"
	"        self.stack.pop()\n"
	"    def handle_data(self, d):\n"
	"        if self.grab == 'h4':\n"
	"            self.h4.append(d)\n"
	"        elif self.grab:\n"
	"            self.text[self.grab] = self.text.get(self.grab, '') + d\n"
	"        self.grab = None\n"
	"doc = sys.stdin.read()\n"
	"p = P()\n"
	"p.feed(doc)\n"
	"p.close()\n"
	"assert p.stack == [], p.stack\n"
	"assert doc.count('http') == 1 and 'url(' not in doc   # only the SVG namespace\n"
	"t = p.ids['totals']\n"
	"assert [t['data-' + k] for k in ('total', 'pass', 'fail', 'warn', 'skip', 'error')] == \\\n"
	"    ['7', '3', '1', '1', '1', '1'], t\n"
	"assert [p.text['totals-' + k] for k in ('total', 'pass', 'fail')] == ['7', '3', '1'], p.text\n"
	"assert p.ids['d0-totals']['data-total'] == '6' and p.ids['d1-totals']['data-pass'] == '1'\n"
	"assert p.text['command'] == 'virtio-conform run --device sim:bad', p.text\n"
	"assert p.text['spec-version'] == '1.4' and p.text['profiles'] == 'default, draft'\n"
	"# failures first: the summary links, worst first, before any clause row\n"
	"links = [x for x in p.order if x.startswith('#d0-')]\n"
	"assert links == ['#d0-pci.common.reset', '#d0-status.failed', '#d0-isr.status-read'], links\n"
	"rows = [x for x in p.order if x.startswith('d0-') and '.' in x or x == 'd0-noarea']\n"
	"# sections in the spec's order (none of these labels is the spec's: as they come)\n"
	"assert rows[:2] == ['d0-pci.caps.list', 'd0-pci.common.reset'], rows\n"
	"assert p.order.index('#d0-isr.status-read') < p.order.index('d0-pci.common.reset')\n"
	"assert set(rows) == {'d0-' + i for i in ('pci.caps.list', 'pci.common.reset', 'isr.status-read',\n"
	"    'device_cfg.generation', 'status.failed', 'noarea')}, rows\n"
	"assert p.h4[:6] == ['PCI Device Layout / capability list', 'Common configuration / device_status <reset>',\n"
	"    'ISR status capability', 'Device configuration', 'Device status', 'no dot in the id'], p.h4\n"
	"assert p.queues == ['0', '1', '2', '3', '4', '5', '6', '7', 'other'], p.queues\n"
	"assert p.ids['doorbell-chart']\n"
	"assert 'other queues</td><td>4</td>' in doc\n"
	"assert doc.count('No doorbells were rung') == 1   # the second device\n"
	"assert 'quote&quot; back\\\\ nl\\n tab\\t ctl? esc? bad\\ufffd\\ufffd\\ufffd ok\\u00e9 &lt;&amp;&gt;&#39;' in doc\n";

static void test_html(void **state)
{
	char *s;

	(void)state;
	for (unsigned i = 0; i < 20; i++)
		rings[i] = (struct vc_doorbell){ .t_ns = 5000000000u + 1000000u * i, .queue = (uint16_t)(i % 10) };
	drs[0].trace = &trace;
	s = render(&rep, VC_FMT_HTML);
	drs[0].trace = NULL;
	assert_memory_equal(s, "<!DOCTYPE html>\n", 16);
	assert_non_null(strstr(s, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(s, "20 doorbells on 9 queues over 19.000 ms"));
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\x01'));
	need_python();
	assert_true(python_ok(html_check, s));
	free(s);
	/* one device: its spec in the title, its totals only at the top */
	s = render(&rep1, VC_FMT_HTML);
	assert_non_null(strstr(s, "<title>Virtio conformance report: sim:bad&lt;&amp;&gt;&quot;</title>"));
	assert_null(strstr(s, "d0-totals"));
	assert_non_null(strstr(s, "id=\"profiles\">default, draft<"));
	free(s);
}

/* A full disk must show as an error, not a silently short report. */
/* --expect's statuses and the Linux note, in every format: a run of their own
 * so the counts above stay as they are. */
static struct vc_result xres[3];
static struct vc_device_report xdr;
static struct vc_report xrep;

static int setup_expect(void **state)
{
	(void)state;
	set(&xres[0], &clauses[0], VC_XFAIL, "expected FAIL (known # bug, q.expect:3): cap list broken", "1", "0", 5);
	set(&xres[1], &clauses[1], VC_XPASS, "passed, but q.expect:4 expects it to fail (old): stale", "", "", 5);
	set(&xres[2], &clauses[2], VC_PASS, "", "", "", 5);
	snprintf(xres[2].linux_note, sizeof(xres[2].linux_note), "Linux would refuse to bind: <notify> too short");
	xdr = (struct vc_device_report){ .dev = &dev2, .results = xres, .n = 3 };
	xrep = (struct vc_report){ .tool_version = "9.9.9", .spec_version = "1.4", .devices = &xdr, .ndevices = 1 };
	return 0;
}

static void test_expect_and_linux(void **state)
{
	unsigned c[VC_STATUS_COUNT];
	char *s;

	(void)state;
	vc_report_totals(&xrep, c);
	assert_int_equal(c[VC_XFAIL], 1);
	assert_int_equal(c[VC_XPASS], 1);
	assert_string_equal(vc_status_str(VC_XFAIL), "XFAIL");
	assert_string_equal(vc_status_str(VC_XPASS), "XPASS");
	s = render(&xrep, VC_FMT_TAP);
	assert_non_null(strstr(s, "\nnot ok 1 - pci.caps.list # TODO expected FAIL (known \\# bug, q.expect:3)"));
	assert_non_null(strstr(s, "\nok 2 - pci.common.reset # TODO passed, but q.expect:4"));
	assert_non_null(strstr(s, "\nok 3 - isr.status-read\n  ---\n  keyword: \"SHOULD\"\n"));
	assert_non_null(strstr(s, "\n  linux: \"Linux would refuse to bind: <notify> too short\"\n  ...\n"));
	free(s);
	s = render(&xrep, VC_FMT_TEXT);
	assert_non_null(strstr(s, "  XFAIL pci.caps.list: expected FAIL (known # bug"));
	assert_non_null(strstr(s, "  XPASS pci.common.reset [MUST]\n"));
	assert_non_null(strstr(s, "  PASS  isr.status-read\n        linux: Linux would refuse to bind"));
	assert_non_null(strstr(s, "3 clauses: 1 passed, 0 failed, 0 warnings, 0 skipped, 0 errors, "
				  "1 expected failures, 1 unexpected passes\n"));
	free(s);
	s = render(&xrep, VC_FMT_SUMMARY);
	assert_non_null(strstr(s, "XPASS pci.common.reset"));
	assert_null(strstr(s, "XFAIL"));
	free(s);
	s = render(&xrep, VC_FMT_HTML);
	assert_non_null(strstr(s, "data-xfail=\"1\" data-xpass=\"1\""));
	assert_non_null(strstr(s, "<div class=\"linux\"><b>Linux:</b> Linux would refuse to bind: &lt;notify&gt;"));
	assert_non_null(strstr(s, "badge st-xfail\">XFAIL<"));
	free(s);
	need_python();
	s = render(&xrep, VC_FMT_JSON);
	assert_true(python_ok("import json, sys\nd = json.load(sys.stdin)\n"
			      "r = d['devices'][0]['results']\n"
			      "assert [x['status'] for x in r] == ['XFAIL', 'XPASS', 'PASS']\n"
			      "assert r[0]['linux'] is None and r[2]['linux'].startswith('Linux would refuse')\n"
			      "assert d['summary']['xfail'] == 1 and d['summary']['xpass'] == 1\n", s));
	free(s);
	s = render(&xrep, VC_FMT_JUNIT);
	assert_true(python_ok("import sys, xml.etree.ElementTree as ET\n"
			      "s = ET.parse(sys.stdin.buffer).getroot().find('testsuite')\n"
			      "assert (s.get('failures'), s.get('skipped')) == ('0', '1'), s.attrib\n"
			      "c = s.findall('testcase')\n"
			      "assert c[0].find('skipped').get('message').startswith('expected FAIL (known # bug')\n"
			      "assert c[1].find('failure') is None and 'stale' in c[1].find('system-out').text\n"
			      "assert c[2].find('system-out').text.startswith('linux: Linux would refuse')\n", s));
	free(s);
}

static void test_write_error(void **state)
{
	(void)state;
	for (unsigned f = 0; f < VC_FMT_COUNT; f++) {
		FILE *out = fopen("/dev/full", "w");
		int rc;

		if (!out)
			skip();
		rc = vc_report_write(&rep, (enum vc_format)f, out);
		assert_true(rc == -ENOSPC || rc == -EIO);
		fclose(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_xml_escape),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_tap_flat),
		cmocka_unit_test(test_tap_subtests),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test_setup(test_expect_and_linux, setup_expect),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
