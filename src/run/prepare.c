/*
 * Prepare: open the repository, read what the run needs, and settle how
 * much of the tree it must look at.
 */
#include "run/run_repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"
#include "platform/portable.h"
#include "git/fsmonitor.h"
#include "git/scan.h"
#include "pipeline/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "main", or the name of a linked worktree's git directory. */
static char *worktree_id(const gsym_repo *repo)
{
	gsym_buf b = GSYM_BUF_INIT;
	size_t len = strlen(repo->gitdir) - 1, start;

	if (!strcmp(repo->gitdir, repo->commondir))
		return gsym_strdup("main");
	for (start = len; start > 0 && repo->gitdir[start - 1] != '/'; start--)
		;
	gsym_buf_put(&b, repo->gitdir + start, len - start);
	return gsym_buf_detach(&b);
}

/* Below this many entries threads cost more than they save. */
#define LSTAT_AHEAD_MIN 512

typedef struct {
	gsym_entries *entries;
	const char *workdir;
	unsigned int validate_flags;
} ahead_ctx;

/* One lstat() gathered ahead, for what the planner will look at. */
static void lstat_one(void *payload, size_t i)
{
	ahead_ctx *ctx = payload;
	gsym_entry *e = &ctx->entries->v[i];
	gsym_buf path = GSYM_BUF_INIT;
	int error;

	if (!(e->flags & GSYM_ENTRY_SELECTED) ||
		gsym_validate_path(e->path, ctx->validate_flags))
		return; /* never looked at, or refused unlooked */
	gsym_buf_sets(&path, ctx->workdir);
	gsym_buf_puts(&path, e->path);
	error = gsym_platform_lstat(&e->disk, path.ptr);
	if (error == GSYM_ENOTFOUND)
		e->disk.type = GSYM_FT_NONE;
	if (error == 0 || error == GSYM_ENOTFOUND)
		e->flags |= GSYM_ENTRY_DISK_KNOWN;
	gsym_buf_dispose(&path);
}

/*
 * lstat() every selected entry on `jobs` threads, as git's preload-index
 * does: the kernel's path walks run side by side, and the planner finds
 * the answers waiting.
 */
static void lstat_ahead(gsym_entries *entries, const gsym_repo *repo,
	unsigned int validate_flags, unsigned int jobs)
{
	ahead_ctx ctx;

	ctx.entries = entries;
	ctx.workdir = repo->workdir;
	ctx.validate_flags = validate_flags;
	gsym_parallel(entries->n, jobs, lstat_one, &ctx);
}

/* Is there a file or directory `name` in this worktree's gitdir? */
static bool in_gitdir(const gsym_repo *repo, const char *name)
{
	gsym_buf path = GSYM_BUF_INIT;
	gsym_stat st;
	bool found;

	gsym_buf_sets(&path, repo->gitdir);
	gsym_buf_puts(&path, name);
	found = gsym_platform_lstat(&st, path.ptr) == 0;
	gsym_error_clear();
	gsym_buf_dispose(&path);
	return found;
}

/*
 * The command word of a todo list's last (`last`) or first line that is
 * no comment, into `word`; false if none.
 */
static bool todo_word(char word[8], const gsym_repo *repo, const char *name,
	bool last)
{
	gsym_buf path = GSYM_BUF_INIT, text = GSYM_BUF_INIT;
	const char *p, *line, *found = NULL;
	size_t n = 0;

	gsym_buf_sets(&path, repo->gitdir);
	gsym_buf_puts(&path, name);
	if (gsym_platform_read_file(&text, path.ptr, (size_t)16 << 20) == 0)
		for (p = text.ptr; p && p < text.ptr + text.size;) {
			line = p + strspn(p, " \t");
			p = memchr(p, '\n', text.ptr + text.size - p);
			p = p ? p + 1 : NULL;
			if (*line == '#' || *line == '\n' || *line == '\0')
				continue;
			found = line;
			if (!last)
				break;
		}
	if (found)
		for (; n < 7 && found[n] && !strchr(" \t\n", found[n]); n++)
			word[n] = found[n];
	word[n] = '\0';
	gsym_error_clear();
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&text);
	return n > 0;
}

/*
 * Does the rebase stop after the step a hook runs in, with the work tree
 * the user's (an `edit` picked now; a `break` next, or stopped at one,
 * which leaves no stopped-sha), or run a command in it next (`exec`,
 * after which git reads the index again)?
 */
static bool rebase_stops(const gsym_repo *repo)
{
	char word[8];

	if (todo_word(word, repo, "rebase-merge/done", true) &&
		(!strcmp(word, "edit") || !strcmp(word, "e") ||
			!strcmp(word, "break") || !strcmp(word, "b")))
		return true;
	return todo_word(word, repo, "rebase-merge/git-rebase-todo", false) &&
		(!strcmp(word, "exec") || !strcmp(word, "x") ||
			!strcmp(word, "break") || !strcmp(word, "b"));
}

/*
 * Is git between the steps of a rebase, or of a cherry-pick or revert of
 * several commits, and going on (sequencer.c)? A step that stops (a
 * conflict, `edit`) leaves rebase-merge/stopped-sha, or CHERRY_PICK_HEAD
 * or REVERT_HEAD, until the rebase or pick goes on: then the user's next
 * command is no step of it.
 */
static bool sequencer_running(const gsym_repo *repo)
{
	if (in_gitdir(repo, "rebase-merge"))
		return !in_gitdir(repo, "rebase-merge/stopped-sha") &&
			!rebase_stops(repo);
	return in_gitdir(repo, "sequencer") &&
		!in_gitdir(repo, "CHERRY_PICK_HEAD") &&
		!in_gitdir(repo, "REVERT_HEAD");
}

/* Paths of the checked-out submodules (gitlink entries with a .git). */
static void find_submodules(gsym_strlist *out, gsym_repo *repo)
{
	gsym_buf p = GSYM_BUF_INIT;
	gsym_stat st;
	size_t i;

	for (i = 0; i < repo->file.n; i++) {
		const gsym_index_item *item = &repo->file.v[i];

		if (!gsym_mode_is(gsym_index_item_mode(item),
			    GIT_FILEMODE_COMMIT) ||
			gsym_index_item_stage(item) != 0)
			continue;
		gsym_buf_sets(&p, repo->workdir);
		gsym_buf_puts(&p, item->path);
		gsym_buf_puts(&p, "/.git");
		if (gsym_platform_lstat(&st, p.ptr) == 0)
			gsym_strlist_adds(out, item->path);
	}
	gsym_error_clear();
	gsym_buf_dispose(&p);
}

/* The view over the repository, and what apply is given. */
static void set_up_apply(gsym_run_repo *r)
{
	gsym_view_repo_init(&r->view, &r->rv, &r->repo, &r->entries);
	/* replacing an edited thing (--force), or showing one to git */
	gsym_buf_printf(&r->backup_dir, "%ssymlinks/backup/", r->repo.gitdir);
	r->actx.view = &r->view;
	r->actx.state = &r->state;
	r->actx.workdir = r->repo.workdir;
	r->actx.backup_dir = r->backup_dir.ptr;
	r->actx.opts = &r->plan;
	r->actx.dry_run = !r->writes;
	r->actx.stamp_limit = gsym_repo_stamp_limit(&r->repo);
	r->rctx.plan = &r->plan;
	r->rctx.apply = &r->actx;
}

/*
 * How much of the tree the run looks at: a hook plans in full only what
 * changed, and what the fsmonitor daemon saw; the rest takes the quick
 * check. The lstat of what it will look at is gathered ahead.
 */
static void narrow(gsym_run_repo *r)
{
	const gsym_run_opts *o = r->o;
	bool daemon;

	/*
	 * A branch switch: plan in full only what changed or lost its stamp.
	 * What the switch changed carries git's stamp now, not ours, so the
	 * quick check sends it on; only fallbacks, whose targets may change
	 * under them, need the diff of the two trees.
	 */
	r->quick = o->old_commit && o->new_commit && !o->npathspec;
	/*
	 * Any other hook (post-index-change after every index write): the
	 * same quick check, a copy's target proven unchanged by its stat
	 * (the record's) where there is no tree diff to say it
	 */
	if (!r->quick && o->hook && !o->npathspec)
		r->quick = r->by_stat = true;
	if (r->quick && !r->by_stat && r->state.n &&
		gsym_changes_between(&r->changed, &r->repo, o->old_commit,
			o->new_commit) < 0)
		r->quick = false;
	gsym_error_clear();

	/*
	 * restore and status in full take the daemon's word as a hook
	 * does (and as git status takes its fsmonitor's): a copy it saw
	 * nothing change at or below, nor at its target, is as our last
	 * run left it; the rest is looked at
	 */
	daemon = r->fsmn && gsym_fsmonitor_daemon_wanted(r->cfg);
	r->trust_daemon = !r->quick && daemon && !o->npathspec &&
		(o->mode == GSYM_MODE_STATUS ||
			(o->mode == GSYM_MODE_RESTORE && r->writes));
	if (r->quick || r->trust_daemon)
		gsym_run_note_through(r);
	if ((r->quick && daemon && r->writes) || r->trust_daemon)
		gsym_run_ask_daemon(r);

	/* a hook's quick check spares the lstat: gathering them would not */
	if ((!r->quick || (r->by_stat && !r->seen_known)) &&
		!(r->trust_daemon && r->seen_known) && r->jobs > 1 &&
		r->entries.n >= LSTAT_AHEAD_MIN)
		lstat_ahead(&r->entries, &r->repo, r->plan.validate_flags,
			r->jobs);
}

/*
 * Prepare: open the repository (locking the index when writing), read
 * the config, the state, the sparse block and the link entries; know
 * whether links work here; finish what a killed run left half done.
 */
int gsym_run_prepare(gsym_run_repo *r)
{
	const gsym_run_opts *o = r->o;
	int recurse_subs = o->recurse_submodules, error;
	size_t i;

	r->started = gsym_platform_now();
	if ((error = gsym_repo_open(&r->repo, r->writes)) < 0)
		return error;
	r->plan.mode = o->mode;
	r->plan.force = o->force;
	r->plan.allow_outside = o->allow_outside;

	r->plan.platform = gsym_platform_info_get();
	r->plan.details = o->mode != GSYM_MODE_RESTORE || o->verbose ||
		o->format != GSYM_REPORT_TEXT || o->dry_run;
	r->plan.count_copies = o->mode == GSYM_MODE_STATUS || o->dry_run;
	r->plan.validate_flags =
		r->plan.platform->has_junctions ? GSYM_VALIDATE_WINDOWS : 0;
	/* one snapshot of the config for the whole run */
	if (git_repository_config_snapshot(&r->cfg, r->repo.repo) < 0)
		return gsym_repo_git_error("could not read the git config");
	if ((error = gsym_run_read_config(&r->plan, o, r->cfg, &recurse_subs,
		     &r->jobs)) < 0 ||
		(error = gsym_state_load(&r->state, r->repo.gitdir)) < 0 ||
		(error = gsym_scan(&r->entries, &r->repo.file, r->repo.prefix,
			 o->pathspec, o->npathspec)) < 0)
		return error;
	r->id = worktree_id(&r->repo);
	if ((error = gsym_sparse_load(&r->sparse, &r->repo, r->cfg)) < 0)
		return error;
	r->fsmn = gsym_fsmonitor_usable(r->cfg, &r->repo.file, r->repo.gitdir);
	/*
	 * git trusting our fallbacks writes every link a checkout changes:
	 * one of ours whose link entry changed under it was left by a
	 * command that changed the index alone (a mixed reset, restore
	 * --staged), and stays, as a real link would (plan.h)
	 */
	r->plan.index_only =
		r->fsmn && (o->hook || o->mode == GSYM_MODE_STATUS);
	r->sparse.junctions_only = r->fsmn;
	r->plan.git_goes_on =
		o->git_goes_on && !r->fsmn && sequencer_running(&r->repo);
	if (recurse_subs && o->format != GSYM_REPORT_JSON)
		find_submodules(&r->subs, &r->repo);

	/*
	 * What an earlier restore learnt about links here; a restore that
	 * will write checks it once (links may work now), so a tree of copies
	 * does not retry a link per entry on every run.
	 */
	r->plan.links_unsupported = r->state.links_unsupported;
	if (r->writes && o->mode == GSYM_MODE_RESTORE &&
		r->state.links_unsupported &&
		gsym_run_links_work(r->repo.workdir)) {
		r->plan.links_unsupported = false;
		r->state.links_unsupported = false;
		r->state.dirty = true;
	}

	set_up_apply(r);
	narrow(r);

	/* finish what a killed run left half done */
	for (i = 0; r->writes && i < r->state.touched.n; i++)
		if ((error = gsym_apply_cleanup(&r->actx,
			     r->state.touched.v[i])) < 0)
			return error;
	return 0;
}
