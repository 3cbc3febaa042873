/* Crypto device IPsec service: the SAs as resource objects on the
 * administration queue (the checks are suites/ipsec_sa.c's, shared with
 * the network device), and inbound ESP packets (transport mode, AES-CBC
 * with HMAC-SHA-256-128, RFC 4303/4868) opened on the data queue: the
 * plain packet back, a tampered one refused with BADMSG. The device offers
 * the service in crypto_services. */
#include "crypto.h"
#include "../ipsec_sa.h"
#include "vc/devtypes/admin.h"
#include <string.h>

#define L_CRYPTO_IPSEC L_CRYPTO " / Device Operation / IPsec Service Operation"

static bool ipsec_offered(struct vc_ctx *c)
{
	uint64_t services;

	if (!c->probe->device_cfg) {
		vc_skip(c, "no device-specific configuration capability (pci.* reports it)");
		return false;
	}
	if (!vc_ctx_struct_read(c, c->probe->device_cfg, 8, 4, &services))
		return false;
	if (!(services >> VIRTIO_CRYPTO_SERVICE_IPSEC & 1)) {
		vc_skip(c, "crypto_services does not offer the IPSEC service");
		return false;
	}
	return true;
}

static const struct sa_kind crypto_sa = {
	.cap_res_name = "VIRTIO_CRYPTO_IPSEC_RESOURCE_CAP", .cap_sa_name = "VIRTIO_CRYPTO_IPSEC_SA_CAP",
	.cap_res = 0x800, .cap_sa = 0x801, .obj_outb = 0x200, .obj_inb = 0x201,
	.feature = ~0u, .offered = ipsec_offered, .einval = true,
};

static void caps_listed(struct vc_ctx *c) { sa_caps_listed(c, &crypto_sa); }
static void object_commands(struct vc_ctx *c) { sa_object_commands(c, &crypto_sa); }
static void outbound_refused(struct vc_ctx *c) { sa_outbound_refused(c, &crypto_sa); }
static void inbound_refused(struct vc_ctx *c) { sa_inbound_refused(c, &crypto_sa); }
static void recreate(struct vc_ctx *c) { sa_recreate(c, &crypto_sa); }
static void reset_destroys(struct vc_ctx *c) { sa_reset_destroys(c, &crypto_sa); }
static void probe_before_caps(struct vc_ctx *c) { sa_probe_before_caps(c, &crypto_sa); }

/* The known answers, made outside the harness (Python's cryptography
 * package): a UDP/IPv4 packet 10.99.0.1:40000 -> 10.99.0.2:9, and that
 * packet in ESP with SPI 0x1100, sequence numbers 1 and 2, IVs a0..af and
 * b0..bf, the keys sa_inbound_ready gives the SA. */
#define ESP_SPI 0x1100
static const uint8_t esp_plain[52] = {
	0x45, 0x00, 0x00, 0x34, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x13, 0xbd,
	0x0a, 0x63, 0x00, 0x01, 0x0a, 0x63, 0x00, 0x02, 0x9c, 0x40, 0x00, 0x09,
	0x00, 0x20, 0x0e, 0x81, 0x76, 0x69, 0x72, 0x74, 0x69, 0x6f, 0x2d, 0x63,
	0x6f, 0x6e, 0x66, 0x6f, 0x72, 0x6d, 0x20, 0x69, 0x70, 0x73, 0x65, 0x63,
	0x20, 0x6b, 0x61, 0x74,
};
static const uint8_t esp_seq1[108] = {
	0x45, 0x00, 0x00, 0x6c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x32, 0x13, 0x64,
	0x0a, 0x63, 0x00, 0x01, 0x0a, 0x63, 0x00, 0x02, 0x00, 0x00, 0x11, 0x00,
	0x00, 0x00, 0x00, 0x01, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0x5b, 0x74, 0x56, 0xa4,
	0x45, 0xc9, 0x66, 0x85, 0x03, 0x36, 0x7e, 0xcf, 0x8b, 0x1a, 0xfe, 0xed,
	0xd0, 0xbc, 0xce, 0x03, 0xf9, 0xd5, 0xca, 0x6a, 0x3d, 0xa8, 0x7c, 0x08,
	0x1a, 0xda, 0x9f, 0x0c, 0xf0, 0xc5, 0xc4, 0x09, 0xb1, 0xbf, 0x36, 0x0b,
	0x62, 0xe3, 0x7b, 0x23, 0x1f, 0x1f, 0xa8, 0x30, 0x6a, 0x22, 0xf4, 0xd2,
	0xae, 0x39, 0x5f, 0xc5, 0xf8, 0x72, 0xd7, 0xe3, 0x10, 0x1b, 0xd3, 0x14,
};
static const uint8_t esp_seq2[108] = {
	0x45, 0x00, 0x00, 0x6c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x32, 0x13, 0x64,
	0x0a, 0x63, 0x00, 0x01, 0x0a, 0x63, 0x00, 0x02, 0x00, 0x00, 0x11, 0x00,
	0x00, 0x00, 0x00, 0x02, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
	0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xfd, 0x5d, 0x4a, 0xe4,
	0x29, 0x9d, 0xb4, 0xbb, 0x81, 0x4c, 0x0f, 0x07, 0x9d, 0x6d, 0x7e, 0xd1,
	0x6b, 0xa3, 0x6c, 0x69, 0xf7, 0x92, 0x2a, 0x77, 0x26, 0x4f, 0x94, 0xed,
	0x7a, 0x99, 0xc1, 0x3d, 0x5d, 0x46, 0xb8, 0xfa, 0x60, 0xd1, 0x7b, 0x47,
	0x86, 0xc2, 0x1a, 0xdf, 0x0a, 0xe7, 0x89, 0x82, 0x63, 0x20, 0xbe, 0x14,
	0x6e, 0x58, 0x4e, 0x3f, 0x33, 0x62, 0x76, 0x78, 0x50, 0x62, 0xcc, 0x42,
};

#define IPSEC_INBOUND VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_IPSEC, 0x01)

/* Inbound SA 0 on the device, then the ESP packet through it: status, and
 * dst_data (as long as the plain packet). False after a verdict. */
static bool inbound(struct vc_ctx *c, struct vc_crypto *cr, struct vc_admin *a, const uint8_t *esp, size_t len,
		    uint8_t *out, uint8_t *status, bool setup)
{
	uint8_t flf[8];

	if (setup) {
		if (!ipsec_offered(c) || !crypto_open_admin(c, cr, 0, 0, a))
			return false;
		if (!cr->rev1) {
			vc_skip(c, "VIRTIO_CRYPTO_F_REVISION_1 is not negotiated: where the IPsec request's flf ends is "
				   "then not defined");
			return false;
		}
		if (!sa_inbound_ready(c, &crypto_sa, a, ESP_SPI))
			return false;
	}
	vc_put32(flf, (uint32_t)len);
	vc_put32(flf + 4, sizeof(esp_plain));
	memset(out, 0xee, sizeof(esp_plain));
	struct vc_iov vlf[2] = { { esp, NULL, (uint32_t)len, false, 0 }, { out, out, sizeof(esp_plain), true, 0 } };
	return crypto_data(c, cr, IPSEC_INBOUND, 0, 0, VIRTIO_CRYPTO_FLAG_SESSION_MODE, flf, sizeof(flf), vlf, 2, status,
			   "IPSEC_INBOUND request");
}

static void inbound_known_answer(struct vc_ctx *c)
{
	struct vc_crypto cr;
	struct vc_admin a;
	uint8_t out[sizeof(esp_plain)], status;

	if (inbound(c, &cr, &a, esp_seq1, sizeof(esp_seq1), out, &status, true) &&
	    crypto_status(c, status, VIRTIO_CRYPTO_OK, "IPSEC_INBOUND of a valid ESP packet"))
		crypto_same(c, out, esp_plain, sizeof(esp_plain), "the packet IPSEC_INBOUND wrote to dst_data");
}

/* A valid packet first (sequence 1), then sequence 2 with a ciphertext
 * byte flipped: its ICV no longer matches. */
static void inbound_tampered(struct vc_ctx *c)
{
	struct vc_crypto cr;
	struct vc_admin a;
	uint8_t out[sizeof(esp_plain)], bad[sizeof(esp_seq2)], status;

	memcpy(bad, esp_seq2, sizeof(bad));
	bad[60] ^= 0x01;
	if (inbound(c, &cr, &a, esp_seq1, sizeof(esp_seq1), out, &status, true) &&
	    crypto_status(c, status, VIRTIO_CRYPTO_OK, "IPSEC_INBOUND of a valid ESP packet") &&
	    inbound(c, &cr, &a, bad, sizeof(bad), out, &status, false))
		crypto_status(c, status, VIRTIO_CRYPTO_BADMSG, "IPSEC_INBOUND of an ESP packet whose ICV does not match");
}

#define I(id, covers, summary, fn) \
	{ id, L_CRYPTO_IPSEC, VC_MUST, VC_DEVICE_RULE, "1.4", SA_NEEDS, covers, summary, NULL, fn, VC_REQ(VIRTIO_F_ADMIN_VQ) }

static const struct vc_clause clauses[] = {
	I("crypto.ipsec.caps-listed", "CRYPTO-IPSEC-DEV-1",
	  "A device offering the IPSEC service that answers an IPsec capability lists both (IPSEC_RESOURCE_CAP, "
	  "IPSEC_SA_CAP) in CAP_ID_LIST_QUERY.", caps_listed),
	I("crypto.ipsec.object-commands", "CRYPTO-IPSEC-DEV-2",
	  "Outbound and inbound SAs (AES-CBC, HMAC-SHA-256) are created, queried as created, modified, queried as "
	  "modified and destroyed, all with status OK.", object_commands),
	I("crypto.ipsec.outbound-refused", "CRYPTO-IPSEC-DEV-5",
	  "An outbound SA whose id is outb_sa_limit, or with a cipher or mode the SA capability does not offer, fails "
	  "with EINVAL.", outbound_refused),
	I("crypto.ipsec.inbound-refused", "CRYPTO-IPSEC-DEV-6",
	  "An inbound SA whose id is inb_sa_limit, or with a cipher or mode the SA capability does not offer, fails "
	  "with EINVAL.", inbound_refused),
	I("crypto.ipsec.recreate", "CRYPTO-IPSEC-DEV-8",
	  "An SA destroyed is created again under the same id without a device reset.", recreate),
	I("crypto.ipsec.reset-destroys", "CRYPTO-IPSEC-DEV-10",
	  "After a device reset (and the capabilities set again), the SAs created before are gone: their ids are "
	  "created again with status OK.", reset_destroys),
	I("crypto.ipsec.inbound-known-answer", "CRYPTO-IPSEC-DEV-11",
	  "IPSEC_INBOUND of an ESP packet (transport, AES-CBC, HMAC-SHA-256-128) made outside the harness writes the "
	  "plain IPv4 packet to dst_data, status OK.", inbound_known_answer),
	I("crypto.ipsec.inbound-tampered", "CRYPTO-IPSEC-DEV-12",
	  "IPSEC_INBOUND of an ESP packet with a ciphertext byte flipped (the ICV no longer matches) answers BADMSG; "
	  "a valid one OK.", inbound_tampered),
	/* robustness: the driver's MUST broken on purpose, CRYPTO-IPSEC-DEV-3 seen, not covered */
	{ "probe.crypto.ipsec.sa-before-caps", "Robustness: a hostile driver (not a spec rule)", VC_MAY, VC_ROBUSTNESS,
	  "1.4", SA_NEEDS, "", "An SA created before the IPsec capabilities are set (CRYPTO-IPSEC-DEV-3: "
	  "Q_INVALID_OPCODE) is refused as an invalid opcode; with them set, one is created.", "robustness",
	  probe_before_caps, 0, 1, "CRYPTO-IPSEC-DRV-3" },
};

VC_DEVICE_SUITE(suite_crypto_ipsec, clauses, 20);
