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
	};

	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
