#include "workflow/hooks_config.h"
#include "git/repo.h"
#include "workflow/hooks.h"
#include "git/fsmonitor.h"
#include "util/error.h"
#include "util/util.h"
#include "platform/platform.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE                                                          \
	"# installed by 'git symlinks install-hooks'; 'git symlinks " \
	"uninstall-hooks' removes it"

/* What our command runs; how it is told from a user's own command. */
#define RUNS "hook config"

const char *gsym_hooks_scope_name(gsym_hooks_scope scope)
{
	return scope == GSYM_HOOKS_SYSTEM  ? "system" :
		scope == GSYM_HOOKS_GLOBAL ? "global" :
					     "local";
}

bool gsym_hooks_config_supported(unsigned int v[3], const char *gitdir)
{
	if (!gsym_git_version(v, gitdir))
		return false;
	return v[0] > 2 || (v[0] == 2 && v[1] >= 54);
}

/* Each line `cmd` prints, into `out` (NUL-separated); their number. */
static int lines_of(gsym_buf *out, const char *cmd)
{
	char line[4096];
	FILE *p = gsym_platform_popen(cmd);
	int n = 0;

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		gsym_buf_put(out, line, strlen(line) + 1);
		n++;
	}
	if (gsym_platform_pclose(p) != 0)
		return -1;
	return n;
}

static bool exists(const char *path)
{
	gsym_stat st;

	if (gsym_platform_lstat(&st, path) == 0)
		return true;
	gsym_error_clear();
	return false;
}

/*
 * Where git without `git var GIT_CONFIG_*` (older than 2.42, or none on
 * PATH: an uninstall after a downgrade) keeps the file: what libgit2
 * finds, as git looks (GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM honoured).
 */
static int config_file_libgit2(gsym_buf *out, gsym_hooks_scope scope)
{
	const char *env =
		getenv(scope == GSYM_HOOKS_GLOBAL ? "GIT_CONFIG_GLOBAL" :
						    "GIT_CONFIG_SYSTEM");
	git_buf global = { NULL, 0, 0 }, xdg = { NULL, 0, 0 };
	int error = 0;

	if (env && *env) {
		gsym_buf_puts(out, env);
		return 0;
	}
	if (scope == GSYM_HOOKS_SYSTEM) {
		if (git_config_find_system(&global) < 0)
			error = gsym_error_set("no system git config here");
		else
			gsym_buf_puts(out, global.ptr);
	} else if (git_config_find_global(&global) == 0) {
		gsym_buf_puts(out, global.ptr);
	} else if (git_config_find_xdg(&xdg) == 0) {
		gsym_buf_puts(out, xdg.ptr);
	} else {
		error = gsym_error_set("no global git config here");
	}
	git_buf_dispose(&global);
	git_buf_dispose(&xdg);
	git_error_clear();
	return error;
}

int gsym_hooks_config_file(gsym_buf *out, gsym_hooks_scope scope,
	const char *commondir)
{
	gsym_buf lines = GSYM_BUF_INIT;
	const char *first, *last;
	int n, error = 0;

	if (scope == GSYM_HOOKS_LOCAL) {
		gsym_buf_printf(out, "%sconfig", commondir);
		return 0;
	}
	if (scope == GSYM_HOOKS_SYSTEM && getenv("GIT_CONFIG_NOSYSTEM") &&
		*getenv("GIT_CONFIG_NOSYSTEM"))
		return gsym_error_set("git reads no system config here "
				      "(GIT_CONFIG_NOSYSTEM)");
	/*
	 * git knows where: GIT_CONFIG_GLOBAL, HOME and XDG_CONFIG_HOME, its
	 * own prefix for the system file (2.42 and later say so)
	 */
	n = lines_of(&lines,
		scope == GSYM_HOOKS_GLOBAL ? "git var GIT_CONFIG_GLOBAL" :
					     "git var GIT_CONFIG_SYSTEM");
	if (n <= 0) {
		error = config_file_libgit2(out, scope);
		goto done;
	}
	first = lines.ptr;
	last = first;
	while (--n > 0)
		last += strlen(last) + 1;
	/*
	 * global: the XDG file, then ~/.gitconfig; git config --global
	 * writes ~/.gitconfig unless only the XDG file exists
	 */
	if (last != first && !exists(last) && exists(first))
		gsym_buf_puts(out, first);
	else
		gsym_buf_puts(out, last);
done:
	gsym_buf_dispose(&lines);
	return error;
}

void gsym_hooks_config_command(gsym_buf *out, const char *binary)
{
	gsym_buf_puts(out, "gsym_bin=");
	gsym_hooks_shell_quote(out, binary);
	/* git appends "$@": the hook's arguments go to the last command */
	gsym_buf_puts(out,
		"; [ -x \"$gsym_bin\" ] || gsym_bin=$(command -v git-symlinks) "
		"|| { echo \"git-symlinks: not found; links not checked "
		"(reinstall it, or remove hook.git-symlinks from git's "
		"config)\" >&2; exit 0; }; \"$gsym_bin\" " RUNS);
}

/* `s` as a git config value: quoted, with '\' and '"' escaped. */
static void config_quote(gsym_buf *out, const char *s)
{
	gsym_buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			gsym_buf_putc(out, '\\');
		gsym_buf_putc(out, *s);
	}
	gsym_buf_putc(out, '"');
}

void gsym_hooks_config_section(gsym_buf *out, const char *binary)
{
	gsym_buf cmd = GSYM_BUF_INIT;
	const char *const *name;

	gsym_hooks_config_command(&cmd, binary);
	gsym_buf_puts(out, "[hook \"" GSYM_HOOK_NAME "\"]\n\t" NOTE "\n");
	gsym_buf_puts(out, "\tcommand = ");
	config_quote(out, cmd.ptr);
	gsym_buf_putc(out, '\n');
	for (name = gsym_hook_names; *name; name++)
		gsym_buf_printf(out, "\tevent = %s\n", *name);
	gsym_buf_dispose(&cmd);
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* The line [p, end) is a section header; true when it is ours. */
static bool our_header(const char *p, const char *end)
{
	static const char name[] = "\"" GSYM_HOOK_NAME "\"";

	p = skip_ws(p + 1, end);
	if (end - p < 4 || strncasecmp(p, "hook", 4))
		return false;
	p = skip_ws(p + 4, end);
	if ((size_t)(end - p) < strlen(name) || strncmp(p, name, strlen(name)))
		return false;
	p = skip_ws(p + strlen(name), end);
	if (p == end || *p != ']')
		return false;
	p = skip_ws(p + 1, end);
	return p == end || *p == '#' || *p == ';' || *p == '\r' || *p == '\n';
}

/* The line [p, end) (no newline) sets `key` (case-insensitive). */
static bool sets(const char *p, const char *end, const char *key)
{
	size_t l = strlen(key);

	p = skip_ws(p, end);
	if ((size_t)(end - p) < l || strncasecmp(p, key, l))
		return false;
	p += l;
	return p == end || *p == ' ' || *p == '\t' || *p == '=' || *p == '\r';
}

/* Is the line [p, end) blank? */
static bool blank(const char *p, const char *end)
{
	p = skip_ws(p, end);
	return p == end || *p == '\r';
}

bool gsym_hooks_config_strip(gsym_buf *out, const char *content, size_t len)
{
	const char *p = content, *end = content + len;
	const char *header = NULL; /* our header line, held back */
	size_t header_len = 0;
	gsym_buf kept = GSYM_BUF_INIT; /* the other lines of our section */
	bool found = false, here = false, others = false;

	while (p <= end) {
		const char *nl =
			p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		const char *eol = nl ? nl : end;
		size_t l = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);
		const char *s = skip_ws(p, eol);
		bool is_header = s < eol && *s == '[';

		if (is_header || p == end) {
			/* our section ends: kept if anything else is in it */
			if (header && (others || !here)) {
				gsym_buf_put(out, header, header_len);
				gsym_buf_put(out, kept.ptr, kept.size);
			}
			header = NULL;
			gsym_buf_clear(&kept);
			here = others = false;
		}
		if (p == end)
			break;
		if (is_header && our_header(s, eol)) {
			header = p;
			header_len = l;
		} else if (header && !is_header &&
			(sets(p, eol, "command") || sets(p, eol, "event") ||
				!strncmp(s, NOTE, strlen(NOTE)))) {
			found = here = true;
		} else if (header) {
			gsym_buf_put(&kept, p, l);
			others = others || !blank(p, eol);
		} else {
			gsym_buf_put(out, p, l);
		}
		p += l;
	}
	gsym_buf_dispose(&kept);
	return found;
}

/* Replace `path` with `content`, under git's lock file `path`.lock. */
static int write_locked(const char *path, const gsym_buf *content)
{
	gsym_buf lock = GSYM_BUF_INIT;
	int error;

	gsym_buf_printf(&lock, "%s.lock", path);
	if ((error = gsym_platform_write_new(lock.ptr, gsym_buf_cstr(content),
		     content->size)) < 0) {
		if (error == GSYM_EEXISTS)
			error = gsym_error_set("could not lock '%s': '%s' "
					       "exists (another git running?)",
				path, lock.ptr);
		goto done;
	}
	if ((error = gsym_platform_rename(lock.ptr, path)) < 0)
		gsym_platform_remove(lock.ptr);
done:
	gsym_buf_dispose(&lock);
	return error;
}

/* The file `path`, or nothing when it does not exist. */
static int read_config(gsym_buf *out, const char *path)
{
	int error = gsym_platform_read_file(out, path, 64 << 20);

	if (error == GSYM_ENOTFOUND) {
		gsym_error_clear();
		return 0;
	}
	return error;
}

int gsym_hooks_config_install(const char *path, const char *binary)
{
	gsym_buf old = GSYM_BUF_INIT, out = GSYM_BUF_INIT;
	int error;

	if ((error = read_config(&old, path)) < 0)
		goto done;
	gsym_hooks_config_strip(&out, gsym_buf_cstr(&old), old.size);
	if (out.size && out.ptr[out.size - 1] != '\n')
		gsym_buf_putc(&out, '\n');
	gsym_hooks_config_section(&out, binary);
	error = write_locked(path, &out);
done:
	gsym_buf_dispose(&old);
	gsym_buf_dispose(&out);
	return error;
}

int gsym_hooks_config_uninstall(const char *path, bool *found)
{
	gsym_buf old = GSYM_BUF_INIT, out = GSYM_BUF_INIT;
	int error;

	*found = false;
	if ((error = read_config(&old, path)) < 0)
		goto done;
	if ((*found = gsym_hooks_config_strip(&out, gsym_buf_cstr(&old),
		     old.size)))
		error = write_locked(path, &out);
done:
	gsym_buf_dispose(&old);
	gsym_buf_dispose(&out);
	return error;
}

static bool is_flag(const char *s)
{
	return !strcmp(s, "0") || !strcmp(s, "1");
}

static bool is_oid(const char *s)
{
	size_t l = strlen(s);

	return (l == 40 || l == 64) && strspn(s, "0123456789abcdef") == l;
}

const char *gsym_hooks_config_event(char *const *args, size_t n)
{
	if (n == 0)
		return "pre-commit";
	if (n == 1 && is_flag(args[0]))
		return "post-merge";
	if (n == 1 && (!strcmp(args[0], "amend") || !strcmp(args[0], "rebase")))
		return "post-rewrite";
	if (n == 2 && is_flag(args[0]) && is_flag(args[1]))
		return "post-index-change";
	if (n == 3 && is_oid(args[0]) && is_oid(args[1]) && is_flag(args[2]))
		return "post-checkout";
	return NULL;
}

typedef struct {
	const char *event;
	bool found;
} event_match;

static int match_event(const git_config_entry *entry, void *payload)
{
	event_match *m = payload;

	if (!*entry->value) /* an empty value clears the list */
		m->found = false;
	else if (!strcmp(entry->value, m->event))
		m->found = true;
	return 0;
}

bool gsym_hooks_config_has(git_config *cfg, const char *event, bool *enabled)
{
	git_buf cmd = { NULL, 0, 0 };
	event_match m = { event, false };
	int on = 1;

	if (git_config_get_bool(&on, cfg, "hook." GSYM_HOOK_NAME ".enabled") <
		0)
		on = 1;
	*enabled = on != 0;
	if (git_config_get_string_buf(&cmd, cfg,
		    "hook." GSYM_HOOK_NAME ".command") == 0 &&
		strstr(cmd.ptr, RUNS))
		git_config_get_multivar_foreach(cfg,
			"hook." GSYM_HOOK_NAME ".event", NULL, match_event, &m);
	git_buf_dispose(&cmd);
	git_error_clear();
	return m.found;
}

bool gsym_hooks_folder_skip(const char *event)
{
	gsym_repo repo;
	git_config *cfg = NULL;
	unsigned int v[3];
	const char *const *name;
	bool enabled = true, covered = false;

	/* only the hooks' own events (not fsmonitor, nor its daemon) */
	for (name = gsym_hook_names; *name && strcmp(*name, event); name++)
		;
	if (!*name)
		return false;
	git_libgit2_init();
	/* (not git_repository_open_ext: it reads GIT_INDEX_FILE's index) */
	if (gsym_repo_open_paths(&repo) < 0 ||
		git_repository_config_snapshot(&cfg, repo.repo) < 0)
		goto done;
	covered = gsym_hooks_config_has(cfg, event, &enabled);
	/* the configured hook runs only where git reads it: 2.54 and later */
	if (covered && enabled)
		covered = gsym_hooks_config_supported(v,
			git_repository_path(repo.repo));
done:
	git_config_free(cfg);
	gsym_repo_close(&repo);
	git_error_clear();
	gsym_error_clear();
	git_libgit2_shutdown();
	return !enabled || covered;
}
