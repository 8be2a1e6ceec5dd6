/*
 * Apply: carry out the planner's decisions with platform calls. Each
 * change is made under a temporary name in the same directory and
 * renamed over the old thing, after checking that no leading component
 * of the path is a link.
 */
#ifndef INCLUDE_apply_h__
#define INCLUDE_apply_h__

#include "plan.h"
#include "state.h"
#include "view.h"

typedef struct {
	const gsym_view *view;
	gsym_state_file *state;
	const char *workdir; /* absolute, ends with '/' */
	const char *backup_dir; /* $GIT_DIR/symlinks/backup/ */
	gsym_plan_opts *opts; /* links_unsupported is learnt here */
	bool dry_run;
} gsym_apply_ctx;

/*
 * Carry out `e->action`. Sets e->state (and e->message on failure),
 * e->made, e->result and e->hash. Returns 0; a failure of one entry is
 * recorded in it, not returned.
 */
int gsym_apply_entry(gsym_apply_ctx *ctx, gsym_entry *e);

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
