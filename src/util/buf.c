#include "util/buf.h"
#include "util/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gsym_buf_grow(gsym_buf *buf, size_t n)
{
	size_t want = buf->size + n + 1;

	if (want <= buf->asize)
		return;
	if (want < buf->asize * 2)
		want = buf->asize * 2;
	if (want < 64)
		want = 64;
	buf->ptr = gsym_reallocarray(buf->ptr, want, 1);
	buf->asize = want;
}

void gsym_buf_put(gsym_buf *buf, const char *data, size_t len)
{
	gsym_buf_grow(buf, len);
	if (len)
		memmove(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
}

void gsym_buf_puts(gsym_buf *buf, const char *str)
{
	gsym_buf_put(buf, str, strlen(str));
}

void gsym_buf_putc(gsym_buf *buf, char c)
{
	gsym_buf_put(buf, &c, 1);
}

void gsym_buf_vprintf(gsym_buf *buf, const char *fmt, va_list ap)
{
	va_list again;
	size_t room;
	int n;

	/* formatted once where it fits (the usual case), else again */
	gsym_buf_grow(buf, 63);
	room = buf->asize - buf->size;
	va_copy(again, ap);
	n = vsnprintf(buf->ptr + buf->size, room, fmt, ap);
	assert(n >= 0);
	if ((size_t)n >= room) {
		gsym_buf_grow(buf, (size_t)n);
		vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	buf->size += (size_t)n;
}

void gsym_buf_printf(gsym_buf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gsym_buf_vprintf(buf, fmt, ap);
	va_end(ap);
}

void gsym_buf_sets(gsym_buf *buf, const char *str)
{
	gsym_buf_clear(buf);
	gsym_buf_puts(buf, str);
}

void gsym_buf_clear(gsym_buf *buf)
{
	gsym_buf_truncate(buf, 0);
}

void gsym_buf_truncate(gsym_buf *buf, size_t len)
{
	if (!buf->ptr)
		return;
	assert(len <= buf->size);
	buf->size = len;
	buf->ptr[len] = '\0';
}

char *gsym_buf_detach(gsym_buf *buf)
{
	char *p = buf->ptr;

	if (!p) {
		p = gsym_malloc(1);
		*p = '\0';
	}
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
	return p;
}

void gsym_buf_dispose(gsym_buf *buf)
{
	free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
}

const char *gsym_buf_cstr(const gsym_buf *buf)
{
	return buf->ptr ? buf->ptr : "";
}
