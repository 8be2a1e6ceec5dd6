#!/bin/sh
# valgrind finds no leak and no memory error in full runs of restore,
# status and reset (links, then copies on a link-less disk).
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null 2>&1 || {
	[ "${CI:-}" = true ] && { echo "FAIL - valgrind missing under CI" >&2; exit 1; }
	echo "SKIP - valgrind not installed" >&2
	exit 77
}

vg() { # vg NAME ARGS...: the tool under valgrind; leaks of ours fail
	name=$1
	shift
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		--suppressions="$ROOT/tests/valgrind.supp" \
		"$GSYM" "$@" >"$TMP/out" 2>"$TMP/vg.log"
	rc=$?
	if [ "$rc" = 99 ]; then fail "valgrind: $name" "$(cat "$TMP/vg.log")"; else pass "valgrind: $name"; fi
}

"$FIXTURES/make-links.sh" "$TMP/src" >/dev/null
clone_placeholders "$TMP/src" "$TMP/c"
vg "status of placeholders" -C "$TMP/c" status --json
vg "full restore" -C "$TMP/c" restore
check "the restore under valgrind did its job" links_real "$TMP/c"
vg "no-op restore" -C "$TMP/c" restore
vg "reset" -C "$TMP/c" reset
vg "restore --fallback=copy on a tree of copies" -C "$TMP/c" restore --fallback=copy
vg "help" help restore
vg "usage error" restore --bogus
mkdir -p "$TMP/none"
vg "not a repository" -C "$TMP/none" status

# copies: make links fail the way a link-less disk does, without a mount
. "$(dirname "$0")/exfat.sh"
exfat_mount 128M
git clone -q "$TMP/src" "$EXFAT/c"
vg "full restore to copies (exFAT)" -C "$EXFAT/c" restore
check "copies made under valgrind" test -d "$EXFAT/c/dir-link"
vg "status of copies" -C "$EXFAT/c" status --json
vg "reset of copies" -C "$EXFAT/c" reset
finish
