#include "cli/cli.h"
#include "util/alloc.h"
#include "workflow/add.h"
#include "util/error.h"
#include "git/record.h"
#include "git/repo.h"
#include "git/state.h"
#include "util/util.h"
#include "pipeline/validate.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Record one path; returns 0, or 1 when it was refused (message printed). */
static int add_one(gsym_repo *repo, gsym_state_file *state, const char *path,
	const char *target, bool allow_outside)
{
	gsym_buf abs = GSYM_BUF_INIT, text = GSYM_BUF_INIT, rel = GSYM_BUF_INIT;
	const char *reason;
	git_index_entry entry;
	gsym_stat st;
	bool outside = false;
	int refused = 1;

	memset(&entry, 0, sizeof(entry));
	memset(&st, 0, sizeof(st));
	if ((reason = gsym_validate_path(path,
		     gsym_platform_info_get()->has_junctions ?
			     GSYM_VALIDATE_WINDOWS :
			     0))) {
		fprintf(stderr, "error: cannot add '%s': %s\n", path, reason);
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
			fprintf(stderr,
				"error: '%s' is not a link or junction; "
				"make one with 'git symlinks add "
				"--target <target> %s'\n",
				path, path);
			goto done;
		}
		if (gsym_platform_readlink(&text, abs.ptr) < 0) {
			fprintf(stderr, "error: %s\n", gsym_error_last());
			goto done;
		}
		gsym_add_relative(&rel, repo->workdir, path, text.ptr,
			&outside);
		if (outside &&
			(st.type == GSYM_FT_JUNCTION || !allow_outside)) {
			fprintf(stderr,
				"error: '%s' points outside the working "
				"tree ('%s'); %s\n",
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
		fprintf(stderr, "error: cannot add '%s': %s\n", path, reason);
		goto done;
	}
	if (git_odb_write(&entry.id, repo->odb, rel.ptr, rel.size,
		    GIT_OBJECT_BLOB) < 0) {
		fprintf(stderr, "error: %s\n",
			(gsym_repo_git_error("could not write the blob"),
				gsym_error_last()));
		goto done;
	}
	/* files staged below a directory link or junction go */
	{
		gsym_buf prefix = GSYM_BUF_INIT;
		size_t pos;

		gsym_buf_printf(&prefix, "%s/", path);
		if (git_index_find_prefix(&pos, repo->index, prefix.ptr) == 0)
			git_index_remove_directory(repo->index, path, 0);
		gsym_buf_dispose(&prefix);
	}
	entry.mode = 0120000;
	entry.path = path;
	if (!target && st.type == GSYM_FT_LINK)
		gsym_record_stamp(&entry,
			&st); /* the link on disk is the entry */
	if (git_index_add(repo->index, &entry) < 0) {
		fprintf(stderr, "error: %s\n",
			(gsym_repo_git_error("could not update the index"),
				gsym_error_last()));
		goto done;
	}
	if (!target && st.type == GSYM_FT_JUNCTION) {
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
	if (!target && st.type == GSYM_FT_LINK && strcmp(rel.ptr, text.ptr) &&
		gsym_platform_remove(abs.ptr) < 0) {
		fprintf(stderr, "error: %s\n", gsym_error_last());
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

int cmd_add(int argc, char **argv)
{
	const char *target = NULL;
	bool allow_outside = false, dashdash = false;
	char **paths = gsym_calloc((size_t)argc + 1, sizeof(char *));
	gsym_repo repo;
	git_index *index;
	gsym_state_file state;
	gsym_run_opts o;
	size_t n = 0, i;
	int refused = 0, code = 0, a;

	memset(&state, 0, sizeof(state));
	for (a = 1; a < argc; a++) {
		if (!dashdash && !strcmp(argv[a], "--")) {
			dashdash = true;
		} else if (!dashdash &&
			(!strcmp(argv[a], "-h") ||
				!strcmp(argv[a], "--help"))) {
			free(paths);
			return gsym_cli_help("add");
		} else if (!dashdash && !strcmp(argv[a], "--target") &&
			a + 1 < argc) {
			target = argv[++a];
		} else if (!dashdash && !strncmp(argv[a], "--target=", 9)) {
			target = argv[a] + 9;
		} else if (!dashdash && !strcmp(argv[a], "--allow-outside")) {
			allow_outside = true;
		} else if (!dashdash && argv[a][0] == '-') {
			free(paths);
			return gsym_cli_usage_error("add",
				"unknown option '%s'", argv[a]);
		} else {
			paths[n++] = argv[a];
		}
	}
	if (!n || (target && n != 1)) {
		free(paths);
		return gsym_cli_usage_error("add",
			target ? "--target makes exactly one link" :
				 "which paths?");
	}

	git_libgit2_init();
	if (gsym_repo_open(&repo, true) < 0 ||
		gsym_repo_index(&index, &repo) < 0 ||
		gsym_state_load(&state, repo.gitdir) < 0) {
		fprintf(stderr, "fatal: %s\n", gsym_error_last());
		code = GSYM_EXIT_FATAL;
		goto done;
	}
	for (i = 0; i < n; i++) {
		gsym_buf joined = GSYM_BUF_INIT, norm = GSYM_BUF_INIT;

		gsym_buf_puts(&joined, repo.prefix);
		gsym_buf_puts(&joined, paths[i]);
		if (gsym_path_normalize(&norm, joined.ptr) < 0 || !norm.size) {
			fprintf(stderr,
				"error: '%s' is outside the working "
				"tree\n",
				paths[i]);
			refused++;
		} else {
			refused += add_one(&repo, &state, norm.ptr, target,
				allow_outside);
			/* restore below takes repository-relative paths */
			gsym_buf_sets(&joined, ":/");
			gsym_buf_puts(&joined, norm.ptr);
			paths[i] = gsym_buf_detach(&joined);
		}
		gsym_buf_dispose(&joined);
		gsym_buf_dispose(&norm);
	}
	if (gsym_repo_write_index(&repo) < 0 || gsym_state_save(&state) < 0) {
		fprintf(stderr, "fatal: %s\n", gsym_error_last());
		code = GSYM_EXIT_FATAL;
		goto done;
	}
	gsym_repo_close(&repo);
	gsym_state_dispose(&state);
	git_libgit2_shutdown();

	/* make (with --target) and stamp them, with the usual bookkeeping */
	memset(&o, 0, sizeof(o));
	o.mode = GSYM_MODE_RESTORE;
	o.quiet = true;
	o.recurse_submodules = 0;
	o.allow_outside = allow_outside;
	o.pathspec = paths;
	o.npathspec = n;
	code = gsym_cli_exit(gsym_run(&o));
	if (!code && refused)
		code = GSYM_EXIT_LEFT_ALONE;
	for (i = 0; i < n; i++)
		if (!strncmp(paths[i], ":/", 2))
			free(paths[i]);
	free(paths);
	return code;
done:
	gsym_repo_close(&repo);
	gsym_state_dispose(&state);
	git_libgit2_shutdown();
	free(paths);
	return code;
}
