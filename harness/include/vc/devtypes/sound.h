/* The sound device (virtio type 25): its configuration, control queue
 * requests (item information, PCM commands, control elements), PCM I/O
 * messages on the tx and rx queues, and event notifications (Device Types /
 * Sound Device). The driver's own rules are kept here: item requests never
 * reach past the configuration's totals and answer into exactly
 * hdr + count * size bytes, PCM I/O buffers are readable on txq and
 * writable on rxq past the header, event buffers writable only. */
#ifndef VC_DEVTYPES_SOUND_H
#define VC_DEVTYPES_SOUND_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_SOUND 25
#define VIRTIO_SND_F_CTLS 0

#define VIRTIO_SND_CONTROLQ 0
#define VIRTIO_SND_EVENTQ 1
#define VIRTIO_SND_TXQ 2
#define VIRTIO_SND_RXQ 3

#define VIRTIO_SND_CFG_JACKS 0
#define VIRTIO_SND_CFG_STREAMS 4
#define VIRTIO_SND_CFG_CHMAPS 8
#define VIRTIO_SND_CFG_CONTROLS 12     /* read only with VIRTIO_SND_F_CTLS (SOUND-INIT-DRV-1) */

#define VIRTIO_SND_R_JACK_INFO 1
#define VIRTIO_SND_R_JACK_REMAP 2
#define VIRTIO_SND_R_PCM_INFO 0x0100
#define VIRTIO_SND_R_PCM_SET_PARAMS 0x0101
#define VIRTIO_SND_R_PCM_PREPARE 0x0102
#define VIRTIO_SND_R_PCM_RELEASE 0x0103
#define VIRTIO_SND_R_PCM_START 0x0104
#define VIRTIO_SND_R_PCM_STOP 0x0105
#define VIRTIO_SND_R_CHMAP_INFO 0x0200
#define VIRTIO_SND_R_CTL_INFO 0x0300
#define VIRTIO_SND_R_CTL_ENUM_ITEMS 0x0301
#define VIRTIO_SND_R_CTL_READ 0x0302
#define VIRTIO_SND_R_CTL_WRITE 0x0303
#define VIRTIO_SND_R_CTL_TLV_READ 0x0304

#define VIRTIO_SND_EVT_JACK_CONNECTED 0x1000
#define VIRTIO_SND_EVT_JACK_DISCONNECTED 0x1001
#define VIRTIO_SND_EVT_PCM_PERIOD_ELAPSED 0x1100
#define VIRTIO_SND_EVT_PCM_XRUN 0x1101
#define VIRTIO_SND_EVT_CTL_NOTIFY 0x1200

#define VIRTIO_SND_S_OK 0x8000
#define VIRTIO_SND_S_BAD_MSG 0x8001
#define VIRTIO_SND_S_NOT_SUPP 0x8002
#define VIRTIO_SND_S_IO_ERR 0x8003

#define VIRTIO_SND_D_OUTPUT 0
#define VIRTIO_SND_D_INPUT 1

/* The values each field defines: bits (or codes) at and above these are undefined. */
#define VIRTIO_SND_JACK_F_COUNT 1        /* REMAP */
#define VIRTIO_SND_PCM_F_COUNT 5         /* SHMEM_HOST .. EVT_XRUNS */
#define VIRTIO_SND_PCM_FMT_COUNT 25      /* IMA_ADPCM .. IEC958_SUBFRAME */
#define VIRTIO_SND_PCM_RATE_COUNT 16     /* 5512 .. 24000 */
#define VIRTIO_SND_CHMAP_MAX_SIZE 18
#define VIRTIO_SND_CTL_ROLE_COUNT 4      /* UNDEFINED, VOLUME, MUTE, GAIN */
#define VIRTIO_SND_CTL_TYPE_COUNT 6      /* BOOLEAN .. IEC958 */
#define VIRTIO_SND_CTL_ACCESS_COUNT 7    /* READ .. TLV_COMMAND */
#define VIRTIO_SND_CTL_EVT_MASK_COUNT 3  /* VALUE, INFO, TLV */

#define VIRTIO_SND_PCM_FMT_U8 4
#define VIRTIO_SND_PCM_FMT_S16 5
#define VIRTIO_SND_PCM_RATE_44100 6
#define VIRTIO_SND_PCM_RATE_48000 7
#define VIRTIO_SND_CTL_TYPE_BOOLEAN 0
#define VIRTIO_SND_CTL_TYPE_INTEGER 1
#define VIRTIO_SND_CTL_TYPE_ENUMERATED 3
#define VIRTIO_SND_CTL_ACCESS_READ 0
#define VIRTIO_SND_CTL_ACCESS_WRITE 1
#define VIRTIO_SND_CTL_ACCESS_TLV_READ 4

/* Sizes of the structures, and the fields read from them. */
#define VIRTIO_SND_HDR_LEN 4
#define VIRTIO_SND_QUERY_LEN 16          /* hdr, start_id, count, size */
#define VIRTIO_SND_JACK_INFO_LEN 24      /* hda_fn_nid, features, defconf, caps, connected, padding[7] */
#define VIRTIO_SND_JACK_FEATURES 4
#define VIRTIO_SND_JACK_PADDING 17
#define VIRTIO_SND_PCM_INFO_LEN 32       /* hda_fn_nid, features, formats, rates, direction, ch min/max, padding[5] */
#define VIRTIO_SND_PCM_FEATURES 4
#define VIRTIO_SND_PCM_FORMATS 8
#define VIRTIO_SND_PCM_RATES 16
#define VIRTIO_SND_PCM_DIRECTION 24
#define VIRTIO_SND_PCM_CHANNELS_MIN 25
#define VIRTIO_SND_PCM_CHANNELS_MAX 26
#define VIRTIO_SND_PCM_PADDING 27
#define VIRTIO_SND_CHMAP_INFO_LEN 24     /* hda_fn_nid, direction, channels, positions[18] */
#define VIRTIO_SND_CHMAP_DIRECTION 4
#define VIRTIO_SND_CHMAP_CHANNELS 5
/* struct virtio_snd_ctl_info as a C compiler lays it out (Linux's
 * uapi/linux/virtio_snd.h): the value union's le64 members align it to 72
 * after name[44], 96 bytes in all. The size field says which layout the
 * driver means. */
#define VIRTIO_SND_CTL_INFO_LEN 96
#define VIRTIO_SND_CTL_ROLE 4
#define VIRTIO_SND_CTL_TYPE 8
#define VIRTIO_SND_CTL_ACCESS 12
#define VIRTIO_SND_CTL_COUNT 16
#define VIRTIO_SND_CTL_INDEX 20
#define VIRTIO_SND_CTL_NAME 24
#define VIRTIO_SND_CTL_NAME_LEN 44
#define VIRTIO_SND_CTL_ENUM_ITEMS_N 72   /* value.enumerated.items */
#define VIRTIO_SND_CTL_ITEM_LEN 64
#define VIRTIO_SND_CTL_VALUE_LEN 512     /* struct virtio_snd_ctl_value */
#define VIRTIO_SND_SET_PARAMS_LEN 24
#define VIRTIO_SND_XFER_LEN 4            /* stream_id */
#define VIRTIO_SND_STATUS_LEN 8          /* status, latency_bytes */
#define VIRTIO_SND_EVENT_LEN 8           /* hdr, data */
#define VIRTIO_SND_TLV_MAX 256           /* the metadata the harness reads at most */

struct vc_snd_params {
	uint32_t buffer_bytes, period_bytes, features;
	uint8_t channels, format, rate;
};

/* A format's physical sample width in bits (0 for a code the spec does not
 * define) and a rate code's frames per second (0 likewise). */
unsigned vc_snd_format_bits(uint8_t format);
unsigned vc_snd_rate_hz(uint8_t rate);
/* Bytes per second of a stream with these parameters (0: unknown). */
uint64_t vc_snd_byte_rate(const struct vc_snd_params *p);
const char *vc_snd_status_name(uint32_t code);

/* struct virtio_snd_query_info (JACK_INFO, PCM_INFO, CHMAP_INFO, CTL_INFO)
 * for count items of `size` bytes from start_id; its answer takes
 * VIRTIO_SND_HDR_LEN + count * size bytes (SOUND-ITEMINFO-DRV-2). */
void vc_snd_query(uint8_t req[VIRTIO_SND_QUERY_LEN], uint16_t code, uint32_t start_id, uint32_t count, uint32_t size);
/* A request made of a header and one id (struct virtio_snd_pcm_hdr for
 * PREPARE, RELEASE, START, STOP; virtio_snd_ctl_hdr for a control). */
void vc_snd_id_request(uint8_t req[8], uint16_t code, uint32_t id);
/* A control request: `req` (len bytes, readable) answered into resp
 * (resp_len bytes, prefilled 0xee; the status is its first le32). */
int vc_snd_control(struct vc_dev *d, const void *req, uint32_t len, uint8_t *resp, uint32_t resp_len,
		   uint32_t *used, unsigned ms);
/* struct virtio_snd_pcm_set_params for a stream, padding zero. */
void vc_snd_set_params(uint8_t req[VIRTIO_SND_SET_PARAMS_LEN], uint32_t stream_id, const struct vc_snd_params *p);
/* A PCM I/O message made available without waiting: on txq the header and
 * `frames` (len bytes) readable, the status (8 bytes) into status; on rxq
 * the header readable, then len writable bytes into `frames` (prefilled
 * 0xee) and the status. */
int vc_snd_xfer(struct vc_dev *d, unsigned q, uint32_t stream_id, uint8_t *frames, uint32_t len,
		uint8_t status[VIRTIO_SND_STATUS_LEN], struct vc_req *r, bool quiet);

#endif
