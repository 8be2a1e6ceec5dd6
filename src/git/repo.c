#include "git/repo.h"
#include "util/alloc.h"

#include <git2/sys/repository.h>
#include "util/error.h"
#include "util/buf.h"
#include "pipeline/copy.h"
#include "git/index_file.h"
#include "pipeline/validate.h"
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

/* Say why libgit2 could not read the index, and what to do. */
static int index_error(gsym_repo *repo)
{
	const char *ext = repo->file.extension;
	gsym_buf why = GSYM_BUF_INIT;
	int error;

	if (!strcmp(ext, "link"))
		error = gsym_error_set("the index is split (core.splitIndex), "
				       "which git-symlinks cannot read; "
				       "run 'git config core.splitIndex "
				       "false' and 'git update-index "
				       "--no-split-index'");
	else if (!strcmp(ext, "sdir"))
		error = gsym_error_set("the index is sparse (index.sparse), "
				       "which git-symlinks cannot read; run "
				       "'git sparse-checkout init "
				       "--no-sparse-index'");
	/* name the entry, when a refused path is what broke it */
	else if (gsym_index_file_explain(&why, &repo->file,
			 GSYM_VALIDATE_ANY_ENTRY) == 1)
		error = gsym_error_set("%s; nothing was changed (drop it with "
				       "'git rm --cached')",
			why.ptr);
	else
		error = gsym_repo_git_error("could not read the index");
	gsym_buf_dispose(&why);
	return error;
}

/*
 * Read the index file ourselves; where libgit2 might judge it otherwise
 * (a path git refuses, a file this reader does not take), let libgit2
 * read it too, now, so its verdict comes before anything is changed.
 */
static int read_index(gsym_repo *repo)
{
	git_index *index;
	int error = gsym_index_file_read(&repo->file, repo->index_path);

	if (error == GSYM_ENOTFOUND) { /* no index yet: no entries */
		repo->file_missing = true;
		error = 0;
	} else if (error == 0 &&
		gsym_index_file_explain(NULL, &repo->file,
			GSYM_VALIDATE_ANY_ENTRY))
		error = gsym_repo_index(&index, repo);
	else if (error < 0) {
		gsym_buf why = GSYM_BUF_INIT;

		gsym_buf_puts(&why, gsym_error_last());
		error = gsym_repo_index(&index, repo);
		if (error == 0) /* libgit2 takes what this reader does not */
			error = gsym_error_set(
				"unsupported index file '%s' "
				"(%s); rewrite it with 'git "
				"update-index --index-version 3'",
				repo->index_path, why.ptr);
		gsym_buf_dispose(&why);
	}
	if (!error)
		gsym_error_clear();
	return error;
}

/* Where the new index is written before it replaces the old one. */
static void new_index_path(gsym_buf *out, const gsym_repo *repo)
{
	gsym_buf_printf(out, "%s.gsym-new", repo->index_path);
}

/*
 * Remove what a killed or failed write left beside the index (names of
 * ours); the message of a failure it follows stays.
 */
static void remove_new_index(const gsym_repo *repo)
{
	gsym_buf path = GSYM_BUF_INIT;

	new_index_path(&path, repo);
	gsym_copy_discard(path.ptr);
	gsym_buf_puts(&path, ".lock");
	gsym_copy_discard(path.ptr);
	gsym_buf_dispose(&path);
}

/*
 * The copy carries the index's own mtime: libgit2 takes an entry whose
 * mtime is not older than that as racily clean and, on writing, checks
 * its content and smudges it when it changed. A fresh mtime would hide
 * a file edited in the same tick as its entry was stamped, and git would
 * then call it clean for good. (Our lock keeps git from writing the index
 * since we read it, so its mtime now is the one of the bytes we hold.)
 */
static int keep_index_time(gsym_repo *repo, const char *copy)
{
	gsym_stat st;
	int error = gsym_platform_lstat(&st, repo->index_path);

	if (!error)
		error = gsym_platform_set_mtime(copy, st.mtime_sec,
			st.mtime_nsec);
	return error;
}

/*
 * libgit2 reads (and later writes) a private copy of the index beside it,
 * made from the bytes already read: git_index_write on the index itself
 * would take `index.lock`, and a kill while it wrote would leave a lock
 * nobody can prove stale. The copy is renamed over the index while our
 * marked lock is held, so a kill at any point leaves only what the next
 * run recognises as its own. It keeps git's cache-tree as libgit2 keeps
 * it. Without our lock (a read-only run) libgit2 reads the index itself.
 */
int gsym_repo_index(git_index **out, gsym_repo *repo)
{
	gsym_buf path = GSYM_BUF_INIT;
	int error = 0;

	if (repo->index)
		goto done;
	if (!repo->lock_path || (!repo->file.data && !repo->file_missing)) {
		if (git_repository_index(&repo->index, repo->repo) < 0)
			error = index_error(repo);
		goto done;
	}
	remove_new_index(repo);
	new_index_path(&path, repo);
	if (repo->file.size &&
		(error = gsym_platform_write_new(path.ptr,
			 (const char *)repo->file.data, repo->file.size)) == 0)
		error = keep_index_time(repo, path.ptr);
	if (!error && git_index_open(&repo->index, path.ptr) < 0)
		error = index_error(repo);
	if (error < 0) {
		remove_new_index(repo);
		goto done;
	}
	repo->private_index = true;
	/* attributes read from the index see this copy, not another load */
	git_repository_set_index(repo->repo, repo->index);
done:
	gsym_buf_dispose(&path);
	if (!error)
		*out = repo->index;
	return error;
}

int gsym_repo_open(gsym_repo *out, bool lock)
{
	char *work_tree;
	int error;

	memset(out, 0, sizeof(*out));
	/* libgit2 1.5 refuses GIT_WORK_TREE: apply it after opening */
	if ((work_tree = getenv("GIT_WORK_TREE")) != NULL) {
		work_tree = gsym_strdup(work_tree);
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
	if (lock)
		remove_new_index(out); /* a killed run's, if any */
	if ((error = read_index(out)) < 0)
		return error;
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
		gsym_error_printf("removed '%s' left by a killed run", b.ptr);
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
	gsym_buf path = GSYM_BUF_INIT;
	int error = 0;

	if (!repo->index)
		goto done;
	if (!repo->private_index) {
		/* not ours to write: the lock was never taken */
		error = gsym_error_set("the index was opened read-only");
		goto done;
	}
	/* libgit2 replaces our copy (through its `.lock` beside it)... */
	if (git_index_write(repo->index) < 0) {
		error = gsym_repo_git_error("could not write the index");
		remove_new_index(repo);
		goto done;
	}
	/* ...and the copy replaces the index while our lock is held */
	new_index_path(&path, repo);
	if ((error = gsym_platform_rename(path.ptr, repo->index_path)) < 0)
		remove_new_index(repo);
done:
	gsym_buf_dispose(&path);
	gsym_repo_unlock(repo);
	return error;
}

void gsym_repo_close(gsym_repo *repo)
{
	if (repo->private_index && repo->lock_path)
		remove_new_index(repo); /* read, never written */
	gsym_repo_unlock(repo);
	git_odb_free(repo->odb);
	git_index_free(repo->index);
	gsym_index_file_dispose(&repo->file);
	git_repository_free(repo->repo);
	free(repo->workdir);
	free(repo->gitdir);
	free(repo->commondir);
	free(repo->index_path);
	free(repo->prefix);
	memset(repo, 0, sizeof(*repo));
}
