/*
 * Deep copies of directory targets, and the hash that identifies one.
 * The walk copies what is inside the working tree; a link met inside is
 * resolved through the index by the same rules as a link entry and its
 * final target copied in its place, unless it leaves the tree, loops, or
 * points at a directory already being copied (it is then left out).
 */
#ifndef INCLUDE_pipeline_copy_h__
#define INCLUDE_pipeline_copy_h__

#include "pipeline/entry.h"
#include "pipeline/view.h"

/* Limits on one deep copy. */
#define GSYM_COPY_MAX_DEPTH 64
#define GSYM_COPY_MAX_FILES 100000
#define GSYM_COPY_MAX_BYTES ((uint64_t)4 << 30)

/*
 * Walk the directory `src` (repository-relative) as a deep copy would and
 * put the hash of the result in `hash`. When `dst` (absolute) is not
 * NULL, also create the copy there: `dst` must not exist. On failure a
 * partial copy is left at `dst` for the caller to remove.
 *
 * With `stats`, the copy's stat list: the lstat of each file and
 * directory made below `dst`, a directory after what is in it, one line
 * each ("<path>\0<size> <mtime s> <mtime ns> <inode>\n"). It proves
 * the copy unedited by lstat alone: an edit changes a file's stat, and a
 * file added or removed its directory's.
 */
int gsym_copy_dir(unsigned char *hash, const gsym_view *view, const char *src,
	const char *dst, gsym_buf *stats);

/*
 * Does everything `stats` lists in the copy at `abs_top` still have the
 * lstat it was made with? A list kept for a record starts with the top's
 * own line (an empty path).
 */
bool gsym_copy_unedited(const char *abs_top, const gsym_buf *stats);

/* Is `top` (an lstat) the one on the first line of `stats`, the top's? */
bool gsym_copy_stats_of(const gsym_buf *stats, const gsym_stat *top);

/*
 * Take out of the copy at `abs_top` what `stats` lists, unless `keep`
 * says the path (relative to the top) is not ours now: a file only while
 * unedited, a directory only once empty. What git wrote into the copy
 * (the link became a directory of tracked files) stays.
 */
void gsym_copy_remove_listed(const char *abs_top, const gsym_buf *stats,
	bool (*keep)(const char *rel, void *payload), void *payload);

/* Remove a tree this tool created at `abs_path`, never following links. */
int gsym_copy_remove(const char *abs_path);

/*
 * The same, for what a failed step left (a temporary name, if it was made
 * at all): the failure's message stays, the removal's own is dropped.
 */
void gsym_copy_discard(const char *abs_path);

#endif
