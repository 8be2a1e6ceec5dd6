#include "git/changes.h"
#include "util/alloc.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void gsym_pathset_add(gsym_pathset *set, const char *path)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->v = gsym_reallocarray(set->v, set->cap, sizeof(char *));
	}
	set->v[set->n++] = gsym_strdup(path);
}

void gsym_pathset_dispose(gsym_pathset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
}

static int diff_trees(gsym_pathset *out, git_repository *repo, git_tree *a,
	git_tree *b, gsym_buf *path);

static bool is_tree(const git_tree_entry *e)
{
	return e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

/* One name that differs: its path, and what differs below it. */
static int diff_entry(gsym_pathset *out, git_repository *repo,
	const git_tree_entry *ea, const git_tree_entry *eb, gsym_buf *path)
{
	git_tree *ta = NULL, *tb = NULL;
	size_t len = path->size;
	int error = 0;

	gsym_buf_puts(path, git_tree_entry_name(ea ? ea : eb));
	if ((ea && !is_tree(ea)) || (eb && !is_tree(eb)))
		gsym_pathset_add(out, path->ptr);
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
static int diff_trees(gsym_pathset *out, git_repository *repo, git_tree *a,
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

void gsym_pathset_sort(gsym_pathset *set)
{
	if (set->n > 1)
		qsort(set->v, set->n, sizeof(char *), cmp_str);
}

/* The paths a branch switch from `old_hex` to `new_hex` changed. */
int gsym_changes_between(gsym_pathset *out, gsym_repo *repo,
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
	gsym_pathset_sort(out);
	error = 0;
done:
	gsym_buf_dispose(&path);
	git_tree_free(ta);
	git_tree_free(tb);
	git_object_free(a);
	git_object_free(b);
	return error;
}

bool gsym_pathset_has(const gsym_pathset *set, const char *path)
{
	char *key = (char *)path;

	return set->n &&
		bsearch(&key, set->v, set->n, sizeof(char *), cmp_str) != NULL;
}

/*
 * `s` against `path`'s first `len` bytes followed by `next` ('\0': the
 * prefix itself, '/': what is below it), in byte order; 0 when `s` is it
 * (for '/': when `s` starts with it).
 */
static int cmp_prefix(const char *s, const char *path, size_t len, char next)
{
	int c = strncmp(s, path, len);

	if (c)
		return c;
	return (int)(unsigned char)s[len] - (int)(unsigned char)next;
}

/* Is there an element of the (sorted) set that cmp_prefix finds equal? */
static bool find_prefix(const gsym_pathset *set, const char *path, size_t len,
	char next)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cmp_prefix(set->v[mid], path, len, next) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < set->n && cmp_prefix(set->v[lo], path, len, next) == 0;
}

/* Did the switch touch `path`, something below it, or a parent of it? */
bool gsym_pathset_touches(const gsym_pathset *set, const char *path)
{
	size_t len;

	if (!path)
		return true; /* unknown source: check it */
	if (!set->n)
		return false;
	len = strlen(path);
	if (find_prefix(set, path, len, '\0') ||
		find_prefix(set, path, len, '/'))
		return true;
	while (len > 0) { /* each directory above it */
		while (len > 0 && path[len - 1] != '/')
			len--;
		if (len > 0 && find_prefix(set, path, --len, '\0'))
			return true;
	}
	return false;
}
