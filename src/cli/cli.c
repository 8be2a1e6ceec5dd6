#include "cli/cli.h"
#include "workflow/doctor.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const gsym_cmd *gsym_cmd_find(const char *name)
{
	const gsym_cmd *const *c;

	for (c = gsym_commands; *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

int gsym_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	const gsym_cmd *c = cmd ? gsym_cmd_find(cmd) : NULL;
	gsym_buf msg = GSYM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gsym_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	gsym_error_set("%s", msg.ptr);
	gsym_error_print();
	gsym_buf_clear(&msg);
	if (c) {
		gsym_opt_usage(&msg, c);
		fprintf(stderr, "%s\n", msg.ptr);
	} else {
		fputs("see 'git symlinks --help'\n", stderr);
	}
	gsym_buf_dispose(&msg);
	return GSYM_EXIT_USAGE;
}

void gsym_cli_help(const char *cmd)
{
	const gsym_cmd *c = gsym_cmd_find(cmd);
	gsym_buf out = GSYM_BUF_INIT;

	if (c) {
		gsym_opt_help(&out, c);
		fputs(out.ptr, stdout);
	}
	gsym_buf_dispose(&out);
}

void gsym_cli_hint(void)
{
	gsym_buf hint = GSYM_BUF_INIT;

	gsym_doctor_hint(&hint);
	fputs(gsym_buf_cstr(&hint), stderr);
	gsym_buf_dispose(&hint);
}

int gsym_cli_parse_exit(int parsed)
{
	assert(parsed != GSYM_OPT_PARSED);
	return parsed == GSYM_OPT_HELP_SHOWN ? GSYM_EXIT_OK : parsed;
}

int gsym_cli_exit(int result)
{
	if (result < 0) {
		gsym_error_print();
		return GSYM_EXIT_FATAL;
	}
	return result == GSYM_PARTIAL ? GSYM_EXIT_LEFT_ALONE : GSYM_EXIT_OK;
}

int gsym_cli_prepare(const gsym_cmd *cmd, gsym_run_opts *o,
	const char *const *jobs, int argc, char **argv)
{
	gsym_opt_args *paths;
	const gsym_opt_spec *s;
	int rc;

	if ((rc = gsym_opt_parse(cmd, argc, argv)) != GSYM_OPT_PARSED)
		return rc;
	for (s = cmd->opts; s->type != GSYM_OPT_TYPE_END; s++)
		if (s->type == GSYM_OPT_TYPE_ARGS) {
			paths = s->value;
			o->pathspec = paths->v;
			o->npathspec = paths->n;
		}
	if (jobs && *jobs) {
		char *end;
		long n = strtol(*jobs, &end, 10);

		if (*end || n < 1 || n > 256)
			return gsym_cli_usage_error(cmd->name,
				"--jobs takes a number from 1 to 256, not '%s'",
				*jobs);
		o->jobs = (unsigned int)n;
	}
	if (o->fallback) {
		gsym_plan_opts probe;

		if (gsym_run_parse_fallback(&probe, o->fallback) < 0)
			return gsym_cli_usage_error(cmd->name, "%s",
				gsym_error_last());
	}
	return GSYM_OPT_PARSED;
}

int gsym_cli_run(const gsym_cmd *cmd, gsym_run_opts *o, const char *const *jobs,
	int argc, char **argv)
{
	int rc = gsym_cli_prepare(cmd, o, jobs, argc, argv);

	if (rc != GSYM_OPT_PARSED)
		return gsym_cli_parse_exit(rc);
	return gsym_cli_exit(gsym_run(o));
}
