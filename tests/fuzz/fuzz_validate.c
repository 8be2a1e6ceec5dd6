/*
 * libFuzzer harness: entry-path and target validation, target forms,
 * names folded as case-insensitive disks compare them (folding twice
 * changes nothing) and the collision table, and the explanation walk
 * over index bytes (all parse untrusted input).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "git/index_file.h"
#include "pipeline/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Folding is idempotent, and the table takes any path. */
static void fold(const char *text, const uint8_t *data, size_t size,
	unsigned int flags)
{
	gsym_buf a = GSYM_BUF_INIT, b = GSYM_BUF_INIT;
	gsym_collisions *c;

	gsym_fold_name(&a, (const char *)data, size, flags);
	gsym_fold_name(&b, gsym_buf_cstr(&a), a.size, flags);
	if (a.size != b.size || (a.size && memcmp(a.ptr, b.ptr, a.size)))
		abort();
	c = gsym_collisions_new(flags);
	gsym_collisions_add_link(c, text);
	gsym_collisions_add_entry(c, gsym_buf_cstr(&a));
	gsym_collisions_add_entry(c, text);
	gsym_collisions_find(c, text);
	gsym_collisions_free(c);
	gsym_buf_dispose(&a);
	gsym_buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int flags, fold_flags;
	char *text;
	gsym_buf out = GSYM_BUF_INIT;

	if (size < 1)
		return 0;
	flags = data[0] & 1 ? GSYM_VALIDATE_WINDOWS : 0;
	fold_flags = (data[0] & 2 ? GSYM_FOLD_CASE : 0) |
		(data[0] & 4 ? GSYM_FOLD_NFD : 0);
	data++;
	size--;

	/* a target may hold any byte; a path is NUL-terminated */
	gsym_validate_target((const char *)data, size, flags);
	gsym_target_form_of((const char *)data, size);
	gsym_is_dotgit((const char *)data, size);
	gsym_is_dotgitmodules((const char *)data, size);
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	gsym_validate_path(text, flags);
	fold(text, data, size, fold_flags);
	free(text);

	gsym_index_explain_buf(&out, data, size, flags);
	gsym_buf_dispose(&out);
	return 0;
}
