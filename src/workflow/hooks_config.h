/*
 * Hooks read from config (git 2.54 and later): one `[hook "git-symlinks"]`
 * section with an `event` line per hook and one `command`, in the global,
 * system or repository config. One install covers every repository of that
 * scope, whatever its hooks folder (core.hooksPath, a hook manager's), and
 * `git config hook.git-symlinks.enabled false` turns it off in one.
 */
#ifndef INCLUDE_workflow_hooks_config_h__
#define INCLUDE_workflow_hooks_config_h__

#include <git2.h>

#include "util/buf.h"

/* The friendly name of our configured hook: hook.<name>.* */
#define GSYM_HOOK_NAME "git-symlinks"

/* The config scopes a hook can be registered in. */
typedef enum {
	GSYM_HOOKS_LOCAL, /* the repository's own config */
	GSYM_HOOKS_GLOBAL, /* the user's (git config --global) */
	GSYM_HOOKS_SYSTEM /* every user's (git config --system) */
} gsym_hooks_scope;

/* "local", "global" or "system". */
const char *gsym_hooks_scope_name(gsym_hooks_scope scope);

/*
 * Does the git that runs here read hooks from config (2.54 and later)?
 * `v` gets its version (0.0.0 when there is none); `gitdir` (or NULL)
 * keeps the answer as gsym_git_version does.
 */
bool gsym_hooks_config_supported(unsigned int v[3], const char *gitdir);

/*
 * The config file of `scope` that `git config --<scope>` writes, asked
 * of git (`git var GIT_CONFIG_GLOBAL`, `GIT_CONFIG_SYSTEM`); for
 * GSYM_HOOKS_LOCAL, `commondir`/config. Returns 0 or an error.
 */
int gsym_hooks_config_file(gsym_buf *out, gsym_hooks_scope scope,
	const char *commondir);

/*
 * The command our configured hook runs: `binary` (absolute path; else
 * git-symlinks on PATH; else a note and nothing) `hook config`, to which
 * git appends the hook's arguments.
 */
void gsym_hooks_config_command(gsym_buf *out, const char *binary);

/* Our section, calling `binary`, appended to `out`. */
void gsym_hooks_config_section(gsym_buf *out, const char *binary);

/*
 * The config text `content` without our entries (the command, event
 * lines and note of `[hook "git-symlinks"]`; the header too when nothing
 * else is left in it) into `out`. True when there were some.
 */
bool gsym_hooks_config_strip(gsym_buf *out, const char *content, size_t len);

/*
 * Register our hook in the config file `path` (created if needed; a
 * section already there is replaced), under git's lock `path`.lock.
 * Returns 0 or an error.
 */
int gsym_hooks_config_install(const char *path, const char *binary);

/*
 * Take our entries out of the config file `path`, leaving every other
 * byte as it was; `*found` tells whether there were some.
 */
int gsym_hooks_config_uninstall(const char *path, bool *found);

/*
 * The hook event our configured command was run for, from git's
 * arguments to it (git passes no event name to a configured hook; each
 * of ours takes arguments of its own shape, githooks(5)): post-checkout
 * OLD NEW FLAG, post-index-change FLAG FLAG, post-merge SQUASH,
 * post-rewrite amend|rebase, pre-commit nothing ("pre-commit" also for
 * post-commit, which takes nothing either). NULL for anything else.
 */
const char *gsym_hooks_config_event(char *const *args, size_t n);

/*
 * For a hook run from a hooks folder (our block, from an earlier
 * install or a template): true when it is to do nothing, because our
 * configured hook covers `event` here and git runs it (one run per
 * event), or because `hook.git-symlinks.enabled` is false here (the
 * opt-out, honoured by every hook whatever the git). False for anything
 * but the six hooks (fsmonitor is not a hook event).
 */
bool gsym_hooks_folder_skip(const char *event);

/*
 * Whether `cfg` names our configured hook for `event` (and it is ours:
 * its command runs `hook config`); `*enabled` gets
 * hook.git-symlinks.enabled (true when unset).
 */
bool gsym_hooks_config_has(git_config *cfg, const char *event, bool *enabled);

#endif
