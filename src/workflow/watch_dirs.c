/*
 * What watch watches: the directories the state's copies are made from,
 * and for each, the copies a change in it may concern.
 */
#include "workflow/watch_ctx.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"
#include "pipeline/copy.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gsym_watch_abs_path(gsym_buf *out, const gsym_watch_ctx *ctx,
	const char *rel)
{
	gsym_buf_sets(out, ctx->workdir);
	gsym_buf_puts(out, rel);
}

static int collect_name(const char *name, void *payload)
{
	gsym_strlist_adds(payload, name);
	return 0;
}

/* Add the directories below `rel` (a deep copy's source) to `out`. */
static void walk(gsym_strlist *out, const gsym_watch_ctx *ctx, const char *rel,
	unsigned int depth)
{
	gsym_strlist names = GSYM_STRLIST_INIT;
	gsym_buf path = GSYM_BUF_INIT, sub = GSYM_BUF_INIT;
	gsym_stat st;
	size_t i;

	gsym_watch_abs_path(&path, ctx, rel);
	if (depth < GSYM_COPY_MAX_DEPTH &&
		gsym_platform_readdir(path.ptr, collect_name, &names) == 0) {
		for (i = 0; i < names.n; i++) {
			gsym_buf_clear(&sub);
			gsym_path_join(&sub, rel, names.v[i]);
			gsym_watch_abs_path(&path, ctx, sub.ptr);
			/* links are never followed: not into other places */
			if (gsym_platform_lstat(&st, path.ptr) < 0 ||
				st.type != GSYM_FT_DIR)
				continue;
			gsym_strlist_add(out, sub.ptr, sub.size);
			walk(out, ctx, sub.ptr, depth + 1);
		}
	}
	gsym_error_clear();
	gsym_strlist_dispose(&names);
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&sub);
}

/* Records whose source changes watch can follow (not junctions). */
static bool watched(const gsym_record *r)
{
	return r->src && r->kind != GSYM_KIND_JUNCTION;
}

void gsym_watch_dir_dispose(gsym_watch_dir *d)
{
	free(d->rel);
	free(d->recs);
}

static gsym_watch_dir *find_dir(const gsym_watch_ctx *ctx, const char *rel)
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

static void dir_add_record(gsym_watch_dir *d, size_t i)
{
	d->recs = gsym_array_grow(d->recs, &d->caprecs, d->nrecs + 1,
		sizeof(size_t));
	d->recs[d->nrecs++] = i;
}

static int cmp_id(const void *a, const void *b)
{
	int x = (*(gsym_watch_dir *const *)a)->id,
	    y = (*(gsym_watch_dir *const *)b)->id;

	return (x > y) - (x < y);
}

/*
 * Hand each record to the directories whose changes may change its
 * source, so that an event looks at those records only (a checkout
 * writes thousands of files; the state may hold 50 000 copies).
 */
static void index_records(gsym_watch_ctx *ctx)
{
	gsym_buf key = GSYM_BUF_INIT;
	size_t i, k;

	for (i = 0; i < ctx->state.n; i++) {
		const gsym_record *r = &ctx->state.v[i];
		gsym_watch_dir *d;

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
	ctx->by_id = gsym_calloc(ctx->ndirs ? ctx->ndirs : 1,
		sizeof(gsym_watch_dir *));
	for (i = 0; i < ctx->ndirs; i++)
		ctx->by_id[i] = &ctx->dirs[i];
	qsort(ctx->by_id, ctx->ndirs, sizeof(gsym_watch_dir *), cmp_id);
}

gsym_watch_dir *gsym_watch_dir_by_id(const gsym_watch_ctx *ctx, int id)
{
	gsym_watch_dir key, *pkey = &key, **found;

	key.id = id;
	found = ctx->ndirs ? bsearch(&pkey, ctx->by_id, ctx->ndirs,
				     sizeof(gsym_watch_dir *), cmp_id) :
			     NULL;
	return found ? *found : NULL;
}

/*
 * Make the watched directories exactly those the state's copies need: the
 * directory holding each target, and for a directory target the target
 * and every directory below it.
 */
int gsym_watch_rebuild(gsym_watch_ctx *ctx)
{
	gsym_strlist want = GSYM_STRLIST_INIT, roots = GSYM_STRLIST_INIT;
	gsym_watch_dir *dirs;
	gsym_buf path = GSYM_BUF_INIT;
	size_t i, j = 0, n = 0;
	int error = 0;

	for (i = 0; i < ctx->state.n; i++) {
		const gsym_record *r = &ctx->state.v[i];

		if (!watched(r))
			continue;
		gsym_strlist_add(&want, r->src, gsym_path_dirlen(r->src));
		if (r->type == GSYM_TYPE_DIR)
			gsym_strlist_adds(&roots, r->src);
	}
	gsym_strlist_unique(&roots);
	for (i = 0; i < roots.n; i++) {
		gsym_strlist_adds(&want, roots.v[i]);
		walk(&want, ctx, roots.v[i], 0);
	}
	gsym_strlist_dispose(&roots);
	gsym_strlist_unique(&want);
	dirs = gsym_calloc(want.n ? want.n : 1, sizeof(gsym_watch_dir));
	/* both sorted: keep the watches still wanted, drop the others */
	for (i = 0; i < want.n; i++) {
		int cmp = 1;

		while (j < ctx->ndirs &&
			(cmp = strcmp(ctx->dirs[j].rel, want.v[i])) < 0) {
			if (!ctx->dirs[j].gone)
				gsym_platform_watch_remove(ctx->w,
					ctx->dirs[j].id);
			gsym_watch_dir_dispose(&ctx->dirs[j++]);
		}
		if (cmp == 0 && !ctx->dirs[j].gone) {
			dirs[n].rel = ctx->dirs[j].rel;
			dirs[n++].id = ctx->dirs[j].id;
			free(ctx->dirs[j++].recs);
			free(want.v[i]);
			continue;
		}
		if (cmp == 0)
			gsym_watch_dir_dispose(&ctx->dirs[j++]);
		gsym_watch_abs_path(&path, ctx, want.v[i]);
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
		gsym_watch_dir_dispose(&ctx->dirs[j]);
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
bool gsym_watch_source_changed(const gsym_record *r, const char *rel,
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
