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

static where where_to;

#define WHERE_OPTS                                                             \
	{ GSYM_OPT_VALUE, &where_to.template_dir, 0, 0, "template", "dir",     \
		"into <dir>/hooks (git clone --template=<dir>)", 0 },          \
	{                                                                      \
		GSYM_OPT_BOOL, &where_to.global, 0, 0, "global", NULL,         \
			"into init.templateDir (set to "                       \
			"~/.git-templates/git-symlinks\n"                      \
			"                       if unset): every later clone " \
			"gets them",                                           \
			0                                                      \
	}

static const gsym_opt_spec install_opts[] = { WHERE_OPTS,
	{ GSYM_OPT_BOOL, &where_to.enable_symlinks, 0, 0, "enable-symlinks",
		NULL,
		"also set core.symlinks=true here, once a link was made\n"
		"                       in the working tree: git then writes "
		"links itself",
		0 },
	{ GSYM_OPT_END, NULL, 0, 0, NULL, NULL, NULL, 0 } };

static const gsym_opt_spec uninstall_opts[] = { WHERE_OPTS,
	{ GSYM_OPT_END, NULL, 0, 0, NULL, NULL, NULL, 0 } };

const gsym_cmd gsym_cmd_install_hooks = { "install-hooks", cmd_install_hooks,
	"install the git hooks that keep links real",
	"Add a marked block to post-checkout, post-merge, post-rewrite and\n"
	"post-index-change (restore) and pre-commit (the guard) in this\n"
	"repository's hooks (core.hooksPath honoured); a user's own hook "
	"keeps\nrunning.\n",
	install_opts };

const gsym_cmd gsym_cmd_uninstall_hooks = { "uninstall-hooks",
	cmd_uninstall_hooks, "remove this tool's block from the git hooks",
	"Remove only this tool's block from each hook; a hook left empty is\n"
	"removed.\n",
	uninstall_opts };

static int parse(const gsym_cmd *cmd, int argc, char **argv)
{
	int rc;

	memset(&where_to, 0, sizeof(where_to));
	if ((rc = gsym_opt_parse(cmd, argc, argv)) != 0)
		return rc;
	if (where_to.global && where_to.template_dir)
		return gsym_cli_usage_error(cmd->name,
			"--template and --global do not go together");
	if (where_to.enable_symlinks &&
		(where_to.global || where_to.template_dir))
		return gsym_cli_usage_error(cmd->name,
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
	int rc, error;

	if ((rc = parse(&gsym_cmd_install_hooks, argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	git_libgit2_init();
	if ((error = hooks_dir(&dir, &where_to, &ours)) < 0 ||
		(error = gsym_platform_self_path(&self)) < 0)
		goto done;
	for (name = gsym_hook_names; *name && !error; name++)
		error = gsym_hooks_install_one(dir.ptr, *name, self.ptr);
	if (!error && where_to.global) {
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
			where_to.global ? "; every new clone gets them "
					  "(init.templateDir)" :
					  "");
	if (!error && where_to.enable_symlinks)
		error = enable_symlinks();
	else if (!error && !where_to.global && !where_to.template_dir)
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
	int rc, error;

	if ((rc = parse(&gsym_cmd_uninstall_hooks, argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	git_libgit2_init();
	if ((error = hooks_dir(&dir, &where_to, &ours)) < 0)
		goto done;
	for (name = gsym_hook_names; *name && !error; name++) {
		error = gsym_hooks_uninstall_one(dir.ptr, *name, &found);
		any = any || found;
	}
	if (!error && where_to.global && ours) {
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
