#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* per thread: gsym_parallel runs platform calls on several */
static _Thread_local char message[GSYM_ERROR_MAX];

static void vset(const char *fmt, va_list ap)
{
	char next[GSYM_ERROR_MAX];

	/* formatted apart first: an argument may be the message itself */
	vsnprintf(next, sizeof(next), fmt, ap);
	memcpy(message, next, sizeof(message));
}

int gsym_error_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(fmt, ap);
	va_end(ap);
	return GSYM_ERROR;
}

int gsym_error_setc(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(fmt, ap);
	va_end(ap);
	return code;
}

int gsym_error_wrap(int code, const char *fmt, ...)
{
	char cause[GSYM_ERROR_MAX], what[GSYM_ERROR_MAX];
	va_list ap;

	/* copied first: the arguments may point into the message */
	snprintf(cause, sizeof(cause), "%s", gsym_error_last());
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* cut at the end when too long: what failed stays in front */
	if (snprintf(message, sizeof(message), "%s: %s", what, cause) < 0)
		message[0] = '\0';
	return code;
}

const char *gsym_error_last(void)
{
	return message[0] ? message : "unknown error";
}

void gsym_error_clear(void)
{
	message[0] = '\0';
}

void gsym_error_save(gsym_error_saved *out)
{
	memcpy(out->text, message, sizeof(message));
}

int gsym_error_restore(const gsym_error_saved *saved, int code)
{
	memcpy(message, saved->text, sizeof(message));
	return code;
}

#define GSYM_PREFIX "git-symlinks: "

void gsym_error_print(void)
{
	fprintf(stderr, GSYM_PREFIX "%s\n", gsym_error_last());
}

void gsym_warn(const char *fmt, ...)
{
	va_list ap;

	fputs(GSYM_PREFIX, stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
