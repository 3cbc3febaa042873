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

#define PORT_QUEUES(port) (DS_Q(vc_console_rxq(port)) | DS_Q(vc_console_txq(port)))
#define CTRL_QUEUES (DS_Q(VIRTIO_CONSOLE_CTRL_RX) | DS_Q(VIRTIO_CONSOLE_CTRL_TX))

static bool host(struct vc_ctx *c, const char *what, uint32_t port);

/* MULTIPORT negotiated, `queues` (the control queues and ports' queues)
 * set up; with `plug`, the host plugs port 3 (*plugged; the backends keep
 * ports 2 and 3 free for the host to plug, or the last below max_nr_ports)
 * before DRIVER_OK; control buffers posted, DEVICE_READY sent; the ports
 * the device announces. */
static bool start_with(struct vc_ctx *c, struct ports *p, uint64_t queues, bool plug, uint32_t *plugged,
		       unsigned *adds)
{
	uint8_t ready[VC_CONSOLE_CTRL_SIZE];
	uint64_t max;
	unsigned removes;

	memset(p, 0, sizeof(*p));
	vc_console_ctrl_encode(ready, &(struct vc_console_ctrl){ 0, VIRTIO_CONSOLE_DEVICE_READY, 1 });
	struct vc_iov iov = { ready, NULL, sizeof(ready), false };
	p->ctl.q = VIRTIO_CONSOLE_CTRL_RX;
	p->ctl.len = 64;          /* room for a PORT_NAME's name */
	if (!ds_open(c, &p->d, DS_F(VIRTIO_CONSOLE_F_MULTIPORT), 0, queues | CTRL_QUEUES, plug) ||
	    !ds_cfg_read(c, &p->d, VIRTIO_CONSOLE_CFG_MAX_NR_PORTS, 4, &max))
		return false;
	p->max = (uint32_t)max;
	if (plug) {
		char arg[16];
		int rc;
		if (p->max < 2) {
			vc_skip(c, "max_nr_ports is %u: no port beside port 0 for the host to plug", p->max);
			return false;
		}
		*plugged = p->max < 4 ? p->max - 1 : 3;
		snprintf(arg, sizeof(arg), "%u", *plugged);
		if ((rc = vc_host(c->dev, VC_HOST_CONSOLE_PLUG, arg, NULL, 0)) == -EEXIST || rc == -EINVAL) {
			vc_skip(c, "the host cannot plug port %u (%s)", *plugged, rc == -EEXIST ? "it is there already"
				: "not a port its backend has");
			return false;
		}
		if (!ds_host_done(c, VC_HOST_CONSOLE_PLUG, rc) || !ds_driver_ok(c, &p->d))
			return false;
	}
	if (!ds_stream_post(c, &p->d, &p->ctl, 16) ||
	    !ds_call(c, &p->d, VIRTIO_CONSOLE_CTRL_TX, &iov, 1, NULL, "DEVICE_READY message"))
		return false;
	return control(c, p, vc_quiet_ms(&p->d.drv, 300), adds, &removes);
}

/* Port 0's queues and the control queues. */
static bool start(struct vc_ctx *c, struct ports *p, unsigned *adds)
{
	return start_with(c, p, PORT_QUEUES(0), false, NULL, adds);
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

/* Not a spec rule (the chapter: "active ports are announced by the device
 * using the VIRTIO_CONSOLE_PORT_ADD control message"): a port the host
 * plugs before DEVICE_READY is among the ports DEVICE_READY brings. */
static void ports_announced(struct vc_ctx *c)
{
	static struct ports p;
	uint32_t port = 0;
	unsigned adds;

	if (!start_with(c, &p, PORT_QUEUES(0), true, &port, &adds))
		return;
	if (!was_added(&p, port)) {
		vc_fail(c, "port %u, which the host plugged before DEVICE_READY, was not announced", port);
		vc_observed(c, "after DEVICE_READY: %s", p.nadded ? p.log : "no message");
		vc_expected(c, "a DEVICE_ADD for each port the device has, port %u among them", port);
	}
	host(c, VC_HOST_CONSOLE_UNPLUG, port);          /* as it was */
}

/* What reached port's host side, until `want` shows or the device has
 * settled (within its timeout where the backend cannot tell): false after
 * an ERROR or SKIP. */
static bool port_output(struct vc_ctx *c, struct ports *p, uint32_t port, const char *want, char *out, size_t len)
{
	uint64_t deadline = vc_now_ms() + vc_quiet_ms(&p->d.drv, c->dev->timeout_ms);
	char arg[16], got[256];

	snprintf(arg, sizeof(arg), "%u", port);
	out[0] = 0;
	for (unsigned i = 0;; i++) {
		if (!ds_host(c, VC_HOST_CONSOLE_READ, arg, got, sizeof(got)))
			return false;
		snprintf(out + strlen(out), len - strlen(out), "%s", got);
		if (strstr(out, want) || vc_now_ms() >= deadline)
			return true;
		vc_poll_pause(i);
	}
}

/* Not a spec rule (the console chapter has no device rule for data ports):
 * bytes the driver puts in each announced port's transmitq (ports 0 and 1)
 * reach that port's host side. */
static void ports_carry_output(struct vc_ctx *c)
{
	static struct ports p;
	char want[32], out[512];
	unsigned adds, tried = 0;

	if (!start_with(c, &p, PORT_QUEUES(0) | PORT_QUEUES(1), false, NULL, &adds))
		return;
	for (uint32_t port = 0; port < 2; port++) {
		if (!was_added(&p, port))
			continue;
		snprintf(want, sizeof(want), "vc-port-%u-out\n", port);
		struct vc_iov iov = { want, NULL, (uint32_t)strlen(want), false };
		char arg[16];
		snprintf(arg, sizeof(arg), "%u", port);
		if (!ds_host(c, VC_HOST_CONSOLE_READ, arg, out, sizeof(out)) ||    /* what was there before */
		    !ds_call(c, &p.d, vc_console_txq(port), &iov, 1, NULL, "bytes on a port's transmitq") ||
		    !port_output(c, &p, port, want, out, sizeof(out)))
			return;
		tried++;
		if (!strstr(out, want)) {
			vc_fail(c, "the bytes the driver put in port %u's transmitq (queue %u) did not reach port %u's host "
				   "side", port, vc_console_txq(port), port);
			vc_observed(c, "\"%.60s\" on port %u's host side", out, port);
			vc_expected(c, "\"vc-port-%u-out\\n\"", port);
			return;
		}
	}
	if (!tried)
		vc_skip(c, "the device announced neither port 0 nor port 1 after DEVICE_READY: %s", p.log);
}

#define L_CONSOLE_SANITY "Sanity: what a console device is for (not a spec rule)"
#define CONSOLE_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)

static const struct vc_clause clauses[] = {
	{ "console.multiport.add-unique", L_MULTIPORT, VC_MUST_NOT, VC_DEVICE_RULE, "1.0",
	  CONSOLE_NEEDS, "CONSOLE-MULTIPORT-DEV-1",
	  "DEVICE_ADD, after DEVICE_READY and when the host plugs a port, never names a port that exists or one "
	  "at or past max_nr_ports.", NULL, add_unique, VC_REQ(VIRTIO_CONSOLE_F_MULTIPORT), 4 },
	{ "console.multiport.remove-added", L_MULTIPORT, VC_MUST_NOT, VC_DEVICE_RULE, "1.0",
	  CONSOLE_NEEDS, "CONSOLE-MULTIPORT-DEV-2",
	  "DEVICE_REMOVE, when the host unplugs a port, names a port a DEVICE_ADD created.", NULL, remove_added,
	  VC_REQ(VIRTIO_CONSOLE_F_MULTIPORT), 4 },
	{ "console.sanity.ports-announced", L_CONSOLE_SANITY, VC_MAY, VC_SANITY, "1.0", CONSOLE_NEEDS, "",
	  "Not a spec rule: a port the host plugs before DEVICE_READY is announced with DEVICE_ADD after it, as the "
	  "chapter has active ports announced.", NULL, ports_announced, VC_REQ(VIRTIO_CONSOLE_F_MULTIPORT), 4 },
	{ "console.sanity.ports-carry-output", L_CONSOLE_SANITY, VC_MAY, VC_SANITY, "1.0", CONSOLE_NEEDS, "",
	  "Not a spec rule: bytes in the transmitq of each announced port (0 and 1) reach that port's host side.", NULL,
	  ports_carry_output, VC_REQ(VIRTIO_CONSOLE_F_MULTIPORT), 6 },
};
VC_DEVICE_SUITE(suite_console_multiport, clauses, VIRTIO_ID_CONSOLE);
