/*
 * The planner: one decision per link entry. Pure: it sees the index and
 * the working tree only through a gsym_view, and the state file through
 * the record passed in.
 */
#ifndef INCLUDE_pipeline_plan_h__
#define INCLUDE_pipeline_plan_h__

#include "pipeline/copy.h"
#include "pipeline/entry.h"
#include "pipeline/view.h"

typedef enum {
	GSYM_MODE_RESTORE = 0,
	GSYM_MODE_STATUS,
	GSYM_MODE_RESET
} gsym_mode;

/* A fallback the tool made earlier, as kept in the state file. */
typedef struct {
	gsym_kind kind; /* COPY, HARDLINK or JUNCTION */
	gsym_type type; /* FILE or DIR */
	unsigned char blob[GSYM_OID_RAWSZ]; /* the link entry's blob then */
	unsigned char hash[GSYM_OID_RAWSZ]; /* what was written */
	/* lstat of what was put in place: a match proves it is untouched */
	uint64_t size;
	int64_t mtime_sec;
	uint32_t mtime_nsec;
	uint64_t ino;
	/*
	 * lstat of the target it was made from, then (a copy): a match
	 * proves it current without reading it; a directory's files are in
	 * its stat list (copy.h)
	 */
	bool src_known;
	uint64_t src_size;
	int64_t src_mtime_sec;
	uint32_t src_mtime_nsec;
	uint64_t src_ino;
	char *src; /* the resolved target it was made from */
	char *path;
	/*
	 * (not in the file) a run was killed while it updated this deep
	 * copy where it is: ours, half updated, to be updated again
	 */
	bool resync;
} gsym_record;

typedef struct {
	gsym_mode mode;
	bool force;
	bool allow_outside;
	/*
	 * A fallback whose link entry changed under it is the old version
	 * left by a command that changed the index alone (a mixed reset):
	 * it stays, as a real link would, and git sees it modified
	 */
	bool index_only;
	/*
	 * links are known not to work here: the state file says so, or the
	 * run learnt it (see plan_forms in plan.c, where every form is decided)
	 */
	bool links_unsupported;
	/* report type and target even for entries that are already right */
	bool details;
	unsigned char fallbacks[GSYM_HOW__COUNT];
	unsigned int nfallbacks;
	/* symlinks.copyLimit: a bigger directory copy is not made (apply) */
	gsym_copy_limit copy_limit;
	/*
	 * nothing is applied (status, a dry run): the planner counts a
	 * directory copy's target itself, to say what restore would do
	 */
	bool count_copies;
	/*
	 * git goes on after this hook with the index it holds in memory (a
	 * rebase, or a cherry-pick or revert of several commits, between
	 * its steps) and compares with it every path whose entry lacks the
	 * skip-worktree bit: nothing is made or put back at such a path
	 * (the entry stays pending, for post-rewrite, or the hook of the
	 * next command once git has stopped),
	 * since git would find our fallback changed and stop (sequencer.c
	 * complete_action -> wt-status.c require_clean_work_tree: "You have
	 * unstaged changes"). Where git trusts fsmonitor marks our
	 * fsmonitor hook answers git's refresh instead, and this is unset.
	 */
	bool git_goes_on;
	unsigned int validate_flags;
	const gsym_platform_info *platform;
} gsym_plan_opts;

/*
 * Decide what to do with `e` (scan fields filled in): fills the plan
 * fields. `rec` is the state file's record for the path, or NULL.
 * GSYM_ENTRY_UNSEEN in e->flags (a hook: the fsmonitor daemon saw
 * nothing change at or below a directory copy since our last run) takes
 * that copy as unedited without looking at its files; it holds for this
 * call only. A directory copy proven unedited by its stat list is marked
 * GSYM_ENTRY_PROVEN, and where restore will update it (not status, a dry
 * run or between a rebase's steps), its target is not hashed here: the
 * update says whether it changed (apply.c). Nothing fails here: an
 * error of the view is this entry's (GSYM_VERDICT_ERROR, its message).
 */
void gsym_plan_entry(gsym_entry *e, const gsym_view *view,
	const gsym_record *rec, const gsym_plan_opts *opts);

/*
 * Is `disk` (the lstat of rec->path) exactly the fallback `rec` records,
 * unedited? Proven by the stat recorded with it, a hard link by sharing
 * its target's inode, else by hashing. Returns 0 or a view error.
 */
int gsym_plan_owned(bool *out, const gsym_view *view, const gsym_record *rec,
	const gsym_stat *disk);

/*
 * Cheaply prove an entry needs nothing (hook mode, when neither the entry
 * nor, for a fallback, its target changed): an index stamp carrying the
 * mark of a link made here (no lstat needed: git rewrites the stamp of
 * whatever it puts at the path), a link still carrying our stamp, or a
 * fallback still carrying its recorded stat. Returns true and sets the
 * state OK; false means plan it fully.
 */
bool gsym_plan_quick(gsym_entry *e, const gsym_view *view,
	const gsym_record *rec, bool source_changed);

/*
 * THE decision of an entry's form: the ordered list of ways to put
 * something at its path (e->hows), best first, from these inputs only:
 *
 *  - whether links can be made in this tree: opts->links_unsupported,
 *    from the state file or learnt by this run when the platform refused
 *    one and a probe at the top of the tree confirmed it (run/probe.c);
 *  - the configured fallbacks, in order: opts->fallbacks
 *    (--fallback, symlinks.fallback, else the platform's default);
 *  - the entry's target: its resolved type (e->type: a junction or a
 *    deep copy only for a directory, a hard link only for a file) and
 *    the resolution flags (e->resolve_flags: no fallback for a target
 *    outside the tree, absolute, in .git, looping, an ancestor);
 *  - the platform's abilities: opts->platform (junctions exist; a link
 *    leaving the tree needs --allow-outside, opts->allow_outside).
 *
 * Apply tries the list in order and reports what failed; an empty list
 * means the placeholder stays (settle() says why).
 */
void gsym_plan_forms(gsym_entry *e, const gsym_plan_opts *opts);

/* Does `disk` still carry the lstat recorded when the fallback was made? */
bool gsym_plan_stat_recorded(const gsym_record *rec, const gsym_stat *disk);

/*
 * Is the copy `rec` made still current, proven by lstat alone: its
 * target as it was copied (and for a directory every source its stat
 * list names)? False when that cannot be proven so.
 */
bool gsym_plan_copy_current(const gsym_view *view, const gsym_record *rec);

/* True when the lstat data equals what the index entry holds. */
bool gsym_stat_matches(const gsym_istat *is, const gsym_stat *st);

#endif
