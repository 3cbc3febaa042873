/* GPIO device: interrupts on an input line the host drives (host action
 * gpio-input; Device Types / GPIO Device / requestq Operation): an edge
 * while masked is latched and told once unmasked, a level is not, and
 * disabling the interrupt drops what was latched. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/gpio.h"
#include "vc/devtypes/host.h"

#define L_GPIO_REQ "Device Types / GPIO Device / requestq Operation"
#define GPIO_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define LINE 2

struct irq_line {
	struct vc_dev d;
	struct vc_req ev;
	uint8_t ev_req[2], ev_resp[1];
};

static bool msg_on(struct vc_ctx *c, struct irq_line *l, uint16_t line, uint16_t type, uint32_t value, const char *what)
{
	uint8_t resp[2];
	int rc = vc_gpio_call(&l->d, type, line, value, resp, NULL, c->dev->timeout_ms);

	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never used %s", what);
		return false;
	}
	if (!ds_ok(c, rc, "a GPIO message failed"))
		return false;
	if (resp[0] == VIRTIO_GPIO_STATUS_OK)
		return true;
	vc_fail(c, "%s (line %u) was answered status %u", what, line, resp[0]);
	return false;
}

static bool msg(struct vc_ctx *c, struct irq_line *l, uint16_t type, uint32_t value, const char *what)
{
	return msg_on(c, l, LINE, type, value, what);
}

static bool drive_line(struct vc_ctx *c, unsigned line, unsigned value)
{
	char arg[32];

	snprintf(arg, sizeof(arg), "%u %u", line, value);
	return ds_host(c, VC_HOST_GPIO_INPUT, arg, NULL, 0);
}

static bool drive(struct vc_ctx *c, unsigned value) { return drive_line(c, LINE, value); }

/* The line an input, low, its interrupt enabled with `type`; SKIP when
 * the device has no line `need` (more lines a clause drives). */
static bool setup_with(struct vc_ctx *c, struct irq_line *l, uint32_t type, unsigned need)
{
	uint64_t ngpio;

	memset(l, 0, sizeof(*l));
	if (!ds_open(c, &l->d, DS_F(VIRTIO_GPIO_F_IRQ), 0, DS_Q(VIRTIO_GPIO_REQUESTQ) | DS_Q(VIRTIO_GPIO_EVENTQ), false) ||
	    !ds_cfg_read(c, &l->d, VIRTIO_GPIO_CFG_NGPIO, 2, &ngpio))
		return false;
	if (ngpio <= need) {
		vc_skip(c, "ngpio is %u: no line %u", (unsigned)ngpio, need);
		return false;
	}
	return drive(c, 0) && msg(c, l, VIRTIO_GPIO_MSG_SET_DIRECTION, VIRTIO_GPIO_DIRECTION_IN, "SET_DIRECTION IN") &&
	       msg(c, l, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, type, "SET_IRQ_TYPE");
}

static bool setup(struct vc_ctx *c, struct irq_line *l, uint32_t type) { return setup_with(c, l, type, LINE); }

/* Unmask: the line's eventq pair made available. */
static bool unmask(struct vc_ctx *c, struct irq_line *l)
{
	vc_put16(l->ev_req, LINE);
	l->ev_resp[0] = 0xee;
	struct vc_iov iov[2] = { { l->ev_req, NULL, 2, false, 0 }, { l->ev_resp, l->ev_resp, 1, true, 0 } };
	return ds_send(c, &l->d, VIRTIO_GPIO_EVENTQ, iov, 2, &l->ev, "eventq buffer pair");
}

/* The pair's fate within ms: 1 back VALID, 0 still held, -1 after a verdict. */
static int event(struct vc_ctx *c, struct irq_line *l, unsigned ms)
{
	int rc = vc_dev_wait(&l->d, &l->ev, ms);

	if (rc == -ETIMEDOUT)
		return 0;
	if (!ds_ok(c, rc, "waiting on the eventq failed"))
		return -1;
	if (l->ev_resp[0] == VIRTIO_GPIO_IRQ_STATUS_VALID && l->ev.used == 1)
		return 1;
	vc_fail(c, "line %u's eventq pair came back, but not as an interrupt", LINE);
	vc_observed(c, "used length %u, status %u", l->ev.used, l->ev_resp[0]);
	vc_expected(c, "used length 1, status 1 (IRQ_STATUS_VALID)");
	return -1;
}

static unsigned quiet_ms(struct vc_ctx *c)
{
	return vc_has(c->dev, VC_SYNC) ? 20 : 500;
}

/* Leave the line as found: interrupt off (the pair back), direction NONE. */
static void done(struct vc_ctx *c, struct irq_line *l)
{
	msg(c, l, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, VIRTIO_GPIO_IRQ_TYPE_NONE, "SET_IRQ_TYPE NONE");
	msg(c, l, VIRTIO_GPIO_MSG_SET_DIRECTION, VIRTIO_GPIO_DIRECTION_NONE, "SET_DIRECTION NONE");
}

/* EDGE_RISING enabled, masked: a rising edge, then the pair made
 * available: it comes back VALID. */
static void edge_latched(struct vc_ctx *c)
{
	struct irq_line l;

	if (!setup(c, &l, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING) || !drive(c, 1) || !drive(c, 0) || !unmask(c, &l))
		return;
	int got = event(c, &l, c->dev->timeout_ms);
	if (!got) {
		vc_fail(c, "a rising edge on line %u while its interrupt was enabled but masked was not latched", LINE);
		vc_observed(c, "the eventq pair held, no interrupt told once unmasked");
		vc_expected(c, "the pair back at once with IRQ_STATUS_VALID");
	}
	if (got >= 0)
		done(c, &l);
}

/* LEVEL_HIGH enabled, masked: the line high then low again, then the pair
 * made available: nothing comes (the level was not latched). */
static void level_not_latched(struct vc_ctx *c)
{
	struct irq_line l;

	if (!setup(c, &l, VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH) || !drive(c, 1) || !drive(c, 0) || !unmask(c, &l))
		return;
	int got = event(c, &l, quiet_ms(c));
	if (got > 0) {
		vc_fail(c, "a high level on line %u while its interrupt was masked was latched", LINE);
		vc_observed(c, "IRQ_STATUS_VALID once unmasked, the line low by then");
		vc_expected(c, "no interrupt: a level interrupt is not latched");
		return;
	}
	if (!got)
		done(c, &l);
}

/* EDGE_RISING enabled, masked, an edge latched; the interrupt disabled and
 * enabled again, then unmasked: nothing comes. */
static void disable_discards(struct vc_ctx *c)
{
	struct irq_line l;

	if (!setup(c, &l, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING) || !drive(c, 1) || !drive(c, 0) ||
	    !msg(c, &l, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, VIRTIO_GPIO_IRQ_TYPE_NONE, "SET_IRQ_TYPE NONE") ||
	    !msg(c, &l, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, "SET_IRQ_TYPE EDGE_RISING") ||
	    !unmask(c, &l))
		return;
	int got = event(c, &l, quiet_ms(c));
	if (got > 0) {
		vc_fail(c, "an edge latched on line %u before its interrupt was disabled was told after", LINE);
		vc_observed(c, "IRQ_STATUS_VALID once unmasked");
		vc_expected(c, "no interrupt: disabling discards what was latched");
		return;
	}
	if (!got)
		done(c, &l);
}

/* Line LINE's interrupt enabled and unmasked; line DISABLED an input with
 * its interrupt off, line MASKED one with EDGE_RISING enabled but masked:
 * their rising edges are told to no one (LINE's pair stays held); LINE's
 * own edge then is. */
#define DISABLED (LINE + 1)
#define MASKED (LINE + 2)
static void only_enabled_unmasked(struct vc_ctx *c)
{
	struct irq_line l;

	if (!setup_with(c, &l, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, MASKED) || !unmask(c, &l) ||
	    !drive_line(c, DISABLED, 0) || !drive_line(c, MASKED, 0) ||
	    !msg_on(c, &l, DISABLED, VIRTIO_GPIO_MSG_SET_DIRECTION, VIRTIO_GPIO_DIRECTION_IN, "SET_DIRECTION IN") ||
	    !msg_on(c, &l, MASKED, VIRTIO_GPIO_MSG_SET_DIRECTION, VIRTIO_GPIO_DIRECTION_IN, "SET_DIRECTION IN") ||
	    !msg_on(c, &l, MASKED, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, "SET_IRQ_TYPE") ||
	    !drive_line(c, DISABLED, 1) || !drive_line(c, MASKED, 1))
		return;
	int got = event(c, &l, quiet_ms(c));
	if (got > 0) {
		vc_fail(c, "rising edges on line %u (interrupt disabled) and line %u (enabled, masked) were told through "
			   "line %u's eventq pair", DISABLED, MASKED, LINE);
		vc_observed(c, "line %u's pair back with IRQ_STATUS_VALID, line %u still low", LINE, LINE);
		vc_expected(c, "the pair held: no interrupt for a line not both enabled and unmasked");
		return;
	}
	if (got < 0 || !drive(c, 1))
		return;
	if (!(got = event(c, &l, c->dev->timeout_ms))) {
		vc_fail(c, "a rising edge on line %u, its EDGE_RISING interrupt enabled and unmasked, was not told", LINE);
		vc_observed(c, "the eventq pair held");
		vc_expected(c, "the pair back with IRQ_STATUS_VALID");
	}
	if (got < 0)
		return;
	msg_on(c, &l, MASKED, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, VIRTIO_GPIO_IRQ_TYPE_NONE, "SET_IRQ_TYPE NONE");
	msg_on(c, &l, MASKED, VIRTIO_GPIO_MSG_SET_DIRECTION, VIRTIO_GPIO_DIRECTION_NONE, "SET_DIRECTION NONE");
	msg_on(c, &l, DISABLED, VIRTIO_GPIO_MSG_SET_DIRECTION, VIRTIO_GPIO_DIRECTION_NONE, "SET_DIRECTION NONE");
	done(c, &l);
}

static const struct vc_clause clauses[] = {
	{ "gpio.irq.edge-latched", L_GPIO_REQ, VC_MUST, VC_DEVICE_RULE, "1.2", GPIO_NEEDS, "GPIO-REQ-DEV-10",
	  "A rising edge (driven by the host) while EDGE_RISING is enabled but masked is told once the eventq pair is "
	  "made available.", NULL, edge_latched, VC_REQ(VIRTIO_GPIO_F_IRQ), 2 },
	{ "gpio.irq.level-not-latched", L_GPIO_REQ, VC_MUST_NOT, VC_DEVICE_RULE, "1.2", GPIO_NEEDS, "GPIO-REQ-DEV-11",
	  "A high pulse while LEVEL_HIGH is enabled but masked is not told once unmasked with the line low.", NULL,
	  level_not_latched, VC_REQ(VIRTIO_GPIO_F_IRQ), 2 },
	{ "gpio.irq.disable-discards", L_GPIO_REQ, VC_MUST, VC_DEVICE_RULE, "1.2", GPIO_NEEDS, "GPIO-REQ-DEV-12",
	  "An edge latched before SET_IRQ_TYPE NONE is not told after the interrupt is enabled again and unmasked.",
	  NULL, disable_discards, VC_REQ(VIRTIO_GPIO_F_IRQ), 2 },
	{ "gpio.irq.only-enabled-unmasked", "Device Types / GPIO Device / eventq Operation", VC_MUST_NOT,
	  VC_DEVICE_RULE, "1.2", GPIO_NEEDS, "GPIO-EVENT-DEV-1",
	  "Rising edges on a line whose interrupt is disabled and on one enabled but masked are not told through "
	  "another line's eventq pair; that line's own rising edge is.", NULL, only_enabled_unmasked,
	  VC_REQ(VIRTIO_GPIO_F_IRQ), 2 },
};
VC_DEVICE_SUITE(suite_gpio_irq, clauses, VIRTIO_ID_GPIO);
