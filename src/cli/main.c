/*
 * git-symlinks: the entry point. Global options, then one command from
 * the table below.
 */
#include "cli/cli.h"
#include "platform/platform.h"
#include "util/error.h"
#include "gsym_version.h"

#include <stdio.h>
#include <string.h>

/* The commands, in the order `git symlinks help` lists them. */
const gsym_cmd *const gsym_commands[] = { &gsym_cmd_restore, &gsym_cmd_status,
	&gsym_cmd_reset, &gsym_cmd_watch, &gsym_cmd_add,
	&gsym_cmd_install_hooks, &gsym_cmd_uninstall_hooks, &gsym_cmd_doctor,
	&gsym_cmd_hook, &gsym_cmd_help, NULL };

int main(int argc, char **argv)
{
	const gsym_cmd *c;
	int i = 1;

	gsym_platform_console_init();
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-C")) {
			if (i + 1 >= argc)
				return gsym_cli_usage_error(NULL,
					"-C needs a directory");
			if (gsym_platform_chdir(argv[i + 1]) < 0) {
				return gsym_cli_exit(GSYM_ERROR);
			}
			i += 2;
		} else if (!strcmp(argv[i], "--version")) {
			printf("git-symlinks version %s\n", GSYM_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-h") ||
			!strcmp(argv[i], "--help")) {
			return cmd_help(1, argv);
		} else {
			return gsym_cli_usage_error(NULL, "unknown option '%s'",
				argv[i]);
		}
	}
	if (i == argc) {
		cmd_help(1, argv);
		return GSYM_EXIT_USAGE;
	}
	if (!(c = gsym_cmd_find(argv[i])))
		return gsym_cli_usage_error(NULL,
			"'%s' is not a git-symlinks command", argv[i]);
	return c->fn(argc - i, argv + i);
}
