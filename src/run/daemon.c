/*
 * A hook's fast paths, with the fsmonitor daemon watching the tree
 * (git/fsmonitor.h): what changed since our last run, nothing at all, or
 * a copy current without a look; and the token kept for the next run.
 */
#include "run/run_repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"
#include "platform/portable.h"
#include "git/fsmonitor.h"
#include "git/index_file.h"
#include "git/stamp.h"
#include "git/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * "$GIT_DIR/symlinks/fsmonitor-<name>": "token" holds "<mark> <token>"
 * (MARK_LEN below: what our last run left) and the daemon's token from
 * that run's start; "sources" what the fallbacks were made from.
 */
static void token_file(gsym_buf *out, const gsym_repo *repo, const char *name)
{
	gsym_buf_clear(out);
	gsym_buf_printf(out, "%ssymlinks/fsmonitor-%s", repo->gitdir, name);
}

/* The token of a repository without links (no daemon asked). */
#define NO_LINKS "no-links"

/*
 * What our last run left, as the next hook compares it: "<index> <HEAD>
 * <links>", 40 hex digits each: the index's checksum; HEAD, or dashes
 * where what the run left does not depend on it; the digest of the link
 * and submodule entries (index_file.h), zeros where not taken.
 */
#define MARK_LEN 122

/* Make the directory `file` is to be in. */
static int mkdirs_for(const char *file)
{
	gsym_buf dir = GSYM_BUF_INIT;
	int error;

	gsym_buf_put(&dir, file, gsym_path_dirlen(file));
	error = gsym_mkdirs(dir.ptr);
	gsym_buf_dispose(&dir);
	return error;
}

/* The mark of the index as it is now; the links' digest as zeros. */
static int index_mark(char out[MARK_LEN + 1], const gsym_repo *repo)
{
	git_oid head;
	int error;

	if ((error = gsym_repo_index_checksum(out, repo)) < 0)
		return error;
	out[40] = ' ';
	if (git_reference_name_to_id(&head, repo->repo, "HEAD") < 0) {
		git_error_clear();
		memset(&head, 0, sizeof(head));
	}
	git_oid_tostr(out + 41, 41, &head);
	out[81] = ' ';
	memset(out + 82, '0', 40);
	out[MARK_LEN] = '\0';
	return 0;
}

/* The digest of the index's link entries into the mark (paths too). */
static int mark_links(char mark[MARK_LEN + 1], const gsym_repo *repo,
	gsym_strlist *paths)
{
	gsym_index_links l;
	git_oid id;
	int error;

	if (repo->written_known && !paths) /* as this run wrote it */
		l = repo->written_links;
	else if ((error = gsym_index_file_walk_links(&l, repo->index_path,
			  paths)) < 0)
		return error;
	git_oid_fromraw(&id, l.digest);
	git_oid_tostr(mark + 82, 41, &id);
	return 0;
}

/* The mark and the token our last run left; false if none. */
static bool last_run(char mark[MARK_LEN + 1], gsym_buf *token,
	const gsym_repo *repo)
{
	gsym_buf file = GSYM_BUF_INIT, text = GSYM_BUF_INIT;
	bool ok;

	token_file(&file, repo, "token");
	ok = gsym_platform_read_file(&text, file.ptr, 512) == 0 &&
		text.size > MARK_LEN + 1 && text.ptr[40] == ' ' &&
		text.ptr[81] == ' ' && text.ptr[MARK_LEN] == ' ';
	if (ok) {
		memcpy(mark, text.ptr, MARK_LEN);
		mark[MARK_LEN] = '\0';
		gsym_buf_sets(token, text.ptr + MARK_LEN + 1);
	}
	gsym_error_clear();
	gsym_buf_dispose(&file);
	gsym_buf_dispose(&text);
	return ok;
}

/*
 * A link entry that changed since our last run (a new one, one whose
 * blob is not its record's, one gone from the index) may change what
 * another link resolves through it (a link to a link, a path through a
 * directory link), which that link's record does not show. Note where
 * each led: its path, and the target its record was made from. A quick
 * check cannot see a change there: what was made from there is planned
 * in full.
 */
void gsym_run_note_through(gsym_run_repo *r)
{
	size_t i, at = 0;

	for (i = 0; i < r->entries.n; i++) {
		const gsym_entry *e = &r->entries.v[i];
		const gsym_record *rec =
			gsym_state_find_next(&r->state, e->path, &at);

		if (rec && !memcmp(rec->blob, e->id, GSYM_OID_RAWSZ))
			continue;
		gsym_strlist_adds(&r->through, e->path);
		if (rec && rec->src)
			gsym_strlist_adds(&r->through, rec->src);
	}
	for (i = 0; i < r->state.n; i++) { /* and those gone from the index */
		const gsym_record *rec = &r->state.v[i];

		if (gsym_entries_find(&r->entries, rec->path))
			continue;
		gsym_strlist_adds(&r->through, rec->path);
		if (rec->src)
			gsym_strlist_adds(&r->through, rec->src);
	}
	gsym_strlist_sort(&r->through);
}

/*
 * A hook, with the fsmonitor daemon watching the tree (git/fsmonitor.h):
 * what changed since our last run. A copy whose path, target and all
 * below them did not change is current without a look.
 */
void gsym_run_ask_daemon(gsym_run_repo *r)
{
	gsym_buf token = GSYM_BUF_INIT, changed = GSYM_BUF_INIT;
	char mark[MARK_LEN + 1];
	const char *p, *end;

	if (!last_run(mark, &token, &r->repo))
		gsym_buf_clear(&token);
	switch (gsym_fsmonitor_ask(&r->token, &changed, r->repo.workdir,
		gsym_buf_cstr(&token))) {
	case 1:
		end = changed.ptr + changed.size;
		for (p = changed.ptr; p && p < end; p += strlen(p) + 1) {
			size_t len = strlen(p);

			gsym_buf_sets(&token, p);
			if (len && p[len - 1] == '/')
				gsym_buf_truncate(&token, len - 1);
			gsym_strlist_adds(&r->seen, token.ptr);
		}
		gsym_strlist_sort(&r->seen);
		r->seen_known = true;
		break;
	case 0: break; /* a new daemon: this run looks, the next need not */
	default: gsym_buf_clear(&r->token);
	}
	gsym_error_clear();
	gsym_buf_dispose(&token);
	gsym_buf_dispose(&changed);
}

/*
 * Did this run make `path`: an entry it wrote, something inside one, or
 * one of our temporary names (".<name>.gsym-<what>", apply.c) for one?
 */
static bool made_here(const gsym_run_repo *r, const char *path)
{
	gsym_buf at = GSYM_BUF_INIT;
	const char *c, *dot;
	bool ours = false;
	size_t i;

	for (c = path; !ours && c && *c;
		c = strchr(c, '/'), c = c ? c + 1 : c) {
		const gsym_entry *e;

		/* ".<base>.gsym-<what>" stands for "<base>" */
		if (*c == '.' && (dot = strstr(c, GSYM_TMP_TAG)) != NULL &&
			(!strchr(c, '/') || dot < strchr(c, '/'))) {
			gsym_buf_truncate(&at, 0);
			gsym_buf_put(&at, path, (size_t)(c - path));
			gsym_buf_put(&at, c + 1, (size_t)(dot - c - 1));
		} else {
			size_t end = strchr(c, '/') ?
				(size_t)(strchr(c, '/') - path) :
				strlen(path);

			gsym_buf_truncate(&at, 0);
			gsym_buf_put(&at, path, end);
		}
		e = gsym_entries_find(&r->entries, at.ptr);
		ours = e && (e->flags & GSYM_ENTRY_CHANGED);
		if (!ours &&
			!strncmp(c, GSYM_TMP_TAG "probe-",
				strlen(GSYM_TMP_TAG "probe-")))
			ours = true;
	}
	for (i = 0; !ours && i < r->entries.n; i++) {
		const gsym_entry *e = &r->entries.v[i];

		ours = (e->flags & GSYM_ENTRY_CHANGED) &&
			e->kind == GSYM_KIND_HARDLINK && e->resolved &&
			!strcmp(e->resolved, path);
	}
	gsym_buf_dispose(&at);
	return ours;
}

/*
 * Is every entry as this run leaves it for good (nothing pending, stale,
 * edited or failed, no conflict)? Else what the daemon reported to this
 * run must be looked at again: the next run asks from no token. (An
 * edited copy keeps its old record: taken at the daemon's word, a later
 * run would report it as ours.)
 */
static bool settled(const gsym_run_repo *r)
{
	size_t i;

	for (i = 0; i < r->entries.n; i++) {
		const gsym_entry *e = &r->entries.v[i];

		if (e->verdict == GSYM_VERDICT_PENDING ||
			e->verdict == GSYM_VERDICT_STALE ||
			e->verdict == GSYM_VERDICT_MODIFIED ||
			e->verdict == GSYM_VERDICT_ERROR)
			return false;
	}
	/* (an unmerged link is no entry of the scan's) */
	for (i = 0; i < r->repo.file.n; i++)
		if (gsym_index_item_stage(&r->repo.file.v[i]) != 0)
			return false;
	return true;
}

/*
 * Done: note the index as this run leaves it, and the daemon's token for
 * the next run. What changed while this run ran that it did not make
 * itself (an edit meanwhile) keeps the token from its start, so the next
 * run looks at that again.
 */
/* Write `text` to the file `name` beside the token, whole or not at all. */
static void save_beside(const gsym_repo *repo, const char *name,
	const gsym_buf *text)
{
	gsym_buf file = GSYM_BUF_INIT, tmp = GSYM_BUF_INIT;

	token_file(&file, repo, name);
	gsym_buf_printf(&tmp, "%s.%ld.tmp", file.ptr, gsym_platform_pid());
	gsym_platform_remove(tmp.ptr);
	if (mkdirs_for(file.ptr) < 0 ||
		gsym_platform_write_new(tmp.ptr, gsym_buf_cstr(text),
			text->size) < 0 ||
		gsym_platform_rename(tmp.ptr, file.ptr) < 0)
		gsym_platform_remove(tmp.ptr);
	gsym_error_clear();
	gsym_buf_dispose(&file);
	gsym_buf_dispose(&tmp);
}

/* Write "<mark> <token>" for the next run. */
static void save_token(const gsym_repo *repo, const char *mark,
	const char *token)
{
	gsym_buf text = GSYM_BUF_INIT;

	gsym_buf_printf(&text, "%s %s", mark, token);
	save_beside(repo, "token", &text);
	gsym_buf_dispose(&text);
}

/*
 * Where the fallbacks were made from (the records' targets), NUL after
 * each: a change the daemon reports there is one for the next run.
 */
static void save_sources(const gsym_run_repo *r)
{
	gsym_strlist srcs = GSYM_STRLIST_INIT;
	gsym_buf text = GSYM_BUF_INIT;
	size_t i;

	for (i = 0; i < r->state.n; i++)
		if (r->state.v[i].src)
			gsym_strlist_adds(&srcs, r->state.v[i].src);
	gsym_strlist_unique(&srcs);
	for (i = 0; i < srcs.n; i++)
		gsym_buf_put(&text, srcs.v[i], strlen(srcs.v[i]) + 1);
	save_beside(&r->repo, "sources", &text);
	gsym_strlist_dispose(&srcs);
	gsym_buf_dispose(&text);
}

/*
 * Are the sources as the state file now says (written after it, or in
 * the same tick of the file system's clock)? Then they need not be
 * written again: most runs change no record.
 */
static bool sources_current(const gsym_run_repo *r)
{
	gsym_buf path = GSYM_BUF_INIT;
	gsym_stat state, sources;
	bool current;

	gsym_buf_printf(&path, "%sstate", r->state.dir);
	current = gsym_platform_lstat(&state, path.ptr) == 0;
	token_file(&path, &r->repo, "sources");
	current = current && gsym_platform_lstat(&sources, path.ptr) == 0 &&
		(sources.mtime_sec > state.mtime_sec ||
			(sources.mtime_sec == state.mtime_sec &&
				sources.mtime_nsec >= state.mtime_nsec));
	gsym_error_clear();
	gsym_buf_dispose(&path);
	return current;
}

/*
 * Note `tree` as one without link or submodule entries: the guard's proof
 * that HEAD has no link to keep (gsym_run_head_link_free), and a hook's
 * that an index exactly that tree has none (still_no_links).
 */
static void note_link_free(const gsym_repo *repo, const git_oid *tree)
{
	gsym_buf text = GSYM_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];

	gsym_buf_puts(&text, git_oid_tostr(hex, sizeof(hex), tree));
	save_beside(repo, "link-free", &text);
	gsym_buf_dispose(&text);
}

/* Up to how many changes a diff from the tree known without links goes. */
#define LINK_FREE_DIFF_MAX 4096

typedef struct {
	size_t n;
	bool link;
} diff_watch;

/* Each change the diff finds: a link or submodule ends it, as do many. */
static int watch_change(const git_diff *so_far, const git_diff_delta *d,
	const char *matched, void *payload)
{
	diff_watch *w = payload;

	(void)so_far;
	(void)matched;
	if (d->status != GIT_DELTA_DELETED &&
		(d->new_file.mode == GIT_FILEMODE_LINK ||
			d->new_file.mode == GIT_FILEMODE_COMMIT)) {
		w->link = true;
		return -1;
	}
	return ++w->n > LINK_FREE_DIFF_MAX ? -1 : 0;
}

/*
 * Has `tree` no link and no submodule entry, as far as is known without
 * reading it whole? Where it is the tree last noted so, or where a diff
 * from that one (which reads only the subtrees that differ, and gives up
 * past LINK_FREE_DIFF_MAX changes) adds none; then it is noted instead.
 */
static bool known_link_free(const gsym_repo *repo, const git_oid *tree)
{
	git_diff_options opts;
	gsym_buf file = GSYM_BUF_INIT, text = GSYM_BUF_INIT;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	diff_watch w = { 0, false };
	git_oid known;
	bool none = false;

	token_file(&file, repo, "link-free");
	if (gsym_platform_read_file(&text, file.ptr, 128) < 0 ||
		git_oid_fromstrn(&known, text.ptr, text.size) < 0)
		goto done;
	if ((none = git_oid_equal(tree, &known)))
		goto done;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.notify_cb = watch_change;
	opts.payload = &w;
	none = git_tree_lookup(&a, repo->repo, &known) == 0 &&
		git_tree_lookup(&b, repo->repo, tree) == 0 &&
		git_diff_tree_to_tree(&diff, repo->repo, a, b, &opts) == 0 &&
		!w.link;
	if (none)
		note_link_free(repo, tree);
done:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	git_error_clear();
	gsym_error_clear();
	gsym_buf_dispose(&file);
	gsym_buf_dispose(&text);
	return none;
}

/* Note the index's tree, where it is exactly one, as without links. */
static void note_index_tree(const gsym_repo *repo)
{
	gsym_cache_tree *ct = NULL;
	git_oid root;
	size_t i;

	for (i = 0; i < repo->file.n; i++)
		if (gsym_mode_is(gsym_index_item_mode(&repo->file.v[i]),
			    GIT_FILEMODE_COMMIT))
			return; /* a submodule: not a tree "without links" */
	if (gsym_cache_tree_read(&ct, &repo->file) == 0 && ct && ct->valid) {
		git_oid_fromraw(&root, ct->id);
		note_link_free(repo, &root);
	}
	gsym_cache_tree_free(ct);
	gsym_error_clear();
}

void gsym_run_keep_token(const gsym_run_repo *r)
{
	gsym_buf file = GSYM_BUF_INIT, after = GSYM_BUF_INIT,
		 changed = GSYM_BUF_INIT;
	char mark[MARK_LEN + 1];
	const char *p, *end, *token = r->token.ptr;

	token_file(&file, &r->repo, "token");
	gsym_platform_remove(file.ptr);
	if (!r->entries.n && !r->state.n) {
		/* no links at all: only an index change can bring one */
		token = NO_LINKS;
		if (index_mark(mark, &r->repo) < 0)
			goto done;
		note_index_tree(&r->repo);
		goto write;
	}
	if (!r->token.size || !settled(r) || index_mark(mark, &r->repo) < 0 ||
		mark_links(mark, &r->repo, NULL) < 0)
		goto done;
	if (gsym_fsmonitor_ask(&after, &changed, r->repo.workdir, token) != 1)
		goto done;
	end = changed.ptr + changed.size;
	for (p = changed.ptr; p < end && made_here(r, p); p += strlen(p) + 1)
		;
	if (p >= end)
		token = after.ptr; /* all of it ours */
	if (!sources_current(r))
		save_sources(r);
write:
	if (!r->by_head) /* what this run left does not depend on HEAD */
		memset(mark + 41, '-', 40);
	save_token(&r->repo, mark, token);
done:
	gsym_error_clear();
	gsym_buf_dispose(&file);
	gsym_buf_dispose(&after);
	gsym_buf_dispose(&changed);
}

/* No fallback recorded (and no run that failed half way left one). */
static bool nothing_recorded(const gsym_repo *repo)
{
	static const char *const ours[] = { "state", "journal" };
	gsym_buf path = GSYM_BUF_INIT;
	gsym_stat st;
	size_t i;
	bool none = true;

	for (i = 0; none && i < GSYM_ARRAY_SIZE(ours); i++) {
		gsym_buf_printf(&path, "%ssymlinks/%s", repo->gitdir, ours[i]);
		none = gsym_platform_lstat(&st, path.ptr) == GSYM_ENOTFOUND;
		gsym_buf_clear(&path);
	}
	gsym_error_clear();
	gsym_buf_dispose(&path);
	return none;
}

/*
 * Is an index our last run did not see still without links, where that
 * run found none (and nothing was recorded since, not even by a run that
 * failed half way)? Then it is noted for the next hook. Known without a
 * walk of its entries:
 * - after a write that left the work tree as it was (`git add`, a
 *   commit, a mixed reset): nothing of ours to do, whatever it staged. A
 *   link entry it brought (`update-index --cacheinfo`) has no file in the
 *   work tree, as with real links, where git wrote none either; the next
 *   command that writes the work tree, or restore, makes its link;
 * - where the index is exactly a tree known without links (its
 *   cache-tree's root, read from the file's end).
 * Else the entries are walked, without taking them in, and the index's
 * tree, where it is exactly one, is noted for the guard.
 */
static bool still_no_links(const gsym_run_opts *o, const gsym_repo *repo,
	char now[MARK_LEN + 1])
{
	gsym_index_links l;
	git_oid root;
	bool valid;

	if (!nothing_recorded(repo))
		return false;
	if (o->worktree_untouched)
		goto none;
	if (gsym_index_file_tail_root(&valid, l.root, repo->index_path) == 0 &&
		valid) {
		git_oid_fromraw(&root, l.root);
		if (known_link_free(repo, &root))
			goto none;
	}
	if (gsym_index_file_walk_links(&l, repo->index_path, NULL) < 0 ||
		l.links)
		return false;
	if (l.root_valid) {
		git_oid_fromraw(&root, l.root);
		note_link_free(repo, &root);
	}
none:
	memset(now + 41, '-', 40);
	save_token(repo, now, NO_LINKS);
	return true;
}

/*
 * Does a path the daemon reported touch a link entry (`links`), or what
 * a fallback was made from (the sources our last run noted), or the
 * attributes that type links?
 */
static bool touches_ours(const gsym_repo *repo, const gsym_strlist *links,
	const gsym_buf *changed)
{
	gsym_buf file = GSYM_BUF_INIT, text = GSYM_BUF_INIT;
	gsym_strlist srcs = GSYM_STRLIST_INIT;
	const char *p, *end = changed->ptr + changed->size;
	bool hit = false;

	token_file(&file, repo, "sources");
	if (gsym_platform_read_file(&text, file.ptr, (size_t)1 << 30) < 0)
		hit = true; /* none noted: anything may be ours */
	for (p = text.ptr; !hit && p && p < text.ptr + text.size;
		p += strlen(p) + 1)
		gsym_strlist_adds(&srcs, p);
	gsym_strlist_sort(&srcs);
	for (p = changed->ptr; !hit && p < end; p += strlen(p) + 1) {
		const char *base = strrchr(p, '/');

		hit = gsym_strlist_touches(links, p) ||
			gsym_strlist_touches(&srcs, p) ||
			!strcmp(base ? base + 1 : p, ".gitattributes");
	}
	gsym_error_clear();
	gsym_strlist_dispose(&srcs);
	gsym_buf_dispose(&file);
	gsym_buf_dispose(&text);
	return hit;
}

/*
 * The index changed since our last run, but none of its link entries
 * (the same digest), and the daemon saw nothing change that is ours:
 * nothing to do; noted for the next hook.
 */
static bool links_untouched(const gsym_repo *repo,
	const char last[MARK_LEN + 1], char now[MARK_LEN + 1],
	const char *token)
{
	gsym_strlist links = GSYM_STRLIST_INIT;
	gsym_buf next = GSYM_BUF_INIT, changed = GSYM_BUF_INIT;
	bool same;

	same = mark_links(now, repo, &links) == 0 &&
		!strcmp(last + 82, now + 82) &&
		gsym_fsmonitor_ask(&next, &changed, repo->workdir, token) ==
			1 &&
		!touches_ours(repo, &links, &changed);
	if (same) {
		memcpy(now + 41, last + 41, 40); /* HEAD: as it counted */
		save_token(repo, now, next.ptr);
	}
	gsym_strlist_dispose(&links);
	gsym_buf_dispose(&next);
	gsym_buf_dispose(&changed);
	return same;
}

/*
 * A hook with nothing to do: the index is the one our last run left, or
 * one with the same link entries, and the daemon saw nothing of ours
 * change since (the second hook of one git command; a hook after `git
 * add` of a file no link is made from; one after a command that wrote
 * nothing of ours). HEAD counts only where the last run kept a fallback
 * because HEAD still had its link (a checkout's post-index-change runs
 * before git moves HEAD, its post-checkout after): else what a run does
 * follows from the index and the tree.
 */
bool gsym_run_nothing_since(const gsym_run_opts *o)
{
	gsym_repo repo;
	gsym_buf token = GSYM_BUF_INIT, next = GSYM_BUF_INIT,
		 changed = GSYM_BUF_INIT;
	char last[MARK_LEN + 1], now[MARK_LEN + 1];
	bool same = false;

	if (!o->hook || o->npathspec || o->mode != GSYM_MODE_RESTORE ||
		o->dry_run)
		return false;
	if (gsym_repo_open_paths(&repo) < 0 || !last_run(last, &token, &repo) ||
		index_mark(now, &repo) < 0)
		same = false;
	else if (!strcmp(token.ptr, NO_LINKS))
		same = !strncmp(last, now, 40) || still_no_links(o, &repo, now);
	else if (last[41] != '-' && strncmp(last + 41, now + 41, 40))
		same = false; /* HEAD counted, and moved */
	else if (strncmp(last, now, 40))
		same = links_untouched(&repo, last, now, token.ptr);
	else
		same = gsym_fsmonitor_ask(&next, &changed, repo.workdir,
			       token.ptr) == 1 &&
			!changed.size;
	gsym_error_clear();
	gsym_repo_close(&repo);
	gsym_buf_dispose(&token);
	gsym_buf_dispose(&next);
	gsym_buf_dispose(&changed);
	return same;
}

/* Links of links followed to prove one copy unseen, at most. */
#define UNSEEN_BUDGET 1024

/* The first link entry at or after `dir` + "/" in index order. */
static size_t first_below(const gsym_run_repo *r, const char *dir, size_t len)
{
	size_t lo = 0, hi = r->entries.n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(r->entries.v[mid].path, dir, len);

		if (c < 0 || (c == 0 && r->entries.v[mid].path[len] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Is what a copy of `dir` holds through the links below it (a directory
 * link's copy inside the copy) as our last run left it: each such link
 * unchanged since, and nothing noted through it or its target (a link it
 * resolved through changed: quick_done's rule), and the daemon saw nothing
 * change at its target, nor, the same way, through links below that?
 * `budget` bounds the walk (links of links); spent, the answer is no.
 */
static bool below_unseen(gsym_run_repo *r, const char *dir,
	unsigned int *budget)
{
	size_t len = strlen(dir), i;

	for (i = first_below(r, dir, len);
		i < r->entries.n && !strncmp(r->entries.v[i].path, dir, len) &&
		r->entries.v[i].path[len] == '/';
		i++) {
		const gsym_entry *e = &r->entries.v[i];
		const gsym_record *rec = gsym_state_find(&r->state, e->path);

		if (!*budget || !rec || !rec->src || rec->src[0] == '/' ||
			!strncmp(rec->src, "..", 2) ||
			memcmp(rec->blob, e->id, GSYM_OID_RAWSZ) ||
			gsym_strlist_touches(&r->through, e->path) ||
			gsym_strlist_touches(&r->through, rec->src) ||
			gsym_strlist_touches(&r->seen, rec->src))
			return false;
		--*budget;
		if (rec->type == GSYM_TYPE_DIR &&
			!below_unseen(r, rec->src, budget))
			return false;
	}
	return true;
}

/*
 * Our copy, its mark in the index intact, of this very version of the
 * link, where the daemon saw nothing change at it, below it, at its
 * target or below that, nor through the links its target holds
 * (below_unseen): current, as a full look would find it.
 */
bool gsym_run_unseen(gsym_run_repo *r, gsym_entry *e, const gsym_record *rec)
{
	unsigned int budget = UNSEEN_BUDGET;

	if (!r->seen_known || !rec || rec->kind != GSYM_KIND_COPY ||
		!rec->src || rec->src[0] == '/' ||
		!strncmp(rec->src, "..", 2) ||
		!(e->flags & GSYM_ENTRY_SKIP_WORKTREE) ||
		memcmp(rec->blob, e->id, GSYM_OID_RAWSZ) ||
		gsym_strlist_touches(&r->seen, e->path) ||
		gsym_strlist_touches(&r->seen, rec->src))
		return false;
	if (rec->type == GSYM_TYPE_DIR && !below_unseen(r, rec->src, &budget))
		return false;
	e->kind = GSYM_KIND_COPY;
	e->type = rec->type;
	e->verdict = GSYM_VERDICT_OK;
	e->action = GSYM_ACT_NONE;
	return true;
}

bool gsym_run_head_link_free(void)
{
	gsym_repo repo;
	git_object *head = NULL;
	bool none = false;

	if (gsym_repo_open_paths(&repo) == 0 &&
		git_revparse_single(&head, repo.repo, "HEAD^{commit}") == 0)
		none = known_link_free(&repo,
			git_commit_tree_id((git_commit *)head));
	git_object_free(head);
	gsym_repo_close(&repo);
	git_error_clear();
	gsym_error_clear();
	return none;
}

void gsym_run_note_pending(const gsym_repo *repo)
{
	gsym_buf none = GSYM_BUF_INIT;

	save_beside(repo, "pending", &none);
}

bool gsym_run_take_pending(void)
{
	gsym_repo repo;
	gsym_buf file = GSYM_BUF_INIT;
	bool pending = false;

	git_libgit2_init();
	if (gsym_repo_open_paths(&repo) == 0) {
		token_file(&file, &repo, "pending");
		pending = gsym_platform_remove(file.ptr) == 0;
	}
	gsym_error_clear();
	gsym_buf_dispose(&file);
	gsym_repo_close(&repo);
	git_libgit2_shutdown();
	return pending;
}
