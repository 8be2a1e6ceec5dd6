#include "cli/cli.h"

#include <string.h>

int cmd_status(int argc, char **argv)
{
	gsym_run_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.mode = GSYM_MODE_STATUS;
	rc = gsym_cli_parse(&o, "status",
		GSYM_OPT_JSON | GSYM_OPT_PORCELAIN | GSYM_OPT_VERBOSITY |
			GSYM_OPT_FALLBACK | GSYM_OPT_ALLOW_OUTSIDE |
			GSYM_OPT_RECURSE,
		argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	return gsym_cli_exit(gsym_run(&o));
}
