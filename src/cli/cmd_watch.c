#include "cli/cli.h"
#include "watch.h"

#include <string.h>

int cmd_watch(int argc, char **argv)
{
	gsym_run_opts o;
	gsym_watch_opts w;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = gsym_cli_parse(&o, "watch", GSYM_OPT_VERBOSITY, argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.npathspec)
		return gsym_cli_usage_error("watch", "watch takes no pathspec");
	memset(&w, 0, sizeof(w));
	w.quiet = o.quiet;
	return gsym_watch(&w);
}
