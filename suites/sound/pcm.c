/* Sound device: PCM streams driven as a driver does (Device Types / Sound
 * Device / Device Operation: PCM Stream Release, PCM Output Stream, PCM
 * Input Stream): parameters a stream lists, periods of SND_PERIOD_MS
 * queued as I/O messages, the frames the host heard and captured. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "sound.h"
#include "vc/devtypes/host.h"

#define PERIODS 8                        /* output messages queued before START */
#define SHORT_RUN 4                      /* messages of the shorter runs */
#define RELEASE_PENDING 4
#define MAX_PERIOD 2048                  /* 5 ms of 2 channels of 32 bits at 48 kHz is 1920 */
#define MAX_MESSAGE (2 * MAX_PERIOD)

struct pcm {
	struct snd s;
	uint32_t sid;
	struct vc_snd_params p;
	struct vc_req r[PERIODS];
	uint32_t len[PERIODS];               /* each message's frames: a period, or two */
	uint8_t frames[PERIODS][MAX_MESSAGE], status[PERIODS][VIRTIO_SND_STATUS_LEN];
};

/* A stream of the direction, its parameters set and prepared. */
static bool pcm_open(struct vc_ctx *c, struct pcm *m, uint8_t direction)
{
	if (!snd_open(c, &m->s, false) || !snd_stream(c, &m->s, direction, &m->sid, &m->p))
		return false;
	if (m->p.period_bytes > MAX_PERIOD) {
		vc_skip(c, "a %u ms period is %u bytes, more than the harness holds (%u)", SND_PERIOD_MS, m->p.period_bytes,
			MAX_PERIOD);
		return false;
	}
	return snd_prepare(c, &m->s, m->sid, &m->p);
}

/* Make n period-sized I/O messages available (output: frames[k] holds a
 * pattern), every second one two periods long when `doubled`, and notify
 * once. */
static bool queue_periods(struct vc_ctx *c, struct pcm *m, unsigned q, unsigned n, bool doubled)
{
	for (unsigned k = 0; k < n; k++) {
		m->len[k] = doubled && k % 2 ? 2 * m->p.period_bytes : m->p.period_bytes;
		for (uint32_t i = 0; q == VIRTIO_SND_TXQ && i < m->len[k]; i++)
			m->frames[k][i] = (uint8_t)(k * 37 + i * 7 + 3);
		int rc = vc_snd_xfer(&m->s.d, q, m->sid, m->frames[k], m->len[k], m->status[k], &m->r[k], true);
		if (rc)
			return ds_ok(c, rc, "making a PCM I/O message available failed");
	}
	return ds_ok(c, vc_dev_kick(&m->s.d, q), "notifying the PCM queue failed");
}

/* Wait for I/O message k: false after a FAIL (never used) or an ERROR. */
static bool io_wait(struct vc_ctx *c, struct pcm *m, unsigned k)
{
	char what[48];

	snprintf(what, sizeof(what), "PCM I/O message %u of stream %u", k + 1, m->sid);
	return ds_wait(c, &m->s.d, &m->r[k], what);
}

static uint32_t fnv1a(uint32_t h, const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* What the host heard since its last look: bytes and their FNV-1a hash. */
static bool heard(struct vc_ctx *c, unsigned *n, unsigned *hash)
{
	char out[64];

	if (!ds_host(c, VC_HOST_SOUND_PLAYED, "", out, sizeof(out)))
		return false;
	if (sscanf(out, "%u %x", n, hash) == 2)
		return true;
	vc_error(c, "the backend's answer to %s is not \"N HASH\": \"%s\"", VC_HOST_SOUND_PLAYED, out);
	return false;
}

/* A used output message's frames overwritten, as a driver refilling its
 * ring does with a buffer the device gave back. */
static bool reuse_buffer(struct vc_ctx *c, struct pcm *m, unsigned k)
{
	uint8_t other[MAX_PERIOD];

	for (uint32_t i = 0; i < m->p.period_bytes; i++)
		other[i] = (uint8_t)~m->frames[k][i];
	return ds_ok(c, vc_dma_write(m->s.d.drv.dev, m->r[k].buf[1].addr, other, m->p.period_bytes),
		     "rewriting a used output buffer failed");
}

/* n output periods queued before START (pre-buffered), START, each
 * waited for in turn (its time after START in t[k], when t), STOP once the
 * n periods' time has passed since START, RELEASE; `reuse`: each message's
 * frames are overwritten as soon as it is seen used (before START too).
 * Then the host must have heard the frames as queued. */
static bool play(struct vc_ctx *c, struct pcm *m, unsigned n, bool reuse, uint64_t *t)
{
	unsigned bytes, hash;
	uint32_t want = 2166136261u;
	bool rewritten[PERIODS] = { false };

	if (!pcm_open(c, m, VIRTIO_SND_D_OUTPUT) || !heard(c, &bytes, &hash) || !queue_periods(c, m, VIRTIO_SND_TXQ, n, false))
		return false;
	for (unsigned k = 0; reuse && k < n; k++) {
		int rc = vc_dev_poll(&m->s.d, &m->r[k]);
		if (rc && rc != -EAGAIN)
			return ds_ok(c, rc, "reading the tx queue failed");
		if (!rc && !(rewritten[k] = reuse_buffer(c, m, k)))
			return false;
	}
	uint64_t t0 = vc_now_ns();
	if (!snd_command(c, &m->s, VIRTIO_SND_R_PCM_START, m->sid))
		return false;
	for (unsigned k = 0; k < n; k++) {
		if (!io_wait(c, m, k))
			return false;
		if (t)
			t[k] = vc_now_ns() - t0;
		want = fnv1a(want, m->frames[k], m->p.period_bytes);
		if (reuse && !rewritten[k] && !reuse_buffer(c, m, k))
			return false;
	}
	/* a device that used the messages early has had the time to play them */
	uint64_t played_ns = (uint64_t)n * m->p.period_bytes * 1000000000ull / vc_snd_byte_rate(&m->p);
	for (unsigned i = 0; vc_now_ns() - t0 < played_ns; i++)
		vc_poll_pause(i);
	if (!snd_command(c, &m->s, VIRTIO_SND_R_PCM_STOP, m->sid) ||
	    !snd_command(c, &m->s, VIRTIO_SND_R_PCM_RELEASE, m->sid) || !heard(c, &bytes, &hash))
		return false;
	if (bytes == n * m->p.period_bytes && hash == want)
		return true;
	vc_fail(c, reuse ? "the host heard other frames than the output messages held when they were used: one was used "
			   "before the device had consumed it (or frames change on their way: sound.pcm.output-delivered)"
			 : "the host did not hear the frames the output messages carried");
	vc_observed(c, "%u bytes, FNV-1a %08x", bytes, hash);
	vc_expected(c, "%u bytes, FNV-1a %08x", n * m->p.period_bytes, (unsigned)want);
	return false;
}

/* Eight output periods, each message's frames overwritten once it is used:
 * the host still hears what they held. How soon they came back is told,
 * not judged: a device may hold more than buffer_bytes ahead (the spec
 * sets only the least size of its buffer, SOUND-PCMPARAMS-DEV-1). */
static void output_consumed(struct vc_ctx *c)
{
	static struct pcm m;
	uint64_t t[PERIODS];

	if (!play(c, &m, PERIODS, true, t))
		return;
	vc_note(c, "%u periods of %u bytes (%" PRIu64 " bytes/s) came back %" PRIu64 " to %" PRIu64 " ms after START; "
		"the last latency_bytes %u", PERIODS, m.p.period_bytes, vc_snd_byte_rate(&m.p), t[0] / 1000000,
		t[PERIODS - 1] / 1000000, vc_le32(m.status[PERIODS - 1] + 4));
}

/* Not a spec rule: the frames four output messages carried are what the
 * host heard, in order. */
static void output_delivered(struct vc_ctx *c)
{
	static struct pcm m;

	play(c, &m, SHORT_RUN, false, NULL);
}

/* Four empty input messages queued (every second one two periods long
 * when `doubled`), then START, with the host capturing `signal` (a
 * sound-capture argument) when given; all four back. */
static bool capture(struct vc_ctx *c, struct pcm *m, const char *signal, bool doubled)
{
	if (!pcm_open(c, m, VIRTIO_SND_D_INPUT) || (signal && !ds_host(c, VC_HOST_SOUND_CAPTURE, signal, NULL, 0)) ||
	    !queue_periods(c, m, VIRTIO_SND_RXQ, SHORT_RUN, doubled) ||
	    !snd_command(c, &m->s, VIRTIO_SND_R_PCM_START, m->sid))
		return false;
	for (unsigned k = 0; k < SHORT_RUN; k++)
		if (!io_wait(c, m, k))
			return false;
	return snd_command(c, &m->s, VIRTIO_SND_R_PCM_STOP, m->sid) &&
	       snd_command(c, &m->s, VIRTIO_SND_R_PCM_RELEASE, m->sid);
}

static void input_full(struct vc_ctx *c)
{
	static struct pcm m;

	for (int doubled = 0; doubled < 2; doubled++) {
		if (!capture(c, &m, NULL, doubled))
			return;
		for (unsigned k = 0; k < SHORT_RUN; k++) {
			uint32_t status = vc_le32(m.status[k]);
			bool full = m.r[k].used == m.len[k] + VIRTIO_SND_STATUS_LEN;
			if (full && status == VIRTIO_SND_S_OK)
				continue;
			vc_fail(c, "input message %u (%u bytes of frames%s) of a running stream came back %s", k + 1, m.len[k],
				m.len[k] > m.p.period_bytes ? ", two periods" : "",
				full ? "without VIRTIO_SND_S_OK: not filled" : "before it was full");
			vc_observed(c, "used length %u, status 0x%08x after the frames", m.r[k].used, (unsigned)status);
			vc_expected(c, "used length %u (the frames and the status), status OK", m.len[k] + VIRTIO_SND_STATUS_LEN);
			return;
		}
	}
}

/* Not a spec rule: the frames input messages bring are the signal the
 * host captures (byte p of the stream is SEED + p), in order. */
static void input_captured(struct vc_ctx *c)
{
	static struct pcm m;
	const unsigned seed = 0x41;
	char arg[8];

	snprintf(arg, sizeof(arg), "%u", seed);
	if (!capture(c, &m, arg, false))
		return;
	uint64_t p = 0;
	for (unsigned k = 0; k < SHORT_RUN; k++) {
		uint32_t n = m.r[k].used >= VIRTIO_SND_STATUS_LEN ? m.r[k].used - VIRTIO_SND_STATUS_LEN : 0;
		for (uint32_t i = 0; i < n && i < m.len[k]; i++, p++)
			if (m.frames[k][i] != (uint8_t)(seed + p)) {
				vc_fail(c, "input message %u does not hold the signal the host captured", k + 1);
				vc_observed(c, "byte %u is 0x%02x", i, m.frames[k][i]);
				vc_expected(c, "0x%02x (byte %" PRIu64 " of the stream)", (uint8_t)(seed + p), p);
				return;
			}
	}
}

/* PREPARE, four output messages made available (pre-buffering), then
 * RELEASE: its answer, and which messages were used when it came. */
static bool release_pending(struct vc_ctx *c, struct pcm *m, bool done[RELEASE_PENDING])
{
	uint8_t req[8], resp[VIRTIO_SND_HDR_LEN];
	struct vc_req rel;

	if (!pcm_open(c, m, VIRTIO_SND_D_OUTPUT) || !queue_periods(c, m, VIRTIO_SND_TXQ, RELEASE_PENDING, false))
		return false;
	vc_snd_id_request(req, VIRTIO_SND_R_PCM_RELEASE, m->sid);
	memset(resp, 0xee, sizeof(resp));
	struct vc_iov iov[2] = { { req, NULL, sizeof(req), false, 0 }, { resp, resp, sizeof(resp), true, 0 } };
	if (!ds_send(c, &m->s.d, VIRTIO_SND_CONTROLQ, iov, 2, &rel, "PCM_RELEASE") ||
	    !ds_wait(c, &m->s.d, &rel, "PCM_RELEASE"))
		return false;
	for (unsigned k = 0; k < RELEASE_PENDING; k++) {
		int rc = vc_dev_poll(&m->s.d, &m->r[k]);
		if (rc && rc != -EAGAIN)
			return ds_ok(c, rc, "reading the tx queue failed");
		done[k] = rc == 0;
	}
	if (vc_le32(resp) == VIRTIO_SND_S_OK)
		return true;
	vc_fail(c, "the device refused PCM_RELEASE of a prepared stream");
	vc_observed(c, "status 0x%04x (%s)", (unsigned)vc_le32(resp), vc_snd_status_name(vc_le32(resp)));
	vc_expected(c, "VIRTIO_SND_S_OK");
	return false;
}

static void release_completes_io(struct vc_ctx *c)
{
	static struct pcm m;
	bool done[RELEASE_PENDING];

	if (!release_pending(c, &m, done))
		return;
	for (unsigned k = 0; k < RELEASE_PENDING; k++) {
		int rc = done[k] ? 0 : vc_dev_wait(&m.s.d, &m.r[k], c->dev->timeout_ms);
		if (rc == -ETIMEDOUT) {
			vc_fail(c, "PCM_RELEASE left output message %u of the stream pending", k + 1);
			vc_observed(c, "not used %u ms after the release was answered", c->dev->timeout_ms);
			vc_expected(c, "every pending I/O message of the stream used");
			return;
		}
		if (!ds_ok(c, rc, "reading the tx queue failed"))
			return;
	}
}

static void release_after_io(struct vc_ctx *c)
{
	static struct pcm m;
	bool done[RELEASE_PENDING];

	if (!release_pending(c, &m, done))
		return;
	for (unsigned k = 0; k < RELEASE_PENDING; k++)
		if (!done[k]) {
			vc_fail(c, "PCM_RELEASE was answered while output message %u of the stream was still pending", k + 1);
			vc_observed(c, "the release used, message %u not yet", k + 1);
			vc_expected(c, "all %u messages used before the release", RELEASE_PENDING);
			return;
		}
}

static const struct vc_clause clauses[] = {
	{ "sound.pcm.output-consumed", L_SND_OUT, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", SND_NEEDS, "SOUND-PCMOUT-DEV-1",
	  "Eight output periods, each overwritten by the driver as soon as it is used: the host hears the frames they "
	  "held, so none was used before the device had consumed it.", NULL, output_consumed },
	{ "sound.pcm.output-delivered", "Sanity: the host hears the frames an output stream carried", VC_MAY, VC_SANITY,
	  "1.2", SND_NEEDS, "",
	  "Not a spec rule: four output periods played are the bytes the host heard (count and hash).", NULL,
	  output_delivered },
	{ "sound.pcm.input-full", L_SND_IN, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", SND_NEEDS, "SOUND-PCMIN-DEV-1",
	  "Input messages of a running stream come back full (used length the frames and the status, status OK): four "
	  "of a period each, then four of which every second holds two periods.",
	  NULL, input_full },
	{ "sound.pcm.input-captured", "Sanity: input frames are the signal the host captures", VC_MAY, VC_SANITY, "1.2",
	  SND_NEEDS, "", "Not a spec rule: four input periods hold the signal the host captured, in order.", NULL,
	  input_captured },
	{ "sound.pcm.release-completes-io", L_SND_RELEASE, VC_MUST, VC_DEVICE_RULE, "1.2", SND_NEEDS,
	  "SOUND-PCMRELEASE-DEV-1", "PCM_RELEASE of a prepared stream completes the four output messages it holds.", NULL,
	  release_completes_io },
	{ "sound.pcm.release-after-io", L_SND_RELEASE, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", SND_NEEDS,
	  "SOUND-PCMRELEASE-DEV-2",
	  "PCM_RELEASE of a prepared stream is answered only once its four pending output messages are used.", NULL,
	  release_after_io },
};
VC_DEVICE_SUITE(suite_sound_pcm, clauses, VIRTIO_ID_SOUND);
