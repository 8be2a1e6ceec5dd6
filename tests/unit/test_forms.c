/*
 * The one decision of an entry's form (gsym_plan_forms), as a table: each
 * row names the inputs and the ordered forms that must come out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "pipeline/plan.h"
#include "pipeline/resolve.h"
#include "run/run.h"
#include "fake_platform.h"

static const gsym_platform_info posix = FAKE_POSIX_INFO("posix", "copy");
static const gsym_platform_info win = FAKE_WIN32_INFO("win32", "copy");

typedef struct {
	const char *name;
	const gsym_platform_info *platform;
	bool links; /* links can be made in this tree */
	const char *fallbacks; /* symlinks.fallback */
	bool allow_outside;
	gsym_type type; /* the resolved target */
	unsigned int resolve_flags;
	const char *forms; /* what must come out, in order; "" for none */
} row;

static const row rows[] = {
	{ "a link first where links work", &posix, true, "copy", false,
		GSYM_TYPE_FILE, 0, "symlink,copy" },
	{ "a copy where they do not", &posix, false, "copy", false,
		GSYM_TYPE_FILE, 0, "copy" },
	{ "a deep copy for a directory", &posix, false, "copy", false,
		GSYM_TYPE_DIR, 0, "copy" },
	{ "hard links only for files", &posix, false, "hardlink,copy", false,
		GSYM_TYPE_DIR, 0, "copy" },
	{ "hard link, then copy, for a file", &posix, false, "hardlink,copy",
		false, GSYM_TYPE_FILE, 0, "hardlink,copy" },
	{ "the configured order is kept", &posix, false, "copy,hardlink", false,
		GSYM_TYPE_FILE, 0, "copy,hardlink" },
	{ "junctions only where they exist", &posix, false, "junction,copy",
		false, GSYM_TYPE_DIR, 0, "copy" },
	{ "junctions only for directories", &win, false, "junction,copy", false,
		GSYM_TYPE_FILE, 0, "copy" },
	{ "a junction for a directory on Windows", &win, false, "junction,copy",
		false, GSYM_TYPE_DIR, 0, "junction,copy" },
	{ "no fallback configured", &posix, false, "none", false,
		GSYM_TYPE_FILE, 0, "" },
	{ "a dangling link: only a real link", &posix, true, "copy", false,
		GSYM_TYPE_MISSING, 0, "symlink" },
	{ "a dangling link without links: nothing", &posix, false, "copy",
		false, GSYM_TYPE_MISSING, 0, "" },
	{ "outside the tree: a link where that is no risk", &posix, true,
		"copy", false, GSYM_TYPE_UNKNOWN, GSYM_RESOLVE_OUTSIDE,
		"symlink" },
	{ "outside the tree on Windows: not without --allow-outside", &win,
		true, "junction,copy", false, GSYM_TYPE_UNKNOWN,
		GSYM_RESOLVE_OUTSIDE, "" },
	{ "outside the tree on Windows with --allow-outside", &win, true,
		"junction,copy", true, GSYM_TYPE_UNKNOWN, GSYM_RESOLVE_OUTSIDE,
		"symlink" },
	{ "never a copy of what leaves the tree", &posix, false, "copy", true,
		GSYM_TYPE_FILE, GSYM_RESOLVE_OUTSIDE, "" },
	{ "never a copy of an absolute target", &posix, false, "copy", false,
		GSYM_TYPE_FILE, GSYM_RESOLVE_ABSOLUTE, "" },
	{ "never a copy out of .git", &posix, false, "copy", false,
		GSYM_TYPE_FILE, GSYM_RESOLVE_IN_GIT, "" },
	{ "never a copy of a cycle", &posix, false, "copy", false,
		GSYM_TYPE_UNKNOWN, GSYM_RESOLVE_LOOP, "" },
	{ "never a deep copy of an ancestor", &posix, false, "copy", false,
		GSYM_TYPE_DIR, GSYM_RESOLVE_ANCESTOR, "" },
	{ "an ancestor may still be linked", &posix, true, "copy", false,
		GSYM_TYPE_DIR, GSYM_RESOLVE_ANCESTOR, "symlink" },
};

static void forms_of(char *out, size_t size, const gsym_entry *e)
{
	unsigned int i;
	size_t len = 0;

	out[0] = '\0';
	for (i = 0; i < e->nhows; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
			i ? "," : "", gsym_how_name((gsym_how)e->hows[i]));
}

static void test_forms__table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const row *r = &rows[i];
		gsym_plan_opts o;
		gsym_entry e;
		char got[128], want[256], shown[256];

		memset(&o, 0, sizeof(o));
		memset(&e, 0, sizeof(e));
		o.mode = GSYM_MODE_RESTORE;
		o.platform = r->platform;
		o.links_unsupported = !r->links;
		o.allow_outside = r->allow_outside;
		assert_int_equal(0, gsym_run_parse_fallback(&o, r->fallbacks));
		e.type = r->type;
		e.resolve_flags = r->resolve_flags;
		gsym_plan_forms(&e, &o);
		forms_of(got, sizeof(got), &e);
		/* the row's name travels with a failure */
		snprintf(want, sizeof(want), "%s: %s", r->name, r->forms);
		snprintf(shown, sizeof(shown), "%s: %s", r->name, got);
		assert_string_equal(want, shown);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms__table),
	};

	return cmocka_run_group_tests_name("forms", tests, NULL, NULL);
}
