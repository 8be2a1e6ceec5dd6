#!/bin/sh
# Set up, build, and run every test (unit and end to end); fails on any
# failure. Under CI=true a test whose prerequisite is missing fails
# instead of skipping.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh build test exfat
./scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j1 "$@"
