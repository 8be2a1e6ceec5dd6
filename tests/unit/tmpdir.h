/*
 * A real temporary directory for tests that read and write files through
 * the real platform layer (posix, or win32 under Wine).
 */
#ifndef INCLUDE_tests_unit_tmpdir_h__
#define INCLUDE_tests_unit_tmpdir_h__

#include "util/buf.h"

/*
 * Create an empty directory `<cwd>/<name>-<pid>/` (the test's working
 * directory is the build tree) and set `out` to its absolute path, with a
 * final '/'. Anything left there by an earlier run is removed first.
 */
void tmpdir_make(gsym_buf *out, const char *name);

/* Remove the directory `dir` and all it holds (links are not followed). */
void tmpdir_remove(const char *dir);

/* Write `content` to the file `path`, replacing it. */
void tmpdir_write(const char *path, const char *content);

/* The content of the file `path` into `out` ("" when missing). */
const char *tmpdir_read(gsym_buf *out, const char *path);

#endif
