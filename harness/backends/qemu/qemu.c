/* The qemu: backend. The harness starts QEMU itself with one virtio device
 * model on a bare q35 machine and drives it over the qtest protocol: the
 * harness is the driver, QEMU's device model is the device under test.
 *
 * No firmware runs (the "BIOS" is 64 KiB of hlt), so this file does what a
 * BIOS would: enable ECAM, size and assign BARs, enable decoding and bus
 * mastering. Guest RAM below 256 MiB is the DMA pool, mapped by the harness
 * too (guest_ram.c); MSI-X messages are steered into RAM mailboxes so
 * interrupts can be observed without a CPU.
 *
 * QEMU aborts on a malformed qtest command, so every command is built here
 * from validated integers; a lost connection or a timeout marks the backend
 * dead and every later operation fails fast instead of hanging. */
#include "qemu_priv.h"
#include "vhost_user.h"


long vc_qemu_pid(const struct vc_device *d)
{
	if (!d || d->ops != &qemu_ops)
		return -1;
	const struct qemu_priv *p = d->priv;
	return p->pid > 0 ? (long)p->pid : -1;
}

/* ---- close ---- */

static void qemu_close(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;

	if (!p)
		return;
	for (unsigned i = 0; i < p->nparts; i++)
		if (p->part[i]->close)
			p->part[i]->close(d, p->part_state[i]);
	if (p->sock >= 0)
		close(p->sock);
	if (p->qmp >= 0)
		close(p->qmp);
	if (p->pid > 0) {
		qemu_kill(p->pid);
		qemu_live_del(p->pid);
	}
	qemu_remove_dir(p->dir);
	qemu_ram_close(p);
	if (p->notify_fd >= 0)
		close(p->notify_fd);
	if (p->awake_fd >= 0)
		close(p->awake_fd);
	if (p->errfd >= 0)
		close(p->errfd);
	free(p->rbuf);
	free(p->reply);
	free(p->sendbuf);
	free(p->cmdbuf);
	free(p);
	d->priv = NULL;
}

const struct vc_backend_ops qemu_ops = {
	.cfg_read = qemu_cfg_read,
	.cfg_write = qemu_cfg_write,
	.bar_read = qemu_bar_read,
	.bar_write = qemu_bar_write,
	.batch = qemu_batch,
	.dma_alloc = qemu_dma_alloc,
	.dma_read = qemu_dma_read,
	.dma_readv = qemu_dma_readv,
	.dma_write = qemu_dma_write,
	.irq_wait = qemu_irq_wait,
	.irq_forget = qemu_irq_forget,
	.msix_message = qemu_msix_message,
	.notify_seen = qemu_notify_seen,
	.config_change = qemu_config_change,
	.host = qemu_host,
	.peer_send = qemu_peer_send,
	.peer_recv = qemu_peer_recv,
	.settle = qemu_settle,
	.close = qemu_close,
};

bool qemu_has_prop(const char *props, const char *key)
{
	size_t k = strlen(key);

	for (const char *s = props; s && *s;) {
		if (strncmp(s, key, k) == 0 && s[k] == '=')
			return true;
		const char *c = s;
		while ((c = strchr(c, ',')) && c[1] == ',')
			c += 2;
		s = c ? c + 1 : NULL;
	}
	return false;
}

const char *qemu_prop_value(const char *props, const char *key, char *buf, size_t len)
{
	size_t k = strlen(key);

	for (const char *s = props; s && *s;) {
		const char *c = s;
		while ((c = strchr(c, ',')) && c[1] == ',')
			c += 2;
		if (strncmp(s, key, k) == 0 && s[k] == '=') {
			size_t n = (c ? (size_t)(c - s) : strlen(s)) - k - 1;
			snprintf(buf, len, "%.*s", (int)n, s + k + 1);
			return buf;
		}
		s = c ? c + 1 : NULL;
	}
	return NULL;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* "virtio-blk-pci" is virtio-blk-pci, and so are -non-transitional and
 * -transitional variants of it. */
bool qemu_model_is(const char *model, const char *name)
{
	size_t n = strlen(name);

	return strncmp(model, name, n) == 0 && (!model[n] || model[n] == '-');
}

int qemu_arg(struct qemu_launch *l, const char *fmt, ...)
{
	struct qemu_cmdline *cl = l->cl;
	va_list ap;
	char *a;

	if (cl->nowned == sizeof(cl->owned) / sizeof(cl->owned[0]) ||
	    cl->argc >= (int)(sizeof(cl->argv) / sizeof(cl->argv[0])) - 1)
		return -E2BIG;
	va_start(ap, fmt);
	int n = vasprintf(&a, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	cl->owned[cl->nowned++] = a;
	cl->argv[cl->argc++] = a;
	return 0;
}

int qemu_devprop(struct qemu_launch *l, const char *fmt, ...)
{
	size_t used = strlen(l->devline);
	va_list ap;

	if (used + 2 > l->devlen)
		return -E2BIG;
	l->devline[used] = ',';
	va_start(ap, fmt);
	int n = vsnprintf(l->devline + used + 1, l->devlen - used - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= l->devlen - used - 1) {
		l->devline[used] = 0;
		return -E2BIG;
	}
	return 0;
}

bool qemu_harness_key(const char *key, size_t len)
{
	for (const struct qemu_part *const *pt = qemu_parts; *pt; pt++)
		for (const char *const *k = (*pt)->keys; k && *k; k++)
			if (strlen(*k) == len && strncmp(*k, key, len) == 0)
				return true;
	return false;
}

/* The user's properties less the harness's own (qemu_part keys), for the
 * -device line. */
static void device_props(const char *props, char *out, size_t len)
{
	size_t o = 0;

	out[0] = 0;
	for (const char *s = props; s && *s;) {
		const char *c = s;
		while ((c = strchr(c, ',')) && c[1] == ',')
			c += 2;
		size_t n = c ? (size_t)(c - s) : strlen(s);
		size_t k = strcspn(s, "=");
		if (!qemu_harness_key(s, k < n ? k : n) && o + n + 2 < len) {
			if (o)
				out[o++] = ',';
			memcpy(out + o, s, n);
			out[o += n] = 0;
		}
		s = c ? c + 1 : NULL;
	}
}

int qemu_parts_alive(struct vc_device *d, bool force)
{
	struct qemu_priv *p = d->priv;
	char why[240];

	if (p->dead)
		return -EIO;
	int64_t now = qemu_now_ms();
	if (!force && now - p->alive_checked < QEMU_ALIVE_MS)
		return 0;
	p->alive_checked = now;
	for (unsigned i = 0; i < p->nparts; i++) {
		if (p->part[i]->alive && !p->part[i]->alive(d, p->part_state[i], why, sizeof(why))) {
			qemu_mark_backend_dead(d, why);
			return -EIO;
		}
	}
	return 0;
}

void qemu_implementation_add(struct vc_device *d, const char *fmt, ...)
{
	size_t used = strlen(d->implementation);
	va_list ap;

	if (used && used + 2 < sizeof(d->implementation)) {
		memcpy(d->implementation + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(d->implementation + used, sizeof(d->implementation) - used, fmt, ap);
	va_end(ap);
}

/* QEMU's own version, from its QMP greeting:
 * {"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "..."}, ...}} */
static void qemu_version(struct vc_device *d)
{
	const char *ret = qemu_qmp_greeting(d), *at;
	char pkg[160] = "";
	int major = -1, minor = -1, micro = -1;

	if (!ret)
		return;
	if ((at = strstr(ret, "\"major\":")))
		major = atoi(at + 8);
	if ((at = strstr(ret, "\"minor\":")))
		minor = atoi(at + 8);
	if ((at = strstr(ret, "\"micro\":")))
		micro = atoi(at + 8);
	if ((at = strstr(ret, "\"package\": \"")))
		snprintf(pkg, sizeof(pkg), "%.*s", (int)strcspn(at + 12, "\""), at + 12);
	if (major >= 0 && minor >= 0 && micro >= 0)
		qemu_implementation_add(d, "QEMU %d.%d.%d%s%s%s", major, minor, micro, pkg[0] ? " (" : "",
					pkg, pkg[0] ? ")" : "");
}

/* Models with no legacy interface at all, hence no disable-legacy property. */
static bool modern_only(const char *name)
{
	static const char *const models[] = { "vhost-user-fs-pci", "vhost-user-gpio-pci", "vhost-user-i2c-pci",
					       "vhost-user-rng-pci", NULL };

	for (const char *const *m = models; *m; m++)
		if (strcmp(name, *m) == 0)
			return true;
	return false;
}

static void cmdline_free(struct qemu_cmdline *cl)
{
	for (unsigned i = 0; i < cl->nowned; i++)
		free(cl->owned[i]);
	free(cl->split);
}

/* Open QEMU's model as the device of backend `backend` ("qemu", or a
 * backend built on this one: "vhost-user"). */
int qemu_open_as(const char *backend, const char *arg, struct vc_device **out, char *err, size_t errlen)
{
	const char *qemu_name = getenv("VC_QEMU");
	char bin[PATH_MAX], devline[640], name[128], addrbuf[32], busbuf[64], ownprops[512];
	char hltpath[192], sockpath[192], qmppath[192], qmp_arg[240];
	const char *props;
	struct qemu_cmdline cl = { .argc = 0 };
	struct vc_device *d = NULL;
	struct qemu_priv *p = NULL;
	int lsock = -1, qmp_lsock = -1, rc;

	*out = NULL;
	if (!qemu_name || !*qemu_name)
		qemu_name = "qemu-system-x86_64";
	size_t nlen = strcspn(arg, ",");
	if (nlen == 0 || nlen >= sizeof(name)) {
		snprintf(err, errlen, "qemu: give a device model, e.g. qemu:virtio-rng-pci or "
			 "qemu:virtio-net-pci,packed=on");
		return -EINVAL;
	}
	memcpy(name, arg, nlen);
	name[nlen] = 0;
	props = arg[nlen] ? arg + nlen + 1 : "";
	for (const char *c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.') {
			snprintf(err, errlen, "qemu: '%s' is not a device model name", name);
			return -EINVAL;
		}
	}
	if (!qemu_find_binary(qemu_name, bin, sizeof(bin))) {
		snprintf(err, errlen, "%s not found: install qemu-system-x86 (tools/setup) or set VC_QEMU",
			 qemu_name);
		return -ENOENT;
	}

	/* Where the device sits: addr=SLOT[.FN] (hex) on pcie.0, 00:04.0 unless told. */
	unsigned slot = DEFAULT_SLOT, fn = 0;
	if (qemu_prop_value(props, "addr", addrbuf, sizeof(addrbuf))) {
		char *end;
		unsigned long s = strtoul(addrbuf, &end, 16), f = 0;
		if (*end == '.')
			f = strtoul(end + 1, &end, 16);
		if (*end || s > 31 || f > 7) {
			snprintf(err, errlen, "qemu: addr=%s: expected SLOT[.FN] in hex", addrbuf);
			return -EINVAL;
		}
		slot = (unsigned)s;
		fn = (unsigned)f;
	}
	if (qemu_prop_value(props, "bus", busbuf, sizeof(busbuf)) && strcmp(busbuf, "pcie.0") != 0) {
		snprintf(err, errlen, "qemu: bus=%s: the backend only reaches devices on pcie.0", busbuf);
		return -EINVAL;
	}
	/* virtio devices only, and not the (non-)transitional types, which lack it */
	bool legacy_prop = (strncmp(name, "virtio-", 7) == 0 || strncmp(name, "vhost-", 6) == 0) &&
			   !ends_with(name, "-transitional") && !modern_only(name);
	device_props(props, ownprops, sizeof(ownprops));
	int n = snprintf(devline, sizeof(devline), "%s%s%s%s%s", name, *ownprops ? "," : "", ownprops,
			 legacy_prop && !qemu_has_prop(props, "disable-legacy") ? ",disable-legacy=on" : "",
			 qemu_has_prop(props, "addr") ? "" : ",addr=0x4");
	if (n < 0 || (size_t)n >= sizeof(devline)) {
		snprintf(err, errlen, "qemu: device line too long");
		return -EINVAL;
	}

	qemu_install_hooks();
	d = vc_device_new(&qemu_ops, backend, arg);
	p = calloc(1, sizeof(*p));
	if (!d || !p) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	d->priv = p;
	p->sock = -1;
	p->qmp = -1;
	p->errfd = -1;
	p->notify_fd = -1;
	p->awake_fd = -1;
	p->ramfd = -1;
	p->bdf = (uint16_t)(slot << 3 | fn);
	p->dma_next = DMA_BASE;

	/* Private directory: the firmware and the socket. */
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 60)
		tmp = "/tmp";   /* sun_path is short */
	snprintf(p->dir, sizeof(p->dir), "%s/vc-qemu-XXXXXX", tmp);
	if (!mkdtemp(p->dir)) {
		rc = -errno;
		snprintf(err, errlen, "qemu: mkdtemp %s: %s", p->dir, strerror(errno));
		p->dir[0] = 0;
		goto fail;
	}
	snprintf(hltpath, sizeof(hltpath), "%s/hlt.bin", p->dir);
	snprintf(sockpath, sizeof(sockpath), "%s/qtest.sock", p->dir);
	{
		/* 64 KiB of hlt: no BIOS touches the device and the CPU idles, while
		 * the VM runs (a stopped VM ignores queue notifications). */
		static uint8_t hlt[65536];
		memset(hlt, 0xf4, sizeof(hlt));
		FILE *f = fopen(hltpath, "wb");
		if (!f || fwrite(hlt, 1, sizeof(hlt), f) != sizeof(hlt) || fclose(f)) {
			rc = -EIO;
			snprintf(err, errlen, "qemu: cannot write %s", hltpath);
			goto fail;
		}
	}
	if ((rc = qemu_listen_at(sockpath, &lsock, err, errlen)))
		goto fail;
	/* QMP, for what the device's host side does (a link going down, a disk
	 * resized) and for the version QEMU reports. QEMU connects to it as it
	 * does to the qtest socket. */
	snprintf(qmppath, sizeof(qmppath), "%s/qmp.sock", p->dir);
	snprintf(qmp_arg, sizeof(qmp_arg), "socket,id=vcqmp,path=%s", qmppath);
	if ((rc = qemu_listen_at(qmppath, &qmp_lsock, err, errlen)))
		goto fail;

	/* TCG by default: under KVM, QEMU hands MSI-X messages to KVM irqfds
	 * that go straight to the (halted) vCPU, so they never reach the RAM
	 * mailboxes irq_wait reads. The guest CPU only halts, so TCG costs
	 * nothing here. VC_QEMU_ACCEL=kvm (or another) pins one. */
	const char *accel = getenv("VC_QEMU_ACCEL");
	if (accel && (!*accel || strspn(accel, "abcdefghijklmnopqrstuvwxyz0123456789,=-_") != strlen(accel)))
		accel = NULL;
	if (!accel)
		accel = "tcg";
	char qtest_arg[220];
	snprintf(qtest_arg, sizeof(qtest_arg), "unix:%s", sockpath);
#define ARG(s) do { if (cl.argc < (int)(sizeof(cl.argv) / sizeof(cl.argv[0])) - 1) \
		cl.argv[cl.argc++] = (char *)(s); } while (0)
	ARG(bin);
	ARG("-machine"); ARG("q35");
	ARG("-accel"); ARG(accel);
	ARG("-m"); ARG("256M");
	ARG("-bios"); ARG(hltpath);
	ARG("-nodefaults"); ARG("-display"); ARG("none");
	ARG("-serial"); ARG("none"); ARG("-monitor"); ARG("none");
	ARG("-qtest"); ARG(qtest_arg); ARG("-qtest-log"); ARG("none");   /* "none": no log at all ("/dev/null" formats one) */
	ARG("-chardev"); ARG(qmp_arg); ARG("-mon"); ARG("chardev=vcqmp,mode=control");
	/* What the harness owns behind the device: each part that serves it */
	struct qemu_launch launch = { &cl, name, props, devline, sizeof(devline), p->dir, NULL };
	/* Guest RAM mapped here too, unless the user's arguments name the
	 * machine's memory themselves. A vhost-user backend reads the rings
	 * itself: it needs the RAM shared. */
	const char *extra = getenv("VC_QEMU_ARGS");
	if ((qemu_ram_wanted() || qemu_part_vhost_user.serves(name, props)) &&
	    !(extra && strstr(extra, "memory-backend")) && (rc = qemu_ram_setup(p, &launch, err, errlen)))
		goto fail;
	for (const struct qemu_part *const *pt = qemu_parts; *pt; pt++) {
		if (!(*pt)->serves(name, props))
			continue;
		if (p->nparts == QEMU_MAX_PARTS) {
			rc = -E2BIG;
			snprintf(err, errlen, "qemu: too many parts for one device");
			goto fail;
		}
		p->part[p->nparts] = *pt;
		launch.state = &p->part_state[p->nparts++];
		if ((*pt)->setup && (rc = (*pt)->setup(d, &launch, err, errlen)))
			goto fail;
	}
	ARG("-device"); ARG(devline);
	if (extra && *extra) {
		cl.split = strdup(extra);
		if (cl.split) {
			for (char *save, *w = strtok_r(cl.split, " \t", &save); w;
			     w = strtok_r(NULL, " \t", &save))
				ARG(w);
		}
	}
	/* The device model's own view of the doorbells (notify_seen): its two
	 * notify trace events into a private file, unless the user's arguments
	 * route QEMU's log elsewhere. */
	char notify_path[192], notify_file[200];
	if (!extra || (!strstr(extra, "-trace") && !strstr(extra, "-D"))) {
		snprintf(notify_path, sizeof(notify_path), "%s/notify.log", p->dir);
		snprintf(notify_file, sizeof(notify_file), "file=%s", notify_path);
		p->notify_fd = open(notify_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (p->notify_fd >= 0) {
			ARG("-trace"); ARG("enable=virtio_pci_notify_write");
			ARG("-trace"); ARG("enable=virtio_queue_notify");
			ARG("-trace"); ARG(notify_file);
		}
	}
	cl.argv[cl.argc] = NULL;
#undef ARG

	/* QEMU's stdout and stderr: read back for error messages, never a pipe
	 * QEMU could block on. */
	char errpath[192];
	snprintf(errpath, sizeof(errpath), "%s/stderr", p->dir);
	p->errfd = open(errpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (p->errfd < 0) {
		rc = -errno;
		snprintf(err, errlen, "qemu: %s: %s", errpath, strerror(errno));
		goto fail;
	}
	rc = qemu_start(bin, cl.argv, p->dir, p->errfd, p->ramfd, lsock, &p->pid, &p->sock, err, errlen);
	close(lsock);
	lsock = -1;
	unlink(sockpath);
	if (rc)
		goto fail;
	if (qmp_lsock >= 0) {
		/* QEMU connected while it started, before the qtest socket */
		struct pollfd pfd = { .fd = qmp_lsock, .events = POLLIN };
		if (poll(&pfd, 1, START_TIMEOUT_MS) > 0)
			p->qmp = accept4(qmp_lsock, NULL, NULL, SOCK_CLOEXEC);
		close(qmp_lsock);
		qmp_lsock = -1;
		unlink(qmppath);
		if (p->qmp < 0) {
			rc = -EIO;
			snprintf(err, errlen, "qemu: QEMU did not connect to the QMP socket");
			goto fail;
		}
	}
	p->opening = true;

	/* INTx: have QEMU report ioapic input changes as "IRQ raise/lower N". */
	if ((rc = qt_cmd(d, "irq_intercept_in ioapic", NULL))) {
		snprintf(err, errlen, "qemu: irq_intercept_in ioapic failed (%s)", strerror(-rc));
		goto fail;
	}
	qemu_enable_ecam(d);
	if (p->dead) {
		rc = -EIO;
		snprintf(err, errlen, "qemu: %s", d->note);
		goto fail;
	}
	qemu_version(d);
	for (unsigned i = 0; i < p->nparts; i++)
		if (p->part[i]->started && (rc = p->part[i]->started(d, p->part_state[i], err, errlen)))
			goto fail;
	p->alive_checked = qemu_now_ms();
	uint32_t id;
	if ((rc = qemu_cfg_rd(d, p->bdf, 0, 4, &id))) {
		snprintf(err, errlen, "qemu: config read failed (%s)", strerror(-rc));
		goto fail;
	}
	if ((id & 0xffff) != 0x1af4) {
		rc = -ENODEV;
		if (id == 0xffffffffu)
			snprintf(err, errlen, "qemu: no device answers at 00:%02x.%u for -device %s",
				 slot, fn, devline);
		else
			snprintf(err, errlen, "qemu: 00:%02x.%u is %04x:%04x, not a virtio device (vendor 1af4)",
				 slot, fn, id & 0xffff, id >> 16);
		goto fail;
	}
	if ((rc = qemu_assign_bars(d, err, errlen)))
		goto fail;
	/* the set-up's posted writes are done before the device is handed over */
	if ((rc = qt_sync(d))) {
		snprintf(err, errlen, "qemu: setting the device up failed (%s)", strerror(-rc));
		goto fail;
	}

	d->cfg_size = p->ecam ? 4096 : 256;
	if (!p->ecam)
		snprintf(d->note, sizeof(d->note),
			 "ECAM could not be enabled: config space limited to 256 bytes (0xcf8/0xcfc)");
	d->abilities = VC_CFG_WRITE | VC_BAR_READ | VC_BAR_WRITE | VC_DMA | VC_IRQ | VC_BAR_SIZES | VC_ACTIVITY |
		       (qemu_has_peer(d) ? VC_PEER : 0);
	snprintf(d->location, sizeof(d->location), "0000:00:%02x.%u -device %.200s", slot, fn, devline);
	cmdline_free(&cl);
	/* QEMU has loaded the firmware and holds its stderr open: the directory
	 * can go now, so nothing is left behind even if the harness is SIGKILLed. */
	qemu_remove_dir(p->dir);
	qemu_live_forget_dir(p->pid);
	p->dir[0] = 0;
	p->opening = false;
	p->awake_fd = qemu_hold_cpus_awake();
	*out = d;
	return 0;

fail:
	/* QEMU may accept the qtest connection before it checks -device, then
	 * exit: a property combination the model refuses is the device's
	 * answer (exit status 3), in QEMU's own words; an unknown model or
	 * property is a usage error (2). */
	if (p && p->dead && p->exited) {
		char line[400];
		qemu_stderr_line(p->errfd, false, line, sizeof(line));
		rc = qemu_refusal_rc(line);
		snprintf(err, errlen, "QEMU exited at start-up: %s", line[0] ? line : "(no message)");
	}
	for (unsigned i = 0; p && i < p->nparts; i++) {
		int why = p->part[i]->failed ? p->part[i]->failed(d, p->part_state[i], err, errlen) : 0;
		if (why) {
			rc = why;
			break;
		}
	}
	if (lsock >= 0)
		close(lsock);
	if (qmp_lsock >= 0)
		close(qmp_lsock);
	cmdline_free(&cl);
	if (d) {
		if (p)
			qemu_close(d);
		free(d);
	} else {
		free(p);
	}
	return rc;
}

static int qemu_open(const char *arg, struct vc_device **out, char *err, size_t errlen)
{
	return qemu_open_as("qemu", arg, out, err, errlen);
}

const struct vc_backend vc_backend_qemu = { "qemu", "qemu:DEVICE[,props]", qemu_open,
	"a QEMU device model (virtio-net-pci, virtio-blk-pci, ...): the harness starts QEMU and is its only driver" };
