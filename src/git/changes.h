/*
 * What a branch switch changed: the paths that differ between two
 * commits' trees, found by walking both and skipping equal subtrees by
 * id, so the cost follows the change and not the size of the tree.
 */
#ifndef INCLUDE_git_changes_h__
#define INCLUDE_git_changes_h__

#include "git/repo.h"

/* A sorted set of repository-relative paths. */
typedef struct gsym_pathset {
	char **v;
	size_t n, cap;
} gsym_pathset;

/* Add a copy of `path` (unsorted until gsym_pathset_sort). */
void gsym_pathset_add(gsym_pathset *set, const char *path);

/* Sort the set (for the lookups below). */
void gsym_pathset_sort(gsym_pathset *set);

/* Is `path` itself in the (sorted) set? */
bool gsym_pathset_has(const gsym_pathset *set, const char *path);

/*
 * Does the set hold `path`, something below it, or a directory above it?
 * A NULL path (an unknown source) counts as touched.
 */
bool gsym_pathset_touches(const gsym_pathset *set, const char *path);

/* Free the paths. */
void gsym_pathset_dispose(gsym_pathset *set);

/*
 * The paths that differ between the trees of commits `old_hex` and
 * `new_hex`, sorted, into `out`. Returns 0 or -1 (libgit2's error).
 */
int gsym_changes_between(gsym_pathset *out, gsym_repo *repo,
	const char *old_hex, const char *new_hex);

#endif
