/* The smallest requests each device type really consumes, so queue rules
 * are checked end to end: the device reads what the driver wrote, writes
 * where it may, and returns the buffer. */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/can.h"
#include "vc/devtypes/net.h"

/* A buffer of len bytes in DMA memory, holding `data` when given. */
static int buffer(struct vc_driver *drv, struct vc_request *r, const void *data, uint32_t len, bool writable)
{
	struct vc_buf *b = &r->bufs[r->n];
	int rc;

	if ((rc = vc_dma_alloc(drv->dev, len, 16, &b->addr)))
		return rc;
	if (data && (rc = vc_dma_write(drv->dev, b->addr, data, len)))
		return rc;
	b->len = len;
	b->writable = writable;
	r->writable += writable ? len : 0;
	r->n++;
	return 0;
}

static int make(struct vc_driver *drv, struct vc_request *r)
{
	switch (drv->p->virtio_type) {
	case 1: {     /* network: one 60-byte frame, tagged, on transmitq1 after the header */
		static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		static uint32_t tag;
		uint8_t frame[VC_NET_HDR_MAX + 60] = { 0 };
		struct vc_net_flow f;
		unsigned hs = vc_net_hdr_size(drv->features);
		if (!tag)
			tag = (uint32_t)vc_now_ms() << 16;
		vc_net_flow_init(&f, bcast, 0, VC_NET_L4_NONE);   /* broadcast, local experimental ethertype */
		if (!vc_net_frame(frame + hs, 60, &f, 60 - VC_NET_ETH_HLEN, ++tag))
			return -EINVAL;
		r->queue = 1;
		r->with_queue = 0 + 1;                            /* receiveq1 */
		r->what = "network transmit";
		r->wire_skip = (uint16_t)hs;
		return buffer(drv, r, frame, hs + 60, false);
	}
	case 2: {     /* block: read sector 0 (header, 512 bytes of data, status) */
		const uint8_t hdr[16] = { 0 };                    /* VIRTIO_BLK_T_IN, sector 0 */
		int rc;
		r->queue = 0;
		r->what = "block read";
		if ((rc = buffer(drv, r, hdr, sizeof(hdr), false)) || (rc = buffer(drv, r, NULL, 512, true)))
			return rc;
		return buffer(drv, r, NULL, 1, true);             /* the data and the status byte */
	}
	case 3: {     /* console: 8 bytes on transmitq 0 (dropped without a port, still used) */
		r->queue = 1;
		r->what = "console transmit";
		return buffer(drv, r, "conform\n", 8, false);
	}
	case 4:       /* entropy: 64 bytes, of which the device may fill fewer (at least one) */
		r->queue = 0;
		r->what = "entropy request";
		r->len_min = 1;
		r->len_max = 64;
		return buffer(drv, r, NULL, 64, true);
	case 5: {     /* balloon: inflate one page of our own arena */
		uint64_t page;
		int rc = vc_dma_alloc(drv->dev, 4096, 4096, &page);
		uint32_t pfn = (uint32_t)(page >> 12);
		if (rc)
			return rc;
		r->queue = 0;
		r->what = "balloon inflate";
		return buffer(drv, r, &pfn, sizeof(pfn), false);
	}
	case 8: {     /* SCSI: TEST UNIT READY on requestq 0 (virtio_scsi_cmd_req, 32-byte CDB) */
		uint8_t req[51] = { 1, 0, 0, 0 };                 /* lun: target 0 */
		int rc;
		r->queue = 2;
		r->what = "SCSI TEST UNIT READY";
		if ((rc = buffer(drv, r, req, sizeof(req), false)))
			return rc;
		r->len_min = 12;                                  /* the response header; sense data as it has */
		r->len_max = 108;
		return buffer(drv, r, NULL, 108, true);           /* response with 96 sense bytes */
	}
	case 16: {    /* GPU: GET_DISPLAY_INFO on controlq */
		uint8_t hdr[24] = { 0x00, 0x01 };                 /* VIRTIO_GPU_CMD_GET_DISPLAY_INFO */
		int rc;
		r->queue = 0;
		r->what = "GPU get display info";
		if ((rc = buffer(drv, r, hdr, sizeof(hdr), false)))
			return rc;
		return buffer(drv, r, NULL, 24 + 16 * 24, true);  /* virtio_gpu_resp_display_info */
	}
	case 27: {    /* PMEM: a flush (le32 type 0, then le32 ret) */
		const uint8_t flush[4] = { 0 };
		int rc;
		r->queue = 0;
		r->what = "PMEM flush";
		if ((rc = buffer(drv, r, flush, sizeof(flush), false)))
			return rc;
		return buffer(drv, r, NULL, 4, true);
	}
	case 19: {    /* socket: an RST on tx from the guest's CID (no flow: nothing happens) */
		uint8_t hdr[44] = { 0 };
		uint64_t cid = 0;
		int rc;
		if (drv->p->device_cfg && (rc = vc_struct_read(drv->dev, drv->p->device_cfg, 0, 4, &cid)))
			return rc;
		for (unsigned i = 0; i < 4; i++)
			hdr[i] = (uint8_t)(cid >> 8 * i);        /* src_cid */
		hdr[8] = 2;                                       /* dst_cid: the host */
		hdr[16] = hdr[20] = 0x41, hdr[17] = hdr[21] = 0x9c; /* ports 40001 */
		hdr[28] = 1;                                      /* type STREAM */
		hdr[30] = 3;                                      /* op RST */
		r->queue = 1;
		r->what = "socket RST packet";
		return buffer(drv, r, hdr, sizeof(hdr), false);
	}
	case 26: {    /* file system: FUSE_GETATTR of the root on requestq 0 (queue 1, 0 being hiprio;
		       * 2 with the notification queue).
		       * Without FUSE_INIT the answer is the 16-byte out header
		       * with an error; after it, the attributes (104 bytes more). */
		uint8_t in[40 + 16] = { 40 + 16, 0, 0, 0, 3 };    /* len, opcode FUSE_GETATTR */
		int rc;
		in[8] = 1;                                        /* unique 1 */
		in[16] = 1;                                       /* nodeid 1: the root */
		r->queue = vc_negotiated(drv, 0) ? 2 : 1;         /* after the notification queue (VIRTIO_FS_F_NOTIFICATION) */
		r->what = "FUSE getattr";
		r->len_min = 16;                                  /* the out header alone: an error */
		r->len_max = 16 + 104;
		if ((rc = buffer(drv, r, in, sizeof(in), false)))
			return rc;
		return buffer(drv, r, NULL, 16 + 104, true);
	}
	case 23: {    /* IOMMU: DETACH of endpoint 0 from domain 1 (answered NOENT or INVAL, never a change) */
		const uint8_t detach[20] = { 2, 0, 0, 0, 1 };
		int rc;
		r->queue = 0;
		r->what = "IOMMU DETACH";
		if ((rc = buffer(drv, r, detach, sizeof(detach), false)))
			return rc;
		return buffer(drv, r, NULL, 4, true);
	}
	case 24: {    /* memory: STATE of one block at address 0, outside any region (answered ERROR) */
		const uint8_t state[24] = { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
		int rc;
		r->queue = 0;
		r->what = "memory STATE";
		if ((rc = buffer(drv, r, state, sizeof(state), false)))
			return rc;
		return buffer(drv, r, NULL, 10, true);
	}
	case 20: {    /* crypto: a cipher session for NO_CIPHER on the control queue, which no
		       * device creates (answered NOTSUPP or ERR: no session to leak) */
		uint8_t req[16 + 56] = { 0x02, 0x00 };           /* CIPHER_CREATE_SESSION, algo 0 */
		uint64_t dataq = 1;
		int rc;
		if (drv->p->device_cfg && (rc = vc_struct_read(drv->dev, drv->p->device_cfg, 4, 4, &dataq)))
			return rc;
		if (!dataq || (drv->p->num_queues && dataq >= drv->p->num_queues))
			dataq = drv->p->num_queues ? drv->p->num_queues - 1u : 1;   /* the last queue, then */
		req[16 + 48] = 1;                                 /* op_type: SYM_OP_CIPHER */
		r->queue = (uint16_t)dataq;
		r->what = "crypto session request";
		if ((rc = buffer(drv, r, req, sizeof(req), false)))
			return rc;
		return buffer(drv, r, NULL, 16, true);
	}
	case 17: {    /* RTC: CFG on requestq (le16 msg_type 0x1000; 16 bytes back: status, num_clocks) */
		const uint8_t cfg[8] = { 0x00, 0x10 };
		int rc;
		r->queue = 0;
		r->what = "RTC CFG request";
		if ((rc = buffer(drv, r, cfg, sizeof(cfg), false)))
			return rc;
		return buffer(drv, r, NULL, 16, true);
	}
	case 28: {    /* RPMB: GET_WRITE_COUNTER (a 512-byte frame each way; NO_AUTH_KEY without a key) */
		uint8_t frame[512] = { 0 };
		int rc;
		frame[507] = 1;           /* be16 block_count 1 */
		frame[511] = 2;           /* be16 req_resp GET_WRITE_COUNTER */
		r->queue = 0;
		r->what = "RPMB GET_WRITE_COUNTER";
		if ((rc = buffer(drv, r, frame, sizeof(frame), false)))
			return rc;
		return buffer(drv, r, NULL, sizeof(frame), true);
	}
	case 41: {    /* GPIO: GET_DIRECTION of line 0 (le16 type 2, le16 gpio, le32 value; status and value back) */
		const uint8_t get[8] = { 0x02 };
		int rc;
		r->queue = 0;
		r->what = "GPIO GET_DIRECTION";
		if ((rc = buffer(drv, r, get, sizeof(get), false)))
			return rc;
		return buffer(drv, r, NULL, 2, true);
	}
	case 34: {    /* I2C: a zero-length write to address 0x10 (no target: MSG_ERR; the status byte back) */
		const uint8_t hdr[8] = { 0x20 };
		int rc;
		r->queue = 0;
		r->what = "I2C zero-length request";
		if ((rc = buffer(drv, r, hdr, sizeof(hdr), false)))
			return rc;
		return buffer(drv, r, NULL, 1, true);
	}
	case 32: {    /* SCMI: the base protocol's PROTOCOL_VERSION (header, token 0; header, status, version back) */
		const uint8_t cmd[4] = { 0x00, 0x40 };
		int rc;
		r->queue = 0;
		r->what = "SCMI PROTOCOL_VERSION";
		if ((rc = buffer(drv, r, cmd, sizeof(cmd), false)))
			return rc;
		return buffer(drv, r, NULL, 12, true);
	}
	case 36: {    /* CAN: a classic frame on the Txq of a controller not started (NOT_OK; the result byte back) */
		uint8_t frame[VC_CAN_HDR + 1] = { 0 };
		struct vc_can_frame f = { .can_id = 0x7a, .length = 1, .sdu = { 0x5a } };
		int rc;
		vc_can_encode(frame, VIRTIO_CAN_TX, &f);
		r->queue = VIRTIO_CAN_TXQ;
		r->what = "CAN frame";
		if ((rc = buffer(drv, r, frame, sizeof(frame), false)))
			return rc;
		return buffer(drv, r, NULL, 1, true);
	}
	case 45: {    /* SPI: a 1-byte half-duplex write to chip select 0, 8-bit words (the result byte back) */
		const uint8_t head[32] = { 0, 8 };
		int rc;
		r->queue = 0;
		r->what = "SPI half-duplex write";
		if ((rc = buffer(drv, r, head, sizeof(head), false)) || (rc = buffer(drv, r, "\x5a", 1, false)))
			return rc;
		return buffer(drv, r, NULL, 1, true);
	}
	case 48: {    /* media: MUNMAP of an address never mapped (le32 cmd 5, reserved, le64 driver_addr; an error status back) */
		const uint8_t unmap[16] = { 5, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0xff };
		int rc;
		r->queue = 0;
		r->what = "media MUNMAP";
		if ((rc = buffer(drv, r, unmap, sizeof(unmap), false)))
			return rc;
		return buffer(drv, r, NULL, 8, true);
	}
	case 25: {    /* sound: PCM_INFO of stream 0 on controlq (le32 code, start_id, count, size; status and 32 bytes back) */
		const uint8_t query[16] = { 0x00, 0x01, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 32 };
		int rc;
		r->queue = 0;
		r->what = "sound PCM_INFO";
		if ((rc = buffer(drv, r, query, sizeof(query), false)))
			return rc;
		return buffer(drv, r, NULL, 4 + 32, true);
	}
	case 18: {    /* input: an LED event on statusq */
		const uint8_t ev[8] = { 0x11, 0, 0, 0, 1, 0, 0, 0 }; /* EV_LED, LED_NUML, on */
		r->queue = 1;
		r->what = "input status event";
		return buffer(drv, r, ev, sizeof(ev), false);
	}
	}
	return -ENOTSUP;
}

int vc_request_make(struct vc_driver *drv, struct vc_request *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	rc = make(drv, r);
	/* unless the type says otherwise, the device writes every writable byte */
	if (!rc && !r->len_max)
		r->len_min = r->len_max = r->writable;
	return rc;
}

enum { VIRTIO_BLK_F_MQ = 12 };

int vc_request_make_on(struct vc_driver *drv, uint16_t queue, struct vc_request *r)
{
	int rc = vc_request_make(drv, r);

	if (rc || queue == r->queue)
		return rc;
	/* block: every queue is a request queue, the ones past 0 with VIRTIO_BLK_F_MQ */
	if (drv->p->virtio_type == 2 && vc_negotiated(drv, VIRTIO_BLK_F_MQ) && queue < drv->p->num_queues) {
		r->queue = queue;
		return 0;
	}
	return -ENOTSUP;
}

uint64_t vc_request_queue_bits(const struct vc_probe *p)
{
	return p->virtio_type == 2 && vc_offers(p, VIRTIO_BLK_F_MQ) ? 1ull << VIRTIO_BLK_F_MQ : 0;
}
