/*
 * Declarative options, after libgit2's cli_opt: each command lists its
 * options once in a table, and that table both parses the command line
 * and writes the usage text, so the two never drift apart.
 */
#ifndef INCLUDE_cli_opt_h__
#define INCLUDE_cli_opt_h__

#include "util/buf.h"
#include "util/common.h"

typedef enum {
	GSYM_OPT_TYPE_END = 0, /* ends the table */
	GSYM_OPT_TYPE_BOOL, /* --name: *(bool *)value = true */
	GSYM_OPT_TYPE_SWITCH, /* --name: *(int *)value = switch_value */
	GSYM_OPT_TYPE_VALUE, /* --name <v>, --name=<v>: *(const char **)value */
	GSYM_OPT_TYPE_ARGS /* the other arguments: *(gsym_opt_args *)value */
} gsym_opt_type;

typedef enum {
	GSYM_OPT_REQUIRED = (1 << 0), /* ARGS: at least one */
	GSYM_OPT_HIDDEN = (1 << 1), /* parsed, not in the usage line */
	GSYM_OPT_LITERAL = (1 << 2) /* ARGS: options after the first are args */
} gsym_opt_flags;

typedef struct {
	gsym_opt_type type;
	void *value;
	int switch_value;
	char alias; /* the short form, or 0 */
	const char *name; /* the long form without "--"; for ARGS, its label */
	const char *value_name; /* VALUE: shown as <value_name> */
	/*
	 * NULL: no line in the option list. Lines after the first (after a
	 * '\n') are indented to the help column by gsym_opt_help.
	 */
	const char *help;
	unsigned int flags;
} gsym_opt_spec;

/* A row of a table, every field named: what the macros below share. */
#define GSYM_OPT_ROW(type_, alias_, name_, value_, switch_value_, value_name_, \
	help_, flags_)                                                         \
	{                                                                      \
		.type = (type_), .value = (value_),                            \
		.switch_value = (switch_value_), .alias = (alias_),            \
		.name = (name_), .value_name = (value_name_), .help = (help_), \
		.flags = (flags_)                                              \
	}

/*
 * A table's rows, after git's OPT_BOOL and friends: `alias` is the short
 * form or 0, `name` the long form without "--", `help` as in
 * gsym_opt_spec.
 */
#define GSYM_OPT_BOOL(alias, name, value, help) \
	GSYM_OPT_ROW(GSYM_OPT_TYPE_BOOL, alias, name, value, 0, NULL, help, 0)
#define GSYM_OPT_SWITCH(alias, name, value, switch_value, help)              \
	GSYM_OPT_ROW(GSYM_OPT_TYPE_SWITCH, alias, name, value, switch_value, \
		NULL, help, 0)
/* A switch parsed but shown nowhere (the "no-" form of a switch). */
#define GSYM_OPT_HIDDEN_SWITCH(name, value, switch_value)                      \
	GSYM_OPT_ROW(GSYM_OPT_TYPE_SWITCH, 0, name, value, switch_value, NULL, \
		NULL, GSYM_OPT_HIDDEN)
#define GSYM_OPT_VALUE(alias, name, value, value_name, help)                 \
	GSYM_OPT_ROW(GSYM_OPT_TYPE_VALUE, alias, name, value, 0, value_name, \
		help, 0)
/* The arguments, shown as `label`; `flags`: REQUIRED, LITERAL. */
#define GSYM_OPT_ARGS(label, value, flags) \
	GSYM_OPT_ROW(GSYM_OPT_TYPE_ARGS, 0, label, value, 0, NULL, NULL, flags)
#define GSYM_OPT_END() \
	GSYM_OPT_ROW(GSYM_OPT_TYPE_END, 0, NULL, NULL, 0, NULL, NULL, 0)

/* The arguments that are not options (pathspecs, paths). */
typedef struct {
	char **v;
	size_t n;
} gsym_opt_args;

/* A command: its name, its function, and what its help says. */
typedef struct gsym_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary; /* one line, for the list of commands */
	const char *description; /* paragraphs after the usage line */
	const gsym_opt_spec *opts;
} gsym_cmd;

/* What gsym_opt_parse returns besides a usage error's exit code. */
enum {
	GSYM_OPT_PARSED = 0, /* go on with the command */
	GSYM_OPT_HELP_SHOWN = -1 /* -h/--help printed the help: exit 0 */
};

/*
 * Parse argv[1..] of `cmd` by its table. Returns GSYM_OPT_PARSED,
 * GSYM_OPT_HELP_SHOWN, or 129 (GSYM_EXIT_USAGE) after a usage error was
 * printed. `argv` is reordered in place to hold the ARGS.
 */
int gsym_opt_parse(const gsym_cmd *cmd, int argc, char **argv);

/* The full help of `cmd`: usage line, description, options. */
void gsym_opt_help(gsym_buf *out, const gsym_cmd *cmd);

/* The usage of `cmd`, "usage: git-symlinks <name> [-n] ...", wrapped. */
void gsym_opt_usage(gsym_buf *out, const gsym_cmd *cmd);

#endif
