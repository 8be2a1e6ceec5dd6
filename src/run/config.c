/*
 * What a run reads of git's config: symlinks.fallback, allowOutside,
 * copyLimit and jobs, and submodule.recurse.
 */
#include "run/run_repo.h"
#include "util/error.h"
#include "pipeline/copy.h"
#include "git/repo.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gsym_run_parse_fallback(gsym_plan_opts *opts, const char *list)
{
	const char *p = list;

	opts->nfallbacks = 0;
	if (!strcmp(list, "none") || !*list)
		return 0;
	while (*p) {
		size_t len = strcspn(p, ", ");
		int how = gsym_how_parse(p, len);
		unsigned int i;

		if (how < 0)
			return gsym_error_set(
				"unknown fallback '%.*s' in '%s'; "
				"use junction, hardlink, copy or "
				"none",
				(int)len, p, list);
		for (i = 0; i < opts->nfallbacks; i++)
			if (opts->fallbacks[i] == how)
				break;
		if (i == opts->nfallbacks)
			opts->fallbacks[opts->nfallbacks++] =
				(unsigned char)how;
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

/*
 * symlinks.fallback, symlinks.allowOutside, symlinks.copyLimit,
 * symlinks.jobs and (when `*recurse` is GSYM_SUBMODULES_CONFIG) submodule.recurse from git
 * config, in one snapshot.
 */
int gsym_run_read_config(gsym_plan_opts *plan, const gsym_run_opts *o,
	git_config *cfg, int *recurse, unsigned int *jobs)
{
	git_buf value = { NULL, 0, 0 };
	const char *fallback = o->fallback;
	int flag = 0, error = 0;

	if (!fallback &&
		git_config_get_string_buf(&value, cfg, "symlinks.fallback") ==
			0)
		fallback = value.ptr;
	if (!fallback)
		fallback = plan->platform->default_fallback;
	if (gsym_run_parse_fallback(plan, fallback) < 0)
		error = gsym_error_wrap(GSYM_ERROR, "bad symlinks.fallback");
	if (git_config_get_bool(&flag, cfg, "symlinks.allowOutside") == 0)
		plan->allow_outside = plan->allow_outside || flag;
	plan->copy_limit.files = GSYM_COPY_LIMIT_FILES;
	plan->copy_limit.bytes = GSYM_COPY_LIMIT_BYTES;
	git_buf_dispose(&value);
	if (git_config_get_string_buf(&value, cfg, "symlinks.copyLimit") == 0 &&
		gsym_copy_limit_parse(&plan->copy_limit, value.ptr) < 0)
		error = -1;
	git_error_clear();
	if (*recurse == GSYM_SUBMODULES_CONFIG)
		*recurse = git_config_get_bool(&flag, cfg,
				   "submodule.recurse") == 0 &&
			flag;
	/* threads that look at the tree; 0 or unset: one per processor */
	*jobs = o->jobs;
	if (!*jobs && git_config_get_int32(&flag, cfg, "symlinks.jobs") == 0 &&
		flag > 0)
		*jobs = (unsigned int)flag;
	/*
	 * unset: one per processor, and at least 4: making links waits on
	 * the disk more than on a processor (git's preload-index, for the
	 * same reason, uses up to 20 threads whatever the processors)
	 */
	if (!*jobs)
		*jobs = gsym_platform_cpus() > 4 ? gsym_platform_cpus() : 4;
	git_buf_dispose(&value);
	return error;
}
