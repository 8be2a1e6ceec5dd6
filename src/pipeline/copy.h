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
#include "platform/progress.h"

/*
 * Bounds on any one deep copy, whatever symlinks.copyLimit says (a tree
 * of links can name a directory exponentially often), and on one file
 * read whole to hash it.
 */
#define GSYM_COPY_MAX_DEPTH 64
#define GSYM_COPY_MAX_FILES 1000000
#define GSYM_COPY_MAX_TOTAL ((uint64_t)64 << 30)
#define GSYM_COPY_MAX_BYTES ((uint64_t)4 << 30)

/*
 * symlinks.copyLimit: a directory copy that would hold more files or
 * bytes is not made. 0 means no bound on that count.
 */
typedef struct {
	uint64_t files;
	uint64_t bytes;
} gsym_copy_limit;

#define GSYM_COPY_LIMIT_FILES 100000
#define GSYM_COPY_LIMIT_BYTES ((uint64_t)2 << 30)

/*
 * Parse a copyLimit value over `out` (which holds the defaults): "none",
 * or one or both of "<n> files" and "<size>", comma-separated, each
 * number with an optional k, m or g (1024-fold, as git's config); 0 is
 * no bound. A part not given keeps what `out` had. Returns 0, or -1
 * with the message set.
 */
int gsym_copy_limit_parse(gsym_copy_limit *out, const char *text);

/* The limit as a user writes it: "100000 files, 2g". */
void gsym_copy_limit_text(gsym_buf *out, const gsym_copy_limit *limit);

/*
 * Count what a deep copy of the directory `src` would hold, by the
 * copy's own walk (the same links followed, the same left out), without
 * reading a file, stopping as soon as `limit` is passed. Returns 0 when
 * within it, 1 when past it (the message set names the count passed),
 * or an error.
 */
int gsym_copy_count(const gsym_view *view, const char *src,
	const gsym_copy_limit *limit);

/*
 * May the directory `src` be copied within `limit`? 0 yes (or no limit),
 * 1 no, with the message set (one line: the count passed, the limit, and
 * what would make the entry instead: real links, a junction where
 * `junctions`, a higher limit), or an error.
 */
int gsym_copy_over_limit(const gsym_view *view, const char *src,
	const gsym_copy_limit *limit, bool junctions);

/*
 * The sources' lstat as one walk of a directory target took them, so a
 * second walk of it (the update after the count) takes none again. Not
 * the planner's gsym_view_memo (view.h): this one is noted by the count
 * alone and serves files and entries only, so the update still lstat()s
 * a source directory afresh after its children, as walk() wants (with
 * every lstat through the view's memo, e2e_crash failed once: a copy
 * left judged edited).
 */
typedef struct {
	struct gsym_copy_memo_item *v;
	size_t n, cap;
	bool sorted; /* filled: read from now on */
} gsym_copy_memo;

void gsym_copy_memo_dispose(gsym_copy_memo *memo);

/*
 * gsym_copy_over_limit, noting in `memo` (when not NULL) the lstat of
 * every source the count met, for gsym_copy_dir_sync: with a memo the
 * target is walked even when there is no limit.
 */
int gsym_copy_over_limit_memo(const gsym_view *view, const char *src,
	const gsym_copy_limit *limit, bool junctions, gsym_copy_memo *memo);

/*
 * Walk the directory `src` (repository-relative) as a deep copy would and
 * put the hash of the result in `hash`. When `dst` (absolute) is not
 * NULL, also create the copy there: `dst` must not exist. On failure a
 * partial copy is left at `dst` for the caller to remove.
 *
 * With `stats`, the copy's stat list: for each file and directory made
 * below `dst` (a directory after what is in it), its path, the path it
 * was copied from, and the lstat of both then (gsym_copy_stats_line). It
 * proves by lstat alone that the copy is unedited (an edit changes a
 * file's stat, a file added or removed its directory's) and that it is
 * current (the same of its sources). Each file copied is added to
 * `progress` (when not NULL).
 */
int gsym_copy_dir(unsigned char *hash, const gsym_view *view, const char *src,
	const char *dst, gsym_buf *stats, gsym_progress *progress);

/*
 * gsym_copy_dir, taking over from a copy made before of the same entry
 * (`old_top`, absolute, with its stat list `old_stats`) each file still
 * as that copy made it from a source still as it was then: a hard link
 * to it in the new copy, its id the index's (or read), so a directory
 * whose target changed in a few files costs those files, not all (where
 * the disk has no hard links, every file is copied).
 */
int gsym_copy_dir_over(unsigned char *hash, const gsym_view *view,
	const char *src, const char *dst, gsym_buf *stats,
	gsym_progress *progress, const char *old_top,
	const gsym_buf *old_stats);

/*
 * Bring the deep copy at `top` (absolute; made before from `src`, with
 * the stat list `old_stats`) up to date where it is, file by file: what
 * it holds as made from a source still as it was is kept, what changed
 * is copied again (to a temporary name, then renamed over), what went
 * is removed, directories are made or removed as needed. `hash` and
 * `stats` as gsym_copy_dir (the caller checks the copy limit first,
 * with gsym_copy_over_limit_memo: its `memo`, or NULL, spares the
 * sources' lstat). `proven`: every file the list names was just found
 * with its listed stat (the planner's proof), and is not looked at
 * again. `written`: how many files and directories it made, replaced or
 * removed (0: the copy is as it was). On failure the copy is half
 * updated: the caller makes it anew (and a killed update is the
 * journal's, state.h).
 */
int gsym_copy_dir_sync(unsigned char *hash, const gsym_view *view,
	const char *src, const char *top, gsym_buf *stats,
	gsym_progress *progress, const gsym_buf *old_stats, bool proven,
	gsym_copy_memo *memo, size_t *written);

/*
 * Does everything `stats` lists in the copy at `abs_top` still have the
 * lstat it was made with? A list kept for a record starts with the top's
 * own line (an empty path).
 */
bool gsym_copy_unedited(const char *abs_top, const gsym_buf *stats);

/*
 * The same, of the `n` paths `rels` (relative to the top) alone, where
 * nothing else in the copy can have changed (the fsmonitor daemon saw
 * nothing else change): each one the list holds as made, and none there
 * that it does not hold.
 */
bool gsym_copy_unedited_at(const char *abs_top, const gsym_buf *stats,
	const char *const *rels, size_t n);

/*
 * Are the sources of everything `stats` lists as they were when it was
 * copied (lstat through `view`)? Then the copy is current.
 */
bool gsym_copy_fresh(const gsym_view *view, const gsym_buf *stats);

/*
 * A source whose mtime is not older than this many seconds before it was
 * read may change again within the same tick of its disk's clock (exFAT
 * keeps 2 s): its stat proves nothing yet (git's racy-clean rule).
 */
#define GSYM_RACY_SECONDS 2

/* Are the sources `stats` lists all older than `before` (seconds)? */
bool gsym_copy_stats_older(const gsym_buf *stats, int64_t before);

/*
 * `stats` again in `out`, each source's stat as it is now (the copy
 * proven current by content), and with `copy` (the copy's path) each of
 * the copy's files' too (proven ours by content): GSYM_ERROR, `out`
 * unfinished, when one is not older than `before` or cannot be
 * lstat()ed.
 */
int gsym_copy_restat(gsym_buf *out, const gsym_view *view,
	const gsym_buf *stats, const char *copy, int64_t before);

/*
 * One line of a stat list: `rel` made from `src`, their lstat; and
 * `checked`, when the two were last found alike by their bytes (0: only
 * when made), which makes the pair racy only where the source is not
 * older than that (GSYM_RACY_SECONDS).
 */
void gsym_copy_stats_line(gsym_buf *out, const char *rel, const char *src,
	const gsym_stat *made, const gsym_stat *from, int64_t checked);

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
