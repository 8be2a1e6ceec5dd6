/*
 * The Win32 backend's decisions against a fake of the Win32 calls: what
 * Wine cannot exercise (privilege errors, old Windows, the directory
 * flag, links that report success and do not appear), and the byte
 * layouts of reparse points. Built and run on Linux and under Wine.
 */
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "platform/win32/win32.h"
#include "util/error.h"

/* --- a fake of the calls -------------------------------------------------- */

static struct {
	uint32_t fail_with; /* CreateSymbolicLinkW fails with this */
	bool reject_unpriv; /* ... with 87 when flag 0x2 is given */
	bool phantom; /* succeeds, creates nothing (Wine) */
	uint32_t set_reparse_fails;
	int creates;
	uint32_t flags[4];
	uint16_t link_target[512]; /* what the last link holds */
	bool exists, is_dir;
	int removed_dirs, deleted_files;
	uint32_t err;
} f;

static size_t wlen(const uint16_t *w)
{
	size_t n = 0;

	while (w[n])
		n++;
	return n;
}

static int fake_create_symlink(const uint16_t *link, const uint16_t *target,
	uint32_t flags)
{
	(void)link;
	f.flags[f.creates++ & 3] = flags;
	if (f.reject_unpriv &&
		(flags &
			GSYM_W32_SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE)) {
		f.err = GSYM_W32_ERROR_INVALID_PARAMETER;
		return 0;
	}
	if (f.fail_with) {
		f.err = f.fail_with;
		return 0;
	}
	if (!f.phantom) {
		memcpy(f.link_target, target, (wlen(target) + 1) * 2);
		f.exists = true;
		f.is_dir = flags & GSYM_W32_SYMBOLIC_LINK_FLAG_DIRECTORY;
	}
	return 1;
}

static int fake_create_directory(const uint16_t *path)
{
	(void)path;
	f.exists = f.is_dir = true;
	return 1;
}

static int fake_remove_directory(const uint16_t *path)
{
	(void)path;
	f.removed_dirs++;
	f.exists = false;
	return 1;
}

static int fake_delete_file(const uint16_t *path)
{
	(void)path;
	f.deleted_files++;
	f.exists = false;
	return 1;
}

/* a symlink reparse buffer holding what the fake link holds */
static int fake_get_reparse(const uint16_t *path, unsigned char *buf,
	size_t size, size_t *len)
{
	size_t n = wlen(f.link_target) * 2, i;

	(void)path;
	if (!f.exists) {
		f.err = GSYM_W32_ERROR_FILE_NOT_FOUND;
		return 0;
	}
	assert_true(20 + 2 * n + 4 <= size);
	memset(buf, 0, 20 + 2 * n + 4);
	buf[0] = 0x0c;
	buf[1] = 0x00;
	buf[2] = 0x00;
	buf[3] = 0xa0;
	buf[8] = 0;
	buf[9] = 0; /* substitute offset */
	buf[10] = (unsigned char)n;
	buf[11] = (unsigned char)(n >> 8);
	buf[12] = (unsigned char)n;
	buf[13] = (unsigned char)(n >> 8);
	buf[14] = (unsigned char)n;
	buf[15] = (unsigned char)(n >> 8);
	buf[16] = GSYM_W32_SYMLINK_FLAG_RELATIVE;
	for (i = 0; i < n / 2; i++) {
		buf[20 + 2 * i] = (unsigned char)f.link_target[i];
		buf[21 + 2 * i] = (unsigned char)(f.link_target[i] >> 8);
		buf[20 + n + 2 * i] = (unsigned char)f.link_target[i];
		buf[21 + n + 2 * i] = (unsigned char)(f.link_target[i] >> 8);
	}
	*len = 20 + 2 * n;
	return 1;
}

static int fake_set_reparse(const uint16_t *path, const unsigned char *buf,
	size_t len)
{
	(void)path;
	(void)buf;
	(void)len;
	if (f.set_reparse_fails) {
		f.err = f.set_reparse_fails;
		return 0;
	}
	return 1;
}

static uint32_t fake_last_error(void)
{
	return f.err;
}

static const gsym_win32_ops ops = { fake_create_symlink, fake_create_directory,
	fake_remove_directory, fake_delete_file, fake_get_reparse,
	fake_set_reparse, fake_last_error };

static int setup(void **s)
{
	(void)s;
	memset(&f, 0, sizeof(f));
	gsym_error_clear();
	return 0;
}

/* --- link creation ------------------------------------------------------------ */

static void test_win32__file_link_with_unprivileged_flag(void **s)
{
	bool old = false;

	(void)s;
	assert_int_equal(0,
		gsym_win32_symlink(&ops, &old, "lib/x.h", "C:/w/link",
			GSYM_LINK_FILE));
	assert_int_equal(1, f.creates);
	assert_int_equal(GSYM_W32_SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE,
		f.flags[0]);
	/* written with '\' separators, still relative */
	assert_int_equal('l', f.link_target[0]);
	assert_int_equal('\\', f.link_target[3]);
}

static void test_win32__directory_target_gets_directory_flag(void **s)
{
	bool old = false;

	(void)s;
	assert_int_equal(0,
		gsym_win32_symlink(&ops, &old, "../lib", "C:/w/sub/dl",
			GSYM_LINK_DIR));
	assert_true(f.flags[0] & GSYM_W32_SYMBOLIC_LINK_FLAG_DIRECTORY);
}

static void test_win32__old_windows_retried_without_flag(void **s)
{
	bool old = false;

	(void)s;
	f.reject_unpriv = true; /* before build 14972 */
	assert_int_equal(0,
		gsym_win32_symlink(&ops, &old, "t", "C:/w/a", GSYM_LINK_FILE));
	assert_int_equal(2, f.creates);
	assert_false(f.flags[1] &
		GSYM_W32_SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE);
	assert_true(old);
	/* remembered: the next link goes without the flag at once */
	assert_int_equal(0,
		gsym_win32_symlink(&ops, &old, "t", "C:/w/b", GSYM_LINK_FILE));
	assert_int_equal(3, f.creates);
	assert_false(f.flags[2] &
		GSYM_W32_SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE);
}

static void test_win32__privilege_missing(void **s)
{
	bool old = false;

	(void)s;
	f.fail_with = GSYM_W32_ERROR_PRIVILEGE_NOT_HELD;
	assert_int_equal(GSYM_EPRIVILEGE,
		gsym_win32_symlink(&ops, &old, "t", "C:/w/a", GSYM_LINK_FILE));
	assert_non_null(strstr(gsym_error_last(), "Developer Mode"));
}

static void test_win32__phantom_success_is_unsupported(void **s)
{
	bool old = false;

	(void)s;
	f.phantom = true; /* Wine: TRUE, and nothing on disk */
	assert_int_equal(GSYM_EUNSUPPORTED,
		gsym_win32_symlink(&ops, &old, "t", "C:/w/a", GSYM_LINK_FILE));
	assert_non_null(strstr(gsym_error_last(), "no link appeared"));
}

/* --- junctions ------------------------------------------------------------------ */

static void test_win32__junction_buffer_layout(void **s)
{
	unsigned char buf[512];
	uint16_t *w;
	int n = gsym_win32_to_utf16(&w, "C:\\w\\lib", false);
	size_t size =
		gsym_win32_mount_point_buffer(buf, sizeof(buf), w, (size_t)n);
	uint32_t tag;
	gsym_buf back = GSYM_BUF_INIT;

	(void)s;
	/* substitute "\??\C:\w\lib" (12 units), print "C:\w\lib" (8) */
	assert_int_equal(8 + 24 + 2 + 16 + 2 + 8, size);
	assert_int_equal(0xA0000003U,
		buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24);
	assert_int_equal(size - 8, buf[4] | buf[5] << 8); /* data length */
	assert_int_equal(0, buf[8] | buf[9] << 8); /* subst offset */
	assert_int_equal(24, buf[10] | buf[11] << 8); /* subst length */
	assert_int_equal(26, buf[12] | buf[13] << 8); /* print offset */
	assert_int_equal(16, buf[14] | buf[15] << 8); /* print length */
	assert_int_equal('\\', buf[16]);
	assert_int_equal('?', buf[18]);
	/* and it reads back as git's form of the target */
	assert_int_equal(0, gsym_win32_parse_reparse(&tag, &back, buf, size));
	assert_int_equal(GSYM_W32_IO_REPARSE_TAG_MOUNT_POINT, tag);
	assert_string_equal("C:/w/lib", back.ptr);
	gsym_buf_dispose(&back);
	free(w);
}

static void test_win32__junction_unsupported_removes_directory(void **s)
{
	(void)s;
	f.set_reparse_fails = GSYM_W32_ERROR_NOT_SUPPORTED; /* as Wine */
	assert_int_equal(GSYM_EUNSUPPORTED,
		gsym_win32_junction(&ops, "C:/w/lib", "C:/w/jl"));
	assert_int_equal(1, f.removed_dirs);
	assert_false(f.exists);
}

/* --- reading links ------------------------------------------------------------ */

static void test_win32__read_symlink_reparse(void **s)
{
	unsigned char buf[512];
	uint32_t tag;
	size_t len = 0;
	gsym_buf back = GSYM_BUF_INIT;
	bool old = false;

	(void)s;
	assert_int_equal(0,
		gsym_win32_symlink(&ops, &old, "../a/b", "C:/w/x",
			GSYM_LINK_FILE));
	assert_true(fake_get_reparse(NULL, buf, sizeof(buf), &len));
	assert_int_equal(0, gsym_win32_parse_reparse(&tag, &back, buf, len));
	assert_int_equal(GSYM_W32_IO_REPARSE_TAG_SYMLINK, tag);
	assert_string_equal("../a/b", back.ptr);
	gsym_buf_dispose(&back);
	/* a truncated buffer is refused, not overread */
	assert_true(gsym_win32_parse_reparse(&tag, &back, buf, 24) < 0);
	gsym_buf_dispose(&back);
}

/* --- paths, errors, times -------------------------------------------------------- */

static void test_win32__utf16_paths(void **s)
{
	uint16_t *w;
	gsym_buf back = GSYM_BUF_INIT;
	char longp[300];
	int n;

	(void)s;
	n = gsym_win32_to_utf16(&w, "C:/d/\xc3\xa9\xf0\x9f\x98\x80", false);
	assert_int_equal(8, n); /* é is one unit, the emoji a pair */
	assert_int_equal('\\', w[2]);
	assert_int_equal(0xe9, w[5]);
	assert_int_equal(0xd83d, w[6]);
	assert_int_equal(0, gsym_win32_to_utf8(&back, w, (size_t)n));
	assert_string_equal("C:\\d\\\xc3\xa9\xf0\x9f\x98\x80", back.ptr);
	free(w);
	gsym_buf_dispose(&back);

	memset(longp, 'a', sizeof(longp));
	memcpy(longp, "C:/", 3);
	longp[sizeof(longp) - 1] = '\0';
	n = gsym_win32_to_utf16(&w, longp, true);
	assert_int_equal(4 + 299, n);
	assert_int_equal('\\', w[0]);
	assert_int_equal('?', w[2]);
	assert_int_equal('C', w[4]);
	free(w);
	memcpy(longp, "//host/share/", 13);
	n = gsym_win32_to_utf16(&w, longp, true);
	assert_int_equal('U', w[4]); /* \\?\UNC\host */
	assert_int_equal('h', w[8]);
	free(w);

	assert_true(gsym_win32_to_utf16(&w, "bad\xff", false) < 0);
	assert_true(gsym_win32_to_utf16(&w, "over\xc0\xaf", false) < 0);
	assert_true(gsym_win32_to_utf16(&w, "surr\xed\xa0\x80", false) < 0);
	assert_true(gsym_win32_to_utf16(&w, "cut\xe2\x82", false) < 0);
}

static void test_win32__error_translation(void **s)
{
	(void)s;
	assert_int_equal(GSYM_EPRIVILEGE, gsym_win32_translate(1314, "x", "p"));
	assert_int_equal(GSYM_EUNSUPPORTED, gsym_win32_translate(50, "x", "p"));
	assert_int_equal(GSYM_EUNSUPPORTED, gsym_win32_translate(1, "x", "p"));
	assert_int_equal(GSYM_EUNSUPPORTED, gsym_win32_translate(17, "x", "p"));
	assert_int_equal(GSYM_ENOTFOUND, gsym_win32_translate(2, "x", "p"));
	assert_int_equal(GSYM_ENOTFOUND, gsym_win32_translate(3, "x", "p"));
	assert_int_equal(GSYM_EEXISTS, gsym_win32_translate(183, "x", "p"));
	assert_int_equal(GSYM_EEXISTS, gsym_win32_translate(80, "x", "p"));
	assert_int_equal(GSYM_ERROR, gsym_win32_translate(9999, "x", "p"));
	assert_string_equal("could not x 'p': Windows error 9999",
		gsym_error_last());
	/* a path's own trouble, never "links are impossible here" */
	assert_int_equal(GSYM_EACCESS, gsym_win32_translate(5, "x", "p"));
	assert_int_equal(GSYM_EACCESS, gsym_win32_translate(32, "x", "p"));
	assert_int_equal(GSYM_EACCESS, gsym_win32_translate(33, "x", "p"));
	assert_string_equal("could not x 'p': in use by another program (an "
			    "editor or virus scanner?); close it and run again",
		gsym_error_last());
	/* a sharing violation is tried again a few times, then reported */
	assert_int_equal(0, gsym_win32_retry_delay(32, 0));
	assert_true(gsym_win32_retry_delay(33, 3) > 0);
	assert_int_equal(-1, gsym_win32_retry_delay(32, 6));
	assert_int_equal(-1, gsym_win32_retry_delay(5, 0));
	assert_int_equal(-1, gsym_win32_retry_delay(1314, 0));
}

static void test_win32__filetime(void **s)
{
	int64_t sec;
	uint32_t nsec;

	(void)s;
	gsym_win32_filetime(&sec, &nsec, 116444736000000000ULL + 12345678);
	assert_int_equal(1, sec);
	assert_int_equal(234567800, nsec);
	assert_true(gsym_win32_to_filetime(1700000000) ==
		116444736000000000ULL + 17000000000000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, setup)
		T(test_win32__file_link_with_unprivileged_flag),
		T(test_win32__directory_target_gets_directory_flag),
		T(test_win32__old_windows_retried_without_flag),
		T(test_win32__privilege_missing),
		T(test_win32__phantom_success_is_unsupported),
		T(test_win32__junction_buffer_layout),
		T(test_win32__junction_unsupported_removes_directory),
		T(test_win32__read_symlink_reparse),
		T(test_win32__utf16_paths),
		T(test_win32__error_translation),
		T(test_win32__filetime),
#undef T
	};

	return cmocka_run_group_tests_name("win32", tests, NULL, NULL);
}
