#include "cli/cli.h"

#include <string.h>

static gsym_run_opts o;
static gsym_opt_args paths;

static const gsym_opt_spec opts[] = {
	GSYM_OPT_RUN_JSON(o, "machine-readable report"),
	GSYM_OPT_SWITCH(0, "porcelain", &o.format, GSYM_REPORT_PORCELAIN,
		"one line per entry: state kind type path"),
	GSYM_OPT_RUN_QUIET(o, "print nothing, exit code only"),
	GSYM_OPT_RUN_VERBOSE(o,
		"print every entry, not only those needing "
		"work"),
	GSYM_OPT_VALUE(0, "fallback", &o.fallback, "list",
		"judge entries as restore --fallback would"),
	GSYM_OPT_BOOL(0, "allow-outside", &o.allow_outside,
		"judge entries as restore --allow-outside would"),
	GSYM_OPT_RUN_RECURSE(o),
	GSYM_OPT_RUN_PATHSPEC(paths),
};

const gsym_cmd gsym_cmd_status = {
	.name = "status",
	.fn = cmd_status,
	.summary = "report each link entry's state, change nothing",
	.description =
		"Report the state of each link entry: ok, pending (a placeholder "
		"restore\nwill replace), stale, modified, unsafe, dangling or error. "
		"Exit 1 when\nany entry is not in its best state.\n",
	.opts = opts,
};

int cmd_status(int argc, char **argv)
{
	o = (gsym_run_opts)GSYM_RUN_OPTS_INIT(GSYM_MODE_STATUS);
	return gsym_cli_run(&gsym_cmd_status, &o, NULL, argc, argv);
}
