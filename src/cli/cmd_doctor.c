#include "cli/cli.h"
#include "workflow/doctor.h"
#include "util/error.h"

#include <git2.h>

#include <stdio.h>
#include <string.h>

int cmd_doctor(int argc, char **argv)
{
	gsym_doctor d;
	bool json = false;
	int i, error;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return gsym_cli_help("doctor");
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else
			return gsym_cli_usage_error("doctor",
				"unexpected argument '%s'", argv[i]);
	}
	git_libgit2_init();
	if ((error = gsym_doctor_gather(&d)) < 0)
		gsym_error_print();
	else
		gsym_doctor_print(&d, json);
	gsym_doctor_dispose(&d);
	git_libgit2_shutdown();
	return error < 0 ? GSYM_EXIT_FATAL : 0;
}
