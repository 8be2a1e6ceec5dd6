/*
 * What a branch switch changed: the paths that differ between two
 * commits' trees, found by walking both and skipping equal subtrees by
 * id, so the cost follows the change and not the size of the tree.
 */
#ifndef INCLUDE_git_changes_h__
#define INCLUDE_git_changes_h__

#include "git/repo.h"
#include "util/strlist.h"

/*
 * The paths that differ between the trees of commits `old_hex` and
 * `new_hex`, sorted, into `out`. Returns 0 or -1 (libgit2's error).
 */
int gsym_changes_between(gsym_strlist *out, gsym_repo *repo,
	const char *old_hex, const char *new_hex);

#endif
