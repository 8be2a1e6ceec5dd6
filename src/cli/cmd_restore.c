#include "cli/cli.h"

#include <string.h>

static gsym_run_opts o;
static gsym_opt_args paths;
static const char *jobs;

/* restore's options, once: they parse the command line and make --help */
static const gsym_opt_spec opts[] = {
	GSYM_OPT_RUN_DRY_RUN(o),
	{ GSYM_OPT_BOOL, &o.force, 0, 'f', "force", NULL,
		"also replace edited placeholders and copies, after saving "
		"them\n                       under $GIT_DIR/symlinks/backup/",
		0 },
	{ GSYM_OPT_VALUE, &o.fallback, 0, 0, "fallback", "list",
		"junction,hardlink,copy in any order, or none\n"
		"                       (default: symlinks.fallback, else copy)",
		0 },
	{ GSYM_OPT_BOOL, &o.allow_outside, 0, 0, "allow-outside", NULL,
		"allow native links leaving the tree where that is\n"
		"                       a risk (they are never copied)",
		0 },
	{ GSYM_OPT_VALUE, &jobs, 0, 'j', "jobs", "n",
		"threads that make links (default: symlinks.jobs, else one "
		"per\n                       processor)",
		0 },
	GSYM_OPT_RUN_JSON(o, "machine-readable report on stdout"),
	GSYM_OPT_RUN_QUIET(o, "print only errors"),
	GSYM_OPT_RUN_VERBOSE(o, "print every entry"),
	{ GSYM_OPT_SWITCH, &o.progress, 1, 0, "progress", NULL,
		"show progress on stderr even when it is not a terminal", 0 },
	{ GSYM_OPT_SWITCH, &o.progress, -1, 0, "no-progress", NULL,
		"show no progress, even on a terminal", 0 },
	GSYM_OPT_RUN_RECURSE(o),
	GSYM_OPT_RUN_PATHSPEC(paths),

};

const gsym_cmd gsym_cmd_restore = { "restore", cmd_restore,
	"make every link entry real (or its best fallback)",
	"Put at the path of each mode-120000 index entry a real symbolic link\n"
	"with exactly the committed target, or else the first fallback that\n"
	"works and is safe; keep the index seeing the committed link.\n",
	opts };

int cmd_restore(int argc, char **argv)
{
	int rc;

	memset(&o, 0, sizeof(o));
	o.mode = GSYM_MODE_RESTORE;
	o.recurse_submodules = -1; /* submodule.recurse decides */
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
