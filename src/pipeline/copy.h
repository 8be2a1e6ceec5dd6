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
 */
int gsym_copy_dir(unsigned char *hash, const gsym_view *view, const char *src,
	const char *dst);

/* Remove a tree this tool created at `abs_path`, never following links. */
int gsym_copy_remove(const char *abs_path);

/*
 * The same, for what a failed step left (a temporary name, if it was made
 * at all): the failure's message stays, the removal's own is dropped.
 */
void gsym_copy_discard(const char *abs_path);

#endif
