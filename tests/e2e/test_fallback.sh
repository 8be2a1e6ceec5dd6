#!/bin/sh
# Fallbacks on a real link-less file system (exFAT), judged by real git.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exfat.sh"
exfat_mount 256M

"$FIXTURES/make-links.sh" "$TMP/src" >/dev/null
"$FIXTURES/make-branches.sh" "$TMP/src" >/dev/null

# git's own clone probe sets core.symlinks=false on this disk
git clone -q "$TMP/src" "$EXFAT/c"
c=$EXFAT/c
expect_eq "git set core.symlinks=false itself" "false" "$(git -C "$c" config core.symlinks)"

expect_rc "restore on exFAT exits 1 (unsafe entries listed)" 1 "$GSYM" -C "$c" restore
check "the escaping link is reported unsafe" grep -q "unsafe .*escaping" "$TMP/err"
"$GSYM" -C "$c" status --json >"$TMP/st.json"
jget() { jfield "$TMP/st.json" "$1" kind state; }
expect_eq "file link -> file copy" "copy ok" "$(jget file-link)"
expect_eq "dir link -> deep copy" "copy ok" "$(jget dir-link)"
expect_eq "link to link -> copy of the final target" "copy ok" "$(jget link-to-link)"
expect_eq "deep link pointing up -> copy" "copy ok" "$(jget sub/deep/er/up)"
expect_eq "escaping target never copied" "placeholder unsafe" "$(jget escaping)"
expect_eq "absolute target never copied" "placeholder unsafe" "$(jget absolute)"
expect_eq "dangling keeps its placeholder" "placeholder dangling" "$(jget dangling)"
expect_eq "cycle keeps its placeholder" "placeholder unsafe" "$(jget cycle-a)"

expect_eq "file copy has the target's content" "int lib(void);" "$(cat "$c/file-link")"
expect_eq "chain copies the final file" "int lib(void);" "$(cat "$c/link-to-link")"
check "deep copy holds the directory" cmp "$c/lib/include/lib.h" "$c/dir-link/include/lib.h"
check "deep copy keeps the executable bit" test -x "$c/dir-link/tool.sh"
check "file copy keeps the executable bit" test -x "$c/tool-link"
expect_eq "escaping placeholder untouched" "../outside-of-tree" "$(cat "$c/escaping")"
check "no file outside the tree" test ! -e "$EXFAT/outside-of-tree"

check "git status is clean" git_clean "$c"
fallbacks="aa-later
dir-link
dot-prefix
file-link
link-to-link
space link
sub/deep/er/up
tool-link
trailing-slash
ünïcode-link"
printf '%s\n' "$fallbacks" >"$TMP/fallbacks"
mech=$(hide_mech)
if [ "$mech" = fsmonitor ]; then
	expect_eq "git's fsmonitor trusts every fallback" "$fallbacks" \
		"$(fsmn_links "$c" | grep -Fx -f "$TMP/fallbacks" | LC_ALL=C sort)"
	check "core.fsmonitor runs our hook" fsmn_ours "$c"
	expect_eq "no skip-worktree bit" "" "$(skip_bits "$c")"
	check "no sparse checkout" test ! -e "$c/.git/info/sparse-checkout" -a -z "$(git -C "$c" config core.sparseCheckout)"
	check "git status says nothing of a sparse checkout" sh -c "! git -C '$c' status | grep -i sparse"
else
	# git before 2.42.1: what git cannot compare is behind the bit and
	# the sparse block; a copy of a file is clean to git by its stamp
	expect_eq "the skip-worktree bit on the directory copies alone" "dir-link
sub/deep/er/up
trailing-slash" "$(skip_bits "$c" | LC_ALL=C sort)"
	check "the sparse block hides them from git" grep -qx '!/dir-link' "$c/.git/info/sparse-checkout"
	expect_eq "and nothing else" 3 "$(grep -c '^!/' "$c/.git/info/sparse-checkout")"
	check "no core.fsmonitor" test -z "$(git -C "$c" config core.fsmonitor)"
fi
check "exclude block lists the directory fallbacks" grep -qx "/dir-link" "$c/.git/info/exclude"
check "state file records the fallbacks" grep -q "^copy	dir	.*	dir-link$" "$c/.git/symlinks/state"
check "git add -A keeps every link entry" tree_kept "$c"
check "git status still clean after add -A" git_clean "$c"

expect_rc "a second restore changes nothing (exit 1: unsafe remain)" 1 "$GSYM" -C "$c" restore
check "and says nothing to restore" grep -q "nothing to restore" "$TMP/out"

# --- a stale copy is refreshed, an edited one kept -------------------------------
printf 'int lib(long);\n' > "$c/lib/include/lib.h"
"$GSYM" -C "$c" status --json >"$TMP/st.json"
expect_eq "copy of a changed target is stale" "copy stale" "$(jget file-link)"
expect_eq "deep copy of a changed tree is stale" "copy stale" "$(jget dir-link)"
"$GSYM" -C "$c" restore -q
expect_eq "stale copy refreshed" "int lib(long);" "$(cat "$c/file-link")"
expect_eq "stale deep copy refreshed" "int lib(long);" "$(cat "$c/dir-link/include/lib.h")"
git -C "$c" checkout -q -- lib/include/lib.h
"$GSYM" -C "$c" restore -q

printf 'my edit\n' > "$c/tool-link"
echo extra > "$c/dir-link/extra.txt"
expect_rc "edited copies are left alone (exit 1)" 1 "$GSYM" -C "$c" restore
expect_eq "edited file copy kept" "my edit" "$(cat "$c/tool-link")"
expect_eq "and its edit kept aside too (git may still write over it)" "my edit" "$(cat "$c/.git/symlinks/backup/tool-link")"
check "the edited deep copy kept aside too" test -f "$c/.git/symlinks/backup/dir-link/extra.txt"
check "edited deep copy kept" test -f "$c/dir-link/extra.txt"
"$GSYM" -C "$c" status --json >"$TMP/st.json"
expect_eq "edited copy is modified" "copy modified" "$(jget tool-link)"
expect_eq "edited deep copy is modified" "copy modified" "$(jget dir-link)"
# an edit of a copy is a local change git sees, as any edited file (the
# sparse block keeps git's eyes off a directory copy, edited or not)
if [ "$mech" = fsmonitor ]; then
	expect_eq "git sees the edited copies" " D dir-link
 M tool-link" "$(git -C "$c" status --porcelain)"
	check_fails "a checkout that would replace the edited deep copy refuses" \
		git -C "$c" checkout -q dir-link-moved
else
	expect_eq "git sees the edited file copy" " M tool-link" "$(git -C "$c" status --porcelain)"
fi
check "the edit is still there" test -f "$c/dir-link/extra.txt"
expect_rc "--force replaces them (exit 1: the unsafe entries remain)" 1 "$GSYM" -C "$c" restore --force
check "--force left only the unsafe entries alone" sh -c "! grep -v '^unsafe ' '$TMP/err' | grep -q ."
expect_eq "edited file copy backed up" "my edit" "$(cat "$c/.git/symlinks/backup/tool-link")"
check "edited deep copy backed up" test -f "$c/.git/symlinks/backup/dir-link/extra.txt"
expect_eq "file copy fresh again" "$(cat "$c/lib/tool.sh")" "$(cat "$c/tool-link")"
check "deep copy fresh again" test ! -e "$c/dir-link/extra.txt"

# --- checkout of a branch where a *file* link changes: no reset needed -------------
check "checkout where a file link changes" git -C "$c" checkout -q file-link-moved
"$GSYM" -C "$c" restore -q
expect_eq "the copy follows the new target" "read me" "$(cat "$c/file-link")"
check "git status clean on the new branch" git_clean "$c"
check "link entries kept on the new branch" tree_kept "$c"
check "and back" git -C "$c" checkout -q main
"$GSYM" -C "$c" restore -q
expect_eq "the copy follows back" "int lib(void);" "$(cat "$c/file-link")"

# --- checkout where only a target changes: copies refreshed -------------------------
check "checkout where a target changes" git -C "$c" checkout -q target-changed
"$GSYM" -C "$c" restore -q
expect_eq "copy refreshed after checkout" "int lib(int);" "$(cat "$c/file-link")"
expect_eq "deep copy refreshed after checkout" "int lib(int);" "$(cat "$c/dir-link/include/lib.h")"
git -C "$c" checkout -q main && "$GSYM" -C "$c" restore -q

# --- a *directory* link changes: plain git checkout, then restore ------------------
check "checkout where a dir link changes" git -C "$c" checkout -q dir-link-moved
if [ "$mech" = fsmonitor ]; then
	check "git put the new link's placeholder there, as it would a link" test -f "$c/dir-link"
else
	check "git left the copy alone (sparse block)" test -f "$c/dir-link/include/lib.h"
fi
"$GSYM" -C "$c" restore -q
check "the deep copy follows the new target" test -f "$c/dir-link/README.md"
check "git status clean" git_clean "$c"
check "links kept" tree_kept "$c"
check "and back" git -C "$c" checkout -q main
"$GSYM" -C "$c" restore -q
check "the deep copy follows back" test -f "$c/dir-link/include/lib.h"
check "git status clean back on main" git_clean "$c"

# --- a mixed reset drops the marks (bits); restore puts them back --------------
# a mixed reset rewrites the entries that differ from the commit it moves to
hidden() {
	if [ "$mech" = fsmonitor ]; then
		fsmn_links "$c" | grep -Fx -f "$TMP/fallbacks"
	else
		skip_bits "$c"
	fi
}
marks=$(hidden)
orig=$(git -C "$c" rev-parse HEAD)
git -C "$c" reset -q origin/file-link-moved && git -C "$c" reset -q "$orig"
expect_eq "back on the original commit" "$orig" "$(git -C "$c" rev-parse HEAD)"
"$GSYM" -C "$c" restore -q
check "restore re-protects: git status clean" git_clean "$c"
expect_eq "every mark back" "$marks" "$(hidden)"
check "links kept after re-protection" tree_kept "$c"
# the same when every mark is dropped at once
if [ "$mech" = fsmonitor ]; then
	git -C "$c" ls-files -z | xargs -0 git -C "$c" update-index --no-fsmonitor-valid
	expect_eq "all marks dropped" "" "$(git -C "$c" ls-files -f | sed -n 's/^[a-z] //p')"
else
	git -C "$c" ls-files -z | xargs -0 git -C "$c" update-index --no-skip-worktree
	expect_eq "all bits dropped" "" "$(skip_bits "$c")"
fi
"$GSYM" -C "$c" restore -q
expect_eq "restore puts every mark back" "$marks" "$(hidden)"
check "git status clean again" git_clean "$c"

# --- reset: exactly what git wrote -----------------------------------------------------
git clone -q "$TMP/src" "$EXFAT/fresh"
expect_rc "reset exits 0" 0 "$GSYM" -C "$c" reset
expect_eq "reset leaves exactly git's placeholders" "$(snapshot "$EXFAT/fresh")" "$(snapshot "$c")"
expect_eq "no skip-worktree bit left" "" "$(skip_bits "$c")"
check "no exclude line left" sh -c "! grep -q git-symlinks '$c/.git/info/exclude'"
check "no sparse-checkout file left" test ! -e "$c/.git/info/sparse-checkout"
check "core.fsmonitor unset again" test -z "$(git -C "$c" config core.fsmonitor)"
expect_eq "git's sparse checkout off again" "" "$(git -C "$c" config --get core.sparseCheckout)"
check "no state left" test ! -e "$c/.git/symlinks/state"
check "git status clean after reset" git_clean "$c"
check "checkout of the dir-link branch works after reset" git -C "$c" checkout -q dir-link-moved

# --- hard links: exFAT has none, so the chain goes on to copies -------------------------
git clone -q "$TMP/src" "$EXFAT/hl"
"$GSYM" -C "$EXFAT/hl" restore -q --fallback=hardlink,copy
"$GSYM" -C "$EXFAT/hl" status --json >"$TMP/st.json"
expect_eq "hardlink unavailable: copy" "copy ok" "$(jget file-link)"
"$GSYM" -C "$EXFAT/hl" reset -q
expect_rc "--fallback=none keeps placeholders (unsafe)" 1 "$GSYM" -C "$EXFAT/hl" restore --fallback=none
check "placeholder kept with no fallback" test "$(cat "$EXFAT/hl/file-link")" = "lib/include/lib.h"

# --- a copied directory holding links that cannot be copied is not "edited" ----------
git init -q "$TMP/inner"
(cd "$TMP/inner" && mkdir -p dir build && echo a > dir/a && ln -s ../build/gen.h dir/gen &&
	ln -s /etc/passwd dir/abs && ln -s ../../outside dir/out && ln -s dir dl &&
	git add -A && git commit -qm m)
git clone -q "$TMP/inner" "$EXFAT/inner"
"$GSYM" -C "$EXFAT/inner" restore -q
"$GSYM" -C "$EXFAT/inner" status --json >"$TMP/st.json"
expect_eq "copy of a dir with uncopyable links is ok" "copy ok" "$(jget dl)"
echo b > "$EXFAT/inner/dir/a"
"$GSYM" -C "$EXFAT/inner" status --json >"$TMP/st.json"
expect_eq "and stale when its target changes" "copy stale" "$(jget dl)"
"$GSYM" -C "$EXFAT/inner" restore -q
expect_eq "then refreshed" "b" "$(cat "$EXFAT/inner/dl/a")"
"$GSYM" -C "$EXFAT/inner" status --json >"$TMP/st.json"
expect_eq "and ok again" "copy ok" "$(jget dl)"

# --- a copy of an empty file does not block git ------------------------------------------
git init -q "$TMP/empty"
(cd "$TMP/empty" && : >e1 && : >e2 && echo x >x && ln -s e1 el && git add -A && git commit -qm 1 &&
	rm el && ln -s x el && git add -A && git commit -qm 2 && git rm -q el && git commit -qm 3)
git clone -q "$TMP/empty" "$EXFAT/empty"
git -C "$EXFAT/empty" checkout -q HEAD~2
"$GSYM" -C "$EXFAT/empty" restore -q
expect_eq "empty target: an empty copy" "0" "$(wc -c <"$EXFAT/empty/el" | tr -d ' ')"
check "a checkout that changes it is not refused" git -C "$EXFAT/empty" checkout -q main~1
"$GSYM" -C "$EXFAT/empty" restore -q
expect_eq "the copy follows" "x" "$(cat "$EXFAT/empty/el")"
check "back to the empty one" git -C "$EXFAT/empty" checkout -q main~2
"$GSYM" -C "$EXFAT/empty" restore -q
check "a checkout that deletes the empty copy's link" git -C "$EXFAT/empty" checkout -q main
"$GSYM" -C "$EXFAT/empty" restore -q
check "it is gone" test ! -e "$EXFAT/empty/el"
check "git status clean" git_clean "$EXFAT/empty"

# --- .git targets are never copied -------------------------------------------------------
git init -q "$TMP/gitsrc"
(cd "$TMP/gitsrc" && ln -s .git/config cfg && ln -s sub/../.git g2 && echo x > f &&
	git add -A && git commit -qm m)
git clone -q "$TMP/gitsrc" "$EXFAT/g"
"$GSYM" -C "$EXFAT/g" restore -q
expect_eq ".git target keeps its placeholder" ".git/config" "$(cat "$EXFAT/g/cfg")"
expect_eq "a path into .git keeps its placeholder" "sub/../.git" "$(cat "$EXFAT/g/g2")"

# --- copies made on threads are the copies made one by one ---------------------------------
# 100 directory links (in a0..a9, taken first by two threads) whose
# targets d0..d9 hold 40 link entries each, made meanwhile by the other
# threads under temporary names: the same tree, and the same records, as
# one thread makes
git init -q "$TMP/many"
(cd "$TMP/many" && for d in 0 1 2 3 4 5 6 7 8 9; do
	mkdir "d$d" "a$d" && for f in 0 1 2 3 4; do echo "d$d f$f" >"d$d/f$f"; done
	for l in $(seq 0 39); do ln -s "../d$(((d + l) % 10))/f$((l % 5))" "d$d/l$l"; done
	for k in 0 1 2 3 4 5 6 7 8 9; do ln -s "../d$(((d + k) % 10))" "a$d/k$k"; done
done && git add -A && git commit -qm m)
for jobs in 1 4; do
	git clone -q "$TMP/many" "$EXFAT/many$jobs"
	expect_rc "many copies, $jobs thread(s): restore" 0 "$GSYM" -C "$EXFAT/many$jobs" restore -q --jobs "$jobs"
	# the records without what differs between two trees (stat data)
	cut -f1-4,6- "$EXFAT/many$jobs/.git/symlinks/state" >"$TMP/many$jobs.records"
done
snapshot "$EXFAT/many1" >"$TMP/many1.snap"
snapshot "$EXFAT/many4" >"$TMP/many4.snap"
check "many copies: 4 threads make the tree 1 thread makes" cmp "$TMP/many1.snap" "$TMP/many4.snap"
check "many copies: and the same records" cmp "$TMP/many1.records" "$TMP/many4.records"
expect_eq "many copies: 500 records" 502 "$(wc -l <"$TMP/many4.records" | tr -d ' ')"
expect_eq "a directory copy holds its links' targets" "d5 f1" "$(cat "$EXFAT/many4/a1/k3/l1")"
expect_eq "no temporary name was copied" "" "$(find "$EXFAT/many4" -name '*.gsym-*')"
"$GSYM" -C "$EXFAT/many4" status --json >"$TMP/many.json"
expect_eq "many copies: every one a copy, and ok" "500" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(e["kind"] == "copy" and e["state"] == "ok" for e in d["entries"]))' "$TMP/many.json")"
check "many copies: git status clean" git_clean "$EXFAT/many4"

finish
