/* Flow filters (suites/net/ff.c, ff_steer.c): a NIC session with the
 * administration queue, the three FF capabilities read (and set), and the
 * group, classifier and rule objects the clauses build. */
#ifndef VC_SUITES_NET_FF_H
#define VC_SUITES_NET_FF_H

#include "net.h"

#define L_NET_FF L_NET_OP " / Flow filter"

enum {
	FF_CAP_RESOURCE = 0x800, FF_CAP_SELECTOR = 0x801, FF_CAP_ACTION = 0x802,
	FF_OBJ_GROUP = 0x200, FF_OBJ_CLASSIFIER = 0x201, FF_OBJ_RULE = 0x202,
	FF_SEL_ETH = 1, FF_SEL_IPV4 = 2, FF_SEL_UDP = 5,
	FF_ACTION_DROP = 1, FF_ACTION_DIRECT = 2,
	FF_PARTIAL_MASK = 1,
	FF_KEY_LEN = 14 + 20 + 8,        /* the harness's classifier: Ethernet, IPv4, UDP */
};

struct ff {
	struct net_session ns;
	uint8_t res[20];                 /* the device's VIRTIO_NET_FF_RESOURCE_CAP */
	uint8_t sel[VC_ADMIN_RESULT_MAX];
	uint8_t act[64];
	uint8_t sel_flags[3];            /* the capability's flags of the three selectors the harness uses */
};

/* Start a session (need: feature bits besides VIRTIO_F_ADMIN_VQ; pairs),
 * SKIP unless the device lists and answers the three FF capabilities; set
 * them as the device reports them (limits[4] when given: groups,
 * classifiers, rules, rules per group) unless `set` is false. */
bool ff_start(struct vc_ctx *c, struct ff *f, const unsigned *need, unsigned pairs, bool set, const uint32_t *limits);
/* The device's limits and last_rule_priority. */
uint32_t ff_limit(const struct ff *f, unsigned which);
uint8_t ff_last_priority(const struct ff *f);
bool ff_action_listed(const struct ff *f, uint8_t action);

/* A command whose status is returned (ERROR verdict and 0xffff on a
 * backend failure or no answer). */
uint16_t ff_obj(struct ff *f, uint16_t op, uint16_t type, uint32_t id, uint64_t flags, const void *obj, size_t len,
		void *res, size_t rlen);
/* Object data the harness uses: a group; the classifier matching UDP over
 * IPv4 by destination port (EtherType, protocol and port masked); a rule
 * of that classifier for destination port `dport`. */
size_t ff_group_data(uint8_t *b, uint16_t priority);
size_t ff_classifier_data(uint8_t *b);
size_t ff_rule_data(uint8_t *b, uint32_t group, uint32_t classifier, uint8_t priority, uint8_t action, uint16_t vq,
		    uint16_t dport);
/* Create, expecting VIRTIO_ADMIN_STATUS_OK: FAIL naming `what` otherwise. */
bool ff_create(struct ff *f, uint16_t type, uint32_t id, const uint8_t *obj, size_t len, const char *what);
bool ff_group(struct ff *f, uint32_t id, uint16_t priority);
bool ff_classifier(struct ff *f, uint32_t id);
bool ff_rule(struct ff *f, uint32_t id, uint32_t group, uint8_t priority, uint8_t action, uint16_t vq, uint16_t dport);

#endif
