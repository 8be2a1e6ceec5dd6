#include "cli/cli.h"
#include "util/error.h"
#include "workflow/doctor.h"
#include "workflow/hooks.h"
#include "workflow/hooks_dir.h"
#include "git/repo.h"
#include "util/util.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where hooks go: --template DIR, --global, or the repository's own. */
typedef struct {
	const char *template_dir;
	bool global;
	bool enable_symlinks; /* set core.symlinks=true (install-hooks) */
} where;

static int parse(where *w, const char *cmd, int argc, char **argv)
{
	int i;

	memset(w, 0, sizeof(*w));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			gsym_cli_help(cmd);
			return -1;
		} else if (!strcmp(argv[i], "--global")) {
			w->global = true;
		} else if (!strcmp(argv[i], "--enable-symlinks") &&
			!strcmp(cmd, "install-hooks")) {
			w->enable_symlinks = true;
		} else if (!strcmp(argv[i], "--template") && i + 1 < argc) {
			w->template_dir = argv[++i];
		} else if (!strncmp(argv[i], "--template=", 11)) {
			w->template_dir = argv[i] + 11;
		} else {
			return gsym_cli_usage_error(cmd,
				"unexpected argument '%s'", argv[i]);
		}
	}
	if (w->global && w->template_dir)
		return gsym_cli_usage_error(cmd,
			"--template and --global do not go together");
	if (w->enable_symlinks && (w->global || w->template_dir))
		return gsym_cli_usage_error(cmd,
			"--enable-symlinks is for this repository only");
	return 0;
}

/* The repository's hooks directory, honouring core.hooksPath. */
static int repo_hooks_dir(gsym_buf *out)
{
	gsym_repo repo;
	int error;

	if ((error = gsym_repo_open(&repo, false)) < 0)
		return error;
	gsym_hooks_repo_dir(out, repo.repo);
	gsym_repo_close(&repo);
	return 0;
}

/*
 * Set core.symlinks=true in the repository's own config, once a link
 * was made in its working tree.
 */
static int enable_symlinks(void)
{
	gsym_repo repo;
	git_config *cfg = NULL, *local = NULL;
	int error;

	if ((error = gsym_repo_open(&repo, false)) < 0)
		goto done;
	if ((error = gsym_doctor_probe(repo.workdir)) < 0) {
		error = gsym_error_set("links cannot be made in '%s' (%s); "
				       "core.symlinks left as it is",
			repo.workdir, gsym_error_last());
		goto done;
	}
	if (git_repository_config(&cfg, repo.repo) < 0 ||
		git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) <
			0 ||
		git_config_set_bool(local, "core.symlinks", 1) < 0) {
		error = gsym_repo_git_error("could not set core.symlinks");
		goto done;
	}
	printf("set core.symlinks=true: git writes links here from now on; "
	       "run 'git symlinks restore' for the placeholders already "
	       "here\n");
done:
	git_config_free(local);
	git_config_free(cfg);
	gsym_repo_close(&repo);
	return error;
}

static int hooks_dir(gsym_buf *out, const where *w, bool *ours_template)
{
	*ours_template = false;
	if (w->template_dir) {
		gsym_buf_printf(out, "%s/hooks", w->template_dir);
		return 0;
	}
	if (w->global) {
		int error = gsym_hooks_global_template(out, ours_template);

		if (!error)
			gsym_buf_puts(out, "/hooks");
		return error;
	}
	return repo_hooks_dir(out);
}

int cmd_install_hooks(int argc, char **argv)
{
	gsym_buf dir = GSYM_BUF_INIT, self = GSYM_BUF_INIT;
	const char *const *name;
	bool ours;
	where w;
	int rc, error;

	if ((rc = parse(&w, "install-hooks", argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	git_libgit2_init();
	if ((error = hooks_dir(&dir, &w, &ours)) < 0 ||
		(error = gsym_platform_self_path(&self)) < 0)
		goto done;
	for (name = gsym_hook_names; *name && !error; name++)
		error = gsym_hooks_install_one(dir.ptr, *name, self.ptr);
	if (!error && w.global) {
		git_config *cfg = NULL;
		gsym_buf tpl = GSYM_BUF_INIT;

		gsym_buf_put(&tpl, dir.ptr, dir.size - strlen("/hooks"));
		if ((error = gsym_hooks_global_config(&cfg)) == 0 &&
			git_config_set_string(cfg, "init.templateDir",
				tpl.ptr) < 0)
			error = gsym_repo_git_error("could not set "
						    "init.templateDir");
		git_config_free(cfg);
		gsym_buf_dispose(&tpl);
	}
	if (!error)
		printf("installed the git-symlinks hooks in '%s' "
		       "(post-checkout, post-merge, post-rewrite, post-index-change, pre-commit)%s\n",
			dir.ptr,
			w.global ? "; every new clone gets them "
				   "(init.templateDir)" :
				   "");
	if (!error && w.enable_symlinks)
		error = enable_symlinks();
	else if (!error && !w.global && !w.template_dir)
		gsym_doctor_hint(); /* offers --enable-symlinks */
done:
	if (error)
		gsym_error_print();
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&self);
	git_libgit2_shutdown();
	return error ? GSYM_EXIT_FATAL : 0;
}

int cmd_uninstall_hooks(int argc, char **argv)
{
	gsym_buf dir = GSYM_BUF_INIT;
	const char *const *name;
	bool ours, found, any = false;
	where w;
	int rc, error;

	if ((rc = parse(&w, "uninstall-hooks", argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	git_libgit2_init();
	if ((error = hooks_dir(&dir, &w, &ours)) < 0)
		goto done;
	for (name = gsym_hook_names; *name && !error; name++) {
		error = gsym_hooks_uninstall_one(dir.ptr, *name, &found);
		any = any || found;
	}
	if (!error && w.global && ours) {
		/* init.templateDir pointed at the directory we made */
		git_config *cfg = NULL;

		if (gsym_hooks_global_config(&cfg) == 0)
			git_config_delete_entry(cfg, "init.templateDir");
		git_config_free(cfg);
	}
	if (!error)
		printf(any ? "removed the git-symlinks hooks from '%s'\n" :
			     "no git-symlinks hooks in '%s'\n",
			dir.ptr);
done:
	if (error)
		gsym_error_print();
	gsym_buf_dispose(&dir);
	git_libgit2_shutdown();
	return error ? GSYM_EXIT_FATAL : 0;
}
