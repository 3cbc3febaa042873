/* Media device: sessions (Device Types / Media Device / Device Operation:
 * Open device; Device-side error). Ids of open sessions are unique, also
 * after a CLOSE; a session the device killed with an ERROR event keeps its
 * id until the driver closes it, as the driver must (MEDIA-ERR-DRV-1). */
#include <stdio.h>
#include <string.h>
#include "media.h"
#include "vc/devtypes/host.h"

#define L_MEDIA_OPEN L_MEDIA_OP " / Open device"
#define L_MEDIA_ERROR L_MEDIA_OP " / Device-side error"
#define OPENS 6

/* Four sessions, the second closed, two more: each id differs from every
 * session open when it was given. */
static void unique_id(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	uint32_t id[OPENS];
	bool open[OPENS] = { false };

	if (!m)
		return;
	for (unsigned i = 0; i < OPENS; i++) {
		if (i == 4) {
			if (!media_close(c, m, id[1]))
				return;
			open[1] = false;
		}
		if (!media_session(c, m, &id[i]))
			return;
		for (unsigned j = 0; j < i; j++)
			if (open[j] && id[j] == id[i]) {
				vc_fail(c, "OPEN #%u gave session id %u, which session #%u (still open) holds", i + 1, id[i],
					j + 1);
				vc_observed(c, "ids %u %u %u %u, #2 closed, then %u%s", id[0], id[1], id[2], id[3],
					    id[4], i == 5 ? " and this one" : "");
				vc_expected(c, "an id no open session uses");
				return;
			}
		open[i] = true;
	}
}

/* The host kills session `id`: its ERROR event, within the timeout (NULL
 * with a SKIP or ERROR when none came). */
static const uint8_t *killed(struct vc_ctx *c, struct media *m, uint32_t id, bool fail_if_silent)
{
	char arg[16];
	const uint8_t *e;
	uint32_t len;

	snprintf(arg, sizeof(arg), "%u", id);
	if (!ds_host(c, VC_HOST_MEDIA_SESSION_ERROR, arg, NULL, 0))
		return NULL;
	while ((e = media_event(c, m, &len))) {
		if (len < 8 || vc_le32(e) != VIRTIO_MEDIA_EVT_ERROR || vc_le32(e + 4) != id)
			continue;
		if (len >= 16)
			return e;
		vc_fail(c, "the ERROR event for session %u is %u bytes", id, len);
		vc_expected(c, "struct virtio_media_event_error: 16 bytes");
		return NULL;
	}
	if (c->r->status != VC_PASS)
		return NULL;
	if (fail_if_silent) {
		vc_fail(c, "no ERROR event came for session %u after the host's unrecoverable error", id);
		vc_expected(c, "VIRTIO_MEDIA_EVT_ERROR naming session %u within %u ms", id, c->dev->timeout_ms);
	} else {
		vc_skip(c, "the device signalled no error for session %u (media.sanity.error-event reports it)", id);
	}
	return NULL;
}

/* Sessions A and B; the host kills A; three more OPENs before the driver
 * closes A: none gets A's id. */
static void error_id(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	uint32_t a, b, id;

	if (!m || !media_session(c, m, &a) || !media_session(c, m, &b) || !killed(c, m, a, false))
		return;
	for (unsigned i = 0; i < 3 && media_session(c, m, &id); i++)
		if (id == a) {
			vc_fail(c, "OPEN gave session id %u, the id of the session the ERROR event ended, before the "
				   "driver closed it", id);
			vc_observed(c, "OPEN #%u after the ERROR event: session id %u", i + 1, id);
			vc_expected(c, "any id but %u until CLOSE of session %u", a, a);
			break;
		}
	media_close(c, m, a);           /* MEDIA-ERR-DRV-1, whatever the verdict */
}

/* The host kills a session: the ERROR event names it with an errno, and
 * the session's commands fail from then on. */
static void error_event(struct vc_ctx *c)
{
	struct media *m = media_open(c);
	const uint8_t *e;
	uint8_t fmt[VC_V4L2_FORMAT], got[VC_V4L2_FORMAT];
	uint32_t id;

	if (!m || !media_session(c, m, &id) || !(e = killed(c, m, id, true)))
		return;
	vc_media_pix_format(fmt, 0, 0);
	struct vc_media_ioctl io = { .session = id, .code = VC_VIDIOC_G_FMT, .payload_out = fmt,
				     .len_out = sizeof(fmt), .payload_in = got, .len_in = sizeof(got) };
	if (!vc_le32(e + 8)) {
		vc_fail(c, "the ERROR event for session %u has errno 0", id);
		vc_expected(c, "an error code describing the error");
	} else if (media_ioctl(c, m, &io, "VIDIOC_G_FMT") && !io.status) {
		vc_fail(c, "VIDIOC_G_FMT on session %u succeeded after the ERROR event that ended it", id);
		vc_expected(c, "an error for every command on the session");
	}
	media_close(c, m, id);          /* MEDIA-ERR-DRV-1, whatever the verdict */
}

static const struct vc_clause clauses[] = {
	{ "media.open.unique-session-id", L_MEDIA_OPEN, VC_MUST, VC_DEVICE_RULE, "1.4", MEDIA_NEEDS,
	  "MEDIA-OPEN-DEV-1",
	  "Six OPENs, with a CLOSE of the second after four: each session_id differs from every session open when "
	  "it was given.", NULL, unique_id, 0, 2, NULL, MEDIA_TARGETS },
	{ "media.error.id-not-recycled", L_MEDIA_ERROR, VC_MUST_NOT, VC_DEVICE_RULE, "1.4", MEDIA_NEEDS,
	  "MEDIA-ERR-DEV-1",
	  "After an ERROR event for a session the host killed (host action media-session-error), three OPENs before "
	  "the driver's CLOSE get other ids.", NULL, error_id, 0, 2, NULL, MEDIA_TARGETS },
	{ "media.sanity.error-event", L_MEDIA_SANITY, VC_MAY, VC_SANITY, "1.4", MEDIA_NEEDS, "",
	  "Not a spec rule: a session the host kills gets a VIRTIO_MEDIA_EVT_ERROR event with a nonzero errno, and "
	  "its commands fail from then on.", NULL, error_event, 0, 2, NULL, MEDIA_TARGETS },
};
VC_DEVICE_SUITE(suite_media_sessions, clauses, VIRTIO_ID_MEDIA);
