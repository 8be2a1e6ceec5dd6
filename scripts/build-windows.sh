#!/bin/sh
# Build build-win/git-symlinks.exe (and the Windows unit tests) with
# mingw-w64, on a static libgit2 built from Debian's own source packages.
# Installs the cross toolchain and Wine if missing. The built dependencies
# are cached under $GSYM_DEPS_DIR/win-<versions>/ (default build-deps/)
# and reused.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
out=${BUILD_WIN_DIR:-$root/build-win}
host=x86_64-w64-mingw32
jobs=$(nproc)

say() { echo "build-windows: $*" >&2; }

# --- toolchain and Wine --------------------------------------------------------
need=""
for p in gcc-mingw-w64-x86-64 libz-mingw-w64-dev wine wine64 dpkg-dev cmake make \
	pkg-config asciidoctor; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
	say "installing:$need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

# --- Debian source packages ----------------------------------------------------
# shellcheck source=debsrc.sh
. "$root/scripts/debsrc.sh"
debsrc_enable
deps=${GSYM_DEPS_DIR:-$root/build-deps}
mkdir -p "$deps"
# the physical path: the built .pc files and archives keep the path they
# were built through, which a symlink may not outlive
deps=$(cd "$deps" && pwd -P)/win-$(debsrc_key libgit2 http-parser pcre2 cmocka)
prefix=$deps/prefix

toolchain="-DCMAKE_TOOLCHAIN_FILE=$root/cmake/mingw-w64-x86_64.cmake -DGSYM_WIN_PREFIX=$prefix"

if [ ! -f "$prefix/.complete" ]; then
	say "building the Windows dependencies into $deps (a few minutes, once)"
	rm -rf "$deps"
	mkdir -p "$deps/src" "$prefix/lib" "$prefix/include"

	# http-parser: one C file
	src=$(debsrc_fetch http-parser)
	$host-gcc -O2 -c "$src/http_parser.c" -o "$deps/http_parser.o"
	$host-ar rcs "$prefix/lib/libhttp_parser.a" "$deps/http_parser.o"
	cp "$src/http_parser.h" "$prefix/include/"

	# pcre2
	src=$(debsrc_fetch pcre2)
	# shellcheck disable=SC2086
	cmake -S "$src" -B "$deps/pcre2-build" $toolchain -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF \
		-DPCRE2_SUPPORT_JIT=OFF -DPCRE2_BUILD_TESTS=OFF \
		-DPCRE2_BUILD_PCRE2GREP=OFF >/dev/null
	cmake --build "$deps/pcre2-build" -j"$jobs" >/dev/null
	cmake --install "$deps/pcre2-build" >/dev/null

	# libgit2
	src=$(debsrc_fetch libgit2)
	# shellcheck disable=SC2086
	cmake -S "$src" -B "$deps/libgit2-build" $toolchain -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF \
		-DBUILD_TESTS=OFF -DBUILD_CLI=OFF -DBUILD_CLAR=OFF -DUSE_HTTPS=OFF \
		-DUSE_WINHTTP=OFF -DUSE_SSH=OFF -DUSE_NTLMCLIENT=OFF \
		-DUSE_HTTP_PARSER=system -DREGEX_BACKEND=pcre2 \
		-DCMAKE_C_FLAGS="-DPCRE2_STATIC -I$prefix/include" \
		-DHTTP_PARSER_INCLUDE_DIR="$prefix/include" \
		-DHTTP_PARSER_LIBRARY="$prefix/lib/libhttp_parser.a" \
		-DPCRE2_INCLUDE_DIR="$prefix/include" \
		-DPCRE2_LIBRARIES="$prefix/lib/libpcre2-8.a" \
		-DZLIB_LIBRARY=/usr/$host/lib/libz.a \
		-DZLIB_INCLUDE_DIR=/usr/$host/include >/dev/null
	cmake --build "$deps/libgit2-build" -j"$jobs" >/dev/null
	cmake --install "$deps/libgit2-build" >/dev/null

	# cmocka, for the unit tests built for Windows
	src=$(debsrc_fetch cmocka)
	# shellcheck disable=SC2086
	cmake -S "$src" -B "$deps/cmocka-build" $toolchain -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF \
		-DWITH_STATIC_LIB=ON -DUNIT_TESTING=OFF -DWITH_EXAMPLES=OFF >/dev/null
	cmake --build "$deps/cmocka-build" -j"$jobs" >/dev/null
	cmake --install "$deps/cmocka-build" >/dev/null
	touch "$prefix/.complete"
fi

# --- the program and its unit tests ----------------------------------------------
# shellcheck disable=SC2086
cmake -S "$root" -B "$out" $toolchain -DCMAKE_BUILD_TYPE=Release \
	-DGSYM_LIBGIT2_PREFIX="$prefix" \
	-DCMAKE_CROSSCOMPILING_EMULATOR="$root/scripts/wine-run.sh" >/dev/null
cmake --build "$out" -j"$jobs"
say "built $out/git-symlinks.exe"
