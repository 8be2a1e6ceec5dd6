/*
 * A read-only reader of git's index file (versions 2 to 4), for reading
 * without paying for libgit2's: libgit2 verifies the checksum, allocates
 * every entry and builds a hash map (35 ms for 55 000 entries), while a
 * run that only looks needs the link entries and path look-ups. Like git,
 * it does not verify the trailing checksum (git only does in fsck).
 * Anything it does not understand (another version, a mandatory extension
 * such as a split or sparse index, a short or malformed file) makes
 * gsym_index_file_parse fail, and the caller reads through libgit2, which
 * accepts it or says why not.
 *
 * It also explains an index libgit2 refused to load, by naming the first
 * entry path git would refuse.
 */
#ifndef INCLUDE_git_index_file_h__
#define INCLUDE_git_index_file_h__

#include <git2.h>

#include "util/buf.h"
#include "util/strlist.h"
#include "pipeline/entry.h"
#include "platform/platform.h"

/* One entry: its path and its 62-byte fixed part, in the file's bytes. */
typedef struct {
	const char *path;
	const unsigned char *raw;
	uint16_t ext_flags; /* the extended flags (v3+), 0 without */
	bool fsmn_valid; /* git's fsmonitor trusts it unchanged (fsmonitor.h) */
} gsym_index_item;

typedef struct {
	const unsigned char *data; /* the file's bytes */
	size_t size;
	gsym_map map; /* when read by gsym_index_file_read */
	gsym_buf names; /* version 4: the entries' paths, rebuilt */
	gsym_index_item *v; /* in the file's order: by path, then stage */
	size_t n;
	uint32_t version;
	char extension[5]; /* a mandatory extension met, e.g. "link" */
	const unsigned char *tree; /* the cache-tree extension, or NULL */
	size_t tree_size;
	const unsigned char *fsmn; /* the fsmonitor extension's header */
	size_t fsmn_size; /* with its 8-byte header */
	bool untracked_cache; /* an "UNTR" extension */
} gsym_index_file;

/*
 * git's cache-tree ("TREE" extension): for each directory, the tree id
 * its index entries would write, while no entry below it has changed
 * since. A valid node whose id equals HEAD's tree at that path proves the
 * index holds HEAD's entries there without looking at them.
 */
typedef struct gsym_cache_tree {
	char *name; /* path component, "" at the top */
	bool valid;
	unsigned char id[GSYM_OID_RAWSZ];
	struct gsym_cache_tree **sub;
	size_t nsub;
} gsym_cache_tree;

/*
 * Parse `f`'s cache-tree. Returns 0 with `*out` NULL when the index has
 * none, GSYM_EUNSUPPORTED when it is malformed (or nested deeper than
 * this reader goes).
 */
int gsym_cache_tree_read(gsym_cache_tree **out, const gsym_index_file *f);

/* The node for the component `name` (of `len` bytes) below `t`, or NULL. */
const gsym_cache_tree *gsym_cache_tree_child(const gsym_cache_tree *t,
	const char *name, size_t len);

void gsym_cache_tree_free(gsym_cache_tree *t);

/* What a walk of the index found of its link and submodule entries. */
typedef struct {
	size_t links;
	/*
	 * of their bytes (stat, id, flags, path) and git's fsmonitor marks:
	 * equal digests, the same entries, stamped the same
	 */
	unsigned char digest[GSYM_OID_RAWSZ];
	/*
	 * the cache-tree's root, when it is valid: then the index's entries
	 * are exactly that tree's (git's TREE extension, first after the
	 * entries)
	 */
	bool root_valid;
	unsigned char root[GSYM_OID_RAWSZ];
} gsym_index_links;

/*
 * Walk the entries of the index file at `path` through a small window,
 * without taking them in (an index of 1 000 000 entries in about 25 ms),
 * for its link and submodule entries: their count, their digest, and
 * with `paths` their paths; and the cache-tree's root. GSYM_ENOTFOUND when there is no index,
 * GSYM_EUNSUPPORTED when it is not one this reader walks.
 */
int gsym_index_file_walk_links(gsym_index_links *out, const char *path,
	gsym_strlist *paths);

/* The same of an index in memory: the bytes of `v`, one after another. */
int gsym_index_file_walk_links_of(gsym_index_links *out, const gsym_slice *v,
	size_t n);

/*
 * The checksum the index file at `path` ends with, read alone (an index
 * of 1 000 000 entries is 80 MB). An error when it cannot be read or is
 * shorter than one.
 */
int gsym_index_file_checksum(unsigned char sum[20], const char *path);

/*
 * The cache-tree's root of the index file at `path` without walking its
 * entries: its extensions are found in the file's last few megabytes, as
 * a chain of headers that ends exactly at the checksum and begins with
 * TREE. Sets `*valid` (with `root`) where that root is valid; false
 * where there is none, it is invalid, or the extensions are not found
 * (walk the entries then). Returns 0 or an error reading the file.
 */
int gsym_index_file_tail_root(bool *valid, unsigned char root[GSYM_OID_RAWSZ],
	const char *path);

/* Bits of the extended flags. */
#define GSYM_INDEX_SKIP_WORKTREE 0x4000

/*
 * Read and parse the index file at `path`. Returns 0; GSYM_ENOTFOUND when
 * there is none (a new repository: no entries); GSYM_EUNSUPPORTED when it is
 * not an index this reader can take (read it with libgit2 instead).
 */
int gsym_index_file_read(gsym_index_file *out, const char *path);

/*
 * Parse the `f->size` bytes at `f->data`. On failure the entries parsed
 * before the problem stay in `f->v` (the explanation walks them).
 */
int gsym_index_file_parse(gsym_index_file *f);

void gsym_index_file_dispose(gsym_index_file *f);

/* The fields of an entry. */
uint32_t gsym_index_item_mode(const gsym_index_item *item);
unsigned int gsym_index_item_stage(const gsym_index_item *item);
/*
 * Is the type of the index mode `mode` that of libgit2's `filemode`
 * (GIT_FILEMODE_BLOB: a file, executable or not; _LINK; _COMMIT)?
 */
static inline bool gsym_mode_is(uint32_t mode, git_filemode_t filemode)
{
	return (mode & 0170000) == ((uint32_t)filemode & 0170000);
}

void gsym_index_item_istat(gsym_istat *out, const gsym_index_item *item);
const unsigned char *gsym_index_item_id(const gsym_index_item *item);

/* The first position whose path is not before `key` in the index's order. */
size_t gsym_index_file_lower(const gsym_index_file *f, const char *key);

/* Position of the first entry (any stage) named `path`, or -1. */
ptrdiff_t gsym_index_file_find(const gsym_index_file *f, const char *path);

/* Does any entry's path start with `prefix` (e.g. "dir/")? */
bool gsym_index_file_has_prefix(const gsym_index_file *f, const char *prefix);

/*
 * Append to `out` (when not NULL) a description of the first entry whose
 * path git would refuse (validate.h, with `flags`). Returns 1 when there
 * is one, else 0. Cheap for ordinary paths: without Windows' rules only a
 * component that starts or ends with a dot or space, or holds '~', ':',
 * '\\', a control or non-ASCII byte, is looked at closely. It also reads
 * what a failed parse left, so it can name what broke libgit2's read.
 */
int gsym_index_file_explain(gsym_buf *out, const gsym_index_file *f,
	unsigned int flags);

/* The same, over the `size` bytes of an index file at `data`. */
int gsym_index_explain_buf(gsym_buf *out, const unsigned char *data,
	size_t size, unsigned int flags);

#endif
