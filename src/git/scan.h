/*
 * Scan: the one pass over the index that collects its link entries.
 */
#ifndef INCLUDE_git_scan_h__
#define INCLUDE_git_scan_h__

#include <git2.h>

#include "pipeline/entry.h"
#include "git/index_file.h"

/*
 * Collect every stage-0 mode-120000 entry of `index` into `out`, sorted
 * by path; entries matching `pathspec` (all when it is empty) are marked
 * GSYM_ENTRY_SELECTED. `prefix` is prepended to each pathspec item.
 */
int gsym_scan(gsym_entries *out, const gsym_index_file *index,
	const char *prefix, char **pathspec, size_t npathspec);

/* Find the entry for `path` in sorted `entries`, or NULL. */
gsym_entry *gsym_entries_find(const gsym_entries *entries, const char *path);

#endif
