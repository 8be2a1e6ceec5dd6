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
# git 2.55 for the e2e_<suite>_git255 runs: GSYM_GIT255_PREFIX (set and
# empty: none), else the one scripts/build-git.sh built, if it did
if [ -z "${GSYM_GIT255_PREFIX+set}" ]; then
	GSYM_GIT255_PREFIX=$(./scripts/build-git.sh --cached 2>/dev/null) || GSYM_GIT255_PREFIX=""
fi
cmake -S . -B "${BUILD_DIR:-build}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
	-DGSYM_LIBGIT2_PREFIX="$libgit2" -DGSYM_GIT255_PREFIX="$GSYM_GIT255_PREFIX" "$@" >/dev/null
cmake --build "${BUILD_DIR:-build}" -j"$(nproc)"
