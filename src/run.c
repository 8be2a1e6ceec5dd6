#include "run.h"
#include "apply.h"
#include "error.h"
#include "record.h"
#include "repo.h"
#include "scan.h"
#include "sparse.h"
#include "state.h"
#include "util.h"
#include "validate.h"
#include "view_repo.h"

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
 * symlinks.fallback, symlinks.allowOutside, symlinks.jobs and (when
 * `*recurse` is -1) submodule.recurse from git config, in one snapshot.
 */
static int read_config(gsym_plan_opts *plan, const gsym_run_opts *o,
	gsym_repo *repo, int *recurse, unsigned int *jobs)
{
	git_config *cfg = NULL;
	git_buf value = { NULL, 0, 0 };
	const char *fallback = o->fallback;
	int flag = 0, error = 0;

	if (git_repository_config_snapshot(&cfg, repo->repo) < 0)
		return gsym_repo_git_error("could not read the git config");
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
	if (*recurse < 0)
		*recurse = git_config_get_bool(&flag, cfg,
				   "submodule.recurse") == 0 &&
			flag;
	/* threads that look at the tree; 0 or unset: one per processor */
	*jobs = 0;
	if (git_config_get_int32(&flag, cfg, "symlinks.jobs") == 0 && flag > 0)
		*jobs = (unsigned int)flag;
	if (!*jobs)
		*jobs = gsym_platform_cpus();
	git_buf_dispose(&value);
	git_config_free(cfg);
	return error;
}

/* "main", or the name of a linked worktree's git directory. */
static char *worktree_id(const gsym_repo *repo)
{
	gsym_buf b = GSYM_BUF_INIT;
	size_t len = strlen(repo->gitdir) - 1, start;

	if (!strcmp(repo->gitdir, repo->commondir))
		return strdup("main");
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

/*
 * The record of a path that is no longer a link entry. Gone from the
 * index (the link was deleted), or replaced by entries our sparse block
 * hid from git: what is left there is our leftover, removed while ours.
 * Replaced by entries git sees (the user staged our copy as a file, or
 * git wrote the new file): the record stays while our unedited fallback
 * is there, for the pre-commit guard, and goes once git's file is.
 */
static int settle_record(bool *keep, gsym_apply_ctx *actx,
	const gsym_repo *repo, const gsym_sparse *sparse,
	const gsym_record *rec)
{
	const gsym_index_file *f = &repo->file;
	ptrdiff_t pos = gsym_index_file_find(f, rec->path);
	gsym_buf below = GSYM_BUF_INIT;
	size_t first;
	bool hidden;

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
		return gsym_apply_leftover(keep, actx, rec,
			!head_has(repo, rec->path));
	}
	hidden = gsym_sparse_hides(sparse, rec->path) &&
		(pos >= 0                    ? f->v[pos].ext_flags :
				first < f->n ? f->v[first].ext_flags :
					       0) &
			GSYM_INDEX_SKIP_WORKTREE;
	gsym_buf_dispose(&below);
	return gsym_apply_leftover(keep, actx, rec, hidden);
}

/* Record every changed entry in the index; drop records gone stale. */
static int record_all(gsym_repo *repo, gsym_entries *entries,
	gsym_state_file *state, gsym_apply_ctx *actx, const gsym_sparse *sparse,
	const gsym_run_opts *o, bool *changed)
{
	git_index *index = NULL;
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
		if ((!index && (error = gsym_repo_index(&index, repo)) < 0) ||
			(error = gsym_record_entry(index, e, ours, changed)) <
				0)
			return error;
	}
	/* records of paths that are no longer link entries */
	for (i = 0; i < state->n && !o->npathspec;) {
		bool kept = true;

		if (!gsym_entries_find(entries, state->v[i].path) &&
			(error = settle_record(&kept, actx, repo, sparse,
				 &state->v[i])) < 0)
			return error;
		if (!kept)
			gsym_state_remove(state, state->v[i].path);
		else
			i++;
	}
	return 0;
}

/* Paths that differ between two commits' trees, sorted. */
typedef struct {
	char **v;
	size_t n, cap;
} pathset;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pathset_add(pathset *set, const char *path)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->v = realloc(set->v, set->cap * sizeof(char *));
	}
	set->v[set->n++] = strdup(path);
}

static void pathset_dispose(pathset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
}

static int diff_trees(pathset *out, git_repository *repo, git_tree *a,
	git_tree *b, gsym_buf *path);

static bool is_tree(const git_tree_entry *e)
{
	return e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

/* One name that differs: its path, and what differs below it. */
static int diff_entry(pathset *out, git_repository *repo,
	const git_tree_entry *ea, const git_tree_entry *eb, gsym_buf *path)
{
	git_tree *ta = NULL, *tb = NULL;
	size_t len = path->size;
	int error = 0;

	gsym_buf_puts(path, git_tree_entry_name(ea ? ea : eb));
	if ((ea && !is_tree(ea)) || (eb && !is_tree(eb)))
		pathset_add(out, path->ptr);
	if (is_tree(ea) || is_tree(eb)) {
		gsym_buf_putc(path, '/');
		if ((is_tree(ea) &&
			    git_tree_lookup(&ta, repo, git_tree_entry_id(ea)) <
				    0) ||
			(is_tree(eb) &&
				git_tree_lookup(&tb, repo,
					git_tree_entry_id(eb)) < 0) ||
			diff_trees(out, repo, ta, tb, path) < 0)
			error = -1;
	}
	git_tree_free(ta);
	git_tree_free(tb);
	gsym_buf_truncate(path, len);
	return error;
}

/*
 * Every path that differs between trees `a` and `b` (either may be NULL),
 * below `path`. Equal subtrees are skipped by id, so the cost follows the
 * change, not the size of the tree.
 */
static int diff_trees(pathset *out, git_repository *repo, git_tree *a,
	git_tree *b, gsym_buf *path)
{
	size_t na = a ? git_tree_entrycount(a) : 0;
	size_t nb = b ? git_tree_entrycount(b) : 0, i;

	for (i = 0; i < na; i++) {
		const git_tree_entry *ea = git_tree_entry_byindex(a, i);
		const git_tree_entry *eb = b ?
			git_tree_entry_byname(b, git_tree_entry_name(ea)) :
			NULL;

		if (eb &&
			git_tree_entry_filemode(ea) ==
				git_tree_entry_filemode(eb) &&
			git_oid_equal(git_tree_entry_id(ea),
				git_tree_entry_id(eb)))
			continue;
		if (diff_entry(out, repo, ea, eb, path) < 0)
			return -1;
	}
	for (i = 0; i < nb; i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(b, i);

		if ((!a ||
			    !git_tree_entry_byname(a,
				    git_tree_entry_name(eb))) &&
			diff_entry(out, repo, NULL, eb, path) < 0)
			return -1;
	}
	return 0;
}

/* The paths a branch switch from `old_hex` to `new_hex` changed. */
static int changed_paths(pathset *out, gsym_repo *repo, const char *old_hex,
	const char *new_hex)
{
	git_object *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	gsym_buf path = GSYM_BUF_INIT;
	int error = -1;

	if (git_revparse_single(&a, repo->repo, old_hex) < 0 ||
		git_revparse_single(&b, repo->repo, new_hex) < 0 ||
		git_object_peel((git_object **)&ta, a, GIT_OBJECT_TREE) < 0 ||
		git_object_peel((git_object **)&tb, b, GIT_OBJECT_TREE) < 0 ||
		diff_trees(out, repo->repo, ta, tb, &path) < 0)
		goto done;
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(char *), cmp_str);
	error = 0;
done:
	gsym_buf_dispose(&path);
	git_tree_free(ta);
	git_tree_free(tb);
	git_object_free(a);
	git_object_free(b);
	return error;
}

static bool pathset_has(const pathset *set, const char *path)
{
	char *key = (char *)path;

	return set->n &&
		bsearch(&key, set->v, set->n, sizeof(char *), cmp_str) != NULL;
}

/* Did the switch touch `path`, something below it, or a parent of it? */
static bool affected(const pathset *set, const char *path)
{
	gsym_buf prefix = GSYM_BUF_INIT;
	size_t lo = 0, hi = set->n, len;
	bool hit = false;

	if (!path)
		return true; /* unknown source: check it */
	if (pathset_has(set, path))
		return true;
	gsym_buf_printf(&prefix, "%s/", path);
	while (lo < hi) { /* first element >= "path/" */
		size_t mid = (lo + hi) / 2;

		if (strcmp(set->v[mid], prefix.ptr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	hit = lo < set->n && !strncmp(set->v[lo], prefix.ptr, prefix.size);
	for (len = gsym_path_dirlen(path); !hit && len > 0;
		len = gsym_path_dirlen(prefix.ptr)) {
		gsym_buf_truncate(&prefix, 0);
		gsym_buf_put(&prefix, path, len);
		hit = pathset_has(set, prefix.ptr);
	}
	gsym_buf_dispose(&prefix);
	return hit;
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

int gsym_run_entry(gsym_run_ctx *rc, gsym_entry *e, const gsym_record *rec)
{
	gsym_apply_ctx *actx = rc->apply;

	if (gsym_plan_entry(e, actx->view, rec, rc->plan) < 0 ||
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

static int fatal(const char *msg)
{
	fprintf(stderr, "fatal: %s\n", msg);
	return GSYM_EXIT_FATAL;
}

static void flush(gsym_buf *b, FILE *f)
{
	if (b->size)
		fwrite(b->ptr, 1, b->size, f);
	fflush(f);
}

/* Paths of the checked-out submodules (gitlink entries with a .git). */
static void find_submodules(pathset *out, gsym_repo *repo)
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
			pathset_add(out, item->path);
	}
	gsym_error_clear();
	gsym_buf_dispose(&p);
}

/* Run the same command in each submodule; returns the worst exit code. */
static int recurse(const gsym_run_opts *o, const char *workdir,
	const pathset *subs)
{
	static const char *vars[] = { "GIT_DIR", "GIT_WORK_TREE",
		"GIT_INDEX_FILE", "GIT_COMMON_DIR" };
	gsym_run_opts sub = *o;
	gsym_buf cwd = GSYM_BUF_INIT, dir = GSYM_BUF_INIT;
	size_t i;
	int worst = 0;

	sub.pathspec = NULL;
	sub.npathspec = 0;
	sub.old_commit = sub.new_commit = NULL;
	gsym_platform_realpath(&cwd, ".");
	/* a hook's environment names the superproject, not the submodule */
	for (i = 0; i < GSYM_ARRAY_SIZE(vars); i++)
		gsym_platform_setenv(vars[i], NULL);
	for (i = 0; i < subs->n; i++) {
		int code;

		gsym_buf_sets(&dir, workdir);
		gsym_buf_puts(&dir, subs->v[i]);
		if (gsym_platform_chdir(dir.ptr) < 0) {
			fprintf(stderr, "error: %s\n", gsym_error_last());
			worst = worst > 1 ? worst : 1;
			continue;
		}
		if (o->format == GSYM_REPORT_TEXT && !o->quiet)
			printf("Entering '%s'\n", subs->v[i]);
		code = gsym_run(&sub);
		if (code > worst)
			worst = code;
	}
	if (cwd.size)
		gsym_platform_chdir(cwd.ptr);
	gsym_buf_dispose(&cwd);
	gsym_buf_dispose(&dir);
	return worst;
}

int gsym_run(const gsym_run_opts *o)
{
	gsym_repo repo;
	gsym_entries entries = { NULL, 0 };
	gsym_state_file state;
	gsym_sparse sparse;
	gsym_repo_view rv;
	gsym_view view;
	gsym_plan_opts plan;
	gsym_apply_ctx actx;
	gsym_run_ctx rctx = { NULL, NULL, false };
	gsym_report_opts ropts;
	gsym_buf out = GSYM_BUF_INIT, err = GSYM_BUF_INIT, path = GSYM_BUF_INIT;
	pathset changed = { NULL, 0, 0 }, subs = { NULL, 0, 0 };
	bool quick;
	char *workdir = NULL;
	int recurse_subs = o->recurse_submodules;
	unsigned int jobs = 1;
	bool writes = o->mode != GSYM_MODE_STATUS && !o->dry_run;
	bool index_changed = false;
	char *id = NULL;
	size_t i, bad = 0;
	int error, code = GSYM_EXIT_OK;

	memset(&state, 0, sizeof(state));
	memset(&sparse, 0, sizeof(sparse));
	memset(&rv, 0, sizeof(rv));
	memset(&plan, 0, sizeof(plan));
	git_libgit2_init();

	if ((error = gsym_repo_open(&repo, writes)) < 0) {
		/*
		 * git holds the index (post-index-change inside `git commit`,
		 * which writes index.lock and keeps it): its next hook or
		 * command sees to it
		 */
		if (error == GSYM_ELOCKED && o->hook)
			goto done;
		code = fatal(gsym_error_last());
		goto done;
	}

	plan.mode = o->mode;
	plan.force = o->force;
	plan.allow_outside = o->allow_outside;
	plan.platform = gsym_platform_info_get();
	plan.details = o->mode != GSYM_MODE_RESTORE || o->verbose ||
		o->format != GSYM_REPORT_TEXT || o->dry_run;
	plan.validate_flags =
		plan.platform->has_junctions ? GSYM_VALIDATE_WINDOWS : 0;
	if (read_config(&plan, o, &repo, &recurse_subs, &jobs) < 0 ||
		gsym_state_load(&state, repo.gitdir) < 0 ||
		gsym_scan(&entries, &repo.file, repo.prefix, o->pathspec,
			o->npathspec) < 0) {
		code = fatal(gsym_error_last());
		goto done;
	}

	id = worktree_id(&repo);
	if (gsym_sparse_load(&sparse, &repo, id) < 0) {
		code = fatal(gsym_error_last());
		goto done;
	}

	if (recurse_subs && o->format != GSYM_REPORT_JSON) {
		find_submodules(&subs, &repo);
		workdir = strdup(repo.workdir);
	}

	/*
	 * What an earlier restore learnt about links here; a restore that
	 * will write checks it once (links may work now), so a tree of copies
	 * does not retry a link per entry on every run.
	 */
	plan.links_unsupported = state.links_unsupported;
	if (writes && o->mode == GSYM_MODE_RESTORE && state.links_unsupported &&
		links_work(repo.workdir)) {
		plan.links_unsupported = false;
		state.links_unsupported = false;
		state.dirty = true;
	}

	gsym_view_repo_init(&view, &rv, &repo, &entries);
	/* replacing an edited thing (--force), or showing one to git */
	gsym_buf_printf(&path, "%ssymlinks/backup/", repo.gitdir);
	actx.view = &view;
	actx.state = &state;
	actx.workdir = repo.workdir;
	actx.backup_dir = path.ptr;
	actx.opts = &plan;
	actx.dry_run = !writes;
	rctx.plan = &plan;
	rctx.apply = &actx;

	/*
	 * A branch switch: plan in full only what changed or lost its stamp.
	 * What the switch changed carries git's stamp now, not ours, so the
	 * quick check sends it on; only fallbacks, whose targets may change
	 * under them, need the diff of the two trees.
	 */
	quick = o->old_commit && o->new_commit && !o->npathspec;
	if (quick && state.n &&
		changed_paths(&changed, &repo, o->old_commit, o->new_commit) <
			0)
		quick = false;
	gsym_error_clear();

	/* a hook's quick check spares the lstat: gathering them would not */
	if (!quick && jobs > 1 && entries.n >= LSTAT_AHEAD_MIN)
		lstat_ahead(&entries, &repo, plan.validate_flags, jobs);

	/* finish what a killed run left half done */
	for (i = 0; writes && i < state.ntouched; i++)
		if (gsym_apply_cleanup(&actx, state.touched[i]) < 0) {
			code = fatal(gsym_error_last());
			goto done;
		}

	for (i = 0; i < entries.n; i++) {
		gsym_entry *e = &entries.v[i];
		gsym_record *rec;

		if (!(e->flags & GSYM_ENTRY_SELECTED))
			continue;
		rec = gsym_state_find(&state, e->path);
		if ((e->flags & GSYM_ENTRY_SKIP_WORKTREE) &&
			gsym_sparse_hides(&sparse, e->path))
			e->flags |= GSYM_ENTRY_HIDDEN;
		if (quick && !pathset_has(&changed, e->path) &&
			gsym_plan_quick(e, &view, rec,
				rec && affected(&changed, rec->src)))
			continue;
		if (o->progress && (i % 256 == 0 || i + 1 == entries.n))
			fprintf(stderr, "\rchecking links: %zu/%zu", i + 1,
				entries.n);
		if (gsym_run_entry(&rctx, e, rec) < 0) {
			code = fatal(gsym_error_last());
			goto done;
		}
	}

	if (o->progress && entries.n)
		fprintf(stderr, ", done\n");

	if (writes) {
		if (record_all(&repo, &entries, &state, &actx, &sparse, o,
			    &index_changed) < 0 ||
			gsym_sparse_unhide(&sparse, &repo, &index_changed) <
				0) {
			code = fatal(gsym_error_last());
			goto done;
		}
		if (index_changed && gsym_repo_write_index(&repo) < 0) {
			code = fatal(gsym_error_last());
			goto done;
		}
		gsym_repo_unlock(&repo);
		if (o->mode == GSYM_MODE_RESET && !o->npathspec) {
			state.links_unsupported = false;
			state.dirty = true;
		}
		gsym_buf_printf(&err, "%sinfo/exclude", repo.commondir);
		if (gsym_sparse_sync(&sparse, &repo, id, &state) < 0 ||
			gsym_state_save(&state) < 0 ||
			gsym_exclude_sync(err.ptr, id, &state) < 0) {
			code = fatal(gsym_error_last());
			goto done;
		}
		gsym_buf_clear(&err);
	}

	ropts.format = o->format;
	ropts.mode = o->mode;
	ropts.dry_run = o->dry_run;
	ropts.quiet = o->quiet;
	ropts.verbose = o->verbose;
	bad = gsym_report(&out, &err, &entries, &ropts);
	flush(&out, stdout);
	flush(&err, stderr);
	if (bad)
		code = GSYM_EXIT_LEFT_ALONE;

done:
	pathset_dispose(&changed);
	gsym_view_repo_dispose(&rv);
	gsym_state_dispose(&state);
	gsym_sparse_dispose(&sparse);
	gsym_entries_dispose(&entries);
	gsym_repo_close(&repo);
	gsym_buf_dispose(&out);
	gsym_buf_dispose(&err);
	gsym_buf_dispose(&path);
	free(id);
	git_libgit2_shutdown();

	if (subs.n && code != GSYM_EXIT_FATAL) {
		int sub = recurse(o, workdir, &subs);

		if (sub > code)
			code = sub;
	}
	pathset_dispose(&subs);
	free(workdir);
	return code;
}
