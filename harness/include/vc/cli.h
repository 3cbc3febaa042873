/* The command line's tables: commands and options. The parser (main.c)
 * builds its getopt table and its "not an option of" checks from them, and
 * `--help` and the man page are printed from them, so the three agree. */
#ifndef VC_CLI_H
#define VC_CLI_H

#include <stdio.h>

enum vc_cmd {
	VC_CMD_RUN = 1u << 0, VC_CMD_CERTIFY = 1u << 1, VC_CMD_LIST = 1u << 2, VC_CMD_EXPLAIN = 1u << 3,
	VC_CMD_DEVICES = 1u << 4, VC_CMD_TRACE = 1u << 5, VC_CMD_HELP = 1u << 6,
};

struct vc_cli_command {
	const char *name;
	enum vc_cmd bit;
	const char *synopsis;    /* after the name */
	const char *help;
};
extern const struct vc_cli_command vc_cli_commands[];    /* NULL-name ended */

struct vc_cli_option {
	const char *name;        /* --name */
	int val;                 /* getopt's value: the short option letter, or a code above 255 */
	const char *arg;         /* the argument's name; NULL: a flag */
	unsigned commands;       /* enum vc_cmd bits: where it means something */
	bool once;               /* single-valued: given twice is an error */
	const char *help;
};
extern const struct vc_cli_option vc_cli_options[];      /* NULL-name ended */

const struct vc_cli_command *vc_cli_command(const char *name);
const struct vc_cli_option *vc_cli_option(int val);

/* "text, tap, ...": the report formats. */
const char *vc_cli_formats(char *buf, size_t len);
/* The profiles the clauses name, space separated ("none" when none). */
const char *vc_cli_profiles(char *buf, size_t len);
/* Is NAME a profile some clause belongs to? */
bool vc_cli_profile_known(const char *name);

/* Text wrapped between words at width columns, every line after the first
 * indented; the first continues what is already on it (col columns). */
void vc_cli_wrap(FILE *out, const char *s, unsigned indent, unsigned col, unsigned width);

/* The help text: everything (cmd 0) or one command's. */
void vc_cli_help(FILE *out, unsigned cmd);
/* The same as a man page (roff). */
void vc_cli_man(FILE *out);

#endif
