/*
 * What every unit test file includes: cmocka, the assertions by name,
 * and the setup of cases that share no state of their own.
 */
#ifndef INCLUDE_tests_unit_unit_h__
#define INCLUDE_tests_unit_unit_h__

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "assert_names.h"
#include "util/error.h"

/*
 * Setup and teardown of a case that keeps nothing of its own: the one
 * thing cases share is the last error message, which starts empty.
 */
static inline int unit_fresh(void **state)
{
	(void)state;
	gsym_error_clear();
	return 0;
}

/* A case isolated by unit_fresh. */
#define UNIT_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, unit_fresh, unit_fresh)

#endif
