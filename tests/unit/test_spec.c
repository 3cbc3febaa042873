/* The spec data: the catalogs load, and the section numbers replayed from
 * the LaTeX agree with the catalogs' own for every rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vc/spec.h"

static void catalogs_load(void **state)
{
	char err[512];
	(void)state;
	assert_int_equal(vc_spec_load(err, sizeof(err)), 0);
	assert_true(vc_spec_rule_count() > 1400);
	assert_non_null(vc_spec_rule("pci-common-dev-6"));
	assert_string_equal(vc_spec_rule("PCI-COMMON-DEV-6")->section, "4.1.4.3.1");
	assert_null(vc_spec_rule("NO-SUCH-1"));
}

static void sections_match_the_catalogs(void **state)
{
	unsigned bad = 0;
	(void)state;
	for (unsigned i = 0; i < vc_spec_rule_count(); i++) {
		const struct vc_rule *r = vc_spec_rule_at(i);
		char file[256];
		const char *colon = strrchr(r->source, ':');
		snprintf(file, sizeof(file), "%.*s", (int)(colon - r->source), r->source);
		const char *sec = vc_spec_section_at(file, (unsigned)atoi(colon + 1));
		if (!sec || strcmp(sec, r->section)) {
			if (bad++ < 20)
				print_message("%s %s: catalog %s, LaTeX %s\n", r->id, r->source, r->section, sec ? sec : "?");
		}
	}
	assert_int_equal(bad, 0);
}

static void labels_have_sections(void **state)
{
	(void)state;
	assert_string_equal(vc_spec_label_section("Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / "
						  "Notification capability"), "4.1.4.4");
	assert_string_equal(vc_spec_ref("devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device "
					 "Layout / Notification capability"), "4.1.4.4.1");
	/* the spec's own typo: a normative label only */
	assert_string_equal(vc_spec_label_section("Basic Facilities of a Virtio Device / PAcked Virtqueues / The "
						  "Virtqueue Descriptor Table"), "2.8.16");
	assert_null(vc_spec_label_section("Robustness: a hostile driver (not a spec rule)"));
	assert_true(vc_section_cmp("2.9", "2.10") < 0);
	assert_true(vc_section_cmp("4.1.4", "4.1.4.1") < 0);
	assert_true(vc_section_cmp("6", "5.1") > 0);
	assert_int_equal(vc_section_cmp("4.1", "4.1"), 0);
	assert_true(vc_section_cmp("4.1", NULL) < 0);
}

static void words_come_from_the_latex(void **state)
{
	char buf[2048];
	(void)state;
	assert_int_equal(vc_spec_words(vc_spec_rule("PCI-COMMON-DEV-6"), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "The device MUST present a changed config_generation after the driver has read a "
			    "device-specific configuration value which has changed since any part of the "
			    "device-specific configuration was last read.");
	assert_int_equal(vc_spec_words(vc_spec_rule("MEM-UNPLUG-DEV-7"), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "The device MUST reflect the change in the device configuration plugged_size.");
	/* a sentence that ends in a colon takes the listing after it */
	assert_int_equal(vc_spec_words(vc_spec_rule("PCI-NOTIFY-DEV-11"), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "For all queues, the value cap.length presented by the device MUST satisfy: "
			    "cap.length >= queue_notify_off * notify_off_multiplier + 4");
	/* the spec's "MUST not" is the catalog's MUST NOT */
	assert_int_equal(vc_spec_words(vc_spec_rule("NET-RX-DEV-16"), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Otherwise, the device MUST not use outer_nh_offset.");
	assert_int_equal(vc_spec_words(vc_spec_rule("GPIO-REQ-DRV-11"), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "In order to change the trigger type of an already enabled interrupt, the driver "
			    "MUST first disable the interrupt and then re-enable it with appropriate trigger type.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogs_load),
		cmocka_unit_test(sections_match_the_catalogs),
		cmocka_unit_test(labels_have_sections),
		cmocka_unit_test(words_come_from_the_latex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
