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

/* The report's own names (entry.c), read only for values in range. */
static inline const char *unit_state_name(char *buf, size_t size, int s)
{
	return unit_name(buf, size, s,
		s >= 0 && s <= GSYM_STATE_ERROR ?
			gsym_state_name((gsym_state)s) :
			NULL);
}

static inline const char *unit_kind_name(char *buf, size_t size, int k)
{
	return unit_name(buf, size, k,
		k >= 0 && k <= GSYM_KIND_OTHER ? gsym_kind_name((gsym_kind)k) :
						 NULL);
}

static inline const char *unit_type_name(char *buf, size_t size, int t)
{
	return unit_name(buf, size, t,
		t >= 0 && t <= GSYM_TYPE_UNKNOWN ?
			gsym_type_name((gsym_type)t) :
			NULL);
}

static inline const char *unit_how_name(char *buf, size_t size, int h)
{
	return unit_name(buf, size, h,
		h >= 0 && h < GSYM_HOW__COUNT ? gsym_how_name((gsym_how)h) :
						NULL);
}

/* A name from a table of this file, for enums the reports never name. */
static inline const char *unit_table_name(char *buf, size_t size,
	const char *const *names, size_t n, int value)
{
	return unit_name(buf, size, value,
		value >= 0 && (size_t)value < n ? names[value] : NULL);
}

/* gsym_action has no name in the reports: these are the enum's. */
static inline const char *unit_action_name(char *buf, size_t size, int a)
{
	static const char *const names[] = { "none", "stamp", "create",
		"placeholder", "disown" };

	return unit_table_name(buf, size, names, sizeof(names) / sizeof(*names),
		a);
}

/* What the platform says is at a path (gsym_ftype). */
static inline const char *unit_ftype_name(char *buf, size_t size, int t)
{
	static const char *const names[] = { "none", "file", "dir", "link",
		"junction", "other" };

	return unit_table_name(buf, size, names, sizeof(names) / sizeof(*names),
		t);
}

static inline const char *unit_link_kind_name(char *buf, size_t size, int k)
{
	static const char *const names[] = { "file link", "dir link" };

	return unit_table_name(buf, size, names, sizeof(names) / sizeof(*names),
		k);
}

/* Compare `a` and `b` by `namer`'s names (cmocka reports this line). */
#define unit_assert_named(namer, a, b)                                         \
	do {                                                                   \
		char unit_a_[16], unit_b_[16];                                 \
		assert_string_equal(namer(unit_a_, sizeof(unit_a_), (int)(a)), \
			namer(unit_b_, sizeof(unit_b_), (int)(b)));            \
	} while (0)

#define assert_state_equal(a, b) unit_assert_named(unit_state_name, a, b)
#define assert_kind_equal(a, b) unit_assert_named(unit_kind_name, a, b)
#define assert_type_equal(a, b) unit_assert_named(unit_type_name, a, b)
#define assert_how_equal(a, b) unit_assert_named(unit_how_name, a, b)
#define assert_action_equal(a, b) unit_assert_named(unit_action_name, a, b)
#define assert_ftype_equal(a, b) unit_assert_named(unit_ftype_name, a, b)
#define assert_link_kind_equal(a, b) \
	unit_assert_named(unit_link_kind_name, a, b)

#endif
