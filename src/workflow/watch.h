/*
 * watch: keep the tree's copies fresh while it runs. The targets of the
 * copies in the state file are watched (their directories, never single
 * files); a save is collected until the events go quiet and then handed
 * to the same run as `restore`, limited to the copies of what changed,
 * so the index stamps, the state file and the exclude lines are kept by
 * the code that keeps them for restore. A change of the index (a
 * checkout, a reset) runs it over the whole tree and re-reads the state.
 */
#ifndef INCLUDE_workflow_watch_h__
#define INCLUDE_workflow_watch_h__

#include "util/common.h"

typedef struct {
	bool quiet; /* no line per refresh */
} gsym_watch_opts;

/*
 * Watch until Ctrl-C or SIGTERM. Returns GSYM_OK after a stop asked for,
 * or a negative error (message set) when the repository cannot be opened
 * or watched. A refresh that fails is said, and watching goes on.
 */
int gsym_watch(const gsym_watch_opts *opts);

#endif
