/*
 * Links and copies made ahead on threads, a directory to a thread, once
 * the first link has told whether links work here.
 */
#include "run/run_repo.h"
#include "util/alloc.h"
#include "util/util.h"
#include "platform/portable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Can this entry be made on another thread? A link or a copy (its best
 * form) over git's placeholder, with no record and nothing to back up:
 * no new directory is made on the way, and what it shares (the view, the
 * state) is locked. Hard links wait: each moves its inode's ctime, so
 * they are stamped in order (apply.c).
 */
bool gsym_run_parallel_ok(const gsym_entry *e, const gsym_record *rec)
{
	return e->action == GSYM_ACT_CREATE && e->nhows > 0 &&
		(e->hows[0] == GSYM_HOW_SYMLINK ||
			e->hows[0] == GSYM_HOW_COPY) &&
		e->disk.type == GSYM_FT_FILE && !rec &&
		!(e->flags & GSYM_ENTRY_BACKUP);
}

typedef struct {
	gsym_apply_ctx *actx;
	gsym_entry **v; /* the links to make, in index order */
	size_t *group; /* where each directory's run of them starts */
} create_ctx;

/* Make the links of one directory: no two threads in one directory. */
static void create_group(void *payload, size_t g)
{
	create_ctx *c = payload;
	size_t i;

	for (i = c->group[g]; i < c->group[g + 1]; i++) {
		c->v[i]->flags |= GSYM_ENTRY_AHEAD;
		gsym_apply_entry(c->actx, c->v[i]);
	}
}

/*
 * Make the planned links on `jobs` threads, a directory to a thread; the
 * index and the state are recorded afterwards, in index order, as for
 * links made one by one. Refusals are left flagged for the run.
 */
void gsym_run_create_ahead(gsym_run_repo *r, gsym_entry **v, size_t n)
{
	gsym_view_locked locked;
	create_ctx c;
	size_t i, ngroups = 0;

	c.actx = &r->actx;
	c.v = v;
	c.group = gsym_calloc(n + 1, sizeof(size_t));
	for (i = 0; i < n; i++)
		if (i == 0 ||
			gsym_path_dirlen(v[i]->path) !=
				gsym_path_dirlen(v[i - 1]->path) ||
			strncmp(v[i]->path, v[i - 1]->path,
				gsym_path_dirlen(v[i]->path)))
			c.group[ngroups++] = i;
	c.group[ngroups] = n;
	/* for the threads: a view and a state used one call at a time */
	gsym_view_locked_init(&locked, &r->view);
	r->actx.view = &locked.view;
	r->actx.lock = gsym_platform_mutex_new();
	gsym_parallel(ngroups, r->jobs, create_group, &c);
	gsym_platform_mutex_free(r->actx.lock);
	r->actx.lock = NULL;
	r->actx.view = &r->view;
	gsym_view_locked_dispose(&locked);
	free(c.group);
}

/*
 * Before links are made on threads, learn whether they can be made here
 * at all: the first is made on this thread (a refusal makes the run probe
 * the tree), and when links turn out impossible, the rest are planned
 * again as their fallbacks. Drops from `v` what can no longer go ahead.
 */
int gsym_run_learn_links(gsym_run_repo *r, gsym_entry **v, size_t *n)
{
	size_t i, kept = 0;
	int error;

	for (i = 0; i < *n && !r->plan.links_unsupported && !r->rctx.links_work;
		i++)
		if (v[i]->hows[0] == GSYM_HOW_SYMLINK) {
			v[i]->flags |= GSYM_ENTRY_AHEAD;
			if ((error = gsym_run_apply(&r->rctx, v[i], NULL)) < 0)
				return error;
			break;
		}
	for (i = 0; i < *n; i++) {
		gsym_entry *e = v[i];

		if (e->flags & GSYM_ENTRY_AHEAD)
			continue;
		if (r->plan.links_unsupported && e->hows[0] == GSYM_HOW_SYMLINK)
			gsym_plan_entry(e, &r->view, NULL, &r->plan);
		if (gsym_run_parallel_ok(e, NULL))
			v[kept++] = e;
	}
	*n = kept;
	return 0;
}
