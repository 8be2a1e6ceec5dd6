#include "cli/opt.h"
#include "cli/cli.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

/* The column option help starts at. */
#define HELP_COLUMN 23

static const gsym_opt_spec *find_long(const gsym_opt_spec *s, const char *arg,
	size_t len)
{
	for (; s->type != GSYM_OPT_TYPE_END; s++)
		if (s->type != GSYM_OPT_TYPE_ARGS && s->name &&
			strlen(s->name) == len && !strncmp(s->name, arg, len))
			return s;
	return NULL;
}

static const gsym_opt_spec *find_short(const gsym_opt_spec *s, char c)
{
	for (; s->type != GSYM_OPT_TYPE_END; s++)
		if (s->type != GSYM_OPT_TYPE_ARGS && s->alias == c)
			return s;
	return NULL;
}

static const gsym_opt_spec *find_args(const gsym_opt_spec *s)
{
	for (; s->type != GSYM_OPT_TYPE_END; s++)
		if (s->type == GSYM_OPT_TYPE_ARGS)
			return s;
	return NULL;
}

static void set_flag(const gsym_opt_spec *s)
{
	if (s->type == GSYM_OPT_TYPE_BOOL)
		*(bool *)s->value = true;
	else
		*(int *)s->value = s->switch_value;
}

int gsym_opt_parse(const gsym_cmd *cmd, int argc, char **argv)
{
	const gsym_opt_spec *args = find_args(cmd->opts), *s;
	gsym_opt_args *out = args ? args->value : NULL;
	bool literal = false;
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;

		if (literal || a[0] != '-' || !a[1]) {
			if (!out)
				return gsym_cli_usage_error(cmd->name,
					"unexpected argument '%s'", a);
			argv[n++] = argv[i];
			if (args->flags & GSYM_OPT_LITERAL)
				literal = true;
			continue;
		}
		if (!strcmp(a, "--")) {
			literal = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			gsym_cli_help(cmd->name);
			return GSYM_OPT_HELP_SHOWN;
		}
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			s = find_long(cmd->opts, a + 2,
				eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		} else {
			eq = NULL;
			s = a[2] ? NULL : find_short(cmd->opts, a[1]);
		}
		if (!s)
			return gsym_cli_usage_error(cmd->name,
				"unknown option '%s'", a);
		if (s->type != GSYM_OPT_TYPE_VALUE) {
			if (eq)
				return gsym_cli_usage_error(cmd->name,
					"'--%s' takes no value", s->name);
			set_flag(s);
		} else if (eq) {
			*(const char **)s->value = eq + 1;
		} else if (i + 1 < argc) {
			*(const char **)s->value = argv[++i];
		} else {
			return gsym_cli_usage_error(cmd->name,
				"'--%s' needs <%s>", s->name, s->value_name);
		}
	}
	if (out) {
		out->v = argv;
		out->n = (size_t)n;
		if ((args->flags & GSYM_OPT_REQUIRED) && !n)
			return gsym_cli_usage_error(cmd->name, "which %s?",
				args->name);
	}
	return GSYM_OPT_PARSED;
}

/* How an option is shown: "-n, --dry-run" or "--fallback=<list>". */
static void spelling(gsym_buf *out, const gsym_opt_spec *s)
{
	if (s->alias)
		gsym_buf_printf(out, "-%c, ", s->alias);
	gsym_buf_printf(out, "--%s", s->name);
	if (s->type == GSYM_OPT_TYPE_VALUE)
		gsym_buf_printf(out, "=<%s>", s->value_name);
}

/* Append `word` to the usage, wrapped at 80 columns under the first. */
static void usage_word(gsym_buf *out, size_t *col, size_t indent,
	const char *word)
{
	size_t len = strlen(word);

	if (*col + 1 + len > 79) {
		gsym_buf_putc(out, '\n');
		for (*col = 0; *col < indent; (*col)++)
			gsym_buf_putc(out, ' ');
	} else {
		gsym_buf_putc(out, ' ');
		(*col)++;
	}
	gsym_buf_puts(out, word);
	*col += len;
}

void gsym_opt_usage(gsym_buf *out, const gsym_cmd *cmd)
{
	const gsym_opt_spec *s;
	gsym_buf word = GSYM_BUF_INIT;
	size_t start = out->size, col, indent;

	gsym_buf_printf(out, "usage: git-symlinks %s", cmd->name);
	col = indent = out->size - start;
	indent = indent > 40 ? 8 : indent + 1;
	for (s = cmd->opts; s && s->type != GSYM_OPT_TYPE_END; s++) {
		if (s->flags & GSYM_OPT_HIDDEN)
			continue;
		gsym_buf_clear(&word);
		if (s->type == GSYM_OPT_TYPE_ARGS)
			gsym_buf_printf(&word,
				(s->flags & GSYM_OPT_REQUIRED) ? "[--] %s" :
								 "[--] [%s]",
				s->name);
		else if (s->alias && s->type == GSYM_OPT_TYPE_VALUE)
			gsym_buf_printf(&word, "[-%c <%s>]", s->alias,
				s->value_name);
		else if (s->alias)
			gsym_buf_printf(&word, "[-%c]", s->alias);
		else if (s->type == GSYM_OPT_TYPE_VALUE)
			gsym_buf_printf(&word, "[--%s=<%s>]", s->name,
				s->value_name);
		else
			gsym_buf_printf(&word, "[--%s]", s->name);
		usage_word(out, &col, indent, word.ptr);
	}
	gsym_buf_dispose(&word);
}

/*
 * `help` and a newline, each line after the first indented to the help
 * column (as git's parse-options does), so tables need no padding.
 */
static void put_help(gsym_buf *out, const char *help)
{
	const char *nl;

	while ((nl = strchr(help, '\n')) != NULL) {
		gsym_buf_put(out, help, (size_t)(nl - help) + 1);
		gsym_buf_printf(out, "%*s", HELP_COLUMN, "");
		help = nl + 1;
	}
	gsym_buf_puts(out, help);
	gsym_buf_putc(out, '\n');
}

void gsym_opt_help(gsym_buf *out, const gsym_cmd *cmd)
{
	const gsym_opt_spec *s;
	gsym_buf line = GSYM_BUF_INIT;

	gsym_opt_usage(out, cmd);
	gsym_buf_puts(out, "\n\n");
	gsym_buf_puts(out, cmd->description);
	if (cmd->opts && cmd->opts->type != GSYM_OPT_TYPE_END)
		gsym_buf_putc(out, '\n');
	for (s = cmd->opts; s && s->type != GSYM_OPT_TYPE_END; s++) {
		if (s->type == GSYM_OPT_TYPE_ARGS || !s->help)
			continue;
		gsym_buf_clear(&line);
		gsym_buf_puts(&line, "  ");
		spelling(&line, s);
		if (line.size + 1 >= HELP_COLUMN) {
			gsym_buf_putc(&line, '\n');
			gsym_buf_put(out, line.ptr, line.size);
			gsym_buf_clear(&line);
		}
		while (line.size < HELP_COLUMN)
			gsym_buf_putc(&line, ' ');
		gsym_buf_put(out, line.ptr, line.size);
		put_help(out, s->help);
	}
	gsym_buf_dispose(&line);
}
