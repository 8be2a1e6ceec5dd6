/*
 * The platform's directory watcher (inotify; ReadDirectoryChangesW when
 * built for Windows and run under Wine), in a real temporary directory:
 * names changed in a watched directory come back with its id, nothing
 * from below it or from a directory no longer watched, and a wait with
 * nothing to report times out.
 */
#include "unit.h"
#include <stdio.h>
#include <string.h>

#include "platform/platform.h"
#include "tmpdir.h"

typedef struct {
	int id;
	char name[64];
	int count;
} seen;

/* Disposed after each case, which leaves them empty for the next. */
static gsym_buf dir, path;
static gsym_watcher *w;
static seen s;

static int setup(void **state)
{
	(void)state;
	tmpdir_make(&dir, "watch");
	memset(&s, 0, sizeof(s));
	assert_int_equal(0, gsym_platform_watch_open(&w));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gsym_platform_watch_close(w);
	w = NULL;
	tmpdir_remove(dir.ptr);
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&path);
	return 0;
}

static void on_change(void *payload, int id, const char *name)
{
	seen *out = payload;

	out->count++;
	out->id = id;
	snprintf(out->name, sizeof(out->name), "%s", name ? name : "(lost)");
}

/* The absolute path of `rel` in the temporary directory. */
static const char *at(const char *rel)
{
	gsym_buf_sets(&path, dir.ptr);
	gsym_buf_puts(&path, rel);
	return path.ptr;
}

/*
 * Watch the temporary directory, write `name` in it, and see it come
 * back (within 3 s) with the directory's id.
 */
static void expect_seen(const char *name)
{
	uint64_t end = gsym_platform_clock_ms() + 3000;
	int id = -1;

	assert_int_equal(0, gsym_platform_watch_add(&id, w, at("")));
	tmpdir_write(at(name), "int x;\n");
	while (gsym_platform_clock_ms() < end &&
		!(s.count && !strcmp(s.name, name)))
		assert_int_equal(0,
			gsym_platform_watch_wait(w, 100, on_change, &s));
	assert_string_equal(name, s.name);
	assert_int_equal(id, s.id);
}

/* Pass on what comes in `ms` milliseconds. */
static void listen(unsigned int ms)
{
	uint64_t end = gsym_platform_clock_ms() + ms;

	while (gsym_platform_clock_ms() < end)
		assert_int_equal(0,
			gsym_platform_watch_wait(w, 50, on_change, &s));
}

static void test_watch__a_name_written_in_the_directory(void **state)
{
	(void)state;
	expect_seen("target.h");
}

static void test_watch__nothing_from_below_or_after_removal(void **state)
{
	int id = -1;

	(void)state;
	assert_int_equal(0, gsym_platform_mkdir(at("sub")));
	assert_int_equal(0, gsym_platform_watch_add(&id, w, at("")));

	/* a file below: at most the subdirectory itself is named */
	tmpdir_write(at("sub/deep.h"), "int y;\n");
	listen(300);
	assert_true(!s.count || strcmp(s.name, "deep.h"));

	/* no longer watched: silence */
	gsym_platform_watch_remove(w, id);
	memset(&s, 0, sizeof(s));
	tmpdir_write(at("later.h"), "int z;\n");
	listen(300);
	assert_int_equal(0, s.count);

	/* and watched again: an id that works */
	expect_seen("again.h");
}

static void test_watch__a_missing_directory_is_not_found(void **state)
{
	int id = -1;

	(void)state;
	assert_int_equal(GSYM_ENOTFOUND,
		gsym_platform_watch_add(&id, w, at("no-such-directory")));
}

static void test_watch__a_quiet_wait_times_out(void **state)
{
	uint64_t t0 = gsym_platform_clock_ms();

	(void)state;
	assert_int_equal(0, gsym_platform_watch_wait(w, 60, on_change, &s));
	assert_true(gsym_platform_clock_ms() - t0 >= 40);
	assert_int_equal(0, s.count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_watch__a_name_written_in_the_directory),
		T(test_watch__nothing_from_below_or_after_removal),
		T(test_watch__a_missing_directory_is_not_found),
		T(test_watch__a_quiet_wait_times_out),
#undef T
	};

	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
