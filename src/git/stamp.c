#include "git/stamp.h"
#include "git/repo.h"
#include "platform/platform.h"
#include "util/error.h"

#include <string.h>

void gsym_stamp_from_stat(git_index_entry *entry, const gsym_stat *st)
{
	entry->ctime.seconds = (int32_t)st->ctime_sec;
	entry->ctime.nanoseconds = st->ctime_nsec;
	entry->mtime.seconds = (int32_t)st->mtime_sec;
	entry->mtime.nanoseconds = st->mtime_nsec;
	entry->dev = (uint32_t)st->dev;
	entry->ino = (uint32_t)st->ino;
	entry->uid = st->uid;
	entry->gid = st->gid;
	entry->file_size = (uint32_t)st->size;
}

void gsym_stamp_skip_worktree(git_index_entry *entry, bool on)
{
	if (on)
		entry->flags_extended |= GIT_INDEX_ENTRY_SKIP_WORKTREE;
	else
		entry->flags_extended &= ~GIT_INDEX_ENTRY_SKIP_WORKTREE;
	if (entry->flags_extended & GIT_INDEX_ENTRY_EXTENDED_FLAGS)
		entry->flags |= GIT_INDEX_ENTRY_EXTENDED;
}

int gsym_stamp_path(gsym_repo *repo, const char *path, const gsym_stat *st,
	int hide, bool fsmn, bool *changed)
{
	const git_index_entry *ie;
	git_index_entry copy;
	git_index *index;
	int skip = fsmn && hide >= 0 ? 0 : hide;
	int error;

	/* in place when it can be, else through libgit2's index */
	error = gsym_repo_patch(repo, path, st, hide, fsmn, changed);
	if (error != GSYM_EUNSUPPORTED)
		return error;
	if (fsmn && hide >= 0 && gsym_repo_fsmn_mark(repo, path, hide == 1))
		*changed = true;
	if ((error = gsym_repo_index(&index, repo)) < 0)
		return error;
	if (!(ie = git_index_get_bypath(index, path, 0)))
		return gsym_error_set("'%s' left the index during the run",
			path);
	copy = *ie;
	if (st)
		gsym_stamp_from_stat(&copy, st);
	if (skip >= 0)
		gsym_stamp_skip_worktree(&copy, skip == 1);
	if (!memcmp(&copy, ie, sizeof(copy)))
		return 0;
	if (git_index_add(index, &copy) < 0)
		return gsym_repo_git_error("could not update the index");
	*changed = true;
	return 0;
}

bool gsym_stamp_by_fsmn(gsym_kind kind)
{
	return kind != GSYM_KIND_JUNCTION;
}

bool gsym_stamp_needs_bit(gsym_kind kind, gsym_type type, uint64_t size)
{
	/*
	 * Windows' stamps carry no inode (Git for Windows' neither): a git
	 * that compares inodes (Linux git on the same tree, under Wine)
	 * would take every copy for changed
	 */
	return kind != GSYM_KIND_COPY || type == GSYM_TYPE_DIR || size == 0 ||
		gsym_platform_info_get()->has_junctions;
}

int gsym_stamp_entry(gsym_repo *repo, const gsym_entry *e, bool ours, bool fsmn,
	bool *changed)
{
	bool fallback = e->kind == GSYM_KIND_COPY ||
		e->kind == GSYM_KIND_HARDLINK || e->kind == GSYM_KIND_JUNCTION;
	bool disown = e->action == GSYM_ACT_DISOWN;
	/*
	 * The bit: ours to set on a fallback git cannot compare with its
	 * entry, to clear when no longer one. Behind the sparse block that
	 * is a directory, an empty file, a hard link (its target's edits
	 * move its stat) or a junction: a copy of a file is clean to git by
	 * its stamp alone, and costs git no pattern.
	 */
	bool needs =
		fsmn || gsym_stamp_needs_bit(e->kind, e->type, e->result.size);
	int hide = disown || (!fallback && ours) ? 0 :
		fallback                         ? (needs ? 1 : 0) :
						   -1;

	/*
	 * No stamp when disowned: git must find the difference by itself.
	 * A junction stays behind the skip-worktree bit and the sparse
	 * block even with fsmonitor marks: git replacing a link it trusts
	 * removes what is at the path recursively, through a junction into
	 * its target (entry.c remove_subtree).
	 */
	return gsym_stamp_path(repo, e->path, disown ? NULL : &e->result, hide,
		fsmn && gsym_stamp_by_fsmn(e->kind), changed);
}
