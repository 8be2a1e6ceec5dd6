/*
 * Installing the git hooks: a clearly marked block in each hook file, so a
 * user's own hook keeps running and uninstalling removes only the block.
 */
#ifndef INCLUDE_workflow_hooks_h__
#define INCLUDE_workflow_hooks_h__

#include "util/buf.h"

/* The hooks this tool installs, NULL-terminated. */
extern const char *const gsym_hook_names[];

/*
 * Put (or refresh) this tool's block in the hook `name` in directory
 * `dir` (created if needed), calling `binary` (absolute path). A new hook
 * file gets a shebang and the executable bit. Returns 0 or an error.
 */
int gsym_hooks_install_one(const char *dir, const char *name,
	const char *binary);

/*
 * Remove this tool's block from hook `name` in `dir`; a hook left with
 * nothing but the shebang is removed. Sets `*found` when there was one.
 */
int gsym_hooks_uninstall_one(const char *dir, const char *name, bool *found);

/* How many of the hooks in `dir` hold this tool's block. */
int gsym_hooks_count(const char *dir);

/* The text of the block for hook `name` (for tests and --dry-run). */
void gsym_hooks_block(gsym_buf *out, const char *name, const char *binary);

/* Append `s` as one single-quoted shell word. */
void gsym_hooks_shell_quote(gsym_buf *out, const char *s);

#endif
