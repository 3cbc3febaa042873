/* Sound device: the item information the device gives (Device Types /
 * Sound Device / Device Operation: Jack Information, PCM Stream
 * Information, Channel Map Information), each kind read with one request
 * for every item the configuration counts. */
#include <stdio.h>
#include "sound.h"

/* One kind of item: its request, where the configuration counts it, its size. */
struct kind {
	uint16_t code;
	unsigned cfg_off;
	uint32_t size;
	const char *what;
};

static const struct kind jacks = { VIRTIO_SND_R_JACK_INFO, VIRTIO_SND_CFG_JACKS, VIRTIO_SND_JACK_INFO_LEN, "jack" };
static const struct kind streams = { VIRTIO_SND_R_PCM_INFO, VIRTIO_SND_CFG_STREAMS, VIRTIO_SND_PCM_INFO_LEN,
				     "PCM stream" };
static const struct kind chmaps = { VIRTIO_SND_R_CHMAP_INFO, VIRTIO_SND_CFG_CHMAPS, VIRTIO_SND_CHMAP_INFO_LEN,
				    "channel map" };

/* Each item's field checked: a message naming the first bad one, or NULL. */
typedef const char *(*item_check)(const uint8_t *item, char *buf, size_t len);

/* Every item of one kind passes `check`; else FAIL naming the item. */
static void each_item(struct vc_ctx *c, const struct kind *k, item_check check, const char *expected)
{
	static uint8_t items[SND_MAX_ITEMS * VIRTIO_SND_PCM_INFO_LEN];
	struct snd s;
	uint32_t n;
	char buf[96];

	if (!snd_open(c, &s, false) || !snd_items(c, &s, k->code, k->cfg_off, k->size, items, &n, k->what))
		return;
	for (uint32_t i = 0; i < n; i++) {
		const char *bad = check(items + i * k->size, buf, sizeof(buf));
		if (!bad)
			continue;
		vc_fail(c, "the information of %s %u is not as the spec defines it", k->what, i);
		vc_observed(c, "%s", bad);
		vc_expected(c, "%s", expected);
		return;
	}
}

static const char *jack_features(const uint8_t *b, char *buf, size_t len)
{
	uint32_t f = vc_le32(b + VIRTIO_SND_JACK_FEATURES);

	if (!(f >> VIRTIO_SND_JACK_F_COUNT))
		return NULL;
	snprintf(buf, len, "features 0x%08x", (unsigned)f);
	return buf;
}

static const char *jack_padding(const uint8_t *b, char *buf, size_t len)
{
	return snd_nonzero(b + VIRTIO_SND_JACK_PADDING, VIRTIO_SND_JACK_INFO_LEN - VIRTIO_SND_JACK_PADDING, buf, len);
}

static const char *pcm_values(const uint8_t *b, char *buf, size_t len)
{
	uint32_t f = vc_le32(b + VIRTIO_SND_PCM_FEATURES);
	uint64_t formats = vc_le64(b + VIRTIO_SND_PCM_FORMATS), rates = vc_le64(b + VIRTIO_SND_PCM_RATES);

	if (f >> VIRTIO_SND_PCM_F_COUNT)
		snprintf(buf, len, "features 0x%08x", (unsigned)f);
	else if (formats >> VIRTIO_SND_PCM_FMT_COUNT)
		snprintf(buf, len, "formats 0x%016llx", (unsigned long long)formats);
	else if (rates >> VIRTIO_SND_PCM_RATE_COUNT)
		snprintf(buf, len, "rates 0x%016llx", (unsigned long long)rates);
	else if (b[VIRTIO_SND_PCM_DIRECTION] > VIRTIO_SND_D_INPUT)
		snprintf(buf, len, "direction %u", b[VIRTIO_SND_PCM_DIRECTION]);
	else
		return NULL;
	return buf;
}

static const char *pcm_padding(const uint8_t *b, char *buf, size_t len)
{
	return snd_nonzero(b + VIRTIO_SND_PCM_PADDING, VIRTIO_SND_PCM_INFO_LEN - VIRTIO_SND_PCM_PADDING, buf, len);
}

static const char *chmap_direction(const uint8_t *b, char *buf, size_t len)
{
	if (b[VIRTIO_SND_CHMAP_DIRECTION] <= VIRTIO_SND_D_INPUT)
		return NULL;
	snprintf(buf, len, "direction %u", b[VIRTIO_SND_CHMAP_DIRECTION]);
	return buf;
}

static const char *chmap_channels(const uint8_t *b, char *buf, size_t len)
{
	if (b[VIRTIO_SND_CHMAP_CHANNELS] <= VIRTIO_SND_CHMAP_MAX_SIZE)
		return NULL;
	snprintf(buf, len, "channels %u", b[VIRTIO_SND_CHMAP_CHANNELS]);
	return buf;
}

static void jack_info_features(struct vc_ctx *c)
{
	each_item(c, &jacks, jack_features, "features within bit 0 (VIRTIO_SND_JACK_F_REMAP)");
}

static void jack_info_padding(struct vc_ctx *c)
{
	each_item(c, &jacks, jack_padding, "padding[7] all zero");
}

static void pcm_info_values(struct vc_ctx *c)
{
	each_item(c, &streams, pcm_values,
		  "features within bits 0-4, formats within 0-24, rates within 0-15, direction 0 or 1");
}

static void pcm_info_padding(struct vc_ctx *c)
{
	each_item(c, &streams, pcm_padding, "padding[5] all zero");
}

static void chmap_info_direction(struct vc_ctx *c)
{
	each_item(c, &chmaps, chmap_direction, "direction 0 (OUTPUT) or 1 (INPUT)");
}

static void chmap_info_channels(struct vc_ctx *c)
{
	each_item(c, &chmaps, chmap_channels, "channels at most 18 (VIRTIO_SND_CHMAP_MAX_SIZE)");
}

static const struct vc_clause clauses[] = {
	{ "sound.jack.info-features", L_SND_JACK, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", SND_NEEDS, "SOUND-JACK-DEV-1",
	  "JACK_INFO for every jack sets no feature bit but VIRTIO_SND_JACK_F_REMAP.", NULL, jack_info_features },
	{ "sound.jack.info-padding", L_SND_JACK, VC_MUST, VC_DEVICE_RULE, "1.2", SND_NEEDS, "SOUND-JACK-DEV-2",
	  "JACK_INFO for every jack leaves its 7 padding bytes zero (over a 0xee prefill).", NULL, jack_info_padding },
	{ "sound.pcm.info-values", L_SND_PCMINFO, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", SND_NEEDS, "SOUND-PCMINFO-DEV-1",
	  "PCM_INFO for every stream sets only defined feature, format and rate bits and a defined direction.", NULL,
	  pcm_info_values },
	{ "sound.pcm.info-padding", L_SND_PCMINFO, VC_MUST, VC_DEVICE_RULE, "1.2", SND_NEEDS, "SOUND-PCMINFO-DEV-2",
	  "PCM_INFO for every stream leaves its 5 padding bytes zero (over a 0xee prefill).", NULL, pcm_info_padding },
	{ "sound.chmap.info-direction", L_SND_CHMAP, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", SND_NEEDS, "SOUND-CHMAP-DEV-1",
	  "CHMAP_INFO for every channel map gives direction OUTPUT or INPUT.", NULL, chmap_info_direction },
	{ "sound.chmap.info-channels", L_SND_CHMAP, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", SND_NEEDS, "SOUND-CHMAP-DEV-2",
	  "CHMAP_INFO for every channel map gives at most VIRTIO_SND_CHMAP_MAX_SIZE (18) channels.", NULL,
	  chmap_info_channels },
};
VC_DEVICE_SUITE(suite_sound_info, clauses, VIRTIO_ID_SOUND);
