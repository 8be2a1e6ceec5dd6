#include "cli/cli.h"
#include "workflow/doctor.h"
#include "util/error.h"

#include <git2.h>
#include <stdio.h>

static bool json;

static const gsym_opt_spec opts[] = {
	GSYM_OPT_BOOL(0, "json", &json, "the same as one JSON object"),
	GSYM_OPT_END(),
};

const gsym_cmd gsym_cmd_doctor = {
	.name = "doctor",
	.fn = cmd_doctor,
	.summary = "say whether links can be made here, why not, what to do",
	.description =
		"One screen: whether a link can be made in this working tree now and\n"
		"why not (the file system; on Windows Developer Mode and the link\n"
		"privilege), the fallback restore uses, core.symlinks, whether the\n"
		"hooks are installed here and for new clones, the git and tool\n"
		"versions, and the one thing to do next. Changes nothing; exits 0.\n",
	.opts = opts,
};

int cmd_doctor(int argc, char **argv)
{
	gsym_doctor d;
	gsym_buf out = GSYM_BUF_INIT;
	int rc, error;

	json = false;
	if ((rc = gsym_opt_parse(&gsym_cmd_doctor, argc, argv)) !=
		GSYM_OPT_PARSED)
		return gsym_cli_parse_exit(rc);
	git_libgit2_init();
	if ((error = gsym_doctor_gather(&d)) == 0) {
		gsym_doctor_format(&out, &d, json);
		fputs(out.ptr, stdout);
	}
	gsym_buf_dispose(&out);
	gsym_doctor_dispose(&d);
	git_libgit2_shutdown();
	return gsym_cli_exit(error);
}
