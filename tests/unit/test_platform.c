/*
 * The platform layer's copy, append and mutex on the real platform
 * (posix, or win32 under Wine): a copy's blob id is git's, read from the
 * bytes copied; the journal's appender keeps lines in order across many
 * writes; a copy never replaces what is there.
 */
#include "unit.h"
#include <stdio.h>
#include <string.h>

#include "platform/platform.h"
#include "util/error.h"
#include "tmpdir.h"

static gsym_buf dir, a, b, text;

static int setup(void **state)
{
	(void)state;
	tmpdir_make(&dir, "platform");
	gsym_error_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir.ptr);
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&a);
	gsym_buf_dispose(&b);
	gsym_buf_dispose(&text);
	return 0;
}

static const char *in_dir(gsym_buf *out, const char *name)
{
	gsym_buf_sets(out, dir.ptr);
	gsym_buf_puts(out, name);
	return out->ptr;
}

static void hex(char *out, const unsigned char *raw)
{
	int i;

	for (i = 0; i < 20; i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
}

/* `git hash-object` of "hello\n", and of a file larger than one chunk */
static void test_platform__copy_hashes_what_it_copies(void **state)
{
	static char big[200000];
	unsigned char id[20];
	char out[41];

	(void)state;
	tmpdir_write(in_dir(&a, "src"), "hello\n");
	assert_int_equal(0,
		gsym_platform_copy_file(a.ptr, in_dir(&b, "dst"), id));
	hex(out, id);
	assert_string_equal("ce013625030ba8dba906f756967f9e9ca394464a", out);
	assert_string_equal("hello\n", tmpdir_read(&text, b.ptr));

	/* 200 000 'x': hashed across several reads */
	memset(big, 'x', sizeof(big) - 1);
	tmpdir_write(in_dir(&a, "big"), big);
	assert_int_equal(0,
		gsym_platform_copy_file(a.ptr, in_dir(&b, "big-copy"), id));
	hex(out, id);
	assert_string_equal("760b95e181f045ae2ae1817893fe35ad46382027", out);
	assert_int_equal(sizeof(big) - 1, strlen(tmpdir_read(&text, b.ptr)));

	/* an empty file */
	tmpdir_write(in_dir(&a, "empty"), "");
	assert_int_equal(0,
		gsym_platform_copy_file(a.ptr, in_dir(&b, "empty-copy"), id));
	hex(out, id);
	assert_string_equal("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", out);

	/* without an id, a plain copy */
	assert_int_equal(0,
		gsym_platform_copy_file(a.ptr, in_dir(&b, "plain"), NULL));
}

static void test_platform__copy_never_replaces(void **state)
{
	unsigned char id[20];

	(void)state;
	tmpdir_write(in_dir(&a, "src"), "new\n");
	tmpdir_write(in_dir(&b, "dst"), "mine\n");
	assert_int_equal(GSYM_EEXISTS,
		gsym_platform_copy_file(a.ptr, b.ptr, id));
	assert_string_equal("mine\n", tmpdir_read(&text, b.ptr));
	/* a missing source: not found, and nothing made */
	assert_int_equal(GSYM_ENOTFOUND,
		gsym_platform_copy_file(in_dir(&a, "gone"), in_dir(&b, "made"),
			id));
	assert_string_equal("", tmpdir_read(&text, b.ptr));
}

static void test_platform__appender_keeps_lines_in_order(void **state)
{
	gsym_appender *ap = NULL;
	int i;

	(void)state;
	tmpdir_write(in_dir(&a, "journal"), "before\n");
	assert_int_equal(0, gsym_platform_append_open(&ap, a.ptr));
	for (i = 0; i < 3; i++)
		assert_int_equal(0, gsym_platform_append(ap, "line\n", 5));
	/* each line is in the file at once, while it is still open */
	assert_string_equal("before\nline\nline\nline\n",
		tmpdir_read(&text, a.ptr));
	gsym_platform_append_close(ap);
	gsym_platform_append_close(NULL);
	assert_int_equal(0, gsym_platform_append_open(&ap, a.ptr));
	assert_int_equal(0, gsym_platform_append(ap, "after\n", 6));
	gsym_platform_append_close(ap);
	assert_string_equal("before\nline\nline\nline\nafter\n",
		tmpdir_read(&text, a.ptr));
}

typedef struct {
	gsym_mutex *m;
	int count;
} counter;

static void add_many(void *payload)
{
	counter *c = payload;
	int i;

	for (i = 0; i < 100000; i++) {
		gsym_platform_mutex_lock(c->m);
		c->count++;
		gsym_platform_mutex_unlock(c->m);
	}
}

static void test_platform__mutex_guards_a_counter(void **state)
{
	counter c = { gsym_platform_mutex_new(), 0 };
	gsym_thread *t[3];
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(0,
			gsym_platform_thread_start(&t[i], add_many, &c));
	add_many(&c);
	for (i = 0; i < 3; i++)
		gsym_platform_thread_join(t[i]);
	assert_int_equal(400000, c.count);
	gsym_platform_mutex_free(c.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_platform__copy_hashes_what_it_copies, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_platform__copy_never_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_platform__appender_keeps_lines_in_order, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_platform__mutex_guards_a_counter, setup, teardown),
	};

	return cmocka_run_group_tests_name("platform", tests, NULL, NULL);
}
