/*
 * The progress line: its text, when it is due (the delay, the interval,
 * one printer at a time), and what reaches the terminal.
 */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/progress.h"

static void format(gsym_buf *b, const char *title, uint64_t n, uint64_t total,
	uint64_t files, uint64_t bytes)
{
	gsym_buf_clear(b);
	gsym_progress_format(b, title, n, total, files, bytes);
}

static void test_progress__format_like_git(void **s)
{
	gsym_buf b = GSYM_BUF_INIT;

	(void)s;
	format(&b, "Checking links", 4500, 10000, 0, 0);
	assert_string_equal("Checking links:  45% (4500/10000)", b.ptr);
	format(&b, "Checking links", 10000, 10000, 0, 0);
	assert_string_equal("Checking links: 100% (10000/10000)", b.ptr);
	format(&b, "Making links", 0, 3, 0, 0);
	assert_string_equal("Making links:   0% (0/3)", b.ptr);
	/* a step counted twice (a link refused, then its copy) stays 100% */
	format(&b, "Making links", 4, 3, 0, 0);
	assert_string_equal("Making links: 100% (3/3)", b.ptr);
	format(&b, "Counting", 17, 0, 0, 0);
	assert_string_equal("Counting: 17", b.ptr);
	format(&b, "Making links", 2, 20, 1, 700);
	assert_string_equal("Making links:  10% (2/20), 1 file, 700 bytes",
		b.ptr);
	format(&b, "Making links", 2, 20, 4859, 9710000);
	assert_string_equal("Making links:  10% (2/20), 4859 files, 9.26 MiB",
		b.ptr);
	format(&b, "M", 1, 1, 2, (uint64_t)3 << 30);
	assert_string_equal("M: 100% (1/1), 2 files, 3.00 GiB", b.ptr);
	format(&b, "M", 1, 1, 2, 1536);
	assert_string_equal("M: 100% (1/1), 2 files, 1.50 KiB", b.ptr);
	gsym_buf_dispose(&b);
}

static void test_progress__due_after_delay_then_throttled(void **s)
{
	gsym_progress p;

	(void)s;
	memset(&p, 0, sizeof(p));
	p.enabled = true;
	p.next_ms = 1000; /* started at 0 with a delay of 1 s */
	assert_false(gsym_progress_due(&p, 999));
	assert_true(gsym_progress_due(&p, 1000));
	/* one printer at a time: another thread finds it busy */
	assert_false(gsym_progress_due(&p, 5000));
	gsym_progress_release(&p);
	assert_false(
		gsym_progress_due(&p, 1000 + GSYM_PROGRESS_INTERVAL_MS - 1));
	assert_true(gsym_progress_due(&p, 1000 + GSYM_PROGRESS_INTERVAL_MS));
	gsym_progress_release(&p);
	p.enabled = false;
	assert_false(gsym_progress_due(&p, 100000));
}

/* What reaches the stream: lines rewritten in place, then done */
static void test_progress__shown_and_done(void **s)
{
	char text[512];
	gsym_progress p;
	FILE *f = tmpfile();
	size_t n;

	(void)s;
	assert_non_null(f);
	gsym_platform_setenv("GIT_PROGRESS_DELAY", "0");
	gsym_progress_start(&p, "Making links", 10, true, f);
	gsym_progress_add(&p, 5);
	/* within the interval: not shown again */
	gsym_progress_add(&p, 1);
	gsym_progress_copied(&p, 2, 2048);
	gsym_progress_stop(&p);
	/* stopped: nothing more */
	gsym_progress_add(&p, 1);
	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	assert_string_equal("\rMaking links:  50% (5/10)"
			    "\rMaking links:  60% (6/10), 2 files, 2.00 KiB"
			    ", done.\n",
		text);
	fclose(f);

	/* a phase that ends within the delay shows nothing */
	f = tmpfile();
	gsym_platform_setenv("GIT_PROGRESS_DELAY", "60");
	gsym_progress_start(&p, "Checking links", 10, true, f);
	gsym_progress_add(&p, 10);
	gsym_progress_stop(&p);
	assert_int_equal(0, ftell(f));
	fclose(f);
	gsym_platform_setenv("GIT_PROGRESS_DELAY", NULL);

	/* --no-progress and --progress decide alone */
	assert_false(gsym_progress_wanted(-1));
	assert_true(gsym_progress_wanted(1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(test_progress__format_like_git),
		UNIT_TEST(test_progress__due_after_delay_then_throttled),
		UNIT_TEST(test_progress__shown_and_done),
	};

	return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
