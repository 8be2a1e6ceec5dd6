/*
 * Entry path and target validation, case by case (security.md rules 6-7).
 */
#include "unit.h"
#include <stdio.h>
#include <string.h>

#include "pipeline/validate.h"

#define W GSYM_VALIDATE_WINDOWS

static void path_ok(const char *p, unsigned int flags)
{
	const char *r = gsym_validate_path(p, flags);

	if (r)
		fprintf(stderr, "'%s' refused: %s\n", p, r);
	assert_null(r);
}

static void path_bad(const char *p, unsigned int flags)
{
	if (!gsym_validate_path(p, flags))
		fprintf(stderr, "'%s' accepted\n", p);
	assert_non_null(gsym_validate_path(p, flags));
}

static void test_validate__good_paths(void **state)
{
	(void)state;
	path_ok("a", 0);
	path_ok("a/b/c", W);
	path_ok("name with space/é.txt", W);
	path_ok(".github/x", W);
	path_ok(".gitignore", W);
	path_ok("a/.git-foo", W);
	path_ok("console.txt", W); /* CON is reserved, "console" is not */
	path_ok("com10", W);
	path_ok("x.", 0); /* trailing dot only matters on Windows */
	path_ok("a:b", 0);
}

static void test_validate__structure(void **state)
{
	(void)state;
	path_bad("", 0);
	path_bad("/abs", 0);
	path_bad("a//b", 0);
	path_bad("a/", 0);
	path_bad("./a", 0);
	path_bad("a/./b", 0);
	path_bad("a/../b", 0);
	path_bad("..", 0);
}

static void test_validate__git_aliases(void **state)
{
	(void)state;
	path_bad(".git/x", 0);
	path_bad(".GIT/x", 0);
	path_bad("a/.Git/x", 0);
	path_bad("git~1/x", 0);
	path_bad("GIT~1/x", 0);
	path_bad(".git./x", 0);
	path_bad(".git /x", 0);
	path_bad(".git. ./x", 0);
	path_bad(".git::$INDEX_ALLOCATION/x", 0);
	path_bad(".g\xe2\x80\x8cit/x", 0); /* HFS+ ignores U+200C */
	path_bad(".git\xef\xbb\xbf/x", 0); /* and U+FEFF */
	path_bad(".git", 0);
}

static void test_validate__gitmodules_link(void **state)
{
	(void)state;
	path_bad(".gitmodules", 0);
	path_bad("sub/.GITMODULES", 0);
	path_bad("gitmod~1", 0);
	path_bad(".gitmodules .", 0);
	path_ok(".gitmodules/x", 0); /* only the link itself is refused */
}

static void test_validate__windows_rules(void **state)
{
	const char *bad[] = { "CON", "con", "nul.txt", "Nul.tar.gz", "COM1",
		"lpt8", "CONOUT$", "conin$", "aux .txt", "a/PRN/b", "x.", "x ",
		"a\\b", "a:b", "a<b", "a>b", "a\"b", "a|b", "a?b", "a*b",
		"a\x01b", "a/\x1f", "COM\xc2\xb9" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		path_bad(bad[i], W);
	}
	path_ok("CON", 0);
	path_ok("nul.txt", 0);
}

static void test_validate__targets(void **state)
{
	char big[GSYM_MAX_TARGET + 2];

	(void)state;
	assert_null(gsym_validate_target("a/b", 3, 0));
	assert_non_null(gsym_validate_target("", 0, 0));
	assert_non_null(gsym_validate_target("a\0b", 3, 0));
	memset(big, 'a', sizeof(big));
	assert_null(gsym_validate_target(big, GSYM_MAX_TARGET, 0));
	assert_non_null(gsym_validate_target(big, GSYM_MAX_TARGET + 1, 0));

	/* Windows: streams and control characters */
	assert_null(gsym_validate_target("C:\\x", 4, W));
	assert_null(gsym_validate_target("\\\\?\\C:\\x", 8, W));
	assert_non_null(gsym_validate_target("file:stream", 11, W));
	assert_non_null(gsym_validate_target("C:\\x:ads", 8, W));
	assert_non_null(gsym_validate_target("a\tb", 3, W));
	assert_null(gsym_validate_target("file:stream", 11, 0));
}

static void test_validate__target_forms(void **state)
{
	(void)state;
	assert_int_equal(GSYM_TARGET_RELATIVE, gsym_target_form_of("a/b", 3));
	assert_int_equal(GSYM_TARGET_RELATIVE, gsym_target_form_of("..", 2));
	assert_int_equal(GSYM_TARGET_ABSOLUTE, gsym_target_form_of("/etc", 4));
	assert_int_equal(GSYM_TARGET_ABSOLUTE, gsym_target_form_of("C:\\", 3));
	assert_int_equal(GSYM_TARGET_ABSOLUTE, gsym_target_form_of("c:x", 3));
	assert_int_equal(GSYM_TARGET_UNC, gsym_target_form_of("\\\\h\\s", 5));
	assert_int_equal(GSYM_TARGET_UNC, gsym_target_form_of("//h/s", 5));
	assert_int_equal(GSYM_TARGET_NT, gsym_target_form_of("\\??\\C:", 6));
	assert_int_equal(GSYM_TARGET_NT, gsym_target_form_of("\\\\?\\C:", 6));
	assert_int_equal(GSYM_TARGET_NT, gsym_target_form_of("\\\\.\\x", 5));
	assert_int_equal(GSYM_TARGET_NT, gsym_target_form_of("\\Device\\X", 9));
}

#define C GSYM_FOLD_CASE
#define N GSYM_FOLD_NFD

/* Names a case- (and normalization-) insensitive disk takes for one. */
static void test_validate__fold_table(void **state)
{
	static const struct {
		const char *a, *b;
		unsigned int flags;
		bool collide;
	} rows[] = {
		/* ASCII */
		{ "LIB2", "lib2", C, true },
		{ "README", "readme", C, true },
		{ "Docs/x", "docs/x", C, true },
		{ "a", "a", C, false }, /* the same spelling is no collision */
		{ "LIB2", "lib2", 0, false }, /* a case-sensitive disk */
		{ "lib2", "lib3", C, false },
		{ "a-b", "a_b", C, false },
		{ "ab", "a/b", C, false },
		/* accented and other non-ASCII letters */
		{ "\xc3\x89t\xc3\xa9", "\xc3\xa9T\xc3\x89", C, true }, /* Été */
		{ "\xc3\x89", "\xc3\xa9", 0, false },
		{ "\xc3\x89", "E", C, false }, /* É is not E */
		{ "\xce\xa3\xce\x91", "\xcf\x83\xce\xb1", C, true }, /* ΣΑ σα */
		{ "\xcf\x82", "\xcf\x83", C, true }, /* final sigma */
		{ "\xd0\x96", "\xd0\xb6", C, true }, /* Ж ж */
		{ "\xc3\x85", "\xc3\xa5", C, true }, /* Å å */
		{ "\xe2\x84\xab", "\xc3\xa5", C | N, true }, /* Angstrom */
		{ "\xe1\xba\x9e", "\xc3\x9f", C, true }, /* ẞ ß (simple) */
		{ "\xc3\x9f", "ss", C, false }, /* full folding only */
		{ "\xc4\xb0", "i", C, false }, /* İ: Turkish, no simple fold */
		{ "\xe2\x85\xa0", "\xe2\x85\xb0", C, true }, /* Ⅰ ⅰ */
		{ "\xf0\x90\x90\x80", "\xf0\x90\x90\xa8", C,
			true }, /* Deseret */
		{ "\xe4\xb8\xad", "\xe4\xb8\xad\xe6\x96\x87", C, false },
		/* NFC / NFD pairs: one name only where the disk normalizes */
		{ "caf\xc3\xa9", "cafe\xcc\x81", N, true },
		{ "caf\xc3\xa9", "cafe\xcc\x81", C, false }, /* exFAT, NTFS */
		{ "CAF\xc3\x89", "cafe\xcc\x81", C | N, true },
		{ "\xea\xb0\x80", "\xe1\x84\x80\xe1\x85\xa1", N,
			true }, /* 가 */
		{ "a\xcc\xa3\xcc\x87", "a\xcc\x87\xcc\xa3", N,
			true }, /* order */
		{ "\xe1\xba\xa1\xcc\x87", "a\xcc\x87\xcc\xa3", N, true },
		{ "\xe1\xbe\x82", "\xe1\xbe\x8a", C | N, true }, /* ᾂ ᾊ */
		/* HFS+ ignores some code points */
		{ "a\xe2\x80\x8c"
		  "b",
			"ab", N, true },
		{ "a\xe2\x80\x8c"
		  "b",
			"ab", C, false },
		/* bytes that are not UTF-8 are compared as they are */
		{ "\xff", "\xfe", C | N, false },
		{ "A\xff", "a\xff", C | N, true },
		{ "\xc3", "\xc3\xa9", C | N, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bool got =
			gsym_names_collide(rows[i].a, rows[i].b, rows[i].flags);

		if (got != rows[i].collide)
			fprintf(stderr, "row %zu: '%s' '%s' %s\n", i, rows[i].a,
				rows[i].b, got ? "collide" : "do not collide");
		assert_true(got == rows[i].collide);
		assert_true(gsym_names_collide(rows[i].b, rows[i].a,
				    rows[i].flags) == rows[i].collide);
	}
}

/* Index paths against link entries: the link, or a parent, collides. */
static void test_validate__collisions(void **state)
{
	static const char *index[] = { "Docs/x", "LIB2", "README", "a/B/l",
		"a/b/file", "docs/guide.md", "lib/x.h", "lib2/keep.txt",
		"ok-link", "q/1", "q/2", "q/3", "readme", "sub/Link",
		"sub/link", "target.txt", "top/a", "top/b/c", "top/sub/L",
		"Top/sub/l", "q2/a", "q2/sub/L", "q2/Sub/l" };
	static const char *links[][2] = {
		{ "LIB2", "lib2/keep.txt" },
		{ "README", "readme" },
		{ "Docs/x", "docs/guide.md" }, /* its parent collides */
		{ "a/B/l", "a/b/file" },
		{ "sub/Link",
			"sub/link" }, /* two links, each names the other */
		{ "sub/link", "sub/Link" },
		{ "ok-link", NULL },
		/* below a top directory other entries fill first */
		{ "Top/sub/l", "top/a" },
		/* the top spelt alike: the collision one level down */
		{ "q2/Sub/l", "q2/sub/L" },
	};
	gsym_collisions *c = gsym_collisions_new(C);
	size_t i;

	(void)state;
	for (i = 0; i < GSYM_ARRAY_SIZE(links); i++)
		gsym_collisions_add_link(c, links[i][0]);
	for (i = 0; i < GSYM_ARRAY_SIZE(index); i++)
		gsym_collisions_add_entry(c, index[i]);
	for (i = 0; i < GSYM_ARRAY_SIZE(links); i++) {
		const char *other = gsym_collisions_find(c, links[i][0]);

		if (!links[i][1])
			assert_null(other);
		else
			assert_string_equal(links[i][1], other);
	}
	gsym_collisions_free(c);

	/* a case-sensitive disk: nothing collides */
	c = gsym_collisions_new(0);
	gsym_collisions_add_link(c, "LIB2");
	gsym_collisions_add_entry(c, "lib2/keep.txt");
	assert_null(gsym_collisions_find(c, "LIB2"));
	gsym_collisions_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(test_validate__good_paths),
		UNIT_TEST(test_validate__structure),
		UNIT_TEST(test_validate__git_aliases),
		UNIT_TEST(test_validate__gitmodules_link),
		UNIT_TEST(test_validate__windows_rules),
		UNIT_TEST(test_validate__targets),
		UNIT_TEST(test_validate__target_forms),
		UNIT_TEST(test_validate__fold_table),
		UNIT_TEST(test_validate__collisions),
	};

	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
