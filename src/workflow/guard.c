#include "workflow/guard.h"
#include "pipeline/copy.h"
#include "platform/platform.h"
#include "pipeline/plan.h"
#include "git/stamp.h"
#include "util/error.h"
#include "git/repo.h"
#include "run/run.h"
#include "git/scan.h"
#include "pipeline/state.h"
#include "util/util.h"
#include "git/view_repo.h"

#include <stdio.h>
#include <string.h>

/* Does the index hold anything below `path`/? */
static bool has_below(git_index *index, const char *path)
{
	gsym_buf prefix = GSYM_BUF_INIT;
	size_t pos;
	bool found;

	gsym_buf_printf(&prefix, "%s/", path);
	found = git_index_find_prefix(&pos, index, prefix.ptr) == 0;
	gsym_buf_dispose(&prefix);
	return found;
}

/* Put the link entry back: mode 120000, the committed blob, a stamp. */
static int put_back(gsym_repo *repo, const gsym_view *view, const char *path,
	const git_oid *blob, bool fallback)
{
	git_index_entry entry;
	git_index *index;
	gsym_stat st;

	if (gsym_repo_index(&index, repo) < 0)
		return GSYM_ERROR;
	if (has_below(repo->index, path) &&
		git_index_remove_directory(repo->index, path, 0) < 0)
		return gsym_repo_git_error("could not update the index");
	memset(&entry, 0, sizeof(entry));
	if (view->lstat(&st, view, path) == 0)
		gsym_stamp_from_stat(&entry, &st);
	entry.mode = GIT_FILEMODE_LINK;
	entry.path = path;
	entry.id = *blob;
	if (fallback)
		gsym_stamp_skip_worktree(&entry, true);
	if (git_index_add(repo->index, &entry) < 0)
		return gsym_repo_git_error("could not update the index");
	return 0;
}

/* Is the file at `path` git's placeholder for the link blob `blob`? */
static bool is_placeholder(gsym_repo *repo, const gsym_view *view,
	const char *path, const git_oid *blob)
{
	git_odb_object *obj = NULL;
	gsym_buf content = GSYM_BUF_INIT;
	bool same = false;

	if (git_odb_read(&obj, repo->odb, blob) == 0 &&
		view->read(&content, view, path,
			git_odb_object_size(obj) + 1) == 0)
		same = content.size == git_odb_object_size(obj) &&
			!memcmp(content.ptr, git_odb_object_data(obj),
				content.size);
	git_odb_object_free(obj);
	gsym_buf_dispose(&content);
	return same;
}

bool gsym_guard_junction_above(gsym_buf *out, const gsym_view *view,
	const char *path)
{
	const char *slash;
	gsym_stat st;

	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		gsym_buf_clear(out);
		gsym_buf_put(out, path, (size_t)(slash - path));
		if (view->lstat(&st, view, out->ptr) == 0 &&
			st.type == GSYM_FT_JUNCTION)
			return true;
	}
	gsym_buf_clear(out);
	return false;
}

typedef struct {
	gsym_repo *repo;
	const gsym_view *view;
	gsym_state_file *state;
	bool changed;
	int code;
} guard_ctx;

/* One change to a link entry of HEAD that the commit would record. */
static int check_link(const git_diff_delta *d, float progress, void *payload)
{
	guard_ctx *g = payload;
	const char *path = d->old_file.path;
	gsym_record *rec = gsym_state_find(g->state, path);
	bool to_link = d->status != GIT_DELTA_DELETED &&
		d->new_file.mode == GIT_FILEMODE_LINK;
	const char *what;
	bool intact = false;
	gsym_stat st;

	(void)progress;
	if (d->status == GIT_DELTA_ADDED &&
		gsym_platform_info_get()->has_junctions) {
		gsym_buf junction = GSYM_BUF_INIT;

		/* files staged below a junction nobody recorded as a link */
		if (gsym_guard_junction_above(&junction, g->view,
			    d->new_file.path) &&
			!gsym_state_find(g->state, junction.ptr)) {
			gsym_warn(
				"commit stopped: '%s' is a "
				"junction and its files are staged as files; "
				"record it as a link with 'git rm -r -q --cached "
				"-- %s && git symlinks add %s'",
				junction.ptr, junction.ptr, junction.ptr);
			g->code = GSYM_PARTIAL;
			gsym_buf_dispose(&junction);
			return 1; /* once is enough */
		}
		gsym_buf_dispose(&junction);
		return 0;
	}
	if (d->old_file.mode != GIT_FILEMODE_LINK)
		return 0;
	/* a link changed as a link, not by us: the user's intent */
	if (to_link &&
		(!rec || !memcmp(rec->blob, d->new_file.id.id, GSYM_OID_RAWSZ)))
		return 0;
	if (g->view->lstat(&st, g->view, path) == GSYM_ENOTFOUND)
		return 0; /* removed from the tree too: a real deletion */
	if (rec && gsym_plan_owned(&intact, g->view, rec, &st) < 0)
		return -1;
	if (rec && intact)
		what = rec->type == GSYM_TYPE_DIR ? "directory copy" : "copy";
	else if (!rec && st.type == GSYM_FT_FILE &&
		is_placeholder(g->repo, g->view, path, &d->old_file.id))
		what = "placeholder";
	else if (st.type == GSYM_FT_LINK)
		return 0; /* a real link on disk: git records what it sees */
	else {
		gsym_warn(
			"commit stopped: '%s' is a link, and an "
			"edited copy is staged in its place; keep the link with "
			"'git restore --staged -- %s && git symlinks restore "
			"--force -- %s' (your edit is saved under "
			".git/symlinks/backup/)",
			path, path, path);
		g->code = GSYM_PARTIAL;
		return 0;
	}
	if (put_back(g->repo, g->view, path, &d->old_file.id, rec != NULL) < 0)
		return -1;
	g->changed = true;
	gsym_warn("kept '%s' a link in this commit (its "
		  "%s had been staged)",
		path, what);
	return 0;
}

/*
 * The commit's changes without libgit2's diff, which reads the whole
 * index and both trees (90 ms at 55 000 entries): git's cache-tree says
 * which directories still hold exactly a tree; where that tree is HEAD's,
 * nothing below changed, so only the directories a commit touches are
 * looked at. Each change is handed to check_link as libgit2's diff would
 * hand it.
 */
typedef struct {
	guard_ctx *g;
	git_repository *repo;
	const gsym_index_file *index;
	bool junctions; /* look for files staged below junctions too */
} walk_ctx;

static int check_change(walk_ctx *w, git_delta_t status, const char *path,
	const git_tree_entry *old, const gsym_index_item *now)
{
	git_diff_delta d;

	memset(&d, 0, sizeof(d));
	d.status = status;
	d.old_file.path = d.new_file.path = path;
	if (old) {
		d.old_file.mode = (uint16_t)git_tree_entry_filemode(old);
		git_oid_cpy(&d.old_file.id, git_tree_entry_id(old));
	}
	if (now) {
		d.new_file.mode = (uint16_t)gsym_index_item_mode(now);
		memcpy(d.new_file.id.id, gsym_index_item_id(now),
			GSYM_OID_RAWSZ);
	}
	return check_link(&d, 0, w->g);
}

/* Entries staged in directory `dir` (ending in '/') that HEAD lacks. */
static int walk_added(walk_ctx *w, const git_tree *tree, gsym_buf *dir)
{
	size_t len = dir->size, i = gsym_index_file_lower(w->index, dir->ptr);
	gsym_buf name = GSYM_BUF_INIT;
	int error = 0;

	while (i < w->index->n && !error) {
		const gsym_index_item *item = &w->index->v[i];
		const char *rest = item->path + len, *slash;
		const git_tree_entry *te;

		if (strncmp(item->path, dir->ptr, len))
			break;
		slash = strchr(rest, '/');
		gsym_buf_sets(&name, rest);
		if (slash)
			gsym_buf_truncate(&name, (size_t)(slash - rest));
		te = tree ? git_tree_entry_byname(tree, name.ptr) : NULL;
		if (slash && te && git_tree_entry_type(te) == GIT_OBJECT_TREE) {
			/* a directory HEAD has: its own walk covers it */
			gsym_buf_truncate(dir, len);
			gsym_buf_puts(dir, name.ptr);
			gsym_buf_putc(dir, '0'); /* '/' + 1: past all of it */
			i = gsym_index_file_lower(w->index, dir->ptr);
			gsym_buf_truncate(dir, len);
			continue;
		}
		if (!te || slash)
			error = check_change(w, GIT_DELTA_ADDED, item->path,
				NULL, item);
		i++;
	}
	gsym_buf_dispose(&name);
	return error;
}

static int walk_tree(walk_ctx *w, const git_tree *tree,
	const gsym_cache_tree *ct, gsym_buf *dir)
{
	size_t i, n = git_tree_entrycount(tree), len = dir->size;
	int error = 0;

	if (ct && ct->valid &&
		!memcmp(ct->id, git_tree_id(tree)->id, GSYM_OID_RAWSZ))
		return 0; /* the index holds exactly HEAD's tree here */
	for (i = 0; i < n && !error; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(te);
		ptrdiff_t pos;

		gsym_buf_truncate(dir, len);
		gsym_buf_puts(dir, name);
		if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
			git_tree *sub = NULL;

			gsym_buf_putc(dir, '/');
			if (git_tree_lookup(&sub, w->repo,
				    git_tree_entry_id(te)) < 0)
				error = gsym_repo_git_error(
					"could not read HEAD's tree");
			else
				error = walk_tree(w, sub,
					gsym_cache_tree_child(ct, name,
						strlen(name)),
					dir);
			git_tree_free(sub);
			continue;
		}
		if (git_tree_entry_filemode(te) != GIT_FILEMODE_LINK)
			continue;
		pos = gsym_index_file_find(w->index, dir->ptr);
		if (pos < 0 || gsym_index_item_stage(&w->index->v[pos]))
			error = check_change(w, GIT_DELTA_DELETED, dir->ptr, te,
				NULL);
		else if (gsym_index_item_mode(&w->index->v[pos]) !=
				GIT_FILEMODE_LINK ||
			memcmp(gsym_index_item_id(&w->index->v[pos]),
				git_tree_entry_id(te)->id, GSYM_OID_RAWSZ))
			error = check_change(w, GIT_DELTA_MODIFIED, dir->ptr,
				te, &w->index->v[pos]);
	}
	gsym_buf_truncate(dir, len);
	if (!error && w->junctions)
		error = walk_added(w, tree, dir);
	return error;
}

/* The commit's changes to HEAD's links, from the index. */
static int guard_index(void)
{
	gsym_repo repo;
	gsym_state_file state;
	gsym_entries entries = { NULL, 0 };
	gsym_repo_view rv;
	gsym_view view;
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	git_index *index;
	gsym_cache_tree *ct = NULL;
	gsym_buf dir = GSYM_BUF_INIT;
	walk_ctx w;
	guard_ctx g;
	gsym_error_saved saved;
	int error;

	memset(&state, 0, sizeof(state));
	memset(&rv, 0, sizeof(rv));
	memset(&g, 0, sizeof(g));
	if (gsym_repo_open(&repo, true) < 0 ||
		gsym_state_load(&state, repo.gitdir) < 0) {
		g.code = GSYM_ERROR;
		goto done;
	}
	if (git_revparse_single(&head, repo.repo, "HEAD^{tree}") < 0)
		goto done; /* the first commit: no link to lose yet */
	tree = (git_tree *)head;
	head = NULL;
	if (gsym_scan(&entries, &repo.file, "", NULL, 0) < 0) {
		g.code = GSYM_ERROR;
		goto done;
	}
	gsym_view_repo_init(&view, &rv, &repo, &entries);
	g.repo = &repo;
	g.view = &view;
	g.state = &state;
	/* what this commit would change about HEAD's link entries */
	if (gsym_cache_tree_read(&ct, &repo.file) == 0 && ct) {
		w.g = &g;
		w.repo = repo.repo;
		w.index = &repo.file;
		w.junctions = gsym_platform_info_get()->has_junctions;
		error = walk_tree(&w, tree, ct, &dir);
	} else if ((error = gsym_repo_index(&index, &repo)) == 0) {
		if (git_diff_tree_to_index(&diff, repo.repo, tree, index,
			    NULL) < 0)
			error = gsym_repo_git_error(
				"could not compare the index with HEAD");
		else /* check_link's failures set their own message */
			error = git_diff_foreach(diff, check_link, NULL, NULL,
				NULL, &g);
	}
	if (error < 0 && g.code != GSYM_PARTIAL) {
		g.code = GSYM_ERROR;
		goto done;
	}
	if (g.changed && g.code == 0 && gsym_repo_write_index(&repo) < 0)
		g.code = GSYM_ERROR;
done:
	gsym_error_save(&saved); /* the cleanup keeps the failure's message */
	gsym_cache_tree_free(ct);
	gsym_buf_dispose(&dir);
	git_diff_free(diff);
	git_tree_free(tree);
	git_object_free(head);
	gsym_view_repo_dispose(&rv);
	gsym_entries_dispose(&entries);
	gsym_state_dispose(&state);
	gsym_repo_close(&repo);
	gsym_error_restore(&saved, 0);
	return g.code;
}

int gsym_guard(void)
{
	int code = 0;

	git_libgit2_init();
	/*
	 * HEAD without links: nothing to keep, and the index not read;
	 * files staged below a junction are looked for where there can be
	 * junctions
	 */
	if (gsym_platform_info_get()->has_junctions ||
		!gsym_run_head_link_free())
		code = guard_index();
	git_libgit2_shutdown();
	return code;
}
