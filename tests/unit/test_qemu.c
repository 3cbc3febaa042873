/* The qemu: backend against QEMU's own device models. Every test is skipped
 * (with the reason printed) when QEMU is not installed. The virtio driving is
 * done by hand here, so these tests prove the backend, not the transport layer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vc/device.h"

static bool have_qemu(void)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path)
		return false;
	for (const char *s = path; *s;) {
		size_t n = strcspn(s, ":");
		snprintf(buf, sizeof(buf), "%.*s/qemu-system-x86_64", (int)n, s);
		if (access(buf, X_OK) == 0)
			return true;
		s += n;
		if (*s)
			s++;
	}
	return false;
}

#define NEED_QEMU() do { \
	if (!have_qemu()) { \
		print_message("skipped: qemu-system-x86_64 is not on PATH " \
			      "(install qemu-system-x86)\n"); \
		skip(); \
	} \
} while (0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* QEMU processes that are children of this test process. */
static int qemu_children(void)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	int n = 0;

	assert_non_null(dir);
	while ((e = readdir(dir))) {
		char path[300], buf[512], comm[64];
		int pid, ppid;
		char state;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (fgets(buf, sizeof(buf), f) &&
		    sscanf(buf, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid) == 4 &&
		    ppid == getpid() && strncmp(comm, "qemu-system", 11) == 0)
			n++;
		fclose(f);
	}
	closedir(dir);
	return n;
}

static struct vc_device *open_ok(const char *spec)
{
	struct vc_device *d = NULL;
	char err[512] = "";
	int rc = vc_device_open(spec, &d, err, sizeof(err));

	if (rc)
		print_message("open %s: %d %s\n", spec, rc, err);
	assert_int_equal(rc, 0);
	assert_non_null(d);
	return d;
}

/* ---- a tiny hand-made virtio driver ---- */

struct where { unsigned bar; uint64_t off; };

struct drv {
	struct vc_device *d;
	struct where common, notify, isr;
	uint32_t mult;
	uint16_t msix_pos;
	uint64_t desc, avail, used, buf;
	uint16_t qsize;
};

static uint32_t cfg(struct vc_device *d, uint16_t off, unsigned w)
{
	uint32_t v = 0;

	assert_int_equal(vc_cfg_read(d, off, w, &v), 0);
	return v;
}

static void find_caps(struct drv *v, struct vc_device *d)
{
	memset(v, 0, sizeof(*v));
	v->d = d;
	v->common.bar = v->notify.bar = v->isr.bar = 99;
	assert_true(cfg(d, 0x06, 2) & 0x10);    /* capabilities list */
	unsigned guard = 0;
	for (unsigned pos = cfg(d, 0x34, 1) & 0xfc; pos; pos = cfg(d, pos + 1, 1) & 0xfc) {
		assert_true(++guard < 48);
		unsigned id = cfg(d, pos, 1);
		if (id == 0x11)
			v->msix_pos = (uint16_t)pos;
		if (id != 0x09)
			continue;
		unsigned type = cfg(d, pos + 3, 1);
		struct where w = { cfg(d, pos + 4, 1), cfg(d, pos + 8, 4) };
		if (type == 1 && v->common.bar == 99)
			v->common = w;
		if (type == 2 && v->notify.bar == 99) {
			v->notify = w;
			v->mult = cfg(d, pos + 16, 4);
		}
		if (type == 3 && v->isr.bar == 99)
			v->isr = w;
	}
	assert_int_not_equal(v->common.bar, 99);
	assert_int_not_equal(v->notify.bar, 99);
	assert_int_not_equal(v->isr.bar, 99);
}

static uint64_t rd(struct drv *v, struct where w, uint64_t off, unsigned width)
{
	uint64_t val = 0;

	assert_int_equal(vc_bar_read(v->d, w.bar, w.off + off, width, &val), 0);
	return val;
}

static void wr(struct drv *v, struct where w, uint64_t off, unsigned width, uint64_t val)
{
	assert_int_equal(vc_bar_write(v->d, w.bar, w.off + off, width, val), 0);
}

enum { DFSEL = 0, DF = 4, GFSEL = 8, GF = 12, MSIXCFG = 0x10, NUMQ = 0x12, STATUS = 0x14,
       QSEL = 0x16, QSIZE = 0x18, QMSIX = 0x1a, QENABLE = 0x1c, QNOFF = 0x1e,
       QDESC = 0x20, QDRIVER = 0x28, QDEVICE = 0x30 };

/* Queue 0 memory: one 64-byte device-writable descriptor, made available. */
static int ring_alloc(struct drv *v)
{
	struct vc_device *d = v->d;
	uint8_t desc[16] = { 0 }, avail[6] = { 0 };

	if (d->ops->dma_alloc(d, 16u * v->qsize, &v->desc) ||
	    d->ops->dma_alloc(d, 6u + 2u * v->qsize, &v->avail) ||
	    d->ops->dma_alloc(d, 6u + 8u * v->qsize, &v->used) ||
	    d->ops->dma_alloc(d, 64, &v->buf))
		return -1;
	for (int i = 0; i < 8; i++)
		desc[i] = (uint8_t)(v->buf >> (8 * i));
	desc[8] = 64;                    /* len */
	desc[12] = 2;                    /* VRING_DESC_F_WRITE */
	avail[2] = 1;                    /* idx = 1, ring[0] = 0 */
	if (d->ops->dma_write(d, v->desc, desc, sizeof(desc)) ||
	    d->ops->dma_write(d, v->avail, avail, sizeof(avail)))
		return -1;
	return 0;
}

/* Reset, negotiate VERSION_1 only, set up queue 0 with one 64-byte
 * device-writable buffer, DRIVER_OK. */
static void drv_setup(struct drv *v)
{
	wr(v, v->common, STATUS, 1, 0);
	assert_int_equal(rd(v, v->common, STATUS, 1), 0);
	wr(v, v->common, STATUS, 1, 1 | 2);
	wr(v, v->common, DFSEL, 4, 1);
	assert_true(rd(v, v->common, DF, 4) & 1);          /* VERSION_1 offered */
	wr(v, v->common, GFSEL, 4, 0);
	wr(v, v->common, GF, 4, 0);
	wr(v, v->common, GFSEL, 4, 1);
	wr(v, v->common, GF, 4, 1);
	wr(v, v->common, STATUS, 1, 1 | 2 | 8);
	assert_int_equal(rd(v, v->common, STATUS, 1), 1 | 2 | 8);

	wr(v, v->common, QSEL, 2, 0);
	v->qsize = (uint16_t)rd(v, v->common, QSIZE, 2);
	assert_true(v->qsize > 0);
	assert_int_equal(ring_alloc(v), 0);
}

static void drv_enable(struct drv *v)
{
	wr(v, v->common, QDESC, 4, (uint32_t)v->desc);
	wr(v, v->common, QDESC + 4, 4, v->desc >> 32);
	wr(v, v->common, QDRIVER, 4, (uint32_t)v->avail);
	wr(v, v->common, QDRIVER + 4, 4, v->avail >> 32);
	wr(v, v->common, QDEVICE, 4, (uint32_t)v->used);
	wr(v, v->common, QDEVICE + 4, 4, v->used >> 32);
	wr(v, v->common, QENABLE, 2, 1);
	wr(v, v->common, STATUS, 1, 1 | 2 | 8 | 4);
}

/* Ring the doorbell and wait for the used ring's idx to reach 1. */
static void drv_kick_and_wait(struct drv *v)
{
	uint64_t noff = rd(v, v->common, QNOFF, 2);
	wr(v, v->notify, noff * v->mult, 2, 0);

	double deadline = now_s() + 2.0;
	uint8_t used[8] = { 0 };
	for (;;) {
		assert_int_equal(v->d->ops->dma_read(v->d, v->used, used, sizeof(used)), 0);
		if ((used[2] | used[3] << 8) == 1)
			break;
		assert_true(now_s() < deadline);
	}
	uint8_t elem[8];
	assert_int_equal(v->d->ops->dma_read(v->d, v->used + 4, elem, sizeof(elem)), 0);
	assert_int_equal(elem[0] | elem[1] << 8, 0);                  /* id: descriptor 0 */
	assert_int_equal(elem[4] | elem[5] << 8 | elem[6] << 16, 64); /* len written */
}

/* ---- tests ---- */

static void test_missing_qemu(void **state)
{
	(void)state;
	struct vc_device *d = NULL;
	char err[512] = "";

	setenv("VC_QEMU", "/nonexistent/qemu-system-x86_64", 1);
	int rc = vc_device_open("qemu:virtio-rng-pci", &d, err, sizeof(err));
	unsetenv("VC_QEMU");
	assert_int_equal(rc, -ENOENT);
	assert_null(d);
	assert_non_null(strstr(err, "not found"));
	assert_non_null(strstr(err, "VC_QEMU"));
	assert_null(strchr(err, '\n'));
}

static void test_ids_and_bars(void **state)
{
	(void)state;
	NEED_QEMU();
	double t0 = now_s();
	struct vc_device *d = open_ok("qemu:virtio-rng-pci");
	double t1 = now_s();
	print_message("QEMU start + setup: %.1f ms, %llu round trips\n", (t1 - t0) * 1e3,
		      (unsigned long long)d->round_trips);

	assert_string_equal(d->backend, "qemu");
	assert_string_equal(d->spec, "qemu:virtio-rng-pci");
	assert_true(vc_has(d, VC_CFG_WRITE | VC_BAR_READ | VC_BAR_WRITE | VC_DMA | VC_IRQ | VC_BAR_SIZES));
	assert_int_equal(d->cfg_size, 4096);
	assert_int_equal(cfg(d, 0, 2), 0x1af4);
	assert_int_equal(cfg(d, 2, 2), 0x1044);
	assert_int_equal(cfg(d, 0, 4), 0x10441af4);
	assert_int_equal(cfg(d, 1, 1), 0x1a);                 /* sub-dword reads */
	assert_int_equal(cfg(d, 3, 1), 0x10);
	assert_int_equal(cfg(d, 4, 2) & 7, 7);                /* mem, I/O, bus master */
	/* the modern BAR (4, 64-bit) and the MSI-X BAR (1) */
	assert_true(d->bar[4].size >= 0x4000);
	assert_true(d->bar[4].is_64);
	assert_true(d->bar[1].size >= 0x1000);
	for (unsigned i = 0; i < VC_NUM_BARS; i++) {
		if (d->bar[i].size)
			assert_int_equal(d->bar[i].size & (d->bar[i].size - 1), 0);
	}
	/* out of range and misaligned requests never reach QEMU */
	uint32_t v;
	uint64_t q;
	assert_int_equal(vc_cfg_read(d, 4096, 1, &v), -ERANGE);
	assert_int_equal(vc_cfg_read(d, 2, 4, &v), -ERANGE);
	assert_int_equal(vc_bar_read(d, 4, d->bar[4].size, 1, &q), -ERANGE);
	assert_int_equal(vc_bar_read(d, 0, 0, 4, &q), -ERANGE);
	assert_int_equal(vc_cfg_read(d, 0, 4, &v), 0);         /* still alive */
	vc_device_close(d);
}

/* Whether this process holds the CPU wake-up latency request open. */
static bool holds_cpu_latency(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	bool found = false;
	char path[300], target[64];

	while (dir && !found && (e = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		found = n > 0 && (size_t)n == strlen("/dev/cpu_dma_latency") &&
			!memcmp(target, "/dev/cpu_dma_latency", (size_t)n);
	}
	if (dir)
		closedir(dir);
	return found;
}

/* While a device is open, idle CPUs are asked to poll (wake-up latency 0):
 * held by the open device, let go at its close; VC_CPU_AWAKE=0 asks nothing. */
static void test_cpus_kept_awake_while_open(void **state)
{
	(void)state;
	NEED_QEMU();
	if (access("/dev/cpu_dma_latency", W_OK)) {
		print_message("skipped: /dev/cpu_dma_latency is not writable here\n");
		skip();
	}
	unsetenv("VC_CPU_AWAKE");
	struct vc_device *d = open_ok("qemu:virtio-rng-pci");
	assert_true(holds_cpu_latency());
	vc_device_close(d);
	assert_false(holds_cpu_latency());
	setenv("VC_CPU_AWAKE", "0", 1);
	d = open_ok("qemu:virtio-rng-pci");
	assert_false(holds_cpu_latency());
	vc_device_close(d);
	unsetenv("VC_CPU_AWAKE");
}

/* A batch of dword reads over config space gives what the same reads one
 * by one give; a contiguous run of them is one qtest command. */
static void test_config_space_batch(void **state)
{
	(void)state;
	NEED_QEMU();
	struct vc_device *d = open_ok("qemu:virtio-net-pci");
	static struct vc_access whole[1024], part[3];

	for (unsigned i = 0; i < 1024; i++)
		whole[i] = (struct vc_access){ .width = 4, .off = 4 * i, .cfg = true };
	uint64_t trips = d->round_trips;
	assert_int_equal(vc_batch(d, whole, 1024), 0);
	assert_int_equal(d->round_trips - trips, 1);
	for (unsigned i = 0; i < 1024; i++)
		assert_int_equal(whole[i].val, cfg(d, (uint16_t)(4 * i), 4));
	/* from the middle on, and with a gap (access by access) */
	for (unsigned k = 0; k < 2; k++) {
		for (unsigned i = 0; i < 3; i++)
			part[i] = (struct vc_access){ .width = 4, .off = 0x40 + 4 * i + (k && i == 2 ? 4 : 0), .cfg = true };
		assert_int_equal(vc_batch(d, part, 3), 0);
		for (unsigned i = 0; i < 3; i++)
			assert_int_equal(part[i].val, whole[part[i].off / 4].val);
	}
	vc_device_close(d);
}

static void test_common_cfg(void **state)
{
	(void)state;
	NEED_QEMU();
	struct vc_device *d = open_ok("qemu:virtio-rng-pci");
	struct drv v;

	find_caps(&v, d);
	assert_int_equal(rd(&v, v.common, NUMQ, 2), 1);
	wr(&v, v.common, DFSEL, 4, 1);
	assert_int_equal(rd(&v, v.common, DFSEL, 4), 1);
	assert_true(rd(&v, v.common, DF, 4) & 1);             /* VERSION_1 */
	assert_true(v.mult > 0);
	/* 8-byte BAR access works too (queue_desc is 64-bit) */
	wr(&v, v.common, QSEL, 2, 0);
	uint64_t q;
	assert_int_equal(vc_bar_read(d, v.common.bar, v.common.off + QDESC, 8, &q), 0);
	vc_device_close(d);
}

/* DMA both ways guest RAM is reached: mapped by the harness too (the
 * default: no qtest command) and through qtest (VC_QEMU_RAM=qtest: one
 * command each way). The same bytes either way. */
static void dma_round_trip(const char *ram)
{
	setenv("VC_QEMU_RAM", ram, 1);
	struct vc_device *d = open_ok("qemu:virtio-rng-pci");
	unsetenv("VC_QEMU_RAM");
	bool mapped = strcmp(ram, "qtest") != 0;
	uint8_t out[5000], in[5000];
	uint64_t bus, bus2;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(d->ops->dma_alloc(d, sizeof(out), &bus), 0);
	assert_int_equal(bus % 4096, 0);
	memset(in, 0xaa, sizeof(in));
	assert_int_equal(d->ops->dma_read(d, bus, in, sizeof(in)), 0);
	for (size_t i = 0; i < sizeof(in); i++)
		assert_int_equal(in[i], 0);                       /* zeroed */
	uint64_t rt = d->round_trips;
	assert_int_equal(d->ops->dma_write(d, bus, out, sizeof(out)), 0);
	assert_int_equal(d->ops->dma_read(d, bus, in, sizeof(in)), 0);
	assert_int_equal(d->round_trips - rt, mapped ? 0 : 2);
	assert_memory_equal(in, out, sizeof(out));
	/* mapped: a write behind a posted access goes behind it through qtest,
	 * and reads back the same */
	struct drv v;
	find_caps(&v, d);
	rt = d->round_trips;
	wr(&v, v.common, STATUS, 1, rd(&v, v.common, STATUS, 1));
	out[0] ^= 0xff;
	assert_int_equal(d->ops->dma_write(d, bus, out, 16), 0);
	assert_int_equal(d->ops->dma_read(d, bus, in, 16), 0);
	assert_int_equal(d->round_trips - rt, mapped ? 3 : 4);
	assert_memory_equal(in, out, 16);
	/* odd lengths and offsets */
	assert_int_equal(d->ops->dma_write(d, bus + 1, out, 1), 0);
	assert_int_equal(d->ops->dma_read(d, bus + 1, in, 2), 0);
	assert_int_equal(in[0], out[0]);
	assert_int_equal(in[1], out[2]);
	/* a large transfer spans several commands */
	size_t big = 300000;
	uint8_t *b1 = malloc(big), *b2 = malloc(big);
	assert_non_null(b1);
	assert_non_null(b2);
	for (size_t i = 0; i < big; i++)
		b1[i] = (uint8_t)(i ^ (i >> 8));
	assert_int_equal(d->ops->dma_alloc(d, big, &bus2), 0);
	assert_true(bus2 >= bus + sizeof(out));
	assert_int_equal(d->ops->dma_write(d, bus2 + 3, b1, big - 3), 0);
	assert_int_equal(d->ops->dma_read(d, bus2 + 3, b2, big - 3), 0);
	assert_memory_equal(b1, b2, big - 3);
	free(b1);
	free(b2);
	/* outside guest RAM */
	assert_int_equal(d->ops->dma_read(d, 0x10000000, in, 4), -ERANGE);
	assert_int_not_equal(d->ops->dma_read(d, UINT64_MAX - 2, in, 4), 0);
	vc_device_close(d);
}

static void test_dma_round_trip(void **state)
{
	(void)state;
	NEED_QEMU();
	dma_round_trip("mapped");
	dma_round_trip("qtest");
}

static void test_entropy_request(void **state)
{
	(void)state;
	NEED_QEMU();
	struct vc_device *d = open_ok("qemu:virtio-rng-pci");
	struct drv v;
	uint8_t data[64];

	find_caps(&v, d);
	uint64_t rt0 = d->round_trips;
	double t0 = now_s();
	drv_setup(&v);
	drv_enable(&v);
	drv_kick_and_wait(&v);
	assert_int_equal(d->ops->dma_read(d, v.buf, data, sizeof(data)), 0);
	double t1 = now_s();
	print_message("entropy request: %llu round trips, %.2f ms\n",
		      (unsigned long long)(d->round_trips - rt0), (t1 - t0) * 1e3);
	unsigned nonzero = 0;
	for (size_t i = 0; i < sizeof(data); i++)
		nonzero += data[i] != 0;
	assert_true(nonzero > 32);                             /* random bytes, not zeros */
	/* INTx: MSI-X is off, so the used buffer raised the pin; reading ISR lowers it */
	int vec = 99;
	assert_int_equal(d->ops->irq_wait(d, 1000, &vec), 0);
	assert_int_equal(vec, -1);
	assert_int_equal(rd(&v, v.isr, 0, 1) & 1, 1);
	assert_int_equal(rd(&v, v.isr, 0, 1), 0);              /* read clears */
	assert_int_equal(d->ops->irq_wait(d, 50, &vec), -ETIMEDOUT);
	vc_device_close(d);
}

static void test_msix_mailbox(void **state)
{
	(void)state;
	NEED_QEMU();
	struct vc_device *d = open_ok("qemu:virtio-rng-pci");
	struct drv v;
	uint64_t addr;
	uint32_t data;

	find_caps(&v, d);
	assert_int_not_equal(v.msix_pos, 0);
	uint32_t tbl = cfg(d, v.msix_pos + 4, 4);
	unsigned bir = tbl & 7;
	uint64_t toff = tbl & ~7u;
	assert_true(d->bar[bir].size > 0);
	assert_int_equal(d->ops->msix_message(d, 1, &addr, &data), 0);
	assert_int_equal(d->ops->msix_message(d, 2048, &addr, &data), -ERANGE);
	/* table entry 1: address, data, unmasked; then MSI-X enable */
	assert_int_equal(vc_bar_write(d, bir, toff + 16 + 0, 4, (uint32_t)addr), 0);
	assert_int_equal(vc_bar_write(d, bir, toff + 16 + 4, 4, addr >> 32), 0);
	assert_int_equal(vc_bar_write(d, bir, toff + 16 + 8, 4, data), 0);
	assert_int_equal(vc_bar_write(d, bir, toff + 16 + 12, 4, 0), 0);
	uint32_t ctl = cfg(d, v.msix_pos + 2, 2);
	assert_int_equal(vc_cfg_write(d, v.msix_pos + 2, 2, (ctl | 0x8000) & ~0x4000u), 0);

	drv_setup(&v);
	wr(&v, v.common, QMSIX, 2, 1);
	assert_int_equal(rd(&v, v.common, QMSIX, 2), 1);
	drv_enable(&v);
	drv_kick_and_wait(&v);
	int vec = 99;
	assert_int_equal(d->ops->irq_wait(d, 1000, &vec), 0);
	assert_int_equal(vec, 1);
	assert_int_equal(d->ops->irq_wait(d, 50, &vec), -ETIMEDOUT);  /* consumed once */
	vc_device_close(d);
}

static void test_offline_conveniences(void **state)
{
	(void)state;
	NEED_QEMU();
	static const struct { const char *spec; unsigned id; } devs[] = {
		{ "qemu:virtio-net-pci", 0x1041 },
		{ "qemu:virtio-blk-pci", 0x1042 },
		{ "qemu:virtio-net-pci,packed=on,addr=0x6", 0x1041 },
		{ "qemu:virtio-scsi-pci", 0x1048 },
		{ "qemu:virtio-balloon-pci", 0x1045 },
		{ "qemu:virtio-rng-pci-non-transitional", 0x1044 },
	};
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		struct vc_device *d = open_ok(devs[i].spec);
		assert_int_equal(cfg(d, 2, 2), devs[i].id);
		if (strstr(devs[i].spec, "addr=0x6"))
			assert_non_null(strstr(d->location, "00:06.0"));
		vc_device_close(d);
	}
	assert_int_equal(qemu_children(), 0);
}

static void test_bad_device(void **state)
{
	(void)state;
	NEED_QEMU();
	struct vc_device *d = NULL;
	char err[512] = "";

	int rc = vc_device_open("qemu:virtio-nonesuch-pci", &d, err, sizeof(err));
	assert_int_equal(rc, -EINVAL);
	assert_null(d);
	print_message("bad device: %s\n", err);
	assert_non_null(strstr(err, "not a valid device model name"));
	assert_int_equal(qemu_children(), 0);

	rc = vc_device_open("qemu:virtio-rng-pci,bogus=1", &d, err, sizeof(err));
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(err, "bogus"));
	assert_int_equal(qemu_children(), 0);

	rc = vc_device_open("qemu:", &d, err, sizeof(err));
	assert_int_equal(rc, -EINVAL);
	rc = vc_device_open("qemu:virtio rng", &d, err, sizeof(err));
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(qemu_children(), 0);
}

/* The temp dir, from QEMU's own command line (-bios DIR/hlt.bin). */
static void qemu_dir(long pid, char *dir, size_t len)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	dir[0] = 0;
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
		if (strcmp(buf + i, "-bios") == 0 && i + 6 < n) {
			snprintf(dir, len, "%s", buf + i + 6);
			*strrchr(dir, '/') = 0;
		}
	}
	assert_true(dir[0] != 0);
}

static void test_close_reaps(void **state)
{
	(void)state;
	NEED_QEMU();
	struct vc_device *d = open_ok("qemu:virtio-rng-pci");
	long pid = vc_qemu_pid(d);
	char dir[256];
	struct stat st;

	assert_true(pid > 0);
	assert_int_equal(kill((pid_t)pid, 0), 0);
	qemu_dir(pid, dir, sizeof(dir));
	/* gone as soon as QEMU runs, so even a SIGKILLed harness leaves nothing */
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(qemu_children(), 1);
	vc_device_close(d);
	/* reaped, not a zombie: the pid is gone entirely */
	assert_int_equal(kill((pid_t)pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(qemu_children(), 0);
}

static void test_killed_underneath(void **state)
{
	(void)state;
	NEED_QEMU();
	struct vc_device *d = open_ok("qemu:virtio-rng-pci");
	long pid = vc_qemu_pid(d);
	uint32_t v;
	uint64_t q, bus;
	int vec;

	assert_int_equal(vc_cfg_read(d, 0, 4, &v), 0);
	assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
	double t0 = now_s();
	assert_int_not_equal(vc_cfg_read(d, 0, 4, &v), 0);
	assert_int_not_equal(vc_bar_read(d, 4, 0, 4, &q), 0);
	assert_int_not_equal(vc_bar_write(d, 4, 0, 4, 0), 0);
	assert_int_not_equal(d->ops->dma_alloc(d, 64, &bus), 0);
	assert_int_not_equal(d->ops->irq_wait(d, 5000, &vec), 0);
	assert_true(now_s() - t0 < 1.0);                       /* failed fast, no hang */
	assert_non_null(strstr(d->note, "lost"));
	vc_device_close(d);
	assert_int_equal(qemu_children(), 0);
}

static void test_stopped_times_out(void **state)
{
	(void)state;
	NEED_QEMU();
	struct vc_device *d = open_ok("qemu:virtio-rng-pci");
	long pid = vc_qemu_pid(d);
	uint32_t v;

	d->timeout_ms = 300;
	assert_int_equal(kill((pid_t)pid, SIGSTOP), 0);
	double t0 = now_s();
	assert_int_equal(vc_cfg_read(d, 0, 4, &v), -ETIMEDOUT);
	double t1 = now_s();
	assert_true(t1 - t0 >= 0.25 && t1 - t0 < 1.0);
	assert_int_equal(vc_cfg_read(d, 0, 4, &v), -EIO);      /* dead from now on, at once */
	assert_true(now_s() - t1 < 0.05);
	vc_device_close(d);                                    /* kills even a stopped QEMU */
	assert_int_equal(kill((pid_t)pid, 0), -1);
	assert_int_equal(qemu_children(), 0);
}

static void test_not_qemu(void **state)
{
	(void)state;
	assert_int_equal(vc_qemu_pid(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_qemu),
		cmocka_unit_test(test_missing_qemu),
		cmocka_unit_test(test_ids_and_bars),
		cmocka_unit_test(test_config_space_batch),
		cmocka_unit_test(test_cpus_kept_awake_while_open),
		cmocka_unit_test(test_common_cfg),
		cmocka_unit_test(test_dma_round_trip),
		cmocka_unit_test(test_entropy_request),
		cmocka_unit_test(test_msix_mailbox),
		cmocka_unit_test(test_offline_conveniences),
		cmocka_unit_test(test_bad_device),
		cmocka_unit_test(test_close_reaps),
		cmocka_unit_test(test_killed_underneath),
		cmocka_unit_test(test_stopped_times_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
