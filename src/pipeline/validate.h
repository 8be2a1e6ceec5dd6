/*
 * Validation of link entries from untrusted repositories: entry paths the
 * way git's verify_path() sees them, and target texts. Pure functions.
 */
#ifndef INCLUDE_pipeline_validate_h__
#define INCLUDE_pipeline_validate_h__

#include "util/common.h"
#include "util/buf.h"

typedef enum {
	/* apply Windows' rules too (reserved names, ADS, ...) */
	GSYM_VALIDATE_WINDOWS = (1 << 0),
	/* any entry's path, not a link's: a file may be .gitmodules */
	GSYM_VALIDATE_ANY_ENTRY = (1 << 1)
} gsym_validate_flags;

/* Ways a target text can point away from the tree without '..'. */
typedef enum {
	GSYM_TARGET_RELATIVE = 0,
	GSYM_TARGET_ABSOLUTE, /* /x, \x, C:\x, C:x */
	GSYM_TARGET_UNC, /* \\host\share, //host/share */
	GSYM_TARGET_NT /* \??\, \\?\, \\.\, \Device\ */
} gsym_target_form;

/*
 * Check an index path. Returns NULL when it is acceptable for a link
 * entry, else a short static reason.
 */
const char *gsym_validate_path(const char *path, unsigned int flags);

/* Check a target text of `len` bytes; NULL or a static reason. */
const char *gsym_validate_target(const char *target, size_t len,
	unsigned int flags);

/* Classify a target text (never touches the disk). */
gsym_target_form gsym_target_form_of(const char *target, size_t len);

/* True when one path component names a git directory on some platform. */
bool gsym_is_dotgit(const char *comp, size_t len);

/* True when a path component is `.gitmodules` on some platform. */
bool gsym_is_dotgitmodules(const char *comp, size_t len);

/* How a file system compares names (gsym_fold_name). */
typedef enum {
	/* case-insensitive: core.ignorecase (NTFS, exFAT, FAT, APFS) */
	GSYM_FOLD_CASE = (1 << 0),
	/*
	 * normalization-insensitive too (macOS: core.precomposeunicode),
	 * ignoring the code points HFS+ ignores
	 */
	GSYM_FOLD_NFD = (1 << 1)
} gsym_fold_flags;

/*
 * Append to `out` the name a file system comparing names by `flags`
 * sees for the `len` bytes of `name`: Unicode simple case folding (a
 * superset of what NTFS's and exFAT's upcase tables make equal), and with
 * GSYM_FOLD_NFD the canonical decomposition. Bytes that are not UTF-8
 * are kept as they are. Two names are one file there when these are
 * equal.
 */
void gsym_fold_name(gsym_buf *out, const char *name, size_t len,
	unsigned int flags);

/*
 * True when the paths `a` and `b` differ but name the same file on a
 * file system comparing names by `flags`.
 */
bool gsym_names_collide(const char *a, const char *b, unsigned int flags);

/*
 * Which link entries collide with another index entry: the link's path,
 * or one of its parents, names the same file as another entry's path or
 * parent, differently spelt. Add every link entry to check, then every
 * index entry (links too), then ask for each link.
 */
typedef struct gsym_collisions gsym_collisions;

/* A new, empty table folding names by `flags` (gsym_fold_flags). */
gsym_collisions *gsym_collisions_new(unsigned int flags);

/* Add a link entry's path (and its parents) to check. */
void gsym_collisions_add_link(gsym_collisions *c, const char *path);

/* Compare an index entry's path (and its parents) with the links'. */
void gsym_collisions_add_entry(gsym_collisions *c, const char *path);

/*
 * The path of an index entry colliding with the link `path` (added
 * before), or NULL; owned by the table.
 */
const char *gsym_collisions_find(const gsym_collisions *c, const char *path);

/* Free the table. */
void gsym_collisions_free(gsym_collisions *c);

#endif
