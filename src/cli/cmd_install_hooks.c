#include "cli/cli.h"
#include "util/error.h"
#include "workflow/hooks.h"
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
} where;

static where where_to;

static const gsym_opt_spec opts[] = {
	{ GSYM_OPT_VALUE, &where_to.template_dir, 0, 0, "template", "dir",
		"into <dir>/hooks (git clone --template=<dir>)", 0 },
	{ GSYM_OPT_BOOL, &where_to.global, 0, 0, "global", NULL,
		"into init.templateDir (set to "
		"~/.git-templates/git-symlinks\n"
		"                       if unset): every later clone gets them",
		0 },
	{ GSYM_OPT_END, NULL, 0, 0, NULL, NULL, NULL, 0 }
};

const gsym_cmd gsym_cmd_install_hooks = { "install-hooks", cmd_install_hooks,
	"install the git hooks that keep links real",
	"Add a marked block to post-checkout, post-merge, post-rewrite and\n"
	"post-index-change (restore) and pre-commit (the guard) in this\n"
	"repository's hooks (core.hooksPath honoured); a user's own hook "
	"keeps\nrunning.\n",
	opts };

const gsym_cmd gsym_cmd_uninstall_hooks = { "uninstall-hooks",
	cmd_uninstall_hooks, "remove this tool's block from the git hooks",
	"Remove only this tool's block from each hook; a hook left empty is\n"
	"removed.\n",
	opts };

static int parse(const gsym_cmd *cmd, int argc, char **argv)
{
	int rc;

	memset(&where_to, 0, sizeof(where_to));
	if ((rc = gsym_opt_parse(cmd, argc, argv)) != 0)
		return rc;
	if (where_to.global && where_to.template_dir)
		return gsym_cli_usage_error(cmd->name,
			"--template and --global do not go together");
	return 0;
}

/* The global config, for init.templateDir. */
static int global_config(git_config **out)
{
	git_config *all = NULL;
	int error;

	if ((error = git_config_open_default(&all)) == 0)
		error = git_config_open_level(out, all,
			GIT_CONFIG_LEVEL_GLOBAL);
	git_config_free(all);
	if (error < 0)
		return gsym_repo_git_error("could not open the global git "
					   "config");
	return 0;
}

/* The template directory --global uses: init.templateDir, or ours. */
static int global_template(gsym_buf *out, bool *ours)
{
	git_config *cfg = NULL;
	git_buf value = { NULL, 0, 0 };
	const char *home = getenv("HOME");
	int error;

	if ((error = global_config(&cfg)) < 0)
		return error;
	*ours = false;
	if (!home)
		home = getenv("USERPROFILE");
	if (git_config_get_path(&value, cfg, "init.templateDir") == 0) {
		gsym_buf_puts(out, value.ptr);
		/* ours when it is the directory we would have chosen */
		*ours = home && !strncmp(value.ptr, home, strlen(home)) &&
			!strcmp(value.ptr + strlen(home),
				"/.git-templates/git-symlinks");
	} else if (home) {
		gsym_buf_printf(out, "%s/.git-templates/git-symlinks", home);
		*ours = true;
	} else {
		error = gsym_error_set("no HOME: use --template <dir>");
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	return error;
}

/* The repository's hooks directory, honouring core.hooksPath. */
static int repo_hooks_dir(gsym_buf *out)
{
	gsym_repo repo;
	git_config *cfg = NULL;
	git_buf value = { NULL, 0, 0 };
	int error;

	if ((error = gsym_repo_open(&repo, false)) < 0)
		return error;
	if (git_repository_config_snapshot(&cfg, repo.repo) == 0 &&
		git_config_get_path(&value, cfg, "core.hooksPath") == 0) {
		/* relative to the top of the working tree, as git runs hooks */
		if (!gsym_target_is_absolute(value.ptr, strlen(value.ptr)))
			gsym_buf_puts(out, repo.workdir);
		gsym_buf_puts(out, value.ptr);
	} else {
		gsym_buf_printf(out, "%shooks", repo.commondir);
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	gsym_repo_close(&repo);
	return 0;
}

static int hooks_dir(gsym_buf *out, const where *w, bool *ours_template)
{
	*ours_template = false;
	if (w->template_dir) {
		gsym_buf_printf(out, "%s/hooks", w->template_dir);
		return 0;
	}
	if (w->global) {
		int error = global_template(out, ours_template);

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
		if ((error = global_config(&cfg)) == 0 &&
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

		if (global_config(&cfg) == 0)
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
