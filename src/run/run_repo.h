/*
 * One run over one repository, from opening it to the report, and its
 * phases: what the files of run/ share (run.h is what the layers above
 * call).
 */
#ifndef INCLUDE_run_run_repo_h__
#define INCLUDE_run_run_repo_h__

#include "run/run.h"
#include "git/changes.h"
#include "git/repo.h"
#include "git/sparse.h"
#include "git/view_repo.h"
#include "pipeline/state.h"
#include "platform/progress.h"

/* One run over one repository, from opening it to the report. */
typedef struct {
	const gsym_run_opts *o;
	gsym_repo repo;
	git_config *cfg; /* one snapshot for the run */
	gsym_entries entries;
	gsym_state_file state;
	gsym_sparse sparse;
	gsym_repo_view rv;
	gsym_view view;
	gsym_plan_opts plan;
	gsym_apply_ctx actx;
	gsym_run_ctx rctx;
	gsym_buf backup_dir;
	gsym_strlist changed; /* what a branch switch changed */
	gsym_strlist subs; /* checked-out submodules to descend into */
	char *id; /* the worktree's name in exclude and sparse blocks */
	bool writes; /* restore or reset, not a dry run */
	bool quick; /* a branch switch: only what it changed */
	bool by_stat; /* quick, with targets proven unchanged by stat */
	/* not quick, but what the fsmonitor daemon saw no change in is
	   taken as our last run left it (restore, status) */
	bool trust_daemon;
	bool fsmn; /* fallbacks hidden through git's fsmonitor */
	gsym_strlist seen; /* what the fsmonitor daemon saw change */
	bool seen_known; /* since our last run: `seen` is all that did */
	/* where a link that changed led: what resolved through it may not */
	gsym_strlist through;
	/* a record kept because HEAD has its link: the next HEAD decides */
	bool by_head;
	gsym_buf token; /* the daemon's token for our next run */
	int64_t started; /* seconds: what was read after it is no older */
	unsigned int jobs;
	/* on stderr: links checked, then made, files and bytes copied */
	gsym_progress progress;
	bool show_progress;
} gsym_run_repo;

/*
 * symlinks.fallback, symlinks.allowOutside, symlinks.copyLimit,
 * symlinks.jobs and (when `*recurse` is GSYM_SUBMODULES_CONFIG) submodule.recurse from `cfg`
 * (config.c). Returns 0, or -1 with the message set.
 */
int gsym_run_read_config(gsym_plan_opts *plan, const gsym_run_opts *o,
	git_config *cfg, int *recurse, unsigned int *jobs);

/*
 * Open the repository (locking the index when writing), read the config,
 * the state, the sparse block and the link entries; decide what the run
 * may skip (prepare.c). Returns 0 or an error.
 */
int gsym_run_prepare(gsym_run_repo *r);

/* Plan and apply every selected entry (plan_apply.c). 0 or an error. */
int gsym_run_plan_and_apply(gsym_run_repo *r);

/*
 * Record the index, the sparse block, git's config, the state file and
 * the exclude lines (run/record.c). Returns 0 or an error.
 */
int gsym_run_record(gsym_run_repo *r);

/* Can a symbolic link be made at the top of `workdir` now (probe.c)? */
bool gsym_run_links_work(const char *workdir);

/*
 * May `e` (planned, with `rec` its record or NULL) be made on a thread of
 * its own (ahead.c)?
 */
bool gsym_run_parallel_ok(const gsym_entry *e, const gsym_record *rec);

/* Below this many links to make, threads cost more than they save. */
#define CREATE_AHEAD_MIN 64

/*
 * Make the first of the `*n` links in `v` on this thread, to learn
 * whether links work here; plan again what can no longer be a link, and
 * drop from `v` what cannot go ahead (ahead.c). Returns 0 or an error.
 */
int gsym_run_learn_links(gsym_run_repo *r, gsym_entry **v, size_t *n);

/* Make the `n` entries of `v` on threads, a directory to a thread. */
void gsym_run_create_ahead(gsym_run_repo *r, gsym_entry **v, size_t n);

/*
 * A hook: ask the fsmonitor daemon what changed since our last run, into
 * r->seen (daemon.c).
 */
void gsym_run_ask_daemon(gsym_run_repo *r);

/*
 * Is `e`, our copy, current by what the daemon saw (nothing at it or its
 * target)? Then its state is set, and true.
 */
bool gsym_run_unseen(gsym_run_repo *r, gsym_entry *e, const gsym_record *rec);

/*
 * Note where each link entry that changed since our last run led, in
 * r->through: what was made from there is planned in full (daemon.c).
 */
void gsym_run_note_through(gsym_run_repo *r);

/*
 * The records of paths that are no longer link entries: a leftover of
 * ours goes (or stays, as a real link would), a conflicted link gets
 * git's placeholder back (run/record.c). Before the entries are planned, so
 * that a link resolved through such a path sees what will be there.
 */
int gsym_run_settle(gsym_run_repo *r);

/*
 * Leave the mark post-commit looks for (run.h gsym_run_take_pending):
 * git's lock stopped this hook's run.
 */
void gsym_run_note_pending(const gsym_repo *repo);

/* Note the index and the daemon's token for the next run. */
void gsym_run_keep_token(const gsym_run_repo *r);

/*
 * A hook with nothing to do since our last run: the index is the one it
 * left (or has the same link entries), and the daemon saw nothing of ours
 * change. No index read in full, no state read.
 */
bool gsym_run_nothing_since(const gsym_run_opts *o);

#endif
