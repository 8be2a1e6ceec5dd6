#!/bin/sh
# A day of plain git commands on a link-less disk with the hooks installed:
# each passes as typed, and ends with every link at its best fallback, git
# status clean and nothing lost. Real git is the judge. Twice: on exFAT
# (copies and deep copies), and on a disk with hard links but no symlinks
# (symlinks.fallback=hardlink,copy: hard links for files).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exfat.sh"
exfat_mount 256M
hardlinks_mount

run_rows() { # run_rows DISK FALLBACK
RUN=$(basename "$1")
rm -rf "$TMP/src"
"$FIXTURES/make-workflows.sh" "$TMP/src" >/dev/null
git clone -q "$TMP/src" "$1/c"
c=$1/c
[ -z "$2" ] || git -C "$c" config symlinks.fallback "$2"
for b in retarget delete add types content side conflict; do
	git -C "$c" branch -q "$b" "origin/$b"
done
check "install the hooks" "$GSYM" -C "$c" install-hooks
check "first restore" "$GSYM" -C "$c" restore -q

# every link entry at its best (status exits 0: copies equal their
# targets, nothing pending, stale or modified), and the tree as the index
best_in() {
	"$GSYM" -C "$1" status >"$TMP/st" 2>&1 || { cat "$TMP/st"; return 1; }
	git_clean "$1"
}
best() { best_in "$c"; }
# the working tree matches the index (staged changes allowed)
best_wt() {
	"$GSYM" -C "$c" status >"$TMP/st" 2>&1 || { cat "$TMP/st"; return 1; }
	git -C "$c" diff --quiet || { git -C "$c" diff --stat; return 1; }
	o=$(git -C "$c" ls-files -o --exclude-standard)
	[ -z "$o" ] || { echo "untracked: $o"; return 1; }
}
# g DESC GIT-ARGS...: git must succeed, then everything at its best
g() {
	desc=$1
	shift
	check "$desc" git -C "$c" "$@"
	check "$desc: links at their best, git status clean" best
}
sums() { (cd "$c" && find d e -type f ! -name gen | LC_ALL=C sort | xargs md5sum); }
# conflicts DESC: merging the branch conflict must stop; a merge git
# refused to start (no MERGE_HEAD) says why here
conflicts() {
	if out=$(git -C "$c" merge -q --no-edit conflict 2>&1); then fail "$1 (succeeded)" "$out"; else pass "$1"; fi
	[ -f "$c/.git/MERGE_HEAD" ] || { echo "merge not started: $out" >&2; git -C "$c" status --porcelain >&2; }
}
tracked=$(sums)

check "starts at its best" best
expect_eq "file copy" "f1" "$(cat "$c/fl")"
check "directory copy" test -f "$c/dl/g"
expect_eq "copy of an empty file" "0" "$(wc -c <"$c/el" | tr -d ' ')"
if [ -n "$2" ]; then
	expect_eq "a hard link where the disk has them" "$(stat -c %i "$c/d/f")" "$(stat -c %i "$c/fl")"
fi
git -C "$c" checkout -q -b work

# --- checkout / switch ----------------------------------------------------------
g "checkout: links retargeted" checkout -q retarget
expect_eq "file copy follows" "h1" "$(cat "$c/fl")"
check "directory copy follows" test -f "$c/dl/h"
expect_eq "empty-file copy follows" "f1" "$(cat "$c/el")"
g "switch back" switch -q work
expect_eq "file copy back" "f1" "$(cat "$c/fl")"
check "directory copy back" test -f "$c/dl/f"
g "checkout: links deleted" checkout -q delete
check "directory copy gone" test ! -e "$c/dl"
check "file copy gone" test ! -e "$c/fl"
check "empty copy gone" test ! -e "$c/el"
g "checkout: links come back" checkout -q work
g "checkout: links added" checkout -q add
check "new directory copy" test -f "$c/nl/h"
expect_eq "new file copy" "h1" "$(cat "$c/nf")"
g "checkout work" checkout -q work
g "checkout: types change" checkout -q types
check "link to regular file" test "$(cat "$c/tl")" = regular
check "file link to dir link" test -f "$c/ul/h"
check "link to a directory of tracked files" test "$(cat "$c/vl/x")" = x
g "checkout: and back" checkout -q work
expect_eq "regular file to link" "g1" "$(cat "$c/tl")"
expect_eq "dir link to file link" "f1" "$(cat "$c/ul")"
check "directory of files to link" test -f "$c/vl/h"
g "checkout: only targets change" checkout -q content
expect_eq "file copy refreshed" "f2" "$(cat "$c/fl")"
expect_eq "directory copy refreshed" "f2" "$(cat "$c/dl/f")"
expect_eq "empty target became full" "now-full" "$(cat "$c/el")"
g "checkout: target empty again" checkout -q work
expect_eq "copy empty again" "0" "$(wc -c <"$c/el" | tr -d ' ')"
g "checkout -f" checkout -q -f retarget
g "checkout -f back" checkout -q -f work

# --- reset ---------------------------------------------------------------------------
g "reset --hard REV" reset -q --hard retarget
expect_eq "reset --hard: file copy" "h1" "$(cat "$c/fl")"
g "reset --hard back" reset -q --hard base
if [ "$(hide_mech)" = fsmonitor ]; then
	# the index alone changes: the fallbacks stay the old version, as
	# real links would, and git and the tool both see them modified
	# (hard links carry the marks as copies do)
	check "mixed reset" git -C "$c" reset -q retarget
	expect_eq "the fallbacks stay the old version" "f1" "$(cat "$c/fl")"
	expect_eq "git sees them modified, as real links" " D dl
 M el
 M fl" "$(git -C "$c" status --porcelain --untracked-files=no)"
	expect_rc "the tool says modified" 1 "$GSYM" -C "$c" status
else
	# behind the sparse block git does not look: the hooks follow the index
	g "mixed reset" reset -q retarget
fi
g "then reset --hard" reset -q --hard base
expect_eq "reset --hard after mixed: file copy" "f1" "$(cat "$c/fl")"
check "and the directory copy" test -f "$c/dl/f"

# --- merge, rebase, cherry-pick ----------------------------------------------------------
g "merge: fast-forward" merge -q --ff-only retarget
g "reset for the next" reset -q --hard base
git -C "$c" checkout -q -b tm side
g "merge: true merge" merge -q --no-edit retarget
expect_eq "merged: file copy" "h1" "$(cat "$c/fl")"
git -C "$c" checkout -q -b cf retarget
conflicts "merge: a conflict on a link entry stops, as git does"
expect_eq "nothing lost in the conflict" "$tracked" "$(sums)"
g "merge --abort" merge --abort
expect_eq "after the abort: file copy" "h1" "$(cat "$c/fl")"
conflicts "merge the conflict again"
check "take theirs" git -C "$c" checkout -q --theirs -- fl
check "mark it resolved" git -C "$c" add fl
g "commit the merge" commit -q --no-edit
expect_eq "resolved: file copy" "g1" "$(cat "$c/fl")"
expect_eq "resolved link kept as a link" "120000" "$(git -C "$c" ls-files -s fl | cut -c1-6)"
# an edited copy whose link then gets a conflict: git writes the link with
# force, but the hook that ran after the next index write kept the edit
# (copies only: a hard link's edit is its target's, as a real link's is)
if [ -z "$2" ]; then
	git -C "$c" checkout -q -b cf2 retarget
	echo "my edit" >"$c/fl"
	echo more >>"$c/README" && check "an index write after the edit" git -C "$c" add README
	git -C "$c" commit -q -m "local change"
	check_fails "a conflict on the edited copy's link" git -C "$c" merge -q --no-edit conflict
	expect_eq "the edit was kept aside" "my edit" "$(cat "$c/.git/symlinks/backup/fl")"
	g "merge --abort" merge --abort
	check "and the copy itself back" "$GSYM" -C "$c" restore -q --force
fi
git -C "$c" checkout -q -b rb retarget
g "rebase a pick that changes links" rebase -q side
expect_eq "rebased: file copy" "h1" "$(cat "$c/fl")"
git -C "$c" checkout -q -b cp base
g "cherry-pick" cherry-pick retarget
expect_eq "picked: directory copy" "h1" "$(cat "$c/dl/h")"

# --- stash, pull -----------------------------------------------------------------------------
git -C "$c" checkout -q work
echo local >>"$c/README"
g "stash" stash -q
check "stash pop" git -C "$c" stash pop -q
expect_eq "the edit is back" "local" "$(tail -1 "$c/README")"
check "links at their best after the pop" "$GSYM" -C "$c" status
git -C "$c" checkout -q -- README
(cd "$TMP/src" && git checkout -q main && rm dl && ln -s e dl && git commit -qam "upstream")
git -C "$c" checkout -q main
g "pull" pull -q --ff-only
check "pulled: directory copy follows" test -f "$c/dl/h"

# --- checkout REV -- paths, restore --source, clean, worktrees -----------------------------
check "checkout REV -- ." git -C "$c" checkout -q base -- .
check "links at their best, tree as the index" best_wt
expect_eq "checked-out paths: directory copy" "f1" "$(cat "$c/dl/f")"
g "reset --hard after it" reset -q --hard origin/main
check "restore --source=REV :/" git -C "$c" restore --source=base :/
# as with a real link: the tree holds another version, and git shows it
expect_eq "git shows the restored version as a change" " M dl" "$(git -C "$c" status --porcelain)"
expect_eq "it is the version asked for" "d" "$(cat "$c/dl")"
g "reset --hard puts it back" reset -q --hard origin/main
check "the directory copy is back" test -f "$c/dl/h"
g "clean -fdx" clean -q -fdx
check "clean left the directory copy" test -f "$c/dl/h"
check "worktree add" git -C "$c" worktree add -q "$1/wt" retarget
check "the new worktree: links at their best" best_in "$1/wt"
expect_eq "its file copy" "h1" "$(cat "$1/wt/fl")"
check "the first worktree still at its best" best
check "worktree remove" git -C "$c" worktree remove "$1/wt"
check "after worktree remove: at its best" best
expect_eq "nothing tracked was lost" "$(cd "$TMP/src" && git checkout -q main && find d e -type f ! -name gen | LC_ALL=C sort | xargs md5sum)" "$(sums)"

}
run_rows "$EXFAT" ""
run_rows "$HLFS" hardlink,copy
RUN=

finish
