#include "cli/cli.h"
#include "workflow/fsmonitor.h"
#include "workflow/fsmonitor_daemon.h"
#include "workflow/guard.h"
#include "workflow/hooks_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_null_oid(const char *hex)
{
	return strspn(hex, "0") == strlen(hex);
}

/*
 * Does git write an index of its own making, not the work tree's (`git
 * stash` builds its trees in `index.stash.<pid>`, a partial commit in
 * `next-index-<pid>.lock`, a pre-commit hook's `git add` in
 * `index.lock`)? Named by GIT_INDEX_FILE; the work tree's is `index`.
 */
static bool scratch_index(void)
{
	const char *env = getenv("GIT_INDEX_FILE"), *base;

	if (!env || !*env)
		return false;
	for (base = env; *env; env++)
		if (*env == '/' || *env == '\\')
			base = env + 1;
	return strcmp(base, "index") != 0;
}

/*
 * What the installed hooks run: `git-symlinks hook <name> <git's args>`.
 * Quiet unless something needs the user; the post-* hooks never make git
 * fail (the hook block ignores their status), the guard may stop a commit.
 */
static gsym_opt_args args;

static const gsym_opt_spec opts[] = {
	GSYM_OPT_ARGS("<hook> [<args>]", &args,
		GSYM_OPT_REQUIRED | GSYM_OPT_LITERAL),
	GSYM_OPT_END(),
};

const gsym_cmd gsym_cmd_hook = {
	.name = "hook",
	.fn = cmd_hook,
	.summary = "run by the installed hooks",
	.description =
		"What the installed hooks run (post-checkout, post-merge, "
		"post-rewrite,\npost-index-change, post-commit, pre-commit): restore "
		"(only what changed, on a\nbranch switch), or the pre-commit guard "
		"that keeps link entries from\nbeing committed as their copies; and "
		"what core.fsmonitor runs\n(fsmonitor): the paths git must look at "
		"again. `hook config` is what the hook\nregistered in git's config "
		"runs (git 2.54 and later), the event told by\ngit's arguments.\n",
	.opts = opts,
};

/*
 * The restore a post-* hook runs, quiet; its exit code. git goes on
 * with the index it holds after post-checkout and post-index-change, and
 * after post-commit between the picks of a rebase or a cherry-pick
 * (run/prepare.c tells).
 */
static int restore(const char *name, char **hargs, size_t nargs)
{
	gsym_run_opts o = GSYM_RUN_OPTS_INIT(GSYM_MODE_RESTORE);

	/* post-commit: only after a run git's lock stopped (commit -a) */
	if (!strcmp(name, "post-commit") && !gsym_run_take_pending())
		return GSYM_OK;
	o.quiet = true;
	o.hook = true;
	o.git_goes_on = !strcmp(name, "post-checkout") ||
		!strcmp(name, "post-index-change") ||
		!strcmp(name, "post-commit");
	/* post-checkout OLD NEW FLAG: a branch switch restores what changed */
	if (!strcmp(name, "post-checkout") && nargs >= 3 &&
		!strcmp(hargs[2], "1") && !is_null_oid(hargs[0]) &&
		strcmp(hargs[0], hargs[1])) {
		o.old_commit = hargs[0];
		o.new_commit = hargs[1];
	}
	/*
	 * post-index-change: after every index write (reset, stash,
	 * cherry-pick, checkout -- path, ...): put back at once what git
	 * wrote over a fallback, and a skip-worktree bit a mixed reset
	 * dropped, before the next command can trip over it. Not inside
	 * `git commit -a` (or with paths): git holds the index it writes
	 * there, and the run leaves it to post-commit, which refreshes the
	 * copies of a target the commit took in.
	 */
	if (!strcmp(name, "post-index-change"))
		o.worktree_untouched = nargs >= 1 && !strcmp(hargs[0], "0");
	return gsym_cli_exit(gsym_run(&o));
}

/*
 * pre-commit: the guard, which may stop the commit. Our configured hook
 * (git 2.54 and later) runs with no argument for post-commit too, which
 * git does not tell from it: there the guard (a no-op on the index just
 * committed), then, on the work tree's own index, post-commit's restore
 * (before a commit as it is, git reads that index again; the index of
 * `git commit -a` or with paths, a lock or a scratch one, is pre-commit's).
 */
static int commit_hook(bool configured)
{
	int rc = gsym_cli_exit(gsym_guard());

	if (!configured || rc != 0 || scratch_index())
		return rc;
	restore("post-commit", NULL, 0);
	return 0;
}

int cmd_hook(int argc, char **argv)
{
	const char *name;
	char **hargs;
	size_t nargs;
	bool configured = false;
	int rc;

	(void)argc;
	if ((rc = gsym_opt_parse(&gsym_cmd_hook, argc, argv)) !=
		GSYM_OPT_PARSED)
		return gsym_cli_parse_exit(rc);
	name = args.v[0];
	hargs = args.v + 1; /* git's arguments to the hook */
	nargs = args.n - 1;
	if (!strcmp(name, "config")) {
		/* our configured hook (git 2.54 and later): no event named */
		if (!(name = gsym_hooks_config_event(hargs, nargs)))
			return 0;
		configured = true;
	}
	/*
	 * post-index-change of a scratch index git did not check out
	 * through: nothing of ours changed, on disk or in the work tree's
	 * index (asked first: opening the repository reads that index)
	 */
	if (!strcmp(name, "post-index-change") && nargs >= 1 &&
		!strcmp(hargs[0], "0") && scratch_index())
		return 0;
	if (!configured && gsym_hooks_folder_skip(name)) {
		/* our block in a hooks folder: the configured hook runs */
		return 0;
	}
	if (!strcmp(name, "post-checkout") || !strcmp(name, "post-merge") ||
		!strcmp(name, "post-rewrite") ||
		!strcmp(name, "post-index-change") ||
		!strcmp(name, "post-commit")) {
		rc = restore(name, hargs, nargs);
		return configured ? 0 : rc; /* never fails git's command */
	}
	if (!strcmp(name, "pre-commit"))
		return commit_hook(configured);
	/* core.fsmonitor: VERSION TOKEN; the answer goes to git */
	if (!strcmp(name, "fsmonitor")) {
		rc = gsym_fsmonitor_answer(nargs ? hargs[0] : "",
			nargs > 1 ? hargs[1] : "", stdout);
		return rc > 0 ? rc : gsym_cli_exit(rc);
	}
	/* started by the fsmonitor hook: WORKDIR */
	if (!strcmp(name, "fsmonitor-daemon") && nargs == 1)
		return gsym_cli_exit(gsym_fsmonitor_daemon(hargs[0]));
	return gsym_cli_usage_error("hook", "unknown hook '%s'", name);
}
