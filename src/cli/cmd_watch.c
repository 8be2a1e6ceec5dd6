#include "cli/cli.h"
#include "workflow/watch.h"

#include <string.h>

static gsym_watch_opts w;

static const gsym_opt_spec opts[] = {
	GSYM_OPT_BOOL('q', "quiet", &w.quiet, "no line per refresh"),
	GSYM_OPT_END(),
};

const gsym_cmd gsym_cmd_watch = {
	.name = "watch",
	.fn = cmd_watch,
	.summary =
		"keep copies fresh while it runs (refresh on a target's save)",
	.description =
		"Run in the foreground until Ctrl-C, watching the targets of the "
		"tree's\ncopies: within 200 ms of a target being saved, its unedited "
		"copies are\nrefreshed exactly as 'restore' would; an edited copy is "
		"left alone and\nreported once. When a checkout changes the index's "
		"links, every link is\nrestored again and the new copies' targets "
		"watched.\n",
	.opts = opts,
};

int cmd_watch(int argc, char **argv)
{
	int rc;

	memset(&w, 0, sizeof(w));
	if ((rc = gsym_opt_parse(&gsym_cmd_watch, argc, argv)) !=
		GSYM_OPT_PARSED)
		return gsym_cli_parse_exit(rc);
	return gsym_cli_exit(gsym_watch(&w));
}
