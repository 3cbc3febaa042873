/* The capability walker and the virtio capability probe over hand-made
 * config spaces: well-formed, hostile, and odd-but-legal lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vc/virtio_pci.h"

static uint8_t cfg[PCI_EXT_CFG_SPACE];

/* A config space with capabilities at the given positions, chained in order. */
static void chain(const uint8_t *pos, unsigned n)
{
	memset(cfg, 0, sizeof(cfg));
	cfg[0x06] = 0x10;
	cfg[0x34] = n ? pos[0] : 0;
	for (unsigned i = 0; i < n; i++) {
		cfg[pos[i]] = PCI_CAP_ID_VNDR;
		cfg[pos[i] + 1] = i + 1 < n ? pos[i + 1] : 0;
	}
}

static void walks_a_good_list(void **state)
{
	(void)state;
	struct vc_caplist l;
	chain((const uint8_t[]){ 0x40, 0x50, 0x98 }, 3);
	vc_pci_walk_caps(cfg, 256, &l);
	assert_int_equal(l.error, VC_CAPLIST_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.cap[2].pos, 0x98);
}

static void reports_each_bad_pointer(void **state)
{
	(void)state;
	static const struct { uint8_t next; enum vc_caplist_error e; } cases[] = {
		{ 0x40, VC_CAPLIST_LOOP }, { 0x20, VC_CAPLIST_PTR_LOW }, { 0x51, VC_CAPLIST_PTR_UNALIGNED },
	};
	for (unsigned i = 0; i < 3; i++) {
		struct vc_caplist l;
		chain((const uint8_t[]){ 0x40, 0x50 }, 2);
		cfg[0x51] = cases[i].next;
		vc_pci_walk_caps(cfg, 256, &l);
		assert_int_equal(l.error, cases[i].e);
		assert_int_equal(l.n, 2);
		assert_int_equal(l.bad_from, 0x51);
		assert_int_equal(l.bad_ptr, cases[i].next);
	}
}

static void stops_at_the_end_of_what_was_read(void **state)
{
	(void)state;
	struct vc_caplist l;
	chain((const uint8_t[]){ 0x40 }, 1);
	vc_pci_walk_caps(cfg, 64, &l);      /* non-root sysfs: 64 bytes */
	assert_int_equal(l.error, VC_CAPLIST_PTR_BEYOND);
	assert_int_equal(l.n, 0);
}

static void no_capability_list(void **state)
{
	(void)state;
	struct vc_caplist l;
	chain(NULL, 0);
	cfg[0x06] = 0;
	vc_pci_walk_caps(cfg, 256, &l);
	assert_int_equal(l.error, VC_CAPLIST_NONE);
}

/* Every 0x40..0xfc slot used, chained: 48 capabilities and no error. */
static void longest_legal_list(void **state)
{
	(void)state;
	uint8_t pos[48];
	struct vc_caplist l;
	for (unsigned i = 0; i < 48; i++)
		pos[i] = (uint8_t)(0x40 + 4 * i);
	chain(pos, 48);
	vc_pci_walk_caps(cfg, 256, &l);
	assert_int_equal(l.error, VC_CAPLIST_OK);
	assert_int_equal(l.n, 48);
}

static void extended_list(void **state)
{
	(void)state;
	struct vc_ext_caplist l;
	memset(cfg, 0, sizeof(cfg));
	*(uint32_t *)(cfg + 0x100) = 0x0010 | 1u << 16 | 0x140u << 20;   /* SR-IOV -> 0x140 */
	*(uint32_t *)(cfg + 0x140) = 0x000b | 1u << 16 | 0x100u << 20;   /* loops back */
	vc_pci_walk_ext_caps(cfg, 4096, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.cap[0].id, PCI_EXT_CAP_ID_SRIOV);
	assert_int_equal(l.error, VC_CAPLIST_LOOP);
	vc_pci_walk_ext_caps(cfg, 256, &l);
	assert_int_equal(l.error, VC_CAPLIST_NONE);
}

static void put_vcap(uint8_t pos, uint8_t cfg_type, uint8_t bar, uint32_t offset, uint32_t length)
{
	cfg[pos + 2] = 20;
	cfg[pos + 3] = cfg_type;
	cfg[pos + 4] = bar;
	memcpy(cfg + pos + 8, &offset, 4);
	memcpy(cfg + pos + 12, &length, 4);
}

/* The driver rules of "Virtio Structure PCI Capabilities": ignore unknown
 * cfg_type and reserved bar values, use the first structure of a type. */
static void probe_tolerates_unknown_and_takes_the_first(void **state)
{
	(void)state;
	static struct vc_probe p;
	chain((const uint8_t[]){ 0x40, 0x54, 0x68, 0x7c }, 4);
	put_vcap(0x40, 0x7f, 0, 0x100, 0x10);                       /* unknown cfg_type */
	put_vcap(0x54, VIRTIO_PCI_CAP_COMMON_CFG, 9, 0x200, 0x38);   /* reserved bar */
	put_vcap(0x68, VIRTIO_PCI_CAP_COMMON_CFG, 0, 0x300, 0x38);
	put_vcap(0x7c, VIRTIO_PCI_CAP_COMMON_CFG, 0, 0x400, 0x38);
	memcpy(p.cfg, cfg, sizeof(cfg));
	p.cfg_size = 256;
	vc_probe_parse(&p);
	assert_int_equal(p.nvcap, 4);
	assert_non_null(p.common);
	assert_int_equal(p.common->offset, 0x300);
	assert_null(p.notify);
}

static void probe_reads_draft_notify_data_only_when_cap_len_allows(void **state)
{
	(void)state;
	static struct vc_probe p;
	chain((const uint8_t[]){ 0x40 }, 1);
	put_vcap(0x40, VIRTIO_PCI_CAP_NOTIFY_CFG, 0, 0x3000, 0x1000);
	cfg[0x40 + 16] = 4;
	cfg[0x40 + 20] = 0x34;
	cfg[0x40 + 21] = 0x12;
	cfg[0x40 + 22] = 1;
	memcpy(p.cfg, cfg, sizeof(cfg));
	p.cfg_size = 256;
	vc_probe_parse(&p);
	assert_false(p.notify->has_draft_notify_data);
	assert_int_equal(p.notify->notify_off_multiplier, 4);
	p.cfg[0x42] = 24;
	vc_probe_parse(&p);
	assert_true(p.notify->has_draft_notify_data);
	assert_int_equal(p.notify->notify_data, 0x1234);
	assert_int_equal(p.notify->notify_data_valid, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_a_good_list),
		cmocka_unit_test(reports_each_bad_pointer),
		cmocka_unit_test(stops_at_the_end_of_what_was_read),
		cmocka_unit_test(no_capability_list),
		cmocka_unit_test(longest_legal_list),
		cmocka_unit_test(extended_list),
		cmocka_unit_test(probe_tolerates_unknown_and_takes_the_first),
		cmocka_unit_test(probe_reads_draft_notify_data_only_when_cap_len_allows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
