/* The console device's driver side (vc/devtypes/console.h). */
#include "vc/devtypes/console.h"

void vc_console_ctrl_encode(uint8_t *b, const struct vc_console_ctrl *m)
{
	vc_put32(b, m->id);
	vc_put16(b + 4, m->event);
	vc_put16(b + 6, m->value);
}

struct vc_console_ctrl vc_console_ctrl_decode(const uint8_t *b)
{
	return (struct vc_console_ctrl){ vc_le32(b), vc_le16(b + 4), vc_le16(b + 6) };
}

const char *vc_console_event_name(uint16_t event)
{
	static const char *const names[] = { "DEVICE_READY", "DEVICE_ADD", "DEVICE_REMOVE", "PORT_READY",
					     "CONSOLE_PORT", "RESIZE", "PORT_OPEN", "PORT_NAME" };

	return event < sizeof(names) / sizeof(names[0]) ? names[event] : "unknown event";
}
