#include "workflow/add.h"
#include "git/stamp.h"
#include "git/repo.h"
#include "pipeline/state.h"
#include "run/run.h"
#include "pipeline/validate.h"
#include "platform/platform.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split "a/b/c" (first `len` bytes) into components; returns how many. */
static size_t split(const char **comp, size_t *clen, size_t max, const char *s,
	size_t len)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		size_t l = 0;

		while (i + l < len && s[i + l] != '/')
			l++;
		if (l) {
			comp[n] = s + i;
			clen[n++] = l;
		}
		i += l + 1;
	}
	return n;
}

/* `rel` (from the top) as seen from directory `dir` (its first dl bytes) */
static void relative_to(gsym_buf *out, const char *dir, size_t dl,
	const char *rel)
{
	const char *dc[256], *rc[256];
	size_t dlen[256], rlen[256], nd, nr, i = 0, k;

	nd = split(dc, dlen, 256, dir, dl);
	nr = split(rc, rlen, 256, rel, strlen(rel));
	while (i < nd && i < nr && dlen[i] == rlen[i] &&
		!memcmp(dc[i], rc[i], dlen[i]))
		i++;
	for (k = i; k < nd; k++)
		gsym_buf_puts(out, k + 1 < nd || i < nr ? "../" : "..");
	for (k = i; k < nr; k++) {
		gsym_buf_put(out, rc[k], rlen[k]);
		if (k + 1 < nr)
			gsym_buf_putc(out, '/');
	}
	if (!out->size)
		gsym_buf_putc(out, '.');
}

void gsym_add_relative(gsym_buf *out, const char *workdir,
	const char *link_path, const char *target, bool *outside)
{
	size_t wl = strlen(workdir), dl = gsym_path_dirlen(link_path);
	const char *rel;

	*outside = false;
	gsym_buf_clear(out);
	if (!gsym_target_is_absolute(target, strlen(target))) {
		gsym_buf_puts(out, target);
		return;
	}
	/* workdir ends with '/'; the tree's top itself is "" */
	if (!(strlen(target) + 1 >= wl &&
		    gsym_platform_same_path(target, workdir, wl - 1) &&
		    (target[wl - 1] == '/' || target[wl - 1] == '\0'))) {
		*outside = true;
		gsym_buf_puts(out, target);
		return;
	}
	rel = target[wl - 1] ? target + wl : "";
	relative_to(out, link_path, dl, rel);
}

/*
 * Stage `path` as a link to the `rel_len` bytes of `rel` (a junction
 * recorded as the link's fallback from now on); a link on disk (`st`,
 * its text `text`) whose text was made relative is removed, for restore
 * to make anew. Returns 0 or an error.
 */
static int stage(gsym_repo *repo, gsym_state_file *state, const char *path,
	const char *target, const gsym_stat *st, const char *rel,
	size_t rel_len, const char *text, const char *abs)
{
	git_index_entry entry;

	memset(&entry, 0, sizeof(entry));
	if (git_odb_write(&entry.id, repo->odb, rel, rel_len, GIT_OBJECT_BLOB) <
		0)
		return gsym_repo_git_error("could not write the blob");
	/* files staged below a directory link or junction go */
	{
		gsym_buf prefix = GSYM_BUF_INIT;
		size_t pos;

		gsym_buf_printf(&prefix, "%s/", path);
		if (git_index_find_prefix(&pos, repo->index, prefix.ptr) == 0)
			git_index_remove_directory(repo->index, path, 0);
		gsym_buf_dispose(&prefix);
	}
	entry.mode = GIT_FILEMODE_LINK;
	entry.path = path;
	if (!target && st->type == GSYM_FT_LINK)
		gsym_stamp_from_stat(&entry,
			st); /* the link on disk is the entry */
	if (git_index_add(repo->index, &entry) < 0)
		return gsym_repo_git_error("could not update the index");
	if (!target && st->type == GSYM_FT_JUNCTION) {
		/* a junction is a fallback of the link from now on */
		gsym_record rec;

		memset(&rec, 0, sizeof(rec));
		rec.kind = GSYM_KIND_JUNCTION;
		rec.type = GSYM_TYPE_DIR;
		memcpy(rec.blob, entry.id.id, GSYM_OID_RAWSZ);
		rec.path = (char *)path;
		gsym_state_put(state, &rec);
	}
	/*
	 * A link whose text was made relative is replaced by the recorded
	 * one (restore below makes it); a junction stays as the fallback.
	 */
	if (!target && st->type == GSYM_FT_LINK && strcmp(rel, text))
		return gsym_platform_remove(abs);
	return 0;
}

/* Record one path; returns 0, or 1 when it was refused (and said why). */
static int add_one(gsym_repo *repo, gsym_state_file *state, const char *path,
	const char *target, bool allow_outside)
{
	gsym_buf abs = GSYM_BUF_INIT, text = GSYM_BUF_INIT, rel = GSYM_BUF_INIT;
	const char *reason;
	gsym_stat st;
	bool outside = false;
	int refused = 1;

	memset(&st, 0, sizeof(st));
	if ((reason = gsym_validate_path(path,
		     gsym_platform_info_get()->has_junctions ?
			     GSYM_VALIDATE_WINDOWS :
			     0))) {
		gsym_warn("cannot add '%s': %s", path, reason);
		goto done;
	}
	gsym_path_join(&abs, repo->workdir, path);
	if (target) {
		gsym_buf_puts(&rel, target);
	} else {
		if (gsym_platform_lstat(&st, abs.ptr) < 0 ||
			(st.type != GSYM_FT_LINK &&
				st.type != GSYM_FT_JUNCTION)) {
			if (gsym_state_find(state, path)) {
				refused = 0; /* a fallback of ours: recorded */
				goto done;
			}
			gsym_warn("'%s' is not a link or junction; "
				  "make one with 'git symlinks add "
				  "--target <target> %s'",
				path, path);
			goto done;
		}
		if (gsym_platform_readlink(&text, abs.ptr) < 0) {
			gsym_warn("%s", gsym_error_last());
			goto done;
		}
		gsym_add_relative(&rel, repo->workdir, path, text.ptr,
			&outside);
		if (outside &&
			(st.type == GSYM_FT_JUNCTION || !allow_outside)) {
			gsym_warn(
				"'%s' points outside the working tree ('%s'); "
				"%s",
				path, text.ptr,
				st.type == GSYM_FT_JUNCTION ?
					"a junction outside cannot be recorded" :
					"use --allow-outside to record it as is");
			goto done;
		}
	}
	if ((reason = gsym_validate_target(rel.ptr, rel.size,
		     gsym_platform_info_get()->has_junctions ?
			     GSYM_VALIDATE_WINDOWS :
			     0))) {
		gsym_warn("cannot add '%s': %s", path, reason);
		goto done;
	}
	if (stage(repo, state, path, target, &st, rel.ptr, rel.size, text.ptr,
		    abs.ptr) < 0) {
		gsym_warn("%s", gsym_error_last());
		goto done;
	}
	printf("add '%s' -> %s\n", path, rel.ptr);
	refused = 0;
done:
	gsym_buf_dispose(&abs);
	gsym_buf_dispose(&text);
	gsym_buf_dispose(&rel);
	return refused;
}

int gsym_add(const gsym_add_opts *opts)
{
	char **paths = gsym_calloc(opts->npaths + 1, sizeof(char *));
	gsym_repo repo;
	git_index *index;
	gsym_state_file state;
	gsym_run_opts o = GSYM_RUN_OPTS_INNER_RESTORE_INIT;
	gsym_error_saved saved;
	size_t i, refused = 0;
	int error;

	memset(&state, 0, sizeof(state));
	git_libgit2_init();
	if ((error = gsym_repo_open(&repo, true)) < 0 ||
		(error = gsym_repo_index(&index, &repo)) < 0 ||
		(error = gsym_state_load(&state, repo.gitdir)) < 0)
		goto done;
	for (i = 0; i < opts->npaths; i++) {
		gsym_buf joined = GSYM_BUF_INIT, norm = GSYM_BUF_INIT;

		gsym_buf_puts(&joined, repo.prefix);
		gsym_buf_puts(&joined, opts->paths[i]);
		if (gsym_path_normalize(&norm, joined.ptr) < 0 || !norm.size) {
			gsym_warn("'%s' is outside the working tree",
				opts->paths[i]);
			refused++;
		} else {
			refused += (size_t)add_one(&repo, &state, norm.ptr,
				opts->target, opts->allow_outside);
			/* restore below takes repository-relative paths */
			gsym_buf_sets(&joined, ":/");
			gsym_buf_puts(&joined, norm.ptr);
			paths[i] = gsym_buf_detach(&joined);
		}
		gsym_buf_dispose(&joined);
		gsym_buf_dispose(&norm);
	}
	if ((error = gsym_repo_write_index(&repo)) < 0 ||
		(error = gsym_state_save(&state)) < 0)
		goto done;
	gsym_repo_close(&repo);
	gsym_state_dispose(&state);
	git_libgit2_shutdown();

	/* make (with --target) and stamp them, with the usual bookkeeping */
	o.allow_outside = opts->allow_outside;
	for (i = 0; i < opts->npaths; i++)
		if (paths[i])
			paths[o.npathspec++] = paths[i];
	o.pathspec = paths;
	error = o.npathspec ? gsym_run(&o) : GSYM_OK;
	if (error == GSYM_OK && refused)
		error = GSYM_PARTIAL;
	for (i = 0; i < o.npathspec; i++)
		free(paths[i]);
	free(paths);
	return error;
done:
	gsym_error_save(&saved);
	gsym_repo_close(&repo);
	gsym_state_dispose(&state);
	git_libgit2_shutdown();
	for (i = 0; i < opts->npaths; i++)
		free(paths[i]);
	free(paths);
	return gsym_error_restore(&saved, error);
}
