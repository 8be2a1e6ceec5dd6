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
#include "tmpdir.h"

#include <stdio.h>

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
static void write_bytes(const char *path, const unsigned char *b, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(b, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/*
 * A version 2 index of `count` entries, every seventh a link, larger
 * than the window the count walks it through; returns its size.
 */
static size_t big_index(unsigned char *b, uint32_t count)
{
	size_t n = 12;
	uint32_t i;

	memcpy(b, "DIRC", 4);
	put32(b + 4, 2);
	put32(b + 8, count);
	for (i = 0; i < count; i++) {
		char name[32];
		size_t len = (size_t)snprintf(name, sizeof(name), "d/%07u",
			(unsigned int)i);

		memset(b + n, 0, 62);
		put32(b + n + 24, i % 7 ? 0100644 : 0120000);
		b[n + 60] = 0;
		b[n + 61] = (unsigned char)len;
		memcpy(b + n + 62, name, len);
		n += (62 + len + 8) / 8 * 8; /* NUL-padded */
	}
	memset(b + n, 0, 20); /* the checksum, unchecked */
	return n + 20;
}

/* The walk's count of link and submodule entries. */
static int count_links(size_t *links, const char *path)
{
	gsym_index_links l;
	int error = gsym_index_file_walk_links(&l, path, NULL);

	*links = l.links;
	return error;
}

static void test_index__count_links(void **state)
{
	static unsigned char big[20000 * 80 + 64];
	gsym_buf dir = GSYM_BUF_INIT, path = GSYM_BUF_INIT;
	unsigned int v;
	size_t links, n;

	(void)state;
	tmpdir_make(&dir, "count");
	gsym_buf_printf(&path, "%s/index", dir.ptr);
	for (v = 2; v <= 4; v++) {
		index_builder w;

		three_entries(&w, v); /* a link, a submodule, a link */
		write_bytes(path.ptr, w.b, w.n);
		assert_int_equal(count_links(&links, path.ptr), 0);
		assert_int_equal(links, 3);
		/* cut short: not walked, the caller reads it in full */
		write_bytes(path.ptr, w.b, w.n / 2);
		assert_int_equal(count_links(&links, path.ptr),
			GSYM_EUNSUPPORTED);
	}
	memset(big, 0, sizeof(big));
	n = big_index(big, 20000);
	assert_true(n > 1024 * 1024); /* several windows */
	write_bytes(path.ptr, big, n);
	assert_int_equal(count_links(&links, path.ptr), 0);
	assert_int_equal(links, (20000 + 6) / 7);
	assert_int_equal(count_links(&links, "/nonexistent/x"), GSYM_ENOTFOUND);
	tmpdir_remove(dir.ptr);
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&path);
	gsym_error_clear();
}

/* An index of one file whose TREE extension holds `tree`, then FSMN. */
static void with_tree(index_builder *w, const char *tree, size_t len)
{
	index_builder_start(w, 2, 1);
	index_builder_entry(w, "f", 0100644, 0, 0, 0, 1);
	index_builder_extension_data(w, "TREE", tree, (uint32_t)len);
	index_builder_extension(w, "FSMN", 16);
	index_builder_finish(w);
}

static void test_index__walk_finds_the_tree_root(void **state)
{
	static const char valid[] = "\0"
				    "1 1\n"
				    "ABCDEFGHIJKLMNOPQRST"
				    "sub\0"
				    "1 0\n"
				    "abcdefghijklmnopqrst";
	static const char invalid[] = "\0"
				      "-1 1\n"
				      "sub\0"
				      "1 0\n"
				      "abcdefghijklmnopqrst";
	gsym_buf dir = GSYM_BUF_INIT, path = GSYM_BUF_INIT;
	index_builder w;
	gsym_index_links l;

	(void)state;
	tmpdir_make(&dir, "root");
	gsym_buf_printf(&path, "%s/index", dir.ptr);
	with_tree(&w, valid, sizeof(valid) - 1);
	write_bytes(path.ptr, w.b, w.n);
	assert_int_equal(gsym_index_file_walk_links(&l, path.ptr, NULL), 0);
	assert_true(l.root_valid);
	assert_memory_equal(l.root, "ABCDEFGHIJKLMNOPQRST", 20);
	/* the root invalid (an entry staged since): no tree */
	with_tree(&w, invalid, sizeof(invalid) - 1);
	write_bytes(path.ptr, w.b, w.n);
	assert_int_equal(gsym_index_file_walk_links(&l, path.ptr, NULL), 0);
	assert_false(l.root_valid);
	/* cut inside the root's id: no tree */
	with_tree(&w, valid, 10);
	write_bytes(path.ptr, w.b, w.n);
	assert_int_equal(gsym_index_file_walk_links(&l, path.ptr, NULL), 0);
	assert_false(l.root_valid);
	/* no TREE: none */
	three_entries(&w, 2); /* its TREE is 'x' bytes: not a root */
	write_bytes(path.ptr, w.b, w.n);
	assert_int_equal(gsym_index_file_walk_links(&l, path.ptr, NULL), 0);
	assert_false(l.root_valid);
	tmpdir_remove(dir.ptr);
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&path);
}

static void test_index__tail_root_without_a_walk(void **state)
{
	static const char valid[] = "\0"
				    "1 0\n"
				    "ABCDEFGHIJKLMNOPQRST";
	static const char invalid[] = "\0"
				      "-1 0\n";
	gsym_buf dir = GSYM_BUF_INIT, path = GSYM_BUF_INIT;
	unsigned char root[20];
	index_builder w;
	bool ok;

	(void)state;
	tmpdir_make(&dir, "tail");
	gsym_buf_printf(&path, "%s/index", dir.ptr);
	/* an entry whose path holds "TREE": no chain from there */
	index_builder_start(&w, 2, 2);
	index_builder_entry(&w, "TREE", 0100644, 0, 0, 0, 1);
	index_builder_entry(&w, "f", 0100644, 0, 0, 0, 2);
	index_builder_extension_data(&w, "TREE", valid, sizeof(valid) - 1);
	index_builder_extension(&w, "FSMN", 16);
	index_builder_finish(&w);
	write_bytes(path.ptr, w.b, w.n);
	assert_int_equal(gsym_index_file_tail_root(&ok, root, path.ptr), 0);
	assert_true(ok);
	assert_memory_equal(root, "ABCDEFGHIJKLMNOPQRST", 20);
	/* the root invalid */
	with_tree(&w, invalid, sizeof(invalid) - 1);
	write_bytes(path.ptr, w.b, w.n);
	assert_int_equal(gsym_index_file_tail_root(&ok, root, path.ptr), 0);
	assert_false(ok);
	/* a split index ("link", lower case): not this reader's */
	index_builder_start(&w, 2, 1);
	index_builder_entry(&w, "f", 0100644, 0, 0, 0, 1);
	index_builder_extension_data(&w, "TREE", valid, sizeof(valid) - 1);
	index_builder_extension(&w, "link", 20);
	index_builder_finish(&w);
	write_bytes(path.ptr, w.b, w.n);
	assert_int_equal(gsym_index_file_tail_root(&ok, root, path.ptr), 0);
	assert_false(ok);
	/* no extension at all */
	index_builder_start(&w, 2, 1);
	index_builder_entry(&w, "TREE", 0100644, 0, 0, 0, 1);
	index_builder_finish(&w);
	write_bytes(path.ptr, w.b, w.n);
	assert_int_equal(gsym_index_file_tail_root(&ok, root, path.ptr), 0);
	assert_false(ok);
	assert_int_equal(gsym_index_file_tail_root(&ok, root, "/nonexistent/x"),
		GSYM_ENOTFOUND);
	tmpdir_remove(dir.ptr);
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&path);
	gsym_error_clear();
}

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
		UNIT_TEST(test_index__count_links),
		UNIT_TEST(test_index__walk_finds_the_tree_root),
		UNIT_TEST(test_index__tail_root_without_a_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
