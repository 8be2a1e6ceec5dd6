/*
 * One entry planned and applied. A link the platform refuses as
 * impossible sends a probe to the top of the tree: the run learns that
 * links do not work here, or that the refusal was the path's own.
 */
#include "run/run_repo.h"
#include "util/error.h"
#include "platform/platform.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Can a symbolic link be made at the top of the working tree now? */
bool gsym_run_links_work(const char *workdir)
{
	gsym_buf probe = GSYM_BUF_INIT;
	bool ok;

	gsym_buf_printf(&probe, "%s" GSYM_TMP_TAG "probe-%ld", workdir,
		(long)gsym_platform_now());
	gsym_platform_remove(probe.ptr);
	ok = gsym_platform_symlink("probe", probe.ptr, GSYM_LINK_FILE) == 0;
	if (ok)
		gsym_platform_remove(probe.ptr);
	gsym_error_clear();
	gsym_buf_dispose(&probe);
	return ok;
}

int gsym_run_apply(gsym_run_ctx *rc, gsym_entry *e, const gsym_record *rec)
{
	gsym_apply_ctx *actx = rc->apply;

	/* planned before the run learnt that links do not work here */
	if (rc->plan->links_unsupported && e->action == GSYM_ACT_CREATE &&
		e->nhows && e->hows[0] == GSYM_HOW_SYMLINK) {
		e->flags &= ~GSYM_ENTRY_LINKS_REFUSED;
		free(e->message);
		e->message = NULL;
		gsym_plan_entry(e, actx->view, rec, rc->plan);
	}
	if (!(e->flags & GSYM_ENTRY_LINKS_REFUSED))
		gsym_apply_entry(actx, e);
	if (!(e->flags & GSYM_ENTRY_LINKS_REFUSED))
		return 0;
	e->flags &= ~GSYM_ENTRY_LINKS_REFUSED;
	if (rc->links_work || gsym_run_links_work(actx->workdir)) {
		/* links work at the top: the refusal is this path's own */
		rc->links_work = true;
		return 0;
	}
	rc->plan->links_unsupported = true;
	if (!actx->state->links_unsupported) {
		actx->state->links_unsupported = true;
		actx->state->dirty = true;
	}
	free(e->message);
	e->message = NULL;
	gsym_plan_entry(e, actx->view, rec, rc->plan);
	gsym_apply_entry(actx, e);
	return 0;
}

int gsym_run_entry(gsym_run_ctx *rc, gsym_entry *e, const gsym_record *rec)
{
	gsym_plan_entry(e, rc->apply->view, rec, rc->plan);
	return gsym_run_apply(rc, e, rec);
}
