/* The doorbell trace: every available-buffer notification the harness
 * writes, recorded in one place (the doorbell in driver.c). */
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

#endif
