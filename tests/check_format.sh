#!/bin/sh
# The C sources are formatted with the repository's .clang-format.
cd "$(dirname "$0")/.." || exit 1
command -v clang-format >/dev/null 2>&1 || {
	[ "${CI:-}" = true ] && { echo "FAIL - clang-format missing under CI" >&2; exit 1; }
	echo "SKIP - clang-format not installed" >&2
	exit 77
}
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 2>/dev/null ||
	find src tests -name '*.[ch]')
# shellcheck disable=SC2086 # one path a word (no spaces in src/ or tests/)
if clang-format --dry-run -Werror $files; then
	echo "format: 1 passed, 0 failed"
else
	echo "format: 0 passed, 1 failed (run: clang-format -i \$(git ls-files '*.[ch]'))"
	exit 1
fi
