#include "cli/cli.h"
#include "workflow/doctor.h"

#include <string.h>

int cmd_restore(int argc, char **argv)
{
	gsym_run_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.mode = GSYM_MODE_RESTORE;
	rc = gsym_cli_parse(&o, "restore",
		GSYM_OPT_DRY_RUN | GSYM_OPT_FORCE | GSYM_OPT_FALLBACK |
			GSYM_OPT_ALLOW_OUTSIDE | GSYM_OPT_JSON |
			GSYM_OPT_VERBOSITY | GSYM_OPT_PROGRESS |
			GSYM_OPT_RECURSE,
		argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = gsym_run(&o);
	/* git could be writing links itself: say so, in one line */
	if (rc >= 0 && !o.quiet)
		gsym_doctor_hint();
	return gsym_cli_exit(rc);
}
