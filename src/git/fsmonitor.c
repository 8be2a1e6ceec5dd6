#include "git/fsmonitor.h"
#include "platform/platform.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/sha1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * git's EWAH bitmaps (ewah/ewah_io.c): the bit count, the number of
 * 64-bit words, the words, the position of the last marker word. A
 * marker word holds a run (bit 0: its value; bits 1-32: how many whole
 * words of it) followed by a count of literal words (bits 33-63); bit i
 * of the bitmap is bit i % 64 of word i / 64.
 */
#define RUN_MAX 0xffffffffu
#define LITERAL_MAX 0x7fffffffu
#define FSMN_VERSION 2

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put32(gsym_buf *out, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24),
		(unsigned char)(v >> 16), (unsigned char)(v >> 8),
		(unsigned char)v };

	gsym_buf_put(out, (const char *)b, 4);
}

static void put64(gsym_buf *out, uint64_t v)
{
	put32(out, (uint32_t)(v >> 32));
	put32(out, (uint32_t)v);
}

static size_t nwords(size_t n)
{
	return (n + 63) / 64;
}

static int malformed(void)
{
	return gsym_error_setc(GSYM_EUNSUPPORTED,
		"index: an fsmonitor extension this tool does not read");
}

/* Decode the bitmap at `p` (`len` bytes) into m->dirty. */
static int read_ewah(gsym_fsmn *m, const unsigned char *p, size_t len)
{
	size_t words, w, bit = 0, limit = nwords(m->n) * 64;

	if (len < 12 || get32(p) > m->n)
		return malformed();
	words = get32(p + 4);
	if ((len - 12) / 8 < words)
		return malformed();
	p += 8;
	for (w = 0; w < words;) {
		uint64_t rlw = get64(p + 8 * w++);
		uint64_t run = (rlw >> 1) & RUN_MAX, lit = rlw >> 33, k;

		if (run * 64 > limit - bit || lit > words - w ||
			lit * 64 > limit - bit - run * 64)
			return malformed();
		for (k = 0; (rlw & 1) && k < run; k++)
			m->dirty[bit / 64 + k] = ~(uint64_t)0;
		bit += run * 64;
		for (k = 0; k < lit; k++, bit += 64)
			m->dirty[bit / 64] = get64(p + 8 * w++);
	}
	/* no bit past the last entry (git would stop on it) */
	if (m->n % 64 && nwords(m->n) &&
		(m->dirty[nwords(m->n) - 1] >> (m->n % 64)))
		return malformed();
	return 0;
}

int gsym_fsmn_parse(gsym_fsmn *out, const unsigned char *data, size_t size,
	size_t n)
{
	const unsigned char *nul;
	size_t ewah;

	memset(out, 0, sizeof(*out));
	if (size < 4 + 1 + 4 || get32(data) != FSMN_VERSION ||
		!(nul = memchr(data + 4, '\0', size - 4)) ||
		(size_t)(data + size - (nul + 1)) < 4)
		return malformed();
	ewah = get32(nul + 1);
	if (ewah > (size_t)(data + size - (nul + 5)))
		return malformed();
	out->n = n;
	out->dirty = gsym_calloc(nwords(n) ? nwords(n) : 1, sizeof(uint64_t));
	if (read_ewah(out, nul + 5, ewah) < 0) {
		gsym_fsmn_dispose(out);
		return GSYM_EUNSUPPORTED;
	}
	out->token = gsym_strdup((const char *)data + 4);
	return 0;
}

void gsym_fsmn_init(gsym_fsmn *out, size_t n, const char *token)
{
	size_t i;

	out->n = n;
	out->token = gsym_strdup(token);
	out->dirty = gsym_calloc(nwords(n) ? nwords(n) : 1, sizeof(uint64_t));
	for (i = 0; i < n; i++)
		out->dirty[i / 64] |= (uint64_t)1 << (i % 64);
}

bool gsym_fsmn_dirty(const gsym_fsmn *m, size_t i)
{
	return i >= m->n || (m->dirty[i / 64] >> (i % 64) & 1);
}

bool gsym_fsmn_set(gsym_fsmn *m, size_t i, bool dirty)
{
	uint64_t bit = (uint64_t)1 << (i % 64);

	if (i >= m->n || gsym_fsmn_dirty(m, i) == dirty)
		return false;
	m->dirty[i / 64] ^= bit;
	return true;
}

static bool clean(uint64_t word)
{
	return word == 0 || word == ~(uint64_t)0;
}

/* Encode m->dirty as git's writer would: runs of equal whole words. */
static void write_ewah(gsym_buf *out, const gsym_fsmn *m)
{
	size_t words = nwords(m->n), w = 0, count = 0, last = 0, k;
	gsym_buf body = GSYM_BUF_INIT;

	do {
		uint64_t run = 0, lit = 0;
		bool ones = w < words && m->dirty[w] != 0;

		if (w < words && clean(m->dirty[w]))
			while (w + run < words && run < RUN_MAX &&
				clean(m->dirty[w + run]) &&
				(m->dirty[w + run] != 0) == ones)
				run++;
		while (w + run + lit < words && lit < LITERAL_MAX &&
			!clean(m->dirty[w + run + lit]))
			lit++;
		last = count++;
		put64(&body, (ones && run ? 1 : 0) | run << 1 | lit << 33);
		for (k = 0; k < lit; k++, count++)
			put64(&body, m->dirty[w + run + k]);
		w += run + lit;
	} while (w < words);
	put32(out, (uint32_t)m->n);
	put32(out, (uint32_t)count);
	gsym_buf_put(out, body.ptr, body.size);
	put32(out, (uint32_t)last);
	gsym_buf_dispose(&body);
}

void gsym_fsmn_write(gsym_buf *out, const gsym_fsmn *m)
{
	gsym_buf payload = GSYM_BUF_INIT, ewah = GSYM_BUF_INIT;

	put32(&payload, FSMN_VERSION);
	gsym_buf_put(&payload, m->token, strlen(m->token) + 1);
	write_ewah(&ewah, m);
	put32(&payload, (uint32_t)ewah.size);
	gsym_buf_put(&payload, ewah.ptr, ewah.size);
	gsym_buf_puts(out, "FSMN");
	put32(out, (uint32_t)payload.size);
	gsym_buf_put(out, payload.ptr, payload.size);
	gsym_buf_dispose(&payload);
	gsym_buf_dispose(&ewah);
}

void gsym_fsmn_dispose(gsym_fsmn *m)
{
	free(m->token);
	free(m->dirty);
	memset(m, 0, sizeof(*m));
}

void gsym_fsmonitor_command(gsym_buf *out, const char *binary)
{
	const char *p;

	/* git runs it through the shell, with the version and token after */
	gsym_buf_putc(out, '\'');
	for (p = binary; *p; p++) {
		if (*p == '\'')
			gsym_buf_puts(out, "'\\''");
		else
			gsym_buf_putc(out, *p == '\\' ? '/' : *p);
	}
	gsym_buf_puts(out, "' hook fsmonitor");
}

/* Is core.fsmonitor's value `v` one this tool wrote? */
static bool ours(const char *v)
{
	const char *tail = "' hook fsmonitor";
	size_t len = strlen(v), tlen = strlen(tail);

	return len > tlen && !strcmp(v + len - tlen, tail);
}

static bool config_string(gsym_buf *out, git_config *cfg, const char *name)
{
	git_buf v = { NULL, 0, 0 };
	bool found = git_config_get_string_buf(&v, cfg, name) == 0;

	git_error_clear();
	if (found)
		gsym_buf_sets(out, v.ptr);
	git_buf_dispose(&v);
	return found;
}

/* --- git's own monitor protocol, served by our daemon -------------------- */

static void put_sha1_hex(gsym_buf *out, const char *s, size_t len)
{
	gsym_sha1 c;
	unsigned char id[20];
	size_t i;

	gsym_sha1_init(&c);
	gsym_sha1_update(&c, s, len);
	gsym_sha1_final(id, &c);
	for (i = 0; i < 20; i++)
		gsym_buf_printf(out, "%02x", id[i]);
}

bool gsym_fsmonitor_ipc_paths(gsym_buf *include, gsym_buf *sock,
	git_config *cfg, const char *workdir, const char *gitdir)
{
	const char *run = getenv("XDG_RUNTIME_DIR"), *home = getenv("HOME");
	size_t wlen = strlen(workdir);
	gsym_buf dir = GSYM_BUF_INIT;

	if (!run || run[0] != '/' || !gsym_platform_private_dir(run))
		return false;
	gsym_buf_sets(include, run);
	gsym_buf_puts(include, "/git-symlinks-fsmonitor-");
	put_sha1_hex(include, workdir, wlen);
	gsym_buf_puts(include, ".config");

	/* where git 2.55 looks: fsm-ipc-unix.c fsmonitor_ipc__get_path */
	gsym_buf_sets(&dir, gitdir);
	if (!gsym_platform_fs_remote(dir.ptr)) {
		gsym_buf_sets(sock, gitdir);
		gsym_buf_puts(sock, "fsmonitor--daemon.ipc");
		gsym_buf_dispose(&dir);
		return true;
	}
	if (!config_string(&dir, cfg, "fsmonitor.socketdir") || !dir.size)
		gsym_buf_sets(&dir, "~");
	if (dir.ptr[0] == '~' && (dir.ptr[1] == '/' || !dir.ptr[1])) {
		if (!home) {
			gsym_buf_dispose(&dir);
			return false;
		}
		gsym_buf_sets(sock, home);
		gsym_buf_puts(sock, dir.ptr + 1);
	} else {
		gsym_buf_sets(sock, dir.ptr);
	}
	gsym_buf_puts(sock, "/.git-fsmonitor-");
	/* git's worktree path: no slash at the end */
	put_sha1_hex(sock, workdir, wlen > 1 ? wlen - 1 : wlen);
	gsym_buf_dispose(&dir);
	return true;
}

bool gsym_fsmonitor_daemon_wanted(git_config *cfg)
{
	int on = 1;
	bool wanted =
		git_config_get_bool(&on, cfg, "symlinks.fsmonitordaemon") < 0 ||
		on;

	git_error_clear();
	return wanted;
}

bool gsym_fsmonitor_ipc_wanted(git_config *cfg, const char *gitdir)
{
	int on = 1;

	if (git_config_get_bool(&on, cfg, "symlinks.fsmonitoripc") < 0 || on)
		on = gsym_fsmonitor_daemon_wanted(cfg);
	git_error_clear();
	/* git's monitor for Linux came with 2.55 */
	return on && gsym_git_version_at_least(gitdir, 2, 55, 0);
}

bool gsym_fsmonitor_ipc_configured(gsym_buf *include, gsym_buf *sock,
	gsym_buf *gitdir, gsym_buf *config, const char *workdir)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	gsym_buf marker = GSYM_BUF_INIT;
	bool ok = false;

	if (git_repository_open_ext(&repo, workdir,
		    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
		git_repository_config_snapshot(&cfg, repo) < 0)
		goto done;
	gsym_buf_sets(gitdir, git_repository_path(repo));
	gsym_buf_sets(config, git_repository_commondir(repo));
	gsym_buf_puts(config, "config");
	ok = config_string(&marker, cfg, "symlinks.fsmonitorinclude") &&
		gsym_fsmonitor_ipc_wanted(cfg, gitdir->ptr) &&
		gsym_fsmonitor_ipc_paths(include, sock, cfg, workdir,
			gitdir->ptr) &&
		!strcmp(marker.ptr, include->ptr);
done:
	git_error_clear();
	git_config_free(cfg);
	git_repository_free(repo);
	gsym_buf_dispose(&marker);
	return ok;
}

/* A regular expression matching exactly `s`, for git_config_*_multivar. */
static void regex_exact(gsym_buf *out, const char *s)
{
	gsym_buf_sets(out, "^");
	for (; *s; s++) {
		if (strchr(".[]()*+?{}|^$\\", *s))
			gsym_buf_putc(out, '\\');
		gsym_buf_putc(out, *s);
	}
	gsym_buf_putc(out, '$');
}

/*
 * include.path = `include` in the repository's config while `on` (the
 * daemon writes that file, `[core] fsmonitor = true`, while it serves
 * git's protocol, and removes it when it ends), noted as ours by
 * symlinks.fsmonitorInclude; taken out when off.
 */
static int ipc_config(git_config *cfg, git_config *snapshot, bool on,
	const char *include)
{
	gsym_buf was = GSYM_BUF_INIT, re = GSYM_BUF_INIT;
	bool had = config_string(&was, snapshot, "symlinks.fsmonitorinclude");
	int error = 0;

	if (on && had && !strcmp(was.ptr, include))
		goto done;
	if (had) {
		regex_exact(&re, was.ptr);
		git_config_delete_multivar(cfg, "include.path", re.ptr);
		git_config_delete_entry(cfg, "symlinks.fsmonitorinclude");
		git_error_clear();
	}
	if (on &&
		(error = git_config_set_multivar(cfg, "include.path", "^$^",
			 include)) == 0)
		error = git_config_set_string(cfg, "symlinks.fsmonitorinclude",
			include);
done:
	gsym_buf_dispose(&was);
	gsym_buf_dispose(&re);
	return error;
}

/*
 * core.fsmonitor as git takes it, but for the `true` our include file
 * holds while the daemon serves (that one is ours too).
 */
static bool fsmonitor_value(gsym_buf *out, git_config *cfg)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	gsym_buf marker = GSYM_BUF_INIT;
	bool ipc = config_string(&marker, cfg, "symlinks.fsmonitorinclude");
	bool found = false;

	if (git_config_multivar_iterator_new(&it, cfg, "core.fsmonitor", NULL) <
		0) {
		git_error_clear();
		gsym_buf_dispose(&marker);
		return false;
	}
	/* the least important file first, each in order: the last wins */
	while (git_config_next(&e, it) == 0) {
		if (ipc && e->include_depth > 0 && !strcmp(e->value, "true"))
			continue;
		gsym_buf_sets(out, e->value);
		found = true;
	}
	git_config_iterator_free(it);
	git_error_clear();
	gsym_buf_dispose(&marker);
	return found;
}

/*
 * Does git keep an untracked cache here: core.untrackedCache, or where it
 * is not set, feature.manyFiles, which turns it on ("keep": whatever
 * the index has, which the caller looks at)?
 */
static bool untracked_cache_on(git_config *cfg)
{
	gsym_buf v = GSYM_BUF_INIT;
	int on = 0;

	bool set = config_string(&v, cfg, "core.untrackedcache");

	if (set ? git_config_parse_bool(&on, v.ptr) < 0 :
		  git_config_get_bool(&on, cfg, "feature.manyfiles") < 0)
		on = 0; /* "keep", or not set at all */
	git_error_clear();
	gsym_buf_dispose(&v);
	return on != 0;
}

bool gsym_fsmonitor_usable(git_config *cfg, const gsym_index_file *f,
	const char *gitdir)
{
	gsym_buf v = GSYM_BUF_INIT;
	bool usable = true;

	if (config_string(&v, cfg, "symlinks.hide") && !strcmp(v.ptr, "sparse"))
		usable = false;
	/* the user's own monitor (a hook, or git's daemon) is theirs */
	else if (fsmonitor_value(&v, cfg) && !ours(v.ptr))
		usable = false;
	/*
	 * git trusts its untracked cache through the monitor too, and our
	 * answer names no directories
	 */
	else if (f->untracked_cache || untracked_cache_on(cfg))
		usable = false;
	else
		usable = gsym_git_trusts_fsmonitor(gitdir);
	git_error_clear();
	gsym_buf_dispose(&v);
	return usable;
}

/*
 * git (2.43 and later) turns the monitor off on a network or FUSE disk
 * (an exFAT drive, a share) unless fsmonitor.allowRemote: ours asks the
 * disk nothing it would not, so it is set with core.fsmonitor, and taken
 * out with it when it was ours (symlinks.allowRemote).
 */
/*
 * A setting of git's that this tool sets to `value` while `on`, unless the
 * user set it (then it is theirs), noting that it did in `marker`; and
 * takes out again when off, only if it was ours.
 */
static int managed_bool(git_config *cfg, git_config *snapshot, const char *key,
	const char *marker, bool value, bool on)
{
	gsym_buf v = GSYM_BUF_INIT;
	bool set = config_string(&v, snapshot, key);
	int ours = 0, error = 0;

	gsym_buf_dispose(&v);
	if (git_config_get_bool(&ours, snapshot, marker) < 0)
		ours = 0;
	git_error_clear();
	if (on && !set) {
		if ((error = git_config_set_bool(cfg, key, value)) == 0)
			error = git_config_set_bool(cfg, marker, 1);
	} else if (!on && ours) {
		git_config_delete_entry(cfg, key);
		git_config_delete_entry(cfg, marker);
		git_error_clear();
	}
	return error;
}

static int allow_remote(git_config *cfg, git_config *snapshot, bool on)
{
	return managed_bool(cfg, snapshot, "fsmonitor.allowRemote",
		"symlinks.allowRemote", true, on);
}

int gsym_trustctime_config(git_repository *repo, git_config *snapshot,
	bool hardlinks)
{
	git_config *cfg = NULL;
	int ours = 0, error = 0;

	if (git_config_get_bool(&ours, snapshot, "symlinks.trustctime") < 0)
		ours = 0;
	git_error_clear();
	if (hardlinks == (ours != 0))
		return 0; /* as it should be, or the user's */
	if (git_repository_config(&cfg, repo) < 0 ||
		managed_bool(cfg, snapshot, "core.trustctime",
			"symlinks.trustctime", false, hardlinks) < 0) {
		const git_error *e = git_error_last();

		error = gsym_error_set(
			"could not %s core.trustctime in the git "
			"config: %s",
			hardlinks ? "set" : "unset",
			e && e->message ? e->message : "unknown error");
	}
	git_error_clear();
	git_config_free(cfg);
	return error;
}

/* The include of git's own protocol, while the daemon serves it. */
static int ipc_config_of(git_repository *repo, git_config *snapshot, bool on)
{
	gsym_buf include = GSYM_BUF_INIT, sock = GSYM_BUF_INIT,
		 was = GSYM_BUF_INIT;
	const char *workdir = git_repository_workdir(repo);
	const char *gitdir = git_repository_path(repo);
	git_config *cfg = NULL;
	bool had = config_string(&was, snapshot, "symlinks.fsmonitorinclude");
	int error = 0;

	on = on && workdir && gsym_fsmonitor_ipc_wanted(snapshot, gitdir) &&
		gsym_fsmonitor_ipc_paths(&include, &sock, snapshot, workdir,
			gitdir);
	if (on ? !had || strcmp(was.ptr, include.ptr) : had)
		error = git_repository_config(&cfg, repo) < 0 ?
			-1 :
			ipc_config(cfg, snapshot, on, include.ptr);
	git_config_free(cfg);
	gsym_buf_dispose(&include);
	gsym_buf_dispose(&sock);
	gsym_buf_dispose(&was);
	return error;
}

int gsym_fsmonitor_config(git_repository *repo, git_config *snapshot, bool on)
{
	gsym_buf now = GSYM_BUF_INIT, want = GSYM_BUF_INIT,
		 self = GSYM_BUF_INIT, re = GSYM_BUF_INIT;
	git_config *cfg = NULL;
	bool set = fsmonitor_value(&now, snapshot);
	int error = 0;

	if (set && !ours(now.ptr))
		goto done; /* the user's: never ours to change */
	if (on) {
		if ((error = gsym_platform_self_path(&self)) < 0)
			goto done;
		gsym_fsmonitor_command(&want, self.ptr);
		if (set && !strcmp(now.ptr, want.ptr))
			goto ipc;
	} else if (!set) {
		goto ipc;
	}
	/*
	 * by value: while the daemon serves git's protocol, the include's
	 * `true` is an entry of the same name
	 */
	if (set)
		regex_exact(&re, now.ptr);
	else
		gsym_buf_sets(&re, "^$^"); /* matches none: adds one */
	if ((!on && ipc_config_of(repo, snapshot, false) < 0) ||
		git_repository_config(&cfg, repo) < 0 ||
		(on ? git_config_set_multivar(cfg, "core.fsmonitor", re.ptr,
			      want.ptr) :
		      git_config_delete_multivar(cfg, "core.fsmonitor",
			      re.ptr)) < 0 ||
		allow_remote(cfg, snapshot, on) < 0)
		goto failed;
ipc:
	if (ipc_config_of(repo, snapshot, on) < 0)
		goto failed;
	goto done;
failed : {
	const git_error *e = git_error_last();

	error = gsym_error_set("could not %s core.fsmonitor in the git "
			       "config: %s",
		on ? "set" : "unset",
		e && e->message ? e->message : "unknown error");
}
done:
	git_error_clear();
	git_config_free(cfg);
	gsym_buf_dispose(&now);
	gsym_buf_dispose(&want);
	gsym_buf_dispose(&self);
	gsym_buf_dispose(&re);
	return error;
}

#ifdef _WIN32
#define GSYM_PATH_LIST_SEP ";"
#else
#define GSYM_PATH_LIST_SEP ":"
#endif

/* The git a command run here would be: git's own (hooks), else PATH's. */
static bool find_git(gsym_buf *out)
{
	const char *exec = getenv("GIT_EXEC_PATH"), *path = getenv("PATH");
	const char *names[] = { "git", "git.exe" };
	gsym_stat st;
	size_t i;

	for (i = 0; exec && *exec && i < GSYM_ARRAY_SIZE(names); i++) {
		gsym_buf_sets(out, exec);
		gsym_buf_putc(out, '/');
		gsym_buf_puts(out, names[i]);
		if (gsym_platform_lstat(&st, out->ptr) == 0)
			return true;
	}
	while (path && *path) {
		const char *end = path + strcspn(path, GSYM_PATH_LIST_SEP);

		for (i = 0; end > path && i < GSYM_ARRAY_SIZE(names); i++) {
			gsym_buf_clear(out);
			gsym_buf_put(out, path, (size_t)(end - path));
			gsym_buf_putc(out, '/');
			gsym_buf_puts(out, names[i]);
			if (gsym_platform_lstat(&st, out->ptr) == 0)
				return true;
		}
		path = *end ? end + 1 : end;
	}
	gsym_error_clear();
	return false;
}

/* "git version 2.39.5" (or "2.55.0.windows.1"): 2, 39, 5. */
static bool parse_version(unsigned int v[3], const char *line)
{
	const char *p = strstr(line, "version ");

	v[0] = v[1] = v[2] = 0;
	return p && sscanf(p + 8, "%u.%u.%u", &v[0], &v[1], &v[2]) >= 2;
}

bool gsym_git_version(unsigned int v[3], const char *gitdir)
{
	gsym_buf git = GSYM_BUF_INIT, key = GSYM_BUF_INIT,
		 cache = GSYM_BUF_INIT, cmd = GSYM_BUF_INIT,
		 line = GSYM_BUF_INIT;
	bool known = false;
	gsym_stat st;
	char out[256];
	FILE *p;

	v[0] = v[1] = v[2] = 0;
	if (!find_git(&git) || gsym_platform_lstat(&st, git.ptr) < 0)
		goto done;
	/* asked once per git binary: kept beside the state */
	gsym_buf_printf(&key, "%s %llu %lld.%09u\n", git.ptr,
		(unsigned long long)st.size, (long long)st.mtime_sec,
		st.mtime_nsec);
	gsym_buf_printf(&cache, "%ssymlinks/git-version", gitdir ? gitdir : "");
	if (gitdir && gsym_platform_read_file(&line, cache.ptr, 4096) == 0 &&
		line.size > key.size && !memcmp(line.ptr, key.ptr, key.size)) {
		known = parse_version(v, line.ptr + key.size);
		goto done;
	}
	gsym_buf_printf(&cmd, "\"%s\" --version", git.ptr);
	if (!(p = gsym_platform_popen(cmd.ptr)))
		goto done;
	known = fgets(out, sizeof(out), p) != NULL && parse_version(v, out);
	if (gsym_platform_pclose(p) != 0)
		known = false;
	if (known && gitdir) {
		gsym_buf_clear(&line);
		gsym_buf_put(&line, key.ptr, key.size);
		gsym_buf_printf(&line, "git version %u.%u.%u\n", v[0], v[1],
			v[2]);
		gsym_buf_clear(&cmd);
		gsym_buf_printf(&cmd, "%s.new", cache.ptr);
		gsym_platform_remove(cmd.ptr);
		if (gsym_platform_write_new(cmd.ptr, line.ptr, line.size) ==
				0 &&
			gsym_platform_rename(cmd.ptr, cache.ptr) < 0)
			gsym_platform_remove(cmd.ptr);
	}
done:
	gsym_error_clear();
	gsym_buf_dispose(&git);
	gsym_buf_dispose(&key);
	gsym_buf_dispose(&cache);
	gsym_buf_dispose(&cmd);
	gsym_buf_dispose(&line);
	return known;
}

bool gsym_git_version_at_least(const char *gitdir, unsigned int major,
	unsigned int minor, unsigned int patch)
{
	unsigned int v[3];

	return gsym_git_version(v, gitdir) &&
		(v[0] != major                ? v[0] > major :
				v[1] != minor ? v[1] > minor :
						v[2] >= patch);
}

bool gsym_git_trusts_fsmonitor(const char *gitdir)
{
	/*
	 * git before 2.42.1 leaves the stat of an entry it trusts unset in
	 * `git diff <commit>` (diff-lib.c check_removed) and may report it
	 * deleted: there the sparse block hides what needs hiding
	 */
	return gsym_git_version_at_least(gitdir, 2, 42, 1);
}

/* How long a question waits for its answer (the first: the daemon's walk) */
#define ASK_TIMEOUT_MS 1500

void gsym_fsmonitor_channel(gsym_buf *out, const char *workdir)
{
	gsym_sha1 c;
	unsigned char id[20];
	size_t i;

	gsym_sha1_init(&c);
	gsym_sha1_update(&c, workdir, strlen(workdir));
	gsym_sha1_final(id, &c);
	gsym_buf_clear(out);
	gsym_buf_puts(out, "git-symlinks/fsmonitor/");
	for (i = 0; i < 20; i++)
		gsym_buf_printf(out, "%02x", id[i]);
}

static void start_daemon(const char *workdir)
{
	gsym_buf self = GSYM_BUF_INIT;
	const char *argv[5];

	if (gsym_platform_self_path(&self) == 0) {
		argv[0] = self.ptr;
		argv[1] = "hook";
		argv[2] = "fsmonitor-daemon";
		argv[3] = workdir;
		argv[4] = NULL;
		gsym_platform_spawn_detached(argv);
	}
	gsym_error_clear();
	gsym_buf_dispose(&self);
}

int gsym_fsmonitor_ask(gsym_buf *next, gsym_buf *changed, const char *workdir,
	const char *token)
{
	gsym_buf name = GSYM_BUF_INIT, req = GSYM_BUF_INIT, ans = GSYM_BUF_INIT;
	const char *nl;
	int error;

	gsym_fsmonitor_channel(&name, workdir);
	gsym_buf_printf(&req, "Q %s", token);
	error = gsym_platform_channel_ask(&ans, name.ptr, req.ptr,
		ASK_TIMEOUT_MS);
	if (error == GSYM_ENOTFOUND)
		start_daemon(workdir);
	if (error < 0)
		goto done;
	nl = ans.size ? memchr(ans.ptr, '\n', ans.size) : NULL;
	if (!nl ||
		(strncmp(ans.ptr, "OK ", 3) && strncmp(ans.ptr, "NEW ", 4))) {
		error = gsym_error_set("the fsmonitor daemon of '%s' gave no "
				       "answer",
			workdir);
		goto done;
	}
	gsym_buf_clear(next);
	gsym_buf_put(next, strchr(ans.ptr, ' ') + 1,
		(size_t)(nl - strchr(ans.ptr, ' ') - 1));
	gsym_buf_clear(changed);
	gsym_buf_put(changed, nl + 1, ans.size - (size_t)(nl + 1 - ans.ptr));
	error = ans.ptr[0] == 'O';
done:
	gsym_buf_dispose(&name);
	gsym_buf_dispose(&req);
	gsym_buf_dispose(&ans);
	return error;
}
