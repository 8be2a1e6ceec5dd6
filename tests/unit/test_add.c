/*
 * `add`: turning a link's on-disk target into the text to record, and the
 * guard's look for junctions above staged files.
 */
#include "unit.h"
#include <string.h>

#include "workflow/add.h"
#include "workflow/guard.h"
#include "fake_view.h"

static void rel(const char *link, const char *target, const char *want,
	bool want_outside)
{
	gsym_buf out = GSYM_BUF_INIT;
	bool outside;

	gsym_add_relative(&out, "/w/", link, target, &outside);
	assert_string_equal(want, out.ptr);
	assert_int_equal(want_outside, outside);
	gsym_buf_dispose(&out);
}

static void test_add__relative_targets_are_kept(void **s)
{
	(void)s;
	rel("a/l", "../b", "../b", false);
	rel("l", "x/y", "x/y", false);
}

static void test_add__absolute_inside_becomes_relative(void **s)
{
	(void)s;
	rel("l", "/w/d/f", "d/f", false);
	rel("a/b/l", "/w/a/c/d", "../c/d", false);
	rel("a/b/l", "/w/a/b/c", "c", false);
	rel("a/b/l", "/w/x", "../../x", false);
	rel("a/b/l", "/w/a", "..", false);
	rel("a/l", "/w/a", ".", false);
	rel("l", "/w", ".", false);
	rel("a/l", "/w/", "..", false);
	rel("ab/l", "/w/a/bc", "../a/bc", false); /* no false prefix match */
}

static void test_add__absolute_outside_is_flagged(void **s)
{
	(void)s;
	rel("l", "/etc/passwd", "/etc/passwd", true);
	rel("l", "/wx/f", "/wx/f", true); /* "/w" is not a prefix of "/wx" */
	rel("l", "C:/Windows", "C:/Windows", true);
}

static void test_add__junction_above_staged_files(void **s)
{
	static fake_disk disk[] = {
		{ "jn", GSYM_FT_JUNCTION, "/w/lib", { 0 }, { 0 } },
		{ "d", GSYM_FT_DIR, NULL, { 0 }, { 0 } },
		{ "d/jn2", GSYM_FT_JUNCTION, "/w/lib", { 0 }, { 0 } },
	};
	fake_world world = { NULL, 0, disk, 3, 0, 0, 0 };
	gsym_buf out = GSYM_BUF_INIT;
	gsym_view view;

	(void)s;
	fake_view_init(&view, &world);
	assert_true(gsym_guard_junction_above(&out, &view, "jn/a/b.txt"));
	assert_string_equal("jn", out.ptr);
	assert_true(gsym_guard_junction_above(&out, &view, "d/jn2/x"));
	assert_string_equal("d/jn2", out.ptr);
	assert_false(gsym_guard_junction_above(&out, &view, "d/x"));
	assert_false(gsym_guard_junction_above(&out, &view, "jn"));
	gsym_buf_dispose(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(test_add__relative_targets_are_kept),
		UNIT_TEST(test_add__absolute_inside_becomes_relative),
		UNIT_TEST(test_add__absolute_outside_is_flagged),
		UNIT_TEST(test_add__junction_above_staged_files),
	};

	return cmocka_run_group_tests_name("add", tests, NULL, NULL);
}
