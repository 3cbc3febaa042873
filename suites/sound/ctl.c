/* Sound device: control elements, with VIRTIO_SND_F_CTLS negotiated
 * (Device Types / Sound Device / Device Operation / Control Elements):
 * their information, their enumerated items, metadata read into too small
 * a field, and the notifications a change on the host brings. */
#include <stdio.h>
#include <string.h>
#include "sound.h"
#include "vc/devtypes/host.h"

#define MAX_ENUM_ITEMS 64

struct controls {
	struct snd s;
	uint32_t n;
	uint8_t info[SND_MAX_ITEMS * VIRTIO_SND_CTL_INFO_LEN];
};

/* A session with VIRTIO_SND_F_CTLS and the information of every control. */
static bool controls(struct vc_ctx *c, struct controls *k)
{
	return snd_open(c, &k->s, true) &&
	       snd_items(c, &k->s, VIRTIO_SND_R_CTL_INFO, VIRTIO_SND_CFG_CONTROLS, VIRTIO_SND_CTL_INFO_LEN, k->info, &k->n,
			 "control element");
}

static const uint8_t *ctl(const struct controls *k, uint32_t i)
{
	return k->info + i * VIRTIO_SND_CTL_INFO_LEN;
}

static void bad_control(struct vc_ctx *c, uint32_t i, const char *observed, const char *expected)
{
	vc_fail(c, "the information of control element %u is not as the spec defines it", i);
	vc_observed(c, "%s", observed);
	vc_expected(c, "%s", expected);
}

static void info_values(struct vc_ctx *c)
{
	static struct controls k;
	char buf[96];

	if (!controls(c, &k))
		return;
	for (uint32_t i = 0; i < k.n; i++) {
		uint32_t role = vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_ROLE), type = vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_TYPE);
		uint32_t access = vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_ACCESS);
		/* UNDEFINED is the whole field 0; any other role is (ROLE << 1) | direction */
		bool role_ok = !role || ((role >> 1) >= 1 && (role >> 1) < VIRTIO_SND_CTL_ROLE_COUNT);
		if (role_ok && type < VIRTIO_SND_CTL_TYPE_COUNT && !(access >> VIRTIO_SND_CTL_ACCESS_COUNT))
			continue;
		snprintf(buf, sizeof(buf), "role 0x%x, type %u, access 0x%x", (unsigned)role, (unsigned)type, (unsigned)access);
		bad_control(c, i, buf, "role 0 or (VOLUME, MUTE or GAIN) << 1 | direction, type 0-5, access within bits 0-6");
		return;
	}
}

static void info_count(struct vc_ctx *c)
{
	static const uint32_t max[VIRTIO_SND_CTL_TYPE_COUNT] = { 128, 128, 64, 128, 512, 1 };
	static struct controls k;
	char buf[96];

	if (!controls(c, &k))
		return;
	for (uint32_t i = 0; i < k.n; i++) {
		uint32_t type = vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_TYPE), count = vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_COUNT);
		if (type >= VIRTIO_SND_CTL_TYPE_COUNT) {
			vc_note(c, "control element %u has an undefined type (%u): its count is not judged", i, (unsigned)type);
			continue;
		}
		if (count && count <= max[type])
			continue;
		snprintf(buf, sizeof(buf), "type %u, count %u", (unsigned)type, (unsigned)count);
		char want[64];
		snprintf(want, sizeof(want), "count 1 to %u for type %u", (unsigned)max[type], (unsigned)type);
		bad_control(c, i, buf, want);
		return;
	}
}

/* A non-empty, zero-terminated 7-bit ASCII string in n bytes: NULL, or
 * what is wrong. */
static const char *ascii_string(const uint8_t *b, unsigned n)
{
	size_t len = strnlen((const char *)b, n);

	if (!len)
		return "an empty string";
	if (len == n)
		return "no terminating zero";
	for (size_t i = 0; i < len; i++)
		if (b[i] > 0x7f)
			return "a byte that is not ASCII";
	return NULL;
}

/* Every name, and every item of an ENUMERATED element (CTL_ENUM_ITEMS). */
static void info_strings(struct vc_ctx *c)
{
	static struct controls k;
	static uint8_t items[VIRTIO_SND_HDR_LEN + MAX_ENUM_ITEMS * VIRTIO_SND_CTL_ITEM_LEN];
	uint8_t req[8];
	char buf[96];
	const char *bad;

	if (!controls(c, &k))
		return;
	for (uint32_t i = 0; i < k.n; i++) {
		if ((bad = ascii_string(ctl(&k, i) + VIRTIO_SND_CTL_NAME, VIRTIO_SND_CTL_NAME_LEN))) {
			snprintf(buf, sizeof(buf), "name: %s", bad);
			bad_control(c, i, buf, "a non-empty zero-terminated ASCII name");
			return;
		}
		uint32_t n = vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_ENUM_ITEMS_N);
		if (vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_TYPE) != VIRTIO_SND_CTL_TYPE_ENUMERATED || !n)
			continue;
		if (n > MAX_ENUM_ITEMS) {
			vc_note(c, "control element %u lists %u items: the first %u are not read", i, (unsigned)n, MAX_ENUM_ITEMS);
			continue;
		}
		vc_snd_id_request(req, VIRTIO_SND_R_CTL_ENUM_ITEMS, i);
		if (!snd_ok(c, &k.s, req, sizeof(req), items, VIRTIO_SND_HDR_LEN + n * VIRTIO_SND_CTL_ITEM_LEN, NULL,
			    "CTL_ENUM_ITEMS"))
			return;
		for (uint32_t j = 0; j < n; j++)
			if ((bad = ascii_string(items + VIRTIO_SND_HDR_LEN + j * VIRTIO_SND_CTL_ITEM_LEN, VIRTIO_SND_CTL_ITEM_LEN))) {
				snprintf(buf, sizeof(buf), "item %u: %s", (unsigned)j, bad);
				bad_control(c, i, buf, "each item a non-empty zero-terminated ASCII string");
				return;
			}
	}
}

static void info_unique(struct vc_ctx *c)
{
	static struct controls k;
	char buf[128];

	if (!controls(c, &k))
		return;
	for (uint32_t i = 0; i < k.n; i++)
		for (uint32_t j = 0; j < i; j++) {
			if (memcmp(ctl(&k, i) + VIRTIO_SND_CTL_NAME, ctl(&k, j) + VIRTIO_SND_CTL_NAME, VIRTIO_SND_CTL_NAME_LEN) ||
			    vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_INDEX) != vc_le32(ctl(&k, j) + VIRTIO_SND_CTL_INDEX))
				continue;
			snprintf(buf, sizeof(buf), "elements %u and %u: \"%.44s\" index %u", j, i,
				 (const char *)ctl(&k, i) + VIRTIO_SND_CTL_NAME, (unsigned)vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_INDEX));
			vc_fail(c, "two control elements have the same name and index");
			vc_observed(c, "%s", buf);
			vc_expected(c, "each (name, index) once");
			return;
		}
}

/* TLV_READ of the first element with ACCESS_TLV_READ (SOUND-CTLMETA-DRV-1)
 * into room for all its metadata, then into a value field 4 bytes short:
 * OK, with the first bytes of the same metadata. */
static void tlv_read_short(struct vc_ctx *c)
{
	static struct controls k;
	uint8_t req[8], full[VIRTIO_SND_HDR_LEN + VIRTIO_SND_TLV_MAX], part[VIRTIO_SND_HDR_LEN + VIRTIO_SND_TLV_MAX];
	uint32_t used, i;

	if (!controls(c, &k))
		return;
	for (i = 0; i < k.n; i++)
		if (vc_le32(ctl(&k, i) + VIRTIO_SND_CTL_ACCESS) >> VIRTIO_SND_CTL_ACCESS_TLV_READ & 1)
			break;
	if (i == k.n) {
		vc_skip(c, "no control element has VIRTIO_SND_CTL_ACCESS_TLV_READ");
		return;
	}
	vc_snd_id_request(req, VIRTIO_SND_R_CTL_TLV_READ, i);
	if (!snd_ok(c, &k.s, req, sizeof(req), full, sizeof(full), &used, "TLV_READ"))
		return;
	uint32_t len = used > VIRTIO_SND_HDR_LEN ? used - VIRTIO_SND_HDR_LEN : 0;
	if (len < 12 || len >= VIRTIO_SND_TLV_MAX) {
		vc_skip(c, "control element %u's metadata is %u bytes: no shorter value field to try", i, len);
		return;
	}
	uint32_t room = len - 4;
	if (!ds_ok(c, vc_snd_control(&k.s.d, req, sizeof(req), part, VIRTIO_SND_HDR_LEN + room, &used, c->dev->timeout_ms),
		   "the short TLV_READ failed"))
		return;
	if (vc_le32(part) != VIRTIO_SND_S_OK || used != VIRTIO_SND_HDR_LEN + room ||
	    memcmp(part + VIRTIO_SND_HDR_LEN, full + VIRTIO_SND_HDR_LEN, room)) {
		vc_fail(c, "TLV_READ of control element %u into %u bytes (its metadata is %u) did not write what fits", i,
			room, len);
		vc_observed(c, "status 0x%04x, used length %u%s", (unsigned)vc_le32(part), used,
			    memcmp(part + VIRTIO_SND_HDR_LEN, full + VIRTIO_SND_HDR_LEN, room) ? ", other bytes" : "");
		vc_expected(c, "VIRTIO_SND_S_OK, used length %u, the metadata's first %u bytes", VIRTIO_SND_HDR_LEN + room,
			    room);
	}
}

/* The host changes control 0: every CTL_NOTIFY that comes sets only the
 * VALUE, INFO and TLV mask bits. */
static void notify_mask(struct vc_ctx *c)
{
	static struct controls k;
	unsigned notified = 0;

	if (!controls(c, &k) || !ds_host(c, VC_HOST_SOUND_CTL_CHANGE, "0", NULL, 0))
		return;
	for (int e; (e = ds_stream_next(c, &k.s.d, &k.s.ev, notified ? 50 : c->dev->timeout_ms)) != -1;) {
		if (e < 0)
			return;
		const uint8_t *b = k.s.ev.buf[e];
		if (vc_le32(b) != VIRTIO_SND_EVT_CTL_NOTIFY)
			continue;
		notified++;
		uint16_t id = vc_le16(b + 4), mask = vc_le16(b + 6);
		if (mask >> VIRTIO_SND_CTL_EVT_MASK_COUNT) {
			vc_fail(c, "a control notification sets a mask bit the spec does not define");
			vc_observed(c, "control_id %u, mask 0x%04x", id, mask);
			vc_expected(c, "mask within bits 0-2 (VALUE, INFO, TLV)");
			return;
		}
	}
	if (!notified)
		vc_skip(c, "no control notification came within %u ms of the host changing control element 0",
			c->dev->timeout_ms);
}

static const struct vc_clause clauses[] = {
	{ "sound.ctl.info-values", L_SND_CTLINFO, VC_MUST_NOT, VC_DEVICE_RULE, "1.3", SND_NEEDS, "SOUND-CTLINFO-DEV-1",
	  "CTL_INFO for every control element gives a defined role, type and access mask.", NULL, info_values,
	  VC_REQ(VIRTIO_SND_F_CTLS) },
	{ "sound.ctl.info-count", L_SND_CTLINFO, VC_MUST, VC_DEVICE_RULE, "1.3", SND_NEEDS, "SOUND-CTLINFO-DEV-2",
	  "CTL_INFO for every control element gives a count from 1 to its type's maximum.", NULL, info_count,
	  VC_REQ(VIRTIO_SND_F_CTLS) },
	{ "sound.ctl.info-strings", L_SND_CTLINFO, VC_MUST, VC_DEVICE_RULE, "1.3", SND_NEEDS, "SOUND-CTLINFO-DEV-3",
	  "Every control element's name, and every item CTL_ENUM_ITEMS gives, is a non-empty zero-terminated ASCII "
	  "string.", NULL, info_strings, VC_REQ(VIRTIO_SND_F_CTLS) },
	{ "sound.ctl.info-unique", L_SND_CTLINFO, VC_MUST, VC_DEVICE_RULE, "1.3", SND_NEEDS, "SOUND-CTLINFO-DEV-4",
	  "No two control elements share a name and an index.", NULL, info_unique, VC_REQ(VIRTIO_SND_F_CTLS) },
	{ "sound.ctl.tlv-read-short", L_SND_CTLMETA, VC_SHOULD, VC_DEVICE_RULE, "1.3", SND_NEEDS, "SOUND-CTLMETA-DEV-1",
	  "TLV_READ into a value field 4 bytes shorter than the metadata is answered OK with the metadata's first bytes.",
	  NULL, tlv_read_short, VC_REQ(VIRTIO_SND_F_CTLS) },
	{ "sound.ctl.notify-mask", L_SND_CTLNOTIFY, VC_MUST_NOT, VC_DEVICE_RULE, "1.3", SND_NEEDS, "SOUND-CTLNOTIFY-DEV-1",
	  "The host changes a control element: the CTL_NOTIFY events set only the VALUE, INFO and TLV mask bits.", NULL,
	  notify_mask, VC_REQ(VIRTIO_SND_F_CTLS) },
};
VC_DEVICE_SUITE(suite_sound_ctl, clauses, VIRTIO_ID_SOUND);
