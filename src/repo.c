#include "repo.h"
#include "error.h"
#include "buf.h"
#include "index_check.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gsym_repo_git_error(const char *what)
{
	const git_error *e = git_error_last();

	return gsym_error_set("%s: %s", what,
		e && e->message ? e->message : "unknown libgit2 error");
}

static char *with_slash(const char *path)
{
	gsym_buf b = GSYM_BUF_INIT;

	gsym_buf_puts(&b, path);
	if (!b.size || b.ptr[b.size - 1] != '/')
		gsym_buf_putc(&b, '/');
	return gsym_buf_detach(&b);
}

/* The current directory relative to the top of the working tree. */
static char *compute_prefix(const char *workdir)
{
	gsym_buf cwd = GSYM_BUF_INIT, wd = GSYM_BUF_INIT, b = GSYM_BUF_INIT;

	if (gsym_platform_realpath(&cwd, ".") == 0 &&
		gsym_platform_realpath(&wd, workdir) == 0) {
		while (wd.size > 1 && wd.ptr[wd.size - 1] == '/')
			gsym_buf_truncate(&wd, wd.size - 1);
		if (cwd.size > wd.size &&
			gsym_platform_same_path(cwd.ptr, wd.ptr, wd.size) &&
			cwd.ptr[wd.size] == '/') {
			gsym_buf_puts(&b, cwd.ptr + wd.size + 1);
			gsym_buf_putc(&b, '/');
		}
	}
	gsym_error_clear();
	gsym_buf_dispose(&cwd);
	gsym_buf_dispose(&wd);
	return gsym_buf_detach(&b);
}

static char *index_path_of(gsym_repo *repo)
{
	const char *env = getenv("GIT_INDEX_FILE");
	gsym_buf b = GSYM_BUF_INIT;

	if (env && *env)
		gsym_buf_puts(&b, env);
	else
		gsym_buf_printf(&b, "%sindex", repo->gitdir);
	return gsym_buf_detach(&b);
}

int gsym_repo_open(gsym_repo *out, bool lock)
{
	char *work_tree;
	int error;

	memset(out, 0, sizeof(*out));
	/* libgit2 1.5 refuses GIT_WORK_TREE: apply it after opening */
	if ((work_tree = getenv("GIT_WORK_TREE")) != NULL) {
		work_tree = strdup(work_tree);
		gsym_platform_setenv("GIT_WORK_TREE", NULL);
	}
	error = git_repository_open_ext(&out->repo, NULL,
		GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (work_tree) {
		gsym_platform_setenv("GIT_WORK_TREE", work_tree);
		if (!error &&
			git_repository_set_workdir(out->repo, work_tree, 0) < 0)
			error = -1;
		free(work_tree);
	}
	if (error == GIT_ENOTFOUND && !getenv("GIT_DIR"))
		return gsym_error_set("not a git repository (or any of the "
				      "parent directories); run it inside a "
				      "working tree or use -C <dir>");
	if (error < 0)
		return gsym_repo_git_error("could not open the repository");
	if (git_repository_is_bare(out->repo) ||
		!git_repository_workdir(out->repo))
		return gsym_error_set("this operation must be run in a work "
				      "tree ('%s' is bare)",
			git_repository_path(out->repo));
	out->workdir = with_slash(git_repository_workdir(out->repo));
	out->gitdir = with_slash(git_repository_path(out->repo));
	out->commondir = with_slash(git_repository_commondir(out->repo));
	out->prefix = compute_prefix(out->workdir);
	out->index_path = index_path_of(out);

	/* lock first: what we decide on is what we write back */
	if (lock && (error = gsym_repo_lock(out)) < 0)
		return error;
	if ((error = git_repository_index(&out->index, out->repo)) < 0) {
		gsym_buf why = GSYM_BUF_INIT;

		gsym_repo_git_error("could not read the index");
		/* name the entry, when a refused path is what broke it */
		if (gsym_index_explain(&why, out->index_path, 0) == 1)
			gsym_error_set("%s; nothing was changed (drop it with "
				       "'git rm --cached')",
				why.ptr);
		gsym_buf_dispose(&why);
		return GSYM_ERROR;
	}
	free(out->index_path);
	out->index_path = strdup(git_index_path(out->index));
	if ((error = git_repository_odb(&out->odb, out->repo)) < 0)
		return gsym_repo_git_error(
			"could not open the object database");
	return 0;
}

#define LOCK_MARK "git-symlinks lock pid="

/*
 * A lock this tool wrote (it names us and a pid) whose process is gone:
 * left by a killed run, so provably safe to remove. Git's own locks never
 * hold this text.
 */
static bool stale_own_lock(const char *path)
{
	gsym_buf content = GSYM_BUF_INIT;
	bool stale = false;

	if (gsym_platform_read_file(&content, path, 256) == 0 &&
		content.size > strlen(LOCK_MARK) &&
		!strncmp(content.ptr, LOCK_MARK, strlen(LOCK_MARK)))
		stale = !gsym_platform_process_alive(
			strtol(content.ptr + strlen(LOCK_MARK), NULL, 10));
	gsym_buf_dispose(&content);
	return stale;
}

int gsym_repo_lock(gsym_repo *repo)
{
	gsym_buf b = GSYM_BUF_INIT, mark = GSYM_BUF_INIT;
	int error;

	gsym_buf_printf(&b, "%s.lock", repo->index_path);
	gsym_buf_printf(&mark, LOCK_MARK "%ld\n", gsym_platform_pid());
	error = gsym_platform_lock(b.ptr, mark.ptr);
	if (error == GSYM_ELOCKED && stale_own_lock(b.ptr)) {
		fprintf(stderr,
			"warning: removed '%s' left by a killed "
			"git-symlinks run\n",
			b.ptr);
		gsym_platform_remove(b.ptr);
		error = gsym_platform_lock(b.ptr, mark.ptr);
	}
	gsym_buf_dispose(&mark);
	if (error < 0) {
		gsym_buf_dispose(&b);
		return error;
	}
	repo->lock_path = gsym_buf_detach(&b);
	return 0;
}

void gsym_repo_unlock(gsym_repo *repo)
{
	if (repo->lock_path) {
		gsym_platform_remove(repo->lock_path);
		free(repo->lock_path);
		repo->lock_path = NULL;
	}
}

int gsym_repo_write_index(gsym_repo *repo)
{
	/*
	 * libgit2 writes through its own `index.lock` and renames it into
	 * place, so the index is replaced atomically; hand our lock over.
	 */
	gsym_repo_unlock(repo);
	if (git_index_write(repo->index) < 0)
		return gsym_repo_git_error("could not write the index");
	return 0;
}

void gsym_repo_close(gsym_repo *repo)
{
	gsym_repo_unlock(repo);
	git_odb_free(repo->odb);
	git_index_free(repo->index);
	git_repository_free(repo->repo);
	free(repo->workdir);
	free(repo->gitdir);
	free(repo->commondir);
	free(repo->index_path);
	free(repo->prefix);
	memset(repo, 0, sizeof(*repo));
}
