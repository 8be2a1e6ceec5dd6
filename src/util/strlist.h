/*
 * A list of strings, each owned by the list; sorted on demand.
 */
#ifndef INCLUDE_util_strlist_h__
#define INCLUDE_util_strlist_h__

#include "util/common.h"

typedef struct {
	char **v;
	size_t n, cap;
} gsym_strlist;

/* Append a copy of the `len` bytes of `s`. */
void gsym_strlist_add(gsym_strlist *l, const char *s, size_t len);

/* Free the strings and the list; it is empty again. */
void gsym_strlist_dispose(gsym_strlist *l);

/* The place of `s` in the sorted list `l`, or NULL. */
char **gsym_strlist_find(const gsym_strlist *l, const char *s);

/* Sort and drop repeats. */
void gsym_strlist_unique(gsym_strlist *l);

#endif
