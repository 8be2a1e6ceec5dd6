/*
 * Apply: carry out the planner's decisions with platform calls. Each
 * change is made under a temporary name in the same directory and
 * renamed over the old thing, after checking that no leading component
 * of the path is a link.
 */
#ifndef INCLUDE_pipeline_apply_h__
#define INCLUDE_pipeline_apply_h__

#include "pipeline/plan.h"
#include "pipeline/state.h"
#include "pipeline/view.h"

typedef struct {
	const gsym_view *view;
	gsym_state_file *state;
	const char *workdir; /* absolute, ends with '/' */
	const char *backup_dir; /* $GIT_DIR/symlinks/backup/ */
	const gsym_plan_opts *opts;
	/* what is made is stamped before this second (0: no limit) */
	int64_t stamp_limit;
	bool dry_run;
	/* set while entries are applied on several threads: held around
	   every use of `state` (the view is then one that locks too) */
	gsym_mutex *lock;
	/* entries made, files and bytes copied, when shown (or NULL) */
	gsym_progress *progress;
} gsym_apply_ctx;

/*
 * Carry out `e->action`: for CREATE, try the planned forms in order,
 * going on to the next when one is unavailable here. Sets e->state (and
 * e->message on failure), e->made, e->result and e->hash. When the
 * platform refuses a link as impossible (no privilege, no links on the
 * file system) it stops there with GSYM_ENTRY_LINKS_REFUSED set: the
 * run decides what that means and plans again. A failure of one entry
 * is recorded in it.
 */
void gsym_apply_entry(gsym_apply_ctx *ctx, gsym_entry *e);

/*
 * A fallback whose link entry is gone (deleted, or turned into a file or
 * a directory of files) and that git could not or did not remove (a
 * directory; a path our sparse block hid): with `remove`, remove it from
 * the tree while it is provably ours and unedited; an edited one is left,
 * with a warning, and `*out_kept` says to keep its record (and exclude
 * line). Without `remove` (the user staged something else there), only
 * say whether it is still there unedited, so the record stays for the
 * pre-commit guard.
 */
/*
 * The fallback `rec` at a link entry in conflict: replaced, while provably
 * ours and unedited, by git's placeholder `text` of the version it was
 * made for. Anything else there stays. The record stays either way: it
 * says where the link led, for the links resolved through it, until the
 * conflict is resolved. A failure leaves the fallback as it was and is
 * no error of the run.
 */
void gsym_apply_conflicted(gsym_apply_ctx *ctx, const gsym_record *rec,
	const char *text, size_t len);

int gsym_apply_leftover(bool *out_kept, gsym_apply_ctx *ctx,
	const gsym_record *rec, bool remove);

/*
 * Remove this tool's temporary names beside `path` (left by a killed
 * run), never following links.
 */
int gsym_apply_cleanup(gsym_apply_ctx *ctx, const char *path);

/*
 * Check that every leading component of `path` (relative to `workdir`)
 * is a real directory, creating missing ones. GSYM_EUNSAFE when one is a
 * link, a junction or a file.
 */
int gsym_apply_check_parents(const char *workdir, const char *path);

#endif
