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

#ifndef _WIN32
/* git's side of its monitor protocol (fsmonitor-ipc.c), on a thread */
typedef struct {
	const char *path;
	gsym_buf answer;
	int error;
} asker;

static void ask_git(void *payload)
{
	asker *k = payload;

	k->error = gsym_platform_channel_ask_git(&k->answer, k->path,
		"gsymd:1:2", 5000);
}

static void no_change(void *payload, int id, const char *name, bool is_dir)
{
	(void)payload, (void)id, (void)name, (void)is_dir;
}

/*
 * git's pkt-lines both ways, an answer longer than one packet holds
 * (65516 bytes) and NULs in it; a second server on the same socket is
 * refused while the first listens, and the file goes with the first.
 */
static void test_platform__git_protocol_round_trip(void **state)
{
	gsym_channel *ch = NULL, *other = NULL;
	gsym_watcher *w = NULL;
	gsym_buf name = GSYM_BUF_INIT, req = GSYM_BUF_INIT, big = GSYM_BUF_INIT;
	gsym_thread *t;
	asker k = { NULL, GSYM_BUF_INIT, 0 };
	gsym_stat st;
	int client = -1, i;

	(void)state;
	gsym_buf_printf(&name, "git-symlinks/test/%s", dir.ptr);
	k.path = in_dir(&a, "sock");
	assert_int_equal(0, gsym_platform_channel_serve(&ch, name.ptr));
	assert_int_equal(0, gsym_platform_watch_open(&w));
	assert_int_equal(0, gsym_platform_channel_serve_git(ch, k.path));
	gsym_buf_puts(&name, "/2");
	assert_int_equal(0, gsym_platform_channel_serve(&other, name.ptr));
	assert_int_equal(GSYM_EEXISTS,
		gsym_platform_channel_serve_git(other, k.path));
	for (i = 0; i < 20000; i++)
		gsym_buf_printf(&big, "path/%05d%c", i, '\0');
	assert_true(big.size > 65516 * 2);

	assert_int_equal(0, gsym_platform_thread_start(&t, ask_git, &k));
	assert_int_equal(2,
		gsym_platform_channel_wait(ch, w, 5000, no_change, NULL, &req,
			&client));
	assert_string_equal("gsymd:1:2", req.ptr);
	assert_int_equal(0,
		gsym_platform_channel_answer_git(client, big.ptr, big.size));
	gsym_platform_thread_join(t);
	assert_int_equal(0, k.error);
	assert_int_equal(big.size, k.answer.size);
	assert_memory_equal(big.ptr, k.answer.ptr, big.size);

	gsym_platform_channel_close(ch);
	assert_int_equal(GSYM_ENOTFOUND, gsym_platform_lstat(&st, k.path));
	gsym_error_clear();
	gsym_platform_channel_close(other);
	gsym_platform_watch_close(w);
	gsym_buf_dispose(&name);
	gsym_buf_dispose(&req);
	gsym_buf_dispose(&big);
	gsym_buf_dispose(&k.answer);
}
#endif

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
#ifndef _WIN32
		cmocka_unit_test_setup_teardown(
			test_platform__git_protocol_round_trip, setup,
			teardown),
#endif
	};

	return cmocka_run_group_tests_name("platform", tests, NULL, NULL);
}
