/*
 * Our fsmonitor hook (git/fsmonitor.h says why): what git runs at each
 * command as `core.fsmonitor`, to learn which paths may have changed
 * since the index was written.
 *
 * With no daemon behind it, the answer comes from the same lstat() of
 * every entry that git's refresh would make (on threads, as git's
 * preload-index does): every entry whose stat data differs from the
 * index (the fields git compares, with core.trustctime and
 * core.checkStat), or is racily clean, or is unmerged or intent-to-add,
 * is named. A fallback this tool made is named only when it is no longer
 * provably ours: its stat is not the one recorded (only copies carry
 * the marks). git then looks at exactly what it
 * would have looked at itself, and trusts the rest.
 */
#ifndef INCLUDE_workflow_fsmonitor_h__
#define INCLUDE_workflow_fsmonitor_h__

#include <stdio.h>

#include "util/buf.h"

/*
 * Answer git's query (protocol `version` "2", git's last `token`) on
 * `out`: a token, then the
 * paths, each ended by NUL. Returns 0; 1, saying nothing, for another
 * version; or a negative code with the message set (git then looks at
 * everything).
 */
int gsym_fsmonitor_answer(const char *version, const char *token, FILE *out);

/*
 * How the answer learns what the daemon saw since `token`: as
 * gsym_fsmonitor_ask (git/fsmonitor.h) does, or the daemon itself.
 */
typedef int (*gsym_fsmonitor_asker)(gsym_buf *next, gsym_buf *changed,
	const char *workdir, const char *token, void *payload);

/*
 * The answer to git's `token` in `out` (the repository as git's
 * environment names it), asking `ask` first: a token, then the paths,
 * each ended by NUL. libgit2 must be initialised.
 */
int gsym_fsmonitor_respond(gsym_buf *out, const char *token,
	gsym_fsmonitor_asker ask, void *payload);

#endif
