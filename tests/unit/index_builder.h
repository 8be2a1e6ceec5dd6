/*
 * Index files built byte by byte in memory (versions 2 to 4, extended
 * flags, v4 prefix compression, extensions), for the index reader and
 * the scan over it.
 */
#ifndef INCLUDE_tests_unit_index_builder_h__
#define INCLUDE_tests_unit_index_builder_h__

#include <stddef.h>
#include <stdint.h>

#include "git/index_file.h"

typedef struct {
	unsigned char b[65536];
	size_t n;
	unsigned int version;
	char prev[8192]; /* the last path, for v4 compression */
} index_builder;

/* Start an index of `version` announcing `count` entries. */
void index_builder_start(index_builder *w, unsigned int version,
	uint32_t count);

/*
 * One entry: `mode`, extended flags `ext` (0: none), `stage`, a stat whose
 * mtime nsec is `nsec` and whose other fields count 0, 1, 2, ..., and an
 * id of 20 bytes `id`.
 */
void index_builder_entry(index_builder *w, const char *path, uint32_t mode,
	uint16_t ext, unsigned int stage, uint32_t nsec, unsigned char id);

/* An extension `sig` of `size` bytes of 'x'. */
void index_builder_extension(index_builder *w, const char *sig, uint32_t size);

/* An extension `sig` holding the `size` bytes at `data`. */
void index_builder_extension_data(index_builder *w, const char *sig,
	const void *data, uint32_t size);

/* The trailing checksum (never checked, as git does not). */
void index_builder_finish(index_builder *w);

/* Parse the bytes of `w` into `f` (not copied); gsym_index_file_parse's
 * result. */
int index_builder_parse(gsym_index_file *f, const index_builder *w);

#endif
