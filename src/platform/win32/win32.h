/*
 * The Win32 backend's decisions, kept apart from the Win32 calls so they
 * build and are unit-tested on any platform: UTF-8/UTF-16 paths, the one
 * GetLastError() translation, link creation with its retries and its
 * check, junction reparse buffers, reading reparse points, and the
 * FILETIME conversion Git for Windows' lstat() uses. fs.c (Windows only)
 * passes the real calls in a gsym_win32_ops; tests pass a fake.
 */
#ifndef INCLUDE_platform_win32_win32_h__
#define INCLUDE_platform_win32_win32_h__

#include "util/common.h"
#include "util/buf.h"
#include "platform/platform.h"

/* Win32 values, by number, so this header needs no <windows.h>. */
#define GSYM_W32_ERROR_FILE_NOT_FOUND 2
#define GSYM_W32_ERROR_PATH_NOT_FOUND 3
#define GSYM_W32_ERROR_ACCESS_DENIED 5
#define GSYM_W32_ERROR_NOT_SAME_DEVICE 17
#define GSYM_W32_ERROR_SHARING_VIOLATION 32
#define GSYM_W32_ERROR_LOCK_VIOLATION 33
#define GSYM_W32_ERROR_NOT_SUPPORTED 50
#define GSYM_W32_ERROR_FILE_EXISTS 80
#define GSYM_W32_ERROR_INVALID_PARAMETER 87
#define GSYM_W32_ERROR_INVALID_NAME 123
#define GSYM_W32_ERROR_DIR_NOT_EMPTY 145
#define GSYM_W32_ERROR_ALREADY_EXISTS 183
#define GSYM_W32_ERROR_FILENAME_EXCED_RANGE 206
#define GSYM_W32_ERROR_DIRECTORY 267
#define GSYM_W32_ERROR_INVALID_FUNCTION 1
#define GSYM_W32_ERROR_NOT_A_REPARSE_POINT 4390
#define GSYM_W32_ERROR_PRIVILEGE_NOT_HELD 1314
#define GSYM_W32_ERROR_CANT_ACCESS_FILE 1920

#define GSYM_W32_SYMBOLIC_LINK_FLAG_DIRECTORY 0x1
#define GSYM_W32_SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE 0x2
#define GSYM_W32_IO_REPARSE_TAG_SYMLINK 0xA000000CU
#define GSYM_W32_IO_REPARSE_TAG_MOUNT_POINT 0xA0000003U
#define GSYM_W32_SYMLINK_FLAG_RELATIVE 0x1
#define GSYM_W32_MAX_REPARSE 16384

/* Git for Windows' lstat() reports a symlink's size as MAX_LONG_PATH. */
#define GSYM_W32_GFW_LINK_SIZE 4096

/* The Win32 calls the decisions need; each returns nonzero on success. */
typedef struct {
	int (*create_symlink)(const uint16_t *link, const uint16_t *target,
		uint32_t flags);
	int (*create_directory)(const uint16_t *path);
	int (*remove_directory)(const uint16_t *path);
	int (*delete_file)(const uint16_t *path);
	/* FSCTL_GET_REPARSE_POINT on the path itself: the raw buffer */
	int (*get_reparse)(const uint16_t *path, unsigned char *buf,
		size_t size, size_t *len);
	/* FSCTL_SET_REPARSE_POINT on a directory */
	int (*set_reparse)(const uint16_t *path, const unsigned char *buf,
		size_t len);
	uint32_t (*last_error)(void);
} gsym_win32_ops;

/*
 * The one place a GetLastError() value becomes a gsym_error_code and a
 * message: "could not <what> '<path>': <why>".
 */
int gsym_win32_translate(uint32_t err, const char *what, const char *path);

/*
 * How long to wait before try `attempt` (0, 1, ...) after the error
 * `err`, in milliseconds; -1 when not to try again. A file held open by
 * another program (a sharing or lock violation: a virus scanner, an
 * indexer) is tried a few more times, as Git for Windows does.
 */
int gsym_win32_retry_delay(uint32_t err, unsigned int attempt);

/*
 * UTF-8 (strict) to NUL-terminated UTF-16 in `out` (freed by the caller),
 * '/' turned into '\'. With `long_path`, an absolute path gets the
 * "\\?\" (or "\\?\UNC\") prefix so it may exceed MAX_PATH. Returns the
 * length in UTF-16 units, or a negative code for invalid UTF-8.
 */
int gsym_win32_to_utf16(uint16_t **out, const char *utf8, bool long_path);

/* UTF-16 (`len` units) to UTF-8 appended to `out`; -1 when invalid. */
int gsym_win32_to_utf8(gsym_buf *out, const uint16_t *w, size_t len);

/*
 * Create a symbolic link at `path` (absolute, UTF-8) holding `target`
 * written with '\' separators (relative stays relative): the directory
 * flag for `kind` DIR, the unprivileged flag unless this Windows refused
 * it before (ERROR_INVALID_PARAMETER: retried without, and remembered in
 * `*no_unprivileged`). The link is read back: one that did not appear,
 * or holds another text, is removed and reported GSYM_EUNSUPPORTED.
 */
int gsym_win32_symlink(const gsym_win32_ops *ops, bool *no_unprivileged,
	const char *target, const char *path, gsym_link_kind kind);

/*
 * Create a junction at `path` to the absolute directory `abs_target`
 * (both UTF-8): an empty directory given an IO_REPARSE_TAG_MOUNT_POINT
 * reparse point; removed again if that fails.
 */
int gsym_win32_junction(const gsym_win32_ops *ops, const char *abs_target,
	const char *path);

/*
 * Build the mount-point reparse buffer for `abs_target` (UTF-16, no
 * prefix): substitute name "\??\<target>", print name "<target>".
 * Returns its size, or 0 when it does not fit in `size` bytes.
 */
size_t gsym_win32_mount_point_buffer(unsigned char *buf, size_t size,
	const uint16_t *abs_target, size_t len);

/*
 * Read a reparse buffer: its tag, and for a symlink or a mount point the
 * target in git's form (UTF-8, '/' separators, "\??\" stripped).
 */
int gsym_win32_parse_reparse(uint32_t *tag, gsym_buf *target,
	const unsigned char *buf, size_t len);

/* FILETIME (100 ns since 1601) to Unix seconds and nanoseconds. */
void gsym_win32_filetime(int64_t *sec, uint32_t *nsec, uint64_t filetime);

/* Unix seconds to FILETIME. */
uint64_t gsym_win32_to_filetime(int64_t sec);

#endif
