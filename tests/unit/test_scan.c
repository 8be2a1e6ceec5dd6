/*
 * Scan: which index entries become link entries, what each carries over
 * from the index, and which a pathspec (with the current directory's
 * prefix) selects. The index is built byte by byte (index_builder.h).
 */
#include "unit.h"
#include <git2.h>
#include <string.h>

#include "git/changes.h"
#include "git/scan.h"
#include "index_builder.h"

static index_builder w;
static gsym_index_file f;
static gsym_entries entries; /* disposed after each case: empty again */

/*
 * Files, a submodule, a conflicted link, a skip-worktree link and links
 * at several depths, in the index's own order.
 */
static int setup(void **state)
{
	(void)state;
	index_builder_start(&w, 3, 11);
	index_builder_entry(&w, "README", 0100644, 0, 0, 0, 1);
	index_builder_entry(&w, "a/file", 0100644, 0, 0, 0, 2);
	index_builder_entry(&w, "a/link", 0120000, 0, 0, 300, 3);
	index_builder_entry(&w, "a/sub/deep", 0120000, 0, 0, 0, 4);
	index_builder_entry(&w, "b.lnk", 0120000, GSYM_INDEX_SKIP_WORKTREE, 0,
		0, 5);
	index_builder_entry(&w, "c", 0120000, 0, 1, 0, 6);
	index_builder_entry(&w, "c", 0120000, 0, 2, 0, 7);
	index_builder_entry(&w, "c", 0120000, 0, 3, 0, 8);
	index_builder_entry(&w, "mod", 0160000, 0, 0, 0, 9);
	index_builder_entry(&w, "top", 0120000, 0, 0, 0, 10);
	index_builder_entry(&w, "x/y.lnk", 0120000, 0, 0, 0, 11);
	index_builder_finish(&w);
	assert_int_equal(0, index_builder_parse(&f, &w));
	gsym_error_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gsym_entries_dispose(&entries);
	gsym_index_file_dispose(&f);
	return 0;
}

/* Scan with `spec` (NULL-terminated) from directory `prefix`. */
static void scan(const char *prefix, const char **spec)
{
	size_t n = 0;

	while (spec && spec[n])
		n++;
	assert_int_equal(0, gsym_scan(&entries, &f, prefix, (char **)spec, n));
}

/* The selected entries' paths, space-separated. */
static const char *selected(void)
{
	static char out[512];
	size_t i;

	out[0] = '\0';
	for (i = 0; i < entries.n; i++) {
		if (!(entries.v[i].flags & GSYM_ENTRY_SELECTED))
			continue;
		if (out[0])
			strcat(out, " ");
		strcat(out, entries.v[i].path);
	}
	return out;
}

static void test_scan__only_stage_zero_links(void **state)
{
	(void)state;
	scan("", NULL);
	assert_int_equal(5, entries.n);
	assert_string_equal("a/link", entries.v[0].path);
	assert_string_equal("a/sub/deep", entries.v[1].path);
	assert_string_equal("b.lnk", entries.v[2].path);
	assert_string_equal("top", entries.v[3].path);
	assert_string_equal("x/y.lnk", entries.v[4].path);
	/* no pathspec: every link is selected */
	assert_string_equal("a/link a/sub/deep b.lnk top x/y.lnk", selected());
}

static void test_scan__entry_carries_the_index_facts(void **state)
{
	gsym_entry *e;

	(void)state;
	scan("", NULL);
	e = gsym_entries_find(&entries, "a/link");
	assert_non_null(e);
	assert_int_equal(3, e->id[0]);
	assert_int_equal(3, e->id[19]);
	assert_int_equal(300, e->istat.mtime_nsec);
	assert_int_equal(5, e->istat.ino); /* the builder's stat counts up */
	assert_int_equal(9, e->istat.size);
	assert_false(e->flags & GSYM_ENTRY_SKIP_WORKTREE);
	/* the planner's fields start empty */
	assert_null(e->resolved);
	assert_null(e->message);
	assert_state_equal(GSYM_VERDICT_OK, e->verdict);
	assert_action_equal(GSYM_ACT_NONE, e->action);

	e = gsym_entries_find(&entries, "b.lnk");
	assert_non_null(e);
	assert_true(e->flags & GSYM_ENTRY_SKIP_WORKTREE);
}

static void test_scan__find(void **state)
{
	gsym_entries none = { NULL, 0 };

	(void)state;
	scan("", NULL);
	assert_ptr_equal(&entries.v[4], gsym_entries_find(&entries, "x/y.lnk"));
	assert_null(gsym_entries_find(&entries, "a/file")); /* not a link */
	assert_null(gsym_entries_find(&entries, "c")); /* conflicted */
	assert_null(gsym_entries_find(&entries, "a"));
	assert_null(gsym_entries_find(&none, "a/link"));
}

/*
 * Scanned from directory `prefix` with pathspec `spec` (NULL-terminated),
 * every link is still listed, and the ones in `want` are selected.
 */
static void expect_selected(const char *prefix, const char **spec,
	const char *want)
{
	scan(prefix, spec);
	assert_int_equal(5, entries.n);
	assert_string_equal(want, selected());
	gsym_entries_dispose(&entries);
}

#define SPEC(...) ((const char *[]){ __VA_ARGS__, NULL })

static void test_scan__pathspec_selects(void **state)
{
	(void)state;
	expect_selected("", SPEC("a/"), "a/link a/sub/deep");
	expect_selected("", SPEC("a"), "a/link a/sub/deep");
	expect_selected("", SPEC("top", "x/y.lnk"), "top x/y.lnk");
	/* git's wildcards cross '/' */
	expect_selected("", SPEC("*.lnk"), "b.lnk x/y.lnk");
	expect_selected("", SPEC("nowhere"), "");
}

static void test_scan__prefix_of_the_current_directory(void **state)
{
	(void)state;
	/* "." is the current directory */
	expect_selected("a/", SPEC("."), "a/link a/sub/deep");
	expect_selected("a/", SPEC("link"), "a/link");
	expect_selected("a/", SPEC("../top"), "top");
	/* ":/" names the top, whatever the prefix */
	expect_selected("a/", SPEC(":/top"), "top");
	expect_selected("a/", SPEC("./sub/../link"), "a/link");
}

static void test_scan__pathspec_leaving_the_tree_fails(void **state)
{
	(void)state;
	assert_int_not_equal(0,
		gsym_scan(&entries, &f, "a/", (char **)SPEC("../../x"), 1));
	assert_non_null(gsym_error_last());
	assert_int_equal(0, entries.n);
}

/* A sorted path list: the path, what is below it, what is above. */
static void test_scan__strlist_touches(void **state)
{
	static const char *const in[] = { "a/b/c", "a/b-x", "d", "e/f/" };
	gsym_strlist set = GSYM_STRLIST_INIT;
	size_t i;

	(void)state;
	assert_false(gsym_strlist_touches(&set, "a"));
	assert_true(gsym_strlist_touches(&set, NULL));
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		gsym_strlist_adds(&set, in[i]);
	gsym_strlist_sort(&set);
	assert_true(gsym_strlist_touches(&set, "a/b/c")); /* itself */
	assert_true(gsym_strlist_touches(&set, "a/b")); /* below it */
	assert_true(gsym_strlist_touches(&set, "a"));
	assert_true(gsym_strlist_touches(&set, "a/b/c/d/e")); /* above it */
	assert_true(gsym_strlist_touches(&set, "d/x"));
	assert_true(gsym_strlist_touches(&set, "a/b-x"));
	assert_false(gsym_strlist_touches(&set, "a/b-")); /* a name's start */
	assert_false(gsym_strlist_touches(&set, "a/b/cd"));
	assert_false(gsym_strlist_touches(&set, "a/bb"));
	assert_false(gsym_strlist_touches(&set, "dd"));
	assert_false(gsym_strlist_touches(&set, "b"));
	assert_true(gsym_strlist_touches(&set, "e"));
	assert_true(gsym_strlist_has(&set, "d"));
	assert_false(gsym_strlist_has(&set, "a/b"));
	assert_true(gsym_strlist_covers(&set, "a/b/c/d")); /* a parent */
	assert_true(gsym_strlist_covers(&set, "d"));
	assert_false(gsym_strlist_covers(&set, "a/b")); /* not below */
	assert_false(gsym_strlist_covers(&set, "a/b-x-y"));
	{
		size_t first;

		/* below a directory: "a/b/c", not "a/b-x" (sorted before it) */
		assert_int_equal(1, gsym_strlist_below(&set, "a/b", &first));
		assert_string_equal("a/b/c", set.v[first]);
		assert_int_equal(2, gsym_strlist_below(&set, "a", &first));
		assert_int_equal(0, gsym_strlist_below(&set, "d", &first));
		assert_int_equal(1, gsym_strlist_below(&set, "e/f", &first));
		assert_int_equal(0, gsym_strlist_below(&set, "e/f/", &first));
	}
	gsym_strlist_adds(&set, "d");
	gsym_strlist_unique(&set);
	assert_int_equal(4, set.n);
	gsym_strlist_remove(&set, "d");
	assert_false(gsym_strlist_has(&set, "d"));
	assert_true(gsym_strlist_has(&set, "e/f/"));
	gsym_strlist_dispose(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_scan__only_stage_zero_links),
		T(test_scan__entry_carries_the_index_facts),
		T(test_scan__find),
		T(test_scan__strlist_touches),
		T(test_scan__pathspec_selects),
		T(test_scan__prefix_of_the_current_directory),
		T(test_scan__pathspec_leaving_the_tree_fails),
#undef T
	};

	git_libgit2_init();
	return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
