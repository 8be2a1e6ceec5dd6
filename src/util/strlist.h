/*
 * A list of strings, each owned by the list: the one list of names and
 * paths in the tree. Appending keeps no order; gsym_strlist_sort (or
 * gsym_strlist_unique) sorts it by bytes for the lookups below.
 */
#ifndef INCLUDE_util_strlist_h__
#define INCLUDE_util_strlist_h__

#include "util/common.h"

typedef struct {
	char **v;
	size_t n, cap;
} gsym_strlist;

#define GSYM_STRLIST_INIT  \
	{                  \
		NULL, 0, 0 \
	}

/* Append a copy of the `len` bytes of `s`. */
void gsym_strlist_add(gsym_strlist *l, const char *s, size_t len);

/* Append a copy of the string `s`. */
void gsym_strlist_adds(gsym_strlist *l, const char *s);

/* Append `s`, a string from gsym_malloc: the list now owns it. */
void gsym_strlist_take(gsym_strlist *l, char *s);

/* Free the strings and the list; it is empty again. */
void gsym_strlist_dispose(gsym_strlist *l);

/* Sort by bytes (strcmp), keeping repeats. */
void gsym_strlist_sort(gsym_strlist *l);

/* Sort and drop repeats. */
void gsym_strlist_unique(gsym_strlist *l);

/* Take `s` out of the sorted list `l`, if it is there. */
void gsym_strlist_remove(gsym_strlist *l, const char *s);

/*
 * Take the first `s` out of the list `l`, sorted or not (a walk; the
 * last string takes its place).
 */
void gsym_strlist_drop(gsym_strlist *l, const char *s);

/* Is `s` in the sorted list `l`? */
bool gsym_strlist_has(const gsym_strlist *l, const char *s);

/* Is `s` in the list `l`, sorted or not? (A walk: for short lists.) */
bool gsym_strlist_contains(const gsym_strlist *l, const char *s);

/*
 * Does the sorted list of '/'-separated paths `l` hold `path`, a path
 * below it, or a directory above it? A NULL path (unknown) counts as
 * touched.
 */
bool gsym_strlist_touches(const gsym_strlist *l, const char *path);

/*
 * The paths of the sorted list `l` below the directory `dir` ("dir/..."):
 * how many, from `*first` on.
 */
size_t gsym_strlist_below(const gsym_strlist *l, const char *dir,
	size_t *first);

/* Does the sorted list `l` hold `path` or a directory above it? */
bool gsym_strlist_covers(const gsym_strlist *l, const char *path);

#endif
