/* Console device: the multiport control protocol (Device Types / Console
 * Device / Device Operation / Multiport Device Operation): ports the device
 * announces, ports the host plugs and unplugs (host actions console-plug
 * and console-unplug), as DEVICE_ADD and DEVICE_REMOVE messages on the
 * control receiveq. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../devsession.h"
#include "vc/devtypes/console.h"
#include "vc/devtypes/host.h"

#define L_MULTIPORT "Device Types / Console Device / Device Operation / Multiport Device Operation"
#define MAX_PORTS 64

struct ports {
	struct vc_dev d;
	struct ds_stream ctl;
	uint32_t max;                 /* max_nr_ports */
	uint32_t added[MAX_PORTS];    /* DEVICE_ADD ids, in order */
	unsigned nadded;
	char log[256];                /* the messages seen, for the report */
};

static bool was_added(const struct ports *p, uint32_t id)
{
	for (unsigned i = 0; i < p->nadded; i++)
		if (p->added[i] == id)
			return true;
	return false;
}

static void log_msg(struct ports *p, const struct vc_console_ctrl *m)
{
	size_t at = strlen(p->log);

	snprintf(p->log + at, sizeof(p->log) - at, "%s%s(%u)", at ? " " : "", vc_console_event_name(m->event), m->id);
}

/* The control messages that arrive within ms. A DEVICE_ADD for a port that
 * exists or past max_nr_ports, a DEVICE_REMOVE for one never added: FAIL.
 * *adds and *removes count them; false once the clause is over. */
static bool control(struct vc_ctx *c, struct ports *p, unsigned ms, unsigned *adds, unsigned *removes)
{
	*adds = *removes = 0;
	for (;;) {
		int k = ds_stream_next(c, &p->d, &p->ctl, ms);
		if (k < 0)
			return k == -1;
		if (p->ctl.req[k].used < VC_CONSOLE_CTRL_SIZE) {
			vc_fail(c, "a control message came back with used length %u", p->ctl.req[k].used);
			vc_observed(c, "used length %u", p->ctl.req[k].used);
			vc_expected(c, "at least %u (struct virtio_console_control)", VC_CONSOLE_CTRL_SIZE);
			return false;
		}
		struct vc_console_ctrl m = vc_console_ctrl_decode(p->ctl.buf[k]);
		log_msg(p, &m);
		if (m.event == VIRTIO_CONSOLE_DEVICE_ADD) {
			if (was_added(p, m.id) || m.id >= p->max) {
				vc_fail(c, "DEVICE_ADD names port %u, %s", m.id, m.id >= p->max ? "past max_nr_ports"
					: "which the device added already");
				vc_observed(c, "%s; max_nr_ports %u", p->log, p->max);
				vc_expected(c, "a new port below max_nr_ports");
				return false;
			}
			if (p->nadded < MAX_PORTS)
				p->added[p->nadded++] = m.id;
			(*adds)++;
		} else if (m.event == VIRTIO_CONSOLE_DEVICE_REMOVE) {
			if (!was_added(p, m.id)) {
				vc_fail(c, "DEVICE_REMOVE names port %u, which was never added", m.id);
				vc_observed(c, "%s", p->log);
				vc_expected(c, "a port a DEVICE_ADD created");
				return false;
			}
			for (unsigned i = 0; i < p->nadded; i++)     /* gone: it may be added again */
				if (p->added[i] == m.id)
					p->added[i] = p->added[--p->nadded];
			(*removes)++;
		}
		if (p->ctl.posted - (unsigned)k < 4 && !ds_stream_post(c, &p->d, &p->ctl, 8))
			return false;
	}
}

/* MULTIPORT negotiated, port 0's and the control queues set up, control
 * buffers posted, DEVICE_READY sent; the ports the device announces. */
static bool start(struct vc_ctx *c, struct ports *p, unsigned *adds)
{
	uint8_t ready[VC_CONSOLE_CTRL_SIZE];
	uint64_t max;
	unsigned removes;

	memset(p, 0, sizeof(*p));
	vc_console_ctrl_encode(ready, &(struct vc_console_ctrl){ 0, VIRTIO_CONSOLE_DEVICE_READY, 1 });
	struct vc_iov iov = { ready, NULL, sizeof(ready), false };
	p->ctl.q = VIRTIO_CONSOLE_CTRL_RX;
	p->ctl.len = 64;          /* room for a PORT_NAME's name */
	if (!ds_open(c, &p->d, DS_F(VIRTIO_CONSOLE_F_MULTIPORT), 0,
		     DS_Q(0) | DS_Q(1) | DS_Q(VIRTIO_CONSOLE_CTRL_RX) | DS_Q(VIRTIO_CONSOLE_CTRL_TX), false) ||
	    !ds_cfg_read(c, &p->d, VIRTIO_CONSOLE_CFG_MAX_NR_PORTS, 4, &max) ||
	    !ds_stream_post(c, &p->d, &p->ctl, 16) ||
	    !ds_call(c, &p->d, VIRTIO_CONSOLE_CTRL_TX, &iov, 1, NULL, "DEVICE_READY message"))
		return false;
	p->max = (uint32_t)max;
	return control(c, p, vc_quiet_ms(&p->d.drv, 300), adds, &removes);
}

static bool host(struct vc_ctx *c, const char *what, uint32_t port)
{
	char arg[16];

	snprintf(arg, sizeof(arg), "%u", port);
	return ds_host(c, what, arg, NULL, 0);
}

/* The ports announced after DEVICE_READY, and one the host plugs then,
 * are each new and below max_nr_ports. */
static void add_unique(struct vc_ctx *c)
{
	static struct ports p;
	unsigned adds, removes;
	uint32_t spare = 0;

	if (!start(c, &p, &adds))
		return;
	if (!adds)
		vc_note(c, "the device announced no port after DEVICE_READY");
	while (spare < p.max && was_added(&p, spare))
		spare++;
	if (spare == p.max) {
		vc_note(c, "all %u ports exist: no port to plug", p.max);
		return;
	}
	if (!host(c, VC_HOST_CONSOLE_PLUG, spare) || !control(c, &p, vc_quiet_ms(&p.d.drv, 300), &adds, &removes))
		return;
	if (!adds)
		vc_note(c, "no DEVICE_ADD came after the host plugged port %u: %s", spare, p.log);
	host(c, VC_HOST_CONSOLE_UNPLUG, spare);          /* as it was */
}

/* A port the host unplugs goes with a DEVICE_REMOVE for a port that was
 * added; the host plugs it again afterwards. */
static void remove_added(struct vc_ctx *c)
{
	static struct ports p;
	unsigned adds, removes;
	uint32_t port;

	if (!start(c, &p, &adds))
		return;
	if (!p.nadded) {
		vc_skip(c, "the device announced no port after DEVICE_READY: none to unplug");
		return;
	}
	port = p.added[p.nadded - 1];
	if (!host(c, VC_HOST_CONSOLE_UNPLUG, port))
		return;
	bool ok = control(c, &p, vc_quiet_ms(&p.d.drv, 300), &adds, &removes);
	host(c, VC_HOST_CONSOLE_PLUG, port);               /* as it was */
	if (ok && !removes)
		vc_skip(c, "no DEVICE_REMOVE came after the host unplugged port %u (%s): nothing to check", port,
			p.log);
}

static const struct vc_clause clauses[] = {
	{ "console.multiport.add-unique", L_MULTIPORT, VC_MUST_NOT, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "CONSOLE-MULTIPORT-DEV-1",
	  "DEVICE_ADD, after DEVICE_READY and when the host plugs a port, never names a port that exists or one "
	  "at or past max_nr_ports.", NULL, add_unique, VC_REQ(VIRTIO_CONSOLE_F_MULTIPORT), 4 },
	{ "console.multiport.remove-added", L_MULTIPORT, VC_MUST_NOT, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "CONSOLE-MULTIPORT-DEV-2",
	  "DEVICE_REMOVE, when the host unplugs a port, names a port a DEVICE_ADD created.", NULL, remove_added,
	  VC_REQ(VIRTIO_CONSOLE_F_MULTIPORT), 4 },
};
VC_DEVICE_SUITE(suite_console_multiport, clauses, VIRTIO_ID_CONSOLE);
