/* The qemu: backend's disk part (qemu_priv.h, struct qemu_part): behind a
 * virtio-blk-pci that names no drive=, a raw image in the run's private
 * directory, so writes land somewhere real and read back. Two properties
 * of the device line are the harness's, not QEMU's (its keys, left out of
 * the -device line):
 *   image=PATH     the disk starts as a copy of PATH (a regular file of at
 *                  most 1 GiB); PATH itself is only ever read
 *   read-only=on   the image is attached read-only (the device then offers
 *                  VIRTIO_BLK_F_RO)
 * Without image= the disk is an 8 MiB sparse file of zeroes. The host-side
 * change is QMP block_resize: 1 MiB more, then back (read-only: none).
 * The image is removed with the private directory once QEMU holds it open,
 * so nothing outside that directory is ever written. */
#include <sys/sendfile.h>
#include "qemu_priv.h"

#define DISK_SIZE (8ull << 20)
#define IMAGE_MAX (1ull << 30)
#define RESIZE_STEP (1ull << 20)

struct disk {
	uint64_t size;
	bool ro;
};

static bool disk_serves(const char *model, const char *props)
{
	return qemu_model_is(model, "virtio-blk-pci") && !qemu_has_prop(props, "drive");
}

/* QEMU doubles a comma inside an option value; the device line did too. */
static void unescape(char *s)
{
	for (char *r = s, *w = s; (*w = *r); r++, w++)
		if (r[0] == ',' && r[1] == ',')
			r++;
}

static int copy_image(const char *from, int to, uint64_t *size, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(from, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "qemu: image=%s: %s", from, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > IMAGE_MAX) {
		bool big = S_ISREG(st.st_mode);
		snprintf(err, errlen, "qemu: image=%s: %s", from, big ? "larger than 1 GiB (the harness works on a "
			 "copy of it)" : "not a regular file");
		close(fd);
		return big ? -EFBIG : -ENODEV;
	}
	for (off_t left = st.st_size; left > 0 && !rc;) {
		ssize_t n = sendfile(to, fd, NULL, (size_t)(left < (1 << 30) ? left : (1 << 30)));
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "qemu: copying image=%s: %s", from, n < 0 ? strerror(errno) : "short read");
		}
		left -= n > 0 ? n : 0;
	}
	*size = (uint64_t)st.st_size;
	close(fd);
	return rc;
}

static int disk_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	char image[PATH_MAX], ro[16], path[160], escaped[330];
	struct disk *k = calloc(1, sizeof(*k));
	int fd, rc = 0;

	(void)d;
	if (!k)
		return -ENOMEM;
	*l->state = k;
	if (qemu_prop_value(l->props, "read-only", ro, sizeof(ro))) {
		if (strcmp(ro, "on") && strcmp(ro, "off")) {
			snprintf(err, errlen, "qemu: read-only=%s: on or off", ro);
			return -EINVAL;
		}
		k->ro = !strcmp(ro, "on");
	}
	snprintf(path, sizeof(path), "%s/disk.img", l->dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "qemu: cannot create the disk image %s: %s", path, strerror(errno));
		return rc;
	}
	if (qemu_prop_value(l->props, "image", image, sizeof(image))) {
		unescape(image);
		rc = copy_image(image, fd, &k->size, err, errlen);
	} else if (ftruncate(fd, (off_t)DISK_SIZE)) {
		rc = -errno;
		snprintf(err, errlen, "qemu: cannot size the disk image %s: %s", path, strerror(errno));
	} else {
		k->size = DISK_SIZE;
	}
	close(fd);
	if (rc)
		return rc;
	size_t w = 0;
	for (const char *p = path; *p && w + 2 < sizeof(escaped); p++) {
		if (*p == ',')
			escaped[w++] = ',';
		escaped[w++] = *p;
	}
	escaped[w] = 0;
	return qemu_arg(l, "-blockdev") ?: qemu_arg(l, "driver=raw,node-name=vcdisk,read-only=%s,file.driver=file,"
						  "file.filename=%s", k->ro ? "on" : "off", escaped)
	       ?: qemu_devprop(l, "drive=vcdisk");
}

static int disk_change(struct vc_device *d, void *state, bool undo)
{
	const struct disk *k = state;
	char cmd[160];

	if (k->ro)
		return -ENOTSUP;
	snprintf(cmd, sizeof(cmd), "{\"execute\": \"block_resize\", \"arguments\": {\"node-name\": \"vcdisk\", "
		 "\"size\": %llu}}", (unsigned long long)(undo ? k->size : k->size + RESIZE_STEP));
	return qemu_qmp_execute(d, cmd);
}

static void disk_close(struct vc_device *d, void *state)
{
	(void)d;
	free(state);
}

static const char *const disk_keys[] = { "image", "read-only", NULL };

const struct qemu_part qemu_part_disk = {
	.name = "disk image",
	.serves = disk_serves,
	.setup = disk_setup,
	.config_change = disk_change,
	.close = disk_close,
	.keys = disk_keys,
};
