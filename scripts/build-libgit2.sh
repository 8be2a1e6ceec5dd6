#!/bin/sh
# Build a static libgit2 for this machine from Debian's own source package,
# without its network code (no TLS, no SSH): the system libgit2 parses the
# whole CA bundle with mbedTLS when it starts, 4 ms of every hook run, for
# nothing this tool does. Cached under $GSYM_DEPS_DIR/linux-<version>/
# (default build-deps/) and reused; prints the install prefix.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
say() { echo "build-libgit2: $*" >&2; }

# shellcheck source=debsrc.sh
. "$root/scripts/debsrc.sh"
debsrc_enable >&2
deps=${GSYM_DEPS_DIR:-$root/build-deps}/linux-$(debsrc_key libgit2)
prefix=$deps/prefix
if [ ! -f "$prefix/.complete" ]; then
	say "building a static libgit2 into $deps (a minute, once)"
	rm -rf "$deps"
	mkdir -p "$deps/src"
	src=$(debsrc_fetch libgit2)
	log=$deps/build.log
	if ! { cmake -S "$src" -B "$deps/build" -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
		-DCMAKE_POSITION_INDEPENDENT_CODE=ON -DBUILD_SHARED_LIBS=OFF \
		-DBUILD_TESTS=OFF -DBUILD_CLI=OFF -DBUILD_CLAR=OFF \
		-DUSE_HTTPS=OFF -DUSE_SSH=OFF -DUSE_GSSAPI=OFF -DUSE_NTLMCLIENT=OFF \
		-DUSE_HTTP_PARSER=system -DREGEX_BACKEND=pcre2 &&
		cmake --build "$deps/build" -j"$(nproc)" &&
		cmake --install "$deps/build"; } >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		say "failed; the whole log is $log"
		exit 1
	fi
	touch "$prefix/.complete"
fi
echo "$prefix"
