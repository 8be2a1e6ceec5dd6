#include "cli/cli.h"
#include "util/error.h"
#include "workflow/doctor.h"
#include "workflow/hooks.h"
#include "workflow/hooks_dir.h"
#include "workflow/hooks_config.h"
#include "util/alloc.h"
#include "git/repo.h"
#include "util/util.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where hooks go: --template DIR, --global, --system, or this repository. */
typedef struct {
	const char *template_dir;
	bool global;
	bool system;
	bool migrate; /* take our blocks out of this repository's hooks */
	bool force; /* write into a tracked hook, or where config hooks run */
	bool enable_symlinks; /* set core.symlinks=true (install-hooks) */
} where;

static where where_to;

#define WHERE_OPTS                                                      \
	GSYM_OPT_VALUE(0, "template", &where_to.template_dir, "dir",    \
		"into <dir>/hooks (git clone --template=<dir>)"),       \
		GSYM_OPT_BOOL(0, "global", &where_to.global,            \
			"every repository of yours: the global config " \
			"(git\n"                                        \
			"2.54 and later), else init.templateDir "       \
			"(later clones)"),                              \
		GSYM_OPT_BOOL(0, "system", &where_to.system,            \
			"every user's repositories: the system config " \
			"(git\n"                                        \
			"2.54 and later)")

static const gsym_opt_spec install_opts[] = {
	WHERE_OPTS,
	GSYM_OPT_BOOL(0, "migrate", &where_to.migrate,
		"with config hooks: take an earlier install's blocks\n"
		"out of this repository's hooks folder"),
	GSYM_OPT_BOOL('f', "force", &where_to.force,
		"write into a hooks folder anyway: a tracked hook (a\n"
		"hook manager's), or one config hooks cover"),
	GSYM_OPT_BOOL(0, "enable-symlinks", &where_to.enable_symlinks,
		"also set core.symlinks=true here, once a link was made\n"
		"in the working tree: git then writes links itself"),
	GSYM_OPT_END(),
};

static const gsym_opt_spec uninstall_opts[] = {
	WHERE_OPTS,
	GSYM_OPT_END(),
};

const gsym_cmd gsym_cmd_install_hooks = {
	.name = "install-hooks",
	.fn = cmd_install_hooks,
	.summary = "install the git hooks that keep links real",
	.description =
		"Run restore after post-checkout, post-merge, post-rewrite,\n"
		"post-index-change and post-commit, and the guard before pre-commit.\n"
		"With git 2.54 and later, --global (--system) registers them in git's\n"
		"config (hook.git-symlinks): every repository, existing or new, runs\n"
		"them, hook managers (core.hooksPath) too, and nothing is written into\n"
		"a hooks folder; 'git config hook.git-symlinks.enabled false' turns\n"
		"them off in one repository. With older git, --global fills a template\n"
		"(init.templateDir: later clones). In a repository, a marked block is\n"
		"added to each hook in its hooks folder (a user's own hook keeps\n"
		"running), or, where core.hooksPath is set and git reads hooks from\n"
		"config, the repository's config.\n",
	.opts = install_opts,
};

const gsym_cmd gsym_cmd_uninstall_hooks = {
	.name = "uninstall-hooks",
	.fn = cmd_uninstall_hooks,
	.summary = "remove this tool's hooks",
	.description =
		"Remove only this tool's entries from git's config (--global,\n"
		"--system, or this repository's) and its block from each hook; a hook\n"
		"left empty is removed.\n",
	.opts = uninstall_opts,
};

/* gsym_opt_parse, then the options that do not go together; as it returns. */
static int parse(const gsym_cmd *cmd, int argc, char **argv)
{
	int rc;

	memset(&where_to, 0, sizeof(where_to));
	if ((rc = gsym_opt_parse(cmd, argc, argv)) != GSYM_OPT_PARSED)
		return rc;
	if ((where_to.global + where_to.system +
		    (where_to.template_dir != NULL)) > 1)
		return gsym_cli_usage_error(cmd->name,
			"--template, --global and --system do not go together");
	if (where_to.enable_symlinks &&
		(where_to.global || where_to.system || where_to.template_dir))
		return gsym_cli_usage_error(cmd->name,
			"--enable-symlinks is for this repository only");
	if (where_to.migrate && where_to.template_dir)
		return gsym_cli_usage_error(cmd->name,
			"--migrate is for hooks registered in git's config");
	return GSYM_OPT_PARSED;
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
		error = gsym_error_wrap(GSYM_ERROR,
			"links cannot be made in '%s', core.symlinks left as "
			"it is",
			repo.workdir);
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

/* The hook names, for messages. */
#define HOOK_LIST                                                      \
	"post-checkout, post-merge, post-rewrite, post-index-change, " \
	"post-commit, pre-commit"

/* The repository around the current directory, if there is one. */
typedef struct {
	gsym_repo repo;
	bool open;
	git_config *cfg;
	char *hooks_path; /* core.hooksPath, or NULL */
	gsym_buf hooks_dir; /* where its hooks run from */
} here;

static int here_open(here *h, bool required)
{
	git_buf value = { NULL, 0, 0 };
	int error;

	memset(h, 0, sizeof(*h));
	if ((error = gsym_repo_open(&h->repo, false)) < 0) {
		if (required)
			return error;
		gsym_error_clear();
		return 0;
	}
	h->open = true;
	if (git_repository_config_snapshot(&h->cfg, h->repo.repo) < 0)
		return gsym_repo_git_error("could not read the config");
	if (git_config_get_path(&value, h->cfg, "core.hooksPath") == 0)
		h->hooks_path = gsym_strdup(value.ptr);
	git_buf_dispose(&value);
	git_error_clear();
	gsym_hooks_repo_dir(&h->hooks_dir, h->repo.repo);
	return 0;
}

static void here_close(here *h)
{
	git_config_free(h->cfg);
	free(h->hooks_path);
	gsym_buf_dispose(&h->hooks_dir);
	if (h->open)
		gsym_repo_close(&h->repo);
}

/* Is `path` (in the working tree) a file git tracks here? */
static bool tracked(here *h, const char *path)
{
	git_index *index = NULL;
	size_t l = strlen(h->repo.workdir);
	bool yes = false;

	if (strncmp(path, h->repo.workdir, l) ||
		git_repository_index(&index, h->repo.repo) < 0)
		goto done;
	yes = git_index_get_bypath(index, path + l, 0) != NULL;
done:
	git_index_free(index);
	git_error_clear();
	return yes;
}

static int install_blocks(const char *dir, const char *self)
{
	const char *const *name;
	int error = 0;

	for (name = gsym_hook_names; *name && !error; name++)
		error = gsym_hooks_install_one(dir, *name, self);
	return error;
}

static int uninstall_blocks(const char *dir, bool *any)
{
	const char *const *name;
	bool found;
	int error = 0;

	*any = false;
	for (name = gsym_hook_names; *name && !error; name++) {
		error = gsym_hooks_uninstall_one(dir, *name, &found);
		*any = *any || found;
	}
	return error;
}

static void print_version(const unsigned int v[3])
{
	if (v[0])
		printf("git %u.%u.%u", v[0], v[1], v[2]);
	else
		printf("git (none found on PATH)");
}

/*
 * This repository's blocks, beside config hooks that now cover it: taken
 * out with --migrate, else said.
 */
static int blocks_beside_config(here *h)
{
	bool any;
	int n, error;

	if (!h->open || (n = gsym_hooks_count(h->hooks_dir.ptr)) == 0)
		return 0;
	if (!where_to.migrate) {
		printf("this repository still has the git-symlinks block in %d "
		       "hooks in '%s' (an earlier install): each event runs "
		       "the tool once (the block leaves it to the configured "
		       "hook); 'git symlinks install-hooks %s--migrate' takes "
		       "them out\n",
			n, h->hooks_dir.ptr,
			where_to.global         ? "--global " :
				where_to.system ? "--system " :
						  "");
		return 0;
	}
	if ((error = uninstall_blocks(h->hooks_dir.ptr, &any)) == 0)
		printf("took the git-symlinks block out of the hooks in '%s'\n",
			h->hooks_dir.ptr);
	return error;
}

/* --global with git 2.54 and later: the template of an earlier install. */
static int migrate_template(void)
{
	gsym_buf tpl = GSYM_BUF_INIT;
	git_config *cfg = NULL;
	git_buf value = { NULL, 0, 0 };
	bool ours, any = false;
	int error;

	if ((error = gsym_hooks_global_config(&cfg)) < 0)
		goto done;
	if (git_config_get_path(&value, cfg, "init.templateDir") < 0) {
		git_error_clear();
		goto done; /* no template: nothing to take out */
	}
	if ((error = gsym_hooks_global_template(&tpl, &ours)) < 0)
		goto done;
	gsym_buf_puts(&tpl, "/hooks");
	if ((error = uninstall_blocks(tpl.ptr, &any)) < 0 || !any)
		goto done;
	if (ours && git_config_delete_entry(cfg, "init.templateDir") < 0)
		error = gsym_repo_git_error("could not unset init.templateDir");
	printf("took the hooks out of the template '%s'%s: the config hooks "
	       "reach every clone\n",
		tpl.ptr, ours ? " (and unset init.templateDir)" : "");
done:
	git_buf_dispose(&value);
	git_config_free(cfg);
	gsym_buf_dispose(&tpl);
	return error;
}

static int install_config(here *h, gsym_hooks_scope scope,
	const unsigned int v[3], const char *self)
{
	gsym_buf file = GSYM_BUF_INIT;
	int error;

	if ((error = gsym_hooks_config_file(&file, scope,
		     h->open ? h->repo.commondir : NULL)) < 0 ||
		(error = gsym_hooks_config_install(file.ptr, self)) < 0)
		goto done;
	printf("registered the git-symlinks hooks (" HOOK_LIST ") in the %s "
	       "git config '%s' as hook." GSYM_HOOK_NAME ": ",
		scope == GSYM_HOOKS_LOCAL ? "repository's" :
					    gsym_hooks_scope_name(scope),
		file.ptr);
	print_version(v);
	if (scope == GSYM_HOOKS_LOCAL)
		printf(" reads hooks from config, and core.hooksPath is '%s' "
		       "(a hook manager's folder?): nothing was written "
		       "there\n",
			h->hooks_path);
	else
		printf(" reads hooks from config, so every repository%s, "
		       "existing or new, runs them, whatever its hooks folder "
		       "(core.hooksPath); nothing was written into a hooks "
		       "folder. 'git config hook." GSYM_HOOK_NAME
		       ".enabled false' turns them off in one repository\n",
			scope == GSYM_HOOKS_SYSTEM ? " of every user" : "");
	if (scope == GSYM_HOOKS_GLOBAL)
		error = migrate_template();
	if (!error)
		error = blocks_beside_config(h);
done:
	gsym_buf_dispose(&file);
	return error;
}

/* --global with git older than 2.54: the template, as always. */
static int install_template(const char *dir, const unsigned int v[3],
	const char *self)
{
	gsym_buf tpl = GSYM_BUF_INIT;
	git_config *cfg = NULL;
	bool ours;
	int error;

	if (dir)
		gsym_buf_sets(&tpl, dir);
	else if ((error = gsym_hooks_global_template(&tpl, &ours)) < 0)
		goto done;
	gsym_buf_puts(&tpl, "/hooks");
	if ((error = install_blocks(tpl.ptr, self)) < 0)
		goto done;
	if (!dir) {
		gsym_buf_truncate(&tpl, tpl.size - strlen("/hooks"));
		if ((error = gsym_hooks_global_config(&cfg)) == 0 &&
			git_config_set_string(cfg, "init.templateDir",
				tpl.ptr) < 0)
			error = gsym_repo_git_error("could not set "
						    "init.templateDir");
		if (error)
			goto done;
		printf("installed the git-symlinks hooks (" HOOK_LIST
		       ") in the template '%s/hooks' (init.templateDir): ",
			tpl.ptr);
		print_version(v);
		printf(" reads no hooks from config (2.54 and later do), so "
		       "only clones made from now on get them: run 'git "
		       "symlinks install-hooks' in each existing clone\n");
	} else {
		printf("installed the git-symlinks hooks in '%s' (" HOOK_LIST
		       ")\n",
			tpl.ptr);
	}
done:
	git_config_free(cfg);
	gsym_buf_dispose(&tpl);
	return error;
}

/*
 * core.hooksPath set and no config hooks: say what would change there,
 * and write a tracked hook only with --force. Returns GSYM_PARTIAL when
 * it did not (and said why), else 0 or an error.
 */
static int install_hooks_path(here *h, const char *self)
{
	gsym_buf path = GSYM_BUF_INIT;
	const char *const *name;
	int ntracked = 0, error = 0;

	printf("core.hooksPath is '%s', and git reads no hooks from config "
	       "here (2.54 and later do): installing writes into that "
	       "folder:\n",
		h->hooks_path);
	for (name = gsym_hook_names; *name; name++) {
		gsym_stat st;
		bool there, mine;

		gsym_buf_clear(&path);
		gsym_path_join(&path, h->hooks_dir.ptr, *name);
		there = gsym_platform_lstat(&st, path.ptr) == 0;
		gsym_error_clear();
		mine = there && tracked(h, path.ptr);
		ntracked += mine;
		printf("  %s: %s%s\n", path.ptr,
			there ? "a block added at its top" : "a new hook",
			mine ? " (tracked: committed for everyone)" : "");
	}
	if (ntracked && !where_to.force) {
		printf("not written: %d of these hooks are tracked; a hook "
		       "manager may also regenerate them. Run 'git symlinks "
		       "install-hooks --force' to write them anyway, or use "
		       "git 2.54 or later (hooks from config)\n",
			ntracked);
		error = GSYM_PARTIAL;
		goto done;
	}
	if ((error = install_blocks(h->hooks_dir.ptr, self)) == 0)
		printf("installed the git-symlinks hooks in '%s'\n",
			h->hooks_dir.ptr);
done:
	gsym_buf_dispose(&path);
	return error;
}

/* This repository: its hooks folder, or its config. */
static int install_here(here *h, const unsigned int v[3], bool config_ok,
	const char *self)
{
	bool enabled;
	int error;

	if (h->hooks_path && config_ok)
		return install_config(h, GSYM_HOOKS_LOCAL, v, self);
	if (h->hooks_path)
		return install_hooks_path(h, self);
	if (config_ok && !where_to.force &&
		gsym_hooks_config_has(h->cfg, "post-checkout", &enabled)) {
		printf("the hooks registered in git's config (hook." GSYM_HOOK_NAME
		       ") cover this repository%s: nothing written ('--force' "
		       "adds the blocks to '%s' anyway)\n",
			enabled ?
				"" :
				", and hook." GSYM_HOOK_NAME ".enabled is "
				"false here ('git config --unset hook." GSYM_HOOK_NAME
				".enabled' turns them on)",
			h->hooks_dir.ptr);
		return 0;
	}
	if ((error = install_blocks(h->hooks_dir.ptr, self)) == 0)
		printf("installed the git-symlinks hooks in '%s' (" HOOK_LIST
		       ")\n",
			h->hooks_dir.ptr);
	return error;
}

int cmd_install_hooks(int argc, char **argv)
{
	gsym_buf self = GSYM_BUF_INIT;
	unsigned int v[3];
	bool config_ok, in_repo;
	here h;
	int rc, error;

	if ((rc = parse(&gsym_cmd_install_hooks, argc, argv)) !=
		GSYM_OPT_PARSED)
		return gsym_cli_parse_exit(rc);
	git_libgit2_init();
	in_repo =
		!where_to.global && !where_to.system && !where_to.template_dir;
	if ((error = here_open(&h, in_repo)) < 0 ||
		(error = gsym_platform_self_path(&self)) < 0)
		goto done;
	config_ok =
		!where_to.template_dir && gsym_hooks_config_supported(v, NULL);
	if (where_to.migrate && !config_ok) {
		error = gsym_error_set("--migrate: git reads no hooks from "
				       "config here (2.54 and later do)");
		goto done;
	}
	if (where_to.template_dir)
		error = install_template(where_to.template_dir, v, self.ptr);
	else if (where_to.system && !config_ok)
		error = gsym_error_set(
			"--system needs git 2.54 or later (hooks "
			"from config); use --global, or "
			"--template <dir>");
	else if (where_to.system)
		error = install_config(&h, GSYM_HOOKS_SYSTEM, v, self.ptr);
	else if (where_to.global && config_ok)
		error = install_config(&h, GSYM_HOOKS_GLOBAL, v, self.ptr);
	else if (where_to.global)
		error = install_template(NULL, v, self.ptr);
	else
		error = install_here(&h, v, config_ok, self.ptr);
	if (error == GSYM_PARTIAL) { /* said why, wrote nothing */
		rc = GSYM_EXIT_LEFT_ALONE;
		error = 0;
		goto done;
	}
	if (!error && where_to.enable_symlinks)
		error = enable_symlinks();
	else if (!error && in_repo)
		gsym_cli_hint(); /* offers --enable-symlinks */
done:
	if (error)
		gsym_error_print();
	here_close(&h);
	gsym_buf_dispose(&self);
	git_libgit2_shutdown();
	return error ? GSYM_EXIT_FATAL : rc;
}

/* Our entries out of the config file of `scope`; said. */
static int uninstall_config(here *h, gsym_hooks_scope scope, bool *any)
{
	gsym_buf file = GSYM_BUF_INIT;
	bool found = false;
	int error = 0;

	if (gsym_hooks_config_file(&file, scope,
		    h->open ? h->repo.commondir : NULL) < 0) {
		/* no git to ask (or an old one): nothing of ours there */
		gsym_error_clear();
		goto done;
	}
	if ((error = gsym_hooks_config_uninstall(file.ptr, &found)) < 0)
		goto done;
	if (found)
		printf("removed the git-symlinks hooks from the %s git config "
		       "'%s'\n",
			scope == GSYM_HOOKS_LOCAL ?
				"repository's" :
				gsym_hooks_scope_name(scope),
			file.ptr);
	*any = *any || found;
done:
	gsym_buf_dispose(&file);
	return error;
}

/* Does a config above the repository's register our hook? */
static bool covered_from_above(git_config *cfg)
{
	const git_config_level_t levels[] = { GIT_CONFIG_LEVEL_PROGRAMDATA,
		GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG,
		GIT_CONFIG_LEVEL_GLOBAL };
	bool yes = false, enabled;
	size_t i;

	for (i = 0; i < GSYM_ARRAY_SIZE(levels) && !yes; i++) {
		git_config *level = NULL;

		if (git_config_open_level(&level, cfg, levels[i]) == 0)
			yes = gsym_hooks_config_has(level, "post-checkout",
				&enabled);
		git_config_free(level);
		git_error_clear();
	}
	return yes;
}

int cmd_uninstall_hooks(int argc, char **argv)
{
	gsym_buf dir = GSYM_BUF_INIT;
	bool ours = false, found, any = false;
	here h;
	int rc, error;

	if ((rc = parse(&gsym_cmd_uninstall_hooks, argc, argv)) !=
		GSYM_OPT_PARSED)
		return gsym_cli_parse_exit(rc);
	git_libgit2_init();
	if ((error = here_open(&h,
		     !where_to.global && !where_to.system &&
			     !where_to.template_dir)) < 0)
		goto done;
	if (where_to.system) {
		error = uninstall_config(&h, GSYM_HOOKS_SYSTEM, &any);
		goto said;
	}
	if (where_to.global &&
		(error = uninstall_config(&h, GSYM_HOOKS_GLOBAL, &any)) < 0)
		goto done;
	if (!where_to.global && !where_to.template_dir &&
		(error = uninstall_config(&h, GSYM_HOOKS_LOCAL, &any)) < 0)
		goto done;
	if (where_to.template_dir) {
		gsym_buf_printf(&dir, "%s/hooks", where_to.template_dir);
	} else if (where_to.global) {
		if ((error = gsym_hooks_global_template(&dir, &ours)) < 0)
			goto done;
		gsym_buf_puts(&dir, "/hooks");
	} else {
		gsym_buf_sets(&dir, h.hooks_dir.ptr);
	}
	if ((error = uninstall_blocks(dir.ptr, &found)) < 0)
		goto done;
	if (found && where_to.global && ours) {
		/* init.templateDir pointed at the directory we made */
		git_config *cfg = NULL;

		if (gsym_hooks_global_config(&cfg) == 0)
			git_config_delete_entry(cfg, "init.templateDir");
		git_config_free(cfg);
		git_error_clear();
	}
	if (found)
		printf("removed the git-symlinks hooks from '%s'\n", dir.ptr);
	any = any || found;
said:
	if (!error && !any)
		printf("no git-symlinks hooks %s\n",
			where_to.system         ? "in the system git config" :
				where_to.global ? "in the global git config "
						  "or the template" :
						  "in this repository");
	if (!error && h.open && !where_to.global && !where_to.system &&
		!where_to.template_dir && covered_from_above(h.cfg))
		printf("the hooks in git's global or system config still run "
		       "here: 'git config hook." GSYM_HOOK_NAME
		       ".enabled false' turns them off in this repository\n");
done:
	if (error)
		gsym_error_print();
	here_close(&h);
	gsym_buf_dispose(&dir);
	git_libgit2_shutdown();
	return error ? GSYM_EXIT_FATAL : 0;
}
