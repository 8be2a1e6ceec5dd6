#include "pipeline/apply.h"
#include "util/alloc.h"
#include "pipeline/copy.h"
#include "util/error.h"
#include "util/util.h"
#include "platform/portable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seconds the mtime of what we make is set back, so it is never racy. */
#define STAMP_AGE 5

/*
 * The mtime given to what is made: a few seconds back, and before the
 * index's own mtime (kept when the index is written), so git never takes
 * the stamp for racy and re-reads the entry.
 */
static int64_t stamp_time(const gsym_apply_ctx *ctx)
{
	int64_t t = gsym_platform_now() - STAMP_AGE;

	if (ctx->stamp_limit > 0 && t >= ctx->stamp_limit)
		t = ctx->stamp_limit - 1;
	return t;
}

/* The state is shared when entries are applied on several threads. */
static void state_lock(const gsym_apply_ctx *ctx)
{
	if (ctx->lock)
		gsym_platform_mutex_lock(ctx->lock);
}

static void state_unlock(const gsym_apply_ctx *ctx)
{
	if (ctx->lock)
		gsym_platform_mutex_unlock(ctx->lock);
}

static int check_parents(const char *workdir, const char *path, bool create);

int gsym_apply_check_parents(const char *workdir, const char *path)
{
	return check_parents(workdir, path, true);
}

/* The same check, creating nothing: GSYM_ENOTFOUND when one is missing. */
static int check_parents_exist(const char *workdir, const char *path)
{
	return check_parents(workdir, path, false);
}

static int check_parents(const char *workdir, const char *path, bool create)
{
	gsym_buf p = GSYM_BUF_INIT;
	const char *slash, *comp = path;
	gsym_stat st;
	int error = 0;

	gsym_buf_puts(&p, workdir);
	while ((slash = strchr(comp, '/')) != NULL) {
		gsym_buf_put(&p, comp, (size_t)(slash - comp));
		/* no cache: an earlier step may have made a link here */
		error = gsym_platform_lstat(&st, p.ptr);
		if (error == GSYM_ENOTFOUND) {
			if (!create || (error = gsym_platform_mkdir(p.ptr)) < 0)
				break;
		} else if (error < 0) {
			break;
		} else if (st.type != GSYM_FT_DIR) {
			error = gsym_error_setc(GSYM_EUNSAFE,
				"refusing to write '%s': leading path '%.*s' "
				"is %s",
				path, (int)(slash - path), path,
				st.type == GSYM_FT_FILE ? "a file" :
							  "a link or junction");
			break;
		}
		gsym_buf_putc(&p, '/');
		comp = slash + 1;
	}
	gsym_buf_dispose(&p);
	return error;
}

/*
 * Copy the file `src` (whose lstat is `st`) to `dst`, and prove the copy
 * whole by its size: a backup that may be short is no backup.
 */
static int copy_verified(const char *src, const char *dst, const gsym_stat *st)
{
	gsym_stat copied;
	int error;

	if ((error = gsym_platform_copy_file(src, dst, NULL)) < 0 ||
		(error = gsym_platform_lstat(&copied, dst)) < 0)
		return error;
	if (copied.type != GSYM_FT_FILE || copied.size != st->size)
		return gsym_error_set("the copy in '%s' is incomplete", dst);
	return 0;
}

/*
 * Save what is at `abs` in the backup directory before --force replaces
 * it: a file is copied; anything else is moved, journaled first, and
 * `moved` (when not NULL) gets where it went, to put back on a failure.
 */
static int backup(gsym_apply_ctx *ctx, gsym_entry *e, const char *abs,
	gsym_buf *moved)
{
	gsym_buf dst = GSYM_BUF_INIT, rel = GSYM_BUF_INIT;
	gsym_stat st;
	int error, n = 0;

	do {
		gsym_buf_clear(&rel);
		gsym_buf_puts(&rel, e->path);
		if (n)
			gsym_buf_printf(&rel, ".%d", n);
		gsym_buf_sets(&dst, ctx->backup_dir);
		gsym_buf_puts(&dst, rel.ptr);
		n++;
	} while (gsym_platform_lstat(&st, dst.ptr) == 0);
	if ((error = gsym_mkdirs(ctx->backup_dir)) < 0 ||
		(error = gsym_apply_check_parents(ctx->backup_dir, rel.ptr)) <
			0)
		goto failed;
	/*
	 * A file is copied, so the path keeps it until the new form is
	 * renamed over it; a link or directory is moved (a directory cannot
	 * be replaced by a rename anyway).
	 */
	if ((error = gsym_platform_lstat(&st, abs)) < 0)
		goto failed;
	if (st.type == GSYM_FT_FILE) {
		error = copy_verified(abs, dst.ptr, &st);
		goto failed;
	}
	/* a move aside: a run killed after it finds the note */
	state_lock(ctx);
	error = gsym_state_journal_aside(ctx->state, e->path, dst.ptr);
	state_unlock(ctx);
	if (error < 0)
		goto failed;
	if ((error = gsym_platform_rename(abs, dst.ptr)) < 0) {
		state_lock(ctx);
		gsym_state_aside_done(ctx->state, e->path);
		state_unlock(ctx);
	} else if (moved) {
		gsym_buf_sets(moved, dst.ptr);
	}
failed:
	if (error < 0) {
		char *why = gsym_strdup(gsym_error_last());

		error = gsym_error_set("could not back up '%s' before --force "
				       "(%s); nothing was replaced",
			e->path, why);
		free(why);
	}
	gsym_buf_dispose(&dst);
	gsym_buf_dispose(&rel);
	return error;
}

static bool is_dirlike(gsym_ftype t)
{
	return t == GSYM_FT_DIR || t == GSYM_FT_JUNCTION;
}

/*
 * Rename the file `tmp` over the file `abs`. Where both are names of one
 * file (a hard link made to the target `git mv` moved another hard link
 * of to `abs`), rename() does nothing and succeeds: `tmp` goes then.
 */
static int rename_file(const char *tmp, const char *abs)
{
	gsym_stat st;
	int error;

	if ((error = gsym_platform_rename(tmp, abs)) < 0)
		return error;
	if (gsym_platform_lstat(&st, tmp) < 0) {
		gsym_error_clear();
		return 0;
	}
	return gsym_platform_remove(tmp);
}

/*
 * Put `tmp` (of type `made`) at `abs` (holding `at`, as planned): one
 * rename, or two when a directory is on either side (a rename cannot
 * replace a directory by a file, nor a file by a directory).
 */
static int replace(gsym_apply_ctx *ctx, const char *path, const char *tmp,
	gsym_ftype made, const char *abs, gsym_ftype at)
{
	gsym_buf old = GSYM_BUF_INIT;
	int error;

	if (!is_dirlike(at) && !is_dirlike(made))
		return rename_file(tmp, abs);
	if (at == GSYM_FT_NONE)
		return gsym_platform_rename(tmp, abs);

	/* two steps: a killed run must leave a note to clean up after it */
	state_lock(ctx);
	error = gsym_state_journal_touch(ctx->state, path);
	state_unlock(ctx);
	if (error < 0)
		return error;
	gsym_tmp_name(&old, abs, "old");
	if ((error = gsym_copy_remove(old.ptr)) < 0 ||
		(error = gsym_platform_rename(abs, old.ptr)) < 0)
		goto done;
	if ((error = gsym_platform_rename(tmp, abs)) < 0) {
		gsym_error_saved saved;

		gsym_error_save(&saved);
		gsym_platform_rename(old.ptr, abs); /* put it back */
		error = gsym_error_restore(&saved, error);
		goto done;
	}
	error = gsym_copy_remove(old.ptr);
done:
	gsym_buf_dispose(&old);
	return error;
}

static bool is_unavailable(int error)
{
	return error == GSYM_EPRIVILEGE || error == GSYM_EUNSUPPORTED;
}

/*
 * A deep copy of `e`'s target at `tmp`, taking over what the copy made
 * before at the entry's path still holds as made (copy.h).
 */
static int copy_dir(gsym_apply_ctx *ctx, gsym_entry *e, const char *tmp,
	gsym_buf *stats)
{
	gsym_buf old = GSYM_BUF_INIT, top = GSYM_BUF_INIT;
	/* (never through a linked parent) */
	bool earlier = ctx->view->copy_stats &&
		check_parents_exist(ctx->workdir, e->path) == 0 &&
		ctx->view->copy_stats(&old, ctx->view, e->path) == 0;
	int error;

	gsym_error_clear();
	if (earlier)
		gsym_path_join(&top, ctx->workdir, e->path);
	error = gsym_copy_dir_over(e->hash, ctx->view, e->resolved, tmp, stats,
		ctx->progress, earlier ? top.ptr : NULL, &old);
	gsym_buf_dispose(&old);
	gsym_buf_dispose(&top);
	return error;
}

/* Make one form of the link at `tmp`; unavailable codes mean "next". */
static int make_how(gsym_apply_ctx *ctx, gsym_entry *e, gsym_how how,
	const char *tmp, gsym_buf *stats)
{
	gsym_buf src = GSYM_BUF_INIT;
	int error = 0;

	if (how != GSYM_HOW_SYMLINK)
		gsym_path_join(&src, ctx->workdir, e->resolved);
	switch (how) {
	case GSYM_HOW_SYMLINK:
		error = gsym_platform_symlink(e->target, tmp, e->link_kind);
		break;
	case GSYM_HOW_JUNCTION:
		error = gsym_platform_junction(src.ptr, tmp);
		break;
	case GSYM_HOW_HARDLINK:
		if (!(error = gsym_platform_hardlink(src.ptr, tmp)))
			error = ctx->view->hash(e->hash, ctx->view, e->resolved,
				GSYM_TYPE_FILE);
		break;
	case GSYM_HOW_COPY:
		if (e->type == GSYM_TYPE_DIR) {
			/* with the stat list that proves it unedited later */
			gsym_buf_clear(stats);
			error = copy_dir(ctx, e, tmp, stats);
			if (error < 0)
				/* never leave half a copy behind */
				gsym_copy_discard(tmp);
			if (is_unavailable(error))
				error = GSYM_ERROR;
		} else {
			/* hashed as it is copied: what the copy holds */
			error = gsym_platform_copy_file(src.ptr, tmp, e->hash);
		}
		break;
	default: error = gsym_error_set("unknown way to make a link");
	}
	if (error < 0 && how != GSYM_HOW_SYMLINK && how != GSYM_HOW_COPY)
		gsym_copy_discard(tmp);
	gsym_buf_dispose(&src);
	return error;
}

/* What stands at the path once `how` made it (ARCHITECTURE.md's glossary). */
static gsym_kind kind_made_by(gsym_how how)
{
	switch (how) {
	case GSYM_HOW_SYMLINK: return GSYM_KIND_SYMLINK;
	case GSYM_HOW_JUNCTION: return GSYM_KIND_JUNCTION;
	case GSYM_HOW_HARDLINK: return GSYM_KIND_HARDLINK;
	case GSYM_HOW_COPY:
	default: return GSYM_KIND_COPY;
	}
}

static void note_failure(gsym_entry *e, gsym_verdict state)
{
	free(e->message);
	e->message = gsym_strdup(gsym_error_last());
	e->verdict = state;
}

/* Keep a deep copy's stat list (copy.h), its top's line first. */
static int put_stats(gsym_apply_ctx *ctx, const gsym_record *rec,
	const gsym_stat *top, const gsym_stat *src_top, const gsym_buf *below)
{
	gsym_buf all = GSYM_BUF_INIT;
	int error;

	gsym_copy_stats_line(&all, "", rec->src, top, src_top, 0);
	gsym_buf_put(&all, below->ptr, below->size);
	error = gsym_state_manifest_put(ctx->state, rec->path, &all);
	gsym_buf_dispose(&all);
	return error;
}

/*
 * What was at `abs` is in `moved` (the backup directory), and making the
 * entry failed: move it back before the error is reported. When
 * something was put at the path after all (only its lstat failed), the
 * entry is made and the move was its backup. A put-back that fails is
 * said in the entry's message and left noted in the state, for the next
 * run to finish.
 */
static void put_back(gsym_apply_ctx *ctx, gsym_entry *e, const char *abs,
	const char *moved)
{
	gsym_stat st;
	int error = gsym_platform_lstat(&st, abs);

	/* else something was made there: the backup stays a backup */
	if (error == GSYM_ENOTFOUND)
		error = gsym_platform_rename(moved, abs);
	if (error < 0) {
		gsym_buf msg = GSYM_BUF_INIT;

		gsym_buf_printf(&msg,
			"%s; and could not put it back from '%s' "
			"(%s): the next run will",
			e->message ? e->message : "failed", moved,
			gsym_error_last());
		free(e->message);
		e->message = gsym_buf_detach(&msg);
		gsym_error_clear();
		return;
	}
	state_lock(ctx);
	gsym_state_aside_done(ctx->state, e->path);
	state_unlock(ctx);
}

/*
 * Make at `tmp` the first of the planned forms that can be made here;
 * e->made says which. Returns 0, or the error of the last form tried
 * (GSYM_ENTRY_LINKS_REFUSED set when a link was refused as impossible);
 * `*too_big` when a directory copy was past symlinks.copyLimit.
 */
static int make_first(gsym_apply_ctx *ctx, gsym_entry *e, const char *tmp,
	gsym_buf *stats, bool *too_big)
{
	unsigned int i;
	int error = GSYM_EUNSUPPORTED;

	for (i = 0; i < e->nhows; i++) {
		if (e->hows[i] == GSYM_HOW_COPY && e->type == GSYM_TYPE_DIR &&
			(error = gsym_copy_over_limit(ctx->view, e->resolved,
				 &ctx->opts->copy_limit,
				 ctx->opts->platform &&
					 ctx->opts->platform->has_junctions)) !=
				0) {
			if (error < 0)
				return error;
			*too_big = true; /* the next form, if any */
			error = GSYM_EUNSUPPORTED;
			continue;
		}
		error = make_how(ctx, e, (gsym_how)e->hows[i], tmp, stats);
		if (error == GSYM_EEXISTS) {
			/* a leftover of a killed run: ours by its name */
			if ((error = gsym_copy_remove(tmp)) < 0)
				return error;
			error = make_how(ctx, e, (gsym_how)e->hows[i], tmp,
				stats);
		}
		if (!error) {
			e->made = (gsym_how)e->hows[i];
			return 0;
		} else if (!is_unavailable(error)) {
			return error;
		} else if (e->hows[i] == GSYM_HOW_SYMLINK) {
			/*
			 * Whether links are impossible in the whole tree is
			 * the run's to find out (and then to plan again),
			 * not ours to guess from one path.
			 */
			e->flags |= GSYM_ENTRY_LINKS_REFUSED;
			return error;
		}
	}
	return error;
}

/*
 * The record of the fallback made at `tmp` (not a link), in `rec`, from
 * its stat and its target's (`src_st`, taken at `read_at`); journaled
 * before it is in place, so a kill leaves it provable. Returns 0 or an
 * error.
 */
static int record_made(gsym_apply_ctx *ctx, gsym_entry *e, gsym_record *rec,
	const char *tmp, gsym_buf *stats, const gsym_stat *src_st,
	int64_t read_at)
{
	gsym_stat made_st;
	int error;

	/* what the rename will put in place: its stat proves it later */
	if ((error = gsym_platform_lstat(&made_st, tmp)) < 0)
		return error;
	if (e->made == GSYM_HOW_COPY && e->type != GSYM_TYPE_DIR)
		gsym_progress_copied(ctx->progress, 1, made_st.size);
	memset(rec, 0, sizeof(*rec));
	rec->kind = kind_made_by(e->made);
	rec->type = e->type;
	memcpy(rec->blob, e->id, GSYM_OID_RAWSZ);
	memcpy(rec->hash, e->hash, GSYM_OID_RAWSZ);
	rec->size = made_st.size;
	rec->mtime_sec = made_st.mtime_sec;
	rec->mtime_nsec = made_st.mtime_nsec;
	rec->ino = made_st.ino;
	rec->src = e->resolved;
	rec->path = e->path;
	/*
	 * The target's stat proves the copy current later only when
	 * it is older than the read (git's racy-clean rule, with the
	 * coarsest clock a disk here keeps: exFAT's 2 s)
	 */
	if (e->made == GSYM_HOW_COPY &&
		src_st->mtime_sec < read_at - GSYM_RACY_SECONDS &&
		(e->type != GSYM_TYPE_DIR ||
			gsym_copy_stats_older(stats,
				read_at - GSYM_RACY_SECONDS))) {
		rec->src_known = true;
		rec->src_size = src_st->size;
		rec->src_mtime_sec = src_st->mtime_sec;
		rec->src_mtime_nsec = src_st->mtime_nsec;
		rec->src_ino = src_st->ino;
	}
	/*
	 * A deep copy's stat list, its top first (as recorded: the
	 * list belongs to this record), before it is in place
	 */
	if (e->made == GSYM_HOW_COPY && e->type == GSYM_TYPE_DIR &&
		(error = put_stats(ctx, rec, &made_st, src_st, stats)) < 0)
		return error;
	/* journaled before it is in place: a kill leaves it provable */
	state_lock(ctx);
	error = gsym_state_journal(ctx->state, rec);
	state_unlock(ctx);
	return error;
}

/* The hash the record of `path` holds, the copy as it was made. */
static bool was_made(gsym_apply_ctx *ctx, const char *path, unsigned char *out)
{
	const gsym_record *rec;

	state_lock(ctx);
	if ((rec = gsym_state_find(ctx->state, path)) != NULL)
		memcpy(out, rec->hash, GSYM_OID_RAWSZ);
	state_unlock(ctx);
	return rec != NULL;
}

/*
 * A deep copy of ours whose target changed, updated where it is, file by
 * file (copy.h gsym_copy_dir_sync): 0 when done; 1 when it is not one to
 * update so (not a copy first, a backup due, its stat list not its own,
 * past the copy limit); an error when it was left half updated (the
 * caller makes it anew). Journaled first: a killed update is made anew
 * by the next run (state.h gsym_state_journal_sync).
 */
static int sync_in_place(gsym_apply_ctx *ctx, gsym_entry *e, const char *abs)
{
	gsym_buf old = GSYM_BUF_INIT, stats = GSYM_BUF_INIT;
	gsym_copy_memo memo;
	unsigned char was[GSYM_OID_RAWSZ];
	gsym_record rec;
	gsym_stat src_st;
	int64_t read_at;
	size_t written = 0;
	int error = 1;

	memset(&memo, 0, sizeof(memo));
	if (!e->nhows || e->hows[0] != GSYM_HOW_COPY ||
		e->type != GSYM_TYPE_DIR || (e->flags & GSYM_ENTRY_BACKUP) ||
		e->disk.type != GSYM_FT_DIR || !e->resolved ||
		!ctx->view->copy_stats || !was_made(ctx, e->path, was) ||
		check_parents_exist(ctx->workdir, e->path) < 0 ||
		ctx->view->copy_stats(&old, ctx->view, e->path) < 0 ||
		!gsym_copy_stats_of(&old, &e->disk) ||
		/* the count notes each source's lstat for the update */
		(error = gsym_copy_over_limit_memo(ctx->view, e->resolved,
			 &ctx->opts->copy_limit, false, &memo)) != 0)
		goto done; /* past the limit: as a new copy would be */
	state_lock(ctx);
	error = gsym_state_journal_sync(ctx->state, e->path);
	state_unlock(ctx);
	read_at = gsym_platform_now();
	memset(&src_st, 0, sizeof(src_st));
	if (!error && ctx->view->lstat(&src_st, ctx->view, e->resolved) < 0)
		gsym_error_clear();
	e->made = GSYM_HOW_COPY;
	if (error < 0 ||
		(error = gsym_copy_dir_sync(e->hash, ctx->view, e->resolved,
			 abs, &stats, ctx->progress, &old,
			 (e->flags & GSYM_ENTRY_PROVEN) != 0, &memo,
			 &written)) < 0 ||
		/* (a copy left as it was keeps its stat) */
		(written &&
			(error = gsym_platform_set_mtime(abs, stamp_time(ctx),
				 0)) < 0) ||
		(error = record_made(ctx, e, &rec, abs, &stats, &src_st,
			 read_at)) < 0 ||
		(error = gsym_platform_lstat(&e->result, abs)) < 0)
		goto done;
	state_lock(ctx);
	gsym_state_put(ctx->state, &rec);
	state_unlock(ctx);
	e->kind = GSYM_KIND_COPY;
	e->flags |= GSYM_ENTRY_RECORD;
	if (written || memcmp(was, e->hash, sizeof(was))) {
		e->verdict = GSYM_VERDICT_RESTORED;
		e->flags |= GSYM_ENTRY_CHANGED;
	} else {
		/* its target touched, not changed: the copy was current */
		e->verdict = GSYM_VERDICT_OK;
		e->reason = NULL;
	}
done:
	if (error > 0)
		gsym_error_clear();
	gsym_copy_memo_dispose(&memo);
	gsym_buf_dispose(&old);
	gsym_buf_dispose(&stats);
	return error;
}

/*
 * Is what is at `e`'s path the file copy its record says this tool made,
 * with the stat noted then? (Not git's placeholder where a killed run
 * journaled a copy it never put in place: that one goes the long way.)
 */
static bool copy_as_recorded(gsym_apply_ctx *ctx, const gsym_entry *e)
{
	const gsym_record *rec;
	bool same;

	state_lock(ctx);
	rec = gsym_state_find(ctx->state, e->path);
	same = rec && rec->kind == GSYM_KIND_COPY &&
		gsym_plan_stat_recorded(rec, &e->disk);
	state_unlock(ctx);
	return same;
}

/*
 * Before git's placeholder of `e` is written over: a record of the copy
 * to be (no stat, no hash: nothing proves it yet), so that a run killed
 * half way leaves a record for its "sync" line to mark, and the next run
 * makes the copy again rather than take the torn file for an edit.
 */
static int journal_pending(gsym_apply_ctx *ctx, const gsym_entry *e)
{
	gsym_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.kind = GSYM_KIND_COPY;
	rec.type = GSYM_TYPE_FILE;
	memcpy(rec.blob, e->id, GSYM_OID_RAWSZ);
	rec.src = e->resolved;
	rec.path = e->path;
	return gsym_state_journal(ctx->state, &rec);
}

/*
 * A write over git's placeholder failed half way (and removed what it
 * wrote): the placeholder as git wrote it, the link's text, so a run that
 * then fails to make the copy the long way too leaves the tree as it
 * found it. The write's message stays the one said.
 */
static void put_placeholder_back(const gsym_entry *e, const char *abs)
{
	gsym_error_saved saved;

	if (!e->target)
		return;
	gsym_error_save(&saved);
	gsym_platform_write_new(abs, e->target, e->target_len);
	gsym_error_restore(&saved, 0);
}

/*
 * A file copy of ours, as made, whose target changed, or git's placeholder
 * of the link (a checkout of another version of it wrote one), written
 * over where it is, as git writes its own files (no inode freed and made:
 * several times quicker than a new file renamed over it on ext4). 0 when
 * done; 1 when it is not one to write so (not a copy first, a backup due,
 * not a regular file of one name, or the platform copies to a new name);
 * an error when it was left half written (the caller makes it anew).
 * Journaled first, as a deep copy's update: a killed write is made anew
 * by the next run.
 */
static int sync_file_in_place(gsym_apply_ctx *ctx, gsym_entry *e,
	const char *abs)
{
	gsym_buf src = GSYM_BUF_INIT, stats = GSYM_BUF_INIT;
	gsym_record rec;
	gsym_stat src_st;
	int64_t read_at;
	int error;

	if (!gsym_platform_copies_over() || !e->nhows ||
		e->hows[0] != GSYM_HOW_COPY || e->type != GSYM_TYPE_FILE ||
		(e->flags & GSYM_ENTRY_BACKUP) ||
		e->disk.type != GSYM_FT_FILE || e->disk.nlink != 1 ||
		!e->resolved ||
		(e->kind != GSYM_KIND_PLACEHOLDER &&
			!copy_as_recorded(ctx, e)) ||
		check_parents_exist(ctx->workdir, e->path) < 0) {
		gsym_error_clear();
		return 1;
	}
	state_lock(ctx);
	error = e->kind == GSYM_KIND_PLACEHOLDER ? journal_pending(ctx, e) : 0;
	if (!error)
		error = gsym_state_journal_sync(ctx->state, e->path);
	state_unlock(ctx);
	if (error < 0)
		return error;
	read_at = gsym_platform_now();
	memset(&src_st, 0, sizeof(src_st));
	if (ctx->view->lstat(&src_st, ctx->view, e->resolved) < 0)
		gsym_error_clear();
	gsym_path_join(&src, ctx->workdir, e->resolved);
	error = gsym_platform_copy_over(src.ptr, abs, e->hash);
	gsym_buf_dispose(&src);
	if (error == GSYM_EUNSUPPORTED) {
		gsym_error_clear();
		return 1;
	}
	if (error < 0 && e->kind == GSYM_KIND_PLACEHOLDER)
		put_placeholder_back(e, abs);
	e->made = GSYM_HOW_COPY;
	if (error < 0 ||
		(error = gsym_platform_set_mtime(abs, stamp_time(ctx), 0)) <
			0 ||
		(error = record_made(ctx, e, &rec, abs, &stats, &src_st,
			 read_at)) < 0 ||
		(error = gsym_platform_lstat(&e->result, abs)) < 0) {
		gsym_buf_dispose(&stats);
		return error;
	}
	state_lock(ctx);
	gsym_state_put(ctx->state, &rec);
	state_unlock(ctx);
	e->kind = GSYM_KIND_COPY;
	e->verdict = GSYM_VERDICT_RESTORED;
	e->flags |= GSYM_ENTRY_CHANGED | GSYM_ENTRY_RECORD;
	gsym_buf_dispose(&stats);
	return 0;
}

/* A copy of ours updated where it is, a deep one or a file: 0 when done. */
static int update_in_place(gsym_apply_ctx *ctx, gsym_entry *e, const char *abs)
{
	return sync_in_place(ctx, e, abs) == 0 ?
		0 :
		sync_file_in_place(ctx, e, abs);
}

static int create_best(gsym_apply_ctx *ctx, gsym_entry *e, const char *abs)
{
	gsym_buf tmp = GSYM_BUF_INIT, stats = GSYM_BUF_INIT,
		 moved = GSYM_BUF_INIT;
	gsym_record rec;
	gsym_stat src_st;
	int64_t read_at;
	int error = GSYM_EUNSUPPORTED;
	bool made = false, too_big = false;

	if ((e->flags & GSYM_ENTRY_BACKUP) && e->kind != GSYM_KIND_MISSING &&
		(error = backup(ctx, e, abs, &moved)) < 0)
		goto failed;
	if (update_in_place(ctx, e, abs) == 0)
		goto done; /* a copy updated where it is (else anew) */
	gsym_error_clear();
	gsym_tmp_name(&tmp, abs, "new");
	/* the target as it is before it is copied: a later change shows */
	read_at = gsym_platform_now();
	memset(&src_st, 0, sizeof(src_st));
	if (e->resolved &&
		ctx->view->lstat(&src_st, ctx->view, e->resolved) < 0)
		gsym_error_clear();
	if ((error = make_first(ctx, e, tmp.ptr, &stats, &too_big)) != 0)
		goto failed; /* every form was unavailable: say the last */
	made = true;
	/* only a link is known by the mark; a fallback by its record */
	if (e->made != GSYM_HOW_HARDLINK &&
		(error = gsym_platform_set_mtime(tmp.ptr, stamp_time(ctx),
			 e->made == GSYM_HOW_SYMLINK ?
				 gsym_stamp_mark(e->path) :
				 0)) < 0)
		goto failed;
	if (e->made != GSYM_HOW_SYMLINK &&
		(error = record_made(ctx, e, &rec, tmp.ptr, &stats, &src_st,
			 read_at)) < 0)
		goto failed;
	if ((error = replace(ctx, e->path, tmp.ptr,
		     e->made == GSYM_HOW_COPY && e->type == GSYM_TYPE_DIR ?
			     GSYM_FT_DIR :
			     e->made == GSYM_HOW_JUNCTION ? GSYM_FT_JUNCTION :
							    GSYM_FT_FILE,
		     abs,
		     /* a backed-up file is still there; the rest moved */
		     !(e->flags & GSYM_ENTRY_BACKUP) ||
				     e->disk.type == GSYM_FT_FILE ?
			     e->disk.type :
			     GSYM_FT_NONE)) < 0 ||
		(error = gsym_platform_lstat(&e->result, abs)) < 0)
		goto failed;

	state_lock(ctx);
	if (e->made == GSYM_HOW_SYMLINK)
		gsym_state_remove(ctx->state, e->path);
	else
		gsym_state_put(ctx->state, &rec);
	if (moved.size) /* replaced as planned: it is the backup now */
		gsym_state_aside_done(ctx->state, e->path);
	state_unlock(ctx);
	e->kind = kind_made_by(e->made);
	e->verdict = e->type == GSYM_TYPE_MISSING ? GSYM_VERDICT_DANGLING :
						    GSYM_VERDICT_RESTORED;
	e->flags |= GSYM_ENTRY_CHANGED | GSYM_ENTRY_RECORD;
	goto done;

failed:
	/* no copy within symlinks.copyLimit, and nothing else could be made */
	note_failure(e,
		too_big && !made && is_unavailable(error) ?
			GSYM_VERDICT_UNSAFE :
			GSYM_VERDICT_ERROR);
	gsym_copy_discard(tmp.ptr);
	if (moved.size)
		put_back(ctx, e, abs, moved.ptr);
done:
	gsym_buf_dispose(&tmp);
	gsym_buf_dispose(&stats);
	gsym_buf_dispose(&moved);
	return 0;
}

static int placeholder(gsym_apply_ctx *ctx, gsym_entry *e, const char *abs)
{
	gsym_buf tmp = GSYM_BUF_INIT;
	int error;

	gsym_tmp_name(&tmp, abs, "new");
	if ((error = gsym_copy_remove(tmp.ptr)) < 0 ||
		(error = gsym_platform_write_new(tmp.ptr, e->target,
			 e->target_len)) < 0 ||
		(error = replace(ctx, e->path, tmp.ptr, GSYM_FT_FILE, abs,
			 e->disk.type)) < 0 ||
		(error = gsym_platform_lstat(&e->result, abs)) < 0) {
		note_failure(e, GSYM_VERDICT_ERROR);
		gsym_copy_discard(tmp.ptr);
	} else {
		gsym_state_remove(ctx->state, e->path);
		e->kind = GSYM_KIND_PLACEHOLDER;
		/* a dangling or refused link keeps the state planned */
		if (e->verdict != GSYM_VERDICT_DANGLING &&
			e->verdict != GSYM_VERDICT_UNSAFE)
			e->verdict = GSYM_VERDICT_OK;
		e->flags |= GSYM_ENTRY_CHANGED | GSYM_ENTRY_RECORD;
	}
	gsym_buf_dispose(&tmp);
	return 0;
}

int gsym_apply_cleanup(gsym_apply_ctx *ctx, const char *path)
{
	static const char *whats[] = { "new", "old" };
	gsym_buf abs = GSYM_BUF_INIT, tmp = GSYM_BUF_INIT;
	const gsym_aside *aside;
	gsym_stat st;
	size_t i;
	int error = 0;

	if (check_parents_exist(ctx->workdir, path) < 0)
		goto done; /* never reach through a link to clean up */
	gsym_path_join(&abs, ctx->workdir, path);
	for (i = 0; i < GSYM_ARRAY_SIZE(whats) && !error; i++) {
		gsym_tmp_name(&tmp, abs.ptr, whats[i]);
		/*
		 * what a two-step replace moved aside, with nothing put in
		 * its place: it goes back (the run plans it again)
		 */
		if (!strcmp(whats[i], "old") &&
			gsym_platform_lstat(&st, tmp.ptr) == 0 &&
			gsym_platform_lstat(&st, abs.ptr) == GSYM_ENOTFOUND)
			error = gsym_platform_rename(tmp.ptr, abs.ptr);
		else
			error = gsym_copy_remove(tmp.ptr);
		if (!error)
			gsym_error_clear();
	}
	/* moved aside before --force replaced it: back, unless replaced */
	if (!error && (aside = gsym_state_aside_find(ctx->state, path))) {
		if (gsym_platform_lstat(&st, aside->dst) == 0 &&
			gsym_platform_lstat(&st, abs.ptr) == GSYM_ENOTFOUND)
			error = gsym_platform_rename(aside->dst, abs.ptr);
		if (!error)
			gsym_state_aside_done(ctx->state, path);
		else
			error = gsym_error_set("could not put '%s' back from "
					       "'%s' after a run was killed",
				path, aside->dst);
	}
done:
	gsym_buf_dispose(&abs);
	gsym_buf_dispose(&tmp);
	return error;
}

/*
 * An edited copy stays as it is, but git may still write over it (a
 * merge conflict on its link writes the link with force): keep a copy of
 * the edit under the backup directory, once per version of it (a file's
 * backup carries its mtime; a directory's is made once).
 */
static void keep_edit(gsym_apply_ctx *ctx, gsym_entry *e, const char *abs)
{
	gsym_buf dst = GSYM_BUF_INIT;
	unsigned char hash[GSYM_OID_RAWSZ];
	gsym_stat st;
	int error;

	if (!ctx->backup_dir)
		return;
	gsym_path_join(&dst, ctx->backup_dir, e->path);
	if (gsym_platform_lstat(&st, dst.ptr) == 0 &&
		(st.type == GSYM_FT_DIR ||
			(st.size == e->disk.size &&
				st.mtime_sec == e->disk.mtime_sec &&
				st.mtime_nsec == e->disk.mtime_nsec)))
		goto done; /* this version is kept already */
	if ((error = gsym_mkdirs(ctx->backup_dir)) < 0 ||
		(error = gsym_apply_check_parents(ctx->backup_dir, e->path)) <
			0 ||
		(error = gsym_copy_remove(dst.ptr)) < 0)
		goto done;
	if (e->disk.type == GSYM_FT_DIR)
		error = gsym_copy_dir(hash, ctx->view, e->path, dst.ptr, NULL,
			NULL);
	else if (!(error = gsym_platform_copy_file(abs, dst.ptr, NULL)))
		error = gsym_platform_set_mtime(dst.ptr, e->disk.mtime_sec,
			e->disk.mtime_nsec);
	if (!error)
		gsym_warn("'%s' is an edited copy: the edit is kept "
			  "in '%s' too",
			e->path, dst.ptr);
done:
	gsym_error_clear();
	gsym_buf_dispose(&dst);
}

void gsym_apply_conflicted(gsym_apply_ctx *ctx, const gsym_record *rec,
	const char *text, size_t len)
{
	gsym_buf abs = GSYM_BUF_INIT, tmp = GSYM_BUF_INIT;
	gsym_stat st;
	bool ours = false;

	if (ctx->dry_run || check_parents_exist(ctx->workdir, rec->path) < 0 ||
		ctx->view->lstat(&st, ctx->view, rec->path) < 0 ||
		gsym_plan_owned(&ours, ctx->view, rec, &st) < 0 || !ours)
		goto done;
	gsym_path_join(&abs, ctx->workdir, rec->path);
	gsym_tmp_name(&tmp, abs.ptr, "new");
	if (gsym_copy_remove(tmp.ptr) < 0 ||
		gsym_platform_write_new(tmp.ptr, text, len) < 0 ||
		replace(ctx, rec->path, tmp.ptr, GSYM_FT_FILE, abs.ptr,
			st.type) < 0)
		gsym_copy_discard(tmp.ptr);
done:
	gsym_error_clear();
	gsym_buf_dispose(&abs);
	gsym_buf_dispose(&tmp);
}

int gsym_apply_leftover(bool *out_kept, gsym_apply_ctx *ctx,
	const gsym_record *rec, bool remove)
{
	gsym_buf abs = GSYM_BUF_INIT;
	gsym_ftype want;
	gsym_stat st;
	bool ours = false;
	int error = 0;

	*out_kept = false;
	if (ctx->dry_run || check_parents_exist(ctx->workdir, rec->path) < 0 ||
		ctx->view->lstat(&st, ctx->view, rec->path) < 0)
		goto done; /* nothing of ours there any more */
	if ((error = gsym_plan_owned(&ours, ctx->view, rec, &st)) < 0)
		goto done;
	if (!remove) {
		/* staged over by the user: still ours while unedited */
		*out_kept = ours;
		goto done;
	}
	want = rec->kind == GSYM_KIND_JUNCTION ? GSYM_FT_JUNCTION :
		rec->type == GSYM_TYPE_DIR     ? GSYM_FT_DIR :
						 GSYM_FT_FILE;
	if (!ours) {
		/* edited: left, and kept on record; else git's now */
		if ((*out_kept = st.type == want))
			gsym_warn("'%s' is no longer a link, but its "
				  "copy there was edited: left as it "
				  "is; move it away",
				rec->path);
		goto done;
	}
	gsym_path_join(&abs, ctx->workdir, rec->path);
	error = gsym_copy_remove(abs.ptr);
done:
	gsym_error_clear();
	gsym_buf_dispose(&abs);
	return error;
}

void gsym_apply_entry(gsym_apply_ctx *ctx, gsym_entry *e)
{
	gsym_buf abs = GSYM_BUF_INIT;
	int error;

	if (e->action == GSYM_ACT_NONE || ctx->dry_run)
		return;
	gsym_path_join(&abs, ctx->workdir, e->path);
	if (e->action == GSYM_ACT_KEEP_EDIT) {
		keep_edit(ctx, e, abs.ptr);
		goto done;
	}
	if (e->action == GSYM_ACT_DISOWN) {
		/* a copy kept before git sees it; the record goes */
		if (e->disk.type == GSYM_FT_FILE && ctx->backup_dir &&
			backup(ctx, e, abs.ptr, NULL) < 0)
			note_failure(e, GSYM_VERDICT_ERROR);
		else
			e->flags |= GSYM_ENTRY_RECORD;
		gsym_state_remove(ctx->state, e->path);
		goto done;
	}
	if (e->action == GSYM_ACT_STAMP) {
		if (gsym_platform_lstat(&e->result, abs.ptr) < 0)
			note_failure(e, GSYM_VERDICT_ERROR);
		else
			e->flags |= GSYM_ENTRY_RECORD;
		goto done;
	}
	if ((error = gsym_apply_check_parents(ctx->workdir, e->path)) < 0) {
		note_failure(e,
			error == GSYM_EUNSAFE ? GSYM_VERDICT_UNSAFE :
						GSYM_VERDICT_ERROR);
		goto done;
	}
	if (e->action == GSYM_ACT_CREATE)
		create_best(ctx, e, abs.ptr);
	else if (e->action == GSYM_ACT_PLACEHOLDER)
		placeholder(ctx, e, abs.ptr);
done:
	/* a link refused is tried again as its fallback, and counted then */
	if (!(e->flags & GSYM_ENTRY_LINKS_REFUSED))
		gsym_progress_add(ctx->progress, 1);
	gsym_buf_dispose(&abs);
}
