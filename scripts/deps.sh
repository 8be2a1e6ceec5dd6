#!/bin/sh
# Install what building and testing need, from Debian's archive, only when
# something is missing. Usage: scripts/deps.sh [build|test|exfat|docs|
# package|install|wine|fuzz|valgrind|bench|lint|git]...
set -eu

need=""
want() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed" || need="$need $1"; }

for what in "${@:-build}"; do
	case $what in
	build) for p in build-essential cmake pkg-config git libgit2-dev libcmocka-dev clang-format \
		dpkg-dev libhttp-parser-dev libpcre2-dev zlib1g-dev; do want "$p"; done ;;
	test) for p in python3 git strace; do want "$p"; done ;;
	exfat) for p in exfatprogs exfat-fuse fuse3 bindfs; do want "$p"; done ;;
	fuzz) for p in clang libclang-rt-14-dev; do want "$p"; done ;;
	valgrind) want valgrind ;;
	# the shell scripts checked (scripts/check-shell.sh)
	lint) want shellcheck ;;
	docs) want asciidoctor ;;
	# the .deb, the zip and the Windows installer (scripts/package.sh)
	package) for p in dpkg-dev fakeroot zip unzip nsis; do want "$p"; done ;;
	# what tests/e2e/test_install.sh uses the installed files with
	install) for p in man-db bash-completion; do want "$p"; done ;;
	wine) for p in gcc-mingw-w64-x86-64 libz-mingw-w64-dev wine wine64; do want "$p"; done ;;
	bench) for p in hyperfine time python3 git; do want "$p"; done ;;
	# git 2.55 from Debian's sid source package (scripts/build-git.sh),
	# built without curl, expat, gettext, perl, python, Tcl/Tk or Rust
	git) for p in build-essential dpkg-dev xz-utils zlib1g-dev gpgv \
		debian-archive-keyring; do want "$p"; done ;;
	*) echo "deps.sh: unknown set '$what'" >&2; exit 2 ;;
	esac
done

if [ -n "$need" ]; then
	echo "installing:$need" >&2
	if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
