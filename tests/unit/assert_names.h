/*
 * Assertions that compare the pipeline's enums by the names reports use,
 * so a failure reads "pending" != "modified" rather than 0x2 != 0x4.
 * Include after <cmocka.h>. A value outside its enum shows as its number.
 */
#ifndef INCLUDE_tests_unit_assert_names_h__
#define INCLUDE_tests_unit_assert_names_h__

#include <stdio.h>

#include "pipeline/entry.h"
#include "platform/platform.h"

/* `name`, or "#<value>" in `buf` when `value` has none (NULL). */
static inline const char *unit_name(char *buf, size_t size, int value,
	const char *name)
{
	if (name)
		return name;
	snprintf(buf, size, "#%d", value);
	return buf;
}

/* gsym_action has no name in the reports: these are the enum's. */
static inline const char *unit_action_name(int a)
{
	static const char *const names[] = { "none", "stamp", "create",
		"placeholder", "disown", "keep-edit" };

	return names[a];
}

/* What the platform says is at a path (gsym_ftype). */
static inline const char *unit_ftype_name(int t)
{
	static const char *const names[] = { "none", "file", "dir", "link",
		"junction", "other" };

	return names[t];
}

static inline const char *unit_link_kind_name(int k)
{
	return k == GSYM_LINK_DIR ? "dir link" : "file link";
}

/* The name of `v` (an int), when it is within 0..`last`. */
#define unit_name_of(buf, v, last, name_of) \
	unit_name(buf, sizeof(buf), v,      \
		(v) >= 0 && (v) <= (last) ? name_of(v) : NULL)

/*
 * Compare `a` and `b` (values of an enum whose last is `last`) by the
 * names `name_of` gives; cmocka reports the caller's line.
 */
#define unit_assert_named(a, b, last, name_of)                            \
	do {                                                              \
		char unit_a_[16], unit_b_[16];                            \
		int unit_va_ = (int)(a), unit_vb_ = (int)(b);             \
		assert_string_equal(unit_name_of(unit_a_, unit_va_, last, \
					    name_of),                     \
			unit_name_of(unit_b_, unit_vb_, last, name_of));  \
	} while (0)

/* The names the reports print (entry.c). */
#define assert_state_equal(a, b) \
	unit_assert_named(a, b, GSYM_VERDICT_ERROR, gsym_verdict_name)
#define assert_kind_equal(a, b) \
	unit_assert_named(a, b, GSYM_KIND_OTHER, gsym_kind_name)
#define assert_type_equal(a, b) \
	unit_assert_named(a, b, GSYM_TYPE_UNKNOWN, gsym_type_name)
#define assert_how_equal(a, b) \
	unit_assert_named(a, b, GSYM_HOW__COUNT - 1, gsym_how_name)
/* Names of this file. */
#define assert_action_equal(a, b) \
	unit_assert_named(a, b, GSYM_ACT_KEEP_EDIT, unit_action_name)
#define assert_ftype_equal(a, b) \
	unit_assert_named(a, b, GSYM_FT_OTHER, unit_ftype_name)
#define assert_link_kind_equal(a, b) \
	unit_assert_named(a, b, GSYM_LINK_DIR, unit_link_kind_name)

#endif
