/*
 * The pre-commit guard: no commit loses a link the tool manages.
 */
#ifndef INCLUDE_workflow_guard_h__
#define INCLUDE_workflow_guard_h__

#include "pipeline/view.h"

/*
 * Check the index named by GIT_INDEX_FILE (for `git commit -a` that is
 * `.git/index.lock`, which git holds for this very commit). A managed
 * link entry about to be committed as deleted, as another type, with
 * another blob, or as files below it, while the working tree still holds
 * the tool's unedited fallback, is put back exactly as it was (mode and
 * blob) and the files below it dropped, with a note on stderr. If the
 * fallback was edited, the commit is stopped with the command that
 * resolves it. Returns GSYM_OK, GSYM_PARTIAL (the commit is stopped) or
 * an error with its message set.
 */
int gsym_guard(void);

/*
 * The leading directory of `path` that is a junction on disk, into
 * `out`; false when there is none. (Git for Windows sees a junction as a
 * directory and would commit its contents as files.)
 */
bool gsym_guard_junction_above(gsym_buf *out, const gsym_view *view,
	const char *path);

#endif
