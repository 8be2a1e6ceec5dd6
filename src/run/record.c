/*
 * Record: what a run leaves behind it in the index, in git's config and
 * in the state file, and the records of links that are gone.
 */
#include "run/run_repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"
#include "git/stamp.h"
#include "git/fsmonitor.h"
#include "git/scan.h"
#include "pipeline/copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Has `path` entries of a merge conflict (stages 1-3) in the index? */
static bool in_conflict(const gsym_index_file *f, const char *path)
{
	size_t i;

	for (i = gsym_index_file_lower(f, path);
		i < f->n && !strcmp(f->v[i].path, path); i++)
		if (gsym_index_item_stage(&f->v[i]) != 0)
			return true;
	return false;
}

/*
 * A link in conflict. git leaves its path as it was, our fallback of one
 * side (ours) included; but it compares an unmerged path by its content
 * (diff-lib.c get_stat_data: `git diff HEAD` shows a copy as a change)
 * and stages what is there as the resolution (`git add` would record a
 * copy's bytes as the link's text, a directory as files). So our
 * fallback, while unedited, gives way to git's placeholder of the same
 * version, which git reads as that link. The record stays until the
 * conflict is resolved (it says where the link led, for the links that
 * resolve through it), and the hook makes the fallback of the resolution.
 */
static int conflicted(bool *keep, gsym_apply_ctx *actx, const gsym_repo *repo,
	const gsym_record *rec)
{
	const gsym_index_file *f = &repo->file;
	gsym_buf text = GSYM_BUF_INIT;
	bool side = false;
	size_t i;

	*keep = true;
	for (i = gsym_index_file_lower(f, rec->path);
		i < f->n && !strcmp(f->v[i].path, rec->path); i++)
		side = side ||
			(gsym_mode_is(gsym_index_item_mode(&f->v[i]),
				 GIT_FILEMODE_LINK) &&
				!memcmp(gsym_index_item_id(&f->v[i]), rec->blob,
					GSYM_OID_RAWSZ));
	if (side && gsym_repo_blob(&text, repo, rec->blob) == 0)
		gsym_apply_conflicted(actx, rec, text.ptr, text.size);
	gsym_error_clear();
	gsym_buf_dispose(&text);
	return 0;
}

/*
 * Is the index a whole tree git just wrote (its cache-tree valid at the
 * top: `reset --hard` and `reset` prime it, builtin/reset.c reset_index,
 * while a deletion staged by hand, `git rm --cached`, invalidates it)?
 */
static bool index_is_a_tree(const gsym_repo *repo)
{
	gsym_cache_tree *ct = NULL;
	bool whole =
		gsym_cache_tree_read(&ct, &repo->file) == 0 && ct && ct->valid;

	gsym_cache_tree_free(ct);
	gsym_error_clear();
	return whole;
}

/* Does HEAD's tree have an entry at `path`? */
static bool head_has(const gsym_repo *repo, const char *path)
{
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	bool has;

	has = git_revparse_single(&head, repo->repo, "HEAD") == 0 &&
		git_object_peel((git_object **)&tree, head, GIT_OBJECT_TREE) ==
			0 &&
		git_tree_entry_bypath(&entry, tree, path) == 0;
	git_error_clear();
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_object_free(head);
	return has;
}

typedef struct {
	const gsym_index_file *f;
	gsym_buf path;
	size_t top; /* length of "<copy's path>/" */
} strip_ctx;

/* Is `rel` below the copy tracked now, or above something tracked? */
static bool tracked_now(const char *rel, void *payload)
{
	strip_ctx *s = payload;
	bool tracked;

	gsym_buf_truncate(&s->path, s->top);
	gsym_buf_puts(&s->path, rel);
	tracked = gsym_index_file_find(s->f, s->path.ptr) >= 0;
	gsym_buf_putc(&s->path, '/');
	return tracked || gsym_index_file_has_prefix(s->f, s->path.ptr);
}

/*
 * A directory link became a directory of tracked files: git removed the
 * link (it could not: our copy is a directory) and wrote its files into
 * our copy. What the copy's stat list holds that git does not track, and
 * that nobody edited, goes; the record with it.
 */
static int strip_copy(bool *keep, gsym_apply_ctx *actx, const gsym_repo *repo,
	const gsym_record *rec)
{
	gsym_buf stats = GSYM_BUF_INIT, dir = GSYM_BUF_INIT,
		 abs = GSYM_BUF_INIT;
	strip_ctx s;

	*keep = false;
	gsym_buf_printf(&dir, "%ssymlinks/", repo->gitdir);
	if (actx->dry_run ||
		gsym_state_manifest_get(&stats, dir.ptr, rec->path) < 0) {
		gsym_error_clear();
		goto done;
	}
	s.f = &repo->file;
	memset(&s.path, 0, sizeof(s.path));
	gsym_buf_printf(&s.path, "%s/", rec->path);
	s.top = s.path.size;
	gsym_path_join(&abs, repo->workdir, rec->path);
	gsym_copy_remove_listed(abs.ptr, &stats, tracked_now, &s);
	gsym_buf_dispose(&s.path);
done:
	gsym_buf_dispose(&stats);
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&abs);
	return 0;
}

/*
 * The record of a path that is no longer a link entry. Gone from the
 * index (the link was deleted), or replaced by entries our sparse block
 * hid from git: what is left there is our leftover, removed while ours.
 * Replaced by entries git sees (the user staged our copy as a file, or
 * git wrote the new file): the record stays while our unedited fallback
 * is there, for the pre-commit guard, and goes once git's file is.
 */
static int settle_record(bool *keep, bool *by_head, gsym_apply_ctx *actx,
	const gsym_repo *repo, const gsym_sparse *sparse,
	const gsym_record *rec, bool untouched)
{
	const gsym_index_file *f = &repo->file;
	ptrdiff_t pos = gsym_index_file_find(f, rec->path);
	gsym_buf below = GSYM_BUF_INIT;
	size_t first;
	bool hidden, in_head;
	int error;

	if (in_conflict(f, rec->path))
		return conflicted(keep, actx, repo, rec);
	gsym_buf_printf(&below, "%s/", rec->path);
	first = gsym_index_file_lower(f, below.ptr);
	if (pos < 0 && !gsym_index_file_has_prefix(f, below.ptr)) {
		gsym_buf_dispose(&below);
		/*
		 * HEAD still has it: a deletion staged by hand (`git rm
		 * --cached`), which keeps the file; the guard sees to the
		 * commit. Else a checkout deleted the link and left this.
		 */
		/*
		 * As a real link would stay untracked, ours does where git
		 * changed the index alone (a mixed reset to a commit without
		 * the link): until a restore of the user's
		 */
		if (untouched) {
			*keep = true;
			return 0;
		}
		/*
		 * git runs post-index-change before it moves HEAD (`reset
		 * --hard REV`): HEAD may still have the link git just
		 * took out with a whole tree
		 */
		in_head = head_has(repo, rec->path) && !index_is_a_tree(repo);
		error = gsym_apply_leftover(keep, actx, rec, !in_head);
		*by_head = *by_head || (*keep && in_head);
		return error;
	}
	hidden = gsym_sparse_hides(sparse, rec->path) &&
		(pos >= 0                    ? f->v[pos].ext_flags :
				first < f->n ? f->v[first].ext_flags :
					       0) &
			GSYM_INDEX_SKIP_WORKTREE;
	gsym_buf_dispose(&below);
	if (!hidden && pos < 0 && rec->kind == GSYM_KIND_COPY &&
		rec->type == GSYM_TYPE_DIR)
		return strip_copy(keep, actx, repo, rec);
	return gsym_apply_leftover(keep, actx, rec, hidden);
}

/*
 * A hard link made to a tracked file moved that file's ctime (its link
 * count changed): git would take the file for changed and refuse a merge
 * that touches it. Its stamp is renewed, only when nothing but the ctime
 * differs from what the index holds.
 */
static int restamp_target(gsym_repo *repo, gsym_apply_ctx *actx,
	const char *target, bool *changed)
{
	ptrdiff_t pos;
	gsym_istat is;
	gsym_stat st;

	if (!target || (pos = gsym_index_file_find(&repo->file, target)) < 0 ||
		actx->view->lstat(&st, actx->view, target) < 0) {
		gsym_error_clear();
		return 0;
	}
	gsym_index_item_istat(&is, &repo->file.v[pos]);
	if (is.mtime_sec != (uint32_t)st.mtime_sec ||
		is.mtime_nsec != st.mtime_nsec ||
		is.size != (uint32_t)st.size || is.ino != (uint32_t)st.ino ||
		is.dev != (uint32_t)st.dev ||
		is.ctime_sec == (uint32_t)st.ctime_sec)
		return 0;
	return gsym_stamp_path(repo, target, &st, -1, false, changed);
}

/* Record every changed entry in the index; drop records gone stale. */
static int stamp_all(gsym_repo *repo, gsym_entries *entries,
	gsym_state_file *state, gsym_apply_ctx *actx, const gsym_run_opts *o,
	bool fsmn, bool *changed)
{
	size_t i, at = 0;
	int error;

	for (i = 0; i < entries->n; i++) {
		gsym_entry *e = &entries->v[i];
		gsym_record *rec = gsym_state_find_next(state, e->path, &at);
		bool ours = rec != NULL || (e->flags & GSYM_ENTRY_CHANGED);

		if (!(e->flags & GSYM_ENTRY_SELECTED))
			continue;
		/* a record for a path that is now a link or placeholder */
		if (rec &&
			(e->kind == GSYM_KIND_SYMLINK ||
				e->kind == GSYM_KIND_PLACEHOLDER)) {
			gsym_state_remove(state, e->path);
			/* clear the bit this tool set for the fallback */
			if (e->flags & GSYM_ENTRY_SKIP_WORKTREE)
				e->flags |= GSYM_ENTRY_RECORD;
		}
		if (!(e->flags & GSYM_ENTRY_RECORD))
			continue;
		/*
		 * A hook leaves a real link unstamped: git finds the link
		 * clean by its content and refreshes the stamp itself, and
		 * writing the whole index for a few stamps would cost more
		 * than the rest of the hook. The next restore stamps it.
		 */
		if (o->hook && e->kind == GSYM_KIND_SYMLINK && !rec &&
			!(e->flags & GSYM_ENTRY_SKIP_WORKTREE))
			continue;
		if (!(e->flags & GSYM_ENTRY_CHANGED) &&
			e->action != GSYM_ACT_STAMP)
			e->result = e->disk;
		else if (e->kind == GSYM_KIND_HARDLINK &&
			(error = actx->view->lstat(&e->result, actx->view,
				 e->path)) < 0)
			return error; /* later links to its inode moved ctime */
		if ((error = gsym_stamp_entry(repo, e, ours, fsmn, changed)) <
				0 ||
			(e->kind == GSYM_KIND_HARDLINK &&
				(e->flags & GSYM_ENTRY_CHANGED) &&
				(error = restamp_target(repo, actx, e->resolved,
					 changed)) < 0))
			return error;
	}
	return 0;
}

int gsym_run_settle(gsym_run_repo *r)
{
	size_t i;
	int error;

	for (i = 0; i < r->state.n && !r->o->npathspec;) {
		bool kept = true;

		if (!gsym_entries_find(&r->entries, r->state.v[i].path) &&
			(error = settle_record(&kept, &r->by_head, &r->actx,
				 &r->repo, &r->sparse, &r->state.v[i],
				 r->o->worktree_untouched)) < 0)
			return error;
		if (!kept)
			gsym_state_remove(&r->state, r->state.v[i].path);
		else
			i++;
	}
	return 0;
}

/* Does the state hold a hard-link fallback? */
static bool has_hardlinks(const gsym_state_file *state)
{
	size_t i;

	for (i = 0; i < state->n; i++)
		if (state->v[i].kind == GSYM_KIND_HARDLINK)
			return true;
	return false;
}

/* Does the state hold a fallback hidden through the fsmonitor? */
static bool fsmn_needed(const gsym_state_file *state)
{
	size_t i;

	for (i = 0; i < state->n; i++)
		if (gsym_stamp_by_fsmn(state->v[i].kind))
			return true;
	return false;
}

/*
 * Record: index stamps and bits, files our sparse block hid, the index
 * written under our lock, then the sparse block, the state file and the
 * exclude lines.
 */
/*
 * A copy proven current by reading it and its target: note its target's
 * stat (and for a directory, every source's, in its stat list), so the
 * next run proves it by lstat alone. Only while nothing was touched since
 * the run began (git's racy-clean rule): else the next run reads again.
 */
/*
 * A hard link proven ours by sharing its target's inode, which an edit of
 * the target changed: its hash is what it holds now, so that once git
 * writes the target anew (a new inode: a checkout, a stash), the old one
 * left at the link is still proven ours by its content, as it was when
 * git replaced the target, and gives way to the new target's link. Its
 * stat too, once older than the run (git's racy rule).
 */
static void rehash(gsym_run_repo *r, const gsym_record *rec)
{
	int64_t before = r->started - GSYM_RACY_SECONDS;
	gsym_record now = *rec;
	gsym_stat st;

	if (r->view.lstat(&st, &r->view, rec->path) < 0 ||
		r->view.hash(now.hash, &r->view, rec->path, GSYM_TYPE_FILE) <
			0) {
		gsym_error_clear();
		return;
	}
	if (st.mtime_sec < before) {
		now.size = st.size;
		now.mtime_sec = st.mtime_sec;
		now.mtime_nsec = st.mtime_nsec;
		now.ino = st.ino;
	}
	now.src = gsym_strdup(rec->src);
	now.path = gsym_strdup(rec->path);
	gsym_state_put(&r->state, &now);
	free(now.src);
	free(now.path);
}

static void restat(gsym_run_repo *r, const gsym_entry *e,
	const gsym_record *rec)
{
	int64_t before = r->started - GSYM_RACY_SECONDS;
	gsym_record now = *rec;
	gsym_buf stats = GSYM_BUF_INIT, fresh = GSYM_BUF_INIT;
	gsym_stat st, copy;

	if (r->view.lstat(&st, &r->view, e->resolved) < 0 ||
		st.mtime_sec >= before ||
		r->view.lstat(&copy, &r->view, e->path) < 0 ||
		copy.mtime_sec >= before)
		goto done;
	/* the copy itself, as it is now (proven ours by its content) */
	now.size = copy.size;
	now.mtime_sec = copy.mtime_sec;
	now.mtime_nsec = copy.mtime_nsec;
	now.ino = copy.ino;
	if (rec->type == GSYM_TYPE_DIR &&
		(r->view.copy_stats(&stats, &r->view, rec->path) < 0 ||
			gsym_copy_restat(&fresh, &r->view, &stats, rec->path,
				before) < 0 ||
			gsym_state_manifest_put(&r->state, rec->path, &fresh) <
				0))
		goto done;
	now.src_known = true;
	now.src_size = st.size;
	now.src_mtime_sec = st.mtime_sec;
	now.src_mtime_nsec = st.mtime_nsec;
	now.src_ino = st.ino;
	/* (put frees the record's own strings before it copies ours) */
	now.src = gsym_strdup(rec->src);
	now.path = gsym_strdup(rec->path);
	gsym_state_put(&r->state, &now);
	free(now.src);
	free(now.path);
done:
	gsym_error_clear();
	gsym_buf_dispose(&stats);
	gsym_buf_dispose(&fresh);
}

int gsym_run_record(gsym_run_repo *r)
{
	gsym_buf exclude = GSYM_BUF_INIT;
	bool index_changed = false;
	size_t i;
	int error;

	for (i = 0; i < r->entries.n; i++) {
		const gsym_entry *e = &r->entries.v[i];
		const gsym_record *rec;

		if (!(e->flags & GSYM_ENTRY_RESTAT) || r->actx.dry_run ||
			!(rec = gsym_state_find(&r->state, e->path)))
			continue;
		if (rec->kind == GSYM_KIND_HARDLINK &&
			!(e->flags & GSYM_ENTRY_CHANGED))
			rehash(r, rec);
		else if (rec->kind == GSYM_KIND_COPY && e->resolved &&
			!strcmp(rec->src ? rec->src : "", e->resolved))
			restat(r, e, rec);
	}

	if ((error = stamp_all(&r->repo, &r->entries, &r->state, &r->actx, r->o,
		     r->fsmn, &index_changed)) < 0 ||
		(error = gsym_sparse_unhide(&r->sparse, &r->repo,
			 &index_changed)) < 0 ||
		(index_changed &&
			(error = gsym_repo_write_index(&r->repo)) < 0))
		goto done;
	gsym_repo_unlock(&r->repo);
	if (r->o->mode == GSYM_MODE_RESET && !r->o->npathspec) {
		r->state.links_unsupported = false;
		r->state.dirty = true;
	}
	gsym_buf_printf(&exclude, "%sinfo/exclude", r->repo.commondir);
	if ((error = gsym_sparse_sync(&r->sparse, &r->repo, r->id, &r->state)) <
			0 ||
		(error = gsym_fsmonitor_config(r->repo.repo, r->cfg,
			 r->fsmn && fsmn_needed(&r->state))) < 0 ||
		(error = gsym_trustctime_config(r->repo.repo, r->cfg,
			 has_hardlinks(&r->state))) < 0 ||
		(error = gsym_state_save(&r->state)) < 0)
		goto done;
	if ((error = gsym_exclude_sync(exclude.ptr, r->id, &r->state)) == 0)
		gsym_run_keep_token(r);
done:
	gsym_buf_dispose(&exclude);
	return error;
}
