#include "cli/cli.h"
#include "guard.h"

#include <stdio.h>
#include <string.h>

static bool is_null_oid(const char *hex)
{
	return strspn(hex, "0") == strlen(hex);
}

/*
 * What the installed hooks run: `git-symlinks hook <name> <git's args>`.
 * Quiet unless something needs the user; the post-* hooks never make git
 * fail (the hook block ignores their status), the guard may stop a commit.
 */
int cmd_hook(int argc, char **argv)
{
	gsym_run_opts o;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return argc < 2 ? gsym_cli_usage_error("hook", "which hook?") :
				  gsym_cli_help("hook");
	memset(&o, 0, sizeof(o));
	o.mode = GSYM_MODE_RESTORE;
	o.quiet = true;
	o.hook = true;
	o.recurse_submodules = -1; /* submodule.recurse, as git does */

	if (!strcmp(argv[1], "post-checkout")) {
		/* OLD NEW FLAG: a branch switch restores what changed */
		if (argc >= 5 && !strcmp(argv[4], "1") &&
			!is_null_oid(argv[2]) && strcmp(argv[2], argv[3])) {
			o.old_commit = argv[2];
			o.new_commit = argv[3];
		}
		return gsym_run(&o);
	}
	/*
	 * post-index-change: after every index write (reset, stash,
	 * cherry-pick, checkout -- path, ...): put back at once what git
	 * wrote over a fallback, and a skip-worktree bit a mixed reset
	 * dropped, before the next command can trip over it
	 */
	if (!strcmp(argv[1], "post-merge") ||
		!strcmp(argv[1], "post-rewrite") ||
		!strcmp(argv[1], "post-index-change"))
		return gsym_run(&o);
	if (!strcmp(argv[1], "pre-commit"))
		return gsym_guard();
	return gsym_cli_usage_error("hook", "unknown hook '%s'", argv[1]);
}
