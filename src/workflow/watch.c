#include "workflow/watch.h"
#include "git/repo.h"
#include "pipeline/state.h"
#include "git/view_repo.h"
#include "pipeline/copy.h"
#include "pipeline/plan.h"
#include "run/run.h"
#include "git/scan.h"
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
/* more copies than this to refresh: one run over the whole tree */
#define MAX_PATHSPECS 64

/* A watched directory of the working tree. */
typedef struct {
	char *rel; /* "" for the top, else "a/b" */
	int id; /* the platform's */
	bool gone; /* went away, or its names were lost: watch it anew */
	size_t *recs; /* the records whose sources it holds */
	size_t nrecs, caprecs;
} wdir;

typedef struct {
	char **v;
	size_t n, cap;
} strlist;

typedef struct {
	bool quiet;
	gsym_watcher *w;
	char *workdir; /* absolute, ends with '/' */
	char *gitdir;
	char *index_path;
	char *lock_path;
	char *work_tree; /* GIT_WORK_TREE, which opening consumes */
	const char *index_name; /* in index_path */
	int index_dir_id;
	gsym_stat index_stat; /* the index as our last run left it */
	uint64_t links; /* hash of the index's link entries then */
	bool index_changed; /* written by git since */
	gsym_state_file state;
	bool *hit; /* parallel to state.v: its target changed */
	wdir *dirs; /* sorted by rel */
	size_t ndirs;
	wdir **by_id; /* the same, sorted by id */
	strlist edited; /* copies reported edited, sorted */
	bool pending, full;
	uint64_t first, last, retry_at;
} watch_ctx;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strlist_add(strlist *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = gsym_reallocarray(l->v, l->cap, sizeof(char *));
	}
	l->v[l->n] = gsym_malloc(len + 1);
	memcpy(l->v[l->n], s, len);
	l->v[l->n++][len] = '\0';
}

static void strlist_dispose(strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static char **strlist_find(const strlist *l, const char *s)
{
	return l->n ? bsearch(&s, l->v, l->n, sizeof(char *), cmp_str) : NULL;
}

/* Sort and drop repeats. */
static void strlist_unique(strlist *l)
{
	size_t i, n = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(char *), cmp_str);
	for (i = 0; i < l->n; i++) {
		if (n && !strcmp(l->v[n - 1], l->v[i]))
			free(l->v[i]);
		else
			l->v[n++] = l->v[i];
	}
	l->n = n;
}

/* Open the repository as the command line named it, every time. */
static int open_repo(gsym_repo *out, const watch_ctx *ctx)
{
	if (ctx->work_tree)
		gsym_platform_setenv("GIT_WORK_TREE", ctx->work_tree);
	return gsym_repo_open(out, false);
}

static void abs_path(gsym_buf *out, const watch_ctx *ctx, const char *rel)
{
	gsym_buf_sets(out, ctx->workdir);
	gsym_buf_puts(out, rel);
}

static int collect_name(const char *name, void *payload)
{
	strlist_add(payload, name, strlen(name));
	return 0;
}

/* Add the directories below `rel` (a deep copy's source) to `out`. */
static void walk(strlist *out, const watch_ctx *ctx, const char *rel,
	unsigned int depth)
{
	strlist names = { NULL, 0, 0 };
	gsym_buf path = GSYM_BUF_INIT, sub = GSYM_BUF_INIT;
	gsym_stat st;
	size_t i;

	abs_path(&path, ctx, rel);
	if (depth < GSYM_COPY_MAX_DEPTH &&
		gsym_platform_readdir(path.ptr, collect_name, &names) == 0) {
		for (i = 0; i < names.n; i++) {
			gsym_buf_clear(&sub);
			gsym_path_join(&sub, rel, names.v[i]);
			abs_path(&path, ctx, sub.ptr);
			/* links are never followed: not into other places */
			if (gsym_platform_lstat(&st, path.ptr) < 0 ||
				st.type != GSYM_FT_DIR)
				continue;
			strlist_add(out, sub.ptr, sub.size);
			walk(out, ctx, sub.ptr, depth + 1);
		}
	}
	gsym_error_clear();
	strlist_dispose(&names);
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&sub);
}

/* Records whose source changes watch can follow (not junctions). */
static bool watched(const gsym_record *r)
{
	return r->src && r->kind != GSYM_KIND_JUNCTION;
}

static void dir_dispose(wdir *d)
{
	free(d->rel);
	free(d->recs);
}

static wdir *find_dir(const watch_ctx *ctx, const char *rel)
{
	size_t lo = 0, hi = ctx->ndirs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(ctx->dirs[mid].rel, rel);

		if (!cmp)
			return &ctx->dirs[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void dir_add_record(wdir *d, size_t i)
{
	if (d->nrecs == d->caprecs) {
		d->caprecs = d->caprecs ? d->caprecs * 2 : 4;
		d->recs =
			gsym_reallocarray(d->recs, d->caprecs, sizeof(size_t));
	}
	d->recs[d->nrecs++] = i;
}

static int cmp_id(const void *a, const void *b)
{
	int x = (*(wdir *const *)a)->id, y = (*(wdir *const *)b)->id;

	return (x > y) - (x < y);
}

/*
 * Hand each record to the directories whose changes may change its
 * source, so that an event looks at those records only (a checkout
 * writes thousands of files; the state may hold 50 000 copies).
 */
static void index_records(watch_ctx *ctx)
{
	gsym_buf key = GSYM_BUF_INIT;
	size_t i, k;

	for (i = 0; i < ctx->state.n; i++) {
		const gsym_record *r = &ctx->state.v[i];
		wdir *d;

		if (!watched(r))
			continue;
		gsym_buf_clear(&key);
		gsym_buf_put(&key, r->src, gsym_path_dirlen(r->src));
		if ((d = find_dir(ctx, gsym_buf_cstr(&key))) != NULL)
			dir_add_record(d, i);
		if (r->type != GSYM_TYPE_DIR)
			continue;
		if ((d = find_dir(ctx, r->src)) != NULL)
			dir_add_record(d, i);
		/* the directories below it: one run of the sorted list */
		gsym_buf_sets(&key, r->src);
		gsym_buf_putc(&key, '/');
		for (k = 0;
			k < ctx->ndirs && strcmp(ctx->dirs[k].rel, key.ptr) < 0;
			k++)
			;
		for (; k < ctx->ndirs &&
			!strncmp(ctx->dirs[k].rel, key.ptr, key.size);
			k++)
			dir_add_record(&ctx->dirs[k], i);
	}
	gsym_buf_dispose(&key);
	free(ctx->by_id);
	ctx->by_id = gsym_calloc(ctx->ndirs ? ctx->ndirs : 1, sizeof(wdir *));
	for (i = 0; i < ctx->ndirs; i++)
		ctx->by_id[i] = &ctx->dirs[i];
	qsort(ctx->by_id, ctx->ndirs, sizeof(wdir *), cmp_id);
}

static wdir *dir_by_id(const watch_ctx *ctx, int id)
{
	wdir key, *pkey = &key, **found;

	key.id = id;
	found = ctx->ndirs ?
		bsearch(&pkey, ctx->by_id, ctx->ndirs, sizeof(wdir *), cmp_id) :
		NULL;
	return found ? *found : NULL;
}

/*
 * Make the watched directories exactly those the state's copies need: the
 * directory holding each target, and for a directory target the target
 * and every directory below it.
 */
static int rebuild(watch_ctx *ctx)
{
	strlist want = { NULL, 0, 0 }, roots = { NULL, 0, 0 };
	wdir *dirs;
	gsym_buf path = GSYM_BUF_INIT;
	size_t i, j = 0, n = 0;
	int error = 0;

	for (i = 0; i < ctx->state.n; i++) {
		const gsym_record *r = &ctx->state.v[i];

		if (!watched(r))
			continue;
		strlist_add(&want, r->src, gsym_path_dirlen(r->src));
		if (r->type == GSYM_TYPE_DIR)
			strlist_add(&roots, r->src, strlen(r->src));
	}
	strlist_unique(&roots);
	for (i = 0; i < roots.n; i++) {
		strlist_add(&want, roots.v[i], strlen(roots.v[i]));
		walk(&want, ctx, roots.v[i], 0);
	}
	strlist_dispose(&roots);
	strlist_unique(&want);
	dirs = gsym_calloc(want.n ? want.n : 1, sizeof(wdir));
	/* both sorted: keep the watches still wanted, drop the others */
	for (i = 0; i < want.n; i++) {
		int cmp = 1;

		while (j < ctx->ndirs &&
			(cmp = strcmp(ctx->dirs[j].rel, want.v[i])) < 0) {
			if (!ctx->dirs[j].gone)
				gsym_platform_watch_remove(ctx->w,
					ctx->dirs[j].id);
			dir_dispose(&ctx->dirs[j++]);
		}
		if (cmp == 0 && !ctx->dirs[j].gone) {
			dirs[n].rel = ctx->dirs[j].rel;
			dirs[n++].id = ctx->dirs[j].id;
			free(ctx->dirs[j++].recs);
			free(want.v[i]);
			continue;
		}
		if (cmp == 0)
			dir_dispose(&ctx->dirs[j++]);
		abs_path(&path, ctx, want.v[i]);
		dirs[n].rel = want.v[i];
		error = gsym_platform_watch_add(&dirs[n].id, ctx->w, path.ptr);
		if (error == GSYM_ENOTFOUND) {
			/* nothing there to watch (yet): the index will tell */
			gsym_error_clear();
			free(want.v[i]);
			error = 0;
			continue;
		}
		if (error < 0)
			break;
		n++;
	}
	for (i = error < 0 ? i : want.n; i < want.n; i++)
		free(want.v[i]);
	for (; j < ctx->ndirs; j++) {
		if (!ctx->dirs[j].gone)
			gsym_platform_watch_remove(ctx->w, ctx->dirs[j].id);
		dir_dispose(&ctx->dirs[j]);
	}
	free(ctx->dirs);
	free(want.v);
	ctx->dirs = dirs;
	ctx->ndirs = n;
	index_records(ctx);
	gsym_buf_dispose(&path);
	return error;
}

/* Did saving `name` in `rel` (NULL: anything in it) change r's source? */
static bool source_changed(const gsym_record *r, const char *rel,
	const char *name)
{
	size_t dl = gsym_path_dirlen(r->src), rl = strlen(rel);
	size_t sl = strlen(r->src);

	if (dl == rl && !strncmp(r->src, rel, rl) &&
		(!name || !strcmp(name, r->src + (dl ? dl + 1 : 0))))
		return true;
	return r->type == GSYM_TYPE_DIR && !strncmp(rel, r->src, sl) &&
		(rel[sl] == '\0' || rel[sl] == '/' || sl == 0);
}

static bool same_stat(const gsym_stat *a, const gsym_stat *b)
{
	return a->type == b->type && a->size == b->size &&
		a->mtime_sec == b->mtime_sec &&
		a->mtime_nsec == b->mtime_nsec && a->ino == b->ino &&
		a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec;
}

static void index_stat(gsym_stat *out, const watch_ctx *ctx)
{
	if (gsym_platform_lstat(out, ctx->index_path) < 0)
		memset(out, 0, sizeof(*out));
	gsym_error_clear();
}

static void on_event(void *payload, int id, const char *name)
{
	watch_ctx *ctx = payload;
	bool any = id < 0;
	gsym_stat st;
	wdir *d;
	size_t k;

	if (id == ctx->index_dir_id && id >= 0) {
		/* git wrote the index (a checkout, a reset, ...) */
		if (name && strcmp(name, ctx->index_name))
			return;
		index_stat(&st, ctx);
		any = !same_stat(&st, &ctx->index_stat);
		ctx->index_changed = ctx->index_changed || any;
	} else if (id < 0) {
		ctx->full = true; /* changes were lost */
	} else {
		if (!(d = dir_by_id(ctx, id)) || d->gone)
			return;
		if (!name) { /* gone, moved, or its names lost: watch anew */
			gsym_platform_watch_remove(ctx->w, id);
			d->gone = true;
		}
		for (k = 0; k < d->nrecs; k++) {
			size_t i = d->recs[k];

			if (source_changed(&ctx->state.v[i], d->rel, name))
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
static void say(const watch_ctx *ctx, const char *verb, const gsym_record *r)
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

static void forget_edited(watch_ctx *ctx, const char *path)
{
	char **at = strlist_find(&ctx->edited, path);

	if (!at)
		return;
	free(*at);
	memmove(at, at + 1,
		(size_t)(ctx->edited.v + ctx->edited.n - at - 1) *
			sizeof(char *));
	ctx->edited.n--;
}

/*
 * Of the copies whose target changed but which the run left as they
 * were (`maybe`), report the ones the user edited, once each: proven by
 * the planner's own test of what is ours.
 */
static void report_edited(watch_ctx *ctx, const strlist *maybe)
{
	gsym_repo repo;
	gsym_entries entries = { NULL, 0 };
	gsym_repo_view rv;
	gsym_view view;
	gsym_buf path = GSYM_BUF_INIT;
	size_t i;

	memset(&rv, 0, sizeof(rv));
	if (open_repo(&repo, ctx) < 0)
		goto done;
	if (gsym_scan(&entries, &repo.file, "", NULL, 0) < 0)
		goto done;
	gsym_view_repo_init(&view, &rv, &repo, &entries);
	for (i = 0; i < maybe->n; i++) {
		gsym_record *r = gsym_state_find(&ctx->state, maybe->v[i]);
		gsym_stat disk;
		bool ours = true;

		abs_path(&path, ctx, maybe->v[i]);
		if (!r || gsym_platform_lstat(&disk, path.ptr) < 0 ||
			gsym_plan_owned(&ours, &view, r, &disk) < 0 || ours) {
			forget_edited(ctx, maybe->v[i]);
			continue;
		}
		if (strlist_find(&ctx->edited, r->path))
			continue;
		strlist_add(&ctx->edited, r->path, strlen(r->path));
		strlist_unique(&ctx->edited);
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
static void report(watch_ctx *ctx, gsym_state_file *before, const strlist *hits,
	int code)
{
	strlist maybe = { NULL, 0, 0 };
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
				strlist_find(&ctx->edited, path)))
			strlist_add(&maybe, path, strlen(path));
	}
	if (maybe.n)
		report_edited(ctx, &maybe);
	strlist_dispose(&maybe);
}

/*
 * A hash (FNV-1a) of what a run over the whole tree follows in the index:
 * each link entry's path, blob, skip-worktree bit and fsmonitor mark.
 * `git status` or `git commit` write the index without changing it; a
 * checkout that adds, removes or retargets a link, or clears a fallback's
 * bit or mark, changes it.
 */
static int index_links(uint64_t *out, const watch_ctx *ctx)
{
	gsym_repo repo;
	uint64_t h = 1469598103934665603ull;
	size_t i, k;
	int error;

	if ((error = open_repo(&repo, ctx)) < 0)
		goto done;
	for (i = 0; i < repo.file.n; i++) {
		const gsym_index_item *item = &repo.file.v[i];
		const unsigned char *id = gsym_index_item_id(item);
		const char *p = item->path;

		if ((gsym_index_item_mode(item) & 0170000) != 0120000 ||
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
 * Run restore over the copies of what changed (over the whole tree when
 * the index changed), then re-read the state and watch what it needs.
 * Returns 0, 1 when git holds the index (try again later), or an error.
 */
static int refresh(watch_ctx *ctx)
{
	gsym_run_opts o;
	gsym_state_file before;
	strlist spec = { NULL, 0, 0 }, hits = { NULL, 0, 0 };
	gsym_buf item = GSYM_BUF_INIT;
	gsym_stat st;
	bool full = ctx->full;
	size_t i;
	int code, error;

	memset(&before, 0, sizeof(before));
	if (gsym_platform_lstat(&st, ctx->lock_path) == 0)
		return 1;
	gsym_error_clear();
	/* git wrote the index: a run over the whole tree if links changed */
	if (ctx->index_changed && !full) {
		uint64_t links;

		index_stat(&ctx->index_stat, ctx);
		full = index_links(&links, ctx) < 0 || links != ctx->links;
		gsym_error_clear();
	}
	ctx->index_changed = false;
	for (i = 0; i < ctx->state.n; i++) {
		const char *path = ctx->state.v[i].path;

		if (!ctx->hit[i])
			continue;
		strlist_add(&hits, path, strlen(path));
		if (is_pattern(path) || spec.n == MAX_PATHSPECS)
			full = true;
		if (full)
			continue;
		gsym_buf_sets(&item, ":/");
		gsym_buf_puts(&item, path);
		strlist_add(&spec, item.ptr, item.size);
	}
	gsym_buf_dispose(&item);
	if (!full && !spec.n) {
		error = 0; /* the index was written, its links are the same */
		goto done;
	}

	/* what the run is measured against: the state as it is now */
	if ((error = gsym_state_load(&before, ctx->gitdir)) < 0)
		goto done;
	memset(&o, 0, sizeof(o));
	o.mode = GSYM_MODE_RESTORE;
	o.quiet = true;
	o.recurse_submodules = 0;
	if (!full) {
		o.pathspec = spec.v;
		o.npathspec = spec.n;
	}
	if (ctx->work_tree)
		gsym_platform_setenv("GIT_WORK_TREE", ctx->work_tree);
	code = gsym_run(&o);
	if (code < 0 && gsym_platform_lstat(&st, ctx->lock_path) == 0) {
		error = 1; /* git took the index meanwhile: again, later */
		ctx->full = full;
		goto done;
	}
	if (code < 0) /* said, and the next change tries again */
		gsym_error_print();
	gsym_error_clear();

	gsym_state_dispose(&ctx->state);
	if ((error = gsym_state_load(&ctx->state, ctx->gitdir)) < 0)
		goto done;
	report(ctx, &before, &hits, code);
	free(ctx->hit);
	ctx->hit = gsym_calloc(ctx->state.n ? ctx->state.n : 1, sizeof(bool));
	ctx->full = false;
	index_stat(&ctx->index_stat, ctx);
	if (!full || (error = index_links(&ctx->links, ctx)) == 0)
		error = rebuild(ctx);
done:
	gsym_state_dispose(&before);
	strlist_dispose(&spec);
	strlist_dispose(&hits);
	return error;
}

/* Open the repository once for its paths, and start watching its index. */
static int setup(watch_ctx *ctx)
{
	gsym_repo repo;
	gsym_buf dir = GSYM_BUF_INIT;
	size_t len;
	int error;

	if (getenv("GIT_WORK_TREE"))
		ctx->work_tree = gsym_strdup(getenv("GIT_WORK_TREE"));
	if ((error = open_repo(&repo, ctx)) < 0)
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
	watch_ctx ctx;
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
			} else if ((error = refresh(&ctx)) < 0) {
				break;
			} else if (error > 0) {
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
		dir_dispose(&ctx.dirs[i]);
	free(ctx.dirs);
	free(ctx.by_id);
	gsym_platform_watch_close(ctx.w);
	gsym_state_dispose(&ctx.state);
	strlist_dispose(&ctx.edited);
	free(ctx.hit);
	free(ctx.workdir);
	free(ctx.gitdir);
	free(ctx.index_path);
	free(ctx.lock_path);
	free(ctx.work_tree);
	git_libgit2_shutdown();
	return error < 0 ? error : GSYM_OK;
}
