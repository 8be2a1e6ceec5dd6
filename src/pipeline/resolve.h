/*
 * Resolving a link's target through the index and the working tree, the
 * way the kernel walks a path: component by component, following links
 * (from the index even when they are still placeholders), with a depth
 * limit. Never touches anything outside the tree, never probes absolute
 * or network targets.
 */
#ifndef INCLUDE_pipeline_resolve_h__
#define INCLUDE_pipeline_resolve_h__

#include "pipeline/entry.h"
#include "pipeline/view.h"

typedef enum {
	GSYM_RESOLVE_OUTSIDE = (1 << 0), /* leaves the working tree */
	GSYM_RESOLVE_ABSOLUTE = (1 << 1), /* absolute, UNC or NT form */
	GSYM_RESOLVE_IN_GIT = (1 << 2), /* reaches into a .git directory */
	GSYM_RESOLVE_LOOP = (1 << 3), /* cycle or too many links */
	GSYM_RESOLVE_ANCESTOR = (1 << 4) /* the link's own directory or above */
} gsym_resolve_flags;

typedef struct {
	gsym_type type;
	unsigned int flags;
	unsigned int hops; /* links followed */
	gsym_buf path; /* final repo-relative path, when inside */
} gsym_resolution;

/*
 * Resolve `target` (of `len` bytes) of the link at `link_path`.
 * Returns 0 with `out` filled (type UNKNOWN for absolute, outside and
 * looping targets), or a negative code when the view fails.
 */
int gsym_resolve(gsym_resolution *out, const gsym_view *view,
	const char *link_path, const char *target, size_t len);

/* Free the resolution's path. */
void gsym_resolution_dispose(gsym_resolution *res);

#endif
