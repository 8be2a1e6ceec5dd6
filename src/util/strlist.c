#include "util/strlist.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void gsym_strlist_take(gsym_strlist *l, char *s)
{
	l->v = gsym_array_grow(l->v, &l->cap, l->n + 1, sizeof(char *));
	l->v[l->n++] = s;
}

void gsym_strlist_add(gsym_strlist *l, const char *s, size_t len)
{
	char *copy = gsym_malloc(len + 1);

	memcpy(copy, s, len);
	copy[len] = '\0';
	gsym_strlist_take(l, copy);
}

void gsym_strlist_adds(gsym_strlist *l, const char *s)
{
	gsym_strlist_add(l, s, strlen(s));
}

void gsym_strlist_dispose(gsym_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void gsym_strlist_sort(gsym_strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(char *), cmp_str);
}

void gsym_strlist_unique(gsym_strlist *l)
{
	size_t i, n = 0;

	gsym_strlist_sort(l);
	for (i = 0; i < l->n; i++) {
		if (n && !strcmp(l->v[n - 1], l->v[i]))
			free(l->v[i]);
		else
			l->v[n++] = l->v[i];
	}
	l->n = n;
}

/* The place of `s` in the sorted list `l`, or NULL. */
static char **find(const gsym_strlist *l, const char *s)
{
	return l->n ? bsearch(&s, l->v, l->n, sizeof(char *), cmp_str) : NULL;
}

void gsym_strlist_remove(gsym_strlist *l, const char *s)
{
	char **at = find(l, s);

	if (!at)
		return;
	free(*at);
	memmove(at, at + 1, (size_t)(l->v + l->n - at - 1) * sizeof(char *));
	l->n--;
}

void gsym_strlist_drop(gsym_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s)) {
			free(l->v[i]);
			l->v[i] = l->v[--l->n];
			return;
		}
}

bool gsym_strlist_has(const gsym_strlist *l, const char *s)
{
	return find(l, s) != NULL;
}

bool gsym_strlist_contains(const gsym_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
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

/* The first element of the sorted list cmp_prefix puts at or after it. */
static size_t lower_prefix(const gsym_strlist *l, const char *path, size_t len,
	char next)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cmp_prefix(l->v[mid], path, len, next) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is there an element of the sorted list that cmp_prefix finds equal? */
static bool find_prefix(const gsym_strlist *l, const char *path, size_t len,
	char next)
{
	size_t lo = lower_prefix(l, path, len, next);

	return lo < l->n && cmp_prefix(l->v[lo], path, len, next) == 0;
}

size_t gsym_strlist_below(const gsym_strlist *l, const char *dir, size_t *first)
{
	size_t len = strlen(dir), i;

	*first = lower_prefix(l, dir, len, '/');
	for (i = *first; i < l->n && cmp_prefix(l->v[i], dir, len, '/') == 0;
		i++)
		;
	return i - *first;
}

/* Is a directory above `path`'s first `len` bytes in the list? */
static bool has_parent(const gsym_strlist *l, const char *path, size_t len)
{
	while (len > 0) {
		while (len > 0 && path[len - 1] != '/')
			len--;
		if (len > 0 && find_prefix(l, path, --len, '\0'))
			return true;
	}
	return false;
}

bool gsym_strlist_touches(const gsym_strlist *l, const char *path)
{
	size_t len;

	if (!path)
		return true; /* unknown: check it */
	if (!l->n)
		return false;
	len = strlen(path);
	return find_prefix(l, path, len, '\0') ||
		find_prefix(l, path, len, '/') || has_parent(l, path, len);
}

bool gsym_strlist_covers(const gsym_strlist *l, const char *path)
{
	size_t len = strlen(path);

	return l->n &&
		(find_prefix(l, path, len, '\0') || has_parent(l, path, len));
}
