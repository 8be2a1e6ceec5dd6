#include "platform/win32/win32.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

int gsym_win32_translate(uint32_t err, const char *what, const char *path)
{
	const char *why;
	int code;

	switch (err) {
	case GSYM_W32_ERROR_FILE_NOT_FOUND:
	case GSYM_W32_ERROR_PATH_NOT_FOUND:
		code = GSYM_ENOTFOUND;
		why = "no such file or directory";
		break;
	case GSYM_W32_ERROR_FILE_EXISTS:
	case GSYM_W32_ERROR_ALREADY_EXISTS:
	case GSYM_W32_ERROR_DIR_NOT_EMPTY:
		code = GSYM_EEXISTS;
		why = "it exists";
		break;
	case GSYM_W32_ERROR_PRIVILEGE_NOT_HELD:
		code = GSYM_EPRIVILEGE;
		why = "links need Developer Mode or an elevated prompt";
		break;
	/* this path only: never a reason to give up on links */
	case GSYM_W32_ERROR_ACCESS_DENIED:
		code = GSYM_EACCESS;
		why = "access denied (read-only, or no permission?)";
		break;
	case GSYM_W32_ERROR_SHARING_VIOLATION:
	case GSYM_W32_ERROR_LOCK_VIOLATION:
		code = GSYM_EACCESS;
		why = "in use by another program (an editor or virus "
		      "scanner?); close it and run again";
		break;
	case GSYM_W32_ERROR_NOT_SUPPORTED:
	case GSYM_W32_ERROR_INVALID_FUNCTION:
	case GSYM_W32_ERROR_NOT_SAME_DEVICE:
	case GSYM_W32_ERROR_NOT_A_REPARSE_POINT:
		code = GSYM_EUNSUPPORTED;
		why = "not supported on this file system";
		break;
	case GSYM_W32_ERROR_DIRECTORY:
		code = GSYM_ENOTDIR;
		why = "not a directory";
		break;
	case GSYM_W32_ERROR_FILENAME_EXCED_RANGE:
	case GSYM_W32_ERROR_INVALID_NAME:
		code = GSYM_ERROR;
		why = "invalid or too long a name";
		break;
	default: code = GSYM_ERROR; why = NULL;
	}
	if (why)
		return gsym_error_setc(code, "could not %s '%s': %s", what,
			path, why);
	return gsym_error_setc(code, "could not %s '%s': Windows error %u",
		what, path, (unsigned int)err);
}

int gsym_win32_retry_delay(uint32_t err, unsigned int attempt)
{
	/* what Git for Windows waits between its tries, in ms */
	static const int delays[] = { 0, 1, 10, 20, 40, 80 };

	if (err != GSYM_W32_ERROR_SHARING_VIOLATION &&
		err != GSYM_W32_ERROR_LOCK_VIOLATION)
		return -1;
	return attempt < GSYM_ARRAY_SIZE(delays) ? delays[attempt] : -1;
}

int gsym_win32_to_utf16(uint16_t **out, const char *utf8, bool long_path)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t n = strlen(utf8), i = 0, o = 0, cap;
	bool unc = (s[0] == '/' || s[0] == '\\') &&
		(s[1] == '/' || s[1] == '\\') && s[2] != '?' && s[2] != '.';
	bool drive = n >= 3 && s[1] == ':' && (s[2] == '/' || s[2] == '\\');
	bool prefixed = n >= 4 && (s[0] == '/' || s[0] == '\\') &&
		(s[1] == '/' || s[1] == '\\') && s[2] == '?';
	uint16_t *w;

	long_path = long_path && !prefixed && (drive || unc) && n >= 248;
	cap = n + 9;
	w = gsym_malloc(cap * sizeof(uint16_t));
	if (long_path) {
		const char *p = unc ? "\\\\?\\UNC\\" : "\\\\?\\";

		while (*p)
			w[o++] = (uint16_t)*p++;
		if (unc)
			i = 2; /* "\\host" becomes "\\?\UNC\host" */
	}
	while (i < n) {
		uint32_t c = s[i], extra, k;

		if (c < 0x80) {
			extra = 0;
		} else if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
			extra = 1;
			c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			extra = 2;
			c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
			extra = 3;
			c &= 0x07;
		} else {
			goto invalid;
		}
		if (i + extra >= n + (extra ? 0 : 1))
			goto invalid;
		for (k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto invalid;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		if ((extra == 2 && c < 0x800) || (extra == 3 && c < 0x10000) ||
			(c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			goto invalid; /* overlong, surrogate, out of range */
		i += extra + 1;
		if (c >= 0x10000) {
			c -= 0x10000;
			w[o++] = (uint16_t)(0xd800 | (c >> 10));
			w[o++] = (uint16_t)(0xdc00 | (c & 0x3ff));
		} else {
			w[o++] = (uint16_t)(c == '/' ? '\\' : c);
		}
	}
	w[o] = 0;
	*out = w;
	return (int)o;

invalid:
	free(w);
	*out = NULL;
	return gsym_error_setc(GSYM_ERROR, "'%s' is not valid UTF-8", utf8);
}

int gsym_win32_to_utf8(gsym_buf *out, const uint16_t *w, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint32_t c = w[i];

		if (c >= 0xd800 && c <= 0xdbff) {
			if (i + 1 >= len || w[i + 1] < 0xdc00 ||
				w[i + 1] > 0xdfff)
				return -1;
			c = 0x10000 + ((c - 0xd800) << 10) + (w[++i] - 0xdc00);
		} else if (c >= 0xdc00 && c <= 0xdfff) {
			return -1;
		}
		if (c < 0x80) {
			gsym_buf_putc(out, (char)c);
		} else if (c < 0x800) {
			gsym_buf_putc(out, (char)(0xc0 | (c >> 6)));
			gsym_buf_putc(out, (char)(0x80 | (c & 0x3f)));
		} else if (c < 0x10000) {
			gsym_buf_putc(out, (char)(0xe0 | (c >> 12)));
			gsym_buf_putc(out, (char)(0x80 | ((c >> 6) & 0x3f)));
			gsym_buf_putc(out, (char)(0x80 | (c & 0x3f)));
		} else {
			gsym_buf_putc(out, (char)(0xf0 | (c >> 18)));
			gsym_buf_putc(out, (char)(0x80 | ((c >> 12) & 0x3f)));
			gsym_buf_putc(out, (char)(0x80 | ((c >> 6) & 0x3f)));
			gsym_buf_putc(out, (char)(0x80 | (c & 0x3f)));
		}
	}
	return 0;
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/*
 * REPARSE_DATA_BUFFER: tag (4), data length (2), reserved (2), then for
 * both kinds substitute offset, substitute length, print offset, print
 * length (2 each, in bytes, relative to the path buffer); a symlink has
 * 4 more bytes of flags before its path buffer.
 */
size_t gsym_win32_mount_point_buffer(unsigned char *buf, size_t size,
	const uint16_t *abs_target, size_t len)
{
	static const uint16_t nt[] = { '\\', '?', '?', '\\' };
	size_t subst = (4 + len) * 2, print = len * 2;
	size_t data = 8 + subst + 2 + print + 2, total = data + 8, i;
	unsigned char *p = buf + 16;

	if (total > size || total > GSYM_W32_MAX_REPARSE)
		return 0;
	memset(buf, 0, total);
	put32(buf, GSYM_W32_IO_REPARSE_TAG_MOUNT_POINT);
	put16(buf + 4, (uint16_t)data);
	put16(buf + 8, 0); /* substitute offset */
	put16(buf + 10, (uint16_t)subst); /* substitute length */
	put16(buf + 12, (uint16_t)(subst + 2)); /* print offset */
	put16(buf + 14, (uint16_t)print); /* print length */
	for (i = 0; i < 4; i++, p += 2)
		put16(p, nt[i]);
	for (i = 0; i < len; i++, p += 2)
		put16(p, abs_target[i]);
	p += 2; /* NUL */
	for (i = 0; i < len; i++, p += 2)
		put16(p, abs_target[i]);
	return total;
}

int gsym_win32_parse_reparse(uint32_t *tag, gsym_buf *target,
	const unsigned char *buf, size_t len)
{
	size_t head, off, n, i;
	const unsigned char *names;
	uint16_t *w;
	int error;

	if (len < 8)
		return gsym_error_set("reparse data too short");
	*tag = (uint32_t)get16(buf) | (uint32_t)get16(buf + 2) << 16;
	if (*tag == GSYM_W32_IO_REPARSE_TAG_SYMLINK)
		head = 20;
	else if (*tag == GSYM_W32_IO_REPARSE_TAG_MOUNT_POINT)
		head = 16;
	else
		return 0; /* another kind: no target to read */
	if (len < head)
		return gsym_error_set("reparse data too short");
	names = buf + head;
	/* the substitute name is exact; the print name is for people */
	off = get16(buf + 8);
	n = get16(buf + 10);
	if (head + off + n > len || n % 2)
		return gsym_error_set("reparse data out of bounds");
	w = gsym_malloc(n + 2);
	for (i = 0; i < n / 2; i++)
		w[i] = get16(names + off + 2 * i);
	n /= 2;
	i = 0;
	if (n >= 4 && w[0] == '\\' && w[1] == '?' && w[2] == '?' &&
		w[3] == '\\')
		i = 4;
	for (size_t k = i; k < n; k++)
		if (w[k] == '\\')
			w[k] = '/';
	error = gsym_win32_to_utf8(target, w + i, n - i);
	free(w);
	return error < 0 ? gsym_error_set("reparse target is not valid "
					  "UTF-16") :
			   0;
}

void gsym_win32_filetime(int64_t *sec, uint32_t *nsec, uint64_t ft)
{
	/* 11644473600 s from 1601-01-01 to 1970-01-01 */
	uint64_t hnsec = ft - 116444736000000000ULL;

	*sec = (int64_t)(hnsec / 10000000);
	*nsec = (uint32_t)(hnsec % 10000000) * 100;
}

uint64_t gsym_win32_to_filetime(int64_t sec)
{
	return (uint64_t)sec * 10000000 + 116444736000000000ULL;
}

/* `text` with '/' turned into '\' (a link's target as Windows wants it) */
static char *backslashed(const char *text)
{
	char *s = gsym_strdup(text), *p;

	for (p = s; *p; p++)
		if (*p == '/')
			*p = '\\';
	return s;
}

int gsym_win32_symlink(const gsym_win32_ops *ops, bool *no_unprivileged,
	const char *target, const char *path, gsym_link_kind kind)
{
	unsigned char buf[GSYM_W32_MAX_REPARSE];
	uint16_t *wpath = NULL, *wtarget = NULL;
	char *native = backslashed(target);
	gsym_buf back = GSYM_BUF_INIT, want = GSYM_BUF_INIT;
	uint32_t flags = kind == GSYM_LINK_DIR ?
		GSYM_W32_SYMBOLIC_LINK_FLAG_DIRECTORY :
		0;
	uint32_t tag = 0;
	size_t len = 0;
	int error = 0;

	if (gsym_win32_to_utf16(&wpath, path, true) < 0 ||
		gsym_win32_to_utf16(&wtarget, native, false) < 0) {
		error = GSYM_ERROR;
		goto done;
	}
	/* to_utf16 turned '/' into '\' in the target as well */
	if (!*no_unprivileged)
		flags |= GSYM_W32_SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE;
	if (!ops->create_symlink(wpath, wtarget, flags)) {
		uint32_t err = ops->last_error();

		if (err == GSYM_W32_ERROR_INVALID_PARAMETER &&
			(flags &
				GSYM_W32_SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE)) {
			/* Windows before build 14972 does not know the flag */
			*no_unprivileged = true;
			flags &=
				~GSYM_W32_SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE;
			if (!ops->create_symlink(wpath, wtarget, flags))
				err = ops->last_error();
			else
				err = 0;
		}
		if (err) {
			error = gsym_win32_translate(err, "create symlink",
				path);
			goto done;
		}
	}

	/* some systems (Wine) report success and create nothing */
	if (!ops->get_reparse(wpath, buf, sizeof(buf), &len) ||
		gsym_win32_parse_reparse(&tag, &back, buf, len) < 0 ||
		tag != GSYM_W32_IO_REPARSE_TAG_SYMLINK) {
		error = gsym_error_setc(GSYM_EUNSUPPORTED,
			"could not create symlink '%s': the system reported "
			"success but no link appeared",
			path);
		goto cleanup;
	}
	gsym_buf_puts(&want, target);
	for (size_t i = 0; i < want.size; i++)
		if (want.ptr[i] == '\\')
			want.ptr[i] = '/';
	if (back.size != want.size || memcmp(back.ptr, want.ptr, want.size)) {
		error = gsym_error_setc(GSYM_EUNSUPPORTED,
			"could not create symlink '%s': it reads back as '%s'",
			path, back.ptr);
		goto cleanup;
	}
	goto done;

cleanup:
	/* remove whatever appeared, as itself */
	if (!(kind == GSYM_LINK_DIR ? ops->remove_directory(wpath) :
				      ops->delete_file(wpath)))
		(kind == GSYM_LINK_DIR ? ops->delete_file :
					 ops->remove_directory)(wpath);
done:
	free(wpath);
	free(wtarget);
	free(native);
	gsym_buf_dispose(&back);
	gsym_buf_dispose(&want);
	return error;
}

int gsym_win32_junction(const gsym_win32_ops *ops, const char *abs_target,
	const char *path)
{
	unsigned char buf[GSYM_W32_MAX_REPARSE];
	uint16_t *wpath = NULL, *wtarget = NULL;
	int tlen, error = 0;
	size_t size;

	if (gsym_win32_to_utf16(&wpath, path, true) < 0 ||
		(tlen = gsym_win32_to_utf16(&wtarget, abs_target, false)) < 0) {
		error = GSYM_ERROR;
		goto done;
	}
	if (!(size = gsym_win32_mount_point_buffer(buf, sizeof(buf), wtarget,
		      (size_t)tlen))) {
		error = gsym_error_set("could not create junction '%s': "
				       "target too long",
			path);
		goto done;
	}
	if (!ops->create_directory(wpath)) {
		error = gsym_win32_translate(ops->last_error(),
			"create junction", path);
		goto done;
	}
	if (!ops->set_reparse(wpath, buf, size)) {
		error = gsym_win32_translate(ops->last_error(),
			"create junction", path);
		ops->remove_directory(wpath);
	}
done:
	free(wpath);
	free(wtarget);
	return error;
}
