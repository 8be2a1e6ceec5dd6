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

finish
