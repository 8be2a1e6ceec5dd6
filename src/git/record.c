#include "git/record.h"
#include "git/repo.h"
#include "util/error.h"

#include <string.h>

void gsym_record_stamp(git_index_entry *entry, const gsym_stat *st)
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

int gsym_record_entry(git_index *index, const gsym_entry *e, bool ours,
	bool *changed)
{
	const git_index_entry *ie = git_index_get_bypath(index, e->path, 0);
	git_index_entry copy;
	const gsym_stat *st = &e->result;
	bool fallback = e->kind == GSYM_KIND_COPY ||
		e->kind == GSYM_KIND_HARDLINK || e->kind == GSYM_KIND_JUNCTION;

	if (!ie)
		return gsym_error_set("'%s' left the index during the run",
			e->path);
	copy = *ie;
	if (e->action == GSYM_ACT_DISOWN) {
		/* no stamp: git must find the difference by itself */
		copy.flags_extended &= ~GIT_INDEX_ENTRY_SKIP_WORKTREE;
		goto add;
	}
	gsym_record_stamp(&copy, st);
	if (fallback)
		copy.flags_extended |= GIT_INDEX_ENTRY_SKIP_WORKTREE;
	else if (ours)
		copy.flags_extended &= ~GIT_INDEX_ENTRY_SKIP_WORKTREE;

add:
	if (!memcmp(&copy, ie, sizeof(copy)))
		return 0;
	if (git_index_add(index, &copy) < 0)
		return gsym_repo_git_error("could not update the index");
	*changed = true;
	return 0;
}
