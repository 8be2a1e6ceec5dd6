#!/bin/sh
# Every shell script of the project passes ShellCheck (Debian's package):
# scripts/, tests/ (the end-to-end suites and their lib.sh), fixtures/,
# the bash completion and .ci/run, sourced files followed (-x; where to,
# .shellcheckrc and the `# shellcheck source=` lines). A finding is fixed
# in the code, or disabled on its line with the reason. Exits 1 naming
# each finding; without shellcheck, skips (77), or fails under CI=true.
set -eu
cd "$(dirname "$0")/.."

if ! command -v shellcheck >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL - shellcheck missing under CI (scripts/deps.sh lint)" >&2
		exit 1
	fi
	echo "SKIP - shellcheck not installed (scripts/deps.sh lint)" >&2
	exit 77
fi

files=""
for f in $(git ls-files --cached --others --exclude-standard 'scripts/*.sh' \
	'tests/*.sh' 'fixtures/*.sh' 'contrib/completion/*.bash' .ci/run 2>/dev/null ||
	find scripts tests fixtures contrib/completion .ci -name '*.sh' -o \
		-name '*.bash' -o -path .ci/run); do
	if [ -f "$f" ]; then files="$files $f"; fi
done
# shellcheck disable=SC2086 # one path a word (no spaces in these folders)
if shellcheck -x -f gcc $files; then
	echo "shellcheck: 1 passed, 0 failed"
else
	echo "shellcheck: 0 passed, 1 failed (each finding above: fix it, or disable it on its line with the reason)"
	exit 1
fi
