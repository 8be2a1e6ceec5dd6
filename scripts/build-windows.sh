#!/bin/sh
# Build build-win/git-symlinks.exe (and the Windows unit tests) with
# mingw-w64, on a static libgit2 built from Debian's own source packages.
# Installs the cross toolchain and Wine if missing. The built dependencies
# are cached under build-win/deps/<versions>/ and reused.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
out=${BUILD_WIN_DIR:-$root/build-win}
host=x86_64-w64-mingw32
jobs=$(nproc)

say() { echo "build-windows: $*" >&2; }

# --- toolchain and Wine --------------------------------------------------------
need=""
for p in gcc-mingw-w64-x86-64 libz-mingw-w64-dev wine wine64 dpkg-dev cmake make; do
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
if ! apt-cache showsrc libgit2 2>/dev/null | grep -q '^Version:'; then
	say "adding deb-src entries for Debian's archive"
	cat > /etc/apt/sources.list.d/git-symlinks-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt-get update -qq
fi

# versions newest first (the security pool may refuse some sources)
versions() {
	apt-cache showsrc "$1" | sed -n 's/^Version: //p' | sort -rV | uniq
}

key=""
for pkg in libgit2 http-parser pcre2 cmocka; do
	key="$key$pkg-$(versions "$pkg" | head -1)_"
done
deps=$out/deps/$(echo "$key" | sha1sum | cut -c1-12)
prefix=$deps/prefix

fetch() { # fetch PKG: unpack the newest source that downloads, print its dir
	for v in $(versions "$1"); do
		if (cd "$deps/src" && apt-get source -qq --download-only "$1=$v" >/dev/null 2>&1); then
			(cd "$deps/src" && dpkg-source -x --no-check ./*"$(echo "$1" | tr -d ' ')"_"${v#*:}".dsc "$1-src" >/dev/null 2>&1 ||
				dpkg-source -x ./"$1"_*.dsc "$1-src" >/dev/null)
			echo "$deps/src/$1-src"
			return 0
		fi
		say "source $1=$v did not download; trying an older one"
	done
	say "no source of $1 could be downloaded"
	return 1
}

toolchain="-DCMAKE_TOOLCHAIN_FILE=$root/cmake/mingw-w64-x86_64.cmake -DGSYM_WIN_PREFIX=$prefix"

if [ ! -f "$prefix/.complete" ]; then
	say "building the Windows dependencies into $deps (a few minutes, once)"
	rm -rf "$deps"
	mkdir -p "$deps/src" "$prefix/lib" "$prefix/include"

	# http-parser: one C file
	src=$(fetch http-parser)
	$host-gcc -O2 -c "$src/http_parser.c" -o "$deps/http_parser.o"
	$host-ar rcs "$prefix/lib/libhttp_parser.a" "$deps/http_parser.o"
	cp "$src/http_parser.h" "$prefix/include/"

	# pcre2
	src=$(fetch pcre2)
	# shellcheck disable=SC2086
	cmake -S "$src" -B "$deps/pcre2-build" $toolchain -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF \
		-DPCRE2_SUPPORT_JIT=OFF -DPCRE2_BUILD_TESTS=OFF \
		-DPCRE2_BUILD_PCRE2GREP=OFF >/dev/null
	cmake --build "$deps/pcre2-build" -j"$jobs" >/dev/null
	cmake --install "$deps/pcre2-build" >/dev/null

	# libgit2
	src=$(fetch libgit2)
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
	src=$(fetch cmocka)
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
	-DCMAKE_CROSSCOMPILING_EMULATOR="$root/scripts/wine-run.sh" >/dev/null
cmake --build "$out" -j"$jobs"
say "built $out/git-symlinks.exe"
