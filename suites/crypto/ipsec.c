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
static void duplicate_refused(struct vc_ctx *c) { sa_duplicate_refused(c, &crypto_sa); }
static void reset_destroys(struct vc_ctx *c) { sa_reset_destroys(c, &crypto_sa); }
static void probe_before_caps(struct vc_ctx *c) { sa_probe_before_caps(c, &crypto_sa); }

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
		if (!sa_inbound_ready(c, &crypto_sa, a, SA_ESP_SPI, 0))
			return false;
	}
	vc_put32(flf, (uint32_t)len);
	vc_put32(flf + 4, sizeof(sa_esp_plain));
	memset(out, 0xee, sizeof(sa_esp_plain));
	struct vc_iov vlf[2] = { { esp, NULL, (uint32_t)len, false, 0 }, { out, out, sizeof(sa_esp_plain), true, 0 } };
	return crypto_data(c, cr, IPSEC_INBOUND, 0, 0, VIRTIO_CRYPTO_FLAG_SESSION_MODE, flf, sizeof(flf), vlf, 2, status,
			   "IPSEC_INBOUND request");
}

static void inbound_known_answer(struct vc_ctx *c)
{
	struct vc_crypto cr;
	struct vc_admin a;
	uint8_t out[sizeof(sa_esp_plain)], status;

	if (inbound(c, &cr, &a, sa_esp_seq1, sizeof(sa_esp_seq1), out, &status, true) &&
	    crypto_status(c, status, VIRTIO_CRYPTO_OK, "IPSEC_INBOUND of a valid ESP packet"))
		crypto_same(c, out, sa_esp_plain, sizeof(sa_esp_plain), "the packet IPSEC_INBOUND wrote to dst_data");
}

/* A valid packet first (sequence 1), then sequence 2 with a ciphertext
 * byte flipped: its ICV no longer matches. */
static void inbound_tampered(struct vc_ctx *c)
{
	struct vc_crypto cr;
	struct vc_admin a;
	uint8_t out[sizeof(sa_esp_plain)], bad[sizeof(sa_esp_seq2)], status;

	memcpy(bad, sa_esp_seq2, sizeof(bad));
	bad[60] ^= 0x01;
	if (inbound(c, &cr, &a, sa_esp_seq1, sizeof(sa_esp_seq1), out, &status, true) &&
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
	I("crypto.ipsec.duplicate-id", "CRYPTO-IPSEC-DEV-4",
	  "A second CREATE of an outbound or inbound SA under an id in use fails with VIRTIO_ADMIN_STATUS_EEXIST, and "
	  "the SA stays as first created.", duplicate_refused),
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
