/*
 * git-symlinks: the entry point. Global options, then one command from
 * the table below.
 */
#include "cli/cli.h"
#include "platform/platform.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

const gsym_cmd gsym_commands[] = {
	{ "restore", cmd_restore,
		"make every link entry real (or its best fallback)",
		"git-symlinks restore [-n] [-f] [--fallback=<list>] "
		"[--allow-outside] [--json] [-q|-v] [--progress] [--] "
		"[<pathspec>...]\n\n"
		"Put at the path of each mode-120000 index entry a real "
		"symbolic link\nwith exactly the committed target, or else "
		"the first fallback that\nworks and is safe; keep the index "
		"seeing the committed link.\n\n"
		"  -n, --dry-run        print what would change, change "
		"nothing\n"
		"  -f, --force          also replace edited placeholders and "
		"copies,\n"
		"                       after saving them under "
		"$GIT_DIR/symlinks/backup/\n"
		"  --fallback=<list>    junction,hardlink,copy in any order, or "
		"none\n"
		"                       (default: symlinks.fallback, else "
		"copy)\n"
		"  --allow-outside      allow native links leaving the tree "
		"where that\n"
		"                       is a risk (they are never copied)\n"
		"  --json               machine-readable report on stdout\n"
		"  -q, --quiet          print only errors\n"
		"  -v, --verbose        print every entry\n"
		"  --progress           show progress on stderr\n"
		"  --[no-]recurse-submodules  also in checked-out submodules "
		"(default:\n"
		"                       submodule.recurse)\n" },
	{ "status", cmd_status,
		"report each link entry's state, change nothing",
		"git-symlinks status [--json|--porcelain] [-q|-v] [--] "
		"[<pathspec>...]\n\n"
		"Report the state of each link entry: ok, pending (a "
		"placeholder restore\nwill replace), stale, modified, unsafe, "
		"dangling or error. Exit 1 when\nany entry is not in its "
		"best state.\n\n"
		"  --json               machine-readable report\n"
		"  --porcelain          one line per entry: state kind type "
		"path\n"
		"  -q, --quiet          print nothing, exit code only\n"
		"  -v, --verbose        print every entry, not only those "
		"needing work\n" },
	{ "reset", cmd_reset,
		"put git's own placeholders back, undo this tool's changes",
		"git-symlinks reset [-n] [--json] [-q|-v] [--] "
		"[<pathspec>...]\n\n"
		"Put back the placeholder files git writes with "
		"core.symlinks=false,\nclear the index bits, exclude lines and "
		"state this tool added: the tree\nis then exactly as git left "
		"it. Edited fallbacks are left alone (exit 1).\n\n"
		"  -n, --dry-run        print what would change, change "
		"nothing\n"
		"  --json               machine-readable report\n"
		"  -q, --quiet / -v, --verbose\n" },
	{ "watch", cmd_watch,
		"keep copies fresh while it runs (refresh on a target's save)",
		"git-symlinks watch [-q]\n\n"
		"Run in the foreground until Ctrl-C, watching the targets of "
		"the tree's\ncopies: within 200 ms of a target being saved, "
		"its unedited copies are\nrefreshed exactly as 'restore' "
		"would; an edited copy is left alone and\nreported once. "
		"After a checkout (the index changed) every link is\nrestored "
		"again and the new copies' targets watched.\n\n"
		"  -q, --quiet          no line per refresh\n" },
	{ "add", cmd_add,
		"record links and junctions in the tree as link entries",
		"git-symlinks add [--allow-outside] [--target <target>] [--] "
		"<path>...\n\n"
		"Record the links and junctions at <path>... as mode-120000 "
		"entries,\ntheir targets made relative with '/' separators (a "
		"junction's absolute\ntarget inside the tree becomes "
		"relative; outside it is refused).\n\n"
		"  --target <target>    make the link first (or its best "
		"fallback), then\n"
		"                       record it (one path)\n"
		"  --allow-outside      record a link whose target leaves the "
		"tree as is\n" },
	{ "install-hooks", cmd_install_hooks,
		"install the git hooks that keep links real",
		"git-symlinks install-hooks [--template <dir> | --global]\n\n"
		"Add a marked block to post-checkout, post-merge, post-rewrite "
		"(restore)\nand pre-commit (the guard) in this repository's "
		"hooks (core.hooksPath\nhonoured); a user's own hook keeps "
		"running.\n\n"
		"  --template <dir>     into <dir>/hooks (git clone "
		"--template=<dir>)\n"
		"  --global             into init.templateDir (set to "
		"~/.git-templates/git-symlinks\n"
		"                       if unset): every later clone gets "
		"them\n" },
	{ "uninstall-hooks", cmd_uninstall_hooks,
		"remove this tool's block from the git hooks",
		"git-symlinks uninstall-hooks [--template <dir> | --global]\n\n"
		"Remove only this tool's block from each hook; a hook left "
		"empty is\nremoved.\n" },
	{ "hook", cmd_hook, "run by the installed hooks",
		"git-symlinks hook <post-checkout|post-merge|post-rewrite|post-index-change|"
		"pre-commit> [<args>]\n\n"
		"What the installed hooks run: restore (only what changed, "
		"on a branch\nswitch), or the pre-commit guard that keeps "
		"link entries from being\ncommitted as their copies.\n" },
	{ "help", cmd_help, "show help for a command",
		"git-symlinks help [<command>]\n\nShow the list of commands, "
		"or one command's help.\n" },
	{ NULL, NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	const gsym_cmd *c;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-C")) {
			if (i + 1 >= argc)
				return gsym_cli_usage_error(NULL,
					"-C needs a directory");
			if (gsym_platform_chdir(argv[i + 1]) < 0) {
				fprintf(stderr, "fatal: %s\n",
					gsym_error_last());
				return GSYM_EXIT_FATAL;
			}
			i += 2;
		} else if (!strcmp(argv[i], "--version")) {
			printf("git-symlinks version %s\n", GSYM_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-h") ||
			!strcmp(argv[i], "--help")) {
			return cmd_help(1, argv);
		} else {
			return gsym_cli_usage_error(NULL, "unknown option '%s'",
				argv[i]);
		}
	}
	if (i == argc) {
		cmd_help(1, argv);
		return GSYM_EXIT_USAGE;
	}
	if (!(c = gsym_cmd_find(argv[i])))
		return gsym_cli_usage_error(NULL,
			"'%s' is not a git-symlinks command", argv[i]);
	return c->fn(argc - i, argv + i);
}
