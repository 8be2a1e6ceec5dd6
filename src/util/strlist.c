#include "util/strlist.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void gsym_strlist_add(gsym_strlist *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = gsym_reallocarray(l->v, l->cap, sizeof(char *));
	}
	l->v[l->n] = gsym_malloc(len + 1);
	memcpy(l->v[l->n], s, len);
	l->v[l->n++][len] = '\0';
}

void gsym_strlist_dispose(gsym_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

char **gsym_strlist_find(const gsym_strlist *l, const char *s)
{
	return l->n ? bsearch(&s, l->v, l->n, sizeof(char *), cmp_str) : NULL;
}

/* Sort and drop repeats. */
void gsym_strlist_unique(gsym_strlist *l)
{
	size_t i, n = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(char *), cmp_str);
	for (i = 0; i < l->n; i++) {
		if (n && !strcmp(l->v[n - 1], l->v[i]))
			free(l->v[i]);
		else
			l->v[n++] = l->v[i];
	}
	l->n = n;
}
