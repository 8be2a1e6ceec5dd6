/*
 * The state file ($GIT_DIR/symlinks/state, per worktree): the fallbacks
 * this tool made, so that only what is provably ours is ever replaced.
 * A journal beside it gets a line before each fallback is put in place,
 * so a run killed at any point still knows what it made.
 */
#ifndef INCLUDE_pipeline_state_h__
#define INCLUDE_pipeline_state_h__

#include "pipeline/plan.h"
#include "util/strlist.h"

/* What a run moved aside before replacing it (--force), until done. */
typedef struct {
	char *path; /* the entry's path */
	char *dst; /* absolute: where it was moved, in the backup directory */
} gsym_aside;

typedef struct {
	gsym_record *v; /* sorted by path */
	size_t n, cap;
	bool links_unsupported; /* learnt by an earlier restore */
	gsym_strlist touched; /* paths a killed run was replacing (journal) */
	gsym_strlist
		resync; /* deep copies a killed run was updating in place */
	gsym_aside *asides; /* moved aside and not yet done with */
	size_t nasides;
	bool dirty;
	/* a directory copy's stat list may be left without its record */
	bool gc;
	char *dir; /* $GIT_DIR/symlinks/ */
	gsym_appender *journal; /* open from the run's first line to save */
} gsym_state_file;

/* Load the state and the journal of `gitdir` (missing files are empty). */
int gsym_state_load(gsym_state_file *out, const char *gitdir);

/* The record for `path`, or NULL. */
gsym_record *gsym_state_find(gsym_state_file *st, const char *path);

/*
 * gsym_state_find for paths asked in ascending order, as a walk of the
 * index asks them: `*at` (0 at first) is where the last call left off,
 * and the next few records are looked at before a binary search of the
 * rest. Any order still finds the record, at a binary search's cost.
 */
gsym_record *gsym_state_find_next(gsym_state_file *st, const char *path,
	size_t *at);

/* Add or replace the record for `rec->path` (copied). */
void gsym_state_put(gsym_state_file *st, const gsym_record *rec);

/* Drop the record for `path`, if any. */
void gsym_state_remove(gsym_state_file *st, const char *path);

/* Append `rec` to the journal before the fallback is put in place. */
int gsym_state_journal(gsym_state_file *st, const gsym_record *rec);

/* Note in the journal that `path` is about to be replaced in two steps. */
int gsym_state_journal_touch(gsym_state_file *st, const char *path);

/*
 * Note in the journal that the copy at `path` is about to be updated
 * where it is (a deep copy by copy.h gsym_copy_dir_sync, a file copy
 * written over). Killed before its new record is journaled, the next
 * load marks its record `resync`: the copy is ours, to be made again.
 */
int gsym_state_journal_sync(gsym_state_file *st, const char *path);

/*
 * Note in the journal, before the move, that `path` is about to be moved
 * aside to `dst`: a run killed after the move finds it there, and puts
 * it back if nothing was put in its place. Its path is `touched` then.
 */
int gsym_state_journal_aside(gsym_state_file *st, const char *path,
	const char *dst);

/*
 * Done with what was moved aside from `path`: put back, or replaced as
 * planned (it is the backup then). One not done with is kept in the
 * state file, for the next run to put back.
 */
void gsym_state_aside_done(gsym_state_file *st, const char *path);

/* What was moved aside from `path` and not yet done with, or NULL. */
const gsym_aside *gsym_state_aside_find(const gsym_state_file *st,
	const char *path);

/* Write the state atomically (lock file, rename) and drop the journal;
 * with no records left, remove the file. */
int gsym_state_save(gsym_state_file *st);

/* Free the records. */
void gsym_state_dispose(gsym_state_file *st);

/*
 * The stat list of the deep copy at `path` (copy.h), kept in a file of
 * its own beside the state (saving the state removes those of copies no
 * record names). Put may run on any thread: each path has its own file.
 * Get reads it from `dir`, the state's ($GIT_DIR/symlinks/).
 */
int gsym_state_manifest_put(const gsym_state_file *st, const char *path,
	const gsym_buf *stats);
int gsym_state_manifest_get(gsym_buf *out, const char *dir, const char *path);

/*
 * Make the block this tool keeps in `exclude_path` (info/exclude) list
 * exactly the directory fallbacks in `st` for worktree `id`; write it
 * atomically, and only when it changes.
 */
int gsym_exclude_sync(const char *exclude_path, const char *id,
	const gsym_state_file *st);

/*
 * Append to `out` a gitignore-style line matching exactly `path` (any
 * type), anchored at the top, special characters escaped, after
 * `prefix` ("" or "!").
 */
void gsym_pattern_line(gsym_buf *out, const char *prefix, const char *path);

/* The lines around a block of ours, each followed by the worktree's id. */
#define GSYM_BLOCK_BEGIN "# BEGIN git-symlinks "
#define GSYM_BLOCK_END "# END git-symlinks "

/*
 * Make the block this tool keeps in `file` for worktree `id` hold exactly
 * `lines` (no block when empty), keeping every other line; write it
 * atomically, and only when it changes (`out_changed`). With
 * `remove_if_empty`, a file left with nothing is removed; with `any_id`,
 * a block of any worktree is ours to replace (a per-worktree file that
 * git copied from another worktree).
 */
int gsym_block_sync(bool *out_changed, const char *file, const char *id,
	const gsym_buf *lines, bool remove_if_empty, bool any_id);

#endif
