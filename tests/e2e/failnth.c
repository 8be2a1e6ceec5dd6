/* An LD_PRELOAD library for the collide suite: in git-symlinks alone
 * (not the git it runs), the Nth rename() or lstat() of the process fails
 * with EIO, as the exFAT FUSE driver failed them in issue 23, or the
 * process is killed right after its Nth rename(), right after its Nth
 * ftruncate() (a copy written over where it is with fewer bytes than it
 * held, before it is cut to length: new bytes, then old ones), or
 * right after it creates a file named index.lock (by open() or link()),
 * or right after its Nth write to its journal (.git/symlinks/journal), or
 * to a regular file of the work tree (outside .git: a copy being written);
 * and the writes to such files numbered in a list fail with EIO:
 *   GSYM_FAIL_RENAME=N, GSYM_FAIL_LSTAT=N, GSYM_KILL_RENAME=N,
 *   GSYM_KILL_TRUNCATE=N, GSYM_KILL_LOCK=1, GSYM_KILL_JOURNAL=N,
 *   GSYM_KILL_WRITE=N, GSYM_FAIL_WRITE=N[,N...]
 * GSYM_FAIL_COUNT=FILE appends "<renames> <lstats>" to FILE at exit, to
 * know how many steps there are to fail. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long renames, lstats, truncates, journal_writes, tree_writes, tree_tries;

static int ours(void)
{
	return !strcmp(program_invocation_short_name, "git-symlinks");
}

static long nth(const char *var)
{
	const char *v = getenv(var);

	return v ? atol(v) : 0;
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	long n;
	int rc;

	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT,
			"rename");
	if (!ours())
		return real(from, to);
	n = __atomic_add_fetch(&renames, 1, __ATOMIC_SEQ_CST);
	if (n == nth("GSYM_FAIL_RENAME")) {
		errno = EIO;
		return -1;
	}
	rc = real(from, to);
	if (n == nth("GSYM_KILL_RENAME"))
		kill(getpid(), SIGKILL);
	return rc;
}

int lstat(const char *path, struct stat *st)
{
	static int (*real)(const char *, struct stat *);
	long n;

	if (!real)
		real = (int (*)(const char *, struct stat *))dlsym(RTLD_NEXT,
			"lstat");
	if (!ours())
		return real(path, st);
	n = __atomic_add_fetch(&lstats, 1, __ATOMIC_SEQ_CST);
	if (n == nth("GSYM_FAIL_LSTAT")) {
		errno = EIO;
		return -1;
	}
	return real(path, st);
}

/* The path `fd` is open on, in `path`; its length, or 0. */
static size_t fd_path(int fd, char *path, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, size - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	return (size_t)n;
}

/* Is `fd` open on the run's journal? */
static int journal_fd(int fd)
{
	char path[4096];
	size_t n = fd_path(fd, path, sizeof(path));

	return n >= 17 && !strcmp(path + n - 17, "/symlinks/journal");
}

/* Is `fd` open on a file of the work tree (a regular file outside .git)? */
static int tree_fd(int fd)
{
	char path[4096];
	struct stat st;

	return fd_path(fd, path, sizeof(path)) && path[0] == '/' &&
		!strstr(path, "/.git/") && fstat(fd, &st) == 0 &&
		S_ISREG(st.st_mode);
}

/* Is `n` one of the comma-separated numbers of `var`? */
static int listed(const char *var, long n)
{
	const char *v = getenv(var);
	char *end;

	while (v && *v) {
		if (strtol(v, &end, 10) == n)
			return 1;
		v = *end == ',' ? end + 1 : NULL;
	}
	return 0;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	ssize_t rc;

	if (!real)
		real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT,
			"write");
	if (getenv("GSYM_FAIL_WRITE") && ours() && tree_fd(fd) &&
		listed("GSYM_FAIL_WRITE",
			__atomic_add_fetch(&tree_tries, 1, __ATOMIC_SEQ_CST))) {
		errno = EIO;
		return -1;
	}
	rc = real(fd, buf, len);
	if (rc > 0 && nth("GSYM_KILL_JOURNAL") && ours() && journal_fd(fd) &&
		__atomic_add_fetch(&journal_writes, 1, __ATOMIC_SEQ_CST) ==
			nth("GSYM_KILL_JOURNAL"))
		kill(getpid(), SIGKILL);
	if (rc > 0 && nth("GSYM_KILL_WRITE") && ours() && tree_fd(fd) &&
		__atomic_add_fetch(&tree_writes, 1, __ATOMIC_SEQ_CST) ==
			nth("GSYM_KILL_WRITE"))
		kill(getpid(), SIGKILL);
	return rc;
}

static int truncate_as(const char *name, int fd, off_t len)
{
	int (*real)(int, off_t) = (int (*)(int, off_t))dlsym(RTLD_NEXT, name);
	int rc = real(fd, len);

	if (ours() &&
		__atomic_add_fetch(&truncates, 1, __ATOMIC_SEQ_CST) ==
			nth("GSYM_KILL_TRUNCATE"))
		kill(getpid(), SIGKILL);
	return rc;
}

int ftruncate(int fd, off_t len)
{
	return truncate_as("ftruncate", fd, len);
}

int ftruncate64(int fd, off_t len)
{
	return truncate_as("ftruncate64", fd, len);
}

static void kill_at_lock(const char *path, int rc)
{
	size_t n = strlen(path);

	if (rc >= 0 && ours() && nth("GSYM_KILL_LOCK") && n >= 10 &&
		!strcmp(path + n - 10, "index.lock"))
		kill(getpid(), SIGKILL);
}

int link(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	int rc;

	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT,
			"link");
	rc = real(from, to);
	kill_at_lock(to, rc);
	return rc;
}

static int open_as(const char *name, const char *path, int flags, va_list ap)
{
	int (*real)(const char *, int, ...) =
		(int (*)(const char *, int, ...))dlsym(RTLD_NEXT, name);
	mode_t mode = (flags & O_CREAT) ? (mode_t)va_arg(ap, int) : 0;
	int rc = real(path, flags, mode);

	if ((flags & O_CREAT) && (flags & O_EXCL))
		kill_at_lock(path, rc);
	return rc;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	int rc;

	va_start(ap, flags);
	rc = open_as("open", path, flags, ap);
	va_end(ap);
	return rc;
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	int rc;

	va_start(ap, flags);
	rc = open_as("open64", path, flags, ap);
	va_end(ap);
	return rc;
}

__attribute__((destructor)) static void count(void)
{
	const char *file = getenv("GSYM_FAIL_COUNT");
	FILE *f;

	if (!file || !ours() || !(f = fopen(file, "a")))
		return;
	fprintf(f, "%ld %ld\n", renames, lstats);
	fclose(f);
}
