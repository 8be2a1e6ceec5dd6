/*
 * The report: what counts towards exit code 1, and the text, porcelain and
 * JSON forms, with paths and targets no terminal or parser should choke on.
 */
#include "unit.h"
#include <string.h>

#include "pipeline/report.h"

#define MAX_ENTRIES 16

static gsym_entry v[MAX_ENTRIES];
static gsym_entries entries;
static gsym_report_opts opts;
static gsym_buf out, err; /* disposed after each case: empty again */

static int setup(void **state)
{
	(void)state;
	memset(v, 0, sizeof(v));
	entries.v = v;
	entries.n = 0;
	memset(&opts, 0, sizeof(opts));
	gsym_error_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gsym_buf_dispose(&out);
	gsym_buf_dispose(&err);
	return 0;
}

/* A selected entry (paths and targets are not owned: never disposed). */
static gsym_entry *add(const char *path, const char *target, gsym_verdict state,
	gsym_kind kind, gsym_type type)
{
	gsym_entry *e = &v[entries.n++];

	assert_true(entries.n <= MAX_ENTRIES);
	e->path = (char *)path;
	e->target = target;
	e->target_len = target ? strlen(target) : 0;
	e->verdict = state;
	e->kind = kind;
	e->type = type;
	e->flags = GSYM_ENTRY_SELECTED;
	return e;
}

/* The same, of an entry this run changed. */
static void add_changed(const char *path, const char *target,
	gsym_verdict state, gsym_kind kind, gsym_type type)
{
	add(path, target, state, kind, type)->flags |= GSYM_ENTRY_CHANGED;
}

/* One entry in every state, as restore leaves them. */
static void every_state(void)
{
	add("ok", "t", GSYM_VERDICT_OK, GSYM_KIND_SYMLINK, GSYM_TYPE_FILE);
	add_changed("restored", "t", GSYM_VERDICT_RESTORED, GSYM_KIND_COPY,
		GSYM_TYPE_FILE);
	add("pending", "t", GSYM_VERDICT_PENDING, GSYM_KIND_PLACEHOLDER,
		GSYM_TYPE_FILE)
		->action = GSYM_ACT_CREATE;
	add("stale", "t", GSYM_VERDICT_STALE, GSYM_KIND_COPY, GSYM_TYPE_DIR)
		->action = GSYM_ACT_CREATE;
	add("modified", "t", GSYM_VERDICT_MODIFIED, GSYM_KIND_OTHER,
		GSYM_TYPE_FILE);
	add("unsafe", "../t", GSYM_VERDICT_UNSAFE, GSYM_KIND_PLACEHOLDER,
		GSYM_TYPE_UNKNOWN);
	add("dangling", "none", GSYM_VERDICT_DANGLING, GSYM_KIND_SYMLINK,
		GSYM_TYPE_MISSING);
	add("error", "t", GSYM_VERDICT_ERROR, GSYM_KIND_PLACEHOLDER,
		GSYM_TYPE_FILE);
}

static size_t report(gsym_report_format format, gsym_mode mode)
{
	opts.format = format;
	opts.mode = mode;
	gsym_buf_clear(&out);
	gsym_buf_clear(&err);
	return gsym_report(&out, &err, &entries, &opts);
}

static void test_report__left_alone_decides_the_exit(void **state)
{
	(void)state;
	every_state();
	/* an entry outside the pathspec counts for nothing */
	add("unselected", "t", GSYM_VERDICT_ERROR, GSYM_KIND_OTHER,
		GSYM_TYPE_FILE)
		->flags = 0;

	/* pending, stale, modified, unsafe, error; dangling is fine */
	assert_int_equal(5, report(GSYM_REPORT_TEXT, GSYM_MODE_RESTORE));
	assert_int_equal(5, report(GSYM_REPORT_TEXT, GSYM_MODE_STATUS));
	assert_int_equal(5, report(GSYM_REPORT_JSON, GSYM_MODE_STATUS));
	assert_int_equal(5, report(GSYM_REPORT_PORCELAIN, GSYM_MODE_STATUS));
	/* reset leaves alone only what it must not touch */
	assert_int_equal(3, report(GSYM_REPORT_TEXT, GSYM_MODE_RESET));
	/* a dry run does not count what the real run would fix */
	opts.dry_run = true;
	assert_int_equal(3, report(GSYM_REPORT_TEXT, GSYM_MODE_RESTORE));
	opts.quiet = true;
	assert_int_equal(3, report(GSYM_REPORT_TEXT, GSYM_MODE_RESTORE));
}

static void test_report__json(void **state)
{
	gsym_entry *e;

	(void)state;
	add_changed("a/link", "../t", GSYM_VERDICT_RESTORED, GSYM_KIND_SYMLINK,
		GSYM_TYPE_DIR);
	e = add("odd \"q\"\\b\tc\nd\x01\x7f\xc3\xa9", NULL, GSYM_VERDICT_ERROR,
		GSYM_KIND_PLACEHOLDER, GSYM_TYPE_UNKNOWN);
	e->reason = "a reason";
	e->message = "could not create symlink 'x'";
	add("u", "tab\there", GSYM_VERDICT_UNSAFE, GSYM_KIND_PLACEHOLDER,
		GSYM_TYPE_UNKNOWN)
		->reason = "target leaves the working tree";
	add("hidden", "t", GSYM_VERDICT_OK, GSYM_KIND_SYMLINK, GSYM_TYPE_FILE)
		->flags = 0;

	assert_int_equal(2, report(GSYM_REPORT_JSON, GSYM_MODE_RESTORE));
	assert_string_equal("{\"version\":1,\"entries\":["
			    "{\"path\":\"a/link\",\"target\":\"../t\","
			    "\"type\":\"dir\",\"kind\":\"symlink\","
			    "\"state\":\"restored\",\"reason\":null},"
			    /* the message of the failure wins over a reason */
			    "{\"path\":\"odd \\\"q\\\"\\\\b\\tc\\nd\\u0001"
			    "\\u007f\xc3\xa9\",\"target\":null,"
			    "\"type\":\"unknown\",\"kind\":\"placeholder\","
			    "\"state\":\"error\","
			    "\"reason\":\"could not create symlink 'x'\"},"
			    "{\"path\":\"u\",\"target\":\"tab\\there\","
			    "\"type\":\"unknown\",\"kind\":\"placeholder\","
			    "\"state\":\"unsafe\","
			    "\"reason\":\"target leaves the working tree\"}],"
			    "\"summary\":{\"total\":3,\"ok\":0,\"restored\":1,"
			    "\"pending\":0,\"stale\":0,\"modified\":0,"
			    "\"unsafe\":1,\"dangling\":0,\"error\":1,"
			    "\"changed\":1,\"dry_run\":false}}\n",
		gsym_buf_cstr(&out));
	assert_string_equal("", gsym_buf_cstr(&err)); /* all on stdout */

	opts.dry_run = true;
	report(GSYM_REPORT_JSON, GSYM_MODE_RESTORE);
	assert_non_null(strstr(gsym_buf_cstr(&out), "\"dry_run\":true}}\n"));
}

static void test_report__porcelain_quotes_as_git(void **state)
{
	(void)state;
	add("plain name", "t", GSYM_VERDICT_PENDING, GSYM_KIND_PLACEHOLDER,
		GSYM_TYPE_FILE);
	add("tab\there", "t", GSYM_VERDICT_OK, GSYM_KIND_COPY, GSYM_TYPE_DIR);
	add("q\"\\\n\x01\xc3\xa9", "t", GSYM_VERDICT_DANGLING,
		GSYM_KIND_SYMLINK, GSYM_TYPE_MISSING);

	assert_int_equal(1, report(GSYM_REPORT_PORCELAIN, GSYM_MODE_STATUS));
	assert_string_equal("pending placeholder file plain name\n"
			    "ok copy dir \"tab\\there\"\n"
			    /* as core.quotePath: bytes above 0x7f in octal */
			    "dangling symlink missing "
			    "\"q\\\"\\\\\\n\\001\\303\\251\"\n",
		gsym_buf_cstr(&out));
	assert_string_equal("", gsym_buf_cstr(&err));
}

static void test_report__status_text(void **state)
{
	(void)state;
	every_state();
	v[7].message = "could not read 'error'";

	report(GSYM_REPORT_TEXT, GSYM_MODE_STATUS);
	/* the entries not at their best, then one summary line */
	assert_string_equal(
		"pending   pending -> t (placeholder)\n"
		"stale     stale -> t (copy)\n"
		"modified  modified -> t (other)\n"
		"unsafe    unsafe -> ../t (placeholder)\n"
		"error     error -> t (placeholder; could not read 'error')\n"
		/* status never restores: "ok" is ok and dangling */
		"8 links: 2 ok, 1 pending, 1 stale, 1 modified, 1 unsafe, "
		"1 error (1 dangling); run 'git symlinks restore'\n",
		gsym_buf_cstr(&out));
	assert_string_equal("", gsym_buf_cstr(&err));

	/* --verbose names every entry */
	opts.verbose = true;
	report(GSYM_REPORT_TEXT, GSYM_MODE_STATUS);
	assert_non_null(
		strstr(gsym_buf_cstr(&out), "ok        ok -> t (symlink)\n"));
	assert_non_null(strstr(gsym_buf_cstr(&out),
		"dangling  dangling -> none (symlink)\n"));
}

static void test_report__status_text_all_good(void **state)
{
	(void)state;
	add("a", "t", GSYM_VERDICT_OK, GSYM_KIND_SYMLINK, GSYM_TYPE_FILE);
	assert_int_equal(0, report(GSYM_REPORT_TEXT, GSYM_MODE_STATUS));
	assert_string_equal("1 link: 1 ok\n", gsym_buf_cstr(&out));
}

static void test_report__restore_text(void **state)
{
	(void)state;
	add_changed("a", "t", GSYM_VERDICT_RESTORED, GSYM_KIND_SYMLINK,
		GSYM_TYPE_FILE);
	add_changed("b", "t", GSYM_VERDICT_RESTORED, GSYM_KIND_COPY,
		GSYM_TYPE_FILE);
	add_changed("c", "d", GSYM_VERDICT_RESTORED, GSYM_KIND_COPY,
		GSYM_TYPE_DIR);
	add("d", "t", GSYM_VERDICT_OK, GSYM_KIND_SYMLINK, GSYM_TYPE_FILE);
	add("e", "t", GSYM_VERDICT_MODIFIED, GSYM_KIND_OTHER, GSYM_TYPE_FILE)
		->reason = "edited by the user";

	assert_int_equal(1, report(GSYM_REPORT_TEXT, GSYM_MODE_RESTORE));
	assert_string_equal("restored 3 of 5 links (1 symlink, 2 copies); "
			    "1 left alone\n",
		gsym_buf_cstr(&out));
	/* what was left alone goes to stderr, with why */
	assert_string_equal("modified  e -> t (other; edited by the user)\n",
		gsym_buf_cstr(&err));

	/* quiet: no summary; only failures are still worth a line */
	opts.quiet = true;
	v[4].verdict = GSYM_VERDICT_ERROR;
	report(GSYM_REPORT_TEXT, GSYM_MODE_RESTORE);
	assert_string_equal("", gsym_buf_cstr(&out));
	assert_string_equal("error     e -> t (other; edited by the user)\n",
		gsym_buf_cstr(&err));
	v[4].verdict = GSYM_VERDICT_MODIFIED;
	report(GSYM_REPORT_TEXT, GSYM_MODE_RESTORE);
	assert_string_equal("", gsym_buf_cstr(&err));
}

static void test_report__restore_text_nothing_to_do(void **state)
{
	(void)state;
	add("a", "t", GSYM_VERDICT_OK, GSYM_KIND_SYMLINK, GSYM_TYPE_FILE);
	add("b", "gone", GSYM_VERDICT_DANGLING, GSYM_KIND_SYMLINK,
		GSYM_TYPE_MISSING);
	assert_int_equal(0, report(GSYM_REPORT_TEXT, GSYM_MODE_RESTORE));
	assert_string_equal("2 links checked, nothing to restore\n",
		gsym_buf_cstr(&out));
	assert_string_equal("", gsym_buf_cstr(&err));
}

static void test_report__dry_run_text(void **state)
{
	(void)state;
	add("fl", "d/f", GSYM_VERDICT_PENDING, GSYM_KIND_PLACEHOLDER,
		GSYM_TYPE_FILE)
		->action = GSYM_ACT_CREATE;
	add("ok", "d/f", GSYM_VERDICT_OK, GSYM_KIND_SYMLINK, GSYM_TYPE_FILE)
		->action = GSYM_ACT_STAMP;
	add("quiet", "d/f", GSYM_VERDICT_OK, GSYM_KIND_SYMLINK, GSYM_TYPE_FILE);
	opts.dry_run = true;

	assert_int_equal(0, report(GSYM_REPORT_TEXT, GSYM_MODE_RESTORE));
	/* what would change, and no summary */
	assert_string_equal("would restore   fl -> d/f (placeholder)\n"
			    "would stamp     ok -> d/f (symlink)\n",
		gsym_buf_cstr(&out));

	v[1].action = GSYM_ACT_PLACEHOLDER;
	v[1].verdict = GSYM_VERDICT_OK;
	report(GSYM_REPORT_TEXT, GSYM_MODE_RESET);
	assert_non_null(strstr(gsym_buf_cstr(&out),
		"would reset     ok -> d/f (symlink)\n"));
}

static void test_report__reset_text(void **state)
{
	(void)state;
	add_changed("a", "t", GSYM_VERDICT_OK, GSYM_KIND_PLACEHOLDER,
		GSYM_TYPE_FILE);
	add_changed("b", "t", GSYM_VERDICT_OK, GSYM_KIND_PLACEHOLDER,
		GSYM_TYPE_FILE);
	add("c", "gone", GSYM_VERDICT_DANGLING, GSYM_KIND_PLACEHOLDER,
		GSYM_TYPE_MISSING);
	add("d", "t", GSYM_VERDICT_MODIFIED, GSYM_KIND_OTHER, GSYM_TYPE_FILE);

	assert_int_equal(1, report(GSYM_REPORT_TEXT, GSYM_MODE_RESET));
	assert_string_equal(
		"reset 2 of 4 links to placeholders; 1 left alone\n",
		gsym_buf_cstr(&out));
	/* a dangling link is no reason to warn when putting placeholders */
	assert_string_equal("modified  d -> t (other)\n", gsym_buf_cstr(&err));
}

static void test_report__odd_paths_and_targets_in_text(void **state)
{
	char long_target[201];

	(void)state;
	memset(long_target, 'x', 200);
	long_target[200] = '\0';
	add("new\nline", "esc\x1b[31m\ttab", GSYM_VERDICT_PENDING,
		GSYM_KIND_PLACEHOLDER, GSYM_TYPE_FILE);
	add("\xc3\xa9", long_target, GSYM_VERDICT_PENDING,
		GSYM_KIND_PLACEHOLDER, GSYM_TYPE_FILE);

	report(GSYM_REPORT_TEXT, GSYM_MODE_STATUS);
	/* paths quoted as git quotes them, control bytes of targets escaped,
	 * long targets cut */
	assert_non_null(strstr(gsym_buf_cstr(&out),
		"pending   \"new\\nline\" -> esc\\033[31m\\011tab "
		"(placeholder)\n"));
	assert_non_null(strstr(gsym_buf_cstr(&out),
		"pending   \xc3\xa9 -> xxxxxxxxxx"));
	assert_non_null(strstr(gsym_buf_cstr(&out),
		"xxxxxxxxxx... (200 bytes) (placeholder)\n"));
	assert_null(strstr(gsym_buf_cstr(&out), "\x1b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_report__left_alone_decides_the_exit),
		T(test_report__json),
		T(test_report__porcelain_quotes_as_git),
		T(test_report__status_text),
		T(test_report__status_text_all_good),
		T(test_report__restore_text),
		T(test_report__restore_text_nothing_to_do),
		T(test_report__dry_run_text),
		T(test_report__reset_text),
		T(test_report__odd_paths_and_targets_in_text),
#undef T
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
