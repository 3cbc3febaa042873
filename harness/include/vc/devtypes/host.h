/* Host-side actions a device type's rules need (vc_host in vc/device.h):
 * what the host side of the device does or saw. The backends that can
 * make them: the sim (its model's host hook) and qemu (its parts, over QMP
 * and the character devices behind the model). Arguments and answers are
 * text; each name says what its argument and answer are. */
#ifndef VC_DEVTYPES_HOST_H
#define VC_DEVTYPES_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* pmem: "ADDR SIZE" (hex) of the memory the host put behind the device */
#define VC_HOST_PMEM_REGION "pmem-region"
/* input: arg "key QCODE" (pressed and released), "rel DX DY", "abs X Y" */
#define VC_HOST_INPUT_SEND "input-send"
/* console: arg "PORT": the bytes the device passed to that port's host side
 * since the last look (port 0 also gets emergency writes) */
#define VC_HOST_CONSOLE_READ "console-read"
/* console: arg "PORT": the port's host side opens (connects) */
#define VC_HOST_CONSOLE_PORTS "console-ports"
/* console: arg "PORT" unplugged / plugged again; answer: the port id */
#define VC_HOST_CONSOLE_UNPLUG "console-unplug"
#define VC_HOST_CONSOLE_PLUG "console-plug"
/* balloon: "TAG=VALUE ..." (decimal) of the statistics the host got last */
#define VC_HOST_BALLOON_STATS "balloon-stats"
/* balloon: free page hinting rounds: start one (a migration begins), end it */
#define VC_HOST_BALLOON_HINT_START "balloon-hint-start"
#define VC_HOST_BALLOON_HINT_END "balloon-hint-end"
/* scsi: the host's logical units on target 0 (vc/devtypes/scsi.h):
 * LUN 0 a disk, 1 a slow disk (its I/O held back), 2 a CD, 3 free.
 * arg "LUN": that disk plugged / unplugged on the host */
#define VC_HOST_SCSI_PLUG "scsi-plug"
#define VC_HOST_SCSI_UNPLUG "scsi-unplug"
/* scsi: the CD's medium changed (its tray opened and closed) */
#define VC_HOST_SCSI_MEDIUM "scsi-medium-change"
/* gpu: arg "X Y": the pixel the host shows there, "RRGGBB" (hex) */
#define VC_HOST_GPU_PIXEL "gpu-pixel"

/* vsock: arg "PORT": the host listens on that port (as long as the device lives) */
#define VC_HOST_VSOCK_LISTEN "vsock-listen"
/* vsock: arg "PORT N": the host sends N bytes on its connection to the
 * guest's PORT (as fast as the flow allows) */
#define VC_HOST_VSOCK_SEND "vsock-send"
/* vsock: arg "PORT": out "N", the bytes the host application has read on
 * its connection to the guest's PORT (all the driver sent reaches it) */
#define VC_HOST_VSOCK_RECV "vsock-recv"
/* the machine resets (QMP system_reset), the device with it; then the
 * backend sets the machine up again as at open */
#define VC_HOST_SYSTEM_RESET "system-reset"
/* the machine suspends to RAM and wakes up (the device is reset) */
#define VC_HOST_SUSPEND_RESUME "suspend-resume"
/* iommu: answer "ID ..." (hex): the endpoints behind the IOMMU that
 * endpoint-dma drives, in order; "absent" answers IDs no endpoint has here */
#define VC_HOST_IOMMU_ENDPOINTS "iommu-endpoints"
#define VC_HOST_IOMMU_ABSENT "iommu-absent"
/* iommu: arg "EP FROM TO LEN": endpoint EP (its index) reads LEN bytes at
 * input address FROM into a buffer of its own, then writes them at TO (hex;
 * "-" skips that half), through the IOMMU; a blocked access is no error */
#define VC_HOST_ENDPOINT_DMA "endpoint-dma"
/* mem: the CPU reads ("ADDR LEN", answer: hex bytes) or writes ("ADDR
 * HEXBYTES") guest memory a memory device provides (at most 256 bytes) */
#define VC_HOST_MEM_READ "mem-read"
#define VC_HOST_MEM_WRITE "mem-write"
/* net: the host asks the device to announce itself, as after a migration
 * (VIRTIO_NET_S_ANNOUNCE for a driver that negotiated GUEST_ANNOUNCE) */
#define VC_HOST_NET_ANNOUNCE "net-announce"

/* fs: the device sends a FUSE notify message (an inode invalidated) */
#define VC_HOST_FS_NOTIFY "fs-notify"
/* fs: arg "NAME": the host holds the file NAME in the shared directory's
 * root so that the device's open of it waits (a write lease); out: a handle */
#define VC_HOST_FS_HOLD_OPEN "fs-hold-open"
/* fs: arg the handle fs-hold-open gave: the waiting open goes on */
#define VC_HOST_FS_RELEASE_OPEN "fs-release-open"

/* gpio: arg "LINE VALUE": the signal the host drives on an input line
 * becomes VALUE (0 low, 1 high) */
#define VC_HOST_GPIO_INPUT "gpio-input"

/* i2c: answer "EEPROM ABSENT" (hex 7-bit addresses): a target behind the
 * adapter that acts as a 24C02-style EEPROM (a write of OFFSET DATA... stores
 * the data there, a write of OFFSET then reads from there on), and an
 * address no target answers */
#define VC_HOST_I2C_TARGETS "i2c-targets"

/* scmi: arg "SENSOR VALUE": the reading of an SCMI sensor becomes VALUE
 * (signed, in the sensor's unit), crossing its trip points as it goes */
#define VC_HOST_SCMI_SENSOR "scmi-sensor"
/* can: a node sharing the bus with the device's controller (the bus
 * partner). arg "ID FLAGS DATA" (vc_can_format: hex, DATA "-" when empty):
 * the partner sends that frame */
#define VC_HOST_CAN_SEND "can-send"
/* can: out the frames the partner received since the last look, oldest
 * first, ";" between them */
#define VC_HOST_CAN_RECV "can-recv"
/* can: arg "off": the partner leaves the bus (no node acknowledges a frame:
 * it stays pending); "on": it is back and acknowledges */
#define VC_HOST_CAN_PARTNER "can-partner"
/* can: the controller detects a bus-off condition */
#define VC_HOST_CAN_BUS_OFF "can-bus-off"
/* media: arg "ID": the device meets an unrecoverable error in session ID
 * (a camera unplugged on the host): it signals VIRTIO_MEDIA_EVT_ERROR for
 * it and fails the session's later commands */
#define VC_HOST_MEDIA_SESSION_ERROR "media-session-error"
/* sound: out "N HASH": the bytes of PCM frames the host heard from output
 * streams since the last look, and their FNV-1a hash (hex) */
#define VC_HOST_SOUND_PLAYED "sound-played"
/* sound: arg "SEED": the signal the host captures from now on, byte p of an
 * input stream (counted from its PREPARE) being (SEED + p) & 0xff */
#define VC_HOST_SOUND_CAPTURE "sound-capture"
/* sound: arg "ID": the host changes control element ID's value (the device
 * notifies the driver) */
#define VC_HOST_SOUND_CTL_CHANGE "sound-ctl-change"
/* rtc: arg "SIGN AT": a leap second (SIGN "+" positive, "-" negative) is
 * scheduled at the end of the host's current UTC day (the first call fixes
 * the day; later ones keep it), and the host's time moves so that now is
 * AT ns (signed, decimal) after the leap second's start; out: that time in
 * ns, on the scale POSIX UTC has before the leap second, continued in SI
 * seconds through it (TAI - 37 s) */
#define VC_HOST_RTC_LEAP "rtc-leap"

/* Parsing the arguments of these actions, for the backends that make them:
 * endpoint-dma's "EP FROM TO LEN" ("-": UINT64_MAX), and mem-read's "ADDR
 * LEN" / mem-write's "ADDR HEXBYTES" (the bytes into b, at most max): the
 * length, or -EINVAL. Answers give bytes as hex (vc_host_hex). */
int vc_host_dma_arg(const char *arg, unsigned *ep, uint64_t *from, uint64_t *to, uint32_t *len);
int vc_host_mem_arg(const char *arg, bool write, uint64_t *gpa, uint8_t *b, size_t max);
void vc_host_hex(const uint8_t *b, size_t n, char *out, size_t outlen);

/* What the action does, for a SKIP's reason ("cannot <doing>"). */
const char *vc_host_action_doing(const char *what);

#endif
