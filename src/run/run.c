#include "run/run.h"
#include "util/alloc.h"
#include "pipeline/apply.h"
#include "pipeline/copy.h"
#include "util/error.h"
#include "git/record.h"
#include "git/index_file.h"
#include "git/repo.h"
#include "git/scan.h"
#include "git/fsmonitor.h"
#include "git/sparse.h"
#include "git/changes.h"
#include "pipeline/state.h"
#include "util/util.h"
#include "pipeline/validate.h"
#include "git/view_repo.h"
#include "platform/progress.h"
#include "platform/portable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gsym_run_parse_fallback(gsym_plan_opts *opts, const char *list)
{
	const char *p = list;

	opts->nfallbacks = 0;
	if (!strcmp(list, "none") || !*list)
		return 0;
	while (*p) {
		size_t len = strcspn(p, ", ");
		int how = gsym_how_parse(p, len);
		unsigned int i;

		if (how < 0)
			return gsym_error_set(
				"unknown fallback '%.*s' in '%s'; "
				"use junction, hardlink, copy or "
				"none",
				(int)len, p, list);
		for (i = 0; i < opts->nfallbacks; i++)
			if (opts->fallbacks[i] == how)
				break;
		if (i == opts->nfallbacks)
			opts->fallbacks[opts->nfallbacks++] =
				(unsigned char)how;
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

/*
 * symlinks.fallback, symlinks.allowOutside, symlinks.copyLimit,
 * symlinks.jobs and (when `*recurse` is -1) submodule.recurse from git
 * config, in one snapshot.
 */
static int read_config(gsym_plan_opts *plan, const gsym_run_opts *o,
	git_config *cfg, int *recurse, unsigned int *jobs)
{
	git_buf value = { NULL, 0, 0 };
	const char *fallback = o->fallback;
	int flag = 0, error = 0;

	if (!fallback &&
		git_config_get_string_buf(&value, cfg, "symlinks.fallback") ==
			0)
		fallback = value.ptr;
	if (!fallback)
		fallback = plan->platform->default_fallback;
	if (gsym_run_parse_fallback(plan, fallback) < 0)
		error = gsym_error_set("bad symlinks.fallback: %s",
			gsym_error_last());
	if (git_config_get_bool(&flag, cfg, "symlinks.allowOutside") == 0)
		plan->allow_outside = plan->allow_outside || flag;
	plan->copy_limit.files = GSYM_COPY_LIMIT_FILES;
	plan->copy_limit.bytes = GSYM_COPY_LIMIT_BYTES;
	git_buf_dispose(&value);
	if (git_config_get_string_buf(&value, cfg, "symlinks.copyLimit") == 0 &&
		gsym_copy_limit_parse(&plan->copy_limit, value.ptr) < 0)
		error = -1;
	git_error_clear();
	if (*recurse < 0)
		*recurse = git_config_get_bool(&flag, cfg,
				   "submodule.recurse") == 0 &&
			flag;
	/* threads that look at the tree; 0 or unset: one per processor */
	*jobs = o->jobs;
	if (!*jobs && git_config_get_int32(&flag, cfg, "symlinks.jobs") == 0 &&
		flag > 0)
		*jobs = (unsigned int)flag;
	/*
	 * unset: one per processor, and at least 4: making links waits on
	 * the disk more than on a processor (git's preload-index, for the
	 * same reason, uses up to 20 threads whatever the processors)
	 */
	if (!*jobs)
		*jobs = gsym_platform_cpus() > 4 ? gsym_platform_cpus() : 4;
	git_buf_dispose(&value);
	return error;
}

/* "main", or the name of a linked worktree's git directory. */
static char *worktree_id(const gsym_repo *repo)
{
	gsym_buf b = GSYM_BUF_INIT;
	size_t len = strlen(repo->gitdir) - 1, start;

	if (!strcmp(repo->gitdir, repo->commondir))
		return gsym_strdup("main");
	for (start = len; start > 0 && repo->gitdir[start - 1] != '/'; start--)
		;
	gsym_buf_put(&b, repo->gitdir + start, len - start);
	return gsym_buf_detach(&b);
}

/* Has `path` entries of a merge conflict (stages 1-3) in the index? */
static bool in_conflict(const gsym_index_file *f, const char *path)
{
	size_t i;

	for (i = gsym_index_file_lower(f, path);
		i < f->n && !strcmp(f->v[i].path, path); i++)
		if (gsym_index_item_stage(&f->v[i]) != 0)
			return true;
	return false;
}

/* Does HEAD's tree have an entry at `path`? */
static bool head_has(const gsym_repo *repo, const char *path)
{
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	bool has;

	has = git_revparse_single(&head, repo->repo, "HEAD") == 0 &&
		git_object_peel((git_object **)&tree, head, GIT_OBJECT_TREE) ==
			0 &&
		git_tree_entry_bypath(&entry, tree, path) == 0;
	git_error_clear();
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_object_free(head);
	return has;
}

typedef struct {
	const gsym_index_file *f;
	gsym_buf path;
	size_t top; /* length of "<copy's path>/" */
} strip_ctx;

/* Is `rel` below the copy tracked now, or above something tracked? */
static bool tracked_now(const char *rel, void *payload)
{
	strip_ctx *s = payload;
	bool tracked;

	gsym_buf_truncate(&s->path, s->top);
	gsym_buf_puts(&s->path, rel);
	tracked = gsym_index_file_find(s->f, s->path.ptr) >= 0;
	gsym_buf_putc(&s->path, '/');
	return tracked || gsym_index_file_has_prefix(s->f, s->path.ptr);
}

/*
 * A directory link became a directory of tracked files: git removed the
 * link (it could not: our copy is a directory) and wrote its files into
 * our copy. What the copy's stat list holds that git does not track, and
 * that nobody edited, goes; the record with it.
 */
static int strip_copy(bool *keep, gsym_apply_ctx *actx, const gsym_repo *repo,
	const gsym_record *rec)
{
	gsym_buf stats = GSYM_BUF_INIT, dir = GSYM_BUF_INIT,
		 abs = GSYM_BUF_INIT;
	strip_ctx s;

	*keep = false;
	gsym_buf_printf(&dir, "%ssymlinks/", repo->gitdir);
	if (actx->dry_run ||
		gsym_state_manifest_get(&stats, dir.ptr, rec->path) < 0) {
		gsym_error_clear();
		goto done;
	}
	s.f = &repo->file;
	memset(&s.path, 0, sizeof(s.path));
	gsym_buf_printf(&s.path, "%s/", rec->path);
	s.top = s.path.size;
	gsym_path_join(&abs, repo->workdir, rec->path);
	gsym_copy_remove_listed(abs.ptr, &stats, tracked_now, &s);
	gsym_buf_dispose(&s.path);
done:
	gsym_buf_dispose(&stats);
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&abs);
	return 0;
}

/*
 * The record of a path that is no longer a link entry. Gone from the
 * index (the link was deleted), or replaced by entries our sparse block
 * hid from git: what is left there is our leftover, removed while ours.
 * Replaced by entries git sees (the user staged our copy as a file, or
 * git wrote the new file): the record stays while our unedited fallback
 * is there, for the pre-commit guard, and goes once git's file is.
 */
static int settle_record(bool *keep, bool *by_head, gsym_apply_ctx *actx,
	const gsym_repo *repo, const gsym_sparse *sparse,
	const gsym_record *rec, bool untouched)
{
	const gsym_index_file *f = &repo->file;
	ptrdiff_t pos = gsym_index_file_find(f, rec->path);
	gsym_buf below = GSYM_BUF_INIT;
	size_t first;
	bool hidden, in_head;
	int error;

	if (in_conflict(f, rec->path)) {
		*keep = true; /* until the conflict is resolved */
		return 0;
	}
	gsym_buf_printf(&below, "%s/", rec->path);
	first = gsym_index_file_lower(f, below.ptr);
	if (pos < 0 && !gsym_index_file_has_prefix(f, below.ptr)) {
		gsym_buf_dispose(&below);
		/*
		 * HEAD still has it: a deletion staged by hand (`git rm
		 * --cached`), which keeps the file; the guard sees to the
		 * commit. Else a checkout deleted the link and left this.
		 */
		/*
		 * As a real link would stay untracked, ours does where git
		 * changed the index alone (a mixed reset to a commit without
		 * the link): until a restore of the user's
		 */
		if (untouched) {
			*keep = true;
			return 0;
		}
		in_head = head_has(repo, rec->path);
		error = gsym_apply_leftover(keep, actx, rec, !in_head);
		*by_head = *by_head || (*keep && in_head);
		return error;
	}
	hidden = gsym_sparse_hides(sparse, rec->path) &&
		(pos >= 0                    ? f->v[pos].ext_flags :
				first < f->n ? f->v[first].ext_flags :
					       0) &
			GSYM_INDEX_SKIP_WORKTREE;
	gsym_buf_dispose(&below);
	if (!hidden && pos < 0 && rec->kind == GSYM_KIND_COPY &&
		rec->type == GSYM_TYPE_DIR)
		return strip_copy(keep, actx, repo, rec);
	return gsym_apply_leftover(keep, actx, rec, hidden);
}

/*
 * A hard link made to a tracked file moved that file's ctime (its link
 * count changed): git would take the file for changed and refuse a merge
 * that touches it. Its stamp is renewed, only when nothing but the ctime
 * differs from what the index holds.
 */
static int restamp_target(gsym_repo *repo, gsym_apply_ctx *actx,
	const char *target, bool *changed)
{
	ptrdiff_t pos;
	gsym_istat is;
	gsym_stat st;

	if (!target || (pos = gsym_index_file_find(&repo->file, target)) < 0 ||
		actx->view->lstat(&st, actx->view, target) < 0) {
		gsym_error_clear();
		return 0;
	}
	gsym_index_item_istat(&is, &repo->file.v[pos]);
	if (is.mtime_sec != (uint32_t)st.mtime_sec ||
		is.mtime_nsec != st.mtime_nsec ||
		is.size != (uint32_t)st.size || is.ino != (uint32_t)st.ino ||
		is.dev != (uint32_t)st.dev ||
		is.ctime_sec == (uint32_t)st.ctime_sec)
		return 0;
	return gsym_record_path(repo, target, &st, -1, false, changed);
}

/* Record every changed entry in the index; drop records gone stale. */
static int record_all(gsym_repo *repo, gsym_entries *entries,
	gsym_state_file *state, gsym_apply_ctx *actx, const gsym_sparse *sparse,
	const gsym_run_opts *o, bool fsmn, bool *changed, bool *by_head)
{
	size_t i;
	int error;

	for (i = 0; i < entries->n; i++) {
		gsym_entry *e = &entries->v[i];
		gsym_record *rec = gsym_state_find(state, e->path);
		bool ours = rec != NULL || (e->flags & GSYM_ENTRY_CHANGED);

		if (!(e->flags & GSYM_ENTRY_SELECTED))
			continue;
		/* a record for a path that is now a link or placeholder */
		if (rec &&
			(e->kind == GSYM_KIND_SYMLINK ||
				e->kind == GSYM_KIND_PLACEHOLDER)) {
			gsym_state_remove(state, e->path);
			/* clear the bit this tool set for the fallback */
			if (e->flags & GSYM_ENTRY_SKIP_WORKTREE)
				e->flags |= GSYM_ENTRY_RECORD;
		}
		if (!(e->flags & GSYM_ENTRY_RECORD))
			continue;
		/*
		 * A hook leaves a real link unstamped: git finds the link
		 * clean by its content and refreshes the stamp itself, and
		 * writing the whole index for a few stamps would cost more
		 * than the rest of the hook. The next restore stamps it.
		 */
		if (o->hook && e->kind == GSYM_KIND_SYMLINK && !rec &&
			!(e->flags & GSYM_ENTRY_SKIP_WORKTREE))
			continue;
		if (!(e->flags & GSYM_ENTRY_CHANGED) &&
			e->action != GSYM_ACT_STAMP)
			e->result = e->disk;
		else if (e->kind == GSYM_KIND_HARDLINK &&
			(error = actx->view->lstat(&e->result, actx->view,
				 e->path)) < 0)
			return error; /* later links to its inode moved ctime */
		if ((error = gsym_record_entry(repo, e, ours, fsmn, changed)) <
				0 ||
			(e->kind == GSYM_KIND_HARDLINK &&
				(e->flags & GSYM_ENTRY_CHANGED) &&
				(error = restamp_target(repo, actx, e->resolved,
					 changed)) < 0))
			return error;
	}
	/* records of paths that are no longer link entries */
	for (i = 0; i < state->n && !o->npathspec;) {
		bool kept = true;

		if (!gsym_entries_find(entries, state->v[i].path) &&
			(error = settle_record(&kept, by_head, actx, repo,
				 sparse, &state->v[i], o->worktree_untouched)) <
				0)
			return error;
		if (!kept)
			gsym_state_remove(state, state->v[i].path);
		else
			i++;
	}
	return 0;
}

/* Below this many entries threads cost more than they save. */
#define LSTAT_AHEAD_MIN 512

typedef struct {
	gsym_entries *entries;
	const char *workdir;
	unsigned int validate_flags;
} ahead_ctx;

/* One lstat() gathered ahead, for what the planner will look at. */
static void lstat_one(void *payload, size_t i)
{
	ahead_ctx *ctx = payload;
	gsym_entry *e = &ctx->entries->v[i];
	gsym_buf path = GSYM_BUF_INIT;
	int error;

	if (!(e->flags & GSYM_ENTRY_SELECTED) ||
		gsym_validate_path(e->path, ctx->validate_flags))
		return; /* never looked at, or refused unlooked */
	gsym_buf_sets(&path, ctx->workdir);
	gsym_buf_puts(&path, e->path);
	error = gsym_platform_lstat(&e->disk, path.ptr);
	if (error == GSYM_ENOTFOUND)
		e->disk.type = GSYM_FT_NONE;
	if (error == 0 || error == GSYM_ENOTFOUND)
		e->flags |= GSYM_ENTRY_DISK_KNOWN;
	gsym_buf_dispose(&path);
}

/*
 * lstat() every selected entry on `jobs` threads, as git's preload-index
 * does: the kernel's path walks run side by side, and the planner finds
 * the answers waiting.
 */
static void lstat_ahead(gsym_entries *entries, const gsym_repo *repo,
	unsigned int validate_flags, unsigned int jobs)
{
	ahead_ctx ctx;

	ctx.entries = entries;
	ctx.workdir = repo->workdir;
	ctx.validate_flags = validate_flags;
	gsym_parallel(entries->n, jobs, lstat_one, &ctx);
}

/* Can a symbolic link be made at the top of the working tree now? */
static bool links_work(const char *workdir)
{
	gsym_buf probe = GSYM_BUF_INIT;
	bool ok;

	gsym_buf_printf(&probe, "%s.gsym-probe-%ld", workdir,
		(long)gsym_platform_now());
	gsym_platform_remove(probe.ptr);
	ok = gsym_platform_symlink("probe", probe.ptr, GSYM_LINK_FILE) == 0;
	if (ok)
		gsym_platform_remove(probe.ptr);
	gsym_error_clear();
	gsym_buf_dispose(&probe);
	return ok;
}

int gsym_run_apply(gsym_run_ctx *rc, gsym_entry *e, const gsym_record *rec)
{
	gsym_apply_ctx *actx = rc->apply;

	/* planned before the run learnt that links do not work here */
	if (rc->plan->links_unsupported && e->action == GSYM_ACT_CREATE &&
		e->nhows && e->hows[0] == GSYM_HOW_SYMLINK) {
		e->flags &= ~GSYM_ENTRY_LINKS_REFUSED;
		free(e->message);
		e->message = NULL;
		if (gsym_plan_entry(e, actx->view, rec, rc->plan) < 0)
			return GSYM_ERROR;
	}
	if (!(e->flags & GSYM_ENTRY_LINKS_REFUSED) &&
		gsym_apply_entry(actx, e) < 0)
		return GSYM_ERROR;
	if (!(e->flags & GSYM_ENTRY_LINKS_REFUSED))
		return 0;
	e->flags &= ~GSYM_ENTRY_LINKS_REFUSED;
	if (rc->links_work || links_work(actx->workdir)) {
		/* links work at the top: the refusal is this path's own */
		rc->links_work = true;
		return 0;
	}
	rc->plan->links_unsupported = true;
	if (!actx->state->links_unsupported) {
		actx->state->links_unsupported = true;
		actx->state->dirty = true;
	}
	free(e->message);
	e->message = NULL;
	if (gsym_plan_entry(e, actx->view, rec, rc->plan) < 0 ||
		gsym_apply_entry(actx, e) < 0)
		return GSYM_ERROR;
	return 0;
}

int gsym_run_entry(gsym_run_ctx *rc, gsym_entry *e, const gsym_record *rec)
{
	if (gsym_plan_entry(e, rc->apply->view, rec, rc->plan) < 0)
		return GSYM_ERROR;
	return gsym_run_apply(rc, e, rec);
}

static void flush(gsym_buf *b, FILE *f)
{
	if (b->size)
		fwrite(b->ptr, 1, b->size, f);
	fflush(f);
}

/* Paths of the checked-out submodules (gitlink entries with a .git). */
static void find_submodules(gsym_pathset *out, gsym_repo *repo)
{
	gsym_buf p = GSYM_BUF_INIT;
	gsym_stat st;
	size_t i;

	for (i = 0; i < repo->file.n; i++) {
		const gsym_index_item *item = &repo->file.v[i];

		if ((gsym_index_item_mode(item) & 0170000) != 0160000 ||
			gsym_index_item_stage(item) != 0)
			continue;
		gsym_buf_sets(&p, repo->workdir);
		gsym_buf_puts(&p, item->path);
		gsym_buf_puts(&p, "/.git");
		if (gsym_platform_lstat(&st, p.ptr) == 0)
			gsym_pathset_add(out, item->path);
	}
	gsym_error_clear();
	gsym_buf_dispose(&p);
}

/* One run over one repository, from opening it to the report. */
typedef struct {
	const gsym_run_opts *o;
	gsym_repo repo;
	git_config *cfg; /* one snapshot for the run */
	gsym_entries entries;
	gsym_state_file state;
	gsym_sparse sparse;
	gsym_repo_view rv;
	gsym_view view;
	gsym_plan_opts plan;
	gsym_apply_ctx actx;
	gsym_run_ctx rctx;
	gsym_buf backup_dir;
	gsym_pathset changed; /* what a branch switch changed */
	gsym_pathset subs; /* checked-out submodules to descend into */
	char *id; /* the worktree's name in exclude and sparse blocks */
	bool writes; /* restore or reset, not a dry run */
	bool quick; /* a branch switch: only what it changed */
	bool by_stat; /* quick, with targets proven unchanged by stat */
	bool fsmn; /* fallbacks hidden through git's fsmonitor */
	gsym_pathset seen; /* what the fsmonitor daemon saw change */
	bool seen_known; /* since our last run: `seen` is all that did */
	/* where a link that changed led: what resolved through it may not */
	gsym_pathset through;
	/* a record kept because HEAD has its link: the next HEAD decides */
	bool by_head;
	gsym_buf token; /* the daemon's token for our next run */
	int64_t started; /* seconds: what was read after it is no older */
	unsigned int jobs;
	/* on stderr: links checked, then made, files and bytes copied */
	gsym_progress progress;
	bool show_progress;
} run;

/*
 * "$GIT_DIR/symlinks/fsmonitor-token": "<index checksum> <token>", the
 * index our last run left and the daemon's token from its start.
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
	gsym_pathset *paths)
{
	gsym_index_links l;
	git_oid id;
	int error;

	if ((error = gsym_index_file_walk_links(&l, repo->index_path, paths)) <
		0)
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
static void note_through(run *r)
{
	size_t i;

	for (i = 0; i < r->entries.n; i++) {
		const gsym_entry *e = &r->entries.v[i];
		const gsym_record *rec = gsym_state_find(&r->state, e->path);

		if (rec && !memcmp(rec->blob, e->id, GSYM_OID_RAWSZ))
			continue;
		gsym_pathset_add(&r->through, e->path);
		if (rec && rec->src)
			gsym_pathset_add(&r->through, rec->src);
	}
	for (i = 0; i < r->state.n; i++) { /* and those gone from the index */
		const gsym_record *rec = &r->state.v[i];

		if (gsym_entries_find(&r->entries, rec->path))
			continue;
		gsym_pathset_add(&r->through, rec->path);
		if (rec->src)
			gsym_pathset_add(&r->through, rec->src);
	}
	gsym_pathset_sort(&r->through);
}

/*
 * A hook, with the fsmonitor daemon watching the tree (git/fsmonitor.h):
 * what changed since our last run. A copy whose path, target and all
 * below them did not change is current without a look.
 */
static void ask_daemon(run *r)
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
			gsym_pathset_add(&r->seen, token.ptr);
		}
		gsym_pathset_sort(&r->seen);
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
static bool made_here(const run *r, const char *path)
{
	gsym_buf at = GSYM_BUF_INIT;
	const char *c, *dot;
	bool ours = false;
	size_t i;

	for (c = path; !ours && c && *c;
		c = strchr(c, '/'), c = c ? c + 1 : c) {
		const gsym_entry *e;

		/* ".<base>.gsym-<what>" stands for "<base>" */
		if (*c == '.' && (dot = strstr(c, ".gsym-")) != NULL &&
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
		if (!ours && !strncmp(c, ".gsym-probe-", 12))
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
 * Is every entry as this run leaves it for good (nothing pending, stale
 * or failed, no conflict)? Else what the daemon reported to this run
 * must be looked at again: the next run asks from no token.
 */
static bool settled(const run *r)
{
	size_t i;

	for (i = 0; i < r->entries.n; i++) {
		const gsym_entry *e = &r->entries.v[i];

		if (e->state == GSYM_STATE_PENDING ||
			e->state == GSYM_STATE_STALE ||
			e->state == GSYM_STATE_ERROR)
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
static void save_sources(const run *r)
{
	gsym_pathset srcs;
	gsym_buf text = GSYM_BUF_INIT;
	size_t i;

	memset(&srcs, 0, sizeof(srcs));
	for (i = 0; i < r->state.n; i++)
		if (r->state.v[i].src)
			gsym_pathset_add(&srcs, r->state.v[i].src);
	gsym_pathset_sort(&srcs);
	for (i = 0; i < srcs.n; i++)
		if (!i || strcmp(srcs.v[i - 1], srcs.v[i]))
			gsym_buf_put(&text, srcs.v[i], strlen(srcs.v[i]) + 1);
	save_beside(&r->repo, "sources", &text);
	gsym_pathset_dispose(&srcs);
	gsym_buf_dispose(&text);
}

static void keep_token(const run *r)
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

/*
 * No link entry and no submodule in an index our last run did not see,
 * where that run found none either: walked without taking the entries
 * in, and noted for the next hook.
 */
static bool still_no_links(const gsym_repo *repo, char now[MARK_LEN + 1])
{
	static const char *const ours[] = { "state", "journal" };
	gsym_buf path = GSYM_BUF_INIT;
	gsym_stat st;
	size_t i, links;
	bool none = true;

	/* and no fallback recorded since (a run that failed half way) */
	for (i = 0; none && i < GSYM_ARRAY_SIZE(ours); i++) {
		gsym_buf_printf(&path, "%ssymlinks/%s", repo->gitdir, ours[i]);
		none = gsym_platform_lstat(&st, path.ptr) == GSYM_ENOTFOUND;
		gsym_buf_clear(&path);
	}
	gsym_buf_dispose(&path);
	if (!none ||
		gsym_index_file_count_links(&links, repo->index_path) < 0 ||
		links)
		return false;
	memset(now + 41, '-', 40);
	save_token(repo, now, NO_LINKS);
	return true;
}

/*
 * Does a path the daemon reported touch a link entry (`links`), or what
 * a fallback was made from (the sources our last run noted), or the
 * attributes that type links?
 */
static bool touches_ours(const gsym_repo *repo, const gsym_pathset *links,
	const gsym_buf *changed)
{
	gsym_buf file = GSYM_BUF_INIT, text = GSYM_BUF_INIT;
	gsym_pathset srcs;
	const char *p, *end = changed->ptr + changed->size;
	bool hit = false;

	memset(&srcs, 0, sizeof(srcs));
	token_file(&file, repo, "sources");
	if (gsym_platform_read_file(&text, file.ptr, (size_t)1 << 30) < 0)
		hit = true; /* none noted: anything may be ours */
	for (p = text.ptr; !hit && p && p < text.ptr + text.size;
		p += strlen(p) + 1)
		gsym_pathset_add(&srcs, p);
	gsym_pathset_sort(&srcs);
	for (p = changed->ptr; !hit && p < end; p += strlen(p) + 1) {
		const char *base = strrchr(p, '/');

		hit = gsym_pathset_touches(links, p) ||
			gsym_pathset_touches(&srcs, p) ||
			!strcmp(base ? base + 1 : p, ".gitattributes");
	}
	gsym_error_clear();
	gsym_pathset_dispose(&srcs);
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
	gsym_pathset links;
	gsym_buf next = GSYM_BUF_INIT, changed = GSYM_BUF_INIT;
	bool same;

	memset(&links, 0, sizeof(links));
	same = mark_links(now, repo, &links) == 0 &&
		!strcmp(last + 82, now + 82) &&
		gsym_fsmonitor_ask(&next, &changed, repo->workdir, token) ==
			1 &&
		!touches_ours(repo, &links, &changed);
	if (same) {
		memcpy(now + 41, last + 41, 40); /* HEAD: as it counted */
		save_token(repo, now, next.ptr);
	}
	gsym_pathset_dispose(&links);
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
static bool nothing_since(const gsym_run_opts *o)
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
		same = !strncmp(last, now, 40) || still_no_links(&repo, now);
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

/* Is there a link entry below the directory `dir`? */
static bool links_below(const run *r, const char *dir)
{
	size_t lo = 0, hi = r->entries.n, len = strlen(dir);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(r->entries.v[mid].path, dir, len);

		if (c < 0 || (c == 0 && r->entries.v[mid].path[len] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->entries.n && !strncmp(r->entries.v[lo].path, dir, len) &&
		r->entries.v[lo].path[len] == '/';
}

/*
 * Our copy, its mark in the index intact, of this very version of the
 * link, where the daemon saw nothing change at it, below it, at its
 * target or below that: current, as the quick check would find it (a
 * directory copy whose target holds links is refreshed through them:
 * those the quick check looks at).
 */
static bool unseen(run *r, gsym_entry *e, const gsym_record *rec)
{
	if (!r->seen_known || !rec || rec->kind != GSYM_KIND_COPY ||
		!rec->src || rec->src[0] == '/' ||
		!strncmp(rec->src, "..", 2) ||
		!(e->flags & GSYM_ENTRY_SKIP_WORKTREE) ||
		memcmp(rec->blob, e->id, GSYM_OID_RAWSZ) ||
		gsym_pathset_touches(&r->seen, e->path) ||
		gsym_pathset_touches(&r->seen, rec->src) ||
		(rec->type == GSYM_TYPE_DIR && links_below(r, rec->src)))
		return false;
	e->kind = GSYM_KIND_COPY;
	e->state = GSYM_STATE_OK;
	e->action = GSYM_ACT_NONE;
	return true;
}

/*
 * Prepare: open the repository (locking the index when writing), read
 * the config, the state, the sparse block and the link entries; know
 * whether links work here; finish what a killed run left half done.
 */
static int prepare(run *r)
{
	const gsym_run_opts *o = r->o;
	int recurse_subs = o->recurse_submodules, error;
	size_t i;

	r->started = gsym_platform_now();
	if ((error = gsym_repo_open(&r->repo, r->writes)) < 0)
		return error;
	r->plan.mode = o->mode;
	r->plan.force = o->force;
	r->plan.allow_outside = o->allow_outside;

	r->plan.platform = gsym_platform_info_get();
	r->plan.details = o->mode != GSYM_MODE_RESTORE || o->verbose ||
		o->format != GSYM_REPORT_TEXT || o->dry_run;
	r->plan.count_copies = o->mode == GSYM_MODE_STATUS || o->dry_run;
	r->plan.validate_flags =
		r->plan.platform->has_junctions ? GSYM_VALIDATE_WINDOWS : 0;
	/* one snapshot of the config for the whole run */
	if (git_repository_config_snapshot(&r->cfg, r->repo.repo) < 0)
		return gsym_repo_git_error("could not read the git config");
	if ((error = read_config(&r->plan, o, r->cfg, &recurse_subs,
		     &r->jobs)) < 0 ||
		(error = gsym_state_load(&r->state, r->repo.gitdir)) < 0 ||
		(error = gsym_scan(&r->entries, &r->repo.file, r->repo.prefix,
			 o->pathspec, o->npathspec)) < 0)
		return error;
	r->id = worktree_id(&r->repo);
	if ((error = gsym_sparse_load(&r->sparse, &r->repo, r->cfg)) < 0)
		return error;
	r->fsmn = gsym_fsmonitor_usable(r->cfg, &r->repo.file, r->repo.gitdir);
	/*
	 * git trusting our fallbacks writes every link a checkout changes:
	 * one of ours whose link entry changed under it was left by a
	 * command that changed the index alone (a mixed reset, restore
	 * --staged), and stays, as a real link would (plan.h)
	 */
	r->plan.index_only =
		r->fsmn && (o->hook || o->mode == GSYM_MODE_STATUS);
	r->sparse.junctions_only = r->fsmn;
	if (recurse_subs && o->format != GSYM_REPORT_JSON)
		find_submodules(&r->subs, &r->repo);

	/*
	 * What an earlier restore learnt about links here; a restore that
	 * will write checks it once (links may work now), so a tree of copies
	 * does not retry a link per entry on every run.
	 */
	r->plan.links_unsupported = r->state.links_unsupported;
	if (r->writes && o->mode == GSYM_MODE_RESTORE &&
		r->state.links_unsupported && links_work(r->repo.workdir)) {
		r->plan.links_unsupported = false;
		r->state.links_unsupported = false;
		r->state.dirty = true;
	}

	gsym_view_repo_init(&r->view, &r->rv, &r->repo, &r->entries);
	/* replacing an edited thing (--force), or showing one to git */
	gsym_buf_printf(&r->backup_dir, "%ssymlinks/backup/", r->repo.gitdir);
	r->actx.view = &r->view;
	r->actx.state = &r->state;
	r->actx.workdir = r->repo.workdir;
	r->actx.backup_dir = r->backup_dir.ptr;
	r->actx.opts = &r->plan;
	r->actx.dry_run = !r->writes;
	r->actx.stamp_limit = gsym_repo_stamp_limit(&r->repo);
	r->rctx.plan = &r->plan;
	r->rctx.apply = &r->actx;

	/*
	 * A branch switch: plan in full only what changed or lost its stamp.
	 * What the switch changed carries git's stamp now, not ours, so the
	 * quick check sends it on; only fallbacks, whose targets may change
	 * under them, need the diff of the two trees.
	 */
	r->quick = o->old_commit && o->new_commit && !o->npathspec;
	/*
	 * Any other hook (post-index-change after every index write): the
	 * same quick check, a copy's target proven unchanged by its stat
	 * (the record's) where there is no tree diff to say it
	 */
	if (!r->quick && o->hook && !o->npathspec)
		r->quick = r->by_stat = true;
	if (r->quick && !r->by_stat && r->state.n &&
		gsym_changes_between(&r->changed, &r->repo, o->old_commit,
			o->new_commit) < 0)
		r->quick = false;
	gsym_error_clear();

	if (r->quick)
		note_through(r);
	if (r->quick && r->fsmn && r->writes)
		ask_daemon(r);

	/* a hook's quick check spares the lstat: gathering them would not */
	if ((!r->quick || (r->by_stat && !r->seen_known)) && r->jobs > 1 &&
		r->entries.n >= LSTAT_AHEAD_MIN)
		lstat_ahead(&r->entries, &r->repo, r->plan.validate_flags,
			r->jobs);

	/* finish what a killed run left half done */
	for (i = 0; r->writes && i < r->state.ntouched; i++)
		if ((error = gsym_apply_cleanup(&r->actx,
			     r->state.touched[i])) < 0)
			return error;
	return 0;
}

/* Does git's fsmonitor trust the entry of `path` unchanged? */
static bool fsmn_valid(const gsym_repo *repo, const char *path)
{
	ptrdiff_t pos = gsym_index_file_find(&repo->file, path);

	return pos >= 0 && repo->file.v[pos].fsmn_valid &&
		!(repo->file.v[pos].ext_flags & GSYM_INDEX_SKIP_WORKTREE);
}

/* Below this many links, threads cost more than they save. */
#define CREATE_AHEAD_MIN 64

/*
 * Can this entry be made on another thread? A link or a copy (its best
 * form) over git's placeholder, with no record and nothing to back up:
 * no new directory is made on the way, and what it shares (the view, the
 * state) is locked. Hard links wait: each moves its inode's ctime, so
 * they are stamped in order (apply.c).
 */
static bool parallel_ok(const gsym_entry *e, const gsym_record *rec)
{
	return e->action == GSYM_ACT_CREATE && e->nhows > 0 &&
		(e->hows[0] == GSYM_HOW_SYMLINK ||
			e->hows[0] == GSYM_HOW_COPY) &&
		e->disk.type == GSYM_FT_FILE && !rec &&
		!(e->flags & GSYM_ENTRY_BACKUP);
}

typedef struct {
	gsym_apply_ctx *actx;
	gsym_entry **v; /* the links to make, in index order */
	size_t *group; /* where each directory's run of them starts */
} create_ctx;

/* Make the links of one directory: no two threads in one directory. */
static void create_group(void *payload, size_t g)
{
	create_ctx *c = payload;
	size_t i;

	for (i = c->group[g]; i < c->group[g + 1]; i++) {
		c->v[i]->flags |= GSYM_ENTRY_AHEAD;
		gsym_apply_entry(c->actx, c->v[i]);
	}
}

/*
 * Make the planned links on `jobs` threads, a directory to a thread; the
 * index and the state are recorded afterwards, in index order, as for
 * links made one by one. Refusals are left flagged for the run.
 */
static void create_ahead(run *r, gsym_entry **v, size_t n)
{
	gsym_view_locked locked;
	create_ctx c;
	size_t i, ngroups = 0;

	c.actx = &r->actx;
	c.v = v;
	c.group = gsym_calloc(n + 1, sizeof(size_t));
	for (i = 0; i < n; i++)
		if (i == 0 ||
			gsym_path_dirlen(v[i]->path) !=
				gsym_path_dirlen(v[i - 1]->path) ||
			strncmp(v[i]->path, v[i - 1]->path,
				gsym_path_dirlen(v[i]->path)))
			c.group[ngroups++] = i;
	c.group[ngroups] = n;
	/* for the threads: a view and a state used one call at a time */
	gsym_view_locked_init(&locked, &r->view);
	r->actx.view = &locked.view;
	r->actx.lock = gsym_platform_mutex_new();
	gsym_parallel(ngroups, r->jobs, create_group, &c);
	gsym_platform_mutex_free(r->actx.lock);
	r->actx.lock = NULL;
	r->actx.view = &r->view;
	gsym_view_locked_dispose(&locked);
	free(c.group);
}

/*
 * Before links are made on threads, learn whether they can be made here
 * at all: the first is made on this thread (a refusal makes the run probe
 * the tree), and when links turn out impossible, the rest are planned
 * again as their fallbacks. Drops from `v` what can no longer go ahead.
 */
static int learn_links(run *r, gsym_entry **v, size_t *n)
{
	size_t i, kept = 0;
	int error;

	for (i = 0; i < *n && !r->plan.links_unsupported && !r->rctx.links_work;
		i++)
		if (v[i]->hows[0] == GSYM_HOW_SYMLINK) {
			v[i]->flags |= GSYM_ENTRY_AHEAD;
			if ((error = gsym_run_apply(&r->rctx, v[i], NULL)) < 0)
				return error;
			break;
		}
	for (i = 0; i < *n; i++) {
		gsym_entry *e = v[i];

		if (e->flags & GSYM_ENTRY_AHEAD)
			continue;
		if (r->plan.links_unsupported &&
			e->hows[0] == GSYM_HOW_SYMLINK &&
			(error = gsym_plan_entry(e, &r->view, NULL, &r->plan)) <
				0)
			return error;
		if (parallel_ok(e, NULL))
			v[kept++] = e;
	}
	*n = kept;
	return 0;
}

/*
 * Plan and apply: one decision per selected link entry, then carried
 * out. Links over git's placeholders are made on several threads when
 * there are many; everything else, and what the threads learnt (links
 * refused), one by one in index order.
 */
static int plan_and_apply(run *r)
{
	gsym_entry **ahead = NULL;
	size_t i, nahead = 0, nmake;
	int error = 0;

	if (r->writes && r->jobs > 1)
		ahead = gsym_calloc(r->entries.n, sizeof(gsym_entry *));
	gsym_progress_start(&r->progress, "Checking links", r->entries.n,
		r->show_progress, stderr);
	for (i = 0; i < r->entries.n; i++) {
		gsym_entry *e = &r->entries.v[i];
		gsym_record *rec;

		gsym_progress_add(&r->progress, 1);
		if (!(e->flags & GSYM_ENTRY_SELECTED))
			continue;
		rec = gsym_state_find(&r->state, e->path);
		if (r->fsmn && rec && gsym_record_by_fsmn(rec->kind)) {
			/* hidden by git's fsmonitor mark, not the bit */
			e->flags &= ~GSYM_ENTRY_SKIP_WORKTREE;
			if (fsmn_valid(&r->repo, e->path))
				e->flags |= GSYM_ENTRY_SKIP_WORKTREE |
					GSYM_ENTRY_HIDDEN;
		} else if (rec && rec->kind != GSYM_KIND_JUNCTION &&
			!gsym_record_needs_bit(rec->kind, rec->type,
				rec->size)) {
			/*
			 * behind the sparse block a copy of a file needs no
			 * bit (record.c): as good as hidden while it has none
			 */
			if (e->flags & GSYM_ENTRY_SKIP_WORKTREE)
				e->flags &= ~GSYM_ENTRY_SKIP_WORKTREE;
			else
				e->flags |= GSYM_ENTRY_SKIP_WORKTREE |
					GSYM_ENTRY_HIDDEN;
		} else if ((e->flags & GSYM_ENTRY_SKIP_WORKTREE) &&
			gsym_sparse_hides(&r->sparse, e->path)) {
			e->flags |= GSYM_ENTRY_HIDDEN;
		}
		if (r->quick && !gsym_pathset_has(&r->changed, e->path) &&
			!(rec && rec->src &&
				gsym_pathset_touches(&r->through, rec->src)) &&
			(unseen(r, e, rec) ||
				gsym_plan_quick(e, &r->view, rec,
					rec &&
						(r->by_stat ? !gsym_plan_copy_current(
								      &r->view,
								      rec) :
							      gsym_pathset_touches(
								      &r->changed,
								      rec->src)))))
			continue;
		if ((error = gsym_plan_entry(e, &r->view, rec, &r->plan)) < 0)
			goto done;
		if (ahead && parallel_ok(e, rec))
			ahead[nahead++] = e;
	}
	gsym_progress_stop(&r->progress);

	/* making: entries, and the files and bytes their copies hold */
	for (i = 0, nmake = 0; r->writes && i < r->entries.n; i++)
		nmake += (r->entries.v[i].flags & GSYM_ENTRY_SELECTED) &&
			r->entries.v[i].action != GSYM_ACT_NONE;
	gsym_progress_start(&r->progress,
		r->o->mode == GSYM_MODE_RESET ? "Resetting links" :
						"Making links",
		nmake, r->show_progress && nmake, stderr);
	r->actx.progress = &r->progress;

	if (nahead >= CREATE_AHEAD_MIN) {
		if ((error = learn_links(r, ahead, &nahead)) < 0)
			goto done;
		if (nahead)
			create_ahead(r, ahead, nahead);
	}
	for (i = 0; i < r->entries.n; i++) {
		gsym_entry *e = &r->entries.v[i];

		if (!(e->flags & GSYM_ENTRY_SELECTED) ||
			((e->flags & GSYM_ENTRY_AHEAD) &&
				!(e->flags & GSYM_ENTRY_LINKS_REFUSED)))
			continue; /* made ahead (or nothing to do) */
		if ((error = gsym_run_apply(&r->rctx, e,
			     gsym_state_find(&r->state, e->path))) < 0)
			goto done;
	}
done:
	gsym_progress_stop(&r->progress);
	r->actx.progress = NULL;
	free(ahead);
	return error;
}

/* Does the state hold a hard-link fallback? */
static bool has_hardlinks(const gsym_state_file *state)
{
	size_t i;

	for (i = 0; i < state->n; i++)
		if (state->v[i].kind == GSYM_KIND_HARDLINK)
			return true;
	return false;
}

/* Does the state hold a fallback hidden through the fsmonitor? */
static bool fsmn_needed(const gsym_state_file *state)
{
	size_t i;

	for (i = 0; i < state->n; i++)
		if (gsym_record_by_fsmn(state->v[i].kind))
			return true;
	return false;
}

/*
 * Record: index stamps and bits, files our sparse block hid, the index
 * written under our lock, then the sparse block, the state file and the
 * exclude lines.
 */
/*
 * A copy proven current by reading it and its target: note its target's
 * stat (and for a directory, every source's, in its stat list), so the
 * next run proves it by lstat alone. Only while nothing was touched since
 * the run began (git's racy-clean rule): else the next run reads again.
 */
static void restat(run *r, const gsym_entry *e, const gsym_record *rec)
{
	int64_t before = r->started - GSYM_RACY_SECONDS;
	gsym_record now = *rec;
	gsym_buf stats = GSYM_BUF_INIT, fresh = GSYM_BUF_INIT;
	gsym_stat st, copy;

	if (r->view.lstat(&st, &r->view, e->resolved) < 0 ||
		st.mtime_sec >= before ||
		r->view.lstat(&copy, &r->view, e->path) < 0 ||
		copy.mtime_sec >= before)
		goto done;
	/* the copy itself, as it is now (proven ours by its content) */
	now.size = copy.size;
	now.mtime_sec = copy.mtime_sec;
	now.mtime_nsec = copy.mtime_nsec;
	now.ino = copy.ino;
	if (rec->type == GSYM_TYPE_DIR &&
		(r->view.copy_stats(&stats, &r->view, rec->path) < 0 ||
			gsym_copy_restat(&fresh, &r->view, &stats, rec->path,
				before) < 0 ||
			gsym_state_manifest_put(&r->state, rec->path, &fresh) <
				0))
		goto done;
	now.src_known = true;
	now.src_size = st.size;
	now.src_mtime_sec = st.mtime_sec;
	now.src_mtime_nsec = st.mtime_nsec;
	now.src_ino = st.ino;
	/* (put frees the record's own strings before it copies ours) */
	now.src = gsym_strdup(rec->src);
	now.path = gsym_strdup(rec->path);
	gsym_state_put(&r->state, &now);
	free(now.src);
	free(now.path);
done:
	gsym_error_clear();
	gsym_buf_dispose(&stats);
	gsym_buf_dispose(&fresh);
}

static int record(run *r)
{
	gsym_buf exclude = GSYM_BUF_INIT;
	bool index_changed = false;
	size_t i;
	int error;

	for (i = 0; i < r->entries.n; i++) {
		const gsym_entry *e = &r->entries.v[i];
		const gsym_record *rec;

		if ((e->flags & GSYM_ENTRY_RESTAT) && !r->actx.dry_run &&
			(rec = gsym_state_find(&r->state, e->path)) &&
			rec->kind == GSYM_KIND_COPY && e->resolved &&
			!strcmp(rec->src ? rec->src : "", e->resolved))
			restat(r, e, rec);
	}

	if ((error = record_all(&r->repo, &r->entries, &r->state, &r->actx,
		     &r->sparse, r->o, r->fsmn, &index_changed, &r->by_head)) <
			0 ||
		(error = gsym_sparse_unhide(&r->sparse, &r->repo,
			 &index_changed)) < 0 ||
		(index_changed &&
			(error = gsym_repo_write_index(&r->repo)) < 0))
		goto done;
	gsym_repo_unlock(&r->repo);
	if (r->o->mode == GSYM_MODE_RESET && !r->o->npathspec) {
		r->state.links_unsupported = false;
		r->state.dirty = true;
	}
	gsym_buf_printf(&exclude, "%sinfo/exclude", r->repo.commondir);
	if ((error = gsym_sparse_sync(&r->sparse, &r->repo, r->id, &r->state)) <
			0 ||
		(error = gsym_fsmonitor_config(r->repo.repo, r->cfg,
			 r->fsmn && fsmn_needed(&r->state))) < 0 ||
		(error = gsym_trustctime_config(r->repo.repo, r->cfg,
			 has_hardlinks(&r->state))) < 0 ||
		(error = gsym_state_save(&r->state)) < 0)
		goto done;
	if ((error = gsym_exclude_sync(exclude.ptr, r->id, &r->state)) == 0)
		keep_token(r);
done:
	gsym_buf_dispose(&exclude);
	return error;
}

/* Report: print the entries; GSYM_PARTIAL when some were left alone. */
static int report(run *r)
{
	gsym_buf out = GSYM_BUF_INIT, err = GSYM_BUF_INIT;
	gsym_report_opts ropts;
	size_t bad;

	ropts.format = r->o->format;
	ropts.mode = r->o->mode;
	ropts.dry_run = r->o->dry_run;
	ropts.quiet = r->o->quiet;
	ropts.verbose = r->o->verbose;
	bad = gsym_report(&out, &err, &r->entries, &ropts);
	flush(&out, stdout);
	flush(&err, stderr);
	gsym_buf_dispose(&out);
	gsym_buf_dispose(&err);
	return bad ? GSYM_PARTIAL : GSYM_OK;
}

static void run_dispose(run *r)
{
	git_config_free(r->cfg);
	gsym_pathset_dispose(&r->changed);
	gsym_pathset_dispose(&r->seen);
	gsym_pathset_dispose(&r->through);
	gsym_buf_dispose(&r->token);
	gsym_view_repo_dispose(&r->rv);
	gsym_state_dispose(&r->state);
	gsym_sparse_dispose(&r->sparse);
	gsym_entries_dispose(&r->entries);
	gsym_repo_close(&r->repo);
	gsym_buf_dispose(&r->backup_dir);
	free(r->id);
}

/* One repository; the checked-out submodules it has go to `subs`. */
static int run_repository(const gsym_run_opts *o, gsym_pathset *subs,
	char **workdir)
{
	run r;
	gsym_error_saved saved;
	int error;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.writes = o->mode != GSYM_MODE_STATUS && !o->dry_run;
	r.jobs = 1;
	/* a hook's stderr is git's: shown on a terminal, quiet or not */
	r.show_progress = gsym_progress_wanted(o->progress) &&
		(o->progress > 0 || !o->quiet || o->hook);
	git_libgit2_init();
	if (nothing_since(o)) {
		git_libgit2_shutdown();
		return GSYM_OK;
	}
	error = prepare(&r);
	/*
	 * git holds the index (post-index-change inside `git commit`, which
	 * writes index.lock and keeps it): its next hook or command sees to
	 * it
	 */
	if (error == GSYM_ELOCKED && o->hook) {
		error = GSYM_OK;
		goto done;
	}
	if (error < 0 || (error = plan_and_apply(&r)) < 0 ||
		(r.writes && (error = record(&r)) < 0))
		goto done;
	error = report(&r);
	*subs = r.subs;
	r.subs.v = NULL;
	r.subs.n = 0;
	if (subs->n)
		*workdir = gsym_strdup(r.repo.workdir);
done:
	gsym_error_save(&saved); /* the cleanup keeps the failure's message */
	gsym_pathset_dispose(&r.subs);
	run_dispose(&r);
	git_libgit2_shutdown();
	return gsym_error_restore(&saved, error);
}

/* The worse of two results: an error, else some left alone, else OK. */
static int worse(int a, int b)
{
	if (a < 0 || b < 0)
		return a < 0 ? a : b;
	return a > b ? a : b;
}

/* Run the same command in each submodule; returns the worst result. */
static int recurse(const gsym_run_opts *o, const char *workdir,
	const gsym_pathset *subs)
{
	static const char *vars[] = { "GIT_DIR", "GIT_WORK_TREE",
		"GIT_INDEX_FILE", "GIT_COMMON_DIR" };
	gsym_run_opts sub = *o;
	gsym_buf cwd = GSYM_BUF_INIT, dir = GSYM_BUF_INIT;
	size_t i;
	int worst = GSYM_OK, error;

	sub.pathspec = NULL;
	sub.npathspec = 0;
	sub.old_commit = sub.new_commit = NULL;
	gsym_platform_realpath(&cwd, ".");
	/* a hook's environment names the superproject, not the submodule */
	for (i = 0; i < GSYM_ARRAY_SIZE(vars); i++)
		gsym_platform_setenv(vars[i], NULL);
	for (i = 0; i < subs->n; i++) {
		gsym_buf_sets(&dir, workdir);
		gsym_buf_puts(&dir, subs->v[i]);
		if ((error = gsym_platform_chdir(dir.ptr)) < 0) {
			gsym_error_print();
			worst = worse(worst, GSYM_PARTIAL);
			continue;
		}
		if (o->format == GSYM_REPORT_TEXT && !o->quiet)
			printf("Entering '%s'\n", subs->v[i]);
		error = gsym_run(&sub);
		if (error < 0)
			gsym_error_print();
		worst = worse(worst, error < 0 ? GSYM_PARTIAL : error);
	}
	if (cwd.size)
		gsym_platform_chdir(cwd.ptr);
	gsym_buf_dispose(&cwd);
	gsym_buf_dispose(&dir);
	return worst;
}

int gsym_run(const gsym_run_opts *o)
{
	gsym_pathset subs = { NULL, 0, 0 };
	char *workdir = NULL;
	int error;

	error = run_repository(o, &subs, &workdir);
	if (error >= 0 && subs.n)
		error = worse(error, recurse(o, workdir, &subs));
	gsym_pathset_dispose(&subs);
	free(workdir);
	return error;
}
