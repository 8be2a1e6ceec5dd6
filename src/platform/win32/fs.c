/*
 * The Win32 backend of the platform layer. The decisions live in
 * logic.c (portable, unit-tested with a fake of these calls); this file
 * makes the calls.
 */
#include "platform/platform.h"
#include "util/alloc.h"
#include "platform/win32/win32.h"
#include "util/error.h"
#include "util/sha1.h"

#include <windows.h>
#include <winioctl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE
#define SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE 0x2
#endif

/*
 * Copies by default, junctions only when asked for: Git for Windows sees
 * a junction as a directory and, in a merge conflict on the link or a
 * `git checkout REV -- <path>`, deletes through it (entry.c
 * remove_subtree), emptying the tracked directory it points at.
 */
static const gsym_platform_info win32_info = {
	.name = "win32",
	.default_fallback = "copy",
	.outside_links_risky = true, /* it needs --allow-outside */
	.has_junctions = true,
	/* Git for Windows sees a junction as a directory */
	.junction_is_dir_to_git = true,
};

/* set once CreateSymbolicLinkW refused the unprivileged flag */
static bool no_unprivileged;

const gsym_platform_info *gsym_platform_info_get(void)
{
	return &win32_info;
}

/* --- the calls logic.c makes ------------------------------------------------ */

static int w_create_symlink(const uint16_t *link, const uint16_t *target,
	uint32_t flags)
{
	return CreateSymbolicLinkW((LPCWSTR)link, (LPCWSTR)target, flags) != 0;
}

static int w_create_directory(const uint16_t *path)
{
	return CreateDirectoryW((LPCWSTR)path, NULL) != 0;
}

static int w_remove_directory(const uint16_t *path)
{
	return RemoveDirectoryW((LPCWSTR)path) != 0;
}

static int w_delete_file(const uint16_t *path)
{
	return DeleteFileW((LPCWSTR)path) != 0;
}

static HANDLE open_reparse(const uint16_t *path, DWORD access)
{
	return CreateFileW((LPCWSTR)path, access,
		FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
		OPEN_EXISTING,
		FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS,
		NULL);
}

static int w_get_reparse(const uint16_t *path, unsigned char *buf, size_t size,
	size_t *len)
{
	HANDLE h = open_reparse(path, 0);
	DWORD got = 0;
	BOOL ok;

	if (h == INVALID_HANDLE_VALUE)
		return 0;
	ok = DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, buf,
		(DWORD)size, &got, NULL);
	CloseHandle(h);
	*len = got;
	return ok != 0;
}

static int w_set_reparse(const uint16_t *path, const unsigned char *buf,
	size_t len)
{
	HANDLE h = open_reparse(path, GENERIC_WRITE);
	DWORD got = 0;
	BOOL ok;
	DWORD err;

	if (h == INVALID_HANDLE_VALUE)
		return 0;
	ok = DeviceIoControl(h, FSCTL_SET_REPARSE_POINT, (LPVOID)buf,
		(DWORD)len, NULL, 0, &got, NULL);
	err = GetLastError();
	CloseHandle(h);
	SetLastError(err);
	return ok != 0;
}

static uint32_t w_last_error(void)
{
	return (uint32_t)GetLastError();
}

static const gsym_win32_ops ops = { w_create_symlink, w_create_directory,
	w_remove_directory, w_delete_file, w_get_reparse, w_set_reparse,
	w_last_error };

/* --- helpers ----------------------------------------------------------------- */

/* UTF-16 form of a path; NULL (message set) when it is not valid UTF-8. */
static wchar_t *wide(const char *path)
{
	uint16_t *w = NULL;

	if (gsym_win32_to_utf16(&w, path, true) < 0)
		return NULL;
	return (wchar_t *)w;
}

static int last_error(const char *what, const char *path)
{
	return gsym_win32_translate((uint32_t)GetLastError(), what, path);
}

/* After a failed call: wait and go again while another program has it. */
static bool again(unsigned int *attempt)
{
	int ms = gsym_win32_retry_delay((uint32_t)GetLastError(), (*attempt)++);

	if (ms < 0)
		return false;
	Sleep((DWORD)ms);
	return true;
}

static uint64_t ft64(FILETIME ft)
{
	return (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
}

/* The reparse tag of `wpath`, 0 when it is none. */
static DWORD reparse_tag(const wchar_t *wpath)
{
	WIN32_FIND_DATAW fd;
	HANDLE h = FindFirstFileW(wpath, &fd);

	if (h == INVALID_HANDLE_VALUE)
		return 0;
	FindClose(h);
	return (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ?
		fd.dwReserved0 :
		0;
}

/* --- platform.h ---------------------------------------------------------------- */

int gsym_platform_lstat(gsym_stat *out, const char *path)
{
	WIN32_FILE_ATTRIBUTE_DATA fa;
	wchar_t *w = wide(path);
	DWORD tag = 0;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (!w)
		return GSYM_ERROR;
	if (!GetFileAttributesExW(w, GetFileExInfoStandard, &fa)) {
		DWORD err = GetLastError();

		error = (err == ERROR_FILE_NOT_FOUND ||
				err == ERROR_PATH_NOT_FOUND) ?
			gsym_error_setc(GSYM_ENOTFOUND, "'%s' does not exist",
				path) :
			gsym_win32_translate(err, "stat", path);
		goto done;
	}
	if (fa.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
		tag = reparse_tag(w);
	if (tag == IO_REPARSE_TAG_SYMLINK)
		out->type = GSYM_FT_LINK;
	else if (tag == IO_REPARSE_TAG_MOUNT_POINT)
		out->type = GSYM_FT_JUNCTION;
	else if (fa.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
		out->type = GSYM_FT_DIR;
	else if (tag)
		out->type = GSYM_FT_OTHER;
	else
		out->type = GSYM_FT_FILE;
	/* exactly what Git for Windows' lstat() reports */
	out->mode = out->type == GSYM_FT_DIR ? 040755 :
		out->type == GSYM_FT_LINK    ? 0120777 :
					       0100644;
	out->size = out->type == GSYM_FT_LINK ?
		GSYM_W32_GFW_LINK_SIZE :
		((uint64_t)fa.nFileSizeHigh << 32 | fa.nFileSizeLow);
	gsym_win32_filetime(&out->mtime_sec, &out->mtime_nsec,
		ft64(fa.ftLastWriteTime));
	gsym_win32_filetime(&out->ctime_sec, &out->ctime_nsec,
		ft64(fa.ftCreationTime));
	out->nlink = 1;
done:
	free(w);
	return error;
}

int gsym_platform_readlink(gsym_buf *out, const char *path)
{
	unsigned char buf[GSYM_W32_MAX_REPARSE];
	wchar_t *w = wide(path);
	uint32_t tag;
	size_t len = 0;
	int error;

	if (!w)
		return GSYM_ERROR;
	if (!w_get_reparse((uint16_t *)w, buf, sizeof(buf), &len))
		error = last_error("read link", path);
	else
		error = gsym_win32_parse_reparse(&tag, out, buf, len);
	free(w);
	return error;
}

int gsym_platform_symlink(const char *target, const char *path,
	gsym_link_kind kind)
{
	return gsym_win32_symlink(&ops, &no_unprivileged, target, path, kind);
}

int gsym_platform_junction(const char *abs_target, const char *path)
{
	return gsym_win32_junction(&ops, abs_target, path);
}

int gsym_platform_hardlink(const char *existing, const char *path)
{
	wchar_t *we = wide(existing), *wp = wide(path);
	unsigned int n = 0;
	int error = 0;

	if (!we || !wp)
		error = GSYM_ERROR;
	else
		while (!CreateHardLinkW(wp, we, NULL))
			if (!again(&n)) {
				error = last_error("create hard link", path);
				break;
			}
	free(we);
	free(wp);
	return error;
}

#define HASH_CHUNK 65536

/* The blob id of the file at `w` (the copy just made). */
static int hash_file(unsigned char *out, const wchar_t *w, const char *path)
{
	char *chunk; /* not static: copies run on several threads */
	LARGE_INTEGER size;
	gsym_sha1 sha;
	uint64_t total = 0;
	DWORD n;
	HANDLE h;
	int error = 0;

	h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
		FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return last_error("open", path);
	chunk = gsym_malloc(HASH_CHUNK);
	if (!GetFileSizeEx(h, &size)) {
		error = last_error("read", path);
		goto done;
	}
	gsym_sha1_blob_init(&sha, (uint64_t)size.QuadPart);
	for (;;) {
		if (!ReadFile(h, chunk, HASH_CHUNK, &n, NULL)) {
			error = last_error("read", path);
			goto done;
		}
		if (!n)
			break;
		gsym_sha1_update(&sha, chunk, n);
		total += n;
	}
	if (total != (uint64_t)size.QuadPart)
		error = gsym_error_set("could not hash '%s': it changed while "
				       "it was read",
			path);
	else
		gsym_sha1_final(out, &sha);
done:
	free(chunk);
	CloseHandle(h);
	return error;
}

/*
 * CopyFileExW, not a read loop: on a share the server copies (no bytes
 * cross the network). The blob id is then read from the copy.
 */
int gsym_platform_copy_file(const char *src, const char *dst,
	unsigned char *blob_id)
{
	wchar_t *ws = wide(src), *wd = wide(dst);
	unsigned int n = 0;
	int error = 0;

	if (!ws || !wd)
		error = GSYM_ERROR;
	else
		while (!CopyFileExW(ws, wd, NULL, NULL, NULL,
			COPY_FILE_FAIL_IF_EXISTS))
			if (!again(&n)) {
				error = last_error("copy to", dst);
				break;
			}
	if (!error && blob_id && (error = hash_file(blob_id, wd, dst)) < 0)
		DeleteFileW(wd);
	free(ws);
	free(wd);
	return error;
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
	/* CopyFileExW to a new name, then a rename over, instead */
	return gsym_error_setc(GSYM_EUNSUPPORTED, "'%s' cannot be written over",
		dst);
}

static int write_handle(HANDLE h, const char *data, size_t len)
{
	while (len) {
		DWORD n = 0, chunk = len > 1 << 30 ? 1 << 30 : (DWORD)len;

		if (!WriteFile(h, data, chunk, &n, NULL))
			return -1;
		data += n;
		len -= n;
	}
	return 0;
}

static int write_file(const char *path, const gsym_slice *v, size_t n,
	DWORD disposition, DWORD access)
{
	wchar_t *w = wide(path);
	HANDLE h;
	size_t i;
	int error = 0;

	if (!w)
		return GSYM_ERROR;
	h = CreateFileW(w, access, FILE_SHARE_READ, NULL, disposition,
		FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		error = last_error("create", path);
	} else {
		for (i = 0; i < n && !error; i++)
			if (write_handle(h, v[i].data, v[i].len) < 0)
				error = last_error("write", path);
		CloseHandle(h);
		if (error && disposition == CREATE_NEW)
			DeleteFileW(w);
	}
	free(w);
	return error;
}

int gsym_platform_write_new(const char *path, const char *data, size_t len)
{
	gsym_slice one = { data, len };

	return write_file(path, &one, 1, CREATE_NEW, GENERIC_WRITE);
}

int gsym_platform_write_slices(const char *path, const gsym_slice *v, size_t n)
{
	return write_file(path, v, n, CREATE_NEW, GENERIC_WRITE);
}

/*
 * Open `path` itself (never through a link), shared with every other
 * use: the state's save removes the journal while it is open.
 */
static int open_shared(HANDLE *out, const char *path, DWORD access,
	DWORD disposition, DWORD flags)
{
	wchar_t *w = wide(path);

	if (!w)
		return GSYM_ERROR;
	*out = CreateFileW(w, access,
		FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
		disposition, flags | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	free(w);
	return *out == INVALID_HANDLE_VALUE ? last_error("open", path) : 0;
}

struct gsym_appender {
	HANDLE h;
	char *path;
};

int gsym_platform_append_open(gsym_appender **out, const char *path)
{
	HANDLE h;
	int error;

	*out = NULL;
	if ((error = open_shared(&h, path, FILE_APPEND_DATA, OPEN_ALWAYS,
		     FILE_ATTRIBUTE_NORMAL)) < 0)
		return error;
	*out = gsym_malloc(sizeof(**out));
	(*out)->h = h;
	(*out)->path = gsym_strdup(path);
	return 0;
}

int gsym_platform_append(gsym_appender *a, const char *data, size_t len)
{
	return write_handle(a->h, data, len) < 0 ?
		last_error("write", a->path) :
		0;
}

void gsym_platform_append_close(gsym_appender *a)
{
	if (!a)
		return;
	CloseHandle(a->h);
	free(a->path);
	free(a);
}

struct gsym_reader {
	HANDLE h;
	char *path;
};

int gsym_platform_reader_open(gsym_reader **out, const char *path)
{
	HANDLE h;
	int error;

	*out = NULL;
	if ((error = open_shared(&h, path, GENERIC_READ, OPEN_EXISTING,
		     FILE_FLAG_SEQUENTIAL_SCAN)) < 0)
		return error;
	*out = gsym_malloc(sizeof(**out));
	(*out)->h = h;
	(*out)->path = gsym_strdup(path);
	return 0;
}

ptrdiff_t gsym_platform_reader_read(gsym_reader *r, void *buf, size_t len)
{
	DWORD n;

	if (!ReadFile(r->h, buf, len > 0x40000000 ? 0x40000000 : (DWORD)len, &n,
		    NULL))
		return last_error("read", r->path);
	return (ptrdiff_t)n;
}

int gsym_platform_reader_seek_end(gsym_reader *r, size_t back)
{
	LARGE_INTEGER to;

	to.QuadPart = -(LONGLONG)back;
	if (!SetFilePointerEx(r->h, to, NULL, FILE_END))
		return last_error("seek in", r->path);
	return 0;
}

void gsym_platform_reader_close(gsym_reader *r)
{
	if (!r)
		return;
	CloseHandle(r->h);
	free(r->path);
	free(r);
}

int gsym_platform_read_file(gsym_buf *out, const char *path, size_t max)
{
	wchar_t *w = wide(path);
	LARGE_INTEGER size;
	size_t total = 0;
	HANDLE h;
	DWORD n;
	int error = 0;

	if (!w)
		return GSYM_ERROR;
	h = CreateFileW(w, GENERIC_READ,
		FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
		OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return last_error("open", path);
	/* straight into the buffer, sized once from the file's size */
	if (GetFileSizeEx(h, &size) && size.QuadPart > 0 &&
		(uint64_t)size.QuadPart <= max)
		gsym_buf_grow(out, (size_t)size.QuadPart + 1);
	for (;;) {
		size_t room;

		gsym_buf_grow(out, 4096);
		room = out->asize - out->size - 1;
		if (!ReadFile(h, out->ptr + out->size,
			    room > 0x40000000 ? 0x40000000 : (DWORD)room, &n,
			    NULL) ||
			n == 0)
			break;
		if ((total += n) > max) {
			error = gsym_error_setc(GSYM_ELIMIT,
				"'%s' is larger than %zu bytes", path, max);
			break;
		}
		out->size += n;
	}
	if (out->ptr)
		out->ptr[out->size] = '\0';
	CloseHandle(h);
	return error;
}

/*
 * Read, not mapped: Windows refuses to replace a file while a view of it
 * is mapped, and the index is replaced by a rename while we look at it.
 */
int gsym_platform_map(gsym_map *out, const char *path)
{
	gsym_buf b = GSYM_BUF_INIT;
	int error = gsym_platform_read_file(&b, path, (size_t)-1);

	memset(out, 0, sizeof(*out));
	if (error < 0) {
		gsym_buf_dispose(&b);
		return error;
	}
	out->size = b.size;
	out->data = (const unsigned char *)gsym_buf_detach(&b);
	return 0;
}

void gsym_platform_unmap(gsym_map *map)
{
	free((void *)map->data);
	memset(map, 0, sizeof(*map));
}

int gsym_platform_mkdir(const char *path)
{
	wchar_t *w = wide(path);
	int error = 0;

	if (!w)
		return GSYM_ERROR;
	if (!CreateDirectoryW(w, NULL))
		error = last_error("create directory", path);
	free(w);
	return error;
}

int gsym_platform_rename(const char *from, const char *to)
{
	wchar_t *wf = wide(from), *wt = wide(to);
	unsigned int n = 0;
	int error = 0;

	if (!wf || !wt)
		error = GSYM_ERROR;
	else
		while (!MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING))
			if (!again(&n)) {
				error = last_error("rename to", to);
				break;
			}
	free(wf);
	free(wt);
	return error;
}

int gsym_platform_remove(const char *path)
{
	wchar_t *w = wide(path);
	DWORD attr;
	unsigned int n = 0;
	int error = 0;

	if (!w)
		return GSYM_ERROR;
	attr = GetFileAttributesW(w);
	if (attr == INVALID_FILE_ATTRIBUTES) {
		error = last_error("remove", path);
	} else {
		if (attr & FILE_ATTRIBUTE_READONLY)
			SetFileAttributesW(w, attr & ~FILE_ATTRIBUTE_READONLY);
		/*
		 * A directory, a directory link and a junction go with
		 * RemoveDirectoryW, which removes the link itself and never
		 * what it points to; everything else with DeleteFileW.
		 */
		while (!((attr & FILE_ATTRIBUTE_DIRECTORY) ?
				RemoveDirectoryW(w) :
				DeleteFileW(w)))
			if (!again(&n)) {
				error = last_error("remove", path);
				break;
			}
	}
	free(w);
	return error;
}

int gsym_platform_readdir(const char *path,
	int (*cb)(const char *name, void *payload), void *payload)
{
	gsym_buf pattern = GSYM_BUF_INIT, name = GSYM_BUF_INIT;
	WIN32_FIND_DATAW fd;
	wchar_t *w;
	HANDLE h;
	int error = 0;

	gsym_buf_printf(&pattern, "%s/*", path);
	w = wide(pattern.ptr);
	gsym_buf_dispose(&pattern);
	if (!w)
		return GSYM_ERROR;
	h = FindFirstFileW(w, &fd);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return GetLastError() == ERROR_FILE_NOT_FOUND ?
			0 :
			last_error("open directory", path);
	do {
		if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
			continue;
		gsym_buf_clear(&name);
		if (gsym_win32_to_utf8(&name, (const uint16_t *)fd.cFileName,
			    wcslen(fd.cFileName)) < 0)
			continue;
		if ((error = cb(name.ptr, payload)) != 0)
			break;
	} while (FindNextFileW(h, &fd));
	FindClose(h);
	gsym_buf_dispose(&name);
	return error;
}

int gsym_platform_set_mtime(const char *path, int64_t sec, uint32_t nsec)
{
	wchar_t *w = wide(path);
	uint64_t t = gsym_win32_to_filetime(sec) + nsec / 100;
	FILETIME ft;
	HANDLE h;
	int error = 0;

	if (!w)
		return GSYM_ERROR;
	ft.dwLowDateTime = (DWORD)t;
	ft.dwHighDateTime = (DWORD)(t >> 32);
	h = open_reparse((uint16_t *)w, FILE_WRITE_ATTRIBUTES);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return last_error("set the time of", path);
	if (!SetFileTime(h, NULL, &ft, &ft))
		error = last_error("set the time of", path);
	CloseHandle(h);
	return error;
}

int gsym_platform_lock(const char *path, const char *content)
{
	int error = gsym_platform_write_new(path, content ? content : "",
		content ? strlen(content) : 0);

	if (error == GSYM_EEXISTS)
		return gsym_error_setc(GSYM_ELOCKED,
			"unable to lock '%s': file exists; another git process "
			"seems to be running, or remove it if it was left by a "
			"crash",
			path);
	return error;
}

long gsym_platform_pid(void)
{
	return (long)GetCurrentProcessId();
}

bool gsym_platform_process_alive(long pid)
{
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
		(DWORD)pid);
	DWORD code = 0;
	bool alive;

	if (!h)
		return GetLastError() == ERROR_ACCESS_DENIED;
	alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
	CloseHandle(h);
	return alive;
}

int64_t gsym_platform_now(void)
{
	return (int64_t)time(NULL);
}

int gsym_platform_chdir(const char *path)
{
	uint16_t *w = NULL;
	int error = 0;

	if (gsym_win32_to_utf16(&w, path, false) < 0)
		return GSYM_ERROR;
	if (!SetCurrentDirectoryW((LPCWSTR)w))
		error = last_error("change to directory", path);
	free(w);
	return error;
}

int gsym_platform_realpath(gsym_buf *out, const char *path)
{
	uint16_t *w = NULL;
	wchar_t full[32768];
	DWORD n;
	size_t start = out->size, i;

	if (gsym_win32_to_utf16(&w, path, false) < 0)
		return GSYM_ERROR;
	n = GetFullPathNameW((LPCWSTR)w, 32768, full, NULL);
	free(w);
	if (!n || n >= 32768)
		return last_error("resolve", path);
	if (gsym_win32_to_utf8(out, (const uint16_t *)full, n) < 0)
		return gsym_error_set("could not resolve '%s'", path);
	for (i = start; i < out->size; i++)
		if (out->ptr[i] == '\\')
			out->ptr[i] = '/';
	return 0;
}

bool gsym_platform_same_path(const char *a, const char *b, size_t len)
{
	return !_strnicmp(a, b, len);
}

int gsym_platform_setenv(const char *name, const char *value)
{
	if (_putenv_s(name, value ? value : "") != 0)
		return gsym_error_set("could not set '%s'", name);
	return 0;
}

int gsym_platform_self_path(gsym_buf *out)
{
	wchar_t path[32768];
	DWORD n = GetModuleFileNameW(NULL, path, 32768);
	size_t start = out->size, i;

	if (!n || n >= 32768)
		return last_error("find", "the program's own path");
	if (gsym_win32_to_utf8(out, (const uint16_t *)path, n) < 0)
		return gsym_error_set("the program's path is not valid UTF-16");
	for (i = start; i < out->size; i++)
		if (out->ptr[i] == '\\')
			out->ptr[i] = '/';
	return 0;
}

int gsym_platform_make_executable(const char *path)
{
	(void)path; /* Git for Windows runs any hook file through its sh */
	return 0;
}

unsigned int gsym_platform_cpus(void)
{
	SYSTEM_INFO info;

	GetSystemInfo(&info);
	return info.dwNumberOfProcessors ? info.dwNumberOfProcessors : 1;
}

void gsym_platform_heap_reserve(size_t bytes)
{
	(void)bytes; /* not measured on Windows: nothing done */
}

struct gsym_thread {
	HANDLE handle;
	void (*fn)(void *arg);
	void *arg;
};

static DWORD WINAPI thread_main(LPVOID payload)
{
	gsym_thread *t = payload;

	t->fn(t->arg);
	return 0;
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
	if (!(t->handle = CreateThread(NULL, 0, thread_main, t, 0, NULL))) {
		free(t);
		return last_error("start a thread", "");
	}
	*out = t;
	return 0;
}

void gsym_platform_thread_join(gsym_thread *thread)
{
	WaitForSingleObject(thread->handle, INFINITE);
	CloseHandle(thread->handle);
	free(thread);
}

struct gsym_mutex {
	SRWLOCK lock;
};

gsym_mutex *gsym_platform_mutex_new(void)
{
	gsym_mutex *m = gsym_malloc(sizeof(*m));

	InitializeSRWLock(&m->lock);
	return m;
}

void gsym_platform_mutex_lock(gsym_mutex *m)
{
	AcquireSRWLockExclusive(&m->lock);
}

void gsym_platform_mutex_unlock(gsym_mutex *m)
{
	ReleaseSRWLockExclusive(&m->lock);
}

void gsym_platform_mutex_free(gsym_mutex *m)
{
	free(m);
}
