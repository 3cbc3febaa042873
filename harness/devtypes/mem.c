/* virtio-mem as a driver uses it (vc/devtypes/mem.h). */
#include <errno.h>
#include <string.h>
#include "vc/devtypes/mem.h"

int mem_config_read(struct vc_dev *d, struct mem_config *cfg)
{
	uint8_t b[MEM_CFG_SIZE];
	int rc = vc_dev_cfg_snapshot(d, b, sizeof(b));

	if (rc)
		return rc;
	cfg->block_size = vc_le64(b + MEM_CFG_BLOCK_SIZE);
	cfg->node_id = vc_le16(b + MEM_CFG_NODE_ID);
	cfg->addr = vc_le64(b + MEM_CFG_ADDR);
	cfg->region_size = vc_le64(b + MEM_CFG_REGION_SIZE);
	cfg->usable_region_size = vc_le64(b + MEM_CFG_USABLE_REGION_SIZE);
	cfg->plugged_size = vc_le64(b + MEM_CFG_PLUGGED_SIZE);
	cfg->requested_size = vc_le64(b + MEM_CFG_REQUESTED_SIZE);
	return 0;
}

void mem_build(uint8_t *b, uint16_t type, uint64_t addr, uint16_t nb_blocks)
{
	memset(b, 0, MEM_REQ_LEN);
	vc_put16(b, type);
	vc_put64(b + 8, addr);
	vc_put16(b + 16, nb_blocks);
}

int mem_send(struct mem *m, const uint8_t *req, struct mem_resp *r)
{
	struct vc_iov iov[2] = { { req, NULL, MEM_REQ_LEN, false }, { r->raw, r->raw, MEM_RESP_LEN, true } };

	memset(r->raw, 0xff, sizeof(r->raw));
	int rc = vc_dev_call(&m->dev, 0, iov, 2, &r->used, m->dev.drv.dev->timeout_ms);
	r->type = vc_le16(r->raw);
	r->state = vc_le16(r->raw + 8);
	return rc;
}

int mem_request(struct mem *m, uint16_t type, uint64_t addr, uint16_t nb, struct mem_resp *r)
{
	uint8_t b[MEM_REQ_LEN];

	mem_build(b, type, addr, nb);
	return mem_send(m, b, r);
}

const char *mem_resp_name(uint16_t type)
{
	static const char *const names[] = { "ACK", "NACK", "BUSY", "ERROR" };

	return type < 4 ? names[type] : "unknown";
}

const char *mem_state_name(uint16_t state)
{
	static const char *const names[] = { "PLUGGED", "UNPLUGGED", "MIXED" };

	return state < 3 ? names[state] : "unknown";
}
