#include "pipeline/copy.h"
#include "util/strlist.h"
#include "util/alloc.h"
#include "pipeline/resolve.h"
#include "pipeline/validate.h"
#include "platform/platform.h"
#include "util/error.h"
#include "util/util.h"

#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of a stat list: the path, its source, their lstat then. */
typedef struct {
	const char *rel, *src;
	uint64_t size, ino, src_size, src_ino;
	long long mtime_sec, src_mtime_sec;
	unsigned long mtime_nsec, src_mtime_nsec;
	/* when the two were last found alike by their bytes (0: never) */
	long long checked;
} listed;

/*
 * The copy made before at the same place, whose files still as made and
 * made from sources still as they were are taken over (hard links): its
 * absolute path, and its stat list's lines sorted by path.
 */
typedef struct {
	const char *top;
	gsym_buf stats;
	listed *v;
	size_t n;
	bool off; /* hard links fail here: copy every file */
	bool in_place; /* the copy is updated where it is (top is dst) */
	/* in place: its files were just proven as listed (by the planner) */
	bool proven;
	unsigned char *seen; /* per line, in place: still in the copy */
} earlier;

typedef struct {
	const gsym_view *view;
	gsym_buf manifest;
	earlier *old; /* NULL: every file copied */
	gsym_buf *stats; /* the lstat of what is made, when asked */
	gsym_progress *progress; /* files copied, when shown */
	/* only counting, up to this (gsym_copy_count) */
	const gsym_copy_limit *limit;
	bool over; /* counting passed the limit */
	/* the sources' lstat: filled by counting, read by the update */
	gsym_copy_memo *memo;
	size_t written; /* in place: files and directories made or removed */
	size_t files;
	uint64_t bytes;
	const char *stack[GSYM_COPY_MAX_DEPTH + 1]; /* dirs being copied */
	unsigned int depth;
} walk_ctx;

/* Each name of a directory, into the list `payload`. */
static int collect(const char *name, void *payload)
{
	gsym_strlist_adds(payload, name);
	return 0;
}

/* Is `dir` one of the directories being copied, or above one? */
static bool loops(const walk_ctx *w, const char *dir)
{
	size_t len = strlen(dir);
	unsigned int i;

	for (i = 0; i < w->depth; i++) {
		const char *s = w->stack[i];

		if (len == 0 || !strcmp(s, dir) ||
			(!strncmp(s, dir, len) && s[len] == '/'))
			return true;
	}
	return false;
}

struct gsym_copy_memo_item {
	char *path;
	gsym_stat st;
};

static int cmp_memo(const void *a, const void *b)
{
	return strcmp(((const struct gsym_copy_memo_item *)a)->path,
		((const struct gsym_copy_memo_item *)b)->path);
}

void gsym_copy_memo_dispose(gsym_copy_memo *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/*
 * lstat() of the source `path` through the view: while counting, noted
 * in the memo; while updating, taken from it (the update walks what the
 * count walked, so each source is lstat()ed once).
 */
static int src_lstat(walk_ctx *w, gsym_stat *out, const char *path)
{
	gsym_copy_memo *m = w->memo;
	struct gsym_copy_memo_item key, *hit;
	int error;

	if (m && m->sorted) {
		key.path = (char *)path;
		hit = bsearch(&key, m->v, m->n, sizeof(*m->v), cmp_memo);
		if (hit) {
			*out = hit->st;
			return 0;
		}
	}
	if ((error = w->view->lstat(out, w->view, path)) < 0 || !m || m->sorted)
		return error;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->v = gsym_reallocarray(m->v, m->cap, sizeof(*m->v));
	}
	m->v[m->n].path = gsym_strdup(path);
	m->v[m->n++].st = *out;
	return 0;
}

static int walk(walk_ctx *w, const char *src, const char *rel, const char *dst);
static bool next_listed(listed *out, const char **p, const char *end);
static bool same_stat(const listed *l, const gsym_stat *st);
static bool same_src_stat(const listed *l, const gsym_stat *st);

static int cmp_listed(const void *a, const void *b)
{
	return strcmp(((const listed *)a)->rel, ((const listed *)b)->rel);
}

/* Read the stat list `stats` of the copy at `top` (absolute). */
static void earlier_init(earlier *e, const char *top, const gsym_buf *stats)
{
	const char *p, *end;
	listed l;

	memset(e, 0, sizeof(*e));
	e->top = top;
	gsym_buf_put(&e->stats, stats->ptr, stats->size);
	p = e->stats.ptr;
	end = p + e->stats.size;
	while (p && p < end && next_listed(&l, &p, end)) {
		e->v = gsym_reallocarray(e->v, e->n + 1, sizeof(*e->v));
		e->v[e->n++] = l;
	}
	if (e->n > 1)
		qsort(e->v, e->n, sizeof(*e->v), cmp_listed);
}

static void earlier_dispose(earlier *e)
{
	free(e->seen);
	free(e->v);
	gsym_buf_dispose(&e->stats);
}

/* The line of `rel` in the earlier copy's list; NULL if none. */
static listed *earlier_find(earlier *old, const char *rel)
{
	listed key;

	key.rel = rel;
	return old ?
		bsearch(&key, old->v, old->n, sizeof(*old->v), cmp_listed) :
		NULL;
}

/* The line is still in the copy: not one to remove after the walk. */
static void earlier_seen(earlier *old, const listed *l)
{
	if (old && old->in_place && l)
		old->seen[l - old->v] = 1;
}

/*
 * In place: what the earlier copy held below `rel` ("" the top) that the
 * walk did not meet, removed (a file only while as made; a directory
 * only once empty), children first: before `rel`'s own stat is noted.
 */
static size_t remove_unseen(earlier *old, const char *rel)
{
	gsym_buf prefix = GSYM_BUF_INIT, abs = GSYM_BUF_INIT;
	size_t lo = 0, hi, i, removed = 0;

	if (!old || !old->in_place)
		return 0;
	if (*rel) {
		gsym_buf_sets(&prefix, rel);
		gsym_buf_putc(&prefix, '/');
	}
	for (hi = old->n; lo < hi;) { /* the first line at or after prefix */
		size_t mid = (lo + hi) / 2;

		if (strcmp(old->v[mid].rel, gsym_buf_cstr(&prefix)) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < old->n &&
		!strncmp(old->v[hi].rel, gsym_buf_cstr(&prefix), prefix.size);
		hi++)
		;
	for (i = hi; i > lo; i--) {
		listed *l = &old->v[i - 1];
		gsym_stat st;

		if (old->seen[i - 1] || !*l->rel)
			continue;
		old->seen[i - 1] = 1;
		gsym_buf_clear(&abs);
		gsym_path_join(&abs, old->top, l->rel);
		if (gsym_platform_lstat(&st, abs.ptr) < 0)
			continue;
		if ((st.type == GSYM_FT_DIR ||
			    (st.type == GSYM_FT_FILE && same_stat(l, &st))) &&
			gsym_platform_remove(abs.ptr) == 0) /* a dir if empty */
			removed++;
	}
	gsym_error_clear();
	gsym_buf_dispose(&prefix);
	gsym_buf_dispose(&abs);
	return removed;
}

/*
 * In place: the directory `dst` (`rel`) is there, or is made; anything
 * else there fails the update (the caller makes the copy anew).
 */
static int dir_in_place(walk_ctx *w, const char *rel, const char *dst)
{
	gsym_stat st;
	int error = gsym_platform_lstat(&st, dst);

	earlier_seen(w->old, earlier_find(w->old, rel));
	if (error == 0 && st.type == GSYM_FT_DIR)
		return 0;
	if (error == GSYM_ENOTFOUND) {
		gsym_error_clear();
		w->written++;
		return gsym_platform_mkdir(dst);
	}
	return error < 0 ?
		error :
		gsym_error_set("'%s' is no directory in the copy", rel);
}

/*
 * In place: the file `dst` copied anew from `abs_src`. Written over where
 * it is, as git writes its own files (no inode freed and made: several
 * times quicker on ext4); else copied to a new name and renamed in. The
 * update is journaled: a run killed half way has the copy made again.
 */
static int file_in_place(const char *abs_src, const char *dst,
	unsigned char *id)
{
	gsym_buf tmp = GSYM_BUF_INIT;
	int error;

	gsym_tmp_name(&tmp, dst, "new");
	gsym_copy_discard(tmp.ptr); /* a killed update's */
	error = gsym_platform_copy_over(abs_src, dst, id);
	if (error == GSYM_ENOTFOUND) {
		gsym_error_clear();
		error = gsym_platform_copy_file(abs_src, dst, id);
	}
	if (error != GSYM_EUNSUPPORTED) {
		gsym_buf_dispose(&tmp);
		return error;
	}
	gsym_error_clear();
	if ((error = gsym_platform_copy_file(abs_src, tmp.ptr, id)) < 0 ||
		(error = gsym_platform_rename(tmp.ptr, dst)) < 0)
		gsym_copy_discard(tmp.ptr);
	gsym_buf_dispose(&tmp);
	return error;
}

/* The stat a line of a stat list gives the file made. */
static void listed_stat(gsym_stat *out, const listed *l)
{
	memset(out, 0, sizeof(*out));
	out->type = GSYM_FT_FILE;
	out->size = l->size;
	out->ino = l->ino;
	out->mtime_sec = l->mtime_sec;
	out->mtime_nsec = (uint32_t)l->mtime_nsec;
}

/* Does the file `abs` hold the blob `id`? */
static bool holds(const char *abs, const unsigned char *id)
{
	gsym_buf content = GSYM_BUF_INIT;
	git_oid oid;
	bool same = gsym_platform_read_file(&content, abs,
			    (size_t)GSYM_COPY_MAX_BYTES) == 0 &&
		git_odb_hash(&oid, gsym_buf_cstr(&content), content.size,
			GIT_OBJECT_BLOB) == 0 &&
		!memcmp(oid.id, id, GSYM_OID_RAWSZ);

	gsym_error_clear();
	gsym_buf_dispose(&content);
	return same;
}

/*
 * Take the file `rel` over from the earlier copy into `dst`: when it is
 * still as made, from the same source (`src`, whose stat is `sst`) still
 * as it was. 0 with its blob id in `id` (in place, its lstat in `kept` and
 * when it was last found alike its source by its bytes in `checked`); 1
 * when not taken.
 */
static int take_over(walk_ctx *w, const char *src, const char *rel,
	const char *dst, const gsym_stat *sst, unsigned char *id,
	gsym_stat *kept, int64_t *checked)
{
	earlier *old = w->old;
	listed *l;
	gsym_buf from = GSYM_BUF_INIT;
	gsym_stat ost;
	int64_t now = 0;
	bool racy;
	int error = 1;

	if (!old || old->off)
		return 1;
	l = earlier_find(old, rel);
	earlier_seen(old, l); /* in place: replaced, or kept */
	if (!l || strcmp(l->src, src) || !same_src_stat(l, sst))
		return 1;
	/*
	 * the source's stat proves it unchanged only when it was older than
	 * the copy by the coarsest clock a disk here keeps (exFAT's 2 s):
	 * else an edit in the same tick keeps size, time and inode, and in
	 * place the bytes are compared (a copy is hard-linked only so)
	 */
	racy = l->src_mtime_sec >=
		(l->checked > l->mtime_sec ? l->checked : l->mtime_sec) -
			GSYM_RACY_SECONDS;
	if (racy && !old->in_place)
		return 1;
	gsym_path_join(&from, old->top, rel);
	if (old->in_place && old->proven) {
		/* as listed: just proven so (the planner's lstat, or the
		   fsmonitor daemon's word) */
		listed_stat(&ost, l);
	} else if (gsym_platform_lstat(&ost, from.ptr) < 0 ||
		ost.type != GSYM_FT_FILE || !same_stat(l, &ost)) {
		gsym_error_clear();
		goto done;
	}
	if (!old->in_place && gsym_platform_hardlink(from.ptr, dst) < 0) {
		old->off = true; /* no hard links here: copy */
		gsym_error_clear();
		goto done;
	}
	/* the index's id when it vouches for the source, else its bytes' */
	error = w->view->known_id && w->view->known_id(id, w->view, src, sst) ?
		0 :
		w->view->hash(id, w->view, src, GSYM_TYPE_FILE);
	/*
	 * compared by its bytes once: the time before the read is noted, so
	 * that, the source being older than that by the clock's tick, the
	 * next run takes the pair by stat (git's racy-clean rule)
	 */
	if (!error && racy) {
		now = gsym_platform_now();
		if (!holds(from.ptr, id))
			error = 1; /* copied anew */
	}
	if (!error && old->in_place) {
		*kept = ost;
		*checked = racy ? now : l->checked;
	}
done:
	gsym_buf_dispose(&from);
	return error;
}

/* Note the lstat of `dst` (made as `rel` from `src`, `sst`) in w->stats. */
static int stat_made(walk_ctx *w, const char *dst, const char *rel,
	const char *src, const gsym_stat *sst)
{
	gsym_stat st;
	int error = gsym_platform_lstat(&st, dst);

	if (error < 0)
		return error;
	gsym_copy_stats_line(w->stats, rel, src, &st, sst, 0);
	return 0;
}

void gsym_copy_stats_line(gsym_buf *out, const char *rel, const char *src,
	const gsym_stat *made, const gsym_stat *from, int64_t checked)
{
	gsym_buf_puts(out, rel);
	gsym_buf_putc(out, '\0');
	gsym_buf_puts(out, src);
	gsym_buf_putc(out, '\0');
	gsym_buf_printf(out, "%llu %lld %u %llu %llu %lld %u %llu\n",
		(unsigned long long)made->size, (long long)made->mtime_sec,
		made->mtime_nsec, (unsigned long long)made->ino,
		(unsigned long long)from->size, (long long)from->mtime_sec,
		from->mtime_nsec, (unsigned long long)from->ino);
	if (checked > made->mtime_sec) { /* (else it tells nothing) */
		gsym_buf_truncate(out, out->size - 1);
		gsym_buf_printf(out, " %lld\n", (long long)checked);
	}
}

/* Counting: stop (GSYM_ELIMIT, w->over) once past the limit. */
static int past_limit(walk_ctx *w)
{
	const gsym_copy_limit *l = w->limit;

	if (l->files && w->files > l->files) {
		w->over = true;
		return gsym_error_setc(GSYM_ELIMIT, "more than %llu files",
			(unsigned long long)l->files);
	}
	if (l->bytes && w->bytes > l->bytes) {
		static const char *units[] = { "GiB", "MiB", "KiB" };
		unsigned int i;

		w->over = true;
		for (i = 0; i < GSYM_ARRAY_SIZE(units); i++)
			if (l->bytes % ((uint64_t)1 << (30 - 10 * i)) == 0)
				return gsym_error_setc(GSYM_ELIMIT,
					"more than %llu %s",
					(unsigned long long)(l->bytes >>
						(30 - 10 * i)),
					units[i]);
		return gsym_error_setc(GSYM_ELIMIT, "more than %llu bytes",
			(unsigned long long)l->bytes);
	}
	if (w->files > GSYM_COPY_MAX_FILES || w->bytes > GSYM_COPY_MAX_TOTAL) {
		w->over = true;
		return gsym_error_setc(GSYM_ELIMIT,
			"more than a deep copy may ever hold (%d files, 64 "
			"GiB)",
			GSYM_COPY_MAX_FILES);
	}
	return 0;
}

/* The file `src`; `known` its lstat when the caller took it (or NULL). */
static int file(walk_ctx *w, const char *src, const char *rel, const char *dst,
	const gsym_stat *known)
{
	unsigned char id[GSYM_OID_RAWSZ];
	gsym_buf abs = GSYM_BUF_INIT;
	gsym_stat st, made;
	int64_t checked = 0;
	int error;

	if (known)
		st = *known;
	else if ((error = src_lstat(w, &st, src)) < 0)
		return error;
	w->files++;
	w->bytes += st.size;
	if (w->limit)
		return past_limit(w);
	if (w->files > GSYM_COPY_MAX_FILES)
		return gsym_error_setc(GSYM_ELIMIT,
			"deep copy of '%s' has more than %d files", src,
			GSYM_COPY_MAX_FILES);
	if (w->bytes > GSYM_COPY_MAX_TOTAL)
		return gsym_error_setc(GSYM_ELIMIT,
			"deep copy of '%s' is larger than 64 GiB", src);
	made.type = GSYM_FT_NONE;
	if (dst &&
		(error = take_over(w, src, rel, dst, &st, id, &made,
			 &checked)) <= 0) {
		/* taken over from the earlier copy (or failed) */
	} else if (dst) {
		/* hashed as it is copied: what the copy holds */
		gsym_path_join(&abs, w->view->workdir, src);
		error = w->old && w->old->in_place ?
			file_in_place(abs.ptr, dst, id) :
			gsym_platform_copy_file(abs.ptr, dst, id);
		w->written++;
		gsym_buf_dispose(&abs);
	} else if (!w->view->known_id ||
		!w->view->known_id(id, w->view, src, &st)) {
		/* hashed by its bytes where the index does not vouch for it */
		error = w->view->hash(id, w->view, src, GSYM_TYPE_FILE);
	}
	if (!error && dst && w->stats && made.type == GSYM_FT_FILE)
		/* kept where it is: its lstat was just taken */
		gsym_copy_stats_line(w->stats, rel, src, &made, &st, checked);
	else if (!error && dst && w->stats)
		error = stat_made(w, dst, rel, src, &st);
	if (error < 0)
		return error;
	if (dst)
		gsym_progress_copied(w->progress, 1, st.size);
	gsym_buf_printf(&w->manifest, "%c ", (st.mode & 0100) ? 'X' : 'F');
	gsym_buf_puts(&w->manifest, rel);
	gsym_buf_putc(&w->manifest, '\0');
	gsym_hex(&w->manifest, id, sizeof(id));
	gsym_buf_putc(&w->manifest, '\n');
	return 0;
}

static int child(walk_ctx *w, const char *src, const char *rel, const char *dst)
{
	gsym_resolution res = { GSYM_TYPE_UNKNOWN, 0, 0, GSYM_BUF_INIT };
	gsym_node node;
	gsym_stat st;
	int error;

	if ((error = w->view->lookup(&node, w->view, src)) < 0)
		return error;
	if (node.type == GSYM_NODE_LINK) {
		if (!node.target)
			goto skip;
		if ((error = gsym_resolve(&res, w->view, src, node.target,
			     node.target_len)) < 0)
			goto done;
		if (res.flags &
			(GSYM_RESOLVE_OUTSIDE | GSYM_RESOLVE_IN_GIT |
				GSYM_RESOLVE_LOOP))
			goto skip;
		if (res.type == GSYM_TYPE_FILE)
			error = file(w, res.path.ptr, rel, dst, NULL);
		else if (res.type == GSYM_TYPE_DIR &&
			!loops(w, gsym_buf_cstr(&res.path)))
			error = walk(w, gsym_buf_cstr(&res.path), rel, dst);
		else
			goto skip;
		goto done;
	}
	error = src_lstat(w, &st, src);
	if (error == GSYM_ENOTFOUND)
		goto skip;
	if (error < 0)
		goto done;
	if (st.type == GSYM_FT_FILE)
		error = file(w, src, rel, dst, &st);
	else if (st.type == GSYM_FT_DIR)
		error = walk(w, src, rel, dst);
	else
		goto skip;
	goto done;

skip:
	/*
	 * Left out of the copy, and so out of its hash: the copy of a
	 * directory holding a dangling or outside link must hash the same
	 * as the directory it was made from, or it would look edited.
	 */
	error = 0;
done:
	gsym_resolution_dispose(&res);
	return error;
}

static int walk(walk_ctx *w, const char *src, const char *rel, const char *dst)
{
	gsym_strlist ns = GSYM_STRLIST_INIT;
	gsym_buf csrc = GSYM_BUF_INIT, crel = GSYM_BUF_INIT,
		 cdst = GSYM_BUF_INIT;
	size_t i;
	int error;

	if (w->depth >= GSYM_COPY_MAX_DEPTH)
		return gsym_error_setc(GSYM_ELIMIT,
			"deep copy of '%s' is more than %d levels deep", src,
			GSYM_COPY_MAX_DEPTH);
	if (dst &&
		(error = w->old && w->old->in_place ?
				dir_in_place(w, rel, dst) :
				gsym_platform_mkdir(dst)) < 0)
		return error;
	gsym_buf_puts(&w->manifest, "D ");
	gsym_buf_puts(&w->manifest, rel);
	gsym_buf_putc(&w->manifest, '\n');

	if ((error = w->view->readdir(w->view, src, collect, &ns)) < 0)
		goto done;
	gsym_strlist_sort(&ns);
	w->stack[w->depth++] = src;
	for (i = 0; i < ns.n && !error; i++) {
		if (gsym_is_dotgit(ns.v[i], strlen(ns.v[i])) ||
			/*
			 * a link being made beside the directory being
			 * copied, on another thread, is not part of it
			 */
			gsym_is_tmp_name(ns.v[i]))
			continue;
		gsym_buf_clear(&csrc);
		gsym_path_join(&csrc, src, ns.v[i]);
		gsym_buf_clear(&crel);
		gsym_path_join(&crel, rel, ns.v[i]);
		if (dst) {
			gsym_buf_clear(&cdst);
			gsym_path_join(&cdst, dst, ns.v[i]);
		}
		error = child(w, csrc.ptr, crel.ptr, dst ? cdst.ptr : NULL);
	}
	w->depth--;
	if (!error)
		w->written += remove_unseen(w->old, rel);
	/* after its children: what they did to it is part of its stat */
	if (!error && dst && w->stats && *rel) {
		gsym_stat sst;

		if (!(error = w->view->lstat(&sst, w->view, src)))
			error = stat_made(w, dst, rel, src, &sst);
	}
done:
	gsym_strlist_dispose(&ns);
	gsym_buf_dispose(&csrc);
	gsym_buf_dispose(&crel);
	gsym_buf_dispose(&cdst);
	return error;
}

int gsym_copy_dir(unsigned char *hash, const gsym_view *view, const char *src,
	const char *dst, gsym_buf *stats, gsym_progress *progress)
{
	return gsym_copy_dir_over(hash, view, src, dst, stats, progress, NULL,
		NULL);
}

/* Walk `src` into `dst` as `w` says, and hash what the walk met. */
static int walk_and_hash(unsigned char *hash, walk_ctx *w, const char *src,
	const char *dst)
{
	git_oid oid;
	int error = walk(w, src, "", dst);

	if (!error &&
		git_odb_hash(&oid, w->manifest.ptr, w->manifest.size,
			GIT_OBJECT_BLOB) < 0)
		error = gsym_error_set("could not hash the copy of '%s'", src);
	if (!error)
		memcpy(hash, oid.id, GSYM_OID_RAWSZ);
	gsym_buf_dispose(&w->manifest);
	return error;
}

int gsym_copy_dir_sync(unsigned char *hash, const gsym_view *view,
	const char *src, const char *top, gsym_buf *stats,
	gsym_progress *progress, const gsym_buf *old_stats, bool proven,
	gsym_copy_memo *memo, size_t *written)
{
	walk_ctx w;
	earlier old;
	int error;

	memset(&w, 0, sizeof(w));
	w.view = view;
	w.stats = stats;
	w.progress = progress;
	w.memo = memo && memo->sorted ? memo : NULL;
	earlier_init(&old, top, old_stats);
	old.in_place = true;
	old.proven = proven;
	old.seen = gsym_calloc(old.n ? old.n : 1, 1);
	w.old = &old;
	error = walk_and_hash(hash, &w, src, top);
	earlier_dispose(&old);
	*written = w.written;
	return error;
}

int gsym_copy_dir_over(unsigned char *hash, const gsym_view *view,
	const char *src, const char *dst, gsym_buf *stats,
	gsym_progress *progress, const char *old_top, const gsym_buf *old_stats)
{
	walk_ctx w;
	earlier old;
	int error;

	memset(&w, 0, sizeof(w));
	w.view = view;
	w.stats = stats;
	w.progress = progress;
	if (dst && old_top && old_stats && old_stats->size) {
		earlier_init(&old, old_top, old_stats);
		w.old = &old;
	}
	error = walk_and_hash(hash, &w, src, dst);
	if (w.old)
		earlier_dispose(&old);
	return error;
}

/* gsym_copy_count, noting each source's lstat in `memo` (or NULL). */
static int count(const gsym_view *view, const char *src,
	const gsym_copy_limit *limit, gsym_copy_memo *memo)
{
	static const gsym_copy_limit none = { 0, 0 };
	walk_ctx w;
	int error;

	memset(&w, 0, sizeof(w));
	w.view = view;
	w.limit = limit ? limit : &none;
	w.memo = memo;
	error = walk(&w, src, "", NULL);
	gsym_buf_dispose(&w.manifest);
	if (memo) {
		if (memo->n > 1)
			qsort(memo->v, memo->n, sizeof(*memo->v), cmp_memo);
		memo->sorted = true;
	}
	if (w.over)
		return 1;
	return error;
}

int gsym_copy_count(const gsym_view *view, const char *src,
	const gsym_copy_limit *limit)
{
	return count(view, src, limit, NULL);
}

/* The message of a copy past `limit`, after the count's own (`what`). */
static int past_message(const char *src, const gsym_copy_limit *limit,
	bool junctions)
{
	gsym_copy_limit more;
	gsym_buf now = GSYM_BUF_INIT, higher = GSYM_BUF_INIT;
	char *what = gsym_strdup(gsym_error_last());

	more.files = limit->files * 2;
	more.bytes = limit->bytes * 2;
	gsym_copy_limit_text(&now, limit);
	gsym_copy_limit_text(&higher, &more);
	gsym_error_set("not copied: '%s' holds %s, past symlinks.copyLimit "
		       "'%s'; real links (see 'git symlinks doctor')%s or a "
		       "higher limit (git config symlinks.copyLimit '%s') "
		       "would make it",
		src, what, now.ptr,
		junctions ? ", a junction (symlinks.fallback=junction,copy)" :
			    "",
		higher.ptr);
	free(what);
	gsym_buf_dispose(&now);
	gsym_buf_dispose(&higher);
	return 1;
}

int gsym_copy_over_limit(const gsym_view *view, const char *src,
	const gsym_copy_limit *limit, bool junctions)
{
	return gsym_copy_over_limit_memo(view, src, limit, junctions, NULL);
}

int gsym_copy_over_limit_memo(const gsym_view *view, const char *src,
	const gsym_copy_limit *limit, bool junctions, gsym_copy_memo *memo)
{
	bool unlimited = !limit->files && !limit->bytes;
	int error;

	if (unlimited && !memo)
		return 0;
	error = count(view, src, unlimited ? NULL : limit, memo);
	if (error == 0 || unlimited) {
		/* counted for the memo alone: the copy finds what fails */
		gsym_error_clear();
		return 0;
	}
	return error < 0 ? error : past_message(src, limit, junctions);
}

/* One number of a copyLimit part, with git's k, m, g; false if bad. */
static bool limit_number(uint64_t *out, const char **p)
{
	const char *s = *p;
	uint64_t n = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > UINT64_MAX / 10 - 9)
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	switch (*s) {
	case 'k':
	case 'K':
		n <<= 10;
		s++;
		break;
	case 'm':
	case 'M':
		n <<= 20;
		s++;
		break;
	case 'g':
	case 'G':
		n <<= 30;
		s++;
		break;
	default: break;
	}
	*out = n;
	*p = s;
	return true;
}

int gsym_copy_limit_parse(gsym_copy_limit *out, const char *text)
{
	gsym_copy_limit l = *out;
	const char *p = text;
	bool files_set = false, bytes_set = false;

	while (*p == ' ')
		p++;
	if (!strcmp(p, "none") || !strcmp(p, "unlimited")) {
		out->files = out->bytes = 0;
		return 0;
	}
	while (*p) {
		uint64_t n;

		if (!limit_number(&n, &p))
			goto bad;
		while (*p == ' ')
			p++;
		if (!strncmp(p, "files", 5) || !strncmp(p, "file", 4)) {
			p += strncmp(p, "files", 5) ? 4 : 5;
			if (files_set)
				goto bad;
			files_set = true;
			l.files = n;
		} else {
			if (bytes_set)
				goto bad;
			bytes_set = true;
			l.bytes = n;
		}
		while (*p == ' ')
			p++;
		if (*p == ',')
			for (p++; *p == ' '; p++)
				;
		else if (*p)
			goto bad;
	}
	if (!files_set && !bytes_set)
		goto bad;
	*out = l;
	return 0;
bad:
	return gsym_error_set("bad symlinks.copyLimit '%s': use '<n> files', "
			      "a size such as '2g', both ('100000 files, "
			      "2g'), or 'none'",
		text);
}

void gsym_copy_limit_text(gsym_buf *out, const gsym_copy_limit *limit)
{
	static const char units[] = { 'g', 'm', 'k' };
	unsigned int i;

	if (!limit->files && !limit->bytes) {
		gsym_buf_puts(out, "none");
		return;
	}
	if (limit->files)
		gsym_buf_printf(out, "%llu files%s",
			(unsigned long long)limit->files,
			limit->bytes ? ", " : "");
	if (!limit->bytes)
		return;
	for (i = 0; i < sizeof(units); i++) {
		unsigned int shift = 30 - 10 * i;

		if (limit->bytes % ((uint64_t)1 << shift) == 0) {
			gsym_buf_printf(out, "%llu%c",
				(unsigned long long)(limit->bytes >> shift),
				units[i]);
			return;
		}
	}
	gsym_buf_printf(out, "%llu", (unsigned long long)limit->bytes);
}

static int remove_child(const char *name, void *payload)
{
	gsym_buf p = GSYM_BUF_INIT;
	int error;

	gsym_path_join(&p, payload, name);
	error = gsym_copy_remove(p.ptr);
	gsym_buf_dispose(&p);
	return error;
}

int gsym_copy_remove(const char *abs_path)
{
	gsym_stat st;
	int error;

	if ((error = gsym_platform_lstat(&st, abs_path)) < 0)
		return error == GSYM_ENOTFOUND ? 0 : error;
	/* a link or junction goes as itself; only real directories recurse */
	if (st.type == GSYM_FT_DIR &&
		(error = gsym_platform_readdir(abs_path, remove_child,
			 (void *)abs_path)) < 0)
		return error;
	return gsym_platform_remove(abs_path);
}

void gsym_copy_discard(const char *abs_path)
{
	gsym_error_saved saved;

	if (!abs_path || !*abs_path)
		return; /* nothing was begun */
	gsym_error_save(&saved);
	gsym_copy_remove(abs_path);
	gsym_error_restore(&saved, 0);
}

/*
 * One decimal number of a stat list line at `*p`, then `sep`: unsigned,
 * or with `sign` (a time) one that may be negative.
 */
static bool list_number(unsigned long long *out, bool *neg, const char **p,
	const char *end, char sep, bool sign)
{
	const char *s = *p;
	unsigned long long n = 0;

	*neg = sign && s < end && *s == '-';
	if (*neg)
		s++;
	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (n > (ULLONG_MAX - 9) / 10)
			return false;
		n = n * 10 + (unsigned long long)(*s - '0');
	}
	if (s >= end || *s != sep ||
		(sign && n > (unsigned long long)LLONG_MAX))
		return false;
	*out = n;
	*p = s + 1;
	return true;
}

/* Parse the line at `*p` (before `end`); false at the end or when bad. */
static bool next_listed(listed *out, const char **p, const char *end)
{
	const char *nul = memchr(*p, '\0', (size_t)(end - *p));
	const char *nul2 =
		nul ? memchr(nul + 1, '\0', (size_t)(end - nul - 1)) : NULL;
	const char *s = nul2 ? nul2 + 1 : NULL;
	unsigned long long v[9] = { 0 };
	bool neg[9] = { false };
	size_t i;

	/*
	 * size, mtime, nsec, inode; the same of the source (times signed);
	 * then, where it was noted, when the two were last compared
	 */
	for (i = 0; s && i < 7; i++)
		if (!list_number(&v[i], &neg[i], &s, end, ' ',
			    i == 1 || i == 5))
			return false;
	if (!s ||
		(!list_number(&v[7], &neg[7], &s, end, '\n', false) &&
			(!list_number(&v[7], &neg[7], &s, end, ' ', false) ||
				!list_number(&v[8], &neg[8], &s, end, '\n',
					true))))
		return false;
	out->rel = *p;
	out->src = nul + 1;
	out->size = (uint64_t)v[0];
	out->mtime_sec = neg[1] ? -(long long)v[1] : (long long)v[1];
	out->mtime_nsec = (unsigned long)v[2];
	out->ino = (uint64_t)v[3];
	out->src_size = (uint64_t)v[4];
	out->src_mtime_sec = neg[5] ? -(long long)v[5] : (long long)v[5];
	out->src_mtime_nsec = (unsigned long)v[6];
	out->src_ino = (uint64_t)v[7];
	out->checked = neg[8] ? -(long long)v[8] : (long long)v[8];
	*p = s;
	return true;
}

static bool same_stat(const listed *l, const gsym_stat *st)
{
	return st->size == l->size && st->ino == l->ino &&
		st->mtime_sec == l->mtime_sec &&
		st->mtime_nsec == l->mtime_nsec;
}

static bool same_src_stat(const listed *l, const gsym_stat *st)
{
	return st->size == l->src_size && st->ino == l->src_ino &&
		st->mtime_sec == l->src_mtime_sec &&
		st->mtime_nsec == l->src_mtime_nsec;
}

bool gsym_copy_stats_older(const gsym_buf *stats, int64_t before)
{
	const char *p = stats->ptr, *end = p + stats->size;
	listed l;

	while (p && p < end)
		if (!next_listed(&l, &p, end) || l.src_mtime_sec >= before)
			return false;
	return true;
}

int gsym_copy_restat(gsym_buf *out, const gsym_view *view,
	const gsym_buf *stats, const char *copy, int64_t before)
{
	const char *p = stats->ptr, *end = p + stats->size;
	gsym_buf at = GSYM_BUF_INIT;
	int error = 0;
	listed l;

	while (p && p < end && !error) {
		gsym_stat made, from;

		if (!next_listed(&l, &p, end) ||
			view->lstat(&from, view, l.src) < 0 ||
			from.mtime_sec >= before) {
			error = GSYM_ERROR;
			break;
		}
		made.size = l.size;
		made.mtime_sec = l.mtime_sec;
		made.mtime_nsec = (uint32_t)l.mtime_nsec;
		made.ino = l.ino;
		if (copy) { /* the copy's own files, as they are now */
			gsym_buf_sets(&at, copy);
			if (*l.rel) {
				gsym_buf_putc(&at, '/');
				gsym_buf_puts(&at, l.rel);
			}
			if (view->lstat(&made, view, at.ptr) < 0 ||
				made.mtime_sec >= before)
				error = GSYM_ERROR;
		}
		/* both older than the run that compared them */
		gsym_copy_stats_line(out, l.rel, l.src, &made, &from,
			before + GSYM_RACY_SECONDS);
	}
	gsym_buf_dispose(&at);
	return error;
}

bool gsym_copy_fresh(const gsym_view *view, const gsym_buf *stats)
{
	const char *p = stats->ptr, *end = p + stats->size;
	bool same = p != NULL;
	listed l;

	while (same && p < end) {
		gsym_stat st;

		same = next_listed(&l, &p, end) &&
			view->lstat(&st, view, l.src) == 0 &&
			same_src_stat(&l, &st);
	}
	gsym_error_clear();
	return same;
}

bool gsym_copy_unedited(const char *abs_top, const gsym_buf *stats)
{
	const char *p = stats->ptr, *end = p + stats->size;
	gsym_buf abs = GSYM_BUF_INIT;
	bool same = true;
	listed l;

	while (same && p < end) {
		gsym_stat st;

		if (!next_listed(&l, &p, end)) {
			same = false;
			break;
		}
		gsym_buf_clear(&abs);
		gsym_path_join(&abs, abs_top, l.rel);
		same = gsym_platform_lstat(&st, abs.ptr) == 0 &&
			same_stat(&l, &st);
	}
	gsym_error_clear();
	gsym_buf_dispose(&abs);
	return same;
}

bool gsym_copy_unedited_at(const char *abs_top, const gsym_buf *stats,
	const char *const *rels, size_t n)
{
	gsym_buf abs = GSYM_BUF_INIT;
	earlier list;
	bool same = true;
	size_t i;

	earlier_init(&list, abs_top, stats);
	for (i = 0; same && i < n; i++) {
		const listed *l = earlier_find(&list, rels[i]);
		gsym_stat st;
		int error;

		gsym_buf_clear(&abs);
		gsym_path_join(&abs, abs_top, rels[i]);
		error = gsym_platform_lstat(&st, abs.ptr);
		/* one it does not list: made and gone again is no edit */
		same = l ? error == 0 && same_stat(l, &st) :
			   error == GSYM_ENOTFOUND;
	}
	gsym_error_clear();
	gsym_buf_dispose(&abs);
	earlier_dispose(&list);
	return same;
}

bool gsym_copy_stats_of(const gsym_buf *stats, const gsym_stat *top)
{
	const char *p = stats->ptr;
	listed l;

	return p && next_listed(&l, &p, p + stats->size) && !*l.rel &&
		same_stat(&l, top);
}

void gsym_copy_remove_listed(const char *abs_top, const gsym_buf *stats,
	bool (*keep)(const char *rel, void *payload), void *payload)
{
	const char *p = stats->ptr, *end = p + stats->size;
	gsym_buf abs = GSYM_BUF_INIT;
	listed l;

	/* children come before their directory: files, then emptied dirs */
	while (p < end && next_listed(&l, &p, end)) {
		gsym_stat st;

		if (!*l.rel || keep(l.rel, payload))
			continue; /* the top is the caller's */
		gsym_buf_clear(&abs);
		gsym_path_join(&abs, abs_top, l.rel);
		if (gsym_platform_lstat(&st, abs.ptr) < 0)
			continue;
		if (st.type == GSYM_FT_DIR)
			gsym_platform_remove(abs.ptr); /* only when empty */
		else if (st.type == GSYM_FT_FILE && same_stat(&l, &st))
			gsym_platform_remove(abs.ptr);
	}
	gsym_error_clear();
	gsym_buf_dispose(&abs);
}
