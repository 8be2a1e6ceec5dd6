/*
 * What is built on platform.h alone and is the same on every platform
 * (as libuv's uv-common.c): directories made with their parents, work
 * shared out on threads. util/, below, makes no system call.
 */
#ifndef INCLUDE_platform_portable_h__
#define INCLUDE_platform_portable_h__

#include "util/common.h"

/* Create directory `dir` (absolute) and its missing parents. */
int gsym_mkdirs(const char *dir);

/*
 * Call `fn(arg, i)` for every `i` below `n`, in `jobs` even shares run on
 * threads side by side (the caller's among them); returns when every call
 * is done. `fn` may only touch what belongs to its `i` (the error message
 * is per thread). A share whose thread does not start runs on the caller's.
 */
void gsym_parallel(size_t n, unsigned int jobs, void (*fn)(void *arg, size_t i),
	void *arg);

#endif
