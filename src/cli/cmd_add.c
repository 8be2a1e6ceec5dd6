#include "cli/cli.h"
#include "workflow/add.h"

#include <string.h>

static gsym_add_opts o;
static gsym_opt_args paths;

static const gsym_opt_spec opts[] = {
	GSYM_OPT_VALUE(0, "target", &o.target, "target",
		"make the link first (or its best fallback), then\n"
		"record it (one path)"),
	GSYM_OPT_BOOL(0, "allow-outside", &o.allow_outside,
		"record a link whose target leaves the tree as is"),
	GSYM_OPT_ARGS("<path>...", &paths, GSYM_OPT_REQUIRED),
	GSYM_OPT_END(),
};

const gsym_cmd gsym_cmd_add = {
	.name = "add",
	.fn = cmd_add,
	.summary = "record links and junctions in the tree as link entries",
	.description =
		"Record the links and junctions at <path>... as mode-120000 "
		"entries,\ntheir targets made relative with '/' separators (a "
		"junction's absolute\ntarget inside the tree becomes relative; "
		"outside it is refused).\n",
	.opts = opts,
};

int cmd_add(int argc, char **argv)
{
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = gsym_opt_parse(&gsym_cmd_add, argc, argv)) != GSYM_OPT_PARSED)
		return gsym_cli_parse_exit(rc);
	if (o.target && paths.n != 1)
		return gsym_cli_usage_error("add",
			"--target makes exactly one link");
	o.paths = (const char *const *)paths.v;
	o.npaths = paths.n;
	return gsym_cli_exit(gsym_add(&o));
}
