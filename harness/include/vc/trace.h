/* The doorbell trace: every available-buffer notification the harness
 * writes, recorded in one place (the doorbell, harness/doorbell.c), written
 * as JSON lines by `run --trace FILE` and read back by `trace decode`. */
#ifndef VC_TRACE_H
#define VC_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct vc_doorbell {
	uint64_t t_ns;            /* CLOCK_MONOTONIC */
	const char *clause;       /* the clause that rang it (static string) */
	uint16_t queue;           /* virtqueue index */
	uint8_t bar;
	uint8_t width;            /* 2 or 4 bytes */
	uint64_t offset;          /* in the BAR */
	uint32_t value;           /* raw value written */
	/* what decided the format */
	bool notification_data;   /* VIRTIO_F_NOTIFICATION_DATA negotiated */
	bool notif_config_data;   /* VIRTIO_F_NOTIF_CONFIG_DATA negotiated */
	bool packed;              /* VIRTIO_F_RING_PACKED negotiated */
	bool draft;               /* 2020 draft: notify_data used for vqn */
};

struct vc_trace {
	struct vc_doorbell *rec;
	size_t n, cap;
	const char *clause;       /* set by the runner before each clause */
};

void vc_trace_record(struct vc_trace *t, const struct vc_doorbell *db);
void vc_trace_free(struct vc_trace *t);

/* The fields of a notification value ("Driver Notifications"): bits 0-15
 * name the queue; a 32-bit notification adds next_off (15 bits) and
 * next_wrap (bit 31). */
struct vc_notif_fields {
	uint16_t vqn;             /* vq_index, vq_notif_config_data or draft notify_data */
	bool has_next;            /* 32-bit: next_off/next_wrap present */
	uint16_t next_off;
	bool next_wrap;
};
struct vc_notif_fields vc_doorbell_decode(const struct vc_doorbell *db);
/* What the vqn field holds, by the features in the record. */
const char *vc_doorbell_vqn_name(const struct vc_doorbell *db);

/* One JSON object per line. */
void vc_trace_write_json(FILE *out, const struct vc_doorbell *db);
int vc_trace_write(const struct vc_trace *t, FILE *out);
/* Parse one JSON line into *db (db->clause points into clause_buf).
 * Returns 0, or -EINVAL with a reason in err. */
int vc_trace_parse_line(const char *line, struct vc_doorbell *db, char *clause_buf, size_t clause_len,
			char *err, size_t errlen);
/* `trace decode FILE`: one human line per doorbell to out. Returns 0, or
 * -errno after writing a one-line reason (with the line number) to err. */
int vc_trace_decode_file(const char *path, FILE *out, char *err, size_t errlen);

#endif
