/*
 * Opening the repository the way git does (-C, the current directory,
 * GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE), holding its index lock, and
 * writing the index back.
 */
#ifndef INCLUDE_git_repo_h__
#define INCLUDE_git_repo_h__

#include <git2.h>

#include "util/common.h"
#include "git/index_file.h"

typedef struct {
	git_repository *repo;
	gsym_index_file file; /* the index as read, for looking */
	git_index *index; /* libgit2's, for changing it: see gsym_repo_index */
	bool private_index; /* `index` reads and writes a copy of ours */
	bool file_missing; /* there was no index file */
	git_odb *odb;
	char *workdir; /* absolute, ends with '/' */
	char *gitdir; /* per-worktree git directory, ends with '/' */
	char *commondir; /* shared git directory, ends with '/' */
	char *index_path;
	char *lock_path; /* index_path + ".lock", while we hold it */
	char *prefix; /* current directory within the tree: "" or "a/" */
} gsym_repo;

/*
 * Open the repository around the current directory, honouring git's
 * environment, and read its index into `file`; with `lock`, take
 * `index.lock` first so no git process changes the index under us.
 * Returns 0, GSYM_ELOCKED when another process holds the lock, or
 * GSYM_ERROR with a one-line message (not a repository, bare, unreadable
 * or unsupported index). An index libgit2 would refuse (a path git
 * refuses, a damaged file) is read with libgit2 here, so the error comes
 * before anything is changed.
 */
int gsym_repo_open(gsym_repo *out, bool lock);

/*
 * libgit2's copy of the index, to change and write it, read on first use
 * (55 000 entries cost libgit2 35 ms; a run that changes nothing in the
 * index never pays it). It holds what `file` holds.
 */
int gsym_repo_index(git_index **out, gsym_repo *repo);

/* Take `index.lock`; GSYM_ELOCKED when another process holds it. */
int gsym_repo_lock(gsym_repo *repo);

/* Write the in-memory index atomically and drop the lock. */
int gsym_repo_write_index(gsym_repo *repo);

/* Drop the lock, if held, without writing. */
void gsym_repo_unlock(gsym_repo *repo);

/* Release everything (drops the lock). */
void gsym_repo_close(gsym_repo *repo);

/* Set the message from libgit2's last error, with `what` before it. */
int gsym_repo_git_error(const char *what);

#endif
