#include "fake_view.h"
#include "util/error.h"

#include <string.h>

void fake_hash(unsigned char *out, const char *text)
{
	size_t i, n = strlen(text);

	memset(out, 0, 20);
	for (i = 0; i < n; i++)
		out[i % 20] = (unsigned char)(out[i % 20] * 31 + text[i]);
	out[19] ^= (unsigned char)n;
}

static fake_world *w_of(const gsym_view *v)
{
	return v->payload;
}

static fake_disk *disk_find(fake_world *w, const char *path)
{
	size_t i;

	for (i = 0; i < w->ndisk; i++)
		if (!strcmp(w->disk[i].path, path))
			return &w->disk[i];
	return NULL;
}

static int lookup(gsym_node *out, const gsym_view *view, const char *path)
{
	fake_world *w = w_of(view);
	size_t i, len = strlen(path);

	memset(out, 0, sizeof(*out));
	w->lookups++;
	if (!*path) {
		out->type = GSYM_NODE_DIR;
		return 0;
	}
	for (i = 0; i < w->nnodes; i++) {
		if (!strcmp(w->nodes[i].path, path)) {
			out->type = w->nodes[i].type;
			out->tracked = !w->nodes[i].untracked;
			out->target = w->nodes[i].target;
			out->target_len = out->target ? strlen(out->target) : 0;
			return 0;
		}
	}
	/* a directory holding other nodes */
	for (i = 0; i < w->nnodes; i++)
		if (!strncmp(w->nodes[i].path, path, len) &&
			w->nodes[i].path[len] == '/') {
			out->type = GSYM_NODE_DIR;
			return 0;
		}
	return 0;
}

static int fake_lstat(gsym_stat *out, const gsym_view *view, const char *path)
{
	fake_disk *d = disk_find(w_of(view), path);

	w_of(view)->lstats++;
	if (!d)
		return gsym_error_setc(GSYM_ENOTFOUND, "'%s' not found", path);
	*out = d->st;
	out->type = d->type;
	if (d->content && !out->size)
		out->size = strlen(d->content);
	return 0;
}

static int fake_readlink(gsym_buf *out, const gsym_view *view, const char *path)
{
	fake_disk *d = disk_find(w_of(view), path);

	if (!d || d->type != GSYM_FT_LINK)
		return gsym_error_set("'%s' is not a link", path);
	gsym_buf_puts(out, d->content);
	return 0;
}

static int fake_read(gsym_buf *out, const gsym_view *view, const char *path,
	size_t max)
{
	fake_disk *d = disk_find(w_of(view), path);

	w_of(view)->reads++;
	if (!d || d->type != GSYM_FT_FILE)
		return gsym_error_set("'%s' is not a file", path);
	gsym_buf_put(out, d->content,
		strlen(d->content) < max ? strlen(d->content) : max);
	return 0;
}

static int fake_hash_cb(unsigned char *out, const gsym_view *view,
	const char *path, gsym_type type)
{
	fake_disk *d = disk_find(w_of(view), path);

	(void)type;
	if (!d)
		return gsym_error_setc(GSYM_ENOTFOUND, "'%s' not found", path);
	memcpy(out, d->hash, 20);
	return 0;
}

static int fake_attr(gsym_type *out, const gsym_view *view, const char *path)
{
	fake_world *w = w_of(view);
	size_t i;

	*out = GSYM_TYPE_UNKNOWN;
	for (i = 0; i < w->nnodes; i++)
		if (!strcmp(w->nodes[i].path, path) && w->nodes[i].attr)
			*out = !strcmp(w->nodes[i].attr, "dir") ?
				GSYM_TYPE_DIR :
				GSYM_TYPE_FILE;
	return 0;
}

static int fake_readdir(const gsym_view *view, const char *path,
	int (*cb)(const char *name, void *payload), void *payload)
{
	(void)view;
	(void)path;
	(void)cb;
	(void)payload;
	return 0;
}

void fake_view_init(gsym_view *view, fake_world *world)
{
	size_t i;

	for (i = 0; i < world->ndisk; i++)
		if (world->disk[i].content)
			fake_hash(world->disk[i].hash, world->disk[i].content);
	view->lookup = lookup;
	view->lstat = fake_lstat;
	view->readlink = fake_readlink;
	view->read = fake_read;
	view->hash = fake_hash_cb;
	view->attr = fake_attr;
	view->readdir = fake_readdir;
	view->copy_stats = NULL;
	view->collision = NULL;
	view->stored = NULL;
	view->workdir = "";
	view->payload = world;
}
