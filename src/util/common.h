/*
 * Shared definitions: error codes and small helpers every module uses.
 */
#ifndef INCLUDE_util_common_h__
#define INCLUDE_util_common_h__

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/*
 * Return codes. 0 is success; the named negative codes are the failures
 * callers act on; everything else is GSYM_ERROR with a message set.
 */
typedef enum {
	GSYM_PARTIAL = 1, /* done, but some entries were left alone (listed) */
	GSYM_OK = 0,
	GSYM_ERROR = -1,
	GSYM_ENOTFOUND = -3,
	GSYM_EEXISTS = -4,
	GSYM_EPRIVILEGE = -5,
	GSYM_EUNSUPPORTED = -6,
	GSYM_ELOCKED = -7,
	GSYM_ENOTDIR = -8,
	GSYM_EUNSAFE = -9,
	GSYM_ELIMIT = -10,
	GSYM_EACCESS = -11 /* permission denied, or in use: this path only */
} gsym_error_code;

/*
 * printf-style checking; mingw-w64 builds use its C99 stdio
 * (__USE_MINGW_ANSI_STDIO), so the GNU rules apply there too.
 */
#if defined(__MINGW32__)
#define GSYM_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#else
#define GSYM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif

/* Most links a target may pass through before it is called unknown. */
#define GSYM_MAX_LINK_DEPTH 40

/* Longest target text accepted (PATH_MAX on Linux, 32767 UTF-16 on NT). */
#define GSYM_MAX_TARGET 4095

#define GSYM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A compile-time check (C99 has no _Static_assert): fails to compile. */
#define GSYM_STATIC_ASSERT(name, cond) \
	typedef char gsym_static_assert_##name[(cond) ? 1 : -1]

#endif
