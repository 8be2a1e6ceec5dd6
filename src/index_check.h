/*
 * Explaining an index libgit2 refused to load: a minimal, read-only walk
 * of the index file (versions 2 to 4) that names the first entry whose
 * path git would refuse, so the fatal message can say which and why.
 */
#ifndef INCLUDE_index_check_h__
#define INCLUDE_index_check_h__

#include "buf.h"

/*
 * Append to `out` a description of the first refused entry path in the
 * index file `path` (validated with `flags`, see validate.h). Returns 1
 * when one was found, 0 when none was (the file is corrupt some other
 * way), or a negative code when it could not be read.
 */
int gsym_index_explain(gsym_buf *out, const char *path, unsigned int flags);

/* The same, over the `size` bytes of an index file at `data`. */
int gsym_index_explain_buf(gsym_buf *out, const unsigned char *data,
	size_t size, unsigned int flags);

#endif
