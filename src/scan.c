#include "scan.h"
#include "repo.h"
#include "buf.h"
#include "error.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const gsym_entry *)a)->path,
		((const gsym_entry *)b)->path);
}

static void fill(gsym_entry *e, const git_index_entry *ie, size_t pos)
{
	memset(e, 0, sizeof(*e));
	e->path = strdup(ie->path);
	memcpy(e->id, ie->id.id, GSYM_OID_RAWSZ);
	e->index_pos = pos;
	e->istat.ctime_sec = (uint32_t)ie->ctime.seconds;
	e->istat.ctime_nsec = ie->ctime.nanoseconds;
	e->istat.mtime_sec = (uint32_t)ie->mtime.seconds;
	e->istat.mtime_nsec = ie->mtime.nanoseconds;
	e->istat.dev = ie->dev;
	e->istat.ino = ie->ino;
	e->istat.uid = ie->uid;
	e->istat.gid = ie->gid;
	e->istat.size = ie->file_size;
	if (ie->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE)
		e->flags |= GSYM_ENTRY_SKIP_WORKTREE;
}

/* Turn command-line pathspecs into repository-relative ones. */
static int make_pathspec(git_pathspec **out, const char *prefix, char **items,
	size_t n)
{
	git_strarray arr;
	char **full = calloc(n, sizeof(char *));
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

int gsym_scan(gsym_entries *out, git_index *index, const char *prefix,
	char **pathspec, size_t npathspec)
{
	size_t count = git_index_entrycount(index), i, n = 0, cap = 64;
	git_pathspec *ps = NULL;
	int error;

	out->v = NULL;
	out->n = 0;
	if (npathspec &&
		(error = make_pathspec(&ps, prefix, pathspec, npathspec)) < 0)
		return error;
	out->v = malloc(cap * sizeof(gsym_entry));
	for (i = 0; i < count; i++) {
		const git_index_entry *ie = git_index_get_byindex(index, i);

		if ((ie->mode & 0170000) != 0120000 ||
			git_index_entry_stage(ie) != 0)
			continue;
		if (n == cap) {
			cap *= 2;
			out->v = realloc(out->v, cap * sizeof(gsym_entry));
		}
		fill(&out->v[n], ie, i);
		if (!ps || git_pathspec_matches_path(ps, 0, ie->path))
			out->v[n].flags |= GSYM_ENTRY_SELECTED;
		n++;
	}
	out->n = n;
	git_pathspec_free(ps);
	/* the index is sorted already unless core.ignoreCase folds it */
	if (n > 1)
		qsort(out->v, n, sizeof(gsym_entry), cmp_entry);
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
