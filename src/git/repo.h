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
	/* entries changed in place: their first 64 bytes, by offset */
	struct gsym_index_patch *patches;
	size_t npatches, cappatches;
	int64_t index_mtime; /* seconds; 0 when there was no index */
	bool file_missing; /* there was no index file */
	git_odb *odb;
	char *workdir; /* absolute, ends with '/' */
	char *gitdir; /* per-worktree git directory, ends with '/' */
	char *commondir; /* shared git directory, ends with '/' */
	char *index_path;
	/*
	 * GIT_INDEX_FILE names the index and libgit2 has not got it: it is
	 * not let read it on open (it would, in full, for every hook), only
	 * where asked (gsym_repo_index, gsym_repo_attach_index)
	 */
	bool env_index;
	bool index_attached; /* libgit2 has one for its own look */
	char *lock_path; /* index_path + ".lock", while we hold it */
	char *prefix; /* current directory within the tree: "" or "a/" */
	/*
	 * fsmonitor marks to write (fsmonitor.h): paths made valid or dirty
	 * by this run, applied to git's bitmap when the index is written
	 */
	struct gsym_fsmn_mark *fsmn_marks;
	size_t nfsmn_marks, capfsmn_marks;
	/*
	 * the index this run wrote, when it wrote the bytes itself: its
	 * checksum and the walk of its link entries, known without reading
	 * it back (gsym_repo_index_checksum, and the mark a run leaves)
	 */
	bool written_known;
	unsigned char written_sum[20];
	gsym_index_links written_links;
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
/*
 * Find the repository and its paths (workdir, gitdir, index path) only:
 * no lock, no index read. gsym_repo_close releases it.
 */
int gsym_repo_open_paths(gsym_repo *out);

/* The checksum the index file ends with, in hex. */
int gsym_repo_index_checksum(char out[41], const gsym_repo *repo);

int gsym_repo_open(gsym_repo *out, bool lock);

/*
 * The rest of gsym_repo_open after gsym_repo_open_paths: read the index
 * and open the object database.
 */
int gsym_repo_read(gsym_repo *repo);

/*
 * libgit2's copy of the index, to change and write it, read on first use
 * (55 000 entries cost libgit2 35 ms; a run that changes nothing in the
 * index never pays it). It holds what `file` holds.
 */
int gsym_repo_index(git_index **out, gsym_repo *repo);

/*
 * Give libgit2 the index GIT_INDEX_FILE names before it looks into "the"
 * index by itself (gitattributes read from the index); nothing to do
 * otherwise, or once done.
 */
int gsym_repo_attach_index(gsym_repo *repo);

/* Take `index.lock`; GSYM_ELOCKED when another process holds it. */
int gsym_repo_lock(gsym_repo *repo);

/*
 * Change one entry's stat data and the bit that hides it from git
 * (`hide`: 1 set, 0 clear, -1 keep) in place, in a copy of the index
 * bytes as read: the skip-worktree bit, or with `fsmn` git's fsmonitor
 * mark (which also clears a skip-worktree bit left from before). No
 * libgit2 index is loaded for a run that changes nothing else (at a
 * million entries that load is most of the time and half the memory).
 * `st` NULL keeps the stat data. GSYM_EUNSUPPORTED when the change would
 * resize the entry (the bit needs extended flags the entry lacks) or
 * libgit2's index is loaded already: go through gsym_repo_index, which
 * starts from the patched bytes.
 */
int gsym_repo_patch(gsym_repo *repo, const char *path, const gsym_stat *st,
	int hide, bool fsmn, bool *changed);

/*
 * Note that `path` is to be fsmonitor-valid (`valid`) or dirty when the
 * index is written, whichever way it is written. Returns true when that
 * changes what the index read says.
 */
bool gsym_repo_fsmn_mark(gsym_repo *repo, const char *path, bool valid);

/*
 * Seconds before which what this run makes must be stamped, so that git
 * never finds our stamps racy: the index's own mtime is kept when the
 * index is written (see keep_index_time in repo.c).
 */
int64_t gsym_repo_stamp_limit(const gsym_repo *repo);

/*
 * The bytes of the blob `id` (a link entry's text) into `out`. Returns 0,
 * or an error with the message set.
 */
int gsym_repo_blob(gsym_buf *out, const gsym_repo *repo,
	const unsigned char *id);

/* Write the in-memory index atomically and drop the lock. */
int gsym_repo_write_index(gsym_repo *repo);

/* Drop the lock, if held, without writing. */
void gsym_repo_unlock(gsym_repo *repo);

/* Release everything (drops the lock). */
void gsym_repo_close(gsym_repo *repo);

/* Set the message from libgit2's last error, with `what` before it. */
int gsym_repo_git_error(const char *what);

#endif
