#include "cli/cli.h"

#include <string.h>

static gsym_run_opts o;
static gsym_opt_args paths;

static const gsym_opt_spec opts[] = {
	{ GSYM_OPT_BOOL, &o.dry_run, 0, 'n', "dry-run", NULL,
		"print what would change, change nothing", 0 },
	{ GSYM_OPT_SWITCH, &o.format, GSYM_REPORT_JSON, 0, "json", NULL,
		"machine-readable report", 0 },
	{ GSYM_OPT_BOOL, &o.quiet, 0, 'q', "quiet", NULL, "print only errors",
		0 },
	{ GSYM_OPT_BOOL, &o.verbose, 0, 'v', "verbose", NULL,
		"print every entry", 0 },
	{ GSYM_OPT_SWITCH, &o.recurse_submodules, 1, 0, "recurse-submodules",
		NULL,
		"also in checked-out submodules (default: "
		"submodule.recurse)",
		0 },
	{ GSYM_OPT_SWITCH, &o.recurse_submodules, 0, 0, "no-recurse-submodules",
		NULL, NULL, GSYM_OPT_HIDDEN },
	{ GSYM_OPT_ARGS, &paths, 0, 0, "<pathspec>...", NULL, NULL, 0 },
	{ GSYM_OPT_END, NULL, 0, 0, NULL, NULL, NULL, 0 }
};

const gsym_cmd gsym_cmd_reset = { "reset", cmd_reset,
	"put git's own placeholders back, undo this tool's changes",
	"Put back the placeholder files git writes with core.symlinks=false,\n"
	"clear the index bits, exclude lines, sparse block and state this "
	"tool\nadded: the tree is then exactly as git left it. Edited "
	"fallbacks are\nleft alone (exit 1).\n",
	opts };

int cmd_reset(int argc, char **argv)
{
	memset(&o, 0, sizeof(o));
	o.mode = GSYM_MODE_RESET;
	o.recurse_submodules = -1;
	return gsym_cli_run(&gsym_cmd_reset, &o, NULL, argc, argv);
}
