/* IPsec SAs as device resource objects, the checks the network and crypto
 * chapters share (suites/net/ipsec.c, suites/crypto/ipsec.c): the two
 * IPsec capabilities listed, outbound and inbound SAs created, queried,
 * modified, destroyed and created again, refused past the limits or with
 * parameters the SA capability does not offer, gone after a device reset.
 * The driver is the administration queue alone (vc/devtypes/admin.h). The
 * SA structure is taken without padding (196 bytes). */
#ifndef VC_SUITES_IPSEC_SA_H
#define VC_SUITES_IPSEC_SA_H

#include "vc/clause.h"

struct sa_kind {
	const char *cap_res_name, *cap_sa_name;
	uint16_t cap_res, cap_sa, obj_outb, obj_inb;
	unsigned feature;                       /* a feature bit to negotiate (net: VIRTIO_NET_F_IPSEC), ~0u: none */
	bool (*offered)(struct vc_ctx *c);      /* NULL, or false after a SKIP saying why not */
	bool einval;                            /* the refusals are VIRTIO_ADMIN_STATUS_EINVAL */
};

void sa_caps_listed(struct vc_ctx *c, const struct sa_kind *k);
void sa_object_commands(struct vc_ctx *c, const struct sa_kind *k);
void sa_outbound_refused(struct vc_ctx *c, const struct sa_kind *k);
void sa_inbound_refused(struct vc_ctx *c, const struct sa_kind *k);
void sa_recreate(struct vc_ctx *c, const struct sa_kind *k);
/* A second CREATE under an id in use fails with EEXIST, in each direction,
 * and the SA stays as first created (a QUERY answers it). */
void sa_duplicate_refused(struct vc_ctx *c, const struct sa_kind *k);
void sa_reset_destroys(struct vc_ctx *c, const struct sa_kind *k);
/* Robustness: an SA created before the driver set the capabilities (the
 * driver's MUST broken) fails with Q_INVALID_OPCODE; then, the capabilities
 * set, one is created. */
void sa_probe_before_caps(struct vc_ctx *c, const struct sa_kind *k);

/* On the caller's administration queue (set up, DRIVER_OK): the two
 * capabilities set as reported and inbound SA 0 created: transport mode,
 * AES-CBC key 10 11 .. 1f, HMAC-SHA-256 key 40 41 .. 5f, `spi`, no replay
 * window; with SA_LIFETIME and that packets_soft_limit when soft_packets is
 * not 0. False after a verdict. */
struct vc_admin;
bool sa_inbound_ready(struct vc_ctx *c, const struct sa_kind *k, struct vc_admin *a, uint32_t spi,
		      uint64_t soft_packets);

/* Known answers made outside the harness (Python's cryptography package):
 * a UDP/IPv4 packet 10.99.0.1:40000 -> 10.99.0.2:9, and that packet in ESP
 * (transport mode) with SPI SA_ESP_SPI, sequence numbers 1 and 2, AES-CBC
 * (IVs a0..af, b0..bf) and HMAC-SHA-256-128 under sa_inbound_ready's keys. */
#define SA_ESP_SPI 0x1100
extern const uint8_t sa_esp_plain[52], sa_esp_seq1[108], sa_esp_seq2[108];

#define SA_NEEDS (NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON)

#endif
