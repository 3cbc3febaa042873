/* Network device IPsec: the SAs as resource objects on the administration
 * queue (the checks are suites/ipsec_sa.c's, shared with the crypto
 * device), and inline inbound IPsec: ESP frames from the link partner that
 * a flow filter rule with action IPSEC sends through an inbound SA come
 * opened with SECURITY set, with SECURITY_ERR when the ICV does not match,
 * with SA_SOFT_EXPIRY_WARN once the SA's soft packet limit is reached. */
#include <stdio.h>
#include <string.h>
#include "ff.h"
#include "../ipsec_sa.h"
#include "vc/devtypes/dev.h"

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
static void duplicate_refused(struct vc_ctx *c) { sa_duplicate_refused(c, &net_sa); }
static void reset_destroys(struct vc_ctx *c) { sa_reset_destroys(c, &net_sa); }
static void probe_before_caps(struct vc_ctx *c) { sa_probe_before_caps(c, &net_sa); }

/* ---- inline inbound IPsec ---- */

#define FF_ACTION_IPSEC 3
#define ESP_FRAMES 4

struct esp_rx {
	unsigned n;
	uint8_t flags[ESP_FRAMES];
	size_t len[ESP_FRAMES];
	uint8_t frame[ESP_FRAMES][160];
};

/* A classifier on EtherType and IPv4 protocol, a rule sending protocol 50
 * (ESP) to IPsec processing, inbound SA 0 (soft_packets: its soft limit),
 * receive buffers. */
static bool esp_start(struct vc_ctx *c, struct ff *f, uint64_t soft_packets)
{
	uint8_t cl[8 + 3 * 8 + FF_KEY_LEN], r[16 + FF_KEY_LEN];

	if (!ff_start(c, f, NET_BITS(VIRTIO_NET_F_IPSEC), 1, true, NULL))
		return false;
	if (!ff_action_listed(f, FF_ACTION_IPSEC)) {
		vc_skip(c, "VIRTIO_NET_FF_ACTION_CAP does not list VIRTIO_NET_FF_ACTION_IPSEC");
		return false;
	}
	if (!sa_inbound_ready(c, &net_sa, &f->ns.admin, SA_ESP_SPI, soft_packets))
		return false;
	ff_classifier_data(cl);
	cl[0] = 2;                                       /* Ethernet and IPv4 */
	ff_rule_data(r, 0, 0, 1, FF_ACTION_IPSEC, 0, 0);
	r[9] = 14 + 20;
	memset(r + 16 + 14 + 20, 0, 8);
	r[16 + 14 + 9] = 50;                             /* ESP */
	return ff_create(f, FF_OBJ_CLASSIFIER, 0, cl, 8 + 22 + 28, "a classifier (Ethernet, IPv4)") &&
	       ff_group(f, 0, 1) && ff_create(f, FF_OBJ_RULE, 0, r, 16 + 14 + 20, "a rule with action IPSEC for ESP") &&
	       net_fill_all(&f->ns, 8, NET_RXBUF_SMALL);
}

static bool esp_send(struct ff *f, const uint8_t *ip, size_t len)
{
	static const uint8_t src[6] = { 0x02, 0x76, 0x63, 0x00, 0x00, 0x01 };
	uint8_t b[14 + 128];

	memcpy(b, f->ns.net.mac, 6);
	memcpy(b + 6, src, 6);
	b[12] = 0x08;
	b[13] = 0x00;
	memcpy(b + 14, ip, len);
	return net_inject(&f->ns, b, 14 + len);
}

static bool keep(struct net_session *ns, struct vc_net_rx *rx, void *arg)
{
	struct esp_rx *w = arg;

	(void)ns;
	if (!rx->tagged && w->n < ESP_FRAMES) {
		w->flags[w->n] = rx->hdr.flags;
		w->len[w->n] = rx->len < sizeof(w->frame[0]) ? rx->len : sizeof(w->frame[0]);
		memcpy(w->frame[w->n], rx->frame, w->len[w->n]);
		w->n++;
	}
	return true;
}

static bool esp_collect(struct ff *f, struct esp_rx *w, unsigned want, const char *what)
{
	uint32_t sentinel;

	memset(w, 0, sizeof(*w));
	if (!net_sentinel(&f->ns, false, &sentinel) || net_receive_until(&f->ns, sentinel, keep, w, what))
		return false;
	if (w->n >= want)
		return true;
	vc_fail(f->ns.c, "%s: %u of %u packets came", what, w->n, want);
	vc_observed(f->ns.c, "%u packets before the sentinel frame", w->n);
	vc_expected(f->ns.c, "%u", want);
	return false;
}

static const char *flag_names(uint8_t fl)
{
	static char b[64];

	snprintf(b, sizeof(b), "%s%s%s%s", fl & VIRTIO_NET_HDR_F_SECURITY ? "SECURITY " : "",
		 fl & VIRTIO_NET_HDR_F_SECURITY_ERR ? "SECURITY_ERR " : "",
		 fl & VIRTIO_NET_HDR_F_SA_SOFT_EXPIRY_WARN ? "SA_SOFT_EXPIRY_WARN" : "", fl & 0x70 ? "" : "none");
	return b;
}

/* flags & mask must be `want`: FAIL naming `what` otherwise. */
static bool flags_are(struct vc_ctx *c, uint8_t flags, uint8_t mask, uint8_t want, const char *what)
{
	if ((flags & mask) == want)
		return true;
	vc_fail(c, "%s came with the wrong IPsec flags", what);
	vc_observed(c, "flags: %s", flag_names(flags));
	vc_expected(c, "%s", flag_names((uint8_t)(want | 0x80)));
	return false;
}
#define SEC_FLAGS (VIRTIO_NET_HDR_F_SECURITY | VIRTIO_NET_HDR_F_SECURITY_ERR | VIRTIO_NET_HDR_F_SA_SOFT_EXPIRY_WARN)

static void rx_decrypted(struct vc_ctx *c)
{
	struct ff f;
	struct esp_rx w;
	uint8_t want[14 + sizeof(sa_esp_plain)];

	if (!esp_start(c, &f, 0) || !esp_send(&f, sa_esp_seq1, sizeof(sa_esp_seq1)) ||
	    !esp_collect(&f, &w, 1, "an ESP packet for an inbound SA"))
		return;
	memcpy(want, w.frame[0], 14);
	memcpy(want + 14, sa_esp_plain, sizeof(sa_esp_plain));
	if (flags_are(c, w.flags[0], SEC_FLAGS, VIRTIO_NET_HDR_F_SECURITY, "the packet the inbound SA opened"))
		net_same_frame(c, want, sizeof(want), w.frame[0], w.len[0], "the packet the inbound SA opened");
}

static void rx_error(struct vc_ctx *c)
{
	struct ff f;
	struct esp_rx w;
	uint8_t bad[sizeof(sa_esp_seq2)];

	memcpy(bad, sa_esp_seq2, sizeof(bad));
	bad[60] ^= 0x01;                                 /* a ciphertext byte: the ICV no longer matches */
	if (!esp_start(c, &f, 0) || !esp_send(&f, bad, sizeof(bad)) || !esp_collect(&f, &w, 0, "a tampered ESP packet"))
		return;
	if (!w.n) {
		vc_skip(c, "the device dropped the ESP packet whose ICV does not match: no flags to see");
		return;
	}
	flags_are(c, w.flags[0], VIRTIO_NET_HDR_F_SECURITY | VIRTIO_NET_HDR_F_SECURITY_ERR,
		  VIRTIO_NET_HDR_F_SECURITY | VIRTIO_NET_HDR_F_SECURITY_ERR, "an ESP packet whose ICV does not match");
}

/* packets_soft_limit 1: the second packet is past it. */
static void rx_soft_expiry(struct vc_ctx *c)
{
	struct ff f;
	struct esp_rx w;

	if (esp_start(c, &f, 1) && esp_send(&f, sa_esp_seq1, sizeof(sa_esp_seq1)) &&
	    esp_send(&f, sa_esp_seq2, sizeof(sa_esp_seq2)) && esp_collect(&f, &w, 2, "two ESP packets for an inbound SA"))
		flags_are(c, w.flags[1], SEC_FLAGS, VIRTIO_NET_HDR_F_SECURITY | VIRTIO_NET_HDR_F_SA_SOFT_EXPIRY_WARN,
			  "the second packet through an SA whose packets_soft_limit is 1");
}

#define R(id, covers, summary, fn) \
	{ id, L_NET_IPSEC, VC_MUST, VC_DEVICE_RULE, "1.4", NET_PEER_NEEDS, covers, summary, NULL, fn, \
	  VC_REQ(VIRTIO_F_ADMIN_VQ) }

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
	/* the text names the status EEXIT, a slip for crypto's twin EEXIST: no
	 * status of that name exists (catalog-devices.md) */
	I("net.ipsec.duplicate-id", "NET-IPSEC-DEV-4",
	  "A second CREATE of an outbound or inbound SA under an id in use fails with VIRTIO_ADMIN_STATUS_EEXIST, and "
	  "the SA stays as first created.", duplicate_refused),
	I("net.ipsec.recreate", "NET-IPSEC-DEV-8",
	  "An SA destroyed is created again under the same id without a device reset.", recreate),
	I("net.ipsec.reset-destroys", "NET-IPSEC-DEV-10",
	  "After a device reset (and the capabilities set again), the SAs created before are gone: their ids are "
	  "created again with status OK.", reset_destroys),
	R("net.ipsec.rx-decrypted", "NET-RX-DEV-38",
	  "An ESP packet (made outside the harness) a rule with action IPSEC sends through an inbound SA comes as the "
	  "plain packet, SECURITY set, SECURITY_ERR and SA_SOFT_EXPIRY_WARN clear.", rx_decrypted),
	R("net.ipsec.rx-error", "NET-RX-DEV-41 NET-RX-DEV-40",
	  "An ESP packet whose ICV does not match comes with SECURITY and SECURITY_ERR both set.", rx_error),
	R("net.ipsec.rx-soft-expiry", "NET-RX-DEV-44 NET-RX-DEV-40 NET-RX-DEV-43",
	  "Through an SA whose packets_soft_limit is 1, the second packet comes with SA_SOFT_EXPIRY_WARN and "
	  "SECURITY set, SECURITY_ERR clear.", rx_soft_expiry),
	/* robustness: the driver's MUST broken on purpose, NET-IPSEC-DEV-3 seen, not covered */
	{ "probe.net.ipsec.sa-before-caps", "Robustness: a hostile driver (not a spec rule)", VC_MAY, VC_ROBUSTNESS, "1.4",
	  SA_NEEDS, "", "An SA created before the IPsec capabilities are set (NET-IPSEC-DEV-3: Q_INVALID_OPCODE) is "
	  "refused as an invalid opcode; with them set, one is created.", "robustness", probe_before_caps, 0, 1,
	  "NET-IPSEC-DRV-3" },
};

VC_DEVICE_SUITE(suite_net_ipsec, clauses, 1);
