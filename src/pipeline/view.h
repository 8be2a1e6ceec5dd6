/*
 * The narrow, read-only view of the index and the working tree through
 * which resolution and the planner see the world. The real one
 * (view_repo.c) reads libgit2's index and lstat()s the tree; unit tests
 * pass a table.
 */
#ifndef INCLUDE_pipeline_view_h__
#define INCLUDE_pipeline_view_h__

#include "util/common.h"
#include "util/buf.h"
#include "pipeline/entry.h"
#include "platform/platform.h"

typedef enum {
	GSYM_NODE_NONE = 0,
	GSYM_NODE_FILE,
	GSYM_NODE_DIR,
	GSYM_NODE_LINK,
	GSYM_NODE_OTHER
} gsym_node_type;

typedef struct {
	gsym_node_type type;
	bool tracked; /* known from the index, not the disk */
	const char *target; /* for a link: its text, owned by the view */
	size_t target_len;
} gsym_node;

typedef struct gsym_view gsym_view;

struct gsym_view {
	/*
	 * What is at the repository-relative `path` ("" is the top): the
	 * index first (a link entry, a file, a directory holding entries),
	 * then the working tree for untracked paths.
	 */
	int (*lookup)(gsym_node *out, const gsym_view *view, const char *path);

	/* lstat() of a path in the working tree. */
	int (*lstat)(gsym_stat *out, const gsym_view *view, const char *path);

	/* Target text of a link or junction in the working tree. */
	int (*readlink)(gsym_buf *out, const gsym_view *view, const char *path);

	/* Read at most `max` bytes of a working-tree file. */
	int (*read)(gsym_buf *out, const gsym_view *view, const char *path,
		size_t max);

	/*
	 * Hash of what is at a working-tree path: a file's blob id, or for
	 * a directory the hash of what a deep copy of it holds (copy.h).
	 */
	int (*hash)(unsigned char *out, const gsym_view *view, const char *path,
		gsym_type type);

	/*
	 * The `symlink` gitattribute of `path`: GSYM_TYPE_FILE for "file",
	 * GSYM_TYPE_DIR for "dir", GSYM_TYPE_UNKNOWN when unset.
	 */
	int (*attr)(gsym_type *out, const gsym_view *view, const char *path);

	/* Call `cb` for each name in a working-tree directory. */
	int (*readdir)(const gsym_view *view, const char *path,
		int (*cb)(const char *name, void *payload), void *payload);

	/*
	 * The stat list (copy.h) of the deep copy this tool made at `path`;
	 * GSYM_ENOTFOUND when there is none. May be NULL: copies are then
	 * proven by their content.
	 */
	int (*copy_stats)(gsym_buf *out, const gsym_view *view,
		const char *path);
	/*
	 * The blob id of the tracked file at `path` (put in `out`) when the
	 * index vouches for it: its entry's stat data is `st`'s, and not
	 * racily clean. False when it does not. May be NULL.
	 */
	bool (*known_id)(unsigned char *out, const gsym_view *view,
		const char *path, const gsym_stat *st);
	/*
	 * Another index entry's path naming the same file as `path` or one
	 * of its parents on this file system, spelt otherwise (case, where
	 * git's core.ignorecase says the disk ignores it; Unicode
	 * normalization, where core.precomposeunicode says so), or NULL;
	 * owned by the view. May be NULL: names are compared as bytes.
	 */
	int (*collision)(const char **out, const gsym_view *view,
		const char *path);
	/*
	 * Does the repository's object database hold the blob `id` (bytes
	 * git has stored: committed, stashed or staged once)? May be NULL:
	 * none is known.
	 */
	bool (*stored)(const gsym_view *view, const unsigned char *id);
	/* Absolute path of the working tree, ending with '/' ("" in tests). */
	const char *workdir;

	void *payload;
};

/*
 * A view for several threads: the same answers as `inner`, one call at a
 * time (a view caches what it reads, and the repository's view shares a
 * scratch buffer). The callbacks given to readdir run under the lock.
 */
typedef struct {
	gsym_view view;
	const gsym_view *inner;
	gsym_mutex *m;
} gsym_view_locked;

void gsym_view_locked_init(gsym_view_locked *out, const gsym_view *inner);
void gsym_view_locked_dispose(gsym_view_locked *lv);

/*
 * A view that lstat()s each path once: the same answers as `inner`, the
 * first lstat of a path kept for the next (a target that several copies
 * hold, a file link's target inside a directory copy's). For a pass that
 * writes nothing (the planning of a run): what is made afterwards is
 * looked at through `inner`. Its methods are the inner view's own, on
 * the inner view's payload; one thread.
 */
typedef struct {
	char *path;
	gsym_stat st;
} gsym_view_memo_item;

typedef struct {
	gsym_view view; /* first: the methods find the memo from it */
	const gsym_view *inner;
	gsym_view_memo_item *v;
	size_t n, cap;
} gsym_view_memo;

void gsym_view_memo_init(gsym_view_memo *out, const gsym_view *inner);
void gsym_view_memo_dispose(gsym_view_memo *m);

#endif
