/*
 * doctor's decisions: the probe and its cleanup, why links fail, and the
 * one next step, on the fake platform made to look like Windows (the
 * Developer Mode and privilege cases no machine here produces) and POSIX.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "workflow/doctor.h"
#include "workflow/hooks.h"
#include "fake_platform.h"

#define WORK "/w/"

static gsym_doctor d;
static gsym_buf out;

/* Every hook install-hooks installs. */
static int all_hooks(void)
{
	int n = 0;

	while (gsym_hook_names[n])
		n++;
	return n;
}

static int setup(void **state)
{
	(void)state;
	fake_fs_reset();
	fake_fs_add("/w", GSYM_FT_DIR, NULL);
	memset(&d, 0, sizeof(d));
	d.core_symlinks = -1;
	d.fallback = (char *)"copy";
	d.hooks_here = d.hooks_global = all_hooks();
	gsym_platform_link_facts(&d.facts, WORK);
	gsym_buf_clear(&out);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gsym_buf_dispose(&out);
	fake_fs_reset();
	return 0;
}

/* Windows as the backend reports it: Developer Mode and privilege known. */
static void windows(gsym_tri developer_mode, gsym_tri privilege, const char *fs)
{
	gsym_link_facts f;

	memset(&f, 0, sizeof(f));
	strcpy(f.fs_type, fs);
	f.volume_links = strcmp(fs, "NTFS") ? GSYM_TRI_NO : GSYM_TRI_YES;
	f.developer_mode = developer_mode;
	f.link_privilege = privilege;
	f.elevated = privilege;
	fake_fs_windows(true);
	fake_fs_link_facts(&f);
	gsym_platform_link_facts(&d.facts, WORK);
	d.fallback = (char *)"junction,copy";
}

static void probe(void)
{
	d.probe = gsym_doctor_probe(WORK);
}

/*
 * In a repository with core.symlinks=false, probe with the platform
 * refusing links with `code` (0: making them): the probe answers that,
 * and leaves nothing behind.
 */
static void probe_off(int code)
{
	d.core_symlinks = 0;
	if (code)
		fake_fs_fail(FAKE_SYMLINK, code, 0);
	probe();
	assert_int_equal(d.probe, code);
	assert_int_equal(fake_fs_count(WORK ".git-symlinks-probe"), 0);
}

static const char *next(void)
{
	gsym_buf_clear(&out);
	gsym_doctor_next(&out, &d);
	return gsym_buf_cstr(&out);
}

static const char *why(void)
{
	gsym_buf_clear(&out);
	gsym_doctor_why(&out, &d);
	return gsym_buf_cstr(&out);
}

static void test_doctor__links_off(void **state)
{
	(void)state;
	assert_true(gsym_doctor_links_off(0, 0));
	assert_false(gsym_doctor_links_off(0, 1));
	assert_false(gsym_doctor_links_off(0, -1)); /* unset: git's true */
	assert_false(gsym_doctor_links_off(GSYM_EPRIVILEGE, 0));
	assert_false(gsym_doctor_links_off(GSYM_EUNSUPPORTED, 0));
}

static void test_doctor__probe_leaves_nothing(void **state)
{
	(void)state;
	probe();
	assert_int_equal(d.probe, 0);
	assert_int_equal(fake_fs_calls(FAKE_SYMLINK), 1);
	assert_true(fake_fs_touched(WORK ".git-symlinks-probe-"));
	assert_int_equal(fake_fs_count(WORK ".git-symlinks-probe"), 0);
}

static void test_doctor__windows_developer_mode_with_core_symlinks_off(
	void **state)
{
	(void)state;
	/* Developer Mode on, Git for Windows left core.symlinks=false */
	windows(GSYM_TRI_YES, GSYM_TRI_NO, "NTFS");
	probe_off(0);
	assert_true(gsym_doctor_links_off(d.probe, d.core_symlinks));
	assert_string_equal(why(), "");
	assert_non_null(strstr(next(), "install-hooks --enable-symlinks"));
}

static void test_doctor__windows_no_privilege(void **state)
{
	(void)state;
	windows(GSYM_TRI_NO, GSYM_TRI_NO, "NTFS");
	probe_off(GSYM_EPRIVILEGE);
	assert_false(gsym_doctor_links_off(d.probe, d.core_symlinks));
	assert_string_equal(why(),
		"Developer Mode is off and this process does not hold "
		"SeCreateSymbolicLinkPrivilege (not elevated)");
	assert_non_null(strstr(next(), "turn on Developer Mode"));
	assert_non_null(strstr(next(), "restore makes junction,copy"));
}

static void test_doctor__windows_volume_without_links(void **state)
{
	(void)state;
	/* a FAT32 stick: Developer Mode on does not help */
	windows(GSYM_TRI_YES, GSYM_TRI_NO, "FAT32");
	probe_off(GSYM_EUNSUPPORTED);
	assert_string_equal(why(),
		"the volume's file system FAT32 does not support symbolic "
		"links");
	assert_non_null(strstr(next(), "links cannot be made on FAT32"));
}

static void test_doctor__posix_exfat(void **state)
{
	gsym_link_facts f;

	(void)state;
	memset(&f, 0, sizeof(f));
	strcpy(f.fs_type, "exfat");
	f.volume_links = f.developer_mode = GSYM_TRI_UNKNOWN;
	f.link_privilege = f.elevated = GSYM_TRI_UNKNOWN;
	fake_fs_link_facts(&f);
	gsym_platform_link_facts(&d.facts, WORK);
	probe_off(GSYM_EUNSUPPORTED);
	assert_string_equal(why(), "exfat does not support symbolic links");
	assert_false(gsym_doctor_links_off(d.probe, d.core_symlinks));
	/* the hooks come before living with fallbacks */
	d.hooks_here = 0;
	assert_non_null(strstr(next(), "'git symlinks install-hooks'"));
	d.hooks_here = all_hooks();
	d.hooks_global = 0;
	assert_non_null(strstr(next(), "install-hooks --global"));
}

static void test_doctor__posix_all_set(void **state)
{
	(void)state;
	d.core_symlinks = 1;
	probe();
	assert_int_equal(d.probe, 0);
	assert_non_null(strstr(next(), "nothing to do"));
}

/* Hooks read from config (git 2.54 and later): what doctor advises. */
static void test_doctor__config_hooks(void **state)
{
	(void)state;
	d.core_symlinks = 1;
	probe();
	d.config_capable = true;
	d.hooks_here = d.hooks_global = 0;
	/* nothing covers this repository: the one install that covers all */
	assert_non_null(strstr(next(), "install-hooks --global"));
	assert_non_null(strstr(next(), "every repository"));
	d.config_hooks = all_hooks();
	assert_non_null(strstr(next(), "nothing to do"));
	/* the blocks of an earlier install beside them */
	d.hooks_here = all_hooks();
	assert_non_null(strstr(next(), "--global --migrate"));
	d.hooks_here = 0;
	/* placeholders never restored: now, or at the next hook */
	d.links = d.placeholders = 3;
	assert_non_null(strstr(next(), "'git symlinks restore' now"));
	d.state = true; /* some, not all: the same */
	assert_non_null(strstr(next(), "'git symlinks restore' now"));
	d.placeholders = 0;
	assert_non_null(strstr(next(), "nothing to do"));
	/* opted out here */
	d.config_hooks = 0;
	d.config_disabled = true;
	assert_non_null(strstr(next(), "hook.git-symlinks.enabled=false"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_doctor__links_off),
		T(test_doctor__probe_leaves_nothing),
		T(test_doctor__windows_developer_mode_with_core_symlinks_off),
		T(test_doctor__windows_no_privilege),
		T(test_doctor__windows_volume_without_links),
		T(test_doctor__posix_exfat),
		T(test_doctor__posix_all_set),
		T(test_doctor__config_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
