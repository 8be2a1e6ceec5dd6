/*
 * Validation of link entries from untrusted repositories: entry paths the
 * way git's verify_path() sees them, and target texts. Pure functions.
 */
#ifndef INCLUDE_pipeline_validate_h__
#define INCLUDE_pipeline_validate_h__

#include "util/common.h"

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

#endif
