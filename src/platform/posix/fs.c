/*
 * The POSIX backend of the platform layer.
 */
#include "platform/platform.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/sha1.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* outside links are what git itself makes here; no junctions */
static const gsym_platform_info posix_info = {
	.name = "posix",
	.default_fallback = "copy",
};

const gsym_platform_info *gsym_platform_info_get(void)
{
	return &posix_info;
}

/*
 * The one place errno becomes a gsym_error_code and a message.
 */
static int translate(int err, const char *what, const char *path)
{
	int code;

	switch (err) {
	case ENOENT: code = GSYM_ENOTFOUND; break;
	case EEXIST:
	case ENOTEMPTY: code = GSYM_EEXISTS; break;
	case ENOTDIR: code = GSYM_ENOTDIR; break;
	/*
	 * EPERM is what symlink() and link() answer on a file system
	 * without them; EACCES is this path's permissions, never a reason
	 * to give up on links for the whole tree.
	 */
	case EPERM: code = GSYM_EPRIVILEGE; break;
	case EACCES:
	case EROFS:
	case ETXTBSY: code = GSYM_EACCESS; break;
	case ENOSYS:
	case EOPNOTSUPP:
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
	case ENOTSUP:
#endif
	case EXDEV:
	case EMLINK: code = GSYM_EUNSUPPORTED; break;
	default: code = GSYM_ERROR;
	}
	return gsym_error_setc(code, "could not %s '%s': %s", what, path,
		strerror(err));
}

static gsym_ftype ftype_of(mode_t m)
{
	if (S_ISREG(m))
		return GSYM_FT_FILE;
	if (S_ISDIR(m))
		return GSYM_FT_DIR;
	if (S_ISLNK(m))
		return GSYM_FT_LINK;
	return GSYM_FT_OTHER;
}

int gsym_platform_lstat(gsym_stat *out, const char *path)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return gsym_error_setc(GSYM_ENOTFOUND,
				"'%s' does not exist", path);
		return translate(errno, "stat", path);
	}
	out->type = ftype_of(st.st_mode);
	out->mode = (uint32_t)st.st_mode;
	out->size = (uint64_t)st.st_size;
	out->mtime_sec = (int64_t)st.st_mtim.tv_sec;
	out->mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	out->ctime_sec = (int64_t)st.st_ctim.tv_sec;
	out->ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
	out->dev = (uint64_t)st.st_dev;
	out->ino = (uint64_t)st.st_ino;
	out->uid = (uint32_t)st.st_uid;
	out->gid = (uint32_t)st.st_gid;
	out->nlink = (uint32_t)st.st_nlink;
	return 0;
}

int gsym_platform_readlink(gsym_buf *out, const char *path)
{
	char tmp[GSYM_MAX_TARGET + 2];
	ssize_t n = readlink(path, tmp, sizeof(tmp));

	if (n < 0)
		return translate(errno, "read link", path);
	if ((size_t)n >= sizeof(tmp))
		return gsym_error_setc(GSYM_ELIMIT,
			"link '%s' has a target longer than %d bytes", path,
			GSYM_MAX_TARGET);
	gsym_buf_put(out, tmp, (size_t)n);
	return 0;
}

int gsym_platform_symlink(const char *target, const char *path,
	gsym_link_kind kind)
{
	(void)kind; /* POSIX links carry no type */
	if (symlink(target, path) < 0)
		return translate(errno, "create symlink", path);
	return 0;
}

int gsym_platform_junction(const char *abs_target, const char *path)
{
	(void)abs_target;
	return gsym_error_setc(GSYM_EUNSUPPORTED,
		"could not create junction '%s': junctions exist only on "
		"Windows",
		path);
}

int gsym_platform_hardlink(const char *existing, const char *path)
{
	if (link(existing, path) < 0)
		return translate(errno, "create hard link", path);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The blob id of the `size` bytes the open file `fd` holds. */
static int hash_fd(unsigned char *out, int fd, uint64_t size, const char *path)
{
	char chunk[65536];
	gsym_sha1 sha;
	uint64_t total = 0;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return translate(errno, "read", path);
	gsym_sha1_blob_init(&sha, size);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return translate(errno, "read", path);
		}
		gsym_sha1_update(&sha, chunk, (size_t)n);
		total += (uint64_t)n;
	}
	if (total != size)
		return gsym_error_set("could not hash '%s': it changed while "
				      "it was read",
			path);
	gsym_sha1_final(out, &sha);
	return 0;
}

/*
 * Copy the open `in` (`size` bytes by its fstat) into `out` from its start,
 * hashed; `out` held `had` bytes, and what is left of them past the copy is
 * cut off once it is written.
 */
static int copy_fd(int in, int out, uint64_t size, uint64_t had,
	const char *src, const char *dst, unsigned char *blob_id)
{
	char chunk[65536];
	gsym_sha1 sha;
	uint64_t total = 0;
	int error = 0;
	ssize_t n;

	if (blob_id)
		gsym_sha1_blob_init(&sha, size);
	while ((n = read(in, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return translate(errno, "read", src);
		}
		if (write_all(out, chunk, (size_t)n) < 0)
			return translate(errno, "write", dst);
		if (blob_id)
			gsym_sha1_update(&sha, chunk, (size_t)n);
		total += (uint64_t)n;
	}
	if (had > total && ftruncate(out, (off_t)total) < 0)
		return translate(errno, "truncate", dst);
	if (blob_id) {
		if (total == size)
			gsym_sha1_final(blob_id, &sha);
		else
			error = hash_fd(blob_id, out, total, dst);
	}
	return error;
}

/* Open the regular file `src` for reading; its fstat in `st`. */
static int open_source(const char *src, struct stat *st)
{
	int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (in < 0)
		return translate(errno, "open", src);
	if (fstat(in, st) < 0 || !S_ISREG(st->st_mode)) {
		close(in);
		return gsym_error_set("could not copy '%s': not a regular file",
			src);
	}
	return in;
}

int gsym_platform_copy_file(const char *src, const char *dst,
	unsigned char *blob_id)
{
	struct stat st;
	int in, out, error;

	if ((in = open_source(src, &st)) < 0)
		return in;
	/* read-write: a source that changed while it was copied is hashed
	   again from the copy */
	out = open(dst, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		(st.st_mode & S_IXUSR) ? 0777 : 0666);
	if (out < 0) {
		error = translate(errno, "create", dst);
		close(in);
		return error;
	}
	error = copy_fd(in, out, (uint64_t)st.st_size, 0, src, dst, blob_id);
	close(in);
	if (close(out) < 0 && !error)
		error = translate(errno, "write", dst);
	if (error)
		unlink(dst);
	return error;
}

bool gsym_platform_copies_over(void)
{
	return true;
}

int gsym_platform_copy_over(const char *src, const char *dst,
	unsigned char *blob_id)
{
	struct stat st, dst_st;
	int in, out, error;

	if ((in = open_source(src, &st)) < 0)
		return in;
	if ((out = open(dst, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		error = translate(errno, "open", dst);
		close(in);
		return error;
	}
	/* one name, a regular file, the source's executable bit */
	if (fstat(out, &dst_st) < 0 || !S_ISREG(dst_st.st_mode) ||
		dst_st.st_nlink != 1 ||
		((st.st_mode ^ dst_st.st_mode) & S_IXUSR)) {
		close(in);
		close(out);
		return gsym_error_setc(GSYM_EUNSUPPORTED,
			"'%s' cannot be written over", dst);
	}
	/*
	 * written over from the start and only then cut to length: a file
	 * cut to nothing first is, to ext4 (auto_da_alloc), one being
	 * replaced, and its close starts the writeback of its blocks (ten
	 * times the cost of the write for a small file)
	 */
	error = copy_fd(in, out, (uint64_t)st.st_size, (uint64_t)dst_st.st_size,
		src, dst, blob_id);
	close(in);
	if (close(out) < 0 && !error)
		error = translate(errno, "write", dst);
	if (error)
		unlink(dst);
	return error;
}

/* Open `path` with `flags`, write `data`, close; a new file that could
 * not be written whole is removed again. */
static int write_file(const char *path, const gsym_slice *v, size_t n,
	int flags)
{
	size_t i;
	int fd, error = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags,
		0666);
	if (fd < 0)
		return translate(errno, "create", path);
	for (i = 0; i < n && !error; i++)
		if (write_all(fd, v[i].data, v[i].len) < 0)
			error = translate(errno, "write", path);
	if (close(fd) < 0 && !error)
		error = translate(errno, "write", path);
	if (error && (flags & O_EXCL))
		unlink(path);
	return error;
}

int gsym_platform_write_new(const char *path, const char *data, size_t len)
{
	gsym_slice one = { data, len };

	return write_file(path, &one, 1, O_EXCL);
}

int gsym_platform_write_slices(const char *path, const gsym_slice *v, size_t n)
{
	return write_file(path, v, n, O_EXCL);
}

struct gsym_appender {
	int fd;
	char *path;
};

int gsym_platform_append_open(gsym_appender **out, const char *path)
{
	int fd = open(path,
		O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0666);

	*out = NULL;
	if (fd < 0)
		return translate(errno, "open", path);
	*out = gsym_malloc(sizeof(**out));
	(*out)->fd = fd;
	(*out)->path = gsym_strdup(path);
	return 0;
}

int gsym_platform_append(gsym_appender *a, const char *data, size_t len)
{
	return write_all(a->fd, data, len) < 0 ?
		translate(errno, "write", a->path) :
		0;
}

void gsym_platform_append_close(gsym_appender *a)
{
	if (!a)
		return;
	close(a->fd);
	free(a->path);
	free(a);
}

struct gsym_reader {
	int fd;
	char *path;
};

int gsym_platform_reader_open(gsym_reader **out, const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return translate(errno, "open", path);
	*out = gsym_malloc(sizeof(**out));
	(*out)->fd = fd;
	(*out)->path = gsym_strdup(path);
	return 0;
}

ptrdiff_t gsym_platform_reader_read(gsym_reader *r, void *buf, size_t len)
{
	ssize_t n;

	while ((n = read(r->fd, buf, len)) < 0 && errno == EINTR)
		;
	return n < 0 ? translate(errno, "read", r->path) : (ptrdiff_t)n;
}

int gsym_platform_reader_seek_end(gsym_reader *r, size_t back)
{
	if (lseek(r->fd, -(off_t)back, SEEK_END) < 0)
		return translate(errno, "seek in", r->path);
	return 0;
}

void gsym_platform_reader_close(gsym_reader *r)
{
	if (!r)
		return;
	close(r->fd);
	free(r->path);
	free(r);
}

int gsym_platform_read_file(gsym_buf *out, const char *path, size_t max)
{
	struct stat st;
	size_t total = 0;
	int fd, error = 0;
	ssize_t n;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return translate(errno, "open", path);
	/* straight into the buffer, sized once from the file's size */
	if (fstat(fd, &st) == 0 && st.st_size > 0 && (size_t)st.st_size <= max)
		gsym_buf_grow(out, (size_t)st.st_size + 1);
	for (;;) {
		gsym_buf_grow(out, 4096);
		n = read(fd, out->ptr + out->size, out->asize - out->size - 1);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = translate(errno, "read", path);
			break;
		}
		if ((total += (size_t)n) > max) {
			error = gsym_error_setc(GSYM_ELIMIT,
				"'%s' is larger than %zu bytes", path, max);
			break;
		}
		out->size += (size_t)n;
	}
	if (out->ptr)
		out->ptr[out->size] = '\0';
	close(fd);
	return error;
}

/* Fault the whole mapping in at once where the kernel can (Linux). */
#ifdef MAP_POPULATE
#define MAP_PREFAULT MAP_POPULATE
#else
#define MAP_PREFAULT 0
#endif

int gsym_platform_map(gsym_map *out, const char *path)
{
	struct stat st;
	void *p;
	int fd;

	memset(out, 0, sizeof(*out));
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return translate(errno, "open", path);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return translate(errno, "stat", path);
	}
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ,
			MAP_PRIVATE | MAP_PREFAULT, fd, 0);
		if (p == MAP_FAILED) {
			close(fd);
			return translate(errno, "map", path);
		}
		out->data = p;
		out->size = (size_t)st.st_size;
	}
	close(fd);
	return 0;
}

void gsym_platform_unmap(gsym_map *map)
{
	if (map->data)
		munmap((void *)map->data, map->size);
	memset(map, 0, sizeof(*map));
}

int gsym_platform_mkdir(const char *path)
{
	if (mkdir(path, 0777) < 0)
		return translate(errno, "create directory", path);
	return 0;
}

int gsym_platform_rename(const char *from, const char *to)
{
	if (rename(from, to) < 0)
		return translate(errno, "rename to", to);
	return 0;
}

int gsym_platform_remove(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return translate(errno, "remove", path);
	if (S_ISDIR(st.st_mode)) {
		if (rmdir(path) < 0)
			return translate(errno, "remove directory", path);
	} else if (unlink(path) < 0) {
		return translate(errno, "remove", path);
	}
	return 0;
}

int gsym_platform_readdir(const char *path,
	int (*cb)(const char *name, void *payload), void *payload)
{
	DIR *dir;
	struct dirent *de;
	int error = 0;

	if (!(dir = opendir(path)))
		return translate(errno, "open directory", path);
	while ((de = readdir(dir)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((error = cb(de->d_name, payload)) != 0)
			break;
	}
	closedir(dir);
	return error;
}

int gsym_platform_set_mtime(const char *path, int64_t sec, uint32_t nsec)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = (time_t)sec;
	ts[0].tv_nsec = ts[1].tv_nsec = (long)nsec;
	if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return translate(errno, "set the time of", path);
	return 0;
}

int gsym_platform_lock(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

	if (fd < 0) {
		if (errno == EEXIST)
			return gsym_error_setc(GSYM_ELOCKED,
				"unable to lock '%s': file exists; another git "
				"process seems to be running, or remove it if "
				"it was left by a crash",
				path);
		return translate(errno, "create", path);
	}
	if (content && write_all(fd, content, strlen(content)) < 0) {
		int error = translate(errno, "write", path);

		close(fd);
		unlink(path);
		return error;
	}
	close(fd);
	return 0;
}

long gsym_platform_pid(void)
{
	return (long)getpid();
}

bool gsym_platform_process_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH);
}

int64_t gsym_platform_now(void)
{
	return (int64_t)time(NULL);
}

int gsym_platform_chdir(const char *path)
{
	if (chdir(path) < 0)
		return translate(errno, "change to directory", path);
	return 0;
}

int gsym_platform_realpath(gsym_buf *out, const char *path)
{
	char *real = realpath(path, NULL);

	if (!real)
		return translate(errno, "resolve", path);
	gsym_buf_puts(out, real);
	free(real);
	return 0;
}

bool gsym_platform_same_path(const char *a, const char *b, size_t len)
{
	return !strncmp(a, b, len);
}

int gsym_platform_setenv(const char *name, const char *value)
{
	if ((value ? setenv(name, value, 1) : unsetenv(name)) < 0)
		return translate(errno, "set", name);
	return 0;
}

int gsym_platform_self_path(gsym_buf *out)
{
	return gsym_platform_realpath(out, "/proc/self/exe");
}

int gsym_platform_make_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return translate(errno, "stat", path);
	/* x wherever r is set, as git does for hooks */
	if (chmod(path, st.st_mode | ((st.st_mode & 0444) >> 2)) < 0)
		return translate(errno, "make executable", path);
	return 0;
}

unsigned int gsym_platform_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned int)n : 1;
}

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <stdint.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif
/* The heap's own growth step: past it, glibc maps big blocks alone. */
#define HEAP_BLOCK_MAX ((size_t)32 << 20)

void gsym_platform_heap_reserve(size_t bytes)
{
	static bool done;
	char *start, *end, *volatile p;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), from, to;

	if (done || bytes < ((size_t)1 << 20))
		return;
	done = true;
	if (bytes > (size_t)256 << 20)
		bytes = (size_t)256 << 20;
	/*
	 * Keep big blocks (the index's entries, the state) on the heap
	 * and the heap grown once it is: then grow it by `bytes`, and fault
	 * that in with one call (a page fault each costs ten times more in
	 * a virtual machine)
	 */
	mallopt(M_MMAP_THRESHOLD, (int)HEAP_BLOCK_MAX);
	mallopt(M_TRIM_THRESHOLD, (int)(HEAP_BLOCK_MAX * 8));
	start = sbrk(0);
	if ((p = malloc(bytes)) == NULL)
		return;
	p[0] = 0;
	free(p);
	end = sbrk(0);
	from = ((uintptr_t)start + page - 1) & ~(page - 1);
	to = (uintptr_t)end & ~(page - 1);
	if (start != (char *)-1 && to > from)
		(void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
}
#else
void gsym_platform_heap_reserve(size_t bytes)
{
	(void)bytes;
}
#endif

struct gsym_thread {
	pthread_t id;
	void (*fn)(void *arg);
	void *arg;
};

static void *thread_main(void *payload)
{
	gsym_thread *t = payload;

	t->fn(t->arg);
	return NULL;
}

int gsym_platform_thread_start(gsym_thread **out, void (*fn)(void *arg),
	void *arg)
{
	gsym_thread *t = gsym_calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return GSYM_ERROR;
	t->fn = fn;
	t->arg = arg;
	if (pthread_create(&t->id, NULL, thread_main, t) != 0) {
		free(t);
		return gsym_error_set("could not start a thread");
	}
	*out = t;
	return 0;
}

void gsym_platform_thread_join(gsym_thread *thread)
{
	pthread_join(thread->id, NULL);
	free(thread);
}

struct gsym_mutex {
	pthread_mutex_t m;
};

gsym_mutex *gsym_platform_mutex_new(void)
{
	gsym_mutex *m = gsym_malloc(sizeof(*m));

	pthread_mutex_init(&m->m, NULL);
	return m;
}

void gsym_platform_mutex_lock(gsym_mutex *m)
{
	pthread_mutex_lock(&m->m);
}

void gsym_platform_mutex_unlock(gsym_mutex *m)
{
	pthread_mutex_unlock(&m->m);
}

void gsym_platform_mutex_free(gsym_mutex *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->m);
	free(m);
}
