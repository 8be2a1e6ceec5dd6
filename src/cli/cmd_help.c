#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static gsym_opt_args args;

static const gsym_opt_spec opts[] = {
	GSYM_OPT_ARGS("<command>", &args, 0),
	GSYM_OPT_END(),
};

const gsym_cmd gsym_cmd_help = {
	.name = "help",
	.fn = cmd_help,
	.summary = "show help for a command",
	.description = "Show the list of commands, or one command's help.\n",
	.opts = opts,
};

int cmd_help(int argc, char **argv)
{
	const gsym_cmd *const *c;
	int rc;

	if ((rc = gsym_opt_parse(&gsym_cmd_help, argc, argv)) !=
		GSYM_OPT_PARSED)
		return gsym_cli_parse_exit(rc);
	if (args.n) {
		if (!gsym_cmd_find(args.v[0]))
			return gsym_cli_usage_error(NULL,
				"'%s' is not a git-symlinks command",
				args.v[0]);
		gsym_cli_help(args.v[0]);
		return GSYM_EXIT_OK;
	}
	fputs("usage: git-symlinks [-C <dir>] <command> [<options>] [--] "
	      "[<pathspec>...]\n\n"
	      "Make git's symbolic links real in a working tree, or the best\n"
	      "fallback the platform allows, and keep git seeing the links.\n\n"
	      "commands:\n",
		stdout);
	for (c = gsym_commands; *c; c++)
		printf("  %-16s %s\n", (*c)->name, (*c)->summary);
	fputs("\n'git symlinks help <command>' or 'git symlinks <command> "
	      "--help' tells more.\n"
	      "exit codes: 0 all links in their best state, 1 some left "
	      "alone,\n128 fatal, 129 usage error.\n",
		stdout);
	return GSYM_EXIT_OK;
}
