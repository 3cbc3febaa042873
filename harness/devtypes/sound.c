/* The sound device's driver side (vc/devtypes/sound.h). */
#include <string.h>
#include "vc/devtypes/sound.h"

unsigned vc_snd_format_bits(uint8_t format)
{
	static const uint8_t bits[VIRTIO_SND_PCM_FMT_COUNT] = {
		4, 8, 8, 8, 8, 16, 16, 24, 24, 24, 24, 24, 24, 32, 32, 32, 32, 32, 32, 32, 64, 8, 16, 32, 32,
	};
	return format < VIRTIO_SND_PCM_FMT_COUNT ? bits[format] : 0;
}

unsigned vc_snd_rate_hz(uint8_t rate)
{
	static const unsigned hz[VIRTIO_SND_PCM_RATE_COUNT] = {
		5512, 8000, 11025, 16000, 22050, 32000, 44100, 48000, 64000, 88200, 96000, 176400, 192000, 384000,
		12000, 24000,
	};
	return rate < VIRTIO_SND_PCM_RATE_COUNT ? hz[rate] : 0;
}

uint64_t vc_snd_byte_rate(const struct vc_snd_params *p)
{
	return (uint64_t)vc_snd_rate_hz(p->rate) * p->channels * vc_snd_format_bits(p->format) / 8;
}

const char *vc_snd_status_name(uint32_t code)
{
	switch (code) {
	case VIRTIO_SND_S_OK: return "VIRTIO_SND_S_OK";
	case VIRTIO_SND_S_BAD_MSG: return "VIRTIO_SND_S_BAD_MSG";
	case VIRTIO_SND_S_NOT_SUPP: return "VIRTIO_SND_S_NOT_SUPP";
	case VIRTIO_SND_S_IO_ERR: return "VIRTIO_SND_S_IO_ERR";
	}
	return "an undefined status";
}

int vc_snd_control(struct vc_dev *d, const void *req, uint32_t len, uint8_t *resp, uint32_t resp_len,
		   uint32_t *used, unsigned ms)
{
	struct vc_iov iov[2] = { { req, NULL, len, false, 0 }, { resp, resp, resp_len, true, 0 } };

	memset(resp, 0xee, resp_len);
	return vc_dev_call(d, VIRTIO_SND_CONTROLQ, iov, 2, used, ms);
}

void vc_snd_query(uint8_t req[VIRTIO_SND_QUERY_LEN], uint16_t code, uint32_t start_id, uint32_t count, uint32_t size)
{
	vc_put32(req, code);
	vc_put32(req + 4, start_id);
	vc_put32(req + 8, count);
	vc_put32(req + 12, size);
}

void vc_snd_id_request(uint8_t req[8], uint16_t code, uint32_t id)
{
	vc_put32(req, code);
	vc_put32(req + 4, id);
}

void vc_snd_set_params(uint8_t req[VIRTIO_SND_SET_PARAMS_LEN], uint32_t stream_id, const struct vc_snd_params *p)
{
	memset(req, 0, VIRTIO_SND_SET_PARAMS_LEN);
	vc_put32(req, VIRTIO_SND_R_PCM_SET_PARAMS);
	vc_put32(req + 4, stream_id);
	vc_put32(req + 8, p->buffer_bytes);
	vc_put32(req + 12, p->period_bytes);
	vc_put32(req + 16, p->features);
	req[20] = p->channels;
	req[21] = p->format;
	req[22] = p->rate;
}

int vc_snd_xfer(struct vc_dev *d, unsigned q, uint32_t stream_id, uint8_t *frames, uint32_t len,
		uint8_t status[VIRTIO_SND_STATUS_LEN], struct vc_req *r, bool quiet)
{
	uint8_t hdr[VIRTIO_SND_XFER_LEN];
	bool rx = q == VIRTIO_SND_RXQ;
	struct vc_iov iov[3] = {
		{ hdr, NULL, sizeof(hdr), false, 0 },
		{ frames, rx ? frames : NULL, len, rx, 0 },
		{ status, status, VIRTIO_SND_STATUS_LEN, true, 0 },
	};

	vc_put32(hdr, stream_id);
	if (rx)                 /* the device's writes show over the prefill */
		memset(frames, 0xee, len);
	memset(status, 0xee, VIRTIO_SND_STATUS_LEN);
	return vc_dev_send(d, q, iov, 3, r, quiet);
}
