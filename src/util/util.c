#include "util/util.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

void gsym_path_join(gsym_buf *out, const char *a, const char *b)
{
	gsym_buf_puts(out, a);
	if (*a && a[strlen(a) - 1] != '/' && *b)
		gsym_buf_putc(out, '/');
	gsym_buf_puts(out, b);
}

size_t gsym_path_dirlen(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

void gsym_tmp_name(gsym_buf *out, const char *abs, const char *what)
{
	size_t dl = gsym_path_dirlen(abs);

	gsym_buf_clear(out);
	gsym_buf_put(out, abs, dl);
	gsym_buf_puts(out, "/.");
	gsym_buf_puts(out, abs + dl + 1);
	gsym_buf_puts(out, GSYM_TMP_TAG);
	gsym_buf_puts(out, what);
}

bool gsym_is_tmp_name(const char *name)
{
	static const char *const whats[] = { GSYM_TMP_TAG "new",
		GSYM_TMP_TAG "old" };
	size_t n = strlen(name), i;

	for (i = 0; name[0] == '.' && i < GSYM_ARRAY_SIZE(whats); i++) {
		size_t w = strlen(whats[i]);

		if (n > w + 1 && !strcmp(name + n - w, whats[i]))
			return true;
	}
	return false;
}

static bool is_sep(char c)
{
	return c == '/' || c == '\\';
}

bool gsym_target_is_absolute(const char *t, size_t len)
{
	if (len == 0)
		return false;
	if (is_sep(t[0]))
		return true; /* /abs, \abs, //unc, \\unc, \??\, \\?\ */
	if (len >= 2 && t[1] == ':' &&
		((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z')))
		return true; /* C:, C:\, C:rel (drive-relative) */
	return false;
}

void gsym_quote_path(gsym_buf *out, const char *str, bool high)
{
	const unsigned char *p;
	bool need = false;

	for (p = (const unsigned char *)str; *p; p++)
		if (*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f ||
			(high && *p > 0x7f))
			need = true;
	if (!need) {
		gsym_buf_puts(out, str);
		return;
	}
	gsym_buf_putc(out, '"');
	for (p = (const unsigned char *)str; *p; p++) {
		switch (*p) {
		case '"': gsym_buf_puts(out, "\\\""); break;
		case '\\': gsym_buf_puts(out, "\\\\"); break;
		case '\n': gsym_buf_puts(out, "\\n"); break;
		case '\t': gsym_buf_puts(out, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f || (high && *p > 0x7f))
				gsym_buf_printf(out, "\\%03o", *p);
			else
				gsym_buf_putc(out, (char)*p);
		}
	}
	gsym_buf_putc(out, '"');
}

void gsym_json_string(gsym_buf *out, const char *data, size_t len)
{
	size_t i;

	gsym_buf_putc(out, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == '"' || c == '\\') {
			gsym_buf_putc(out, '\\');
			gsym_buf_putc(out, (char)c);
		} else if (c == '\n') {
			gsym_buf_puts(out, "\\n");
		} else if (c == '\t') {
			gsym_buf_puts(out, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			gsym_buf_printf(out, "\\u%04x", c);
		} else {
			gsym_buf_putc(out, (char)c);
		}
	}
	gsym_buf_putc(out, '"');
}

void gsym_hex(gsym_buf *out, const unsigned char *raw, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		gsym_buf_putc(out, digits[raw[i] >> 4]);
		gsym_buf_putc(out, digits[raw[i] & 15]);
	}
}

/* Each hex digit's value plus one; 0 for a byte that is none. */
static const signed char hex_digits[256] = { ['0'] = 1,
	['1'] = 2,
	['2'] = 3,
	['3'] = 4,
	['4'] = 5,
	['5'] = 6,
	['6'] = 7,
	['7'] = 8,
	['8'] = 9,
	['9'] = 10,
	['a'] = 11,
	['b'] = 12,
	['c'] = 13,
	['d'] = 14,
	['e'] = 15,
	['f'] = 16,
	['A'] = 11,
	['B'] = 12,
	['C'] = 13,
	['D'] = 14,
	['E'] = 15,
	['F'] = 16 };

int gsym_unhex(unsigned char *out, const char *hex, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		/* stored plus one: 0 marks a byte that is no digit */
		int hi = hex_digits[(unsigned char)hex[2 * i]], lo;

		if (!hi || !(lo = hex_digits[(unsigned char)hex[2 * i + 1]]))
			return -1;
		out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return 0;
}

/* Fold "a/./b" and "a/x/../b" the way git's prefix_path() does. */
int gsym_path_normalize(gsym_buf *out, const char *in)
{
	const char *p = in;

	gsym_buf_clear(out);
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (!out->size)
				return gsym_error_set("'%s' is outside the "
						      "repository",
					in);
			gsym_buf_truncate(out, gsym_path_dirlen(out->ptr));
		} else if (len && !(len == 1 && p[0] == '.')) {
			if (out->size)
				gsym_buf_putc(out, '/');
			gsym_buf_put(out, p, len);
		}
		p += len;
		while (*p == '/')
			p++;
	}
	return 0;
}
