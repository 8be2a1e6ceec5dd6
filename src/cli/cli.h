/*
 * The command-line interface: a table of commands, each
 * `int cmd_<name>(int argc, char **argv)` returning the exit code.
 */
#ifndef INCLUDE_cli_cli_h__
#define INCLUDE_cli_cli_h__

#include "run.h"

typedef struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage; /* full help text */
} gsym_cmd;

/* The commands (one cmd_<name>.c each). */
int cmd_restore(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_install_hooks(int argc, char **argv);
int cmd_uninstall_hooks(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_watch(int argc, char **argv);

/* The command table (NULL-terminated). */
extern const gsym_cmd gsym_commands[];

/* Find a command by name, or NULL. */
const gsym_cmd *gsym_cmd_find(const char *name);

/* Print a usage error and the command's usage line; returns 129. */
int gsym_cli_usage_error(const char *cmd, const char *fmt, ...)
	GSYM_PRINTF(2, 3);

/* Print the command's help to stdout; returns 0. */
int gsym_cli_help(const char *cmd);

/* Option flags for gsym_cli_parse. */
typedef enum {
	GSYM_OPT_DRY_RUN = (1 << 0),
	GSYM_OPT_FORCE = (1 << 1),
	GSYM_OPT_FALLBACK = (1 << 2),
	GSYM_OPT_ALLOW_OUTSIDE = (1 << 3),
	GSYM_OPT_JSON = (1 << 4),
	GSYM_OPT_PORCELAIN = (1 << 5),
	GSYM_OPT_VERBOSITY = (1 << 6),
	GSYM_OPT_PROGRESS = (1 << 7),
	GSYM_OPT_RECURSE = (1 << 8)
} gsym_opt_set;

/*
 * Parse the options of `cmd` that `allowed` permits into `out`, the rest
 * being pathspecs. Returns -1 when the command printed help (exit 0), a
 * positive exit code on a usage error, or 0.
 */
int gsym_cli_parse(gsym_run_opts *out, const char *cmd, unsigned int allowed,
	int argc, char **argv);

#endif
