/*
 * `add`: record links and junctions found in the working tree as
 * mode-120000 entries with relative, forward-slash targets.
 */
#ifndef INCLUDE_workflow_add_h__
#define INCLUDE_workflow_add_h__

#include "util/buf.h"

/*
 * The target text to record for a link at `link_path` (repository-
 * relative) whose on-disk target is `target` ('/' separators): an
 * absolute target inside the working tree `workdir` becomes relative to
 * the link's directory. Sets `*outside` for an absolute target outside.
 */
void gsym_add_relative(gsym_buf *out, const char *workdir,
	const char *link_path, const char *target, bool *outside);

#endif
