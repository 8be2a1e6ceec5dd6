/*
 * Sparse-checkout patterns that keep git's hands off the fallbacks it
 * cannot compare with a link entry. A directory (a deep copy, or a
 * junction as Git for Windows sees it) at a link entry's path is always
 * "type changed" to git, and a copy of an empty file always "changed"
 * (an index entry of size 0 is racily smudged): every checkout that
 * touches such a link would be refused. A non-cone pattern "!/path",
 * with the entry's skip-worktree bit, makes git update the index alone
 * and leave the path to us (unpack-trees.c verify_uptodate). In that
 * mode git un-skips and rewrites every skip-worktree entry the patterns
 * do not cover, so the block lists every one of them; git matches each
 * index entry against each pattern, so the mode is used only while the
 * tree holds such a fallback.
 */
#ifndef INCLUDE_git_sparse_h__
#define INCLUDE_git_sparse_h__

#include "git/repo.h"
#include "pipeline/state.h"
#include "util/strlist.h"

typedef struct {
	char *file; /* $GIT_DIR/info/sparse-checkout (per worktree) */
	bool ours; /* sparse checkout is off, or was turned on by us */
	bool enabled; /* core.sparseCheckout is on */
	gsym_strlist paths; /* the paths our block hides now, sorted */
	/* fallbacks are hidden through the fsmonitor (fsmonitor.h): the
	 * block is needed for junctions only */
	bool junctions_only;
} gsym_sparse;

/*
 * Read our block of the worktree's sparse-checkout file, and from `cfg`
 * (the run's config snapshot) whether sparse checkout is ours to manage.
 */
int gsym_sparse_load(gsym_sparse *out, const gsym_repo *repo, git_config *cfg);

/* Does our block hide `path` (the path itself, or a directory above)? */
bool gsym_sparse_hides(const gsym_sparse *sp, const char *path);

/*
 * Write into the tree what git left out because our block hid it: a
 * regular file entry (a link that became a file, or files below what was
 * a link) with the skip-worktree bit and nothing on disk is written from
 * its blob (gitattributes filters applied), stamped, and its bit
 * cleared. Sets `*changed` when the index changed.
 */
int gsym_sparse_unhide(gsym_sparse *sp, gsym_repo *repo, bool *changed);

/*
 * Make the block hide exactly the index's skip-worktree entries when
 * the state holds a fallback that needs it (a directory, an empty file),
 * and no block otherwise; turn git's sparse checkout on or off to match
 * (core.sparseCheckout, sparse.expectFilesOutsideOfPatterns), never when
 * the user's own sparse checkout is on.
 */
int gsym_sparse_sync(gsym_sparse *sp, gsym_repo *repo, const char *id,
	const gsym_state_file *state);

/* Free it. */
void gsym_sparse_dispose(gsym_sparse *sp);

#endif
