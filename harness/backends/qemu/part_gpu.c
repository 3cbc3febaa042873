/* virtio-gpu: the host's view of the display, read with QMP screendump (a
 * PPM file in a directory of the part's own, removed at close). */
#include "qemu_priv.h"
#include "vc/devtypes/host.h"

struct gpu_part {
	char dir[128];
};

static bool gpu_serves(const char *model, const char *props)
{
	(void)props;
	return qemu_model_is(model, "virtio-gpu-pci");
}

static int gpu_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	struct gpu_part *gp = calloc(1, sizeof(*gp));
	const char *tmp = getenv("TMPDIR");

	(void)d;
	if (!gp)
		return -ENOMEM;
	*l->state = gp;
	if (!tmp || !*tmp || strlen(tmp) > 60)
		tmp = "/tmp";
	snprintf(gp->dir, sizeof(gp->dir), "%s/vc-gpu-XXXXXX", tmp);
	if (!mkdtemp(gp->dir)) {
		snprintf(err, errlen, "qemu: mkdtemp %s: %s", gp->dir, strerror(errno));
		gp->dir[0] = 0;
		return -errno;
	}
	return 0;
}

/* The pixel at x,y of a P6 PPM (maxval 255) as RRGGBB; "000000" outside. */
static int ppm_pixel(const char *path, unsigned x, unsigned y, char *out, size_t outlen)
{
	FILE *f = fopen(path, "rb");
	unsigned w, h, max;
	uint8_t rgb[3] = { 0, 0, 0 };
	int rc = 0;

	if (!f)
		return -errno;
	if (fscanf(f, "P6 %u %u %u", &w, &h, &max) != 3 || max != 255 || fgetc(f) == EOF)
		rc = -EPROTO;
	else if (x < w && y < h && (fseek(f, (long)(3 * ((size_t)y * w + x)), SEEK_CUR) || fread(rgb, 1, 3, f) != 3))
		rc = -EPROTO;
	fclose(f);
	snprintf(out, outlen, "%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
	return rc;
}

static int gpu_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out, size_t outlen)
{
	struct gpu_part *gp = state;
	char path[200], cmd[300];
	unsigned x, y;
	int rc;

	if (strcmp(what, VC_HOST_GPU_PIXEL))
		return -ENOTSUP;
	if (sscanf(arg, "%u %u", &x, &y) != 2)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/screen.ppm", gp->dir);
	snprintf(cmd, sizeof(cmd), "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"%s\"}}", path);
	if ((rc = qemu_qmp_execute(d, cmd)))
		return rc;
	rc = ppm_pixel(path, x, y, out, outlen);
	unlink(path);
	return rc;
}

static void gpu_close(struct vc_device *d, void *state)
{
	struct gpu_part *gp = state;

	(void)d;
	if (gp && gp->dir[0])
		qemu_remove_dir(gp->dir);
	free(gp);
}

const struct qemu_part qemu_part_gpu = {
	.name = "GPU display", .serves = gpu_serves, .setup = gpu_setup, .close = gpu_close, .host = gpu_host,
};
