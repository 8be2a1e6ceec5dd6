#!/bin/sh
# Install the build dependencies if missing and build into build/
# (binary: build/git-symlinks). Extra arguments go to CMake.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh build docs
# a static libgit2 without network code (see build-libgit2.sh);
# GSYM_SYSTEM_LIBGIT2=1 links the system's instead
libgit2=""
if [ -z "${GSYM_SYSTEM_LIBGIT2:-}" ]; then
	libgit2=$(./scripts/build-libgit2.sh)
fi
cmake -S . -B "${BUILD_DIR:-build}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
	-DGSYM_LIBGIT2_PREFIX="$libgit2" "$@" >/dev/null
cmake --build "${BUILD_DIR:-build}" -j"$(nproc)"
