/*
 * The state file and its journal in a real $GIT_DIR: what is written is
 * read back, a torn or corrupt file loses only its bad lines, the journal
 * is folded in, and paths with tabs, newlines and backslashes survive.
 */
#include "unit.h"
#include <string.h>

#include "pipeline/state.h"
#include "platform/platform.h"
#include "tmpdir.h"
#include "util/sha1.h"
#include "util/util.h"

#define HEADER "# git-symlinks state 1\n"
#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_BAD "zzbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* Disposed after each case, which leaves them empty for the next. */
static gsym_buf gitdir, path, text;
static gsym_state_file st, again;

static int setup(void **state)
{
	(void)state;
	tmpdir_make(&gitdir, "state");
	gsym_error_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gsym_state_dispose(&st);
	gsym_state_dispose(&again);
	tmpdir_remove(gitdir.ptr);
	gsym_buf_dispose(&gitdir);
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&text);
	return 0;
}

/* $GIT_DIR/symlinks/<name> */
static const char *file(const char *name)
{
	gsym_buf_sets(&path, gitdir.ptr);
	gsym_buf_puts(&path, "symlinks/");
	gsym_buf_puts(&path, name);
	return path.ptr;
}

static bool exists(const char *name)
{
	gsym_stat s;

	return gsym_platform_lstat(&s, file(name)) == 0;
}

/* Write $GIT_DIR/symlinks/<name> by hand. */
static void write_file(const char *name, const char *content)
{
	int error;

	gsym_buf_sets(&path, gitdir.ptr);
	gsym_buf_puts(&path, "symlinks");
	error = gsym_platform_mkdir(path.ptr);
	assert_true(error == 0 || error == GSYM_EEXISTS);
	tmpdir_write(file(name), content);
}

static gsym_record record(const char *p, gsym_kind kind, gsym_type type,
	unsigned char fill)
{
	gsym_record r;

	memset(&r, 0, sizeof(r));
	r.path = (char *)p;
	r.kind = kind;
	r.type = type;
	memset(r.blob, fill, sizeof(r.blob));
	memset(r.hash, (unsigned char)(fill + 1), sizeof(r.hash));
	r.size = 1234567890123ULL;
	r.mtime_sec = -5; /* before 1970: a FAT time can be */
	r.mtime_nsec = 999999999;
	r.ino = 18446744073709551615ULL;
	return r;
}

static void assert_record_equal(const gsym_record *want, const gsym_record *r)
{
	assert_non_null(r);
	assert_string_equal(want->path, r->path);
	assert_kind_equal(want->kind, r->kind);
	assert_type_equal(want->type, r->type);
	assert_memory_equal(want->blob, r->blob, sizeof(r->blob));
	assert_memory_equal(want->hash, r->hash, sizeof(r->hash));
	assert_true(want->size == r->size);
	assert_true(want->mtime_sec == r->mtime_sec);
	assert_int_equal(want->mtime_nsec, r->mtime_nsec);
	assert_true(want->ino == r->ino);
	if (want->src)
		assert_string_equal(want->src, r->src);
	else
		assert_null(r->src);
}

static void load(gsym_state_file *out)
{
	gsym_state_dispose(out);
	assert_int_equal(0, gsym_state_load(out, gitdir.ptr));
}

static void test_state__missing_is_empty(void **state)
{
	(void)state;
	load(&st);
	assert_int_equal(0, st.n);
	assert_false(st.links_unsupported);
	assert_int_equal(0, st.touched.n);
	assert_false(st.dirty);
	/* nothing to save: no file, no directory made */
	assert_int_equal(0, gsym_state_save(&st));
	assert_false(exists("state"));
}

static void test_state__round_trip(void **state)
{
	gsym_record a = record("docs/api", GSYM_KIND_COPY, GSYM_TYPE_DIR, 1);
	gsym_record b =
		record("a\tb\nc\\d", GSYM_KIND_HARDLINK, GSYM_TYPE_FILE, 2);
	gsym_record c = record("lib", GSYM_KIND_JUNCTION, GSYM_TYPE_DIR, 3);
	size_t i;

	(void)state;
	a.src = "api";
	b.src = "t\\a\tb\nrget";
	load(&st);
	gsym_state_put(&st, &a);
	gsym_state_put(&st, &b);
	gsym_state_put(&st, &c);
	st.links_unsupported = true;
	assert_true(st.dirty);
	assert_int_equal(0, gsym_state_save(&st));
	assert_false(st.dirty);

	load(&again);
	assert_true(again.links_unsupported);
	assert_int_equal(3, again.n);
	assert_record_equal(&a, gsym_state_find(&again, "docs/api"));
	assert_record_equal(&b, gsym_state_find(&again, "a\tb\nc\\d"));
	assert_record_equal(&c, gsym_state_find(&again, "lib"));
	for (i = 1; i < again.n; i++) /* sorted, for look-ups */
		assert_true(strcmp(again.v[i - 1].path, again.v[i].path) < 0);

	/* one record a line: the odd path is escaped, last on its line */
	tmpdir_read(&text, file("state"));
	assert_true(!strncmp(text.ptr, HEADER "caps links=0\n",
		strlen(HEADER "caps links=0\n")));
	assert_non_null(
		strstr(text.ptr, "\tt\\\\a\\tb\\nrget\ta\\tb\\nc\\\\d\n"));
	assert_non_null(strstr(text.ptr,
		"copy\tdir\t0101010101010101010101010101010101010101\t"
		"0202020202020202020202020202020202020202\t"
		"1234567890123/-5.999999999/18446744073709551615\t"
		"api\tdocs/api\n"));
	assert_false(exists("state.lock"));
}

static void test_state__put_replace_remove(void **state)
{
	gsym_record a = record("x", GSYM_KIND_COPY, GSYM_TYPE_FILE, 1);

	(void)state;
	load(&st);
	gsym_state_put(&st, &a);
	a.kind = GSYM_KIND_HARDLINK;
	a.src = "new";
	gsym_state_put(&st, &a); /* replaced, not added */
	assert_int_equal(1, st.n);
	assert_record_equal(&a, gsym_state_find(&st, "x"));
	gsym_state_remove(&st, "x");
	gsym_state_remove(&st, "never there");
	assert_int_equal(0, st.n);
	assert_null(gsym_state_find(&st, "x"));
}

static void test_state__find_next_in_index_order(void **state)
{
	static const char *const paths[] = { "a", "b/c", "b/d", "e", "f/g", "h",
		"i", "j", "k", "l" };
	size_t i, at = 0;

	(void)state;
	load(&st);
	for (i = 0; i < GSYM_ARRAY_SIZE(paths); i++) {
		gsym_record r = record(paths[i], GSYM_KIND_COPY, GSYM_TYPE_FILE,
			(unsigned char)i);

		gsym_state_put(&st, &r);
	}
	/* in order, with paths between the records: each found, or none */
	assert_null(gsym_state_find_next(&st, "0", &at));
	assert_string_equal("a", gsym_state_find_next(&st, "a", &at)->path);
	assert_null(gsym_state_find_next(&st, "b", &at));
	assert_string_equal("b/d", gsym_state_find_next(&st, "b/d", &at)->path);
	/* past more than the steps: the binary search finds it */
	assert_string_equal("k", gsym_state_find_next(&st, "k", &at)->path);
	/* out of order: still found */
	assert_string_equal("e", gsym_state_find_next(&st, "e", &at)->path);
	/* records taken out before where the last call left off */
	gsym_state_remove(&st, "a");
	gsym_state_remove(&st, "b/c");
	assert_string_equal("f/g", gsym_state_find_next(&st, "f/g", &at)->path);
	assert_null(gsym_state_find_next(&st, "z", &at));
	assert_string_equal("l", gsym_state_find_next(&st, "l", &at)->path);
	assert_null(gsym_state_find_next(&st, "a", &at));
}

static void test_state__no_records_left_removes_the_file(void **state)
{
	gsym_record a = record("x", GSYM_KIND_COPY, GSYM_TYPE_FILE, 1);

	(void)state;
	load(&st);
	gsym_state_put(&st, &a);
	assert_int_equal(0, gsym_state_save(&st));
	assert_true(exists("state"));
	gsym_state_remove(&st, "x");
	assert_int_equal(0, gsym_state_save(&st));
	assert_false(exists("state"));
}

static void test_state__caps_line_alone(void **state)
{
	(void)state;
	write_file("state", HEADER "caps links=0\n");
	load(&st);
	assert_true(st.links_unsupported);
	assert_int_equal(0, st.n);

	/* kept by a save with no records */
	st.dirty = true;
	assert_int_equal(0, gsym_state_save(&st));
	assert_string_equal(HEADER "caps links=0\n",
		tmpdir_read(&text, file("state")));

	/* only the exact line counts */
	write_file("state", HEADER "caps links=00\ncaps links=1\n");
	load(&st);
	assert_false(st.links_unsupported);
}

static void test_state__torn_and_corrupt_lines_are_skipped(void **state)
{
	(void)state;
	write_file("state",
		HEADER
		/* good */
		"copy\tfile\t" HEX_A "\t" HEX_B "\t3/4.5/6\tsrc\tgood\n"
		/* unknown kind, unknown type */
		"symlink\tfile\t" HEX_A "\t" HEX_B "\t3/4.5/6\t\tkind\n"
		"copy\tblob\t" HEX_A "\t" HEX_B "\t3/4.5/6\t\ttype\n"
		/* short and bad hex, a bad stat, no path, too few fields */
		"copy\tfile\taaaa\t" HEX_B "\t3/4.5/6\t\tshort\n"
		"copy\tfile\t" HEX_A "\t" HEX_BAD "\t3/4.5/6\t\tbadhex\n"
		"copy\tfile\t" HEX_A "\t" HEX_B "\tthree\t\tstat\n"
		"copy\tfile\t" HEX_A "\t" HEX_B "\t3/4.5/6\t\t\n"
		"copy\tfile\t" HEX_A "\n"
		"garbage\n"
		"\n"
		/* good, with no source */
		"junction\tdir\t" HEX_B "\t" HEX_A "\t0/0.0/0\t\tgood2\n"
		/* a last line a crash cut short */
		"copy\tfile\t" HEX_A "\t" HEX_B "\t3/4.5/6\tsrc\ttorn");
	load(&st);
	assert_int_equal(2, st.n);
	assert_non_null(gsym_state_find(&st, "good"));
	assert_string_equal("src", gsym_state_find(&st, "good")->src);
	assert_int_equal(3, gsym_state_find(&st, "good")->size);
	assert_int_equal(5, gsym_state_find(&st, "good")->mtime_nsec);
	assert_non_null(gsym_state_find(&st, "good2"));
	assert_null(gsym_state_find(&st, "good2")->src);
	assert_kind_equal(GSYM_KIND_JUNCTION,
		gsym_state_find(&st, "good2")->kind);
	assert_null(gsym_state_find(&st, "torn"));
	assert_null(gsym_state_find(&st, "stat"));
	/* "touch" lines belong to the journal only */
	write_file("state", HEADER "touch\tx\n");
	load(&st);
	assert_int_equal(0, st.touched.n);
}

static void test_state__journal_is_folded_in(void **state)
{
	gsym_record a = record("a", GSYM_KIND_COPY, GSYM_TYPE_FILE, 1);
	gsym_record b = record("new\tone\n", GSYM_KIND_COPY, GSYM_TYPE_DIR, 2);

	(void)state;
	load(&st);
	gsym_state_put(&st, &a);
	assert_int_equal(0, gsym_state_save(&st));

	/* a run that was killed: it journaled a copy and a replacement */
	assert_int_equal(0, gsym_state_journal(&st, &b));
	assert_int_equal(0, gsym_state_journal_touch(&st, "b\\\t\n"));
	assert_true(exists("journal"));
	gsym_state_dispose(&st);

	/* the next run knows both, and must save */
	load(&again);
	assert_true(again.dirty);
	assert_int_equal(2, again.n);
	assert_record_equal(&a, gsym_state_find(&again, "a"));
	assert_record_equal(&b, gsym_state_find(&again, "new\tone\n"));
	assert_int_equal(1, again.touched.n);
	assert_string_equal("b\\\t\n", again.touched.v[0]);

	/* saving folds the journal into the state and drops it */
	assert_int_equal(0, gsym_state_save(&again));
	assert_false(exists("journal"));
	load(&st);
	assert_int_equal(2, st.n);
	assert_int_equal(0, st.touched.n);
}

/*
 * A deep copy updated where it is: killed before its new record was
 * journaled, its record is marked to be made again; after it, not.
 */
static void test_state__sync_killed_marks_the_record(void **state)
{
	gsym_record a = record("dl", GSYM_KIND_COPY, GSYM_TYPE_DIR, 1);
	gsym_record b = record("done", GSYM_KIND_COPY, GSYM_TYPE_DIR, 2);

	(void)state;
	load(&st);
	gsym_state_put(&st, &a);
	gsym_state_put(&st, &b);
	assert_int_equal(0, gsym_state_save(&st));
	assert_int_equal(0, gsym_state_journal_sync(&st, "dl"));
	assert_int_equal(0, gsym_state_journal_sync(&st, "done"));
	b.size = 99; /* its update finished: the new record journaled */
	assert_int_equal(0, gsym_state_journal(&st, &b));
	gsym_state_dispose(&st);

	load(&again);
	assert_true(gsym_state_find(&again, "dl")->resync);
	assert_false(gsym_state_find(&again, "done")->resync);
	assert_int_equal(99, gsym_state_find(&again, "done")->size);
	assert_int_equal(2, again.touched.n);
	/* not written: after a save, the record is no longer marked */
	assert_int_equal(0, gsym_state_save(&again));
	load(&st);
	assert_false(gsym_state_find(&st, "dl")->resync);
}

/* A move aside is journaled; one not done with outlives the journal. */
static void test_state__asides(void **state)
{
	(void)state;
	load(&st);
	/* killed after the move: the next run knows where it went */
	assert_int_equal(0,
		gsym_state_journal_aside(&st, "d\tir", "/g/backup/d\tir"));
	assert_int_equal(0, gsym_state_journal_aside(&st, "done", "/g/b/done"));
	gsym_state_aside_done(&st, "done");
	assert_null(gsym_state_aside_find(&st, "done"));
	gsym_state_dispose(&st);

	load(&again);
	assert_true(again.dirty);
	assert_int_equal(2, again.nasides); /* the journal has both lines */
	assert_string_equal("/g/backup/d\tir",
		gsym_state_aside_find(&again, "d\tir")->dst);
	assert_int_equal(2, again.touched.n); /* the run's cleanup looks */
	assert_string_equal("d\tir", again.touched.v[0]);

	/* not put back (it failed): kept in the state, the journal goes */
	gsym_state_aside_done(&again, "done");
	assert_int_equal(0, gsym_state_save(&again));
	assert_false(exists("journal"));
	assert_true(exists("state"));
	load(&st);
	assert_int_equal(1, st.nasides);
	assert_int_equal(1, st.touched.n);
	assert_string_equal("/g/backup/d\tir", st.asides[0].dst);

	/* put back: nothing left to keep */
	gsym_state_aside_done(&st, "d\tir");
	assert_true(st.dirty);
	assert_int_equal(0, gsym_state_save(&st));
	assert_false(exists("state"));
}

static void test_state__torn_journal_line(void **state)
{
	(void)state;
	write_file("journal",
		"touch\tdone\n"
		"copy\tfile\t" HEX_A "\t" HEX_B "\t3/4.5/6\t\tcut");
	load(&st);
	assert_int_equal(1, st.touched.n);
	assert_string_equal("done", st.touched.v[0]);
	assert_int_equal(0, st.n);
}

static void test_state__pattern_line(void **state)
{
	(void)state;
	gsym_pattern_line(&text, "", "docs/api");
	gsym_pattern_line(&text, "!", "a b/#c*d?[e]\\f!");
	assert_string_equal("/docs/api\n"
			    "!/a\\ b/\\#c\\*d\\?\\[e]\\\\f\\!\n",
		gsym_buf_cstr(&text));
}

/* Write a directory copy's stat list by hand: copies/<sha1 of path>. */
static const char *manifest(const char *of)
{
	gsym_buf name = GSYM_BUF_INIT;
	unsigned char id[20];
	gsym_sha1 c;
	const char *p;

	gsym_sha1_init(&c);
	gsym_sha1_update(&c, of, strlen(of));
	gsym_sha1_final(id, &c);
	gsym_buf_puts(&name, "copies/");
	gsym_hex(&name, id, sizeof(id));
	p = file(name.ptr);
	gsym_buf_dispose(&name);
	return p;
}

static bool present(const char *p)
{
	gsym_stat s;

	return gsym_platform_lstat(&s, p) == 0;
}

/*
 * Stat lists whose record is gone are removed: when a directory copy's
 * record goes, and after a killed run; a save that dropped none does
 * not look.
 */
static void test_state__stat_lists_follow_records(void **state)
{
	gsym_record d = record("d", GSYM_KIND_COPY, GSYM_TYPE_DIR, 1);
	gsym_record f = record("f", GSYM_KIND_COPY, GSYM_TYPE_FILE, 2);
	gsym_buf kept = GSYM_BUF_INIT, orphan = GSYM_BUF_INIT;
	int error;

	(void)state;
	load(&st);
	gsym_state_put(&st, &d);
	assert_int_equal(0, gsym_state_save(&st));
	gsym_platform_remove(file("copies"));
	error = gsym_platform_mkdir(file("copies"));
	assert_true(error == 0 || error == GSYM_EEXISTS);
	gsym_buf_sets(&kept, manifest("d"));
	tmpdir_write(kept.ptr, "list");
	gsym_buf_sets(&orphan, manifest("gone"));
	tmpdir_write(orphan.ptr, "list");

	gsym_state_put(&st, &f); /* nothing dropped: nothing looked at */
	assert_int_equal(0, gsym_state_save(&st));
	assert_true(present(orphan.ptr));

	gsym_state_remove(&st, "d");
	assert_int_equal(0, gsym_state_save(&st));
	assert_false(present(kept.ptr));
	assert_false(present(orphan.ptr));

	/* a journal left by a killed run: its stat list may be orphaned */
	error = gsym_platform_mkdir(file("copies"));
	assert_true(error == 0 || error == GSYM_EEXISTS);
	tmpdir_write(orphan.ptr, "list");
	write_file("journal", "touch\tx\n");
	gsym_state_dispose(&st);
	load(&st);
	assert_int_equal(0, gsym_state_save(&st));
	assert_false(present(orphan.ptr));
	gsym_buf_dispose(&kept);
	gsym_buf_dispose(&orphan);
}

/*
 * A block of ours in a per-worktree file: replaced whole, and with
 * `any_id` the block of another worktree too (git copied the file),
 * whatever that worktree's id starts with; lines around it are kept.
 */
static void test_state__block_of_any_worktree_is_replaced(void **state)
{
	gsym_buf lines = GSYM_BUF_INIT;
	bool changed;

	(void)state;
	write_file("patterns",
		"/*\n"
		"# BEGIN git-symlinks main (managed, do not edit)\n"
		"!/old\n"
		"# END git-symlinks main\n"
		"kept\n");
	gsym_buf_puts(&lines, "!/new\n");
	assert_int_equal(0,
		gsym_block_sync(&changed, file("patterns"), "wt", &lines, false,
			true));
	assert_true(changed);
	assert_string_equal("/*\n"
			    "kept\n"
			    "# BEGIN git-symlinks wt (managed, do not edit)\n"
			    "!/new\n"
			    "# END git-symlinks wt\n",
		tmpdir_read(&text, file("patterns")));
	/* again: nothing to change */
	assert_int_equal(0,
		gsym_block_sync(&changed, file("patterns"), "wt", &lines, false,
			true));
	assert_false(changed);
	gsym_buf_dispose(&lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_state__missing_is_empty),
		T(test_state__round_trip),
		T(test_state__put_replace_remove),
		T(test_state__find_next_in_index_order),
		T(test_state__no_records_left_removes_the_file),
		T(test_state__caps_line_alone),
		T(test_state__torn_and_corrupt_lines_are_skipped),
		T(test_state__journal_is_folded_in),
		T(test_state__sync_killed_marks_the_record),
		T(test_state__torn_journal_line),
		T(test_state__asides),
		T(test_state__pattern_line),
		T(test_state__stat_lists_follow_records),
		T(test_state__block_of_any_worktree_is_replaced),
#undef T
	};

	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
