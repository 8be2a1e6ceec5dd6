/*
 * Plan and apply: one decision per selected link entry, then carried out,
 * in index order (the links made ahead on threads first: ahead.c).
 */
#include "run/run_repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "git/stamp.h"
#include "git/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does git's fsmonitor trust the entry of `path` unchanged? */
static bool fsmn_valid(const gsym_repo *repo, const char *path)
{
	ptrdiff_t pos = gsym_index_file_find(&repo->file, path);

	return pos >= 0 && repo->file.v[pos].fsmn_valid &&
		!(repo->file.v[pos].ext_flags & GSYM_INDEX_SKIP_WORKTREE);
}

/*
 * Is `e` hidden from git now: by git's fsmonitor mark, by the bit where
 * the sparse block makes it needless, or by our sparse block?
 */
static void mark_hidden(gsym_run_repo *r, gsym_entry *e, const gsym_record *rec)
{
	if (r->fsmn && rec && gsym_stamp_by_fsmn(rec->kind)) {
		/* hidden by git's fsmonitor mark, not the bit */
		e->flags &= ~GSYM_ENTRY_SKIP_WORKTREE;
		if (fsmn_valid(&r->repo, e->path))
			e->flags |=
				GSYM_ENTRY_SKIP_WORKTREE | GSYM_ENTRY_HIDDEN;
	} else if (rec && rec->kind != GSYM_KIND_JUNCTION &&
		!gsym_stamp_needs_bit(rec->kind, rec->type, rec->size)) {
		/*
		 * behind the sparse block a copy of a file needs no
		 * bit (stamp.c): as good as hidden while it has none
		 */
		if (e->flags & GSYM_ENTRY_SKIP_WORKTREE)
			e->flags &= ~GSYM_ENTRY_SKIP_WORKTREE;
		else
			e->flags |=
				GSYM_ENTRY_SKIP_WORKTREE | GSYM_ENTRY_HIDDEN;
	} else if ((e->flags & GSYM_ENTRY_SKIP_WORKTREE) &&
		gsym_sparse_hides(&r->sparse, e->path)) {
		e->flags |= GSYM_ENTRY_HIDDEN;
	}
}

/*
 * A directory copy of ours, of this version of the link, at and below
 * which the fsmonitor daemon saw nothing change since our last run left
 * it as recorded: the planner need not look at its files to know it
 * unedited (its target may have changed: that it still looks at).
 */
static void note_unseen(gsym_run_repo *r, gsym_entry *e, const gsym_record *rec)
{
	e->flags &= ~(unsigned int)GSYM_ENTRY_UNSEEN;
	if (r->seen_known && rec && rec->kind == GSYM_KIND_COPY &&
		rec->type == GSYM_TYPE_DIR &&
		(e->flags & GSYM_ENTRY_SKIP_WORKTREE) &&
		!memcmp(rec->blob, e->id, GSYM_OID_RAWSZ) &&
		!gsym_strlist_touches(&r->seen, e->path))
		e->flags |= GSYM_ENTRY_UNSEEN;
}

/* The link's text, from the index, for a report that names it. */
static void note_target(gsym_entry *e, const gsym_view *view)
{
	gsym_node self;

	if (view->lookup(&self, view, e->path) == 0 &&
		self.type == GSYM_NODE_LINK && self.target) {
		e->target = self.target;
		e->target_len = self.target_len;
	}
	gsym_error_clear();
}

/*
 * A hook's quick check: is `e` as our last run left it, without a full
 * plan (nothing it depends on changed, or it takes the quick look)?
 */
static bool quick_done(gsym_run_repo *r, gsym_entry *e, const gsym_record *rec,
	const gsym_view *view)
{
	bool source_changed;

	if ((!r->quick && !r->trust_daemon) ||
		gsym_strlist_has(&r->changed, e->path) ||
		(rec && rec->src &&
			gsym_strlist_touches(&r->through, rec->src)))
		return false;
	if (gsym_run_unseen(r, e, rec)) {
		if (r->plan.details)
			note_target(e, view);
		return true;
	}
	if (!r->quick)
		return false;
	source_changed = rec &&
		(r->by_stat ? !gsym_plan_copy_current(view, rec) :
			      gsym_strlist_touches(&r->changed, rec->src));
	return gsym_plan_quick(e, view, rec, source_changed);
}

/*
 * Plan and apply: one decision per selected link entry, then carried
 * out. Links over git's placeholders are made on several threads when
 * there are many; everything else, and what the threads learnt (links
 * refused), one by one in index order.
 */
int gsym_run_plan_and_apply(gsym_run_repo *r)
{
	gsym_entry **ahead = NULL;
	gsym_view_memo memo;
	size_t i, nahead = 0, nmake, at = 0;
	int error = 0;

	if (r->writes && (error = gsym_run_settle(r)) < 0)
		return error;
	if (r->writes && r->jobs > 1)
		ahead = gsym_calloc(r->entries.n, sizeof(gsym_entry *));
	/* planning writes nothing: each path lstat()ed once (a target many
	   copies hold) */
	gsym_view_memo_init(&memo, &r->view);
	gsym_progress_start(&r->progress, "Checking links", r->entries.n,
		r->show_progress, stderr);
	for (i = 0; i < r->entries.n; i++) {
		gsym_entry *e = &r->entries.v[i];
		gsym_record *rec;

		gsym_progress_add(&r->progress, 1);
		if (!(e->flags & GSYM_ENTRY_SELECTED))
			continue;
		rec = gsym_state_find_next(&r->state, e->path, &at);
		mark_hidden(r, e, rec);
		if (quick_done(r, e, rec, &memo.view))
			continue;
		note_unseen(r, e, rec);
		gsym_plan_entry(e, &memo.view, rec, &r->plan);
		if (ahead && gsym_run_parallel_ok(e, rec))
			ahead[nahead++] = e;
	}
	gsym_progress_stop(&r->progress);
	gsym_view_memo_dispose(&memo);

	/* making: entries, and the files and bytes their copies hold */
	for (i = 0, nmake = 0; r->writes && i < r->entries.n; i++)
		nmake += (r->entries.v[i].flags & GSYM_ENTRY_SELECTED) &&
			r->entries.v[i].action != GSYM_ACT_NONE;
	gsym_progress_start(&r->progress,
		r->o->mode == GSYM_MODE_RESET ? "Resetting links" :
						"Making links",
		nmake, r->show_progress && nmake, stderr);
	r->actx.progress = &r->progress;

	if (nahead >= CREATE_AHEAD_MIN) {
		if ((error = gsym_run_learn_links(r, ahead, &nahead)) < 0)
			goto done;
		if (nahead)
			gsym_run_create_ahead(r, ahead, nahead);
	}
	for (i = 0; i < r->entries.n; i++) {
		gsym_entry *e = &r->entries.v[i];

		if (!(e->flags & GSYM_ENTRY_SELECTED) ||
			((e->flags & GSYM_ENTRY_AHEAD) &&
				!(e->flags & GSYM_ENTRY_LINKS_REFUSED)))
			continue; /* made ahead (or nothing to do) */
		if ((error = gsym_run_apply(&r->rctx, e,
			     gsym_state_find(&r->state, e->path))) < 0)
			goto done;
	}
done:
	gsym_view_memo_dispose(&memo);
	gsym_progress_stop(&r->progress);
	r->actx.progress = NULL;
	free(ahead);
	return error;
}
