/*
 * Checked allocation: every allocation of the tool goes through here and
 * either succeeds or ends the process with one line ("out of memory"), as
 * git's xmalloc does. Nothing the tool changes is left half done by that:
 * each change is made under a temporary name and renamed into place, and
 * a killed run is finished by the next one.
 */
#ifndef INCLUDE_util_alloc_h__
#define INCLUDE_util_alloc_h__

#include <stddef.h>

/* malloc(), never NULL (a zero size gets one byte). */
void *gsym_malloc(size_t n);

/* calloc() of `count` elements of `size`, zeroed, never NULL. */
void *gsym_calloc(size_t count, size_t size);

/* realloc() to `count` elements of `size` (overflow checked), never NULL. */
void *gsym_reallocarray(void *p, size_t count, size_t size);

/*
 * `p`, an array of `*cap` elements of `size`, with room for `want`: the
 * capacity doubles (from 16), so appending one at a time stays linear.
 * The one growth policy of the tree's arrays; never NULL.
 */
void *gsym_array_grow(void *p, size_t *cap, size_t want, size_t size);

/* strdup(), never NULL. */
char *gsym_strdup(const char *s);

#endif
