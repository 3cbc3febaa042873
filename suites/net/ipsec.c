/* Network device IPsec: the SAs as resource objects on the administration
 * queue (the checks are suites/ipsec_sa.c's, shared with the crypto
 * device). VIRTIO_NET_F_IPSEC is negotiated; no traffic goes through an SA
 * here. */
#include "net.h"
#include "../ipsec_sa.h"

#define L_NET_IPSEC L_NET_OP " / IPsec Operation"

static const struct sa_kind net_sa = {
	.cap_res_name = "VIRTIO_NET_IPSEC_RESOURCE_CAP", .cap_sa_name = "VIRTIO_NET_IPSEC_SA_CAP",
	.cap_res = 0x803, .cap_sa = 0x804, .obj_outb = 0x203, .obj_inb = 0x204,
	.feature = VIRTIO_NET_F_IPSEC,
};

static void caps_listed(struct vc_ctx *c) { sa_caps_listed(c, &net_sa); }
static void object_commands(struct vc_ctx *c) { sa_object_commands(c, &net_sa); }
static void outbound_refused(struct vc_ctx *c) { sa_outbound_refused(c, &net_sa); }
static void inbound_refused(struct vc_ctx *c) { sa_inbound_refused(c, &net_sa); }
static void recreate(struct vc_ctx *c) { sa_recreate(c, &net_sa); }
static void reset_destroys(struct vc_ctx *c) { sa_reset_destroys(c, &net_sa); }
static void probe_before_caps(struct vc_ctx *c) { sa_probe_before_caps(c, &net_sa); }

#define I(id, covers, summary, fn) \
	{ id, L_NET_IPSEC, VC_MUST, VC_DEVICE_RULE, "1.4", SA_NEEDS, covers, summary, NULL, fn, VC_REQ(VIRTIO_F_ADMIN_VQ) }

static const struct vc_clause clauses[] = {
	I("net.ipsec.caps-listed", "NET-IPSEC-DEV-1",
	  "A NIC offering VIRTIO_NET_F_IPSEC that answers an IPsec capability lists both (IPSEC_RESOURCE_CAP, "
	  "IPSEC_SA_CAP) in CAP_ID_LIST_QUERY.", caps_listed),
	I("net.ipsec.object-commands", "NET-IPSEC-DEV-2",
	  "Outbound and inbound SAs (AES-CBC, HMAC-SHA-256) are created, queried as created, modified, queried as "
	  "modified and destroyed, all with status OK.", object_commands),
	I("net.ipsec.outbound-refused", "NET-IPSEC-DEV-5",
	  "An outbound SA whose id is outb_sa_limit, or with a cipher or mode the SA capability does not offer, is "
	  "refused.", outbound_refused),
	I("net.ipsec.inbound-refused", "NET-IPSEC-DEV-6",
	  "An inbound SA whose id is inb_sa_limit, or with a cipher or mode the SA capability does not offer, is "
	  "refused.", inbound_refused),
	I("net.ipsec.recreate", "NET-IPSEC-DEV-8",
	  "An SA destroyed is created again under the same id without a device reset.", recreate),
	I("net.ipsec.reset-destroys", "NET-IPSEC-DEV-10",
	  "After a device reset (and the capabilities set again), the SAs created before are gone: their ids are "
	  "created again with status OK.", reset_destroys),
	/* robustness: the driver's MUST broken on purpose, NET-IPSEC-DEV-3 seen, not covered */
	{ "probe.net.ipsec.sa-before-caps", "Robustness: a hostile driver (not a spec rule)", VC_MAY, VC_ROBUSTNESS, "1.4",
	  SA_NEEDS, "", "An SA created before the IPsec capabilities are set (NET-IPSEC-DEV-3: Q_INVALID_OPCODE) is "
	  "refused as an invalid opcode; with them set, one is created.", "robustness", probe_before_caps, 0, 1,
	  "NET-IPSEC-DRV-3" },
};

VC_DEVICE_SUITE(suite_net_ipsec, clauses, 1);
