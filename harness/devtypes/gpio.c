/* The GPIO device's driver side (vc/devtypes/gpio.h). */
#include <string.h>
#include "vc/devtypes/gpio.h"

void vc_gpio_request(uint8_t req[8], uint16_t type, uint16_t gpio, uint32_t value)
{
	vc_put16(req, type);
	vc_put16(req + 2, gpio);
	vc_put32(req + 4, value);
}

int vc_gpio_call(struct vc_dev *d, uint16_t type, uint16_t gpio, uint32_t value, uint8_t resp[2], uint32_t *used,
		 unsigned ms)
{
	uint8_t req[8];
	struct vc_iov iov[2] = { { req, NULL, sizeof(req), false, 0 }, { resp, resp, 2, true, 0 } };

	vc_gpio_request(req, type, gpio, value);
	memset(resp, 0xee, 2);
	return vc_dev_call(d, VIRTIO_GPIO_REQUESTQ, iov, 2, used, ms);
}
