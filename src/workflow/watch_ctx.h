/*
 * What the files of watch share: the watched directories, and the
 * watcher's context (watch.c is the event loop, watch_dirs.c maps a
 * changed directory to the copies it concerns, watch_refresh.c refreshes
 * them).
 */
#ifndef INCLUDE_workflow_watch_ctx_h__
#define INCLUDE_workflow_watch_ctx_h__

#include "workflow/watch.h"
#include "git/repo.h"
#include "pipeline/state.h"
#include "platform/platform.h"
#include "util/strlist.h"

/* A watched directory of the working tree. */
typedef struct {
	char *rel; /* "" for the top, else "a/b" */
	int id; /* the platform's */
	bool gone; /* went away, or its names were lost: watch it anew */
	size_t *recs; /* the records whose sources it holds */
	size_t nrecs, caprecs;
} gsym_watch_dir;

typedef struct {
	bool quiet;
	gsym_watcher *w;
	char *workdir; /* absolute, ends with '/' */
	char *gitdir;
	char *index_path;
	char *lock_path;
	char *work_tree; /* GIT_WORK_TREE, which opening consumes */
	const char *index_name; /* in index_path */
	int index_dir_id;
	gsym_stat index_stat; /* the index as our last run left it */
	uint64_t links; /* hash of the index's link entries then */
	bool index_changed; /* written by git since */
	gsym_state_file state;
	bool *hit; /* parallel to state.v: its target changed */
	gsym_watch_dir *dirs; /* sorted by rel */
	size_t ndirs;
	gsym_watch_dir **by_id; /* the same, sorted by id */
	gsym_strlist edited; /* copies reported edited, sorted */
	bool pending, full;
	uint64_t first, last, retry_at;
} gsym_watch_ctx;

/* Open the repository as the command line named it, every time. */
int gsym_watch_open_repo(gsym_repo *out, const gsym_watch_ctx *ctx);

/* The absolute path of `rel`, a path in the working tree, in `out`. */
void gsym_watch_abs_path(gsym_buf *out, const gsym_watch_ctx *ctx,
	const char *rel);

/* lstat() of the index, zeros when it cannot be had. */
void gsym_watch_index_stat(gsym_stat *out, const gsym_watch_ctx *ctx);

/* Free what a watched directory owns. */
void gsym_watch_dir_dispose(gsym_watch_dir *d);

/* The watched directory of the platform's watch `id`, or NULL. */
gsym_watch_dir *gsym_watch_dir_by_id(const gsym_watch_ctx *ctx, int id);

/*
 * Make the watched directories exactly those the state's copies need.
 * Returns 0 or an error.
 */
int gsym_watch_rebuild(gsym_watch_ctx *ctx);

/* Did saving `name` in `rel` (NULL: anything in it) change r's source? */
bool gsym_watch_source_changed(const gsym_record *r, const char *rel,
	const char *name);

/* What gsym_watch_refresh returns besides an error. */
enum {
	GSYM_WATCH_REFRESHED = 0,
	GSYM_WATCH_RETRY = 1 /* git holds the index: try again later */
};

/*
 * Refresh the copies of what changed (all of them when the index
 * changed). Returns GSYM_WATCH_REFRESHED, GSYM_WATCH_RETRY, or an error.
 */
int gsym_watch_refresh(gsym_watch_ctx *ctx);

#endif
