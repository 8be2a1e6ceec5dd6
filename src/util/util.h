/*
 * Small string and path helpers shared by the modules.
 */
#ifndef INCLUDE_util_util_h__
#define INCLUDE_util_util_h__

#include "util/buf.h"

/* Append `a` + '/' + `b` to `out` (no '/' when `a` is empty). */
void gsym_path_join(gsym_buf *out, const char *a, const char *b);

/* Length of the directory part of `path` ("a/b" -> 1, "a" -> 0). */
size_t gsym_path_dirlen(const char *path);

/*
 * Our temporary names, never tracked: "<dir>/.<base>.gsym-<what>" beside
 * the absolute `abs` (what: "new", being made; "old", being replaced).
 */
#define GSYM_TMP_TAG ".gsym-"
void gsym_tmp_name(gsym_buf *out, const char *abs, const char *what);

/* Is the file name `name` one of gsym_tmp_name's ("new" or "old")? */
bool gsym_is_tmp_name(const char *name);

/*
 * Fold "a/./b" and "a/x/../b" as git's prefix_path() does, into `out`;
 * fails (message set) when ".." leaves the top.
 */
int gsym_path_normalize(gsym_buf *out, const char *in);

/* True when `target` is absolute on any platform git runs on. */
bool gsym_target_is_absolute(const char *target, size_t len);

/*
 * Append `str` quoted the way git quotes paths, only when needed; with
 * `high`, bytes over 0x7f are quoted too (git's core.quotePath).
 */
void gsym_quote_path(gsym_buf *out, const char *str, bool high);

/* Append `data` as a JSON string, quotes included. */
void gsym_json_string(gsym_buf *out, const char *data, size_t len);

/* Append the 40-hex form of a 20-byte hash. */
void gsym_hex(gsym_buf *out, const unsigned char *raw, size_t len);

/* Parse a 40-hex string into 20 bytes; 0 on success. */
int gsym_unhex(unsigned char *out, const char *hex, size_t len);

#endif
