/* The dump backend's parser, exposed as a pure function so unit tests and
 * fuzzers can drive it without files. */
#ifndef VC_DUMP_H
#define VC_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "device.h"

/* Larger inputs are refused: one device's lspci -vvv -xxxx is about 30 KiB. */
#define VC_DUMP_MAX_BYTES (1024u * 1024u)

/* Parse one device's config space from buf (len bytes, need not be
 * NUL-terminated): `lspci [-vvv] -x/-xxx/-xxxx` text for one device, or a
 * raw binary config space of exactly 64, 256 or 4096 bytes.
 *
 * On success returns 0 and fills cfg (bytes past *cfg_size zeroed),
 * *cfg_size (64, 256 or 4096), bars[] and *have_bar_sizes (true only when
 * the text had lspci "Region N:" lines, all with sizes), and location with
 * the lspci device line ("00:02.0 Mass storage controller: ...", empty for
 * raw binary or headerless text). location may be NULL.
 * On failure returns -EINVAL and writes a one-line message into err saying
 * what is wrong (with the line number where there is one) and what to do. */
int vc_dump_parse(const char *buf, size_t len, uint8_t cfg[4096], unsigned *cfg_size,
		  struct vc_bar_info bars[VC_NUM_BARS], bool *have_bar_sizes,
		  char *location, size_t loclen, char *err, size_t errlen);

#endif
