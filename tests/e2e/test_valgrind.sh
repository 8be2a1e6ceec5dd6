#!/bin/sh
# valgrind finds no leak and no memory error in full runs of restore,
# status and reset (links, then copies on a link-less disk).
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null 2>&1 || {
	[ "${CI:-}" = true ] && { echo "FAIL - valgrind missing under CI" >&2; exit 1; }
	echo "SKIP - valgrind not installed" >&2
	exit 77
}

vg() { # vg NAME EXIT ARGS...: under valgrind, with the exit code expected
	name=$1
	want=$2
	shift 2
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		--suppressions="$ROOT/tests/valgrind.supp" \
		"$GSYM" "$@" >"$TMP/out" 2>"$TMP/vg.log"
	rc=$?
	# 99: valgrind found an error; anything else unexpected: a crash
	if [ "$rc" != "$want" ]; then
		fail "valgrind: $name (exit $rc, expected $want)" "$(cat "$TMP/vg.log")"
	else
		pass "valgrind: $name"
	fi
}

"$FIXTURES/make-links.sh" "$TMP/src" >/dev/null
clone_placeholders "$TMP/src" "$TMP/c"
vg "status of placeholders" 1 -C "$TMP/c" status --json
vg "full restore" 0 -C "$TMP/c" restore
check "the restore under valgrind did its job" links_real "$TMP/c"
vg "no-op restore" 0 -C "$TMP/c" restore
vg "reset" 0 -C "$TMP/c" reset
vg "restore --fallback=copy on a tree of copies" 0 -C "$TMP/c" restore --fallback=copy
vg "help" 0 help restore
vg "usage error" 129 restore --bogus
mkdir -p "$TMP/none"
vg "not a repository" 128 -C "$TMP/none" status

# copies: make links fail the way a link-less disk does, without a mount
. "$(dirname "$0")/exfat.sh"
exfat_mount 128M
git clone -q "$TMP/src" "$EXFAT/c"
vg "full restore to copies (exFAT)" 1 -C "$EXFAT/c" restore
check "copies made under valgrind" test -d "$EXFAT/c/dir-link"
vg "status of copies" 1 -C "$EXFAT/c" status --json
vg "reset of copies" 0 -C "$EXFAT/c" reset
finish
