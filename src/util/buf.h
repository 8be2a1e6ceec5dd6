/*
 * A growable, always NUL-terminated byte buffer.
 */
#ifndef INCLUDE_util_buf_h__
#define INCLUDE_util_buf_h__

#include "util/common.h"

#include <stdarg.h>

typedef struct {
	char *ptr;
	size_t size;
	size_t asize;
} gsym_buf;

#define GSYM_BUF_INIT      \
	{                  \
		NULL, 0, 0 \
	}

/* Make room for at least `n` more bytes; aborts on out-of-memory. */
void gsym_buf_grow(gsym_buf *buf, size_t n);

/* Append `len` bytes of `data`. */
void gsym_buf_put(gsym_buf *buf, const char *data, size_t len);

/* Append a NUL-terminated string. */
void gsym_buf_puts(gsym_buf *buf, const char *str);

/* Append one byte. */
void gsym_buf_putc(gsym_buf *buf, char c);

/* Append printf-style formatted text. */
void gsym_buf_printf(gsym_buf *buf, const char *fmt, ...) GSYM_PRINTF(2, 3);

/* The same, from a va_list. */
void gsym_buf_vprintf(gsym_buf *buf, const char *fmt, va_list ap)
	GSYM_PRINTF(2, 0);

/* Replace the contents with `str`. */
void gsym_buf_sets(gsym_buf *buf, const char *str);

/* Empty the buffer, keeping its memory. */
void gsym_buf_clear(gsym_buf *buf);

/* Shorten the buffer to `len` bytes. */
void gsym_buf_truncate(gsym_buf *buf, size_t len);

/* Hand the string to the caller (who frees it) and reset the buffer. */
char *gsym_buf_detach(gsym_buf *buf);

/* Release the buffer's memory. */
void gsym_buf_dispose(gsym_buf *buf);

/* Return the buffer's string, "" when nothing was ever written. */
const char *gsym_buf_cstr(const gsym_buf *buf);

#endif
