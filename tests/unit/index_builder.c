#include "unit.h"
#include "index_builder.h"

#include <string.h>

static void put32(index_builder *w, uint32_t v)
{
	w->b[w->n++] = (unsigned char)(v >> 24);
	w->b[w->n++] = (unsigned char)(v >> 16);
	w->b[w->n++] = (unsigned char)(v >> 8);
	w->b[w->n++] = (unsigned char)v;
}

void index_builder_start(index_builder *w, unsigned int version, uint32_t count)
{
	memset(w, 0, sizeof(*w));
	w->version = version;
	memcpy(w->b, "DIRC", 4);
	w->n = 4;
	put32(w, version);
	put32(w, count);
}

void index_builder_entry(index_builder *w, const char *path, uint32_t mode,
	uint16_t ext, unsigned int stage, uint32_t nsec, unsigned char id)
{
	size_t start_at = w->n, len = strlen(path), i;
	uint16_t flags = (uint16_t)((len < 0xfff ? len : 0xfff) |
		(stage << 12) | (ext ? 0x4000 : 0));

	for (i = 0; i < 10; i++) /* ctime, mtime, dev, ino, mode, ... */
		put32(w, i == 3 ? nsec : i == 6 ? mode : (uint32_t)i);
	memset(w->b + w->n, id, 20);
	w->n += 20;
	w->b[w->n++] = (unsigned char)(flags >> 8);
	w->b[w->n++] = (unsigned char)flags;
	if (ext) {
		w->b[w->n++] = (unsigned char)(ext >> 8);
		w->b[w->n++] = (unsigned char)ext;
	}
	if (w->version == 4) {
		size_t common = 0, strip;

		while (w->prev[common] && w->prev[common] == path[common])
			common++;
		strip = strlen(w->prev) - common;
		assert_true(strip < 128); /* one varint byte is enough here */
		w->b[w->n++] = (unsigned char)strip;
		memcpy(w->b + w->n, path + common, len - common + 1);
		w->n += len - common + 1;
		strcpy(w->prev, path);
	} else {
		memcpy(w->b + w->n, path, len);
		w->n += len;
		do /* 1 to 8 NULs, to a multiple of 8 */
			w->b[w->n++] = 0;
		while ((w->n - start_at) % 8);
	}
}

void index_builder_extension(index_builder *w, const char *sig, uint32_t size)
{
	memcpy(w->b + w->n, sig, 4);
	w->n += 4;
	put32(w, size);
	memset(w->b + w->n, 'x', size);
	w->n += size;
}

void index_builder_extension_data(index_builder *w, const char *sig,
	const void *data, uint32_t size)
{
	memcpy(w->b + w->n, sig, 4);
	w->n += 4;
	put32(w, size);
	memcpy(w->b + w->n, data, size);
	w->n += size;
}

void index_builder_finish(index_builder *w)
{
	memset(w->b + w->n, 0xab, 20); /* never checked, as git does not */
	w->n += 20;
}

int index_builder_parse(gsym_index_file *f, const index_builder *w)
{
	memset(f, 0, sizeof(*f));
	f->data = w->b;
	f->size = w->n;
	return gsym_index_file_parse(f);
}
