/*
 * Target resolution through the index and the tree, with no disk.
 */
#include "unit.h"
#include <stdio.h>
#include <string.h>

#include "pipeline/resolve.h"
#include "fake_view.h"

static fake_node base_nodes[] = {
	{ "d/f", GSYM_NODE_FILE, NULL, false, NULL },
	{ "d/g", GSYM_NODE_FILE, NULL, false, NULL },
	{ "fl", GSYM_NODE_LINK, "d/f", false, NULL },
	{ "dl", GSYM_NODE_LINK, "d", false, NULL },
	{ "a", GSYM_NODE_LINK, "z", false,
		NULL }, /* target later in index order */
	{ "z", GSYM_NODE_LINK, "d/f", false, NULL },
	{ "cyc1", GSYM_NODE_LINK, "cyc2", false, NULL },
	{ "cyc2", GSYM_NODE_LINK, "cyc1", false, NULL },
	{ "self", GSYM_NODE_LINK, "self", false, NULL },
	{ "al", GSYM_NODE_LINK, "/etc", false, NULL },
	{ "sub/deep/x", GSYM_NODE_FILE, NULL, false, NULL },
	{ "build", GSYM_NODE_DIR, NULL, true, NULL }, /* untracked directory */
	{ "name with space/é", GSYM_NODE_FILE, NULL, false, NULL },
};

static fake_world world;

/* The table is never changed; the counters start from zero. */
static int setup(void **state)
{
	fake_world fresh = { base_nodes, GSYM_ARRAY_SIZE(base_nodes), NULL, 0,
		0, 0, 0 };

	(void)state;
	world = fresh;
	gsym_error_clear();
	return 0;
}

static void check(const char *link, const char *target, gsym_type type,
	unsigned int flags, const char *path)
{
	gsym_resolution res = { GSYM_TYPE_UNKNOWN, 0, 0, GSYM_BUF_INIT };
	gsym_view view;

	fake_view_init(&view, &world);
	assert_int_equal(0,
		gsym_resolve(&res, &view, link, target, strlen(target)));
	if (res.type != type || res.flags != flags)
		fprintf(stderr, "%s -> %s: type %s flags %#x path '%s'\n", link,
			target, gsym_type_name(res.type), res.flags,
			gsym_buf_cstr(&res.path));
	assert_type_equal(type, res.type);
	assert_int_equal(flags, res.flags);
	if (path)
		assert_string_equal(path, gsym_buf_cstr(&res.path));
	gsym_resolution_dispose(&res);
}

static void test_resolve__file_link(void **state)
{
	(void)state;
	check("x", "d/f", GSYM_TYPE_FILE, 0, "d/f");
}

static void test_resolve__dir_link(void **state)
{
	(void)state;
	check("x", "d", GSYM_TYPE_DIR, 0, "d");
}

static void test_resolve__link_to_link_later_in_index(void **state)
{
	gsym_resolution res = { GSYM_TYPE_UNKNOWN, 0, 0, GSYM_BUF_INIT };
	gsym_view view;

	(void)state;
	fake_view_init(&view, &world);
	assert_int_equal(0, gsym_resolve(&res, &view, "a", "z", 1));
	assert_type_equal(GSYM_TYPE_FILE, res.type);
	assert_int_equal(1, res.hops);
	assert_string_equal("d/f", res.path.ptr);
	gsym_resolution_dispose(&res);
}

static void test_resolve__through_linked_directory(void **state)
{
	(void)state;
	check("x", "dl/g", GSYM_TYPE_FILE, 0, "d/g");
	check("x", "dl/../fl", GSYM_TYPE_FILE, 0, "d/f");
}

static void test_resolve__dangling(void **state)
{
	(void)state;
	check("x", "nothing", GSYM_TYPE_MISSING, 0, NULL);
	check("x", "d/nothing/deeper", GSYM_TYPE_MISSING, 0, NULL);
}

static void test_resolve__absolute_never_probed(void **state)
{
	gsym_resolution res = { GSYM_TYPE_UNKNOWN, 0, 0, GSYM_BUF_INIT };
	const char *targets[] = { "/etc/passwd", "C:\\Windows", "c:rel",
		"\\\\host\\share", "//host/share", "\\??\\C:\\x",
		"\\\\?\\C:\\x", "\\\\.\\pipe\\x", "\\Device\\Foo" };
	gsym_view view;
	size_t i;

	(void)state;
	fake_view_init(&view, &world);
	for (i = 0; i < GSYM_ARRAY_SIZE(targets); i++) {
		world.lookups = 0;
		assert_int_equal(0,
			gsym_resolve(&res, &view, "x", targets[i],
				strlen(targets[i])));
		assert_type_equal(GSYM_TYPE_UNKNOWN, res.type);
		assert_int_equal(GSYM_RESOLVE_ABSOLUTE | GSYM_RESOLVE_OUTSIDE,
			res.flags);
		assert_int_equal(0, world.lookups);
	}
	gsym_resolution_dispose(&res);
}

static void test_resolve__escaping(void **state)
{
	(void)state;
	check("x", "../outside", GSYM_TYPE_UNKNOWN, GSYM_RESOLVE_OUTSIDE, NULL);
	check("sub/deep/y", "../../../../etc", GSYM_TYPE_UNKNOWN,
		GSYM_RESOLVE_OUTSIDE, NULL);
	/* through a link whose target is absolute */
	check("x", "al/passwd", GSYM_TYPE_UNKNOWN,
		GSYM_RESOLVE_OUTSIDE | GSYM_RESOLVE_ABSOLUTE, NULL);
}

static void test_resolve__deep_link_pointing_up(void **state)
{
	(void)state;
	check("sub/deep/up", "../../d/f", GSYM_TYPE_FILE, 0, "d/f");
	check("sub/deep/up", "../..", GSYM_TYPE_DIR, GSYM_RESOLVE_ANCESTOR, "");
	check("sub/deep/up", "..", GSYM_TYPE_DIR, GSYM_RESOLVE_ANCESTOR, "sub");
	check("sub/deep/up", ".", GSYM_TYPE_DIR, GSYM_RESOLVE_ANCESTOR,
		"sub/deep");
}

static void test_resolve__trailing_slash_and_dot_prefix(void **state)
{
	(void)state;
	check("x", "d/", GSYM_TYPE_DIR, 0, "d");
	check("x", "./d/f", GSYM_TYPE_FILE, 0, "d/f");
	check("x", "d/f/", GSYM_TYPE_MISSING, 0, NULL);
	check("x", "d//f", GSYM_TYPE_FILE, 0, "d/f");
	check("x", "fl/", GSYM_TYPE_MISSING, 0, NULL);
	check("x", "dl/", GSYM_TYPE_DIR, 0, "d");
}

static void test_resolve__cycles_and_self(void **state)
{
	(void)state;
	check("cyc1", "cyc2", GSYM_TYPE_UNKNOWN, GSYM_RESOLVE_LOOP, NULL);
	check("self", "self", GSYM_TYPE_UNKNOWN, GSYM_RESOLVE_LOOP, NULL);
}

static void test_resolve__depth_limit(void **state)
{
	/* l0 -> l1 -> ... -> lN -> d/f */
	static fake_node chain[GSYM_MAX_LINK_DEPTH + 3];
	static char names[GSYM_MAX_LINK_DEPTH + 3][16];
	fake_world w = { chain, 0, NULL, 0, 0, 0, 0 };
	gsym_resolution res = { GSYM_TYPE_UNKNOWN, 0, 0, GSYM_BUF_INIT };
	gsym_view view;
	int len, i;

	(void)state;
	for (len = GSYM_MAX_LINK_DEPTH; len <= GSYM_MAX_LINK_DEPTH + 1; len++) {
		for (i = 0; i <= len; i++)
			snprintf(names[i], sizeof(names[i]), "l%d", i);
		for (i = 0; i < len; i++) {
			chain[i].path = names[i];
			chain[i].type = GSYM_NODE_LINK;
			chain[i].target = names[i + 1];
			chain[i].untracked = false;
			chain[i].attr = NULL;
		}
		chain[len].path = names[len];
		chain[len].type = GSYM_NODE_FILE;
		chain[len].target = NULL;
		chain[len].untracked = false;
		chain[len].attr = NULL;
		w.nnodes = (size_t)len + 1;
		fake_view_init(&view, &w);
		/* the entry "x -> l0" follows `len` links to reach the file */
		assert_int_equal(0, gsym_resolve(&res, &view, "x", "l0", 2));
		if (len <= GSYM_MAX_LINK_DEPTH) {
			assert_type_equal(GSYM_TYPE_FILE, res.type);
		} else {
			assert_type_equal(GSYM_TYPE_UNKNOWN, res.type);
			assert_int_equal(GSYM_RESOLVE_LOOP, res.flags);
		}
	}
	gsym_resolution_dispose(&res);
}

static void test_resolve__into_git_directory(void **state)
{
	(void)state;
	check("x", ".git/config", GSYM_TYPE_UNKNOWN, GSYM_RESOLVE_IN_GIT, NULL);
	check("x", "GIT~1/hooks", GSYM_TYPE_UNKNOWN, GSYM_RESOLVE_IN_GIT, NULL);
	check("sub/x", "../.GIT", GSYM_TYPE_UNKNOWN, GSYM_RESOLVE_IN_GIT, NULL);
}

static void test_resolve__untracked_and_non_ascii(void **state)
{
	(void)state;
	check("x", "build", GSYM_TYPE_DIR, 0, "build");
	check("x", "name with space/é", GSYM_TYPE_FILE, 0, "name with space/é");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, setup)
		T(test_resolve__file_link),
		T(test_resolve__dir_link),
		T(test_resolve__link_to_link_later_in_index),
		T(test_resolve__through_linked_directory),
		T(test_resolve__dangling),
		T(test_resolve__absolute_never_probed),
		T(test_resolve__escaping),
		T(test_resolve__deep_link_pointing_up),
		T(test_resolve__trailing_slash_and_dot_prefix),
		T(test_resolve__cycles_and_self),
		T(test_resolve__depth_limit),
		T(test_resolve__into_git_directory),
		T(test_resolve__untracked_and_non_ascii),
#undef T
	};

	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
