#include "run/run_repo.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void flush(gsym_buf *b, FILE *f)
{
	if (b->size)
		fwrite(b->ptr, 1, b->size, f);
	fflush(f);
}

/* Report: print the entries; GSYM_PARTIAL when some were left alone. */
static int report_results(gsym_run_repo *r)
{
	gsym_buf out = GSYM_BUF_INIT, err = GSYM_BUF_INIT;
	gsym_report_opts ropts;
	size_t bad;

	ropts.format = r->o->format;
	ropts.mode = r->o->mode;
	ropts.dry_run = r->o->dry_run;
	ropts.quiet = r->o->quiet;
	ropts.verbose = r->o->verbose;
	bad = gsym_report(&out, &err, &r->entries, &ropts);
	flush(&out, stdout);
	flush(&err, stderr);
	gsym_buf_dispose(&out);
	gsym_buf_dispose(&err);
	return bad ? GSYM_PARTIAL : GSYM_OK;
}

static void run_dispose(gsym_run_repo *r)
{
	git_config_free(r->cfg);
	gsym_strlist_dispose(&r->changed);
	gsym_strlist_dispose(&r->seen);
	gsym_strlist_dispose(&r->through);
	gsym_buf_dispose(&r->token);
	gsym_view_repo_dispose(&r->rv);
	gsym_state_dispose(&r->state);
	gsym_sparse_dispose(&r->sparse);
	gsym_entries_dispose(&r->entries);
	gsym_repo_close(&r->repo);
	gsym_buf_dispose(&r->backup_dir);
	free(r->id);
}

/* One repository; the checked-out submodules it has go to `subs`. */
static int run_repository(const gsym_run_opts *o, gsym_strlist *subs,
	char **workdir)
{
	gsym_run_repo r;
	gsym_error_saved saved;
	int error;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.writes = o->mode != GSYM_MODE_STATUS && !o->dry_run;
	r.jobs = 1;
	/* a hook's stderr is git's: shown on a terminal, quiet or not */
	r.show_progress = gsym_progress_wanted(o->progress) &&
		(o->progress > 0 || !o->quiet || o->hook);
	git_libgit2_init();
	if (gsym_run_nothing_since(o)) {
		git_libgit2_shutdown();
		return GSYM_OK;
	}
	error = gsym_run_prepare(&r);
	/*
	 * git holds the index (post-index-change inside `git commit -a`,
	 * which writes index.lock and keeps it): post-commit, or the next
	 * hook or command, sees to it
	 */
	if (error == GSYM_ELOCKED && o->hook) {
		gsym_run_note_pending(&r.repo);
		error = GSYM_OK;
		goto done;
	}
	if (error < 0 || (error = gsym_run_plan_and_apply(&r)) < 0 ||
		(r.writes && (error = gsym_run_record(&r)) < 0))
		goto done;
	error = report_results(&r);
	*subs = r.subs;
	r.subs.v = NULL;
	r.subs.n = 0;
	if (subs->n)
		*workdir = gsym_strdup(r.repo.workdir);
done:
	gsym_error_save(&saved); /* the cleanup keeps the failure's message */
	gsym_strlist_dispose(&r.subs);
	run_dispose(&r);
	git_libgit2_shutdown();
	return gsym_error_restore(&saved, error);
}

/* The worse of two results: an error, else some left alone, else OK. */
static int worse(int a, int b)
{
	if (a < 0 || b < 0)
		return a < 0 ? a : b;
	return a > b ? a : b;
}

/* Run the same command in each submodule; returns the worst result. */
static int recurse(const gsym_run_opts *o, const char *workdir,
	const gsym_strlist *subs)
{
	static const char *vars[] = { "GIT_DIR", "GIT_WORK_TREE",
		"GIT_INDEX_FILE", "GIT_COMMON_DIR" };
	gsym_run_opts sub = *o;
	gsym_buf cwd = GSYM_BUF_INIT, dir = GSYM_BUF_INIT;
	size_t i;
	int worst = GSYM_OK, error;

	sub.pathspec = NULL;
	sub.npathspec = 0;
	sub.old_commit = sub.new_commit = NULL;
	gsym_platform_realpath(&cwd, ".");
	/* a hook's environment names the superproject, not the submodule */
	for (i = 0; i < GSYM_ARRAY_SIZE(vars); i++)
		gsym_platform_setenv(vars[i], NULL);
	for (i = 0; i < subs->n; i++) {
		gsym_buf_sets(&dir, workdir);
		gsym_buf_puts(&dir, subs->v[i]);
		if ((error = gsym_platform_chdir(dir.ptr)) < 0) {
			gsym_warn("%s", gsym_error_last());
			worst = worse(worst, GSYM_PARTIAL);
			continue;
		}
		if (o->format == GSYM_REPORT_TEXT && !o->quiet)
			printf("Entering '%s'\n", subs->v[i]);
		error = gsym_run(&sub);
		if (error < 0)
			gsym_warn("%s", gsym_error_last());
		worst = worse(worst, error < 0 ? GSYM_PARTIAL : error);
	}
	if (cwd.size)
		gsym_platform_chdir(cwd.ptr);
	gsym_buf_dispose(&cwd);
	gsym_buf_dispose(&dir);
	return worst;
}

int gsym_run(const gsym_run_opts *o)
{
	gsym_strlist subs = GSYM_STRLIST_INIT;
	char *workdir = NULL;
	int error;

	error = run_repository(o, &subs, &workdir);
	if (error >= 0 && subs.n)
		error = worse(error, recurse(o, workdir, &subs));
	gsym_strlist_dispose(&subs);
	free(workdir);
	return error;
}
