/*
 * A refresh: restore run over the copies of what changed, and what it
 * did said, edited copies once each.
 */
#include "workflow/watch_ctx.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"
#include "git/scan.h"
#include "git/view_repo.h"
#include "pipeline/plan.h"
#include "run/run.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* more copies than this to refresh: one run over the whole tree */
#define MAX_PATHSPECS 64

static bool record_differs(const gsym_record *a, const gsym_record *b)
{
	return memcmp(a->hash, b->hash, sizeof(a->hash)) ||
		memcmp(a->blob, b->blob, sizeof(a->blob)) ||
		a->size != b->size || a->mtime_sec != b->mtime_sec ||
		a->mtime_nsec != b->mtime_nsec || a->ino != b->ino ||
		a->kind != b->kind ||
		strcmp(a->src ? a->src : "", b->src ? b->src : "");
}

/* One line for a copy this refresh made or remade. */
static void say(const gsym_watch_ctx *ctx, const char *verb,
	const gsym_record *r)
{
	gsym_buf line = GSYM_BUF_INIT;

	if (ctx->quiet)
		return;
	gsym_buf_printf(&line, "%s ", verb);
	gsym_quote_path(&line, r->path, false);
	gsym_buf_printf(&line, " (%s of ", gsym_kind_name(r->kind));
	gsym_quote_path(&line, r->src ? r->src : "", false);
	gsym_buf_puts(&line, ")\n");
	fputs(line.ptr, stdout);
	fflush(stdout);
	gsym_buf_dispose(&line);
}

static void forget_edited(gsym_watch_ctx *ctx, const char *path)
{
	gsym_strlist_remove(&ctx->edited, path);
}

/*
 * Of the copies whose target changed but which the run left as they
 * were (`maybe`), report the ones the user edited, once each: proven by
 * the planner's own test of what is ours.
 */
static void report_edited(gsym_watch_ctx *ctx, const gsym_strlist *maybe)
{
	gsym_repo repo;
	gsym_entries entries = { NULL, 0 };
	gsym_repo_view rv;
	gsym_view view;
	gsym_buf path = GSYM_BUF_INIT;
	size_t i;

	memset(&rv, 0, sizeof(rv));
	if (gsym_watch_open_repo(&repo, ctx) < 0)
		goto done;
	if (gsym_scan(&entries, &repo.file, "", NULL, 0) < 0)
		goto done;
	gsym_view_repo_init(&view, &rv, &repo, &entries);
	for (i = 0; i < maybe->n; i++) {
		gsym_record *r = gsym_state_find(&ctx->state, maybe->v[i]);
		gsym_stat disk;
		bool ours = true;

		gsym_watch_abs_path(&path, ctx, maybe->v[i]);
		if (!r || gsym_platform_lstat(&disk, path.ptr) < 0 ||
			gsym_plan_owned(&ours, &view, r, &disk) < 0 || ours) {
			forget_edited(ctx, maybe->v[i]);
			continue;
		}
		if (gsym_strlist_has(&ctx->edited, r->path))
			continue;
		gsym_strlist_adds(&ctx->edited, r->path);
		gsym_strlist_unique(&ctx->edited);
		if (!ctx->quiet) {
			gsym_buf_sets(&path, "left alone ");
			gsym_quote_path(&path, r->path, false);
			gsym_buf_printf(&path,
				" (%s was edited; 'git symlinks restore "
				"--force' replaces it)\n",
				gsym_kind_name(r->kind));
			fputs(path.ptr, stderr);
			fflush(stderr);
		}
	}
	gsym_view_repo_dispose(&rv);
done:
	gsym_error_clear();
	gsym_entries_dispose(&entries);
	gsym_repo_close(&repo);
	gsym_buf_dispose(&path);
}

/*
 * Compare the state before and after a run; say what it did. `hits` are
 * the copies whose targets changed (sorted): those the run left as they
 * were may have been edited.
 */
static void report_changes(gsym_watch_ctx *ctx, gsym_state_file *before,
	const gsym_strlist *hits, int code)
{
	gsym_strlist maybe = GSYM_STRLIST_INIT;
	size_t i;

	for (i = 0; i < ctx->state.n; i++) {
		const gsym_record *r = &ctx->state.v[i];
		const gsym_record *old = gsym_state_find(before, r->path);

		if (old && !record_differs(old, r))
			continue;
		say(ctx, old ? "refreshed" : "restored", r);
		forget_edited(ctx, r->path);
	}
	for (i = 0; i < hits->n; i++) {
		const char *path = hits->v[i];

		const gsym_record *old = gsym_state_find(before, path);
		const gsym_record *r = gsym_state_find(&ctx->state, path);

		if (!r)
			forget_edited(ctx, path);
		else if (old && !record_differs(old, r) &&
			(code == GSYM_PARTIAL ||
				gsym_strlist_has(&ctx->edited, path)))
			gsym_strlist_adds(&maybe, path);
	}
	if (maybe.n)
		report_edited(ctx, &maybe);
	gsym_strlist_dispose(&maybe);
}

/*
 * A hash (FNV-1a) of what a run over the whole tree follows in the index:
 * each link entry's path, blob, skip-worktree bit and fsmonitor mark.
 * `git status` or `git commit` write the index without changing it; a
 * checkout that adds, removes or retargets a link, or clears a fallback's
 * bit or mark, changes it.
 */
static int index_links(uint64_t *out, const gsym_watch_ctx *ctx)
{
	gsym_repo repo;
	uint64_t h = 1469598103934665603ull;
	size_t i, k;
	int error;

	if ((error = gsym_watch_open_repo(&repo, ctx)) < 0)
		goto done;
	for (i = 0; i < repo.file.n; i++) {
		const gsym_index_item *item = &repo.file.v[i];
		const unsigned char *id = gsym_index_item_id(item);
		const char *p = item->path;

		if (!gsym_mode_is(gsym_index_item_mode(item),
			    GIT_FILEMODE_LINK) ||
			gsym_index_item_stage(item) != 0)
			continue;
		for (; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		for (k = 0; k < GSYM_OID_RAWSZ; k++)
			h = (h ^ id[k]) * 1099511628211ull;
		h = (h ^
			    ((item->ext_flags & GSYM_INDEX_SKIP_WORKTREE ? 1 :
									   2) |
				    (item->fsmn_valid ? 4 : 8))) *
			1099511628211ull;
	}
	*out = h;
done:
	gsym_repo_close(&repo);
	return error;
}

/* A path git's pathspec would read as a pattern. */
static bool is_pattern(const char *path)
{
	return strpbrk(path, "*?[\\") != NULL;
}

/*
 * The copies whose targets changed, in `hits`, and the pathspecs of a run
 * over them in `spec`; true when the run must be over the whole tree
 * (`full`, too many, or a path git would read as a pattern).
 */
static bool pathspecs(gsym_strlist *spec, gsym_strlist *hits,
	const gsym_watch_ctx *ctx, bool full)
{
	gsym_buf item = GSYM_BUF_INIT;
	size_t i;

	for (i = 0; i < ctx->state.n; i++) {
		const char *path = ctx->state.v[i].path;

		if (!ctx->hit[i])
			continue;
		gsym_strlist_adds(hits, path);
		if (is_pattern(path) || spec->n == MAX_PATHSPECS)
			full = true;
		if (full)
			continue;
		gsym_buf_sets(&item, ":/");
		gsym_buf_puts(&item, path);
		gsym_strlist_add(spec, item.ptr, item.size);
	}
	gsym_buf_dispose(&item);
	return full;
}

/*
 * Run restore over the copies of what changed (over the whole tree when
 * the index changed), then re-read the state and watch what it needs.
 */
int gsym_watch_refresh(gsym_watch_ctx *ctx)
{
	gsym_run_opts o = GSYM_RUN_OPTS_INNER_RESTORE_INIT;
	gsym_state_file before;
	gsym_strlist spec = GSYM_STRLIST_INIT, hits = GSYM_STRLIST_INIT;
	gsym_stat st;
	bool full = ctx->full;
	int code, error;

	memset(&before, 0, sizeof(before));
	if (gsym_platform_lstat(&st, ctx->lock_path) == 0)
		return GSYM_WATCH_RETRY;
	gsym_error_clear();
	/* git wrote the index: a run over the whole tree if links changed */
	if (ctx->index_changed && !full) {
		uint64_t links;

		gsym_watch_index_stat(&ctx->index_stat, ctx);
		full = index_links(&links, ctx) < 0 || links != ctx->links;
		gsym_error_clear();
	}
	ctx->index_changed = false;
	full = pathspecs(&spec, &hits, ctx, full);
	if (!full && !spec.n) {
		/* the index was written, its links are the same */
		error = GSYM_WATCH_REFRESHED;
		goto done;
	}

	/* what the run is measured against: the state as it is now */
	if ((error = gsym_state_load(&before, ctx->gitdir)) < 0)
		goto done;
	if (!full) {
		o.pathspec = spec.v;
		o.npathspec = spec.n;
	}
	if (ctx->work_tree)
		gsym_platform_setenv("GIT_WORK_TREE", ctx->work_tree);
	code = gsym_run(&o);
	if (code < 0 && gsym_platform_lstat(&st, ctx->lock_path) == 0) {
		/* git took the index meanwhile: again, later */
		error = GSYM_WATCH_RETRY;
		ctx->full = full;
		goto done;
	}
	if (code < 0) /* said, and the next change tries again */
		gsym_warn("%s", gsym_error_last());
	gsym_error_clear();

	gsym_state_dispose(&ctx->state);
	if ((error = gsym_state_load(&ctx->state, ctx->gitdir)) < 0)
		goto done;
	report_changes(ctx, &before, &hits, code);
	free(ctx->hit);
	ctx->hit = gsym_calloc(ctx->state.n ? ctx->state.n : 1, sizeof(bool));
	ctx->full = false;
	gsym_watch_index_stat(&ctx->index_stat, ctx);
	if (!full || (error = index_links(&ctx->links, ctx)) == 0)
		error = gsym_watch_rebuild(ctx);
done:
	gsym_state_dispose(&before);
	gsym_strlist_dispose(&spec);
	gsym_strlist_dispose(&hits);
	return error;
}
