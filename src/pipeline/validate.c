#include "pipeline/validate.h"
#include "util/alloc.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#include "pipeline/fold_table.h"

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/*
 * Copy a component without the code points HFS+ ignores (git's
 * is_hfs_dotgit: U+200C..U+200F, U+202A..U+202E, U+206A..U+206F,
 * U+FEFF), folded to lower case, into `out` (at most `max` bytes).
 */
static size_t fold(char *out, size_t max, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = 0;

	while (i < len && n < max) {
		if (i + 2 < len && p[i] == 0xe2 && p[i + 1] == 0x80 &&
			((p[i + 2] >= 0x8c && p[i + 2] <= 0x8f) ||
				(p[i + 2] >= 0xaa && p[i + 2] <= 0xae))) {
			i += 3;
			continue;
		}
		if (i + 2 < len && p[i] == 0xe2 && p[i + 1] == 0x81 &&
			p[i + 2] >= 0xaa && p[i + 2] <= 0xaf) {
			i += 3;
			continue;
		}
		if (i + 2 < len && p[i] == 0xef && p[i + 1] == 0xbb &&
			p[i + 2] == 0xbf) {
			i += 3;
			continue;
		}
		out[n++] = lower(s[i++]);
	}
	return n;
}

/*
 * NTFS ignores trailing dots and spaces, and "name:stream" names `name`;
 * `base` matches when what follows it is only those.
 */
static bool ntfs_matches(const char *c, size_t len, const char *base)
{
	size_t blen = strlen(base), i;

	if (len < blen)
		return false;
	for (i = 0; i < blen; i++)
		if (lower(c[i]) != base[i])
			return false;
	for (; i < len; i++) {
		if (c[i] == ':')
			return true;
		if (c[i] != '.' && c[i] != ' ')
			return false;
	}
	return true;
}

bool gsym_is_dotgit(const char *comp, size_t len)
{
	char f[64];
	size_t n = fold(f, sizeof(f), comp, len);

	if (n == 4 && !memcmp(f, ".git", 4))
		return true;
	return ntfs_matches(comp, len, ".git") ||
		ntfs_matches(comp, len, "git~1");
}

bool gsym_is_dotgitmodules(const char *comp, size_t len)
{
	char f[64];
	size_t n = fold(f, sizeof(f), comp, len);

	if (n == 11 && !memcmp(f, ".gitmodules", 11))
		return true;
	return ntfs_matches(comp, len, ".gitmodules") ||
		ntfs_matches(comp, len, "gitmod~1");
}

/* CON, PRN, AUX, NUL, COM1-9, LPT1-9, CONIN$, CONOUT$, with any suffix. */
static bool is_reserved(const char *c, size_t len)
{
	static const char *names[] = { "con", "prn", "aux", "nul", "conin$",
		"conout$" };
	size_t stem = 0, i;

	while (stem < len && c[stem] != '.' && c[stem] != ':')
		stem++;
	while (stem > 0 && c[stem - 1] == ' ')
		stem--;
	for (i = 0; i < GSYM_ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i]), j;

		if (stem != n)
			continue;
		for (j = 0; j < n && lower(c[j]) == names[i][j]; j++)
			;
		if (j == n)
			return true;
	}
	if (stem == 4) {
		char a = lower(c[0]), b = lower(c[1]), d = lower(c[2]);

		if (((a == 'c' && b == 'o' && d == 'm') ||
			    (a == 'l' && b == 'p' && d == 't')) &&
			c[3] >= '1' && c[3] <= '9')
			return true;
	}
	/* COM¹ COM² COM³ (superscript digits, UTF-8 c2 b9/b2/b3) */
	if (stem == 5 && (unsigned char)c[3] == 0xc2 &&
		((unsigned char)c[4] == 0xb9 || (unsigned char)c[4] == 0xb2 ||
			(unsigned char)c[4] == 0xb3)) {
		char a = lower(c[0]), b = lower(c[1]), d = lower(c[2]);

		return (a == 'c' && b == 'o' && d == 'm') ||
			(a == 'l' && b == 'p' && d == 't');
	}
	return false;
}

static const char *check_component(const char *c, size_t len, bool last,
	unsigned int flags)
{
	size_t i;

	if (len == 0)
		return "empty path component";
	if (len == 1 && c[0] == '.')
		return "'.' path component";
	if (len == 2 && c[0] == '.' && c[1] == '.')
		return "'..' path component";
	if (gsym_is_dotgit(c, len))
		return "path component is a git directory alias";
	if (last && !(flags & GSYM_VALIDATE_ANY_ENTRY) &&
		gsym_is_dotgitmodules(c, len))
		return "a link named .gitmodules is refused";
	if (!(flags & GSYM_VALIDATE_WINDOWS))
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)c[i];

		if (ch < 0x20)
			return "control character in path (Windows)";
		if (strchr("\\:<>\"|?*", ch))
			return "character not allowed on Windows in path";
	}
	if (c[len - 1] == '.' || c[len - 1] == ' ')
		return "trailing dot or space in path (Windows)";
	if (is_reserved(c, len))
		return "reserved device name in path (Windows)";
	return NULL;
}

const char *gsym_validate_path(const char *path, unsigned int flags)
{
	const char *p = path, *reason;

	if (!*path)
		return "empty path";
	if (*path == '/')
		return "absolute path";
	for (;;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if ((reason = check_component(p, len, !end, flags)) != NULL)
			return reason;
		if (!end)
			return NULL;
		p = end + 1;
	}
}

gsym_target_form gsym_target_form_of(const char *t, size_t len)
{
	bool sep0 = len > 0 && (t[0] == '/' || t[0] == '\\');
	bool sep1 = len > 1 && (t[1] == '/' || t[1] == '\\');

	if (len >= 4 && t[0] == '\\' && t[1] == '?' && t[2] == '?' &&
		t[3] == '\\')
		return GSYM_TARGET_NT;
	if (len >= 4 && sep0 && sep1 && (t[2] == '?' || t[2] == '.') &&
		(t[3] == '/' || t[3] == '\\'))
		return GSYM_TARGET_NT;
	if (len >= 8 && sep0 && !strncmp(t + 1, "Device", 6) &&
		(t[7] == '\\' || t[7] == '/'))
		return GSYM_TARGET_NT;
	if (sep0 && sep1)
		return GSYM_TARGET_UNC;
	if (gsym_target_is_absolute(t, len))
		return GSYM_TARGET_ABSOLUTE;
	return GSYM_TARGET_RELATIVE;
}

const char *gsym_validate_target(const char *t, size_t len, unsigned int flags)
{
	size_t i, start = 0;

	if (len == 0)
		return "empty target";
	if (memchr(t, '\0', len))
		return "target contains a NUL byte";
	if (len > GSYM_MAX_TARGET)
		return "target is longer than 4095 bytes";
	if (!(flags & GSYM_VALIDATE_WINDOWS))
		return NULL;
	/* skip a drive prefix, plain or NT-style, before looking for ':' */
	if (len >= 2 && t[1] == ':')
		start = 2;
	else if (len >= 6 && gsym_target_form_of(t, len) == GSYM_TARGET_NT &&
		t[5] == ':')
		start = 6;
	for (i = 0; i < len; i++) {
		if ((unsigned char)t[i] < 0x20)
			return "control character in target (Windows)";
		if (i >= start && t[i] == ':')
			return "':' in target names a data stream (Windows)";
	}
	return NULL;
}

/*
 * Names as a case- (and normalization-) insensitive file system compares
 * them. Code points are worked on as a vector; a byte that is not UTF-8
 * is kept as RAW | byte, which no table maps.
 */
#define RAW 0x80000000u

typedef struct {
	uint32_t *v;
	size_t n, cap;
} cps;

static void cps_push(cps *c, uint32_t cp)
{
	c->v = gsym_array_grow(c->v, &c->cap, c->n + 1, sizeof(uint32_t));
	c->v[c->n++] = cp;
}

/* One code point from `p` (at most `len` bytes); its length in `*used`. */
static uint32_t decode(const unsigned char *p, size_t len, size_t *used)
{
	uint32_t cp;
	size_t n, i;

	*used = 1;
	if (p[0] < 0x80)
		return p[0];
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return RAW | p[0];
	if (len < n)
		return RAW | p[0];
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return RAW | p[0];
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF stay bytes */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		(cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return RAW | p[0];
	*used = n;
	return cp;
}

static void encode(gsym_buf *out, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp & RAW) {
		gsym_buf_putc(out, (char)(cp & 0xff));
		return;
	}
	if (cp < 0x80) {
		b[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12)), n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18)), n = 4;
	}
	if (n > 3)
		b[n - 3] = (char)(0x80 | ((cp >> 12) & 0x3f));
	if (n > 2)
		b[n - 2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	if (n > 1)
		b[n - 1] = (char)(0x80 | (cp & 0x3f));
	gsym_buf_put(out, b, n);
}

/* Binary search of a table sorted by its first column; -1 when absent. */
#define FIND(table, cp, out)                                               \
	do {                                                               \
		size_t lo = 0, hi = GSYM_ARRAY_SIZE(table);                \
		(out) = -1;                                                \
		while (lo < hi) {                                          \
			size_t mid = (lo + hi) / 2;                        \
			if ((table)[mid][0] < (cp))                        \
				lo = mid + 1;                              \
			else                                               \
				hi = mid;                                  \
		}                                                          \
		if (lo < GSYM_ARRAY_SIZE(table) && (table)[lo][0] == (cp)) \
			(out) = (ptrdiff_t)lo;                             \
	} while (0)

static uint32_t case_fold(uint32_t cp)
{
	ptrdiff_t i;

	if (cp < 0x80)
		return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	FIND(fold_table, cp, i);
	return i < 0 ? cp : fold_table[i][1];
}

static unsigned int combining_class(uint32_t cp)
{
	size_t lo = 0, hi = GSYM_ARRAY_SIZE(ccc_table);

	if (cp < 0x300)
		return 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ccc_table[mid][1] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < GSYM_ARRAY_SIZE(ccc_table) && ccc_table[lo][0] <= cp ?
		ccc_table[lo][2] :
		0;
}

/* The code points HFS+ ignores in names (git's is_hfs_dotgit). */
static bool hfs_ignored(uint32_t cp)
{
	return (cp >= 0x200c && cp <= 0x200f) ||
		(cp >= 0x202a && cp <= 0x202e) ||
		(cp >= 0x206a && cp <= 0x206f) || cp == 0xfeff;
}

/* Append the full canonical decomposition of `cp`. */
static void decompose(cps *out, uint32_t cp)
{
	ptrdiff_t i;
	size_t k;

	if (cp >= 0xac00 && cp <= 0xd7a3) {
		/* Hangul syllables, by the algorithm (Unicode 3.12) */
		uint32_t s = cp - 0xac00;

		cps_push(out, 0x1100 + s / 588);
		cps_push(out, 0x1161 + (s % 588) / 28);
		if (s % 28)
			cps_push(out, 0x11a7 + s % 28);
		return;
	}
	FIND(decomp_table, cp, i);
	if (i < 0) {
		cps_push(out, cp);
		return;
	}
	for (k = 0; k < decomp_table[i][2]; k++)
		cps_push(out, decomp_seq[decomp_table[i][1] + k]);
}

/* The canonical order: marks after one base sorted by class (stable). */
static void canonical_order(cps *c)
{
	size_t i, j;

	for (i = 1; i < c->n; i++) {
		uint32_t cp = c->v[i];
		unsigned int k = combining_class(cp);

		if (!k)
			continue;
		for (j = i; j > 0 && combining_class(c->v[j - 1]) > k; j--)
			c->v[j] = c->v[j - 1];
		c->v[j] = cp;
	}
}

static void fold_once(gsym_buf *out, const char *name, size_t len,
	unsigned int flags);

/*
 * Folded again until nothing changes (at most a few rounds): a folded
 * letter may decompose, a decomposition may fold, a byte that is no
 * UTF-8 comes back as one; the name compared must be a fixed point.
 */
void gsym_fold_name(gsym_buf *out, const char *name, size_t len,
	unsigned int flags)
{
	gsym_buf cur = GSYM_BUF_INIT, next = GSYM_BUF_INIT, swap;
	size_t i;
	int round;

	for (i = 0; i < len && (unsigned char)name[i] < 0x80; i++)
		;
	if (i == len) {
		fold_once(out, name, len, flags); /* ASCII: one round */
		return;
	}
	fold_once(&cur, name, len, flags);
	for (round = 0; round < 8; round++) {
		gsym_buf_clear(&next);
		fold_once(&next, gsym_buf_cstr(&cur), cur.size, flags);
		if (next.size == cur.size &&
			(!cur.size || !memcmp(next.ptr, cur.ptr, cur.size)))
			break;
		swap = cur;
		cur = next;
		next = swap;
	}
	if (cur.size)
		gsym_buf_put(out, cur.ptr, cur.size);
	gsym_buf_dispose(&cur);
	gsym_buf_dispose(&next);
}

static void fold_once(gsym_buf *out, const char *name, size_t len,
	unsigned int flags)
{
	const unsigned char *p = (const unsigned char *)name;
	cps a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	size_t i, used;

	for (i = 0; i < len && p[i] < 0x80; i++)
		;
	if (i == len) {
		/* ASCII: the common case, no tables */
		for (i = 0; i < len; i++)
			gsym_buf_putc(out,
				(flags & GSYM_FOLD_CASE) ? lower(name[i]) :
							   name[i]);
		return;
	}
	for (i = 0; i < len; i += used) {
		uint32_t cp = decode(p + i, len - i, &used);

		if ((flags & GSYM_FOLD_NFD) && hfs_ignored(cp))
			continue;
		if (flags & GSYM_FOLD_NFD)
			decompose(&a, cp);
		else
			cps_push(&a, cp);
	}
	for (i = 0; i < a.n; i++) {
		uint32_t cp =
			(flags & GSYM_FOLD_CASE) ? case_fold(a.v[i]) : a.v[i];

		/* a folded letter may decompose further (U+1E9E, ...) */
		if (flags & GSYM_FOLD_NFD)
			decompose(&b, cp);
		else
			cps_push(&b, cp);
	}
	if (flags & GSYM_FOLD_NFD)
		canonical_order(&b);
	for (i = 0; i < b.n; i++)
		encode(out, b.v[i]);
	free(a.v);
	free(b.v);
}

bool gsym_names_collide(const char *a, const char *b, unsigned int flags)
{
	gsym_buf fa = GSYM_BUF_INIT, fb = GSYM_BUF_INIT;
	bool same;

	if (!strcmp(a, b))
		return false;
	gsym_fold_name(&fa, a, strlen(a), flags);
	gsym_fold_name(&fb, b, strlen(b), flags);
	same = fa.size == fb.size && !memcmp(fa.ptr, fb.ptr, fa.size);
	gsym_buf_dispose(&fa);
	gsym_buf_dispose(&fb);
	return same;
}

/*
 * The collision table: one slot per folded name of a link's path or
 * parent, with the spelling first seen (a link's), that link's path, and
 * the first other entry found spelling it differently.
 */
typedef struct {
	char *key; /* folded; NULL: an empty slot */
	size_t klen;
	uint64_t hash;
	char *raw; /* as the link spells it */
	size_t rlen;
	char *link; /* the link entry it came from */
	char *other; /* an entry spelling it otherwise, or NULL */
} slot;

struct gsym_collisions {
	unsigned int flags;
	slot *v;
	size_t n, cap; /* cap: a power of two */
	gsym_buf folded;
	/* the last entry's top directory, when no link's path folds to it */
	gsym_buf no_top;
};

static uint64_t hash_of(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static slot *slot_find(const gsym_collisions *c, const char *key, size_t len,
	uint64_t h)
{
	size_t i;

	if (!c->cap)
		return NULL;
	for (i = h & (c->cap - 1); c->v[i].key; i = (i + 1) & (c->cap - 1))
		if (c->v[i].hash == h && c->v[i].klen == len &&
			(!len || !memcmp(c->v[i].key, key, len)))
			return &c->v[i];
	return NULL;
}

static void grow(gsym_collisions *c)
{
	slot *old = c->v;
	size_t oldcap = c->cap, i, j;

	c->cap = oldcap ? oldcap * 2 : 64;
	c->v = gsym_calloc(c->cap, sizeof(slot));
	for (i = 0; i < oldcap; i++) {
		if (!old[i].key)
			continue;
		for (j = old[i].hash & (c->cap - 1); c->v[j].key;
			j = (j + 1) & (c->cap - 1))
			;
		c->v[j] = old[i];
	}
	free(old);
}

static char *dup_n(const char *s, size_t len)
{
	char *p = gsym_malloc(len + 1);

	if (len) /* (an empty name may come as NULL) */
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

gsym_collisions *gsym_collisions_new(unsigned int flags)
{
	gsym_collisions *c = gsym_calloc(1, sizeof(*c));

	c->flags = flags;
	return c;
}

/*
 * Fold `path` one component at a time into c->folded, calling `fn` at
 * the end of each (the prefix so far, raw and folded) while it returns
 * true; how many components it was called for.
 */
static size_t each_prefix(gsym_collisions *c, const char *path,
	bool (*fn)(gsym_collisions *c, const char *path, size_t rlen))
{
	const char *p = path;
	size_t n = 0;

	gsym_buf_clear(&c->folded);
	for (;;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (p != path)
			gsym_buf_putc(&c->folded, '/');
		gsym_fold_name(&c->folded, p, len, c->flags);
		n++;
		if (!fn(c, path, (size_t)(p + len - path)) || !end)
			return n;
		p = end + 1;
	}
}

static bool add_link_prefix(gsym_collisions *c, const char *path, size_t rlen)
{
	uint64_t h = hash_of(c->folded.ptr, c->folded.size);
	slot *s;
	size_t i;

	if (slot_find(c, c->folded.ptr, c->folded.size, h))
		return true; /* spelt otherwise: found as an entry later */
	if ((c->n + 1) * 2 > c->cap)
		grow(c);
	for (i = h & (c->cap - 1); c->v[i].key; i = (i + 1) & (c->cap - 1))
		;
	s = &c->v[i];
	s->key = dup_n(c->folded.ptr, c->folded.size);
	s->klen = c->folded.size;
	s->hash = h;
	s->raw = dup_n(path, rlen);
	s->rlen = rlen;
	s->link = gsym_strdup(path);
	c->n++;
	return true;
}

void gsym_collisions_add_link(gsym_collisions *c, const char *path)
{
	each_prefix(c, path, add_link_prefix);
}

/*
 * An entry's prefix against the links' (which hold every prefix of every
 * link): where none folds to it, none folds to anything below it either.
 */
static bool add_entry_prefix(gsym_collisions *c, const char *path, size_t rlen)
{
	slot *s = slot_find(c, c->folded.ptr, c->folded.size,
		hash_of(c->folded.ptr, c->folded.size));

	if (s && !s->other && (s->rlen != rlen || memcmp(s->raw, path, rlen)))
		s->other = gsym_strdup(path);
	return s != NULL;
}

void gsym_collisions_add_entry(gsym_collisions *c, const char *path)
{
	const char *slash = strchr(path, '/');
	size_t top = slash ? (size_t)(slash - path) : strlen(path);

	if (!c->n)
		return;
	/* in the index's order, entries below one top directory follow
	   each other: one fold for all of them where no link is there */
	if (slash && top && c->no_top.size == top &&
		!memcmp(c->no_top.ptr, path, top))
		return;
	gsym_buf_clear(&c->no_top);
	if (each_prefix(c, path, add_entry_prefix) == 1 && slash && top)
		gsym_buf_put(&c->no_top, path, top);
}

const char *gsym_collisions_find(const gsym_collisions *c, const char *path)
{
	gsym_buf folded = GSYM_BUF_INIT;
	const char *p = path, *found = NULL;

	while (!found) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p),
		       rlen = (size_t)(p + len - path);
		slot *s;

		if (p != path)
			gsym_buf_putc(&folded, '/');
		gsym_fold_name(&folded, p, len, c->flags);
		s = slot_find(c, folded.ptr, folded.size,
			hash_of(folded.ptr, folded.size));
		if (s && (s->rlen != rlen || memcmp(s->raw, path, rlen)))
			found = s->link; /* another link spells it otherwise */
		else if (s && s->other)
			found = s->other;
		if (!end)
			break;
		p = end + 1;
	}
	gsym_buf_dispose(&folded);
	return found;
}

void gsym_collisions_free(gsym_collisions *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->cap; i++) {
		free(c->v[i].key);
		free(c->v[i].raw);
		free(c->v[i].link);
		free(c->v[i].other);
	}
	free(c->v);
	gsym_buf_dispose(&c->folded);
	gsym_buf_dispose(&c->no_top);
	free(c);
}
