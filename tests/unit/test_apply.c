/*
 * The fallback chain against a fake platform layer: every error the
 * platform can return, and what must be left behind when it does.
 */
#include "unit.h"
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/apply.h"
#include "fake_platform.h"
#include "pipeline/copy.h"
#include "util/error.h"
#include "util/util.h"
#include "run/run.h"

/* The index: link entries and tracked files, as the planner sees them. */
typedef struct {
	const char *path;
	gsym_node_type type;
	const char *target;
} idx_node;

static idx_node idx[] = {
	{ "fl", GSYM_NODE_LINK, "d/f" },
	{ "dl", GSYM_NODE_LINK, "d" },
	{ "d/f", GSYM_NODE_FILE, NULL },
	{ "d/g", GSYM_NODE_FILE, NULL },
	{ "d/h", GSYM_NODE_FILE, NULL },
	{ "sub/x", GSYM_NODE_LINK, "../d/f" },
	{ "chain", GSYM_NODE_LINK, "dl" },
	{ "unc", GSYM_NODE_LINK, "\\\\host\\share" },
	{ "unc-dir", GSYM_NODE_LINK, "//host/share/dir" },
	{ "drive", GSYM_NODE_LINK, "C:\\Windows" },
	{ "esc-dir", GSYM_NODE_LINK, "../outside" },
};

static const char *abs_of(gsym_buf *b, const char *path)
{
	gsym_buf_sets(b, "/w/");
	gsym_buf_puts(b, path);
	return b->ptr;
}

static int lookup(gsym_node *out, const gsym_view *view, const char *path)
{
	size_t i, len = strlen(path);
	gsym_buf b = GSYM_BUF_INIT;
	gsym_ftype t;

	(void)view;
	memset(out, 0, sizeof(*out));
	if (!*path) {
		out->type = GSYM_NODE_DIR;
		return 0;
	}
	for (i = 0; i < GSYM_ARRAY_SIZE(idx); i++) {
		if (!strcmp(idx[i].path, path)) {
			out->type = idx[i].type;
			out->target = idx[i].target;
			out->target_len =
				idx[i].target ? strlen(idx[i].target) : 0;
			out->tracked = true;
			return 0;
		}
		if (!strncmp(idx[i].path, path, len) &&
			idx[i].path[len] == '/') {
			out->type = GSYM_NODE_DIR;
			return 0;
		}
	}
	t = fake_fs_type(abs_of(&b, path));
	gsym_buf_dispose(&b);
	out->type = t == GSYM_FT_FILE ? GSYM_NODE_FILE :
		t == GSYM_FT_DIR      ? GSYM_NODE_DIR :
					GSYM_NODE_NONE;
	return 0;
}

static int v_lstat(gsym_stat *out, const gsym_view *view, const char *path)
{
	gsym_buf b = GSYM_BUF_INIT;
	int error = gsym_platform_lstat(out, abs_of(&b, path));

	(void)view;
	gsym_buf_dispose(&b);
	return error;
}

static int v_readlink(gsym_buf *out, const gsym_view *view, const char *path)
{
	gsym_buf b = GSYM_BUF_INIT;
	int error = gsym_platform_readlink(out, abs_of(&b, path));

	(void)view;
	gsym_buf_dispose(&b);
	return error;
}

static int v_read(gsym_buf *out, const gsym_view *view, const char *path,
	size_t max)
{
	gsym_buf b = GSYM_BUF_INIT;
	int error = gsym_platform_read_file(out, abs_of(&b, path), max);

	(void)view;
	gsym_buf_dispose(&b);
	return error;
}

static int v_hash(unsigned char *out, const gsym_view *view, const char *path,
	gsym_type type)
{
	gsym_buf b = GSYM_BUF_INIT;
	git_oid oid;
	int error;

	if (type == GSYM_TYPE_DIR)
		return gsym_copy_dir(out, view, path, NULL, NULL, NULL);
	if ((error = v_read(&b, view, path, 1 << 20)) == 0) {
		git_odb_hash(&oid, b.ptr, b.size, GIT_OBJECT_BLOB);
		memcpy(out, oid.id, 20);
	}
	gsym_buf_dispose(&b);
	return error;
}

static int v_readdir(const gsym_view *view, const char *path,
	int (*cb)(const char *name, void *payload), void *payload)
{
	gsym_buf b = GSYM_BUF_INIT;
	int error;

	(void)view;
	abs_of(&b, path);
	if (b.ptr[b.size - 1] == '/')
		gsym_buf_truncate(&b, b.size - 1);
	error = gsym_platform_readdir(b.ptr, cb, payload);
	gsym_buf_dispose(&b);
	return error;
}

static int v_attr(gsym_type *out, const gsym_view *view, const char *path)
{
	(void)view;
	*out = !strcmp(path, "unc-dir") ? GSYM_TYPE_DIR : GSYM_TYPE_UNKNOWN;
	return 0;
}

static gsym_view view = { .lookup = lookup,
	.lstat = v_lstat,
	.readlink = v_readlink,
	.read = v_read,
	.hash = v_hash,
	.attr = v_attr,
	.readdir = v_readdir,
	.workdir = "/w/" };

static gsym_state_file state;
static gsym_plan_opts opts;
static gsym_apply_ctx ctx;
static gsym_run_ctx rctx;

/* A tree with git's placeholders, as a clone leaves it. */
static int setup(void **unused)
{
	(void)unused;
	fake_fs_reset();
	fake_fs_add("/w", GSYM_FT_DIR, NULL);
	fake_fs_add("/w/.git", GSYM_FT_DIR, NULL);
	fake_fs_add("/w/d", GSYM_FT_DIR, NULL);
	fake_fs_add("/w/d/f", GSYM_FT_FILE, "eff\n");
	fake_fs_add("/w/d/g", GSYM_FT_FILE, "gee\n");
	fake_fs_add("/w/d/h", GSYM_FT_FILE, "aitch\n");
	fake_fs_add("/w/fl", GSYM_FT_FILE, "d/f");
	fake_fs_add("/w/dl", GSYM_FT_FILE, "d");
	fake_fs_add("/w/sub", GSYM_FT_DIR, NULL);
	fake_fs_add("/w/sub/x", GSYM_FT_FILE, "../d/f");

	memset(&state, 0, sizeof(state));
	state.dir = strdup("/w/.git/symlinks/");
	memset(&opts, 0, sizeof(opts));
	opts.mode = GSYM_MODE_RESTORE;
	opts.details = true;
	opts.platform = gsym_platform_info_get();
	gsym_run_parse_fallback(&opts, "copy");
	memset(&ctx, 0, sizeof(ctx));
	ctx.view = &view;
	ctx.state = &state;
	ctx.workdir = "/w/";
	ctx.backup_dir = "/w/.git/symlinks/backup/";
	ctx.opts = &opts;
	memset(&rctx, 0, sizeof(rctx));
	rctx.plan = &opts;
	rctx.apply = &ctx;
	return 0;
}

static int teardown(void **unused)
{
	(void)unused;
	gsym_state_dispose(&state);
	fake_fs_reset();
	return 0;
}

static gsym_entry run_one(const char *path)
{
	gsym_entry e;

	memset(&e, 0, sizeof(e));
	e.path = strdup(path);
	e.flags = GSYM_ENTRY_SELECTED;
	opts.platform = gsym_platform_info_get();
	assert_int_equal(0, gsym_run_entry(&rctx, &e, NULL));
	if (getenv("DEBUG_APPLY"))
		fprintf(stderr, "%s: state %s kind %s msg %s reason %s\n", path,
			gsym_verdict_name(e.verdict), gsym_kind_name(e.kind),
			e.message ? e.message : "-", e.reason ? e.reason : "-");
	return e;
}

static void dispose(gsym_entry *e)
{
	free(e->path);
	free(e->resolved);
	free(e->message);
}

static void test_apply__symlink_when_allowed(void **s)
{
	gsym_entry e = run_one("fl");

	(void)s;
	assert_state_equal(GSYM_VERDICT_RESTORED, e.verdict);
	assert_kind_equal(GSYM_KIND_SYMLINK, e.kind);
	assert_ftype_equal(GSYM_FT_LINK, fake_fs_type("/w/fl"));
	assert_string_equal("d/f", fake_fs_content("/w/fl"));
	assert_int_equal(0, fake_fs_count("/w/.fl.gsym"));
	dispose(&e);
}

static void test_apply__privilege_missing_file_gets_copy(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	e = run_one("fl");
	assert_state_equal(GSYM_VERDICT_RESTORED, e.verdict);
	assert_kind_equal(GSYM_KIND_COPY, e.kind);
	assert_ftype_equal(GSYM_FT_FILE, fake_fs_type("/w/fl"));
	assert_string_equal("eff\n", fake_fs_content("/w/fl"));
	assert_true(opts.links_unsupported);
	assert_non_null(gsym_state_find(&state, "fl"));
	/* the journal has the record before the copy was put in place */
	assert_non_null(
		strstr(fake_fs_content("/w/.git/symlinks/journal"), "\tfl\n"));
	dispose(&e);
}

static void test_apply__privilege_missing_dir_gets_junction(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_windows(true);
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	gsym_run_parse_fallback(&opts, "junction,copy");
	e = run_one("dl");
	assert_state_equal(GSYM_VERDICT_RESTORED, e.verdict);
	assert_kind_equal(GSYM_KIND_JUNCTION, e.kind);
	assert_ftype_equal(GSYM_FT_JUNCTION, fake_fs_type("/w/dl"));
	assert_string_equal("/w/d", fake_fs_content("/w/dl"));
	dispose(&e);
}

static void test_apply__unsupported_learnt_once(void **s)
{
	gsym_entry a, b;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EUNSUPPORTED, 0);
	a = run_one("fl");
	b = run_one("sub/x");
	assert_kind_equal(GSYM_KIND_COPY, a.kind);
	assert_kind_equal(GSYM_KIND_COPY, b.kind);
	/* the entry's link and the probe that confirmed it; none after */
	assert_int_equal(2, fake_fs_calls(FAKE_SYMLINK));
	assert_true(state.links_unsupported);
	dispose(&a);
	dispose(&b);
}

static void test_apply__refusal_of_one_path_is_its_error(void **s)
{
	gsym_entry a, b;

	(void)s;
	/* only the first link fails; the probe at the top succeeds */
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 1);
	a = run_one("fl");
	assert_state_equal(GSYM_VERDICT_ERROR, a.verdict);
	assert_string_equal("injected failure on '/w/.fl.gsym-new'", a.message);
	assert_ftype_equal(GSYM_FT_FILE, fake_fs_type("/w/fl")); /* untouched */
	assert_false(opts.links_unsupported);
	assert_false(state.links_unsupported);
	b = run_one("sub/x");
	assert_kind_equal(GSYM_KIND_SYMLINK, b.kind);
	dispose(&a);
	dispose(&b);
}

static void test_apply__access_denied_is_an_error_not_no_links(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EACCESS, 0);
	e = run_one("fl");
	assert_state_equal(GSYM_VERDICT_ERROR, e.verdict);
	assert_non_null(e.message);
	assert_false(opts.links_unsupported);
	assert_false(state.links_unsupported);
	assert_int_equal(1, fake_fs_calls(FAKE_SYMLINK)); /* no probe */
	assert_null(gsym_state_find(&state, "fl"));
	dispose(&e);
}

static void test_apply__junction_unsupported_falls_to_deep_copy(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_windows(true);
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	fake_fs_fail(FAKE_JUNCTION, GSYM_EUNSUPPORTED, 0); /* as under Wine */
	gsym_run_parse_fallback(&opts, "junction,copy");
	e = run_one("dl");
	assert_kind_equal(GSYM_KIND_COPY, e.kind);
	assert_ftype_equal(GSYM_FT_DIR, fake_fs_type("/w/dl"));
	assert_string_equal("gee\n", fake_fs_content("/w/dl/g"));
	assert_int_equal(0, fake_fs_count("/w/.dl.gsym"));
	dispose(&e);
}

static void test_apply__leftover_temp_is_replaced(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_add("/w/.fl.gsym-new", GSYM_FT_FILE, "junk from a crash");
	e = run_one("fl");
	assert_state_equal(GSYM_VERDICT_RESTORED, e.verdict);
	assert_ftype_equal(GSYM_FT_LINK, fake_fs_type("/w/fl"));
	assert_int_equal(0, fake_fs_count("/w/.fl.gsym"));
	dispose(&e);
}

static void test_apply__target_vanished_keeps_placeholder(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	fake_fs_fail(FAKE_COPY_FILE, GSYM_ENOTFOUND, 0);
	e = run_one("fl");
	assert_state_equal(GSYM_VERDICT_ERROR, e.verdict);
	assert_non_null(e.message);
	assert_string_equal("d/f", fake_fs_content("/w/fl"));
	assert_int_equal(0, fake_fs_count("/w/.fl.gsym"));
	assert_null(gsym_state_find(&state, "fl"));
	dispose(&e);
}

static void test_apply__deep_copy_failing_halfway_leaves_placeholder(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	fake_fs_fail(FAKE_COPY_FILE, GSYM_ERROR, 2); /* the second file */
	e = run_one("dl");
	assert_state_equal(GSYM_VERDICT_ERROR, e.verdict);
	assert_ftype_equal(GSYM_FT_FILE, fake_fs_type("/w/dl"));
	assert_string_equal("d", fake_fs_content("/w/dl"));
	assert_int_equal(0, fake_fs_count("/w/.dl.gsym")); /* no half copy */
	assert_null(gsym_state_find(&state, "dl"));
	dispose(&e);
}

static void test_apply__hardlink_unsupported_falls_to_copy(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	fake_fs_fail(FAKE_HARDLINK, GSYM_EUNSUPPORTED, 0);
	gsym_run_parse_fallback(&opts, "hardlink,copy");
	e = run_one("fl");
	assert_kind_equal(GSYM_KIND_COPY, e.kind);
	assert_int_equal(1, fake_fs_calls(FAKE_HARDLINK));
	dispose(&e);
}

static void test_apply__hardlink_when_it_works(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	gsym_run_parse_fallback(&opts, "hardlink,copy");
	e = run_one("fl");
	assert_kind_equal(GSYM_KIND_HARDLINK, e.kind);
	assert_string_equal("eff\n", fake_fs_content("/w/fl"));
	dispose(&e);
}

static void test_apply__failure_keeps_its_own_message(void **s)
{
	gsym_entry e;

	(void)s;
	/* the temporary name was never made: removing it fails too */
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	fake_fs_fail(FAKE_HARDLINK, GSYM_ERROR, 0);
	gsym_run_parse_fallback(&opts, "hardlink");
	e = run_one("fl");
	assert_state_equal(GSYM_VERDICT_ERROR, e.verdict);
	assert_non_null(strstr(e.message, "injected failure"));
	assert_string_equal("d/f", fake_fs_content("/w/fl"));
	dispose(&e);
}

static void test_apply__no_fallback_allowed_is_unsafe_placeholder(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	gsym_run_parse_fallback(&opts, "none");
	e = run_one("fl");
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	assert_string_equal("d/f", fake_fs_content("/w/fl"));
	dispose(&e);
}

static void test_apply__rename_failure_keeps_placeholder(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_RENAME, GSYM_ERROR, 0);
	e = run_one("fl");
	assert_state_equal(GSYM_VERDICT_ERROR, e.verdict);
	assert_string_equal("d/f", fake_fs_content("/w/fl"));
	assert_int_equal(0, fake_fs_count("/w/.fl.gsym"));
	dispose(&e);
}

static void test_apply__linked_parent_refused(void **s)
{
	gsym_entry e;

	(void)s;
	/* an earlier step turned `sub` into a link to somewhere else */
	gsym_platform_remove("/w/sub/x");
	gsym_platform_remove("/w/sub");
	fake_fs_add("/w/sub", GSYM_FT_LINK, "/elsewhere");
	e = run_one("sub/x");
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	assert_non_null(strstr(e.message, "leading path 'sub'"));
	assert_int_equal(0, fake_fs_calls(FAKE_SYMLINK));
	dispose(&e);
}

static void test_apply__copy_replaced_by_link_when_links_work(void **s)
{
	gsym_entry e;
	gsym_record *rec;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	e = run_one("dl");
	assert_kind_equal(GSYM_KIND_COPY, e.kind);
	dispose(&e);

	/* Developer Mode switched on: the deep copy becomes a link */
	fake_fs_fail(FAKE_SYMLINK, 0, 0);
	opts.links_unsupported = false;
	rec = gsym_state_find(&state, "dl");
	assert_non_null(rec);
	memset(&e, 0, sizeof(e));
	e.path = strdup("dl");
	e.flags = GSYM_ENTRY_SELECTED;
	gsym_plan_entry(&e, &view, rec, &opts);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	gsym_apply_entry(&ctx, &e);
	assert_kind_equal(GSYM_KIND_SYMLINK, e.kind);
	assert_ftype_equal(GSYM_FT_LINK, fake_fs_type("/w/dl"));
	assert_int_equal(0, fake_fs_count("/w/dl/"));
	assert_int_equal(0, fake_fs_count("/w/.dl.gsym"));
	assert_null(gsym_state_find(&state, "dl"));
	dispose(&e);
}

static void test_apply__deep_copy_depth_limit(void **s)
{
	gsym_buf p = GSYM_BUF_INIT;
	gsym_entry e;
	int i;

	(void)s;
	/* an untracked tree deeper than a copy may go */
	gsym_buf_puts(&p, "/w/d/deep");
	for (i = 0; i <= GSYM_COPY_MAX_DEPTH; i++) {
		fake_fs_add(p.ptr, GSYM_FT_DIR, NULL);
		gsym_buf_puts(&p, "/a");
	}
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	e = run_one("dl");
	assert_state_equal(GSYM_VERDICT_ERROR, e.verdict);
	assert_non_null(strstr(e.message, "levels deep"));
	assert_string_equal("d", fake_fs_content("/w/dl")); /* placeholder */
	assert_int_equal(0, fake_fs_count("/w/.dl.gsym"));
	dispose(&e);
	gsym_buf_dispose(&p);
}

/* d holds 3 files of 14 bytes: a limit below either keeps the placeholder */
static void test_apply__copy_past_limit_keeps_placeholder(void **s)
{
	static const gsym_copy_limit limits[] = { { 2, 0 }, { 0, 13 },
		{ 100, 13 } };
	gsym_entry e;
	size_t i;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	for (i = 0; i < GSYM_ARRAY_SIZE(limits); i++) {
		opts.copy_limit = limits[i];
		e = run_one("dl");
		assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
		assert_kind_equal(GSYM_KIND_PLACEHOLDER, e.kind);
		assert_non_null(strstr(e.message, "symlinks.copyLimit"));
		assert_non_null(strstr(e.message, "more than"));
		assert_false(e.flags & GSYM_ENTRY_CHANGED);
		assert_string_equal("d", fake_fs_content("/w/dl"));
		assert_int_equal(0, fake_fs_count("/w/.dl.gsym"));
		dispose(&e);
	}
}

static void test_apply__copy_within_limit_is_made(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	opts.copy_limit.files = 3; /* exactly what it holds */
	opts.copy_limit.bytes = 14;
	e = run_one("dl");
	assert_state_equal(GSYM_VERDICT_RESTORED, e.verdict);
	assert_kind_equal(GSYM_KIND_COPY, e.kind);
	assert_string_equal("gee\n", fake_fs_content("/w/dl/g"));
	dispose(&e);
}

/* a file link is one file: the limit is on directory copies */
static void test_apply__file_copy_not_limited(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	opts.copy_limit.files = 0;
	opts.copy_limit.bytes = 1;
	e = run_one("fl");
	assert_state_equal(GSYM_VERDICT_RESTORED, e.verdict);
	assert_kind_equal(GSYM_KIND_COPY, e.kind);
	dispose(&e);
}

/*
 * Counted by the copy's own walk: "sub/x", git's placeholder of a link
 * (6 bytes, "../d/f"), counts as the file it names (4 bytes, "eff\n")
 */
static void test_apply__limit_counts_through_links(void **s)
{
	gsym_copy_limit four = { 0, 4 }, three = { 0, 3 }, files = { 3, 0 };

	(void)s;
	assert_int_equal(0, gsym_copy_count(&view, "sub", &four));
	assert_int_equal(1, gsym_copy_count(&view, "sub", &three));
	assert_string_equal("more than 3 bytes", gsym_error_last());
	assert_int_equal(0, gsym_copy_count(&view, "d", &files));
	fake_fs_add("/w/d/k", GSYM_FT_FILE, "k");
	assert_int_equal(1, gsym_copy_count(&view, "d", &files));
	assert_string_equal("more than 3 files", gsym_error_last());
	assert_int_equal(0, gsym_copy_count(&view, "d", NULL));
}

/* status and a dry run count in the planner, to say what restore will */
static void test_apply__status_says_past_limit(void **s)
{
	gsym_entry e;

	(void)s;
	opts.mode = GSYM_MODE_STATUS;
	opts.count_copies = true;
	opts.links_unsupported = true; /* learnt: a copy is the best form */
	opts.copy_limit.files = 2;
	e = run_one("dl");
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	assert_int_equal(GSYM_ACT_NONE, e.action);
	assert_non_null(strstr(e.message, "past symlinks.copyLimit '2 files'"));
	dispose(&e);
	opts.copy_limit.files = 3;
	e = run_one("dl");
	assert_state_equal(GSYM_VERDICT_PENDING, e.verdict);
	assert_null(e.message);
	dispose(&e);
	/* where links may work, nothing is counted: a link is made */
	opts.links_unsupported = false;
	opts.copy_limit.files = 2;
	e = run_one("dl");
	assert_state_equal(GSYM_VERDICT_PENDING, e.verdict);
	dispose(&e);
}

static void test_apply__copy_limit_parse(void **s)
{
	gsym_copy_limit l = { GSYM_COPY_LIMIT_FILES, GSYM_COPY_LIMIT_BYTES };
	gsym_buf b = GSYM_BUF_INIT;

	(void)s;
	gsym_copy_limit_text(&b, &l);
	assert_string_equal("100000 files, 2g", b.ptr);
	assert_int_equal(0, gsym_copy_limit_parse(&l, "500 files"));
	assert_true(l.files == 500 && l.bytes == GSYM_COPY_LIMIT_BYTES);
	assert_int_equal(0, gsym_copy_limit_parse(&l, "512m"));
	assert_true(l.files == 500 && l.bytes == (uint64_t)512 << 20);
	assert_int_equal(0, gsym_copy_limit_parse(&l, " 1k files,4g "));
	assert_true(l.files == 1024 && l.bytes == (uint64_t)4 << 30);
	assert_int_equal(0, gsym_copy_limit_parse(&l, "0 files, 1000"));
	assert_true(l.files == 0 && l.bytes == 1000);
	gsym_buf_clear(&b);
	gsym_copy_limit_text(&b, &l);
	assert_string_equal("1000", b.ptr);
	assert_int_equal(0, gsym_copy_limit_parse(&l, "none"));
	assert_true(l.files == 0 && l.bytes == 0);
	assert_int_equal(-1, gsym_copy_limit_parse(&l, "lots"));
	assert_int_equal(-1, gsym_copy_limit_parse(&l, "1 files, 2 files"));
	assert_int_equal(-1, gsym_copy_limit_parse(&l, "2g 3g"));
	assert_int_equal(-1, gsym_copy_limit_parse(&l, ""));
	assert_non_null(strstr(gsym_error_last(), "symlinks.copyLimit"));
	gsym_buf_dispose(&b);
}

static void windows_without_links(void)
{
	fake_fs_windows(true);
	gsym_run_parse_fallback(&opts, "junction,copy");
}

static void test_apply__win_chain_gets_directory_flag(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_windows(true);
	fake_fs_add("/w/chain", GSYM_FT_FILE, "dl");
	e = run_one("chain"); /* chain -> dl -> d */
	assert_kind_equal(GSYM_KIND_SYMLINK, e.kind);
	assert_type_equal(GSYM_TYPE_DIR, e.type);
	assert_link_kind_equal(GSYM_LINK_DIR, fake_fs_last_link_kind());
	dispose(&e);
}

static void test_apply__win_unc_is_file_link_never_probed(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_windows(true);
	opts.allow_outside = true;
	fake_fs_add("/w/unc", GSYM_FT_FILE, "\\\\host\\share");
	fake_fs_add("/w/drive", GSYM_FT_FILE, "C:\\Windows");
	e = run_one("unc");
	assert_kind_equal(GSYM_KIND_SYMLINK, e.kind);
	assert_link_kind_equal(GSYM_LINK_FILE, fake_fs_last_link_kind());
	dispose(&e);
	e = run_one("drive");
	assert_link_kind_equal(GSYM_LINK_FILE, fake_fs_last_link_kind());
	dispose(&e);
	assert_false(fake_fs_touched("host"));
	assert_false(fake_fs_touched("Windows"));
}

static void test_apply__win_unc_dir_by_attribute_only(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_windows(true);
	opts.allow_outside = true;
	fake_fs_add("/w/unc-dir", GSYM_FT_FILE, "//host/share/dir");
	e = run_one("unc-dir"); /* symlink=dir in .gitattributes */
	assert_link_kind_equal(GSYM_LINK_DIR, fake_fs_last_link_kind());
	assert_type_equal(GSYM_TYPE_DIR, e.type);
	assert_false(fake_fs_touched("host"));
	dispose(&e);
}

static void test_apply__win_outside_needs_allow_outside(void **s)
{
	gsym_entry e;

	(void)s;
	fake_fs_windows(true);
	fake_fs_add("/w/unc", GSYM_FT_FILE, "\\\\host\\share");
	e = run_one("unc");
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	assert_int_equal(0, fake_fs_calls(FAKE_SYMLINK));
	dispose(&e);
}

static void test_apply__win_junction_outside_refused(void **s)
{
	gsym_entry e;

	(void)s;
	windows_without_links();
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	fake_fs_add("/w/esc-dir", GSYM_FT_FILE, "../outside");
	e = run_one("esc-dir");
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	assert_int_equal(0, fake_fs_calls(FAKE_JUNCTION));
	assert_string_equal("../outside", fake_fs_content("/w/esc-dir"));
	dispose(&e);
}

static void test_apply__win_moved_junction_replaced(void **s)
{
	gsym_entry e;
	gsym_record *rec;

	(void)s;
	windows_without_links();
	fake_fs_fail(FAKE_SYMLINK, GSYM_EPRIVILEGE, 0);
	e = run_one("dl");
	assert_kind_equal(GSYM_KIND_JUNCTION, e.kind);
	dispose(&e);

	/* the tree was moved: the junction still names the old place */
	gsym_platform_remove("/w/dl");
	fake_fs_add("/w/dl", GSYM_FT_JUNCTION, "/old/place/d");
	rec = gsym_state_find(&state, "dl");
	assert_non_null(rec);
	opts.links_unsupported = true;
	memset(&e, 0, sizeof(e));
	e.path = strdup("dl");
	e.flags = GSYM_ENTRY_SELECTED;
	gsym_plan_entry(&e, &view, rec, &opts);
	assert_state_equal(GSYM_VERDICT_STALE, e.verdict);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	gsym_apply_entry(&ctx, &e);
	assert_kind_equal(GSYM_KIND_JUNCTION, e.kind);
	assert_string_equal("/w/d", fake_fs_content("/w/dl"));
	assert_int_equal(0, fake_fs_count("/w/.dl.gsym"));
	assert_string_equal("gee\n", fake_fs_content("/w/d/g")); /* intact */
	dispose(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_apply__symlink_when_allowed),
		T(test_apply__privilege_missing_file_gets_copy),
		T(test_apply__privilege_missing_dir_gets_junction),
		T(test_apply__unsupported_learnt_once),
		T(test_apply__junction_unsupported_falls_to_deep_copy),
		T(test_apply__leftover_temp_is_replaced),
		T(test_apply__target_vanished_keeps_placeholder),
		T(test_apply__deep_copy_failing_halfway_leaves_placeholder),
		T(test_apply__hardlink_unsupported_falls_to_copy),
		T(test_apply__hardlink_when_it_works),
		T(test_apply__failure_keeps_its_own_message),
		T(test_apply__no_fallback_allowed_is_unsafe_placeholder),
		T(test_apply__rename_failure_keeps_placeholder),
		T(test_apply__linked_parent_refused),
		T(test_apply__copy_replaced_by_link_when_links_work),
		T(test_apply__refusal_of_one_path_is_its_error),
		T(test_apply__access_denied_is_an_error_not_no_links),
		T(test_apply__deep_copy_depth_limit),
		T(test_apply__copy_past_limit_keeps_placeholder),
		T(test_apply__copy_within_limit_is_made),
		T(test_apply__file_copy_not_limited),
		T(test_apply__limit_counts_through_links),
		T(test_apply__status_says_past_limit),
		T(test_apply__copy_limit_parse),
		T(test_apply__win_chain_gets_directory_flag),
		T(test_apply__win_unc_is_file_link_never_probed),
		T(test_apply__win_unc_dir_by_attribute_only),
		T(test_apply__win_outside_needs_allow_outside),
		T(test_apply__win_junction_outside_refused),
		T(test_apply__win_moved_junction_replaced),
#undef T
	};

	git_libgit2_init();
	return cmocka_run_group_tests_name("apply", tests, NULL, NULL);
}
