#!/bin/sh
# Build git 2.55 once, from Debian's sid source package (pinned), for the
# suites that run with both gits (tests/CMakeLists.txt GSYM_E2E_BOTH_GITS).
# The sid deb-src list is kept apart from the system's: its own sources
# file, lists and cache under the cache directory, never the system's
# (the machine stays on bookworm). Cached under
# $GSYM_DEPS_DIR/git-<version>/ (default build-deps/) and reused; prints
# the install prefix (its bin/ holds git). Fails loudly when the pinned
# version cannot be downloaded or built: CI must never skip it.
# build-git.sh --cached: print the prefix if it is built, else fail.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
say() { echo "build-git: $*" >&2; }

version=2.55.0
debversion=1:$version-1
# git keeps its prefix inside the binary (exec path, templates): the
# physical path, so it runs from every checkout that links to this cache
cache=${GSYM_DEPS_DIR:-$root/build-deps}
mkdir -p "$cache"
deps=$(cd -P "$cache" && pwd)/git-$version
prefix=$deps/prefix

if [ -f "$deps/.complete" ] && [ -x "$prefix/bin/git" ]; then
	echo "$prefix"
	exit 0
fi
[ "${1:-}" != --cached ] || exit 1

./scripts/deps.sh git >&2
say "building git $version into $deps (about 4 minutes on 2 cores, once)"
rm -rf "$deps"
apt=$deps/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$deps/src"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
	>"$apt/sources.list"
# apt on the sid list alone: its own lists and caches, no system parts
sidapt() {
	apt-get -q -o Dir::Etc::SourceList="$apt/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$apt/lists" \
		-o Dir::Cache="$apt/cache" \
		-o APT::Sandbox::User=root "$@"
}
log=$deps/build.log
if ! sidapt update >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	say "could not read Debian sid's source list (the whole log is $log)"
	exit 1
fi
if ! (cd "$deps/src" && sidapt source --download-only "git=$debversion") >>"$log" 2>&1; then
	tail -n 20 "$log" >&2
	say "could not download the source package git=$debversion from sid" \
		"(the pinned version may have left sid: update the pin in $0)"
	exit 1
fi
src=$deps/src/git-src
(cd "$deps/src" && dpkg-source -x "git_${version}-1.dsc" "$src") >>"$log" 2>&1 || {
	tail -n 20 "$log" >&2
	say "could not unpack git_${version}-1.dsc (the whole log is $log)"
	exit 1
}
start=$(date +%s)
if ! make -C "$src" -j"$(nproc)" NO_TCLTK=1 NO_GETTEXT=1 NO_RUST=1 NO_PERL=1 \
	NO_PYTHON=1 NO_CURL=1 NO_EXPAT=1 prefix="$prefix" install >>"$log" 2>&1; then
	tail -n 30 "$log" >&2
	say "make failed; the whole log is $log"
	exit 1
fi
have=$("$prefix/bin/git" --version)
case $have in
"git version $version") ;;
*)
	say "built '$have', expected git version $version"
	exit 1
	;;
esac
# the build tree and the source tarballs are not needed any more
rm -rf "$src" "$deps/src"/*.tar.* "$apt/cache"
say "built $have in $(($(date +%s) - start)) s"
touch "$deps/.complete"
echo "$prefix"
