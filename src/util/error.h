/*
 * The last error message, set once where the error is born.
 */
#ifndef INCLUDE_util_error_h__
#define INCLUDE_util_error_h__

#include "util/common.h"

/* Set the message (printf-style); returns GSYM_ERROR for tail calls. */
int gsym_error_set(const char *fmt, ...) GSYM_PRINTF(1, 2);

/* Set the message and return `code` unchanged. */
int gsym_error_setc(int code, const char *fmt, ...) GSYM_PRINTF(2, 3);

/*
 * Say what failed before the cause: the message becomes "<fmt>: <the
 * last message>", and `code` is returned. The last message is copied
 * before anything is formatted, so an argument may point into it; this,
 * not gsym_error_set("...: %s", gsym_error_last()), is how a message
 * is given its context.
 */
int gsym_error_wrap(int code, const char *fmt, ...) GSYM_PRINTF(2, 3);

/* Return the last message, or a generic one when none was set. */
const char *gsym_error_last(void);

/* Forget the last message. */
void gsym_error_clear(void);

#define GSYM_ERROR_MAX 1024

/* A message kept across the cleanup after a failure (which may fail too). */
typedef struct {
	char text[GSYM_ERROR_MAX];
} gsym_error_saved;

void gsym_error_save(gsym_error_saved *out);

/* Put the saved message back (none, if none was set); returns `code`. */
int gsym_error_restore(const gsym_error_saved *saved, int code);

/*
 * The two ways the tool speaks up on stderr, each one line,
 * "git-symlinks: " and the message. gsym_error_print() says the last
 * error, the one a command ends with: src/cli/ alone calls it
 * (gsym_cli_exit). gsym_warn() is the one call for everything else, from
 * any layer: what the user should know while the command goes on (an
 * error left behind included: gsym_warn("%s", gsym_error_last())).
 */
void gsym_error_print(void);
void gsym_warn(const char *fmt, ...) GSYM_PRINTF(1, 2);

#endif
