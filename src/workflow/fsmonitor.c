#include "workflow/fsmonitor.h"
#include "git/fsmonitor.h"
#include "git/changes.h"
#include "git/stamp.h"
#include "git/repo.h"
#include "pipeline/state.h"
#include "pipeline/copy.h"
#include "platform/platform.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/util.h"
#include "platform/portable.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXT_INTENT_TO_ADD 0x2000

/* git writes the index (and keeps our token) past this many names */
#define FORCE_WRITE 100

/* Below this many entries threads cost more than they save. */
#define PARALLEL_MIN 512

typedef struct {
	gsym_repo *repo;
	gsym_state_file *state;
	bool trust_ctime; /* core.trustctime */
	bool check_stat; /* core.checkStat is not "minimal" */
	bool filemode; /* core.filemode: the executable bit counts */
	bool daemon; /* symlinks.fsmonitorDaemon */
	gsym_strlist hardlinked; /* targets of our hard links */
	unsigned char *named; /* per entry: name it in the answer */
	unsigned char *verdict; /* per record: 1 still ours, 2 not, 0 unknown */
	/* what the daemon saw change, sorted; nothing else changed */
	gsym_strlist seen;
	bool by_daemon;
	gsym_buf *out;
	size_t count; /* paths named */
} query;

/*
 * What git's match_stat_data compares (read-cache.c), the type and the
 * executable bit. `ctime_moves`: the file is the target of a hard link
 * this tool made, whose ctime each link made to it moves: what changes
 * its content changes more than that.
 */
static bool stat_equal(const query *q, const gsym_istat *is, uint32_t mode,
	const gsym_stat *st, bool ctime_moves)
{
	if (gsym_mode_is(mode, GIT_FILEMODE_BLOB) ?
			st->type != GSYM_FT_FILE :
			st->type != GSYM_FT_FILE && st->type != GSYM_FT_LINK)
		return false;
	if (gsym_mode_is(mode, GIT_FILEMODE_BLOB) && q->filemode &&
		!(mode & 0100) != !(st->mode & 0100))
		return false;
	if (is->mtime_sec != (uint32_t)st->mtime_sec ||
		is->mtime_nsec != st->mtime_nsec ||
		is->size != (uint32_t)st->size)
		return false;
	if (q->trust_ctime && q->check_stat && !ctime_moves &&
		(is->ctime_sec != (uint32_t)st->ctime_sec ||
			is->ctime_nsec != st->ctime_nsec))
		return false;
	return !q->check_stat ||
		(is->ino == (uint32_t)st->ino && is->uid == st->uid &&
			is->gid == st->gid);
}

/*
 * What the daemon saw change below the directory `path`, relative to it,
 * in `rels` (a directory without its '/': its own line tells whether it
 * was replaced, and the daemon names what a new one holds; not the top,
 * whose stat the record proves)
 */
static void seen_below(const query *q, const char *path, gsym_strlist *rels)
{
	size_t first, i, len = strlen(path),
			 count = gsym_strlist_below(&q->seen, path, &first);

	for (i = first; i < first + count; i++) {
		const char *rel = q->seen.v[i] + len + 1;
		size_t n = strlen(rel);

		if (n && rel[n - 1] == '/')
			n--;
		if (n)
			gsym_strlist_add(rels, rel, n);
	}
}

/*
 * A deep copy as made, by its stat list: every file in it, or where the
 * daemon tells what changed since git's token, only those
 */
static bool copy_unedited(const query *q, const char *path,
	const gsym_buf *stats)
{
	gsym_buf top = GSYM_BUF_INIT;
	gsym_strlist rels = GSYM_STRLIST_INIT;
	bool same;

	if (!stats->size)
		return true;
	gsym_buf_sets(&top, q->repo->workdir);
	gsym_buf_puts(&top, path);
	if (q->by_daemon) {
		seen_below(q, path, &rels);
		same = gsym_copy_unedited_at(top.ptr, stats,
			(const char *const *)rels.v, rels.n);
	} else {
		same = gsym_copy_unedited(top.ptr, stats);
	}
	gsym_strlist_dispose(&rels);
	gsym_buf_dispose(&top);
	return same;
}

/*
 * A file copy edited and put back as it was (its target's bytes again):
 * nothing tells it from ours, so it is ours (the next run notes its new
 * stat). Read only when the sizes agree, at most SAME_BYTES_MAX.
 */
#define SAME_BYTES_MAX (16 << 20)

static bool same_bytes(const query *q, const gsym_record *rec,
	const gsym_stat *st)
{
	gsym_buf path = GSYM_BUF_INIT, a = GSYM_BUF_INIT, b = GSYM_BUF_INIT;
	gsym_stat src;
	bool same = false;

	if (!rec->src || st->type != GSYM_FT_FILE || st->size > SAME_BYTES_MAX)
		return false;
	gsym_buf_sets(&path, q->repo->workdir);
	gsym_buf_puts(&path, rec->src);
	if (gsym_platform_lstat(&src, path.ptr) == 0 &&
		src.type == GSYM_FT_FILE && src.size == st->size &&
		gsym_platform_read_file(&b, path.ptr, SAME_BYTES_MAX) == 0) {
		gsym_buf_sets(&path, q->repo->workdir);
		gsym_buf_puts(&path, rec->path);
		same = gsym_platform_read_file(&a, path.ptr, SAME_BYTES_MAX) ==
				0 &&
			a.size == b.size && !memcmp(a.ptr, b.ptr, a.size);
	}
	gsym_error_clear();
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&a);
	gsym_buf_dispose(&b);
	return same;
}

/*
 * A hard link is ours while it is its target's own inode: an edit of
 * either name moves both stats, as an edit through a real link would
 * (the index keeps the stamp it was made with; git asks us, not lstat).
 * Anything else (git wrote the target anew, the name was replaced) is
 * named, for the next run to judge by content.
 */
static bool hardlink_ours(const query *q, const gsym_record *rec,
	const gsym_stat *st)
{
	gsym_buf path = GSYM_BUF_INIT;
	gsym_stat src;
	bool same;

	if (!rec->src || rec->type == GSYM_TYPE_DIR ||
		st->type != GSYM_FT_FILE || !st->ino || st->nlink < 2)
		return false;
	gsym_buf_sets(&path, q->repo->workdir);
	gsym_buf_puts(&path, rec->src);
	same = gsym_platform_lstat(&src, path.ptr) == 0 &&
		src.type == GSYM_FT_FILE && src.ino == st->ino &&
		src.dev == st->dev;
	gsym_error_clear();
	gsym_buf_dispose(&path);
	return same;
}

/*
 * Is what is at `rec->path` (`st`) still the fallback this tool made?
 * (Junctions carry no marks: stamp.c gsym_stamp_by_fsmn.)
 */
static bool still_ours(const query *q, const gsym_record *rec,
	const gsym_stat *st)
{
	gsym_buf target = GSYM_BUF_INIT;
	bool same;

	if (rec->kind == GSYM_KIND_HARDLINK && rec->type != GSYM_TYPE_DIR)
		return hardlink_ours(q, rec, st);
	if ((st->type == GSYM_FT_DIR) != (rec->type == GSYM_TYPE_DIR))
		return false;
	if (!rec->ino || st->ino != rec->ino || st->size != rec->size ||
		st->mtime_sec != rec->mtime_sec ||
		st->mtime_nsec != rec->mtime_nsec)
		return rec->type != GSYM_TYPE_DIR && same_bytes(q, rec, st);
	if (rec->type != GSYM_TYPE_DIR)
		return true;
	/*
	 * A deep copy: an edit inside shows in its stat list, when the list
	 * is this record's (a run making a new copy writes the list first)
	 */
	same = gsym_state_manifest_get(&target, q->state->dir, rec->path) < 0 ||
		!gsym_copy_stats_of(&target, st) ||
		copy_unedited(q, rec->path, &target);
	gsym_error_clear();
	gsym_buf_dispose(&target);
	return same;
}

static void look(void *payload, size_t i)
{
	query *q = payload;
	const gsym_index_item *item = &q->repo->file.v[i];
	uint32_t mode = gsym_index_item_mode(item);
	gsym_buf path = GSYM_BUF_INIT;
	const gsym_record *rec;
	gsym_istat is;
	gsym_stat st;
	bool moves;

	if (gsym_mode_is(mode, GIT_FILEMODE_COMMIT) ||
		(item->ext_flags & GSYM_INDEX_SKIP_WORKTREE))
		return; /* git looks at neither through the fsmonitor */
	if (gsym_index_item_stage(item) != 0 ||
		(item->ext_flags & EXT_INTENT_TO_ADD)) {
		q->named[i] = 1;
		return;
	}
	gsym_index_item_istat(&is, item);
	gsym_buf_sets(&path, q->repo->workdir);
	gsym_buf_puts(&path, item->path);
	rec = gsym_mode_is(mode, GIT_FILEMODE_LINK) ?
		gsym_state_find(q->state, item->path) :
		NULL;
	if (gsym_platform_lstat(&st, path.ptr) < 0) {
		gsym_error_clear();
		q->named[i] = 1;
	} else if (rec && gsym_stamp_by_fsmn(rec->kind)) {
		/*
		 * Our fallback for this very version of the link, unedited:
		 * what git would find is ours to answer for (a hard link
		 * changes with its target, as a link's target would)
		 */
		q->named[i] = memcmp(rec->blob, gsym_index_item_id(item),
				      GSYM_OID_RAWSZ) != 0 ||
			!still_ours(q, rec, &st);
	} else if (stat_equal(q, &is, mode, &st,
			   (moves = st.nlink > 1 &&
					   gsym_strlist_has(&q->hardlinked,
						   item->path)))) {
		/*
		 * racily clean: git compares the content (not a hard link's
		 * target: `git stash create` compares without refreshing, and
		 * our links moved its ctime, so git would call it changed)
		 */
		q->named[i] =
			!moves && (int64_t)is.mtime_sec >= q->repo->index_mtime;
	} else {
		q->named[i] = 1;
	}
	gsym_buf_dispose(&path);
}

static bool config_bool(git_config *cfg, const char *name, bool dflt)
{
	int v;

	if (git_config_get_bool(&v, cfg, name) < 0) {
		git_error_clear();
		return dflt;
	}
	return v != 0;
}

static void read_settings(query *q)
{
	git_config *cfg = NULL;
	git_buf minimal = { NULL, 0, 0 };

	q->trust_ctime = true;
	q->check_stat = true;
	if (git_repository_config_snapshot(&cfg, q->repo->repo) < 0) {
		git_error_clear();
		return;
	}
	q->trust_ctime = config_bool(cfg, "core.trustctime", true);
	q->filemode = config_bool(cfg, "core.filemode", true);
	q->daemon = config_bool(cfg, "symlinks.fsmonitordaemon", true);
	if (git_config_get_string_buf(&minimal, cfg, "core.checkstat") == 0)
		q->check_stat = strcmp(minimal.ptr, "minimal") != 0;
	git_error_clear();
	git_buf_dispose(&minimal);
	git_config_free(cfg);
}

/* Is the fallback `rec` still ours, as it is on disk now? (Once each.) */
static bool verdict(query *q, const gsym_record *rec)
{
	size_t i = (size_t)(rec - q->state->v);
	gsym_buf path = GSYM_BUF_INIT;
	gsym_stat st;

	if (!q->verdict[i]) {
		gsym_buf_sets(&path, q->repo->workdir);
		gsym_buf_puts(&path, rec->path);
		q->verdict[i] = gsym_platform_lstat(&st, path.ptr) == 0 &&
				still_ours(q, rec, &st) ?
			1 :
			2;
		gsym_error_clear();
		gsym_buf_dispose(&path);
	}
	return q->verdict[i] == 1;
}

/* The record of the fallback `path` is, or is inside of; NULL if none. */
static const gsym_record *covering(query *q, gsym_buf *path)
{
	const gsym_record *rec = gsym_state_find(q->state, path->ptr);
	size_t len = path->size, k;

	for (k = len; !rec && k > 0; k--)
		if (path->ptr[k - 1] == '/') {
			path->ptr[k - 1] = '\0';
			rec = gsym_state_find(q->state, path->ptr);
			path->ptr[k - 1] = '/';
			if (rec && rec->type != GSYM_TYPE_DIR)
				rec = NULL;
		}
	return rec;
}

static void put_path(query *q, const char *path)
{
	gsym_buf_puts(q->out, path);
	gsym_buf_putc(q->out, '\0');
	q->count++;
}

/*
 * Name what the daemon saw change (`p`, a directory's ending in '/'),
 * as git would take it: our fallbacks only when no longer ours, and a
 * directory as the entries below it (git would take the directory as
 * all of them, our fallbacks too).
 */
static void name_changed(query *q, const char *p)
{
	const gsym_index_file *f = &q->repo->file;
	gsym_buf base = GSYM_BUF_INIT;
	const gsym_record *rec;
	size_t i;

	gsym_buf_sets(&base, p);
	if (base.size && base.ptr[base.size - 1] == '/')
		gsym_buf_truncate(&base, base.size - 1);
	rec = covering(q, &base);
	if (rec && gsym_stamp_by_fsmn(rec->kind)) {
		if (!verdict(q, rec))
			put_path(q, rec->path);
		/* an edit through a hard link is its target's too */
		if (rec->kind == GSYM_KIND_HARDLINK && rec->src &&
			!strcmp(rec->path, base.ptr))
			put_path(q, rec->src);
	} else if (gsym_index_file_find(f, base.ptr) >= 0) {
		put_path(q, base.ptr);
	} else {
		gsym_buf_putc(&base, '/');
		for (i = gsym_index_file_lower(f, base.ptr);
			i < f->n && !strncmp(f->v[i].path, base.ptr, base.size);
			i++) {
			rec = gsym_state_find(q->state, f->v[i].path);
			if (!rec || !gsym_stamp_by_fsmn(rec->kind) ||
				!verdict(q, rec))
				put_path(q, f->v[i].path);
		}
		gsym_buf_truncate(&base, base.size - 1);
		put_path(q, base.ptr); /* for git's untracked cache */
	}
	gsym_buf_dispose(&base);
}

/* The daemon's answer: what changed since git's token, and what git
 * cannot trust whatever changed (unmerged, intent-to-add, a killed
 * run's). */
static void answer_from_daemon(query *q, const gsym_buf *changed)
{
	const char *p = changed->ptr, *end = changed->ptr + changed->size;
	size_t i;

	for (i = 0; i < q->repo->file.n; i++) {
		const gsym_index_item *item = &q->repo->file.v[i];

		if (gsym_index_item_stage(item) != 0 ||
			(item->ext_flags & EXT_INTENT_TO_ADD))
			put_path(q, item->path);
	}
	for (i = 0; i < q->state->touched.n; i++)
		put_path(q, q->state->touched.v[i]);
	for (; p && p < end; p += strlen(p) + 1)
		if (*p)
			gsym_strlist_adds(&q->seen, p);
	gsym_strlist_sort(&q->seen);
	q->by_daemon = true;
	for (p = changed->ptr; p && p < end; p += strlen(p) + 1)
		if (*p)
			name_changed(q, p);
}

/* No daemon to ask: the same lstat() of every entry git would make. */
static void answer_by_looking(query *q)
{
	const gsym_index_file *f = &q->repo->file;
	size_t i, n = f->n;

	gsym_parallel(n, n < PARALLEL_MIN ? 1 : gsym_platform_cpus() * 2, look,
		q);
	if (!f->data && !q->repo->file_missing)
		put_path(q, "/"); /* an index this reader does not take */
	for (i = 0; i < n; i++)
		if (q->named[i] &&
			(i == 0 || !q->named[i - 1] ||
				strcmp(f->v[i - 1].path, f->v[i].path)))
			put_path(q, f->v[i].path);
}

/*
 * Name entries git will find unchanged (not ours) until more than
 * FORCE_WRITE are named: git's fsmonitor.c writes the index then.
 */
static size_t count_paths(const gsym_buf *list)
{
	size_t i, n = 0;

	for (i = 0; i < list->size; i++)
		n += list->ptr[i] == '\0';
	return n;
}

static void force_write(query *q)
{
	const gsym_index_file *f = &q->repo->file;
	size_t i;

	for (i = 0; i < f->n && q->count <= FORCE_WRITE; i++) {
		const gsym_index_item *item = &f->v[i];

		if (!q->named[i] &&
			gsym_mode_is(gsym_index_item_mode(item),
				GIT_FILEMODE_BLOB) &&
			!(item->ext_flags & GSYM_INDEX_SKIP_WORKTREE) &&
			gsym_index_item_stage(item) == 0)
			put_path(q, item->path);
	}
}

/*
 * What the answer needs of the index and the state, read: a mark per
 * entry named, a verdict per record (none for a killed run's paths,
 * which are not provably anything), the targets of our hard links.
 */
static void read_ours(query *q)
{
	gsym_state_file *state = q->state;
	size_t i, n = q->repo->file.n;

	q->named = gsym_calloc(n ? n : 1, 1);
	/* a killed run's paths are not provably anything */
	for (i = 0; i < state->touched.n; i++)
		gsym_state_remove(state, state->touched.v[i]);
	q->verdict = gsym_calloc(state->n ? state->n : 1, 1);
	for (i = 0; i < state->n; i++)
		if (state->v[i].kind == GSYM_KIND_HARDLINK && state->v[i].src)
			gsym_strlist_adds(&q->hardlinked, state->v[i].src);
	gsym_strlist_sort(&q->hardlinked);
}

/* The daemon asked through its channel (the hook). */
static int ask_channel(gsym_buf *next, gsym_buf *changed, const char *workdir,
	const char *token, void *payload)
{
	(void)payload;
	return gsym_fsmonitor_ask(next, changed, workdir, token);
}

int gsym_fsmonitor_answer(const char *version, const char *token, FILE *out)
{
	gsym_buf answer = GSYM_BUF_INIT;
	int error;

	if (strcmp(version, "2"))
		return 1; /* git asks again in version 1, then looks itself */
	git_libgit2_init();
	error = gsym_fsmonitor_respond(&answer, token, ask_channel, NULL);
	git_libgit2_shutdown();
	if (error < 0) {
		gsym_buf_dispose(&answer);
		return error;
	}
	error = fwrite(answer.ptr, 1, answer.size, out) != answer.size ||
			fflush(out) != 0 ?
		gsym_error_set("fsmonitor: could not write the answer") :
		0;
	gsym_buf_dispose(&answer);
	return error;
}

/* After `ask`: the answer from the index and the state. */
static int respond_read(query *q, gsym_repo *repo, int asked,
	const gsym_buf *next, const gsym_buf *changed)
{
	gsym_state_file state;
	int error;

	if ((error = gsym_repo_read(repo)) < 0 ||
		(error = gsym_state_load(&state, repo->gitdir)) < 0)
		return error;
	q->state = &state;
	read_ours(q);
	if (asked >= 0)
		gsym_buf_puts(q->out, next->ptr);
	else
		gsym_buf_printf(q->out, "gsym:%lld", (long long)time(NULL));
	gsym_buf_putc(q->out, '\0');
	if (asked == 1)
		answer_from_daemon(q, changed);
	else
		answer_by_looking(q);
	/*
	 * git keeps the token it gave until it writes the index, which a
	 * status does once more than FORCE_WRITE paths were named: after
	 * a look at everything, or at many changes, name enough to have
	 * the new token kept, so the next answer is short again
	 */
	if (asked == 0 || (asked == 1 && count_paths(changed) > FORCE_WRITE))
		force_write(q);
	free(q->named);
	free(q->verdict);
	gsym_strlist_dispose(&q->hardlinked);
	gsym_strlist_dispose(&q->seen);
	gsym_state_dispose(&state);
	return 0;
}

int gsym_fsmonitor_respond(gsym_buf *out, const char *token,
	gsym_fsmonitor_asker ask, void *payload)
{
	gsym_buf next = GSYM_BUF_INIT, changed = GSYM_BUF_INIT;
	gsym_repo repo;
	query q;
	gsym_stat st;
	int error, asked = GSYM_EUNSUPPORTED;

	gsym_buf_clear(out);
	if ((error = gsym_repo_open_paths(&repo)) < 0)
		return error;
	memset(&q, 0, sizeof(q));
	q.repo = &repo;
	q.out = out;
	read_settings(&q);
	/*
	 * the daemon first: when it saw nothing, the answer is its token
	 * alone, without reading the index or the state
	 */
	if (q.daemon && gsym_platform_lstat(&st, repo.index_path) == 0)
		asked = ask(&next, &changed, repo.workdir, token ? token : "",
			payload);
	gsym_error_clear();
	if (asked == 1 && !changed.size) {
		gsym_buf_puts(out, next.ptr);
		gsym_buf_putc(out, '\0');
	} else {
		error = respond_read(&q, &repo, asked, &next, &changed);
	}
	gsym_buf_dispose(&next);
	gsym_buf_dispose(&changed);
	gsym_repo_close(&repo);
	return error;
}
