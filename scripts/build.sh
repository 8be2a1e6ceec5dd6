#!/bin/sh
# Install the build dependencies if missing and build into build/
# (binary: build/git-symlinks). Extra arguments go to CMake.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh build
cmake -S . -B "${BUILD_DIR:-build}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "${BUILD_DIR:-build}" -j"$(nproc)"
