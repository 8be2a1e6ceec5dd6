#include "cli/cli.h"
#include "util/alloc.h"
#include "workflow/add.h"

#include <stdlib.h>
#include <string.h>

int cmd_add(int argc, char **argv)
{
	gsym_add_opts opts;
	bool dashdash = false;
	char **paths = gsym_calloc((size_t)argc + 1, sizeof(char *));
	int a, code;

	memset(&opts, 0, sizeof(opts));
	for (a = 1; a < argc; a++) {
		if (!dashdash && !strcmp(argv[a], "--")) {
			dashdash = true;
		} else if (!dashdash &&
			(!strcmp(argv[a], "-h") ||
				!strcmp(argv[a], "--help"))) {
			free(paths);
			return gsym_cli_help("add");
		} else if (!dashdash && !strcmp(argv[a], "--target") &&
			a + 1 < argc) {
			opts.target = argv[++a];
		} else if (!dashdash && !strncmp(argv[a], "--target=", 9)) {
			opts.target = argv[a] + 9;
		} else if (!dashdash && !strcmp(argv[a], "--allow-outside")) {
			opts.allow_outside = true;
		} else if (!dashdash && argv[a][0] == '-') {
			free(paths);
			return gsym_cli_usage_error("add",
				"unknown option '%s'", argv[a]);
		} else {
			paths[opts.npaths++] = argv[a];
		}
	}
	if (!opts.npaths || (opts.target && opts.npaths != 1)) {
		free(paths);
		return gsym_cli_usage_error("add",
			opts.target ? "--target makes exactly one link" :
				      "which paths?");
	}
	opts.paths = (const char *const *)paths;
	code = gsym_cli_exit(gsym_add(&opts));
	free(paths);
	return code;
}
