#!/bin/sh
# Link entries that collide by case with other tracked paths, on a real
# case-insensitive disk (exFAT), judged by real git (issue 23): they are
# left alone in every mode, and every other entry keeps what git left.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exfat.sh"
exfat_mount 128M

"$FIXTURES/make-collide.sh" "$TMP/src" >/dev/null
colliding="A Docs/x LIB2 README TOOLS tools/d-link tools/t-link"

# git's clone on this disk: core.ignorecase, placeholders, one of each pair
git clone -q "$TMP/src" "$EXFAT/c" 2>"$TMP/clone.err"
c=$EXFAT/c
expect_eq "git set core.ignorecase itself" true "$(git -C "$c" config core.ignorecase)"
check "git warned that paths collided" grep -q "have collided" "$TMP/clone.err"

# what git left: every path's type, mode and bytes, and git status
state_of() {
	snapshot "$1" | grep -v -e ' \./ok-link' -e ' \./ok-dir' -e '^D \./ok-dir/'
}
git_st() { git -C "$1" status --porcelain --untracked-files=all 2>/dev/null; }
state_of "$c" >"$TMP/before"
# (git's first status after the clone still refreshes its stat data)
git_st "$c" >/dev/null
git_st "$c" >"$TMP/status.before"

# every colliding link is named with the path it collides with, unsafe
named() {
	"$GSYM" -C "$1" status --json >"$TMP/st.json" 2>/dev/null
	for p in $colliding; do
		s=$(jfield "$TMP/st.json" "$p" state)
		[ "$s" = unsafe ] || { echo "$p: $s"; return 1; }
		jfield "$TMP/st.json" "$p" reason | grep -q "^collides with '" ||
			{ echo "$p: $(jfield "$TMP/st.json" "$p" reason)"; return 1; }
	done
}
other_of() { jfield "$TMP/st.json" "$1" reason | sed -n "s/^collides with '\([^']*\)'.*/\1/p"; }

same_tree() {
	state_of "$1" >"$TMP/after"
	diff "$TMP/before" "$TMP/after" || return 1
	git_st "$1" >"$TMP/status.after"
	diff "$TMP/status.before" "$TMP/status.after"
}

for how in "" --force; do
	RUN="restore $how"
	expect_rc "exits 1: the colliding links are left alone" 1 "$GSYM" -C "$c" restore $how
	check "README named with readme" grep -q "README -> target.txt.*collides with 'readme'" "$TMP/err"
	check "LIB2 named with lib2/keep.txt" grep -q "LIB2 -> lib.*collides with 'lib2" "$TMP/err"
	check "every other path and its bytes are what git left" same_tree "$c"
	check "the fallbacks were made" test -d "$c/ok-dir" -a -f "$c/ok-link"
	expect_eq "ok-link is a copy" "target" "$(cat "$c/ok-link")"
	check "every colliding link is unsafe and named" named "$c"
	expect_eq "LIB2 collides with the directory lib2" "lib2/keep.txt" "$(other_of LIB2)"
	expect_eq "Docs/x: its parent collides with docs" "docs/guide.md" "$(other_of Docs/x)"
	expect_eq "A collides with a/ (CVE-2021-21300)" "a/post-checkout" "$(other_of A)"
	check "nothing backed up" test ! -e "$c/.git/symlinks/backup"
	check "no hook was written" test ! -e "$c/.git/hooks/post-checkout"
	check "readme keeps its bytes" grep -qx "readme, a tracked file" "$c/readme"
done
RUN=

expect_rc "reset exits 1 too" 1 "$GSYM" -C "$c" reset
RUN="reset" check "reset leaves them alone too" same_tree "$c"
expect_eq "reset puts the placeholders back" "target.txt" "$(cat "$c/ok-link")"
check "and the tree is exactly as git left it" sh -c "git -C '$c' status --porcelain --untracked-files=all 2>/dev/null | diff '$TMP/status.before' -"

# --- nothing half done: failures injected at each step of --force ----------
# (tests/e2e/failnth.c: the Nth rename() or lstat() of the run fails with
# EIO, as the FUSE driver failed them, or the run is killed after its Nth
# rename()). The edited copies ok-dir (a directory: moved aside) and
# ok-link (a file: copied aside) are replaced by --force; after each run
# each is whole: the edit in place, or a fresh copy with the edit backed up.
FAILNTH=${GSYM_FAILNTH:-$ROOT/build/tests/libfailnth.so}
if [ ! -f "$FAILNTH" ]; then
	[ "${CI:-}" != true ] || { fail "failnth.so missing under CI: $FAILNTH"; finish; exit 1; }
	echo "SKIP - injected failures: $FAILNTH not built" >&2
	finish
	exit $?
fi
git -C "$c" config symlinks.jobs 1
inject() {
	env LD_PRELOAD="$FAILNTH" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}
backup=$c/.git/symlinks/backup

# the two copies, made and then edited
edit() {
	rm -rf "$backup"
	"$GSYM" -C "$c" restore --force >/dev/null 2>&1
	rm -rf "$backup"
	printf 'mine\n' >"$c/ok-dir/mine.txt" && printf 'edited\n' >"$c/ok-link"
}
# each is whole: edited, or fresh with the edit in the backup
whole() {
	if [ -f "$c/ok-dir/mine.txt" ]; then :
	elif [ -f "$c/ok-dir/x.h" ] && grep -rqx mine "$backup" 2>/dev/null; then :
	else echo "ok-dir is half done: $(ls -a "$c/ok-dir" "$backup" 2>&1)"; return 1; fi
	case $(cat "$c/ok-link" 2>&1) in
	edited) ;;
	target) grep -rqx edited "$backup" || { echo "ok-link replaced without its backup"; return 1; } ;;
	*) echo "ok-link is half done: $(cat "$c/ok-link" 2>&1)"; return 1 ;;
	esac
	state_of "$c" | grep -v -e ' \./\.git' >"$TMP/after"
	diff "$TMP/before" "$TMP/after" || return 1
}
no_leftovers() {
	left=$(find "$c" -path "$c/.git" -prune -o -name '*.gsym-*' -print)
	[ -z "$left" ] || { echo "$left"; return 1; }
	whole
}

edit
rm -f "$TMP/count"
GSYM_FAIL_COUNT=$TMP/count inject "$GSYM" -C "$c" restore --force >/dev/null 2>&1
read -r nrename nlstat <"$TMP/count"
check "a --force run renames and lstats (counted: $nrename, $nlstat)" test "$nrename" -ge 3 -a "$nlstat" -ge 10
check "and replaced both edited copies" sh -c "[ ! -e '$c/ok-dir/mine.txt' ] && grep -qx target '$c/ok-link'"

n=1
while [ "$n" -le "$nrename" ]; do
	edit
	RUN="rename $n of $nrename fails"
	GSYM_FAIL_RENAME=$n inject "$GSYM" -C "$c" restore --force >"$TMP/out" 2>&1
	check "each copy is whole: the edit, or a fresh copy and its backup" whole
	"$GSYM" -C "$c" restore --force >/dev/null 2>&1
	check "the next run finishes it, nothing left over" no_leftovers
	edit
	RUN="killed after rename $n of $nrename"
	GSYM_KILL_RENAME=$n inject "$GSYM" -C "$c" restore --force >/dev/null 2>&1
	if [ "$n" = 1 ]; then
		# killed right after moving ok-dir aside: the journal says so
		check "the move aside is journaled" grep -q "^aside	.*	ok-dir\$" "$c/.git/symlinks/journal"
		check "ok-dir is gone from the tree" test ! -e "$c/ok-dir"
	fi
	"$GSYM" -C "$c" restore >"$TMP/out" 2>&1
	check "the next run finishes or undoes it" no_leftovers
	[ "$n" != 1 ] || check "undoes it: ok-dir is put back, edit and all" test -f "$c/ok-dir/mine.txt"
	n=$((n + 1))
done
n=1
while [ "$n" -le "$nlstat" ]; do
	edit
	RUN="lstat $n of $nlstat fails"
	GSYM_FAIL_LSTAT=$n inject "$GSYM" -C "$c" restore --force >"$TMP/out" 2>&1
	check "each copy is whole" whole
	"$GSYM" -C "$c" restore --force >/dev/null 2>&1
	check "the next run finishes it, nothing left over" no_leftovers
	n=$((n + 1))
done
RUN=

# --- --force never replaces a file without its backup ---------------------
edit
rm -rf "$backup" && printf 'not a directory\n' >"$backup"
expect_rc "--force with no room for the backup exits 1" 1 "$GSYM" -C "$c" restore --force
check "and says nothing was replaced" grep -q "nothing was replaced" "$TMP/err"
expect_eq "the edited copy is untouched" edited "$(cat "$c/ok-link")"
check "the edited directory copy too" test -f "$c/ok-dir/mine.txt"
rm -f "$backup"

finish
