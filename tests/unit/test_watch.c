/*
 * The platform's directory watcher (inotify; ReadDirectoryChangesW when
 * built for Windows and run under Wine): names changed in a watched
 * directory come back with its id, nothing from below it or from a
 * directory no longer watched, and a wait with nothing to report times
 * out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"

typedef struct {
	int id;
	char name[64];
	int count;
} seen;

static void on_change(void *payload, int id, const char *name)
{
	seen *s = payload;

	s->count++;
	s->id = id;
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "(lost)");
}

/* A fresh directory under the current one, absolute. */
static void scratch(gsym_buf *out, const char *name)
{
	gsym_buf_clear(out);
	assert_int_equal(0, gsym_platform_realpath(out, "."));
	gsym_buf_printf(out, "/watch-%ld-%s", gsym_platform_pid(), name);
	assert_int_equal(0, gsym_platform_mkdir(out->ptr));
}

static void put(const gsym_buf *dir, const char *name, const char *data)
{
	gsym_buf path = GSYM_BUF_INIT;

	gsym_buf_printf(&path, "%s/%s", dir->ptr, name);
	gsym_platform_remove(path.ptr);
	assert_int_equal(0,
		gsym_platform_write_new(path.ptr, data, strlen(data)));
	gsym_buf_dispose(&path);
}

static void drop(const gsym_buf *dir, const char *name)
{
	gsym_buf path = GSYM_BUF_INIT;

	gsym_buf_printf(&path, "%s/%s", dir->ptr, name);
	gsym_platform_remove(path.ptr);
	gsym_buf_dispose(&path);
}

/* Wait up to 3 s until `name` is seen; true when it was. */
static bool wait_for(gsym_watcher *w, seen *s, const char *name)
{
	uint64_t end = gsym_platform_clock_ms() + 3000;

	while (gsym_platform_clock_ms() < end) {
		assert_int_equal(0,
			gsym_platform_watch_wait(w, 100, on_change, s));
		if (s->count && !strcmp(s->name, name))
			return true;
	}
	return false;
}

static void test_watch__a_name_written_in_the_directory(void **state)
{
	gsym_watcher *w = NULL;
	gsym_buf dir = GSYM_BUF_INIT;
	seen s;
	int id = -1;

	(void)state;
	memset(&s, 0, sizeof(s));
	scratch(&dir, "a");
	assert_int_equal(0, gsym_platform_watch_open(&w));
	assert_int_equal(0, gsym_platform_watch_add(&id, w, dir.ptr));
	put(&dir, "target.h", "int x;\n");
	assert_true(wait_for(w, &s, "target.h"));
	assert_int_equal(id, s.id);
	gsym_platform_watch_close(w);
	drop(&dir, "target.h");
	gsym_platform_remove(dir.ptr);
	gsym_buf_dispose(&dir);
}

static void test_watch__nothing_from_below_or_after_removal(void **state)
{
	gsym_watcher *w = NULL;
	gsym_buf dir = GSYM_BUF_INIT, sub = GSYM_BUF_INIT;
	seen s;
	int id = -1;
	uint64_t end;

	(void)state;
	memset(&s, 0, sizeof(s));
	scratch(&dir, "b");
	gsym_buf_printf(&sub, "%s/sub", dir.ptr);
	assert_int_equal(0, gsym_platform_mkdir(sub.ptr));
	assert_int_equal(0, gsym_platform_watch_open(&w));
	assert_int_equal(0, gsym_platform_watch_add(&id, w, dir.ptr));

	/* a file below: at most the subdirectory itself is named */
	put(&sub, "deep.h", "int y;\n");
	for (end = gsym_platform_clock_ms() + 300;
		gsym_platform_clock_ms() < end;) {
		assert_int_equal(0,
			gsym_platform_watch_wait(w, 50, on_change, &s));
		assert_true(!s.count || strcmp(s.name, "deep.h"));
	}

	/* no longer watched: silence until the timeout */
	gsym_platform_watch_remove(w, id);
	memset(&s, 0, sizeof(s));
	put(&dir, "later.h", "int z;\n");
	for (end = gsym_platform_clock_ms() + 300;
		gsym_platform_clock_ms() < end;)
		assert_int_equal(0,
			gsym_platform_watch_wait(w, 50, on_change, &s));
	assert_int_equal(0, s.count);

	/* and watched again: a new id that works */
	assert_int_equal(0, gsym_platform_watch_add(&id, w, dir.ptr));
	put(&dir, "again.h", "int z;\n");
	assert_true(wait_for(w, &s, "again.h"));
	assert_int_equal(id, s.id);

	gsym_platform_watch_close(w);
	drop(&sub, "deep.h");
	drop(&dir, "later.h");
	drop(&dir, "again.h");
	gsym_platform_remove(sub.ptr);
	gsym_platform_remove(dir.ptr);
	gsym_buf_dispose(&sub);
	gsym_buf_dispose(&dir);
}

static void test_watch__a_missing_directory_is_not_found(void **state)
{
	gsym_watcher *w = NULL;
	gsym_buf dir = GSYM_BUF_INIT;
	int id = -1;

	(void)state;
	assert_int_equal(0, gsym_platform_realpath(&dir, "."));
	gsym_buf_puts(&dir, "/no-such-directory-here");
	assert_int_equal(0, gsym_platform_watch_open(&w));
	assert_int_equal(GSYM_ENOTFOUND,
		gsym_platform_watch_add(&id, w, dir.ptr));
	gsym_platform_watch_close(w);
	gsym_buf_dispose(&dir);
}

static void test_watch__a_quiet_wait_times_out(void **state)
{
	gsym_watcher *w = NULL;
	seen s;
	uint64_t t0;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(0, gsym_platform_watch_open(&w));
	t0 = gsym_platform_clock_ms();
	assert_int_equal(0, gsym_platform_watch_wait(w, 60, on_change, &s));
	assert_true(gsym_platform_clock_ms() - t0 >= 40);
	assert_int_equal(0, s.count);
	gsym_platform_watch_close(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch__a_name_written_in_the_directory),
		cmocka_unit_test(
			test_watch__nothing_from_below_or_after_removal),
		cmocka_unit_test(test_watch__a_missing_directory_is_not_found),
		cmocka_unit_test(test_watch__a_quiet_wait_times_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
