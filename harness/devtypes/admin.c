/* The administration virtqueue for device types (vc/devtypes/admin.h). */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/admin.h"
#include "vc/devtypes/dev.h"
#include "vc/virtio_pci.h"

#define HDR_LEN 24                 /* opcode, group_type, reserved, group_member_id */
#define DONE_LEN 8                 /* status, status_qualifier, reserved */

int vc_admin_setup(struct vc_admin *a, struct vc_driver *drv)
{
	uint64_t index = 0, num = 0, queues = 0;
	int rc;

	memset(a, 0, sizeof(*a));
	a->drv = drv;
	a->timeout_ms = drv->dev->timeout_ms ? drv->dev->timeout_ms : 1000;
	if (drv->p->common->length < COMMON_admin_queue_num + 2)
		return -ENOENT;
	if ((rc = vc_common_read(drv->dev, drv->p, COMMON_admin_queue_index, 2, &index)) ||
	    (rc = vc_common_read(drv->dev, drv->p, COMMON_admin_queue_num, 2, &num)) ||
	    (rc = vc_common_read(drv->dev, drv->p, COMMON_num_queues, 2, &queues)))
		return rc;
	if (!num || index < queues)
		return -ENOENT;
	if ((rc = vc_vq_setup(drv, (uint16_t)index, 0, &a->vq)))
		return rc;
	return vc_vq_enable(drv, &a->vq);
}

int vc_admin_cmd(struct vc_admin *a, uint16_t opcode, const void *data, size_t len, void *res, size_t rlen,
		 struct vc_admin_done *d)
{
	struct vc_device *dev = a->drv->dev;
	uint8_t in[HDR_LEN + VC_ADMIN_DATA_MAX + 8] = { 0 }, out[DONE_LEN + VC_ADMIN_RESULT_MAX + 8];
	uint64_t bus_in, bus_out;
	uint16_t id;
	int rc;

	if (len > VC_ADMIN_DATA_MAX || rlen > VC_ADMIN_RESULT_MAX)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	vc_put16(in, opcode);                       /* group_type 0: self; member 0 */
	if (len)
		memcpy(in + HDR_LEN, data, len);
	memset(out, 0, sizeof(out));
	/* both parts a multiple of 64 bits (the driver's MUST), zeros after the structures */
	uint32_t in_len = (uint32_t)(HDR_LEN + len + 7) & ~7u, out_len = (uint32_t)(DONE_LEN + rlen + 7) & ~7u;
	if ((rc = vc_dma_alloc(dev, in_len, 8, &bus_in)) || (rc = vc_dma_alloc(dev, out_len, 8, &bus_out)) ||
	    (rc = vc_dma_write(dev, bus_in, in, in_len)) || (rc = vc_dma_write(dev, bus_out, out, out_len)) ||
	    (rc = vc_vq_add(a->drv, &a->vq, (struct vc_buf[]){ { bus_in, in_len, false }, { bus_out, out_len, true } }, 2,
			    &id)) ||
	    (rc = vc_vq_kick(a->drv, &a->vq)))
		return rc;
	uint16_t got = id;
	if ((rc = vc_vq_wait_used(a->drv, &a->vq, vc_done_ms(a->drv, a->timeout_ms), &got, &d->used)))
		return rc;
	if (got != id)
		return -EPROTO;
	if ((rc = vc_dma_read(dev, bus_out, out, out_len)))
		return rc;
	d->status = vc_le16(out);
	d->qualifier = vc_le16(out + 2);
	if (res && rlen)
		memcpy(res, out + DONE_LEN, rlen);
	return 0;
}

int vc_admin_cap_get(struct vc_admin *a, uint16_t id, void *res, size_t rlen, struct vc_admin_done *d)
{
	uint8_t q[8] = { 0 };

	vc_put16(q, id);
	return vc_admin_cmd(a, VC_ADMIN_CMD_DEVICE_CAP_GET, q, sizeof(q), res, rlen, d);
}

int vc_admin_cap_set(struct vc_admin *a, uint16_t id, const void *cap, size_t len, struct vc_admin_done *d)
{
	uint8_t q[8 + VC_ADMIN_DATA_MAX - 8] = { 0 };

	if (len > sizeof(q) - 8)
		return -EINVAL;
	vc_put16(q, id);
	memcpy(q + 8, cap, len);
	return vc_admin_cmd(a, VC_ADMIN_CMD_DRIVER_CAP_SET, q, 8 + len, NULL, 0, d);
}

int vc_admin_obj(struct vc_admin *a, uint16_t opcode, uint16_t type, uint32_t id, uint64_t flags, const void *obj,
		 size_t len, void *res, size_t rlen, struct vc_admin_done *d)
{
	uint8_t q[VC_ADMIN_DATA_MAX] = { 0 };
	size_t n = opcode == VC_ADMIN_CMD_RESOURCE_OBJ_DESTROY ? 8 : 16;

	if (len > sizeof(q) - n)
		return -EINVAL;
	vc_put16(q, type);
	vc_put32(q + 4, id);
	if (n == 16)
		vc_put64(q + 8, flags);
	if (len)
		memcpy(q + n, obj, len);
	return vc_admin_cmd(a, opcode, q, n + len, res, rlen, d);
}
