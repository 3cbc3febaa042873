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
	{ .id = "noarea", .label = "no dot in the id", .keyword = VC_MAY, .run = nop },
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
	rep1.profile = "draft";
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
	"assert d['spec'] == {'version': '1.4', 'profile': None}, d['spec']\n"
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
	"assert r[2]['keyword'] == 'SHOULD' and r[2]['side'] != r[1]['side']\n"
	"assert r[0]['covers'] == ['PCI-CAP-1'] and r[3]['covers'] == []\n"
	"assert r[0]['observed'] is None and r[0]['message'] == '' and r[3]['since'] is None\n"
	"assert r[3]['message'] == 'no DMA # here'\n"
	"assert a['summary'] == {'total': 6, 'pass': 2, 'fail': 1, 'warn': 1, 'skip': 1, 'error': 1}\n"
	"assert b['identity'] is None and b['note'] is None and b['location'] is None\n"
	"assert b['summary']['total'] == 1 and b['summary']['pass'] == 1\n"
	"assert d['summary'] == {'total': 7, 'pass': 3, 'fail': 1, 'warn': 1, 'skip': 1, 'error': 1}\n";

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
	"assert 'MUST: Common configuration / device_status <reset>' in f.text\n"
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
				  "  message: \"quote\\\" back\\\\ nl\\n tab\\t ctl\\u0001 esc\\u001b bad\\ufffd"));
	assert_non_null(strstr(s, "  observed: \"0x3\"\n  expected: \"even power of 2\"\n  ...\n"));
	assert_non_null(strstr(s, "\nnot ok 3 - isr.status-read\n  ---\n  severity: warning\n"));
	/* '#' in a reason is escaped so it cannot start another directive */
	assert_non_null(strstr(s, "\nok 4 - device_cfg.generation # SKIP no DMA \\# here\n"));
	assert_non_null(strstr(s, "\nnot ok 5 - status.failed\n  ---\n  severity: error\n"));
	assert_non_null(strstr(s, "\nok 6 - noarea\n"));
	assert_non_null(strstr(s, "profile draft"));
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

/* A full disk must show as an error, not a silently short report. */
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
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
