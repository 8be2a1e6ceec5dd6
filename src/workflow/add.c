#include "workflow/add.h"
#include "util/util.h"
#include "platform/platform.h"

#include <string.h>

/* Split "a/b/c" (first `len` bytes) into components; returns how many. */
static size_t split(const char **comp, size_t *clen, size_t max, const char *s,
	size_t len)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		size_t l = 0;

		while (i + l < len && s[i + l] != '/')
			l++;
		if (l) {
			comp[n] = s + i;
			clen[n++] = l;
		}
		i += l + 1;
	}
	return n;
}

/* `rel` (from the top) as seen from directory `dir` (its first dl bytes) */
static void relative_to(gsym_buf *out, const char *dir, size_t dl,
	const char *rel)
{
	const char *dc[256], *rc[256];
	size_t dlen[256], rlen[256], nd, nr, i = 0, k;

	nd = split(dc, dlen, 256, dir, dl);
	nr = split(rc, rlen, 256, rel, strlen(rel));
	while (i < nd && i < nr && dlen[i] == rlen[i] &&
		!memcmp(dc[i], rc[i], dlen[i]))
		i++;
	for (k = i; k < nd; k++)
		gsym_buf_puts(out, k + 1 < nd || i < nr ? "../" : "..");
	for (k = i; k < nr; k++) {
		gsym_buf_put(out, rc[k], rlen[k]);
		if (k + 1 < nr)
			gsym_buf_putc(out, '/');
	}
	if (!out->size)
		gsym_buf_putc(out, '.');
}

void gsym_add_relative(gsym_buf *out, const char *workdir,
	const char *link_path, const char *target, bool *outside)
{
	size_t wl = strlen(workdir), dl = gsym_path_dirlen(link_path);
	const char *rel;

	*outside = false;
	gsym_buf_clear(out);
	if (!gsym_target_is_absolute(target, strlen(target))) {
		gsym_buf_puts(out, target);
		return;
	}
	/* workdir ends with '/'; the tree's top itself is "" */
	if (!(strlen(target) + 1 >= wl &&
		    gsym_platform_same_path(target, workdir, wl - 1) &&
		    (target[wl - 1] == '/' || target[wl - 1] == '\0'))) {
		*outside = true;
		gsym_buf_puts(out, target);
		return;
	}
	rel = target[wl - 1] ? target + wl : "";
	relative_to(out, link_path, dl, rel);
}
