#include "workflow/hooks_dir.h"
#include "git/repo.h"
#include "util/error.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

int gsym_hooks_global_config(git_config **out)
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

int gsym_hooks_global_template(gsym_buf *out, bool *ours)
{
	git_config *cfg = NULL;
	git_buf value = { NULL, 0, 0 };
	const char *home = getenv("HOME");
	int error;

	if ((error = gsym_hooks_global_config(&cfg)) < 0)
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

void gsym_hooks_repo_dir(gsym_buf *out, git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf value = { NULL, 0, 0 };
	const char *workdir = git_repository_workdir(repo);

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
		git_config_get_path(&value, cfg, "core.hooksPath") == 0) {
		if (workdir &&
			!gsym_target_is_absolute(value.ptr, strlen(value.ptr)))
			gsym_buf_puts(out, workdir);
		gsym_buf_puts(out, value.ptr);
	} else {
		gsym_buf_printf(out, "%shooks", git_repository_commondir(repo));
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
}
