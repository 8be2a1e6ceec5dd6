/*
 * `add`: record links and junctions found in the working tree as
 * mode-120000 entries with relative, forward-slash targets.
 */
#ifndef INCLUDE_workflow_add_h__
#define INCLUDE_workflow_add_h__

#include "util/buf.h"
#include "util/common.h"

/*
 * The target text to record for a link at `link_path` (repository-
 * relative) whose on-disk target is `target` ('/' separators): an
 * absolute target inside the working tree `workdir` becomes relative to
 * the link's directory. Sets `*outside` for an absolute target outside.
 */
void gsym_add_relative(gsym_buf *out, const char *workdir,
	const char *link_path, const char *target, bool *outside);

typedef struct {
	const char *const *paths; /* as given, relative to the current dir */
	size_t npaths;
	const char *target; /* --target: make the link first (one path) */
	bool allow_outside;
} gsym_add_opts;

/*
 * `git symlinks add`: record each path's link or junction as a
 * mode-120000 entry (made first with --target), then restore them with
 * the usual bookkeeping. A refused path is said (one line) and the rest go
 * on. Returns GSYM_OK, GSYM_PARTIAL when some were refused, or an error.
 */
int gsym_add(const gsym_add_opts *opts);

#endif
