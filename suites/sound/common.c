/* Sound device clauses' shared helpers (sound.h). */
#include <stdio.h>
#include <string.h>
#include "sound.h"

#define EVENT_BUFFERS 8

bool snd_open(struct vc_ctx *c, struct snd *s, bool ctls)
{
	memset(&s->ev, 0, sizeof(s->ev));
	s->ev.q = VIRTIO_SND_EVENTQ;
	s->ev.len = VIRTIO_SND_EVENT_LEN;
	return ds_open(c, &s->d, ctls ? DS_F(VIRTIO_SND_F_CTLS) : 0, 0,
		       DS_Q(VIRTIO_SND_CONTROLQ) | DS_Q(VIRTIO_SND_EVENTQ) | DS_Q(VIRTIO_SND_TXQ) | DS_Q(VIRTIO_SND_RXQ),
		       false) &&
	       ds_stream_post(c, &s->d, &s->ev, EVENT_BUFFERS);
}

bool snd_ok(struct vc_ctx *c, struct snd *s, const void *req, uint32_t len, uint8_t *resp, uint32_t resp_len,
	    uint32_t *used, const char *what)
{
	struct vc_iov iov[2] = { { req, NULL, len, false, 0 }, { resp, resp, resp_len, true, 0 } };

	memset(resp, 0xee, resp_len);
	if (!ds_call(c, &s->d, VIRTIO_SND_CONTROLQ, iov, 2, used, what))
		return false;
	uint32_t status = vc_le32(resp);
	if (status == VIRTIO_SND_S_OK)
		return true;
	vc_fail(c, "the device refused %s, a request the driver rules allow", what);
	vc_observed(c, "status 0x%04x (%s)", (unsigned)status, vc_snd_status_name(status));
	vc_expected(c, "VIRTIO_SND_S_OK");
	return false;
}

bool snd_items(struct vc_ctx *c, struct snd *s, uint16_t code, unsigned cfg_off, uint32_t size, uint8_t *items,
	       uint32_t *n, const char *what)
{
	static uint8_t resp[VIRTIO_SND_HDR_LEN + SND_MAX_ITEMS * VIRTIO_SND_CTL_INFO_LEN];
	uint8_t req[VIRTIO_SND_QUERY_LEN];
	uint64_t total;
	uint32_t used;

	*n = 0;
	if (!ds_cfg_read(c, &s->d, cfg_off, 4, &total))
		return false;
	if (!total) {
		vc_skip(c, "the device has no %s (the configuration says 0)", what);
		return false;
	}
	*n = total < SND_MAX_ITEMS ? (uint32_t)total : SND_MAX_ITEMS;   /* start_id + count within the total */
	vc_snd_query(req, code, 0, *n, size);
	char name[48];
	snprintf(name, sizeof(name), "the %s information request", what);
	if (!snd_ok(c, s, req, sizeof(req), resp, VIRTIO_SND_HDR_LEN + *n * size, &used, name))
		return false;
	if (used != VIRTIO_SND_HDR_LEN + *n * size) {
		vc_fail(c, "%s came back with a used length that does not cover its %u items", name, *n);
		vc_observed(c, "used length %u", used);
		vc_expected(c, "%u (the status and %u items of %u bytes)", VIRTIO_SND_HDR_LEN + *n * size, *n, size);
		return false;
	}
	memcpy(items, resp + VIRTIO_SND_HDR_LEN, *n * size);
	return true;
}

/* The first of the preferred codes the bit map lists, else the first
 * defined one (a format of whole bytes when `bytes`); -1 when none. */
static int choose(uint64_t map, const uint8_t *prefer, unsigned np, unsigned count, bool bytes)
{
	for (unsigned i = 0; i < np; i++)
		if (map >> prefer[i] & 1)
			return prefer[i];
	for (unsigned k = 0; k < count; k++)
		if ((map >> k & 1) && (!bytes || vc_snd_format_bits((uint8_t)k) % 8 == 0))
			return (int)k;
	return -1;
}

bool snd_stream(struct vc_ctx *c, struct snd *s, uint8_t direction, uint32_t *sid, struct vc_snd_params *p)
{
	static const uint8_t formats[] = { VIRTIO_SND_PCM_FMT_S16, VIRTIO_SND_PCM_FMT_U8 };
	static const uint8_t rates[] = { VIRTIO_SND_PCM_RATE_48000, VIRTIO_SND_PCM_RATE_44100 };
	uint8_t info[SND_MAX_ITEMS * VIRTIO_SND_PCM_INFO_LEN];
	uint32_t n;

	if (!snd_items(c, s, VIRTIO_SND_R_PCM_INFO, VIRTIO_SND_CFG_STREAMS, VIRTIO_SND_PCM_INFO_LEN, info, &n, "PCM stream"))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *b = info + i * VIRTIO_SND_PCM_INFO_LEN;
		int f = choose(vc_le64(b + VIRTIO_SND_PCM_FORMATS), formats, 2, VIRTIO_SND_PCM_FMT_COUNT, true);
		int r = choose(vc_le64(b + VIRTIO_SND_PCM_RATES), rates, 2, VIRTIO_SND_PCM_RATE_COUNT, false);
		uint8_t ch = b[VIRTIO_SND_PCM_CHANNELS_MIN] ? b[VIRTIO_SND_PCM_CHANNELS_MIN] : 1;
		if (b[VIRTIO_SND_PCM_DIRECTION] != direction || f < 0 || r < 0 || ch > b[VIRTIO_SND_PCM_CHANNELS_MAX])
			continue;
		*sid = i;
		*p = (struct vc_snd_params){ .channels = ch, .format = (uint8_t)f, .rate = (uint8_t)r };
		uint32_t frame = ch * vc_snd_format_bits(p->format) / 8;
		p->period_bytes = frame * (vc_snd_rate_hz(p->rate) * SND_PERIOD_MS / 1000);
		p->buffer_bytes = 2 * p->period_bytes;      /* a multiple of the period (SOUND-PCMPARAMS-DRV-1) */
		return true;
	}
	vc_skip(c, "no %s stream lists a byte-sized format and a defined rate",
		direction == VIRTIO_SND_D_OUTPUT ? "output" : "input");
	return false;
}

const char *snd_command_name(uint16_t code)
{
	switch (code) {
	case VIRTIO_SND_R_PCM_SET_PARAMS: return "PCM_SET_PARAMS";
	case VIRTIO_SND_R_PCM_PREPARE: return "PCM_PREPARE";
	case VIRTIO_SND_R_PCM_START: return "PCM_START";
	case VIRTIO_SND_R_PCM_STOP: return "PCM_STOP";
	case VIRTIO_SND_R_PCM_RELEASE: return "PCM_RELEASE";
	}
	return "a PCM command";
}

bool snd_command(struct vc_ctx *c, struct snd *s, uint16_t code, uint32_t sid)
{
	uint8_t req[8], resp[VIRTIO_SND_HDR_LEN];

	vc_snd_id_request(req, code, sid);
	return snd_ok(c, s, req, sizeof(req), resp, sizeof(resp), NULL, snd_command_name(code));
}

bool snd_prepare(struct vc_ctx *c, struct snd *s, uint32_t sid, const struct vc_snd_params *p)
{
	uint8_t req[VIRTIO_SND_SET_PARAMS_LEN], resp[VIRTIO_SND_HDR_LEN];

	vc_snd_set_params(req, sid, p);
	return snd_ok(c, s, req, sizeof(req), resp, sizeof(resp), NULL, "PCM_SET_PARAMS") &&
	       snd_command(c, s, VIRTIO_SND_R_PCM_PREPARE, sid);
}

const char *snd_nonzero(const uint8_t *b, unsigned n, char *buf, size_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (b[i]) {
			snprintf(buf, len, "byte %u is 0x%02x", i, b[i]);
			return buf;
		}
	return NULL;
}
