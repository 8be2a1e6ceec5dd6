/*
 * The hooks' marked block: its text, and installing and uninstalling it
 * in a real hooks directory next to the user's own hooks.
 */
#include "unit.h"
#include <string.h>

#include "workflow/hooks.h"
#include "workflow/hooks_config.h"
#include "util/util.h"
#include "platform/platform.h"
#include "tmpdir.h"
#include "platform/portable.h"

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
		"post-index-change", "post-commit", "pre-commit" };
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

/* Our config section: appended, then taken out byte for byte. */
static void test_hooks__config_round_trip(void **state)
{
	const char *user = "[user]\n\tname = u\n[core]\n\tautocrlf = false\n";
	gsym_buf cfg = GSYM_BUF_INIT;
	bool found;

	(void)state;
	assert_int_equal(0, gsym_mkdirs(dir.ptr));
	gsym_path_join(&cfg, dir.ptr, "gitconfig");
	assert_int_equal(0,
		gsym_platform_write_new(cfg.ptr, user, strlen(user)));
	assert_int_equal(0, gsym_hooks_config_install(cfg.ptr, "/usr/bin/gs"));
	assert_int_equal(0, gsym_platform_read_file(&text, cfg.ptr, 1 << 20));
	assert_non_null(strstr(text.ptr, "[hook \"git-symlinks\"]\n"));
	assert_non_null(strstr(text.ptr, "\tevent = post-index-change\n"));
	assert_non_null(strstr(text.ptr,
		"\tcommand = \"gsym_bin='/usr/bin/gs'; [ -x \\\"$gsym_bin\\\" ]"));
	/* again: replaced, not added */
	assert_int_equal(0, gsym_hooks_config_install(cfg.ptr, "/usr/bin/gs"));
	gsym_buf_clear(&text);
	assert_int_equal(0, gsym_platform_read_file(&text, cfg.ptr, 1 << 20));
	assert_null(strstr(strstr(text.ptr, "\n[hook") + 1, "\n[hook"));
	assert_int_equal(0, gsym_hooks_config_uninstall(cfg.ptr, &found));
	assert_true(found);
	gsym_buf_clear(&text);
	assert_int_equal(0, gsym_platform_read_file(&text, cfg.ptr, 1 << 20));
	assert_string_equal(user, text.ptr);
	assert_int_equal(0, gsym_hooks_config_uninstall(cfg.ptr, &found));
	assert_false(found);
	gsym_buf_dispose(&cfg);
}

/* Only our entries go: a user's enabled = false in our section stays. */
static void test_hooks__config_strip_keeps_the_users(void **state)
{
	const char *in =
		"[core]\n\tbare = false\n"
		"[hook \"git-symlinks\"]\n\tenabled = false\n"
		"[Hook \"git-symlinks\"]  \n\tcommand = x hook config\n"
		"\tevent = post-merge\n\n"
		"[hook \"other\"]\n\tcommand = y\n\tevent = pre-commit\n";
	const char *want = "[core]\n\tbare = false\n"
			   "[hook \"git-symlinks\"]\n\tenabled = false\n"
			   "[hook \"other\"]\n\tcommand = y\n"
			   "\tevent = pre-commit\n";

	(void)state;
	assert_true(gsym_hooks_config_strip(&text, in, strlen(in)));
	assert_string_equal(want, text.ptr);
	gsym_buf_clear(&text);
	assert_false(gsym_hooks_config_strip(&text, want, strlen(want)));
	assert_string_equal(want, text.ptr);
}

/* The event our configured command runs for, told by git's arguments. */
static void test_hooks__config_event(void **state)
{
	char *oid = "0123456789abcdef0123456789abcdef01234567";
	char *co[] = { oid, oid, "1" }, *ic[] = { "1", "0" }, *m[] = { "0" },
	     *rw[] = { "rebase" }, *bad[] = { "origin", "url" };

	(void)state;
	assert_string_equal("pre-commit", gsym_hooks_config_event(NULL, 0));
	assert_string_equal("post-checkout", gsym_hooks_config_event(co, 3));
	assert_string_equal("post-index-change",
		gsym_hooks_config_event(ic, 2));
	assert_string_equal("post-merge", gsym_hooks_config_event(m, 1));
	assert_string_equal("post-rewrite", gsym_hooks_config_event(rw, 1));
	assert_null(gsym_hooks_config_event(bad, 2));
	assert_null(gsym_hooks_config_event(co, 2));
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
		T(test_hooks__config_round_trip),
		T(test_hooks__config_strip_keeps_the_users),
		T(test_hooks__config_event),
#undef T
	};

	return cmocka_run_group_tests_name("hooks", tests, NULL, NULL);
}
