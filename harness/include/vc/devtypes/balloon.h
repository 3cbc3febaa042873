/* The traditional memory balloon (virtio type 5): statistics, free page
 * hinting and free page reporting. */
#ifndef VC_DEVTYPES_BALLOON_H
#define VC_DEVTYPES_BALLOON_H

#include "vc/devtypes/dev.h"

#define VIRTIO_ID_BALLOON 5
#define VIRTIO_BALLOON_F_MUST_TELL_HOST 0
#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define VIRTIO_BALLOON_F_FREE_PAGE_HINT 3
#define VIRTIO_BALLOON_F_PAGE_POISON 4
#define VIRTIO_BALLOON_F_PAGE_REPORTING 5

/* The queues as the spec numbers them. */
#define VIRTIO_BALLOON_INFLATEQ 0
#define VIRTIO_BALLOON_DEFLATEQ 1
#define VIRTIO_BALLOON_STATSQ 2
#define VIRTIO_BALLOON_FREE_PAGE_VQ 3
#define VIRTIO_BALLOON_REPORTING_VQ 4

/* struct virtio_balloon_config */
#define VIRTIO_BALLOON_CFG_NUM_PAGES 0
#define VIRTIO_BALLOON_CFG_ACTUAL 4
#define VIRTIO_BALLOON_CFG_CMD_ID 8
#define VIRTIO_BALLOON_CFG_POISON 12
#define VIRTIO_BALLOON_CFG_LEN 16

#define VIRTIO_BALLOON_CMD_ID_STOP 0
#define VIRTIO_BALLOON_CMD_ID_DONE 1

/* struct virtio_balloon_stat: le16 tag, le64 val, packed */
#define VIRTIO_BALLOON_STAT_SIZE 10
enum {
	VIRTIO_BALLOON_S_SWAP_IN = 0, VIRTIO_BALLOON_S_SWAP_OUT = 1, VIRTIO_BALLOON_S_MAJFLT = 2,
	VIRTIO_BALLOON_S_MINFLT = 3, VIRTIO_BALLOON_S_MEMFREE = 4, VIRTIO_BALLOON_S_MEMTOT = 5,
	VIRTIO_BALLOON_S_AVAIL = 6, VIRTIO_BALLOON_S_CACHES = 7, VIRTIO_BALLOON_S_HTLB_PGALLOC = 8,
	VIRTIO_BALLOON_S_HTLB_PGFAIL = 9, VIRTIO_BALLOON_S_NR = 10,
};

#define VC_BALLOON_PAGE 4096

static inline void vc_balloon_stat_encode(uint8_t *b, uint16_t tag, uint64_t val)
{
	vc_put16(b, tag);
	vc_put64(b + 2, val);
}

/* A host's statistics answer ("TAG=VALUE ..."): the value for tag, or false. */
bool vc_balloon_stat_find(const char *answer, unsigned tag, uint64_t *val);

#endif
