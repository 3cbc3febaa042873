/* Balloon: memory statistics (Device Types / Memory Balloon Device /
 * Device Operation / Memory Statistics): a statistics buffer on the
 * statsq, read back as the host received it (host action balloon-stats:
 * QOM guest-stats on QEMU). */
#include <inttypes.h>
#include <stdio.h>
#include "../devsession.h"
#include "vc/devtypes/balloon.h"
#include "vc/devtypes/host.h"

#define L_BALLOON_STATS "Device Types / Memory Balloon Device / Device Operation / Memory Statistics"

struct stat_entry {
	uint16_t tag;
	uint64_t val;
};

static bool known(uint16_t tag) { return tag < VIRTIO_BALLOON_S_NR; }

/* Send the entries in one statistics buffer and check the host got every
 * known one with its value, and no other known tag. */
static void send_stats(struct vc_ctx *c, const struct stat_entry *e, unsigned n, const char *arrangement)
{
	uint8_t buf[16 * VIRTIO_BALLOON_STAT_SIZE];
	char answer[512];
	struct vc_dev d;
	struct vc_req r;
	uint64_t v;

	if (!ds_host(c, VC_HOST_BALLOON_STATS, "", answer, sizeof(answer)) ||
	    !ds_open(c, &d, DS_F(VIRTIO_BALLOON_F_STATS_VQ), 0,
		     DS_Q(VIRTIO_BALLOON_INFLATEQ) | DS_Q(VIRTIO_BALLOON_DEFLATEQ) | DS_Q(VIRTIO_BALLOON_STATSQ), false))
		return;
	for (unsigned i = 0; i < n; i++)
		vc_balloon_stat_encode(buf + i * VIRTIO_BALLOON_STAT_SIZE, e[i].tag, e[i].val);
	struct vc_iov iov = { buf, NULL, n * VIRTIO_BALLOON_STAT_SIZE, false };
	/* the device may keep the buffer until it wants the next statistics */
	if (!ds_send(c, &d, VIRTIO_BALLOON_STATSQ, &iov, 1, &r, "statistics buffer") ||
	    !ds_settle(&d, 200) ||
	    !ds_host(c, VC_HOST_BALLOON_STATS, "", answer, sizeof(answer)))
		return;
	for (unsigned i = 0; i < n; i++) {
		if (!known(e[i].tag))
			continue;
		if (!vc_balloon_stat_find(answer, e[i].tag, &v) || v != e[i].val) {
			vc_fail(c, "statistic %u (%s) is not what the buffer held", e[i].tag, arrangement);
			vc_observed(c, "host got \"%.100s\"", answer[0] ? answer : "no statistics");
			vc_expected(c, "%u=%" PRIu64, e[i].tag, e[i].val);
			return;
		}
	}
	for (unsigned tag = 0; tag < VIRTIO_BALLOON_S_NR; tag++) {
		bool sent = false;
		for (unsigned i = 0; i < n; i++)
			sent |= e[i].tag == tag;
		if (!sent && vc_balloon_stat_find(answer, tag, &v)) {
			vc_fail(c, "the host shows statistic %u, which the buffer did not hold (%s)", tag, arrangement);
			vc_observed(c, "host got \"%.100s\"", answer);
			vc_expected(c, "only the tags sent");
			return;
		}
	}
}

/* Unknown tags (past the ten defined, and far past) between known ones:
 * skipped, the known ones after them still taken. */
static void unknown_tags_ignored(struct vc_ctx *c)
{
	static const struct stat_entry e[] = {
		{ 0x7f00, 111 }, { VIRTIO_BALLOON_S_SWAP_IN, 4096 }, { VIRTIO_BALLOON_S_NR, 222 },
		{ VIRTIO_BALLOON_S_MEMFREE, 123456789 }, { 0xffff, 333 }, { VIRTIO_BALLOON_S_MEMTOT, 268435456 },
	};

	send_stats(c, e, sizeof(e) / sizeof(e[0]), "known tags after unknown ones");
}

/* Every known tag, in descending order (the newest first: a device whose
 * table stops short of it shows). */
static void any_order(struct vc_ctx *c)
{
	struct stat_entry e[VIRTIO_BALLOON_S_NR];

	for (unsigned i = 0; i < VIRTIO_BALLOON_S_NR; i++)
		e[i] = (struct stat_entry){ (uint16_t)(VIRTIO_BALLOON_S_NR - 1 - i), 1000003ull * (i + 7) };
	send_stats(c, e, VIRTIO_BALLOON_S_NR, "every known tag, in descending order");
}

static const struct vc_clause clauses[] = {
	{ "balloon.stats.unknown-tags-ignored", L_BALLOON_STATS, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "BALLOON-STATS-DEV-1",
	  "Statistics with tags the device does not know are skipped: the known ones around them reach the host "
	  "with their values.", NULL, unknown_tags_ignored, VC_REQ(VIRTIO_BALLOON_F_STATS_VQ), 3 },
	{ "balloon.stats.any-order", L_BALLOON_STATS, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "BALLOON-STATS-DEV-2",
	  "Statistics in any tag order (every known tag, descending here) all reach the host with their values.",
	  NULL, any_order,
	  VC_REQ(VIRTIO_BALLOON_F_STATS_VQ), 3 },
};
VC_DEVICE_SUITE(suite_balloon_stats, clauses, VIRTIO_ID_BALLOON);
