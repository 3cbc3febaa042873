/* Flow filters, the objects: the three capabilities listed, the resource
 * object commands for groups, classifiers and rules, and what the device
 * refuses (a group priority taken, groups past the limits, a group or
 * classifier still in use, bad rules) or must accept (PARTIAL_MASK). The
 * traffic the rules steer is ff_steer.c. */
#include <errno.h>
#include <string.h>
#include "ff.h"
#include "vc/devtypes/dev.h"
#include "../devsession.h"

static const uint8_t sel_types[3] = { FF_SEL_ETH, FF_SEL_IPV4, FF_SEL_UDP };
static const uint8_t sel_lens[3] = { 14, 20, 8 };
/* the mask bytes the harness sets: EtherType, IPv4 protocol, UDP destination port */
static const uint8_t sel_bytes[3][2] = { { 12, 13 }, { 9, 9 }, { 2, 3 } };

/* Bits 0..2: FF_RESOURCE, FF_SELECTOR, FF_ACTION listed by CAP_ID_LIST_QUERY;
 * -1 when the command fails (status in *st). */
static int listed(struct ff *f, uint16_t *st)
{
	uint8_t r[VC_ADMIN_RESULT_MAX];
	struct vc_admin_done d;

	if (!ds_admin_done(f->ns.c, vc_admin_cmd(&f->ns.admin, VC_ADMIN_CMD_CAP_ID_LIST_QUERY, NULL, 0, r, sizeof(r), &d),
		     "CAP_ID_LIST_QUERY"))
		return -2;
	*st = d.status;
	if (d.status != VC_ADMIN_STATUS_OK)
		return -1;
	return (int)(vc_le64(r + 8 * (FF_CAP_RESOURCE / 64)) & 7);
}

static uint16_t cap_get(struct ff *f, uint16_t id, void *res, size_t len)
{
	struct vc_admin_done d;

	if (!ds_admin_done(f->ns.c, vc_admin_cap_get(&f->ns.admin, id, res, len, &d), "DEVICE_CAP_GET"))
		return 0xffff;
	return d.status;
}

/* The selector of `type` in the capability: its entry, NULL when absent. */
static const uint8_t *sel_entry(const struct ff *f, uint8_t type)
{
	size_t at = 8;

	for (unsigned i = 0; i < f->sel[0] && at + 8 <= sizeof(f->sel); i++) {
		if (f->sel[at] == type)
			return f->sel + at;
		at += 8 + f->sel[at + 4];
	}
	return NULL;
}

static bool selectors_fit(struct vc_ctx *c, struct ff *f)
{
	static const char *const what[3] = { "the EtherType", "the IPv4 protocol", "the UDP destination port" };

	for (unsigned i = 0; i < 3; i++) {
		const uint8_t *e = sel_entry(f, sel_types[i]);
		if (!e || e[4] != sel_lens[i] || e[8 + sel_bytes[i][0]] != 0xff || e[8 + sel_bytes[i][1]] != 0xff) {
			vc_skip(c, "VIRTIO_NET_FF_SELECTOR_CAP does not offer matching on %s: the harness's rules need it",
				what[i]);
			return false;
		}
		f->sel_flags[i] = e[1];
	}
	return true;
}

static bool cap_set(struct ff *f, uint16_t id, const uint8_t *cap, size_t len)
{
	struct vc_admin_done d;

	if (!ds_admin_done(f->ns.c, vc_admin_cap_set(&f->ns.admin, id, cap, len, &d), "DRIVER_CAP_SET"))
		return false;
	if (d.status != VC_ADMIN_STATUS_OK) {
		vc_fail(f->ns.c, "DRIVER_CAP_SET of capability %#x, as the device reported it, failed", id);
		vc_observed(f->ns.c, "status %u, qualifier %u", d.status, d.qualifier);
		vc_expected(f->ns.c, "VIRTIO_ADMIN_STATUS_OK");
		return false;
	}
	return true;
}

bool ff_start(struct vc_ctx *c, struct ff *f, const unsigned *need, unsigned pairs, bool set, const uint32_t *limits)
{
	unsigned bits[16] = { VIRTIO_F_ADMIN_VQ }, n = 1;
	uint16_t st = 0;

	memset(f, 0, sizeof(*f));
	for (; *need != NET_END && n + 1 < 16; need++)
		bits[n++] = *need;
	bits[n] = NET_END;
	if (!net_start(c, &f->ns, bits, NET_NONE, pairs))
		return false;
	int l = listed(f, &st);
	if (l == -2)
		return false;
	if (l < 0 || !l) {
		vc_skip(c, l < 0 ? "CAP_ID_LIST_QUERY failed (status %u): no capabilities, no flow filters"
				 : "the device lists no flow filter capability (CAP_ID_LIST_QUERY)", st);
		return false;
	}
	if (l != 7) {
		vc_skip(c, "the device lists only some of the flow filter capabilities (net.ff.caps-listed reports it)");
		return false;
	}
	uint16_t a = cap_get(f, FF_CAP_RESOURCE, f->res, sizeof(f->res)), b = a ? a : cap_get(f, FF_CAP_SELECTOR, f->sel,
		sizeof(f->sel)), e = b ? b : cap_get(f, FF_CAP_ACTION, f->act, sizeof(f->act));
	if (e == 0xffff)
		return false;
	if (e) {
		vc_skip(c, "DEVICE_CAP_GET of a flow filter capability failed (status %u)", e);
		return false;
	}
	if (!selectors_fit(c, f))
		return false;
	if (!set)
		return true;
	uint8_t res[20];
	memcpy(res, f->res, sizeof(res));
	for (unsigned i = 0; limits && i < 4; i++)
		vc_put32(res + 4 * i, limits[i]);
	size_t sel_len = 8;
	for (unsigned i = 0; i < f->sel[0] && sel_len + 8 <= sizeof(f->sel); i++)
		sel_len += 8 + f->sel[sel_len + 4];
	return cap_set(f, FF_CAP_RESOURCE, res, sizeof(res)) && cap_set(f, FF_CAP_SELECTOR, f->sel, sel_len) &&
	       cap_set(f, FF_CAP_ACTION, f->act, 8u + f->act[0]);
}

uint32_t ff_limit(const struct ff *f, unsigned which) { return vc_le32(f->res + 4 * which); }
uint8_t ff_last_priority(const struct ff *f) { return f->res[16]; }

bool ff_action_listed(const struct ff *f, uint8_t action)
{
	for (unsigned i = 0; i < f->act[0] && 8 + i < sizeof(f->act); i++)
		if (f->act[8 + i] == action)
			return true;
	return false;
}

uint16_t ff_obj(struct ff *f, uint16_t op, uint16_t type, uint32_t id, uint64_t flags, const void *obj, size_t len,
		void *res, size_t rlen)
{
	struct vc_admin_done d;

	if (!ds_admin_done(f->ns.c, vc_admin_obj(&f->ns.admin, op, type, id, flags, obj, len, res, rlen, &d),
		     "a resource object command"))
		return 0xffff;
	return d.status;
}

size_t ff_group_data(uint8_t *b, uint16_t priority)
{
	vc_put16(b, priority);
	return 2;
}

size_t ff_classifier_data(uint8_t *b)
{
	size_t at = 8;

	memset(b, 0, 8 + 3 * 8 + FF_KEY_LEN);
	b[0] = 3;
	for (unsigned i = 0; i < 3; i++) {
		b[at] = sel_types[i];
		b[at + 4] = sel_lens[i];
		b[at + 8 + sel_bytes[i][0]] = b[at + 8 + sel_bytes[i][1]] = 0xff;
		at += 8 + sel_lens[i];
	}
	return at;
}

size_t ff_rule_data(uint8_t *b, uint32_t group, uint32_t classifier, uint8_t priority, uint8_t action, uint16_t vq,
		    uint16_t dport)
{
	memset(b, 0, 16 + FF_KEY_LEN);
	vc_put32(b, group);
	vc_put32(b + 4, classifier);
	b[8] = priority;
	b[9] = FF_KEY_LEN;
	b[10] = action;
	vc_put16(b + 12, vq);
	uint8_t *k = b + 16;
	k[12] = 0x08;                    /* EtherType IPv4 */
	k[14 + 9] = 17;                  /* UDP */
	k[14 + 20 + 2] = (uint8_t)(dport >> 8);
	k[14 + 20 + 3] = (uint8_t)dport;
	return 16 + FF_KEY_LEN;
}

bool ff_create(struct ff *f, uint16_t type, uint32_t id, const uint8_t *obj, size_t len, const char *what)
{
	uint16_t st = ff_obj(f, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, type, id, 0, obj, len, NULL, 0);

	if (st && st != 0xffff) {
		vc_fail(f->ns.c, "RESOURCE_OBJ_CREATE of %s failed", what);
		vc_observed(f->ns.c, "status %u", st);
		vc_expected(f->ns.c, "VIRTIO_ADMIN_STATUS_OK: the capabilities were set as the device reported them");
	}
	return st == 0;
}

bool ff_group(struct ff *f, uint32_t id, uint16_t priority)
{
	uint8_t b[2];
	return ff_create(f, FF_OBJ_GROUP, id, b, ff_group_data(b, priority), "a flow filter group");
}

bool ff_classifier(struct ff *f, uint32_t id)
{
	uint8_t b[8 + 3 * 8 + FF_KEY_LEN];
	return ff_create(f, FF_OBJ_CLASSIFIER, id, b, ff_classifier_data(b), "a classifier (Ethernet, IPv4, UDP)");
}

bool ff_rule(struct ff *f, uint32_t id, uint32_t group, uint8_t priority, uint8_t action, uint16_t vq, uint16_t dport)
{
	uint8_t b[16 + FF_KEY_LEN];
	return ff_create(f, FF_OBJ_RULE, id, b, ff_rule_data(b, group, 0, priority, action, vq, dport),
			 "a flow filter rule");
}

/* ---- clauses ---- */

static void caps_listed(struct vc_ctx *c)
{
	struct ff f;
	uint16_t st = 0;
	uint8_t r[64];
	unsigned answered = 0;

	memset(&f, 0, sizeof(f));
	if (!net_start(c, &f.ns, NET_BITS(VIRTIO_F_ADMIN_VQ), NET_NONE, 1))
		return;
	int l = listed(&f, &st);
	if (l == -2)
		return;
	for (unsigned i = 0; i < 3; i++) {
		uint16_t s = cap_get(&f, (uint16_t)(FF_CAP_RESOURCE + i), r, sizeof(r));
		if (s == 0xffff)
			return;
		answered |= (s == VC_ADMIN_STATUS_OK) << i;
	}
	if ((l <= 0 && !answered) || l == 7)
		return l == 7 ? (void)0 : vc_skip(c, "the device neither lists nor answers a flow filter capability");
	vc_fail(c, "the device supports flow filters but CAP_ID_LIST_QUERY does not list all three capabilities");
	if (l < 0)
		vc_observed(c, "CAP_ID_LIST_QUERY failed (status %u); DEVICE_CAP_GET answered %s%s%s", st,
			    answered & 1 ? "0x800 " : "", answered & 2 ? "0x801 " : "", answered & 4 ? "0x802" : "");
	else
		vc_observed(c, "listed: %s%s%s; DEVICE_CAP_GET answered %s%s%s", l & 1 ? "0x800 " : "",
			    l & 2 ? "0x801 " : "", l & 4 ? "0x802 " : "", answered & 1 ? "0x800 " : "",
			    answered & 2 ? "0x801 " : "", answered & 4 ? "0x802" : "");
	vc_expected(c, "VIRTIO_NET_FF_RESOURCE_CAP, VIRTIO_NET_FF_SELECTOR_CAP and VIRTIO_NET_FF_ACTION_CAP in "
		       "supported_caps");
}

/* The status must be `want`: FAIL naming the command otherwise. */
static bool status_is(struct ff *f, uint16_t st, uint16_t want, const char *what, const char *name)
{
	if (st == 0xffff)
		return false;
	if (st == want)
		return true;
	vc_fail(f->ns.c, "%s answered status %u", what, st);
	vc_observed(f->ns.c, "status %u", st);
	vc_expected(f->ns.c, "%s", name);
	return false;
}
#define OK_ST(f, st, what) status_is(f, st, VC_ADMIN_STATUS_OK, what, "VIRTIO_ADMIN_STATUS_OK (0)")

static bool query_is(struct ff *f, uint16_t type, uint32_t id, const uint8_t *want, size_t len, const char *what)
{
	uint8_t got[256];

	if (!OK_ST(f, ff_obj(f, VC_ADMIN_CMD_RESOURCE_OBJ_QUERY, type, id, 0, NULL, 0, got, len), what))
		return false;
	long at = net_diff(want, len, got, len);
	if (at >= 0) {
		vc_fail(f->ns.c, "%s did not answer the object's data as last created or modified", what);
		vc_observed(f->ns.c, "byte %ld of the result: %#04x", at, got[at]);
		vc_expected(f->ns.c, "%#04x, as the last CREATE or MODIFY gave it", want[at]);
		return false;
	}
	return true;
}

static bool modify(struct ff *f, uint16_t type, const uint8_t *obj, size_t len, const char *what)
{
	return OK_ST(f, ff_obj(f, VC_ADMIN_CMD_RESOURCE_OBJ_MODIFY, type, 0, 0, obj, len, NULL, 0), what) &&
	       query_is(f, type, 0, obj, len, "QUERY after MODIFY");
}

static bool destroy(struct ff *f, uint16_t type, const char *what)
{
	return OK_ST(f, ff_obj(f, VC_ADMIN_CMD_RESOURCE_OBJ_DESTROY, type, 0, 0, NULL, 0, NULL, 0), what);
}

static void object_commands(struct vc_ctx *c)
{
	struct ff f;
	struct vc_admin_done d;
	uint8_t g[2], cl[8 + 3 * 8 + FF_KEY_LEN], r[16 + FF_KEY_LEN], list[8];
	size_t gl, cll, rl;

	if (!ff_start(c, &f, NET_NONE, 1, true, NULL) ||
	    !ds_admin_done(c, vc_admin_cmd(&f.ns.admin, VC_ADMIN_CMD_LIST_QUERY, NULL, 0, list, sizeof(list), &d), "LIST_QUERY"))
		return;
	if (d.status != VC_ADMIN_STATUS_OK || (vc_le64(list) & 0x3c00) != 0x3c00) {
		vc_fail(c, "LIST_QUERY of the self group does not list the four resource object commands");
		vc_observed(c, "status %u, opcodes bitmap %#llx", d.status, (unsigned long long)vc_le64(list));
		vc_expected(c, "status OK, bits 0xa..0xd (RESOURCE_OBJ_CREATE, MODIFY, QUERY, DESTROY) set");
		return;
	}
	gl = ff_group_data(g, 1);
	cll = ff_classifier_data(cl);
	rl = ff_rule_data(r, 0, 0, 1, FF_ACTION_DROP, 0, 7001);
	if (!ff_create(&f, FF_OBJ_GROUP, 0, g, gl, "a group") || !ff_create(&f, FF_OBJ_CLASSIFIER, 0, cl, cll, "a classifier") ||
	    !ff_create(&f, FF_OBJ_RULE, 0, r, rl, "a rule") || !query_is(&f, FF_OBJ_GROUP, 0, g, gl, "QUERY of a group") ||
	    !query_is(&f, FF_OBJ_CLASSIFIER, 0, cl, cll, "QUERY of a classifier") ||
	    !query_is(&f, FF_OBJ_RULE, 0, r, rl, "QUERY of a rule"))
		return;
	rl = ff_rule_data(r, 0, 0, 1, FF_ACTION_DROP, 0, 7002);
	gl = ff_group_data(g, 2);
	if (!modify(&f, FF_OBJ_RULE, r, rl, "MODIFY of a rule (another port)") ||
	    !modify(&f, FF_OBJ_GROUP, g, gl, "MODIFY of a group (another priority)") ||
	    !destroy(&f, FF_OBJ_RULE, "DESTROY of a rule"))
		return;
	cl[0] = 2;                                     /* Ethernet and IPv4 only */
	if (!modify(&f, FF_OBJ_CLASSIFIER, cl, 8 + 22 + 28, "MODIFY of a classifier (two selectors)") ||
	    !destroy(&f, FF_OBJ_CLASSIFIER, "DESTROY of a classifier") || !destroy(&f, FF_OBJ_GROUP, "DESTROY of a group"))
		return;
	uint16_t st = ff_obj(&f, VC_ADMIN_CMD_RESOURCE_OBJ_QUERY, FF_OBJ_GROUP, 0, 0, NULL, 0, g, sizeof(g));
	if (st == VC_ADMIN_STATUS_OK) {
		vc_fail(c, "a destroyed group still answers RESOURCE_OBJ_QUERY");
		vc_observed(c, "status OK after DESTROY completed with OK");
		vc_expected(c, "the object gone (VIRTIO_ADMIN_STATUS_ENXIO)");
	}
}

static void group_priority_unique(struct vc_ctx *c)
{
	struct ff f;
	uint8_t g[2];

	if (!ff_start(c, &f, NET_NONE, 1, true, NULL) || !ff_group(&f, 0, 5))
		return;
	if (ff_limit(&f, 0) < 2) {
		vc_skip(c, "groups_limit is %u: no room for a second group", ff_limit(&f, 0));
		return;
	}
	status_is(&f, ff_obj(&f, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, FF_OBJ_GROUP, 1, 0, g, ff_group_data(g, 5), NULL, 0),
		  VC_ADMIN_STATUS_EINVAL, "RESOURCE_OBJ_CREATE of a second group with group_priority 5",
		  "VIRTIO_ADMIN_STATUS_EINVAL (22): a group has that priority");
}

/* groups_limit 3 and rules_per_group_limit 2 set: the third group is past
 * the lower of the two. */
static void group_limit(struct vc_ctx *c)
{
	struct ff f;
	uint8_t g[2];

	if (!ff_start(c, &f, NET_NONE, 1, false, NULL))
		return;
	if (ff_limit(&f, 0) < 3 || ff_limit(&f, 3) < 2) {
		vc_skip(c, "groups_limit %u, rules_per_group_limit %u: the check sets 3 and 2", ff_limit(&f, 0),
			ff_limit(&f, 3));
		return;
	}
	uint32_t limits[4] = { 3, ff_limit(&f, 1), ff_limit(&f, 2), 2 };
	if (!ff_start(c, &f, NET_NONE, 1, true, limits) || !ff_group(&f, 0, 1) || !ff_group(&f, 1, 2))
		return;
	status_is(&f, ff_obj(&f, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, FF_OBJ_GROUP, 2, 0, g, ff_group_data(g, 3), NULL, 0),
		  VC_ADMIN_STATUS_ENOSPC, "with groups_limit 3 and rules_per_group_limit 2 set, creating a third group",
		  "VIRTIO_ADMIN_STATUS_ENOSPC (28): past the lower of the two limits");
}

static void busy(struct vc_ctx *c, uint16_t type, const char *what)
{
	struct ff f;

	/* group 1, classifier 0, rule 2: a device that confuses the ids shows */
	if (!ff_start(c, &f, NET_NONE, 1, true, NULL) || !ff_group(&f, 1, 1) || !ff_classifier(&f, 0) ||
	    !ff_rule(&f, 2, 1, 1, FF_ACTION_DROP, 0, 7001))
		return;
	status_is(&f, ff_obj(&f, VC_ADMIN_CMD_RESOURCE_OBJ_DESTROY, type, type == FF_OBJ_GROUP, 0, NULL, 0, NULL, 0),
		  VC_ADMIN_STATUS_EBUSY,
		  what, "VIRTIO_ADMIN_STATUS_EBUSY (16): a rule depends on it");
}

static void group_busy(struct vc_ctx *c) { busy(c, FF_OBJ_GROUP, "RESOURCE_OBJ_DESTROY of a group a rule belongs to"); }
static void classifier_busy(struct vc_ctx *c) { busy(c, FF_OBJ_CLASSIFIER, "RESOURCE_OBJ_DESTROY of a classifier a rule uses"); }

static void rule_rejects(struct vc_ctx *c)
{
	struct ff f;
	uint8_t r[16 + FF_KEY_LEN];
	char taken[200] = "";

	if (!ff_start(c, &f, NET_NONE, 1, true, NULL) || !ff_group(&f, 0, 1) || !ff_classifier(&f, 0))
		return;
	uint32_t limit = ff_limit(&f, 2) < ff_limit(&f, 3) ? ff_limit(&f, 2) : ff_limit(&f, 3);
	uint8_t last = ff_last_priority(&f), other = 1;
	while (other && ff_action_listed(&f, other))
		other++;
	if (limit < 4) {
		vc_skip(c, "rules_limit/rules_per_group_limit %u: the check needs 4 rule ids", limit);
		return;
	}
	struct { uint32_t id; uint8_t prio, action, keylen; uint16_t vq; bool on; const char *what; } k[] = {
		{ 0, 0, FF_ACTION_DIRECT, FF_KEY_LEN, 1, ff_action_listed(&f, FF_ACTION_DIRECT), "vq_index 1 (transmitq1); " },
		{ 1, (uint8_t)(last + 1), FF_ACTION_DROP, FF_KEY_LEN, 0, last < 255, "rule_priority past last_rule_priority; " },
		{ limit, 0, FF_ACTION_DROP, FF_KEY_LEN, 0, true, "id past the rule limits; " },
		{ 2, 0, FF_ACTION_DROP, FF_KEY_LEN - 1, 0, true, "key_length one short of the masks'; " },
		{ 3, 0, other, FF_KEY_LEN, 0, other != 0, "an action the capability does not list; " },
	};
	for (unsigned i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (!k[i].on)
			continue;
		size_t len = ff_rule_data(r, 0, 0, k[i].prio, k[i].action, k[i].vq, 7001);
		r[9] = k[i].keylen;
		uint16_t st = ff_obj(&f, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, FF_OBJ_RULE, k[i].id, 0, r,
				     len - (FF_KEY_LEN - k[i].keylen), NULL, 0);
		if (st == 0xffff)
			return;
		if (st == VC_ADMIN_STATUS_OK)
			strncat(taken, k[i].what, sizeof(taken) - strlen(taken) - 1);
	}
	if (taken[0]) {
		vc_fail(c, "the device created a rule it should have refused");
		vc_observed(c, "created with status OK: %s", taken);
		vc_expected(c, "each refused");
	}
}

static void partial_mask(struct vc_ctx *c)
{
	struct ff f;
	uint8_t cl[8 + 3 * 8 + FF_KEY_LEN];

	if (!ff_start(c, &f, NET_NONE, 1, true, NULL))
		return;
	if (!(f.sel_flags[0] & f.sel_flags[1] & f.sel_flags[2] & FF_PARTIAL_MASK)) {
		vc_skip(c, "VIRTIO_NET_FF_SELECTOR_CAP does not offer partial masks on the Ethernet, IPv4 and UDP selectors");
		return;
	}
	size_t len = ff_classifier_data(cl);
	status_is(&f, ff_obj(&f, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, FF_OBJ_CLASSIFIER, 0, FF_PARTIAL_MASK, cl, len, NULL, 0),
		  VC_ADMIN_STATUS_OK, "RESOURCE_OBJ_CREATE of a classifier with flags PARTIAL_MASK and full masks",
		  "VIRTIO_ADMIN_STATUS_OK: partial masking is offered for these selectors");
}

/* Robustness (the driver's MUST broken on purpose): a group created before
 * the FF capabilities are set fails with Q_INVALID_OPCODE (NET-FF-DEV-3, a
 * SHOULD); with them set, one is created. */
static void probe_before_caps(struct vc_ctx *c)
{
	struct ff f;
	uint8_t g[2];
	struct vc_admin_done d;

	if (!ff_start(c, &f, NET_NONE, 1, false, NULL) ||
	    !ds_admin_done(c, vc_admin_obj(&f.ns.admin, VC_ADMIN_CMD_RESOURCE_OBJ_CREATE, FF_OBJ_GROUP, 0, 0, g,
				     ff_group_data(g, 1), NULL, 0, &d), "CREATE of a group before the capabilities"))
		return;
	if (d.status == VC_ADMIN_STATUS_OK || d.qualifier != VC_ADMIN_Q_INVALID_OPCODE) {
		vc_fail(c, "a group created before the driver set the FF capabilities was not refused as an invalid opcode");
		vc_observed(c, "status %u, qualifier %u", d.status, d.qualifier);
		vc_expected(c, "a failure with VIRTIO_ADMIN_STATUS_Q_INVALID_OPCODE (2)");
		return;
	}
	if (ff_start(c, &f, NET_NONE, 1, true, NULL))
		ff_group(&f, 1, 1);
}

#define F(id, kw, covers, summary, fn) \
	{ id, L_NET_FF, kw, VC_DEVICE_RULE, "1.4", NET_NEEDS, covers, summary, NULL, fn, VC_REQ(VIRTIO_F_ADMIN_VQ) }

static const struct vc_clause clauses[] = {
	F("net.ff.caps-listed", VC_MUST, "NET-FF-DEV-1",
	  "A NIC that answers a flow filter capability lists all three (FF_RESOURCE_CAP, FF_SELECTOR_CAP, "
	  "FF_ACTION_CAP) in CAP_ID_LIST_QUERY's supported_caps.", caps_listed),
	F("net.ff.object-commands", VC_MUST, "NET-FF-DEV-2",
	  "Groups, classifiers and rules are created, queried (the data as created), modified (queried again as "
	  "modified) and destroyed, all with status OK; LIST_QUERY of the self group lists the four commands.",
	  object_commands),
	F("net.ff.group-priority-unique", VC_SHOULD, "NET-FF-DEV-4",
	  "Creating a group with a group_priority another group has fails with EINVAL.", group_priority_unique),
	F("net.ff.group-limit", VC_SHOULD, "NET-FF-DEV-5",
	  "With groups_limit 3 and rules_per_group_limit 2 set, a third group fails with ENOSPC.", group_limit),
	F("net.ff.group-busy", VC_SHOULD, "NET-FF-DEV-7",
	  "Destroying a group a rule belongs to fails with EBUSY.", group_busy),
	F("net.ff.classifier-busy", VC_SHOULD, "NET-FF-DEV-8",
	  "Destroying a classifier a rule uses fails with EBUSY.", classifier_busy),
	F("net.ff.rule-rejects", VC_SHOULD, "NET-FF-DEV-9",
	  "A rule is refused with a transmit queue's vq_index, a rule_priority past last_rule_priority, an id past "
	  "the rule limits, a key_length other than the masks', or an action the capability does not list.",
	  rule_rejects),
	F("net.ff.partial-mask", VC_MUST, "NET-FF-DEV-22",
	  "Where the selectors offer partial masks, a classifier created with flags PARTIAL_MASK and full masks is "
	  "accepted.", partial_mask),
	{ "probe.net.ff.objects-before-caps", "Robustness: a hostile driver (not a spec rule)", VC_MAY, VC_ROBUSTNESS,
	  "1.4", NET_NEEDS, "", "A flow filter group created before the FF capabilities are set (NET-FF-DEV-3: "
	  "Q_INVALID_OPCODE) is refused as an invalid opcode; with them set, one is created.", "robustness",
	  probe_before_caps, VC_REQ(VIRTIO_F_ADMIN_VQ), 0, "NET-FF-DRV-1" },
};

VC_DEVICE_SUITE(suite_net_ff, clauses, 1);
