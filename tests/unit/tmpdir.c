#include "unit.h"
#include "tmpdir.h"
#include "pipeline/copy.h"
#include "platform/platform.h"

#include <string.h>

void tmpdir_make(gsym_buf *out, const char *name)
{
	gsym_buf_clear(out);
	assert_int_equal(0, gsym_platform_realpath(out, "."));
	gsym_buf_printf(out, "/%s-%ld", name, gsym_platform_pid());
	assert_int_equal(0, gsym_copy_remove(out->ptr));
	assert_int_equal(0, gsym_platform_mkdir(out->ptr));
	gsym_buf_putc(out, '/');
}

void tmpdir_remove(const char *dir)
{
	gsym_buf b = GSYM_BUF_INIT;

	gsym_buf_puts(&b, dir);
	if (b.size > 1 && b.ptr[b.size - 1] == '/')
		gsym_buf_truncate(&b, b.size - 1);
	gsym_copy_remove(b.ptr);
	gsym_buf_dispose(&b);
}

void tmpdir_write(const char *path, const char *content)
{
	int error = gsym_platform_remove(path);

	assert_true(error == 0 || error == GSYM_ENOTFOUND);
	assert_int_equal(0,
		gsym_platform_write_new(path, content, strlen(content)));
}

const char *tmpdir_read(gsym_buf *out, const char *path)
{
	int error;

	gsym_buf_clear(out);
	error = gsym_platform_read_file(out, path, 1 << 20);
	assert_true(error == 0 || error == GSYM_ENOTFOUND);
	return gsym_buf_cstr(out);
}
