#include "git/changes.h"
#include "util/alloc.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static int diff_trees(gsym_strlist *out, git_repository *repo, git_tree *a,
	git_tree *b, gsym_buf *path);

static bool is_tree(const git_tree_entry *e)
{
	return e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

/* One name that differs: its path, and what differs below it. */
static int diff_entry(gsym_strlist *out, git_repository *repo,
	const git_tree_entry *ea, const git_tree_entry *eb, gsym_buf *path)
{
	git_tree *ta = NULL, *tb = NULL;
	size_t len = path->size;
	int error = 0;

	gsym_buf_puts(path, git_tree_entry_name(ea ? ea : eb));
	if ((ea && !is_tree(ea)) || (eb && !is_tree(eb)))
		gsym_strlist_adds(out, path->ptr);
	if (is_tree(ea) || is_tree(eb)) {
		gsym_buf_putc(path, '/');
		if ((is_tree(ea) &&
			    git_tree_lookup(&ta, repo, git_tree_entry_id(ea)) <
				    0) ||
			(is_tree(eb) &&
				git_tree_lookup(&tb, repo,
					git_tree_entry_id(eb)) < 0) ||
			diff_trees(out, repo, ta, tb, path) < 0)
			error = -1;
	}
	git_tree_free(ta);
	git_tree_free(tb);
	gsym_buf_truncate(path, len);
	return error;
}

/*
 * Every path that differs between trees `a` and `b` (either may be NULL),
 * below `path`. Equal subtrees are skipped by id, so the cost follows the
 * change, not the size of the tree.
 */
static int diff_trees(gsym_strlist *out, git_repository *repo, git_tree *a,
	git_tree *b, gsym_buf *path)
{
	size_t na = a ? git_tree_entrycount(a) : 0;
	size_t nb = b ? git_tree_entrycount(b) : 0, i;

	for (i = 0; i < na; i++) {
		const git_tree_entry *ea = git_tree_entry_byindex(a, i);
		const git_tree_entry *eb = b ?
			git_tree_entry_byname(b, git_tree_entry_name(ea)) :
			NULL;

		if (eb &&
			git_tree_entry_filemode(ea) ==
				git_tree_entry_filemode(eb) &&
			git_oid_equal(git_tree_entry_id(ea),
				git_tree_entry_id(eb)))
			continue;
		if (diff_entry(out, repo, ea, eb, path) < 0)
			return -1;
	}
	for (i = 0; i < nb; i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(b, i);

		if ((!a ||
			    !git_tree_entry_byname(a,
				    git_tree_entry_name(eb))) &&
			diff_entry(out, repo, NULL, eb, path) < 0)
			return -1;
	}
	return 0;
}

/* The paths a branch switch from `old_hex` to `new_hex` changed. */
int gsym_changes_between(gsym_strlist *out, gsym_repo *repo,
	const char *old_hex, const char *new_hex)
{
	git_object *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	gsym_buf path = GSYM_BUF_INIT;
	int error = -1;

	if (git_revparse_single(&a, repo->repo, old_hex) < 0 ||
		git_revparse_single(&b, repo->repo, new_hex) < 0 ||
		git_object_peel((git_object **)&ta, a, GIT_OBJECT_TREE) < 0 ||
		git_object_peel((git_object **)&tb, b, GIT_OBJECT_TREE) < 0 ||
		diff_trees(out, repo->repo, ta, tb, &path) < 0)
		goto done;
	gsym_strlist_sort(out);
	error = 0;
done:
	gsym_buf_dispose(&path);
	git_tree_free(ta);
	git_tree_free(tb);
	git_object_free(a);
	git_object_free(b);
	return error;
}
