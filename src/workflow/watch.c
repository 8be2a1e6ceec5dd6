#include "workflow/watch_ctx.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* an editor's save is several events: refresh after this much quiet */
#define QUIET_MS 50
/* ...and no later than this after the first of them */
#define LATEST_MS 150
/* while git holds the index, look again after this */
#define RETRY_MS 100

/* Open the repository as the command line named it, every time. */
int gsym_watch_open_repo(gsym_repo *out, const gsym_watch_ctx *ctx)
{
	if (ctx->work_tree)
		gsym_platform_setenv("GIT_WORK_TREE", ctx->work_tree);
	return gsym_repo_open(out, false);
}

static bool same_stat(const gsym_stat *a, const gsym_stat *b)
{
	return a->type == b->type && a->size == b->size &&
		a->mtime_sec == b->mtime_sec &&
		a->mtime_nsec == b->mtime_nsec && a->ino == b->ino &&
		a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec;
}

void gsym_watch_index_stat(gsym_stat *out, const gsym_watch_ctx *ctx)
{
	if (gsym_platform_lstat(out, ctx->index_path) < 0)
		memset(out, 0, sizeof(*out));
	gsym_error_clear();
}

static void on_event(void *payload, int id, const char *name)
{
	gsym_watch_ctx *ctx = payload;
	bool any = id < 0;
	gsym_stat st;
	gsym_watch_dir *d;
	size_t k;

	if (id == ctx->index_dir_id && id >= 0) {
		/* git wrote the index (a checkout, a reset, ...) */
		if (name && strcmp(name, ctx->index_name))
			return;
		gsym_watch_index_stat(&st, ctx);
		any = !same_stat(&st, &ctx->index_stat);
		ctx->index_changed = ctx->index_changed || any;
	} else if (id < 0) {
		ctx->full = true; /* changes were lost */
	} else {
		if (!(d = gsym_watch_dir_by_id(ctx, id)) || d->gone)
			return;
		if (!name) { /* gone, moved, or its names lost: watch anew */
			gsym_platform_watch_remove(ctx->w, id);
			d->gone = true;
		}
		for (k = 0; k < d->nrecs; k++) {
			size_t i = d->recs[k];

			if (gsym_watch_source_changed(&ctx->state.v[i], d->rel,
				    name))
				ctx->hit[i] = any = true;
		}
	}
	if (!any)
		return;
	ctx->last = gsym_platform_clock_ms();
	if (!ctx->pending)
		ctx->first = ctx->last;
	ctx->pending = true;
}

/* Open the repository once for its paths, and start watching its index. */
static int setup(gsym_watch_ctx *ctx)
{
	gsym_repo repo;
	gsym_buf dir = GSYM_BUF_INIT;
	size_t len;
	int error;

	if (getenv("GIT_WORK_TREE"))
		ctx->work_tree = gsym_strdup(getenv("GIT_WORK_TREE"));
	if ((error = gsym_watch_open_repo(&repo, ctx)) < 0)
		return error;
	ctx->workdir = gsym_strdup(repo.workdir);
	ctx->gitdir = gsym_strdup(repo.gitdir);
	ctx->index_path = gsym_strdup(repo.index_path);
	gsym_repo_close(&repo);

	gsym_buf_printf(&dir, "%s.lock", ctx->index_path);
	ctx->lock_path = gsym_buf_detach(&dir);
	len = gsym_path_dirlen(ctx->index_path);
	ctx->index_name = ctx->index_path + len + (len ? 1 : 0);
	gsym_buf_put(&dir, ctx->index_path, len);
	if ((error = gsym_state_load(&ctx->state, ctx->gitdir)) < 0 ||
		(error = gsym_platform_watch_open(&ctx->w)) < 0 ||
		(error = gsym_platform_watch_add(&ctx->index_dir_id, ctx->w,
			 dir.ptr)) < 0)
		goto done;
	ctx->hit = gsym_calloc(ctx->state.n ? ctx->state.n : 1, sizeof(bool));
done:
	gsym_buf_dispose(&dir);
	return error;
}

int gsym_watch(const gsym_watch_opts *opts)
{
	gsym_watch_ctx ctx;
	bool started = false;
	int error;
	size_t i;

	memset(&ctx, 0, sizeof(ctx));
	ctx.quiet = opts->quiet;
	ctx.index_dir_id = -1;
	git_libgit2_init();
	if ((error = gsym_platform_stop_on_signal()) < 0 ||
		(error = setup(&ctx)) < 0)
		goto done;

	/* first, what a restore would do now; then follow the changes */
	ctx.pending = ctx.full = true;
	while (!gsym_platform_stop_requested()) {
		int timeout = -1;

		if (ctx.pending) {
			uint64_t now = gsym_platform_clock_ms();
			uint64_t due = ctx.last + QUIET_MS;

			if (due > ctx.first + LATEST_MS)
				due = ctx.first + LATEST_MS;
			if (due < ctx.retry_at)
				due = ctx.retry_at;
			if (now < due) {
				timeout = (int)(due - now);
			} else if ((error = gsym_watch_refresh(&ctx)) < 0) {
				break;
			} else if (error == GSYM_WATCH_RETRY) {
				ctx.retry_at = now + RETRY_MS;
				continue;
			} else {
				ctx.pending = false;
				ctx.retry_at = 0;
				if (!started && !ctx.quiet)
					printf("watching %zu copies in %zu "
					       "directories; Ctrl-C stops\n",
						ctx.state.n, ctx.ndirs);
				fflush(stdout);
				started = true;
				continue;
			}
		}
		if ((error = gsym_platform_watch_wait(ctx.w, timeout, on_event,
			     &ctx)) < 0)
			break;
	}

done:
	for (i = 0; i < ctx.ndirs; i++)
		gsym_watch_dir_dispose(&ctx.dirs[i]);
	free(ctx.dirs);
	free(ctx.by_id);
	gsym_platform_watch_close(ctx.w);
	gsym_state_dispose(&ctx.state);
	gsym_strlist_dispose(&ctx.edited);
	free(ctx.hit);
	free(ctx.workdir);
	free(ctx.gitdir);
	free(ctx.index_path);
	free(ctx.lock_path);
	free(ctx.work_tree);
	git_libgit2_shutdown();
	return error < 0 ? error : GSYM_OK;
}
