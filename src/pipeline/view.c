#include "pipeline/view.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

/*
 * Each call of the locked view is one call of the view it wraps, made
 * under its mutex. What a call returns stays valid after it: link texts
 * are owned by the view for its whole life.
 */
static const gsym_view *inner_of(const gsym_view *view)
{
	return ((const gsym_view_locked *)view->payload)->inner;
}

static void lock(const gsym_view *view)
{
	gsym_platform_mutex_lock(((const gsym_view_locked *)view->payload)->m);
}

static void unlock(const gsym_view *view)
{
	gsym_platform_mutex_unlock(
		((const gsym_view_locked *)view->payload)->m);
}

static int l_lookup(gsym_node *out, const gsym_view *view, const char *path)
{
	const gsym_view *in = inner_of(view);
	int error;

	lock(view);
	error = in->lookup(out, in, path);
	unlock(view);
	return error;
}

static int l_lstat(gsym_stat *out, const gsym_view *view, const char *path)
{
	const gsym_view *in = inner_of(view);
	int error;

	lock(view);
	error = in->lstat(out, in, path);
	unlock(view);
	return error;
}

static int l_readlink(gsym_buf *out, const gsym_view *view, const char *path)
{
	const gsym_view *in = inner_of(view);
	int error;

	lock(view);
	error = in->readlink(out, in, path);
	unlock(view);
	return error;
}

static int l_read(gsym_buf *out, const gsym_view *view, const char *path,
	size_t max)
{
	const gsym_view *in = inner_of(view);
	int error;

	lock(view);
	error = in->read(out, in, path, max);
	unlock(view);
	return error;
}

static int l_hash(unsigned char *out, const gsym_view *view, const char *path,
	gsym_type type)
{
	const gsym_view *in = inner_of(view);
	int error;

	lock(view);
	error = in->hash(out, in, path, type);
	unlock(view);
	return error;
}

static int l_attr(gsym_type *out, const gsym_view *view, const char *path)
{
	const gsym_view *in = inner_of(view);
	int error;

	lock(view);
	error = in->attr(out, in, path);
	unlock(view);
	return error;
}

static int l_readdir(const gsym_view *view, const char *path,
	int (*cb)(const char *name, void *payload), void *payload)
{
	const gsym_view *in = inner_of(view);
	int error;

	lock(view);
	error = in->readdir(in, path, cb, payload);
	unlock(view);
	return error;
}

static int l_copy_stats(gsym_buf *out, const gsym_view *view, const char *path)
{
	const gsym_view *in = inner_of(view);
	int error;

	lock(view);
	error = in->copy_stats(out, in, path);
	unlock(view);
	return error;
}

static bool l_known_id(unsigned char *out, const gsym_view *view,
	const char *path, const gsym_stat *st)
{
	const gsym_view *in = inner_of(view);
	bool known;

	lock(view);
	known = in->known_id(out, in, path, st);
	unlock(view);
	return known;
}

static int l_collision(const char **out, const gsym_view *view,
	const char *path)
{
	const gsym_view *in = inner_of(view);
	int error;

	lock(view);
	error = in->collision(out, in, path);
	unlock(view);
	return error;
}

static bool l_stored(const gsym_view *view, const unsigned char *id)
{
	const gsym_view *in = inner_of(view);
	bool stored;

	lock(view);
	stored = in->stored(in, id);
	unlock(view);
	return stored;
}

void gsym_view_locked_init(gsym_view_locked *out, const gsym_view *inner)
{
	out->inner = inner;
	out->m = gsym_platform_mutex_new();
	out->view.lookup = l_lookup;
	out->view.lstat = l_lstat;
	out->view.readlink = l_readlink;
	out->view.read = l_read;
	out->view.hash = l_hash;
	out->view.attr = l_attr;
	out->view.readdir = l_readdir;
	out->view.copy_stats = inner->copy_stats ? l_copy_stats : NULL;
	out->view.collision = inner->collision ? l_collision : NULL;
	out->view.known_id = inner->known_id ? l_known_id : NULL;
	out->view.stored = inner->stored ? l_stored : NULL;
	out->view.workdir = inner->workdir;
	out->view.payload = out;
}

void gsym_view_locked_dispose(gsym_view_locked *lv)
{
	gsym_platform_mutex_free(lv->m);
	lv->m = NULL;
}

/*
 * The memo: the lstat of each path once, in a table of open addressing
 * (FNV-1a); every other call goes to the wrapped view's own methods,
 * with the wrapped view's payload.
 */
static uint64_t fnv(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t memo_slot(const gsym_view_memo *m, const char *path)
{
	size_t i = (size_t)fnv(path) & (m->cap - 1);

	while (m->v[i].path && strcmp(m->v[i].path, path))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void memo_grow(gsym_view_memo *m)
{
	gsym_view_memo_item *old = m->v;
	size_t n = m->cap, i;

	m->cap = m->cap ? m->cap * 2 : 1024;
	m->v = gsym_calloc(m->cap, sizeof(*m->v));
	for (i = 0; i < n; i++)
		if (old[i].path)
			m->v[memo_slot(m, old[i].path)] = old[i];
	free(old);
}

static int m_lstat(gsym_stat *out, const gsym_view *view, const char *path)
{
	gsym_view_memo *m = (gsym_view_memo *)view;
	size_t i;
	int error;

	if (m->cap && m->v[i = memo_slot(m, path)].path) {
		*out = m->v[i].st;
		return 0;
	}
	if ((error = m->inner->lstat(out, view, path)) < 0)
		return error;
	if ((m->n + 1) * 2 > m->cap)
		memo_grow(m);
	i = memo_slot(m, path);
	m->v[i].path = gsym_strdup(path);
	m->v[i].st = *out;
	m->n++;
	return 0;
}

void gsym_view_memo_init(gsym_view_memo *out, const gsym_view *inner)
{
	memset(out, 0, sizeof(*out));
	out->view = *inner;
	out->view.lstat = m_lstat;
	out->inner = inner;
}

void gsym_view_memo_dispose(gsym_view_memo *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}
