#include "platform/progress.h"
#include "platform/platform.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

bool gsym_progress_wanted(int mode)
{
	if (mode)
		return mode > 0;
	return gsym_platform_stderr_is_terminal();
}

/* git's GIT_PROGRESS_DELAY (whole seconds), else ours. */
static uint64_t delay_ms(void)
{
	const char *v = getenv("GIT_PROGRESS_DELAY");
	char *end;
	long s;

	if (v && *v) {
		s = strtol(v, &end, 10);
		if (!*end && s >= 0 && s < 86400)
			return (uint64_t)s * 1000;
	}
	return GSYM_PROGRESS_DELAY_MS;
}

void gsym_progress_start(gsym_progress *p, const char *title, uint64_t total,
	bool enabled, FILE *out)
{
	memset(p, 0, sizeof(*p));
	p->title = title;
	p->total = total;
	p->enabled = enabled;
	p->out = out;
	if (enabled)
		p->next_ms = gsym_platform_clock_ms() + delay_ms();
}

/* "1.20 MiB", as git's strbuf_humanise_bytes, rounded down. */
static void bytes_text(gsym_buf *out, uint64_t bytes)
{
	static const char *units[] = { "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;
	uint64_t scale = 1024;

	if (bytes < 1024) {
		gsym_buf_printf(out, "%" PRIu64 " bytes", bytes);
		return;
	}
	while (u + 1 < GSYM_ARRAY_SIZE(units) && bytes >= scale * 1024) {
		scale *= 1024;
		u++;
	}
	gsym_buf_printf(out, "%" PRIu64 ".%02u %s", bytes / scale,
		(unsigned int)((bytes % scale) * 100 / scale), units[u]);
}

void gsym_progress_format(gsym_buf *out, const char *title, uint64_t n,
	uint64_t total, uint64_t files, uint64_t bytes)
{
	gsym_buf_printf(out, "%s: ", title);
	if (total) {
		if (n > total)
			n = total;
		gsym_buf_printf(out, "%3u%% (%" PRIu64 "/%" PRIu64 ")",
			(unsigned int)(n * 100 / total), n, total);
	} else {
		gsym_buf_printf(out, "%" PRIu64, n);
	}
	if (files) {
		gsym_buf_printf(out, ", %" PRIu64 " file%s, ", files,
			files == 1 ? "" : "s");
		bytes_text(out, bytes);
	}
}

bool gsym_progress_due(gsym_progress *p, uint64_t now_ms)
{
	if (!p->enabled ||
		now_ms < __atomic_load_n(&p->next_ms, __ATOMIC_RELAXED) ||
		__atomic_exchange_n(&p->busy, 1, __ATOMIC_ACQUIRE))
		return false;
	/* another thread printed meanwhile */
	if (now_ms < __atomic_load_n(&p->next_ms, __ATOMIC_RELAXED)) {
		__atomic_store_n(&p->busy, 0, __ATOMIC_RELEASE);
		return false;
	}
	__atomic_store_n(&p->next_ms, now_ms + GSYM_PROGRESS_INTERVAL_MS,
		__ATOMIC_RELAXED);
	return true;
}

void gsym_progress_release(gsym_progress *p)
{
	__atomic_store_n(&p->busy, 0, __ATOMIC_RELEASE);
}

/* Rewrite the line in place; `eol` ends it (", done.\n" at the end). */
static void show(gsym_progress *p, const char *eol)
{
	gsym_buf line = GSYM_BUF_INIT;
	size_t len;

	gsym_progress_format(&line, p->title,
		__atomic_load_n(&p->n, __ATOMIC_RELAXED), p->total,
		__atomic_load_n(&p->files, __ATOMIC_RELAXED),
		__atomic_load_n(&p->bytes, __ATOMIC_RELAXED));
	len = line.size;
	/* blank what a longer line before left */
	while (line.size < p->last_len)
		gsym_buf_putc(&line, ' ');
	gsym_buf_puts(&line, eol);
	fprintf(p->out, "\r%s", line.ptr);
	fflush(p->out);
	p->last_len = len;
	p->shown = true;
	gsym_buf_dispose(&line);
}

static void tick(gsym_progress *p)
{
	if (!gsym_progress_due(p, gsym_platform_clock_ms()))
		return;
	show(p, "");
	gsym_progress_release(p);
}

void gsym_progress_add(gsym_progress *p, uint64_t n)
{
	if (!p || !p->enabled)
		return;
	__atomic_add_fetch(&p->n, n, __ATOMIC_RELAXED);
	tick(p);
}

void gsym_progress_copied(gsym_progress *p, uint64_t files, uint64_t bytes)
{
	if (!p || !p->enabled)
		return;
	__atomic_add_fetch(&p->files, files, __ATOMIC_RELAXED);
	__atomic_add_fetch(&p->bytes, bytes, __ATOMIC_RELAXED);
	tick(p);
}

void gsym_progress_stop(gsym_progress *p)
{
	if (p && p->enabled && p->shown)
		show(p, ", done.\n");
	if (p)
		p->enabled = false;
}
