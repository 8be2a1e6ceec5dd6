#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

int cmd_help(int argc, char **argv)
{
	const gsym_cmd *c;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return gsym_cli_help("help");
	if (argc > 1) {
		if (!gsym_cmd_find(argv[1]))
			return gsym_cli_usage_error(NULL,
				"'%s' is not a git-symlinks command", argv[1]);
		return gsym_cli_help(argv[1]);
	}
	fputs("usage: git-symlinks [-C <dir>] <command> [<options>] [--] "
	      "[<pathspec>...]\n\n"
	      "Make git's symbolic links real in a working tree, or the best\n"
	      "fallback the platform allows, and keep git seeing the links.\n\n"
	      "commands:\n",
		stdout);
	for (c = gsym_commands; c->name; c++)
		printf("  %-16s %s\n", c->name, c->summary);
	fputs("\n'git symlinks help <command>' or 'git symlinks <command> "
	      "--help' tells more.\n"
	      "exit codes: 0 all links in their best state, 1 some left "
	      "alone,\n128 fatal, 129 usage error.\n",
		stdout);
	return 0;
}
