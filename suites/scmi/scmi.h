/* The SCMI device's clauses (suites/scmi/): labels and the driver session
 * they share (commands on the cmdq, P2A messages on the eventq). */
#ifndef VC_SUITES_SCMI_H
#define VC_SUITES_SCMI_H

#include "../devsession.h"
#include "vc/devtypes/scmi.h"

#define L_SCMI "Device Types / SCMI Device"
#define L_SCMI_FEAT L_SCMI " / Feature bits"
#define L_SCMI_CMDQ L_SCMI " / Device Operation / cmdq Operation"
#define L_SCMI_EVENTQ L_SCMI " / Device Operation / eventq Operation"
#define L_SCMI_SHM L_SCMI " / Device Operation / Shared Memory Operation"
#define SCMI_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)
#define SCMI_P2A DS_F(VIRTIO_SCMI_F_P2A_CHANNELS)
/* No QEMU 7.2 model exists (vhost-user-scmi came later, with a backend
 * daemon): the sim is the target that reaches the clauses. */
#define SCMI_SIM "sim:type=32"

/* A shmid the SCMI table gives a statistics region: 1 power, 2
 * performance, 3 sensor values, 0x80-0xff vendor-specific. */
static inline bool scmi_statistics_shmid(unsigned id)
{
	return (id >= VIRTIO_SCMI_SHMID_POWER && id <= VIRTIO_SCMI_SHMID_SENSOR) ||
	       (id >= VIRTIO_SCMI_SHMID_VENDOR_FIRST && id <= VIRTIO_SCMI_SHMID_VENDOR_LAST);
}

/* Reset and negotiate `need` (SKIP without one) and `want`; the cmdq, and
 * the eventq when P2A_CHANNELS is negotiated (it exists only then), left
 * empty: a clause fills it when it says. Populating it is a driver SHOULD
 * (SCMI-EVENTQBUF-DRV-1), and an empty eventq is what a driver's is once
 * the device used every buffer: the state SCMI-CMDQ-DEV-4 and
 * SCMI-EVENTQ-DEV-5 are about. */
bool scmi_open(struct vc_ctx *c, struct vc_dev *d, uint64_t need, uint64_t want);
/* A command made available (vc_scmi_send) answered: FAIL when it is never
 * used, or its response is shorter than a header and a status or does not
 * carry the command's header (its token included). */
bool scmi_done(struct vc_ctx *c, struct vc_dev *d, struct vc_scmi_cmd *cmd, const char *what);
/* A token no command in flight has (the clauses' commands take turns). */
unsigned scmi_token(void);
/* Build (with a fresh token), send and scmi_done one command. */
bool scmi_call(struct vc_ctx *c, struct vc_dev *d, struct vc_scmi_cmd *cmd, unsigned protocol, unsigned msg,
	       const uint32_t *params, unsigned nparams, const char *what);
/* The answered command's status is `want`: FAIL otherwise. */
bool scmi_status_is(struct vc_ctx *c, const struct vc_scmi_cmd *cmd, int32_t want, const char *what);
/* Of the notification commands SCMI defines for the base protocol and the
 * protocols BASE_DISCOVER_LIST_PROTOCOLS lists, those PROTOCOL_MESSAGE_
 * ATTRIBUTES says are implemented: their names into `found`, their number;
 * -1 after a verdict. */
int scmi_notify_commands(struct vc_ctx *c, struct vc_dev *d, char *found, size_t len);
/* A sensor as SENSOR_DESCRIPTION_GET describes it. */
struct scmi_sensor {
	uint32_t id, attributes_low;
};
#define SCMI_SENSORS_MAX 8
/* The first sensors (at most SCMI_SENSORS_MAX), one descriptor asked at a
 * time (their size depends on the protocol's version): their number, 0
 * when the sensor protocol is not implemented, -1 after a verdict. */
int scmi_sensors(struct vc_ctx *c, struct vc_dev *d, struct scmi_sensor *s);
/* The eventq's next message within ms, checked to carry `hdr` (a
 * notification's token is not compared: it has none): 1 with its
 * payload words in w (at most nw, their count in *n), 0 when none came,
 * -1 after a verdict. */
int scmi_next_p2a(struct vc_ctx *c, struct vc_dev *d, struct ds_stream *s, uint32_t hdr, unsigned ms, uint32_t *w,
		  unsigned nw, unsigned *n);
/* A quiet spell in which the device may act on its own: longer on a
 * backend that cannot settle. */
unsigned scmi_quiet_ms(struct vc_ctx *c);

#endif
