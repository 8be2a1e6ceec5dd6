#include "git/scan.h"
#include "util/alloc.h"
#include "git/repo.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const gsym_entry *)a)->path,
		((const gsym_entry *)b)->path);
}

static void fill(gsym_entry *e, const gsym_index_item *item)
{
	memset(e, 0, sizeof(*e));
	e->path = gsym_strdup(item->path);
	memcpy(e->id, gsym_index_item_id(item), GSYM_OID_RAWSZ);
	gsym_index_item_istat(&e->istat, item);
	if (item->ext_flags & GSYM_INDEX_SKIP_WORKTREE)
		e->flags |= GSYM_ENTRY_SKIP_WORKTREE | GSYM_ENTRY_GIT_SKIPS;
}

/* Turn command-line pathspecs into repository-relative ones. */
static int make_pathspec(git_pathspec **out, const char *prefix, char **items,
	size_t n)
{
	git_strarray arr;
	char **full = gsym_calloc(n, sizeof(char *));
	gsym_buf norm = GSYM_BUF_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < n && !error; i++) {
		gsym_buf b = GSYM_BUF_INIT;

		if (items[i][0] == ':' && items[i][1] == '/') {
			gsym_buf_puts(&b, items[i] + 2);
		} else {
			gsym_buf_puts(&b, prefix);
			gsym_buf_puts(&b, items[i]);
		}
		/* "dir/" means everything below dir, "." everything */
		error = gsym_path_normalize(&norm, gsym_buf_cstr(&b));
		gsym_buf_dispose(&b);
		full[i] = gsym_buf_detach(&norm);
	}
	arr.strings = full;
	arr.count = n;
	if (!error && git_pathspec_new(out, &arr) < 0)
		error = gsym_repo_git_error("invalid pathspec");
	for (i = 0; i < n; i++)
		free(full[i]);
	free(full);
	return error;
}

int gsym_scan(gsym_entries *out, const gsym_index_file *index,
	const char *prefix, char **pathspec, size_t npathspec)
{
	size_t i, n = 0, cap = 0;
	git_pathspec *ps = NULL;
	int error;

	out->v = NULL;
	out->n = 0;
	if (npathspec &&
		(error = make_pathspec(&ps, prefix, pathspec, npathspec)) < 0)
		return error;
	/* never NULL, even with no link entry */
	out->v = gsym_array_grow(NULL, &cap, 64, sizeof(gsym_entry));
	for (i = 0; i < index->n; i++) {
		const gsym_index_item *item = &index->v[i];

		if (!gsym_mode_is(gsym_index_item_mode(item),
			    GIT_FILEMODE_LINK) ||
			gsym_index_item_stage(item) != 0)
			continue;
		out->v = gsym_array_grow(out->v, &cap, n + 1,
			sizeof(gsym_entry));
		fill(&out->v[n], item);
		if (!ps || git_pathspec_matches_path(ps, 0, item->path))
			out->v[n].flags |= GSYM_ENTRY_SELECTED;
		n++;
	}
	out->n = n;
	git_pathspec_free(ps);
	/* the index file is sorted: so are its link entries */
	return 0;
}

gsym_entry *gsym_entries_find(const gsym_entries *entries, const char *path)
{
	gsym_entry key;

	if (!entries->n)
		return NULL;
	key.path = (char *)path;
	return bsearch(&key, entries->v, entries->n, sizeof(gsym_entry),
		cmp_entry);
}
