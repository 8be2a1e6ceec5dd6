#include "pipeline/entry.h"

#include <stdlib.h>
#include <string.h>

/* Each name by its value: a value added without a name fails to build. */
static const char *const type_names[] = {
	[GSYM_TYPE_FILE] = "file",
	[GSYM_TYPE_DIR] = "dir",
	[GSYM_TYPE_MISSING] = "missing",
	[GSYM_TYPE_UNKNOWN] = "unknown",
};
GSYM_STATIC_ASSERT(type_names,
	GSYM_ARRAY_SIZE(type_names) == GSYM_TYPE_UNKNOWN + 1);

static const char *const kind_names[] = {
	[GSYM_KIND_MISSING] = "missing",
	[GSYM_KIND_SYMLINK] = "symlink",
	[GSYM_KIND_JUNCTION] = "junction",
	[GSYM_KIND_HARDLINK] = "hardlink",
	[GSYM_KIND_COPY] = "copy",
	[GSYM_KIND_PLACEHOLDER] = "placeholder",
	[GSYM_KIND_OTHER] = "other",
};
GSYM_STATIC_ASSERT(kind_names,
	GSYM_ARRAY_SIZE(kind_names) == GSYM_KIND_OTHER + 1);

static const char *const verdict_names[] = {
	[GSYM_VERDICT_OK] = "ok",
	[GSYM_VERDICT_RESTORED] = "restored",
	[GSYM_VERDICT_PENDING] = "pending",
	[GSYM_VERDICT_STALE] = "stale",
	[GSYM_VERDICT_MODIFIED] = "modified",
	[GSYM_VERDICT_UNSAFE] = "unsafe",
	[GSYM_VERDICT_DANGLING] = "dangling",
	[GSYM_VERDICT_ERROR] = "error",
};
GSYM_STATIC_ASSERT(verdict_names,
	GSYM_ARRAY_SIZE(verdict_names) == GSYM_VERDICT_ERROR + 1);

static const char *const how_names[] = {
	[GSYM_HOW_SYMLINK] = "symlink",
	[GSYM_HOW_JUNCTION] = "junction",
	[GSYM_HOW_HARDLINK] = "hardlink",
	[GSYM_HOW_COPY] = "copy",
};
GSYM_STATIC_ASSERT(how_names, GSYM_ARRAY_SIZE(how_names) == GSYM_HOW__COUNT);

/* The value whose name is `name` (`len` bytes) in `names`; -1 if none. */
static int parse_name(const char *const *names, int n, const char *name,
	size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return i;
	return -1;
}

const char *gsym_type_name(gsym_type t)
{
	return type_names[t];
}

const char *gsym_kind_name(gsym_kind k)
{
	return kind_names[k];
}

const char *gsym_verdict_name(gsym_verdict s)
{
	return verdict_names[s];
}

const char *gsym_how_name(gsym_how h)
{
	return how_names[h];
}

int gsym_how_parse(const char *name, size_t len)
{
	int how = parse_name(how_names, GSYM_HOW__COUNT, name, len);

	/* a fallback's name: "symlink" is what a fallback stands in for */
	return how == GSYM_HOW_SYMLINK ? -1 : how;
}

int gsym_kind_parse(const char *name, size_t len)
{
	return parse_name(kind_names, (int)GSYM_ARRAY_SIZE(kind_names), name,
		len);
}

int gsym_type_parse(const char *name, size_t len)
{
	return parse_name(type_names, (int)GSYM_ARRAY_SIZE(type_names), name,
		len);
}

bool gsym_verdict_is_good(gsym_verdict s)
{
	return s == GSYM_VERDICT_OK || s == GSYM_VERDICT_RESTORED ||
		s == GSYM_VERDICT_DANGLING;
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
