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
 * Create the lock `path` already holding `mark`, never empty for an
 * instant: the mark is written under a name of this process's own and
 * hard-linked into place, so a run killed at any point leaves no lock or
 * one whose mark names it. Where the disk has no hard links (exFAT, FAT)
 * the lock is created, then written. GSYM_ELOCKED when it exists.
 */
int gsym_lock_with_mark(const char *path, const char *mark);

/* Remove the name a run `pid` wrote its mark under, left if it was killed. */
void gsym_lock_forget_mark(const char *path, long pid);

/*
 * Call `fn(arg, i)` for every `i` below `n`, in `jobs` even shares run on
 * threads side by side (the caller's among them); returns when every call
 * is done. `fn` may only touch what belongs to its `i` (the error message
 * is per thread). A share whose thread does not start runs on the caller's.
 */
void gsym_parallel(size_t n, unsigned int jobs, void (*fn)(void *arg, size_t i),
	void *arg);

#endif
