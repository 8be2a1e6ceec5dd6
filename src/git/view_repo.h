/*
 * The real gsym_view: libgit2's index and object database for tracked
 * paths, lstat() of the working tree for the rest.
 */
#ifndef INCLUDE_git_view_repo_h__
#define INCLUDE_git_view_repo_h__

#include "pipeline/view.h"
#include "git/repo.h"
#include "pipeline/validate.h"
#include "util/strlist.h"

typedef struct {
	char *text;
	size_t len;
	int state; /* 0 not read, 1 read, -1 unreadable */
} gsym_target_cache;

typedef struct {
	gsym_repo *repo;
	const gsym_entries *entries;
	gsym_target_cache *cache; /* parallel to entries */
	gsym_strlist untracked; /* texts of untracked links read from disk */
	gsym_buf scratch;
	/* link entries colliding with other paths: built at the first ask */
	gsym_collisions *collisions;
	bool collisions_known;
} gsym_repo_view;

/* Set up `view` over `repo` with the scanned `entries`. */
void gsym_view_repo_init(gsym_view *view, gsym_repo_view *rv, gsym_repo *repo,
	const gsym_entries *entries);

/* Release what the view cached. */
void gsym_view_repo_dispose(gsym_repo_view *rv);

#endif
