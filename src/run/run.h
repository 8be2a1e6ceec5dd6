/*
 * The engine behind restore, status and reset: open the repository, scan
 * the index once, plan and apply each selected entry, record, report.
 */
#ifndef INCLUDE_run_run_h__
#define INCLUDE_run_run_h__

#include "pipeline/apply.h"
#include "pipeline/plan.h"
#include "pipeline/report.h"

typedef struct {
	gsym_mode mode;
	gsym_report_format format;
	bool dry_run;
	bool force;
	bool allow_outside;
	bool quiet;
	bool verbose;
	/* progress on stderr: 1 shown, -1 not, 0 when it is a terminal */
	int progress;
	const char *fallback; /* --fallback, or NULL for the config */
	unsigned int jobs; /* --jobs, or 0 for symlinks.jobs */
	bool hook; /* run by a git hook */
	/* post-index-change whose first flag is 0: git changed the index
	 * and not the working tree (a mixed reset, rm --cached) */
	bool worktree_untouched;
	/*
	 * post-checkout and post-index-change: the git that runs the hook
	 * may go on with the index it holds (a rebase's first checkout, a
	 * step of a sequencer), unlike post-merge and post-rewrite
	 */
	bool git_goes_on;
	/* descend into checked-out submodules: a gsym_submodules */
	int recurse_submodules;
	/* post-checkout of a branch switch: only what changed, and stamps */
	const char *old_commit;
	const char *new_commit;
	char **pathspec;
	size_t npathspec;
} gsym_run_opts;

/* Whether a run descends into checked-out submodules. */
typedef enum {
	GSYM_SUBMODULES_CONFIG = -1, /* submodule.recurse decides, as in git */
	GSYM_SUBMODULES_NO = 0,
	GSYM_SUBMODULES_YES = 1
} gsym_submodules;

/* A run of `mode_` as a command starts it: submodule.recurse decides. */
#define GSYM_RUN_OPTS_INIT(mode_)                                             \
	{                                                                     \
		.mode = (mode_), .recurse_submodules = GSYM_SUBMODULES_CONFIG \
	}

/*
 * The restore a command runs over paths of its own (add, watch): quiet,
 * in this repository only.
 */
#define GSYM_RUN_OPTS_INNER_RESTORE_INIT                  \
	{                                                 \
		.mode = GSYM_MODE_RESTORE, .quiet = true, \
		.recurse_submodules = GSYM_SUBMODULES_NO  \
	}

/*
 * Parse a fallback list ("junction,hardlink,copy" or "none") into
 * `opts`. Returns 0, or -1 with the message set.
 */
int gsym_run_parse_fallback(gsym_plan_opts *opts, const char *list);

/* What the run knows while it goes through the entries. */
typedef struct {
	gsym_plan_opts *plan; /* links_unsupported may be learnt */
	gsym_apply_ctx *apply;
	bool links_work; /* a probe showed links work at the top */
} gsym_run_ctx;

/*
 * Plan and apply one entry. When the platform refuses a link as
 * impossible, a probe at the top of the tree tells whether that holds
 * for the whole tree (no privilege, a file system without links): then
 * the run learns it (no further link is tried, and the state file keeps
 * it for later runs) and plans the entry again for its fallbacks.
 * Otherwise the refusal was this path's own (a directory that refuses
 * it) and stays the entry's error. Returns 0, or a fatal error.
 */
int gsym_run_entry(gsym_run_ctx *rc, gsym_entry *e, const gsym_record *rec);

/* The same for an entry already planned: apply, and learn from it. */
int gsym_run_apply(gsym_run_ctx *rc, gsym_entry *e, const gsym_record *rec);

/*
 * Run one command over the repository (and, when asked, its checked-out
 * submodules): prepare, plan and apply, record, report. Returns GSYM_OK,
 * GSYM_PARTIAL when some entries were left alone (and listed), or a
 * negative error with its message set; src/cli/ makes that an exit code.
 */
int gsym_run(const gsym_run_opts *opts);

/*
 * Take the mark a hook's run leaves where git's lock stopped it (the
 * post-index-change inside `git commit -a` or with paths, which holds
 * the index it writes): true when there was one. post-commit restores
 * only then; every other commit was seen to by its own index write.
 */
bool gsym_run_take_pending(void);

/*
 * Has HEAD's tree no link entry, as far as our hooks know without
 * reading the index or the whole tree? Known where it is the tree a hook
 * last found without links (an index that was exactly that tree), or
 * where that tree is HEAD's parent's and the commit added no link (then
 * noted for the next commit). False when not known.
 */
bool gsym_run_head_link_free(void);

#endif
