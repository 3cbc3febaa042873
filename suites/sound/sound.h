/* Sound device clauses' shared labels and helpers (suites/sound/common.c). */
#ifndef VC_SUITES_SOUND_H
#define VC_SUITES_SOUND_H

#include "../devsession.h"
#include "vc/devtypes/sound.h"

#define L_SND "Device Types / Sound Device"
#define L_SND_OP L_SND " / Device Operation"
#define L_SND_JACK L_SND_OP " / Jack Information"
#define L_SND_PCMINFO L_SND_OP " / PCM Stream Information"
#define L_SND_RELEASE L_SND_OP " / PCM Stream Release"
#define L_SND_OUT L_SND_OP " / PCM Output Stream"
#define L_SND_IN L_SND_OP " / PCM Input Stream"
#define L_SND_CHMAP L_SND_OP " / Channel Map Information"
#define L_SND_CTLINFO L_SND_OP " / Control Element Information"
#define L_SND_CTLMETA L_SND_OP " / Control Element Metadata"
#define L_SND_CTLNOTIFY L_SND_OP " / Control Element Notifications"

#define SND_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define SND_MAX_ITEMS 32                 /* items of one kind the harness reads */
#define SND_PERIOD_MS 5                  /* each I/O message carries this much sound */

/* A driver's session: the four queues, DRIVER_OK, then the event queue
 * filled with empty 8-byte device-writable buffers (SOUND-INIT-DRV-2/3).
 * VIRTIO_SND_F_CTLS negotiated when `ctls` (a SKIP when not offered). */
struct snd {
	struct vc_dev d;
	struct ds_stream ev;
};
bool snd_open(struct vc_ctx *c, struct snd *s, bool ctls);
/* The items of one kind (code *_INFO, each `size` bytes): the count the
 * configuration gives at `cfg_off` (at most SND_MAX_ITEMS asked for), then
 * one request for all of them, answered OK with hdr + n * size bytes.
 * False after a verdict; *n 0 is a SKIP already given. */
bool snd_items(struct vc_ctx *c, struct snd *s, uint16_t code, unsigned cfg_off, uint32_t size, uint8_t *items,
	       uint32_t *n, const char *what);
/* A control request answered VIRTIO_SND_S_OK (else FAIL naming it). */
bool snd_ok(struct vc_ctx *c, struct snd *s, const void *req, uint32_t len, uint8_t *resp, uint32_t resp_len,
	    uint32_t *used, const char *what);
/* A stream of the direction (VIRTIO_SND_D_*) and parameters a driver may
 * choose from its PCM_INFO (SOUND-PCMPARAMS-DRV-1..6): S16 or U8 (else the
 * first byte-sized format listed), 48000 or 44100 Hz (else the first rate
 * listed), channels_min channels, periods of SND_PERIOD_MS, a buffer of
 * two periods, no features. SKIP when none. */
bool snd_stream(struct vc_ctx *c, struct snd *s, uint8_t direction, uint32_t *sid, struct vc_snd_params *p);
/* SET_PARAMS then PREPARE, each answered OK. */
bool snd_prepare(struct vc_ctx *c, struct snd *s, uint32_t sid, const struct vc_snd_params *p);
/* A PCM command (START, STOP, RELEASE) answered OK. */
bool snd_command(struct vc_ctx *c, struct snd *s, uint16_t code, uint32_t sid);
const char *snd_command_name(uint16_t code);
/* Bytes of b (n) that are not zero, as "byte K is 0xVV", or NULL. */
const char *snd_nonzero(const uint8_t *b, unsigned n, char *buf, size_t len);

#endif
