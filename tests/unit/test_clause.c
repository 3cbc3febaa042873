/* Clause selection: globs, excludes, profiles; and the runner's verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vc/clause.h"

static void globs(void **state)
{
	(void)state;
	assert_true(vc_glob_match("pci.notify.*", "pci.notify.multiplier"));
	assert_true(vc_glob_match("*multiplier", "pci.notify.multiplier"));
	assert_true(vc_glob_match("pci.notify.length-[cm]*", "pci.notify.length-minimum"));
	assert_false(vc_glob_match("pci.notify", "pci.notify.multiplier"));
	assert_true(vc_glob_matches_any("pci.*"));
	assert_false(vc_glob_matches_any("no.such.clause"));
}

static unsigned count_selected(const struct vc_selection *sel)
{
	unsigned n = 0;
	for (unsigned i = 0; i < vc_clause_count(); i++)
		n += vc_clause_selected(vc_clause_at(i), sel);
	return n;
}

static void include_and_exclude(void **state)
{
	(void)state;
	/* the five static notify-capability clauses: present, offset, multiplier, two lengths */
	const char *inc[] = { "pci.notify.[lmop]*" }, *exc[] = { "*.length-*" };
	struct vc_selection all = { 0 }, some = { inc, 1, NULL, 0, NULL }, fewer = { inc, 1, exc, 1, NULL };

	assert_true(count_selected(&all) > 30);
	assert_int_equal(count_selected(&some), 5);
	assert_int_equal(count_selected(&fewer), 3);
}

static void ids_are_unique_and_complete(void **state)
{
	(void)state;
	for (unsigned i = 0; i < vc_clause_count(); i++) {
		const struct vc_clause *a = vc_clause_at(i);
		assert_non_null(a->run);
		assert_non_null(a->label);
		assert_non_null(a->summary);
		assert_ptr_equal(vc_clause_find(a->id), a);
	}
}

static void should_fail(struct vc_ctx *c) { vc_fail(c, "not met"); }
static void errs_then_fails(struct vc_ctx *c) { vc_error(c, "broken"); vc_fail(c, "also"); }
static void spins(struct vc_ctx *c) { (void)c; for (volatile int i = 1; i;) (void)i; }

static void verdicts(void **state)
{
	(void)state;
	static struct vc_probe p;
	struct vc_device d = { .abilities = 0, .backend = "dump" };
	struct vc_result r;
	const struct vc_clause should = { "t.should", "L", VC_SHOULD, VC_DEVICE_RULE, "1.0", 0, "", "s", NULL, should_fail };
	const struct vc_clause err = { "t.err", "L", VC_MUST, VC_DEVICE_RULE, "1.0", 0, "", "s", NULL, errs_then_fails };
	const struct vc_clause needy = { "t.needy", "L", VC_MUST, VC_DEVICE_RULE, "1.0", NEED_BAR_READ, "", "s", NULL, should_fail };
	const struct vc_clause stuck = { "t.stuck", "L", VC_MUST, VC_DEVICE_RULE, "1.0", 0, "", "s", NULL, spins };

	vc_run_clause(&should, &d, &p, 1000, NULL, &r);
	assert_int_equal(r.status, VC_WARN);
	vc_run_clause(&err, &d, &p, 1000, NULL, &r);
	assert_int_equal(r.status, VC_ERROR);
	assert_string_equal(r.message, "broken; also");
	vc_run_clause(&needy, &d, &p, 1000, NULL, &r);
	assert_int_equal(r.status, VC_SKIP);
	assert_non_null(strstr(r.message, "dump backend cannot read BARs"));
	vc_run_clause(&stuck, &d, &p, 50, NULL, &r);
	assert_int_equal(r.status, VC_ERROR);
	assert_non_null(strstr(r.message, "did not finish within 50 ms"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(globs),
		cmocka_unit_test(include_and_exclude),
		cmocka_unit_test(ids_are_unique_and_complete),
		cmocka_unit_test(verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
