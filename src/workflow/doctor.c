#include "workflow/doctor.h"
#include "workflow/hooks.h"
#include "workflow/hooks_dir.h"
#include "workflow/hooks_config.h"
#include "git/repo.h"
#include "run/run.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"
#include "gsym_version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_TARGET "git-symlinks-probe-target"

int gsym_doctor_probe(const char *dir)
{
	gsym_buf path = GSYM_BUF_INIT, back = GSYM_BUF_INIT;
	gsym_error_saved saved;
	int error;

	gsym_buf_printf(&path, "%s.git-symlinks-probe-%ld", dir,
		gsym_platform_pid());
	if ((error = gsym_platform_symlink(PROBE_TARGET, path.ptr,
		     GSYM_LINK_FILE)) < 0)
		goto done;
	if ((error = gsym_platform_readlink(&back, path.ptr)) == 0 &&
		strcmp(gsym_buf_cstr(&back), PROBE_TARGET))
		error = gsym_error_setc(GSYM_EUNSUPPORTED,
			"a link made in '%s' reads back as '%s'", dir,
			gsym_buf_cstr(&back));
	gsym_error_save(&saved);
	if (gsym_platform_remove(path.ptr) < 0 && !error)
		error = GSYM_ERROR; /* its message is the removal's */
	else if (error)
		gsym_error_restore(&saved, error);
done:
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&back);
	return error;
}

bool gsym_doctor_links_off(int probe, int core_symlinks)
{
	return probe == 0 && core_symlinks == 0;
}

/* How many hooks install-hooks installs. */
static int nhooks(void)
{
	int n = 0;

	while (gsym_hook_names[n])
		n++;
	return n;
}

/* Windows tells about Developer Mode; other platforms do not. */
static bool windows(const gsym_doctor *d)
{
	return d->facts.developer_mode != GSYM_TRI_UNKNOWN;
}

static const char *fs_name(const gsym_doctor *d)
{
	return d->facts.fs_type[0] ? d->facts.fs_type : "this file system";
}

void gsym_doctor_why(gsym_buf *out, const gsym_doctor *d)
{
	if (d->probe == 0)
		return;
	if (d->probe == GSYM_EPRIVILEGE && windows(d) &&
		d->facts.developer_mode == GSYM_TRI_NO &&
		d->facts.link_privilege != GSYM_TRI_YES) {
		gsym_buf_puts(out,
			"Developer Mode is off and this process does not "
			"hold SeCreateSymbolicLinkPrivilege (not elevated)");
	} else if (d->probe == GSYM_EPRIVILEGE && windows(d)) {
		gsym_buf_puts(out, "Windows refused the link (privilege)");
	} else if (d->probe == GSYM_EUNSUPPORTED ||
		d->facts.volume_links == GSYM_TRI_NO) {
		gsym_buf_printf(out, "%s%s does not support symbolic links",
			windows(d) ? "the volume's file system " : "",
			fs_name(d));
	} else {
		gsym_buf_puts(out,
			d->probe_error ? d->probe_error :
					 "the link could not be made");
	}
}

void gsym_doctor_next(gsym_buf *out, const gsym_doctor *d)
{
	if (gsym_doctor_links_off(d->probe, d->core_symlinks))
		gsym_buf_puts(out,
			"links work here but core.symlinks=false: run 'git "
			"symlinks install-hooks --enable-symlinks' so git "
			"writes links itself, then 'git symlinks restore'");
	else if (d->probe == GSYM_EPRIVILEGE && windows(d))
		gsym_buf_printf(out,
			"turn on Developer Mode (Settings > System > For "
			"developers) or run from an elevated prompt, then "
			"'git symlinks restore'; until then restore makes "
			"%s",
			d->fallback);
	else if (d->config_disabled)
		gsym_buf_puts(out,
			"the hooks are off here (hook." GSYM_HOOK_NAME
			".enabled=false): 'git config --unset hook." GSYM_HOOK_NAME
			".enabled' turns them on, 'git symlinks restore' makes "
			"the links by hand");
	else if (d->config_capable && d->config_hooks < nhooks() &&
		d->hooks_here < nhooks())
		gsym_buf_puts(out,
			"run 'git symlinks install-hooks --global' so every "
			"repository, this one included, ends every checkout, "
			"merge and rebase with links");
	else if (d->hooks_here < nhooks() && d->config_hooks < nhooks())
		gsym_buf_puts(out,
			"run 'git symlinks install-hooks' so every checkout, "
			"merge and rebase here ends with links");
	else if (d->placeholders)
		gsym_buf_puts(out,
			"run 'git symlinks restore' now, or let the next git "
			"command that runs a hook (checkout, merge, commit, any "
			"index write) do it");
	else if (d->config_hooks == nhooks() && d->hooks_here)
		gsym_buf_puts(out,
			"run 'git symlinks install-hooks --global --migrate' to "
			"take the blocks of an earlier install out of this "
			"repository's hooks (each event runs once either way)");
	else if (d->config_hooks < nhooks() && d->hooks_global < nhooks())
		gsym_buf_puts(out,
			"run 'git symlinks install-hooks --global' so every "
			"new clone gets the hooks");
	else if (d->probe != 0)
		gsym_buf_printf(out,
			"nothing more to set up: links cannot be made on %s, "
			"so restore makes %s; a clone on a disk with links "
			"gets real ones",
			fs_name(d), d->fallback);
	else
		gsym_buf_puts(out,
			"nothing to do: links are made here, and the hooks "
			"keep them");
}

/* The config value `name` as a boolean: 1, 0, or -1 when unset. */
static int config_bool(git_config *cfg, const char *name)
{
	int value = 0;

	if (git_config_get_bool(&value, cfg, name) < 0)
		return -1;
	return value ? 1 : 0;
}

static char *config_string(git_config *cfg, const char *name, bool path)
{
	git_buf value = { NULL, 0, 0 };
	char *s = NULL;

	if ((path ? git_config_get_path(&value, cfg, name) :
		    git_config_get_string_buf(&value, cfg, name)) == 0)
		s = gsym_strdup(value.ptr);
	git_buf_dispose(&value);
	return s;
}

/* The first line `cmd` prints, or NULL when it fails. */
static char *first_line(const char *cmd)
{
	char line[512];
	FILE *p = gsym_platform_popen(cmd);
	bool got;

	if (!p)
		return NULL;
	got = fgets(line, sizeof(line), p) != NULL;
	if (gsym_platform_pclose(p) != 0 || !got)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return gsym_strdup(line);
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
 * The link entries, and how many restore would still make (`status
 * --porcelain` says "pending": git's placeholder, with something to
 * make; a dangling or unsafe one stays a placeholder).
 */
static void count_placeholders(gsym_doctor *out)
{
	gsym_buf self = GSYM_BUF_INIT, cmd = GSYM_BUF_INIT;
	char line[4096];
	FILE *p;

	if (gsym_platform_self_path(&self) < 0) {
		gsym_error_clear();
		goto done;
	}
	gsym_buf_printf(&cmd, "\"%s\" status --porcelain", self.ptr);
	if (!(p = gsym_platform_popen(cmd.ptr)))
		goto done;
	while (fgets(line, sizeof(line), p)) {
		const char *kind = strchr(line, ' ');

		out->links++;
		out->placeholders += !strncmp(line, "pending ", 8);
		/* a link or fallback made here: restored before */
		if (kind && strncmp(kind + 1, "placeholder ", 12) &&
			strncmp(kind + 1, "missing ", 8))
			out->state = true;
	}
	gsym_platform_pclose(p); /* 1 when some are pending */
done:
	gsym_buf_dispose(&self);
	gsym_buf_dispose(&cmd);
}

/*
 * Our configured hook as git sees it here: `git hook list <event>
 * --show-scope` prints "<scope>\t[disabled\t]<name>" for each.
 */
static void list_config_hooks(gsym_doctor *out)
{
	const char *const *name;
	char line[1024];

	for (name = gsym_hook_names; *name; name++) {
		gsym_buf cmd = GSYM_BUF_INIT;
		FILE *p;

		gsym_buf_printf(&cmd, "git hook list %s --show-scope", *name);
		p = gsym_platform_popen(cmd.ptr);
		gsym_buf_dispose(&cmd);
		if (!p)
			continue;
		while (fgets(line, sizeof(line), p)) {
			char *tab = strchr(line, '\t'), *hook;
			bool disabled;

			line[strcspn(line, "\r\n")] = '\0';
			if (!tab)
				continue;
			*tab = '\0';
			hook = tab + 1;
			disabled = !strncmp(hook, "disabled\t", 9);
			if (disabled)
				hook += 9;
			if (strcmp(hook, GSYM_HOOK_NAME))
				continue;
			if (!out->config_scope)
				out->config_scope = gsym_strdup(line);
			if (disabled)
				out->config_disabled = true;
			else
				out->config_hooks++;
		}
		gsym_platform_pclose(p);
	}
}

int gsym_doctor_gather(gsym_doctor *out)
{
	gsym_repo repo;
	git_config *cfg = NULL;
	gsym_buf b = GSYM_BUF_INIT;
	gsym_plan_opts plan;
	unsigned int v[3];
	int major, minor, rev, error;

	memset(out, 0, sizeof(*out));
	git_libgit2_version(&major, &minor, &rev);
	gsym_buf_printf(&b, "%d.%d.%d", major, minor, rev);
	out->libgit2_version = gsym_buf_detach(&b);
	out->git_version = first_line("git --version");

	if ((error = gsym_repo_open(&repo, false)) < 0)
		goto done;
	out->workdir = gsym_strdup(repo.workdir);
	gsym_platform_link_facts(&out->facts, repo.workdir);
	if ((out->probe = gsym_doctor_probe(repo.workdir)) < 0)
		out->probe_error = gsym_strdup(gsym_error_last());

	if (git_repository_config_snapshot(&cfg, repo.repo) < 0) {
		error = gsym_repo_git_error("could not read the config");
		goto done;
	}
	out->core_symlinks = config_bool(cfg, "core.symlinks");
	out->fallback = config_string(cfg, "symlinks.fallback", false);
	out->fallback_configured = out->fallback &&
		gsym_run_parse_fallback(&plan, out->fallback) == 0;
	if (!out->fallback_configured) {
		free(out->fallback);
		out->fallback =
			gsym_strdup(gsym_platform_info_get()->default_fallback);
	}
	gsym_hooks_repo_dir(&b, repo.repo);
	out->hooks_here = gsym_hooks_count(b.ptr);
	out->hooks_dir = gsym_buf_detach(&b);
	if ((out->template_dir = config_string(cfg, "init.templateDir",
		     true)) != NULL) {
		gsym_buf_printf(&b, "%s/hooks", out->template_dir);
		out->hooks_global = gsym_hooks_count(b.ptr);
	}
	gsym_buf_printf(&b, "%ssymlinks/state", repo.gitdir);
	out->state = exists(b.ptr);
	gsym_buf_clear(&b);
	count_placeholders(out);
	if ((out->config_capable = gsym_hooks_config_supported(v, NULL)))
		list_config_hooks(out);
	gsym_error_clear();
done:
	git_config_free(cfg);
	gsym_repo_close(&repo);
	gsym_buf_dispose(&b);
	return error;
}

static const char *tri_text(gsym_tri t, const char *yes, const char *no)
{
	return t == GSYM_TRI_YES ? yes : t == GSYM_TRI_NO ? no : "unknown";
}

static const char *core_symlinks_text(int v)
{
	return v == 1 ? "true" : v == 0 ? "false" : "unset (true)";
}

static void hooks_text(gsym_buf *out, int n, const char *dir)
{
	int all = nhooks();

	if (!dir)
		gsym_buf_puts(out, "no (init.templateDir unset)");
	else if (n == all)
		gsym_buf_printf(out, "yes, in '%s'", dir);
	else if (n)
		gsym_buf_printf(out, "%d of %d, in '%s'", n, all, dir);
	else
		gsym_buf_printf(out, "no (not in '%s')", dir);
}

/* The lines on hooks: where they are registered, for here and for clones. */
static void text_hooks(gsym_buf *out, const gsym_doctor *d)
{
	if (d->config_disabled)
		gsym_buf_printf(out,
			"hooks here:       off: hook." GSYM_HOOK_NAME
			".enabled=false here (the hook is in the %s config)\n",
			d->config_scope);
	else if (d->config_hooks)
		gsym_buf_printf(out,
			"hooks here:       %s, hook." GSYM_HOOK_NAME
			" in the %s config (git hook list --show-scope)\n",
			d->config_hooks == nhooks() ? "yes" : "partly",
			d->config_scope);
	if (d->config_hooks || d->config_disabled) {
		if (d->hooks_here)
			gsym_buf_printf(out,
				"hooks folder:     the block in %d hooks in '%s' "
				"too (an earlier install; each event runs "
				"once)\n",
				d->hooks_here, d->hooks_dir);
	} else {
		gsym_buf_puts(out, "hooks here:       ");
		hooks_text(out, d->hooks_here, d->hooks_dir);
		gsym_buf_putc(out, '\n');
	}
	if (d->config_scope && strcmp(d->config_scope, "local"))
		gsym_buf_printf(out,
			"hooks for clones: yes, the %s config: every "
			"repository, existing or new\n",
			d->config_scope);
	else {
		gsym_buf_puts(out, "hooks for clones: ");
		hooks_text(out, d->hooks_global, d->template_dir);
		gsym_buf_putc(out, '\n');
	}
}

static void text(gsym_buf *out, const gsym_doctor *d, const char *why,
	const char *next)
{
	gsym_buf_printf(out, "working tree:     %s\n", d->workdir);
	gsym_buf_printf(out, "links here:       %s\n",
		d->probe == 0 ? "yes" : "no");
	if (d->probe) {
		gsym_buf_printf(out, "why not:          %s\n", why);
		if (d->probe_error && strcmp(d->probe_error, why))
			gsym_buf_printf(out, "error:            %s\n",
				d->probe_error);
	}
	gsym_buf_printf(out, "file system:      %s",
		d->facts.fs_type[0] ? d->facts.fs_type : "unknown");
	if (d->facts.fs_driver[0])
		gsym_buf_printf(out, " (%s)", d->facts.fs_driver);
	gsym_buf_putc(out, '\n');
	if (windows(d)) {
		gsym_buf_printf(out, "volume links:     %s\n",
			tri_text(d->facts.volume_links, "supported",
				"not supported"));
		gsym_buf_printf(out, "Developer Mode:   %s\n",
			tri_text(d->facts.developer_mode, "on", "off"));
		gsym_buf_printf(out, "link privilege:   %s\n",
			tri_text(d->facts.link_privilege,
				"held (SeCreateSymbolicLinkPrivilege)",
				"not held"));
		gsym_buf_printf(out, "elevated:         %s\n",
			tri_text(d->facts.elevated, "yes", "no"));
	}
	gsym_buf_printf(out, "fallback:         %s (%s)\n", d->fallback,
		d->fallback_configured ? "symlinks.fallback" :
					 "platform default");
	gsym_buf_printf(out, "core.symlinks:    %s\n",
		core_symlinks_text(d->core_symlinks));
	text_hooks(out, d);
	if (!d->links)
		gsym_buf_printf(out,
			"links restored:   no link entries here\n");
	else if (!d->placeholders)
		gsym_buf_printf(out,
			"links restored:   yes, nothing left to restore (%d "
			"links)\n",
			d->links);
	else
		gsym_buf_printf(out,
			"links restored:   %s: %d of %d links are still git's "
			"placeholders\n",
			d->state ? "partly" : "never", d->placeholders,
			d->links);
	gsym_buf_printf(out, "git:              %s\n",
		d->git_version ? d->git_version : "not found on PATH");
	gsym_buf_printf(out, "git-symlinks:     %s (libgit2 %s)\n",
		GSYM_VERSION, d->libgit2_version);
	gsym_buf_printf(out, "\nnext: %s\n", next);
}

static void json_str(gsym_buf *out, const char *s)
{
	if (s)
		gsym_json_string(out, s, strlen(s));
	else
		gsym_buf_puts(out, "null");
}

static void json_tri(gsym_buf *out, gsym_tri t)
{
	gsym_buf_puts(out,
		t == GSYM_TRI_YES        ? "true" :
			t == GSYM_TRI_NO ? "false" :
					   "null");
}

static void json(gsym_buf *out, const gsym_doctor *d, const char *why,
	const char *next)
{
	gsym_buf_puts(out, "{\"version\":1,\"worktree\":");
	json_str(out, d->workdir);
	gsym_buf_printf(out, ",\"links\":{\"ok\":%s,\"error\":",
		d->probe == 0 ? "true" : "false");
	json_str(out, d->probe_error);
	gsym_buf_puts(out, ",\"why\":");
	json_str(out, d->probe ? why : NULL);
	gsym_buf_puts(out, "},\"filesystem\":");
	json_str(out, d->facts.fs_type[0] ? d->facts.fs_type : NULL);
	gsym_buf_puts(out, ",\"windows\":");
	if (windows(d)) {
		gsym_buf_puts(out, "{\"volume_links\":");
		json_tri(out, d->facts.volume_links);
		gsym_buf_puts(out, ",\"developer_mode\":");
		json_tri(out, d->facts.developer_mode);
		gsym_buf_puts(out, ",\"link_privilege\":");
		json_tri(out, d->facts.link_privilege);
		gsym_buf_puts(out, ",\"elevated\":");
		json_tri(out, d->facts.elevated);
		gsym_buf_putc(out, '}');
	} else {
		gsym_buf_puts(out, "null");
	}
	gsym_buf_puts(out, ",\"fallback\":");
	json_str(out, d->fallback);
	gsym_buf_printf(out, ",\"fallback_source\":\"%s\"",
		d->fallback_configured ? "config" : "default");
	gsym_buf_printf(out, ",\"core_symlinks\":%s",
		d->core_symlinks == 1         ? "true" :
			d->core_symlinks == 0 ? "false" :
						"null");
	gsym_buf_printf(out, ",\"hooks\":{\"here\":%d,\"dir\":", d->hooks_here);
	json_str(out, d->hooks_dir);
	gsym_buf_printf(out,
		",\"clones\":%d,\"template_dir\":", d->hooks_global);
	json_str(out, d->template_dir);
	gsym_buf_printf(out,
		",\"config\":%d,\"config_scope\":", d->config_hooks);
	json_str(out, d->config_scope);
	gsym_buf_printf(out,
		",\"config_disabled\":%s,\"config_capable\":%s,\"of\":%d}",
		d->config_disabled ? "true" : "false",
		d->config_capable ? "true" : "false", nhooks());
	gsym_buf_printf(out,
		",\"link_entries\":%d,\"placeholders\":%d,\"restored\":%s",
		d->links, d->placeholders,
		!d->placeholders ? "true" :
			d->state ? "\"partly\"" :
				   "false");
	gsym_buf_puts(out, ",\"git_version\":");
	json_str(out, d->git_version);
	gsym_buf_puts(out, ",\"tool_version\":");
	json_str(out, GSYM_VERSION);
	gsym_buf_puts(out, ",\"libgit2_version\":");
	json_str(out, d->libgit2_version);
	gsym_buf_puts(out, ",\"next\":");
	json_str(out, next);
	gsym_buf_puts(out, "}\n");
}

void gsym_doctor_format(gsym_buf *out, const gsym_doctor *d, bool as_json)
{
	gsym_buf why = GSYM_BUF_INIT, next = GSYM_BUF_INIT;

	gsym_doctor_why(&why, d);
	gsym_doctor_next(&next, d);
	if (as_json)
		json(out, d, gsym_buf_cstr(&why), gsym_buf_cstr(&next));
	else
		text(out, d, gsym_buf_cstr(&why), gsym_buf_cstr(&next));
	gsym_buf_dispose(&why);
	gsym_buf_dispose(&next);
}

void gsym_doctor_dispose(gsym_doctor *d)
{
	free(d->workdir);
	free(d->probe_error);
	free(d->fallback);
	free(d->hooks_dir);
	free(d->template_dir);
	free(d->config_scope);
	free(d->git_version);
	free(d->libgit2_version);
	memset(d, 0, sizeof(*d));
}

void gsym_doctor_hint(gsym_buf *out)
{
	gsym_repo repo;
	git_config *cfg = NULL;

	git_libgit2_init();
	if (gsym_repo_open(&repo, false) == 0 &&
		git_repository_config_snapshot(&cfg, repo.repo) == 0 &&
		config_bool(cfg, "core.symlinks") == 0 &&
		gsym_doctor_links_off(gsym_doctor_probe(repo.workdir), 0))
		gsym_buf_puts(out,
			"hint: links work here but core.symlinks=false; run "
			"'git symlinks install-hooks --enable-symlinks' so git "
			"writes links itself\n");
	git_config_free(cfg);
	gsym_repo_close(&repo);
	gsym_error_clear();
	git_libgit2_shutdown();
}
