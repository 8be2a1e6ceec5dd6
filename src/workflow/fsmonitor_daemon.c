#include "workflow/fsmonitor_daemon.h"
#include "git/fsmonitor.h"
#include "platform/platform.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* Questions a token stays good for; older ones are answered "NEW". */
#define KEEP_SEQUENCES 64
#define IDLE_MS ((uint64_t)GSYM_FSMONITOR_IDLE_MINUTES * 60 * 1000)
/* Past this many changed paths since the oldest token, start over. */
#define FORGET_AT (1 << 20)
/* Past this many changed paths, those older than KEEP_SEQUENCES go. */
#define PRUNE_AT 65536

/* path -> the sequence it last changed in (open addressing) */
typedef struct {
	char **keys;
	uint64_t *seqs;
	size_t cap, n;
} change_map;

/* the paths (relative, '/'-ended; "" for the root) a watch id stands for */
typedef struct {
	char **v;
	size_t n;
} dir_paths;

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
	gsym_buf scratch;
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
	size_t i;

	if ((size_t)id >= d->ndirs) {
		size_t n = (size_t)id * 2 + 16;

		d->dirs = gsym_reallocarray(d->dirs, n, sizeof(*d->dirs));
		memset(d->dirs + d->ndirs, 0,
			(n - d->ndirs) * sizeof(*d->dirs));
		d->ndirs = n;
	}
	p = &d->dirs[id];
	for (i = 0; i < p->n; i++)
		if (!strcmp(p->v[i], path))
			return true;
	p->v = gsym_reallocarray(p->v, p->n + 1, sizeof(char *));
	p->v[p->n++] = gsym_strdup(path);
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
		if (!s->size && !strcmp(name, ".git"))
			continue;
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

/* "Q <token>": what changed since it. */
static void answer(daemon *d, const char *req, gsym_buf *out)
{
	const char *token = !strncmp(req, "Q ", 2) ? req + 2 : "";
	size_t ilen = strlen(d->instance), i;
	uint64_t since = 0;
	bool known = false;

	if (!strncmp(token, "gsymd:", 6) &&
		!strncmp(token + 6, d->instance, ilen) &&
		token[6 + ilen] == ':') {
		char *end;

		since = strtoull(token + 7 + ilen, &end, 10);
		known = !*end && since >= d->floor && since <= d->seq;
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
	gsym_buf_clear(out);
	gsym_buf_printf(out, "%s gsymd:%s:%llu\n", known ? "OK" : "NEW",
		d->instance, (unsigned long long)d->seq);
	for (i = 0; known && i < d->changes.cap; i++)
		if (d->changes.keys[i] && d->changes.seqs[i] >= since) {
			gsym_buf_puts(out, d->changes.keys[i]);
			gsym_buf_putc(out, '\0');
		}
	prune(d);
}

static void daemon_dispose(daemon *d)
{
	size_t i, j;

	for (i = 0; i < d->ndirs; i++) {
		for (j = 0; j < d->dirs[i].n; j++)
			free(d->dirs[i].v[j]);
		free(d->dirs[i].v);
	}
	free(d->dirs);
	map_dispose(&d->changes);
	gsym_buf_dispose(&d->scratch);
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
	asked = gsym_platform_clock_ms();
	while (!d.gone && !gsym_platform_stop_requested()) {
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
		answer(&d, req.ptr, &out);
		gsym_platform_channel_answer(client, out.ptr, out.size);
		gsym_error_clear();
	}
done:
	gsym_platform_channel_close(ch);
	daemon_dispose(&d);
	gsym_buf_dispose(&name);
	gsym_buf_dispose(&req);
	gsym_buf_dispose(&out);
	return error;
}
