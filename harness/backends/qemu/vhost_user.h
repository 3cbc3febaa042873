/* vhost-user behind QEMU's device models: the shared guest memory, the
 * socket, and the backends the harness starts itself (vhost_daemon.c). */
#ifndef VC_QEMU_VHOST_USER_H
#define VC_QEMU_VHOST_USER_H

#include <dirent.h>
#include "qemu_priv.h"

/* The device properties that are the harness's: the backend's socket, or
 * the name of a backend the harness starts. */
#define VU_KEY_SOCKET "vhost-user"
#define VU_KEY_DAEMON "vhost-user-daemon"

struct vhost_daemon;

/* Start the named backend (qemu-storage-daemon, dpdk-testpmd, virtiofsd)
 * in a private directory and wait until its socket listens. props: the
 * device line's properties (a backend may read its own settings there). */
int vhost_daemon_start(const char *name, const char *props, struct vhost_daemon **out, char *err, size_t errlen);
bool vhost_daemon_known(const char *name);
const char *vhost_daemon_socket(const struct vhost_daemon *v);
const char *vhost_daemon_version(const struct vhost_daemon *v);
long vhost_daemon_pid(const struct vhost_daemon *v);
/* The directory a file system backend shares (virtiofsd): false for others. */
bool vhost_daemon_shared(const struct vhost_daemon *v, char *out, size_t len);
/* Host actions on the files of a shared directory (vhost_fs.c). */
int vhost_fs_host(const char *shared, const char *what, const char *arg, char *out, size_t outlen);
/* Still running? If not, why: "NAME (pid N) was killed by signal 11: ...". */
bool vhost_daemon_alive(struct vhost_daemon *v, char *why, size_t len);
/* Its last line that says something went wrong (else its last line). */
void vhost_daemon_last_words(struct vhost_daemon *v, char *out, size_t len);
/* SIGTERM, then SIGKILL; reaped; its directory removed. NULL: nothing. */
void vhost_daemon_stop(struct vhost_daemon *v);

/* The vhost-user NIC's link partner (pcap_peer.c): two FIFOs in dir that
 * dpdk-testpmd's pcap port reads (to_device) and writes. */
struct pcap_peer;
int pcap_peer_open(const char *dir, struct pcap_peer **out, char *err, size_t errlen);
const char *pcap_peer_path(const struct pcap_peer *pp, bool to_device);
int pcap_peer_send(struct pcap_peer *pp, const void *frame, size_t len, int timeout_ms);
int pcap_peer_recv(struct pcap_peer *pp, void *frame, size_t max, size_t *len, int timeout_ms);
void pcap_peer_pump(struct pcap_peer *pp);
void pcap_peer_close(struct pcap_peer *pp);
/* The started backend's link partner, when it has one (testpmd). */
struct pcap_peer *vhost_daemon_peer(const struct vhost_daemon *v);
bool vhost_daemon_net_attached(struct vhost_daemon *v);

/* Does a unix socket listen at path (this network namespace's /proc/net/unix)? */
bool vhost_socket_listening(const char *path);

extern const struct qemu_part qemu_part_vhost_user;

#endif
