#include "git/index_file.h"
#include "git/changes.h"
#include "git/fsmonitor.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/sha1.h"
#include "util/util.h"
#include "pipeline/validate.h"
#include "platform/platform.h"

#include <stdlib.h>
#include <string.h>

#define ENTRY_FIXED 62 /* stat data, mode, object id, flags */
#define HASH_SIZE 20 /* the trailing checksum */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/* Decode git's offset varint (index v4 prefix compression). */
static size_t varint(const unsigned char **p, const unsigned char *end)
{
	size_t v;
	unsigned char c;

	if (*p >= end)
		return (size_t)-1;
	c = *(*p)++;
	v = c & 127;
	while (c & 128) {
		if (*p >= end || v > ((size_t)-1 >> 8))
			return (size_t)-1;
		c = *(*p)++;
		v = ((v + 1) << 7) + (c & 127);
	}
	return v;
}

static int unsupported(const char *why)
{
	return gsym_error_setc(GSYM_EUNSUPPORTED, "index: %s", why);
}

/* Extensions after the entries: optional ones (A-Z) may be skipped. */
static int check_extensions(gsym_index_file *f, const unsigned char *p,
	const unsigned char *end)
{
	while (p < end) {
		uint32_t size;

		if (end - p < 8)
			return unsupported("truncated extension");
		size = be32(p + 4);
		if (!memcmp(p, "TREE", 4)) {
			f->tree = p + 8;
			f->tree_size = size;
		}
		if (!memcmp(p, "FSMN", 4) && (size_t)(end - p - 8) >= size) {
			f->fsmn = p;
			f->fsmn_size = 8 + (size_t)size;
		}
		if (!memcmp(p, "UNTR", 4))
			f->untracked_cache = true;
		if (p[0] < 'A' || p[0] > 'Z') {
			memcpy(f->extension, p, 4);
			return unsupported("mandatory extension");
		}
		if ((size_t)(end - p - 8) < size)
			return unsupported("truncated extension");
		p += 8 + size;
	}
	return 0;
}

/* Which entries git's fsmonitor trusts; a bitmap it cannot read, none. */
static void read_fsmn(gsym_index_file *f)
{
	gsym_fsmn m;
	size_t i;

	if (gsym_fsmn_parse(&m, f->fsmn + 8, f->fsmn_size - 8, f->n) < 0) {
		gsym_error_clear();
		return;
	}
	for (i = 0; i < f->n; i++)
		f->v[i].fsmn_valid = !gsym_fsmn_dirty(&m, i);
	gsym_fsmn_dispose(&m);
}

/*
 * The entry `i` at `*pp` (which moves past it) into f->v[i]; for version
 * 4 its path, uncompressed, goes to f->names at name_at[i]. Returns 0, or
 * GSYM_EUNSUPPORTED with the message set.
 */
static int parse_entry(gsym_index_file *f, uint32_t i, const unsigned char **pp,
	const unsigned char *end, size_t *name_at)
{
	gsym_index_item *item = &f->v[i];
	const unsigned char *p = *pp, *start = p, *nul;
	uint16_t flags;
	size_t prev = 0, prev_len = 0, keep = 0;

	if (end - p < ENTRY_FIXED + 2)
		return unsupported("truncated entry");
	item->raw = p;
	flags = (uint16_t)(p[60] << 8 | p[61]);
	p += ENTRY_FIXED;
	if (flags & 0x4000) { /* extended */
		if (f->version < 3)
			return unsupported("extended flags in v2");
		item->ext_flags = (uint16_t)(p[0] << 8 | p[1]);
		p += 2;
	}
	if (f->version == 4) {
		size_t strip = varint(&p, end);

		if (i > 0) {
			prev = name_at[i - 1];
			prev_len = strlen(f->names.ptr + prev);
		}
		if (strip > prev_len)
			return unsupported("bad path compression");
		keep = prev_len - strip;
	}
	/* the name's length is in the flags, unless it is long */
	if ((flags & 0xfff) < 0xfff && f->version < 4 &&
		(size_t)(end - p) > (flags & 0xfffu) &&
		p[flags & 0xfff] == '\0')
		nul = p + (flags & 0xfff);
	else if (p >= end || !(nul = memchr(p, '\0', (size_t)(end - p))))
		return unsupported("truncated path");
	if (f->version == 4) {
		name_at[i] = f->names.size;
		gsym_buf_grow(&f->names, keep + (size_t)(nul - p) + 1);
		/* names.ptr may move: copy the kept prefix by offset */
		memcpy(f->names.ptr + f->names.size, f->names.ptr + prev, keep);
		f->names.size += keep;
		gsym_buf_put(&f->names, (const char *)p, (size_t)(nul - p));
		gsym_buf_putc(&f->names, '\0');
		p = nul + 1;
	} else {
		/* NUL-padded to a multiple of 8 */
		size_t len = ((size_t)(nul - start) + 8) / 8 * 8;

		if (len > (size_t)(end - start))
			return unsupported("truncated entry");
		item->path = (const char *)p;
		p = start + len;
	}
	*pp = p;
	return 0;
}

int gsym_index_file_parse(gsym_index_file *f)
{
	const unsigned char *data = f->data;
	const unsigned char *p = data, *end;
	size_t *name_at = NULL; /* v4: offsets into f->names */
	uint32_t count, i;
	int error = 0;

	f->v = NULL;
	f->n = 0;
	if (!data || f->size < 12 + HASH_SIZE || memcmp(p, "DIRC", 4))
		return unsupported("not an index file");
	f->version = be32(p + 4);
	count = be32(p + 8);
	if (f->version < 2 || f->version > 4)
		return unsupported("unknown version");
	end = data + f->size - HASH_SIZE;
	/* each entry takes at least ENTRY_FIXED + 2 bytes */
	if (count > (size_t)(end - p) / (ENTRY_FIXED + 2))
		return unsupported("more entries than bytes");
	p += 12;
	f->v = gsym_calloc(count ? count : 1, sizeof(gsym_index_item));
	if (f->version == 4)
		name_at = gsym_malloc((count ? count : 1) * sizeof(size_t));

	for (i = 0; i < count; i++) {
		if ((error = parse_entry(f, i, &p, end, name_at)) < 0)
			break;
		f->n = i + 1;
	}
	if (f->version == 4) {
		for (i = 0; i < f->n; i++)
			f->v[i].path = f->names.ptr + name_at[i];
		free(name_at);
	}
	/* git keeps entries sorted; look-ups rely on it */
	for (i = 1; !error && i < f->n; i++)
		if (strcmp(f->v[i - 1].path, f->v[i].path) > 0)
			error = unsupported("entries out of order");
	if (!error)
		error = check_extensions(f, p, end);
	if (!error && f->fsmn)
		read_fsmn(f);
	return error;
}

int gsym_index_file_read(gsym_index_file *out, const char *path)
{
	int error;

	memset(out, 0, sizeof(*out));
	error = gsym_platform_map(&out->map, path);
	out->data = out->map.data;
	out->size = out->map.size;
	if (error == GSYM_ENOTFOUND)
		return error;
	if (error < 0) /* its message kept: the mapping's */
		return GSYM_EUNSUPPORTED;
	return gsym_index_file_parse(out);
}

/* The window a walk reads the file through. */
#define WALK_WINDOW ((size_t)256 << 10)

typedef struct {
	gsym_reader *r;
	/* or, in memory, these bytes (an index being written) */
	const gsym_slice *slices;
	size_t nslices, slice, slice_off;
	unsigned char *buf;
	size_t pos, have;
	bool eof;
	uint32_t version;
	gsym_buf name; /* version 4: the last path, rebuilt */
} walker;

/* The next bytes of the slices, up to `max`, into `dst`: how many. */
static size_t from_slices(walker *w, unsigned char *dst, size_t max)
{
	size_t got = 0;

	while (got < max && w->slice < w->nslices) {
		const gsym_slice *s = &w->slices[w->slice];
		size_t n = s->len - w->slice_off;

		if (n > max - got)
			n = max - got;
		memcpy(dst + got, (const char *)s->data + w->slice_off, n);
		got += n;
		w->slice_off += n;
		if (w->slice_off == s->len) {
			w->slice++;
			w->slice_off = 0;
		}
	}
	return got;
}

/* Keep what is not walked yet, and read more after it. */
static int refill(walker *w)
{
	memmove(w->buf, w->buf + w->pos, w->have - w->pos);
	w->have -= w->pos;
	w->pos = 0;
	while (!w->eof && w->have < WALK_WINDOW) {
		ptrdiff_t n = w->slices ?
			(ptrdiff_t)from_slices(w, w->buf + w->have,
				WALK_WINDOW - w->have) :
			gsym_platform_reader_read(w->r, w->buf + w->have,
				WALK_WINDOW - w->have);

		if (n < 0)
			return (int)n;
		w->eof = n == 0;
		w->have += (size_t)n;
	}
	return 0;
}

/* One entry met by the walk, in the window until the next is read. */
typedef struct {
	const unsigned char *raw; /* the fixed part, then the flags */
	size_t raw_len; /* through the extended flags */
	const char *path;
	size_t path_len;
} walked;

/*
 * The entry at the window's position, within the window's bytes: 1 and
 * the position moved past it; 0 when the window cuts it; or
 * GSYM_EUNSUPPORTED.
 */
static int entry_at(walked *out, walker *w)
{
	const unsigned char *start = w->buf + w->pos, *p = start, *nul;
	const unsigned char *end = w->buf + w->have;
	uint16_t flags;
	size_t len, strip = 0;

	if (end - p < ENTRY_FIXED + 2)
		return 0;
	flags = (uint16_t)(p[60] << 8 | p[61]);
	p += ENTRY_FIXED;
	if (flags & 0x4000) {
		if (w->version < 3)
			return GSYM_EUNSUPPORTED;
		p += 2;
	}
	out->raw = start;
	out->raw_len = (size_t)(p - start);
	if (w->version == 4) {
		const unsigned char *q = p;

		strip = varint(&q, end);
		if (strip == (size_t)-1)
			return q >= end ? 0 : GSYM_EUNSUPPORTED;
		if (strip > w->name.size)
			return GSYM_EUNSUPPORTED;
		p = q;
	}
	len = flags & 0xfffu;
	if (len < 0xfff && w->version < 4 && (size_t)(end - p) > len &&
		p[len] == '\0')
		nul = p + len;
	else if (p >= end || !(nul = memchr(p, '\0', (size_t)(end - p))))
		return 0;
	if (w->version == 4) {
		gsym_buf_truncate(&w->name, w->name.size - strip);
		gsym_buf_put(&w->name, (const char *)p, (size_t)(nul - p));
		out->path = w->name.ptr;
		out->path_len = w->name.size;
		w->pos = (size_t)(nul + 1 - w->buf);
		return 1;
	}
	len = ((size_t)(nul - start) + 8) / 8 * 8; /* NUL-padded to 8 */
	if (len > (size_t)(end - start))
		return 0;
	out->path = (const char *)p;
	out->path_len = (size_t)(nul - p);
	w->pos = (size_t)(start + len - w->buf);
	return 1;
}

/* The next entry, reading on where the window cuts it. */
static int next_entry(walked *out, walker *w)
{
	int got = entry_at(out, w);

	if (got == 0 && !w->eof) { /* entry_at took nothing: read on */
		int error;

		if ((error = refill(w)) < 0)
			return error;
		got = entry_at(out, w);
	}
	return got == 1 ? 0 : GSYM_EUNSUPPORTED;
}

static bool decimal(long *out, const unsigned char **p,
	const unsigned char *end, char stop);

/*
 * The cache-tree's root from the first bytes of the TREE extension: ""
 * NUL, the entry count (-1 where invalid), SP, the subtree count, LF,
 * then the tree's id when valid.
 */
static void tree_root(gsym_index_links *out, const unsigned char *data,
	size_t size)
{
	const unsigned char *p = data + 1, *end = data + size;
	long count, nsub;

	if (size < 1 || data[0] != '\0' || !decimal(&count, &p, end, ' ') ||
		!decimal(&nsub, &p, end, '\n') || count < 0 ||
		end - p < GSYM_OID_RAWSZ)
		return;
	out->root_valid = true;
	memcpy(out->root, p, GSYM_OID_RAWSZ);
}

/* Room for the cache-tree root's header and id. */
#define TREE_ROOT_MAX 64

/*
 * After the entries: the cache-tree's root (the TREE extension comes
 * first) and the fsmonitor extension's bitmap, when there is one (the
 * rest skipped through the window).
 */
static int find_extensions(gsym_index_links *links, gsym_buf *fsmn, walker *w)
{
	for (;;) {
		unsigned char root[TREE_ROOT_MAX];
		size_t nroot = 0;
		uint32_t size;
		bool is_fsmn, is_tree;

		if (w->have - w->pos < 8 + HASH_SIZE && !w->eof &&
			refill(w) < 0)
			return GSYM_ERROR;
		if (w->have - w->pos < 8 + HASH_SIZE)
			return 0; /* the checksum: no more extensions */
		is_fsmn = !memcmp(w->buf + w->pos, "FSMN", 4);
		is_tree = !memcmp(w->buf + w->pos, "TREE", 4);
		size = be32(w->buf + w->pos + 4);
		w->pos += 8;
		while (size > 0) {
			size_t n;

			if (w->pos == w->have &&
				(w->eof || refill(w) < 0 || w->pos == w->have))
				return GSYM_EUNSUPPORTED;
			n = w->have - w->pos < size ? w->have - w->pos : size;
			if (is_fsmn)
				gsym_buf_put(fsmn,
					(const char *)w->buf + w->pos, n);
			if (is_tree) { /* the root is in the first bytes */
				size_t take = TREE_ROOT_MAX - nroot;

				take = take < n ? take : n;
				memcpy(root + nroot, w->buf + w->pos, take);
				nroot += take;
			}
			w->pos += n;
			size -= (uint32_t)n;
		}
		if (nroot)
			tree_root(links, root, nroot);
		if (is_fsmn)
			return 0;
	}
}

/* How much of an index's end is searched for its extensions, at first
   and at most (four times more each time). */
#define TAIL_FIRST ((size_t)256 << 10)
#define TAIL_MAX ((size_t)4 << 20)

/*
 * Do extension headers from `at` follow each other to exactly the
 * checksum, each an optional one (an upper-case signature: git's split
 * index, "link", or a sparse index, "sdir", are not for this reader)?
 */
static bool extensions_from(const unsigned char *buf, size_t n, size_t at)
{
	while (at + 8 <= n - HASH_SIZE) {
		uint32_t size = be32(buf + at + 4);

		if (buf[at] < 'A' || buf[at] > 'Z' ||
			size > n - HASH_SIZE - at - 8)
			return false;
		at += 8 + size;
	}
	return at == n - HASH_SIZE;
}

/* The root in the last `n` bytes of an index, read into `buf`. */
static void root_in_tail(gsym_index_links *out, const unsigned char *buf,
	size_t n)
{
	const unsigned char *p = buf, *end = buf + n;

	while (end - p >= 4 &&
		(p = memchr(p, 'T', (size_t)(end - p - 3))) != NULL) {
		size_t at = (size_t)(p - buf);

		if (memcmp(p, "TREE", 4)) {
			p++;
			continue;
		}

		if (n > HASH_SIZE + 8 && at <= n - HASH_SIZE - 8 &&
			extensions_from(buf, n, at)) {
			uint32_t size = be32(p + 4);

			tree_root(out, p + 8,
				size < TREE_ROOT_MAX ? size : TREE_ROOT_MAX);
			return;
		}
		p++;
	}
}

/*
 * Read the last `n` bytes of the file `r` into `buf`; GSYM_EUNSUPPORTED
 * when it is shorter.
 */
static int read_tail(unsigned char *buf, size_t n, gsym_reader *r)
{
	size_t got = 0;
	ptrdiff_t k = 1;
	int error =
		gsym_platform_reader_seek_end(r, n) < 0 ? GSYM_EUNSUPPORTED : 0;

	while (!error && got < n && k > 0)
		if ((k = gsym_platform_reader_read(r, buf + got, n - got)) < 0)
			error = (int)k;
		else
			got += (size_t)k;
	return !error && got < n ? GSYM_EUNSUPPORTED : error;
}

int gsym_index_file_checksum(unsigned char sum[HASH_SIZE], const char *path)
{
	gsym_reader *r;
	int error;

	if ((error = gsym_platform_reader_open(&r, path)) < 0)
		return error;
	error = read_tail(sum, HASH_SIZE, r);
	gsym_platform_reader_close(r);
	if (error == GSYM_EUNSUPPORTED)
		return gsym_error_setc(error, "'%s' is too short for an index",
			path);
	return error;
}

int gsym_index_file_tail_root(bool *valid, unsigned char root[GSYM_OID_RAWSZ],
	const char *path)
{
	gsym_index_links l;
	gsym_reader *r;
	gsym_stat st;
	unsigned char *buf = NULL;
	size_t n = TAIL_FIRST, most;
	int error;

	*valid = false;
	memset(&l, 0, sizeof(l));
	if ((error = gsym_platform_lstat(&st, path)) < 0)
		return error;
	if (st.size < 12 + HASH_SIZE)
		return 0;
	most = st.size - 12 < TAIL_MAX ? (size_t)st.size - 12 : TAIL_MAX;
	if ((error = gsym_platform_reader_open(&r, path)) < 0)
		return error;
	/* a little first: the extensions are mostly far smaller */
	for (;; n *= 4) {
		n = n < most ? n : most;
		buf = gsym_reallocarray(buf, n, 1);
		if ((error = read_tail(buf, n, r)) < 0)
			break;
		root_in_tail(&l, buf, n);
		if (l.root_valid || n == most)
			break;
	}
	gsym_platform_reader_close(r);
	free(buf);
	if (!error && l.root_valid) {
		*valid = true;
		memcpy(root, l.root, GSYM_OID_RAWSZ);
	}
	return error;
}

static int walk_entries(gsym_index_links *out, walker *w, gsym_strlist *paths)
{
	gsym_buf fsmn_data = GSYM_BUF_INIT;
	size_t *at = NULL, nat = 0, capat = 0;
	gsym_sha1 c;
	gsym_fsmn m;
	uint32_t count, i;
	int error;

	if ((error = refill(w)) < 0)
		return error;
	if (w->have < 12 + HASH_SIZE || memcmp(w->buf, "DIRC", 4))
		return GSYM_EUNSUPPORTED;
	w->version = be32(w->buf + 4);
	count = be32(w->buf + 8);
	if (w->version < 2 || w->version > 4)
		return GSYM_EUNSUPPORTED;
	gsym_sha1_init(&c);
	for (w->pos = 12, i = 0; i < count; i++) {
		walked e;
		uint32_t mode;

		if ((error = next_entry(&e, w)) < 0)
			goto done;
		mode = be32(e.raw + 24);
		if (!gsym_mode_is(mode, GIT_FILEMODE_LINK) &&
			!gsym_mode_is(mode, GIT_FILEMODE_COMMIT))
			continue;
		out->links++;
		gsym_sha1_update(&c, e.raw, e.raw_len);
		gsym_sha1_update(&c, e.path, e.path_len);
		gsym_sha1_update(&c, "", 1);
		if (paths)
			gsym_strlist_add(paths, e.path, e.path_len);
		at = gsym_array_grow(at, &capat, nat + 1, sizeof(*at));
		at[nat++] = i;
	}
	/* the cache-tree's root; git's fsmonitor marks of those entries */
	if ((error = find_extensions(out, &fsmn_data, w)) < 0)
		goto done;
	if (fsmn_data.size &&
		gsym_fsmn_parse(&m, (const unsigned char *)fsmn_data.ptr,
			fsmn_data.size, count) == 0) {
		for (i = 0; i < nat; i++) {
			unsigned char dirty = gsym_fsmn_dirty(&m, at[i]);

			gsym_sha1_update(&c, &dirty, 1);
		}
		gsym_fsmn_dispose(&m);
	}
	gsym_error_clear();
	gsym_sha1_final(out->digest, &c);
done:
	free(at);
	gsym_buf_dispose(&fsmn_data);
	return error;
}

int gsym_index_file_walk_links(gsym_index_links *out, const char *path,
	gsym_strlist *paths)
{
	walker w;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	if ((error = gsym_platform_reader_open(&w.r, path)) < 0)
		return error;
	w.buf = gsym_malloc(WALK_WINDOW);
	error = walk_entries(out, &w, paths);
	free(w.buf);
	gsym_buf_dispose(&w.name);
	gsym_platform_reader_close(w.r);
	if (paths)
		gsym_strlist_sort(paths);
	if (error == GSYM_EUNSUPPORTED)
		return gsym_error_setc(error,
			"index: cannot walk the entries of '%s'", path);
	return error;
}

int gsym_index_file_walk_links_of(gsym_index_links *out, const gsym_slice *v,
	size_t n)
{
	walker w;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.slices = v;
	w.nslices = n;
	w.buf = gsym_malloc(WALK_WINDOW);
	error = walk_entries(out, &w, NULL);
	free(w.buf);
	gsym_buf_dispose(&w.name);
	return error == GSYM_EUNSUPPORTED ?
		gsym_error_setc(error,
			"index: cannot walk the entries written") :
		error;
}

void gsym_index_file_dispose(gsym_index_file *f)
{
	gsym_platform_unmap(&f->map);
	gsym_buf_dispose(&f->names);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

uint32_t gsym_index_item_mode(const gsym_index_item *item)
{
	return be32(item->raw + 24);
}

unsigned int gsym_index_item_stage(const gsym_index_item *item)
{
	return (item->raw[60] >> 4) & 3;
}

void gsym_index_item_istat(gsym_istat *out, const gsym_index_item *item)
{
	const unsigned char *p = item->raw;

	out->ctime_sec = be32(p);
	out->ctime_nsec = be32(p + 4);
	out->mtime_sec = be32(p + 8);
	out->mtime_nsec = be32(p + 12);
	out->dev = be32(p + 16);
	out->ino = be32(p + 20);
	out->uid = be32(p + 28);
	out->gid = be32(p + 32);
	out->size = be32(p + 36);
}

const unsigned char *gsym_index_item_id(const gsym_index_item *item)
{
	return item->raw + 40;
}

size_t gsym_index_file_lower(const gsym_index_file *f, const char *key)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(f->v[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

ptrdiff_t gsym_index_file_find(const gsym_index_file *f, const char *path)
{
	size_t pos = gsym_index_file_lower(f, path);

	return pos < f->n && !strcmp(f->v[pos].path, path) ? (ptrdiff_t)pos :
							     -1;
}

bool gsym_index_file_has_prefix(const gsym_index_file *f, const char *prefix)
{
	size_t pos = gsym_index_file_lower(f, prefix);

	return pos < f->n && !strncmp(f->v[pos].path, prefix, strlen(prefix));
}

/*
 * Could validation refuse `path`? False when plainly it cannot: only a
 * component that starts or ends with '.' or ' ', an empty one, or one
 * holding '~', ':', '\\', a control or a non-ASCII byte is looked at.
 */
static bool suspect(const char *path)
{
	static unsigned char special[256];
	const unsigned char *p = (const unsigned char *)path;
	bool start = true;

	if (!special['/']) {
		unsigned int c;

		for (c = 0; c < 256; c++)
			special[c] = c < 0x20 || c >= 0x80 ||
				strchr("/.~:\\ ", (int)c) != NULL;
	}
	for (; *p; p++) {
		unsigned char c = *p;

		if (!special[c]) {
			start = false;
			continue;
		}
		if (c == '/') {
			if (start)
				return true; /* empty component */
			start = true;
			continue;
		}
		if ((c != '.' && c != ' ') || start || p[1] == '/' || !p[1])
			return true;
		start = false;
	}
	return start; /* empty, or ends with '/' */
}

int gsym_index_file_explain(gsym_buf *out, const gsym_index_file *f,
	unsigned int flags)
{
	const char *reason = NULL;
	size_t i;

	/* the filter knows git's rules, not Windows' extra ones */
	for (i = 0; i < f->n && !reason; i++)
		if ((flags & GSYM_VALIDATE_WINDOWS) || suspect(f->v[i].path))
			reason = gsym_validate_path(f->v[i].path, flags);
	if (reason && out) {
		gsym_buf_puts(out,
			"the index holds an entry path git refuses: '");
		gsym_quote_path(out, f->v[i - 1].path, true);
		gsym_buf_printf(out, "' (%s)", reason);
	}
	return reason != NULL;
}

int gsym_index_explain_buf(gsym_buf *out, const unsigned char *data,
	size_t size, unsigned int flags)
{
	gsym_index_file f;
	int found;

	memset(&f, 0, sizeof(f));
	f.data = data;
	f.size = size;
	gsym_index_file_parse(&f);
	found = gsym_index_file_explain(out, &f, flags);
	gsym_index_file_dispose(&f);
	return found;
}

#define CACHE_TREE_MAX_DEPTH 256

/* Decimal digits (with an optional '-') up to `stop`. */
static bool decimal(long *out, const unsigned char **p,
	const unsigned char *end, char stop)
{
	bool neg = false, any = false;
	long v = 0;

	if (*p < end && **p == '-') {
		neg = true;
		(*p)++;
	}
	while (*p < end && **p >= '0' && **p <= '9' && v < 100000000) {
		v = v * 10 + (**p - '0');
		(*p)++;
		any = true;
	}
	if (!any || *p >= end || **p != stop)
		return false;
	(*p)++;
	*out = neg ? -v : v;
	return true;
}

static int cmp_node(const void *a, const void *b)
{
	return strcmp((*(gsym_cache_tree *const *)a)->name,
		(*(gsym_cache_tree *const *)b)->name);
}

static int parse_node(gsym_cache_tree **out, const unsigned char **p,
	const unsigned char *end, unsigned int depth)
{
	const unsigned char *nul;
	gsym_cache_tree *t;
	long count, nsub, i;

	*out = NULL;
	if (depth > CACHE_TREE_MAX_DEPTH || *p >= end ||
		!(nul = memchr(*p, '\0', (size_t)(end - *p))))
		return unsupported("bad cache-tree");
	t = gsym_calloc(1, sizeof(*t));
	*out = t;
	t->name = gsym_malloc((size_t)(nul - *p) + 1);
	memcpy(t->name, *p, (size_t)(nul - *p) + 1);
	*p = nul + 1;
	if (!decimal(&count, p, end, ' ') || !decimal(&nsub, p, end, '\n') ||
		nsub < 0 || nsub > (end - *p))
		return unsupported("bad cache-tree");
	if (count >= 0) {
		if (end - *p < GSYM_OID_RAWSZ)
			return unsupported("bad cache-tree");
		t->valid = true;
		memcpy(t->id, *p, GSYM_OID_RAWSZ);
		*p += GSYM_OID_RAWSZ;
	}
	t->sub = gsym_calloc(nsub ? (size_t)nsub : 1, sizeof(*t->sub));
	for (i = 0; i < nsub; i++) {
		int error = parse_node(&t->sub[i], p, end, depth + 1);

		t->nsub = (size_t)i + 1;
		if (error < 0)
			return error;
	}
	/* git orders them by length first: sort by name to search them */
	if (t->nsub > 1)
		qsort(t->sub, t->nsub, sizeof(*t->sub), cmp_node);
	return 0;
}

int gsym_cache_tree_read(gsym_cache_tree **out, const gsym_index_file *f)
{
	const unsigned char *p = f->tree;
	int error;

	*out = NULL;
	if (!p)
		return 0;
	error = parse_node(out, &p, f->tree + f->tree_size, 0);
	if (error < 0) {
		gsym_cache_tree_free(*out);
		*out = NULL;
	}
	return error;
}

const gsym_cache_tree *gsym_cache_tree_child(const gsym_cache_tree *t,
	const char *name, size_t len)
{
	size_t lo = 0, hi = t ? t->nsub : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *n = t->sub[mid]->name;
		int c = strncmp(n, name, len);

		if (c == 0 && n[len] == '\0')
			return t->sub[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void gsym_cache_tree_free(gsym_cache_tree *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nsub; i++)
		gsym_cache_tree_free(t->sub[i]);
	free(t->sub);
	free(t->name);
	free(t);
}
