/*
 * The planner's decisions, over a fake view: no disk, no repository.
 */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/plan.h"
#include "pipeline/validate.h"
#include "fake_platform.h"
#include "fake_view.h"

/* The world every case starts from; a case changes its own copy. */
static const fake_node base_nodes[] = {
	{ "d/f", GSYM_NODE_FILE, NULL, false, NULL },
	{ "fl", GSYM_NODE_LINK, "d/f", false, NULL },
	{ "dl", GSYM_NODE_LINK, "d", false, NULL },
	{ "esc", GSYM_NODE_LINK, "../outside", false, NULL },
	{ "dang", GSYM_NODE_LINK, "nothing", false, NULL },
	{ "sub/up", GSYM_NODE_LINK, "..", false, NULL },
	{ "nul", GSYM_NODE_LINK, "", false, NULL },
	{ ".GIT/x", GSYM_NODE_LINK, "d", false, NULL },
	{ "git", GSYM_NODE_LINK, ".git/config", false, NULL },
};

static const fake_disk base_disk[] = {
	{ "d/f", GSYM_FT_FILE, "content\n", { 0 }, { 0 } },
	{ "fl", GSYM_FT_FILE, "d/f", { 0 }, { 0 } }, /* placeholder */
	{ "dl", GSYM_FT_FILE, "d", { 0 }, { 0 } },
	{ "esc", GSYM_FT_FILE, "../outside", { 0 }, { 0 } },
	{ "dang", GSYM_FT_FILE, "nothing", { 0 }, { 0 } },
	{ "sub/up", GSYM_FT_FILE, "..", { 0 }, { 0 } },
	{ "git", GSYM_FT_FILE, ".git/config", { 0 }, { 0 } },
};

static fake_node nodes[GSYM_ARRAY_SIZE(base_nodes)];
static fake_disk disk[GSYM_ARRAY_SIZE(base_disk)];
static fake_world world;

static const gsym_platform_info posix = FAKE_POSIX_INFO("posix", "copy");
static const gsym_platform_info win = FAKE_WIN32_INFO("win32", "junction,copy");

/* A fresh world: what an earlier case changed, even one that failed
 * halfway, is gone. */
static int setup(void **state)
{
	fake_world fresh = { nodes, GSYM_ARRAY_SIZE(nodes), disk,
		GSYM_ARRAY_SIZE(disk), 0, 0, 0 };

	(void)state;
	memcpy(nodes, base_nodes, sizeof(nodes));
	memcpy(disk, base_disk, sizeof(disk));
	world = fresh;
	gsym_error_clear();
	return 0;
}

static gsym_plan_opts opts_for(gsym_mode mode, bool links)
{
	gsym_plan_opts o;

	memset(&o, 0, sizeof(o));
	o.mode = mode;
	o.details = true;
	o.links_unsupported = !links;
	o.platform = &posix;
	o.fallbacks[0] = GSYM_HOW_COPY;
	o.nfallbacks = 1;
	return o;
}

static gsym_entry entry(const char *path)
{
	gsym_entry e;

	memset(&e, 0, sizeof(e));
	e.path = (char *)path;
	e.flags = GSYM_ENTRY_SELECTED;
	return e;
}

static void plan(gsym_entry *e, const gsym_record *rec, const gsym_plan_opts *o)
{
	gsym_view view;

	fake_view_init(&view, &world);
	gsym_plan_entry(e, &view, rec, o);
}

static void done(gsym_entry *e)
{
	free(e->resolved);
	free(e->message);
}

/* The record of a copy of a file holding `content`, made at "fl". */
static gsym_record copy_record(const char *content)
{
	gsym_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.kind = GSYM_KIND_COPY;
	rec.type = GSYM_TYPE_FILE;
	rec.path = "fl";
	fake_hash(rec.hash, content);
	return rec;
}

static void test_plan__placeholder_becomes_symlink_then_copy(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, true);
	gsym_entry e = entry("fl");

	(void)state;
	plan(&e, NULL, &o);
	assert_kind_equal(GSYM_KIND_PLACEHOLDER, e.kind);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	assert_state_equal(GSYM_VERDICT_PENDING, e.verdict);
	assert_type_equal(GSYM_TYPE_FILE, e.type);
	assert_int_equal(2, e.nhows);
	assert_how_equal(GSYM_HOW_SYMLINK, e.hows[0]);
	assert_how_equal(GSYM_HOW_COPY, e.hows[1]);
	assert_string_equal("d/f", e.resolved);
	done(&e);
}

/*
 * No record, but a file holding exactly its target's bytes (a copy `git
 * mv` moved, or one made by hand): making the copy loses nothing, so
 * restore makes it; one byte different is still the user's.
 */
static void test_plan__copy_of_the_target_is_adopted(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("fl");

	(void)state;
	disk[1].content = "content\n";
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_PENDING, e.verdict);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	assert_kind_equal(GSYM_KIND_COPY, e.kind);
	assert_false(e.flags & GSYM_ENTRY_BACKUP);
	done(&e);

	disk[1].content = "Content\n";
	e = entry("fl");
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_MODIFIED, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	done(&e);
}

static void test_plan__status_changes_nothing(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_STATUS, true);
	gsym_entry e = entry("fl");

	(void)state;
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_PENDING, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	done(&e);
}

static void test_plan__edited_placeholder_is_modified(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, true);
	gsym_entry e = entry("fl");

	(void)state;
	disk[1].content = "d/F"; /* same size, other text */
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_MODIFIED, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	assert_kind_equal(GSYM_KIND_OTHER, e.kind);
	done(&e);

	o.force = true;
	e = entry("fl");
	plan(&e, NULL, &o);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	assert_true(e.flags & GSYM_ENTRY_BACKUP);
	done(&e);
}

static void test_plan__stamped_placeholder_is_not_read(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, true);
	gsym_entry e = entry("fl");

	(void)state;
	disk[1].st.ino = 42;
	disk[1].st.size = 3;
	e.istat.ino = 42;
	e.istat.size = 3;
	plan(&e, NULL, &o);
	assert_int_equal(0, world.reads);
	assert_kind_equal(GSYM_KIND_PLACEHOLDER, e.kind);
	done(&e);
}

static void test_plan__right_symlink_ok_or_stamped(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, true);
	gsym_entry e = entry("fl");

	(void)state;
	disk[1].type = GSYM_FT_LINK;
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_OK, e.verdict);
	assert_action_equal(GSYM_ACT_STAMP, e.action); /* stat differs */
	done(&e);

	disk[1].content = "elsewhere";
	e = entry("fl");
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_MODIFIED, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	done(&e);
}

static void test_plan__fast_path_reads_no_blob(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, true);
	gsym_entry e = entry("fl");

	(void)state;
	o.details = false;
	disk[1].type = GSYM_FT_LINK;
	e.istat.size = 3;
	plan(&e, NULL, &o); /* lstat equals the (zero) stamp */
	assert_int_equal(0, world.lookups);
	assert_state_equal(GSYM_VERDICT_OK, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	done(&e);
}

/* The hook's quick check: a marked stamp spares the lstat, nothing else. */
static void test_plan__quick_trusts_only_the_mark(void **state)
{
	gsym_view view;
	gsym_record rec;
	gsym_entry e = entry("fl");

	(void)state;
	fake_view_init(&view, &world);
	memset(&rec, 0, sizeof(rec));
	rec.kind = GSYM_KIND_COPY;
	rec.path = "fl";

	e.istat.mtime_nsec = gsym_stamp_mark("fl");
	assert_int_equal(0, gsym_stamp_mark("fl") % 100); /* NTFS keeps it */
	assert_int_not_equal(gsym_stamp_mark("fl"), gsym_stamp_mark("dl"));
	/* a whole-second stamp (nsec 0) is never taken for the mark; this
	   path's hash is a multiple of 10^7 */
	assert_int_not_equal(0, gsym_stamp_mark("l5229702"));
	assert_true(gsym_plan_quick(&e, &view, NULL, false));
	assert_int_equal(0, world.lstats);
	assert_kind_equal(GSYM_KIND_SYMLINK, e.kind);
	assert_state_equal(GSYM_VERDICT_OK, e.verdict);

	/* a fallback is proven by its own record, never by the mark */
	e = entry("fl");
	e.istat.mtime_nsec = gsym_stamp_mark("fl");
	assert_false(gsym_plan_quick(&e, &view, &rec, false));
	assert_int_equal(1, world.lstats);

	/* git's stamp of the placeholder it wrote: looked at, planned */
	e = entry("fl");
	e.istat.mtime_nsec = gsym_stamp_mark("fl") + 100;
	assert_false(gsym_plan_quick(&e, &view, NULL, false));
	assert_int_equal(2, world.lstats);
}

static void test_plan__no_links_escaping_is_unsafe(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("esc");

	(void)state;
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	assert_non_null(strstr(e.reason, "leaves the working tree"));
	done(&e);

	/* with links, escaping links are made as git would */
	o = opts_for(GSYM_MODE_RESTORE, true);
	e = entry("esc");
	plan(&e, NULL, &o);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	assert_int_equal(1, e.nhows);
	done(&e);

	/* where outside links are a risk, only with --allow-outside */
	o.platform = &win;
	e = entry("esc");
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	done(&e);
	o.allow_outside = true;
	e = entry("esc");
	plan(&e, NULL, &o);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	done(&e);
}

static void test_plan__no_links_dangling_keeps_placeholder(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("dang");

	(void)state;
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_DANGLING, e.verdict);
	assert_true(gsym_verdict_is_good(e.verdict));
	done(&e);
}

static void test_plan__ancestor_never_copied(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("sub/up");

	(void)state;
	plan(&e, NULL, &o);
	assert_type_equal(GSYM_TYPE_DIR, e.type);
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	assert_non_null(strstr(e.reason, "ancestor"));
	done(&e);
}

static void test_plan__git_dir_target_never_copied(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("git");

	(void)state;
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	done(&e);
}

static void test_plan__fallback_kinds_fit_the_type(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("dl");

	(void)state;
	o.fallbacks[0] = GSYM_HOW_JUNCTION;
	o.fallbacks[1] = GSYM_HOW_HARDLINK;
	o.fallbacks[2] = GSYM_HOW_COPY;
	o.nfallbacks = 3;
	plan(&e, NULL, &o); /* posix: no junction; dir: no hard link */
	assert_int_equal(1, e.nhows);
	assert_how_equal(GSYM_HOW_COPY, e.hows[0]);
	done(&e);

	o.platform = &win;
	e = entry("dl");
	plan(&e, NULL, &o);
	assert_int_equal(2, e.nhows);
	assert_how_equal(GSYM_HOW_JUNCTION, e.hows[0]);
	done(&e);

	e = entry("fl");
	plan(&e, NULL, &o);
	assert_int_equal(2, e.nhows);
	assert_how_equal(GSYM_HOW_HARDLINK, e.hows[0]);
	assert_how_equal(GSYM_HOW_COPY, e.hows[1]);
	done(&e);
}

static void test_plan__recorded_copy(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("fl");
	gsym_record rec = copy_record("content\n");

	(void)state;
	disk[1].content = "content\n";

	plan(&e, &rec, &o); /* unchanged, target unchanged */
	assert_kind_equal(GSYM_KIND_COPY, e.kind);
	assert_state_equal(GSYM_VERDICT_OK, e.verdict);
	done(&e);

	disk[0].content = "new content\n"; /* the target changed */
	e = entry("fl");
	plan(&e, &rec, &o);
	assert_state_equal(GSYM_VERDICT_STALE, e.verdict);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	done(&e);
	disk[0].content = "content\n";

	disk[1].content = "edited\n"; /* the user edited the copy */
	e = entry("fl");
	plan(&e, &rec, &o);
	assert_state_equal(GSYM_VERDICT_MODIFIED, e.verdict);
	/* left as it is, and a copy of the edit kept aside */
	assert_action_equal(GSYM_ACT_KEEP_EDIT, e.action);
	done(&e);

	/* a checkout changed the link but left our unedited copy */
	rec.blob[0] = 1;
	disk[1].content = "content\n";
	e = entry("fl");
	plan(&e, &rec, &o);
	assert_state_equal(GSYM_VERDICT_STALE, e.verdict);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	done(&e);

	/* ... or wrote the new link's placeholder over it */
	disk[1].content = "d/f";
	e = entry("fl");
	plan(&e, &rec, &o);
	assert_kind_equal(GSYM_KIND_PLACEHOLDER, e.kind);
	assert_state_equal(GSYM_VERDICT_PENDING, e.verdict);
	done(&e);

	/* an edited copy of another version is still the user's */
	disk[1].content = "edited\n";
	e = entry("fl");
	plan(&e, &rec, &o);
	assert_state_equal(GSYM_VERDICT_MODIFIED, e.verdict);
	assert_action_equal(GSYM_ACT_KEEP_EDIT, e.action);
	done(&e);
}

static void test_plan__killed_before_rename_is_still_a_placeholder(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("fl");
	/* the journal recorded a copy, the kill came before the rename */
	gsym_record rec = copy_record("content\n");

	(void)state;
	rec.ino = 77;
	rec.size = 8;
	/* git's placeholder is still there, and git's stamp matches it */
	disk[1].st.ino = 5;
	e.istat.ino = 5;
	e.istat.size = 3;
	plan(&e, &rec, &o);
	assert_true(e.flags & GSYM_ENTRY_STAMP_MATCH);
	assert_kind_equal(GSYM_KIND_PLACEHOLDER, e.kind);
	assert_state_equal(GSYM_VERDICT_PENDING, e.verdict);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	done(&e);

	/* the copy that was put in place is proved by its recorded stat */
	disk[1].content = "content\n";
	disk[1].st.ino = 77;
	world.reads = 0;
	e = entry("fl");
	plan(&e, &rec, &o);
	assert_kind_equal(GSYM_KIND_COPY, e.kind);
	assert_state_equal(GSYM_VERDICT_OK, e.verdict);
	done(&e);
}

static void test_plan__reset(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESET, true);
	gsym_entry e = entry("fl");

	(void)state;
	disk[1].type = GSYM_FT_LINK;
	plan(&e, NULL, &o);
	assert_action_equal(GSYM_ACT_PLACEHOLDER, e.action);
	done(&e);
	disk[1].content = "elsewhere";
	e = entry("fl");
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_MODIFIED, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	done(&e);
}

static void test_plan__hostile_entries_refused(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, true);
	gsym_entry e = entry(".GIT/x");

	(void)state;
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	done(&e);

	e = entry("nul");
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_ERROR, e.verdict);
	done(&e);
}

/* The real view's rule over the world's nodes, as on a case-insensitive disk. */
static int fold_collision(const char **out, const gsym_view *view,
	const char *path)
{
	static char other[64];
	gsym_collisions *c = gsym_collisions_new(GSYM_FOLD_CASE);
	const char *found;
	size_t i;

	(void)view;
	for (i = 0; i < world.nnodes; i++)
		if (world.nodes[i].type == GSYM_NODE_LINK)
			gsym_collisions_add_link(c, world.nodes[i].path);
	for (i = 0; i < world.nnodes; i++)
		gsym_collisions_add_entry(c, world.nodes[i].path);
	found = gsym_collisions_find(c, path);
	if (found)
		snprintf(other, sizeof(other), "%s", found);
	*out = found ? other : NULL;
	gsym_collisions_free(c);
	return 0;
}

static void test_plan__collision_left_alone_in_every_mode(void **state)
{
	static const struct {
		gsym_mode mode;
		bool force;
	} modes[] = { { GSYM_MODE_RESTORE, false }, { GSYM_MODE_RESTORE, true },
		{ GSYM_MODE_STATUS, false }, { GSYM_MODE_RESET, false } };
	gsym_view view;
	size_t i;

	(void)state;
	/* "FL" is a tracked file; git wrote it over the link's placeholder */
	nodes[7].path = "FL";
	nodes[7].type = GSYM_NODE_FILE;
	disk[1].content = "a tracked file\n";
	for (i = 0; i < GSYM_ARRAY_SIZE(modes); i++) {
		gsym_plan_opts o = opts_for(modes[i].mode, false);
		gsym_entry e = entry("fl"), d = entry("dl");
		gsym_record rec = copy_record("a tracked file\n");

		o.force = modes[i].force;
		fake_view_init(&view, &world);
		view.collision = fold_collision;
		/* even with a record claiming what is there */
		gsym_plan_entry(&e, &view, &rec, &o);
		assert_state_equal(GSYM_VERDICT_UNSAFE, e.verdict);
		assert_action_equal(GSYM_ACT_NONE, e.action);
		assert_int_equal(0, e.flags & GSYM_ENTRY_BACKUP);
		assert_non_null(e.message);
		assert_non_null(strstr(e.message, "'FL'"));
		/* the other links are planned as ever */
		gsym_plan_entry(&d, &view, NULL, &o);
		assert_null(d.message);
		done(&e);
		done(&d);
	}
}

static void test_plan__sparse_entry_left_alone(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, true);
	gsym_entry e = entry("missing-on-disk");

	(void)state;
	nodes[4].path = "missing-on-disk";
	e.flags |= GSYM_ENTRY_SKIP_WORKTREE;
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_OK, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	done(&e);
	e = entry("missing-on-disk");
	plan(&e, NULL, &o);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	done(&e);
}

static unsigned char stored_id[20];

static bool fake_stored(const gsym_view *view, const unsigned char *id)
{
	(void)view;
	return !memcmp(id, stored_id, sizeof(stored_id));
}

/*
 * A hard link shares its target's inode: an edit of the target is proven
 * ours by the shared inode, and its new content is to be noted (restat),
 * so that once git writes the target anew the old inode left at the link
 * is still proven ours by its content.
 */
static void test_plan__hardlink_edited_through_target_noted(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("fl");
	gsym_record rec = copy_record("content\n");

	(void)state;
	rec.kind = GSYM_KIND_HARDLINK;
	rec.src = "d/f";
	rec.ino = 7;
	rec.size = 8;
	disk[0].st.ino = disk[1].st.ino = 7; /* one inode, two names */
	disk[0].st.nlink = disk[1].st.nlink = 2;
	disk[0].content = disk[1].content = "content\n";
	plan(&e, &rec, &o);
	assert_state_equal(GSYM_VERDICT_OK, e.verdict);
	assert_int_equal(0, e.flags & GSYM_ENTRY_RESTAT);
	done(&e);

	/* the target edited: still ours, and noted anew */
	disk[0].content = disk[1].content = "edited!\n";
	disk[0].st.mtime_sec = disk[1].st.mtime_sec = 5;
	e = entry("fl");
	plan(&e, &rec, &o);
	assert_kind_equal(GSYM_KIND_HARDLINK, e.kind);
	assert_int_not_equal(0, e.flags & GSYM_ENTRY_RESTAT);
	done(&e);

	/*
	 * git wrote the target anew before a run noted the edit: the old
	 * inode, alone at the link, holds bytes git has stored (committed):
	 * ours, and stale; bytes git never stored are the user's
	 */
	disk[0].st.ino = 8;
	disk[0].st.nlink = disk[1].st.nlink = 1;
	disk[0].content = "content\n";
	for (int i = 0; i < 2; i++) {
		gsym_view view;

		fake_hash(stored_id, i ? "other\n" : "edited!\n");
		fake_view_init(&view, &world);
		view.stored = fake_stored;
		e = entry("fl");
		gsym_plan_entry(&e, &view, &rec, &o);
		assert_state_equal(i ? GSYM_VERDICT_MODIFIED :
				       GSYM_VERDICT_STALE,
			e.verdict);
		done(&e);
	}

	/* a file git wrote there (a new inode) is never taken for it */
	disk[1].st.ino = 9;
	for (int i = 0; i < 2; i++) {
		gsym_view view;

		disk[1].content = i ? "edited!\n" : "d/f";
		fake_hash(stored_id, disk[1].content);
		fake_view_init(&view, &world);
		view.stored = fake_stored;
		e = entry("fl");
		gsym_plan_entry(&e, &view, &rec, &o);
		assert_kind_equal(i ? GSYM_KIND_HARDLINK :
				      GSYM_KIND_PLACEHOLDER,
			e.kind);
		assert_state_equal(i ? GSYM_VERDICT_MODIFIED :
				       GSYM_VERDICT_PENDING,
			e.verdict);
		done(&e);
	}
}

/*
 * A hook between the steps of a rebase (git goes on with the index it
 * holds): nothing is made at a path git compares with that index, only
 * at one whose entry carries git's own skip-worktree bit.
 */
static void test_plan__git_goes_on_defers_what_git_compares(void **state)
{
	gsym_plan_opts o = opts_for(GSYM_MODE_RESTORE, false);
	gsym_entry e = entry("fl");

	(void)state;
	o.git_goes_on = true;
	plan(&e, NULL, &o);
	assert_state_equal(GSYM_VERDICT_PENDING, e.verdict);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	assert_non_null(e.reason);
	done(&e);
	/* "hidden" by its stamp alone is no bit git honours */
	e = entry("fl");
	e.flags |= GSYM_ENTRY_SKIP_WORKTREE | GSYM_ENTRY_HIDDEN;
	plan(&e, NULL, &o);
	assert_action_equal(GSYM_ACT_NONE, e.action);
	done(&e);
	/* git skips the path: made at once */
	e = entry("fl");
	e.flags |= GSYM_ENTRY_SKIP_WORKTREE | GSYM_ENTRY_GIT_SKIPS;
	plan(&e, NULL, &o);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	done(&e);
	/* the command's last hook (post-rewrite) makes it */
	o.git_goes_on = false;
	e = entry("fl");
	plan(&e, NULL, &o);
	assert_action_equal(GSYM_ACT_CREATE, e.action);
	done(&e);
}

/* The planning's memo lstat()s a path once, and answers as its view. */
static void test_plan__memo_lstats_a_path_once(void **state)
{
	gsym_view view;
	gsym_view_memo memo;
	gsym_stat a, b;

	(void)state;
	fake_view_init(&view, &world);
	gsym_view_memo_init(&memo, &view);
	assert_int_equal(0, memo.view.lstat(&a, &memo.view, "d/f"));
	assert_int_equal(0, memo.view.lstat(&b, &memo.view, "d/f"));
	assert_int_equal(1, world.lstats);
	assert_int_equal(GSYM_FT_FILE, b.type);
	assert_int_equal(a.size, b.size);
	/* not found is not kept: asked again */
	assert_true(memo.view.lstat(&a, &memo.view, "nowhere") < 0);
	assert_true(memo.view.lstat(&a, &memo.view, "nowhere") < 0);
	assert_int_equal(3, world.lstats);
	gsym_error_clear();
	gsym_view_memo_dispose(&memo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, setup)
		T(test_plan__placeholder_becomes_symlink_then_copy),
		T(test_plan__copy_of_the_target_is_adopted),
		T(test_plan__status_changes_nothing),
		T(test_plan__edited_placeholder_is_modified),
		T(test_plan__stamped_placeholder_is_not_read),
		T(test_plan__right_symlink_ok_or_stamped),
		T(test_plan__fast_path_reads_no_blob),
		T(test_plan__quick_trusts_only_the_mark),
		T(test_plan__no_links_escaping_is_unsafe),
		T(test_plan__no_links_dangling_keeps_placeholder),
		T(test_plan__ancestor_never_copied),
		T(test_plan__git_dir_target_never_copied),
		T(test_plan__fallback_kinds_fit_the_type),
		T(test_plan__recorded_copy),
		T(test_plan__killed_before_rename_is_still_a_placeholder),
		T(test_plan__reset),
		T(test_plan__hostile_entries_refused),
		T(test_plan__sparse_entry_left_alone),
		T(test_plan__git_goes_on_defers_what_git_compares),
		T(test_plan__hardlink_edited_through_target_noted),
		T(test_plan__collision_left_alone_in_every_mode),
		T(test_plan__memo_lstats_a_path_once),
#undef T
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
