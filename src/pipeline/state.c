#include "pipeline/state.h"
#include "util/alloc.h"
#include "pipeline/copy.h"
#include "util/error.h"
#include "util/sha1.h"
#include "util/util.h"
#include "platform/platform.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#define STATE_HEADER "# git-symlinks state 1\n"

static int cmp_rec(const void *a, const void *b)
{
	return strcmp(((const gsym_record *)a)->path,
		((const gsym_record *)b)->path);
}

gsym_record *gsym_state_find(gsym_state_file *st, const char *path)
{
	gsym_record key;

	if (!st->n)
		return NULL;
	key.path = (char *)path;
	return bsearch(&key, st->v, st->n, sizeof(gsym_record), cmp_rec);
}

/* How many records after the last one found are compared one by one. */
#define FIND_STEPS 4

gsym_record *gsym_state_find_next(gsym_state_file *st, const char *path,
	size_t *at)
{
	size_t lo = *at < st->n ? *at : st->n, hi = st->n, steps;

	/* asked out of order, or records taken out since: all of them */
	if (lo > 0 && strcmp(st->v[lo - 1].path, path) >= 0)
		lo = 0;
	for (steps = 0; lo < hi && steps < FIND_STEPS; steps++) {
		if (strcmp(st->v[lo].path, path) >= 0)
			hi = lo; /* found where it is, or would be */
		else
			lo++;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(st->v[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	if (lo < st->n && !strcmp(st->v[lo].path, path)) {
		*at = lo + 1;
		return &st->v[lo];
	}
	return NULL;
}

void gsym_state_put(gsym_state_file *st, const gsym_record *rec)
{
	gsym_record *old = gsym_state_find(st, rec->path);
	size_t at;

	st->dirty = true;
	if (old) {
		char *path = old->path;

		st->gc = st->gc ||
			(old->kind == GSYM_KIND_COPY &&
				old->type == GSYM_TYPE_DIR &&
				(rec->kind != GSYM_KIND_COPY ||
					rec->type != GSYM_TYPE_DIR));

		free(old->src);
		*old = *rec;
		old->path = path;
		old->src = rec->src ? gsym_strdup(rec->src) : NULL;
		return;
	}
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->v = gsym_reallocarray(st->v, st->cap, sizeof(gsym_record));
	}
	for (at = st->n; at > 0 && strcmp(st->v[at - 1].path, rec->path) > 0;
		at--)
		;
	if (at < st->n)
		memmove(&st->v[at + 1], &st->v[at],
			(st->n - at) * sizeof(*st->v));
	st->v[at] = *rec;
	st->v[at].path = gsym_strdup(rec->path);
	st->v[at].src = rec->src ? gsym_strdup(rec->src) : NULL;
	st->n++;
}

void gsym_state_remove(gsym_state_file *st, const char *path)
{
	gsym_record *r = gsym_state_find(st, path);
	size_t at;

	if (!r)
		return;
	at = (size_t)(r - st->v);
	st->gc = st->gc ||
		(r->kind == GSYM_KIND_COPY && r->type == GSYM_TYPE_DIR);
	free(r->path);
	free(r->src);
	if (at + 1 < st->n)
		memmove(&st->v[at], &st->v[at + 1],
			(st->n - at - 1) * sizeof(*r));
	st->n--;
	st->dirty = true;
}

/* Paths are written with '\\', '\n' and '\t' escaped, last on the line. */
static void put_escaped(gsym_buf *out, const char *s)
{
	for (;;) {
		size_t plain = strcspn(s, "\\\n\t");

		gsym_buf_put(out, s, plain);
		s += plain;
		if (!*s)
			return;
		gsym_buf_puts(out,
			*s == '\\'         ? "\\\\" :
				*s == '\n' ? "\\n" :
					     "\\t");
		s++;
	}
}

static char *unescape(const char *s, size_t len)
{
	gsym_buf out = GSYM_BUF_INIT;
	size_t i;

	if (!memchr(s, '\\', len)) { /* the common case: nothing escaped */
		char *copy = gsym_malloc(len + 1);

		memcpy(copy, s, len);
		copy[len] = '\0';
		return copy;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			i++;
			gsym_buf_putc(&out,
				s[i] == 'n'         ? '\n' :
					s[i] == 't' ? '\t' :
						      s[i]);
		} else {
			gsym_buf_putc(&out, s[i]);
		}
	}
	return gsym_buf_detach(&out);
}

/* `v` in decimal, at least `width` digits (zero-padded). */
static void put_num(gsym_buf *out, unsigned long long v, int width)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n < width);
	while (n > 0)
		gsym_buf_putc(out, digits[--n]);
}

/* "<size>/<sec>.<nsec>/<ino>" */
static void put_stat(gsym_buf *out, uint64_t size, int64_t sec, uint32_t nsec,
	uint64_t ino)
{
	put_num(out, size, 1);
	gsym_buf_putc(out, '/');
	if (sec < 0)
		gsym_buf_putc(out, '-');
	put_num(out,
		sec < 0 ? (unsigned long long)-(sec + 1) + 1 :
			  (unsigned long long)sec,
		1);
	gsym_buf_putc(out, '.');
	put_num(out, nsec, 9);
	gsym_buf_putc(out, '/');
	put_num(out, ino, 1);
}

static void format_record(gsym_buf *out, const gsym_record *r)
{
	gsym_buf_puts(out, gsym_kind_name(r->kind));
	gsym_buf_putc(out, '\t');
	gsym_buf_puts(out, gsym_type_name(r->type));
	gsym_buf_putc(out, '\t');
	gsym_hex(out, r->blob, GSYM_OID_RAWSZ);
	gsym_buf_putc(out, '\t');
	gsym_hex(out, r->hash, GSYM_OID_RAWSZ);
	gsym_buf_putc(out, '\t');
	put_stat(out, r->size, r->mtime_sec, r->mtime_nsec, r->ino);
	if (r->src_known) {
		gsym_buf_putc(out, ':');
		put_stat(out, r->src_size, r->src_mtime_sec, r->src_mtime_nsec,
			r->src_ino);
	}
	gsym_buf_putc(out, '\t');
	put_escaped(out, r->src ? r->src : "");
	gsym_buf_putc(out, '\t');
	put_escaped(out, r->path);
	gsym_buf_putc(out, '\n');
}

/*
 * A decimal number at *p, up to `end`, then the byte `sep` (none when
 * sep is 0 and the number ends the field); false when it is not one.
 */
static bool parse_num(unsigned long long *out, const char **p, const char *end,
	char sep)
{
	unsigned long long v = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned long long d = (unsigned long long)(*s - '0');

		if (v > (~0ULL - d) / 10)
			return false; /* past 2^64 - 1 */
		v = v * 10 + d;
	}
	if (sep && (s >= end || *s != sep))
		return false;
	*out = v;
	*p = sep ? s + 1 : s;
	return true;
}

/* "<size>/<sec>.<nsec>/<ino>", as format_record writes it */
static bool parse_stat(uint64_t *size, int64_t *sec, uint32_t *nsec,
	uint64_t *ino, const char **p, const char *end)
{
	unsigned long long v[4];
	bool neg;

	if (!parse_num(&v[0], p, end, '/'))
		return false;
	if ((neg = *p < end && **p == '-'))
		(*p)++;
	if (!parse_num(&v[1], p, end, '.') || !parse_num(&v[2], p, end, '/') ||
		!parse_num(&v[3], p, end, 0) || v[1] > INT64_MAX ||
		v[2] > UINT32_MAX)
		return false;
	*size = v[0];
	*sec = neg ? -(int64_t)v[1] : (int64_t)v[1];
	*nsec = (uint32_t)v[2];
	*ino = v[3];
	return true;
}

/* Parse one record line; false when it is not one. */
static bool parse_record(gsym_record *r, const char *line, size_t len)
{
	const char *f[7], *p, *end;
	size_t flen[7], i = 0, start = 0, k;
	int kind, type;

	memset(r, 0, sizeof(*r));
	for (k = 0; k <= len && i < 7; k++) {
		if (k == len || (line[k] == '\t' && i < 6)) {
			f[i] = line + start;
			flen[i++] = k - start;
			start = k + 1;
		}
	}
	if (i != 7 || flen[2] != 40 || flen[3] != 40 || flen[6] == 0)
		return false;
	p = f[4];
	end = f[4] + flen[4];
	if (!parse_stat(&r->size, &r->mtime_sec, &r->mtime_nsec, &r->ino, &p,
		    end))
		return false;
	/* the target's, when recorded (older state files have none) */
	if (p < end && *p == ':') {
		p++;
		r->src_known = parse_stat(&r->src_size, &r->src_mtime_sec,
			&r->src_mtime_nsec, &r->src_ino, &p, end);
	}
	/* the names gsym_kind_name and gsym_type_name write */
	kind = gsym_kind_parse(f[0], flen[0]);
	type = gsym_type_parse(f[1], flen[1]);
	if ((kind != GSYM_KIND_COPY && kind != GSYM_KIND_HARDLINK &&
		    kind != GSYM_KIND_JUNCTION) ||
		(type != GSYM_TYPE_FILE && type != GSYM_TYPE_DIR))
		return false;
	r->kind = (gsym_kind)kind;
	r->type = (gsym_type)type;
	if (gsym_unhex(r->blob, f[2], GSYM_OID_RAWSZ) < 0 ||
		gsym_unhex(r->hash, f[3], GSYM_OID_RAWSZ) < 0)
		return false;
	r->src = flen[5] ? unescape(f[5], flen[5]) : NULL;
	r->path = unescape(f[6], flen[6]);
	return true;
}

/*
 * Take a parsed record, its strings included: appended where the file
 * is in order, as state files are written, else put in its place.
 */
static void take_record(gsym_state_file *st, gsym_record *r)
{
	if (st->n && strcmp(st->v[st->n - 1].path, r->path) >= 0) {
		gsym_state_put(st, r);
		free(r->path);
		free(r->src);
		return;
	}
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->v = gsym_reallocarray(st->v, st->cap, sizeof(gsym_record));
	}
	st->v[st->n++] = *r;
	st->dirty = true;
}

/* A journal's record for `path` ends an update in place begun before. */
static void resync_done(gsym_state_file *st, const char *path)
{
	gsym_strlist_drop(&st->resync, path);
}

/* Mark the records of the updates in place a killed run left undone. */
static void mark_resync(gsym_state_file *st)
{
	size_t i;

	for (i = 0; i < st->resync.n; i++) {
		gsym_record *r = gsym_state_find(st, st->resync.v[i]);

		if (r)
			r->resync = true;
	}
}

static void add_aside(gsym_state_file *st, char *path, char *dst)
{
	st->asides = gsym_reallocarray(st->asides, st->nasides + 1,
		sizeof(gsym_aside));
	st->asides[st->nasides].path = path;
	st->asides[st->nasides++].dst = dst;
}

/* "<dst>\t<path>": a move aside a run may not have finished */
static void parse_aside(gsym_state_file *st, const char *p, size_t len)
{
	const char *tab = memchr(p, '\t', len);
	char *path;

	if (!tab)
		return;
	path = unescape(tab + 1, len - (size_t)(tab + 1 - p));
	gsym_state_aside_done(st, path); /* the last line for a path wins */
	add_aside(st, path, unescape(p, (size_t)(tab - p)));
	gsym_strlist_adds(&st->touched, path);
}

static void format_aside(gsym_buf *out, const gsym_aside *a)
{
	gsym_buf_puts(out, "aside\t");
	put_escaped(out, a->dst);
	gsym_buf_putc(out, '\t');
	put_escaped(out, a->path);
	gsym_buf_putc(out, '\n');
}

static void parse_file(gsym_state_file *st, const gsym_buf *b, bool journal)
{
	const char *p = gsym_buf_cstr(b), *end = p + b->size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		gsym_record r;

		if (!nl)
			break; /* a torn last line from a crash: ignore it */
		if (len == 12 && !memcmp(p, "caps links=0", 12)) {
			st->links_unsupported = true;
		} else if (journal && len > 6 && !memcmp(p, "touch\t", 6)) {
			gsym_strlist_take(&st->touched,
				unescape(p + 6, len - 6));
		} else if (journal && len > 5 && !memcmp(p, "sync\t", 5)) {
			char *path = unescape(p + 5, len - 5);

			resync_done(st, path);
			gsym_strlist_adds(&st->resync, path);
			gsym_strlist_take(&st->touched, path);
		} else if (len > 6 && !memcmp(p, "aside\t", 6)) {
			parse_aside(st, p + 6, len - 6);
		} else if (parse_record(&r, p, len)) {
			if (journal)
				resync_done(st, r.path);
			take_record(st, &r);
		}
		p = nl + 1;
	}
}

static void file_path(gsym_buf *out, const gsym_state_file *st,
	const char *name)
{
	gsym_buf_sets(out, st->dir);
	gsym_buf_puts(out, name);
}

int gsym_state_load(gsym_state_file *out, const char *gitdir)
{
	gsym_buf path = GSYM_BUF_INIT, content = GSYM_BUF_INIT;
	int error;

	memset(out, 0, sizeof(*out));
	gsym_buf_printf(&path, "%ssymlinks/", gitdir);
	out->dir = gsym_buf_detach(&path);

	file_path(&path, out, "state");
	error = gsym_platform_read_file(&content, path.ptr, 1 << 30);
	if (error == GSYM_ENOTFOUND)
		error = 0;
	else if (!error)
		parse_file(out, &content, false);
	out->dirty = false; /* read as it is on disk: nothing to write */
	gsym_buf_clear(&content);
	file_path(&path, out, "journal");
	if (!error) {
		int jerr = gsym_platform_read_file(&content, path.ptr, 1 << 30);

		if (!jerr) {
			parse_file(out, &content, true);
			mark_resync(out);
			out->dirty = true; /* fold the journal in */
			out->gc = true; /* and what a killed run left */
		} else if (jerr != GSYM_ENOTFOUND) {
			error = jerr;
		}
	}
	out->dirty = out->dirty && !error;
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&content);
	return error;
}

static int ensure_dir(const char *dir)
{
	int error = gsym_platform_mkdir(dir);

	return error == GSYM_EEXISTS ? 0 : error;
}

/* Append one line to the journal (one write: a kill leaves whole lines or
 * a torn last one, which the next load ignores). */
static int journal_line(gsym_state_file *st, const gsym_buf *line)
{
	gsym_buf path = GSYM_BUF_INIT;
	int error = 0;

	if (!st->journal) {
		file_path(&path, st, "journal");
		if ((error = ensure_dir(st->dir)) < 0 ||
			(error = gsym_platform_append_open(&st->journal,
				 path.ptr)) < 0)
			goto done;
	}
	error = gsym_platform_append(st->journal, line->ptr, line->size);
	st->dirty = true; /* the next save drops the journal */
done:
	gsym_buf_dispose(&path);
	return error;
}

int gsym_state_journal(gsym_state_file *st, const gsym_record *rec)
{
	gsym_buf line = GSYM_BUF_INIT;
	int error;

	format_record(&line, rec);
	error = journal_line(st, &line);
	gsym_buf_dispose(&line);
	return error;
}

int gsym_state_journal_touch(gsym_state_file *st, const char *path)
{
	gsym_buf line = GSYM_BUF_INIT;
	int error;

	gsym_buf_puts(&line, "touch\t");
	put_escaped(&line, path);
	gsym_buf_putc(&line, '\n');
	error = journal_line(st, &line);
	gsym_buf_dispose(&line);
	return error;
}

int gsym_state_journal_sync(gsym_state_file *st, const char *path)
{
	gsym_buf line = GSYM_BUF_INIT;
	int error;

	gsym_buf_puts(&line, "sync\t");
	put_escaped(&line, path);
	gsym_buf_putc(&line, '\n');
	error = journal_line(st, &line);
	gsym_buf_dispose(&line);
	return error;
}

int gsym_state_journal_aside(gsym_state_file *st, const char *path,
	const char *dst)
{
	gsym_buf line = GSYM_BUF_INIT;
	gsym_aside a;
	int error;

	a.path = (char *)path;
	a.dst = (char *)dst;
	format_aside(&line, &a);
	if ((error = journal_line(st, &line)) == 0) {
		gsym_state_aside_done(st, path);
		add_aside(st, gsym_strdup(path), gsym_strdup(dst));
	}
	gsym_buf_dispose(&line);
	return error;
}

const gsym_aside *gsym_state_aside_find(const gsym_state_file *st,
	const char *path)
{
	size_t i;

	for (i = 0; i < st->nasides; i++)
		if (!strcmp(st->asides[i].path, path))
			return &st->asides[i];
	return NULL;
}

void gsym_state_aside_done(gsym_state_file *st, const char *path)
{
	gsym_aside *a = (gsym_aside *)gsym_state_aside_find(st, path);

	if (!a)
		return;
	free(a->path);
	free(a->dst);
	*a = st->asides[--st->nasides];
	st->dirty = true;
}

/* Write `content` to `path` through `path.lock` and a rename. */
static int write_atomic(const char *path, const gsym_buf *content)
{
	gsym_buf lock = GSYM_BUF_INIT;
	int error;

	gsym_buf_printf(&lock, "%s.lock", path);
	if ((error = gsym_platform_lock(lock.ptr, NULL)) < 0)
		goto done;
	gsym_platform_remove(lock.ptr);
	if ((error = gsym_platform_write_new(lock.ptr, gsym_buf_cstr(content),
		     content->size)) < 0 ||
		(error = gsym_platform_rename(lock.ptr, path)) < 0)
		gsym_copy_discard(lock.ptr);
done:
	gsym_buf_dispose(&lock);
	return error;
}

/* "copies/<sha1 of the path>": one file per deep copy, beside the state */
static void manifest_in(gsym_buf *out, const char *dir, const char *path)
{
	unsigned char id[20];
	gsym_sha1 c;

	gsym_sha1_init(&c);
	gsym_sha1_update(&c, path, strlen(path));
	gsym_sha1_final(id, &c);
	gsym_buf_sets(out, dir);
	gsym_buf_puts(out, "copies/");
	gsym_hex(out, id, sizeof(id));
}

static void manifest_path(gsym_buf *out, const gsym_state_file *st,
	const char *path)
{
	manifest_in(out, st->dir, path);
}

int gsym_state_manifest_put(const gsym_state_file *st, const char *path,
	const gsym_buf *stats)
{
	gsym_buf file = GSYM_BUF_INIT, tmp = GSYM_BUF_INIT;
	int error;

	manifest_path(&file, st, path);
	/* a name of its own per thread and path: never shared */
	gsym_buf_printf(&tmp, "%s.new", file.ptr);
	gsym_platform_remove(tmp.ptr);
	gsym_error_clear();
	gsym_buf_clear(&file);
	file_path(&file, st, "copies/");
	if ((error = ensure_dir(st->dir)) < 0 ||
		(error = ensure_dir(file.ptr)) < 0)
		goto done;
	manifest_path(&file, st, path);
	if ((error = gsym_platform_write_new(tmp.ptr, gsym_buf_cstr(stats),
		     stats->size)) < 0 ||
		(error = gsym_platform_rename(tmp.ptr, file.ptr)) < 0)
		gsym_copy_discard(tmp.ptr);
done:
	gsym_buf_dispose(&file);
	gsym_buf_dispose(&tmp);
	return error;
}

int gsym_state_manifest_get(gsym_buf *out, const char *dir, const char *path)
{
	gsym_buf file = GSYM_BUF_INIT;
	int error;

	manifest_in(&file, dir, path);
	error = gsym_platform_read_file(out, file.ptr, 1 << 30);
	gsym_buf_dispose(&file);
	return error;
}

typedef struct {
	const gsym_state_file *st;
	char **keep; /* the manifests of the records, sorted */
	size_t n;
} gc_ctx;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int gc_one(const char *name, void *payload)
{
	gc_ctx *g = payload;
	gsym_buf p = GSYM_BUF_INIT;
	const char *key = name;

	if (!bsearch(&key, g->keep, g->n, sizeof(char *), cmp_str)) {
		file_path(&p, g->st, "copies/");
		gsym_buf_puts(&p, name);
		gsym_platform_remove(p.ptr);
		gsym_error_clear();
	}
	gsym_buf_dispose(&p);
	return 0;
}

/* Remove the stat lists of copies no record names any more. */
static void manifests_gc(const gsym_state_file *st)
{
	gsym_buf dir = GSYM_BUF_INIT, name = GSYM_BUF_INIT;
	gc_ctx g;
	size_t i;

	g.st = st;
	g.n = 0;
	g.keep = gsym_calloc(st->n ? st->n : 1, sizeof(char *));
	for (i = 0; i < st->n; i++) {
		if (st->v[i].kind != GSYM_KIND_COPY ||
			st->v[i].type != GSYM_TYPE_DIR)
			continue;
		manifest_path(&name, st, st->v[i].path);
		g.keep[g.n++] = gsym_strdup(
			name.ptr + strlen(st->dir) + strlen("copies/"));
	}
	qsort(g.keep, g.n, sizeof(char *), cmp_str);
	file_path(&dir, st, "copies");
	if (gsym_platform_readdir(dir.ptr, gc_one, &g) == 0 && !g.n)
		gsym_platform_remove(dir.ptr);
	gsym_error_clear();
	for (i = 0; i < g.n; i++)
		free(g.keep[i]);
	free(g.keep);
	gsym_buf_dispose(&dir);
	gsym_buf_dispose(&name);
}

int gsym_state_save(gsym_state_file *st)
{
	gsym_buf path = GSYM_BUF_INIT, content = GSYM_BUF_INIT;
	size_t i;
	int error = 0;

	if (!st->dirty)
		return 0;
	file_path(&path, st, "state");
	if (st->n == 0 && !st->links_unsupported && !st->nasides) {
		error = gsym_platform_remove(path.ptr);
		if (error == GSYM_ENOTFOUND)
			error = 0;
	} else {
		gsym_buf_puts(&content, STATE_HEADER);
		if (st->links_unsupported)
			gsym_buf_puts(&content, "caps links=0\n");
		for (i = 0; i < st->n; i++)
			format_record(&content, &st->v[i]);
		/* a move aside not put back: the next run tries again */
		for (i = 0; i < st->nasides; i++)
			format_aside(&content, &st->asides[i]);
		if (!(error = ensure_dir(st->dir)))
			error = write_atomic(path.ptr, &content);
	}
	if (!error) {
		gsym_platform_append_close(st->journal);
		st->journal = NULL;
		file_path(&path, st, "journal");
		if (gsym_platform_remove(path.ptr) == GSYM_ENOTFOUND)
			gsym_error_clear();
		st->dirty = false;
		if (st->gc)
			manifests_gc(st);
		st->gc = false;
	}
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&content);
	return error;
}

void gsym_state_dispose(gsym_state_file *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->v[i].path);
		free(st->v[i].src);
	}
	free(st->v);
	gsym_strlist_dispose(&st->touched);
	gsym_strlist_dispose(&st->resync);
	for (i = 0; i < st->nasides; i++) {
		free(st->asides[i].path);
		free(st->asides[i].dst);
	}
	free(st->asides);
	free(st->dir);
	gsym_platform_append_close(st->journal);
	memset(st, 0, sizeof(*st));
}

void gsym_pattern_line(gsym_buf *out, const char *prefix, const char *path)
{
	gsym_buf_puts(out, prefix);
	gsym_buf_putc(out, '/');
	for (; *path; path++) {
		if (strchr("*?[\\!# ", *path))
			gsym_buf_putc(out, '\\');
		gsym_buf_putc(out, *path);
	}
	gsym_buf_putc(out, '\n');
}

/* Does the line `p` (of `len` bytes) start with `mark` and an id? */
static bool marker(const char *p, size_t len, const char *mark)
{
	size_t n = strlen(mark);

	return len > n && !memcmp(p, mark, n);
}

int gsym_block_sync(bool *out_changed, const char *file, const char *id,
	const gsym_buf *lines, bool remove_if_empty, bool any_id)
{
	gsym_buf old = GSYM_BUF_INIT, out = GSYM_BUF_INIT,
		 begin = GSYM_BUF_INIT, end = GSYM_BUF_INIT,
		 dir = GSYM_BUF_INIT;
	const char *p, *stop;
	bool inside = false;
	int error;

	*out_changed = false;
	gsym_buf_printf(&begin, GSYM_BLOCK_BEGIN "%s (managed, do not edit)",
		id);
	gsym_buf_printf(&end, GSYM_BLOCK_END "%s", id);
	error = gsym_platform_read_file(&old, file, 1 << 24);
	if (error == GSYM_ENOTFOUND) {
		error = 0;
		if (!lines->size)
			goto done;
	}
	if (error)
		goto done;

	/* keep every line outside our block */
	for (p = gsym_buf_cstr(&old), stop = p + old.size; p < stop;) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(stop - p);

		if (any_id ? marker(p, len, GSYM_BLOCK_BEGIN) :
			     len == begin.size && !memcmp(p, begin.ptr, len))
			inside = true;
		else if (inside &&
			(any_id ? marker(p, len, GSYM_BLOCK_END) :
				  len == end.size && !memcmp(p, end.ptr, len)))
			inside = false;
		else if (!inside) {
			gsym_buf_put(&out, p, len);
			gsym_buf_putc(&out, '\n');
		}
		p = nl ? nl + 1 : stop;
	}
	/* a block torn by a crash ended where the file did */
	if (lines->size) {
		gsym_buf_put(&out, begin.ptr, begin.size);
		gsym_buf_putc(&out, '\n');
		gsym_buf_put(&out, lines->ptr, lines->size);
		gsym_buf_put(&out, end.ptr, end.size);
		gsym_buf_putc(&out, '\n');
	}
	if (out.size == old.size &&
		!memcmp(gsym_buf_cstr(&out), gsym_buf_cstr(&old), out.size))
		goto done;
	*out_changed = true;
	if (!out.size && remove_if_empty) {
		error = gsym_platform_remove(file);
		goto done;
	}
	gsym_buf_put(&dir, file, gsym_path_dirlen(file));
	if ((error = ensure_dir(dir.ptr)) < 0)
		goto done;
	error = write_atomic(file, &out);
done:
	gsym_buf_dispose(&old);
	gsym_buf_dispose(&out);
	gsym_buf_dispose(&begin);
	gsym_buf_dispose(&end);
	gsym_buf_dispose(&dir);
	return error;
}

int gsym_exclude_sync(const char *exclude_path, const char *id,
	const gsym_state_file *st)
{
	gsym_buf lines = GSYM_BUF_INIT;
	bool changed;
	size_t i;
	int error;

	/*
	 * "/dl", not "/dl/": git 2.39 asks whether the path of a deleted
	 * link entry is ignored with the entry's type (a link), and only a
	 * pattern for any type says yes (unpack-trees.c check_ok_to_remove),
	 * so the switch can go on instead of "would lose untracked files".
	 */
	for (i = 0; i < st->n; i++)
		if (st->v[i].type == GSYM_TYPE_DIR)
			gsym_pattern_line(&lines, "", st->v[i].path);
	error = gsym_block_sync(&changed, exclude_path, id, &lines, false,
		false);
	gsym_buf_dispose(&lines);
	return error;
}
