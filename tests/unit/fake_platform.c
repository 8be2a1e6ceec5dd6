#include "fake_platform.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/sha1.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NODES 512

typedef struct {
	char *path;
	gsym_ftype type;
	char *content;
	uint64_t ino;
} node;

static node nodes[MAX_NODES];
static int nnodes;
static uint64_t next_ino = 100;
static int fail_code[FAKE__COUNT], fail_nth[FAKE__COUNT], calls[FAKE__COUNT];
static bool windows;
static gsym_link_kind last_kind;
static char touched[8192];
static gsym_link_facts link_facts;

static void touch(const char *path)
{
	size_t len = strlen(touched);

	if (len + strlen(path) + 2 < sizeof(touched)) {
		strcat(touched, path);
		strcat(touched, "\n");
	}
}

gsym_link_kind fake_fs_last_link_kind(void)
{
	return last_kind;
}

bool fake_fs_touched(const char *part)
{
	return strstr(touched, part) != NULL;
}

static const gsym_platform_info posix_info =
	FAKE_POSIX_INFO("fake-posix", "copy");
static const gsym_platform_info win_info =
	FAKE_WIN32_INFO("fake-win32", "junction,copy");

const gsym_platform_info *gsym_platform_info_get(void)
{
	return windows ? &win_info : &posix_info;
}

void fake_fs_reset(void)
{
	int i;

	for (i = 0; i < nnodes; i++) {
		free(nodes[i].path);
		free(nodes[i].content);
	}
	nnodes = 0;
	memset(fail_code, 0, sizeof(fail_code));
	memset(fail_nth, 0, sizeof(fail_nth));
	memset(calls, 0, sizeof(calls));
	next_ino = 100;
	windows = false;
	last_kind = GSYM_LINK_FILE;
	touched[0] = '\0';
	gsym_error_clear();
	memset(&link_facts, 0, sizeof(link_facts));
	link_facts.volume_links = link_facts.developer_mode = GSYM_TRI_UNKNOWN;
	link_facts.link_privilege = link_facts.elevated = GSYM_TRI_UNKNOWN;
}

void fake_fs_link_facts(const gsym_link_facts *facts)
{
	link_facts = *facts;
}

void fake_fs_windows(bool on)
{
	windows = on;
}

void fake_fs_fail(fake_op op, int code, int nth)
{
	fail_code[op] = code;
	fail_nth[op] = nth;
}

int fake_fs_calls(fake_op op)
{
	return calls[op];
}

static int injected(fake_op op, const char *path)
{
	calls[op]++;
	if (fail_code[op] && (fail_nth[op] == 0 || fail_nth[op] == calls[op]))
		return gsym_error_setc(fail_code[op],
			"injected failure on '%s'", path);
	return 0;
}

/* Like the kernel, "a/b/" names "a/b". */
static const char *norm(const char *path)
{
	static char buf[1024];
	size_t len = strlen(path);

	if (len < 2 || path[len - 1] != '/' || len >= sizeof(buf))
		return path;
	memcpy(buf, path, len - 1);
	buf[len - 1] = '\0';
	return buf;
}

static node *find(const char *path)
{
	int i;

	path = norm(path);
	for (i = 0; i < nnodes; i++)
		if (!strcmp(nodes[i].path, path))
			return &nodes[i];
	return NULL;
}

static bool parent_is_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[1024];
	node *n;

	if (!slash || slash == path)
		return true;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	n = find(dir);
	return n && n->type == GSYM_FT_DIR;
}

static int add(const char *path, gsym_ftype type, const char *content,
	size_t len)
{
	node *n;

	path = norm(path);
	if (find(path))
		return gsym_error_setc(GSYM_EEXISTS, "'%s' exists", path);
	if (!parent_is_dir(path))
		return gsym_error_setc(GSYM_ENOTFOUND, "no parent of '%s'",
			path);
	n = &nodes[nnodes++];
	n->path = strdup(path);
	n->type = type;
	n->content = NULL;
	if (content) {
		n->content = malloc(len + 1);
		memcpy(n->content, content, len);
		n->content[len] = '\0';
	}
	n->ino = next_ino++;
	return 0;
}

void fake_fs_add(const char *path, gsym_ftype type, const char *content)
{
	add(path, type, content, content ? strlen(content) : 0);
}

gsym_ftype fake_fs_type(const char *path)
{
	node *n = find(path);

	return n ? n->type : GSYM_FT_NONE;
}

const char *fake_fs_content(const char *path)
{
	node *n = find(path);

	return n ? n->content : NULL;
}

int fake_fs_count(const char *prefix)
{
	int i, count = 0;

	for (i = 0; i < nnodes; i++)
		if (!strncmp(nodes[i].path, prefix, strlen(prefix)))
			count++;
	return count;
}

int gsym_platform_lstat(gsym_stat *out, const char *path)
{
	node *n = find(path);

	touch(path);
	memset(out, 0, sizeof(*out));
	if (!n)
		return gsym_error_setc(GSYM_ENOTFOUND, "'%s' does not exist",
			path);
	out->type = n->type;
	out->size = n->content ? strlen(n->content) : 0;
	out->ino = n->ino;
	out->mode = n->type == GSYM_FT_DIR ? 040755 : 0100644;
	return 0;
}

int gsym_platform_readlink(gsym_buf *out, const char *path)
{
	node *n = find(path);

	touch(path);
	if (!n || (n->type != GSYM_FT_LINK && n->type != GSYM_FT_JUNCTION))
		return gsym_error_set("'%s' is not a link", path);
	gsym_buf_puts(out, n->content);
	return 0;
}

int gsym_platform_symlink(const char *target, const char *path,
	gsym_link_kind kind)
{
	int error;

	touch(path);
	if ((error = injected(FAKE_SYMLINK, path)) < 0)
		return error;
	last_kind = kind;
	return add(path, GSYM_FT_LINK, target, strlen(target));
}

int gsym_platform_junction(const char *abs_target, const char *path)
{
	int error;

	if (!windows)
		return gsym_error_setc(GSYM_EUNSUPPORTED, "no junctions");
	if ((error = injected(FAKE_JUNCTION, path)) < 0)
		return error;
	return add(path, GSYM_FT_JUNCTION, abs_target, strlen(abs_target));
}

int gsym_platform_hardlink(const char *existing, const char *path)
{
	node *src;
	int error;

	if ((error = injected(FAKE_HARDLINK, path)) < 0)
		return error;
	if (!(src = find(existing)))
		return gsym_error_setc(GSYM_ENOTFOUND, "'%s' missing",
			existing);
	return add(path, GSYM_FT_FILE, src->content, strlen(src->content));
}

int gsym_platform_copy_file(const char *src, const char *dst,
	unsigned char *blob_id)
{
	node *s;
	size_t len;
	int error;

	if ((error = injected(FAKE_COPY_FILE, dst)) < 0)
		return error;
	if (!(s = find(src)) || s->type != GSYM_FT_FILE)
		return gsym_error_setc(GSYM_ENOTFOUND, "'%s' missing", src);
	len = strlen(s->content);
	if ((error = add(dst, GSYM_FT_FILE, s->content, len)) < 0)
		return error;
	if (blob_id) {
		gsym_sha1 sha;

		gsym_sha1_blob_init(&sha, len);
		gsym_sha1_update(&sha, s->content, len);
		gsym_sha1_final(blob_id, &sha);
	}
	return 0;
}

bool gsym_platform_copies_over(void)
{
	return false;
}

int gsym_platform_copy_over(const char *src, const char *dst,
	unsigned char *blob_id)
{
	(void)src;
	(void)blob_id;
	/* as on Windows: copied to a new name and renamed over */
	return gsym_error_setc(GSYM_EUNSUPPORTED, "'%s' not written over", dst);
}

int gsym_platform_write_new(const char *path, const char *data, size_t len)
{
	int error;

	if ((error = injected(FAKE_WRITE, path)) < 0)
		return error;
	return add(path, GSYM_FT_FILE, data, len);
}

int gsym_platform_write_slices(const char *path, const gsym_slice *v, size_t n)
{
	gsym_buf b = GSYM_BUF_INIT;
	size_t i;
	int error;

	for (i = 0; i < n; i++)
		gsym_buf_put(&b, v[i].data, v[i].len);
	error = gsym_platform_write_new(path, b.size ? b.ptr : "", b.size);
	gsym_buf_dispose(&b);
	return error;
}

struct gsym_appender {
	char *path;
};

int gsym_platform_append_open(gsym_appender **out, const char *path)
{
	*out = gsym_malloc(sizeof(**out));
	(*out)->path = gsym_strdup(path);
	return 0;
}

void gsym_platform_append_close(gsym_appender *a)
{
	if (!a)
		return;
	free(a->path);
	free(a);
}

int gsym_platform_append(gsym_appender *a, const char *data, size_t len)
{
	const char *path = a->path;
	node *n = find(path);
	gsym_buf b = GSYM_BUF_INIT;

	if (!n)
		return add(path, GSYM_FT_FILE, data, len);
	gsym_buf_puts(&b, n->content);
	gsym_buf_put(&b, data, len);
	free(n->content);
	n->content = gsym_buf_detach(&b);
	return 0;
}

struct gsym_reader {
	gsym_buf content;
	size_t at;
};

int gsym_platform_reader_open(gsym_reader **out, const char *path)
{
	gsym_buf content = GSYM_BUF_INIT;
	int error = gsym_platform_read_file(&content, path, (size_t)-1);

	*out = NULL;
	if (error < 0)
		return error;
	*out = gsym_calloc(1, sizeof(**out));
	(*out)->content = content;
	return 0;
}

ptrdiff_t gsym_platform_reader_read(gsym_reader *r, void *buf, size_t len)
{
	size_t left = r->content.size - r->at;

	if (len > left)
		len = left;
	memcpy(buf, r->content.ptr + r->at, len);
	r->at += len;
	return (ptrdiff_t)len;
}

int gsym_platform_reader_seek_end(gsym_reader *r, size_t back)
{
	if (back > r->content.size)
		return gsym_error_setc(GSYM_ERROR, "seek before the start");
	r->at = r->content.size - back;
	return 0;
}

void gsym_platform_reader_close(gsym_reader *r)
{
	if (!r)
		return;
	gsym_buf_dispose(&r->content);
	free(r);
}

int gsym_platform_read_file(gsym_buf *out, const char *path, size_t max)
{
	node *n = find(path);

	touch(path);
	if (!n || n->type != GSYM_FT_FILE)
		return gsym_error_setc(n ? GSYM_ERROR : GSYM_ENOTFOUND,
			"'%s' is not a file", path);
	if (strlen(n->content) > max)
		return gsym_error_setc(GSYM_ELIMIT, "'%s' too large", path);
	gsym_buf_puts(out, n->content);
	return 0;
}

/* The apply tests read no index: nothing here is ever mapped. */
int gsym_platform_map(gsym_map *out, const char *path)
{
	memset(out, 0, sizeof(*out));
	return gsym_error_setc(GSYM_EUNSUPPORTED, "'%s': no maps here", path);
}

void gsym_platform_unmap(gsym_map *map)
{
	memset(map, 0, sizeof(*map));
}

int gsym_platform_mkdir(const char *path)
{
	int error;

	if ((error = injected(FAKE_MKDIR, path)) < 0)
		return error;
	return add(path, GSYM_FT_DIR, NULL, 0);
}

int gsym_platform_rename(const char *from, const char *to)
{
	node *f = find(from), *t = find(to);
	size_t flen = strlen(from);
	int error, i;

	if ((error = injected(FAKE_RENAME, to)) < 0)
		return error;
	if (!f)
		return gsym_error_setc(GSYM_ENOTFOUND, "'%s' missing", from);
	if (t) {
		if (t->type == GSYM_FT_DIR || f->type == GSYM_FT_DIR)
			return gsym_error_setc(GSYM_EEXISTS,
				"cannot rename over '%s'", to);
		gsym_platform_remove(to);
		f = find(from);
	}
	/* move the node and everything below it */
	for (i = 0; i < nnodes; i++) {
		char *p = nodes[i].path;

		if (!strcmp(p, from) ||
			(!strncmp(p, from, flen) && p[flen] == '/')) {
			gsym_buf b = GSYM_BUF_INIT;

			gsym_buf_puts(&b, to);
			gsym_buf_puts(&b, p + flen);
			free(p);
			nodes[i].path = gsym_buf_detach(&b);
		}
	}
	return 0;
}

int gsym_platform_remove(const char *path)
{
	node *n = find(path);
	size_t len = strlen(path);
	int i;

	if (!n)
		return gsym_error_setc(GSYM_ENOTFOUND, "'%s' missing", path);
	if (n->type == GSYM_FT_DIR)
		for (i = 0; i < nnodes; i++)
			if (!strncmp(nodes[i].path, path, len) &&
				nodes[i].path[len] == '/')
				return gsym_error_setc(GSYM_EEXISTS,
					"'%s' not empty", path);
	free(n->path);
	free(n->content);
	*n = nodes[--nnodes];
	return 0;
}

int gsym_platform_readdir(const char *path,
	int (*cb)(const char *name, void *payload), void *payload)
{
	size_t len = strlen(path);
	int i, error;

	for (i = 0; i < nnodes; i++) {
		const char *p = nodes[i].path;

		if (!strncmp(p, path, len) && p[len] == '/' &&
			!strchr(p + len + 1, '/') &&
			(error = cb(p + len + 1, payload)) != 0)
			return error;
	}
	return 0;
}

int gsym_platform_set_mtime(const char *path, int64_t sec, uint32_t nsec)
{
	(void)sec;
	(void)nsec;
	return find(path) ?
		0 :
		gsym_error_setc(GSYM_ENOTFOUND, "'%s' missing", path);
}

int gsym_platform_lock(const char *path, const char *content)
{
	if (!content)
		content = "";
	return add(path, GSYM_FT_FILE, content, strlen(content)) ==
			GSYM_EEXISTS ?
		GSYM_ELOCKED :
		0;
}

long gsym_platform_pid(void)
{
	return 4242;
}

bool gsym_platform_process_alive(long pid)
{
	return pid == 4242;
}

int64_t gsym_platform_now(void)
{
	return 1700000000;
}

int gsym_platform_chdir(const char *path)
{
	(void)path;
	return 0;
}

int gsym_platform_realpath(gsym_buf *out, const char *path)
{
	gsym_buf_puts(out, path);
	return 0;
}

bool gsym_platform_same_path(const char *a, const char *b, size_t len)
{
	return !strncmp(a, b, len);
}

int gsym_platform_setenv(const char *name, const char *value)
{
	(void)name;
	(void)value;
	return 0;
}

int gsym_platform_self_path(gsym_buf *out)
{
	gsym_buf_puts(out, "/usr/bin/git-symlinks");
	return 0;
}

int gsym_platform_make_executable(const char *path)
{
	return find(path) ? 0 : GSYM_ENOTFOUND;
}

unsigned int gsym_platform_cpus(void)
{
	return 1;
}

void gsym_platform_heap_reserve(size_t bytes)
{
	(void)bytes;
}

/* No threads here: the caller does all the work itself. */
int gsym_platform_thread_start(gsym_thread **out, void (*fn)(void *arg),
	void *arg)
{
	(void)fn;
	(void)arg;
	*out = NULL;
	return gsym_error_set("no threads in the fake platform");
}

void gsym_platform_thread_join(gsym_thread *thread)
{
	(void)thread;
}

/* No threads: a mutex that counts, so a test sees it used in pairs. */
struct gsym_mutex {
	int held;
};

gsym_mutex *gsym_platform_mutex_new(void)
{
	return gsym_calloc(1, sizeof(gsym_mutex));
}

void gsym_platform_mutex_lock(gsym_mutex *m)
{
	m->held++;
}

void gsym_platform_mutex_unlock(gsym_mutex *m)
{
	m->held--;
}

void gsym_platform_mutex_free(gsym_mutex *m)
{
	free(m);
}

void gsym_platform_link_facts(gsym_link_facts *out, const char *path)
{
	(void)path;
	*out = link_facts;
}

bool gsym_platform_fs_remote(const char *path)
{
	(void)path;
	return false;
}

bool gsym_platform_private_dir(const char *path)
{
	(void)path;
	return false; /* no git monitor protocol here */
}

FILE *gsym_platform_popen(const char *cmd)
{
	(void)cmd;
	return NULL; /* no processes here */
}

int gsym_platform_pclose(FILE *p)
{
	(void)p;
	return -1;
}

void gsym_platform_console_init(void)
{
}

bool gsym_platform_stderr_is_terminal(void)
{
	return false;
}

uint64_t gsym_platform_clock_ms(void)
{
	return 0;
}

void gsym_platform_sleep_ms(unsigned int ms)
{
	(void)ms;
}

/* no fsmonitor daemon in the fake: the hook looks itself */
int gsym_platform_channel_ask(gsym_buf *answer, const char *name,
	const char *request, int timeout_ms)
{
	(void)answer, (void)request, (void)timeout_ms;
	return gsym_error_setc(GSYM_EUNSUPPORTED, "no channel '%s'", name);
}

int gsym_platform_spawn_detached(const char *const *argv)
{
	return gsym_error_setc(GSYM_EUNSUPPORTED, "could not start '%s'",
		argv[0]);
}
