/* Entropy device: the request queue (Device Types / Entropy Device). */
#include <string.h>
#include "../devsession.h"

#define L_ENTROPY_OP "Device Types / Entropy Device / Device Operation"

/* Two buffers, each prefilled with its own pattern: each comes back with
 * at least one byte, what the device wrote is not the pattern left in
 * place, and two answers of several bytes are not the same bytes. */
static void random_bytes(struct vc_ctx *c)
{
	static const uint8_t fill[2] = { 0xa5, 0x3c };
	uint8_t pattern[2][64], got[2][64];
	uint32_t used[2];
	unsigned changed = 0;
	struct vc_dev d;

	if (!ds_open(c, &d, 0, 0, DS_Q(0), false))
		return;
	for (unsigned i = 0; i < 2; i++) {
		struct vc_iov iov = { pattern[i], got[i], sizeof(got[i]), true };
		memset(pattern[i], fill[i], sizeof(pattern[i]));
		if (!ds_call(c, &d, 0, &iov, 1, &used[i], "entropy request"))
			return;
		if (used[i] == 0 || used[i] > sizeof(got[i])) {
			vc_fail(c, "request %u of 64 bytes came back with used length %u", i + 1, used[i]);
			vc_observed(c, "used length %u", used[i]);
			vc_expected(c, "1..64 bytes of random data");
			return;
		}
		for (uint32_t k = 0; k < used[i]; k++)
			changed += got[i][k] != fill[i];
	}
	if (!changed) {
		vc_fail(c, "the device reported %u and %u bytes written, but the buffers still hold the patterns the "
			   "driver put there", used[0], used[1]);
		vc_observed(c, "0x%02x x %u, 0x%02x x %u", fill[0], used[0], fill[1], used[1]);
		vc_expected(c, "random bytes");
		return;
	}
	uint32_t both = used[0] < used[1] ? used[0] : used[1];
	if (both >= 8 && !memcmp(got[0], got[1], both)) {
		vc_fail(c, "two requests got the same %u bytes", both);
		vc_observed(c, "%02x%02x%02x%02x%02x%02x%02x%02x... twice", got[0][0], got[0][1], got[0][2], got[0][3],
			    got[0][4], got[0][5], got[0][6], got[0][7]);
		vc_expected(c, "random bytes, different each time");
	}
}

static const struct vc_clause clauses[] = {
	{ "entropy.request.random-bytes", L_ENTROPY_OP, VC_MUST, VC_DEVICE_RULE, "1.0",
	  NEED_BAR_READ | NEED_BAR_WRITE | NEED_DMA | NEED_COMMON, "ENTROPY-OP-DEV-1 ENTROPY-OP-DEV-2",
	  "Each request buffer comes back holding at least one random byte (fewer than its length is allowed); "
	  "two requests do not get the same bytes.", NULL, random_bytes },
};
VC_DEVICE_SUITE(suite_entropy_request, clauses, 4);
