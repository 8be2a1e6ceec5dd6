#include "cli/cli.h"

#include <string.h>

static gsym_run_opts o;
static gsym_opt_args paths;

static const gsym_opt_spec opts[] = {
	GSYM_OPT_RUN_DRY_RUN(o),
	GSYM_OPT_RUN_JSON(o, "machine-readable report"),
	GSYM_OPT_RUN_QUIET(o, "print only errors"),
	GSYM_OPT_RUN_VERBOSE(o, "print every entry"),
	GSYM_OPT_RUN_RECURSE(o),
	GSYM_OPT_RUN_PATHSPEC(paths),
};

const gsym_cmd gsym_cmd_reset = {
	.name = "reset",
	.fn = cmd_reset,
	.summary = "put git's own placeholders back, undo this tool's changes",
	.description =
		"Put back the placeholder files git writes with core.symlinks=false,\n"
		"clear the index bits, exclude lines, sparse block and state this "
		"tool\nadded: the tree is then exactly as git left it. Edited "
		"fallbacks are\nleft alone (exit 1).\n",
	.opts = opts,
};

int cmd_reset(int argc, char **argv)
{
	o = (gsym_run_opts)GSYM_RUN_OPTS_INIT(GSYM_MODE_RESET);
	return gsym_cli_run(&gsym_cmd_reset, &o, NULL, argc, argv);
}
