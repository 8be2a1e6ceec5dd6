#include "cli/cli.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const gsym_cmd *gsym_cmd_find(const char *name)
{
	const gsym_cmd *c;

	for (c = gsym_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int gsym_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	const gsym_cmd *c = cmd ? gsym_cmd_find(cmd) : NULL;
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (c)
		fprintf(stderr, "\nusage: %.*s\n", (int)strcspn(c->usage, "\n"),
			c->usage);
	else
		fputs("\nsee 'git symlinks --help'\n", stderr);
	return GSYM_EXIT_USAGE;
}

int gsym_cli_help(const char *cmd)
{
	const gsym_cmd *c = gsym_cmd_find(cmd);

	if (c)
		fputs(c->usage, stdout);
	return 0;
}

static bool is(const char *arg, const char *a, const char *b)
{
	return !strcmp(arg, a) || (b && !strcmp(arg, b));
}

int gsym_cli_parse(gsym_run_opts *out, const char *cmd, unsigned int allowed,
	int argc, char **argv)
{
	int i, n = 0;
	bool dashdash = false;

	out->recurse_submodules = -1; /* submodule.recurse decides */

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1]) {
			argv[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
		} else if (is(a, "-h", "--help")) {
			gsym_cli_help(cmd);
			return -1;
		} else if ((allowed & GSYM_OPT_DRY_RUN) &&
			is(a, "-n", "--dry-run")) {
			out->dry_run = true;
		} else if ((allowed & GSYM_OPT_FORCE) &&
			is(a, "-f", "--force")) {
			out->force = true;
		} else if ((allowed & GSYM_OPT_FALLBACK) &&
			!strncmp(a, "--fallback=", 11)) {
			out->fallback = a + 11;
		} else if ((allowed & GSYM_OPT_FALLBACK) &&
			!strcmp(a, "--fallback")) {
			if (++i == argc)
				return gsym_cli_usage_error(cmd,
					"--fallback needs a list");
			out->fallback = argv[i];
		} else if ((allowed & GSYM_OPT_ALLOW_OUTSIDE) &&
			!strcmp(a, "--allow-outside")) {
			out->allow_outside = true;
		} else if ((allowed & GSYM_OPT_JSON) && !strcmp(a, "--json")) {
			out->format = GSYM_REPORT_JSON;
		} else if ((allowed & GSYM_OPT_PORCELAIN) &&
			!strcmp(a, "--porcelain")) {
			out->format = GSYM_REPORT_PORCELAIN;
		} else if ((allowed & GSYM_OPT_VERBOSITY) &&
			is(a, "-q", "--quiet")) {
			out->quiet = true;
		} else if ((allowed & GSYM_OPT_VERBOSITY) &&
			is(a, "-v", "--verbose")) {
			out->verbose = true;
		} else if ((allowed & GSYM_OPT_PROGRESS) &&
			!strcmp(a, "--progress")) {
			out->progress = true;
		} else if ((allowed & GSYM_OPT_RECURSE) &&
			!strcmp(a, "--recurse-submodules")) {
			out->recurse_submodules = 1;
		} else if ((allowed & GSYM_OPT_RECURSE) &&
			!strcmp(a, "--no-recurse-submodules")) {
			out->recurse_submodules = 0;
		} else {
			return gsym_cli_usage_error(cmd, "unknown option '%s'",
				a);
		}
	}
	out->pathspec = argv;
	out->npathspec = (size_t)n;
	if (out->fallback) {
		gsym_plan_opts probe;

		if (gsym_run_parse_fallback(&probe, out->fallback) < 0)
			return gsym_cli_usage_error(cmd, "%s",
				gsym_error_last());
	}
	return 0;
}

int gsym_cli_exit(int result)
{
	if (result < 0) {
		gsym_error_print();
		return GSYM_EXIT_FATAL;
	}
	return result == GSYM_PARTIAL ? GSYM_EXIT_LEFT_ALONE : GSYM_EXIT_OK;
}
