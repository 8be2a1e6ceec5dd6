/*
 * git's fsmonitor index extension: the bitmap of entries git must look at
 * again, read as git writes it and written as git reads it (EWAH).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/fsmonitor.h"
#include "util/alloc.h"

static size_t unhex(unsigned char *out, const char *hex)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2) {
		unsigned int b;

		sscanf(hex, "%2x", &b);
		out[n++] = (unsigned char)b;
	}
	return n;
}

/* Write `m`, read it back for `n` entries: the same bits and token. */
static void roundtrip(const gsym_fsmn *m)
{
	gsym_buf out = GSYM_BUF_INIT;
	gsym_fsmn back;
	size_t i;

	gsym_fsmn_write(&out, m);
	assert_memory_equal(out.ptr, "FSMN", 4);
	assert_int_equal(gsym_fsmn_parse(&back,
				 (const unsigned char *)out.ptr + 8,
				 out.size - 8, m->n),
		0);
	assert_string_equal(back.token, m->token);
	for (i = 0; i < m->n; i++)
		assert_int_equal(gsym_fsmn_dirty(&back, i),
			gsym_fsmn_dirty(m, i));
	gsym_fsmn_dispose(&back);
	gsym_buf_dispose(&out);
}

static void test_fsmonitor__as_git_writes_it(void **state)
{
	/* git 2.39, 7 entries, none dirty (git status then wrote it) */
	static const char *git_hex =
		"000000026773796d3a313739363630383535390000"
		"0000140000000000000001000000000000000000"
		"000000";
	unsigned char raw[64];
	size_t len = unhex(raw, git_hex);
	gsym_fsmn m;
	size_t i;

	(void)state;
	assert_int_equal(gsym_fsmn_parse(&m, raw, len, 7), 0);
	assert_string_equal(m.token, "gsym:1796608559");
	for (i = 0; i < 7; i++)
		assert_false(gsym_fsmn_dirty(&m, i));
	gsym_fsmn_dispose(&m);
}

static void test_fsmonitor__roundtrips(void **state)
{
	static const size_t sizes[] = { 0, 1, 63, 64, 65, 130, 1000, 70000 };
	size_t k, i;

	(void)state;
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		gsym_fsmn m;

		/* all dirty: runs of ones, and a partial last word */
		gsym_fsmn_init(&m, sizes[k], "0");
		roundtrip(&m);
		/* a few valid among dirty, and all valid but a few */
		for (i = 0; i < m.n; i += 97)
			assert_true(gsym_fsmn_set(&m, i, false));
		roundtrip(&m);
		for (i = 0; i < m.n; i++)
			gsym_fsmn_set(&m, i, i % 1000 == 3);
		roundtrip(&m);
		/* the same mark twice is no change */
		if (m.n > 3)
			assert_false(gsym_fsmn_set(&m, 3, true));
		gsym_fsmn_dispose(&m);
	}
}

static void test_fsmonitor__refuses_what_git_would(void **state)
{
	gsym_fsmn m;
	gsym_buf out = GSYM_BUF_INIT;
	unsigned char *raw;

	(void)state;
	gsym_fsmn_init(&m, 130, "t");
	gsym_fsmn_write(&out, &m);
	gsym_fsmn_dispose(&m);
	raw = (unsigned char *)out.ptr + 8;
	/* a bitmap longer than the index (git stops on it) */
	assert_int_equal(gsym_fsmn_parse(&m, raw, out.size - 8, 100),
		GSYM_EUNSUPPORTED);
	/* another version */
	raw[3] = 1;
	assert_int_equal(gsym_fsmn_parse(&m, raw, out.size - 8, 130),
		GSYM_EUNSUPPORTED);
	raw[3] = 2;
	/* cut short */
	assert_int_equal(gsym_fsmn_parse(&m, raw, out.size - 12, 130),
		GSYM_EUNSUPPORTED);
	gsym_buf_dispose(&out);
}

static void test_fsmonitor__command_is_quoted(void **state)
{
	gsym_buf out = GSYM_BUF_INIT;

	(void)state;
	gsym_fsmonitor_command(&out,
		"C:\\Program Files\\it's\\git-symlinks.exe");
	assert_string_equal(out.ptr,
		"'C:/Program Files/it'\\''s/git-symlinks.exe' hook fsmonitor");
	gsym_buf_dispose(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(test_fsmonitor__as_git_writes_it),
		UNIT_TEST(test_fsmonitor__roundtrips),
		UNIT_TEST(test_fsmonitor__refuses_what_git_would),
		UNIT_TEST(test_fsmonitor__command_is_quoted),
	};

	return cmocka_run_group_tests_name("fsmonitor", tests, NULL, NULL);
}
