#include "pipeline/report.h"
#include "util/util.h"

#include <string.h>

static void json_entry(gsym_buf *out, const gsym_entry *e)
{
	gsym_buf_puts(out, "{\"path\":");
	gsym_json_string(out, e->path, strlen(e->path));
	gsym_buf_puts(out, ",\"target\":");
	if (e->target)
		gsym_json_string(out, e->target, e->target_len);
	else
		gsym_buf_puts(out, "null");
	gsym_buf_printf(out,
		",\"type\":\"%s\",\"kind\":\"%s\",\"state\":\"%s\"",
		gsym_type_name(e->type), gsym_kind_name(e->kind),
		gsym_verdict_name(e->verdict));
	gsym_buf_puts(out, ",\"reason\":");
	if (e->message)
		gsym_json_string(out, e->message, strlen(e->message));
	else if (e->reason)
		gsym_json_string(out, e->reason, strlen(e->reason));
	else
		gsym_buf_puts(out, "null");
	gsym_buf_putc(out, '}');
}

static const char *why(const gsym_entry *e)
{
	return e->message ? e->message : e->reason ? e->reason : "";
}

/* A target as a person reads it: control bytes escaped, long ones cut. */
static void show_target(gsym_buf *out, const char *t, size_t len)
{
	size_t i, shown = len > 120 ? 120 : len;

	for (i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c < 0x20 || c == 0x7f)
			gsym_buf_printf(out, "\\%03o", c);
		else
			gsym_buf_putc(out, (char)c);
	}
	if (shown < len)
		gsym_buf_printf(out, "... (%zu bytes)", len);
}

static void text_line(gsym_buf *out, const gsym_entry *e, const char *verb)
{
	gsym_buf_printf(out, "%-9s ", verb);
	gsym_quote_path(out, e->path, false);
	if (e->target) {
		gsym_buf_puts(out, " -> ");
		show_target(out, e->target, e->target_len);
	}
	gsym_buf_printf(out, " (%s", gsym_kind_name(e->kind));
	if (*why(e))
		gsym_buf_printf(out, "; %s", why(e));
	gsym_buf_puts(out, ")\n");
}

/* The counts a report's summary and the exit decision are made of. */
typedef struct {
	size_t verdicts[GSYM_VERDICT_ERROR + 1];
	size_t made[GSYM_KIND_OTHER + 1]; /* changed by this run, by kind */
	size_t total, changed, left_alone;
} tally;

/* Does the entry's action bring it to its best state? */
static bool fixes(const gsym_entry *e)
{
	return e->action == GSYM_ACT_CREATE || e->action == GSYM_ACT_STAMP ||
		e->action == GSYM_ACT_PLACEHOLDER;
}

/*
 * The exit decision for one entry: is it left alone? For reset, the
 * modified, unsafe and failed ones; else every one not in its best
 * state, except, in a dry run, those a real run would fix.
 */
static bool left_alone(const gsym_entry *e, const gsym_report_opts *opts)
{
	if (opts->mode == GSYM_MODE_RESET)
		return e->verdict == GSYM_VERDICT_MODIFIED ||
			e->verdict == GSYM_VERDICT_ERROR ||
			e->verdict == GSYM_VERDICT_UNSAFE;
	return !gsym_verdict_is_good(e->verdict) &&
		!(opts->dry_run && fixes(e));
}

static void count(tally *t, const gsym_entries *entries,
	const gsym_report_opts *opts)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < entries->n; i++) {
		const gsym_entry *e = &entries->v[i];

		if (!(e->flags & GSYM_ENTRY_SELECTED))
			continue;
		t->total++;
		t->verdicts[e->verdict]++;
		if (e->flags & GSYM_ENTRY_CHANGED) {
			t->changed++;
			t->made[e->kind]++;
		}
		if (left_alone(e, opts))
			t->left_alone++;
	}
}

/* One entry's line (or JSON object) of the report. */
static void format_entry(gsym_buf *out, gsym_buf *err, const gsym_entry *e,
	const gsym_report_opts *opts, bool first)
{
	bool good = gsym_verdict_is_good(e->verdict);

	switch (opts->format) {
	case GSYM_REPORT_JSON:
		if (!first)
			gsym_buf_putc(out, ',');
		json_entry(out, e);
		break;
	case GSYM_REPORT_PORCELAIN:
		gsym_buf_printf(out, "%s %s %s ", gsym_verdict_name(e->verdict),
			gsym_kind_name(e->kind), gsym_type_name(e->type));
		gsym_quote_path(out, e->path, true);
		gsym_buf_putc(out, '\n');
		break;
	default:
		if (opts->dry_run && fixes(e) && !opts->quiet) {
			gsym_buf_puts(out, "would ");
			text_line(out, e,
				e->action == GSYM_ACT_CREATE ? "restore" :
					e->action == GSYM_ACT_PLACEHOLDER ?
							       "reset" :
							       "stamp");
		} else if (opts->verbose ||
			(opts->mode == GSYM_MODE_STATUS && !good &&
				!opts->quiet)) {
			text_line(out, e, gsym_verdict_name(e->verdict));
		} else if (!good && opts->mode != GSYM_MODE_STATUS &&
			(!opts->quiet || e->verdict == GSYM_VERDICT_ERROR) &&
			(opts->mode != GSYM_MODE_RESET ||
				e->verdict != GSYM_VERDICT_DANGLING)) {
			text_line(err, e, gsym_verdict_name(e->verdict));
		}
	}
}

/* The summary after the entries. */
static void format_summary(gsym_buf *out, const tally *t,
	const gsym_report_opts *opts)
{
	static const char *plural[] = { "", "symlinks", "junctions",
		"hardlinks", "copies" };
	const char *sep = " (";
	size_t i;

	if (opts->format == GSYM_REPORT_JSON) {
		gsym_buf_printf(out, "],\"summary\":{\"total\":%zu", t->total);
		for (i = 0; i <= GSYM_VERDICT_ERROR; i++)
			gsym_buf_printf(out, ",\"%s\":%zu",
				gsym_verdict_name((gsym_verdict)i),
				t->verdicts[i]);
		gsym_buf_printf(out, ",\"changed\":%zu,\"dry_run\":%s}}\n",
			t->changed, opts->dry_run ? "true" : "false");
		return;
	}
	if (opts->format != GSYM_REPORT_TEXT || opts->quiet)
		return;
	if (opts->mode == GSYM_MODE_STATUS) {
		gsym_buf_printf(out, "%zu link%s: %zu ok", t->total,
			t->total == 1 ? "" : "s",
			t->verdicts[GSYM_VERDICT_OK] +
				t->verdicts[GSYM_VERDICT_DANGLING]);
		for (i = GSYM_VERDICT_PENDING; i <= GSYM_VERDICT_ERROR; i++)
			if (t->verdicts[i] && i != GSYM_VERDICT_DANGLING)
				gsym_buf_printf(out, ", %zu %s", t->verdicts[i],
					gsym_verdict_name((gsym_verdict)i));
		if (t->verdicts[GSYM_VERDICT_DANGLING])
			gsym_buf_printf(out, " (%zu dangling)",
				t->verdicts[GSYM_VERDICT_DANGLING]);
		gsym_buf_puts(out,
			t->verdicts[GSYM_VERDICT_PENDING] ||
					t->verdicts[GSYM_VERDICT_STALE] ?
				"; run 'git symlinks restore'\n" :
				"\n");
		return;
	}
	if (opts->dry_run)
		return;
	if (opts->mode == GSYM_MODE_RESET) {
		gsym_buf_printf(out, "reset %zu of %zu links to placeholders",
			t->changed, t->total);
	} else if (t->changed == 0) {
		gsym_buf_printf(out, "%zu links checked, nothing to restore",
			t->total);
	} else {
		gsym_buf_printf(out, "restored %zu of %zu links", t->changed,
			t->total);
		for (i = GSYM_KIND_SYMLINK; i <= GSYM_KIND_COPY; i++) {
			if (!t->made[i])
				continue;
			gsym_buf_printf(out, "%s%zu %s", sep, t->made[i],
				t->made[i] == 1 ? gsym_kind_name((gsym_kind)i) :
						  plural[i]);
			sep = ", ";
		}
		if (strcmp(sep, " ("))
			gsym_buf_putc(out, ')');
	}
	if (t->left_alone)
		gsym_buf_printf(out, "; %zu left alone", t->left_alone);
	gsym_buf_putc(out, '\n');
}

size_t gsym_report(gsym_buf *out, gsym_buf *err, const gsym_entries *entries,
	const gsym_report_opts *opts)
{
	tally t;
	size_t i;
	bool first = true;

	count(&t, entries, opts);
	if (opts->format == GSYM_REPORT_JSON)
		gsym_buf_puts(out, "{\"version\":1,\"entries\":[");
	for (i = 0; i < entries->n; i++) {
		if (!(entries->v[i].flags & GSYM_ENTRY_SELECTED))
			continue;
		format_entry(out, err, &entries->v[i], opts, first);
		first = false;
	}
	format_summary(out, &t, opts);
	return t.left_alone;
}
