/*
 * The last error message: a message made from the last one says it once
 * (issue 25: 'bad symlinks.fallback: bad symlinks.fallback: ' in
 * 'bogus'; ...' when the new message was formatted over the old), and
 * gsym_error_wrap puts what failed before the cause.
 */
#include "unit.h"

#include <string.h>

#define CAUSE "unknown fallback 'bogus' in 'bogus'; use copy or none"

/* The last message as an argument of the next: read before written. */
static void test_error__set_from_the_last_message(void **state)
{
	(void)state;
	gsym_error_set(CAUSE);
	assert_int_equal(GSYM_ERROR,
		gsym_error_set("bad symlinks.fallback: %s", gsym_error_last()));
	assert_string_equal("bad symlinks.fallback: " CAUSE, gsym_error_last());
}

static void test_error__wrap_puts_what_failed_first(void **state)
{
	(void)state;
	gsym_error_set(CAUSE);
	assert_int_equal(GSYM_EUNSUPPORTED,
		gsym_error_wrap(GSYM_EUNSUPPORTED, "bad %s",
			"symlinks.fallback"));
	assert_string_equal("bad symlinks.fallback: " CAUSE, gsym_error_last());
}

/* An argument pointing into the message is read before it is written. */
static void test_error__wrap_with_the_message_as_argument(void **state)
{
	(void)state;
	gsym_error_set("'docs/api'");
	gsym_error_wrap(GSYM_ERROR, "could not link %s", gsym_error_last());
	assert_string_equal("could not link 'docs/api': 'docs/api'",
		gsym_error_last());
}

/* No cause set: the generic one, never an empty tail. */
static void test_error__wrap_without_a_cause(void **state)
{
	(void)state;
	gsym_error_wrap(GSYM_ERROR, "bad symlinks.jobs");
	assert_string_equal("bad symlinks.jobs: unknown error",
		gsym_error_last());
}

/* Too long for the buffer: cut, terminated, what failed kept first. */
static void test_error__wrap_of_a_long_cause_is_cut(void **state)
{
	char cause[GSYM_ERROR_MAX + 100];

	(void)state;
	memset(cause, 'x', sizeof(cause) - 1);
	cause[sizeof(cause) - 1] = '\0';
	gsym_error_set("%s", cause);
	gsym_error_wrap(GSYM_ERROR, "bad symlinks.fallback");
	assert_int_equal(GSYM_ERROR_MAX - 1, strlen(gsym_error_last()));
	assert_memory_equal("bad symlinks.fallback: xxx", gsym_error_last(),
		strlen("bad symlinks.fallback: xxx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(test_error__set_from_the_last_message),
		UNIT_TEST(test_error__wrap_puts_what_failed_first),
		UNIT_TEST(test_error__wrap_with_the_message_as_argument),
		UNIT_TEST(test_error__wrap_without_a_cause),
		UNIT_TEST(test_error__wrap_of_a_long_cause_is_cut),
	};

	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
