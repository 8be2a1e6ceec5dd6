/*
 * Where the hooks go: the repository's hooks directory (core.hooksPath
 * honoured) and the template directory of every new clone
 * (init.templateDir in the global config).
 */
#ifndef INCLUDE_workflow_hooks_dir_h__
#define INCLUDE_workflow_hooks_dir_h__

#include <git2.h>

#include "util/buf.h"

/* The global git config, for init.templateDir. Returns 0 or an error. */
int gsym_hooks_global_config(git_config **out);

/*
 * The template directory `--global` uses, appended to `out`:
 * init.templateDir, or ~/.git-templates/git-symlinks when unset. `*ours`
 * tells whether it is that directory of ours. Returns 0 or an error.
 */
int gsym_hooks_global_template(gsym_buf *out, bool *ours);

/*
 * The hooks directory of `repo` appended to `out`: core.hooksPath
 * (relative to the top of the working tree, as git runs hooks), else
 * the common git directory's hooks/.
 */
void gsym_hooks_repo_dir(gsym_buf *out, git_repository *repo);

#endif
