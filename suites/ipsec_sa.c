/* IPsec SAs as resource objects, the network and crypto devices' shared
 * checks (ipsec_sa.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "ipsec_sa.h"
#include "vc/devtypes/admin.h"
#include "vc/devtypes/dev.h"
#include "devsession.h"
#include "vc/virtio_pci.h"

enum {
	SA_LEN = 196, MODE_CAP_LEN = 44,
	DIR_OUTBOUND = 1, DIR_INBOUND = 2,
	CIPHER_AES_CBC = 3, HMAC_SHA_256 = 4,
	CIPHER_KEY = 16, AUTH_KEY = 32,
	SA_LIFETIME = 1 << 6,                   /* options: VIRTIO_CRYPTO_IPSEC_SA_LIFETIME */
};

/* The known answers, made outside the harness (Python's cryptography
 * package): a UDP/IPv4 packet 10.99.0.1:40000 -> 10.99.0.2:9, and that
 * packet in ESP with SPI 0x1100, sequence numbers 1 and 2, IVs a0..af and
 * b0..bf, the keys sa_inbound_ready gives the SA. */
const uint8_t sa_esp_plain[52] = {
	0x45, 0x00, 0x00, 0x34, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x13, 0xbd,
	0x0a, 0x63, 0x00, 0x01, 0x0a, 0x63, 0x00, 0x02, 0x9c, 0x40, 0x00, 0x09,
	0x00, 0x20, 0x0e, 0x81, 0x76, 0x69, 0x72, 0x74, 0x69, 0x6f, 0x2d, 0x63,
	0x6f, 0x6e, 0x66, 0x6f, 0x72, 0x6d, 0x20, 0x69, 0x70, 0x73, 0x65, 0x63,
	0x20, 0x6b, 0x61, 0x74,
};
const uint8_t sa_esp_seq1[108] = {
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
const uint8_t sa_esp_seq2[108] = {
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

struct sa_session {
	struct vc_ctx *c;
	const struct sa_kind *k;
	struct vc_driver drv;
	struct vc_admin own, *admin;            /* the session's own, or the caller's */
	uint8_t res[8];                         /* inb_sa_limit, outb_sa_limit (as the driver sets them) */
	uint8_t cap[VC_ADMIN_RESULT_MAX];       /* the SA capability */
	const uint8_t *mode;                    /* its mode entry with AES-CBC and HMAC-SHA-256 */
};

static bool open_admin(struct vc_ctx *c, const struct sa_kind *k, struct sa_session *s)
{
	uint32_t want[VC_FEATURE_WORDS] = { 0 };
	int rc;

	vc_features_set(want, VIRTIO_F_VERSION_1);
	vc_features_set(want, VIRTIO_F_ADMIN_VQ);
	if (k->feature != ~0u)
		vc_features_set(want, k->feature);
	if (!vc_ctx_start(c, &s->drv, want))
		return false;
	s->admin = &s->own;
	if ((rc = vc_admin_setup(s->admin, &s->drv)) == -ENOENT) {
		vc_skip(c, "the device names no usable administration queue (pci.common.admin-queue-* report it)");
		return false;
	}
	if (rc || (rc = vc_status_add(&s->drv, VIRTIO_STATUS_DRIVER_OK))) {
		vc_error(c, "administration queue set-up failed: %s", strerror(-rc));
		return false;
	}
	return true;
}

/* Bit 0: the resource capability listed, bit 1: the SA capability; -2 on
 * an ERROR/FAIL verdict, -1 when CAP_ID_LIST_QUERY fails. */
static int listed(struct sa_session *s)
{
	uint8_t r[VC_ADMIN_RESULT_MAX];
	struct vc_admin_done d;

	if (!ds_admin_done(s->c, vc_admin_cmd(s->admin, VC_ADMIN_CMD_CAP_ID_LIST_QUERY, NULL, 0, r, sizeof(r), &d),
		     "CAP_ID_LIST_QUERY"))
		return -2;
	if (d.status != VC_ADMIN_STATUS_OK)
		return -1;
	return (int)((vc_le64(r + 8 * (s->k->cap_res / 64)) >> (s->k->cap_res % 64) & 1) |
		     (vc_le64(r + 8 * (s->k->cap_sa / 64)) >> (s->k->cap_sa % 64) & 1) << 1);
}

static uint16_t cap_get(struct sa_session *s, uint16_t id, void *res, size_t len)
{
	struct vc_admin_done d;

	if (!ds_admin_done(s->c, vc_admin_cap_get(s->admin, id, res, len, &d), "DEVICE_CAP_GET"))
		return 0xffff;
	return d.status;
}

static bool cap_set(struct sa_session *s, uint16_t id, const void *cap, size_t len, const char *name)
{
	struct vc_admin_done d;

	if (!ds_admin_done(s->c, vc_admin_cap_set(s->admin, id, cap, len, &d), "DRIVER_CAP_SET"))
		return false;
	if (d.status == VC_ADMIN_STATUS_OK)
		return true;
	vc_fail(s->c, "DRIVER_CAP_SET of %s, as the device reported it, failed", name);
	vc_observed(s->c, "status %u, qualifier %u", d.status, d.qualifier);
	vc_expected(s->c, "VIRTIO_ADMIN_STATUS_OK");
	return false;
}

static bool offered(struct vc_ctx *c, const struct sa_kind *k)
{
	if (!vc_offers(c->probe, VIRTIO_F_ADMIN_VQ)) {
		vc_skip(c, "VIRTIO_F_ADMIN_VQ is not offered");
		return false;
	}
	if (k->feature != ~0u && !vc_offers(c->probe, k->feature)) {
		vc_skip(c, "the device does not offer IPsec (feature bit %u)", k->feature);
		return false;
	}
	return !k->offered || k->offered(c);
}

static bool caps(struct sa_session *s, bool set);

/* The device started with its administration queue, the capabilities read
 * (and set as reported when `set`). */
static bool sa_start(struct vc_ctx *c, const struct sa_kind *k, struct sa_session *s, bool set)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->k = k;
	return offered(c, k) && open_admin(c, k, s) && caps(s, set);
}

/* The capabilities listed and read (and set as reported when `set`). */
static bool caps(struct sa_session *s, bool set)
{
	struct vc_ctx *c = s->c;
	const struct sa_kind *k = s->k;
	int l = listed(s);

	if (l == -2)
		return false;
	if (l != 3) {
		vc_skip(c, l < 0 ? "CAP_ID_LIST_QUERY failed: no capabilities, no IPsec SAs" : !l ?
			"the device lists no IPsec capability (CAP_ID_LIST_QUERY)" :
			"the device lists one of the two IPsec capabilities (the caps-listed clause reports it)");
		return false;
	}
	uint16_t a = cap_get(s, k->cap_res, s->res, sizeof(s->res)), b = a ? a : cap_get(s, k->cap_sa, s->cap,
		sizeof(s->cap));
	if (b == 0xffff)
		return false;
	if (b) {
		vc_skip(c, "DEVICE_CAP_GET of an IPsec capability failed (status %u)", b);
		return false;
	}
	for (unsigned i = 0; i < s->cap[0] && 8 + (i + 1) * MODE_CAP_LEN <= sizeof(s->cap); i++) {
		const uint8_t *m = s->cap + 8 + i * MODE_CAP_LEN;
		if ((vc_le64(m + 16) >> CIPHER_AES_CBC & 1) && (vc_le64(m + 24) >> HMAC_SHA_256 & 1) &&
		    vc_le32(m + 36) >= CIPHER_KEY && vc_le32(m + 40) >= AUTH_KEY) {
			s->mode = m;
			break;
		}
	}
	if (!s->mode) {
		vc_skip(c, "no IPsec mode the SA capability lists offers AES-CBC with HMAC-SHA-256: the harness's SAs use it");
		return false;
	}
	if (!vc_le32(s->res) || !vc_le32(s->res + 4)) {
		vc_skip(c, "inb_sa_limit %u, outb_sa_limit %u: the check needs SAs both ways", vc_le32(s->res),
			vc_le32(s->res + 4));
		return false;
	}
	/* inb_sa_limit set one lower than reported (when it can be): the two
	 * limits differ, so a device that mixes them up shows */
	if (vc_le32(s->res) > 1)
		vc_put32(s->res, vc_le32(s->res) - 1);
	return !set || (cap_set(s, k->cap_res, s->res, sizeof(s->res), k->cap_res_name) &&
			cap_set(s, k->cap_sa, s->cap, 8u + s->cap[0] * MODE_CAP_LEN, k->cap_sa_name));
}

/* An SA of the harness: the mode found, AES-CBC with a 16-byte key,
 * HMAC-SHA-256 with a 32-byte key, transport (no tunnel parameters). */
static void sa_data(const struct sa_session *s, uint8_t *b, bool inbound, uint32_t spi)
{
	memset(b, 0, SA_LEN);
	b[0] = s->mode[0];
	b[1] = inbound ? DIR_INBOUND : DIR_OUTBOUND;
	vc_put32(b + 8, spi);
	vc_put32(b + 12, 0x5a17);                       /* salt */
	if (inbound)
		vc_put32(b + 72, vc_le32(s->mode + 4) < 32 ? vc_le32(s->mode + 4) : 32);
	vc_put64(b + 76, CIPHER_AES_CBC);
	vc_put16(b + 84, CIPHER_KEY);
	for (unsigned i = 0; i < CIPHER_KEY; i++)
		b[88 + i] = (uint8_t)(0x10 + i);
	vc_put64(b + 120, HMAC_SHA_256);
	vc_put16(b + 128, AUTH_KEY);
	for (unsigned i = 0; i < AUTH_KEY; i++)
		b[132 + i] = (uint8_t)(0x40 + i);
}

static uint16_t obj(struct sa_session *s, uint16_t op, bool inbound, uint32_t id, const uint8_t *sa, void *res,
		    size_t rlen)
{
	struct vc_admin_done d;
	uint16_t type = inbound ? s->k->obj_inb : s->k->obj_outb;

	if (!ds_admin_done(s->c, vc_admin_obj(s->admin, op, type, id, 0, sa, sa ? SA_LEN : 0, res, rlen, &d),
		     "a resource object command"))
		return 0xffff;
	return d.status;
}

static bool ok(struct sa_session *s, uint16_t st, const char *what)
{
	if (st == 0xffff)
		return false;
	if (st == VC_ADMIN_STATUS_OK)
		return true;
	vc_fail(s->c, "%s failed", what);
	vc_observed(s->c, "status %u", st);
	vc_expected(s->c, "VIRTIO_ADMIN_STATUS_OK (0)");
	return false;
}

static bool create(struct sa_session *s, bool inbound, uint32_t id, const char *what)
{
	uint8_t b[SA_LEN];

	sa_data(s, b, inbound, 0x1000 + id + (inbound ? 0x100u : 0));
	return ok(s, obj(s, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, inbound, id, b, NULL, 0), what);
}

void sa_caps_listed(struct vc_ctx *c, const struct sa_kind *k)
{
	struct sa_session s = { .c = c, .k = k };
	uint8_t r[VC_ADMIN_RESULT_MAX];
	unsigned answered = 0;

	if (!offered(c, k) || !open_admin(c, k, &s))
		return;
	int l = listed(&s);
	if (l == -2)
		return;
	for (unsigned i = 0; i < 2; i++) {
		uint16_t st = cap_get(&s, i ? k->cap_sa : k->cap_res, r, sizeof(r));
		if (st == 0xffff)
			return;
		answered |= (st == VC_ADMIN_STATUS_OK) << i;
	}
	if (l == 3)
		return;
	if (l <= 0 && !answered) {
		vc_skip(c, "the device neither lists nor answers an IPsec capability");
		return;
	}
	vc_fail(c, "the device supports IPsec SAs but CAP_ID_LIST_QUERY does not list both capabilities");
	vc_observed(c, "listed: %s%s%s; DEVICE_CAP_GET answered %s%s", l < 0 ? "(the command failed)" : "",
		    l > 0 && (l & 1) ? k->cap_res_name : "", l > 0 && (l & 2) ? " and the SA capability" : "",
		    answered & 1 ? k->cap_res_name : "", answered & 2 ? " and the SA capability" : "");
	vc_expected(c, "%s and %s in supported_caps", k->cap_res_name, k->cap_sa_name);
}

static bool query_is(struct sa_session *s, bool inbound, const uint8_t *want, const char *what)
{
	uint8_t got[SA_LEN];

	if (!ok(s, obj(s, VC_ADMIN_CMD_RESOURCE_OBJ_QUERY, inbound, 0, NULL, got, sizeof(got)), what))
		return false;
	for (unsigned i = 0; i < SA_LEN; i++)
		if (got[i] != want[i]) {
			vc_fail(s->c, "%s did not answer the SA as last created or modified", what);
			vc_observed(s->c, "byte %u of the result: %#04x", i, got[i]);
			vc_expected(s->c, "%#04x", want[i]);
			return false;
		}
	return true;
}

void sa_object_commands(struct vc_ctx *c, const struct sa_kind *k)
{
	struct sa_session s;
	uint8_t b[SA_LEN];

	if (!sa_start(c, k, &s, true))
		return;
	for (unsigned in = 0; in < 2; in++) {
		sa_data(&s, b, in, 0x2000 + in);
		if (!ok(&s, obj(&s, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, in, 0, b, NULL, 0), in ? "CREATE of an inbound SA" :
			"CREATE of an outbound SA") || !query_is(&s, in, b, "QUERY of a created SA"))
			return;
		vc_put32(b + 8, 0x3000 + in);               /* another spi, another salt */
		vc_put32(b + 12, 0x77);
		if (!ok(&s, obj(&s, VC_ADMIN_CMD_RESOURCE_OBJ_MODIFY, in, 0, b, NULL, 0), "MODIFY of an SA (spi, salt)") ||
		    !query_is(&s, in, b, "QUERY of a modified SA") ||
		    !ok(&s, obj(&s, VC_ADMIN_CMD_RESOURCE_OBJ_DESTROY, in, 0, NULL, NULL, 0), "DESTROY of an SA"))
			return;
	}
}

/* Each must be refused: an id past the limit, a cipher the mode does not
 * offer, a mode the capability does not list. */
static void refused(struct vc_ctx *c, const struct sa_kind *k, bool in)
{
	struct sa_session s;
	uint8_t b[SA_LEN];
	char taken[160] = "";

	if (!sa_start(c, k, &s, true))
		return;
	uint32_t limit = vc_le32(s.res + (in ? 0 : 4));
	uint64_t ciphers = vc_le64(s.mode + 16);
	unsigned algo = 1, mode = 1;
	while (algo < 64 && (ciphers >> algo & 1))
		algo++;
	for (bool found = true; found && mode < 256; mode += found) {
		found = false;
		for (unsigned i = 0; i < s.cap[0] && 8 + (i + 1) * MODE_CAP_LEN <= sizeof(s.cap); i++)
			found |= s.cap[8 + i * MODE_CAP_LEN] == mode;
	}
	for (unsigned t = 0; t < 3; t++) {
		sa_data(&s, b, in, 0x4000 + t);
		if (t == 1)
			vc_put64(b + 76, algo);
		if (t == 2)
			b[0] = (uint8_t)mode;
		uint16_t st = obj(&s, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, in, t == 0 ? limit : t, b, NULL, 0);
		if (st == 0xffff)
			return;
		static const char *const what[3] = { "id equal to the limit; ", "a cipher the mode does not offer; ",
						     "a mode the capability does not list; " };
		if (st == VC_ADMIN_STATUS_OK || (k->einval && st != VC_ADMIN_STATUS_EINVAL)) {
			size_t n = strlen(taken);
			snprintf(taken + n, sizeof(taken) - n, "%s(status %u) ", what[t], st);
		}
	}
	if (taken[0]) {
		vc_fail(c, "%s SA the device must refuse was %s", in ? "an inbound" : "an outbound",
			k->einval ? "not refused with EINVAL" : "created");
		vc_observed(c, "%s", taken);
		vc_expected(c, "%s", k->einval ? "VIRTIO_ADMIN_STATUS_EINVAL (22) for each" : "each refused");
	}
}

void sa_outbound_refused(struct vc_ctx *c, const struct sa_kind *k) { refused(c, k, false); }
void sa_inbound_refused(struct vc_ctx *c, const struct sa_kind *k) { refused(c, k, true); }

void sa_recreate(struct vc_ctx *c, const struct sa_kind *k)
{
	struct sa_session s;

	if (sa_start(c, k, &s, true) && create(&s, false, 0, "CREATE of an outbound SA") &&
	    ok(&s, obj(&s, VC_ADMIN_CMD_RESOURCE_OBJ_DESTROY, false, 0, NULL, NULL, 0), "DESTROY of the SA"))
		create(&s, false, 0, "CREATE of the destroyed SA's id again, without a device reset");
}

void sa_duplicate_refused(struct vc_ctx *c, const struct sa_kind *k)
{
	struct sa_session s;
	uint8_t first[SA_LEN], again[SA_LEN];

	if (!sa_start(c, k, &s, true))
		return;
	for (unsigned in = 0; in < 2; in++) {
		const char *dir = in ? "inbound" : "outbound";
		sa_data(&s, first, in, 0x5000 + in);
		sa_data(&s, again, in, 0x5100 + in);        /* another spi: a replaced SA shows */
		if (!ok(&s, obj(&s, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, in, 0, first, NULL, 0), in ?
			"CREATE of an inbound SA" : "CREATE of an outbound SA"))
			return;
		uint16_t st = obj(&s, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, in, 0, again, NULL, 0);
		if (st == 0xffff)
			return;
		if (st != VC_ADMIN_STATUS_EEXIST) {
			vc_fail(c, "a second CREATE of %s SA 0, while it exists, did not fail with EEXIST", dir);
			vc_observed(c, "status %u", st);
			vc_expected(c, "VIRTIO_ADMIN_STATUS_EEXIST (17)");
			return;
		}
		if (!query_is(&s, in, first, "QUERY of an SA after a refused second CREATE of its id") ||
		    !ok(&s, obj(&s, VC_ADMIN_CMD_RESOURCE_OBJ_DESTROY, in, 0, NULL, NULL, 0), "DESTROY of the SA"))
			return;
	}
}

void sa_reset_destroys(struct vc_ctx *c, const struct sa_kind *k)
{
	struct sa_session s;

	if (!sa_start(c, k, &s, true) || !create(&s, false, 0, "CREATE of an outbound SA") ||
	    !create(&s, true, 0, "CREATE of an inbound SA") || !sa_start(c, k, &s, true))
		return;
	if (create(&s, false, 0, "after a device reset, CREATE of the outbound SA's id again"))
		create(&s, true, 0, "after a device reset, CREATE of the inbound SA's id again");
}

bool sa_inbound_ready(struct vc_ctx *c, const struct sa_kind *k, struct vc_admin *a, uint32_t spi,
		      uint64_t soft_packets)
{
	struct sa_session s = { .c = c, .k = k, .admin = a };
	uint8_t b[SA_LEN];

	if (!caps(&s, true))
		return false;
	sa_data(&s, b, true, spi);
	vc_put32(b + 72, 0);                            /* no replay window */
	if (soft_packets) {
		if (!(vc_le32(s.mode + 8) & SA_LIFETIME)) {
			vc_skip(c, "the SA capability's mode does not offer VIRTIO_CRYPTO_IPSEC_SA_LIFETIME");
			return false;
		}
		vc_put64(b + 16, SA_LIFETIME);          /* options */
		vc_put64(b + 164, soft_packets);        /* life.packets_soft_limit */
	}
	return ok(&s, obj(&s, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, true, 0, b, NULL, 0), "CREATE of an inbound SA");
}

void sa_probe_before_caps(struct vc_ctx *c, const struct sa_kind *k)
{
	struct sa_session s;
	struct vc_admin_done d;
	uint8_t b[SA_LEN];

	if (!sa_start(c, k, &s, false))
		return;
	sa_data(&s, b, false, 0x5000);
	if (!ds_admin_done(c, vc_admin_obj(s.admin, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, k->obj_outb, 0, 0, b, SA_LEN, NULL, 0, &d),
		     "CREATE of an SA before the capabilities were set"))
		return;
	if (d.status == VC_ADMIN_STATUS_OK || d.qualifier != VC_ADMIN_Q_INVALID_OPCODE) {
		vc_fail(c, "an SA created before the driver set the IPsec capabilities was not refused as an invalid opcode");
		vc_observed(c, "status %u, qualifier %u", d.status, d.qualifier);
		vc_expected(c, "a failure with VIRTIO_ADMIN_STATUS_Q_INVALID_OPCODE (2)");
		return;
	}
	if (caps(&s, true))                      /* the device still works */
		create(&s, false, 1, "CREATE of an outbound SA once the capabilities were set");
}
