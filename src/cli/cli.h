/*
 * The command-line interface: one cmd_<name>.c per command, each with its
 * options in one declarative table (cli/opt.h) that parses the command
 * line and writes the help; main.c lists the commands.
 */
#ifndef INCLUDE_cli_cli_h__
#define INCLUDE_cli_cli_h__

#include "cli/opt.h"
#include "run/run.h"

/* Exit codes of the product contract. */
enum {
	GSYM_EXIT_OK = 0,
	GSYM_EXIT_LEFT_ALONE = 1,
	GSYM_EXIT_FATAL = 128,
	GSYM_EXIT_USAGE = 129
};

/*
 * Options that restore, status and reset share, for their tables over a
 * gsym_run_opts `o`.
 */
#define GSYM_OPT_RUN_DRY_RUN(o)                     \
	GSYM_OPT_BOOL('n', "dry-run", &(o).dry_run, \
		"print what would change, change nothing")
#define GSYM_OPT_RUN_JSON(o, help) \
	GSYM_OPT_SWITCH(0, "json", &(o).format, GSYM_REPORT_JSON, help)
#define GSYM_OPT_RUN_QUIET(o, help) \
	GSYM_OPT_BOOL('q', "quiet", &(o).quiet, help)
#define GSYM_OPT_RUN_VERBOSE(o, help) \
	GSYM_OPT_BOOL('v', "verbose", &(o).verbose, help)
#define GSYM_OPT_RUN_RECURSE(o)                                           \
	GSYM_OPT_SWITCH(0, "recurse-submodules", &(o).recurse_submodules, \
		GSYM_SUBMODULES_YES,                                      \
		"also in checked-out submodules (submodule.recurse)"),    \
		GSYM_OPT_HIDDEN_SWITCH("no-recurse-submodules",           \
			&(o).recurse_submodules, GSYM_SUBMODULES_NO)
#define GSYM_OPT_RUN_PATHSPEC(args) \
	GSYM_OPT_ARGS("<pathspec>...", &(args), 0), GSYM_OPT_END()

/* The commands' functions: `int cmd_<name>(int argc, char **argv)`. */
int cmd_restore(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_install_hooks(int argc, char **argv);
int cmd_uninstall_hooks(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_watch(int argc, char **argv);

/* The commands, each defined in its cmd_<name>.c. */
extern const gsym_cmd gsym_cmd_restore, gsym_cmd_status, gsym_cmd_reset,
	gsym_cmd_add, gsym_cmd_install_hooks, gsym_cmd_uninstall_hooks,
	gsym_cmd_hook, gsym_cmd_help, gsym_cmd_doctor, gsym_cmd_watch;

/* The command table (NULL-terminated), in main.c. */
extern const gsym_cmd *const gsym_commands[];

/* Find a command by name, or NULL. */
const gsym_cmd *gsym_cmd_find(const char *name);

/*
 * Print a usage error (through the one error printer) and the command's
 * usage line; returns 129.
 */
int gsym_cli_usage_error(const char *cmd, const char *fmt, ...)
	GSYM_PRINTF(2, 3);

/* Print the command's help to stdout. */
void gsym_cli_help(const char *cmd);

/*
 * The exit code of a command its options stopped (`parsed`, what
 * gsym_opt_parse returned when not GSYM_OPT_PARSED): 0 when the help was
 * shown, else the usage error's.
 */
int gsym_cli_parse_exit(int parsed);

/*
 * Say on stderr what git could do itself here (gsym_doctor_hint), if
 * anything: after restore and install-hooks.
 */
void gsym_cli_hint(void);

/*
 * The exit code for a core result: 0 for GSYM_OK, 1 for GSYM_PARTIAL,
 * 128 for an error (said first, through gsym_error_print).
 */
int gsym_cli_exit(int result);

/*
 * What restore, status and reset share: parse `cmd`'s table into `o`
 * (its defaults set) and check --fallback and --jobs (`jobs`: the
 * option's text, or NULL). Returns what gsym_opt_parse does:
 * GSYM_OPT_PARSED to run.
 */
int gsym_cli_prepare(const gsym_cmd *cmd, gsym_run_opts *o,
	const char *const *jobs, int argc, char **argv);

/* gsym_cli_prepare, then run; returns the exit code. */
int gsym_cli_run(const gsym_cmd *cmd, gsym_run_opts *o, const char *const *jobs,
	int argc, char **argv);

#endif
