/*
 * SHA-1, for the checksum that ends a git index file and for the blob id
 * of a file hashed while it is copied (read once). Not for anything that
 * needs collision resistance: the ids git itself stores come from
 * libgit2.
 */
#ifndef INCLUDE_util_sha1_h__
#define INCLUDE_util_sha1_h__

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[5];
	uint64_t len; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes waiting in `block` */
} gsym_sha1;

void gsym_sha1_init(gsym_sha1 *c);
void gsym_sha1_update(gsym_sha1 *c, const void *data, size_t len);
void gsym_sha1_final(unsigned char out[20], gsym_sha1 *c);

/* Start a git blob id: the header "blob <size>\0", then the content. */
void gsym_sha1_blob_init(gsym_sha1 *c, uint64_t size);

#endif
