/* The input device's driver side (vc/devtypes/input.h). */
#include "vc/devtypes/input.h"

int vc_input_query(struct vc_dev *d, uint8_t select, uint8_t subsel, uint8_t *size, uint8_t *u)
{
	uint64_t v;
	int rc;

	if ((rc = vc_dev_cfg_write(d, VIRTIO_INPUT_CFG_SUBSEL, 1, subsel)) ||
	    (rc = vc_dev_cfg_write(d, VIRTIO_INPUT_CFG_SELECT, 1, select)) ||
	    (rc = vc_dev_cfg_read(d, VIRTIO_INPUT_CFG_SIZE, 1, &v)))
		return rc;
	*size = (uint8_t)v;
	for (unsigned i = 0; u && i < 128; i++) {
		if (i >= *size) {
			u[i] = 0;
			continue;
		}
		if ((rc = vc_dev_cfg_read(d, VIRTIO_INPUT_CFG_U + i, 1, &v)))
			return rc;
		u[i] = (uint8_t)v;
	}
	return 0;
}

bool vc_input_bit(const uint8_t *bitmap, uint8_t size, unsigned n)
{
	return n / 8 < size && n / 8 < 128 && (bitmap[n / 8] >> n % 8 & 1);
}

struct vc_input_event vc_input_event_decode(const uint8_t *b)
{
	return (struct vc_input_event){ vc_le16(b), vc_le16(b + 2), vc_le32(b + 4) };
}
