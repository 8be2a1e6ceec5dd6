/*
 * The hooks' marked block: its text, and installing and uninstalling it
 * in a real hooks directory next to the user's own hooks.
 */
#include "unit.h"
#include <string.h>

#include "workflow/hooks.h"
#include "util/util.h"
#include "platform/platform.h"
#include "tmpdir.h"

/* Disposed after each case, which leaves them empty for the next. */
static gsym_buf dir, path, text, block;

static int setup(void **state)
{
	(void)state;
	tmpdir_make(&dir, "hooks");
	gsym_buf_puts(&dir, "hooks"); /* install creates it */
	gsym_error_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gsym_buf_truncate(&dir, dir.size - strlen("hooks"));
	tmpdir_remove(dir.ptr);
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&text);
	gsym_buf_dispose(&block);
	return 0;
}

/* The path of hook `name`. */
static const char *hook(const char *name)
{
	gsym_buf_sets(&path, dir.ptr);
	gsym_buf_putc(&path, '/');
	gsym_buf_puts(&path, name);
	return path.ptr;
}

static const char *read_hook(const char *name)
{
	return tmpdir_read(&text, hook(name));
}

static bool hook_exists(const char *name)
{
	gsym_stat st;

	return gsym_platform_lstat(&st, hook(name)) == 0;
}

/*
 * Install our block for `binary` in hook `name` (holding `user`, unless
 * NULL) and check the hook is `shebang`, the block, then `rest`.
 */
static void install(const char *name, const char *user, const char *binary,
	const char *shebang, const char *rest)
{
	if (user) {
		assert_int_equal(0, gsym_mkdirs(dir.ptr));
		tmpdir_write(hook(name), user);
	}
	assert_int_equal(0, gsym_hooks_install_one(dir.ptr, name, binary));
	gsym_buf_sets(&block, shebang);
	gsym_hooks_block(&block, name, binary);
	gsym_buf_puts(&block, rest);
	assert_string_equal(block.ptr, read_hook(name));
}

static const char *block_for(const char *name, const char *binary)
{
	gsym_buf_clear(&block);
	gsym_hooks_block(&block, name, binary);
	return gsym_buf_cstr(&block);
}

static void test_hooks__names(void **state)
{
	const char *want[] = { "post-checkout", "post-merge", "post-rewrite",
		"post-index-change", "pre-commit" };
	size_t i;

	(void)state;
	for (i = 0; i < GSYM_ARRAY_SIZE(want); i++)
		assert_string_equal(want[i], gsym_hook_names[i]);
	assert_null(gsym_hook_names[i]);
}

static void test_hooks__block(void **state)
{
	const char *b;

	(void)state;
	b = block_for("post-checkout", "/usr/local/bin/git-symlinks");
	assert_true(!strncmp(b, "# BEGIN git-symlinks ", 21));
	assert_non_null(
		strstr(b, "\ngsym_bin='/usr/local/bin/git-symlinks'\n"));
	/* the tool gone: PATH, else a note, and git carries on */
	assert_non_null(strstr(b, "command -v git-symlinks"));
	assert_non_null(strstr(b, "git-symlinks: not found"));
	assert_non_null(strstr(b,
		"\"$gsym_bin\" hook post-checkout \"$@\" || :; fi\n"));
	assert_string_equal("# END git-symlinks\n",
		b + strlen(b) - strlen("# END git-symlinks\n"));

	/* only the guard may stop git: its exit status is the hook's */
	b = block_for("pre-commit", "/bin/gs");
	assert_non_null(strstr(b,
		"\"$gsym_bin\" hook pre-commit \"$@\" || exit $?; fi\n"));
	assert_null(strstr(b, "|| :"));
}

static void test_hooks__binary_path_quoted(void **state)
{
	const char *b;

	(void)state;
	/* one shell word whatever the path holds */
	b = block_for("post-merge", "/opt/it's here/$HOME/`x`/\"q\"");
	assert_non_null(
		strstr(b, "\ngsym_bin='/opt/it'\\''s here/$HOME/`x`/\"q\"'\n"));
	b = block_for("post-merge", "C:/Program Files/git-symlinks.exe");
	assert_non_null(
		strstr(b, "\ngsym_bin='C:/Program Files/git-symlinks.exe'\n"));
}

static void test_hooks__install_new_hook(void **state)
{
	gsym_stat st;

	(void)state;
	install("post-merge", NULL, "/bin/gs", "#!/bin/sh\n", "");
	/* executable where files have the bit */
	assert_int_equal(0, gsym_platform_lstat(&st, hook("post-merge")));
	if (!strcmp(gsym_platform_info_get()->name, "posix"))
		assert_true(st.mode & 0100);
	/* no temporary file left behind */
	assert_false(hook_exists("post-merge.gsym-new"));
}

static void test_hooks__install_keeps_the_users_hook(void **state)
{
	(void)state;
	/* ours right after the shebang, before any exit of the user's */
	install("post-checkout", "#!/bin/bash\necho mine\nexit 0\n", "/bin/gs",
		"#!/bin/bash\n", "echo mine\nexit 0\n");
	/* installed again (another binary): refreshed, not repeated */
	install("post-checkout", NULL, "/new/gs", "#!/bin/bash\n",
		"echo mine\nexit 0\n");
}

static void test_hooks__install_into_hook_without_shebang(void **state)
{
	(void)state;
	install("pre-commit", "make lint\n", "/bin/gs", "#!/bin/sh\n",
		"make lint\n");
}

static void test_hooks__uninstall_removes_only_our_block(void **state)
{
	bool found;

	(void)state;
	install("post-rewrite", "#!/bin/sh\necho mine\n", "/bin/gs",
		"#!/bin/sh\n", "echo mine\n");
	assert_int_equal(0,
		gsym_hooks_uninstall_one(dir.ptr, "post-rewrite", &found));
	assert_true(found);
	assert_string_equal("#!/bin/sh\necho mine\n",
		read_hook("post-rewrite"));

	/* a second time: nothing of ours, nothing changed */
	assert_int_equal(0,
		gsym_hooks_uninstall_one(dir.ptr, "post-rewrite", &found));
	assert_false(found);
	assert_string_equal("#!/bin/sh\necho mine\n",
		read_hook("post-rewrite"));
}

static void test_hooks__uninstall_deletes_a_hook_only_ours(void **state)
{
	bool found;

	(void)state;
	assert_int_equal(0,
		gsym_hooks_install_one(dir.ptr, "post-index-change",
			"/bin/gs"));
	assert_true(hook_exists("post-index-change"));
	assert_int_equal(0,
		gsym_hooks_uninstall_one(dir.ptr, "post-index-change", &found));
	assert_true(found);
	assert_false(hook_exists("post-index-change"));

	/* a hook that is not there: nothing found, no error */
	assert_int_equal(0,
		gsym_hooks_uninstall_one(dir.ptr, "post-index-change", &found));
	assert_false(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_hooks__names),
		T(test_hooks__block),
		T(test_hooks__binary_path_quoted),
		T(test_hooks__install_new_hook),
		T(test_hooks__install_keeps_the_users_hook),
		T(test_hooks__install_into_hook_without_shebang),
		T(test_hooks__uninstall_removes_only_our_block),
		T(test_hooks__uninstall_deletes_a_hook_only_ours),
#undef T
	};

	return cmocka_run_group_tests_name("hooks", tests, NULL, NULL);
}
