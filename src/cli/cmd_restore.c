#include "cli/cli.h"

#include <string.h>

static gsym_run_opts o;
static gsym_opt_args paths;
static const char *jobs;

/* restore's options, once: they parse the command line and make --help */
static const gsym_opt_spec opts[] = {
	GSYM_OPT_RUN_DRY_RUN(o),
	GSYM_OPT_BOOL('f', "force", &o.force,
		"also replace edited placeholders and copies, after "
		"saving them\n"
		"under $GIT_DIR/symlinks/backup/"),
	GSYM_OPT_VALUE(0, "fallback", &o.fallback, "list",
		"junction,hardlink,copy in any order, or none\n"
		"(default: symlinks.fallback, else copy)"),
	GSYM_OPT_BOOL(0, "allow-outside", &o.allow_outside,
		"allow native links leaving the tree where that is\n"
		"a risk (they are never copied)"),
	GSYM_OPT_VALUE('j', "jobs", &jobs, "n",
		"threads that make links (default: symlinks.jobs, else "
		"one per\n"
		"processor)"),
	GSYM_OPT_RUN_JSON(o, "machine-readable report on stdout"),
	GSYM_OPT_RUN_QUIET(o, "print only errors"),
	GSYM_OPT_RUN_VERBOSE(o, "print every entry"),
	GSYM_OPT_SWITCH(0, "progress", &o.progress, 1,
		"show progress on stderr even when it is not a terminal"),
	GSYM_OPT_SWITCH(0, "no-progress", &o.progress, -1,
		"show no progress, even on a terminal"),
	GSYM_OPT_RUN_RECURSE(o),
	GSYM_OPT_RUN_PATHSPEC(paths),
};

const gsym_cmd gsym_cmd_restore = {
	.name = "restore",
	.fn = cmd_restore,
	.summary = "make every link entry real (or its best fallback)",
	.description =
		"Put at the path of each mode-120000 index entry a real symbolic link\n"
		"with exactly the committed target, or else the first fallback that\n"
		"works and is safe; keep the index seeing the committed link.\n",
	.opts = opts,
};

int cmd_restore(int argc, char **argv)
{
	int rc;

	o = (gsym_run_opts)GSYM_RUN_OPTS_INIT(GSYM_MODE_RESTORE);
	jobs = NULL;
	if ((rc = gsym_cli_prepare(&gsym_cmd_restore, &o, &jobs, argc, argv)) !=
		GSYM_OPT_PARSED)
		return gsym_cli_parse_exit(rc);
	rc = gsym_run(&o);
	/* git could be writing links itself: say so, in one line */
	if (rc >= 0 && !o.quiet)
		gsym_cli_hint();
	return gsym_cli_exit(rc);
}
