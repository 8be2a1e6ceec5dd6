#include "workflow/fsmonitor_daemon.h"
#include "workflow/fsmonitor.h"
#include "git/fsmonitor.h"
#include "platform/platform.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strlist.h"

#include <stdlib.h>
#include <string.h>

/* Questions a token stays good for; older ones are answered "NEW". */
#define KEEP_SEQUENCES 64
#define IDLE_MS ((uint64_t)GSYM_FSMONITOR_IDLE_MINUTES * 60 * 1000)
/* Past this many changed paths since the oldest token, start over. */
#define FORGET_AT (1 << 20)
/* Past this many changed paths, those older than KEEP_SEQUENCES go. */
#define PRUNE_AT 65536
/*
 * After the include that points git at us is gone, git's protocol is
 * served this much longer: a git that read its config before then asks
 * now (git would start its own monitor when nobody answers).
 */
#define GRACE_MS 3000

/* path -> the sequence it last changed in (open addressing) */
typedef struct {
	char **keys;
	uint64_t *seqs;
	size_t cap, n;
} change_map;

/* the paths (relative, '/'-ended; "" for the root) a watch id stands for */
typedef gsym_strlist dir_paths;

typedef struct {
	gsym_watcher *w;
	const char *root; /* absolute, '/'-ended */
	int root_id;
	dir_paths *dirs; /* by watch id */
	size_t ndirs;
	change_map changes;
	char instance[40];
	uint64_t seq; /* changes now are of this sequence */
	uint64_t floor; /* the oldest sequence still answered */
	bool changed; /* something changed in sequence `seq` */
	bool gone; /* the tree went away */
	bool quit; /* git asked (git fsmonitor--daemon stop) */
	gsym_buf scratch;
	gsym_buf include; /* while serving git's protocol: the include */
	gsym_buf config; /* the config file that may ask for it */
	int64_t config_mtime, config_mtime_nsec; /* as it was last read */
} daemon;

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t slot_of(const change_map *m, const char *path)
{
	size_t i = (size_t)hash(path) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], path))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void map_grow(change_map *m, size_t cap)
{
	change_map bigger = { gsym_calloc(cap, sizeof(char *)),
		gsym_calloc(cap, sizeof(uint64_t)), cap, m->n };
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t j = slot_of(&bigger, m->keys[i]);

			bigger.keys[j] = m->keys[i];
			bigger.seqs[j] = m->seqs[i];
		}
	free(m->keys);
	free(m->seqs);
	*m = bigger;
}

static void map_dispose(change_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->seqs);
	memset(m, 0, sizeof(*m));
}

static void new_instance(daemon *d);

static void note(daemon *d, const char *path)
{
	size_t i;

	/*
	 * a build writing a million untracked files between two questions:
	 * rather than hold them all, start over (the next question is
	 * answered "NEW", and the hook looks at every entry once)
	 */
	if (d->changes.n >= FORGET_AT)
		new_instance(d);

	if ((d->changes.n + 1) * 2 > d->changes.cap)
		map_grow(&d->changes,
			d->changes.cap ? d->changes.cap * 2 : 1024);
	i = slot_of(&d->changes, path);
	if (!d->changes.keys[i]) {
		d->changes.keys[i] = gsym_strdup(path);
		d->changes.n++;
	}
	d->changes.seqs[i] = d->seq;
	d->changed = true;
}

/* Forget what changed before the oldest sequence still answered. */
static void prune(daemon *d)
{
	change_map kept = { NULL, NULL, 0, 0 };
	size_t i;

	if (d->changes.n < PRUNE_AT || d->seq <= KEEP_SEQUENCES)
		return;
	d->floor = d->seq - KEEP_SEQUENCES;
	map_grow(&kept, d->changes.cap);
	for (i = 0; i < d->changes.cap; i++) {
		char *key = d->changes.keys[i];

		if (!key)
			continue;
		if (d->changes.seqs[i] < d->floor) {
			free(key);
			continue;
		}
		kept.seqs[slot_of(&kept, key)] = d->changes.seqs[i];
		kept.keys[slot_of(&kept, key)] = key;
		kept.n++;
	}
	free(d->changes.keys);
	free(d->changes.seqs);
	d->changes = kept;
}

/* Does watch `id` stand for `path` already? Else note that it does. */
static bool knows(daemon *d, int id, const char *path)
{
	dir_paths *p;

	if ((size_t)id >= d->ndirs) {
		size_t n = (size_t)id * 2 + 16;

		d->dirs = gsym_reallocarray(d->dirs, n, sizeof(*d->dirs));
		memset(d->dirs + d->ndirs, 0,
			(n - d->ndirs) * sizeof(*d->dirs));
		d->ndirs = n;
	}
	p = &d->dirs[id];
	if (gsym_strlist_contains(p, path))
		return true;
	gsym_strlist_adds(p, path);
	return false;
}

typedef struct {
	daemon *d;
	const char *rel; /* the directory's, '/'-ended or "" */
	bool report;
	bool force;
} walk_ctx;

static int walk(daemon *d, const char *rel, bool report, bool force);

static int walk_one(const char *name, void *payload)
{
	walk_ctx *c = payload;
	gsym_buf child = GSYM_BUF_INIT, abs = GSYM_BUF_INIT;
	gsym_stat st;

	if (!*c->rel && !strcmp(name, ".git"))
		return 0;
	gsym_buf_sets(&child, c->rel);
	gsym_buf_puts(&child, name);
	if (c->report)
		note(c->d, child.ptr);
	gsym_buf_sets(&abs, c->d->root);
	gsym_buf_puts(&abs, child.ptr);
	if (gsym_platform_lstat(&st, abs.ptr) == 0 && st.type == GSYM_FT_DIR) {
		gsym_buf_putc(&child, '/');
		if (c->report)
			note(c->d, child.ptr);
		walk(c->d, child.ptr, c->report, c->force);
	}
	gsym_error_clear();
	gsym_buf_dispose(&child);
	gsym_buf_dispose(&abs);
	return 0;
}

/*
 * Watch the directory `rel` and every one below it, noting what is in
 * them when `report` (they came after their parent was watched: what was
 * made in them before their own watch began has no event). A directory
 * already watched under this name is not walked again unless `force`.
 */
static int walk(daemon *d, const char *rel, bool report, bool force)
{
	gsym_buf abs = GSYM_BUF_INIT;
	walk_ctx c = { d, rel, report, force };
	int id, error;

	gsym_buf_sets(&abs, d->root);
	gsym_buf_puts(&abs, rel);
	if ((error = gsym_platform_watch_add(&id, d->w, abs.ptr)) < 0)
		goto done;
	if (!*rel)
		d->root_id = id;
	if (knows(d, id, rel) && !force)
		goto done;
	error = gsym_platform_readdir(abs.ptr, walk_one, &c);
done:
	/*
	 * gone since its event: nothing to watch. Any other failure (the
	 * limit of watches) leaves a directory unwatched: no answer could
	 * be trusted, so the daemon ends and the hook looks itself.
	 */
	if (error == GSYM_ENOTFOUND && *rel)
		error = 0;
	else if (error < 0)
		d->gone = true;
	gsym_buf_dispose(&abs);
	return error;
}

static void new_instance(daemon *d)
{
	static unsigned int n;

	snprintf(d->instance, sizeof(d->instance), "%lx%llx%x",
		(unsigned long)gsym_platform_clock_ms(),
		(unsigned long long)gsym_platform_now(), n++);
	d->seq = d->floor = 1;
	d->changed = false;
	map_dispose(&d->changes);
}

/*
 * `.git` changed at the root: gone with the tree? (The socket git's
 * protocol is served on holds the directory, so the root's own removal
 * is not reported until it is closed.)
 */
static void gone_git(daemon *d)
{
	gsym_buf path = GSYM_BUF_INIT;
	gsym_stat st;

	gsym_buf_sets(&path, d->root);
	gsym_buf_puts(&path, ".git");
	if (gsym_platform_lstat(&st, path.ptr) < 0)
		d->gone = true;
	gsym_error_clear();
	gsym_buf_dispose(&path);
}

static void on_change(void *payload, int id, const char *name, bool is_dir)
{
	daemon *d = payload;
	dir_paths *p;
	size_t i;

	if (id < 0) {
		/* changes lost: no old token holds; watch what came since */
		new_instance(d);
		walk(d, "", false, true);
		gsym_error_clear();
		return;
	}
	if (!name && id == d->root_id) {
		d->gone = true;
		return;
	}
	if ((size_t)id >= d->ndirs)
		return;
	p = &d->dirs[id];
	for (i = 0; i < p->n; i++) {
		gsym_buf *s = &d->scratch;

		gsym_buf_sets(s, p->v[i]);
		if (!name) { /* the directory itself went or moved */
			if (s->size) {
				note(d, s->ptr);
				gsym_buf_truncate(s, s->size - 1);
				note(d, s->ptr);
			}
			continue;
		}
		if (!s->size && !strcmp(name, ".git")) {
			gone_git(d);
			continue;
		}
		gsym_buf_puts(s, name);
		note(d, s->ptr);
		if (is_dir) {
			gsym_buf_putc(s, '/');
			note(d, s->ptr);
			walk(d, s->ptr, true, false);
			gsym_error_clear();
		}
	}
}

/*
 * What changed since `token`, in `changed` (NUL after each path), and
 * the token to hand out now in `next`; false when `token` is not one
 * this daemon can answer for (another instance's, or too old).
 */
static bool since(daemon *d, const char *token, gsym_buf *next,
	gsym_buf *changed)
{
	size_t ilen = strlen(d->instance), i;
	uint64_t from = 0;
	bool known = false;

	if (!strncmp(token, "gsymd:", 6) &&
		!strncmp(token + 6, d->instance, ilen) &&
		token[6 + ilen] == ':') {
		char *end;

		from = strtoull(token + 7 + ilen, &end, 10);
		known = !*end && from >= d->floor && from <= d->seq;
	}
	/*
	 * what changes from now on is of the next sequence, unless nothing
	 * changed in this one: then the token stays what it was (git keeps
	 * an old token until it writes the index, and would find it expired)
	 */
	if (d->changed) {
		d->seq++;
		d->changed = false;
	}
	gsym_buf_clear(next);
	gsym_buf_printf(next, "gsymd:%s:%llu", d->instance,
		(unsigned long long)d->seq);
	gsym_buf_clear(changed);
	for (i = 0; known && i < d->changes.cap; i++)
		if (d->changes.keys[i] && d->changes.seqs[i] >= from) {
			gsym_buf_puts(changed, d->changes.keys[i]);
			gsym_buf_putc(changed, '\0');
		}
	prune(d);
	return known;
}

/* "Q <token>" on our channel: "OK <next>" or "NEW <next>", the paths. */
static void answer(daemon *d, const char *req, gsym_buf *out)
{
	gsym_buf next = GSYM_BUF_INIT, changed = GSYM_BUF_INIT;
	bool known = since(d, !strncmp(req, "Q ", 2) ? req + 2 : "", &next,
		&changed);

	gsym_buf_clear(out);
	gsym_buf_printf(out, "%s %s\n", known ? "OK" : "NEW", next.ptr);
	gsym_buf_put(out, changed.ptr, changed.size);
	gsym_buf_dispose(&next);
	gsym_buf_dispose(&changed);
}

/* The answer's question to the daemon, asked of this one in-process. */
static int ask_self(gsym_buf *next, gsym_buf *changed, const char *workdir,
	const char *token, void *payload)
{
	(void)workdir;
	return since(payload, token, next, changed) ? 1 : 0;
}

/*
 * A question in git's own protocol: git's token, or a command of git's
 * daemon ("quit"). The answer is our hook's, as the hook would give it.
 */
static void answer_git(daemon *d, const char *req, int client)
{
	gsym_buf out = GSYM_BUF_INIT, next = GSYM_BUF_INIT,
		 changed = GSYM_BUF_INIT;

	if (!strcmp(req, "quit")) {
		d->quit = true;
		gsym_platform_channel_answer_git(client, "", 0);
		return;
	}
	if (gsym_fsmonitor_respond(&out, req, ask_self, d) < 0) {
		/* nothing can be told: git looks at everything */
		since(d, "", &next, &changed);
		gsym_buf_sets(&out, next.ptr);
		gsym_buf_put(&out, "\0/", 3);
	}
	gsym_platform_channel_answer_git(client, out.ptr, out.size);
	gsym_buf_dispose(&out);
	gsym_buf_dispose(&next);
	gsym_buf_dispose(&changed);
}

/*
 * The answer is read as git would read it: the repository by GIT_DIR and
 * GIT_WORK_TREE, nothing of the environment of the hook that started us.
 */
static void take_environment(const char *gitdir, const char *workdir)
{
	static const char *const drop[] = { "GIT_INDEX_FILE", "GIT_PREFIX",
		"GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
		"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES" };
	size_t i;

	for (i = 0; i < GSYM_ARRAY_SIZE(drop); i++)
		gsym_platform_setenv(drop[i], NULL);
	gsym_platform_setenv("GIT_DIR", gitdir);
	gsym_platform_setenv("GIT_WORK_TREE", workdir);
}

/* Write the include that turns git's protocol on: `[core] fsmonitor`. */
static int write_include(const char *include)
{
	static const char text[] = "# git-symlinks: its fsmonitor daemon "
				   "serves git while this file exists\n"
				   "[core]\n\tfsmonitor = true\n";
	gsym_buf tmp = GSYM_BUF_INIT;
	int error;

	gsym_buf_printf(&tmp, "%s.%lx.tmp", include,
		(unsigned long)gsym_platform_clock_ms());
	if ((error = gsym_platform_write_new(tmp.ptr, text,
		     sizeof(text) - 1)) == 0 &&
		(error = gsym_platform_rename(tmp.ptr, include)) < 0)
		gsym_platform_remove(tmp.ptr);
	gsym_buf_dispose(&tmp);
	return error;
}

/*
 * Serve git's own protocol when the repository's config asks for it
 * (git/fsmonitor.h). A monitor already there (git's own, started while
 * none of ours served) is asked to end first: it knows nothing of our
 * fallbacks.
 */
static void ipc_start(daemon *d, gsym_channel *ch)
{
	gsym_buf sock = GSYM_BUF_INIT, gitdir = GSYM_BUF_INIT,
		 ans = GSYM_BUF_INIT;
	int error = GSYM_ERROR, tries;
	gsym_stat st;

	if (gsym_platform_lstat(&st, d->config.size ? d->config.ptr : "/") ==
		0) {
		d->config_mtime = st.mtime_sec;
		d->config_mtime_nsec = st.mtime_nsec;
	}
	if (!gsym_fsmonitor_ipc_configured(&d->include, &sock, &gitdir,
		    &d->config, d->root))
		goto done;
	take_environment(gitdir.ptr, d->root);
	for (tries = 0; tries < 30; tries++) {
		if ((error = gsym_platform_channel_serve_git(ch, sock.ptr)) !=
			GSYM_EEXISTS)
			break;
		if (tries == 0)
			gsym_platform_channel_ask_git(&ans, sock.ptr, "quit",
				1000);
		gsym_platform_sleep_ms(100);
	}
	if (error == 0 && (error = write_include(d->include.ptr)) < 0)
		gsym_platform_channel_close_git(ch);
done:
	if (error < 0)
		gsym_buf_clear(&d->include);
	gsym_error_clear();
	gsym_buf_dispose(&sock);
	gsym_buf_dispose(&gitdir);
	gsym_buf_dispose(&ans);
}

/*
 * Our hook's question while git's protocol is not served: the run that
 * started us may have asked for it since (its config step comes after
 * the question).
 */
static void ipc_again(daemon *d, gsym_channel *ch)
{
	gsym_stat st;

	if (d->include.size || !d->config.size ||
		gsym_platform_lstat(&st, d->config.ptr) < 0 ||
		(st.mtime_sec == d->config_mtime &&
			st.mtime_nsec == d->config_mtime_nsec)) {
		gsym_error_clear();
		return;
	}
	ipc_start(d, ch);
}

/* One request, on our channel (1) or in git's protocol (2). */
static void serve(daemon *d, gsym_channel *ch, int kind, const char *req,
	int client, gsym_buf *out)
{
	if (kind == 1)
		ipc_again(d, ch);
	if (kind == 2) {
		answer_git(d, req, client);
	} else {
		answer(d, req, out);
		gsym_platform_channel_answer(client, out->ptr, out->size);
	}
	gsym_error_clear();
}

/*
 * The include goes first, so no git reads `true` from now on; git's
 * protocol is served GRACE_MS longer for a git that read it before.
 */
static void ipc_end(daemon *d, gsym_channel *ch)
{
	gsym_buf req = GSYM_BUF_INIT, out = GSYM_BUF_INIT;
	uint64_t end = gsym_platform_clock_ms() + GRACE_MS, now;
	int client, kind;

	if (!d->include.size)
		return;
	gsym_platform_remove(d->include.ptr);
	while (!d->quit && !d->gone && !gsym_platform_stop_requested() &&
		(now = gsym_platform_clock_ms()) < end) {
		kind = gsym_platform_channel_wait(ch, d->w, (int)(end - now),
			on_change, d, &req, &client);
		if (kind < 0)
			break;
		if (kind > 0)
			serve(d, ch, kind, req.ptr, client, &out);
	}
	gsym_platform_channel_close_git(ch);
	gsym_error_clear();
	gsym_buf_dispose(&req);
	gsym_buf_dispose(&out);
}

static void daemon_dispose(daemon *d)
{
	size_t i;

	for (i = 0; i < d->ndirs; i++)
		gsym_strlist_dispose(&d->dirs[i]);
	free(d->dirs);
	map_dispose(&d->changes);
	gsym_buf_dispose(&d->scratch);
	gsym_buf_dispose(&d->include);
	gsym_buf_dispose(&d->config);
	gsym_platform_watch_close(d->w);
}

int gsym_fsmonitor_daemon(const char *workdir)
{
	gsym_buf name = GSYM_BUF_INIT, req = GSYM_BUF_INIT, out = GSYM_BUF_INIT;
	gsym_channel *ch = NULL;
	daemon d;
	uint64_t asked;
	int error, client;

	memset(&d, 0, sizeof(d));
	d.root = workdir;
	gsym_fsmonitor_channel(&name, workdir);
	if ((error = gsym_platform_channel_serve(&ch, name.ptr)) < 0) {
		if (error == GSYM_EEXISTS) /* another serves it */
			error = 0;
		goto done;
	}
	new_instance(&d);
	if ((error = gsym_platform_stop_on_signal()) < 0 ||
		(error = gsym_platform_watch_open(&d.w)) < 0 ||
		(error = walk(&d, "", false, false)) < 0)
		goto done;
	git_libgit2_init();
	ipc_start(&d, ch);
	asked = gsym_platform_clock_ms();
	while (!d.gone && !d.quit && !gsym_platform_stop_requested()) {
		uint64_t idle = gsym_platform_clock_ms() - asked;

		if (idle >= IDLE_MS)
			break;
		error = gsym_platform_channel_wait(ch, d.w,
			(int)(IDLE_MS - idle), on_change, &d, &req, &client);
		if (error < 0)
			break; /* the watch failed */
		if (error == 0)
			continue; /* changes, or a stop */
		asked = gsym_platform_clock_ms();
		serve(&d, ch, error, req.ptr, client, &out);
		error = 0;
	}
	ipc_end(&d, ch);
	git_libgit2_shutdown();
done:
	gsym_platform_channel_close(ch);
	daemon_dispose(&d);
	gsym_buf_dispose(&name);
	gsym_buf_dispose(&req);
	gsym_buf_dispose(&out);
	return error;
}
