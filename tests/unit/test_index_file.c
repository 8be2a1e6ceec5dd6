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

typedef struct {
	unsigned char b[65536];
	size_t n;
	unsigned int version;
	char prev[8192]; /* the last path, for v4 compression */
} builder;

static void put32(builder *w, uint32_t v)
{
	w->b[w->n++] = (unsigned char)(v >> 24);
	w->b[w->n++] = (unsigned char)(v >> 16);
	w->b[w->n++] = (unsigned char)(v >> 8);
	w->b[w->n++] = (unsigned char)v;
}

static void start(builder *w, unsigned int version, uint32_t count)
{
	memset(w, 0, sizeof(*w));
	w->version = version;
	memcpy(w->b, "DIRC", 4);
	w->n = 4;
	put32(w, version);
	put32(w, count);
}

/* One entry: mode, a stat whose mtime nsec is `nsec`, id byte `id`. */
static void entry(builder *w, const char *path, uint32_t mode, uint16_t ext,
	unsigned int stage, uint32_t nsec, unsigned char id)
{
	size_t start_at = w->n, len = strlen(path), i;
	uint16_t flags = (uint16_t)((len < 0xfff ? len : 0xfff) |
		(stage << 12) | (ext ? 0x4000 : 0));

	for (i = 0; i < 10; i++) /* ctime, mtime, dev, ino, mode, ... */
		put32(w, i == 3 ? nsec : i == 6 ? mode : (uint32_t)i);
	memset(w->b + w->n, id, 20);
	w->n += 20;
	w->b[w->n++] = (unsigned char)(flags >> 8);
	w->b[w->n++] = (unsigned char)flags;
	if (ext) {
		w->b[w->n++] = (unsigned char)(ext >> 8);
		w->b[w->n++] = (unsigned char)ext;
	}
	if (w->version == 4) {
		size_t common = 0, strip;

		while (w->prev[common] && w->prev[common] == path[common])
			common++;
		strip = strlen(w->prev) - common;
		assert_true(strip < 128); /* one varint byte is enough here */
		w->b[w->n++] = (unsigned char)strip;
		memcpy(w->b + w->n, path + common, len - common + 1);
		w->n += len - common + 1;
		strcpy(w->prev, path);
	} else {
		memcpy(w->b + w->n, path, len);
		w->n += len;
		do /* 1 to 8 NULs, to a multiple of 8 */
			w->b[w->n++] = 0;
		while ((w->n - start_at) % 8);
	}
}

static void extension(builder *w, const char *sig, uint32_t size)
{
	memcpy(w->b + w->n, sig, 4);
	w->n += 4;
	put32(w, size);
	memset(w->b + w->n, 'x', size);
	w->n += size;
}

static void finish(builder *w)
{
	memset(w->b + w->n, 0xab, 20); /* never checked, as git does not */
	w->n += 20;
}

static int parse(gsym_index_file *f, const builder *w)
{
	memset(f, 0, sizeof(*f));
	f->data = w->b;
	f->size = w->n;
	return gsym_index_file_parse(f);
}

static void three_entries(builder *w, unsigned int version)
{
	start(w, version, 4);
	entry(w, "a/file", 0100644, 0, 0, 7, 1);
	entry(w, "a/link", 0120000, version >= 3 ? GSYM_INDEX_SKIP_WORKTREE : 0,
		0, 300, 2);
	entry(w, "b", 0160000, 0, 0, 0, 3);
	entry(w, "b/link", 0120000, 0, 0, 0, 4);
	extension(w, "TREE", 12);
	finish(w);
}

static void test_index__versions(void **state)
{
	unsigned int v;

	(void)state;
	for (v = 2; v <= 4; v++) {
		builder w;
		gsym_index_file f;
		gsym_istat st;

		three_entries(&w, v);
		assert_int_equal(parse(&f, &w), 0);
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
	builder w;
	gsym_index_file f;

	(void)state;
	memset(longname, 'n', sizeof(longname) - 1);
	memcpy(longname, "d/", 2);
	start(&w, 2, 4);
	entry(&w, "c", 0100644, 0, 1, 0, 1);
	entry(&w, "c", 0100644, 0, 2, 0, 2);
	entry(&w, "c", 0100644, 0, 3, 0, 3);
	entry(&w, longname, 0120000, 0, 0, 0, 4); /* length 0xfff: a NUL */
	finish(&w);
	assert_int_equal(parse(&f, &w), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(gsym_index_file_find(&f, "c"), 0);
	assert_int_equal(gsym_index_item_stage(&f.v[2]), 3);
	assert_int_equal(strlen(f.v[3].path), sizeof(longname) - 1);
	gsym_index_file_dispose(&f);
}

static void test_index__handed_to_libgit2(void **state)
{
	builder w;
	gsym_index_file f;
	size_t full;

	(void)state;
	/* a split index: mandatory extension, named for the message */
	three_entries(&w, 2);
	w.n -= 20;
	extension(&w, "link", 20);
	finish(&w);
	assert_int_equal(parse(&f, &w), GSYM_EUNSUPPORTED);
	assert_string_equal(f.extension, "link");
	assert_int_equal(f.n, 4); /* the entries stay for the explanation */
	gsym_index_file_dispose(&f);

	/* out of order: look-ups would lie */
	start(&w, 2, 2);
	entry(&w, "b", 0100644, 0, 0, 0, 1);
	entry(&w, "a", 0100644, 0, 0, 0, 2);
	finish(&w);
	assert_int_equal(parse(&f, &w), GSYM_EUNSUPPORTED);
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
		error = parse(&f, &w);
		if (w.n < full - 40)
			assert_int_not_equal(error, 0);
		gsym_index_file_dispose(&f);
	}

	/* extended flags in a version 2 index */
	start(&w, 2, 1);
	w.version = 3;
	entry(&w, "a", 0100644, GSYM_INDEX_SKIP_WORKTREE, 0, 0, 1);
	finish(&w);
	assert_int_equal(parse(&f, &w), GSYM_EUNSUPPORTED);
	gsym_index_file_dispose(&f);

	/* more entries announced than bytes could hold */
	start(&w, 2, 100000);
	finish(&w);
	assert_int_equal(parse(&f, &w), GSYM_EUNSUPPORTED);
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
		builder w;
		gsym_index_file f;
		gsym_buf why = GSYM_BUF_INIT;

		start(&w, 2, 1);
		entry(&w, bad[i], 0100644, 0, 0, 0, 1);
		finish(&w);
		assert_int_equal(parse(&f, &w), 0);
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
		builder w;
		gsym_index_file f;

		start(&w, 2, 1);
		entry(&w, fine[i], 0100644, 0, 0, 0, 1);
		finish(&w);
		assert_int_equal(parse(&f, &w), 0);
		assert_false(gsym_index_file_explain(NULL, &f,
			GSYM_VALIDATE_ANY_ENTRY));
		gsym_index_file_dispose(&f);
	}
}

/* Windows' own rules are not in the cheap filter: every path is checked. */
static void test_index__windows_rules_not_filtered(void **state)
{
	builder w;
	gsym_index_file f;

	(void)state;
	start(&w, 2, 1);
	entry(&w, "docs/con.txt", 0100644, 0, 0, 0, 1);
	finish(&w);
	assert_int_equal(parse(&f, &w), 0);
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
