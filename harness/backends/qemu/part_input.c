/* virtio-keyboard/mouse/tablet: input events injected on the host side
 * (QMP input-send-event, which QEMU routes to the active handler of their
 * kind: the virtio device's once the driver has set DRIVER_OK). */
#include "qemu_priv.h"
#include "vc/devtypes/host.h"

static bool input_serves(const char *model, const char *props)
{
	(void)props;
	return qemu_model_is(model, "virtio-keyboard-pci") || qemu_model_is(model, "virtio-mouse-pci") ||
	       qemu_model_is(model, "virtio-tablet-pci");
}

/* "abs X Y", "rel DX DY" or "key QCODE DOWN" as input-send-event's events. */
static int input_events(const char *arg, char *json, size_t len)
{
	char kind[8], qcode[32];
	int a, b;

	if (sscanf(arg, "%7s", kind) != 1)
		return -EINVAL;
	if ((!strcmp(kind, "abs") || !strcmp(kind, "rel")) && sscanf(arg + 3, "%d %d", &a, &b) == 2)
		snprintf(json, len, "{\"type\": \"%s\", \"data\": {\"axis\": \"x\", \"value\": %d}}, "
			 "{\"type\": \"%s\", \"data\": {\"axis\": \"y\", \"value\": %d}}", kind, a, kind, b);
	else if (!strcmp(kind, "key") && sscanf(arg, "key %31s %d", qcode, &a) == 2 &&
		 strspn(qcode, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(qcode))
		snprintf(json, len, "{\"type\": \"key\", \"data\": {\"down\": %s, \"key\": {\"type\": \"qcode\", "
			 "\"data\": \"%s\"}}}", a ? "true" : "false", qcode);
	else
		return -EINVAL;
	return 0;
}

static int input_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out, size_t outlen)
{
	char events[256], cmd[400];
	int rc;

	(void)state;
	(void)out;
	(void)outlen;
	if (strcmp(what, VC_HOST_INPUT_SEND))
		return -ENOTSUP;
	if ((rc = input_events(arg, events, sizeof(events))))
		return rc;
	snprintf(cmd, sizeof(cmd), "{\"execute\": \"input-send-event\", \"arguments\": {\"events\": [%s]}}", events);
	return qemu_qmp_execute(d, cmd);
}

const struct qemu_part qemu_part_input = {
	.name = "input events", .serves = input_serves, .host = input_host,
};
