/* Balloon: free page hinting (Device Types / Memory Balloon Device /
 * Device Operation / Free Page Hinting). A hinting round is the host's to
 * start and end (host actions balloon-hint-start and -end: a migration
 * begun and cancelled on QEMU); the driver follows free_page_hint_cmd_id,
 * hints pages of its own and reads them back. */
#include <errno.h>
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/balloon.h"
#include "vc/devtypes/host.h"

#define L_BALLOON_HINT "Device Types / Memory Balloon Device / Device Operation / Free Page Hinting"
#define HINT_PAGES 4

struct hint {
	struct vc_dev d;
	uint64_t page[HINT_PAGES];
};

static bool live(uint32_t id) { return id > VIRTIO_BALLOON_CMD_ID_DONE; }

static bool open_hint(struct vc_ctx *c, struct hint *h)
{
	if (!ds_open(c, &h->d, DS_F(VIRTIO_BALLOON_F_FREE_PAGE_HINT), 0,
		     DS_Q(VIRTIO_BALLOON_INFLATEQ) | DS_Q(VIRTIO_BALLOON_DEFLATEQ) | DS_Q(VIRTIO_BALLOON_FREE_PAGE_VQ),
		     false))
		return false;
	for (unsigned i = 0; i < HINT_PAGES; i++)
		if (!ds_ok(c, vc_dma_alloc(c->dev, VC_BALLOON_PAGE, VC_BALLOON_PAGE, &h->page[i]), "DMA allocation failed"))
			return false;
	return true;
}

static bool cmd_id(struct vc_ctx *c, struct hint *h, uint32_t *id)
{
	uint64_t v;

	if (!ds_cfg_read(c, &h->d, VIRTIO_BALLOON_CFG_CMD_ID, 4, &v))
		return false;
	*id = (uint32_t)v;
	return true;
}

/* Poll free_page_hint_cmd_id until it is live (want_live) or DONE, within
 * the device's timeout: *reached says whether it got there. */
static bool wait_id(struct vc_ctx *c, struct hint *h, bool want_live, uint32_t *id, bool *reached)
{
	uint64_t deadline = vc_now_ms() + c->dev->timeout_ms;

	for (unsigned i = 0;; i++) {
		if (!cmd_id(c, h, id))
			return false;
		*reached = want_live ? live(*id) : *id == VIRTIO_BALLOON_CMD_ID_DONE;
		if (*reached || vc_now_ms() >= deadline)
			return true;
		vc_poll_pause(i);
	}
}

/* A round the host starts: the live id it issues (SKIP when none comes). */
static bool round_start(struct vc_ctx *c, struct hint *h, uint32_t *id)
{
	bool reached;

	if (!ds_host(c, VC_HOST_BALLOON_HINT_START, "", NULL, 0) || !wait_id(c, h, true, id, &reached))
		return false;
	if (!reached)
		vc_skip(c, "the host started a hinting round, but free_page_hint_cmd_id stayed %u (no command id "
			   "within %u ms)", *id, c->dev->timeout_ms);
	return reached;
}

static bool round_end(struct vc_ctx *c)
{
	return ds_host(c, VC_HOST_BALLOON_HINT_END, "", NULL, 0);
}

/* An output buffer with the command id, then (with pages) each page as
 * an input buffer: all used. */
static bool send_hints(struct vc_ctx *c, struct hint *h, uint32_t id, bool pages)
{
	uint8_t b[4];

	vc_put32(b, id);
	struct vc_iov iov = { b, NULL, sizeof(b), false };
	if (!ds_call(c, &h->d, VIRTIO_BALLOON_FREE_PAGE_VQ, &iov, 1, NULL, "command id buffer"))
		return false;
	for (unsigned i = 0; pages && i < HINT_PAGES; i++) {
		struct vc_iov page = { NULL, NULL, VC_BALLOON_PAGE, true, h->page[i] };
		if (!ds_call(c, &h->d, VIRTIO_BALLOON_FREE_PAGE_VQ, &page, 1, NULL, "hinted page"))
			return false;
	}
	return true;
}

static void fill_pages(struct vc_ctx *c, struct hint *h, uint8_t v)
{
	uint8_t page[VC_BALLOON_PAGE];

	memset(page, v, sizeof(page));
	for (unsigned i = 0; i < HINT_PAGES; i++)
		ds_ok(c, vc_dma_write(c->dev, h->page[i], page, sizeof(page)), "DMA write failed");
}

/* Before any round, and once the host ends one, the id is STOP or DONE:
 * never a live id the device cannot use hints for. */
static void stop_when_unusable(struct vc_ctx *c)
{
	struct hint h;
	uint32_t id, idle;
	bool reached;

	if (!open_hint(c, &h) || !cmd_id(c, &h, &idle))
		return;
	if (live(idle)) {
		vc_fail(c, "before any hinting round free_page_hint_cmd_id reads %u, a live command id", idle);
		vc_observed(c, "%u", idle);
		vc_expected(c, "STOP (0) or DONE (1)");
		return;
	}
	if (!round_start(c, &h, &id) || !send_hints(c, &h, id, true) || !round_end(c) ||
	    !wait_id(c, &h, false, &id, &reached))
		return;
	if (live(id)) {
		vc_fail(c, "the host ended the hinting round, yet free_page_hint_cmd_id still reads live id %u", id);
		vc_observed(c, "%u, %u ms after the round ended", id, c->dev->timeout_ms);
		vc_expected(c, "STOP (0) or DONE (1)");
	}
}

/* A round the driver never ended with STOP is followed by one with a new
 * command id. */
static void id_not_reused(struct vc_ctx *c)
{
	struct hint h;
	uint32_t first, second;

	if (!open_hint(c, &h) || !round_start(c, &h, &first) || !send_hints(c, &h, first, true) || !round_end(c) ||
	    !round_start(c, &h, &second))
		return;
	if (second == first) {
		vc_fail(c, "command id %u came again before the driver sent STOP", first);
		vc_observed(c, "%u, then %u", first, second);
		vc_expected(c, "a new command id");
	}
	if (send_hints(c, &h, VIRTIO_BALLOON_CMD_ID_STOP, false))
		round_end(c);
}

/* Once the host has no more use for the hints, the id reads DONE. */
static void done_reported(struct vc_ctx *c)
{
	struct hint h;
	uint32_t id;
	bool reached;

	if (!open_hint(c, &h) || !round_start(c, &h, &id) || !send_hints(c, &h, id, true) ||
	    !send_hints(c, &h, VIRTIO_BALLOON_CMD_ID_STOP, false) || !round_end(c) ||
	    !wait_id(c, &h, false, &id, &reached))
		return;
	if (!reached) {
		vc_fail(c, "the host ended the hinting round, but free_page_hint_cmd_id never read DONE");
		vc_observed(c, "%u, %u ms after the round ended", id, c->dev->timeout_ms);
		vc_expected(c, "DONE (1)");
	}
}

/* Pages hinted, the round over (DONE), then written by the driver: they
 * keep what it wrote through the next round. */
static void pages_kept_after_done(struct vc_ctx *c)
{
	uint8_t page[VC_BALLOON_PAGE];
	struct hint h;
	uint32_t id;
	bool reached;

	if (!open_hint(c, &h))
		return;
	fill_pages(c, &h, 0x11);
	if (!round_start(c, &h, &id) || !send_hints(c, &h, id, true) ||
	    !send_hints(c, &h, VIRTIO_BALLOON_CMD_ID_STOP, false) || !round_end(c) ||
	    !wait_id(c, &h, false, &id, &reached))
		return;
	if (!reached) {
		vc_skip(c, "free_page_hint_cmd_id never read DONE (balloon.hint.done-reported reports it)");
		return;
	}
	fill_pages(c, &h, 0x5c);
	if (!round_start(c, &h, &id) || !round_end(c) || !wait_id(c, &h, false, &id, &reached))
		return;
	for (unsigned i = 0; i < HINT_PAGES; i++) {
		if (!ds_ok(c, vc_dma_read(c->dev, h.page[i], page, sizeof(page)), "DMA read failed"))
			return;
		for (unsigned k = 0; k < sizeof(page); k++) {
			if (page[k] != 0x5c) {
				vc_fail(c, "hinted page %u changed after DONE: byte 0x%x", i, k);
				vc_observed(c, "0x%02x", page[k]);
				vc_expected(c, "0x5c, written by the driver after DONE");
				return;
			}
		}
	}
}

/* Has free_page_hint_cmd_id moved from `before` (host action `action`
 * done): a configuration change notification within the device's timeout,
 * else FAIL. *id: the id then; *moved false (SKIP) when it did not move. */
static bool notified(struct vc_ctx *c, struct hint *h, const char *action, uint32_t before, uint32_t *id,
		     bool *moved)
{
	int rc;

	*moved = false;
	if (!ds_host(c, action, "", NULL, 0))
		return false;
	unsigned ms = vc_quiet_ms(&h->d.drv, c->dev->timeout_ms);
	rc = ds_config_irq(c, &h->d, ms);
	if ((rc && rc != -ETIMEDOUT) || !cmd_id(c, h, id))
		return false;
	if (*id == before) {
		vc_skip(c, "free_page_hint_cmd_id stayed %u after the host's %s (balloon.hint.* report it)", before,
			vc_host_action_doing(action));
		return false;
	}
	*moved = true;
	if (rc == 0)
		return true;
	vc_fail(c, "free_page_hint_cmd_id went from %u to %u with no configuration change notification", before, *id);
	if (ms)
		vc_observed(c, "no configuration change interrupt within %u ms (%s)", ms,
			    c->probe->msix_pos ? "MSI-X vector 0" : "INTx, ISR bit 1");
	else
		vc_observed(c, "no configuration change interrupt (%s) once the device had settled",
			    c->probe->msix_pos ? "MSI-X vector 0" : "INTx, ISR bit 1");
	vc_expected(c, "a configuration change notification for the change");
	return false;
}

/* Not a spec rule (the spec: "a configuration change notification is sent
 * when a device-specific configuration change occurs", without a keyword):
 * the new command id of a round the host starts, and DONE when it ends it,
 * each come with a configuration change notification. */
static void cmd_id_notified(struct vc_ctx *c)
{
	uint32_t before, id;
	struct hint h;
	bool moved;

	if (!ds_open(c, &h.d, DS_F(VIRTIO_BALLOON_F_FREE_PAGE_HINT), 0,
		     DS_Q(VIRTIO_BALLOON_INFLATEQ) | DS_Q(VIRTIO_BALLOON_DEFLATEQ) | DS_Q(VIRTIO_BALLOON_FREE_PAGE_VQ),
		     true) ||
	    !ds_config_irq_setup(c, &h.d) || !ds_driver_ok(c, &h.d) || !cmd_id(c, &h, &before) ||
	    !notified(c, &h, VC_HOST_BALLOON_HINT_START, before, &id, &moved))
		return;
	if (!live(id)) {
		vc_skip(c, "the host started a hinting round and free_page_hint_cmd_id went to %u, no live id", id);
		return;
	}
	if (!send_hints(c, &h, id, false) || !send_hints(c, &h, VIRTIO_BALLOON_CMD_ID_STOP, false))
		return;
	notified(c, &h, VC_HOST_BALLOON_HINT_END, id, &id, &moved);
}

#define L_BALLOON_SANITY "Sanity: what a memory balloon is for (not a spec rule)"
#define HINT_NEEDS NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON

static const struct vc_clause clauses[] = {
	{ "balloon.hint.stop-when-unusable", L_BALLOON_HINT, VC_SHOULD, VC_DEVICE_RULE, "1.1", HINT_NEEDS,
	  "BALLOON-HINT-DEV-1", "free_page_hint_cmd_id reads STOP (or DONE) while the device cannot use hints: "
	  "before any round and once the host ends one.", NULL, stop_when_unusable,
	  VC_REQ(VIRTIO_BALLOON_F_FREE_PAGE_HINT), 4 },
	{ "balloon.hint.id-not-reused", L_BALLOON_HINT, VC_MUST_NOT, VC_DEVICE_RULE, "1.1", HINT_NEEDS,
	  "BALLOON-HINT-DEV-2", "A hinting round the driver did not end with STOP is followed by one with another "
	  "command id.", NULL, id_not_reused, VC_REQ(VIRTIO_BALLOON_F_FREE_PAGE_HINT), 4 },
	{ "balloon.hint.done-reported", L_BALLOON_HINT, VC_MUST, VC_DEVICE_RULE, "1.1", HINT_NEEDS,
	  "BALLOON-HINT-DEV-6", "Once the host has no use for the hinted pages (the round ended), "
	  "free_page_hint_cmd_id reads DONE.", NULL, done_reported, VC_REQ(VIRTIO_BALLOON_F_FREE_PAGE_HINT), 4 },
	{ "balloon.hint.pages-kept-after-done", L_BALLOON_HINT, VC_MUST_NOT, VC_DEVICE_RULE, "1.1", HINT_NEEDS,
	  "BALLOON-HINT-DEV-5", "Hinted pages the driver writes after DONE keep what it wrote, through the next "
	  "round.", NULL, pages_kept_after_done, VC_REQ(VIRTIO_BALLOON_F_FREE_PAGE_HINT), 4 },
	{ "balloon.sanity.cmd-id-notified", L_BALLOON_SANITY, VC_MAY, VC_SANITY, "1.1", HINT_NEEDS | NEED_IRQ, "",
	  "Not a spec rule: the command id of a hinting round the host starts, and DONE when it ends it, each come "
	  "with a configuration change notification.", NULL, cmd_id_notified, VC_REQ(VIRTIO_BALLOON_F_FREE_PAGE_HINT),
	  4 },
};
VC_DEVICE_SUITE(suite_balloon_hinting, clauses, VIRTIO_ID_BALLOON);
