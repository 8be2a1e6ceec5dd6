#include "util/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *checked(void *p)
{
	if (!p) {
		fputs("fatal: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *gsym_malloc(size_t n)
{
	return checked(malloc(n ? n : 1));
}

void *gsym_calloc(size_t count, size_t size)
{
	return checked(calloc(count ? count : 1, size ? size : 1));
}

void *gsym_reallocarray(void *p, size_t count, size_t size)
{
	size_t n;

	if (size && count > SIZE_MAX / size)
		return checked(NULL);
	n = count * size;
	return checked(realloc(p, n ? n : 1));
}

void *gsym_array_grow(void *p, size_t *cap, size_t want, size_t size)
{
	size_t n = *cap ? *cap : 16;

	if (want <= *cap)
		return p;
	while (n < want)
		n = n > SIZE_MAX / 2 ? want : n * 2;
	p = gsym_reallocarray(p, n, size);
	*cap = n;
	return p;
}

char *gsym_strdup(const char *s)
{
	return checked(strdup(s));
}
