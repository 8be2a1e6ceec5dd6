/*
 * An in-memory file system implementing platform.h, with injectable
 * failures, for testing apply's decisions on errors no real system here
 * produces on demand. Link it instead of src/platform/<os>/.
 */
#ifndef INCLUDE_tests_unit_fake_platform_h__
#define INCLUDE_tests_unit_fake_platform_h__

#include "platform/platform.h"

/* The facts of a POSIX platform, for tables. */
#define FAKE_POSIX_INFO(name_, fallback_)                        \
	{                                                        \
		.name = (name_), .default_fallback = (fallback_) \
	}

/* The facts of Windows: junctions, and outside links a risk. */
#define FAKE_WIN32_INFO(name_, fallback_)                           \
	{                                                           \
		.name = (name_), .default_fallback = (fallback_),   \
		.outside_links_risky = true, .has_junctions = true, \
		.junction_is_dir_to_git = true                      \
	}

typedef enum {
	FAKE_SYMLINK = 0,
	FAKE_JUNCTION,
	FAKE_HARDLINK,
	FAKE_COPY_FILE,
	FAKE_MKDIR,
	FAKE_RENAME,
	FAKE_WRITE,
	FAKE__COUNT
} fake_op;

/* Forget every file, injected failure, count and the last error. */
void fake_fs_reset(void);

/* Make the platform look like Windows (junctions) or POSIX. */
void fake_fs_windows(bool windows);

/* What gsym_platform_link_facts() reports (reset: all unknown). */
void fake_fs_link_facts(const gsym_link_facts *facts);

/* Fail call number `nth` (1-based; 0: every call) of `op` with `code`. */
void fake_fs_fail(fake_op op, int code, int nth);

/* Number of calls made to `op`. */
int fake_fs_calls(fake_op op);

/* Add a file, directory or link (parents are not created). */
void fake_fs_add(const char *path, gsym_ftype type, const char *content);

/* Type of what is at `path` (GSYM_FT_NONE when absent). */
gsym_ftype fake_fs_type(const char *path);

/* Content of a file or link text at `path`, or NULL. */
const char *fake_fs_content(const char *path);

/* The kind given to the last symlink made. */
gsym_link_kind fake_fs_last_link_kind(void);

/* True when any call so far named a path containing `part`. */
bool fake_fs_touched(const char *part);

/* Number of paths that start with `prefix`. */
int fake_fs_count(const char *prefix);

#endif
