#include "pipeline/plan.h"
#include "pipeline/copy.h"
#include "util/alloc.h"
#include "pipeline/resolve.h"
#include "pipeline/validate.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

bool gsym_stat_matches(const gsym_istat *is, const gsym_stat *st)
{
	return is->mtime_sec == (uint32_t)st->mtime_sec &&
		is->mtime_nsec == st->mtime_nsec &&
		is->ctime_sec == (uint32_t)st->ctime_sec &&
		is->ctime_nsec == st->ctime_nsec &&
		is->ino == (uint32_t)st->ino && is->dev == (uint32_t)st->dev &&
		is->uid == st->uid && is->gid == st->gid &&
		is->size == (uint32_t)st->size;
}

/* The verdict on `e`, what to do about it, and why. */
static void judge(gsym_entry *e, gsym_verdict verdict, gsym_action action,
	const char *reason)
{
	e->verdict = verdict;
	e->action = action;
	e->reason = reason;
}

/* Why no fallback may be made for this target, or NULL. */
static const char *fallback_refusal(const gsym_entry *e)
{
	if (e->resolve_flags & GSYM_RESOLVE_IN_GIT)
		return "target is inside a .git directory";
	if (e->resolve_flags & GSYM_RESOLVE_ABSOLUTE)
		return "absolute target: never copied";
	if (e->resolve_flags & GSYM_RESOLVE_OUTSIDE)
		return "target leaves the working tree";
	if (e->resolve_flags & GSYM_RESOLVE_LOOP)
		return "more than 40 levels of links (a cycle?)";
	if (e->type == GSYM_TYPE_DIR &&
		(e->resolve_flags & GSYM_RESOLVE_ANCESTOR))
		return "target is an ancestor of the link: a copy would "
		       "contain itself";
	if (e->type == GSYM_TYPE_UNKNOWN)
		return "target type unknown";
	return NULL;
}

/* The form decision: see plan.h, where its inputs are listed. */
void gsym_plan_forms(gsym_entry *e, const gsym_plan_opts *opts)
{
	const char *refusal = fallback_refusal(e);
	unsigned int i;

	e->nhows = 0;
	if (!opts->links_unsupported &&
		!((e->resolve_flags & GSYM_RESOLVE_OUTSIDE) &&
			opts->platform->outside_links_risky &&
			!opts->allow_outside))
		e->hows[e->nhows++] = GSYM_HOW_SYMLINK;

	if (refusal || e->type == GSYM_TYPE_MISSING)
		return;
	for (i = 0; i < opts->nfallbacks; i++) {
		gsym_how how = (gsym_how)opts->fallbacks[i];

		if (how == GSYM_HOW_JUNCTION &&
			(e->type != GSYM_TYPE_DIR ||
				!opts->platform->has_junctions))
			continue;
		if (how == GSYM_HOW_HARDLINK && e->type != GSYM_TYPE_FILE)
			continue;
		e->hows[e->nhows++] = (unsigned char)how;
	}
}

/* Nothing can be made (e->nhows is 0): dangling, or unsafe and why. */
static void settle(gsym_entry *e)
{
	const char *refusal = fallback_refusal(e);

	if (e->type == GSYM_TYPE_MISSING)
		judge(e, GSYM_VERDICT_DANGLING, GSYM_ACT_NONE,
			"target does not exist; placeholder kept");
	else
		judge(e, GSYM_VERDICT_UNSAFE, GSYM_ACT_NONE,
			refusal ? refusal : "no fallback configured");
}

/* The path holds something to be replaced by the best form. */
static void plan_create(gsym_entry *e, const gsym_plan_opts *opts,
	gsym_verdict pending_state, const char *why)
{
	gsym_plan_forms(e, opts);
	if (e->nhows == 0) {
		settle(e);
		return;
	}
	if (opts->mode == GSYM_MODE_STATUS)
		judge(e, pending_state, GSYM_ACT_NONE, why);
	else if (opts->mode == GSYM_MODE_RESTORE)
		judge(e, pending_state, GSYM_ACT_CREATE, why);
}

static int resolve_entry(gsym_entry *e, const gsym_view *view)
{
	gsym_resolution res = { GSYM_TYPE_UNKNOWN, 0, 0, GSYM_BUF_INIT };
	int error;

	error = gsym_resolve(&res, view, e->path, e->target, e->target_len);
	if (error < 0) {
		gsym_resolution_dispose(&res);
		return error;
	}
	e->type = res.type;
	e->resolve_flags = res.flags;
	free(e->resolved);
	e->resolved = (res.flags & GSYM_RESOLVE_OUTSIDE) ?
		NULL :
		gsym_buf_detach(&res.path);
	gsym_resolution_dispose(&res);
	return 0;
}

/*
 * File or directory link? Where links have a type (Windows) it is fixed
 * when the link is made: the `symlink` gitattribute first, as Git for
 * Windows honours it, then the resolved type. A target never probed
 * (absolute, UNC, NT forms) has no type but the attribute's: else a file
 * link.
 */
static int decide_link_kind(gsym_entry *e, const gsym_view *view,
	const gsym_plan_opts *opts)
{
	gsym_type attr = GSYM_TYPE_UNKNOWN;
	int error;

	if (opts->platform->has_junctions ||
		(e->resolve_flags & GSYM_RESOLVE_ABSOLUTE)) {
		if ((error = view->attr(&attr, view, e->path)) < 0)
			return error;
	}
	if ((e->resolve_flags & GSYM_RESOLVE_ABSOLUTE) &&
		attr != GSYM_TYPE_UNKNOWN)
		e->type = attr;
	if (attr == GSYM_TYPE_UNKNOWN)
		attr = e->type;
	e->link_kind = attr == GSYM_TYPE_DIR ? GSYM_LINK_DIR : GSYM_LINK_FILE;
	return 0;
}

/* A regular file not recorded as ours: is it git's placeholder? */
static int is_placeholder(bool *out, gsym_entry *e, const gsym_view *view)
{
	gsym_buf content = GSYM_BUF_INIT;
	int error;

	*out = false;
	if (e->disk.size != e->target_len)
		return 0;
	if (e->flags & GSYM_ENTRY_STAMP_MATCH) {
		/* git wrote it and stamped it: unchanged since */
		*out = true;
		return 0;
	}
	error = view->read(&content, view, e->path, e->target_len + 1);
	if (error == 0)
		*out = content.size == e->target_len &&
			!memcmp(content.ptr, e->target, e->target_len);
	else if (error == GSYM_ELIMIT)
		error = 0;
	gsym_buf_dispose(&content);
	return error;
}

/*
 * Does the regular file at the path hold exactly what the link's file
 * target holds (a copy of ours that `git mv` moved, or one made by hand)?
 * Then making the copy loses nothing: it is as good as ours.
 */
static int is_target_copy(bool *out, gsym_entry *e, const gsym_view *view)
{
	unsigned char a[GSYM_OID_RAWSZ], b[GSYM_OID_RAWSZ];
	gsym_stat st;
	int error;

	*out = false;
	if (e->type != GSYM_TYPE_FILE || !e->resolved ||
		view->lstat(&st, view, e->resolved) < 0 ||
		st.type != GSYM_FT_FILE || st.size != e->disk.size) {
		gsym_error_clear();
		return 0;
	}
	if ((error = view->hash(a, view, e->path, GSYM_TYPE_FILE)) < 0 ||
		(error = view->hash(b, view, e->resolved, GSYM_TYPE_FILE)) < 0)
		return error == GSYM_ENOTFOUND ? (gsym_error_clear(), 0) :
						 error;
	*out = !memcmp(a, b, sizeof(a));
	return 0;
}

/*
 * Does the regular file at the path look like git's placeholder for some
 * version of a link: one short line, no NUL?
 */
static bool looks_like_placeholder(gsym_entry *e, const gsym_view *view)
{
	gsym_buf content = GSYM_BUF_INIT;
	bool yes;

	if (e->disk.size == 0 || e->disk.size > GSYM_MAX_TARGET)
		return false;
	yes = view->read(&content, view, e->path, GSYM_MAX_TARGET + 1) == 0 &&
		!memchr(content.ptr, '\n', content.size) &&
		!memchr(content.ptr, '\0', content.size);
	gsym_buf_dispose(&content);
	gsym_error_clear();
	return yes;
}

bool gsym_plan_stat_recorded(const gsym_record *rec, const gsym_stat *disk)
{
	return rec->ino &&
		disk->type ==
		(rec->type == GSYM_TYPE_DIR ? GSYM_FT_DIR : GSYM_FT_FILE) &&
		disk->ino == rec->ino && disk->size == rec->size &&
		disk->mtime_sec == rec->mtime_sec &&
		disk->mtime_nsec == rec->mtime_nsec;
}

/* The stat list of the copy `rec` made, when it is that record's. */
static bool copy_stats(gsym_buf *out, const gsym_view *view,
	const gsym_record *rec)
{
	gsym_stat top;

	memset(out, 0, sizeof(*out));
	top.size = rec->size;
	top.mtime_sec = rec->mtime_sec;
	top.mtime_nsec = rec->mtime_nsec;
	top.ino = rec->ino;
	if (view->copy_stats && view->copy_stats(out, view, rec->path) == 0 &&
		gsym_copy_stats_of(out, &top))
		return true;
	gsym_error_clear();
	gsym_buf_dispose(out);
	return false;
}

/* A deep copy whose stat list says it is as it was made. */
static bool copy_stats_hold(const gsym_view *view, const gsym_record *rec,
	const gsym_stat *disk)
{
	gsym_buf stats, top = GSYM_BUF_INIT;
	bool same;

	if (!gsym_plan_stat_recorded(rec, disk) ||
		!copy_stats(&stats, view, rec))
		return false;
	gsym_buf_sets(&top, view->workdir);
	gsym_buf_puts(&top, rec->path);
	same = gsym_copy_unedited(top.ptr, &stats);
	gsym_buf_dispose(&top);
	gsym_buf_dispose(&stats);
	return same;
}

/* gsym_plan_owned; `*by_stats`: a deep copy proven so by its stat list */
static int owned(bool *out, bool *by_stats, const gsym_view *view,
	const gsym_record *rec, const gsym_stat *disk);

int gsym_plan_owned(bool *out, const gsym_view *view, const gsym_record *rec,
	const gsym_stat *disk)
{
	bool by_stats;

	return owned(out, &by_stats, view, rec, disk);
}

static int owned(bool *out, bool *by_stats, const gsym_view *view,
	const gsym_record *rec, const gsym_stat *disk)
{
	unsigned char now[GSYM_OID_RAWSZ];
	gsym_ftype want = rec->kind == GSYM_KIND_JUNCTION ? GSYM_FT_JUNCTION :
		rec->type == GSYM_TYPE_DIR                ? GSYM_FT_DIR :
							    GSYM_FT_FILE;
	gsym_stat target;
	int error;

	*out = *by_stats = false;
	if (disk->type != want)
		return 0;
	/* a copy a killed run was updating where it is: ours */
	if (rec->resync && want != GSYM_FT_JUNCTION) {
		*out = true;
		return 0;
	}
	/*
	 * A junction holds no content of its own; a file untouched since it
	 * was put in place still carries the stat recorded then. (Never the
	 * index stamp: after a killed run it may still be git's stamp of its
	 * own placeholder.)
	 */
	if (want == GSYM_FT_JUNCTION ||
		(want == GSYM_FT_FILE && gsym_plan_stat_recorded(rec, disk))) {
		*out = true;
		return 0;
	}
	/* a deep copy: its top, then what its stat list holds below (else
	 * by content below: an edit put back is ours) */
	if (want == GSYM_FT_DIR && copy_stats_hold(view, rec, disk)) {
		*out = *by_stats = true;
		return 0;
	}
	if (rec->kind == GSYM_KIND_HARDLINK && disk->ino) {
		/* ours while it is still the target's own inode */
		*out = rec->src && disk->nlink > 1 &&
			view->lstat(&target, view, rec->src) == 0 &&
			target.ino == disk->ino && target.dev == disk->dev;
		gsym_error_clear();
		/*
		 * else git wrote the target anew (a checkout, a stash): the
		 * old inode is ours alone now, and ours while it holds what
		 * was linked (below: by content). Another inode with other
		 * names is not; the very inode we linked is looked at even
		 * when its link count says more (a FUSE disk such as bindfs
		 * caches it: the target's name gone, the link still says 2),
		 * and replacing our name of it loses no other name's data.
		 */
		if (*out || (disk->nlink > 1 && disk->ino != rec->ino))
			return 0;
	}
	/* otherwise (no inodes: Windows) by content, as for a copy */
	if ((error = view->hash(now, view, rec->path, rec->type)) < 0)
		return error;
	*out = !memcmp(now, rec->hash, sizeof(now)) ||
		/*
		 * a hard link left alone on its inode (the one it was made
		 * on, not a file git wrote there) when git wrote its target
		 * anew holds whatever the target held then, edits made
		 * through the target included: ours while git has those bytes
		 * stored (committed, stashed), so nothing is lost
		 */
		(rec->kind == GSYM_KIND_HARDLINK && disk->ino &&
			disk->ino == rec->ino && view->stored &&
			view->stored(view, now));
	return 0;
}

/*
 * Is the copy `rec` made current, proven by lstat alone: its target (and
 * for a directory, every source its stat list names) as it was copied?
 */
static bool copy_current(const gsym_view *view, const gsym_entry *e,
	const gsym_record *rec)
{
	return e->resolved && rec->src && !strcmp(rec->src, e->resolved) &&
		gsym_plan_copy_current(view, rec);
}

bool gsym_plan_copy_current(const gsym_view *view, const gsym_record *rec)
{
	gsym_buf stats;
	gsym_stat st;
	bool same;

	if (rec->kind != GSYM_KIND_COPY || !rec->src_known || !rec->src ||
		view->lstat(&st, view, rec->src) < 0) {
		gsym_error_clear();
		return false;
	}
	if (st.size != rec->src_size || st.ino != rec->src_ino ||
		st.mtime_sec != rec->src_mtime_sec ||
		st.mtime_nsec != rec->src_mtime_nsec)
		return false;
	if (rec->type != GSYM_TYPE_DIR)
		return true;
	if (!copy_stats(&stats, view, rec))
		return false;
	same = gsym_copy_fresh(view, &stats);
	gsym_buf_dispose(&stats);
	return same;
}

/* fallback_behind for a copy: its target, by lstat, else by content. */
static int copy_behind(const char **out, gsym_entry *e, const gsym_view *view,
	const gsym_record *rec, const gsym_plan_opts *opts)
{
	unsigned char fresh[GSYM_OID_RAWSZ];
	int error;

	/* by lstat while the target is as it was copied */
	if (copy_current(view, e, rec))
		return 0;
	/*
	 * a deep copy proven ours by its stat list, to be updated where it
	 * is: the update compares each file, and says whether anything
	 * changed (a walk and hash of the target here would take the same
	 * lstat again)
	 */
	if ((e->flags & GSYM_ENTRY_PROVEN) && opts->mode == GSYM_MODE_RESTORE &&
		!opts->count_copies && !opts->git_goes_on &&
		e->type == GSYM_TYPE_DIR) {
		*out = "target changed since the copy was made";
		return 0;
	}
	if ((error = view->hash(fresh, view, e->resolved, e->type)) < 0)
		return error;
	if (memcmp(fresh, rec->hash, sizeof(fresh)))
		*out = "target changed since the copy was made";
	else
		e->flags |= GSYM_ENTRY_RESTAT; /* stat will do next time */
	return 0;
}

/*
 * A fallback we made, unedited: why a fresh one would differ from it
 * (behind its link or its target), or NULL when it is current.
 */
static int fallback_behind(const char **out, gsym_entry *e,
	const gsym_view *view, const gsym_record *rec,
	const gsym_plan_opts *opts)
{
	unsigned char fresh[GSYM_OID_RAWSZ];
	int error;

	*out = NULL;
	if (memcmp(rec->blob, e->id, GSYM_OID_RAWSZ)) {
		/* a checkout changed the link and left our fallback */
		*out = "the link changed";
		return 0;
	}
	if (e->type == GSYM_TYPE_MISSING || !e->resolved ||
		e->type != rec->type) {
		*out = "target changed";
		return 0;
	}
	if (rec->resync) {
		*out = "an update was interrupted";
		return 0;
	}
	if (rec->kind == GSYM_KIND_JUNCTION) {
		gsym_buf now = GSYM_BUF_INIT, want = GSYM_BUF_INIT;

		/* a junction holds an absolute path: the tree may have moved */
		gsym_buf_puts(&want, view->workdir);
		gsym_buf_puts(&want, e->resolved);
		error = view->readlink(&now, view, e->path);
		if (error < 0 || now.size != want.size ||
			!gsym_platform_same_path(now.ptr, want.ptr, want.size))
			*out = "the junction points at an old location";
		gsym_buf_dispose(&now);
		gsym_buf_dispose(&want);
		gsym_error_clear();
		return 0;
	}
	if (rec->kind == GSYM_KIND_HARDLINK) {
		gsym_stat target;
		bool same;

		/*
		 * git writes a changed file as a new one: the hard link
		 * keeps the old inode and content (no inodes: by content)
		 */
		if (e->disk.ino) {
			same = view->lstat(&target, view, e->resolved) == 0 &&
				target.ino == e->disk.ino &&
				target.dev == e->disk.dev;
		} else {
			if ((error = view->hash(fresh, view, e->resolved,
				     GSYM_TYPE_FILE)) < 0)
				return error;
			same = !memcmp(fresh, rec->hash, sizeof(fresh));
		}
		if (!same)
			*out = "target replaced since the hard link was made";
		return 0;
	}
	if (rec->kind == GSYM_KIND_COPY)
		return copy_behind(out, e, view, rec, opts);
	return 0;
}

/* Something not ours, or no longer ours, that is not a placeholder. */
static void plan_edited(gsym_entry *e, const gsym_record *rec,
	const gsym_plan_opts *opts, const char *what)
{
	e->flags |= GSYM_ENTRY_BACKUP;
	if (opts->force && opts->mode == GSYM_MODE_RESTORE)
		plan_create(e, opts, GSYM_VERDICT_MODIFIED,
			"edited; replaced after a backup (--force)");
	else
		/*
		 * an edited copy of ours: git may still write over it (a
		 * conflict on its link), so the edit is kept aside now
		 */
		judge(e, GSYM_VERDICT_MODIFIED,
			rec && opts->mode == GSYM_MODE_RESTORE &&
					(e->kind == GSYM_KIND_COPY) ?
				GSYM_ACT_KEEP_EDIT :
				GSYM_ACT_NONE,
			what);
}

/* lstat() of the entry's path: the one gathered ahead, if it was. */
static int entry_lstat(gsym_entry *e, const gsym_view *view)
{
	if (e->flags & GSYM_ENTRY_DISK_KNOWN)
		return e->disk.type == GSYM_FT_NONE ? GSYM_ENOTFOUND : 0;
	return view->lstat(&e->disk, view, e->path);
}

bool gsym_plan_quick(gsym_entry *e, const gsym_view *view,
	const gsym_record *rec, bool source_changed)
{
	if (!rec && gsym_stamp_marked(e->path, &e->istat)) {
		/* stamped from the link made here: nothing replaced it */
		e->kind = GSYM_KIND_SYMLINK;
		e->verdict = GSYM_VERDICT_OK;
		e->action = GSYM_ACT_NONE;
		return true;
	}
	if (entry_lstat(e, view) < 0)
		return false;
	if (!gsym_stat_matches(&e->istat, &e->disk))
		return false;
	if (e->disk.type == GSYM_FT_LINK && !rec) {
		e->kind = GSYM_KIND_SYMLINK;
	} else if (rec && !source_changed && rec->kind == GSYM_KIND_COPY &&
		gsym_plan_stat_recorded(rec, &e->disk) &&
		(e->flags & GSYM_ENTRY_SKIP_WORKTREE)) {
		e->kind = GSYM_KIND_COPY;
	} else {
		return false;
	}
	e->verdict = GSYM_VERDICT_OK;
	e->action = GSYM_ACT_NONE;
	return true;
}

/* What the planner found out about an entry before deciding. */
typedef struct {
	const char *refused; /* the entry path git or Windows would refuse */
	/* another entry's path naming the same file here (case, Unicode) */
	const char *collides;
	const char *broken; /* an unreadable blob, a refused target */
	bool fast; /* the link stamped by an earlier run, untouched */
	bool link_matches; /* a link on disk with exactly the target */
	bool owned; /* rec's unedited fallback is at the path */
	const char *behind; /* why that fallback is not current, or NULL */
	bool link_changed; /* behind because its link entry changed */
	bool placeholder; /* a file holding exactly the target text */
	/* no record, but a file holding exactly its target's bytes */
	bool same_as_target;
	bool other_version; /* a file like git's placeholder of another one */
} facts;

/*
 * What is at the path (e->disk), looked at against the link and the
 * record: the link we would make, our unedited fallback, git's
 * placeholder. Returns 0 or a view error.
 */
static int look_at_disk(facts *f, gsym_entry *e, const gsym_view *view,
	const gsym_record *rec, const gsym_plan_opts *opts)
{
	gsym_buf text = GSYM_BUF_INIT;
	bool by_stats = false;
	int error = 0;

	switch (e->disk.type) {
	case GSYM_FT_NONE: break;
	case GSYM_FT_LINK:
		if ((error = view->readlink(&text, view, e->path)) < 0)
			break;
		f->link_matches = text.size == e->target_len &&
			!memcmp(text.ptr, e->target, text.size);
		break;
	case GSYM_FT_FILE:
	case GSYM_FT_DIR:
	case GSYM_FT_JUNCTION:
		if (rec && (e->flags & GSYM_ENTRY_UNSEEN) && !rec->resync &&
			rec->kind == GSYM_KIND_COPY &&
			rec->type == GSYM_TYPE_DIR &&
			gsym_plan_stat_recorded(rec, &e->disk))
			/* nothing changed in it since it was made (a hook) */
			f->owned = by_stats = true;
		else if (rec &&
			(error = owned(&f->owned, &by_stats, view, rec,
				 &e->disk)) < 0)
			break;
		if (f->owned) {
			/*
			 * a deep copy proven ours by its content, its stat list
			 * saying otherwise (edited, and put back): note its
			 * stats anew, or git is told of it at every command
			 */
			if (rec->kind == GSYM_KIND_COPY &&
				(rec->type == GSYM_TYPE_DIR ?
						!by_stats :
						!gsym_plan_stat_recorded(rec,
							&e->disk)))
				e->flags |= GSYM_ENTRY_RESTAT;
			/*
			 * a hard link its target's edit went through (one
			 * inode): what it holds now is what a later write of
			 * the target by git leaves it holding, ours
			 */
			if (rec->kind == GSYM_KIND_HARDLINK &&
				!gsym_plan_stat_recorded(rec, &e->disk))
				e->flags |= GSYM_ENTRY_RESTAT;
			if (by_stats && rec->kind == GSYM_KIND_COPY)
				e->flags |= GSYM_ENTRY_PROVEN;
			if (opts->mode != GSYM_MODE_RESET)
				error = fallback_behind(&f->behind, e, view,
					rec, opts);
			f->link_changed =
				memcmp(rec->blob, e->id, GSYM_OID_RAWSZ) != 0;
			break;
		}
		if (e->disk.type != GSYM_FT_FILE ||
			(error = is_placeholder(&f->placeholder, e, view)) < 0)
			break;
		if (!rec && !f->placeholder &&
			opts->mode == GSYM_MODE_RESTORE &&
			(error = is_target_copy(&f->same_as_target, e, view)) <
				0)
			break;
		f->other_version = !f->placeholder && rec &&
			looks_like_placeholder(e, view);
		break;
	default: break;
	}
	gsym_buf_dispose(&text);
	return error;
}

/*
 * Gather: every look at the disk, the index and the state the decision
 * needs, and no more (a stamped link needs no blob; only an owned
 * fallback is hashed).
 */
static int gather(facts *f, gsym_entry *e, const gsym_view *view,
	const gsym_record *rec, const gsym_plan_opts *opts)
{
	gsym_node self;
	int error;

	memset(f, 0, sizeof(*f));
	if ((f->refused = gsym_validate_path(e->path, opts->validate_flags)))
		return 0;
	if (view->collision &&
		(error = view->collision(&f->collides, view, e->path)) < 0)
		return error;
	error = entry_lstat(e, view);
	if (f->collides) {
		/* what is at the path may be the other entry's: not looked at */
		if (error < 0)
			e->disk.type = GSYM_FT_NONE;
		/* the target, from the index, for the report */
		if (view->lookup(&self, view, e->path) == 0 &&
			self.type == GSYM_NODE_LINK && self.target) {
			e->target = self.target;
			e->target_len = self.target_len;
		}
		gsym_error_clear();
		return 0;
	}
	if (error == GSYM_ENOTFOUND)
		e->disk.type = GSYM_FT_NONE;
	else if (error < 0)
		return error;
	if (e->disk.type != GSYM_FT_NONE &&
		gsym_stat_matches(&e->istat, &e->disk))
		e->flags |= GSYM_ENTRY_STAMP_MATCH;
	if ((f->fast = !opts->details && opts->mode == GSYM_MODE_RESTORE &&
			    e->disk.type == GSYM_FT_LINK && !rec &&
			    (e->flags & GSYM_ENTRY_STAMP_MATCH)))
		return 0;

	if ((error = view->lookup(&self, view, e->path)) < 0)
		return error;
	if (self.type != GSYM_NODE_LINK || !self.target) {
		f->broken = "could not read the link's blob";
		return 0;
	}
	e->target = self.target;
	e->target_len = self.target_len;
	if ((f->broken = gsym_validate_target(e->target, e->target_len,
		     opts->validate_flags)))
		return 0;
	if ((error = resolve_entry(e, view)) < 0 ||
		(error = decide_link_kind(e, view, opts)) < 0)
		return error;
	return look_at_disk(f, e, view, rec, opts);
}

/* An owned fallback: keep (re-stamp), refresh, upgrade or reset it. */
/*
 * Our fallback, behind its link or target. When the new target has no
 * fallback (it does not exist, or is refused), git's placeholder goes
 * back, as a real link would dangle: a copy of what is gone would be a
 * file the link no longer names.
 */
static void plan_behind(gsym_entry *e, const gsym_plan_opts *opts,
	const char *why)
{
	plan_create(e, opts, GSYM_VERDICT_STALE, why);
	if (e->nhows > 0)
		return;
	if (opts->mode == GSYM_MODE_RESTORE)
		e->action = GSYM_ACT_PLACEHOLDER;
	else
		judge(e, GSYM_VERDICT_STALE, GSYM_ACT_NONE,
			"its target is gone; restore puts the placeholder back");
}

static void decide_recorded(gsym_entry *e, const facts *f,
	const gsym_record *rec, const gsym_plan_opts *opts)
{
	e->kind = rec->kind;
	if (opts->mode == GSYM_MODE_RESET)
		judge(e, GSYM_VERDICT_OK, GSYM_ACT_PLACEHOLDER, NULL);
	else if (f->behind && opts->index_only && f->link_changed &&
		rec->kind != GSYM_KIND_JUNCTION) /* hidden by the marks */
		judge(e, GSYM_VERDICT_MODIFIED, GSYM_ACT_NONE,
			"the link changed in the index; 'git checkout -- <path>' "
			"or 'git symlinks restore' makes the new one");
	else if (f->behind)
		plan_behind(e, opts, f->behind);
	else if (!opts->links_unsupported)
		/* links work now: upgrade the fallback */
		plan_create(e, opts, GSYM_VERDICT_PENDING,
			"links can be made here now");
	else
		/* re-stamp, and put back a bit a mixed reset dropped */
		judge(e, GSYM_VERDICT_OK,
			(e->flags & GSYM_ENTRY_STAMP_MATCH) &&
					(e->flags & GSYM_ENTRY_SKIP_WORKTREE) ?
				GSYM_ACT_NONE :
				GSYM_ACT_STAMP,
			NULL);
}

/* A link at the path: ours to keep, stamp or reset, or edited. */
static void decide_link(gsym_entry *e, const facts *f, const gsym_record *rec,
	const gsym_plan_opts *opts)
{
	e->kind = GSYM_KIND_SYMLINK;
	if (!f->link_matches)
		plan_edited(e, rec, opts, "link points elsewhere; use --force");
	else if (opts->mode == GSYM_MODE_RESET)
		judge(e, GSYM_VERDICT_OK, GSYM_ACT_PLACEHOLDER, NULL);
	else
		judge(e,
			e->type == GSYM_TYPE_MISSING ? GSYM_VERDICT_DANGLING :
						       GSYM_VERDICT_OK,
			(e->flags & GSYM_ENTRY_STAMP_MATCH) ||
					opts->mode != GSYM_MODE_RESTORE ?
				GSYM_ACT_NONE :
				GSYM_ACT_STAMP,
			e->type == GSYM_TYPE_MISSING ? "target does not exist" :
						       NULL);
}

/*
 * A file, a directory or a junction at the path: our fallback, something
 * in the way, another version of the link, an edit, or git's placeholder.
 */
static void decide_file(gsym_entry *e, const facts *f, const gsym_record *rec,
	const gsym_plan_opts *opts)
{
	if (f->owned) {
		decide_recorded(e, f, rec, opts);
	} else if (e->disk.type != GSYM_FT_FILE) {
		e->kind = rec                            ? rec->kind :
			e->disk.type == GSYM_FT_JUNCTION ? GSYM_KIND_JUNCTION :
							   GSYM_KIND_OTHER;
		if (rec)
			plan_edited(e, rec, opts,
				"the copy was edited; use --force");
		else
			judge(e, GSYM_VERDICT_MODIFIED, GSYM_ACT_NONE,
				"a directory is in the way; move it "
				"away");
	} else if (f->other_version && opts->mode == GSYM_MODE_RESTORE &&
		!opts->force) {
		/*
		 * git wrote another version of the link over our
		 * fallback (`git restore --source`, say): a local
		 * change git must see, as it would with a real link,
		 * so its own commands can put it back
		 */
		e->kind = GSYM_KIND_PLACEHOLDER;
		judge(e, GSYM_VERDICT_MODIFIED,
			(e->flags & GSYM_ENTRY_SKIP_WORKTREE) ?
				GSYM_ACT_DISOWN :
				GSYM_ACT_NONE,
			"holds another version of the link; 'git "
			"checkout -- <path>' puts it back");
	} else if (f->same_as_target) {
		e->kind = GSYM_KIND_COPY;
		plan_create(e, opts, GSYM_VERDICT_PENDING, NULL);
	} else if (!f->placeholder) {
		e->kind = rec ? rec->kind : GSYM_KIND_OTHER;
		plan_edited(e, rec, opts,
			rec ? "the copy was edited; use --force" :
			      "placeholder was edited; use --force");
	} else {
		e->kind = GSYM_KIND_PLACEHOLDER;
		if (opts->mode == GSYM_MODE_RESET)
			judge(e, GSYM_VERDICT_OK,
				(e->flags & GSYM_ENTRY_SKIP_WORKTREE) ?
					GSYM_ACT_STAMP :
					GSYM_ACT_NONE,
				NULL);
		else
			plan_create(e, opts, GSYM_VERDICT_PENDING, NULL);
	}
}

/* Decide: the state and action from the facts alone, no I/O. */
static void decide(gsym_entry *e, const facts *f, const gsym_record *rec,
	const gsym_plan_opts *opts)
{
	if (f->refused) {
		judge(e, GSYM_VERDICT_UNSAFE, GSYM_ACT_NONE, f->refused);
		return;
	}
	if (f->collides) {
		/*
		 * git wrote one of the two paths, and this disk holds only
		 * one: whatever is there may be the other entry's, and is
		 * never moved, replaced or rewritten (CVE-2021-21300)
		 */
		e->kind = e->disk.type == GSYM_FT_NONE ? GSYM_KIND_MISSING :
							 GSYM_KIND_OTHER;
		gsym_buf msg = GSYM_BUF_INIT;

		judge(e, GSYM_VERDICT_UNSAFE, GSYM_ACT_NONE, NULL);
		gsym_buf_printf(&msg,
			"collides with '%s', one name on this disk (case or "
			"Unicode form): left alone",
			f->collides);
		free(e->message);
		e->message = gsym_buf_detach(&msg);
		return;
	}
	if (f->fast) {
		e->kind = GSYM_KIND_SYMLINK;
		return;
	}
	if (f->broken) {
		judge(e, GSYM_VERDICT_ERROR, GSYM_ACT_NONE, f->broken);
		return;
	}
	switch (e->disk.type) {
	case GSYM_FT_NONE:
		e->kind = GSYM_KIND_MISSING;
		if ((e->flags & GSYM_ENTRY_SKIP_WORKTREE) && !rec &&
			!(e->flags & GSYM_ENTRY_HIDDEN))
			/* sparse checkout: not ours to fill in */
			judge(e, GSYM_VERDICT_OK, GSYM_ACT_NONE,
				"skip-worktree (sparse checkout)");
		else if (opts->mode == GSYM_MODE_RESET)
			judge(e, GSYM_VERDICT_OK, GSYM_ACT_PLACEHOLDER, NULL);
		else
			plan_create(e, opts, GSYM_VERDICT_PENDING,
				"nothing at the path");
		return;

	case GSYM_FT_LINK: decide_link(e, f, rec, opts); return;

	case GSYM_FT_FILE:
	case GSYM_FT_DIR:
	case GSYM_FT_JUNCTION: decide_file(e, f, rec, opts); return;

	default:
		e->kind = GSYM_KIND_OTHER;
		judge(e, GSYM_VERDICT_MODIFIED, GSYM_ACT_NONE,
			"not a file, directory or link; move it away");
	}
}

/*
 * status and a dry run say what restore will do: a directory copy past
 * symlinks.copyLimit is not made, and the placeholder stays (restore
 * counts it in apply, on its threads, just before it would copy).
 */
static void count_copy(gsym_entry *e, const gsym_view *view,
	const gsym_plan_opts *opts)
{
	if (!opts->count_copies || e->verdict != GSYM_VERDICT_PENDING ||
		!e->nhows || e->hows[0] != GSYM_HOW_COPY ||
		e->type != GSYM_TYPE_DIR || !e->resolved)
		return;
	if (gsym_copy_over_limit(view, e->resolved, &opts->copy_limit,
		    opts->platform && opts->platform->has_junctions) == 1) {
		judge(e, GSYM_VERDICT_UNSAFE, GSYM_ACT_NONE, NULL);
		free(e->message);
		e->message = gsym_strdup(gsym_error_last());
	}
	gsym_error_clear();
}

void gsym_plan_entry(gsym_entry *e, const gsym_view *view,
	const gsym_record *rec, const gsym_plan_opts *opts)
{
	facts f;
	int error;

	e->type = GSYM_TYPE_UNKNOWN;
	e->kind = GSYM_KIND_MISSING;
	e->nhows = 0;
	e->flags &= ~(unsigned int)GSYM_ENTRY_PROVEN;
	judge(e, GSYM_VERDICT_OK, GSYM_ACT_NONE, NULL);
	error = gather(&f, e, view, rec, opts);
	/* the daemon's word holds for this look only, not a later plan */
	e->flags &= ~(unsigned int)GSYM_ENTRY_UNSEEN;
	if (error < 0) {
		/* this entry's error; the rest of the run goes on */
		free(e->message);
		e->message = gsym_strdup(gsym_error_last());
		judge(e, GSYM_VERDICT_ERROR, GSYM_ACT_NONE, NULL);
		return;
	}
	decide(e, &f, rec, opts);
	if (opts->git_goes_on && !(e->flags & GSYM_ENTRY_GIT_SKIPS) &&
		(e->action == GSYM_ACT_CREATE ||
			e->action == GSYM_ACT_PLACEHOLDER)) {
		e->action = GSYM_ACT_NONE;
		e->reason = "git is between the steps of a rebase or "
			    "cherry-pick: made when it stops or ends";
	}
	count_copy(e, view, opts);
}
