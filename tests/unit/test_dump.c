/* The dump parser on real lspci captures, raw binary and broken inputs, the
 * dump backend end to end, and the read-only sysfs backend where the host
 * has the device. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "vc/device.h"
#include "vc/dump.h"

struct parsed {
	int rc;
	uint8_t cfg[4096];
	unsigned size;
	struct vc_bar_info bars[VC_NUM_BARS];
	bool sizes;
	char loc[256];
	char err[512];
};

static char *fixture_path(const char *name)
{
	static char path[1024];
	const char *dir = getenv("VC_FIXTURES");

	snprintf(path, sizeof(path), "%s/dumps/%s", dir ? dir : "fixtures", name);
	return path;
}

static char *slurp(const char *name, size_t *len)
{
	FILE *f = fopen(fixture_path(name), "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void parse_mem(const char *buf, size_t len, struct parsed *p)
{
	memset(p, 0x5a, sizeof(*p));
	p->rc = vc_dump_parse(buf, len, p->cfg, &p->size, p->bars, &p->sizes, p->loc,
			      sizeof(p->loc), p->err, sizeof(p->err));
	if (p->rc == 0) {
		assert_true(p->size == 64 || p->size == 256 || p->size == 4096);
		for (unsigned i = p->size; i < 4096; i++)
			assert_int_equal(p->cfg[i], 0);
	} else {
		/* Every failure says something, on one line. */
		assert_int_equal(p->rc, -EBADMSG);
		assert_true(strlen(p->err) > 10);
		assert_null(strchr(p->err, '\n'));
	}
}

static void parse_file(const char *name, struct parsed *p)
{
	size_t len;
	char *buf = slurp(name, &len);

	parse_mem(buf, len, p);
	free(buf);
}

static void check_firecracker(const struct parsed *p, uint16_t device, const char *bdf)
{
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->size, 256);
	assert_int_equal(p->cfg[0] | p->cfg[1] << 8, 0x1af4);
	assert_int_equal(p->cfg[2] | p->cfg[3] << 8, device);
	assert_int_equal(p->cfg[0x34], 0x40);            /* capabilities pointer */
	assert_true(p->sizes);
	assert_int_equal(p->bars[0].size, 512 * 1024);
	assert_true(p->bars[0].is_64);
	assert_false(p->bars[0].is_io);
	for (int i = 1; i < VC_NUM_BARS; i++)
		assert_int_equal(p->bars[i].size, 0);
	assert_memory_equal(p->loc, bdf, strlen(bdf));
}

static void test_real_dumps(void **state)
{
	static const struct { const char *file; uint16_t device; const char *bdf; } t[] = {
		{ "firecracker-balloon-1045.lspci.txt", 0x1045, "00:01.0 " },
		{ "firecracker-blk-1042.lspci.txt", 0x1042, "00:02.0 Mass storage controller: " },
		{ "firecracker-net-1041.lspci.txt", 0x1041, "00:03.0 Ethernet controller: " },
		{ "firecracker-vsock-1053.lspci.txt", 0x1053, "00:04.0 " },
		{ "firecracker-rng-1044.lspci.txt", 0x1044, "00:05.0 " },
	};
	struct parsed *p = malloc(sizeof(*p));

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		parse_file(t[i].file, p);
		check_firecracker(p, t[i].device, t[i].bdf);
	}
	free(p);
}

static void test_xxx_and_x_and_nonroot(void **state)
{
	struct parsed *p = malloc(sizeof(*p));

	(void)state;
	parse_file("firecracker-blk-1042.xxx.txt", p);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->size, 256);
	assert_false(p->sizes);                /* no -v: no Region lines */
	assert_int_equal(p->bars[0].size, 0);
	assert_int_equal(p->cfg[0x98], 0x11);  /* MSI-X */

	parse_file("firecracker-blk-1042.x.txt", p);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->size, 64);
	assert_int_equal(p->cfg[0], 0xf4);

	/* lspci -vvv -xxxx as a non-root user: 64 bytes, but Region lines. */
	parse_file("firecracker-blk-1042.nonroot.lspci.txt", p);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->size, 64);
	assert_true(p->sizes);
	assert_int_equal(p->bars[0].size, 512 * 1024);
	free(p);
}

static void test_raw_binary_matches_text(void **state)
{
	struct parsed *bin = malloc(sizeof(*bin)), *txt = malloc(sizeof(*txt));

	(void)state;
	parse_file("firecracker-blk-1042.config.bin", bin);
	parse_file("firecracker-blk-1042.lspci.txt", txt);
	assert_int_equal(bin->rc, 0);
	assert_int_equal(bin->size, 256);
	assert_false(bin->sizes);
	assert_string_equal(bin->loc, "");
	assert_memory_equal(bin->cfg, txt->cfg, 4096);
	free(bin);
	free(txt);
}

static void test_extended_4096(void **state)
{
	struct parsed *p = malloc(sizeof(*p));

	(void)state;
	parse_file("synthetic-blk-ext4096.lspci.txt", p);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->size, 4096);
	assert_true(p->sizes);
	assert_int_equal(p->cfg[0x42], 0x10);
	free(p);
}

static void expect_error(const char *file, const char *needle)
{
	struct parsed *p = malloc(sizeof(*p));

	parse_file(file, p);
	if (p->rc != -EBADMSG || !strstr(p->err, needle))
		fail_msg("%s: rc %d, err '%s', wanted '%s'", file, p->rc, p->err, needle);
	free(p);
}

static void test_malformed_files(void **state)
{
	(void)state;
	expect_error("bad-empty.txt", "empty");
	expect_error("bad-truncated-line.txt", "line 28: only 7 of 16 bytes");
	expect_error("bad-short-dump.txt", "line 29: the hex dump stops at offset 90");
	expect_error("bad-gap.txt", "line 26: hex line at offset 60 where 50 was expected");
	expect_error("bad-non-hex-byte.txt", "line 25: '1g' is not a hex byte");
	expect_error("bad-garbage.txt", "no hex lines");
	expect_error("bad-two-devices.txt", "more than one device");
	expect_error("bad-two-devices.txt", "lspci -s BDF -vvv -xxxx");
	expect_error("bad-binary-100.bin", "binary data of 100 bytes");
}

static void expect_mem_error(const char *text, const char *needle)
{
	struct parsed *p = malloc(sizeof(*p));

	parse_mem(text, strlen(text), p);
	if (p->rc != -EBADMSG || !strstr(p->err, needle))
		fail_msg("rc %d, err '%s', wanted '%s'", p->rc, p->err, needle);
	free(p);
}

/* 64 bytes of hex lines for a made-up device, with optional lines spliced in. */
static char *hex64(const char *before)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s"
		 "00: f4 1a 41 10 06 04 10 00 01 00 00 02 00 00 00 00\n"
		 "10: 04 00 10 00 40 00 00 00 01 c0 00 00 00 00 00 00\n"
		 "20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 41 10\n"
		 "30: 00 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00\n", before);
	return buf;
}

static void test_in_memory_cases(void **state)
{
	struct parsed *p = malloc(sizeof(*p));
	char *big;

	(void)state;
	/* headerless hex is fine, location stays empty */
	parse_mem(hex64(""), strlen(hex64("")), p);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->size, 64);
	assert_string_equal(p->loc, "");
	assert_false(p->sizes);

	/* every Region form lspci prints */
	const char *regions =
		"0000:00:03.0 Ethernet controller: Red Hat, Inc. Virtio network device\n"
		"\tRegion 0: Memory at 4000100000 (64-bit, prefetchable) [size=16K]\n"
		"\tRegion 2: I/O ports at c000 [size=64]\n"
		"\tRegion 3: Memory at fe000000 (32-bit, non-prefetchable) [disabled] [size=8M]\n"
		"\tRegion 4: Memory at <unassigned> (64-bit, prefetchable) [virtual] [size=1G]\n"
		"\tExpansion ROM at fe800000 [disabled] [size=256K]\n"
		"\tCapabilities: [40] SR-IOV\n"
		"\t\tRegion 1: Memory at 0000000080000000 (64-bit, prefetchable) [size=2T]\n";
	parse_mem(hex64(regions), strlen(hex64(regions)), p);
	assert_int_equal(p->rc, 0);
	assert_true(p->sizes);
	assert_string_equal(p->loc, "0000:00:03.0 Ethernet controller: Red Hat, Inc. Virtio network device");
	assert_int_equal(p->bars[0].size, 16 * 1024);
	assert_true(p->bars[0].is_64);
	assert_int_equal(p->bars[1].size, 0);   /* the VF BAR line is not BAR 1 */
	assert_int_equal(p->bars[2].size, 64);
	assert_true(p->bars[2].is_io);
	assert_false(p->bars[2].is_64);
	assert_int_equal(p->bars[3].size, 8u << 20);
	assert_false(p->bars[3].is_64);
	assert_int_equal(p->bars[4].size, 1ull << 30);
	assert_int_equal(p->bars[5].size, 0);

	/* a Region line without a size: no sizes claimed at all */
	const char *nosize = "00:03.0 Ethernet controller: x\n"
		"\tRegion 0: Memory at 4000100000 (64-bit, prefetchable)\n"
		"\tRegion 2: I/O ports at c000 [size=64]\n";
	parse_mem(hex64(nosize), strlen(hex64(nosize)), p);
	assert_int_equal(p->rc, 0);
	assert_false(p->sizes);
	assert_int_equal(p->bars[2].size, 0);

	/* CRLF line ends, a UTF-8 BOM and pasted-in indentation are tolerated */
	{
		size_t len;
		char *txt = slurp("firecracker-blk-1042.lspci.txt", &len);
		char *crlf = malloc(len * 2 + 8), *q = crlf;
		q += sprintf(q, "\xef\xbb\xbf");
		for (size_t i = 0; i < len; i++) {
			if (txt[i] == '\n')
				*q++ = '\r';
			*q++ = txt[i];
		}
		parse_mem(crlf, (size_t)(q - crlf), p);
		check_firecracker(p, 0x1042, "00:02.0 Mass storage");
		free(crlf);
		free(txt);
	}
	const char *indented =
		"  00: f4 1a 41 10 06 04 10 00 01 00 00 02 00 00 00 00\n"
		"  10: 04 00 10 00 40 00 00 00 01 c0 00 00 00 00 00 00\n"
		"  20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 41 10\n"
		"  30: 00 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00";
	parse_mem(indented, strlen(indented), p);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->cfg[0x3c], 0);

	expect_mem_error("\xff\xfe" "0\0" "0\0", "UTF-16");
	expect_mem_error("00:02.0 Mass storage controller: x\n\tRegion 0: Memory at 0 [size=4K]\n",
			 "no config-space hex lines");
	expect_mem_error(hex64("00:02.0 x\n10: 00\n"), "line 2: hex line at offset 10 where 00");
	expect_mem_error("00: f4 1a 41 10 06 04 10 00 01 00 00 02 00 00 00 00 00\n",
			 "line 1: more than 16 bytes");
	expect_mem_error("00: f4 1a 41 10 06 04 10 00 01 00 00 02 00 00 00 00\nhello\n",
			 "line 2: 'hello' inside the hex dump");
	expect_mem_error("00: f4 1a 41 10 06 04 10 00 01 00 00 02 00 00 00 00\n\n"
			 "10: 04 00 10 00 40 00 00 00 01 c0 00 00 00 00 00 00\n",
			 "line 3: the hex dump resumes at offset 10");
	expect_mem_error("00: f4 1a 41 10 06 04 10 00 01 00 00 02 00 00 00 00\n"
			 "00: f4 1a 41 10 06 04 10 00 01 00 00 02 00 00 00 00\n",
			 "line 2: a second config-space dump");

	/* too big: refused before looking */
	big = malloc(VC_DUMP_MAX_BYTES + 1);
	memset(big, ' ', VC_DUMP_MAX_BYTES + 1);
	parse_mem(big, VC_DUMP_MAX_BYTES + 1, p);
	assert_int_equal(p->rc, -EBADMSG);
	assert_non_null(strstr(p->err, "1 MiB"));
	free(big);

	/* raw binary of each allowed size */
	uint8_t raw[4096] = { 0xf4, 0x1a, 0x42, 0x10 };
	parse_mem((const char *)raw, 64, p);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->size, 64);
	parse_mem((const char *)raw, 4096, p);
	assert_int_equal(p->size, 4096);
	parse_mem((const char *)raw, 255, p);
	assert_int_equal(p->rc, -EBADMSG);
	free(p);
}

/* Cheap fuzzing: every prefix of a real dump and random byte mutations must
 * give a clean success or a clean one-line error (run under VC_SANITIZE for
 * memory errors). */
static void test_fuzz(void **state)
{
	struct parsed *p = malloc(sizeof(*p));
	size_t len;
	char *txt = slurp("firecracker-blk-1042.lspci.txt", &len);
	char *buf = malloc(len);
	uint32_t x = 12345;
	static const char alphabet[] = "0123456789abcdefgxyz:. \t\r\n\0[]=KMG-Region ";

	(void)state;
	for (size_t n = 0; n <= len; n++)
		parse_mem(txt, n, p);
	for (int it = 0; it < 20000; it++) {
		memcpy(buf, txt, len);
		int nmut = 1 + (int)(x % 4);
		for (int m = 0; m < nmut; m++) {
			x = x * 1103515245u + 12345u;
			size_t at = (x >> 8) % len;
			x = x * 1103515245u + 12345u;
			buf[at] = alphabet[(x >> 8) % (sizeof(alphabet) - 1)];
		}
		x = x * 1103515245u + 12345u;
		parse_mem(buf, len - (x >> 8) % 8, p);
	}
	free(buf);
	free(txt);
	free(p);
}

static void test_dump_backend(void **state)
{
	struct vc_device *d;
	char err[512], spec[1100];
	uint32_t v;
	uint64_t v64;

	(void)state;
	snprintf(spec, sizeof(spec), "dump:%s", fixture_path("firecracker-blk-1042.lspci.txt"));
	assert_int_equal(vc_device_open(spec, &d, err, sizeof(err)), 0);
	assert_string_equal(d->backend, "dump");
	assert_int_equal(d->abilities, VC_BAR_SIZES);
	assert_int_equal(d->cfg_size, 256);
	assert_int_equal(d->bar[0].size, 512 * 1024);
	assert_non_null(strstr(d->location, "firecracker-blk-1042.lspci.txt (00:02.0 Mass storage controller"));
	assert_string_equal(d->note, "");
	assert_int_equal(vc_cfg_read(d, 0, 4, &v), 0);
	assert_int_equal(v, 0x10421af4);
	assert_int_equal(vc_cfg_read(d, 0x9a, 2, &v), 0);
	assert_int_equal(v, 0x8001);                      /* MSI-X enabled, 2 vectors */
	assert_int_equal(vc_cfg_read(d, 0xff, 1, &v), 0);
	assert_int_equal(vc_cfg_read(d, 0x100, 4, &v), -ERANGE);
	assert_int_equal(vc_cfg_write(d, 0x04, 2, 0), -EPERM);
	assert_int_equal(vc_bar_read(d, 0, 0, 4, &v64), -EPERM);
	assert_int_equal(vc_bar_write(d, 0, 0, 4, 0), -EPERM);
	vc_device_close(d);

	snprintf(spec, sizeof(spec), "dump:%s", fixture_path("firecracker-blk-1042.x.txt"));
	assert_int_equal(vc_device_open(spec, &d, err, sizeof(err)), 0);
	assert_int_equal(d->cfg_size, 64);
	assert_int_equal(d->abilities, 0);
	assert_non_null(strstr(d->note, "only the first 64 bytes"));
	assert_int_equal(vc_cfg_read(d, 0x40, 1, &v), -ERANGE);
	vc_device_close(d);

	snprintf(spec, sizeof(spec), "dump:%s", fixture_path("firecracker-blk-1042.config.bin"));
	assert_int_equal(vc_device_open(spec, &d, err, sizeof(err)), 0);
	assert_int_equal(d->cfg_size, 256);
	assert_int_equal(vc_cfg_read(d, 0x2c, 4, &v), 0);
	assert_int_equal(v, 0x10421af4);                  /* subsystem ids */
	vc_device_close(d);

	snprintf(spec, sizeof(spec), "dump:%s", fixture_path("bad-two-devices.txt"));
	assert_int_equal(vc_device_open(spec, &d, err, sizeof(err)), -EBADMSG);
	assert_null(d);
	assert_non_null(strstr(err, "bad-two-devices.txt"));
	assert_non_null(strstr(err, "lspci -s BDF -vvv -xxxx"));
	assert_null(strchr(err, '\n'));

	assert_int_equal(vc_device_open("dump:/nonexistent/x.txt", &d, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.txt"));
	assert_non_null(strstr(err, strerror(ENOENT)));
	assert_int_equal(vc_device_open("dump:", &d, err, sizeof(err)), -EINVAL);
}

/* Read-only sysfs on this host's own device, when it has one. */
static void test_sysfs(void **state)
{
	struct vc_device *d;
	char err[512];
	uint32_t v;
	uint64_t v64;
	uint8_t file[4096];

	(void)state;
	if (access("/sys/bus/pci/devices/0000:00:02.0", F_OK) != 0) {
		skip();
		return;
	}
	assert_int_equal(vc_device_open("sysfs:0000:00:02.0", &d, err, sizeof(err)), 0);
	assert_string_equal(d->backend, "sysfs");
	assert_true(d->cfg_size == 64 || d->cfg_size == 256 || d->cfg_size == 4096);
	assert_int_equal(d->abilities, VC_BAR_SIZES);
	assert_null(d->ops->cfg_write);
	assert_null(d->ops->bar_read);
	assert_null(d->ops->bar_write);
	assert_memory_equal(d->location, "0000:00:02.0 ", 13);
	if (d->cfg_size == 64)
		assert_non_null(strstr(d->note, "64 bytes"));

	/* what we read is what sysfs holds */
	FILE *f = fopen("/sys/bus/pci/devices/0000:00:02.0/config", "rb");
	assert_non_null(f);
	size_t n = fread(file, 1, sizeof(file), f);
	fclose(f);
	assert_true(n >= d->cfg_size);
	for (unsigned off = 0; off < d->cfg_size; off += 4) {
		assert_int_equal(vc_cfg_read(d, (uint16_t)off, 4, &v), 0);
		/* the status register's dynamic bits may move between reads */
		if (off != 4)
			assert_int_equal(v, file[off] | file[off + 1] << 8 | file[off + 2] << 16 |
					 (uint32_t)file[off + 3] << 24);
	}
	assert_int_equal(vc_cfg_read(d, 0, 2, &v), 0);
	assert_int_equal(v, 0x1af4);
	assert_int_equal(vc_cfg_write(d, 0x04, 2, 0), -EPERM);
	assert_int_equal(vc_bar_read(d, 0, 0, 4, &v64), -EPERM);
	assert_int_equal(vc_bar_write(d, 0, 0, 4, 0), -EPERM);
	vc_device_close(d);

	assert_int_equal(vc_device_open("sysfs:00:02.0", &d, err, sizeof(err)), 0);
	vc_device_close(d);
	assert_int_equal(vc_device_open("sysfs:0:2.0", &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "malformed PCI address"));
	assert_int_equal(vc_device_open("sysfs:00:20.0", &d, err, sizeof(err)), -EINVAL);
	assert_int_equal(vc_device_open("sysfs:", &d, err, sizeof(err)), -EINVAL);
	assert_int_equal(vc_device_open("sysfs:0000:00:1f.7", &d, err, sizeof(err)), -ENODEV);
	assert_non_null(strstr(err, "no PCI device at 0000:00:1f.7"));
	assert_non_null(strstr(err, "virtio-conform devices"));
}

static void test_devices_list(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	if (access("/sys/bus/pci/devices/0000:00:02.0", F_OK) != 0) {
		skip();
		return;
	}
	f = open_memstream(&text, &len);
	assert_int_equal(vc_devices_list(f, false), 0);
	fclose(f);
	assert_non_null(strstr(text, "BDF"));
	assert_non_null(strstr(text, "0000:00:02.0  1af4:1042"));
	free(text);

	f = open_memstream(&text, &len);
	assert_int_equal(vc_devices_list(f, true), 0);
	fclose(f);
	assert_int_equal(text[0], '[');
	assert_non_null(strstr(text, "\"bdf\": \"0000:00:02.0\""));
	assert_non_null(strstr(text, "\"backends\": [\"sysfs\""));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_dumps),
		cmocka_unit_test(test_xxx_and_x_and_nonroot),
		cmocka_unit_test(test_raw_binary_matches_text),
		cmocka_unit_test(test_extended_4096),
		cmocka_unit_test(test_malformed_files),
		cmocka_unit_test(test_in_memory_cases),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_dump_backend),
		cmocka_unit_test(test_sysfs),
		cmocka_unit_test(test_devices_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
