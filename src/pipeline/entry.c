#include "pipeline/entry.h"

#include <stdlib.h>
#include <string.h>

static const char *type_names[] = { "file", "dir", "missing", "unknown" };
static const char *kind_names[] = { "missing", "symlink", "junction",
	"hardlink", "copy", "placeholder", "other" };
static const char *state_names[] = { "ok", "restored", "pending", "stale",
	"modified", "unsafe", "dangling", "error" };
static const char *how_names[] = { "symlink", "junction", "hardlink", "copy" };

const char *gsym_type_name(gsym_type t)
{
	return type_names[t];
}

const char *gsym_kind_name(gsym_kind k)
{
	return kind_names[k];
}

const char *gsym_state_name(gsym_state s)
{
	return state_names[s];
}

const char *gsym_how_name(gsym_how h)
{
	return how_names[h];
}

int gsym_how_parse(const char *name, size_t len)
{
	int i;

	for (i = GSYM_HOW_JUNCTION; i < GSYM_HOW__COUNT; i++)
		if (strlen(how_names[i]) == len &&
			!strncmp(how_names[i], name, len))
			return i;
	return -1;
}

bool gsym_state_is_good(gsym_state s)
{
	return s == GSYM_STATE_OK || s == GSYM_STATE_RESTORED ||
		s == GSYM_STATE_DANGLING;
}

void gsym_entries_dispose(gsym_entries *entries)
{
	size_t i;

	for (i = 0; i < entries->n; i++) {
		free(entries->v[i].path);
		free(entries->v[i].resolved);
		free(entries->v[i].message);
	}
	free(entries->v);
	entries->v = NULL;
	entries->n = 0;
}

uint32_t gsym_stamp_mark(const char *path)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 16777619u;
	/* never 0: a file system that keeps whole seconds stamps 0 */
	return (h % 9999999u + 1u) * 100u;
}

bool gsym_stamp_marked(const char *path, const gsym_istat *st)
{
	return st->mtime_nsec == gsym_stamp_mark(path);
}
