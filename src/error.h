/*
 * The last error message, set once where the error is born.
 */
#ifndef INCLUDE_error_h__
#define INCLUDE_error_h__

#include "common.h"

/* Set the message (printf-style); returns GSYM_ERROR for tail calls. */
int gsym_error_set(const char *fmt, ...) GSYM_PRINTF(1, 2);

/* Set the message and return `code` unchanged. */
int gsym_error_setc(int code, const char *fmt, ...) GSYM_PRINTF(2, 3);

/* Return the last message, or a generic one when none was set. */
const char *gsym_error_last(void);

/* Forget the last message. */
void gsym_error_clear(void);

#endif
