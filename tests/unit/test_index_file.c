/*
 * The index reader over index files built byte by byte: versions 2 to 4,
 * extended flags, long names, prefix compression, and what it must hand
 * over to libgit2 (mandatory extensions, disorder, truncation). Real git
 * indexes of each version are read in e2e/test_restore.sh.
 */
#include "unit.h"
#include <string.h>

#include "git/index_file.h"
#include "pipeline/validate.h"
#include "index_builder.h"

static void three_entries(index_builder *w, unsigned int version)
{
	index_builder_start(w, version, 4);
	index_builder_entry(w, "a/file", 0100644, 0, 0, 7, 1);
	index_builder_entry(w, "a/link", 0120000,
		version >= 3 ? GSYM_INDEX_SKIP_WORKTREE : 0, 0, 300, 2);
	index_builder_entry(w, "b", 0160000, 0, 0, 0, 3);
	index_builder_entry(w, "b/link", 0120000, 0, 0, 0, 4);
	index_builder_extension(w, "TREE", 12);
	index_builder_finish(w);
}

static void test_index__versions(void **state)
{
	unsigned int v;

	(void)state;
	for (v = 2; v <= 4; v++) {
		index_builder w;
		gsym_index_file f;
		gsym_istat st;

		three_entries(&w, v);
		assert_int_equal(index_builder_parse(&f, &w), 0);
		assert_int_equal(f.version, v);
		assert_int_equal(f.n, 4);
		assert_string_equal(f.v[0].path, "a/file");
		assert_string_equal(f.v[1].path, "a/link");
		assert_string_equal(f.v[3].path, "b/link");
		assert_int_equal(gsym_index_item_mode(&f.v[1]), 0120000);
		assert_int_equal(gsym_index_item_mode(&f.v[2]), 0160000);
		assert_int_equal(gsym_index_item_id(&f.v[3])[19], 4);
		gsym_index_item_istat(&st, &f.v[1]);
		assert_int_equal(st.mtime_nsec, 300);
		assert_int_equal(st.size, 9);
		assert_int_equal(f.v[1].ext_flags,
			v >= 3 ? GSYM_INDEX_SKIP_WORKTREE : 0);
		assert_int_equal(gsym_index_file_find(&f, "a/link"), 1);
		assert_int_equal(gsym_index_file_find(&f, "a"), -1);
		assert_true(gsym_index_file_has_prefix(&f, "a/"));
		assert_false(gsym_index_file_has_prefix(&f, "c/"));
		assert_false(gsym_index_file_explain(NULL, &f, 0));
		gsym_index_file_dispose(&f);
	}
}

static void test_index__stages_and_long_names(void **state)
{
	static char longname[5000];
	index_builder w;
	gsym_index_file f;

	(void)state;
	memset(longname, 'n', sizeof(longname) - 1);
	memcpy(longname, "d/", 2);
	index_builder_start(&w, 2, 4);
	index_builder_entry(&w, "c", 0100644, 0, 1, 0, 1);
	index_builder_entry(&w, "c", 0100644, 0, 2, 0, 2);
	index_builder_entry(&w, "c", 0100644, 0, 3, 0, 3);
	index_builder_entry(&w, longname, 0120000, 0, 0, 0,
		4); /* length 0xfff: a NUL */
	index_builder_finish(&w);
	assert_int_equal(index_builder_parse(&f, &w), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(gsym_index_file_find(&f, "c"), 0);
	assert_int_equal(gsym_index_item_stage(&f.v[2]), 3);
	assert_int_equal(strlen(f.v[3].path), sizeof(longname) - 1);
	gsym_index_file_dispose(&f);
}

static void test_index__handed_to_libgit2(void **state)
{
	index_builder w;
	gsym_index_file f;
	size_t full;

	(void)state;
	/* a split index: mandatory extension, named for the message */
	three_entries(&w, 2);
	w.n -= 20;
	index_builder_extension(&w, "link", 20);
	index_builder_finish(&w);
	assert_int_equal(index_builder_parse(&f, &w), GSYM_EUNSUPPORTED);
	assert_string_equal(f.extension, "link");
	assert_int_equal(f.n, 4); /* the entries stay for the explanation */
	gsym_index_file_dispose(&f);

	/* out of order: look-ups would lie */
	index_builder_start(&w, 2, 2);
	index_builder_entry(&w, "b", 0100644, 0, 0, 0, 1);
	index_builder_entry(&w, "a", 0100644, 0, 0, 0, 2);
	index_builder_finish(&w);
	assert_int_equal(index_builder_parse(&f, &w), GSYM_EUNSUPPORTED);
	gsym_index_file_dispose(&f);

	/*
	 * Truncated anywhere: never read past the end (ASan watches), and
	 * fail once entries are cut. (Cutting exactly the last extension
	 * leaves a well-formed index: only the unchecked checksum knows.)
	 */
	three_entries(&w, 4);
	for (full = w.n; w.n > 0;) {
		int error;

		w.n--;
		error = index_builder_parse(&f, &w);
		if (w.n < full - 40)
			assert_int_not_equal(error, 0);
		gsym_index_file_dispose(&f);
	}

	/* extended flags in a version 2 index */
	index_builder_start(&w, 2, 1);
	w.version = 3;
	index_builder_entry(&w, "a", 0100644, GSYM_INDEX_SKIP_WORKTREE, 0, 0,
		1);
	index_builder_finish(&w);
	assert_int_equal(index_builder_parse(&f, &w), GSYM_EUNSUPPORTED);
	gsym_index_file_dispose(&f);

	/* more entries announced than bytes could hold */
	index_builder_start(&w, 2, 100000);
	index_builder_finish(&w);
	assert_int_equal(index_builder_parse(&f, &w), GSYM_EUNSUPPORTED);
	gsym_index_file_dispose(&f);
}

static void test_index__refused_paths(void **state)
{
	static const char *bad[] = { ".GIT/x", "a/../b", "git~1/x", "a//b",
		"a/.git./x", "x/.git" };
	static const char *fine[] = { ".gitmodules", ".github/ci.yml",
		"a/b.c/d.e", "name with spaces" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		index_builder w;
		gsym_index_file f;
		gsym_buf why = GSYM_BUF_INIT;

		index_builder_start(&w, 2, 1);
		index_builder_entry(&w, bad[i], 0100644, 0, 0, 0, 1);
		index_builder_finish(&w);
		assert_int_equal(index_builder_parse(&f, &w), 0);
		assert_true(gsym_index_file_explain(NULL, &f,
			GSYM_VALIDATE_ANY_ENTRY));
		assert_int_equal(gsym_index_explain_buf(&why, w.b, w.n,
					 GSYM_VALIDATE_ANY_ENTRY),
			1);
		assert_non_null(strstr(why.ptr, bad[i]));
		gsym_buf_dispose(&why);
		gsym_index_file_dispose(&f);
	}
	for (i = 0; i < sizeof(fine) / sizeof(*fine); i++) {
		index_builder w;
		gsym_index_file f;

		index_builder_start(&w, 2, 1);
		index_builder_entry(&w, fine[i], 0100644, 0, 0, 0, 1);
		index_builder_finish(&w);
		assert_int_equal(index_builder_parse(&f, &w), 0);
		assert_false(gsym_index_file_explain(NULL, &f,
			GSYM_VALIDATE_ANY_ENTRY));
		gsym_index_file_dispose(&f);
	}
}

/* Windows' own rules are not in the cheap filter: every path is checked. */
static void test_index__windows_rules_not_filtered(void **state)
{
	index_builder w;
	gsym_index_file f;

	(void)state;
	index_builder_start(&w, 2, 1);
	index_builder_entry(&w, "docs/con.txt", 0100644, 0, 0, 0, 1);
	index_builder_finish(&w);
	assert_int_equal(index_builder_parse(&f, &w), 0);
	assert_false(gsym_index_file_explain(NULL, &f, 0));
	assert_true(gsym_index_file_explain(NULL, &f, GSYM_VALIDATE_WINDOWS));
	gsym_index_file_dispose(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(test_index__versions),
		UNIT_TEST(test_index__stages_and_long_names),
		UNIT_TEST(test_index__handed_to_libgit2),
		UNIT_TEST(test_index__refused_paths),
		UNIT_TEST(test_index__windows_rules_not_filtered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
