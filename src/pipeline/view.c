#include "pipeline/view.h"

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
