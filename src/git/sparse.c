#include "git/sparse.h"
#include "util/alloc.h"
#include "pipeline/apply.h"
#include "pipeline/copy.h"
#include "pipeline/state.h"
#include "util/error.h"
#include "git/stamp.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEGIN GSYM_BLOCK_BEGIN
#define END GSYM_BLOCK_END

/* The path of a line "!/escaped/path" of our block, unescaped. */
static char *unescape(const char *p, size_t len)
{
	gsym_buf b = GSYM_BUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\\' && i + 1 < len)
			i++;
		gsym_buf_putc(&b, p[i]);
	}
	return gsym_buf_detach(&b);
}

static bool config_bool(git_config *cfg, const char *name)
{
	int v = 0;

	return git_config_get_bool(&v, cfg, name) == 0 && v;
}

int gsym_sparse_load(gsym_sparse *out, const gsym_repo *repo, git_config *cfg)
{
	gsym_buf content = GSYM_BUF_INIT;
	const char *p, *stop;
	bool inside = false;
	int error;

	memset(out, 0, sizeof(*out));
	{
		gsym_buf f = GSYM_BUF_INIT;

		gsym_buf_printf(&f, "%sinfo/sparse-checkout", repo->gitdir);
		out->file = gsym_buf_detach(&f);
	}
	/* the user's own sparse checkout is theirs: we never touch it */
	out->enabled = config_bool(cfg, "core.sparseCheckout");
	out->ours = !out->enabled || config_bool(cfg, "symlinks.sparse");

	error = gsym_platform_read_file(&content, out->file, 1 << 24);
	if (error == GSYM_ENOTFOUND) {
		gsym_error_clear();
		error = 0;
		goto done;
	}
	if (error < 0)
		goto done;
	for (p = gsym_buf_cstr(&content), stop = p + content.size; p < stop;) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(stop - p);

		/* any worktree's block: `git worktree add` copies the file */
		if (len >= strlen(BEGIN) && !memcmp(p, BEGIN, strlen(BEGIN)))
			inside = true;
		else if (inside && len >= strlen(END) &&
			!memcmp(p, END, strlen(END)))
			inside = false;
		else if (inside && len > 2 && p[0] == '!' && p[1] == '/')
			gsym_strlist_take(&out->paths,
				unescape(p + 2, len - 2));
		p = nl ? nl + 1 : stop;
	}
	gsym_strlist_sort(&out->paths);
done:
	gsym_buf_dispose(&content);
	return error;
}

bool gsym_sparse_hides(const gsym_sparse *sp, const char *path)
{
	return gsym_strlist_covers(&sp->paths, path);
}

/* Write the blob of `ie` at its path, as git's checkout would. */
static int write_blob(gsym_repo *repo, const git_index_entry *ie, gsym_stat *st)
{
	git_blob *blob = NULL;
	git_buf data = { NULL, 0, 0 };
	git_blob_filter_options fo;
	gsym_buf abs = GSYM_BUF_INIT, tmp = GSYM_BUF_INIT;
	int error;

	git_blob_filter_options_init(&fo, GIT_BLOB_FILTER_OPTIONS_VERSION);
	if (git_blob_lookup(&blob, repo->repo, &ie->id) < 0 ||
		git_blob_filter(&data, blob, ie->path, &fo) < 0) {
		error = gsym_repo_git_error("could not read a blob");
		goto done;
	}
	if ((error = gsym_apply_check_parents(repo->workdir, ie->path)) < 0)
		goto done;
	gsym_path_join(&abs, repo->workdir, ie->path);
	gsym_tmp_name(&tmp, abs.ptr, "new");
	gsym_copy_discard(tmp.ptr);
	if ((error = gsym_platform_write_new(tmp.ptr, data.ptr ? data.ptr : "",
		     data.size)) < 0 ||
		(ie->mode == GIT_FILEMODE_BLOB_EXECUTABLE &&
			(error = gsym_platform_make_executable(tmp.ptr)) < 0) ||
		(error = gsym_platform_rename(tmp.ptr, abs.ptr)) < 0 ||
		(error = gsym_platform_lstat(st, abs.ptr)) < 0)
		gsym_copy_discard(tmp.ptr);
done:
	git_buf_dispose(&data);
	git_blob_free(blob);
	gsym_buf_dispose(&abs);
	gsym_buf_dispose(&tmp);
	return error;
}

int gsym_sparse_unhide(gsym_sparse *sp, gsym_repo *repo, bool *changed)
{
	gsym_buf abs = GSYM_BUF_INIT;
	git_index *index;
	size_t i, n;
	int error = 0;

	if (!sp->ours || !sp->paths.n)
		return 0;
	for (i = 0; i < repo->file.n; i++) {
		const gsym_index_item *item = &repo->file.v[i];
		uint32_t mode = gsym_index_item_mode(item);

		if ((item->ext_flags & GSYM_INDEX_SKIP_WORKTREE) &&
			gsym_mode_is(mode, GIT_FILEMODE_BLOB) &&
			gsym_index_item_stage(item) == 0 &&
			gsym_sparse_hides(sp, item->path))
			break;
	}
	if (i == repo->file.n)
		return 0; /* nothing hidden: no need for libgit2's index */
	if ((error = gsym_repo_index(&index, repo)) < 0)
		return error;
	for (i = 0, n = git_index_entrycount(index); i < n; i++) {
		const git_index_entry *ie = git_index_get_byindex(index, i);
		git_index_entry copy;
		gsym_stat st;

		if (!(ie->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) ||
			!gsym_mode_is(ie->mode, GIT_FILEMODE_BLOB) ||
			git_index_entry_stage(ie) != 0 ||
			!gsym_sparse_hides(sp, ie->path))
			continue;
		gsym_buf_clear(&abs);
		gsym_path_join(&abs, repo->workdir, ie->path);
		if (gsym_platform_lstat(&st, abs.ptr) != GSYM_ENOTFOUND) {
			/* something is there: not ours to overwrite */
			gsym_error_clear();
			continue;
		}
		if ((error = write_blob(repo, ie, &st)) < 0) {
			gsym_warn("%s", gsym_error_last());
			error = 0;
			continue;
		}
		copy = *ie;
		gsym_stamp_from_stat(&copy, &st);
		gsym_stamp_skip_worktree(&copy, false);
		if (git_index_add(index, &copy) < 0) {
			error = gsym_repo_git_error(
				"could not update the index");
			break;
		}
		*changed = true;
	}
	gsym_buf_dispose(&abs);
	return error;
}

/* Does any other worktree's sparse-checkout file hold a block of ours? */
static bool others_use_it(gsym_repo *repo, const char *own)
{
	gsym_buf f = GSYM_BUF_INIT, c = GSYM_BUF_INIT;
	git_strarray names = { NULL, 0 };
	size_t i;
	bool found = false;

	if (git_worktree_list(&names, repo->repo) < 0)
		names.count = 0;
	for (i = 0; i <= names.count && !found; i++) {
		gsym_buf_clear(&f);
		if (i == names.count)
			gsym_buf_printf(&f, "%sinfo/sparse-checkout",
				repo->commondir);
		else
			gsym_buf_printf(&f,
				"%sworktrees/%s/info/sparse-checkout",
				repo->commondir, names.strings[i]);
		if (!strcmp(f.ptr, own))
			continue;
		gsym_buf_clear(&c);
		if (gsym_platform_read_file(&c, f.ptr, 1 << 24) == 0)
			found = strstr(gsym_buf_cstr(&c), BEGIN) != NULL;
	}
	gsym_error_clear();
	git_strarray_dispose(&names);
	gsym_buf_dispose(&f);
	gsym_buf_dispose(&c);
	return found;
}

/* Turn git's sparse checkout on (ours) or off again. */
static int set_mode(gsym_repo *repo, bool on)
{
	static const char *keys[] = { "core.sparseCheckout",
		"sparse.expectFilesOutsideOfPatterns", "symlinks.sparse" };
	git_config *cfg = NULL;
	size_t i;
	int error = 0;

	if (git_repository_config(&cfg, repo->repo) < 0)
		return gsym_repo_git_error("could not open the git config");
	for (i = 0; i < GSYM_ARRAY_SIZE(keys) && !error; i++) {
		if (on)
			error = git_config_set_bool(cfg, keys[i], 1);
		else if (git_config_delete_entry(cfg, keys[i]) == GIT_ENOTFOUND)
			error = 0;
	}
	git_error_clear();
	if (error < 0)
		error = gsym_error_set("could not %s sparse checkout in the "
				       "git config",
			on ? "turn on" : "turn off");
	git_config_free(cfg);
	return error;
}

/* Does the state hold a fallback git cannot compare with its entry? */
static bool needed(const gsym_sparse *sp, const gsym_state_file *state)
{
	size_t i;

	for (i = 0; i < state->n; i++)
		if (sp->junctions_only ? !gsym_stamp_by_fsmn(state->v[i].kind) :
					 state->v[i].type == GSYM_TYPE_DIR ||
					state->v[i].size == 0)
			return true;
	return false;
}

int gsym_sparse_sync(gsym_sparse *sp, gsym_repo *repo, const char *id,
	const gsym_state_file *state)
{
	gsym_buf lines = GSYM_BUF_INIT;
	bool changed = false, on = sp->ours && needed(sp, state);
	size_t i, n;
	int error;

	if (!sp->ours)
		return 0;
	if (on) {
		gsym_buf_puts(&lines, "/*\n");
		if (repo->index) {
			n = git_index_entrycount(repo->index);
			for (i = 0; i < n; i++) {
				const git_index_entry *ie =
					git_index_get_byindex(repo->index, i);

				if ((ie->flags_extended &
					    GIT_INDEX_ENTRY_SKIP_WORKTREE) &&
					git_index_entry_stage(ie) == 0)
					gsym_pattern_line(&lines, "!",
						ie->path);
			}
		} else {
			for (i = 0; i < repo->file.n; i++) {
				const gsym_index_item *it = &repo->file.v[i];

				if ((it->ext_flags &
					    GSYM_INDEX_SKIP_WORKTREE) &&
					gsym_index_item_stage(it) == 0)
					gsym_pattern_line(&lines, "!",
						it->path);
			}
		}
	}
	if ((error = gsym_block_sync(&changed, sp->file, id, &lines, true,
		     true)) < 0)
		goto done;
	if (on && (changed || !sp->enabled))
		error = set_mode(repo, true);
	else if (!on && changed && !others_use_it(repo, sp->file))
		error = set_mode(repo, false);
done:
	gsym_buf_dispose(&lines);
	return error;
}

void gsym_sparse_dispose(gsym_sparse *sp)
{
	gsym_strlist_dispose(&sp->paths);
	free(sp->file);
	memset(sp, 0, sizeof(*sp));
}
