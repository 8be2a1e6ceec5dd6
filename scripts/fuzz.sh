#!/bin/sh
# Build the libFuzzer harnesses with clang (ASan + UBSan) and run each for
# SECONDS (default 60) from the seed corpus in fixtures/fuzz/. New inputs
# go to a scratch corpus; crashes are saved under build-fuzz/crashes/.
# Usage: scripts/fuzz.sh [SECONDS]
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-60}
./scripts/deps.sh build fuzz
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DGSYM_FUZZ=ON \
	-DGSYM_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_validate fuzz_plan >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/gsym-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p build-fuzz/crashes

# index files as seeds for the index walker: made by git, never committed
"$root/fixtures/make-links.sh" "$work/repo" >/dev/null
for v in 2 3 4; do
	git -C "$work/repo" update-index --index-version $v
	{ printf '\0'; cat "$work/repo/.git/index"; } > "$work/index-v$v"
done

status=0
for name in validate plan; do
	corpus=$work/corpus-$name
	mkdir -p "$corpus"
	cp fixtures/fuzz/$name/* "$corpus/"
	[ "$name" != validate ] || cp "$work"/index-v* "$corpus/"
	echo "fuzz_$name: ${secs}s"
	if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
		./build-fuzz/fuzz_$name -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=build-fuzz/crashes/$name- "$corpus" \
		>"$work/$name.log" 2>&1; then
		tail -40 "$work/$name.log"
		echo "fuzz_$name: FAILED (crash saved under build-fuzz/crashes/)"
		status=1
	else
		grep -E "stat::number_of_executed_runs|cov:" "$work/$name.log" | tail -2
		echo "fuzz_$name: ok"
	fi
done
exit $status
