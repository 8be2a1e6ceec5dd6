#include "workflow/hooks.h"
#include "pipeline/copy.h"
#include "util/error.h"
#include "util/util.h"
#include "platform/platform.h"
#include "platform/portable.h"

#include <string.h>

#define BEGIN "# BEGIN git-symlinks"
#define END "# END git-symlinks"

const char *const gsym_hook_names[] = { "post-checkout", "post-merge",
	"post-rewrite", "post-index-change", "post-commit", "pre-commit",
	NULL };

void gsym_hooks_shell_quote(gsym_buf *out, const char *s)
{
	gsym_buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			gsym_buf_puts(out, "'\\''");
		else
			gsym_buf_putc(out, *s);
	}
	gsym_buf_putc(out, '\'');
}

void gsym_hooks_block(gsym_buf *out, const char *name, const char *binary)
{
	bool guard = !strcmp(name, "pre-commit");

	gsym_buf_puts(out,
		BEGIN " (installed by 'git symlinks "
		      "install-hooks'; 'git symlinks uninstall-hooks' "
		      "removes it)\n");
	gsym_buf_puts(out, "gsym_bin=");
	gsym_hooks_shell_quote(out, binary);
	gsym_buf_puts(out,
		"\n"
		"if [ -x \"$gsym_bin\" ]; then :\n"
		"elif command -v git-symlinks >/dev/null 2>&1; then "
		"gsym_bin=git-symlinks\n"
		"else echo \"git-symlinks: not found "
		"(installed from '$gsym_bin'); links not checked; "
		"reinstall it or run 'git symlinks "
		"uninstall-hooks'\" >&2; gsym_bin=\n"
		"fi\n");
	if (guard)
		/* the guard may stop the commit; anything else never fails git */
		gsym_buf_printf(out,
			"if [ -n \"$gsym_bin\" ]; then \"$gsym_bin\" "
			"hook %s \"$@\" || exit $?; fi\n",
			name);
	else
		gsym_buf_printf(out,
			"if [ -n \"$gsym_bin\" ]; then \"$gsym_bin\" "
			"hook %s \"$@\" || :; fi\n",
			name);
	gsym_buf_puts(out, END "\n");
}

/* `content` without our block; true when it had one. */
static bool strip_block(gsym_buf *out, const char *content, size_t len)
{
	const char *p = content, *end = content + len;
	bool inside = false, found = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);

		if (!strncmp(p, BEGIN, strlen(BEGIN))) {
			inside = found = true;
		} else if (inside && !strncmp(p, END, strlen(END))) {
			inside = false;
		} else if (!inside) {
			gsym_buf_put(out, p, l);
		}
		p += l;
	}
	return found;
}

static int write_hook(const char *path, const gsym_buf *content)
{
	gsym_buf tmp = GSYM_BUF_INIT;
	int error;

	gsym_buf_printf(&tmp, "%s" GSYM_TMP_TAG "new", path);
	gsym_platform_remove(tmp.ptr);
	if ((error = gsym_platform_write_new(tmp.ptr, gsym_buf_cstr(content),
		     content->size)) == 0 &&
		(error = gsym_platform_make_executable(tmp.ptr)) == 0)
		error = gsym_platform_rename(tmp.ptr, path);
	if (error)
		gsym_copy_discard(tmp.ptr);
	gsym_buf_dispose(&tmp);
	return error;
}

int gsym_hooks_install_one(const char *dir, const char *name,
	const char *binary)
{
	gsym_buf path = GSYM_BUF_INIT, old = GSYM_BUF_INIT,
		 rest = GSYM_BUF_INIT, out = GSYM_BUF_INIT;
	const char *body;
	int error;

	if ((error = gsym_mkdirs(dir)) < 0)
		goto done;
	gsym_path_join(&path, dir, name);
	error = gsym_platform_read_file(&old, path.ptr, 1 << 20);
	if (error == GSYM_ENOTFOUND) {
		error = 0;
		gsym_buf_puts(&old, "#!/bin/sh\n");
	} else if (error < 0) {
		goto done;
	}
	strip_block(&rest, gsym_buf_cstr(&old), old.size);
	body = gsym_buf_cstr(&rest);
	/* our block right after the shebang: it runs before any user exit */
	if (!strncmp(body, "#!", 2)) {
		const char *nl = strchr(body, '\n');
		size_t l = nl ? (size_t)(nl - body + 1) : strlen(body);

		gsym_buf_put(&out, body, l);
		if (!nl)
			gsym_buf_putc(&out, '\n');
		body += l;
	} else {
		gsym_buf_puts(&out, "#!/bin/sh\n");
	}
	gsym_hooks_block(&out, name, binary);
	gsym_buf_puts(&out, body);
	error = write_hook(path.ptr, &out);
done:
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&old);
	gsym_buf_dispose(&rest);
	gsym_buf_dispose(&out);
	return error;
}

int gsym_hooks_uninstall_one(const char *dir, const char *name, bool *found)
{
	gsym_buf path = GSYM_BUF_INIT, old = GSYM_BUF_INIT,
		 rest = GSYM_BUF_INIT;
	const char *p;
	int error;

	*found = false;
	gsym_path_join(&path, dir, name);
	error = gsym_platform_read_file(&old, path.ptr, 1 << 20);
	if (error == GSYM_ENOTFOUND) {
		error = 0;
		goto done;
	}
	if (error < 0 ||
		!(*found = strip_block(&rest, gsym_buf_cstr(&old), old.size)))
		goto done;
	/* nothing left but a shebang and blank lines: the hook was ours */
	p = gsym_buf_cstr(&rest);
	if (!strncmp(p, "#!", 2))
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
	p += strspn(p, " \t\r\n");
	if (!*p)
		error = gsym_platform_remove(path.ptr);
	else
		error = write_hook(path.ptr, &rest);
done:
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&old);
	gsym_buf_dispose(&rest);
	return error;
}

int gsym_hooks_count(const char *dir)
{
	gsym_buf path = GSYM_BUF_INIT, old = GSYM_BUF_INIT,
		 rest = GSYM_BUF_INIT;
	const char *const *name;
	int n = 0;

	for (name = gsym_hook_names; *name; name++) {
		gsym_buf_clear(&path);
		gsym_buf_clear(&old);
		gsym_buf_clear(&rest);
		gsym_path_join(&path, dir, *name);
		if (gsym_platform_read_file(&old, path.ptr, 1 << 20) == 0 &&
			strip_block(&rest, gsym_buf_cstr(&old), old.size))
			n++;
	}
	gsym_buf_dispose(&path);
	gsym_buf_dispose(&old);
	gsym_buf_dispose(&rest);
	return n;
}
