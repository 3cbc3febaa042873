/* virtio-scsi: logical units behind the host adapter, on target 0 as
 * vc/devtypes/scsi.h lays them out: LUN 0 a scsi-hd on a 1 MiB image in the
 * private directory, LUN 1 a scsi-hd whose I/O a throttle group holds back
 * (one request a second), LUN 2 an empty scsi-cd, LUN 3 free (a null disk
 * to plug there). They are plugged over QMP once QEMU runs (a -device
 * naming the adapter's bus would come before the bus). Host actions:
 * scsi-plug and scsi-unplug (device_add/device_del), scsi-medium-change
 * (the CD's tray opened and closed). */
#include "qemu_priv.h"
#include "vc/devtypes/host.h"
#include "vc/devtypes/scsi.h"

struct scsi_part {
	char bus[80];
};

static const char *const lun_drive[] = { "vcscsi-disk", "vcscsi-slow", NULL, "vcscsi-spare" };

static bool scsi_serves(const char *model, const char *props)
{
	(void)props;
	return qemu_model_is(model, "virtio-scsi-pci");
}

static int scsi_setup(struct vc_device *d, struct qemu_launch *l, char *err, size_t errlen)
{
	struct scsi_part *sp = calloc(1, sizeof(*sp));
	char id[64], image[200];
	int fd, rc;

	(void)d;
	if (!sp)
		return -ENOMEM;
	*l->state = sp;
	if (!qemu_prop_value(l->props, "id", id, sizeof(id))) {
		snprintf(id, sizeof(id), "vcscsi");
		if ((rc = qemu_devprop(l, "id=vcscsi")))
			return rc;
	}
	snprintf(sp->bus, sizeof(sp->bus), "%s.0", id);
	snprintf(image, sizeof(image), "%s/lun0.img", l->dir);
	if ((fd = open(image, O_CREAT | O_RDWR | O_CLOEXEC, 0600)) < 0 || ftruncate(fd, 1 << 20)) {
		snprintf(err, errlen, "qemu: cannot make the SCSI disk image %s: %s", image, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	close(fd);
	return qemu_arg(l, "-blockdev") ?: qemu_arg(l, "driver=file,node-name=vcscsi-disk,filename=%s", image) ?:
	       qemu_arg(l, "-object") ?: qemu_arg(l, "throttle-group,id=vcscsi-throttle,x-iops-total=1") ?:
	       qemu_arg(l, "-blockdev") ?: qemu_arg(l, "driver=null-co,node-name=vcscsi-null,size=1048576,read-zeroes=on") ?:
	       qemu_arg(l, "-blockdev") ?:
	       qemu_arg(l, "driver=throttle,node-name=vcscsi-slow,throttle-group=vcscsi-throttle,file=vcscsi-null") ?:
	       qemu_arg(l, "-blockdev") ?: qemu_arg(l, "driver=null-co,node-name=vcscsi-spare,size=1048576,read-zeroes=on");
}

/* A unit unplugged a moment ago holds its drive until QEMU finalizes it:
 * plugging it again waits for that. */
static int plug(struct vc_device *d, struct scsi_part *sp, unsigned lun)
{
	char cmd[400], drive[64] = "", note[sizeof(d->note)];
	int rc;

	if (lun_drive[lun])
		snprintf(drive, sizeof(drive), ", \"drive\": \"%s\"", lun_drive[lun]);
	snprintf(cmd, sizeof(cmd), "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"%s\", \"id\": "
		 "\"vcscsi-lun%u\", \"bus\": \"%s\", \"scsi-id\": 0, \"lun\": %u%s}}",
		 lun == VC_SCSI_LUN_CD ? "scsi-cd" : "scsi-hd", lun, sp->bus, lun, drive);
	memcpy(note, d->note, sizeof(note));
	for (unsigned i = 0;; i++) {
		rc = qemu_qmp_execute(d, cmd);
		if (rc != -EIO || (!strstr(d->note, "in use") && !strstr(d->note, "conflict") &&
				   !strstr(d->note, "Duplicate device ID")) || i == 100)
			break;
		usleep(10000);
	}
	if (!rc)
		memcpy(d->note, note, sizeof(note));
	return rc;
}

static int scsi_started(struct vc_device *d, void *state, char *err, size_t errlen)
{
	int rc;

	for (unsigned lun = 0; lun < VC_SCSI_LUN_SPARE; lun++)
		if ((rc = plug(d, state, lun))) {
			snprintf(err, errlen, "qemu: plugging SCSI LUN %u failed: %s", lun, d->note);
			return rc;
		}
	return 0;
}

static int scsi_host(struct vc_device *d, void *state, const char *what, const char *arg, char *out,
		     size_t outlen)
{
	char cmd[200], *end;
	unsigned long lun = strtoul(arg, &end, 10);

	(void)out;
	(void)outlen;
	if (!strcmp(what, VC_HOST_SCSI_MEDIUM))
		return qemu_qmp_execute(d, "{\"execute\": \"blockdev-open-tray\", \"arguments\": {\"id\": \"vcscsi-lun2\"}}") ?:
		       qemu_qmp_execute(d, "{\"execute\": \"blockdev-close-tray\", \"arguments\": {\"id\": \"vcscsi-lun2\"}}");
	if (strcmp(what, VC_HOST_SCSI_PLUG) && strcmp(what, VC_HOST_SCSI_UNPLUG))
		return -ENOTSUP;
	if (*end || lun > VC_SCSI_LUN_SPARE || lun == VC_SCSI_LUN_DISK)
		return -EINVAL;
	if (!strcmp(what, VC_HOST_SCSI_PLUG))
		return plug(d, state, (unsigned)lun);
	snprintf(cmd, sizeof(cmd), "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"vcscsi-lun%lu\"}}", lun);
	return qemu_qmp_execute(d, cmd);
}

static void scsi_close(struct vc_device *d, void *state)
{
	(void)d;
	free(state);
}

const struct qemu_part qemu_part_scsi = {
	.name = "SCSI logical units", .serves = scsi_serves, .setup = scsi_setup, .started = scsi_started,
	.close = scsi_close, .host = scsi_host,
};
