# shellcheck shell=bash
# bash completion for git-symlinks. git's own completion calls
# _git_symlinks for `git symlinks <TAB>`, loading this file through
# bash-completion's loader (completions/git-symlinks) when needed.

# shellcheck disable=SC2154 # $cur is git's completion's, which calls this
_git_symlinks ()
{
	local subcommands="restore status reset watch add install-hooks uninstall-hooks doctor help"
	local subcommand
	subcommand="$(__git_find_on_cmdline "$subcommands")"
	if [ -z "$subcommand" ]; then
		case "$cur" in
		-*) __gitcomp "--version --help -C" ;;
		*) __gitcomp "$subcommands" ;;
		esac
		return
	fi

	case "$subcommand,$cur" in
	restore,--fallback=* | status,--fallback=*)
		__gitcomp "junction,copy junction,hardlink,copy hardlink,copy copy none" "" "${cur##--fallback=}"
		;;
	restore,-*)
		__gitcomp "--dry-run --force --fallback= --allow-outside --jobs=
			--json --quiet --verbose --progress --no-progress --recurse-submodules
			--no-recurse-submodules --help"
		;;
	status,-*)
		__gitcomp "--json --porcelain --quiet --verbose --fallback=
			--allow-outside --recurse-submodules --no-recurse-submodules
			--help"
		;;
	reset,-*)
		__gitcomp "--dry-run --json --quiet --verbose
			--recurse-submodules --no-recurse-submodules --help"
		;;
	watch,-*)
		__gitcomp "--quiet --help"
		;;
	add,-*)
		__gitcomp "--target= --allow-outside --help"
		;;
	install-hooks,-*)
		__gitcomp "--template= --global --system --migrate --force --enable-symlinks --help"
		;;
	uninstall-hooks,-*)
		__gitcomp "--template= --global --system --help"
		;;
	doctor,-*)
		__gitcomp "--json --help"
		;;
	help,*)
		__gitcomp "$subcommands"
		;;
	esac
}

# `git-symlinks <TAB>` too, when git's completion is loaded
if declare -f __git_complete >/dev/null 2>&1; then
	__git_complete git-symlinks _git_symlinks
fi
