/*
 * libFuzzer harness: entry-path and target validation, target forms, and
 * the explanation walk over index bytes (all parse untrusted input).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "git/index_file.h"
#include "pipeline/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int flags;
	char *text;
	gsym_buf out = GSYM_BUF_INIT;

	if (size < 1)
		return 0;
	flags = data[0] & 1 ? GSYM_VALIDATE_WINDOWS : 0;
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
	free(text);

	gsym_index_explain_buf(&out, data, size, flags);
	gsym_buf_dispose(&out);
	return 0;
}
