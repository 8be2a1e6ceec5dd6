#include "platform/portable.h"
#include "platform/platform.h"
#include "util/buf.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

int gsym_mkdirs(const char *dir)
{
	gsym_buf p = GSYM_BUF_INIT;
	const char *s = dir + 1;
	int error = 0;

	for (;; s++) {
		if (*s != '/' && *s)
			continue;
		gsym_buf_clear(&p);
		gsym_buf_put(&p, dir, (size_t)(s - dir));
		/* a drive ("C:") or an existing directory is fine */
		if (p.size > 2 || p.ptr[p.size - 1] != ':') {
			error = gsym_platform_mkdir(p.ptr);
			if (error == GSYM_EEXISTS)
				error = 0;
		}
		if (error || !*s || !s[1])
			break;
	}
	gsym_buf_dispose(&p);
	return error;
}

static void mark_name(gsym_buf *out, const char *path, long pid)
{
	gsym_buf_printf(out, "%s.%ld.tmp", path, pid);
}

void gsym_lock_forget_mark(const char *path, long pid)
{
	gsym_buf tmp = GSYM_BUF_INIT;

	mark_name(&tmp, path, pid);
	gsym_platform_remove(tmp.ptr);
	gsym_buf_dispose(&tmp);
}

int gsym_lock_with_mark(const char *path, const char *mark)
{
	gsym_buf tmp = GSYM_BUF_INIT;
	int error;

	mark_name(&tmp, path, gsym_platform_pid());
	gsym_platform_remove(tmp.ptr); /* a killed run's, pid since reused */
	error = gsym_platform_write_new(tmp.ptr, mark, strlen(mark));
	if (!error) {
		error = gsym_platform_hardlink(tmp.ptr, path);
		gsym_platform_remove(tmp.ptr);
	}
	gsym_buf_dispose(&tmp);
	if (error == GSYM_EEXISTS) /* its "file exists" (or, gone since, it) */
		return gsym_platform_lock(path, mark);
	if (error == GSYM_EUNSUPPORTED || error == GSYM_EPRIVILEGE) {
		gsym_error_clear();
		return gsym_platform_lock(path, mark);
	}
	return error;
}

typedef struct {
	size_t from, to;
	void (*fn)(void *arg, size_t i);
	void *arg;
	gsym_thread *thread;
} share;

static void run_share(void *payload)
{
	share *s = payload;
	size_t i;

	for (i = s->from; i < s->to; i++)
		s->fn(s->arg, i);
}

void gsym_parallel(size_t n, unsigned int jobs, void (*fn)(void *arg, size_t i),
	void *arg)
{
	share *shares;
	unsigned int t;

	if (jobs < 2 || n < 2) {
		jobs = 1;
	} else if (jobs > n) {
		jobs = (unsigned int)n;
	}
	shares = gsym_calloc(jobs, sizeof(*shares));
	for (t = 0; t < jobs; t++) {
		shares[t].from = n / jobs * t;
		shares[t].to = t + 1 == jobs ? n : n / jobs * (t + 1);
		shares[t].fn = fn;
		shares[t].arg = arg;
	}
	for (t = 1; t < jobs; t++)
		gsym_platform_thread_start(&shares[t].thread, run_share,
			&shares[t]);
	run_share(&shares[0]);
	for (t = 1; t < jobs; t++) {
		if (shares[t].thread)
			gsym_platform_thread_join(shares[t].thread);
		else
			run_share(&shares[t]);
	}
	free(shares);
	gsym_error_clear();
}
