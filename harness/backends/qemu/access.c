/* The device interface (vc/device.h) over qtest: config space through ECAM
 * (or 0xcf8/0xcfc), BARs where topology.c placed them, DMA in guest RAM,
 * MSI-X messages steered into RAM mailboxes, INTx from the ioapic lines. */
#include "qemu_priv.h"
#include "vc/pci.h"

/* ---- config space ---- */

/* Mechanism #1 (0xcf8/0xcfc); sub-dword data at 0xcfc + (off & 3). */
int qemu_cf8_read(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t *val)
{
	uint64_t v;
	int rc;

	if (off >= 256 || off % width)
		return -EINVAL;
	if ((rc = qt_io_write(d, 0xcf8, 4, 0x80000000u | (uint32_t)bdf << 8 | (off & 0xfc))))
		return rc;
	if ((rc = qt_io_read(d, 0xcfc + (off & 3), width, &v)))
		return rc;
	*val = (uint32_t)v;
	return 0;
}

int qemu_cf8_write(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t val)
{
	int rc;

	if (off >= 256 || off % width)
		return -EINVAL;
	if ((rc = qt_io_write(d, 0xcf8, 4, 0x80000000u | (uint32_t)bdf << 8 | (off & 0xfc))))
		return rc;
	return qt_io_write(d, 0xcfc + (off & 3), width, val);
}

int qemu_cfg_rd(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t *val)
{
	struct qemu_priv *p = d->priv;
	uint64_t v;
	int rc;

	if (!qt_width_valid(width, 4) || off % width || off + width > (p->ecam ? 4096u : 256u))
		return -EINVAL;
	if (!p->ecam)
		return qemu_cf8_read(d, bdf, off, width, val);
	if ((rc = qt_mem_read(d, ECAM_BASE + ((uint64_t)bdf << 12) + off, width, &v)))
		return rc;
	*val = (uint32_t)v;
	return 0;
}

int qemu_cfg_wr(struct vc_device *d, uint16_t bdf, uint16_t off, unsigned width, uint32_t val)
{
	struct qemu_priv *p = d->priv;

	if (!qt_width_valid(width, 4) || off % width || off + width > (p->ecam ? 4096u : 256u))
		return -EINVAL;
	if (!p->ecam)
		return qemu_cf8_write(d, bdf, off, width, val);
	return qt_mem_write(d, ECAM_BASE + ((uint64_t)bdf << 12) + off, width, val);
}

int qemu_cfg_read(struct vc_device *d, uint16_t off, unsigned width, uint32_t *val)
{
	struct qemu_priv *p = d->priv;

	if (off + width > d->cfg_size)
		return -ERANGE;
	return qemu_cfg_rd(d, p->bdf, off, width, val);
}

int qemu_cfg_write(struct vc_device *d, uint16_t off, unsigned width, uint32_t val)
{
	struct qemu_priv *p = d->priv;

	if (off + width > d->cfg_size)
		return -ERANGE;
	return qemu_cfg_wr(d, p->bdf, off, width, val);
}

/* ---- BARs ---- */

static int bar_check(struct vc_device *d, unsigned bar, uint64_t off, unsigned width)
{
	if (bar >= VC_NUM_BARS || !d->bar[bar].size || !qt_width_valid(width, 8) ||
	    d->bar[bar].size < width || off > d->bar[bar].size - width)
		return -ERANGE;
	if (d->bar[bar].is_io && width > 4)
		return -EINVAL;   /* there is no 8-byte port access */
	return 0;
}

int qemu_bar_read(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t *val)
{
	struct qemu_priv *p = d->priv;
	int rc;

	if ((rc = bar_check(d, bar, off, width)))
		return rc;
	if (d->bar[bar].is_io)
		return qt_io_read(d, p->bar_addr[bar] + off, width, val);
	return qt_mem_read(d, p->bar_addr[bar] + off, width, val);
}

int qemu_bar_write(struct vc_device *d, unsigned bar, uint64_t off, unsigned width, uint64_t val)
{
	struct qemu_priv *p = d->priv;
	int rc;

	if ((rc = bar_check(d, bar, off, width)))
		return rc;
	if (d->bar[bar].is_io)
		return qt_io_write(d, p->bar_addr[bar] + off, width, val);
	return qt_mem_write(d, p->bar_addr[bar] + off, width, val);
}

/* A batch: every access queued and sent together (a chunk at a time, so
 * the replies never fill the socket), then the replies read in order;
 * every reply is read even after an error, so the stream stays in step.
 * Config space through 0xcf8/0xcfc takes two commands (address, data). */
#define BATCH_CHUNK 256

/* Queue one access; *queued says how many commands went into the queue
 * (their replies must be read whatever happens). */
static int queue_one(struct vc_device *d, const struct vc_access *a, unsigned *queued)
{
	struct qemu_priv *p = d->priv;
	int rc;

	*queued = 0;
	if (!a->cfg) {
		if ((rc = bar_check(d, a->bar, a->off, a->width)) ||
		    (rc = qt_queue_access(d, d->bar[a->bar].is_io, a->write, p->bar_addr[a->bar] + a->off, a->width,
					  a->val)))
			return rc;
	} else if (p->ecam) {
		if ((rc = qt_queue_access(d, false, a->write, ECAM_BASE + ((uint64_t)p->bdf << 12) + a->off, a->width,
					  a->val)))
			return rc;
	} else {
		if (a->off >= 256)
			return -ERANGE;
		if ((rc = qt_queue_access(d, true, true, 0xcf8, 4, 0x80000000u | (uint32_t)p->bdf << 8 | (a->off & 0xfc))))
			return rc;
		*queued = 1;
		if ((rc = qt_queue_access(d, true, a->write, 0xcfc + (a->off & 3), a->width, a->val)))
			return rc;
	}
	(*queued)++;
	return 0;
}

/* Config space read dword after dword from one offset on (the probe's
 * snapshot, 1024 reads): one qtest b64read of the range, as guest RAM is
 * read. QEMU splits it into the same 4-byte reads, in the same order (its
 * MMCFG region takes at most 4 bytes an access), and answers them in one
 * line. */
static bool dword_cfg_run(const struct qemu_priv *p, const struct vc_access *a, unsigned n)
{
	if (!p->ecam || n < 2 || n > 1024)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!a[i].cfg || a[i].write || a[i].width != 4 || a[i].off != a[0].off + 4 * i)
			return false;
	return true;
}

static int cfg_read_run(struct vc_device *d, struct vc_access *a, unsigned n)
{
	struct qemu_priv *p = d->priv;
	uint8_t bytes[4096];
	const char *r;
	int rc;

	if ((rc = qt_cmdf(d, &r, "b64read 0x%" PRIx64 " 0x%x", (uint64_t)(ECAM_BASE + ((uint64_t)p->bdf << 12) + a[0].off),
			  4 * n)) ||
	    (rc = qemu_b64_decode(r, bytes, 4 * n)))
		return rc;
	for (unsigned i = 0; i < n; i++)
		a[i].val = vc_le32(bytes + 4 * i);
	return 0;
}

int qemu_batch(struct vc_device *d, struct vc_access *a, unsigned n)
{
	struct qemu_priv *p = d->priv;
	unsigned queued[BATCH_CHUNK + 1];
	int rc, first = 0;

	if (dword_cfg_run(p, a, n))
		return cfg_read_run(d, a, n);

	for (unsigned start = 0; start < n && !first; start += BATCH_CHUNK) {
		unsigned end = n - start > BATCH_CHUNK ? start + BATCH_CHUNK : n, made = start;
		if (p->dead)
			return -EIO;
		while (made < end && !(first = queue_one(d, &a[made], &queued[made - start])))
			made++;
		unsigned last = first ? made + 1 : made;       /* a failed access may have queued a part */
		/* behind the posted writes, whose replies come first */
		if ((rc = qt_flush(d)))
			return rc;
		if ((rc = qt_collect(d)) && !first)
			first = rc;
		if (p->dead)
			return first ? first : -EIO;
		for (unsigned i = start; i < last; i++) {
			for (unsigned k = 0; k < queued[i - start]; k++) {
				const char *r;
				rc = qt_reply(d, &r);
				if (!rc && i < made && !a[i].write && k + 1 == queued[i - start])
					rc = qt_parse_hex(r, &a[i].val);
				if (rc && !first)
					first = rc;
				if (p->dead)
					return first;
			}
		}
	}
	return first;
}

/* ---- DMA: guest RAM ---- */

static bool ram_range_ok(uint64_t bus, size_t len)
{
	return len && bus < RAM_SIZE && len <= RAM_SIZE - bus;
}

/* Zeroed without a write: guest RAM is memory mapped when QEMU started
 * (anonymous or a new memfd, so it reads as zero), no firmware runs to write it, and no
 * range from DMA_BASE up is handed out twice, so nothing has written it yet.
 * (Zeroing the driver's 4 MiB arena cost QEMU 2048 page faults, about 20 ms,
 * for memory mostly never used.) */
int qemu_dma_alloc(struct vc_device *d, size_t len, uint64_t *bus)
{
	struct qemu_priv *p = d->priv;
	uint64_t size = len ? ((uint64_t)len + 4095) & ~UINT64_C(4095) : 4096;

	if ((uint64_t)len > DMA_END || size > DMA_END - p->dma_next)
		return -ENOMEM;
	if (p->dead)
		return -EIO;
	*bus = p->dma_next;
	p->dma_next += size;
	return 0;
}

/* Guest RAM mapped here too (guest_ram.c): a DMA access is a memory access,
 * ordered as the qtest command it replaces would be. A read first waits for
 * the accesses still posted, as a qtest read queued behind them would: QEMU
 * has carried them out, and what the device wrote in answer is in RAM (a
 * look in a wait that looks again only sends them: d->looking). A
 * write behind accesses still posted goes behind them through qtest, so the
 * device never sees it first. The device may be writing while the harness
 * looks (a vhost-user backend always can): every naturally aligned 2, 4 or
 * 8 bytes move in one access, a read from the last down (a packed
 * descriptor's flags before its id), a write from the first up (its flags
 * last). */
static int ram_read_ready(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;

	if (p->dead)
		return -EIO;
	qemu_parts_pump(d);
	if (d->looking)
		return qt_send(d);
	return p->queued || p->posted ? qt_sync(d) : 0;
}

/* The widest naturally aligned access (8, 4, 2 or 1 bytes) at addr that
 * fits in n bytes: an index or a flags word is never moved a byte at a time. */
static unsigned ram_width(uintptr_t addr, size_t n)
{
	unsigned w = 8;

	while (w > 1 && (addr % w || n < w))
		w /= 2;
	return w;
}

/* w bytes (ram_width's) from src to dst, one of them guest RAM and the other
 * the harness's buffer (which may be unaligned): one release store into RAM,
 * or one acquire load from it. */
#define RAM_WORD(type)                                                           \
	do {                                                                     \
		type v_;                                                         \
		if (into_ram) {                                                  \
			memcpy(&v_, src, sizeof(v_));                            \
			__atomic_store_n((type *)dst, v_, __ATOMIC_RELEASE);     \
		} else {                                                         \
			v_ = __atomic_load_n((const type *)src, __ATOMIC_ACQUIRE); \
			memcpy(dst, &v_, sizeof(v_));                            \
		}                                                                \
	} while (0)

static void ram_word(void *dst, const void *src, unsigned w, bool into_ram)
{
	switch (w) {
	case 8: RAM_WORD(uint64_t); break;
	case 4: RAM_WORD(uint32_t); break;
	case 2: RAM_WORD(uint16_t); break;
	default: RAM_WORD(uint8_t); break;
	}
}
#undef RAM_WORD

static void ram_get(const struct qemu_priv *p, uint64_t bus, uint8_t *out, size_t len)
{
	const uint8_t *at = p->ram + bus;

	for (size_t end = len; end;) {
		unsigned w = ram_width((uintptr_t)(at + end), end);
		end -= w;
		ram_word(out + end, at + end, w, false);
	}
}

static void ram_put(struct qemu_priv *p, uint64_t bus, const uint8_t *in, size_t len)
{
	uint8_t *at = p->ram + bus;

	for (size_t i = 0; i < len;) {
		unsigned w = ram_width((uintptr_t)(at + i), len - i);
		ram_word(at + i, in + i, w, true);
		i += w;
	}
	/* A store may pass a later load: the avail index published, then
	 * avail_event read (SPLIT-NOTIFY-DRV-1) needs the full barrier. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* DMA reads in order, sent together behind the posted writes: one wait
 * (with a piece longer than a b64read chunk, one read after the other). */
int qemu_dma_readv(struct vc_device *d, const struct vc_dma_piece *v, unsigned n)
{
	struct qemu_priv *p = d->priv;
	int rc, first = 0;
	unsigned queued = 0;

	for (unsigned i = 0; i < n; i++) {
		if (v[i].len && !ram_range_ok(v[i].bus, v[i].len))
			return -ERANGE;
		if (!p->ram && v[i].len > B64_CHUNK) {
			for (unsigned k = 0; k < n; k++)
				if ((rc = qemu_dma_read(d, v[k].bus, v[k].buf, v[k].len)))
					return rc;
			return 0;
		}
	}
	if (p->ram) {
		if ((rc = ram_read_ready(d)))
			return rc;
		for (unsigned i = 0; i < n; i++)
			ram_get(p, v[i].bus, v[i].buf, v[i].len);
		return 0;
	}
	if (p->dead)
		return -EIO;
	qemu_parts_pump(d);
	for (unsigned i = 0; i < n && !first; i++) {
		char cmd[64];
		if (!v[i].len)
			continue;
		snprintf(cmd, sizeof(cmd), "b64read 0x%" PRIx64 " 0x%zx", v[i].bus, v[i].len);
		if (!(first = qt_queue(d, cmd)))
			queued++;
	}
	if ((rc = qt_flush(d)))
		return rc;
	if ((rc = qt_collect(d)) && !first)
		first = rc;
	for (unsigned i = 0, k = 0; k < queued; i++) {
		const char *r;
		if (!v[i].len)
			continue;
		k++;
		if (p->dead)
			return first ? first : -EIO;
		if ((rc = qt_reply(d, &r)) || (rc = qemu_b64_decode(r, v[i].buf, v[i].len)))
			first = first ? first : rc;
	}
	return first;
}

int qemu_dma_read(struct vc_device *d, uint64_t bus, void *buf, size_t len)
{
	struct qemu_priv *p = d->priv;
	uint8_t *out = buf;
	int rc;

	if (!len)
		return 0;
	if (!ram_range_ok(bus, len))
		return -ERANGE;
	if (p->ram) {
		if ((rc = ram_read_ready(d)))
			return rc;
		ram_get(p, bus, out, len);
		return 0;
	}
	qemu_parts_pump(d);      /* the device's transmit path never waits on the harness */
	while (len) {
		size_t n = len < B64_CHUNK ? len : B64_CHUNK;
		const char *r;
		if ((rc = qt_cmdf(d, &r, "b64read 0x%" PRIx64 " 0x%zx", bus, n)))
			return rc;
		if ((rc = qemu_b64_decode(r, out, n)))
			return rc;
		bus += n;
		out += n;
		len -= n;
	}
	return 0;
}

/* Every byte of buf the same. */
static bool uniform(const uint8_t *buf, size_t len)
{
	return len && buf[0] == buf[len - 1] && memcmp(buf, buf + 1, len - 1) == 0;
}

/* Bytes into guest RAM. A piece of one repeated byte (the driver zeroing
 * what it allocates) goes as qtest's memset, a short line: the same bytes
 * land in RAM as with b64write, whose 4 KiB of base64 QEMU reads 1 KiB per
 * main-loop iteration. */
int qemu_dma_write(struct vc_device *d, uint64_t bus, const void *buf, size_t len)
{
	struct qemu_priv *p = d->priv;
	const uint8_t *in = buf;
	char *cmd;

	if (!len)
		return 0;
	if (!ram_range_ok(bus, len))
		return -ERANGE;
	if (p->ram && !p->queued && !p->posted) {
		if (p->dead)
			return -EIO;
		ram_put(p, bus, in, len);
		d->activity++;
		return 0;
	}
	if (!p->cmdbuf && !(p->cmdbuf = malloc(64 + (B64_CHUNK + 2) / 3 * 4 + 1)))
		return -ENOMEM;
	cmd = p->cmdbuf;
	while (len) {
		size_t n = len < B64_CHUNK ? len : B64_CHUNK;
		int rc;
		if (n >= 32 && uniform(in, n)) {
			rc = qt_postf(d, "memset 0x%" PRIx64 " 0x%zx 0x%x", bus, n, in[0]);
		} else {
			int k = snprintf(cmd, 64, "b64write 0x%" PRIx64 " 0x%zx ", bus, n);
			qemu_b64_encode(in, n, cmd + k);
			/* n >= 1 always encodes to >= 4 characters, so QEMU's "ERR
			 * invalid argument size" (< 3) cannot happen */
			rc = qt_post(d, cmd);
		}
		if (rc)
			return rc;
		bus += n;
		in += n;
		len -= n;
	}
	return 0;
}

/* ---- interrupts ---- */

/* The device's MSI write goes through its bus-master address space, so a
 * guest-RAM address receives the data word: that is the mailbox. */
int qemu_msix_message(struct vc_device *d, unsigned vector, uint64_t *addr, uint32_t *data)
{
	struct qemu_priv *p;

	if (vector >= MBOX_VECTORS)
		return -ERANGE;
	p = d->priv;
	*addr = MBOX_BASE + 4ull * vector;
	*data = MBOX_DATA(vector);
	if (vector >= p->mbox_n)
		p->mbox_n = vector + 1;
	return 0;
}

/* One look at the mailboxes: queue each vector whose slot was written, then
 * clear those slots. Through qtest, a message landing between the read and
 * the clear of the same slot is lost (the device model runs in QEMU's main
 * loop, as qtest does, so that needs a timer or an iothread); with the RAM
 * mapped here, each slot is taken and cleared in one exchange. */
static int poll_mailboxes(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	uint32_t slots[MBOX_VECTORS];
	int rc;

	if (!p->mbox_n)
		return 0;
	if (p->ram) {
		if ((rc = ram_read_ready(d)))
			return rc;
		for (unsigned v = 0; v < p->mbox_n; v++)
			if (__atomic_exchange_n((uint32_t *)(p->ram + MBOX_BASE) + v, 0, __ATOMIC_ACQ_REL))
				qemu_enqueue_irq(p, (int)v);
		return 0;
	}
	if ((rc = qemu_dma_read(d, MBOX_BASE, slots, 4u * p->mbox_n)))
		return rc;
	for (unsigned v = 0; v < p->mbox_n; v++) {
		if (!slots[v])
			continue;
		qemu_enqueue_irq(p, (int)v);
		if ((rc = qt_mem_write(d, MBOX_BASE + 4ull * v, 4, 0)))
			return rc;
	}
	return 0;
}

int qemu_irq_wait(struct vc_device *d, int timeout_ms, int *vector)
{
	struct qemu_priv *p = d->priv;
	int64_t deadline = qemu_now_ms() + (timeout_ms < 0 ? (int)d->timeout_ms : timeout_ms);
	unsigned looks = 0;
	int rc;

	for (;;) {
		if (p->npending) {
			*vector = p->pending[0];
			memmove(p->pending, p->pending + 1, --p->npending * sizeof(p->pending[0]));
			return 0;
		}
		if (p->dead)
			return -EIO;
		if ((rc = poll_mailboxes(d)))
			return rc;
		if (p->npending)
			continue;
		int64_t left = deadline - qemu_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		/* MSI-X needs polling RAM. Through qtest each look is a round
		 * trip, in which QEMU's main loop runs the device's bottom halves,
		 * so look again at once a few times, then every 1 ms; RAM mapped
		 * here is looked at as any memory (vc_poll_pause). INTx lines
		 * arrive on the socket by themselves. */
		int slice = 0;
		if (!p->mbox_n)
			slice = left > 100 ? 100 : (int)left;
		else if (p->ram)
			vc_poll_pause(looks);
		else if (looks >= 16)
			slice = 1;
		looks++;
		if ((rc = qemu_drain_async(d, slice)))
			return rc;
	}
}

/* The INTx lines raised so far are on the pending list already (they come
 * before the reply that followed them), the MSI-X messages in their
 * mailboxes: both emptied without a look, the mailboxes' clearing posted. */
int qemu_irq_forget(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	static const uint8_t zero[4 * MBOX_VECTORS];

	if (p->dead)
		return -EIO;
	p->npending = 0;
	return p->mbox_n ? qemu_dma_write(d, MBOX_BASE, zero, 4u * p->mbox_n) : 0;
}

/* QEMU runs the device models, their bottom halves and the qtest socket in
 * one main loop, and answers one command per loop iteration when the
 * harness waits for each reply. A device model writes its used entries and
 * sends its interrupt (an MSI-X write into RAM, or an ioapic line reported
 * on the socket before the reply that follows it) in the handler of the
 * notification or in a bottom half it schedules. So a few iterations after
 * the last access, whatever the device was going to do about it is done and
 * visible: tools/bench's used-after figure is 2 to 3 looks at the used
 * ring, the first in the doorbell's own iteration (split and packed rings,
 * on the models measured); the settle waits for the posted accesses, then
 * runs 4 iterations more. Work a device puts off on a timer is not covered, as no
 * fixed window covers it. */
#define SETTLE_ITERATIONS 4

int qemu_settle(struct vc_device *d)
{
	struct qemu_priv *p = d->priv;
	int rc;

	if (p->out_of_process)      /* its work is done elsewhere, on its own time */
		return qemu_parts_alive(d, true) ?: -ENOTSUP;
	/* the posted accesses first, in an iteration of their own, then the
	 * iterations counted from there */
	if ((rc = qt_sync(d)))
		return rc;
	for (unsigned i = 0; i < SETTLE_ITERATIONS; i++)
		if ((rc = qt_cmdf(d, NULL, "readb 0x%llx", MBOX_BASE)))
			return rc;
	return 0;
}
