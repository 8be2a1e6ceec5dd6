#include "index_check.h"
#include "validate.h"
#include "util.h"
#include "platform/platform.h"

#include <string.h>

#define ENTRY_FIXED 62 /* stat data, object id, flags */

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
		if (*p >= end)
			return (size_t)-1;
		c = *(*p)++;
		v = ((v + 1) << 7) + (c & 127);
	}
	return v;
}

int gsym_index_explain_buf(gsym_buf *out, const unsigned char *data,
	size_t size, unsigned int flags)
{
	gsym_buf name = GSYM_BUF_INIT;
	const unsigned char *p = data, *end = data + size;
	uint32_t version, count, i;
	int found = 0;

	if (size < 12 + 20 || memcmp(p, "DIRC", 4))
		goto done;
	version = be32(p + 4);
	count = be32(p + 8);
	if (version < 2 || version > 4)
		goto done;
	p += 12;
	end -= 20; /* the trailing checksum */

	for (i = 0; i < count; i++) {
		const unsigned char *start = p, *nul;
		uint16_t eflags;
		const char *reason;

		if (end - p < ENTRY_FIXED + 2)
			goto done;
		eflags = (uint16_t)(p[60] << 8 | p[61]);
		p += ENTRY_FIXED;
		if (version >= 3 && (eflags & 0x4000))
			p += 2;
		if (version == 4) {
			size_t strip = varint(&p, end);

			if (strip > name.size)
				goto done;
			gsym_buf_truncate(&name, name.size - strip);
		} else {
			gsym_buf_clear(&name);
		}
		if (p >= end || !(nul = memchr(p, '\0', (size_t)(end - p))))
			goto done;
		gsym_buf_put(&name, (const char *)p, (size_t)(nul - p));
		p = nul + 1;
		if (version < 4) { /* NUL-padded to a multiple of 8 */
			size_t len = ((size_t)(nul - start) + 8) / 8 * 8;

			if (len > (size_t)(end - start))
				goto done;
			p = start + len;
		}

		if ((reason = gsym_validate_path(name.ptr, flags)) != NULL) {
			gsym_buf_puts(out,
				"the index holds an entry path git "
				"refuses: '");
			gsym_quote_path(out, name.ptr, true);
			gsym_buf_printf(out, "' (%s)", reason);
			found = 1;
			goto done;
		}
	}
done:
	gsym_buf_dispose(&name);
	return found;
}

int gsym_index_explain(gsym_buf *out, const char *path, unsigned int flags)
{
	gsym_buf file = GSYM_BUF_INIT;
	int error;

	if ((error = gsym_platform_read_file(&file, path, (size_t)1 << 31)) < 0)
		return error;
	error = gsym_index_explain_buf(out,
		(const unsigned char *)gsym_buf_cstr(&file), file.size, flags);
	gsym_buf_dispose(&file);
	return error;
}
