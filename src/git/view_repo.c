#include "git/view_repo.h"
#include "pipeline/state.h"
#include "util/alloc.h"
#include "pipeline/copy.h"
#include "git/scan.h"
#include "util/error.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static gsym_repo_view *rv_of(const gsym_view *view)
{
	return view->payload;
}

/* Absolute path of a working-tree path, in the scratch buffer. */
static const char *abs_path(gsym_repo_view *rv, const char *path)
{
	gsym_buf_sets(&rv->scratch, rv->repo->workdir);
	gsym_buf_puts(&rv->scratch, path);
	return rv->scratch.ptr;
}

/* The link entry's text, read from the object database once. */
static void load_target(gsym_repo_view *rv, const gsym_entry *e,
	gsym_target_cache *c)
{
	git_odb_object *obj = NULL;
	git_oid oid;

	if (c->state)
		return;
	memcpy(oid.id, e->id, GSYM_OID_RAWSZ);
	if (git_odb_read(&obj, rv->repo->odb, &oid) < 0 ||
		git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		c->state = -1;
		git_odb_object_free(obj);
		return;
	}
	c->len = git_odb_object_size(obj);
	c->text = gsym_malloc(c->len + 1);
	memcpy(c->text, git_odb_object_data(obj), c->len);
	c->text[c->len] = '\0';
	c->state = 1;
	git_odb_object_free(obj);
}

static int disk_node(gsym_node *out, gsym_repo_view *rv, const char *path)
{
	gsym_stat st;
	int error = gsym_platform_lstat(&st, abs_path(rv, path));

	if (error == GSYM_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	switch (st.type) {
	case GSYM_FT_FILE: out->type = GSYM_NODE_FILE; break;
	case GSYM_FT_DIR: out->type = GSYM_NODE_DIR; break;
	case GSYM_FT_LINK:
	case GSYM_FT_JUNCTION: {
		gsym_buf text = GSYM_BUF_INIT;

		if ((error = gsym_platform_readlink(&text,
			     abs_path(rv, path))) < 0)
			return error;
		out->type = GSYM_NODE_LINK;
		out->target_len = text.size;
		out->target = gsym_buf_detach(&text);
		break;
	}
	default: out->type = GSYM_NODE_OTHER;
	}
	return 0;
}

/* Keep a text the view hands out until the view is disposed. */
static const char *keep_text(gsym_repo_view *rv, char *text)
{
	gsym_strlist_take(&rv->untracked, text);
	return text;
}

/* The text of the blob `id`, or NULL when it cannot be read. */
static char *blob_text(gsym_repo_view *rv, const unsigned char *id, size_t *len)
{
	git_odb_object *obj = NULL;
	git_oid oid;
	char *text = NULL;

	memcpy(oid.id, id, GSYM_OID_RAWSZ);
	if (git_odb_read(&obj, rv->repo->odb, &oid) == 0 &&
		git_odb_object_type(obj) == GIT_OBJECT_BLOB) {
		*len = git_odb_object_size(obj);
		text = gsym_malloc(*len + 1);
		memcpy(text, git_odb_object_data(obj), *len);
		text[*len] = '\0';
	}
	git_odb_object_free(obj);
	if (!text)
		git_error_clear();
	return text;
}

/* Is the file at `path` git's placeholder of the link text `text`? */
static bool holds_text(gsym_repo_view *rv, const char *path, const char *text,
	size_t len)
{
	gsym_buf content = GSYM_BUF_INIT;
	gsym_stat st;
	bool same;

	if (gsym_platform_lstat(&st, abs_path(rv, path)) < 0 ||
		st.type != GSYM_FT_FILE || st.size != (uint64_t)len) {
		gsym_error_clear();
		return false;
	}
	same = gsym_platform_read_file(&content, abs_path(rv, path), len + 1) ==
			0 &&
		content.size == len && !memcmp(content.ptr, text, len);
	gsym_error_clear();
	gsym_buf_dispose(&content);
	return same;
}

/*
 * An unmerged path (stages 1-3 from `pos` on, no stage 0) as git leaves
 * it in the tree: a link side's placeholder where `checkout --ours` or
 * `--theirs` (or a merge, for a side it could not keep) wrote one, else
 * ours (stage 2), which a merge leaves as it was, our fallback of it
 * included. A real link there would be followed the same way.
 */
static int unmerged_node(gsym_node *out, gsym_repo_view *rv, size_t pos,
	const char *path)
{
	const gsym_index_file *f = &rv->repo->file;
	const gsym_index_item *ours = NULL;
	size_t i, len;
	char *text;

	for (i = pos; i < f->n && !strcmp(f->v[i].path, path); i++) {
		if (gsym_index_item_stage(&f->v[i]) == 2)
			ours = &f->v[i];
		if (!gsym_mode_is(gsym_index_item_mode(&f->v[i]),
			    GIT_FILEMODE_LINK) ||
			!(text = blob_text(rv, gsym_index_item_id(&f->v[i]),
				  &len)))
			continue;
		if (holds_text(rv, path, text, len)) {
			out->type = GSYM_NODE_LINK;
			out->target = keep_text(rv, text);
			out->target_len = len;
			return 0;
		}
		free(text);
	}
	if (!ours) {
		int error = disk_node(out, rv, path);

		if (!error && out->type == GSYM_NODE_LINK)
			keep_text(rv, (char *)out->target);
		return error;
	}
	out->tracked = true;
	if (gsym_mode_is(gsym_index_item_mode(ours), GIT_FILEMODE_COMMIT)) {
		out->type = GSYM_NODE_DIR;
	} else if (!gsym_mode_is(gsym_index_item_mode(ours),
			   GIT_FILEMODE_LINK)) {
		out->type = GSYM_NODE_FILE;
	} else if ((text = blob_text(rv, gsym_index_item_id(ours), &len))) {
		out->type = GSYM_NODE_LINK;
		out->target = keep_text(rv, text);
		out->target_len = len;
	} else {
		out->type = GSYM_NODE_OTHER;
	}
	return 0;
}

static int lookup(gsym_node *out, const gsym_view *view, const char *path)
{
	gsym_repo_view *rv = rv_of(view);
	gsym_entry *e;
	ptrdiff_t pos;
	int error;

	memset(out, 0, sizeof(*out));
	if (!*path) {
		out->type = GSYM_NODE_DIR;
		out->tracked = true;
		return 0;
	}
	if ((e = gsym_entries_find(rv->entries, path)) != NULL) {
		gsym_target_cache *c = &rv->cache[e - rv->entries->v];

		load_target(rv, e, c);
		out->type = GSYM_NODE_LINK;
		out->tracked = true;
		out->target = c->state > 0 ? c->text : NULL;
		out->target_len = c->state > 0 ? c->len : 0;
		return 0;
	}
	if ((pos = gsym_index_file_find(&rv->repo->file, path)) >= 0 &&
		gsym_index_item_stage(&rv->repo->file.v[pos]) != 0)
		return unmerged_node(out, rv, (size_t)pos, path);
	if (pos >= 0) {
		uint32_t mode = gsym_index_item_mode(&rv->repo->file.v[pos]);

		out->tracked = true;
		out->type = gsym_mode_is(mode, GIT_FILEMODE_COMMIT) ?
			GSYM_NODE_DIR :
			GSYM_NODE_FILE;
		return 0;
	}
	gsym_buf_sets(&rv->scratch, path);
	gsym_buf_putc(&rv->scratch, '/');
	if (gsym_index_file_has_prefix(&rv->repo->file, rv->scratch.ptr)) {
		out->tracked = true;
		out->type = GSYM_NODE_DIR;
		return 0;
	}
	if ((error = disk_node(out, rv, path)) < 0)
		return error;
	if (out->type == GSYM_NODE_LINK) /* lives as long as the view */
		keep_text(rv, (char *)out->target);
	return 0;
}

static int view_lstat(gsym_stat *out, const gsym_view *view, const char *path)
{
	return gsym_platform_lstat(out, abs_path(rv_of(view), path));
}

static int view_readlink(gsym_buf *out, const gsym_view *view, const char *path)
{
	return gsym_platform_readlink(out, abs_path(rv_of(view), path));
}

static int view_read(gsym_buf *out, const gsym_view *view, const char *path,
	size_t max)
{
	return gsym_platform_read_file(out, abs_path(rv_of(view), path), max);
}

static int view_hash(unsigned char *out, const gsym_view *view,
	const char *path, gsym_type type)
{
	gsym_buf content = GSYM_BUF_INIT;
	git_oid oid;
	int error;

	if (type == GSYM_TYPE_DIR)
		return gsym_copy_dir(out, view, path, NULL, NULL, NULL);
	/* read without following a link at the path, then hash as a blob */
	error = gsym_platform_read_file(&content, abs_path(rv_of(view), path),
		(size_t)GSYM_COPY_MAX_BYTES);
	if (!error &&
		git_odb_hash(&oid, gsym_buf_cstr(&content), content.size,
			GIT_OBJECT_BLOB) < 0)
		error = gsym_error_set("could not hash '%s'", path);
	if (!error)
		memcpy(out, oid.id, GSYM_OID_RAWSZ);
	gsym_buf_dispose(&content);
	return error;
}

static bool view_known_id(unsigned char *out, const gsym_view *view,
	const char *path, const gsym_stat *st)
{
	const gsym_repo *repo = rv_of(view)->repo;
	ptrdiff_t pos = gsym_index_file_find(&repo->file, path);
	const gsym_index_item *item;
	gsym_istat is;

	if (pos < 0)
		return false;
	item = &repo->file.v[pos];
	if (!gsym_mode_is(gsym_index_item_mode(item), GIT_FILEMODE_BLOB) ||
		gsym_index_item_stage(item) != 0)
		return false;
	gsym_index_item_istat(&is, item);
	/* git's own test (read-cache.c match_stat_data, is_racy_timestamp) */
	if (is.size != (uint32_t)st->size || is.ino != (uint32_t)st->ino ||
		is.mtime_sec != (uint32_t)st->mtime_sec ||
		is.mtime_nsec != st->mtime_nsec ||
		(int64_t)is.mtime_sec >= repo->index_mtime)
		return false;
	memcpy(out, gsym_index_item_id(item), GSYM_OID_RAWSZ);
	return true;
}

static int view_attr(gsym_type *out, const gsym_view *view, const char *path)
{
	const char *value = NULL;

	*out = GSYM_TYPE_UNKNOWN;
	if (gsym_repo_attach_index(rv_of(view)->repo) < 0)
		return GSYM_ERROR;
	if (git_attr_get(&value, rv_of(view)->repo->repo,
		    GIT_ATTR_CHECK_FILE_THEN_INDEX, path, "symlink") < 0)
		return gsym_repo_git_error("could not read gitattributes");
	if (value && !strcmp(value, "dir"))
		*out = GSYM_TYPE_DIR;
	else if (value && !strcmp(value, "file"))
		*out = GSYM_TYPE_FILE;
	return 0;
}

static int view_readdir(const gsym_view *view, const char *path,
	int (*cb)(const char *name, void *payload), void *payload)
{
	gsym_repo_view *rv = rv_of(view);
	char *dir = gsym_strdup(abs_path(rv, path));
	int error = gsym_platform_readdir(dir, cb, payload);

	free(dir);
	return error;
}

static int view_copy_stats(gsym_buf *out, const gsym_view *view,
	const char *path)
{
	gsym_buf dir = GSYM_BUF_INIT;
	int error;

	gsym_buf_printf(&dir, "%ssymlinks/", rv_of(view)->repo->gitdir);
	error = gsym_state_manifest_get(out, dir.ptr, path);
	gsym_buf_dispose(&dir);
	return error;
}

/*
 * How this working tree's disk compares names, as git was told at clone
 * (it probes the disk and sets core.ignorecase, and on macOS
 * core.precomposeunicode): the same names git's own checkout treats as one.
 */
static unsigned int fold_flags(git_repository *repo)
{
	git_config *cfg = NULL;
	unsigned int flags = 0;
	int on;

	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		git_error_clear();
		return 0;
	}
	if (git_config_get_bool(&on, cfg, "core.ignorecase") == 0 && on)
		flags |= GSYM_FOLD_CASE;
	if (git_config_get_bool(&on, cfg, "core.precomposeunicode") == 0 && on)
		flags |= GSYM_FOLD_NFD;
	git_error_clear();
	git_config_free(cfg);
	return flags;
}

static int view_collision(const char **out, const gsym_view *view,
	const char *path)
{
	gsym_repo_view *rv = rv_of(view);
	unsigned int flags;
	size_t i;

	*out = NULL;
	if (!rv->collisions_known) {
		/* one pass over the index, for the whole run */
		rv->collisions_known = true;
		if ((flags = fold_flags(rv->repo->repo)) != 0) {
			rv->collisions = gsym_collisions_new(flags);
			for (i = 0; i < rv->entries->n; i++)
				gsym_collisions_add_link(rv->collisions,
					rv->entries->v[i].path);
			for (i = 0; i < rv->repo->file.n; i++)
				gsym_collisions_add_entry(rv->collisions,
					rv->repo->file.v[i].path);
		}
	}
	if (rv->collisions)
		*out = gsym_collisions_find(rv->collisions, path);
	return 0;
}

static bool view_stored(const gsym_view *view, const unsigned char *id)
{
	git_oid oid;

	memcpy(oid.id, id, GSYM_OID_RAWSZ);
	return git_odb_exists(rv_of(view)->repo->odb, &oid) == 1;
}

void gsym_view_repo_init(gsym_view *view, gsym_repo_view *rv, gsym_repo *repo,
	const gsym_entries *entries)
{
	memset(rv, 0, sizeof(*rv));
	rv->repo = repo;
	rv->entries = entries;
	rv->cache = gsym_calloc(entries->n ? entries->n : 1,
		sizeof(gsym_target_cache));
	view->lookup = lookup;
	view->lstat = view_lstat;
	view->readlink = view_readlink;
	view->read = view_read;
	view->hash = view_hash;
	view->attr = view_attr;
	view->readdir = view_readdir;
	view->copy_stats = view_copy_stats;
	view->known_id = view_known_id;
	view->collision = view_collision;
	view->stored = view_stored;
	view->workdir = repo->workdir;
	view->payload = rv;
}

void gsym_view_repo_dispose(gsym_repo_view *rv)
{
	size_t i;

	for (i = 0; rv->entries && i < rv->entries->n; i++)
		free(rv->cache[i].text);
	free(rv->cache);
	gsym_strlist_dispose(&rv->untracked);
	gsym_buf_dispose(&rv->scratch);
	gsym_collisions_free(rv->collisions);
}
