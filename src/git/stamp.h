/*
 * Record: make git's view of each changed entry right. The index entry
 * keeps mode 120000 and its blob; its stat data is stamped from what is
 * now on disk, and the skip-worktree bit is set for fallbacks (and only
 * cleared where this tool set it).
 */
#ifndef INCLUDE_git_stamp_h__
#define INCLUDE_git_stamp_h__

#include <git2.h>

#include "git/repo.h"
#include "pipeline/entry.h"

/* Copy lstat data into an index entry's stat fields (the stat stamp). */
void gsym_stamp_from_stat(git_index_entry *entry, const gsym_stat *st);

/*
 * Set or clear the skip-worktree bit of `entry`, to be written by
 * libgit2: with its extended-flags mark, which libgit2 1.5 sets itself
 * only for an index of version 2 or 3 (in version 4 the bit was lost).
 */
void gsym_stamp_skip_worktree(git_index_entry *entry, bool on);

/*
 * Put the stat data `st` (NULL: keep it) and the bit that hides the entry
 * from git (`hide`: 1 set, 0 clear, -1 keep) into the index entry of
 * `path`: the skip-worktree bit, or with `fsmn` git's fsmonitor mark (see
 * fsmonitor.h). In place in the index's bytes where that can be, else in
 * libgit2's index. Sets `*changed` when the index changed.
 */
int gsym_stamp_path(gsym_repo *repo, const char *path, const gsym_stat *st,
	int hide, bool fsmn, bool *changed);

/*
 * Is a fallback of this kind hidden through git's fsmonitor marks, where
 * they are used? Not a junction (git replacing a path it trusts deletes
 * through it, entry.c remove_subtree) nor a hard link (git's `stash
 * create` compares its target, whose ctime each link moves, without
 * refreshing: merges failed intermittently): those stay behind the
 * skip-worktree bit and the sparse block.
 */
bool gsym_stamp_by_fsmn(gsym_kind kind);

/*
 * Behind the sparse block (git before 2.42.1), does a fallback of this
 * kind need the skip-worktree bit? Not a copy of a non-empty file, which
 * git finds clean by its stamp alone (where stamps carry inodes).
 */
bool gsym_stamp_needs_bit(gsym_kind kind, gsym_type type, uint64_t size);

/*
 * Stamp the index entry of `e` (GSYM_ENTRY_RECORD set) from e->result,
 * in place in the index's bytes where that can be, else in libgit2's
 * index. `ours` says the tool manages the entry's bit; `fsmn` hides
 * fallbacks through git's fsmonitor rather than the skip-worktree bit.
 * Sets `*changed` when the index changed.
 */
int gsym_stamp_entry(gsym_repo *repo, const gsym_entry *e, bool ours, bool fsmn,
	bool *changed);

#endif
