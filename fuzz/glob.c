/* Fuzz target: clause globs and selection. The input is up to four lines:
 * an include glob, an id to match it against, an exclude glob, a profile. */
#include <string.h>
#include "vc/clause.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[1024], *field[4] = { "", "", "", "" };
	unsigned nf = 0;

	if (size >= sizeof(buf))
		return -1;   /* longer than any command line glob worth having */
	memcpy(buf, data, size);
	buf[size] = 0;
	for (char *s = buf, *nl; nf < 4; s = nl + 1) {
		field[nf++] = s;
		if (!(nl = strchr(s, '\n')))
			break;
		*nl = 0;
	}

	vc_glob_match(field[0], field[1]);
	bool any = vc_glob_matches_any(field[0]);
	const char *include[] = { field[0] }, *exclude[] = { field[2] };
	struct vc_selection sel = {
		.include = include, .ninclude = field[0][0] ? 1 : 0,
		.exclude = exclude, .nexclude = field[2][0] ? 1 : 0,
		.profile = field[3][0] ? field[3] : NULL,
	};
	unsigned selected = 0;
	for (unsigned i = 0; i < vc_clause_count(); i++) {
		const struct vc_clause *cl = vc_clause_at(i);
		bool in = vc_clause_selected(cl, &sel);
		/* Selection agrees with matching: an included clause matches the
		 * include glob and not the exclude glob. */
		if (in && sel.ninclude && !vc_glob_match(field[0], cl->id))
			__builtin_trap();
		if (in && sel.nexclude && vc_glob_match(field[2], cl->id))
			__builtin_trap();
		selected += in;
	}
	if (sel.ninclude && selected && !any)
		__builtin_trap();
	return 0;
}
